//! Status, rejects, digest and readiness: how the projector itself is doing.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use super::answers::{DigestAnswer, RejectsPage, StatusAnswer, StoreStatus, StreamStatus};
use super::error::ApiError;
use super::official::Official;
use super::openapi::{Failed, Interrupted, NationalOnly, PageRefusals};
use super::params::{PageQuery, QueryOf};
use crate::shared::Shared;

/// The projector: stream and applied sequence, lag, events applied, duplicates, rejects
/// (national token).
#[utoipa::path(get, path = "/v1/status", tag = "operations",
    security(("official_token" = [])),
    responses((status = 200, description = "The projector's state", body = StatusAnswer), NationalOnly))]
pub async fn status(
    State(shared): State<Arc<Shared>>,
    official: Official,
) -> Result<Json<StatusAnswer>, ApiError> {
    // National totals: a national token's, when the API has officials.
    official.national()?;
    let s = &shared.status;
    let projection = shared.projection_read();
    let position = projection.position();
    let totals = projection.totals();
    let last = s.stream_last_seq().max(position.seq);
    Ok(Json(StatusAnswer {
        stream: StreamStatus {
            name: ehb_proto::subject::STREAM_NAME,
            last_seq: last,
            connected: s.connected(),
        },
        applied_seq: position.seq,
        committed_seq: s.committed_seq(),
        lag: last.saturating_sub(position.seq),
        last_recorded_at: position.recorded_at,
        events_applied: totals.messages,
        folded: totals.folded,
        folded_total: totals.folded.total(),
        duplicates: totals.duplicates,
        unregistered: totals.unregistered,
        rejects: totals.rejects(),
        rejects_by_kind: totals.rejected.clone(),
        wards: projection.wards_len(),
        citizens: projection.citizens_len(),
        started_at: s.started_at,
        store: StoreStatus {
            path: shared.store.path().to_owned(),
        },
    }))
}

/// Messages that could not be folded, with their reasons, in stream order (national token).
#[utoipa::path(get, path = "/v1/rejects", tag = "operations", params(PageQuery),
    security(("official_token" = [])),
    responses((status = 200, description = "A page of rejects", body = RejectsPage), PageRefusals, Failed,
        Interrupted))]
pub async fn rejects(
    State(shared): State<Arc<Shared>>,
    official: Official,
    QueryOf(PageQuery { cursor, limit }): QueryOf<PageQuery>,
) -> Result<Json<RejectsPage>, ApiError> {
    official.national()?;
    let store = shared.store.clone();
    let page = tokio::task::spawn_blocking(move || store.rejects(cursor, limit))
        .await
        .map_err(|_| ApiError::unavailable("the store read was interrupted"))?
        .map_err(super::error::unread)?;
    let next_cursor = (page.len() == limit)
        .then(|| page.last().map(|r| r.seq))
        .flatten();
    let total = shared.projection_read().totals().rejects();
    Ok(Json(RejectsPage {
        rejects: page,
        next_cursor,
        total,
    }))
}

/// SHA-256 of the projection's canonical form, the audit's digest (national token).
#[utoipa::path(get, path = "/v1/digest", tag = "operations",
    security(("official_token" = [])),
    responses((status = 200, description = "The digest and its parts", body = DigestAnswer), NationalOnly,
        Interrupted))]
pub async fn digest(
    State(shared): State<Arc<Shared>>,
    official: Official,
) -> Result<Json<DigestAnswer>, ApiError> {
    official.national()?;
    let shared2 = shared.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let projection = shared2.projection_read();
        let parts = projection.digest_parts();
        DigestAnswer {
            digest: parts.digest().to_string(),
            applied_seq: projection.position().seq,
            parts,
        }
    })
    .await
    .map_err(|_| ApiError::unavailable("the digest was interrupted"))?;
    Ok(Json(answer))
}

/// Alive (open).
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Alive", body = String, content_type = "text/plain")))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready: connected to NATS and reading the stream (open).
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "Ready", body = String, content_type = "text/plain"),
    (status = 503, description = "Not reading the stream yet", body = String, content_type = "text/plain")))]
pub async fn ready(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    if shared.status.connected() {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not reading the stream")
    }
}
