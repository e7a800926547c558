//! A ward's figures day by day, for charts.

use ehb_proto::{BusinessDay, ReportPeriod, WardCode};
use serde::Serialize;

use super::{QueryError, Rates};
use crate::Projection;

/// The longest range a series may span, in days.
pub const MAX_SERIES_DAYS: i32 = 366;

/// One ward's figures over a range of days.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// The ward.
    pub ward: WardCode,
    /// The first day.
    pub from: BusinessDay,
    /// The last day.
    pub to: BusinessDay,
    /// One entry per day, in order.
    pub days: Vec<SeriesDay>,
}

/// One day of a series.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesDay {
    /// The day.
    pub date: BusinessDay,
    /// Accounts activated that day.
    pub accounts_new: u64,
    /// Accounts up to that day.
    pub accounts_cumulative: u64,
    /// Integrations that day.
    pub integrated_new: u64,
    /// Integrations up to that day.
    pub integrated_cumulative: u64,
    /// Both rates at the end of that day.
    pub rates: Rates,
    /// Teams formed that day.
    pub teams_new: u64,
    /// Facilities linked that day.
    pub facilities_new: u64,
    /// The day's report: `on_time`, `late` or `missing`.
    pub report: &'static str,
}

impl Projection {
    /// The per-day figures of `ward` from `from` to `to`, both included.
    pub fn series(
        &self,
        code: WardCode,
        from: BusinessDay,
        to: BusinessDay,
    ) -> Result<Series, QueryError> {
        if to < from {
            return Err(QueryError::Invalid {
                field: "to",
                reason: "must not be before `from`".into(),
            });
        }
        if to.ordinal() - from.ordinal() >= MAX_SERIES_DAYS {
            return Err(QueryError::Invalid {
                field: "to",
                reason: format!("a series spans at most {MAX_SERIES_DAYS} days"),
            });
        }
        let ward = self.ward(code).ok_or(QueryError::UnknownWard(code))?;
        let (residents, insured) = ward
            .meta
            .baseline
            .as_ref()
            .map_or((0, 0), |b| (b.residents, b.insured));
        let mut running = ward.cumulative(from.plus(-1));
        let mut days = Vec::new();
        let mut day = from;
        while day <= to {
            let today = ward.sum(day, day);
            running.add_all(&today);
            let integrated = u64::from(running.integrated_new);
            days.push(SeriesDay {
                date: day,
                accounts_new: u64::from(today.accounts_new),
                accounts_cumulative: u64::from(running.accounts_new),
                integrated_new: u64::from(today.integrated_new),
                integrated_cumulative: integrated,
                rates: Rates::new(integrated, residents, insured),
                teams_new: u64::from(today.teams_new),
                facilities_new: u64::from(today.facilities_new),
                report: match ward.meta.reports.get(&ReportPeriod::Daily(day)) {
                    Some(r) if r.on_time => "on_time",
                    Some(_) => "late",
                    None => "missing",
                },
            });
            day = day.plus(1);
        }
        Ok(Series {
            ward: code,
            from,
            to,
            days,
        })
    }
}
