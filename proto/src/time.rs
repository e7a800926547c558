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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
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

impl BusinessDay {
    /// `YYYY-MM-DD` in ten bytes, for a year from 0 to 9999 (`None` otherwise). Written without
    /// a calendar library or an allocation: a national review writes 20,000 dates, and making a
    /// string of each was a tenth of its cost.
    fn written(self) -> Option<[u8; 10]> {
        let (year, month, day) = civil_from_days(i64::from(self.0));
        if !(0..=9999).contains(&year) {
            return None;
        }
        let mut out = *b"0000-00-00";
        for (at, value, width) in [(0, year, 4), (5, month, 2), (8, day, 2)] {
            let mut v = value;
            for i in (at..at + width).rev() {
                out[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        }
        Some(out)
    }
}

/// Written `YYYY-MM-DD`, as [`fmt::Display`] writes it.
impl Serialize for BusinessDay {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.written() {
            Some(bytes) => {
                serializer.serialize_str(std::str::from_utf8(&bytes).unwrap_or_default())
            }
            None => serializer.collect_str(self),
        }
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
    if let Some(instant) = usual_instant(b) {
        return Ok(instant);
    }
    Timestamp::from_str(text).map_err(|_| {
        ContractError::invalid(
            field,
            "must be a valid RFC 3339 time with an offset, e.g. 2026-03-10T08:15:00+07:00",
        )
    })
}

/// The layout every producer writes, `YYYY-MM-DDTHH:MM:SS` and then `Z` or `±HH:MM`, read
/// directly (the general parser was a tenth of decoding an event); `None` for anything else or
/// anything doubtful (fractions of a second, a leap second, `-00:00`, an offset beyond ±14:59,
/// a year before 1), which the general parser then reads or refuses.
fn usual_instant(b: &[u8]) -> Option<Timestamp> {
    let number = |from: usize, to: usize| {
        b[from..to].iter().try_fold(0i64, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    };
    if !matches!(b.len(), 20 | 25)
        || !matches!(
            (b[4], b[7], b[10], b[13], b[16]),
            (b'-', b'-', b'T', b':', b':')
        )
    {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    let offset = match (b.len(), b[19]) {
        (20, b'Z') => 0,
        (25, sign @ (b'+' | b'-')) if b[22] == b':' => {
            let (hours, minutes) = (number(20, 22)?, number(23, 25)?);
            if hours > 14 || minutes > 59 || (sign == b'-' && hours == 0 && minutes == 0) {
                return None;
            }
            let seconds = hours * 3600 + minutes * 60;
            if sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    if year < 1
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let seconds =
        days_from_civil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second
            - offset;
    Timestamp::from_second(seconds).ok()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's method).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The calendar date of a count of days since 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn a_day_is_written_as_the_calendar_library_writes_it(days in -800_000i32..3_000_000) {
            let day = BusinessDay::from_ordinal(days);
            let json = serde_json::to_string(&day).unwrap_or_default();
            proptest::prop_assert_eq!(json, format!("\"{day}\""));
        }
    }

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

    #[test]
    fn the_usual_layout_is_read_directly_and_as_the_general_parser_reads_it() {
        for text in [
            "2026-03-10T08:15:00+07:00",
            "2026-03-10T01:15:00Z",
            "2024-02-29T23:59:59-14:59",
            "0001-01-01T00:00:00+00:00",
        ] {
            let direct = usual_instant(text.as_bytes()).expect(text);
            assert_eq!(
                Ok(direct),
                Timestamp::from_str(text).map_err(|_| ()),
                "{text}"
            );
        }
        for doubtful in [
            "2026-03-10T08:15:00.5+07:00",
            "2026-03-10T08:15:60+07:00",
            "2026-03-10T08:15:00-00:00",
            "2026-03-10T08:15:00+15:00",
            "2026-03-10t08:15:00+07:00",
            "2026-02-29T08:15:00+07:00",
            "2026-03-10T08:15:00z",
        ] {
            assert_eq!(usual_instant(doubtful.as_bytes()), None, "{doubtful}");
        }
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// Whatever the direct reader reads, the general parser reads the same instant from.
        #[test]
        fn the_direct_reader_agrees_with_the_general_parser(
            year in 0i64..=10_000,
            month in 0i64..=13,
            day in 0i64..=32,
            hour in 0i64..=25,
            minute in 0i64..=61,
            second in 0i64..=61,
            offset in proptest::prop_oneof![
                proptest::strategy::Just("Z".to_owned()),
                (proptest::sample::select(vec!['+', '-']), 0u32..=26, 0u32..=61)
                    .prop_map(|(s, h, m)| format!("{s}{h:02}:{m:02}")),
            ],
        ) {
            let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{offset}");
            let general = Timestamp::from_str(&text).ok();
            match usual_instant(text.as_bytes()) {
                Some(direct) => proptest::prop_assert_eq!(Some(direct), general, "{}", text),
                // Refused or left to the general parser: only ever what that parser refuses,
                // or the doubtful cases it reads itself.
                None => proptest::prop_assert!(
                    general.is_none() || second == 60 || year < 1 || offset == "-00:00" || offset.get(1..3) > Some("14"),
                    "{}", text
                ),
            }
        }
    }
}
