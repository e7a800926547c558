//! `POST /v1/events`: one event (JSON) or a batch (NDJSON), each answered with its fate.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ehb_proto::{EventType, WardCode};
use futures::StreamExt;
use jiff::Timestamp;

use super::App;
use super::error::{ApiError, ErrorDetail, with_advice};
use super::fates::{BatchAnswer, Fate, NOT_STORED, Status, publish};
use crate::access::Publisher;
use crate::intake::{Admitted, Refusal, admit};
use crate::metrics::{ReasonLabel, StatusLabel};

/// Accepts one event or a batch.
#[utoipa::path(
    post,
    path = "/v1/events",
    tag = "ingest",
    security(("api_key" = [])),
    request_body(
        description = "One event as `application/json`, or up to the configured number of events \
            as `application/x-ndjson` (one JSON object per line). Each event follows the contract \
            (`/schema/event.v1.json`), except that `data` may carry the raw 12-digit `citizen_id` \
            instead of `citizen_ref`, and the raw insurance `card` number instead of `beneficiary` \
            and `issuer`; the gateway pseudonymises and reduces them and never stores them.",
        content(
            (serde_json::Value = "application/json"),
            (String = "application/x-ndjson")
        )
    ),
    responses(
        (status = 200, description = "A single event stored (or a duplicate): its fate; a batch: every line's fate", body = super::fates::EventsAnswer),
        (status = 400, description = "Not JSON, not UTF-8, or empty", body = super::error::ErrorBody),
        (status = 401, description = "No API key, or an unknown one", body = super::error::ErrorBody),
        (status = 403, description = "The key may not publish this type, province or source", body = super::error::ErrorBody),
        (status = 413, description = "Body or batch too large", body = super::error::ErrorBody),
        (status = 415, description = "Content type is neither JSON nor NDJSON", body = super::error::ErrorBody),
        (status = 422, description = "The event breaks a rule of the contract", body = super::error::ErrorBody),
        (status = 503, description = "Not (all) stored: retry after `Retry-After` seconds with the same ids. A single event: the error; a batch: every line's fate", body = super::fates::NotStoredAnswer),
    )
)]
pub async fn post_events(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    let response = match handle(&app, &headers, body).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    };
    app.metrics
        .requests
        .get_or_create(&StatusLabel {
            status: response.status().as_u16(),
        })
        .inc();
    response
}

enum Shape {
    Single,
    Batch,
}

async fn handle(app: &App, headers: &HeaderMap, body: Body) -> Result<Response, ApiError> {
    let limit = app.limits.max_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let too_large = || ApiError::too_large(format!("is larger than {limit} bytes; split it"));
    let checked = authenticate(app, headers)
        .and_then(|publisher| Ok((publisher, shape(headers)?)))
        .and_then(|ok| match declared {
            Some(n) if n > limit => Err(too_large()),
            _ => Ok(ok),
        });
    let (publisher, shape) = match checked {
        Ok(ok) => ok,
        Err(err) => {
            if declared.is_none_or(|n| n <= limit.saturating_mul(DRAIN_FACTOR)) {
                let _ = read_body(body, 0, limit).await;
            }
            return Err(err);
        }
    };
    let bytes = read_body(body, limit, limit).await?.ok_or_else(too_large)?;
    match shape {
        Shape::Single => single(app, &publisher, &bytes).await,
        Shape::Batch => batch(app, &publisher, &bytes).await,
    }
}

/// How far past the limit a refused body is read before the answer.
const DRAIN_FACTOR: usize = 4;

/// The body when it holds at most `keep` bytes, `None` when it holds more.
///
/// What was sent is read on, up to `DRAIN_FACTOR` times `limit`, before the caller answers: a
/// client still writing its body (a chunked one, whose size is known only at its end) when the
/// connection closes would see a broken connection, not the 413.
async fn read_body(body: Body, keep: usize, limit: usize) -> Result<Option<Bytes>, ApiError> {
    let bound = limit.saturating_mul(DRAIN_FACTOR);
    let mut chunks = body.into_data_stream();
    let mut kept = Vec::new();
    let mut read = 0usize;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|_| ApiError::bad_request("body", "the body was cut off"))?;
        read = read.saturating_add(chunk.len());
        if read <= keep {
            kept.extend_from_slice(&chunk);
        } else if read > bound {
            break;
        }
    }
    Ok((read <= keep).then(|| Bytes::from(kept)))
}

pub(super) fn authenticate(app: &App, headers: &HeaderMap) -> Result<Arc<Publisher>, ApiError> {
    let value = headers.get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized("send the API key as `Authorization: Bearer <key>`")
    })?;
    let key = value
        .to_str()
        .ok()
        .and_then(ehb_runtime::bearer_credentials)
        .ok_or_else(|| ApiError::unauthorized("the Authorization header must be `Bearer <key>`"))?;
    app.access
        .publisher(key)
        .ok_or_else(|| ApiError::unauthorized("the API key is not known"))
}

