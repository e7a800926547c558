//! The officials' questions: a ward on a day, day by day and by residential group; a province's
//! summary and series; the two-day review; the days, provinces and scope a page needs.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use ehb_projection::query::daily::Daily;
use ehb_projection::query::groups::WardGroups;
use ehb_projection::query::review::TwoDayReview;
use ehb_projection::query::series::{MAX_SERIES_DAYS, ProvinceSeries, Series};
use ehb_projection::query::summary::ProvinceSummary;
use ehb_proto::BusinessDay;

use super::answers::{CampaignDaysAnswer, ProvinceName, ScopeKind, WhoAmI};
use super::error::{ApiError, refused};
use super::official::Official;
use super::openapi::{ReadRefusals, SignIn};
use super::params::{
    DayQuery, DaysQuery, PathOf, ProvincePath, QueryOf, RankQuery, ReviewQuery, SpanQuery, WardPath,
};
use crate::access::Scope;
use crate::shared::Shared;

/// A ward on a day.
///
/// Accounts and integrations (new and cumulative, with its opening balance), the rates over
/// residents, insured, level-2 holders and eligible, those populations and who in each is not yet
/// integrated, target, teams and their members, facilities, the ward office's day and period
/// reports and the other reporters' (the police's final report on the month, health facilities',
/// the regional health centre's), and where the ward stands in its province's two-day review
/// (rank, average, flags).
#[utoipa::path(get, path = "/v1/wards/{ward}/daily", tag = "queries", params(WardPath, RankQuery),
    security(("official_token" = [])),
    responses((status = 200, description = "The ward's day", body = Daily), ReadRefusals))]
pub async fn daily(
    State(shared): State<Arc<Shared>>,
    official: Official,
    PathOf(WardPath { ward }): PathOf<WardPath>,
    QueryOf(q): QueryOf<RankQuery>,
) -> Result<Json<Daily>, ApiError> {
    let projection = shared.projection_read();
    official.readable_ward(&projection, ward)?;
    let answer = projection
        .daily_ranked(ward, q.date, q.average, q.rate)
        .map_err(refused)?;
    Ok(Json(answer))
}

/// A ward's residential groups on a day.
///
/// Each group's accounts and integrations (new, cumulative, in the review's two days), its
/// guidance team (formed on, members, composition) and flags (no_team, no_progress); the facts
/// that named no group; the teams' members.
#[utoipa::path(get, path = "/v1/wards/{ward}/groups", tag = "queries", params(WardPath, DayQuery),
    security(("official_token" = [])),
    responses((status = 200, description = "The ward's groups", body = WardGroups), ReadRefusals))]
pub async fn groups(
    State(shared): State<Arc<Shared>>,
    official: Official,
    PathOf(WardPath { ward }): PathOf<WardPath>,
    QueryOf(q): QueryOf<DayQuery>,
) -> Result<Json<WardGroups>, ApiError> {
    let projection = shared.projection_read();
    official.readable_ward(&projection, ward)?;
    let answer = projection.groups(ward, q.date).map_err(refused)?;
    Ok(Json(answer))
}

/// A ward day by day (at most 366 days).
#[utoipa::path(get, path = "/v1/wards/{ward}/series", tag = "queries", params(WardPath, SpanQuery),
    security(("official_token" = [])),
    responses((status = 200, description = "The ward's days", body = Series), ReadRefusals))]
pub async fn series(
    State(shared): State<Arc<Shared>>,
    official: Official,
    PathOf(WardPath { ward }): PathOf<WardPath>,
    QueryOf(SpanQuery { from, to }): QueryOf<SpanQuery>,
) -> Result<Json<Series>, ApiError> {
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
fn series_start(from: Option<BusinessDay>, to: BusinessDay) -> Result<BusinessDay, ApiError> {
    let from = from.unwrap_or_else(|| to.plus(-29));
    if to.ordinal() - from.ordinal() >= MAX_SERIES_DAYS {
        return Err(ApiError::bad_request(
            "from",
            format!("a series spans at most {MAX_SERIES_DAYS} days"),
        ));
    }
    Ok(from)
}

/// A province on a day.
///
/// Its rates, populations and not yet integrated, guidance teams and their members, the average
/// and the wards below it.
#[utoipa::path(get, path = "/v1/provinces/{province}/summary", tag = "queries",
    params(ProvincePath, RankQuery), security(("official_token" = [])),
    responses((status = 200, description = "The province's summary", body = ProvinceSummary), ReadRefusals))]
