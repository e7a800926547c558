//! A ward on a business day: new and cumulative figures, rates, teams, facilities, its report.

use std::collections::BTreeMap;

use ehb_proto::{BusinessDay, ProvinceCode, ReportFigures, ReportPeriod, WardCode};
use jiff::Timestamp;
use serde::Serialize;

use super::review::Window;
use super::standing::WardStanding;
use super::{
    AverageKind, NotIntegrated, Percent, Populations, QueryError, RateBasis, Rates, Standing,
};
use crate::Projection;
use crate::counters::IssuerCounts;
use crate::ward::{OpeningBalance, ReportText, Ward, WardBaseline};

/// The daily figures of one ward.
#[derive(Debug, Clone, Serialize)]
pub struct Daily {
    /// The ward.
    pub ward: WardCode,
    /// Its province.
    pub province: ProvinceCode,
    /// Its name, when a baseline gave one.
    pub name: Option<String>,
    /// The business day.
    pub date: BusinessDay,
    /// Whether the ward has a baseline (events for unregistered wards are counted and flagged).
    pub registered: bool,
    /// Level-2 accounts activated.
    pub accounts: NewAndCumulative,
    /// Cards integrated.
    pub integrated: Integrated,
    /// What the ward had achieved before its tracking began, when a balance was published: its
    /// figures are in the cumulative ones from its `as_of` on, never in a day's.
    pub opening: Option<OpeningBalance>,
    /// Cumulative integrations over each population.
    pub rates: Rates,
    /// The populations the rates divide by (none without a baseline).
    pub populations: Option<Populations>,
    /// Citizens not yet integrated in each population (none without a baseline).
    pub not_integrated: Option<NotIntegrated>,
    /// Progress to the ward's target.
    pub target: Option<TargetProgress>,
    /// Groups with a guidance team, of all groups.
    pub groups: Groups,
    /// Facilities linked, of all facilities.
    pub facilities: Facilities,
    /// The daily report for this day, its timeliness and how its figures compare with the events.
    pub report: DailyReportStatus,
    /// The weekly and monthly reports whose period covers this day.
    pub period_reports: Vec<PeriodReport>,
    /// Facts reported again on this day and counted once.
    pub duplicates_absorbed: u32,
    /// Where the ward stands in its province's two-day review of this day.
    pub standing: WardStanding,
    /// The reference figures used.
    pub baseline: Option<WardBaseline>,
}

/// A figure for the day and up to the day.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct NewAndCumulative {
    /// On this day.
    pub new: u64,
    /// From the start of the campaign up to and including this day (with the opening balance's).
    pub cumulative: u64,
}

/// Integrations, with breakdowns.
#[derive(Debug, Clone, Serialize)]
pub struct Integrated {
    /// On this day.
    pub new: u64,
    /// Up to and including this day (with the opening balance's).
    pub cumulative: u64,
    /// The events' integrations up to and including this day, by beneficiary code (`HS` pupils,
    /// `SV` students, …); an opening balance has no breakdown.
    pub by_beneficiary: BTreeMap<&'static str, u32>,
    /// The events' integrations up to and including this day, by card issuer.
    pub by_issuer: IssuerCounts,
}

/// Progress to the ward's target.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TargetProgress {
    /// Integrations assigned.
    pub target: u64,
    /// Integrations so far.
    pub integrated: u64,
    /// Integrations so far over target, percent.
    pub percent: Option<Percent>,
}

/// Guidance teams.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Groups {
    /// Groups with a team formed by this day.
    pub with_team: u64,
    /// All groups, from the baseline.
    pub total: Option<u64>,
    /// Groups still without a team.
    pub without_team: Option<u64>,
    /// The members of the teams formed by this day (teams that reported none add none).
    pub team_members: u64,
}

/// Linked facilities.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Facilities {
    /// Facilities linked by this day.
    pub linked: u64,
    /// All facilities, from the baseline.
    pub total: Option<u64>,
}

