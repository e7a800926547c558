//! Turning a scenario into the messages upstream systems publish, and the truth they add up to.

use std::collections::BTreeMap;

use bytes::Bytes;
use ehb_eventlog::Outgoing;
use ehb_proto::{
    BusinessDay, CitizenRef, Event, Opening, Payload, ProvinceCode, ReportId, TeamComposition,
    Text, Uuid, WardCode,
};
use jiff::{SignedDuration, Timestamp};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::reports::{FiledReport, file_other_reports, file_reports};
use crate::scenario::Scenario;
use crate::ward_facts::{citizens_day_by_day, form_teams, link_facilities, register_ward};

/// A message with the time its publisher sends it.
#[derive(Debug, Clone)]
pub struct Timed {
    /// When the upstream system publishes it (simulated time).
    pub publish_at: Timestamp,
    /// The upstream system (`c06`, `vss`, `ward-office`, `health`).
    pub source: &'static str,
    /// The message.
    pub message: Outgoing,
}

/// What one ward's events add up to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WardTruth {
    /// Residents in the baseline.
    pub residents: u64,
    /// Insured in the baseline.
    pub insured: u64,
    /// Groups in the baseline.
    pub groups: u64,
    /// Accounts at the end: the opening balance's and the distinct citizens whose account the
    /// events activated.
    pub accounts: u64,
    /// Integrations at the end: the opening balance's and the distinct citizens who integrated.
    pub integrated: u64,
    /// The opening balance, when the ward joined with one: its day, accounts and integrations.
    pub opening: Option<(BusinessDay, u64, u64)>,
    /// Level-2 account holders at the end: the baseline's and the accounts activated.
    pub level2: u64,
    /// Eligible at the end: the baseline's, and the citizens who both activated an account and
    /// integrated a card.
    pub eligible: u64,
    /// Integrations per business day.
    pub integrated_by_day: BTreeMap<BusinessDay, u64>,
    /// Accounts per business day.
    pub accounts_by_day: BTreeMap<BusinessDay, u64>,
    /// Groups that formed a team.
    pub teams: u64,
    /// Their teams' members.
    pub team_members: u64,
    /// Accounts and integrations (in that order) of the facts that named each group.
    pub by_group: BTreeMap<String, (u64, u64)>,
    /// Accounts and integrations of the facts that named no group.
    pub without_group: (u64, u64),
    /// Facilities linked.
    pub facilities: u64,
    /// The reports filed (the ward office's daily and weekly, the police's final, the health
    /// facility's and centre's weekly), by reporter and period; one absent was not filed.
    pub reports: BTreeMap<ReportId, FiledReport>,
}

/// What all the messages add up to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Truth {
    /// Messages published, counting re-publications with the same id.
    pub published: u64,
    /// Messages the stream keeps (re-publications within the window are de-duplicated).
    pub stored: u64,
    /// Messages that cannot be folded.
    pub malformed: u64,
    /// Facts reported again under a new id.
    pub duplicates: u64,
    /// Per ward.
    pub wards: BTreeMap<WardCode, WardTruth>,
}

impl WardTruth {
    /// Counts accounts and integrations to `group`, or to the facts without one.
    pub(crate) fn count_group(&mut self, group: Option<&str>, (accounts, integrated): (u64, u64)) {
        let counts = match group {
            Some(g) => self.by_group.entry(g.to_owned()).or_default(),
            None => &mut self.without_group,
        };
        counts.0 += accounts;
        counts.1 += integrated;
    }
}

impl Truth {
    /// Integrations in all wards.
    pub fn integrated(&self) -> u64 {
        self.wards.values().map(|w| w.integrated).sum()
    }

    /// Accounts in all wards.
    pub fn accounts(&self) -> u64 {
        self.wards.values().map(|w| w.accounts).sum()
    }
}

/// The campaign's messages in publishing order, and their truth.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Messages, sorted by when they are published.
    pub messages: Vec<Timed>,
    /// What they add up to.
    pub truth: Truth,
}

impl Generated {
    /// The messages alone, in publishing order.
    pub fn outgoing(&self) -> Vec<Outgoing> {
        self.messages.iter().map(|m| m.message.clone()).collect()
    }
}

