//! The store's keys: a prefix, then big-endian integers, so that keys sort in order.

use ehb_proto::{BusinessDay, ReportId, ReportPeriod, Reporter, WardCode};

use crate::{StoreError, corrupt};

/// The size of one citizen record in a `c:` part.
pub(crate) const CITIZEN_RECORD: usize = 18;

/// The most citizen records in one `c:` part (36 KiB).
pub(crate) const CITIZENS_PER_PART: usize = 2048;

pub(crate) fn ward_key(ward: WardCode) -> [u8; 6] {
    let mut key = [0u8; 6];
    key[..2].copy_from_slice(b"w:");
    key[2..].copy_from_slice(&ward.get().to_be_bytes());
    key
}

pub(crate) fn day_key(ward: WardCode, day: BusinessDay) -> [u8; 10] {
    let mut key = [0u8; 10];
    key[..2].copy_from_slice(b"d:");
    key[2..6].copy_from_slice(&ward.get().to_be_bytes());
    key[6..].copy_from_slice(&day_bytes(day));
    key
}

/// `t:<ward u32><group code, UTF-8>`: one of a ward's guidance teams.
pub(crate) fn team_key(ward: WardCode, group: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(6 + group.len());
    key.extend_from_slice(b"t:");
    key.extend_from_slice(&ward.get().to_be_bytes());
    key.extend_from_slice(group.as_bytes());
    key
}

/// `p:<ward u32><reporter u8><kind u8><first day u32>`: reporters in the contract's order (the
/// ward's office 0); kinds daily 0, weekly 1, monthly 2, final 3.
pub(crate) fn report_key(ward: WardCode, report: ReportId) -> [u8; 12] {
    let (kind, day) = match report.period {
        ReportPeriod::Daily(day) => (0, day),
        ReportPeriod::Weekly(day) => (1, day),
        ReportPeriod::Monthly(day) => (2, day),
        ReportPeriod::Final(day) => (3, day),
    };
    let mut key = [0u8; 12];
    key[..2].copy_from_slice(b"p:");
    key[2..6].copy_from_slice(&ward.get().to_be_bytes());
    key[6] = report.reporter.index();
    key[7] = kind;
    key[8..].copy_from_slice(&day_bytes(day));
    key
}

pub(crate) fn citizens_key(seq: u64, part: u16) -> [u8; 12] {
    let mut key = [0u8; 12];
    key[..2].copy_from_slice(b"c:");
    key[2..10].copy_from_slice(&seq.to_be_bytes());
    key[10..].copy_from_slice(&part.to_be_bytes());
    key
}

pub(crate) fn reject_key(seq: u64) -> [u8; 10] {
    let mut key = [0u8; 10];
    key[..2].copy_from_slice(b"r:");
    key[2..].copy_from_slice(&seq.to_be_bytes());
    key
}

/// A day's ordinal with its sign bit flipped, so that days before 1970 sort first.
fn day_bytes(day: BusinessDay) -> [u8; 4] {
    ((day.ordinal() as u32) ^ 0x8000_0000).to_be_bytes()
}

/// The ward of a `w:` key.
pub(crate) fn ward_of(key: &[u8]) -> Result<WardCode, StoreError> {
    ward_from(key, 2..6)
}

/// The ward and day of a `d:` key.
pub(crate) fn ward_day_of(key: &[u8]) -> Result<(WardCode, BusinessDay), StoreError> {
    Ok((ward_from(key, 2..6)?, day_from(key, 6..10)?))
}

/// The ward and group of a `t:` key.
pub(crate) fn ward_team_of(key: &[u8]) -> Result<(WardCode, String), StoreError> {
    let group = key
        .get(6..)
        .and_then(|g| std::str::from_utf8(g).ok())
        .ok_or_else(|| corrupt(key, "bad group code"))?;
    Ok((ward_from(key, 2..6)?, group.to_owned()))
}

/// The ward and report of a `p:` key.
pub(crate) fn ward_report_of(key: &[u8]) -> Result<(WardCode, ReportId), StoreError> {
    let day = day_from(key, 8..12)?;
    let reporter = key
        .get(6)
        .and_then(|i| Reporter::from_index(*i))
        .ok_or_else(|| corrupt(key, "bad reporter"))?;
    let period = match key.get(7) {
        Some(0) => ReportPeriod::Daily(day),
        Some(1) => ReportPeriod::Weekly(day),
        Some(2) => ReportPeriod::Monthly(day),
        Some(3) => ReportPeriod::Final(day),
        _ => return Err(corrupt(key, "bad report kind")),
    };
    Ok((ward_from(key, 2..6)?, ReportId { reporter, period }))
}

fn be_u32(key: &[u8], at: std::ops::Range<usize>) -> Result<u32, StoreError> {
    let raw: [u8; 4] = key
        .get(at)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| corrupt(key, "short key"))?;
    Ok(u32::from_be_bytes(raw))
}

fn ward_from(key: &[u8], at: std::ops::Range<usize>) -> Result<WardCode, StoreError> {
    WardCode::from_number(be_u32(key, at)?).ok_or_else(|| corrupt(key, "bad ward code"))
}

fn day_from(key: &[u8], at: std::ops::Range<usize>) -> Result<BusinessDay, StoreError> {
    Ok(BusinessDay::from_ordinal(
        (be_u32(key, at)? ^ 0x8000_0000) as i32,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(ordinal: i32) -> BusinessDay {
        BusinessDay::from_ordinal(ordinal)
    }

    #[test]
    fn keys_sort_by_ward_then_day() {
        let w = WardCode::parse("31117").expect("ward");
        assert!(day_key(w, day(-1)) < day_key(w, day(20_000)));
        assert!(reject_key(2) < reject_key(256));
        let daily = |d| ReportId::ward_office(ReportPeriod::Daily(day(d)));
        assert!(report_key(w, daily(-1)) < report_key(w, daily(3)));
    }

    #[test]
    fn keys_read_back_as_written() {
        let w = WardCode::parse("31117").expect("ward");
        assert_eq!(ward_of(&ward_key(w)).expect("ward"), w);
        assert_eq!(
            ward_day_of(&day_key(w, day(-7))).expect("day"),
            (w, day(-7))
        );
        for period in [
            ReportPeriod::Daily(day(20_522)),
            ReportPeriod::Weekly(day(20_521)),
            ReportPeriod::Monthly(day(-400)),
            ReportPeriod::Final(day(20_513)),
        ] {
            for reporter in Reporter::ALL {
                let report = ReportId { reporter, period };
                assert_eq!(
                    ward_report_of(&report_key(w, report)).expect("report"),
                    (w, report)
                );
            }
        }
        assert_eq!(
            ward_team_of(&team_key(w, "31117-Thôn Đông")).expect("team"),
            (w, "31117-Thôn Đông".to_owned())
        );
        let mut torn = team_key(w, "Thôn Đ");
        torn.pop();
        assert!(matches!(
            ward_team_of(&torn),
            Err(StoreError::Corrupt { .. })
        ));
        let mut bad = report_key(w, ReportId::ward_office(ReportPeriod::Daily(day(1))));
        bad[7] = 4;
        assert!(matches!(
            ward_report_of(&bad),
            Err(StoreError::Corrupt { .. })
        ));
        bad[7] = 0;
        bad[6] = 4;
        assert!(matches!(
            ward_report_of(&bad),
            Err(StoreError::Corrupt { .. })
        ));
        assert!(matches!(
            ward_report_of(&bad[..10]),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
