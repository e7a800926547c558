//! The query API: officials' questions as JSON over HTTP, versioned under `/v1`.

pub mod error;
pub mod export;
pub mod official;
pub mod params;
mod status;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use ehb_projection::query::series::MAX_SERIES_DAYS;

use crate::shared::Shared;
use error::ApiError;
use export::FileFormat;
use official::Official;
use params::{Params, QueryMap};

/// The API's routes over the shared state.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/v1/wards/{ward}/daily", get(daily))
        .route("/v1/wards/{ward}/series", get(series))
        .route("/v1/provinces/{province}/summary", get(summary))
        .route("/v1/review", get(review))
        .route(
            "/v1/review.csv",
            get(|s, o, q| export::review(FileFormat::Csv, s, o, q)),
        )
        .route(
            "/v1/review.xlsx",
            get(|s, o, q| export::review(FileFormat::Xlsx, s, o, q)),
        )
        .route(
            "/v1/provinces/{province}/summary.csv",
            get(|s, o, p, q| export::summary(FileFormat::Csv, s, o, p, q)),
        )
        .route(
            "/v1/provinces/{province}/summary.xlsx",
            get(|s, o, p, q| export::summary(FileFormat::Xlsx, s, o, p, q)),
        )
        .route("/v1/status", get(status::status))
        .route("/v1/rejects", get(status::rejects))
        .route("/v1/digest", get(status::digest))
        .route("/metrics", get(status::metrics))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(status::ready))
        .fallback(|| async {
            ApiError::not_found("path", "no such endpoint; see GET / for the list")
        })
        .with_state(shared)
}

async fn daily(
    State(shared): State<Arc<Shared>>,
    official: Official,
    Path(ward): Path<String>,
    query: QueryMap,
) -> Result<impl IntoResponse, ApiError> {
    let params = Params::from(query)?;
    let ward = params::ward(&ward)?;
    let day = params.day("date")?;
    let projection = shared.projection_read();
    official.ward(ward, projection.ward(ward).map(|w| w.meta.province))?;
    let answer = projection.daily(ward, day)?;
    Ok(Json(answer))
}

async fn series(
    State(shared): State<Arc<Shared>>,
    official: Official,
    Path(ward): Path<String>,
    query: QueryMap,
) -> Result<impl IntoResponse, ApiError> {
    let params = Params::from(query)?;
    let ward = params::ward(&ward)?;
    let (from, to) = (params.day("from")?, params.day("to")?);
    let projection = shared.projection_read();
    let province = projection.ward(ward).map(|w| w.meta.province);
    official.ward(ward, province)?;
    let to = match to.or_else(|| province.and_then(|p| projection.latest_day(Some(p)))) {
        Some(to) => to,
        None => {
            return Err(ApiError::not_found(
                "ward",
                format!("ward {ward} is not known: no event has named it"),
            ));
        }
    };
    let from = from.unwrap_or_else(|| to.plus(-29));
    if to.ordinal() - from.ordinal() >= MAX_SERIES_DAYS {
        return Err(ApiError::bad_request(
            "from",
            format!("a series spans at most {MAX_SERIES_DAYS} days"),
        ));
    }
    Ok(Json(projection.series(ward, from, to)?))
}

async fn summary(
    State(shared): State<Arc<Shared>>,
    official: Official,
    Path(province): Path<String>,
    query: QueryMap,
) -> Result<impl IntoResponse, ApiError> {
    let params = Params::from(query)?;
    let province = params::province(&province)?;
    official.province(province)?;
    let (day, average, basis) = (params.day("date")?, params.average()?, params.basis()?);
    let answer = shared
        .projection_read()
        .province_summary(province, day, average, basis)?;
    Ok(Json(answer))
}

async fn review(
    State(shared): State<Arc<Shared>>,
    official: Official,
    query: QueryMap,
) -> Result<impl IntoResponse, ApiError> {
    let params = Params::from(query)?;
    let province = official.review_scope(params.province("province")?)?;
    let (day, average, basis) = (params.day("date")?, params.average()?, params.basis()?);
    let answer = shared
        .projection_read()
        .two_day_review(province, day, average, basis)?;
    Ok(Json(answer))
}

async fn index() -> impl IntoResponse {
    Html(include_str!("index.html"))
}