/// A deterministic 128-bit pseudonym for citizen `index` of `ward` (not derived from any real identifier).
pub(crate) fn citizen(seed: u64, ward: WardCode, index: u64) -> CitizenRef {
    let a = mix(seed ^ (u64::from(ward.get()) << 32) ^ index);
    let b = mix(a ^ 0x9e37_79b9_7f4a_7c15);
    CitizenRef((u128::from(a) << 64) | u128::from(b))
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Beneficiary codes and their shares among integrations; `None`: a 10-character card number.
pub(crate) const BENEFICIARY_MIX: [(Option<&str>, f64); 10] = [
    (Some("GD"), 0.30),
    (Some("HS"), 0.15),
    (Some("DN"), 0.14),
    (Some("HT"), 0.10),
    (Some("TE"), 0.08),
    (Some("SV"), 0.05),
    (Some("CN"), 0.04),
    (Some("HC"), 0.03),
    (Some("CA"), 0.01),
    (None, 0.10),
];

/// Builds the messages of a campaign and keeps their truth.
pub(crate) struct Builder<'s> {
    pub(crate) scenario: &'s Scenario,
    pub(crate) rng: ChaCha8Rng,
    messages: Vec<Timed>,
    truth: Truth,
}

impl Builder<'_> {
    fn id(&mut self) -> Uuid {
        Uuid::from_u128(self.rng.random::<u128>() & !(0xf << 76) | (0x7 << 76))
    }

    pub(crate) fn push(&mut self, source: &'static str, publish_at: Timestamp, event: &Event<'_>) {
        self.truth.published += 1;
        self.truth.stored += 1;
        self.messages.push(Timed {
            publish_at,
            source,
            message: Outgoing::event(event),
        });
    }

    /// Publishes an event whose id comes from its ward and `salt`, not the draws, so that the
    /// campaign's other draws stay as they are (a version-7 UUID's layout).
    pub(crate) fn push_drawless(
        &mut self,
        source: &'static str,
        at: Timestamp,
        (ward, salt): (WardCode, u64),
        payload: Payload<'static>,
    ) {
        let a = mix(self.scenario.seed ^ (u64::from(ward.get()) << 32) ^ salt);
        let id = (u128::from(a) << 64 | u128::from(mix(a))) & !(0xf << 76) | (0x7 << 76);
        let event = self.event_with(Uuid::from_u128(id), source, at, ward, payload);
        self.push(source, at, &event);
    }

    pub(crate) fn event(
        &mut self,
        source: &'static str,
        at: Timestamp,
        ward: WardCode,
        payload: Payload<'static>,
    ) -> Event<'static> {
        let id = self.id();
        self.event_with(id, source, at, ward, payload)
    }

    fn event_with(
        &self,
        id: Uuid,
        source: &'static str,
        at: Timestamp,
        ward: WardCode,
        payload: Payload<'static>,
    ) -> Event<'static> {
        Event {
            id,
            occurred_at: at,
            province: self.scenario.province,
            ward,
            group: None,
            source: Text::from(source),
            payload,
        }
    }

    /// Publishes a citizen fact, sometimes late, sometimes again under a new id or the same id.
    pub(crate) fn citizen_fact(
        &mut self,
        source: &'static str,
        at: Timestamp,
        (ward, group): (WardCode, Option<&str>),
        payload: Payload<'static>,
    ) {
        let mut event = self.event(source, at, ward, payload);
        event.group = group.map(|g| Text::from(g.to_owned()));
        let late = self.rng.random::<f64>() < self.scenario.late_share;
        let publish_at = if late {
            at + SignedDuration::from_hours(self.rng.random_range(20..48))
        } else {
            at
        };
        self.push(source, publish_at, &event);
        if self.rng.random::<f64>() < self.scenario.duplicate_share {
            let mut again = event.clone();
            again.id = self.id();
            again.occurred_at = at + SignedDuration::from_mins(30);
            self.push(source, publish_at + SignedDuration::from_mins(30), &again);
            self.truth.duplicates += 1;
        }
        if self.rng.random::<f64>() < self.scenario.republish_share {
            self.truth.published += 1;
            let message = Outgoing::event(&event);
            self.messages.push(Timed {
                publish_at: publish_at + SignedDuration::from_secs(5),
                source,
                message,
            });
        }
        if self.rng.random::<f64>() < self.scenario.malformed_share {
            self.malformed(source, publish_at, &event);
        }
    }

    fn malformed(&mut self, source: &'static str, at: Timestamp, event: &Event<'_>) {
        let json = event.to_json();
        let (subject, payload) = if self.rng.random::<bool>() {
            (
                event.subject(),
                Bytes::copy_from_slice(&json[..json.len() / 2]),
            )
        } else {
            let text =
                String::from_utf8_lossy(&json).replace(event.kind().as_str(), "card.revoked");
            (event.subject(), Bytes::from(text))
        };
        self.truth.published += 1;
        self.truth.stored += 1;
        self.truth.malformed += 1;
        let id = self.id().hyphenated().to_string();
        self.messages.push(Timed {
            publish_at: at,
            source,
            message: Outgoing {
                subject,
                id,
                payload,
            },
        });
    }

    pub(crate) fn time_in_day(&mut self, day: BusinessDay) -> Timestamp {
        day.start() + SignedDuration::from_secs(self.rng.random_range(7 * 3600..21 * 3600))
    }
}

