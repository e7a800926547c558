//! Folding messages up to a cut-off into a fresh projection, counting what was left out and what
//! came late.

use ehb_projection::query::daily::Daily;
use ehb_projection::{Projection, ReportDeadlines};
use ehb_proto::{BusinessDay, ContractError, Event, decode_on_subject};
use jiff::Timestamp;
use serde::Serialize;

use ehb_store::{Store, StoreError};

use crate::cutoff::{Admit, Cutoff};

/// What a replay read, folded and left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReplayStats {
    /// Messages read from the source.
    pub read: u64,
    /// Messages folded (including those kept as rejects).
    pub applied: u64,
    /// Messages left out by the cut-off.
    pub skipped: u64,
    /// Events that occurred before the cut-off's instant but were recorded after it.
    pub late: u64,
    /// The last stream sequence folded.
    pub last_seq: u64,
    /// The instant the cut-off stands for (for a sequence: when that message was recorded).
    pub cutoff_instant: Option<Timestamp>,
}

/// A fresh projection being rebuilt message by message.
pub struct Replayer {
    projection: Projection,
    cutoff: Cutoff,
    batch: usize,
    in_batch: usize,
    stats: ReplayStats,
    store: Option<Store>,
    failed: Option<StoreError>,
}

impl Replayer {
    /// A replay to `cutoff` with the province's report deadlines, taking the projection's
    /// changes every `batch` messages as the projector does (the digest does not depend on it).
    pub fn new(cutoff: Cutoff, deadlines: ReportDeadlines, batch: usize) -> Self {
        Replayer {
            projection: Projection::new(deadlines),
            cutoff,
            batch: batch.max(1),
            in_batch: 0,
            stats: ReplayStats {
                cutoff_instant: cutoff.instant(),
                ..ReplayStats::default()
            },
            store: None,
            failed: None,
        }
    }

    /// Also writes the projection, batch by batch with its position, into `store` (a fresh
    /// one), as the projector would: a projector started on it carries on from there.
    pub fn with_store(mut self, store: Store) -> Self {
        self.store = Some(store);
        self
    }

    /// Ends a batch: its changes are committed to the store, if there is one, or forgotten.
    fn end_batch(&mut self) {
        self.in_batch = 0;
        let Some(store) = &self.store else {
            self.projection.discard_changes();
            return;
        };
        let changes = self.projection.take_changes();
        if self.failed.is_none()
            && let Err(err) = store.commit(Store::prepare(&self.projection, &changes))
        {
            self.failed = Some(err);
        }
    }

    /// Offers the next message of the source, in stream order.
    pub fn offer(
        &mut self,
        seq: u64,
        recorded_at: Option<Timestamp>,
        subject: &str,
        payload: &[u8],
    ) {
        self.offer_decoded(
            seq,
            recorded_at,
            subject,
            decode_on_subject(subject, payload),
        );
    }

    /// Offers the next message, already decoded with [`decode_on_subject`].
    pub fn offer_decoded(
        &mut self,
        seq: u64,
        recorded_at: Option<Timestamp>,
        subject: &str,
        decoded: Result<Event<'_>, ContractError>,
    ) {
        self.stats.read += 1;
        let occurred = decoded.as_ref().ok().map(|e| e.occurred_at);
        match self.cutoff.admit(seq, recorded_at, occurred) {
            Admit::Apply => {
                self.projection
                    .apply_decoded(seq, recorded_at, subject, decoded);
                self.stats.applied += 1;
                self.stats.last_seq = seq;
                if matches!(self.cutoff, Cutoff::Seq(_)) {
                    self.stats.cutoff_instant = recorded_at;
                }
                self.in_batch += 1;
                if self.in_batch >= self.batch {
                    self.end_batch();
                }
            }
            Admit::Skip => self.stats.skipped += 1,
        }
        if let (Some(instant), Some(recorded)) = (self.stats.cutoff_instant, recorded_at)
            && recorded > instant
            && occurred.is_some_and(|o| o < instant)
        {
            self.stats.late += 1;
        }
    }

    /// The replayed projection and what the replay did; fails when the store could not be
    /// written.
    pub fn finish(mut self) -> Result<Replay, StoreError> {
        self.end_batch();
        if let Some(err) = self.failed.take() {
            return Err(err);
        }
        if let Some(store) = &self.store {
            store.flush()?;
        }
        Ok(Replay {
            projection: self.projection,
            stats: self.stats,
        })
    }
}

/// A finished replay.
pub struct Replay {
    /// The rebuilt projection.
    pub projection: Projection,
    /// What was read, folded and left out.
    pub stats: ReplayStats,
}

impl Replay {
    /// Every ward's figures on `day` (default: the last day with events), in ward order.
    pub fn ward_figures(&self, day: Option<BusinessDay>) -> Vec<Daily> {
        let day = day.or_else(|| self.projection.latest_day(None));
        self.projection
            .wards_sorted()
            .into_iter()
            .filter_map(|(code, _)| self.projection.daily(code, day).ok())
            .collect()
    }
}
