//! The two-day review as JSON, each province's part kept while nothing it depends on changes.
//!
//! A finished day's review is asked again and again (every dashboard refresh of every official)
//! and changes only when a late event lands on or before it. Each province's part is kept with
//! the revision it was computed at, and served again only while
//! [`Projection::unchanged_since`] says no day up to the review's changed since: an answer is
//! always exactly what the projection it was read from would compute.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ehb_proto::{BusinessDay, ProvinceCode};
use serde::Serialize;
use serde_json::value::RawValue;

use super::review::{ReviewFrame, Window};
use super::{AverageKind, QueryError, RateBasis};
use crate::Projection;

/// Province parts kept by default: eight reviews of the nation (about 9 MB at 3,321 wards).
pub const DEFAULT_CAPACITY: usize = 34 * 8;

/// Reviews' province parts as computed, for answering the same question again.
#[derive(Debug)]
pub struct ReviewCache {
    capacity: usize,
    parts: Mutex<Parts>,
}

#[derive(Debug, Default)]
struct Parts {
    entries: HashMap<(ProvinceCode, ReviewFrame), Part>,
    /// Counts uses, to forget the least recently used part first.
    clock: u64,
    hits: u64,
    misses: u64,
}

#[derive(Debug)]
struct Part {
    revision: u64,
    json: Arc<RawValue>,
    used: u64,
}

/// A review written from parts: the same JSON as [`super::review::TwoDayReview`].
#[derive(Serialize)]
struct Written<'a> {
    date: BusinessDay,
    window: Window,
    previous: Window,
    scope: Option<ProvinceCode>,
    provinces: Vec<&'a RawValue>,
}

impl Default for ReviewCache {
    fn default() -> Self {
        ReviewCache::new(DEFAULT_CAPACITY)
    }
}

impl ReviewCache {
    /// A cache keeping at most `capacity` province parts.
    pub fn new(capacity: usize) -> Self {
        ReviewCache {
            capacity: capacity.max(1),
            parts: Mutex::new(Parts::default()),
        }
    }

    /// [`Projection::two_day_review`] as JSON, reusing the parts still exact at `projection`.
    pub fn two_day_review_json(
        &self,
        projection: &Projection,
        province: Option<ProvinceCode>,
        day: Option<BusinessDay>,
        kind: AverageKind,
        basis: RateBasis,
    ) -> Result<Vec<u8>, QueryError> {
        let (frame, jsons) = projection.review_each(province, day, kind, basis, |p, frame| {
            let key = (p.province, *frame);
            if let Some(json) = self.reuse(&key, |revision| {
                projection.unchanged_since(p.province, frame.day, revision)
            }) {
                return json;
            }
            // Computed without the parts' lock, so that reviews asked at once do not queue.
            let json: Arc<RawValue> =
                serde_json::value::to_raw_value(&projection.review_of(p, frame))
                    .expect("a review is plain data")
                    .into();
            self.lock()
                .keep(key, projection.revision(), json.clone(), self.capacity);
            json
        })?;
        let written = Written {
            date: frame.day,
            window: frame.window,
            previous: frame.previous,
            scope: province,
            provinces: jsons.iter().map(|j| &**j).collect(),
        };
        let size = written
            .provinces
            .iter()
            .map(|j| j.get().len() + 1)
            .sum::<usize>()
            + 256;
        let mut out = Vec::with_capacity(size);
        serde_json::to_writer(&mut out, &written).expect("a review is plain data");
        Ok(out)
    }

    /// (parts served again, parts computed) since the cache was made.
    pub fn counts(&self) -> (u64, u64) {
        let parts = self.lock();
        (parts.hits, parts.misses)
    }

    /// The part kept for `key` if `still_exact` holds for the revision it was computed at;
    /// counts the reuse or the miss.
    fn reuse(
        &self,
        key: &(ProvinceCode, ReviewFrame),
        still_exact: impl Fn(u64) -> bool,
    ) -> Option<Arc<RawValue>> {
        let mut parts = self.lock();
        parts.clock += 1;
        let now = parts.clock;
        match parts.entries.get_mut(key) {
            Some(part) if still_exact(part.revision) => {
                part.used = now;
                let json = part.json.clone();
                parts.hits += 1;
                Some(json)
            }
            _ => {
                parts.misses += 1;
                None
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Parts> {
        // A poisoned lock held only parts that were complete when stored.
        self.parts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Parts {
    fn keep(
        &mut self,
        key: (ProvinceCode, ReviewFrame),
        revision: u64,
        json: Arc<RawValue>,
        capacity: usize,
    ) {
        self.clock += 1;
        let now = self.clock;
        if self.entries.len() >= capacity && !self.entries.contains_key(&key) {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, p)| p.used)
                .map(|(k, _)| *k);
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        let part = Part {
            revision,
            json,
            used: now,
        };
        self.entries.insert(key, part);
    }
}
