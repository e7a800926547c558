//! The reports of a ward: their state (filed, on time, due), the figures they claim against
//! the events of the days they speak of, and those that disagree.

use ehb_proto::{
    BusinessDay, ReportFigures, ReportId, ReportKind, ReportPeriod, Reporter, WardCode,
};
use jiff::Timestamp;
use serde::Serialize;

use super::Standing;
use super::review::Window;
use crate::Projection;
use crate::ward::{ReportText, Ward};

/// The state of a daily report.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// A report whose period covers the day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct PeriodReport {
    /// Who files it.
    pub reporter: Reporter,
    /// The period, e.g. `weekly/2026-03-09` or `monthly/2026-03`.
    pub period: ReportPeriod,
    /// The report's state, as for the daily report.
    #[serde(flatten)]
    pub status: DailyReportStatus,
}

impl Projection {
    /// The state of the report `id` in `ward`.
    pub(crate) fn report_status(&self, ward: &Ward, id: ReportId) -> DailyReportStatus {
        let period = id.period;
        let record = ward.meta.reports.get(&id);
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
    /// The report `id` of `ward`, as listed with a day.
    pub(crate) fn period_report(&self, ward: &Ward, id: ReportId) -> PeriodReport {
        PeriodReport {
            reporter: id.reporter,
            period: id.period,
            status: self.report_status(ward, id),
        }
    }

    /// The police's final report on `day`'s month, then every other report filed by another
    /// reporter than the ward's office, or final, whose days include `day`.
    pub(crate) fn other_reports(&self, ward: &Ward, day: BusinessDay) -> Vec<PeriodReport> {
        let first = day.month_start();
        let police_final = ReportId {
            reporter: Reporter::Police,
            period: ReportPeriod::Final(first),
        };
        let filed = ward.meta.reports.keys().copied().filter(|id| {
            let (from, to) = self.deadlines.span(id.period);
            *id != police_final
                && (id.reporter != Reporter::WardOffice || id.period.kind() == ReportKind::Final)
                && from <= day
                && day <= to
        });
        std::iter::once(police_final)
            .chain(filed)
            .map(|id| self.period_report(ward, id))
            .collect()
    }
}

/// A filed report whose figures differ from what the events say.
#[derive(Debug, Clone, Serialize)]
pub struct DisagreeingReport {
    /// The ward that filed it.
    pub ward: WardCode,
    /// Who filed it.
    pub reporter: Reporter,
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
            for (id, record) in &ward.meta.reports {
                let span = self.deadlines.span(id.period);
                let differences = differences(&record.figures, &event_figures(ward, span));
                if !differences.is_empty() {
                    found.push(DisagreeingReport {
                        ward: code,
                        reporter: id.reporter,
                        period: id.period,
                        differences,
                    });
                }
            }
        }
        found
    }
}
