//! The query API: officials' questions as JSON over HTTP, versioned under `/v1`.

mod answers;
pub mod error;
pub mod export;
mod metrics;
pub mod official;
pub mod openapi;
pub mod pages;
pub mod params;
mod queries;
mod status;
mod traffic;

use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};

use crate::shared::Shared;
use error::ApiError;
use queries::{daily, days, groups, province_series, provinces, review, series, summary, whoami};

/// The API's routes over the shared state.
pub fn router(shared: Arc<Shared>) -> Router {
    pages::routes(Router::new())
        .route("/v1/whoami", get(whoami))
        .route("/openapi.json", get(|| async { Json(openapi::document()) }))
        .route("/v1/wards/{ward}/daily", get(daily))
        .route("/v1/wards/{ward}/series", get(series))
        .route("/v1/wards/{ward}/groups", get(groups))
        .route("/v1/wards/{ward}/groups.csv", get(export::groups_csv))
        .route("/v1/wards/{ward}/groups.xlsx", get(export::groups_xlsx))
        .route("/v1/provinces/{province}/summary", get(summary))
        .route("/v1/provinces/{province}/series", get(province_series))
        .route("/v1/days", get(days))
        .route("/v1/provinces", get(provinces))
        .route("/v1/review", get(review))
        .route("/v1/review.csv", get(export::review_csv))
        .route("/v1/review.xlsx", get(export::review_xlsx))
        .route(
            "/v1/provinces/{province}/summary.csv",
            get(export::summary_csv),
        )
        .route(
            "/v1/provinces/{province}/summary.xlsx",
            get(export::summary_xlsx),
        )
        .route("/v1/status", get(status::status))
        .route("/v1/rejects", get(status::rejects))
        .route("/v1/digest", get(status::digest))
        .route("/metrics", get(metrics::metrics))
        .route("/healthz", get(status::healthz))
        .route("/readyz", get(status::ready))
        .fallback(|| async { ApiError::not_found("path", "no such endpoint; see /openapi.json") })
        .method_not_allowed_fallback(|| async { error::get_only() })
        .layer(axum::middleware::from_fn(traffic::entity_tags))
        // Outside the tags, so that a tag names the figures whatever the encoding.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .gzip(true)
                .quality(tower_http::CompressionLevel::Fastest),
        )
        .with_state(shared)
}
