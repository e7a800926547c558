//! When reports are due, whether one was filed on time, and which days' events it speaks of.

use ehb_proto::{BusinessDay, ReportPeriod};
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
    /// Monthly figures close on this day of the month (default the 14th: a monthly report
    /// speaks of the 15th of the month before to the 14th of its own, as the reporting-regime
    /// decree, Nghị định 09/2019/NĐ-CP, Article 12, closes monthly figures); 0 closes them on the
    /// month's last day.
    pub monthly_closes_on: u8,
    /// A final report (a campaign month's results) is due before this day of the month after
    /// it (default the 6th: a ward's police report the peak month's results to the ward "before
    /// 06/4/2026").
    pub final_before_day: u8,
}

impl Default for ReportDeadlines {
    fn default() -> Self {
        ReportDeadlines {
            daily_by_hour: 8,
            weekly_before: Weekday::Wednesday,
            monthly_before_day: 25,
            monthly_closes_on: 14,
            final_before_day: 6,
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
            ReportPeriod::Final(first) => {
                let next = first.plus(i32::from(first.date().days_in_month()));
                let day = i32::from(self.final_before_day.clamp(1, 28));
                next.plus(day - 1).start()
            }
        }
    }

    /// The first and last day whose events a report for `period` speaks of: the period itself,
    /// except that a monthly report's figures run from the day after the month before closed to
    /// the day its own closes (a final report speaks of its whole month).
    pub fn span(&self, period: ReportPeriod) -> (BusinessDay, BusinessDay) {
        match period {
            ReportPeriod::Monthly(first) if self.monthly_closes_on > 0 => {
                let closes = i32::from(self.monthly_closes_on.clamp(1, 28));
                let month_before = first.plus(-1);
                let month_before = month_before.month_start();
                (month_before.plus(closes), first.plus(closes - 1))
            }
            other => (other.start(), other.end()),
        }
    }

    /// The monthly report whose figures include `day`.
    pub fn monthly_covering(&self, day: BusinessDay) -> ReportPeriod {
        let first = day.month_start();
        let closes = self.monthly_closes_on.clamp(0, 28);
        if closes > 0 && day.date().day() > closes as i8 {
            ReportPeriod::Monthly(first.plus(i32::from(first.date().days_in_month())))
        } else {
            ReportPeriod::Monthly(first)
        }
    }

    /// Whether a report for `period` filed at `filed_at` met its deadline.
    pub fn on_time(&self, period: ReportPeriod, filed_at: Timestamp) -> bool {
        let due = self.due(period);
        match period {
            ReportPeriod::Daily(_) => filed_at <= due,
            ReportPeriod::Weekly(_) | ReportPeriod::Monthly(_) | ReportPeriod::Final(_) => {
                filed_at < due
            }
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
    fn a_final_report_before_the_6th_of_the_month_after_speaks_of_its_whole_month() {
        let d = ReportDeadlines::default();
        let p = period(ReportKind::Final, "2026-03");
        assert_eq!(d.due(p), at("2026-04-06T00:00:00+07:00"));
        assert!(d.on_time(p, at("2026-04-05T23:59:59+07:00")));
        assert!(!d.on_time(p, at("2026-04-06T00:00:00+07:00")));
        let (from, to) = d.span(p);
        assert_eq!(
            (from.to_string(), to.to_string()),
            ("2026-03-01".to_owned(), "2026-03-31".to_owned())
        );
        let february = period(ReportKind::Final, "2026-02");
        assert_eq!(d.due(february), at("2026-03-06T00:00:00+07:00"));
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
            monthly_closes_on: 0,
            final_before_day: 10,
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

    fn day(text: &str) -> BusinessDay {
        BusinessDay::parse("d", text).expect("valid day")
    }

    #[test]
    fn monthly_figures_close_on_the_14th_unless_set_otherwise() {
        let d = ReportDeadlines::default();
        let march = period(ReportKind::Monthly, "2026-03");
        assert_eq!(d.span(march), (day("2026-02-15"), day("2026-03-14")));
        let january = period(ReportKind::Monthly, "2026-01");
        assert_eq!(d.span(january), (day("2025-12-15"), day("2026-01-14")));
        assert_eq!(d.monthly_covering(day("2026-03-14")), march);
        assert_eq!(
            d.monthly_covering(day("2026-03-15")),
            period(ReportKind::Monthly, "2026-04")
        );
        assert_eq!(
            d.monthly_covering(day("2026-12-20")),
            period(ReportKind::Monthly, "2027-01")
        );
        let calendar = ReportDeadlines {
            monthly_closes_on: 0,
            ..d
        };
        assert_eq!(calendar.span(march), (day("2026-03-01"), day("2026-03-31")));
        assert_eq!(calendar.monthly_covering(day("2026-03-20")), march);
        // Weekly and daily reports speak of their own days.
        let week = period(ReportKind::Weekly, "2026-03-09");
        assert_eq!(d.span(week), (day("2026-03-09"), day("2026-03-15")));
    }
}
