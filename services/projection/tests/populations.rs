//! Rates against every population the plans name: residents, insured, level-2 account holders,
//! and the eligible (insured with a level-2 account), with who in each is not yet integrated.

mod common;

use common::{Given, day, ward};
use ehb_projection::{AverageKind, NotIntegrated, Populations, RateBasis};
use ehb_proto::{Baseline, Payload, ProvinceCode};

fn baseline(g: &mut Given, code: &str, figures: [u64; 4], eligible: Option<u64>) {
    let [residents, insured, level2_accounts, target] = figures;
    let e = g.event(
        "2026-03-09T07:00:00+07:00",
        code,
        Payload::WardBaseline(Baseline {
            name: None,
            residents,
            insured,
            level2_accounts,
            eligible,
            groups: 2,
            facilities: 1,
            target,
        }),
    );
    g.apply(&e);
}

/// Two wards whose baselines give the eligible; a citizen counts as newly eligible when the
/// events show both their account and their card, in either order.
fn campaign() -> Given {
    let mut g = Given::new();
    baseline(&mut g, "31001", [1000, 600, 400, 500], Some(300));
    baseline(&mut g, "31002", [2000, 1000, 500, 800], Some(200));
    let (d10, d11) = ("2026-03-10T09:00:00+07:00", "2026-03-11T09:00:00+07:00");
    g.account(d10, "31001", 1);
    g.integrated(d10, "31001", 1, Some("HS"));
    // An account from before the campaign: the baseline's eligible already count them.
    g.integrated(d10, "31001", 2, Some("HS"));
    g.account(d10, "31001", 3);
    g.integrated(d11, "31001", 3, Some("HS"));
    // The card reported before the account: eligible on the account's day.
    g.integrated(d10, "31002", 10, Some("HS"));
    g.account(d11, "31002", 10);
    g.integrated(d11, "31002", 11, Some("HS"));
    g
}

fn percent(p: Option<ehb_projection::Percent>) -> Option<f64> {
    p.map(|p| p.value())
}

#[test]
fn a_ward_s_populations_are_its_baseline_plus_what_the_events_add() {
    let g = campaign();
    let p = &g.projection;
    let d10 = &p.ward(ward("31001")).expect("ward").days[&day("2026-03-10")];
    assert_eq!(
        (d10.accounts_new, d10.integrated_new, d10.eligible_new),
        (2, 2, 1)
    );
    let d = p
        .daily(ward("31001"), Some(day("2026-03-11")))
        .expect("daily");
    assert_eq!(
        d.populations,
        Some(Populations {
            residents: 1000,
            insured: 600,
            level2: 402,
            eligible: Some(302),
        })
    );
    assert_eq!(d.integrated.cumulative, 3);
    assert_eq!(percent(d.rates.per_residents), Some(0.3));
    assert_eq!(percent(d.rates.per_insured), Some(0.5));
    assert_eq!(percent(d.rates.per_level2), Some(0.75));
    assert_eq!(percent(d.rates.per_eligible), Some(0.99));
    assert_eq!(
        d.not_integrated,
        Some(NotIntegrated {
            residents: 997,
            insured: 597,
            level2: 399,
            eligible: Some(299),
            insured_without_level2: Some(298),
        })
    );
    // The day before, the third citizen had an account but no card yet.
    let before = p
        .daily(ward("31001"), Some(day("2026-03-10")))
        .expect("daily");
    let populations = before.populations.expect("registered");
    assert_eq!((populations.level2, populations.eligible), (402, Some(301)));
    let other = p
        .daily(ward("31002"), Some(day("2026-03-11")))
        .expect("daily");
    let populations = other.populations.expect("registered");
    assert_eq!((populations.level2, populations.eligible), (501, Some(201)));
    assert_eq!(percent(other.rates.per_eligible), Some(1.0));
}

