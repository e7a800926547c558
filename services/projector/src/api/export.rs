//! The two-day review, the province summary and a ward's residential groups as files an official
//! can forward (CSV for programs or a Vietnamese-locale spreadsheet, and XLSX, written by
//! `ehb-forms`).

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ehb_forms::{FileFormat, Locale};
use ehb_projection::query::table::ReportTable;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use super::error::{ApiError, refused};
use super::official::Official;
use super::params::{DayQuery, PathOf, ProvincePath, QueryOf, RankQuery, WardPath};
use crate::shared::Shared;

/// `?locale=`: whose conventions a CSV follows, read apart from the answer's own parameters.
#[derive(Deserialize)]
pub struct FileQuery {
    /// `machine` (the default: commas, decimal point) or `vi` (semicolons, decimal comma).
    #[serde(default, deserialize_with = "locale")]
    pub locale: Locale,
}

fn locale<'de, D: Deserializer<'de>>(d: D) -> Result<Locale, D::Error> {
    let text = String::deserialize(d)?;
    if text.is_empty() {
        return Ok(Locale::default());
    }
    text.parse()
        .map_err(|e: ehb_forms::UnknownLocale| D::Error::custom(e.to_string()))
}

/// `GET /v1/review.csv` and `/v1/review.xlsx`: the two-day review form (same parameters as
/// `/v1/review`; the CSV's locale is the route's, from [`FileQuery`]).
pub async fn review(
    format: FileFormat,
    State(shared): State<Arc<Shared>>,
    official: Official,
    QueryOf(q): QueryOf<RankQuery>,
) -> Result<Response, ApiError> {
    let province = official.review_scope(q.province)?;
    let review = shared
        .projection_read()
        .two_day_review(province, q.date, q.average, q.rate)
        .map_err(refused)?;
    file(format, &review.table(), &review.file_name())
}

/// `GET /v1/provinces/{province}/summary.csv` and `.xlsx`: the province summary form.
pub async fn summary(
    format: FileFormat,
    State(shared): State<Arc<Shared>>,
    official: Official,
    PathOf(ProvincePath { province }): PathOf<ProvincePath>,
    QueryOf(q): QueryOf<RankQuery>,
) -> Result<Response, ApiError> {
    official.province(province)?;
    let review = shared
        .projection_read()
        .two_day_review(Some(province), q.date, q.average, q.rate)
        .map_err(refused)?;
    let Some(one) = review.provinces.first() else {
        return Err(ApiError::not_found(
            "province",
            format!("province {province} has no ward"),
        ));
    };
    let name = format!("tong-hop-{province}-{}", review.date);
    file(format, &review.summary_table(one), &name)
}

/// `GET /v1/wards/{ward}/groups.csv` and `.xlsx`: the ward's residential groups form.
pub async fn groups(
    format: FileFormat,
    State(shared): State<Arc<Shared>>,
    official: Official,
    PathOf(WardPath { ward }): PathOf<WardPath>,
    QueryOf(q): QueryOf<DayQuery>,
) -> Result<Response, ApiError> {
    let projection = shared.projection_read();
    official.readable_ward(&projection, ward)?;
    let groups = projection.groups(ward, q.date).map_err(refused)?;
    file(format, &groups.table(), &groups.file_name())
}

fn file(format: FileFormat, table: &ReportTable, name: &str) -> Result<Response, ApiError> {
    let bytes = format.write(table).map_err(|err| {
        tracing::error!(error = %err, "ExportFailed");
        ApiError::internal(err.to_string())
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, format.disposition(name)),
        ],
        bytes,
    )
        .into_response())
}
