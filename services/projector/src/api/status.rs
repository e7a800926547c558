//! Status, rejects, digest, readiness and metrics: how the projector itself is doing.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
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
        .map_err(|_| ApiError::unavailable("the store read was interrupted"))??;
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

pub async fn metrics(
    State(shared): State<Arc<Shared>>,
    official: Official,
) -> Result<impl IntoResponse, ApiError> {
    official.national()?;
    let s = &shared.status;
    let (position, totals, wards, citizens) = {
        let p = shared.projection_read();
        (
            p.position(),
            p.totals().clone(),
            p.wards_len(),
            p.citizens_len(),
        )
    };
    let (batches, batch_messages, fold_seconds, commit_seconds) = s.batch_totals();
    let last = s.stream_last_seq().max(position.seq);
    let mut out = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, value: String| {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
        );
    };
    metric(
        "ehb_messages_applied_total",
        "counter",
        "Stream messages applied (folded or rejected).",
        totals.messages.to_string(),
    );
    metric(
        "ehb_events_folded_total",
        "counter",
        "Events folded into the projection.",
        totals.folded.total().to_string(),
    );
    metric(
        "ehb_duplicates_total",
        "counter",
        "Facts reported again and counted once.",
        totals.duplicates.to_string(),
    );
    metric(
        "ehb_unregistered_events_total",
        "counter",
        "Events folded for wards without a baseline.",
        totals.unregistered.to_string(),
    );
    metric(
        "ehb_applied_sequence",
        "gauge",
        "Last stream sequence applied in memory.",
        position.seq.to_string(),
    );
    metric(
        "ehb_committed_sequence",
        "gauge",
        "Last stream sequence committed to sled.",
        s.committed_seq().to_string(),
    );
    metric(
        "ehb_stream_last_sequence",
        "gauge",
        "Last sequence of the stream, as last seen.",
        last.to_string(),
    );
    metric(
        "ehb_lag_messages",
        "gauge",
        "Messages in the stream not yet applied.",
        last.saturating_sub(position.seq).to_string(),
    );
    metric(
        "ehb_batches_committed_total",
        "counter",
        "Batches folded and committed.",
        batches.to_string(),
    );
    metric(
        "ehb_batch_messages_total",
        "counter",
        "Messages in committed batches.",
        batch_messages.to_string(),
    );
    metric(
        "ehb_fold_seconds_total",
        "counter",
        "Time spent folding batches.",
        format!("{fold_seconds:.6}"),
    );
    metric(
        "ehb_commit_seconds_total",
        "counter",
        "Time spent committing batches to sled.",
        format!("{commit_seconds:.6}"),
    );
    metric(
        "ehb_wards",
        "gauge",
        "Wards in the projection.",
        wards.to_string(),
    );
    metric(
        "ehb_citizens",
        "gauge",
        "Distinct citizens counted.",
        citizens.to_string(),
    );
    let (reused, computed) = shared.reviews.counts();
    metric(
        "ehb_review_parts_reused_total",
        "counter",
        "Provinces' review parts served again, still exact.",
        reused.to_string(),
    );
    metric(
        "ehb_review_parts_computed_total",
        "counter",
        "Provinces' review parts computed.",
        computed.to_string(),
    );
    let _ = writeln!(
        out,
        "# HELP ehb_rejects_total Messages that could not be folded, by reason.\n# TYPE ehb_rejects_total counter"
    );
    for (kind, n) in &totals.rejected {
        let _ = writeln!(out, "ehb_rejects_total{{kind=\"{kind}\"}} {n}");
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out))
}
