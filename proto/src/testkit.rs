//! Builders of contract events for the tests of every crate (feature `testkit`): each event gets
//! a fresh id, its province from its ward's code, and the figures a test does not name.
//!
//! Citizens are numbers standing for keyed hashes ([`CitizenRef`]); no builder takes a personal
//! identifier.

use crate::{
    Baseline, BusinessDay, CitizenRef, Event, Issuer, Opening, Payload, ProvinceCode,
    ReportFigures, ReportKind, ReportPeriod, Reporter, Text, Uuid, WardCode, parse_instant,
};

/// Builds events with fresh ids, in the order they are asked for.
#[derive(Debug, Default)]
pub struct Events {
    ids: u128,
}

/// Facilities a baseline lists.
pub const FACILITIES: u32 = 2;
/// Members of a team a test forms.
pub const TEAM_MEMBERS: u32 = 5;

impl Events {
    /// A builder whose first event has id 1 (in a UUID v7 shape).
    pub fn new() -> Self {
        Events::default()
    }

    /// An event of `payload` in `ward` at `at` (RFC 3339), with a fresh id.
    pub fn event(&mut self, at: &str, ward: &str, payload: Payload<'static>) -> Event<'static> {
        self.ids += 1;
        Event {
            id: Uuid::from_u128(0x0192_d1c6_8c5e_7000_8000_0000_0000_0000 | self.ids),
            occurred_at: parse_instant("occurred_at", at).expect("an RFC 3339 time"),
            province: ProvinceCode::parse(&ward[..2]).expect("a province"),
            ward: ward_code(ward),
            group: None,
            source: Text::from("test"),
            payload,
        }
    }

    /// A level-2 account activated for `citizen`.
    pub fn account(&mut self, at: &str, ward: &str, citizen: u128) -> Event<'static> {
        let citizen = CitizenRef(citizen);
        self.event(at, ward, Payload::AccountActivated { citizen })
    }

    /// A card integrated for `citizen`: with a beneficiary code (`HS`, `GD`, …) the card was
    /// issued by social security; without one, nothing is known of the card.
    pub fn integrated<'b>(
        &mut self,
        at: &str,
        ward: &str,
        citizen: u128,
        beneficiary: impl Into<Option<&'b str>>,
    ) -> Event<'static> {
        let beneficiary = beneficiary.into();
        let payload = Payload::CardIntegrated {
            citizen: CitizenRef(citizen),
            beneficiary: beneficiary.map(|b| b.parse().expect("a beneficiary code")),
            issuer: beneficiary.map(|_| Issuer::Vss),
        };
        self.event(at, ward, payload)
    }

    /// A ward's baseline, named `Phường <ward>`: half its residents hold level-2 accounts, its
    /// target is its insured, [`FACILITIES`] facilities.
    pub fn baseline(
        &mut self,
        at: &str,
        ward: &str,
        residents: u64,
        insured: u64,
        groups: u32,
    ) -> Event<'static> {
        let baseline = Baseline {
            name: Some(Text::from(format!("Phường {ward}"))),
            residents,
            insured,
            level2_accounts: residents / 2,
            eligible: None,
            groups,
            facilities: FACILITIES,
            target: insured,
        };
        self.event(at, ward, Payload::WardBaseline(baseline))
    }

    /// An opening balance published at `at`, counting up to `as_of`.
    pub fn opening(
        &mut self,
        at: &str,
        ward: &str,
        as_of: &str,
        (accounts, integrated): (u64, u64),
    ) -> Event<'static> {
        let opening = Opening {
            as_of: day(as_of),
            accounts,
            integrated,
        };
        self.event(at, ward, Payload::WardOpening(opening))
    }

    /// A guidance team of [`TEAM_MEMBERS`] formed for `group`.
    pub fn team(&mut self, at: &str, ward: &str, group: &str) -> Event<'static> {
        let payload = Payload::TeamFormed {
            members: Some(TEAM_MEMBERS),
            composition: None,
        };
        let mut event = self.event(at, ward, payload);
        event.group = Some(Text::from(group.to_owned()));
        event
    }

    /// A health facility linked.
    pub fn facility(&mut self, at: &str, ward: &str, facility: &str) -> Event<'static> {
        let facility = Text::from(facility.to_owned());
        self.event(at, ward, Payload::FacilityLinked { facility })
    }

    /// The ward office's daily report on `day`.
    pub fn daily_report(
        &mut self,
        at: &str,
        ward: &str,
        day: &str,
        figures: ReportFigures,
    ) -> Event<'static> {
        self.report(at, ward, (ReportKind::Daily, day), figures)
    }

    /// The ward office's report of `kind` on the period written `period` (a day, a Monday, or
    /// `YYYY-MM`).
    pub fn report(
        &mut self,
        at: &str,
        ward: &str,
        (kind, period): (ReportKind, &str),
        figures: ReportFigures,
    ) -> Event<'static> {
        let payload = Payload::ReportFiled {
            reporter: Reporter::WardOffice,
            period: ReportPeriod::parse(kind, "period", period).expect("a period"),
            figures,
            notes: None,
        };
        self.event(at, ward, payload)
    }
}

/// The business day written `text` (YYYY-MM-DD).
pub fn day(text: &str) -> BusinessDay {
    BusinessDay::parse("date", text).expect("a date")
}

/// The ward written `text`.
pub fn ward_code(text: &str) -> WardCode {
    WardCode::parse(text).expect("a ward code")
}
