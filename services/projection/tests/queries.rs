//! Given a province's events, then the daily, summary, series and two-day review answers.

mod common;

use common::{Given, day, ward};
use ehb_projection::{AverageKind, Projection, QueryError, RateBasis, ReportDeadlines};
use ehb_proto::{ProvinceCode, ReportFigures};

fn province() -> ProvinceCode {
    ProvinceCode::parse("31").expect("province")
}

/// Three registered wards and one unregistered, reviewed on 2026-03-12.
fn campaign() -> Given {
    let mut g = Given::new();
    g.baseline("2026-03-01T08:00:00+07:00", "31001", 1000, 500, 2);
    g.baseline("2026-03-01T08:00:00+07:00", "31002", 4000, 1000, 3);
    g.baseline("2026-03-01T08:00:00+07:00", "31003", 1000, 400, 0);
    let mut citizen = 0u128;
    let mut integrate = |g: &mut Given, w: &str, on: &str, n: u32| {
        for _ in 0..n {
            citizen += 1;
            g.integrated(&format!("{on}T10:00:00+07:00"), w, citizen, Some("HS"));
        }
    };
    integrate(&mut g, "31001", "2026-03-09", 100);
    integrate(&mut g, "31001", "2026-03-10", 100);
    integrate(&mut g, "31001", "2026-03-11", 60);
    integrate(&mut g, "31001", "2026-03-12", 40);
    integrate(&mut g, "31002", "2026-03-10", 200);
    integrate(&mut g, "31003", "2026-03-12", 150);
    integrate(&mut g, "31999", "2026-03-12", 5);
    g.team("2026-03-09T08:00:00+07:00", "31001", "A");
    g.team("2026-03-09T08:00:00+07:00", "31001", "B");
    g.team("2026-03-09T08:00:00+07:00", "31002", "A");
    g.daily_report(
        "2026-03-11T20:00:00+07:00",
        "31001",
        "2026-03-11",
        ReportFigures::default(),
    );
    g.daily_report(
        "2026-03-13T09:00:00+07:00",
        "31001",
        "2026-03-12",
        ReportFigures::default(),
    );
    g.daily_report(
        "2026-03-11T20:00:00+07:00",
        "31003",
        "2026-03-11",
        ReportFigures::default(),
    );
    g.daily_report(
        "2026-03-12T20:00:00+07:00",
        "31003",
        "2026-03-12",
        ReportFigures::default(),
    );
    g
}

#[test]
fn province_summary_with_the_plain_mean_of_ward_rates() {
    let g = campaign();
    let s = g
        .projection
        .province_summary(
            province(),
            Some(day("2026-03-12")),
            AverageKind::Plain,
            RateBasis::Residents,
        )
        .expect("summary");
    assert_eq!((s.registered_wards, s.unregistered_wards.len()), (3, 1));
    assert_eq!((s.integrated, s.residents, s.insured), (650, 6000, 1900));
    assert_eq!(s.rates.per_residents.map(|r| r.value()), Some(10.83));
    assert_eq!(s.rates.per_insured.map(|r| r.value()), Some(34.21));
    assert_eq!(s.average.value.map(|r| r.value()), Some(16.67));
    let below: Vec<_> = s
        .below_average
        .iter()
        .map(|w| (w.ward.to_string(), w.rates.per_residents.map(|r| r.value())))
        .collect();
    assert_eq!(
        below,
        vec![("31003".into(), Some(15.0)), ("31002".into(), Some(5.0))]
    );
}

#[test]
fn province_summary_with_the_weighted_average_or_the_insured_rate() {
    let g = campaign();
    let s = g
        .projection
        .province_summary(
            province(),
            Some(day("2026-03-12")),
            AverageKind::Weighted,
            RateBasis::Residents,
        )
        .expect("summary");
    assert_eq!(s.average.value.map(|r| r.value()), Some(10.83));
    let below: Vec<String> = s.below_average.iter().map(|w| w.ward.to_string()).collect();
    assert_eq!(below, vec!["31002"]);
    let s = g
        .projection
        .province_summary(
            province(),
            Some(day("2026-03-12")),
            AverageKind::Plain,
            RateBasis::Insured,
        )
        .expect("summary");
    assert_eq!(s.average.value.map(|r| r.value()), Some(39.17));
    let below: Vec<_> = s
        .below_average
        .iter()
        .map(|w| (w.ward.to_string(), w.rates.per_insured.map(|r| r.value())))
        .collect();
    assert_eq!(
        below,
        vec![("31003".into(), Some(37.5)), ("31002".into(), Some(20.0))]
    );
    // Earlier days use the cumulative figures of that day.
    let s = g
        .projection
        .province_summary(
            province(),
            Some(day("2026-03-09")),
            AverageKind::Plain,
            RateBasis::Residents,
        )
        .expect("summary");
    assert_eq!(s.integrated, 100);
}

