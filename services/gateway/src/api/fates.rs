//! What became of each event: the answer's shapes, and publishing admitted events to learn it.

use std::collections::BTreeMap;
use std::time::Instant;

use ehb_proto::EventType;
use serde::Serialize;
use utoipa::ToSchema;

use super::App;
use super::error::ErrorDetail;
use crate::intake::Admitted;
use crate::metrics::TypeLabel;

/// What became of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Stored in the stream (its sequence given).
    Accepted,
    /// Already stored under the same id; not stored again.
    Duplicate,
    /// Refused; `error` says which field and why. Fix it before sending it again.
    Rejected,
    /// Not stored: the stream did not acknowledge it. Retry with the same id.
    Unavailable,
}

/// One event's fate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Fate {
    /// The line's number in the batch, from 1 (absent for a single event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The event's id, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What became of it.
    pub status: Status,
    /// The stream sequence it is stored at (accepted and duplicate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// Notes on an accepted event, e.g. `unregistered_ward` (no baseline for its ward yet).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<&'static str>,
    /// For a rejected or unavailable event: the HTTP status it would get on its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
    /// For a rejected or unavailable event: the field at fault and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

/// The answer to a batch: counts, and every line's fate in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchAnswer {
    /// Events stored for the first time.
    pub accepted: usize,
    /// Events already stored under the same id.
    pub duplicates: usize,
    /// Events refused.
    pub rejected: usize,
    /// Events not stored because the stream did not acknowledge them (the answer is then 503).
    pub unavailable: usize,
    /// One entry per non-empty line, in order.
    pub results: Vec<Fate>,
}

/// The 200 answer of `POST /v1/events`: one event's fate, or a batch's fates.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum EventsAnswer {
    /// A single event (`application/json`): its fate.
    One(Fate),
    /// A batch (`application/x-ndjson`): counts and every line's fate.
    Batch(BatchAnswer),
}

/// The 503 answer of `POST /v1/events`: for a single event the error, for a batch every line's
/// fate (the unavailable ones marked so).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum NotStoredAnswer {
    /// A single event: why it is not stored.
    One(super::error::ErrorBody),
    /// A batch: counts and every line's fate.
    Batch(BatchAnswer),
}

pub(super) const NOT_STORED: &str =
    "the event log did not acknowledge this event, so it is not stored; retry with the same id";

/// Publishes admitted events and answers their fates in order (while the connection to NATS is
/// down, nothing is sent and every event is unavailable at once).
pub(super) async fn publish(app: &App, admitted: Vec<(Admitted, Vec<&'static str>)>) -> Vec<Fate> {
    if admitted.is_empty() {
        return Vec::new();
    }
    let (messages, admitted): (Vec<_>, Vec<_>) = admitted
        .into_iter()
        .map(|(a, flags)| (a.message, (a.id, a.kind, a.ward, flags)))
        .unzip();
    let started = Instant::now();
    let acks = app.publisher.publish_each(messages).await;
    if acks.iter().any(Result::is_ok) {
        app.metrics.published_in(started.elapsed());
    }
    let mut last_failure = None;
    // Counted per type here and added to the metrics once per request.
    let mut stored: BTreeMap<EventType, (u64, u64)> = BTreeMap::new();
    let fates: Vec<Fate> = admitted
        .into_iter()
        .zip(acks)
        .map(|((id, kind, ward, flags), ack)| {
            let mut fate = Fate {
                line: None,
                id: Some(id.hyphenated().to_string()),
                status: Status::Unavailable,
                seq: None,
                flags: Vec::new(),
                code: None,
                error: None,
            };
            match ack {
                Ok(ack) => {
                    fate.seq = Some(ack.sequence);
                    let counts = stored.entry(kind).or_default();
                    if ack.duplicate {
                        fate.status = Status::Duplicate;
                        counts.1 += 1;
                    } else {
                        fate.status = Status::Accepted;
                        fate.flags = flags;
                        counts.0 += 1;
                    }
                    if kind == EventType::WardBaseline {
                        app.registry.register(ward);
                    }
                }
                Err(err) => {
                    last_failure = Some(err.to_string());
                    fate.code = Some(503);
                    fate.error = Some(ErrorDetail {
                        field: String::new(),
                        reason: NOT_STORED.to_owned(),
                    });
                }
            }
            fate
        })
        .collect();
    for (kind, (accepted, duplicates)) in stored {
        let label = TypeLabel {
            r#type: kind.as_str(),
        };
        if accepted > 0 {
            app.metrics.accepted.get_or_create(&label).inc_by(accepted);
        }
        if duplicates > 0 {
            app.metrics
                .duplicates
                .get_or_create(&label)
                .inc_by(duplicates);
        }
    }
    let unavailable = fates
        .iter()
        .filter(|f| f.status == Status::Unavailable)
        .count();
    app.metrics.unavailable.inc_by(unavailable as u64);
    if unavailable > 0 {
        tracing::warn!(
            events = unavailable,
            error = last_failure.as_deref().unwrap_or_default(),
            "EventsNotStored"
        );
    }
    fates
}
