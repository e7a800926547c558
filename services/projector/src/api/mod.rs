//! The query API: officials' questions as JSON over HTTP, versioned under `/v1`.

pub mod error;
pub mod export;
mod metrics;
pub mod official;
pub mod openapi;
pub mod pages;
pub mod params;
mod status;
mod traffic;

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use ehb_projection::query::series::MAX_SERIES_DAYS;

use crate::access::Scope;
use crate::shared::Shared;
use ehb_forms::FileFormat;
use error::{ApiError, refused};
use export::FileQuery;
use official::Official;
use params::{DayQuery, DaysQuery, PathOf, ProvincePath, QueryOf, RankQuery, SpanQuery, WardPath};

/// The API's routes over the shared state.
pub fn router(shared: Arc<Shared>) -> Router {
    pages::routes(Router::new())
        .route("/v1/whoami", get(whoami))
        .route("/openapi.json", get(|| async { Json(openapi::document()) }))
        .route("/v1/wards/{ward}/daily", get(daily))
        .route("/v1/wards/{ward}/series", get(series))
        .route("/v1/wards/{ward}/groups", get(groups))
        .route(
            "/v1/wards/{ward}/groups.csv",
            get(|QueryOf(f): QueryOf<FileQuery>, s, o, p, q| {
                export::groups(FileFormat::Csv.localized(f.locale), s, o, p, q)
            }),
        )
        .route(
            "/v1/wards/{ward}/groups.xlsx",
            get(|s, o, p, q| export::groups(FileFormat::Xlsx, s, o, p, q)),
        )
        .route("/v1/provinces/{province}/summary", get(summary))
        .route("/v1/provinces/{province}/series", get(province_series))
        .route("/v1/days", get(days))
        .route("/v1/provinces", get(provinces))
        .route("/v1/review", get(review))
        .route(
            "/v1/review.csv",
            get(|QueryOf(f): QueryOf<FileQuery>, s, o, q| {
                export::review(FileFormat::Csv.localized(f.locale), s, o, q)
            }),
        )
        .route(
            "/v1/review.xlsx",
            get(|s, o, q| export::review(FileFormat::Xlsx, s, o, q)),
        )
        .route(
            "/v1/provinces/{province}/summary.csv",
            get(|QueryOf(f): QueryOf<FileQuery>, s, o, p, q| {
                export::summary(FileFormat::Csv.localized(f.locale), s, o, p, q)
            }),
        )
        .route(
            "/v1/provinces/{province}/summary.xlsx",
            get(|s, o, p, q| export::summary(FileFormat::Xlsx, s, o, p, q)),
        )
        .route("/v1/status", get(status::status))
        .route("/v1/rejects", get(status::rejects))
        .route("/v1/digest", get(status::digest))
        .route("/metrics", get(metrics::metrics))
        .route("/healthz", get(|| async { "ok" }))
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

async fn daily(
    State(shared): State<Arc<Shared>>,
    official: Official,
    PathOf(WardPath { ward }): PathOf<WardPath>,
    QueryOf(q): QueryOf<RankQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let projection = shared.projection_read();
    official.readable_ward(&projection, ward)?;
    let answer = projection
        .daily_ranked(ward, q.date, q.average, q.rate)
        .map_err(refused)?;
    Ok(Json(answer))
}

async fn groups(
    State(shared): State<Arc<Shared>>,
    official: Official,
    PathOf(WardPath { ward }): PathOf<WardPath>,
    QueryOf(q): QueryOf<DayQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let projection = shared.projection_read();
    official.readable_ward(&projection, ward)?;
    let answer = projection.groups(ward, q.date).map_err(refused)?;
    Ok(Json(answer))
}

async fn series(
    State(shared): State<Arc<Shared>>,
    official: Official,
    PathOf(WardPath { ward }): PathOf<WardPath>,
    QueryOf(SpanQuery { from, to }): QueryOf<SpanQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let projection = shared.projection_read();
    official.readable_ward(&projection, ward)?;
    let province = projection.ward(ward).map(|w| w.meta.province);
    let to = match to.or_else(|| province.and_then(|p| projection.latest_day(Some(p)))) {
        Some(to) => to,
        None => {
            return Err(ApiError::not_found(
                "ward",
                format!("ward {ward} is not known: no event has named it"),
            ));
        }
    };
    let from = series_start(from, to)?;
    Ok(Json(projection.series(ward, from, to).map_err(refused)?))
}

/// The first day of a series ending on `to`: `from`, or 30 days back; refused when the series
/// would span more than [`MAX_SERIES_DAYS`].
fn series_start(
    from: Option<ehb_proto::BusinessDay>,
    to: ehb_proto::BusinessDay,
) -> Result<ehb_proto::BusinessDay, ApiError> {
    let from = from.unwrap_or_else(|| to.plus(-29));
    if to.ordinal() - from.ordinal() >= MAX_SERIES_DAYS {
        return Err(ApiError::bad_request(
            "from",
            format!("a series spans at most {MAX_SERIES_DAYS} days"),
        ));
    }
    Ok(from)
}

async fn summary(
    State(shared): State<Arc<Shared>>,
    official: Official,
    PathOf(ProvincePath { province }): PathOf<ProvincePath>,
    QueryOf(q): QueryOf<RankQuery>,
) -> Result<impl IntoResponse, ApiError> {
    official.province(province)?;
    let answer = shared
        .projection_read()
        .province_summary(province, q.date, q.average, q.rate)
        .map_err(refused)?;
    Ok(Json(answer))
}

async fn review(
    State(shared): State<Arc<Shared>>,
    official: Official,
    QueryOf(q): QueryOf<RankQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let province = official.review_scope(q.province)?;
    let json = shared
        .reviews
        .two_day_review_json(
            &shared.projection_read(),
            province,
            q.date,
            q.average,
            q.rate,
        )
        .map_err(refused)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json))
}

