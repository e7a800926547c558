//! What the reader, the folder and the query API share: the projection, the store, the status.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use ehb_projection::Projection;
use ehb_projection::query::cached::ReviewCache;
use jiff::Timestamp;

use ehb_store::Store;

use crate::access::Officials;

/// The projector's shared state.
pub struct Shared {
    projection: RwLock<Projection>,
    /// The durable copy.
    pub store: Store,
    /// Progress and health.
    pub status: Status,
    /// Who may read what; `None`: the API is open.
    pub officials: Option<Officials>,
    /// Reviews' province parts, served again while still exact.
    pub reviews: ReviewCache,
}

impl Shared {
    /// Shares a loaded projection and its store.
    pub fn new(projection: Projection, store: Store, officials: Option<Officials>) -> Self {
        let seq = projection.position().seq;
        let status = Status::new();
        status.committed_seq.store(seq, Ordering::Relaxed);
        Shared {
            projection: RwLock::new(projection),
            store,
            status,
            officials,
            reviews: ReviewCache::default(),
        }
    }

    /// Reads the projection (queries wait at most for one chunk of a batch to fold).
    pub fn projection_read(&self) -> RwLockReadGuard<'_, Projection> {
        // A panic while folding leaves a projection that is still consistent with its position.
        self.projection.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the projection (the folder only).
    pub fn projection_write(&self) -> RwLockWriteGuard<'_, Projection> {
        self.projection.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// Counters of the projector's progress, read by the status and metrics endpoints.
pub struct Status {
    /// When the process started.
    pub started_at: Timestamp,
    stream_last_seq: AtomicU64,
    committed_seq: AtomicU64,
    connected: AtomicBool,
    batches: AtomicU64,
    batch_messages: AtomicU64,
    fold_micros: AtomicU64,
    commit_micros: AtomicU64,
}

impl Status {
    fn new() -> Self {
        Status {
            started_at: Timestamp::now(),
            stream_last_seq: AtomicU64::new(0),
            committed_seq: AtomicU64::new(0),
            connected: AtomicBool::new(false),
            batches: AtomicU64::new(0),
            batch_messages: AtomicU64::new(0),
            fold_micros: AtomicU64::new(0),
            commit_micros: AtomicU64::new(0),
        }
    }

    /// Records a committed batch.
    pub fn committed(&self, seq: u64, messages: u64, fold: Duration, total: Duration) {
        self.committed_seq.store(seq, Ordering::Release);
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.batch_messages.fetch_add(messages, Ordering::Relaxed);
        self.fold_micros
            .fetch_add(fold.as_micros() as u64, Ordering::Relaxed);
        self.commit_micros.fetch_add(
            total.saturating_sub(fold).as_micros() as u64,
            Ordering::Relaxed,
        );
        self.set_stream_last_seq(seq);
    }

    /// Records the stream's last sequence.
    pub fn set_stream_last_seq(&self, seq: u64) {
        self.stream_last_seq.fetch_max(seq, Ordering::Relaxed);
    }

    /// Records whether the stream is being read.
    pub fn set_connected(&self, connected: bool) {
        self.connected.store(connected, Ordering::Relaxed);
    }

    /// The stream's last sequence, as last seen.
    pub fn stream_last_seq(&self) -> u64 {
        self.stream_last_seq.load(Ordering::Relaxed)
    }

    /// The last sequence committed to the store.
    pub fn committed_seq(&self) -> u64 {
        self.committed_seq.load(Ordering::Acquire)
    }

    /// Whether the stream is being read.
    pub fn connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed)
    }

    /// (batches, messages, fold seconds, commit seconds) since start.
    pub fn batch_totals(&self) -> (u64, u64, f64, f64) {
        (
            self.batches.load(Ordering::Relaxed),
            self.batch_messages.load(Ordering::Relaxed),
            self.fold_micros.load(Ordering::Relaxed) as f64 / 1e6,
            self.commit_micros.load(Ordering::Relaxed) as f64 / 1e6,
        )
    }
}
