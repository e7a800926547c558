//! Naming where two projections differ, so that a digest mismatch in a test says what differs.

use std::collections::BTreeMap;
use std::path::Path;

use ehb_projection::{Projection, ReportDeadlines};
use ehb_store::Store;

/// Loads the stores in `left` and `right` (their projectors stopped) and lists, up to `limit`,
/// the ward records, ward-days, citizens and totals where they differ.
pub fn store_differences(left: &Path, right: &Path, limit: usize) -> Vec<String> {
    let load = |path: &Path| -> Projection {
        Store::open(path)
            .and_then(|s| s.load(ReportDeadlines::default()))
            .unwrap_or_else(|e| panic!("the store at {} loads: {e}", path.display()))
    };
    differences(&load(left), &load(right), limit)
}

/// Up to `limit` differences between two projections, each a line naming the piece.
pub fn differences(left: &Projection, right: &Projection, limit: usize) -> Vec<String> {
    let mut out = vec![format!(
        "positions: {} and {}",
        left.position().seq,
        right.position().seq
    )];
    let wards = |p: &Projection| -> BTreeMap<String, String> {
        let mut all = BTreeMap::new();
        for (code, ward) in p.wards_sorted() {
            all.insert(
                format!("ward {code}"),
                serde_json::to_string(&ward.meta).unwrap_or_default(),
            );
            for (day, counters) in &ward.days {
                all.insert(
                    format!("day {code} {day}"),
                    serde_json::to_string(counters).unwrap_or_default(),
                );
            }
        }
        all
    };
    let (a, b) = (wards(left), wards(right));
    for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
        if a.get(key) != b.get(key) {
            out.push(format!("{key}: {:?} | {:?}", a.get(key), b.get(key)));
        }
    }
    let citizens = |p: &Projection| -> BTreeMap<(u8, u128), u8> {
        p.citizens_sorted()
            .into_iter()
            .map(|(province, citizen, flags)| ((province.get(), citizen.0), flags))
            .collect()
    };
    let (a, b) = (citizens(left), citizens(right));
    for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
        if a.get(key) != b.get(key) {
            out.push(format!(
                "citizen {} {:032x}: {:?} | {:?}",
                key.0,
                key.1,
                a.get(key),
                b.get(key)
            ));
        }
    }
    if left.totals() != right.totals() {
        out.push(format!(
            "totals: {} | {}",
            serde_json::to_string(left.totals()).unwrap_or_default(),
            serde_json::to_string(right.totals()).unwrap_or_default()
        ));
    }
    out.truncate(limit.max(1));
    out
}