/// The days an official can look at in their scope (or the province or ward asked): the first
/// and latest with events, and the last complete day that counted facts, where a page opens.
async fn days(
    State(shared): State<Arc<Shared>>,
    official: Official,
    QueryOf(q): QueryOf<DaysQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let projection = shared.projection_read();
    let province = match q.ward {
        Some(ward) => {
            official.readable_ward(&projection, ward)?;
            let Some(w) = projection.ward(ward) else {
                return Err(ApiError::not_found(
                    "ward",
                    format!("ward {ward} is not known: no event has named it"),
                ));
            };
            Some(w.meta.province)
        }
        None => official.review_scope(q.province)?,
    };
    let today = ehb_proto::BusinessDay::of(jiff::Timestamp::now());
    let Some(days) = projection.campaign_days(province, today) else {
        return Err(ApiError::not_found(
            "province",
            "no event has been counted yet",
        ));
    };
    Ok(Json(serde_json::json!({
        "province": province.map(|p| p.to_string()),
        // When the stream recorded the last event these figures include: how fresh they are.
        "figures_as_of": projection.position().recorded_at,
        "today": today,
        "first": days.first,
        "latest": days.latest,
        "complete": days.complete,
    })))
}

/// The 34 provinces' codes and names, for pages that show a name beside each code.
async fn provinces(_official: Official) -> impl IntoResponse {
    let all: Vec<serde_json::Value> = ehb_proto::provinces::PROVINCE_NAMES
        .iter()
        .map(|(code, name)| serde_json::json!({"code": format!("{code:02}"), "name": name}))
        .collect();
    Json(all)
}

/// The signed-in official's scope (the nation when the API is open), for the dashboard to open
/// the right page.
async fn whoami(State(shared): State<Arc<Shared>>, official: Official) -> impl IntoResponse {
    let (scope, province, ward) = match official.scope {
        Scope::National => ("national", None, None),
        Scope::Province(p) => ("province", Some(p.to_string()), None),
        Scope::Ward(w) => {
            let province = shared.projection_read().ward(w).map(|w| w.meta.province);
            ("ward", province.map(|p| p.to_string()), Some(w.to_string()))
        }
    };
    Json(serde_json::json!({
        "scope": scope,
        "province": province,
        "ward": ward,
        "signed_in": shared.officials.is_some(),
    }))
}

async fn province_series(
    State(shared): State<Arc<Shared>>,
    official: Official,
    PathOf(ProvincePath { province }): PathOf<ProvincePath>,
    QueryOf(SpanQuery { from, to }): QueryOf<SpanQuery>,
) -> Result<impl IntoResponse, ApiError> {
    official.province(province)?;
    let projection = shared.projection_read();
    let Some(to) = to.or_else(|| projection.latest_day(Some(province))) else {
        return Err(ApiError::not_found(
            "province",
            format!("province {province} is not known: no event has named it"),
        ));
    };
    let from = series_start(from, to)?;
    Ok(Json(
        projection
            .province_series(province, from, to)
            .map_err(refused)?,
    ))
}