#[test]
fn two_day_review_gains_ranks_and_flags() {
    let g = campaign();
    let r = g
        .projection
        .two_day_review(
            Some(province()),
            Some(day("2026-03-12")),
            AverageKind::Plain,
            RateBasis::Residents,
        )
        .expect("review");
    assert_eq!(
        (r.window.from, r.window.to),
        (day("2026-03-11"), day("2026-03-12"))
    );
    assert_eq!(
        (r.previous.from, r.previous.to),
        (day("2026-03-09"), day("2026-03-10"))
    );
    assert_eq!(r.provinces.len(), 1);
    let p = &r.provinces[0];
    assert_eq!((p.gain, p.previous_gain), (255, 400));
    let rows: Vec<_> = p
        .wards
        .iter()
        .map(|w| {
            (
                w.rank,
                w.ward.to_string(),
                w.gain,
                w.previous_gain,
                w.flags.clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (Some(1), "31001".into(), 100, 200, vec!["late_report"]),
            (Some(2), "31003".into(), 150, 0, vec!["below_average"]),
            (
                Some(3),
                "31002".into(),
                0,
                200,
                vec![
                    "below_average",
                    "no_progress",
                    "missing_report",
                    "groups_without_team"
                ]
            ),
            (
                None,
                "31999".into(),
                5,
                0,
                vec!["missing_report", "unregistered"]
            ),
        ]
    );
    let w31002 = &p.wards[2];
    assert_eq!(
        w31002.missing_reports,
        vec![day("2026-03-11"), day("2026-03-12")]
    );
    assert_eq!(w31002.groups_without_team, Some(2));
    assert_eq!(p.wards[0].late_reports, vec![day("2026-03-12")]);
    assert_eq!(
        (
            p.flagged.below_average,
            p.flagged.no_progress,
            p.flagged.missing_report
        ),
        (2, 1, 2)
    );
    assert_eq!(
        (
            p.flagged.late_report,
            p.flagged.groups_without_team,
            p.flagged.unregistered
        ),
        (1, 1, 1)
    );
}

#[test]
fn review_of_all_provinces_and_default_day() {
    let mut g = campaign();
    g.baseline("2026-03-01T08:00:00+07:00", "01001", 500, 200, 1);
    g.integrated("2026-03-12T08:00:00+07:00", "01001", 1, None);
    let r = g
        .projection
        .two_day_review(None, None, AverageKind::Plain, RateBasis::Residents)
        .expect("review");
    // The report for the 12th was filed on the 13th: the latest day with an event.
    assert_eq!(r.date, day("2026-03-13"));
    let provinces: Vec<String> = r.provinces.iter().map(|p| p.province.to_string()).collect();
    assert_eq!(provinces, vec!["01", "31"]);
    assert_eq!(r.provinces[0].wards.len(), 1);
    assert_eq!(r.provinces[0].wards[0].rank, Some(1));
}

#[test]
fn series_and_errors() {
    let g = campaign();
    let s = g
        .projection
        .series(ward("31001"), day("2026-03-08"), day("2026-03-12"))
        .expect("series");
    let integrated: Vec<(u64, u64)> = s
        .days
        .iter()
        .map(|d| (d.integrated_new, d.integrated_cumulative))
        .collect();
    assert_eq!(
        integrated,
        vec![(0, 0), (100, 100), (100, 200), (60, 260), (40, 300)]
    );
    let reports: Vec<&str> = s.days.iter().map(|d| d.report).collect();
    assert_eq!(
        reports,
        vec!["missing", "missing", "missing", "on_time", "late"]
    );
    assert_eq!(s.days[4].rates.per_residents.map(|r| r.value()), Some(30.0));
    assert_eq!(
        g.projection
            .series(ward("31001"), day("2026-03-12"), day("2026-03-11"))
            .map(|_| ()),
        Err(QueryError::Invalid {
            field: "to",
            reason: "must not be before `from`".into()
        })
    );
    assert!(
        g.projection
            .series(ward("31001"), day("2025-01-01"), day("2026-03-11"))
            .is_err()
    );
    assert_eq!(
        g.projection.daily(ward("55555"), None).map(|_| ()),
        Err(QueryError::UnknownWard(ward("55555")))
    );
    let unknown = ProvinceCode::parse("02").expect("p");
    assert_eq!(
        g.projection
            .province_summary(unknown, None, AverageKind::Plain, RateBasis::Residents)
            .map(|_| ()),
        Err(QueryError::UnknownProvince(unknown))
    );
}

#[test]
fn a_projection_restored_from_its_changes_has_the_same_digest() {
    let mut g = campaign();
    let mut restored = Projection::new(ReportDeadlines::default());
    // Write what changed, in two batches, the way a store would, then read it all back.
    let mut wards = std::collections::BTreeMap::new();
    let mut reports = std::collections::BTreeMap::new();
    let mut days = std::collections::BTreeMap::new();
    let mut citizens = Vec::new();
    let mut drain = |p: &mut Projection| {
        let changes = p.take_changes();
        for code in changes.wards {
            // A ward's reports are written apart, as a store writes them.
            let mut meta = p.ward(code).expect("ward").meta.clone();
            meta.reports.clear();
            wards.insert(code, serde_json::to_string(&meta).expect("json"));
        }
        for (code, period) in changes.reports {
            let record = &p.ward(code).expect("ward").meta.reports[&period];
            reports.insert((code, period), serde_json::to_string(record).expect("json"));
        }
        for (code, d) in changes.days {
            let counters =
                serde_json::to_string(&p.ward(code).expect("ward").days[&d]).expect("json");
            days.insert((code, d), counters);
        }
        citizens.extend(changes.citizens);
    };
    drain(&mut g.projection);
    g.integrated("2026-03-13T10:00:00+07:00", "31002", 100_000, Some("TE"));
    g.integrated("2026-03-13T10:00:00+07:00", "31002", 100_000, Some("TE"));
    // An amended report: in the second batch its ward's record is not written, the report is.
    let amended = ReportFigures {
        integrated_new: Some(3),
        ..ReportFigures::default()
    };
    g.daily_report("2026-03-13T17:00:00+07:00", "31001", "2026-03-12", amended);
    drain(&mut g.projection);
    // Four reports, one of them amended.
    assert_eq!(reports.len(), 4);
    for (code, meta) in &wards {
        restored.restore_ward(*code, serde_json::from_str(meta).expect("meta"));
    }
    for ((code, d), counters) in &days {
        assert!(restored.restore_day(*code, *d, serde_json::from_str(counters).expect("counters")));
    }
    for ((code, period), record) in &reports {
        let record = serde_json::from_str(record).expect("report");
        assert!(restored.restore_report(*code, *period, record));
    }
    for (p, c, f) in citizens {
        restored.restore_citizen(p, c, f);
    }
    restored.restore_position(g.projection.position(), g.projection.totals().clone());
    assert_eq!(restored.citizens_len(), 656);
    assert_eq!(restored.digest(), g.projection.digest());
    // And the digest moves when a figure does.
    g.account("2026-03-13T10:00:00+07:00", "31002", 1);
    assert_ne!(restored.digest(), g.projection.digest());
}

#[test]
fn a_report_not_yet_due_is_pending_not_missing() {
    let mut g = Given::new();
    g.baseline("2026-03-01T08:00:00+07:00", "31001", 1000, 500, 0);
    g.integrated("2026-03-11T10:00:00+07:00", "31001", 1, Some("HS"));
    g.integrated("2026-03-12T10:00:00+07:00", "31001", 2, Some("HS"));
    let review = |g: &Given| {
        let r = g
            .projection
            .two_day_review(
                Some(province()),
                None,
                AverageKind::Plain,
                RateBasis::Residents,
            )
            .expect("review");
        let w = &r.provinces[0].wards[0];
        (
            w.missing_reports.clone(),
            w.pending_reports.clone(),
            w.flags.contains(&"missing_report"),
            r.provinces[0].flagged.missing_report,
        )
    };
    // The last events are of 12/3: the report of 11/3 was due at 08:00 on 12/3, that of 12/3
    // is due at 08:00 on 13/3.
    assert_eq!(
        review(&g),
        (vec![day("2026-03-11")], vec![day("2026-03-12")], true, 1)
    );
    // Once 11/3 is reported, nothing is missing: the ward is not flagged.
    g.daily_report(
        "2026-03-12T07:00:00+07:00",
        "31001",
        "2026-03-11",
        ReportFigures::default(),
    );
    assert_eq!(review(&g), (vec![], vec![day("2026-03-12")], false, 0));
}

#[test]
fn the_review_form_totals_its_wards_and_rates_the_registered_ones() {
    use ehb_projection::query::table::Cell;
    let g = campaign();
    let review = g
        .projection
        .two_day_review(
            Some(province()),
            Some(day("2026-03-12")),
            AverageKind::Plain,
            RateBasis::Residents,
        )
        .expect("review");
    let table = review.table();
    assert_eq!(table.rows.len(), 4);
    assert_eq!(table.headers.len(), table.totals.len());
    assert_eq!(table.lines[0], "Đơn vị: tỉnh/thành phố 31");
    // Integrated: all four wards (655, the unregistered ward's 5 included); the rates: the three
    // registered wards, as the province's own rates (650 / 6000 and 650 / 1900).
    assert_eq!(table.totals[7], Cell::Count(655));
    assert_eq!(table.totals[8], Cell::Count(6000));
    // Level-2 holders: half the residents by the baselines (no account activated since: 650 /
    // 3000); the eligible are not given by these baselines, so neither is their rate.
    assert_eq!(table.totals[10], Cell::Count(3000));
    assert_eq!(table.totals[11], Cell::Text(String::new()));
    assert_eq!(
        table.totals[12..16],
        [
            Cell::Percent(Some(10.83)),
            Cell::Percent(Some(34.21)),
            Cell::Percent(Some(21.67)),
            Cell::Percent(None)
        ]
    );
    let summary = review.summary_table(&review.provinces[0]);
    assert_eq!(summary.totals[8], Cell::Percent(Some(10.83)));
    assert_eq!(
        summary.lines[2],
        "Bình quân tỷ lệ các xã (đã tích hợp/dân số): 16,67 %"
    );
}

#[test]
fn province_series_adds_up_the_registered_wards_day_by_day() {
    let g = campaign();
    let s = g
        .projection
        .province_series(province(), day("2026-03-09"), day("2026-03-12"))
        .expect("series");
    let integrated: Vec<(u64, u64)> = s
        .days
        .iter()
        .map(|d| (d.integrated_new, d.integrated_cumulative))
        .collect();
    // 31001: 100, 100, 60, 40; 31002: 200 on the 10th; 31003: 150 on the 12th; the
    // unregistered 31999's 5 are left out, as in the summary.
    assert_eq!(
        integrated,
        vec![(100, 100), (300, 400), (60, 460), (190, 650)]
    );
    let summary = g
        .projection
        .province_summary(
            province(),
            Some(day("2026-03-12")),
            AverageKind::Plain,
            RateBasis::Residents,
        )
        .expect("summary");
    assert_eq!(summary.integrated, 650);
    assert_eq!(s.days[3].rates, summary.rates);
    // From the 11th on, the days before are carried in the cumulative.
    let later = g
        .projection
        .province_series(province(), day("2026-03-11"), day("2026-03-11"))
        .expect("series");
    assert_eq!(later.days[0].integrated_cumulative, 460);
    let unknown = ProvinceCode::parse("02").expect("p");
    assert_eq!(
        g.projection
            .province_series(unknown, day("2026-03-11"), day("2026-03-11"))
            .map(|_| ()),
        Err(QueryError::UnknownProvince(unknown))
    );
}

#[test]
fn a_page_opens_on_the_last_complete_day_that_counted_facts() {
    use ehb_projection::query::days::CampaignDays;
    let g = campaign();
    let days = |today: &str| g.projection.campaign_days(Some(province()), day(today));
    // The 13th has only the morning's report of the 12th: the page opens on the 12th.
    assert_eq!(
        days("2026-11-29"),
        Some(CampaignDays {
            first: day("2026-03-01"),
            latest: day("2026-03-13"),
            complete: day("2026-03-12"),
        })
    );
    // On the 12th itself the day is in progress: the 11th is the last complete one.
    assert_eq!(
        days("2026-03-12").map(|d| d.complete),
        Some(day("2026-03-11"))
    );
    // Before any complete day that counted facts, the latest day.
    assert_eq!(
        days("2026-03-09").map(|d| d.complete),
        Some(day("2026-03-13"))
    );
    assert_eq!(
        g.projection
            .campaign_days(None, day("2026-11-29"))
            .map(|d| d.complete),
        Some(day("2026-03-12"))
    );
    let elsewhere = ProvinceCode::parse("01").expect("province");
    assert_eq!(
        g.projection
            .campaign_days(Some(elsewhere), day("2026-11-29")),
        None
    );
}
