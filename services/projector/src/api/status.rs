//! Status, rejects, digest, readiness and metrics: how the projector itself is doing.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use super::error::ApiError;
use super::official::Official;
use super::params::{PageQuery, QueryOf};
use crate::shared::Shared;

pub async fn status(
    State(shared): State<Arc<Shared>>,
    official: Official,
) -> Result<impl IntoResponse, ApiError> {
    // National totals: a national token's, when the API has officials.
    official.national()?;
    let s = &shared.status;
    let projection = shared.projection_read();
    let position = projection.position();
    let totals = projection.totals();
    let last = s.stream_last_seq().max(position.seq);
    Ok(Json(json!({
        "stream": {"name": ehb_proto::subject::STREAM_NAME, "last_seq": last, "connected": s.connected()},
        "applied_seq": position.seq,
        "committed_seq": s.committed_seq(),
        "lag": last.saturating_sub(position.seq),
        "last_recorded_at": position.recorded_at,
        "events_applied": totals.messages,
        "folded": totals.folded,
        "folded_total": totals.folded.total(),
        "duplicates": totals.duplicates,
        "unregistered": totals.unregistered,
        "rejects": totals.rejects(),
        "rejects_by_kind": totals.rejected,
        "wards": projection.wards_len(),
        "citizens": projection.citizens_len(),
        "started_at": s.started_at,
        "store": {"path": shared.store.path()},
    })))
}

pub async fn rejects(
    State(shared): State<Arc<Shared>>,
    official: Official,
    QueryOf(PageQuery { cursor, limit }): QueryOf<PageQuery>,
) -> Result<impl IntoResponse, ApiError> {
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
    Ok(Json(
        json!({"rejects": page, "next_cursor": next_cursor, "total": total}),
    ))
}

pub async fn digest(
    State(shared): State<Arc<Shared>>,
    official: Official,
) -> Result<impl IntoResponse, ApiError> {
    official.national()?;
    let shared2 = shared.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let projection = shared2.projection_read();
        let parts = projection.digest_parts();
        json!({
            "digest": parts.digest(),
            "applied_seq": projection.position().seq,
            "parts": parts,
        })
    })
    .await
    .map_err(|_| ApiError::unavailable("the digest was interrupted"))?;
    Ok(Json(answer))
}

pub async fn ready(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    if shared.status.connected() {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not reading the stream")
    }
}