#[test]
fn a_province_sums_its_populations_and_ranks_by_the_rate_asked() {
    let g = campaign();
    let p = &g.projection;
    let province = ProvinceCode::parse("31").expect("province");
    let at = Some(day("2026-03-11"));
    let s = p
        .province_summary(province, at, AverageKind::Weighted, RateBasis::Eligible)
        .expect("summary");
    assert_eq!(
        s.populations,
        Populations {
            residents: 3000,
            insured: 1600,
            level2: 903,
            eligible: Some(503),
        }
    );
    assert_eq!(s.integrated, 5);
    assert_eq!(percent(s.rates.per_eligible), Some(0.99));
    assert_eq!(s.not_integrated.eligible, Some(498));
    assert_eq!(s.not_integrated.insured_without_level2, Some(1097));
    assert_eq!(s.average.basis, RateBasis::Eligible);
    assert_eq!(percent(s.average.value), Some(0.99));
    let ranked = |basis| -> Vec<(String, Option<usize>)> {
        p.two_day_review(Some(province), at, AverageKind::Plain, basis)
            .expect("review")
            .provinces[0]
            .wards
            .iter()
            .map(|w| (w.ward.to_string(), w.rank))
            .collect()
    };
    // 31002: 2 of 201 eligible (1.00 %), 2 of 501 level-2 holders (0.40 %); 31001: 3 of 302
    // (0.99 %), 3 of 402 (0.75 %).
    assert_eq!(
        ranked(RateBasis::Eligible),
        vec![("31002".into(), Some(1)), ("31001".into(), Some(2))]
    );
    assert_eq!(
        ranked(RateBasis::Level2),
        vec![("31001".into(), Some(1)), ("31002".into(), Some(2))]
    );
}

#[test]
fn a_baseline_without_the_eligible_leaves_that_rate_unknown_not_zero() {
    let mut g = campaign();
    baseline(&mut g, "31003", [500, 300, 200, 100], None);
    g.integrated("2026-03-11T10:00:00+07:00", "31003", 20, Some("HS"));
    let p = &g.projection;
    let province = ProvinceCode::parse("31").expect("province");
    let at = Some(day("2026-03-11"));
    let d = p.daily(ward("31003"), at).expect("daily");
    assert_eq!(percent(d.rates.per_level2), Some(0.5));
    assert_eq!(d.rates.per_eligible, None);
    let missing = d.not_integrated.expect("registered");
    assert_eq!(
        (missing.eligible, missing.insured_without_level2),
        (None, None)
    );
    let s = p
        .province_summary(province, at, AverageKind::Plain, RateBasis::Residents)
        .expect("summary");
    assert_eq!((s.populations.level2, s.populations.eligible), (1103, None));
    assert_eq!(s.rates.per_eligible, None);
    // Ranked by the eligible, the ward without them has no rank; the average leaves it out.
    let review = p
        .two_day_review(
            Some(province),
            at,
            AverageKind::Weighted,
            RateBasis::Eligible,
        )
        .expect("review");
    let ranks: Vec<(String, Option<usize>)> = review.provinces[0]
        .wards
        .iter()
        .map(|w| (w.ward.to_string(), w.rank))
        .collect();
    assert_eq!(
        ranks,
        vec![
            ("31002".into(), Some(1)),
            ("31001".into(), Some(2)),
            ("31003".into(), None)
        ]
    );
    assert_eq!(percent(review.provinces[0].average.value), Some(0.99));
}

#[test]
fn a_ward_s_daily_answer_says_where_it_stands_in_its_province() {
    let g = campaign();
    let p = &g.projection;
    let at = Some(day("2026-03-11"));
    // By residents: 31001 3 of 1,000 (0.3 %), 31002 2 of 2,000 (0.1 %); the mean is 0.2 %.
    let d = p.daily(ward("31001"), at).expect("daily");
    let s = &d.standing;
    assert_eq!((s.rank, s.ranked), (Some(1), 2));
    assert_eq!(
        (s.average.kind, s.average.basis),
        (AverageKind::Plain, RateBasis::Residents)
    );
    assert_eq!(percent(s.average.value), Some(0.2));
    assert_eq!((s.gain, s.previous_gain), (3, 0));
    // The 10th's report is past due at the end of the 11th; the 11th's not yet.
    assert_eq!(s.flags, vec!["missing_report", "groups_without_team"]);
    assert_eq!(percent(s.province_rates.per_residents), Some(0.17));
    let other = p.daily(ward("31002"), at).expect("daily").standing;
    assert_eq!(other.rank, Some(2));
    assert_eq!(
        other.flags,
        vec!["below_average", "missing_report", "groups_without_team"]
    );
    // Ranked by the eligible, the order turns.
    let by_eligible = p
        .daily_ranked(ward("31001"), at, AverageKind::Plain, RateBasis::Eligible)
        .expect("daily")
        .standing;
    assert_eq!((by_eligible.rank, by_eligible.ranked), (Some(2), 2));
    assert_eq!(by_eligible.average.basis, RateBasis::Eligible);
    assert!(by_eligible.flags.contains(&"below_average"));
}
