//! What is known of one ward beyond its daily counters: baseline, teams, facilities, reports.

use std::collections::BTreeMap;
use std::ops::{Bound, RangeBounds};

use ehb_proto::{
    Baseline, BusinessDay, Opening, ProvinceCode, ReportFigures, ReportId, ReportNotes,
    TeamComposition,
};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::counters::DayCounters;

/// A ward's reference figures and when they were taken.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WardBaseline {
    /// When the figures were taken (the event's `occurred_at`).
    pub as_of: Timestamp,
    /// The ward's name, when given.
    pub name: Option<String>,
    /// Residents.
    pub residents: u64,
    /// Holders of a currently valid insurance card.
    pub insured: u64,
    /// Level-2 accounts active when the figures were taken.
    pub level2_accounts: u64,
    /// Insured residents holding a level-2 account when the figures were taken, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible: Option<u64>,
    /// Residential groups.
    pub groups: u32,
    /// Health facilities.
    pub facilities: u32,
    /// Integrations assigned to the ward.
    pub target: u64,
}

impl WardBaseline {
    /// The baseline carried by an event that occurred at `as_of`.
    pub fn from_event(as_of: Timestamp, b: &Baseline<'_>) -> Self {
        WardBaseline {
            as_of,
            name: b.name.as_ref().map(|n| n.as_str().to_owned()),
            residents: b.residents,
            insured: b.insured,
            level2_accounts: b.level2_accounts,
            eligible: b.eligible,
            groups: b.groups,
            facilities: b.facilities,
            target: b.target,
        }
    }
}

/// What a ward had achieved before its tracking began, and when that was published.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningBalance {
    /// The last business day the balance counts; it enters cumulative figures from this day on.
    pub as_of: BusinessDay,
    /// Level-2 accounts activated by the end of `as_of`.
    pub accounts: u64,
    /// Cards integrated by the end of `as_of`.
    pub integrated: u64,
    /// When it was published (the event's `occurred_at`): a later one replaces it.
    pub published_at: Timestamp,
}

impl OpeningBalance {
    /// The balance an event published at `published_at` carries.
    pub fn from_event(published_at: Timestamp, o: &Opening) -> Self {
        OpeningBalance {
            as_of: o.as_of,
            accounts: o.accounts,
            integrated: o.integrated,
            published_at,
        }
    }
}

/// A group's guidance team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTeam {
    /// The business day the team was formed.
    pub formed_on: BusinessDay,
    /// Volunteers, when reported (the composition's total when only it was).
    pub members: Option<u32>,
    /// Who the team is made of, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub composition: Option<TeamComposition>,
}

/// A report as filed, once or several times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRecord {
    /// When it was first filed.
    pub first_filed_at: Timestamp,
    /// Whether the first filing met the deadline.
    pub on_time: bool,
    /// When it was last filed (amended).
    pub last_filed_at: Timestamp,
    /// How many times it was filed.
    pub filings: u32,
    /// The figures of the latest filing.
    pub figures: ReportFigures,
    /// The text sections of the latest filing.
    #[serde(default, skip_serializing_if = "ReportText::is_empty")]
    pub text: ReportText,
}

/// A report's text sections as filed: difficulties and obstacles, proposals.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportText {
    /// Khó khăn, vướng mắc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulties: Option<String>,
    /// Đề xuất, kiến nghị.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposals: Option<String>,
}

impl ReportText {
    /// The text sections an event carries.
    pub fn from_notes(notes: &ReportNotes<'_>) -> Self {
        ReportText {
            difficulties: notes.difficulties.as_ref().map(|t| t.as_str().to_owned()),
            proposals: notes.proposals.as_ref().map(|t| t.as_str().to_owned()),
        }
    }

    /// Whether the report carried no text section.
    pub fn is_empty(&self) -> bool {
        self.difficulties.is_none() && self.proposals.is_none()
    }
}

/// Everything kept for a ward except its per-day counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WardMeta {
    /// The province the ward belongs to.
    pub province: ProvinceCode,
    /// The latest reference figures (by when they were taken), if any: a ward without one is
    /// not registered.
    pub baseline: Option<WardBaseline>,
    /// Groups with a guidance team, by group code (a record without them reads as none formed).
    #[serde(default)]
    pub teams: BTreeMap<String, GroupTeam>,
    /// Linked facilities, by facility code, with the day they linked.
    pub facilities: BTreeMap<String, BusinessDay>,
    /// Reports filed, by reporter and period (a record without them reads as none filed).
    #[serde(default)]
    pub reports: BTreeMap<ReportId, ReportRecord>,
    /// What the ward had achieved before its tracking began, when a balance was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening: Option<OpeningBalance>,
    /// Events folded while the ward had no baseline.
    pub unregistered_events: u64,
}

impl WardMeta {
    /// A ward first seen in `province`.
    pub fn new(province: ProvinceCode) -> Self {
        WardMeta {
            province,
            baseline: None,
            teams: BTreeMap::new(),
            facilities: BTreeMap::new(),
            reports: BTreeMap::new(),
            opening: None,
            unregistered_events: 0,
        }
    }

