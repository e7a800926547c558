//! A ward's or a province's figures day by day, for charts.

use ehb_proto::{BusinessDay, ProvinceCode, ReportId, ReportPeriod, WardCode};
use serde::Serialize;

use super::{Populations, QueryError, Rates};
use crate::Projection;

/// The states of a day's report in a series: filed on time, filed late, not filed.
pub const REPORT_STATES: [&str; 3] = ["on_time", "late", "missing"];

/// The longest range a series may span, in days.
pub const MAX_SERIES_DAYS: i32 = 366;

/// One ward's figures over a range of days.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct SeriesDay {
    /// The day.
    pub date: BusinessDay,
    /// Accounts activated that day.
    pub accounts_new: u64,
    /// Accounts up to that day (with the opening balance's, from its day on).
    pub accounts_cumulative: u64,
    /// Integrations that day.
    pub integrated_new: u64,
    /// Integrations up to that day (with the opening balance's, from its day on).
    pub integrated_cumulative: u64,
    /// The rates at the end of that day.
    pub rates: Rates,
    /// Teams formed that day.
    pub teams_new: u64,
    /// Facilities linked that day.
    pub facilities_new: u64,
    /// The day's report: `on_time`, `late` or `missing`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::report_state))]
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
        check_range(from, to)?;
        let ward = self.ward(code).ok_or(QueryError::UnknownWard(code))?;
        let baseline = ward.meta.baseline.as_ref();
        // The events' figures carried forward a day at a time; the opening balance joins them
        // from its day on.
        let mut events = ward.progress(..from);
        let mut days = Vec::new();
        let mut day = from;
        while day <= to {
            let today = ward.sum(day, day);
            events += today.progress();
            let opening = ward.opening_by(day);
            let integrated = events.integrated + opening.integrated;
            days.push(SeriesDay {
                date: day,
                accounts_new: u64::from(today.accounts_new),
                accounts_cumulative: events.accounts + opening.accounts,
                integrated_new: u64::from(today.integrated_new),
                integrated_cumulative: integrated,
                rates: Rates::new(integrated, &Populations::of(baseline, events)),
                teams_new: u64::from(today.teams_new),
                facilities_new: u64::from(today.facilities_new),
                report: match ward
                    .meta
                    .reports
                    .get(&ReportId::ward_office(ReportPeriod::Daily(day)))
                {
                    Some(r) if r.on_time => REPORT_STATES[0],
                    Some(_) => REPORT_STATES[1],
                    None => REPORT_STATES[2],
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

/// Refuses a range that ends before it starts or spans more than [`MAX_SERIES_DAYS`].
fn check_range(from: BusinessDay, to: BusinessDay) -> Result<(), QueryError> {
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
    Ok(())
}

/// One province's figures over a range of days: its registered wards together, so the last
/// day's cumulative equals the province summary's.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceSeries {
    /// The province.
    pub province: ProvinceCode,
    /// The first day.
    pub from: BusinessDay,
    /// The last day.
    pub to: BusinessDay,
    /// One entry per day, in order.
    pub days: Vec<ProvinceSeriesDay>,
}

/// One day of a province's series.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceSeriesDay {
    /// The day.
    pub date: BusinessDay,
    /// Accounts activated that day.
    pub accounts_new: u64,
    /// Integrations that day.
    pub integrated_new: u64,
    /// Integrations up to that day.
    pub integrated_cumulative: u64,
    /// The rates at the end of that day.
    pub rates: Rates,
}

impl Projection {
    /// The per-day figures of `province`'s registered wards from `from` to `to`, both included.
    pub fn province_series(
        &self,
        province: ProvinceCode,
        from: BusinessDay,
        to: BusinessDay,
    ) -> Result<ProvinceSeries, QueryError> {
        check_range(from, to)?;
        let wards = self.wards_in(Some(province));
        if wards.is_empty() {
            return Err(QueryError::UnknownProvince(province));
        }
        // Each registered ward with its counters up to the day before, carried forward a day at
        // a time (as the ward's own series does).
        let mut registered: Vec<_> = wards
            .iter()
            .filter_map(|(_, w)| {
                let b = w.meta.baseline.as_ref()?;
                Some((*w, b, w.progress(..from)))
            })
            .collect();
        let mut days = Vec::new();
        let mut day = from;
        while day <= to {
            let (mut accounts_new, mut integrated_new, mut integrated) = (0, 0, 0);
            let mut populations = Populations::default();
            for (ward, baseline, events) in &mut registered {
                let today = ward.sum(day, day);
                accounts_new += u64::from(today.accounts_new);
                integrated_new += u64::from(today.integrated_new);
                *events += today.progress();
                integrated += events.integrated + ward.opening_by(day).integrated;
                populations = populations + Populations::of(Some(baseline), *events);
            }
            days.push(ProvinceSeriesDay {
                date: day,
                accounts_new,
                integrated_new,
                integrated_cumulative: integrated,
                rates: Rates::new(integrated, &populations),
            });
            day = day.plus(1);
        }
        Ok(ProvinceSeries {
            province,
            from,
            to,
            days,
        })
    }
}
