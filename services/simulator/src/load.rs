//! Load mode: N campaign events as fast as the stream (or the gateway) takes them, measuring
//! throughput and how long an acknowledged event takes to become visible in the projector's
//! queries.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ehb_eventlog::{LogError, Outgoing, Publisher};
use futures::StreamExt;
use thiserror::Error;
use tokio::sync::mpsc;

use crate::generate::{Timed, generate};
use crate::scenario::Scenario;

/// Why a load run stopped.
#[derive(Debug, Error)]
pub enum LoadError {
    /// Publishing to NATS failed.
    #[error("publishing to NATS failed: {0}")]
    Log(#[from] LogError),
    /// An HTTP request to the gateway or the projector failed.
    #[error("HTTP request to {url} failed: {reason}")]
    Http {
        /// The URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The gateway did not store a batch (it answered something other than 200).
    #[error("the gateway answered HTTP {status} to a batch: {body}")]
    Refused {
        /// The status.
        status: u16,
        /// The answer.
        body: String,
    },
    /// No gateway key for a source of the generated events.
    #[error("no gateway key for source {0}: add it to the keys file")]
    NoKey(String),
    /// The projector did not show the last acknowledged event in time.
    #[error(
        "the projector had applied up to sequence {applied} but not {wanted} after {secs} s; is it reading the same stream?"
    )]
    NotVisible {
        /// The sequence the projector had reached.
        applied: u64,
        /// The sequence still awaited.
        wanted: u64,
        /// How long it was awaited.
        secs: u64,
    },
}

/// A slice of events the stream acknowledged: its highest sequence, its size and when.
#[derive(Debug, Clone, Copy)]
pub struct Acked {
    /// The highest stream sequence in the slice.
    pub seq: u64,
    /// Events in the slice.
    pub events: usize,
    /// When the last acknowledgement of the slice arrived.
    pub at: Instant,
}

/// What a load run measured.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// Events sent.
    pub events: usize,
    /// Events the stream stored for the first time.
    pub stored: u64,
    /// Events the stream already held (same id).
    pub duplicates: u64,
    /// Events refused (by the gateway's validation).
    pub rejected: u64,
    /// From the first send to the last acknowledgement.
    pub acknowledged_in: Duration,
    /// From the first send until the projector showed the last acknowledged event.
    pub visible_in: Duration,
    /// Per acknowledged slice: from its acknowledgement until the projector showed it, sorted.
    pub lags: Vec<Duration>,
    /// How many more events the projector had applied at the end than at the start.
    pub applied: u64,
}

/// The first `events` messages of a clean campaign (no deliberate noise) of `wards` wards in
/// `province`, large enough to hold them.
pub fn campaign_events(seed: u64, events: usize, wards: u32) -> Vec<Timed> {
    // About one message per two residents in the default campaign; grow until there are enough.
    let mut residents = (events as u64 * 2).max(10_000);
    loop {
        let mut generated = generate(&Scenario::small(seed, wards, residents, 31).clean());
        if generated.messages.len() >= events {
            generated.messages.truncate(events);
            return generated.messages;
        }
        residents += residents / 2;
    }
}

/// The value at quantile `p` (0..=1) of sorted durations; zero when there are none.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted
        .get(((sorted.len() as f64 - 1.0) * p).round() as usize)
        .copied()
        .unwrap_or_default()
}

/// The peak resident memory (VmHWM) of process `pid` (`"self"` for this one), in KiB.
pub fn peak_rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Follows a projector's `/v1/status`: which of its sequences to read, and where.
#[derive(Debug, Clone)]
pub struct Watcher {
    http: reqwest::Client,
    url: String,
    field: &'static str,
    token: Option<String>,
}

impl Watcher {
    /// Watches `field` (`applied_seq`: visible in queries; `committed_seq`: durable in the store)
    /// of the projector at `base`.
    pub fn new(base: &str, field: &'static str) -> Self {
        Watcher {
            http: reqwest::Client::new(),
            url: format!("{}/v1/status", base.trim_end_matches('/')),
            field,
            token: None,
        }
    }

