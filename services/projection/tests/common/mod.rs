//! Builders of stream messages for the projection's tests.

#![allow(dead_code)]

use ehb_projection::{Applied, Projection, ReportDeadlines};
use ehb_proto::{
    Baseline, CitizenRef, Event, Opening, Payload, ProvinceCode, ReportFigures, ReportKind,
    ReportPeriod, Text, WardCode, parse_instant,
};

/// A projection and the next stream sequence to give a message.
pub struct Given {
    pub projection: Projection,
    pub seq: u64,
    pub ids: u128,
}

impl Given {
    pub fn new() -> Self {
        Given {
            projection: Projection::new(ReportDeadlines::default()),
            seq: 0,
            ids: 0,
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

    /// A new event with a fresh id.
    pub fn event(&mut self, at: &str, ward: &str, payload: Payload<'static>) -> Event<'static> {
        self.ids += 1;
        Event {
            id: uuid::Uuid::from_u128(0x0192_d1c6_8c5e_7000_8000_0000_0000_0000 | self.ids),
            occurred_at: parse_instant("t", at).expect("valid time"),
            province: ProvinceCode::parse(&ward[..2]).expect("province"),
            ward: WardCode::parse(ward).expect("ward"),
            group: None,
            source: Text::from("test"),
            payload,
        }
    }

    pub fn account(&mut self, at: &str, ward: &str, citizen: u128) -> Applied {
        let e = self.event(
            at,
            ward,
            Payload::AccountActivated {
                citizen: CitizenRef(citizen),
            },
        );
        self.apply(&e)
    }

    pub fn integrated(
        &mut self,
        at: &str,
        ward: &str,
        citizen: u128,
        beneficiary: Option<&str>,
    ) -> Applied {
        let e = self.event(
            at,
            ward,
            Payload::CardIntegrated {
                citizen: CitizenRef(citizen),
                beneficiary: beneficiary.map(|b| b.parse().expect("code")),
                issuer: beneficiary.map(|_| ehb_proto::Issuer::Vss),
            },
        );
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
        let e = self.event(
            at,
            ward,
            Payload::WardBaseline(Baseline {
                name: Some(Text::from(format!("Phường {ward}"))),
                residents,
                insured,
                level2_accounts: residents / 2,
                eligible: None,
                groups,
                facilities: 2,
                target: insured,
            }),
        );
        self.apply(&e)
    }

    /// An opening balance published at `at`, counting up to `as_of`.
    pub fn opening(
        &mut self,
        at: &str,
        ward: &str,
        as_of: &str,
        (accounts, integrated): (u64, u64),
    ) -> Applied {
        let e = self.event(
            at,
            ward,
            Payload::WardOpening(Opening {
                as_of: day(as_of),
                accounts,
                integrated,
            }),
        );
        self.apply(&e)
    }

    pub fn team(&mut self, at: &str, ward: &str, group: &str) -> Applied {
        let mut e = self.event(
            at,
            ward,
            Payload::TeamFormed {
                members: Some(5),
                composition: None,
            },
        );
        e.group = Some(Text::from(group.to_owned()));
        self.apply(&e)
    }

    pub fn facility(&mut self, at: &str, ward: &str, facility: &str) -> Applied {
        let e = self.event(
            at,
            ward,
            Payload::FacilityLinked {
                facility: Text::from(facility.to_owned()),
            },
        );
        self.apply(&e)
    }

    pub fn daily_report(
        &mut self,
        at: &str,
        ward: &str,
        day: &str,
        figures: ReportFigures,
    ) -> Applied {
        self.report(at, ward, (ReportKind::Daily, day), figures)
    }

    /// A report of `kind` for the period written `period` (a day, a Monday, or `YYYY-MM`).
    pub fn report(
        &mut self,
        at: &str,
        ward: &str,
        (kind, period): (ReportKind, &str),
        figures: ReportFigures,
    ) -> Applied {
        let period = ReportPeriod::parse(kind, "p", period).expect("a period");
        let e = self.event(
            at,
            ward,
            Payload::ReportFiled {
                reporter: ehb_proto::Reporter::WardOffice,
                period,
                figures,
                notes: None,
            },
        );
        self.apply(&e)
    }
}

pub fn day(text: &str) -> ehb_proto::BusinessDay {
    ehb_proto::BusinessDay::parse("date", text).expect("valid date")
}

pub fn ward(text: &str) -> WardCode {
    WardCode::parse(text).expect("valid ward")
}
