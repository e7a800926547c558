//! The cached review is exactly the review: whatever is folded between two questions (late
//! events, amended baselines, new wards, reports, a ward settled in another province), the JSON
//! served from the cache equals the review computed afresh, byte for byte; and each ward's
//! standing, computed on its own, is its row of that review.

mod common;

use common::{Given, day};
use ehb_projection::query::cached::ReviewCache;
use ehb_projection::{AverageKind, RateBasis};
use ehb_proto::{Baseline, CitizenRef, Payload, ProvinceCode, ReportFigures};
use proptest::prelude::*;

/// One step: a fact to fold, or a question to ask.
#[derive(Debug, Clone)]
enum Step {
    Fact {
        kind: u8,
        ward: usize,
        n: u128,
        day: u8,
        hour: u8,
    },
    Ask {
        national: bool,
        day: Option<u8>,
        weighted: bool,
        basis: u8,
    },
}

const BASES: [RateBasis; 4] = [
    RateBasis::Residents,
    RateBasis::Insured,
    RateBasis::Level2,
    RateBasis::Eligible,
];

const WARDS: [&str; 5] = ["31001", "31002", "01001", "31003", "01002"];

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let fact =
        (0u8..9, 0usize..5, 0u128..30, 1u8..9, 0u8..24).prop_map(|(kind, ward, n, day, hour)| {
            Step::Fact {
                kind,
                ward,
                n,
                day,
                hour,
            }
        });
    let ask = (
        any::<bool>(),
        prop::option::of(1u8..9),
        any::<bool>(),
        0u8..4,
    )
        .prop_map(|(national, day, weighted, basis)| Step::Ask {
            national,
            day,
            weighted,
            basis,
        });
    prop::collection::vec(prop_oneof![3 => fact, 2 => ask], 1..160)
}

fn fold(g: &mut Given, kind: u8, ward: &str, n: u128, d: u8, hour: u8) {
    let at = format!("2026-03-{d:02}T{hour:02}:00:00+07:00");
    match kind {
        0 => {
            g.account(&at, ward, n);
        }
        1 | 2 => {
            g.integrated(&at, ward, n, Some("HS"));
        }
        3 => {
            g.team(&at, ward, &format!("{ward}-G{}", n % 4));
        }
        4 => {
            let figures = ReportFigures {
                integrated_new: Some(n as u64),
                ..ReportFigures::default()
            };
            g.daily_report(&at, ward, &format!("2026-03-{:02}", d.max(2) - 1), figures);
        }
        5 => {
            g.baseline(&at, ward, 1_000 + n as u64 * 10, 600 + n as u64, 3);
        }
        7 => {
            // An opening balance up to the day before: refused once the ward has counted facts
            // on or before it, and then facts on its days are refused.
            let as_of = format!("2026-03-{:02}", d.max(2) - 1);
            g.opening(&at, ward, &as_of, (n as u64 * 3, n as u64 * 2));
        }
        6 => {
            // Ward 31009's baseline, half the time under province 01: a ward settled elsewhere.
            let province = if n.is_multiple_of(2) { "01" } else { "31" };
            settle_31009(g, &at, province);
        }
        _ => {
            let e = g.event(
                &at,
                "31009",
                Payload::AccountActivated {
                    citizen: CitizenRef(1_000 + n),
                },
            );
            g.apply(&e);
        }
    }
}

/// Ward 31009's baseline, published under `province`.
fn settle_31009(g: &mut Given, at: &str, province: &str) {
    let mut e = g.event(
        at,
        "31009",
        Payload::WardBaseline(Baseline {
            name: None,
            residents: 800,
            insured: 300,
            level2_accounts: 100,
            eligible: Some(60),
            groups: 2,
            facilities: 1,
            target: 300,
        }),
    );
    e.province = ProvinceCode::parse(province).expect("province");
    g.apply(&e);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_cached_review_is_the_review(steps in steps(), capacity in 1usize..12) {
        let mut g = Given::new();
        for ward in &WARDS[..3] {
            g.baseline("2026-03-01T07:00:00+07:00", ward, 1_000, 500, 3);
        }
        let cache = ReviewCache::new(capacity);
        for step in steps {
            match step {
                Step::Fact { kind, ward, n, day, hour } => {
                    fold(&mut g, kind, WARDS[ward], n, day, hour);
                }
                Step::Ask { national, day: d, weighted, basis } => {
                    let scope = (!national).then(|| ProvinceCode::parse("31").expect("31"));
                    let on = d.map(|d| day(&format!("2026-03-{d:02}")));
                    let kind = if weighted { AverageKind::Weighted } else { AverageKind::Plain };
                    let basis = BASES[usize::from(basis)];
                    let p = &g.projection;
                    let review = p.two_day_review(scope, on, kind, basis)
                        .expect("a province with wards");
                    for province in &review.provinces {
                        let ranked = province.wards.iter().filter(|w| w.rank.is_some()).count();
                        for row in &province.wards {
                            let s = p.standing(row.ward, Some(review.date), kind, basis)
                                .expect("a ward");
                            prop_assert_eq!(s.rank, row.rank);
                            prop_assert_eq!(s.ranked, ranked);
                            prop_assert_eq!(&s.flags, &row.flags);
                            prop_assert_eq!((s.gain, s.previous_gain), (row.gain, row.previous_gain));
                            prop_assert_eq!(s.average, province.average);
                            prop_assert_eq!(s.province_rates, province.rates);
                            prop_assert_eq!(s.window, review.window);
                        }
                    }
                    let fresh = serde_json::to_vec(&review).expect("json");
                    let cached = cache.two_day_review_json(p, scope, on, kind, basis)
                        .expect("the same answer");
                    prop_assert_eq!(String::from_utf8(cached).expect("utf-8"),
                        String::from_utf8(fresh).expect("utf-8"));
                }
            }
        }
    }
}

