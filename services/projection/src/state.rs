//! The projection's state: wards, the citizens already counted, totals and stream position.

use std::collections::{BTreeMap, HashMap};

use ehb_proto::{BusinessDay, CitizenRef, EventType, ProvinceCode, ReportId, WardCode};
use foldhash::fast::RandomState;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::counters::DayCounters;
use crate::deadlines::ReportDeadlines;
use crate::revisions::Revisions;
use crate::ward::{GroupTeam, ReportRecord, Ward, WardMeta};

/// The citizen has an activated level-2 account (counted once).
pub const CITIZEN_ACCOUNT: u8 = 1;
/// The citizen integrated their card (counted once).
pub const CITIZEN_INTEGRATED: u8 = 2;

/// Where in the stream the projection stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The last stream sequence applied (0: nothing yet).
    pub seq: u64,
    /// When the stream recorded that message.
    pub recorded_at: Option<Timestamp>,
}

/// Counts over the whole stream applied so far.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Messages applied (folded or rejected).
    pub messages: u64,
    /// Events folded, by type.
    pub folded: ByType,
    /// Facts reported again and counted once.
    pub duplicates: u64,
    /// Events folded for wards without a baseline.
    pub unregistered: u64,
    /// Messages that could not be folded, by reason kind.
    pub rejected: BTreeMap<String, u64>,
}

impl Totals {
    /// Messages that could not be folded.
    pub fn rejects(&self) -> u64 {
        self.rejected.values().sum()
    }

    /// Adds another partition's totals to these.
    pub fn add_all(&mut self, other: &Totals) {
        self.messages += other.messages;
        self.folded.add_all(&other.folded);
        self.duplicates += other.duplicates;
        self.unregistered += other.unregistered;
        for (kind, n) in &other.rejected {
            *self.rejected.entry(kind.clone()).or_default() += n;
        }
    }
}

/// A count for each event type.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByType {
    /// `account.activated`
    pub account_activated: u64,
    /// `card.integrated`
    pub card_integrated: u64,
    /// `team.formed`
    pub team_formed: u64,
    /// `report.filed`
    pub report_filed: u64,
    /// `ward.baseline`
    pub ward_baseline: u64,
    /// `facility.linked`
    pub facility_linked: u64,
    /// `ward.opening` (left out of the digest's writing when none, as before the type existed)
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ward_opening: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl ByType {
    /// Counts one event of `kind`.
    pub fn add(&mut self, kind: EventType) {
        *match kind {
            EventType::AccountActivated => &mut self.account_activated,
            EventType::CardIntegrated => &mut self.card_integrated,
            EventType::TeamFormed => &mut self.team_formed,
            EventType::ReportFiled => &mut self.report_filed,
            EventType::WardBaseline => &mut self.ward_baseline,
            EventType::FacilityLinked => &mut self.facility_linked,
            EventType::WardOpening => &mut self.ward_opening,
        } += 1;
    }

    /// Adds another count for each type to this one.
    pub fn add_all(&mut self, other: &ByType) {
        self.account_activated += other.account_activated;
        self.card_integrated += other.card_integrated;
        self.team_formed += other.team_formed;
        self.report_filed += other.report_filed;
        self.ward_baseline += other.ward_baseline;
        self.facility_linked += other.facility_linked;
        self.ward_opening += other.ward_opening;
    }

    /// The sum over all types.
    pub fn total(&self) -> u64 {
        self.account_activated
            + self.card_integrated
            + self.team_formed
            + self.report_filed
            + self.ward_baseline
            + self.facility_linked
            + self.ward_opening
    }
}

/// A message that could not be folded, with the reason; the message itself stays in the stream.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reject {
    /// Its stream sequence (fetch it from the stream to see it).
    pub seq: u64,
    /// When the stream recorded it.
    pub recorded_at: Option<Timestamp>,
    /// The subject it was published on.
    pub subject: String,
    /// A machine-readable reason kind (`malformed`, `unknown_type`, `invalid_field`, …).
    pub kind: String,
    /// The field at fault (empty when it concerns the whole message).
    pub field: String,
    /// What is wrong, in words.
    pub reason: String,
}

/// Which citizens have been counted, per province.
pub(crate) type CitizenSet = HashMap<CitizenKey, u8, RandomState>;

