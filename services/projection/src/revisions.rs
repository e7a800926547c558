//! When each province's figures last changed, day by day: what tells whether an answer computed
//! earlier about a day is still the answer now.
//!
//! Every fold stamps the days it touched with a revision that only grows. An answer about day D
//! computed at revision R is still exact if no day up to D changed after R, and nothing that
//! concerns every day (a baseline, a new ward, a new last day, which moves what is past due) did.

use ehb_proto::{BusinessDay, ProvinceCode};

/// Days tracked one by one from a province's first; later ones count as every-day changes.
const TRACKED_DAYS: usize = 1_024;

/// The revision at which each of one province's days last changed.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProvinceRevisions {
    /// The last change that concerns every day.
    every_day: u64,
    /// The day `by_day[0]` stands for.
    first: Option<BusinessDay>,
    /// The last change of each day from `first`.
    by_day: Vec<u64>,
    /// The last day with events, as folded here (a new one moves what is past due).
    latest: Option<BusinessDay>,
}

impl ProvinceRevisions {
    /// Records an event on `day` folded at `revision`: that day changed, and if it is a new last
    /// day, what is past due did on every day.
    pub(crate) fn event_on(&mut self, day: BusinessDay, revision: u64) {
        if self.latest.is_none_or(|latest| day > latest) {
            self.latest = Some(day);
            self.every_day = revision;
        }
        self.day_changed(day, revision);
    }

    /// Records that `day`'s figures changed at `revision`.
    pub(crate) fn day_changed(&mut self, day: BusinessDay, revision: u64) {
        let first = *self.first.get_or_insert(day);
        let Ok(at) = usize::try_from(day.ordinal() - first.ordinal()) else {
            // A day before any tracked one: counted as touching every day (late events are few).
            self.every_day = revision;
            return;
        };
        if at >= TRACKED_DAYS {
            self.every_day = revision;
            return;
        }
        if at >= self.by_day.len() {
            self.by_day.resize(at + 1, 0);
        }
        self.by_day[at] = revision;
    }

    /// Records a change at `revision` that concerns every day.
    pub(crate) fn every_day_changed(&mut self, revision: u64) {
        self.every_day = revision;
    }

    /// Records at `revision` that a ward left the province: every day changed, and the last day
    /// with events may now be earlier, so the next event is taken as a new last day.
    pub(crate) fn ward_left(&mut self, revision: u64) {
        self.every_day = revision;
        self.latest = None;
    }

    /// Whether nothing on or before `day` changed after `revision`.
    pub(crate) fn unchanged_since(&self, day: BusinessDay, revision: u64) -> bool {
        if self.every_day > revision {
            return false;
        }
        let Some(first) = self.first else {
            return true;
        };
        let Ok(upto) = usize::try_from(day.ordinal() - first.ordinal()) else {
            return true;
        };
        let upto = (upto + 1).min(self.by_day.len());
        self.by_day[..upto].iter().all(|r| *r <= revision)
    }
}

/// The revisions of every province, indexed by province number.
#[derive(Debug, Clone)]
pub(crate) struct Revisions {
    /// The revision of the last fold.
    pub(crate) current: u64,
    provinces: Vec<ProvinceRevisions>,
}

impl Default for Revisions {
    fn default() -> Self {
        Revisions {
            current: 0,
            provinces: vec![ProvinceRevisions::default(); 97],
        }
    }
}

impl Revisions {
    /// Starts a fold: the revision its changes are stamped with.
    pub(crate) fn next(&mut self) -> u64 {
        self.current += 1;
        self.current
    }

    /// One province's revisions.
    pub(crate) fn of(&mut self, province: ProvinceCode) -> &mut ProvinceRevisions {
        &mut self.provinces[usize::from(province.get())]
    }

    /// Whether nothing in `province` on or before `day` changed after `revision`.
    pub(crate) fn unchanged_since(
        &self,
        province: ProvinceCode,
        day: BusinessDay,
        revision: u64,
    ) -> bool {
        self.provinces[usize::from(province.get())].unchanged_since(day, revision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i32) -> BusinessDay {
        BusinessDay::from_ordinal(20_000 + n)
    }

    #[test]
    fn a_change_is_seen_by_its_day_and_later_days_only() {
        let mut r = ProvinceRevisions::default();
        r.event_on(day(0), 1);
        r.day_changed(day(5), 2);
        r.day_changed(day(3), 3);
        assert!(r.unchanged_since(day(2), 2));
        assert!(!r.unchanged_since(day(3), 2));
        assert!(!r.unchanged_since(day(9), 2));
        assert!(r.unchanged_since(day(9), 3));
    }

    #[test]
    fn a_new_last_day_and_an_earlier_day_concern_every_day() {
        let mut r = ProvinceRevisions::default();
        r.event_on(day(4), 1);
        r.event_on(day(6), 2);
        assert!(
            !r.unchanged_since(day(0), 1),
            "a new last day moves what is past due"
        );
        r.day_changed(day(8), 3);
        assert!(
            r.unchanged_since(day(7), 2),
            "a later period's day is not a new last day"
        );
        r.event_on(day(1), 3);
        assert!(
            !r.unchanged_since(day(0), 2),
            "a day before the first tracked"
        );
        r.every_day_changed(4);
        assert!(!r.unchanged_since(day(0), 3));
        assert!(r.unchanged_since(day(0), 4));
    }

    #[test]
    fn days_beyond_the_tracked_span_concern_every_day() {
        let mut r = ProvinceRevisions::default();
        r.event_on(day(0), 1);
        r.day_changed(day(TRACKED_DAYS as i32 + 5), 2);
        assert!(!r.unchanged_since(day(0), 1));
        assert_eq!(r.by_day.len(), 1);
    }
}