/// Shares of the campaign's work falling on each day: more in the first week and at weekends.
fn day_weights(s: &Scenario) -> Vec<f64> {
    (0..s.days)
        .map(|d| {
            let day = s.start.plus(d as i32);
            let weekend = matches!(
                day.date().weekday(),
                jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
            );
            (if d < 7 { 1.6 } else { 1.0 }) * (if weekend { 1.3 } else { 1.0 })
        })
        .collect()
}

/// Splits `total` over days in proportion to `weights`, exactly.
pub(crate) fn split(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let mut acc = 0.0;
    let mut given = 0u64;
    weights
        .iter()
        .map(|w| {
            acc += w;
            let upto = ((total as f64) * acc / sum).round() as u64;
            let n = upto.saturating_sub(given);
            given = upto;
            n
        })
        .collect()
}

/// Generates the campaign of `scenario`.
pub fn generate(scenario: &Scenario) -> Generated {
    let mut b = Builder {
        scenario,
        rng: ChaCha8Rng::seed_from_u64(scenario.seed),
        messages: Vec::new(),
        truth: Truth::default(),
    };
    let weights = day_weights(scenario);
    for i in 0..scenario.wards.max(1) {
        let (plan, mut truth) = register_ward(&mut b, i);
        if i % 4 == 1 {
            let pilot = plan.insured.saturating_sub(plan.integrated);
            open_with_pilot(&mut b, plan.code, &mut truth, pilot);
        }
        citizens_day_by_day(&mut b, &plan, &weights, &mut truth);
        let team_days = form_teams(&mut b, &plan, &mut truth);
        link_facilities(&mut b, &plan, &mut truth);
        file_reports(&mut b, plan.code, &mut truth, &team_days);
        file_other_reports(&mut b, (plan.code, i), &mut truth);
        b.truth.wards.insert(plan.code, truth);
    }
    let mut messages = b.messages;
    messages.sort_by_key(|m| m.publish_at);
    Generated {
        messages,
        truth: b.truth,
    }
}

/// The code of a ward's `g`-th residential group.
pub(crate) fn group_code(ward: WardCode, g: u32) -> String {
    format!("{ward}-T{g:03}")
}

/// The residential group of citizen `index` of `ward` (one in twenty facts names none, as some
/// upstream records lack it), from the citizen, not the draws.
pub(crate) fn group_of(seed: u64, ward: WardCode, index: u64, groups: u32) -> Option<String> {
    let h = mix(seed ^ (u64::from(ward.get()) << 32) ^ index ^ 0x6772_6f75_7000_0000);
    (!h.is_multiple_of(20)).then(|| group_code(ward, ((h >> 8) % u64::from(groups.max(1))) as u32))
}

/// A team of `members` (3 to 11) as the plans compose it: a police officer, a health worker and
/// a group official, a second officer in the larger teams, the digital team in every other
/// group, the mass organisations for the rest.
pub(crate) fn composition_of(members: u32, g: u32) -> TeamComposition {
    let police = if members >= 8 { 2 } else { 1 };
    let digital = u32::from(members >= 5 && g % 2 == 1);
    TeamComposition {
        police,
        health: 1,
        group_officials: 1,
        digital,
        organisations: members - police - 2 - digital,
        other: 0,
    }
}

/// A quarter of the wards joined after a pilot: what it achieved up to the day before the
/// campaign's first is their opening balance, published with the baseline (made of the ward's
/// figures, not drawn, so that the campaign's other draws stay as they are; the baseline's
/// level-2 holders, taken when tracking began, already hold the pilot's accounts).
/// `room`: the insured the campaign's events leave without a card integrated.
fn open_with_pilot(b: &mut Builder<'_>, code: WardCode, truth: &mut WardTruth, room: u64) {
    let as_of = b.scenario.start.plus(-1);
    let (accounts, integrated) = (truth.residents / 50, (truth.residents / 80).min(room));
    let at = b.scenario.start.start() + SignedDuration::from_mins(6);
    let opening = Payload::WardOpening(Opening {
        as_of,
        accounts,
        integrated,
    });
    b.push_drawless("ward-office", at, (code, 0x6f70_656e), opening);
    truth.opening = Some((as_of, accounts, integrated));
    truth.accounts += accounts;
    truth.integrated += integrated;
}

/// The code of the `i`-th ward of a province: the province's two digits and a three-digit number.
pub fn ward_code(province: ProvinceCode, i: u32) -> WardCode {
    WardCode::from_number(u32::from(province.get()) * 1000 + (i % 999) + 1)
        .expect("province codes are at most 96, so the number stays below 97,000")
}