/// The state of a daily report.
#[derive(Debug, Clone, Serialize)]
pub struct DailyReportStatus {
    /// The days whose events its figures are compared with (a month's close on the 14th).
    pub covers: Window,
    /// Whether it was filed.
    pub filed: bool,
    /// When it is due.
    pub due: Timestamp,
    /// Whether its first filing met the deadline.
    pub on_time: Option<bool>,
    /// When it was first filed.
    pub first_filed_at: Option<Timestamp>,
    /// How many times it was filed.
    pub filings: u32,
    /// The figures it claims (latest filing).
    pub claimed: Option<ReportFigures>,
    /// Its text sections (latest filing), when it has them.
    pub text: Option<ReportText>,
    /// The same figures as the events show them.
    pub events: ReportFigures,
    /// Each figure the report claims differently from the events.
    pub differences: Vec<Difference>,
}

/// A figure where a report and the events disagree.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    /// Which figure.
    pub figure: &'static str,
    /// What the report claims.
    pub claimed: u64,
    /// What the events show.
    pub events: u64,
}

/// Lists the figures where `claimed` says something other than `events`.
pub fn differences(claimed: &ReportFigures, events: &ReportFigures) -> Vec<Difference> {
    [
        ("accounts_new", claimed.accounts_new, events.accounts_new),
        (
            "accounts_total",
            claimed.accounts_total,
            events.accounts_total,
        ),
        (
            "integrated_new",
            claimed.integrated_new,
            events.integrated_new,
        ),
        (
            "integrated_total",
            claimed.integrated_total,
            events.integrated_total,
        ),
        (
            "groups_with_team",
            claimed.groups_with_team,
            events.groups_with_team,
        ),
    ]
    .into_iter()
    .filter_map(|(figure, c, e)| match (c, e) {
        (Some(c), Some(e)) if c != e => Some(Difference {
            figure,
            claimed: c,
            events: e,
        }),
        _ => None,
    })
    .collect()
}

/// The figures of the days `from..=to` a report speaks of as the events show them, in the
/// report's terms.
pub(crate) fn event_figures(ward: &Ward, (from, to): (BusinessDay, BusinessDay)) -> ReportFigures {
    let new = ward.sum(from, to);
    let total = Standing::of(ward, to);
    ReportFigures {
        accounts_new: Some(u64::from(new.accounts_new)),
        accounts_total: Some(total.accounts),
        integrated_new: Some(u64::from(new.integrated_new)),
        integrated_total: Some(total.integrated),
        groups_with_team: Some(ward.meta.teams_by(to)),
    }
}

/// A weekly or monthly report whose period covers the day.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodReport {
    /// The period, e.g. `weekly/2026-03-09` or `monthly/2026-03`.
    pub period: ReportPeriod,
    /// The report's state, as for the daily report.
    #[serde(flatten)]
    pub status: DailyReportStatus,
}

impl Projection {
    /// The state of the report for `period` in `ward`.
    fn report_status(&self, ward: &Ward, period: ReportPeriod) -> DailyReportStatus {
        let record = ward.meta.reports.get(&period);
        let (from, to) = self.deadlines.span(period);
        let events = event_figures(ward, (from, to));
        DailyReportStatus {
            covers: Window { from, to },
            filed: record.is_some(),
            due: self.deadlines.due(period),
            on_time: record.map(|r| r.on_time),
            first_filed_at: record.map(|r| r.first_filed_at),
            filings: record.map_or(0, |r| r.filings),
            claimed: record.map(|r| r.figures),
            text: record.map(|r| r.text.clone()).filter(|t| !t.is_empty()),
            differences: record.map_or_else(Vec::new, |r| differences(&r.figures, &events)),
            events,
        }
    }
}

impl Projection {
    /// The daily figures of `ward` on `day` (default: the last day with events in its province),
    /// its standing ranked by residents against the plain mean of ward rates.
    pub fn daily(&self, code: WardCode, day: Option<BusinessDay>) -> Result<Daily, QueryError> {
        self.daily_ranked(code, day, AverageKind::default(), RateBasis::default())
    }

