//! When reports are due, and whether one was filed on time.

use ehb_proto::ReportPeriod;
use jiff::civil::Weekday;
use jiff::{SignedDuration, Timestamp};

/// The reporting deadlines a province sets; the defaults are the campaign plans'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportDeadlines {
    /// A daily report is due by this hour (UTC+07:00) of the next day (default 08:00).
    pub daily_by_hour: u8,
    /// A weekly report is due before this weekday of the following week (default Wednesday).
    pub weekly_before: Weekday,
    /// A monthly report is due before this day of the month it covers (default the 25th).
    pub monthly_before_day: u8,
}

impl Default for ReportDeadlines {
    fn default() -> Self {
        ReportDeadlines {
            daily_by_hour: 8,
            weekly_before: Weekday::Wednesday,
            monthly_before_day: 25,
        }
    }
}

impl ReportDeadlines {
    /// The instant a report for `period` is due.
    ///
    /// A daily report is on time up to and including the deadline; weekly and monthly reports
    /// are due *before* it.
    pub fn due(&self, period: ReportPeriod) -> Timestamp {
        match period {
            ReportPeriod::Daily(day) => {
                day.plus(1).start() + SignedDuration::from_hours(i64::from(self.daily_by_hour))
            }
            ReportPeriod::Weekly(monday) => {
                let sunday = monday.plus(6);
                let next = (1..=7)
                    .map(|k| sunday.plus(k))
                    .find(|d| d.date().weekday() == self.weekly_before)
                    .unwrap_or(sunday.plus(1));
                next.start()
            }
            ReportPeriod::Monthly(first) => {
                let day = i32::from(self.monthly_before_day.clamp(1, 28));
                first.plus(day - 1).start()
            }
        }
    }

    /// Whether a report for `period` filed at `filed_at` met its deadline.
    pub fn on_time(&self, period: ReportPeriod, filed_at: Timestamp) -> bool {
        let due = self.due(period);
        match period {
            ReportPeriod::Daily(_) => filed_at <= due,
            ReportPeriod::Weekly(_) | ReportPeriod::Monthly(_) => filed_at < due,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ehb_proto::{ReportKind, parse_instant};

    fn at(text: &str) -> Timestamp {
        parse_instant("t", text).expect("valid instant")
    }

    fn period(kind: ReportKind, text: &str) -> ReportPeriod {
        ReportPeriod::parse(kind, "p", text).expect("valid period")
    }

    #[test]
    fn daily_by_eight_the_next_morning() {
        let d = ReportDeadlines::default();
        let p = period(ReportKind::Daily, "2026-03-10");
        assert_eq!(d.due(p), at("2026-03-11T08:00:00+07:00"));
        assert!(d.on_time(p, at("2026-03-10T17:00:00+07:00")));
        assert!(d.on_time(p, at("2026-03-11T08:00:00+07:00")));
        assert!(!d.on_time(p, at("2026-03-11T08:00:01+07:00")));
    }

    #[test]
    fn weekly_before_wednesday() {
        let d = ReportDeadlines::default();
        let p = period(ReportKind::Weekly, "2026-03-09");
        assert_eq!(d.due(p), at("2026-03-18T00:00:00+07:00"));
        assert!(d.on_time(p, at("2026-03-17T23:59:59+07:00")));
        assert!(!d.on_time(p, at("2026-03-18T00:00:00+07:00")));
    }

    #[test]
    fn monthly_before_the_25th() {
        let d = ReportDeadlines::default();
        let p = period(ReportKind::Monthly, "2026-03");
        assert_eq!(d.due(p), at("2026-03-25T00:00:00+07:00"));
        assert!(d.on_time(p, at("2026-03-24T23:00:00+07:00")));
        assert!(!d.on_time(p, at("2026-03-25T09:00:00+07:00")));
        let custom = ReportDeadlines {
            daily_by_hour: 10,
            weekly_before: Weekday::Monday,
            monthly_before_day: 20,
        };
        assert_eq!(
            custom.due(period(ReportKind::Daily, "2026-03-10")),
            at("2026-03-11T10:00:00+07:00")
        );
        assert_eq!(
            custom.due(period(ReportKind::Weekly, "2026-03-09")),
            at("2026-03-16T00:00:00+07:00")
        );
        assert_eq!(
            custom.due(period(ReportKind::Monthly, "2026-03")),
            at("2026-03-20T00:00:00+07:00")
        );
    }
}
