//! What each kind of fact does to a ward: the steps of the fold, one per payload, each a
//! plain function of the parts of the state it touches.

use std::collections::BTreeMap;

use ehb_proto::{
    Baseline, Beneficiary, BusinessDay, CitizenRef, Event, Issuer, Opening, Payload, ReportFigures,
    ReportId, ReportNotes, TeamComposition, WardCode,
};

use crate::counters::DayCounters;
use crate::deadlines::ReportDeadlines;
use crate::state::{CITIZEN_ACCOUNT, CITIZEN_INTEGRATED, Changes, CitizenKey, CitizenSet};
use crate::ward::{GroupTeam, OpeningBalance, ReportRecord, ReportText, WardBaseline, WardMeta};

/// What folding one payload changed besides its ward-day's counters.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Effect {
    /// The fact was counted before: only the day's duplicates move.
    pub duplicate: bool,
    /// The ward's record (baseline, facilities, opening balance) changed and is to be written.
    pub meta_changed: bool,
    /// Every day of the ward may answer differently (a baseline, an opening balance).
    pub every_day: bool,
}

impl Effect {
    const DUPLICATE: Effect = Effect {
        duplicate: true,
        meta_changed: false,
        every_day: false,
    };
    const NONE: Effect = Effect {
        duplicate: false,
        meta_changed: false,
        every_day: false,
    };
    const WARD_RECORD: Effect = Effect {
        duplicate: false,
        meta_changed: true,
        every_day: false,
    };
    const EVERY_DAY: Effect = Effect {
        duplicate: false,
        meta_changed: true,
        every_day: true,
    };
}

/// The parts of the projection a payload's step may touch besides its ward: the province's
/// counted citizens, the changes to write, the report deadlines.
pub(super) struct Others<'p> {
    pub citizens: &'p mut CitizenSet,
    pub changes: &'p mut Changes,
    pub deadlines: &'p ReportDeadlines,
}

/// Folds `event`'s payload into its ward's record (`meta`) and its ward-day's `counters`: the
/// step of its kind.
pub(super) fn fold_payload(
    event: &Event<'_>,
    day: BusinessDay,
    meta: &mut WardMeta,
    counters: &mut DayCounters,
    others: Others<'_>,
) -> Effect {
    let ward_code = event.ward;
    match &event.payload {
        Payload::AccountActivated { citizen } => count_citizen(
            others.citizens,
            others.changes,
            counters,
            event,
            *citizen,
            Fact::Account,
        ),
        Payload::CardIntegrated {
            citizen,
            beneficiary,
            issuer,
        } => {
            let fact = Fact::Integration {
                beneficiary: *beneficiary,
                issuer: *issuer,
            };
            count_citizen(
                others.citizens,
                others.changes,
                counters,
                event,
                *citizen,
                fact,
            )
        }
        Payload::TeamFormed {
            members,
            composition,
        } => form_team(
            &mut meta.teams,
            others.changes,
            counters,
            (ward_code, day),
            event,
            (*members, *composition),
        ),
        Payload::FacilityLinked { facility } => {
            link_facility(&mut meta.facilities, counters, facility.as_str(), day)
        }
        Payload::ReportFiled {
            reporter,
            period,
            figures,
            notes,
        } => file_report(
            &mut meta.reports,
            others.changes,
            others.deadlines,
            (ward_code, event),
            ReportId {
                reporter: *reporter,
                period: *period,
            },
            (figures, notes.as_deref()),
        ),
        Payload::WardBaseline(b) => take_baseline(meta, event, b),
        Payload::WardOpening(o) => open_balance(meta, event, o),
    }
}

/// A citizen's fact: a level-2 account activated, or a card integrated.
pub(super) enum Fact {
    /// `account.activated`.
    Account,
    /// `card.integrated`, with what the card number said.
    Integration {
        beneficiary: Option<Beneficiary>,
        issuer: Option<Issuer>,
    },
}

/// Counts a citizen's fact once in the province (`set`): the day's new accounts or
/// integrations, its group's, and the eligible when the citizen now has both.
pub(super) fn count_citizen(
    set: &mut CitizenSet,
    changes: &mut Changes,
    counters: &mut DayCounters,
    event: &Event<'_>,
    citizen: CitizenRef,
    fact: Fact,
) -> Effect {
    let (this, other) = match fact {
        Fact::Account => (CITIZEN_ACCOUNT, CITIZEN_INTEGRATED),
        Fact::Integration { .. } => (CITIZEN_INTEGRATED, CITIZEN_ACCOUNT),
    };
    let flags = set.entry(CitizenKey::of(citizen.0)).or_insert(0);
    if *flags & this != 0 {
        return Effect::DUPLICATE;
    }
    *flags |= this;
    match fact {
        Fact::Account => {
            counters.accounts_new += 1;
            if let Some(group) = &event.group {
                counters
                    .groups
                    .count(group.as_str(), |g| g.accounts_new += 1);
            }
        }
        Fact::Integration {
            beneficiary,
            issuer,
        } => {
            counters.integrated_new += 1;
            if let Some(group) = &event.group {
                counters
                    .groups
                    .count(group.as_str(), |g| g.integrated_new += 1);
            }
            counters.by_beneficiary.add(beneficiary);
            counters.by_issuer.add(issuer);
        }
    }
    if *flags & other != 0 {
        counters.eligible_new += 1;
    }
    changes.citizens.push((event.province, citizen, *flags));
    Effect::NONE
}