    /// The daily figures of `ward` on `day`, its standing ranked by `basis` against the `kind`
    /// of average.
    pub fn daily_ranked(
        &self,
        code: WardCode,
        day: Option<BusinessDay>,
        kind: AverageKind,
        basis: RateBasis,
    ) -> Result<Daily, QueryError> {
        let ward = self.ward(code).ok_or(QueryError::UnknownWard(code))?;
        let day = day
            .or_else(|| self.latest_day(Some(ward.meta.province)))
            .unwrap_or_else(|| BusinessDay::from_ordinal(0));
        let standing_in_province = self.standing(code, Some(day), kind, basis)?;
        let today = ward.sum(day, day);
        let total = ward.cumulative(day);
        let standing = Standing::of(ward, day);
        let baseline = ward.meta.baseline.clone();
        let week = day.plus(-(day.date().weekday().to_monday_zero_offset() as i32));
        let month = self.deadlines.monthly_covering(day);
        let period_reports = [ReportPeriod::Weekly(week), month]
            .into_iter()
            .map(|period| PeriodReport {
                period,
                status: self.report_status(ward, period),
            })
            .collect();
        let with_team = ward.meta.teams_by(day);
        Ok(Daily {
            ward: code,
            province: ward.meta.province,
            name: baseline.as_ref().and_then(|b| b.name.clone()),
            date: day,
            registered: ward.meta.registered(),
            accounts: NewAndCumulative {
                new: u64::from(today.accounts_new),
                cumulative: standing.accounts,
            },
            integrated: Integrated {
                new: u64::from(today.integrated_new),
                cumulative: standing.integrated,
                by_beneficiary: total.by_beneficiary.to_map(),
                by_issuer: total.by_issuer,
            },
            opening: ward.meta.opening,
            rates: standing.rates(),
            populations: baseline.as_ref().map(|_| standing.populations),
            not_integrated: baseline
                .as_ref()
                .map(|_| NotIntegrated::of(standing.integrated, &standing.populations)),
            target: baseline.as_ref().map(|b| TargetProgress {
                target: b.target,
                integrated: standing.integrated,
                percent: Percent::of(standing.integrated, b.target),
            }),
            groups: Groups {
                with_team,
                total: baseline.as_ref().map(|b| u64::from(b.groups)),
                without_team: baseline
                    .as_ref()
                    .map(|b| u64::from(b.groups).saturating_sub(with_team)),
                team_members: ward.meta.team_members_by(day),
            },
            facilities: Facilities {
                linked: ward.meta.facilities_by(day),
                total: baseline.as_ref().map(|b| u64::from(b.facilities)),
            },
            report: self.report_status(ward, ReportPeriod::Daily(day)),
            period_reports,
            duplicates_absorbed: today.duplicates,
            standing: standing_in_province,
            baseline,
        })
    }
}

/// A filed report whose figures differ from what the events say.
#[derive(Debug, Clone, Serialize)]
pub struct DisagreeingReport {
    /// The ward that filed it.
    pub ward: WardCode,
    /// The period it covers.
    pub period: ReportPeriod,
    /// The figures that differ.
    pub differences: Vec<Difference>,
}

impl Projection {
    /// Every filed report whose figures differ from the events, in ward and period order.
    pub fn disagreeing_reports(&self) -> Vec<DisagreeingReport> {
        let mut found = Vec::new();
        for (code, ward) in self.wards_sorted() {
            for (period, record) in &ward.meta.reports {
                let span = self.deadlines.span(*period);
                let differences = differences(&record.figures, &event_figures(ward, span));
                if !differences.is_empty() {
                    found.push(DisagreeingReport {
                        ward: code,
                        period: *period,
                        differences,
                    });
                }
            }
        }
        found
    }
}
