//! Reports of every reporter the plans name: the ward's office, its police (the final report on
//! a campaign month, due before the 6th of the month after), health facilities and regional
//! health centres; each report is its reporter's own.

mod common;

use common::{Given, day, ward};
use ehb_proto::{Payload, ReportFigures, ReportKind, ReportPeriod, Reporter};

fn file(
    g: &mut Given,
    at: &str,
    reporter: Reporter,
    (kind, period): (ReportKind, &str),
    figures: ReportFigures,
) {
    let period = ReportPeriod::parse(kind, "p", period).expect("a period");
    let e = g.event(
        at,
        "31001",
        Payload::ReportFiled {
            reporter,
            period,
            figures,
            notes: None,
        },
    );
    g.apply(&e);
}

fn campaign() -> Given {
    let mut g = Given::new();
    g.baseline("2026-03-01T07:00:00+07:00", "31001", 1000, 600, 2);
    g.integrated("2026-03-10T09:00:00+07:00", "31001", 1, Some("HS"));
    g.integrated("2026-03-20T09:00:00+07:00", "31001", 2, Some("HS"));
    g
}

/// (reporter, period, filed, on time, differences) of the day's other reports.
fn others(g: &Given, on: &str) -> Vec<(Reporter, String, bool, Option<bool>, usize)> {
    let daily = g
        .projection
        .daily(ward("31001"), Some(day(on)))
        .expect("daily");
    daily
        .other_reports
        .iter()
        .map(|r| {
            (
                r.reporter,
                String::from(r.period),
                r.status.filed,
                r.status.on_time,
                r.status.differences.len(),
            )
        })
        .collect()
}

#[test]
fn the_police_s_final_report_is_expected_for_every_month_and_judged_by_its_own_deadline() {
    let mut g = campaign();
    // Before it is filed it is listed, not filed, due before 06/04.
    assert_eq!(
        others(&g, "2026-03-10"),
        vec![(Reporter::Police, "final/2026-03".into(), false, None, 0)]
    );
    let daily = g
        .projection
        .daily(ward("31001"), Some(day("2026-03-10")))
        .expect("daily");
    assert_eq!(
        daily.other_reports[0].status.due,
        ehb_proto::parse_instant("t", "2026-04-06T00:00:00+07:00").expect("t")
    );
    let month = ReportFigures {
        integrated_new: Some(2),
        integrated_total: Some(2),
        ..ReportFigures::default()
    };
    file(
        &mut g,
        "2026-04-03T15:00:00+07:00",
        Reporter::Police,
        (ReportKind::Final, "2026-03"),
        month,
    );
    assert_eq!(
        others(&g, "2026-03-10"),
        vec![(
            Reporter::Police,
            "final/2026-03".into(),
            true,
            Some(true),
            0
        )]
    );
    // The whole month, not the 14th's close of a monthly report.
    assert_eq!(
        (
            daily.other_reports[0].status.covers.from,
            daily.other_reports[0].status.covers.to
        ),
        (day("2026-03-01"), day("2026-03-31"))
    );
    // Filed after the 6th: late; its figures are compared with the month's events.
    let wrong = ReportFigures {
        integrated_new: Some(5),
        ..ReportFigures::default()
    };
    file(
        &mut g,
        "2026-03-07T15:00:00+07:00",
        Reporter::Police,
        (ReportKind::Final, "2026-02"),
        wrong,
    );
    file(
        &mut g,
        "2026-05-07T15:00:00+07:00",
        Reporter::Police,
        (ReportKind::Final, "2026-04"),
        wrong,
    );
    assert_eq!(
        others(&g, "2026-04-02"),
        vec![(
            Reporter::Police,
            "final/2026-04".into(),
            true,
            Some(false),
            1
        )]
    );
    assert_eq!(
        others(&g, "2026-02-10"),
        vec![(
            Reporter::Police,
            "final/2026-02".into(),
            true,
            Some(false),
            1
        )]
    );
}

#[test]
fn each_reporter_s_report_is_its_own_and_shown_on_the_days_it_covers() {
    let mut g = campaign();
    let week = (ReportKind::Weekly, "2026-03-09");
    let centre = ReportFigures {
        integrated_new: Some(1),
        ..ReportFigures::default()
    };
    file(
        &mut g,
        "2026-03-16T11:00:00+07:00",
        Reporter::HealthCentre,
        week,
        centre,
    );
    file(
        &mut g,
        "2026-03-18T11:00:00+07:00",
        Reporter::HealthFacility,
        week,
        ReportFigures::default(),
    );
    // The ward's office has not filed that week: its weekly report stays missing.
    let daily = g
        .projection
        .daily(ward("31001"), Some(day("2026-03-10")))
        .expect("daily");
    assert_eq!(daily.period_reports[0].reporter, Reporter::WardOffice);
    assert!(!daily.period_reports[0].status.filed);
    assert_eq!(
        others(&g, "2026-03-10"),
        vec![
            (Reporter::Police, "final/2026-03".into(), false, None, 0),
            (
                Reporter::HealthFacility,
                "weekly/2026-03-09".into(),
                true,
                Some(false),
                0
            ),
            (
                Reporter::HealthCentre,
                "weekly/2026-03-09".into(),
                true,
                Some(true),
                0
            ),
        ]
    );
    // Another week shows only the police's expected report.
    assert_eq!(others(&g, "2026-03-17").len(), 1);
    // The review's flags are the ward office's daily reports' alone.
    let w = g.projection.ward(ward("31001")).expect("ward");
    assert_eq!(w.meta.reports.len(), 2);
}
