//! Reading the stream and folding it: a reader task and a folder thread, joined by a channel.
//!
//! The reader consumes `EHB_EVENTS` from the position after the last one folded with an
//! ephemeral push consumer read in order (the position lives in sled, so no acknowledgement is
//! needed; a skipped delivery reopens it from the position) and hands over batches
//! of what is ready. The folder applies a batch to the in-memory projection, takes what changed,
//! and commits it with the new position in one sled batch. After a crash the store holds some
//! committed position and exactly the state at it; reading resumes after it.
//!
//! A consumer lives on one server of a cluster and reads that server's copy of the stream. When
//! it reads every subject, every sequence must arrive in order: one it skips is read from the
//! stream's leader (or moved past, logged, when the stream no longer holds it), and a consumer
//! that has nothing more to deliver while the leader has is reopened.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream::Context;
use async_nats::jetstream::consumer::PushConsumer;
use async_nats::jetstream::stream::Stream;
use ehb_eventlog::{Deliveries, DeliveryError, open_deliveries};
use ehb_proto::subject::STREAM_NAME;
use futures::{FutureExt, StreamExt};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::shared::Shared;
use ehb_store::{Store, StoreError};

/// A message read from the stream.
pub use ehb_eventlog::Stored as Delivered;

/// Which messages this projector folds.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Subject prefixes (`ehb.v1.31.`); all messages when empty.
    prefixes: Vec<String>,
}

impl Filter {
    /// A filter over the province filters `ehb.v1.<p>.>`.
    pub fn new(filters: &[String]) -> Self {
        Filter {
            prefixes: filters
                .iter()
                .map(|f| f.trim_end_matches('>').to_owned())
                .collect(),
        }
    }

    /// The subject the server filters by: one province's. Several provinces are read as the
    /// whole stream and the others skipped here: with the stream's thousands of subjects,
    /// nats-server 2.15 delivers a filtered consumer far slower than it delivers everything
    /// (one province about 70,000 messages/s, one consumer filtered by 17 provinces' subjects
    /// about 4,000 sequences/s, against about 360,000 messages/s read and skipped here).
    fn server_side(&self) -> Option<String> {
        match self.prefixes.as_slice() {
            [one] => Some(format!("{one}>")),
            _ => None,
        }
    }

    fn accepts(&self, subject: &str) -> bool {
        self.prefixes.is_empty()
            || self
                .prefixes
                .iter()
                .any(|p| subject.starts_with(p.as_str()))
    }
}

/// How long a small batch waits for more messages before it is folded.
const LINGER: Duration = Duration::from_millis(5);

/// A batch this large is folded without waiting.
const LINGER_UNTIL: usize = 2_000;

/// Messages folded under one hold of the write lock (about a millisecond's fold).
const FOLD_CHUNK: usize = 1_000;

/// After this long without a message, the consumer is asked whether it has any waiting: one
/// that has (or that the server lost, e.g. with a cluster node) is reopened from the position.
const STALL_AFTER: Duration = Duration::from_secs(10);

/// Reads the stream from after the folded position and sends batches to the folder, reopening
/// the consumer with backoff after any stream error, until `cancel`.
pub async fn read_stream(
    js: Context,
    url: String,
    filter: Filter,
    shared: Arc<Shared>,
    tx: mpsc::Sender<Vec<Delivered>>,
    batch_max: usize,
    cancel: CancellationToken,
) {
    let mut next = shared.projection_read().position().seq + 1;
    let mut backoff = Duration::from_millis(100);
    while !cancel.is_cancelled() {
        let opened = match open(&js, &url, &filter, next).await {
            Ok(opened) => {
                tracing::info!(from_seq = next, "StreamConsumerOpened");
                shared.status.set_connected(true);
                opened
            }
            Err(err) => {
                shared.status.set_connected(false);
                tracing::warn!(error = %err, retry_in_ms = backoff.as_millis() as u64, "StreamConsumerFailed");
                if pause(&mut backoff, &cancel).await.is_none() {
                    return;
                }
                continue;
            }
        };
        let (stream, consumer) = (opened.0.clone(), opened.1.clone());
        let opened_at = opened.3.expected;
        let Some(reached) = forward(opened, &tx, batch_max, &cancel, &mut next).await else {
            return;
        };
        shared.status.set_connected(false);
        // Removed now rather than after its inactivity threshold.
        let _ = stream.delete_consumer(&consumer.cached_info().name).await;
        // A consumer that breaks before delivering anything is reopened after a pause.
        if reached > opened_at {
            backoff = Duration::from_millis(100);
        } else if pause(&mut backoff, &cancel).await.is_none() {
            return;
        }
    }
}

