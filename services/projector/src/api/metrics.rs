//! The projector's metrics in Prometheus text format: its state read at each scrape (events
//! applied, lag, batches, rejects by reason), encoded by `prometheus-client` as the gateway's.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

use super::error::ApiError;
use super::official::Official;
use crate::shared::Shared;

/// Labels: why a message could not be folded.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    /// The reject's kind, e.g. `invalid_field`.
    kind: String,
}

/// `GET /metrics`, for a national official: every province's figures.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    security(("official_token" = [])),
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        super::openapi::NationalOnly, super::openapi::Failed))]
pub async fn metrics(
    State(shared): State<Arc<Shared>>,
    official: Official,
) -> Result<impl IntoResponse, ApiError> {
    official.national()?;
    let registry = snapshot(&shared);
    let mut out = String::new();
    prometheus_client::encoding::text::encode(&mut out, &registry)
        .map_err(|e| ApiError::internal(format!("the metrics could not be written: {e}")))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    ))
}

/// The metrics of the projector as it stands now.
fn snapshot(shared: &Shared) -> Registry {
    let s = &shared.status;
    let (position, totals, wards, citizens) = {
        let p = shared.projection_read();
        let counts = (p.wards_len(), p.citizens_len());
        (p.position(), p.totals().clone(), counts.0, counts.1)
    };
    let (batches, batch_messages, fold_seconds, commit_seconds) = s.batch_totals();
    let last = s.stream_last_seq().max(position.seq);
    let (reused, computed) = shared.reviews.counts();
    let mut r = Registry::with_prefix("ehb");
    let mut counter = |name: &str, help: &str, value: u64| {
        r.register(name, help, ConstCounter::new(value));
    };
    counter(
        "messages_applied",
        "Stream messages applied (folded or rejected)",
        totals.messages,
    );
    counter(
        "events_folded",
        "Events folded into the projection",
        totals.folded.total(),
    );
    counter(
        "duplicates",
        "Facts reported again and counted once",
        totals.duplicates,
    );
    counter(
        "unregistered_events",
        "Events folded for wards without a baseline",
        totals.unregistered,
    );
    counter("batches_committed", "Batches folded and committed", batches);
    counter(
        "batch_messages",
        "Messages in committed batches",
        batch_messages,
    );
    counter(
        "review_parts_reused",
        "Provinces' review parts served again, still exact",
        reused,
    );
    counter(
        "review_parts_computed",
        "Provinces' review parts computed",
        computed,
    );
    r.register(
        "fold_seconds",
        "Time spent folding batches",
        ConstCounter::new(fold_seconds),
    );
    r.register(
        "commit_seconds",
        "Time spent committing batches to sled",
        ConstCounter::new(commit_seconds),
    );
    let mut gauge = |name: &str, help: &str, value: u64| {
        r.register(
            name,
            help,
            ConstGauge::new(i64::try_from(value).unwrap_or(i64::MAX)),
        );
    };
    gauge(
        "applied_sequence",
        "Last stream sequence applied in memory",
        position.seq,
    );
    gauge(
        "committed_sequence",
        "Last stream sequence committed to sled",
        s.committed_seq(),
    );
    gauge(
        "stream_last_sequence",
        "Last sequence of the stream, as last seen",
        last,
    );
    gauge(
        "lag_messages",
        "Messages in the stream not yet applied",
        last.saturating_sub(position.seq),
    );
    gauge("wards", "Wards in the projection", wards as u64);
    gauge("citizens", "Distinct citizens counted", citizens as u64);
    let rejects = Family::<KindLabel, Counter>::default();
    for (kind, n) in &totals.rejected {
        rejects
            .get_or_create(&KindLabel { kind: kind.clone() })
            .inc_by(*n);
    }
    r.register(
        "rejects",
        "Messages that could not be folded, by reason",
        rejects,
    );
    r
}