fn shape(headers: &HeaderMap) -> Result<Shape, ApiError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    match media.as_deref() {
        Some("application/json") => Ok(Shape::Single),
        Some("application/x-ndjson" | "application/ndjson" | "application/jsonl") => {
            Ok(Shape::Batch)
        }
        _ => Err(ApiError::unsupported_media_type(
            "must be application/json (one event) or application/x-ndjson (a batch)",
        )),
    }
}

/// Reads events, noting the wards whose baseline appears earlier in the same request.
/// Refusals are counted by reason here and added to the metrics once, when the reader is done.
struct Reader<'a> {
    app: &'a App,
    publisher: &'a Publisher,
    now: Timestamp,
    baselines: HashSet<WardCode>,
    refused: BTreeMap<&'static str, u64>,
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        for (reason, count) in &self.refused {
            self.app
                .metrics
                .rejected
                .get_or_create(&ReasonLabel { reason })
                .inc_by(*count);
        }
    }
}

impl<'a> Reader<'a> {
    fn new(app: &'a App, publisher: &'a Publisher) -> Self {
        Reader {
            app,
            publisher,
            now: Timestamp::now(),
            baselines: HashSet::new(),
            refused: BTreeMap::new(),
        }
    }

    fn read(&mut self, bytes: &[u8]) -> Result<(Admitted, Vec<&'static str>), Refusal> {
        let admitted = admit(
            bytes,
            self.publisher,
            &self.app.access.pseudonym,
            &self.app.window,
            self.now,
        )
        .inspect_err(|refusal| *self.refused.entry(refusal.kind).or_default() += 1)?;
        let mut flags = Vec::new();
        if admitted.kind == EventType::WardBaseline {
            self.baselines.insert(admitted.ward);
        } else if !self.baselines.contains(&admitted.ward)
            && !self.app.registry.knows(admitted.ward)
        {
            flags.push("unregistered_ward");
        }
        Ok((admitted, flags))
    }
}

async fn single(app: &App, publisher: &Publisher, bytes: &[u8]) -> Result<Response, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "body",
            "is empty; send one event as JSON",
        ));
    }
    let mut reader = Reader::new(app, publisher);
    let (admitted, flags) = reader.read(bytes)?;
    let mut fates = publish(app, vec![(admitted, flags)]).await;
    let fate = fates.pop().expect("one event in, one fate out");
    if fate.status == Status::Unavailable {
        return Err(ApiError::unavailable(NOT_STORED));
    }
    Ok(Json(fate).into_response())
}

async fn batch(app: &App, publisher: &Publisher, bytes: &[u8]) -> Result<Response, ApiError> {
    let lines: Vec<(usize, &[u8])> = bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.strip_suffix(b"\r").unwrap_or(line)))
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .collect();
    if lines.is_empty() {
        return Err(ApiError::bad_request(
            "body",
            "is empty; send one event per line",
        ));
    }
    if lines.len() > app.limits.max_lines {
        return Err(ApiError::too_large(format!(
            "has {} events, more than {} per batch; split it",
            lines.len(),
            app.limits.max_lines
        )));
    }
    let mut reader = Reader::new(app, publisher);
    let mut results: Vec<Option<Fate>> = Vec::with_capacity(lines.len());
    let mut ready = Vec::new();
    let mut ready_lines = Vec::new();
    for (number, line) in &lines {
        match reader.read(line) {
            Ok(admitted) => {
                ready.push(admitted);
                ready_lines.push(results.len());
                results.push(None);
            }
            Err(refusal) => results.push(Some(Fate {
                line: Some(*number),
                id: None,
                status: Status::Rejected,
                seq: None,
                flags: Vec::new(),
                code: Some(refusal.status),
                error: Some(ErrorDetail {
                    field: refusal.field,
                    reason: refusal.reason,
                }),
            })),
        }
    }
    for (slot, mut fate) in ready_lines.into_iter().zip(publish(app, ready).await) {
        fate.line = Some(lines[slot].0);
        results[slot] = Some(fate);
    }
    let results: Vec<Fate> = results.into_iter().flatten().collect();
    let count = |s: Status| results.iter().filter(|f| f.status == s).count();
    let answer = BatchAnswer {
        accepted: count(Status::Accepted),
        duplicates: count(Status::Duplicate),
        rejected: count(Status::Rejected),
        unavailable: count(Status::Unavailable),
        results,
    };
    let status = if answer.unavailable > 0 {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    Ok(with_advice((status, Json(answer)).into_response()))
}