/// Waits `backoff` (doubled for next time, up to 5 s); `None` when cancelled meanwhile.
async fn pause(backoff: &mut Duration, cancel: &CancellationToken) -> Option<()> {
    tokio::select! {
        _ = tokio::time::sleep(*backoff) => {}
        _ = cancel.cancelled() => return None,
    }
    *backoff = (*backoff * 2).min(Duration::from_secs(5));
    Some(())
}

/// Sends an open consumer's deliveries to the folder in batches until it breaks; `next` follows
/// the last message sent. Answers the sequence the consumer had reached, or `None` when the
/// reader is to stop (cancelled, or the folder is gone).
async fn forward(
    (stream, consumer, mut messages, mut order): Opened,
    tx: &mpsc::Sender<Vec<Delivered>>,
    batch_max: usize,
    cancel: &CancellationToken,
    next: &mut u64,
) -> Option<u64> {
    // Batches grow while the folder is busy; a small batch lingers a few milliseconds for
    // company, since every commit rewrites the ward-days it touched.
    let mut pending: Vec<Delivered> = Vec::new();
    let mut broken = false;
    let linger = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(linger);
    let mut lingered = true;
    let mut last_delivery = Instant::now();
    let mut watchdog = tokio::time::interval(STALL_AFTER / 5);
    while !broken {
        let room = pending.len() < batch_max;
        let ready = lingered || pending.len() >= LINGER_UNTIL;
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return None,
            permit = tx.reserve(), if !pending.is_empty() && ready => {
                let permit = permit.ok()?;
                *next = pending.last().map_or(*next, |m| m.seq + 1);
                permit.send(std::mem::take(&mut pending));
            }
            _ = &mut linger, if !pending.is_empty() && !lingered => lingered = true,
            // Ticks whatever happens, so that a silent consumer is noticed.
            _ = watchdog.tick() => {
                if pending.is_empty() && last_delivery.elapsed() >= STALL_AFTER {
                    if stalled(&stream, &consumer, &order, *next).await {
                        broken = true;
                    } else {
                        last_delivery = Instant::now();
                    }
                }
            }
            m = messages.next(), if room => {
                last_delivery = Instant::now();
                if pending.is_empty() {
                    linger.as_mut().reset(tokio::time::Instant::now() + LINGER);
                    lingered = false;
                }
                broken = !order.admit(&stream, &mut pending, m).await;
                while !broken && pending.len() < batch_max {
                    match messages.next().now_or_never() {
                        Some(m) => broken = !order.admit(&stream, &mut pending, m).await,
                        None => break,
                    }
                }
            }
        }
    }
    if let Some(last) = pending.last() {
        *next = last.seq + 1;
        tx.send(pending).await.ok()?;
    }
    Some(order.expected)
}

/// Whether a consumer silent for [`STALL_AFTER`] must be reopened: it has messages waiting, the
/// server lost it, or the stream's leader has more than it delivered.
async fn stalled(stream: &Stream, consumer: &PushConsumer, order: &Order, next: u64) -> bool {
    match consumer.get_info().await {
        Ok(info) if info.num_pending > 0 => {
            tracing::warn!(
                waiting = info.num_pending,
                from_seq = next,
                "StreamConsumerStalled: reopening"
            );
            true
        }
        // The consumer's server has nothing more; the stream's leader may.
        Ok(_) => match order.leader_has_more(stream).await {
            Some(last) => {
                tracing::warn!(
                    stream_last_seq = last,
                    from_seq = order.expected,
                    "StreamConsumerBehind: reopening"
                );
                true
            }
            None => false,
        },
        Err(err) => {
            tracing::warn!(error = %err, from_seq = next, "StreamConsumerLost: reopening");
            true
        }
    }
}

/// The order a consumer must deliver in: strictly rising sequences, and, when it reads every
/// subject of the stream, every sequence from where it started.
struct Order {
    /// The next sequence to hand over.
    expected: u64,
    /// Whether every sequence must arrive (the whole stream is read, no filter on the server).
    contiguous: bool,
}