pub async fn summary(
    State(shared): State<Arc<Shared>>,
    official: Official,
    PathOf(ProvincePath { province }): PathOf<ProvincePath>,
    QueryOf(q): QueryOf<RankQuery>,
) -> Result<Json<ProvinceSummary>, ApiError> {
    official.province(province)?;
    let answer = shared
        .projection_read()
        .province_summary(province, q.date, q.average, q.rate)
        .map_err(refused)?;
    Ok(Json(answer))
}

/// A province's registered wards day by day: integrations, accounts, running total, the rates.
#[utoipa::path(get, path = "/v1/provinces/{province}/series", tag = "queries",
    params(ProvincePath, SpanQuery), security(("official_token" = [])),
    responses((status = 200, description = "The province's days", body = ProvinceSeries), ReadRefusals))]
pub async fn province_series(
    State(shared): State<Arc<Shared>>,
    official: Official,
    PathOf(ProvincePath { province }): PathOf<ProvincePath>,
    QueryOf(SpanQuery { from, to }): QueryOf<SpanQuery>,
) -> Result<Json<ProvinceSeries>, ApiError> {
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

/// The two-day review.
///
/// Every ward's gain over D-1..D against D-3..D-2, rank and flags, province by province.
#[utoipa::path(get, path = "/v1/review", tag = "queries", params(ReviewQuery),
    security(("official_token" = [])),
    responses((status = 200, description = "The review", body = TwoDayReview), ReadRefusals))]
pub async fn review(
    State(shared): State<Arc<Shared>>,
    official: Official,
    QueryOf(q): QueryOf<ReviewQuery>,
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

/// The days a scope can be looked at.
///
/// The token's scope, or the province or ward asked: the first and the latest day with events,
/// and the last complete day that counted accounts or integrations (`complete`), where the
/// dashboard opens.
#[utoipa::path(get, path = "/v1/days", tag = "queries", params(DaysQuery),
    security(("official_token" = [])),
    responses((status = 200, description = "The days", body = CampaignDaysAnswer), ReadRefusals))]
pub async fn days(
    State(shared): State<Arc<Shared>>,
    official: Official,
    QueryOf(q): QueryOf<DaysQuery>,
) -> Result<Json<CampaignDaysAnswer>, ApiError> {
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
    let today = BusinessDay::of(jiff::Timestamp::now());
    let Some(days) = projection.campaign_days(province, today) else {
        return Err(ApiError::not_found(
            "province",
            "no event has been counted yet",
        ));
    };
    Ok(Json(CampaignDaysAnswer {
        province,
        figures_as_of: projection.position().recorded_at,
        today,
        first: days.first,
        latest: days.latest,
        complete: days.complete,
    }))
}

/// The 34 provinces' codes and names.
///
/// As the July 2025 reform named them, for showing a name beside each code.
#[utoipa::path(get, path = "/v1/provinces", tag = "queries", security(("official_token" = [])),
    responses((status = 200, description = "Every province", body = Vec<ProvinceName>), SignIn))]
pub async fn provinces(_official: Official) -> Json<Vec<ProvinceName>> {
    let all = ehb_proto::provinces::PROVINCE_NAMES
        .iter()
        .filter_map(|&(code, name)| {
            let code = ehb_proto::ProvinceCode::from_number(code)?;
            Some(ProvinceName { code, name })
        })
        .collect();
    Json(all)
}

/// The token's scope: national, a province or a ward (the nation when the API is open).
#[utoipa::path(get, path = "/v1/whoami", tag = "queries", security(("official_token" = [])),
    responses((status = 200, description = "The token's scope", body = WhoAmI), SignIn))]
pub async fn whoami(State(shared): State<Arc<Shared>>, official: Official) -> Json<WhoAmI> {
    let (scope, province, ward, name) = match official.scope {
        Scope::National => (ScopeKind::National, None, None, None),
        Scope::Province(p) => (
            ScopeKind::Province,
            Some(p),
            None,
            p.name().map(str::to_owned),
        ),
        Scope::Ward(w) => {
            let projection = shared.projection_read();
            let meta = projection.ward(w).map(|w| &w.meta);
            let name = meta
                .and_then(|m| m.baseline.as_ref())
                .and_then(|b| b.name.clone());
            (ScopeKind::Ward, meta.map(|m| m.province), Some(w), name)
        }
    };
    Json(WhoAmI {
        scope,
        province,
        ward,
        name,
        signed_in: shared.officials.is_some(),
    })
}