/// A citizen's pseudonym as the key of a [`CitizenSet`]: its 16 bytes without the 16-byte
/// alignment of a `u128`, so that an entry with its flags takes 17 bytes instead of 32 (the
/// table is most of a projection's memory, and growing it most of the fold's page faults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CitizenKey([u8; 16]);

impl CitizenKey {
    /// The key of a pseudonym.
    pub(crate) fn of(citizen: u128) -> Self {
        CitizenKey(citizen.to_le_bytes())
    }

    /// The pseudonym.
    pub(crate) fn citizen(self) -> u128 {
        u128::from_le_bytes(self.0)
    }
}

impl std::hash::Hash for CitizenKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u128(self.citizen());
    }
}

/// The projection of the stream: every counter the queries read.
#[derive(Debug)]
pub struct Projection {
    pub(crate) deadlines: ReportDeadlines,
    pub(crate) wards: HashMap<WardCode, Ward, RandomState>,
    /// Indexed by province number (1..=96).
    pub(crate) citizens: Vec<CitizenSet>,
    pub(crate) totals: Totals,
    pub(crate) position: Position,
    pub(crate) changes: Changes,
    /// When each province's days last changed (not part of the state's figures).
    pub(crate) revisions: Revisions,
}

/// What changed since the changes were last taken: what a store must write.
#[derive(Debug, Default)]
pub struct Changes {
    /// Wards whose baseline, teams, facilities or unregistered count changed.
    pub wards: Vec<WardCode>,
    /// Reports filed or amended, by ward and period (written apart from their ward's record,
    /// so that a report does not rewrite every other report the ward filed).
    pub reports: Vec<(WardCode, ReportId)>,
    /// Guidance teams formed, by ward and group (written apart from their ward's record: a
    /// team never changes once formed, and a ward forms about forty of them).
    pub teams: Vec<(WardCode, String)>,
    /// Ward-days whose counters changed.
    pub days: Vec<(WardCode, BusinessDay)>,
    /// Citizens newly counted, or counted for one more fact, with their flags.
    pub citizens: Vec<(ProvinceCode, CitizenRef, u8)>,
    /// Messages rejected.
    pub rejects: Vec<Reject>,
}

impl Projection {
    /// An empty projection (nothing applied) with the given report deadlines.
    pub fn new(deadlines: ReportDeadlines) -> Self {
        Projection {
            deadlines,
            wards: HashMap::default(),
            citizens: (0..=96).map(|_| CitizenSet::default()).collect(),
            totals: Totals::default(),
            position: Position::default(),
            changes: Changes::default(),
            revisions: Revisions::default(),
        }
    }

    /// The report deadlines the projection judges reports by.
    pub fn deadlines(&self) -> &ReportDeadlines {
        &self.deadlines
    }

    /// Where in the stream the projection stands.
    pub fn position(&self) -> Position {
        self.position
    }

    /// Counts over everything applied.
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// One ward, if any event named it.
    pub fn ward(&self, code: WardCode) -> Option<&Ward> {
        self.wards.get(&code)
    }

    /// All wards, in code order.
    pub fn wards_sorted(&self) -> Vec<(WardCode, &Ward)> {
        let mut all: Vec<_> = self.wards.iter().map(|(c, w)| (*c, w)).collect();
        all.sort_unstable_by_key(|(c, _)| *c);
        all
    }

    /// How many wards events have named.
    pub fn wards_len(&self) -> usize {
        self.wards.len()
    }

    /// Distinct citizens counted in a province, as (with account, integrated).
    pub fn citizens_in(&self, province: ProvinceCode) -> (u64, u64) {
        let set = &self.citizens[usize::from(province.get())];
        set.values().fold((0, 0), |(a, i), flags| {
            (
                a + u64::from(flags & CITIZEN_ACCOUNT != 0),
                i + u64::from(flags & CITIZEN_INTEGRATED != 0),
            )
        })
    }

    /// Every citizen counted, by province, in order (for the digest and for stores).
    pub fn citizens_sorted(&self) -> Vec<(ProvinceCode, CitizenRef, u8)> {
        let mut out = Vec::new();
        self.each_province_citizens_sorted(|province, refs| {
            out.extend(refs.iter().map(|(r, f)| (province, CitizenRef(*r), *f)));
        });
        out
    }

