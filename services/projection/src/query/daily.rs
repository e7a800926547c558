//! A ward on a business day: new and cumulative figures, rates, teams, facilities, its report.

use std::collections::BTreeMap;

use ehb_proto::{BusinessDay, ProvinceCode, ReportId, ReportPeriod, WardCode};
use serde::Serialize;

use super::reports::{DailyReportStatus, PeriodReport};
use super::standing::WardStanding;
use super::{
    AverageKind, NotIntegrated, Percent, Populations, QueryError, RateBasis, Rates, Standing,
};
use crate::Projection;
use crate::counters::IssuerCounts;
use crate::ward::{OpeningBalance, WardBaseline};

/// The daily figures of one ward.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// The ward office's weekly and monthly reports whose period covers this day.
    pub period_reports: Vec<PeriodReport>,
    /// The other reporters' reports whose period covers this day: the police's final report on
    /// the day's month (expected, filed or not), and any other the ward's police, health
    /// facilities or regional health centre filed.
    pub other_reports: Vec<PeriodReport>,
    /// Facts reported again on this day and counted once.
    pub duplicates_absorbed: u32,
    /// Where the ward stands in its province's two-day review of this day.
    pub standing: WardStanding,
    /// The reference figures used.
    pub baseline: Option<WardBaseline>,
}

/// A figure for the day and up to the day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct NewAndCumulative {
    /// On this day.
    pub new: u64,
    /// From the start of the campaign up to and including this day (with the opening balance's).
    pub cumulative: u64,
}

/// Integrations, with breakdowns.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Facilities {
    /// Facilities linked by this day.
    pub linked: u64,
    /// All facilities, from the baseline.
    pub total: Option<u64>,
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
            .map(|period| self.period_report(ward, ReportId::ward_office(period)))
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
            report: self.report_status(ward, ReportId::ward_office(ReportPeriod::Daily(day))),
            period_reports,
            other_reports: self.other_reports(ward, day),
            duplicates_absorbed: today.duplicates,
            standing: standing_in_province,
            baseline,
        })
    }
}
