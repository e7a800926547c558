//! A ward-day's counters as the store writes them: compact binary (postcard, integers as
//! varints), residential groups' codes without their ward's prefix.
//!
//! A ward-day is rewritten in every batch that touches it, with all its groups' counts (about 40
//! groups a ward): written as JSON, the groups were 10.0 of the 14.3 MiB of ward-days a
//! province's catch-up wrote, and the store grew past its goal. This layout writes less than a
//! third as many bytes for the same record.

use std::borrow::Cow;

use ehb_projection::DayCounters;
use ehb_projection::counters::{GroupDay, IssuerCounts};
use ehb_proto::{Beneficiary, WardCode};
use serde::{Deserialize, Serialize};

use crate::{StoreError, corrupt};

/// The slot of integrations whose card carried no beneficiary code.
const NO_CODE: u8 = Beneficiary::COUNT as u8;

/// One ward-day's record.
#[derive(Serialize, Deserialize)]
struct DayRecord<'a> {
    accounts_new: u32,
    integrated_new: u32,
    eligible_new: u32,
    /// Non-zero integrations by beneficiary code's index in the contract ([`NO_CODE`]: none).
    by_beneficiary: Vec<(u8, u32)>,
    /// Integrations by issuer: social security, army, police, unknown.
    by_issuer: [u32; 4],
    teams_new: u32,
    facilities_new: u32,
    duplicates: u32,
    events: u32,
    #[serde(borrow)]
    groups: Vec<GroupRecord<'a>>,
}

/// One residential group's counts on the day.
#[derive(Serialize, Deserialize)]
struct GroupRecord<'a> {
    /// Whether the code began with the ward's code and a dash, left out of `code`.
    in_ward: bool,
    #[serde(borrow)]
    code: Cow<'a, str>,
    accounts_new: u32,
    integrated_new: u32,
}

/// The record of `counters`, a day of `ward`.
pub(crate) fn encode(ward: WardCode, counters: &DayCounters) -> Vec<u8> {
    let prefix = format!("{ward}-");
    let IssuerCounts {
        vss,
        army,
        police,
        unknown,
    } = counters.by_issuer;
    let record = DayRecord {
        accounts_new: counters.accounts_new,
        integrated_new: counters.integrated_new,
        eligible_new: counters.eligible_new,
        by_beneficiary: counters
            .by_beneficiary
            .by_code()
            .map(|(code, n)| (code.map_or(NO_CODE, |c| c.index() as u8), n))
            .collect(),
        by_issuer: [vss, army, police, unknown],
        teams_new: counters.teams_new,
        facilities_new: counters.facilities_new,
        duplicates: counters.duplicates,
        events: counters.events,
        groups: counters
            .groups
            .iter()
            .map(|(code, day)| {
                let rest = code.strip_prefix(&prefix);
                GroupRecord {
                    in_ward: rest.is_some(),
                    code: Cow::Borrowed(rest.unwrap_or(code)),
                    accounts_new: day.accounts_new,
                    integrated_new: day.integrated_new,
                }
            })
            .collect(),
    };
    // Never write an empty record in place of one that failed to serialise.
    #[allow(clippy::expect_used)]
    postcard::to_allocvec(&record).expect("a day's record is integers and strings")
}

/// The counters in `bytes`, the record under `key` of a day of `ward`.
pub(crate) fn decode(ward: WardCode, key: &[u8], bytes: &[u8]) -> Result<DayCounters, StoreError> {
    let record: DayRecord =
        postcard::from_bytes(bytes).map_err(|e| corrupt(key, &format!("a day's record: {e}")))?;
    let mut counters = DayCounters::default();
    counters.accounts_new = record.accounts_new;
    counters.integrated_new = record.integrated_new;
    counters.eligible_new = record.eligible_new;
    counters.teams_new = record.teams_new;
    counters.facilities_new = record.facilities_new;
    counters.duplicates = record.duplicates;
    counters.events = record.events;
    for (slot, n) in record.by_beneficiary {
        let code = Beneficiary::from_index(usize::from(slot));
        if code.is_none() && slot != NO_CODE {
            return Err(corrupt(key, "a day's record names no beneficiary code"));
        }
        counters.by_beneficiary.set(code, n);
    }
    let [vss, army, police, unknown] = record.by_issuer;
    counters.by_issuer = IssuerCounts {
        vss,
        army,
        police,
        unknown,
    };
    for group in record.groups {
        let code = if group.in_ward {
            format!("{ward}-{}", group.code)
        } else {
            group.code.into_owned()
        };
        let day = GroupDay {
            accounts_new: group.accounts_new,
            integrated_new: group.integrated_new,
        };
        counters.groups.insert(code, day);
    }
    Ok(counters)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field set, so that a field the record forgot would not come back.
    fn every_field() -> DayCounters {
        let mut counters: DayCounters = serde_json::from_str(
            r#"{"accounts_new":48,"integrated_new":29,"eligible_new":27,
                "by_beneficiary":{"DN":1,"HS":10,"GD":300,"unknown":2},
                "by_issuer":{"vss":26,"army":1,"police":1,"unknown":2},
                "teams_new":3,"facilities_new":2,"duplicates":7,"events":78,
                "groups":{"31005-T001":[1,0],"31005-T054":[0,70000],"TDP 5":[2,2],"31006-T001":[4,1]}}"#,
        )
        .unwrap_or_default();
        counters.events += 1;
        counters
    }

    #[test]
    fn a_day_comes_back_as_it_was_written() {
        let ward = WardCode::from_number(31005).unwrap_or_else(|| unreachable!());
        let counters = every_field();
        let bytes = encode(ward, &counters);
        let back = decode(ward, b"d:test", &bytes).map_err(|e| e.to_string());
        assert_eq!(back, Ok(counters.clone()));
        assert_eq!(counters.groups.len(), 4);
        assert_eq!(counters.by_beneficiary.entries().count(), 4);
        // The JSON the store wrote before: more than three times the bytes.
        let json = serde_json::to_vec(&counters).unwrap_or_default();
        assert!(
            bytes.len() * 3 < json.len(),
            "{} against {}",
            bytes.len(),
            json.len()
        );
    }

    #[test]
    fn a_damaged_record_is_named() {
        let ward = WardCode::from_number(31005).unwrap_or_else(|| unreachable!());
        let mut bytes = encode(ward, &every_field());
        bytes.truncate(bytes.len() - 3);
        let err = decode(ward, b"d:test", &bytes)
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert!(
            err.as_ref().is_err_and(|e| e.contains("a day's record")),
            "{err:?}"
        );
    }
}
