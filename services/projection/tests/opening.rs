//! Opening balances: what a ward had achieved before its tracking began enters its cumulative
//! figures and rates from the balance's day on, never a day's gains, and nothing is counted twice.

mod common;

use common::{Given, day, ward};
use ehb_projection::{Applied, AverageKind, RateBasis};
use ehb_proto::{ProvinceCode, ReportFigures};

const D10: &str = "2026-03-10T09:00:00+07:00";

/// Two wards of province 31; 31001 joined with a balance as of 08/03 of 120 accounts and 80
/// integrations, then the events count from 10/03.
fn campaign() -> Given {
    let mut g = Given::new();
    g.baseline("2026-03-09T07:00:00+07:00", "31001", 1000, 600, 2);
    g.baseline("2026-03-09T07:00:00+07:00", "31002", 1000, 600, 2);
    let opened = g.opening(
        "2026-03-09T08:00:00+07:00",
        "31001",
        "2026-03-08",
        (120, 80),
    );
    assert_eq!(opened, Applied::Folded);
    g.account(D10, "31001", 1);
    g.integrated(D10, "31001", 1, Some("HS"));
    g.integrated(D10, "31002", 10, Some("HS"));
    g
}

#[test]
fn a_balance_enters_cumulative_figures_from_its_day_never_a_day_s_gain() {
    let g = campaign();
    let p = &g.projection;
    let on = |d: &str| p.daily(ward("31001"), Some(day(d))).expect("daily");
    let before = on("2026-03-07");
    assert_eq!(
        (before.integrated.cumulative, before.accounts.cumulative),
        (0, 0)
    );
    let as_of = on("2026-03-08");
    assert_eq!((as_of.integrated.new, as_of.integrated.cumulative), (0, 80));
    assert_eq!((as_of.accounts.new, as_of.accounts.cumulative), (0, 120));
    let d10 = on("2026-03-10");
    assert_eq!((d10.integrated.new, d10.integrated.cumulative), (1, 81));
    assert_eq!((d10.accounts.new, d10.accounts.cumulative), (1, 121));
    // The breakdown is the events': a balance has none.
    assert_eq!(d10.integrated.by_beneficiary.get("HS"), Some(&1));
    assert_eq!(d10.opening.map(|o| o.integrated), Some(80));
    assert_eq!(d10.rates.per_residents.map(|r| r.value()), Some(8.10));
    // The baseline taken when tracking began already holds the balance's accounts.
    assert_eq!(d10.populations.map(|p| p.level2), Some(501));
    assert_eq!(d10.target.map(|t| t.integrated), Some(81));

    // The two-day review: the balance is in the cumulative figure, not the gain.
    let review = p
        .two_day_review(
            Some(ProvinceCode::parse("31").expect("code")),
            Some(day("2026-03-10")),
            AverageKind::Plain,
            RateBasis::Residents,
        )
        .expect("review");
    let row = |code: &str| {
        review.provinces[0]
            .wards
            .iter()
            .find(|w| w.ward == ward(code))
            .expect("row")
    };
    assert_eq!((row("31001").gain, row("31001").integrated), (1, 81));
    assert_eq!((row("31002").gain, row("31002").integrated), (1, 1));
    assert_eq!(review.provinces[0].gain, 2);
    assert_eq!((row("31001").rank, row("31002").rank), (Some(1), Some(2)));

    // Day by day: the cumulative figure steps up on the balance's day, the day's figure never.
    let series = p
        .series(ward("31001"), day("2026-03-07"), day("2026-03-10"))
        .expect("series");
    let cumulative: Vec<u64> = series
        .days
        .iter()
        .map(|d| d.integrated_cumulative)
        .collect();
    let new: Vec<u64> = series.days.iter().map(|d| d.integrated_new).collect();
    assert_eq!((cumulative, new), (vec![0, 80, 80, 81], vec![0, 0, 0, 1]));
    let accounts: Vec<u64> = series.days.iter().map(|d| d.accounts_cumulative).collect();
    assert_eq!(accounts, vec![0, 120, 120, 121]);

    // The province: its summary and the last day of its series agree.
    let province = ProvinceCode::parse("31").expect("code");
    let summary = p
        .province_summary(
            province,
            Some(day("2026-03-10")),
            AverageKind::Plain,
            RateBasis::Residents,
        )
        .expect("summary");
    assert_eq!((summary.integrated, summary.accounts), (82, 121));
    let series = p
        .province_series(province, day("2026-03-07"), day("2026-03-10"))
        .expect("series");
    let cumulative: Vec<u64> = series
        .days
        .iter()
        .map(|d| d.integrated_cumulative)
        .collect();
    assert_eq!(cumulative, vec![0, 80, 80, 82]);
    assert_eq!(series.days[3].rates, summary.rates);
}