    /// Whether the ward has reference figures.
    pub fn registered(&self) -> bool {
        self.baseline.is_some()
    }

    /// Groups whose team was formed on or before `day`.
    pub fn teams_by(&self, day: BusinessDay) -> u64 {
        self.teams.values().filter(|t| t.formed_on <= day).count() as u64
    }

    /// The members of the teams formed on or before `day` (a team that reported none adds none).
    pub fn team_members_by(&self, day: BusinessDay) -> u64 {
        self.teams
            .values()
            .filter(|t| t.formed_on <= day)
            .filter_map(|t| t.members)
            .map(u64::from)
            .sum()
    }

    /// Facilities linked on or before `day`.
    pub fn facilities_by(&self, day: BusinessDay) -> u64 {
        self.facilities.values().filter(|d| **d <= day).count() as u64
    }
}

/// Citizens newly counted over some days: the counters rates and rankings are made of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Level-2 accounts activated.
    pub accounts: u64,
    /// Cards integrated.
    pub integrated: u64,
    /// Citizens who both activated an account and integrated a card.
    pub eligible: u64,
}

impl Progress {
    /// Puts `new` in this total in place of `old`, a part of it (a day's progress before and
    /// after a change).
    pub(crate) fn replace(&mut self, old: Progress, new: Progress) {
        *self += new;
        self.accounts -= old.accounts;
        self.integrated -= old.integrated;
        self.eligible -= old.eligible;
    }
}

impl std::ops::AddAssign for Progress {
    fn add_assign(&mut self, other: Progress) {
        self.accounts += other.accounts;
        self.integrated += other.integrated;
        self.eligible += other.eligible;
    }
}

/// A ward: what is known of it, and its counters per business day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ward {
    /// Baseline, teams, facilities, reports.
    pub meta: WardMeta,
    /// Counters per business day.
    pub days: BTreeMap<BusinessDay, DayCounters>,
    /// Every day's progress added up, kept with the days by the fold and the store's restore: a
    /// standing by a recent day then sums only the days after it, not the whole campaign's.
    pub(crate) all_days: Progress,
    pub(crate) meta_dirty: bool,
}

impl Ward {
    /// A ward with no counters yet.
    pub fn new(meta: WardMeta) -> Self {
        Ward {
            meta,
            days: BTreeMap::new(),
            all_days: Progress::default(),
            meta_dirty: false,
        }
    }

    /// The events' progress over every day up to and including `day`: what [`Ward::progress`]
    /// gives for `..=day`, from the running total less the days after `day`.
    pub fn progress_by(&self, day: BusinessDay) -> Progress {
        let after = self.progress((Bound::Excluded(day), Bound::Unbounded));
        Progress {
            accounts: self.all_days.accounts - after.accounts,
            integrated: self.all_days.integrated - after.integrated,
            eligible: self.all_days.eligible - after.eligible,
        }
    }

    /// The sum of the counters over the days in `from..=to`.
    pub fn sum(&self, from: BusinessDay, to: BusinessDay) -> DayCounters {
        let mut total = DayCounters::default();
        if from <= to {
            for counters in self.days.range(from..=to).map(|(_, c)| c) {
                total.add_all(counters);
            }
        }
        total
    }

    /// The sum of the events' counters over every day up to and including `day` (an opening
    /// balance is not in it: see [`Ward::opening_by`]).
    pub fn cumulative(&self, day: BusinessDay) -> DayCounters {
        let mut total = DayCounters::default();
        for counters in self.days.range(..=day).map(|(_, c)| c) {
            total.add_all(counters);
        }
        total
    }

    /// Accounts and integrations over `days` (the counters rankings need).
    pub fn progress(&self, days: impl RangeBounds<BusinessDay>) -> Progress {
        let mut total = Progress::default();
        for c in self.days.range(days).map(|(_, c)| c) {
            total.accounts += u64::from(c.accounts_new);
            total.integrated += u64::from(c.integrated_new);
            total.eligible += u64::from(c.eligible_new);
        }
        total
    }

    /// The opening balance's accounts and integrations, when it counts by `day` (none before
    /// its `as_of`).
    pub fn opening_by(&self, day: BusinessDay) -> Progress {
        match self.meta.opening {
            Some(o) if o.as_of <= day => Progress {
                accounts: o.accounts,
                integrated: o.integrated,
                eligible: 0,
            },
            _ => Progress::default(),
        }
    }

    /// The first day the events counted an account or an integration in, if any.
    pub fn first_fact_day(&self) -> Option<BusinessDay> {
        self.days
            .iter()
            .find(|(_, c)| c.accounts_new > 0 || c.integrated_new > 0)
            .map(|(day, _)| *day)
    }

    /// The last business day with any event.
    pub fn last_day(&self) -> Option<BusinessDay> {
        self.days.keys().next_back().copied()
    }
}