impl Order {
    /// Adds a delivered message to the batch; `false` when the consumer broke and must be
    /// reopened. A message delivered again (after the consumer reset itself) is dropped; a
    /// sequence a contiguous consumer skipped (its server's copy of the stream lacks it) is read
    /// from the stream's leader, or moved past when the stream no longer holds it.
    async fn admit(
        &mut self,
        stream: &Stream,
        batch: &mut Vec<Delivered>,
        message: Option<Result<Delivered, DeliveryError>>,
    ) -> bool {
        let stored = match message {
            Some(Ok(m)) => m,
            Some(Err(err)) => {
                tracing::warn!(error = %err, "StreamReadFailed: reopening");
                return false;
            }
            None => return false,
        };
        if stored.seq < self.expected {
            return true;
        }
        if self.contiguous && stored.seq > self.expected {
            match ehb_eventlog::read_gap(stream, self.expected, stored.seq).await {
                Ok(gap) => {
                    tracing::warn!(
                        from_seq = self.expected,
                        to_seq = stored.seq - 1,
                        filled = gap.messages.len(),
                        missing = gap.missing,
                        "StreamGapFilled: the consumer skipped sequences; read from the stream's leader"
                    );
                    batch.extend(gap.messages);
                }
                Err(err) => {
                    tracing::warn!(error = %err, "StreamGapUnread: reopening");
                    return false;
                }
            }
        }
        self.expected = stored.seq + 1;
        batch.push(stored);
        true
    }

    /// The stream's last sequence, as its leader tells, when a contiguous consumer has not
    /// delivered it yet.
    async fn leader_has_more(&self, stream: &Stream) -> Option<u64> {
        if !self.contiguous {
            return None;
        }
        let mut stream = stream.clone();
        let last = stream.info().await.ok()?.state.last_sequence;
        (last >= self.expected).then_some(last)
    }
}

/// A consumer from `next`, its deliveries and the order they must come in.
type Opened = (Stream, PushConsumer, Deliveries, Order);

async fn open(
    js: &Context,
    url: &str,
    filter: &Filter,
    next: u64,
) -> Result<Opened, Box<dyn std::error::Error + Send + Sync>> {
    let stream = js.get_stream(STREAM_NAME).await?;
    let (messages, consumer) =
        open_deliveries(&js.client(), url, &stream, filter.server_side(), next).await?;
    // Messages before the stream's first (removed by its limits) are not waited for.
    let order = Order {
        expected: next.max(stream.cached_info().state.first_sequence),
        contiguous: filter.server_side().is_none(),
    };
    Ok((stream, consumer, messages, order))
}

/// Folds batches and commits them until the channel closes; returns on the first store failure,
/// since a change that could not be written must not be followed by later ones.
pub fn fold_batches(
    shared: Arc<Shared>,
    filter: Filter,
    mut rx: mpsc::Receiver<Vec<Delivered>>,
) -> Result<(), StoreError> {
    while let Some(batch) = rx.blocking_recv() {
        let started = Instant::now();
        let messages = batch.len() as u64;
        // The write lock is taken per chunk, so a query waits for at most one chunk's fold.
        for chunk in batch.chunks(FOLD_CHUNK) {
            let mut projection = shared.projection_write();
            for m in chunk {
                if filter.accepts(m.subject.as_str()) {
                    projection.apply(m.seq, m.recorded_at, m.subject.as_str(), &m.payload);
                } else {
                    projection.skip(m.seq, m.recorded_at);
                }
            }
        }
        let changes = shared.projection_write().take_changes();
        // Only this thread writes, so the projection still matches the changes here, and
        // queries read beside the preparation.
        let prepared = Store::prepare(&shared.projection_read(), &changes);
        let folded = started.elapsed();
        let position = shared.store.commit(prepared)?;
        tracing::debug!(seq = position.seq, messages, "BatchCommitted");
        shared
            .status
            .committed(position.seq, messages, folded, started.elapsed());
    }
    shared.store.flush()
}

/// Keeps the stream's last sequence fresh for the status and lag, once a second.
pub async fn watch_stream(js: Context, shared: Arc<Shared>, cancel: CancellationToken) {
    loop {
        match js.get_stream(STREAM_NAME).await {
            Ok(stream) => shared
                .status
                .set_stream_last_seq(stream.cached_info().state.last_sequence),
            Err(err) => tracing::debug!(error = %err, "StreamInfoFailed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = cancel.cancelled() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Filter;

    #[test]
    fn one_province_is_filtered_by_the_server_several_here() {
        let one = Filter::new(&["ehb.v1.31.>".to_owned()]);
        assert_eq!(one.server_side().as_deref(), Some("ehb.v1.31.>"));
        let two = Filter::new(&["ehb.v1.31.>".to_owned(), "ehb.v1.01.>".to_owned()]);
        assert_eq!(two.server_side(), None);
        assert!(two.accepts("ehb.v1.01.01001.card_integrated"));
        assert!(!two.accepts("ehb.v1.02.02001.card_integrated"));
        let all = Filter::new(&[]);
        assert_eq!(all.server_side(), None);
        assert!(all.accepts("ehb.v1.02.02001.card_integrated"));
    }
}