/// A group's first guidance team; a later one for the same group is a duplicate.
pub(super) fn form_team(
    teams: &mut BTreeMap<String, GroupTeam>,
    changes: &mut Changes,
    counters: &mut DayCounters,
    (ward, day): (WardCode, BusinessDay),
    event: &Event<'_>,
    (members, composition): (Option<u32>, Option<TeamComposition>),
) -> Effect {
    // The contract requires a group on team.formed.
    let group = event.group.as_ref().map(|g| g.as_str()).unwrap_or_default();
    if teams.contains_key(group) {
        return Effect::DUPLICATE;
    }
    teams.insert(
        group.to_owned(),
        GroupTeam {
            formed_on: day,
            members: Payload::team_members(members, composition),
            composition,
        },
    );
    counters.teams_new += 1;
    changes.teams.push((ward, group.to_owned()));
    Effect::NONE
}

/// A facility's first link; a later one is a duplicate.
pub(super) fn link_facility(
    facilities: &mut BTreeMap<String, BusinessDay>,
    counters: &mut DayCounters,
    facility: &str,
    day: BusinessDay,
) -> Effect {
    if facilities.contains_key(facility) {
        return Effect::DUPLICATE;
    }
    facilities.insert(facility.to_owned(), day);
    counters.facilities_new += 1;
    Effect::WARD_RECORD
}

/// A report as filed: the first filing decides whether it was on time, the latest one its
/// figures and text; the same filing again is a duplicate.
pub(super) fn file_report(
    reports: &mut BTreeMap<ReportId, ReportRecord>,
    changes: &mut Changes,
    deadlines: &ReportDeadlines,
    (ward, event): (WardCode, &Event<'_>),
    id: ReportId,
    (figures, notes): (&ReportFigures, Option<&ReportNotes<'_>>),
) -> Effect {
    let filed_at = event.occurred_at;
    let text = notes.map(ReportText::from_notes).unwrap_or_default();
    match reports.get_mut(&id) {
        Some(record)
            if record.first_filed_at == filed_at
                && record.figures == *figures
                && record.text == text =>
        {
            return Effect::DUPLICATE;
        }
        Some(record) => {
            record.filings += 1;
            if filed_at < record.first_filed_at {
                record.first_filed_at = filed_at;
                record.on_time = deadlines.on_time(id.period, filed_at);
            }
            if filed_at >= record.last_filed_at {
                record.last_filed_at = filed_at;
                record.figures = *figures;
                record.text = text;
            }
        }
        None => {
            reports.insert(
                id,
                ReportRecord {
                    first_filed_at: filed_at,
                    on_time: deadlines.on_time(id.period, filed_at),
                    last_filed_at: filed_at,
                    filings: 1,
                    figures: *figures,
                    text,
                },
            );
        }
    }
    changes.reports.push((ward, id));
    Effect::NONE
}

/// The ward's reference figures: the latest by when they were taken; the same again is a
/// duplicate, an older one changes nothing.
pub(super) fn take_baseline(meta: &mut WardMeta, event: &Event<'_>, b: &Baseline<'_>) -> Effect {
    let newer = meta
        .baseline
        .as_ref()
        .is_none_or(|current| event.occurred_at >= current.as_of);
    let incoming = WardBaseline::from_event(event.occurred_at, b);
    if meta.baseline.as_ref() == Some(&incoming) {
        Effect::DUPLICATE
    } else if newer {
        meta.baseline = Some(incoming);
        Effect::EVERY_DAY
    } else {
        Effect::NONE
    }
}

/// The ward's opening balance: a later publication replaces it, the same again is a
/// duplicate, an older one changes nothing.
pub(super) fn open_balance(meta: &mut WardMeta, event: &Event<'_>, o: &Opening) -> Effect {
    let incoming = OpeningBalance::from_event(event.occurred_at, o);
    match meta.opening {
        Some(current) if current == incoming => Effect::DUPLICATE,
        // An older publication than the one kept changes nothing (as a baseline).
        Some(current) if incoming.published_at < current.published_at => Effect::NONE,
        _ => {
            meta.opening = Some(incoming);
            Effect::EVERY_DAY
        }
    }
}