#[test]
fn a_finished_day_is_served_again_until_a_late_event_lands_on_it() {
    let mut g = Given::new();
    g.baseline("2026-03-01T07:00:00+07:00", "31001", 1_000, 500, 3);
    g.baseline("2026-03-01T07:00:00+07:00", "01001", 1_000, 500, 3);
    for (d, n) in [(2, 1), (3, 2), (4, 3), (5, 4)] {
        g.integrated(
            &format!("2026-03-0{d}T09:00:00+07:00"),
            "31001",
            n,
            Some("HS"),
        );
        g.integrated(
            &format!("2026-03-0{d}T09:00:00+07:00"),
            "01001",
            n,
            Some("HS"),
        );
    }
    let cache = ReviewCache::default();
    let on = Some(day("2026-03-03"));
    let ask = |g: &Given| {
        cache
            .two_day_review_json(
                &g.projection,
                None,
                on,
                AverageKind::Plain,
                RateBasis::Residents,
            )
            .expect("review")
    };
    let first = ask(&g);
    assert_eq!(cache.counts(), (0, 2), "both provinces computed");
    // Today's events in province 31 do not touch the 3rd: both parts are served again.
    g.integrated("2026-03-05T10:00:00+07:00", "31001", 10, Some("HS"));
    assert_eq!(ask(&g), first);
    assert_eq!(cache.counts(), (2, 2));
    // A late integration on the 2nd changes 31's part only.
    g.integrated("2026-03-02T10:00:00+07:00", "31001", 11, Some("HS"));
    let after = ask(&g);
    assert_ne!(after, first);
    assert_eq!(cache.counts(), (3, 3));
    let fresh = g
        .projection
        .two_day_review(None, on, AverageKind::Plain, RateBasis::Residents)
        .expect("review");
    assert_eq!(after, serde_json::to_vec(&fresh).expect("json"));
    assert_eq!(
        fresh.provinces[1].gain, 3,
        "31's window holds the 2nd's and the 3rd's"
    );
}

#[test]
fn a_ward_leaving_its_province_moves_the_province_s_last_day_back() {
    let mut g = Given::new();
    g.baseline("2026-03-01T07:00:00+07:00", "31001", 1_000, 500, 3);
    g.integrated("2026-03-05T09:00:00+07:00", "31001", 1, Some("HS"));
    // 31009, not yet registered, is seen in 31 on the 10th, then settled in 01 by its baseline.
    g.account("2026-03-10T09:00:00+07:00", "31009", 2);
    settle_31009(&mut g, "2026-03-10T10:00:00+07:00", "01");
    let cache = ReviewCache::default();
    let p31 = Some(ProvinceCode::parse("31").expect("31"));
    let on = Some(day("2026-03-05"));
    let ask = |g: &Given| {
        let cached = cache
            .two_day_review_json(
                &g.projection,
                p31,
                on,
                AverageKind::Plain,
                RateBasis::Residents,
            )
            .expect("review");
        let fresh = g
            .projection
            .two_day_review(p31, on, AverageKind::Plain, RateBasis::Residents)
            .expect("review");
        (cached, fresh)
    };
    // 31's last day is the 5th again: the 5th's daily report is not due yet.
    let (cached, fresh) = ask(&g);
    assert_eq!(cached, serde_json::to_vec(&fresh).expect("json"));
    let ward = &fresh.provinces[0].wards[0];
    assert_eq!(ward.pending_reports, vec![day("2026-03-05")]);
    assert_eq!(ward.missing_reports, vec![day("2026-03-04")]);
    // An event on the 7th moves 31's clock past the 5th's deadline: the report is now missing.
    g.integrated("2026-03-07T09:00:00+07:00", "31001", 3, Some("HS"));
    let (cached, fresh) = ask(&g);
    let ward = &fresh.provinces[0].wards[0];
    assert_eq!(
        ward.missing_reports,
        vec![day("2026-03-04"), day("2026-03-05")]
    );
    assert!(ward.pending_reports.is_empty());
    assert_eq!(cached, serde_json::to_vec(&fresh).expect("json"));
}