    /// Hands each province's citizens and their flags, sorted, to `each`, province by province.
    pub(crate) fn each_province_citizens_sorted(
        &self,
        mut each: impl FnMut(ProvinceCode, &[(u128, u8)]),
    ) {
        let mut refs = Vec::new();
        for (p, set) in self.citizens.iter().enumerate() {
            let Some(province) = ProvinceCode::from_number(p as u8) else {
                continue;
            };
            refs.clear();
            refs.extend(set.iter().map(|(r, f)| (r.citizen(), *f)));
            refs.sort_unstable();
            each(province, &refs);
        }
    }

    /// The number of citizens held in memory, over all provinces.
    pub fn citizens_len(&self) -> usize {
        self.citizens.iter().map(HashMap::len).sum()
    }

    /// Forgets what changed since the changes were last taken (for a projection that is never
    /// stored), keeping the room it took for the next batch.
    pub fn discard_changes(&mut self) {
        self.clear_dirty();
        self.changes.wards.clear();
        self.changes.reports.clear();
        self.changes.teams.clear();
        self.changes.days.clear();
        self.changes.citizens.clear();
        self.changes.rejects.clear();
    }

    /// Takes what changed since the last call, clearing it.
    pub fn take_changes(&mut self) -> Changes {
        self.clear_dirty();
        std::mem::take(&mut self.changes)
    }

    fn clear_dirty(&mut self) {
        for code in &self.changes.wards {
            if let Some(w) = self.wards.get_mut(code) {
                w.meta_dirty = false;
            }
        }
        for (code, day) in &self.changes.days {
            if let Some(c) = self.wards.get_mut(code).and_then(|w| w.days.get_mut(day)) {
                c.dirty = false;
            }
        }
    }

    /// The revision of the last fold: answers computed at it are exact until a later fold
    /// changes a day they depend on.
    pub fn revision(&self) -> u64 {
        self.revisions.current
    }

    /// Whether nothing in `province` that an answer about `day` depends on changed after
    /// `revision`.
    pub fn unchanged_since(&self, province: ProvinceCode, day: BusinessDay, revision: u64) -> bool {
        self.revisions.unchanged_since(province, day, revision)
    }

    /// Records that everything known of `province` may have changed.
    fn restored(&mut self, province: ProvinceCode) {
        let revision = self.revisions.next();
        self.revisions.of(province).every_day_changed(revision);
    }

    /// Restores a ward's meta from a store.
    pub fn restore_ward(&mut self, code: WardCode, meta: WardMeta) {
        self.restored(meta.province);
        match self.wards.get_mut(&code) {
            Some(w) => w.meta = meta,
            None => {
                self.wards.insert(code, Ward::new(meta));
            }
        }
    }

    /// Restores one ward-day's counters from a store (after its ward's meta).
    pub fn restore_day(&mut self, code: WardCode, day: BusinessDay, counters: DayCounters) -> bool {
        self.restore_into(code, |w| {
            let added = counters.progress();
            let replaced = w.days.insert(day, counters).map(|c| c.progress());
            w.all_days.replace(replaced.unwrap_or_default(), added);
        })
    }

    /// Restores one of a ward's guidance teams from a store (after its ward's meta).
    pub fn restore_team(&mut self, code: WardCode, group: String, team: GroupTeam) -> bool {
        self.restore_into(code, |w| {
            w.meta.teams.insert(group, team);
        })
    }

    /// Restores one of a ward's reports from a store (after its ward's meta).
    pub fn restore_report(
        &mut self,
        code: WardCode,
        report: ReportId,
        record: ReportRecord,
    ) -> bool {
        self.restore_into(code, |w| {
            w.meta.reports.insert(report, record);
        })
    }

    /// Restores part of a ward already restored; false when the ward has no record.
    fn restore_into(&mut self, code: WardCode, restore: impl FnOnce(&mut Ward)) -> bool {
        match self.wards.get_mut(&code) {
            Some(w) => {
                restore(w);
                let province = w.meta.province;
                self.restored(province);
                true
            }
            None => false,
        }
    }

    /// Restores one counted citizen from a store; flags only ever gain facts, so they are merged.
    pub fn restore_citizen(&mut self, province: ProvinceCode, citizen: CitizenRef, flags: u8) {
        *self.citizens[usize::from(province.get())]
            .entry(CitizenKey::of(citizen.0))
            .or_insert(0) |= flags;
    }

    /// Restores the totals and the stream position from a store.
    pub fn restore_position(&mut self, position: Position, totals: Totals) {
        self.position = position;
        self.totals = totals;
    }
}
