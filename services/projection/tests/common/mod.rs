//! A projection fed by the contract's shared event builders (`ehb_proto::testkit`), one stream
//! sequence per event, for the projection's tests.

#![allow(dead_code)]

use ehb_projection::{Applied, Projection, ReportDeadlines};
use ehb_proto::testkit::Events;
use ehb_proto::{Event, Payload, ReportFigures, ReportKind};

#[allow(unused_imports)]
pub use ehb_proto::testkit::{day, ward_code as ward};

/// A projection and the next stream sequence to give a message.
pub struct Given {
    pub projection: Projection,
    pub seq: u64,
    pub events: Events,
}

impl Given {
    pub fn new() -> Self {
        Given {
            projection: Projection::new(ReportDeadlines::default()),
            seq: 0,
            events: Events::new(),
        }
    }

    /// Applies an event at the next sequence.
    pub fn apply(&mut self, event: &Event<'_>) -> Applied {
        self.seq += 1;
        self.projection
            .apply(self.seq, None, &event.subject(), &event.to_json())
    }

    /// Applies raw bytes on a subject at the next sequence.
    pub fn apply_raw(&mut self, subject: &str, bytes: &[u8]) -> Applied {
        self.seq += 1;
        self.projection.apply(self.seq, None, subject, bytes)
    }

    /// A new event with a fresh id (not applied).
    pub fn event(&mut self, at: &str, ward: &str, payload: Payload<'static>) -> Event<'static> {
        self.events.event(at, ward, payload)
    }

    pub fn account(&mut self, at: &str, ward: &str, citizen: u128) -> Applied {
        let e = self.events.account(at, ward, citizen);
        self.apply(&e)
    }

    pub fn integrated(
        &mut self,
        at: &str,
        ward: &str,
        citizen: u128,
        beneficiary: Option<&str>,
    ) -> Applied {
        let e = self.events.integrated(at, ward, citizen, beneficiary);
        self.apply(&e)
    }

    pub fn baseline(
        &mut self,
        at: &str,
        ward: &str,
        residents: u64,
        insured: u64,
        groups: u32,
    ) -> Applied {
        let e = self.events.baseline(at, ward, residents, insured, groups);
        self.apply(&e)
    }

    /// An opening balance published at `at`, counting up to `as_of`.
    pub fn opening(&mut self, at: &str, ward: &str, as_of: &str, figures: (u64, u64)) -> Applied {
        let e = self.events.opening(at, ward, as_of, figures);
        self.apply(&e)
    }

    pub fn team(&mut self, at: &str, ward: &str, group: &str) -> Applied {
        let e = self.events.team(at, ward, group);
        self.apply(&e)
    }

    pub fn facility(&mut self, at: &str, ward: &str, facility: &str) -> Applied {
        let e = self.events.facility(at, ward, facility);
        self.apply(&e)
    }

    pub fn daily_report(
        &mut self,
        at: &str,
        ward: &str,
        day: &str,
        figures: ReportFigures,
    ) -> Applied {
        let e = self.events.daily_report(at, ward, day, figures);
        self.apply(&e)
    }

    /// A report of `kind` for the period written `period` (a day, a Monday, or `YYYY-MM`).
    pub fn report(
        &mut self,
        at: &str,
        ward: &str,
        period: (ReportKind, &str),
        figures: ReportFigures,
    ) -> Applied {
        let e = self.events.report(at, ward, period, figures);
        self.apply(&e)
    }
}
