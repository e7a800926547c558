//! Time in the contract: RFC 3339 instants with an offset, and the business day in UTC+07:00.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::ContractError;

/// Vietnam's offset from UTC in seconds (Asia/Ho_Chi_Minh has kept +07:00 since 1975).
pub const VIETNAM_OFFSET_SECONDS: i64 = 7 * 3600;

const SECONDS_PER_DAY: i64 = 86_400;

/// A calendar date in Asia/Ho_Chi_Minh: the day an event counts for.
///
/// Kept as the number of days since 1970-01-01, written as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BusinessDay(i32);

impl BusinessDay {
    /// The business day an instant falls on in UTC+07:00.
    pub fn of(instant: Timestamp) -> Self {
        let local = instant.as_second() + VIETNAM_OFFSET_SECONDS;
        BusinessDay(local.div_euclid(SECONDS_PER_DAY) as i32)
    }

    /// The business day of a calendar date.
    pub fn from_date(date: Date) -> Self {
        let epoch = Date::constant(1970, 1, 1);
        // Dates are within jiff's range, so the span in days always fits.
        let days = epoch.until(date).map(|s| s.get_days()).unwrap_or(0);
        BusinessDay(days)
    }

    /// The calendar date.
    pub fn date(self) -> Date {
        Date::constant(1970, 1, 1)
            .checked_add(i64::from(self.0).days())
            .unwrap_or(Date::MAX)
    }

    /// Days since 1970-01-01.
    pub fn ordinal(self) -> i32 {
        self.0
    }

    /// The day from its count of days since 1970-01-01.
    pub fn from_ordinal(days: i32) -> Self {
        BusinessDay(days)
    }

    /// The day `n` days later (earlier when negative).
    pub fn plus(self, n: i32) -> Self {
        BusinessDay(self.0 + n)
    }

    /// The first day of this day's month.
    pub fn month_start(self) -> Self {
        self.plus(1 - i32::from(self.date().day()))
    }

    /// The instant this day starts (00:00 at UTC+07:00).
    pub fn start(self) -> Timestamp {
        let second = i64::from(self.0) * SECONDS_PER_DAY - VIETNAM_OFFSET_SECONDS;
        Timestamp::from_second(second).unwrap_or(Timestamp::MAX)
    }

    /// Parses `YYYY-MM-DD`; `field` names the field in the error.
    pub fn parse(field: &str, text: &str) -> Result<Self, ContractError> {
        if text.len() != 10 {
            return Err(ContractError::invalid(
                field,
                "must be a date written YYYY-MM-DD",
            ));
        }
        Date::from_str(text)
            .map(BusinessDay::from_date)
            .map_err(|_| ContractError::invalid(field, "must be a valid date written YYYY-MM-DD"))
    }
}

impl fmt::Display for BusinessDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.date();
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }
}

impl TryFrom<String> for BusinessDay {
    type Error = ContractError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        BusinessDay::parse("date", &value)
    }
}

impl From<BusinessDay> for String {
    fn from(value: BusinessDay) -> Self {
        value.to_string()
    }
}

/// Parses an RFC 3339 instant that carries an explicit offset (`Z` or `±hh:mm`).
pub fn parse_instant(field: &str, text: &str) -> Result<Timestamp, ContractError> {
    let b = text.as_bytes();
    // RFC 3339: date 'T' time, then 'Z' or an offset; a civil time without offset is refused.
    let has_offset = b.len() >= 20
        && (b[b.len() - 1] == b'Z'
            || (b.len() >= 25 && matches!(b[b.len() - 6], b'+' | b'-') && b[b.len() - 3] == b':'));
    if !has_offset || b.get(10) != Some(&b'T') {
        return Err(ContractError::invalid(
            field,
            "must be an RFC 3339 time with an offset, e.g. 2026-03-10T08:15:00+07:00",
        ));
    }
    Timestamp::from_str(text).map_err(|_| {
        ContractError::invalid(
            field,
            "must be a valid RFC 3339 time with an offset, e.g. 2026-03-10T08:15:00+07:00",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> BusinessDay {
        BusinessDay::parse("date", text).expect("valid date")
    }

    #[test]
    fn business_day_is_the_date_at_plus_seven() {
        let t = parse_instant("t", "2026-03-10T16:59:59Z").expect("valid");
        assert_eq!(BusinessDay::of(t), day("2026-03-10"));
        let t = parse_instant("t", "2026-03-10T17:00:00Z").expect("valid");
        assert_eq!(BusinessDay::of(t), day("2026-03-11"));
        let t = parse_instant("t", "2026-03-11T00:00:00+07:00").expect("valid");
        assert_eq!(BusinessDay::of(t), day("2026-03-11"));
        let t = parse_instant("t", "2026-03-10T23:59:59.999+07:00").expect("valid");
        assert_eq!(BusinessDay::of(t), day("2026-03-10"));
        let t = parse_instant("t", "2026-03-10T20:00:00-05:00").expect("valid");
        assert_eq!(BusinessDay::of(t), day("2026-03-11"));
    }

    #[test]
    fn days_round_trip() {
        let d = day("2026-03-10");
        assert_eq!(d.to_string(), "2026-03-10");
        assert_eq!(d.plus(1).to_string(), "2026-03-11");
        assert_eq!(d.plus(-10).to_string(), "2026-02-28");
        assert_eq!(BusinessDay::of(d.start()), d);
        assert_eq!(
            BusinessDay::of(d.plus(1).start() - jiff::SignedDuration::from_secs(1)),
            d
        );
        assert_eq!(day("1970-01-01").ordinal(), 0);
    }

    #[test]
    fn instants_need_an_offset() {
        for bad in [
            "2026-03-10T08:15:00",
            "2026-03-10 08:15:00+07:00",
            "2026-03-10",
            "10/03/2026 08:15",
            "2026-02-30T08:15:00+07:00",
            "2026-03-10T25:15:00+07:00",
        ] {
            let err = parse_instant("occurred_at", bad).expect_err(bad);
            assert_eq!(err.field(), "occurred_at");
        }
    }

    #[test]
    fn bad_dates() {
        for bad in ["2026-3-10", "2026-02-30", "10/03/2026", ""] {
            assert!(BusinessDay::parse("date", bad).is_err(), "{bad}");
        }
    }
}
