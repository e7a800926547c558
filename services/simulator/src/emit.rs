//! The upstream systems as independent emitters: each source is its own task posting its events
//! to the gateway with its own API key, on the shared simulated clock, retrying what the gateway
//! could not store (same ids, so a retry is always safe).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use thiserror::Error;
use tokio_util::sync::CancellationToken;

use crate::generate::Timed;
use crate::progress::Progress;
use crate::publish::SimClock;

/// Most events in one request (the gateway's default batch limit).
const MAX_LINES: usize = 10_000;

/// Why an emitter stopped.
#[derive(Debug, Error)]
pub enum EmitError {
    /// The keys file cannot be read or lacks a source's key.
    #[error("gateway keys {path}: {reason}")]
    Keys {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The gateway refused a request as a whole (not a retryable outage).
    #[error("the gateway refused a batch of {emitter}: HTTP {status}: {body}")]
    Refused {
        /// The emitting source.
        emitter: &'static str,
        /// The status.
        status: u16,
        /// The answer.
        body: String,
    },
}

/// What the gateway answered for one source's events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Emitted {
    /// Stored for the first time.
    pub accepted: u64,
    /// Already stored (same id).
    pub duplicates: u64,
    /// Refused by the gateway's validation (the deliberately broken events).
    pub rejected: u64,
}

/// Reads `<source> <key>` lines (as `ehb-gateway init-access` prints them).
pub fn read_keys(path: &Path) -> Result<BTreeMap<String, String>, EmitError> {
    let text = std::fs::read_to_string(path).map_err(|e| EmitError::Keys {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok(text
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(s, k)| (s.trim().to_owned(), k.trim().to_owned()))
        .collect())
}

/// Runs one emitter per source until the campaign is sent or `cancel` fires; `speed` simulated
/// seconds per real second (0: at once). Progress is kept per source beside `progress`.
pub async fn emit_through_gateway(
    base: &str,
    keys: &BTreeMap<String, String>,
    messages: &[Timed],
    speed: f64,
    cancel: CancellationToken,
    progress: Option<PathBuf>,
    campaign: &str,
) -> Result<BTreeMap<&'static str, Emitted>, EmitError> {
    let mut by_source: BTreeMap<&'static str, Vec<Timed>> = BTreeMap::new();
    for m in messages {
        by_source.entry(m.source).or_default().push(m.clone());
    }
    let http = reqwest::Client::new();
    let mut emitters = Vec::new();
    for (source, mine) in by_source {
        let key = keys.get(source).cloned().ok_or_else(|| EmitError::Keys {
            path: "gateway keys".into(),
            reason: format!("no key for source {source}"),
        })?;
        let file = progress
            .as_ref()
            .map(|p| PathBuf::from(format!("{}.{source}", p.display())));
        let emitter = Emitter {
            source,
            key,
            url: format!("{base}/v1/events"),
            http: http.clone(),
            progress: Progress::open(file, format!("{campaign} source {source}")),
        };
        emitters.push((emitter, mine));
    }
    // One clock for all sources, starting at the earliest message not yet sent (by an earlier run).
    let Some(origin) = emitters
        .iter()
        .filter_map(|(e, mine)| mine.get(e.progress.published()).map(|m| m.publish_at))
        .min()
    else {
        return Ok(BTreeMap::new());
    };
    let clock = SimClock::start(origin, speed);
    let mut tasks = Vec::new();
    for (emitter, mine) in emitters {
        let cancel = cancel.clone();
        tasks.push(tokio::spawn(async move {
            emitter.run(mine, clock, cancel).await
        }));
    }
    let mut totals = BTreeMap::new();
    for task in tasks {
        match task.await {
            Ok(Ok((source, emitted))) => {
                totals.insert(source, emitted);
            }
            Ok(Err(err)) => return Err(err),
            Err(err) => {
                return Err(EmitError::Keys {
                    path: String::new(),
                    reason: format!("an emitter task failed: {err}"),
                });
            }
        }
    }
    Ok(totals)
}

struct Emitter {
    source: &'static str,
    key: String,
    url: String,
    http: reqwest::Client,
    progress: Progress,
}

impl Emitter {
    async fn run(
        mut self,
        messages: Vec<Timed>,
        clock: SimClock,
        cancel: CancellationToken,
    ) -> Result<(&'static str, Emitted), EmitError> {
        let mut emitted = Emitted::default();
        let mut next = self.progress.published().min(messages.len());
        while next < messages.len() && !cancel.is_cancelled() {
            let end = clock.due(&messages, next);
            while next < end && !cancel.is_cancelled() {
                let stop = end.min(next + MAX_LINES);
                // Cut short by shutdown: not stored, so not recorded as sent.
                let Some(answer) = self.post(&messages[next..stop], &cancel).await? else {
                    break;
                };
                emitted.accepted += answer.accepted;
                emitted.duplicates += answer.duplicates;
                emitted.rejected += answer.rejected;
                next = stop;
                if let Err(err) = self.progress.record(next) {
                    tracing::warn!(error = %err, "SimulatorProgressNotSaved");
                }
            }
            if next < messages.len() {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                    _ = cancel.cancelled() => break,
                }
            }
        }
        tracing::info!(
            source = self.source,
            accepted = emitted.accepted,
            duplicates = emitted.duplicates,
            rejected = emitted.rejected,
            "EmitterDone"
        );
        Ok((self.source, emitted))
    }

    /// Posts one batch until the gateway has stored all of it (503 and dropped connections are
    /// retried with the same body, after `Retry-After`); `None` when shutdown cut it short.
    async fn post(
        &self,
        batch: &[Timed],
        cancel: &CancellationToken,
    ) -> Result<Option<Emitted>, EmitError> {
        let body = crate::load::ndjson(batch.iter().map(|m| &m.message));
        loop {
            let sent = self
                .http
                .post(&self.url)
                .bearer_auth(&self.key)
                .header("content-type", "application/x-ndjson")
                .body(body.clone())
                .send()
                .await;
            let wait = match sent {
                Ok(response) if response.status().is_success() => {
                    let answer: serde_json::Value = response.json().await.unwrap_or_default();
                    let count = |name: &str| answer[name].as_u64().unwrap_or(0);
                    return Ok(Some(Emitted {
                        accepted: count("accepted"),
                        duplicates: count("duplicates"),
                        rejected: count("rejected"),
                    }));
                }
                Ok(response) if response.status().as_u16() == 503 => response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(1),
                Ok(response) => {
                    return Err(EmitError::Refused {
                        emitter: self.source,
                        status: response.status().as_u16(),
                        body: response.text().await.unwrap_or_default(),
                    });
                }
                Err(err) => {
                    tracing::debug!(source = self.source, error = %err, "GatewayUnreachable");
                    1
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(wait)) => {}
                _ = cancel.cancelled() => return Ok(None),
            }
        }
    }
}
