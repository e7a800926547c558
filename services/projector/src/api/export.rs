//! The two-day review, the province summary and a ward's residential groups as files an official
//! can forward (CSV and XLSX, written by `ehb-forms`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ehb_forms::FileFormat;
use ehb_projection::query::table::ReportTable;

use super::error::ApiError;
use super::official::Official;
use super::params::{self, Params, QueryMap};
use crate::shared::Shared;

/// `GET /v1/review.csv` and `/v1/review.xlsx`: the two-day review form (same parameters as
/// `/v1/review`).
pub async fn review(
    format: FileFormat,
    State(shared): State<Arc<Shared>>,
    official: Official,
    query: QueryMap,
) -> Result<Response, ApiError> {
    let params = Params::from(query)?;
    let province = official.review_scope(params.province("province")?)?;
    let (day, average, basis) = (params.day("date")?, params.average()?, params.basis()?);
    let review = shared
        .projection_read()
        .two_day_review(province, day, average, basis)?;
    file(format, &review.table(), &review.file_name())
}

/// `GET /v1/provinces/{province}/summary.csv` and `.xlsx`: the province summary form.
pub async fn summary(
    format: FileFormat,
    State(shared): State<Arc<Shared>>,
    official: Official,
    Path(province): Path<String>,
    query: QueryMap,
) -> Result<Response, ApiError> {
    let params = Params::from(query)?;
    let province = params::province(&province)?;
    official.province(province)?;
    let (day, average, basis) = (params.day("date")?, params.average()?, params.basis()?);
    let review = shared
        .projection_read()
        .two_day_review(Some(province), day, average, basis)?;
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
    Path(ward): Path<String>,
    query: QueryMap,
) -> Result<Response, ApiError> {
    let day = Params::from(query)?.day("date")?;
    let projection = shared.projection_read();
    let ward = official.readable_ward(&projection, &ward)?;
    let groups = projection.groups(ward, day)?;
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