    /// The same watcher asking with a national official's `token` (a projector with officials).
    pub fn with_token(mut self, token: Option<String>) -> Self {
        self.token = token;
        self
    }

    /// The projector's status answer.
    pub async fn status(&self) -> Result<serde_json::Value, LoadError> {
        let http_error = |e: reqwest::Error| LoadError::Http {
            url: self.url.clone(),
            reason: e.to_string(),
        };
        let mut request = self.http.get(&self.url);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .map_err(http_error)?
            .error_for_status()
            .map_err(http_error)?
            .json()
            .await
            .map_err(http_error)
    }

    /// Polls until every slice received on `acks` (until it closes) is visible; answers each
    /// slice's lag, sorted, and when the last one became visible.
    pub async fn until_visible(
        &self,
        mut acks: mpsc::UnboundedReceiver<Acked>,
        timeout: Duration,
    ) -> Result<(Vec<Duration>, Instant), LoadError> {
        let mut pending: Vec<Acked> = Vec::new();
        let mut lags = Vec::new();
        let mut closed = false;
        let mut since = Instant::now();
        let mut reached = 0;
        loop {
            loop {
                match acks.try_recv() {
                    Ok(ack) => pending.push(ack),
                    Err(mpsc::error::TryRecvError::Empty) => break,
                    Err(mpsc::error::TryRecvError::Disconnected) => {
                        closed = true;
                        break;
                    }
                }
            }
            let seen = self.status().await?[self.field].as_u64().unwrap_or(0);
            let now = Instant::now();
            if seen > reached {
                reached = seen;
                since = now;
            }
            pending.retain(|ack| {
                let visible = ack.seq <= seen;
                if visible {
                    lags.push(now.duration_since(ack.at));
                }
                !visible
            });
            if closed && pending.is_empty() {
                lags.sort();
                return Ok((lags, now));
            }
            if now.duration_since(since) > timeout {
                return Err(LoadError::NotVisible {
                    applied: seen,
                    wanted: pending.iter().map(|a| a.seq).max().unwrap_or(0),
                    secs: timeout.as_secs(),
                });
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Where load is sent.
#[derive(Clone)]
pub enum Target {
    /// Straight to JetStream, `slice` events per acknowledged slice.
    Nats {
        /// The publisher.
        publisher: Publisher,
        /// Events per slice.
        slice: usize,
    },
    /// Through the gateway: NDJSON batches, several requests in flight, each source its own key.
    Gateway {
        /// The gateway's base URL.
        base: String,
        /// The API key of each source.
        keys: BTreeMap<String, String>,
        /// Events per request.
        batch: usize,
        /// Requests in flight.
        concurrency: usize,
    },
}

/// Sends `messages` to `target` as fast as it takes them, watching the projector with `watcher`
/// until all of them are visible (or nothing moves for `timeout`).
pub async fn run(
    target: Target,
    messages: Vec<Timed>,
    watcher: &Watcher,
    timeout: Duration,
) -> Result<LoadReport, LoadError> {
    let events = messages.len();
    let applied_before = watcher.status().await?["events_applied"]
        .as_u64()
        .unwrap_or(0);
    let (tx, rx) = mpsc::unbounded_channel();
    let started = Instant::now();
    let (sent, seen) = tokio::join!(
        send(target, messages, tx),
        watcher.until_visible(rx, timeout)
    );
    let (counts, acknowledged_at) = sent?;
    let (lags, visible_at) = seen?;
    let applied_after = watcher.status().await?["events_applied"]
        .as_u64()
        .unwrap_or(0);
    Ok(LoadReport {
        events,
        stored: counts.0,
        duplicates: counts.1,
        rejected: counts.2,
        acknowledged_in: acknowledged_at.duration_since(started),
        visible_in: visible_at.duration_since(started),
        lags,
        applied: applied_after.saturating_sub(applied_before),
    })
}

/// Stored, duplicates, rejected.
type Counts = (u64, u64, u64);

async fn send(
    target: Target,
    messages: Vec<Timed>,
    acks: mpsc::UnboundedSender<Acked>,
) -> Result<(Counts, Instant), LoadError> {
    let mut counts = (0, 0, 0);
    match target {
        Target::Nats { publisher, slice } => {
            for chunk in messages.chunks(slice.max(1)) {
                let done = publisher
                    .publish_all(chunk.iter().map(|m| m.message.clone()))
                    .await?;
                counts.0 += done.stored;
                counts.1 += done.duplicates;
                let _ = acks.send(Acked {
                    seq: done.last_seq,
                    events: chunk.len(),
                    at: Instant::now(),
                });
            }
        }
        Target::Gateway {
            base,
            keys,
            batch,
            concurrency,
        } => {
            let bodies = gateway_bodies(&messages, &keys, batch)?;
            let http = reqwest::Client::new();
            let url = format!("{}/v1/events", base.trim_end_matches('/'));
            let mut answers = futures::stream::iter(bodies)
                .map(|(key, events, body)| post(&http, &url, key, events, body))
                .buffer_unordered(concurrency.max(1));
            while let Some(answer) = answers.next().await {
                let (acked, stored, duplicates, rejected) = answer?;
                counts.0 += stored;
                counts.1 += duplicates;
                counts.2 += rejected;
                let _ = acks.send(acked);
            }
        }
    }
    Ok((counts, Instant::now()))
}

/// Each source's messages as NDJSON bodies of at most `batch` lines, with the source's key.
fn gateway_bodies(
    messages: &[Timed],
    keys: &BTreeMap<String, String>,
    batch: usize,
) -> Result<Vec<(String, usize, bytes::Bytes)>, LoadError> {
    let mut by_source: BTreeMap<&'static str, Vec<&Outgoing>> = BTreeMap::new();
    for m in messages {
        by_source.entry(m.source).or_default().push(&m.message);
    }
    let mut bodies = Vec::new();
    for (source, mine) in by_source {
        let key = keys
            .get(source)
            .ok_or_else(|| LoadError::NoKey(source.to_owned()))?;
        for chunk in mine.chunks(batch.max(1)) {
            bodies.push((key.clone(), chunk.len(), ndjson(chunk.iter().copied())));
        }
    }
    Ok(bodies)
}

/// Messages' payloads, one per line.
pub fn ndjson<'m>(messages: impl Iterator<Item = &'m Outgoing> + Clone) -> bytes::Bytes {
    let mut body = Vec::with_capacity(messages.clone().map(|m| m.payload.len() + 1).sum());
    for m in messages {
        body.extend_from_slice(&m.payload);
        body.push(b'\n');
    }
    bytes::Bytes::from(body)
}

/// Posts one NDJSON batch with `key`; the gateway's answer when it is 200.
pub async fn post_ndjson(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    body: bytes::Bytes,
) -> Result<serde_json::Value, LoadError> {
    let http_error = |e: reqwest::Error| LoadError::Http {
        url: url.to_owned(),
        reason: e.to_string(),
    };
    let response = http
        .post(url)
        .bearer_auth(key)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .map_err(http_error)?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(LoadError::Refused {
            status,
            body: response.text().await.unwrap_or_default(),
        });
    }
    response.json().await.map_err(http_error)
}

/// Posts one batch; answers its acknowledgement and its stored / duplicate / rejected counts.
async fn post(
    http: &reqwest::Client,
    url: &str,
    key: String,
    events: usize,
    body: bytes::Bytes,
) -> Result<(Acked, u64, u64, u64), LoadError> {
    let answer = post_ndjson(http, url, &key, body).await?;
    let at = Instant::now();
    let seq = answer["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["seq"].as_u64())
        .max()
        .unwrap_or(0);
    let count = |name: &str| answer[name].as_u64().unwrap_or(0);
    Ok((
        Acked { seq, events, at },
        count("accepted"),
        count("duplicates"),
        count("rejected"),
    ))
}
