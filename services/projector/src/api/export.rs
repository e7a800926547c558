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
use utoipa::IntoParams;

use super::error::{ApiError, refused};
use super::official::Official;
use super::openapi::{Failed, FileBytes, ReadRefusals};
use super::params::{DayQuery, PathOf, ProvincePath, QueryOf, RankQuery, ReviewQuery, WardPath};
use crate::shared::Shared;

/// `?locale=`: whose conventions a CSV follows, read apart from the answer's own parameters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    /// machine (the default: commas, decimal point) or vi (for a Vietnamese-locale spreadsheet:
    /// semicolons, decimal comma; the file name ends in -vi.csv).
    #[serde(default, deserialize_with = "locale")]
    #[param(schema_with = locale_names)]
    pub locale: Locale,
}

/// The names `locale` takes.
fn locale_names() -> utoipa::openapi::schema::ObjectBuilder {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(ehb_forms::Locale::NAMES))
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
async fn review(
    format: FileFormat,
    State(shared): State<Arc<Shared>>,
    official: Official,
    QueryOf(q): QueryOf<ReviewQuery>,
) -> Result<Response, ApiError> {
    let province = official.review_scope(q.province)?;
    let review = shared
        .projection_read()
        .two_day_review(province, q.date, q.average, q.rate)
        .map_err(refused)?;
    file(format, &review.table(), &review.file_name())
}

/// `GET /v1/provinces/{province}/summary.csv` and `.xlsx`: the province summary form.
async fn summary(
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
async fn groups(
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

/// The two-day review as a report table (CSV, UTF-8 with a byte-order mark).
#[utoipa::path(get, path = "/v1/review.csv", tag = "exports", params(ReviewQuery, FileQuery),
    security(("official_token" = [])),
    responses((status = 200, description = "The form", body = String, content_type = "text/csv"), ReadRefusals, Failed))]
pub async fn review_csv(
    state: State<Arc<Shared>>,
    official: Official,
    query: QueryOf<ReviewQuery>,
    // Read after the token: a stranger is refused before a bad value is named.
    QueryOf(file): QueryOf<FileQuery>,
) -> Result<Response, ApiError> {
    review(
        FileFormat::Csv.localized(file.locale),
        state,
        official,
        query,
    )
    .await
}

/// The two-day review as a report table (XLSX, set up to print on A4 under an administrative
/// heading).
#[utoipa::path(get, path = "/v1/review.xlsx", tag = "exports", params(ReviewQuery),
    security(("official_token" = [])),
    responses((status = 200, description = "The form", body = FileBytes, content_type = XLSX), ReadRefusals, Failed))]
pub async fn review_xlsx(
    state: State<Arc<Shared>>,
    official: Official,
    query: QueryOf<ReviewQuery>,
) -> Result<Response, ApiError> {
    review(FileFormat::Xlsx, state, official, query).await
}

/// The province summary as a report table (CSV, UTF-8 with a byte-order mark).
#[utoipa::path(get, path = "/v1/provinces/{province}/summary.csv", tag = "exports",
    params(ProvincePath, RankQuery, FileQuery), security(("official_token" = [])),
    responses((status = 200, description = "The form", body = String, content_type = "text/csv"), ReadRefusals, Failed))]
pub async fn summary_csv(
    state: State<Arc<Shared>>,
    official: Official,
    path: PathOf<ProvincePath>,
    query: QueryOf<RankQuery>,
    // Read after the token: a stranger is refused before a bad value is named.
    QueryOf(file): QueryOf<FileQuery>,
) -> Result<Response, ApiError> {
    summary(
        FileFormat::Csv.localized(file.locale),
        state,
        official,
        path,
        query,
    )
    .await
}

/// The province summary as a report table (XLSX, set up to print on A4 under an administrative
/// heading).
#[utoipa::path(get, path = "/v1/provinces/{province}/summary.xlsx", tag = "exports",
    params(ProvincePath, RankQuery), security(("official_token" = [])),
    responses((status = 200, description = "The form", body = FileBytes, content_type = XLSX), ReadRefusals, Failed))]
pub async fn summary_xlsx(
    state: State<Arc<Shared>>,
    official: Official,
    path: PathOf<ProvincePath>,
    query: QueryOf<RankQuery>,
) -> Result<Response, ApiError> {
    summary(FileFormat::Xlsx, state, official, path, query).await
}

/// A ward's residential groups as a report table (CSV, UTF-8 with a byte-order mark).
#[utoipa::path(get, path = "/v1/wards/{ward}/groups.csv", tag = "exports",
    params(WardPath, DayQuery, FileQuery), security(("official_token" = [])),
    responses((status = 200, description = "The form", body = String, content_type = "text/csv"), ReadRefusals, Failed))]
pub async fn groups_csv(
    state: State<Arc<Shared>>,
    official: Official,
    path: PathOf<WardPath>,
    query: QueryOf<DayQuery>,
    // Read after the token: a stranger is refused before a bad value is named.
    QueryOf(file): QueryOf<FileQuery>,
) -> Result<Response, ApiError> {
    groups(
        FileFormat::Csv.localized(file.locale),
        state,
        official,
        path,
        query,
    )
    .await
}

/// A ward's residential groups as a report table (XLSX, set up to print on A4 under an
/// administrative heading).
#[utoipa::path(get, path = "/v1/wards/{ward}/groups.xlsx", tag = "exports",
    params(WardPath, DayQuery), security(("official_token" = [])),
    responses((status = 200, description = "The form", body = FileBytes, content_type = XLSX), ReadRefusals, Failed))]
pub async fn groups_xlsx(
    state: State<Arc<Shared>>,
    official: Official,
    path: PathOf<WardPath>,
    query: QueryOf<DayQuery>,
) -> Result<Response, ApiError> {
    groups(FileFormat::Xlsx, state, official, path, query).await
}

/// The media type of a workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

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