#[test]
fn a_report_s_totals_are_compared_with_the_balance_and_the_events() {
    let mut g = campaign();
    let agreeing = ReportFigures {
        integrated_new: Some(1),
        integrated_total: Some(81),
        accounts_total: Some(121),
        ..ReportFigures::default()
    };
    g.daily_report("2026-03-10T17:00:00+07:00", "31001", "2026-03-10", agreeing);
    let daily = g
        .projection
        .daily(ward("31001"), Some(day("2026-03-10")))
        .expect("daily");
    assert_eq!(daily.report.events.integrated_total, Some(81));
    assert_eq!(daily.report.differences.len(), 0);
    // A report that leaves the balance out disagrees, on the total only.
    let without = ReportFigures {
        integrated_total: Some(1),
        ..agreeing
    };
    g.daily_report("2026-03-10T18:00:00+07:00", "31001", "2026-03-10", without);
    let daily = g
        .projection
        .daily(ward("31001"), Some(day("2026-03-10")))
        .expect("daily");
    let found: Vec<_> = daily
        .report
        .differences
        .iter()
        .map(|d| (d.figure, d.claimed, d.events))
        .collect();
    assert_eq!(found, vec![("integrated_total", 1, 81)]);
}

#[test]
fn facts_a_balance_already_holds_are_refused_with_their_reason() {
    let mut g = campaign();
    g.projection.take_changes();
    let citizens = g.projection.citizens_len();
    // An integration on the balance's own day: the balance counts it already.
    let late = g.integrated("2026-03-08T20:00:00+07:00", "31001", 7, Some("HS"));
    assert_eq!(late, Applied::Rejected);
    // A balance reaching a day the events already counted facts on.
    let reaching = g.opening(
        "2026-03-11T08:00:00+07:00",
        "31001",
        "2026-03-10",
        (500, 400),
    );
    assert_eq!(reaching, Applied::Rejected);
    let changes = g.projection.take_changes();
    let rejects: Vec<_> = changes
        .rejects
        .iter()
        .map(|r| (r.seq, r.field.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(
        rejects,
        vec![
            (
                7,
                "occurred_at",
                "field `occurred_at` is invalid: falls on 2026-03-08, on or before 2026-03-08, the \
                 last day ward 31001's opening balance counts: the balance already holds it"
            ),
            (
                8,
                "data.as_of",
                "field `data.as_of` is invalid: ward 31001 already has accounts or integrations \
                 counted on 2026-03-10; an opening balance counts only the days before the first \
                 one the events count"
            ),
        ]
    );
    // Nothing moved: no day, no citizen, the same balance.
    assert!(changes.days.is_empty() && changes.wards.is_empty());
    assert_eq!(g.projection.citizens_len(), citizens);
    let w = g.projection.ward(ward("31001")).expect("ward");
    assert_eq!(
        w.meta.opening.map(|o| (o.as_of, o.integrated)),
        Some((day("2026-03-08"), 80))
    );
    assert!(!w.days.contains_key(&day("2026-03-08")));
    assert_eq!(
        g.projection.totals().rejected.get("invalid_field"),
        Some(&2)
    );
}

#[test]
fn a_later_publication_replaces_the_balance_an_earlier_or_the_same_does_not() {
    let mut g = campaign();
    let same = g.opening(
        "2026-03-09T08:00:00+07:00",
        "31001",
        "2026-03-08",
        (120, 80),
    );
    assert_eq!(same, Applied::Duplicate);
    let corrected = g.opening(
        "2026-03-10T08:00:00+07:00",
        "31001",
        "2026-03-09",
        (130, 90),
    );
    assert_eq!(corrected, Applied::Folded);
    let older = g.opening("2026-03-09T07:30:00+07:00", "31001", "2026-03-08", (1, 1));
    assert_eq!(older, Applied::Folded);
    let w = g.projection.ward(ward("31001")).expect("ward");
    let kept = w.meta.opening.expect("a balance");
    assert_eq!(
        (kept.as_of, kept.accounts, kept.integrated),
        (day("2026-03-09"), 130, 90)
    );
    let daily = g
        .projection
        .daily(ward("31001"), Some(day("2026-03-08")))
        .expect("daily");
    assert_eq!(daily.integrated.cumulative, 0);
    let daily = g
        .projection
        .daily(ward("31001"), Some(day("2026-03-10")))
        .expect("daily");
    assert_eq!(daily.integrated.cumulative, 91);
    assert_eq!(g.projection.totals().folded.ward_opening, 4);
    assert_eq!(g.projection.totals().duplicates, 1);
}
