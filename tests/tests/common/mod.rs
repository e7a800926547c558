//! Event builders shared by the end-to-end tests.

#![allow(dead_code)]

use ehb_eventlog::Outgoing;
use ehb_proto::{
    Baseline, CitizenRef, Event, Payload, ProvinceCode, ReportFigures, ReportPeriod, Text, Uuid,
    WardCode,
};

/// Builds events with fresh ids.
pub struct Events {
    next: u128,
}

impl Events {
    pub fn new() -> Self {
        Events { next: 0 }
    }

    pub fn event(&mut self, at: &str, ward: &str, payload: Payload<'static>) -> Event<'static> {
        self.next += 1;
        Event {
            id: Uuid::from_u128(0x0192_d1c6_8c5e_7000_8000_0000_0000_0000 | self.next),
            occurred_at: ehb_proto::parse_instant("t", at).expect("time"),
            province: ProvinceCode::parse(&ward[..2]).expect("province"),
            ward: WardCode::parse(ward).expect("ward"),
            group: None,
            source: Text::from("e2e"),
            payload,
        }
    }

    pub fn baseline(
        &mut self,
        ward: &str,
        residents: u64,
        insured: u64,
        groups: u32,
    ) -> Event<'static> {
        self.event(
            "2026-03-01T07:00:00+07:00",
            ward,
            Payload::WardBaseline(Baseline {
                name: Some(Text::from(format!("Phường {ward}"))),
                residents,
                insured,
                level2_accounts: residents / 2,
                eligible: None,
                groups,
                facilities: 3,
                target: insured,
            }),
        )
    }

    pub fn account(&mut self, at: &str, ward: &str, citizen: u128) -> Event<'static> {
        self.event(
            at,
            ward,
            Payload::AccountActivated {
                citizen: CitizenRef(citizen),
            },
        )
    }

    pub fn integrated(
        &mut self,
        at: &str,
        ward: &str,
        citizen: u128,
        beneficiary: &str,
    ) -> Event<'static> {
        self.event(
            at,
            ward,
            Payload::CardIntegrated {
                citizen: CitizenRef(citizen),
                beneficiary: beneficiary.parse().ok(),
                issuer: Some(ehb_proto::Issuer::Vss),
            },
        )
    }

    pub fn team(&mut self, at: &str, ward: &str, group: &str) -> Event<'static> {
        let mut e = self.event(
            at,
            ward,
            Payload::TeamFormed {
                members: Some(4),
                composition: None,
            },
        );
        e.group = Some(Text::from(group.to_owned()));
        e
    }

    pub fn report(
        &mut self,
        at: &str,
        ward: &str,
        day: &str,
        figures: ReportFigures,
    ) -> Event<'static> {
        let period = ReportPeriod::parse(ehb_proto::ReportKind::Daily, "p", day).expect("day");
        self.event(
            at,
            ward,
            Payload::ReportFiled {
                reporter: ehb_proto::Reporter::WardOffice,
                period,
                figures,
                notes: None,
            },
        )
    }
}

pub fn out(events: &[Event<'_>]) -> Vec<Outgoing> {
    events.iter().map(Outgoing::event).collect()
}

/// Two provinces' clean campaigns: province 31 as `p31`, and `p01` moved to province 01.
pub fn two_provinces(
    p31: ehb_simulator::Scenario,
    p01: ehb_simulator::Scenario,
) -> (ehb_simulator::Generated, ehb_simulator::Generated) {
    let p01 = ehb_simulator::Scenario {
        province: ProvinceCode::parse("01").expect("a province"),
        ..p01
    };
    (
        ehb_simulator::generate(&p31.clean()),
        ehb_simulator::generate(&p01.clean()),
    )
}
