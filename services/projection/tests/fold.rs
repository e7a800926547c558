//! Given events, then the projection: the fold's rules, without a broker.

mod common;

use common::{Given, day, ward};
use ehb_projection::Applied;
use ehb_proto::ReportFigures;

#[test]
fn a_citizen_counts_once_per_fact_whatever_the_event_id() {
    let mut g = Given::new();
    assert_eq!(
        g.account("2026-03-10T08:00:00+07:00", "31117", 1),
        Applied::Folded
    );
    assert_eq!(
        g.account("2026-03-10T09:00:00+07:00", "31117", 1),
        Applied::Duplicate
    );
    assert_eq!(
        g.account("2026-03-11T09:00:00+07:00", "31118", 1),
        Applied::Duplicate
    );
    assert_eq!(
        g.integrated("2026-03-10T10:00:00+07:00", "31117", 1, Some("HS")),
        Applied::Folded
    );
    assert_eq!(
        g.integrated("2026-03-12T10:00:00+07:00", "31117", 1, Some("HS")),
        Applied::Duplicate
    );
    assert_eq!(
        g.integrated("2026-03-10T10:00:00+07:00", "31117", 2, None),
        Applied::Folded
    );
    // The same citizen in another province is another person's pseudonym space.
    assert_eq!(
        g.account("2026-03-10T08:00:00+07:00", "01001", 1),
        Applied::Folded
    );

    let p = &g.projection;
    let w = p.ward(ward("31117")).expect("ward");
    let d10 = &w.days[&day("2026-03-10")];
    assert_eq!(
        (d10.accounts_new, d10.integrated_new, d10.duplicates),
        (1, 2, 1)
    );
    assert_eq!(
        d10.by_beneficiary.to_map().into_iter().collect::<Vec<_>>(),
        vec![("HS", 1), ("unknown", 1)]
    );
    assert_eq!(w.days[&day("2026-03-12")].duplicates, 1);
    assert_eq!(w.days[&day("2026-03-12")].integrated_new, 0);
    assert_eq!(
        p.ward(ward("31118")).expect("ward").days[&day("2026-03-11")].accounts_new,
        0
    );
    assert_eq!(p.totals().duplicates, 3);
    assert_eq!(
        p.citizens_in(
            "31".parse::<String>()
                .map(|s| ehb_proto::ProvinceCode::parse(&s).expect("p"))
                .expect("p")
        ),
        (1, 2)
    );
}

#[test]
fn a_card_reported_by_the_police_and_by_social_security_counts_once() {
    let mut g = Given::new();
    let card = |g: &mut Given, at: &str, source: &'static str, beneficiary: &str| {
        let mut e = g.event(
            at,
            "31117",
            ehb_proto::Payload::CardIntegrated {
                citizen: ehb_proto::CitizenRef(7),
                beneficiary: Some(beneficiary.parse().expect("code")),
                issuer: Some(ehb_proto::Issuer::Vss),
            },
        );
        e.source = ehb_proto::Text::from(source);
        g.apply(&e)
    };
    assert_eq!(
        card(&mut g, "2026-03-10T10:00:00+07:00", "c06", "HS"),
        Applied::Folded
    );
    assert_eq!(
        card(&mut g, "2026-03-10T16:00:00+07:00", "vss", "HS"),
        Applied::Duplicate
    );
    let d10 = &g.projection.ward(ward("31117")).expect("ward").days[&day("2026-03-10")];
    assert_eq!((d10.integrated_new, d10.duplicates), (1, 1));
    assert_eq!(
        d10.by_beneficiary.to_map().into_iter().collect::<Vec<_>>(),
        vec![("HS", 1)]
    );
}

#[test]
fn a_redelivered_sequence_is_applied_once() {
    let mut g = Given::new();
    g.account("2026-03-10T08:00:00+07:00", "31117", 1);
    let e = g.event(
        "2026-03-10T08:00:00+07:00",
        "31117",
        ehb_proto::Payload::AccountActivated {
            citizen: ehb_proto::CitizenRef(2),
        },
    );
    let bytes = e.to_json();
    assert_eq!(
        g.projection.apply(2, None, &e.subject(), &bytes),
        Applied::Folded
    );
    assert_eq!(
        g.projection.apply(2, None, &e.subject(), &bytes),
        Applied::AlreadyApplied
    );
    assert_eq!(
        g.projection.apply(1, None, &e.subject(), &bytes),
        Applied::AlreadyApplied
    );
    assert_eq!(g.projection.totals().messages, 2);
    assert_eq!(g.projection.position().seq, 2);
    let w = g.projection.ward(ward("31117")).expect("ward");
    assert_eq!(w.days[&day("2026-03-10")].accounts_new, 2);
}

#[test]
fn the_business_day_is_the_date_at_utc_plus_seven() {
    let mut g = Given::new();
    g.account("2026-03-10T16:59:59Z", "31117", 1);
    g.account("2026-03-10T17:00:00Z", "31117", 2);
    g.account("2026-03-11T06:30:00+07:00", "31117", 3);
    let w = g.projection.ward(ward("31117")).expect("ward");
    assert_eq!(w.days[&day("2026-03-10")].accounts_new, 1);
    assert_eq!(w.days[&day("2026-03-11")].accounts_new, 2);
    // A late event folds into its own day.
    g.account("2026-03-09T12:00:00+07:00", "31117", 4);
    let w = g.projection.ward(ward("31117")).expect("ward");
    assert_eq!(w.days[&day("2026-03-09")].accounts_new, 1);
    assert_eq!(w.cumulative(day("2026-03-10")).accounts_new, 2);
}

#[test]
fn bad_messages_are_rejected_with_reasons_and_nothing_else_moves() {
    let mut g = Given::new();
    g.baseline("2026-03-01T08:00:00+07:00", "31117", 1000, 500, 4);
    g.account("2026-03-10T08:00:00+07:00", "31117", 1);
    let before = g
        .projection
        .daily(ward("31117"), Some(day("2026-03-10")))
        .expect("daily");
    let good = g.event(
        "2026-03-10T08:00:00+07:00",
        "31117",
        ehb_proto::Payload::AccountActivated {
            citizen: ehb_proto::CitizenRef(9),
        },
    );
    let unknown = String::from_utf8(good.to_json())
        .expect("utf8")
        .replace("account.activated", "account.revoked");
    assert_eq!(
        g.apply_raw("ehb.v1.31.31117.account_revoked", unknown.as_bytes()),
        Applied::Rejected
    );
    assert_eq!(
        g.apply_raw("ehb.v1.31.31117.account_activated", b"{not json"),
        Applied::Rejected
    );
    assert_eq!(
        g.apply_raw("ehb.v1.31.31118.account_activated", &good.to_json()),
        Applied::Rejected
    );
    let bad_ref = String::from_utf8(good.to_json())
        .expect("utf8")
        .replace("00000000000000000000000000000009", "079012345678");
    assert_eq!(
        g.apply_raw("ehb.v1.31.31117.account_activated", bad_ref.as_bytes()),
        Applied::Rejected
    );

    let changes = g.projection.take_changes();
    let kinds: Vec<(u64, &str, &str)> = changes
        .rejects
        .iter()
        .map(|r| (r.seq, r.kind.as_str(), r.field.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (3, "unknown_type", "type"),
            (4, "malformed", ""),
            (5, "subject_mismatch", "ward"),
            (6, "invalid_field", "data.citizen_ref"),
        ]
    );
    assert!(
        changes
            .rejects
            .iter()
            .all(|r| !r.reason.contains("079012345678"))
    );
    let totals = g.projection.totals();
    assert_eq!(totals.rejects(), 4);
    assert_eq!(totals.messages, 6);
    assert_eq!(totals.folded.total(), 2);
    let after = g
        .projection
        .daily(ward("31117"), Some(day("2026-03-10")))
        .expect("daily");
    assert_eq!(
        serde_json::to_value(&before).ok(),
        serde_json::to_value(&after).ok()
    );
    assert!(g.projection.ward(ward("31118")).is_none());
}

#[test]
fn unregistered_wards_are_counted_and_flagged() {
    let mut g = Given::new();
    g.account("2026-03-10T08:00:00+07:00", "31999", 1);
    g.integrated("2026-03-10T08:00:00+07:00", "31999", 1, Some("HS"));
    let d = g
        .projection
        .daily(ward("31999"), Some(day("2026-03-10")))
        .expect("daily");
    assert!(!d.registered);
    assert_eq!((d.accounts.new, d.integrated.new), (1, 1));
    assert_eq!(d.rates.per_residents, None);
    assert_eq!(g.projection.totals().unregistered, 2);
    g.baseline("2026-03-10T09:00:00+07:00", "31999", 100, 50, 2);
    let d = g
        .projection
        .daily(ward("31999"), Some(day("2026-03-10")))
        .expect("daily");
    assert!(d.registered);
    assert_eq!(d.rates.per_residents.map(|r| r.value()), Some(1.0));
    assert_eq!(d.rates.per_insured.map(|r| r.value()), Some(2.0));
}

#[test]
fn a_ward_belongs_to_one_province() {
    let mut g = Given::new();
    g.baseline("2026-03-01T08:00:00+07:00", "31117", 1000, 500, 4);
    let mut e = g.event(
        "2026-03-10T08:00:00+07:00",
        "31117",
        ehb_proto::Payload::AccountActivated {
            citizen: ehb_proto::CitizenRef(1),
        },
    );
    e.province = ehb_proto::ProvinceCode::parse("01").expect("p");
    assert_eq!(g.apply(&e), Applied::Rejected);
    let rejects = g.projection.take_changes().rejects;
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0].field, "province");
}

#[test]
fn the_latest_baseline_by_when_it_was_taken_applies() {
    let mut g = Given::new();
    g.baseline("2026-03-05T08:00:00+07:00", "31117", 2000, 900, 10);
    g.baseline("2026-03-01T08:00:00+07:00", "31117", 1000, 500, 4);
    assert_eq!(
        g.baseline("2026-03-05T08:00:00+07:00", "31117", 2000, 900, 10),
        Applied::Duplicate
    );
    let b = g
        .projection
        .ward(ward("31117"))
        .and_then(|w| w.meta.baseline.clone())
        .expect("baseline");
    assert_eq!((b.residents, b.insured, b.groups), (2000, 900, 10));
}

#[test]
fn teams_and_facilities_count_once() {
    let mut g = Given::new();
    g.baseline("2026-03-01T08:00:00+07:00", "31117", 1000, 500, 3);
    assert_eq!(
        g.team("2026-03-10T08:00:00+07:00", "31117", "TDP01"),
        Applied::Folded
    );
    assert_eq!(
        g.team("2026-03-11T08:00:00+07:00", "31117", "TDP01"),
        Applied::Duplicate
    );
    assert_eq!(
        g.team("2026-03-11T08:00:00+07:00", "31117", "TDP02"),
        Applied::Folded
    );
    assert_eq!(
        g.facility("2026-03-11T08:00:00+07:00", "31117", "TYT-1"),
        Applied::Folded
    );
    assert_eq!(
        g.facility("2026-03-12T08:00:00+07:00", "31117", "TYT-1"),
        Applied::Duplicate
    );
    let d = g
        .projection
        .daily(ward("31117"), Some(day("2026-03-10")))
        .expect("daily");
    assert_eq!(
        (d.groups.with_team, d.groups.total, d.groups.without_team),
        (1, Some(3), Some(2))
    );
    assert_eq!((d.facilities.linked, d.facilities.total), (0, Some(2)));
    let d = g
        .projection
        .daily(ward("31117"), Some(day("2026-03-12")))
        .expect("daily");
    assert_eq!((d.groups.with_team, d.groups.without_team), (2, Some(1)));
    assert_eq!(d.facilities.linked, 1);
}

#[test]
fn reports_on_time_late_and_their_differences() {
    let mut g = Given::new();
    g.baseline("2026-03-01T08:00:00+07:00", "31117", 1000, 500, 3);
    for c in 1..=3 {
        g.integrated("2026-03-10T09:00:00+07:00", "31117", c, Some("SV"));
    }
    g.account("2026-03-10T09:00:00+07:00", "31117", 7);
    let claim = ReportFigures {
        integrated_new: Some(5),
        accounts_new: Some(1),
        ..ReportFigures::default()
    };
    g.daily_report("2026-03-11T07:30:00+07:00", "31117", "2026-03-10", claim);
    g.daily_report(
        "2026-03-12T09:30:00+07:00",
        "31117",
        "2026-03-11",
        ReportFigures::default(),
    );
    let d = g
        .projection
        .daily(ward("31117"), Some(day("2026-03-10")))
        .expect("daily");
    assert!(d.report.filed);
    assert_eq!(d.report.on_time, Some(true));
    let diffs: Vec<_> = d
        .report
        .differences
        .iter()
        .map(|x| (x.figure, x.claimed, x.events))
        .collect();
    assert_eq!(diffs, vec![("integrated_new", 5, 3)]);
    let d = g
        .projection
        .daily(ward("31117"), Some(day("2026-03-11")))
        .expect("daily");
    assert_eq!(d.report.on_time, Some(false));
    let d = g
        .projection
        .daily(ward("31117"), Some(day("2026-03-12")))
        .expect("daily");
    assert!(!d.report.filed);
    // Filing the same report again (an amendment) keeps the first filing's timeliness.
    let amended = ReportFigures {
        integrated_new: Some(3),
        ..ReportFigures::default()
    };
    assert_eq!(
        g.daily_report("2026-03-11T11:00:00+07:00", "31117", "2026-03-10", amended),
        Applied::Folded
    );
    let d = g
        .projection
        .daily(ward("31117"), Some(day("2026-03-10")))
        .expect("daily");
    assert_eq!((d.report.on_time, d.report.filings), (Some(true), 2));
    assert!(d.report.differences.is_empty());
}

#[test]
fn weekly_and_monthly_reports_cover_the_day() {
    let mut g = Given::new();
    g.baseline("2026-03-01T08:00:00+07:00", "31117", 1000, 500, 3);
    g.integrated("2026-03-09T09:00:00+07:00", "31117", 1, None);
    g.integrated("2026-03-15T09:00:00+07:00", "31117", 2, None);
    g.integrated("2026-03-16T09:00:00+07:00", "31117", 3, None);
    let claim = ReportFigures {
        integrated_new: Some(2),
        integrated_total: Some(3),
        ..ReportFigures::default()
    };
    let week = (ehb_proto::ReportKind::Weekly, "2026-03-09");
    let filed = g.report("2026-03-17T16:00:00+07:00", "31117", week, claim);
    assert_eq!(filed, Applied::Folded);
    let d = g
        .projection
        .daily(ward("31117"), Some(day("2026-03-10")))
        .expect("daily");
    let periods: Vec<String> = d
        .period_reports
        .iter()
        .map(|r| String::from(r.period))
        .collect();
    assert_eq!(periods, vec!["weekly/2026-03-09", "monthly/2026-03"]);
    let weekly = &d.period_reports[0].status;
    assert_eq!((weekly.filed, weekly.on_time), (true, Some(true)));
    assert_eq!(weekly.events.integrated_new, Some(2));
    let diffs: Vec<_> = weekly
        .differences
        .iter()
        .map(|x| (x.figure, x.claimed, x.events))
        .collect();
    assert_eq!(diffs, vec![("integrated_total", 3, 2)]);
    let monthly = &d.period_reports[1].status;
    assert!(!monthly.filed);
    assert_eq!(ehb_proto::BusinessDay::of(monthly.due), day("2026-03-25"));
    // March's figures close on the 14th: they run from 15 February.
    assert_eq!(
        (monthly.covers.from, monthly.covers.to),
        (day("2026-02-15"), day("2026-03-14"))
    );
    // The 15th's figures belong to April's report.
    let later = g
        .projection
        .daily(ward("31117"), Some(day("2026-03-15")))
        .expect("daily");
    assert_eq!(
        String::from(later.period_reports[1].period),
        "monthly/2026-04"
    );
}

#[test]
fn a_monthly_report_filed_on_time_agrees_with_the_events_up_to_its_closing_day() {
    let mut g = Given::new();
    g.baseline("2026-03-01T08:00:00+07:00", "31117", 1000, 500, 3);
    g.integrated("2026-03-09T09:00:00+07:00", "31117", 1, None);
    g.integrated("2026-03-14T09:00:00+07:00", "31117", 2, None);
    // After March's figures closed, before its report was due on the 25th.
    g.integrated("2026-03-15T09:00:00+07:00", "31117", 3, None);
    g.integrated("2026-03-19T09:00:00+07:00", "31117", 4, None);
    let claim = ReportFigures {
        integrated_new: Some(2),
        integrated_total: Some(2),
        ..ReportFigures::default()
    };
    let march = (ehb_proto::ReportKind::Monthly, "2026-03");
    let filed = g.report("2026-03-20T10:00:00+07:00", "31117", march, claim);
    assert_eq!(filed, Applied::Folded);
    let d = g
        .projection
        .daily(ward("31117"), Some(day("2026-03-14")))
        .expect("daily");
    let monthly = &d.period_reports[1].status;
    assert_eq!((monthly.filed, monthly.on_time), (true, Some(true)));
    assert_eq!(monthly.events.integrated_new, Some(2));
    assert!(monthly.differences.is_empty(), "{:?}", monthly.differences);
    assert!(g.projection.disagreeing_reports().is_empty());
}

#[test]
fn a_skipped_message_moves_the_position_and_nothing_else() {
    let mut g = Given::new();
    g.account("2026-03-10T08:00:00+07:00", "31117", 1);
    let digest = g.projection.digest();
    g.projection.skip(5, None);
    assert_eq!(g.projection.position().seq, 5);
    assert_eq!(g.projection.totals().messages, 1);
    assert_eq!(g.projection.digest(), digest);
    // Sequences up to the skipped one count as applied.
    let e = g.event(
        "2026-03-10T08:00:00+07:00",
        "31117",
        ehb_proto::Payload::AccountActivated {
            citizen: ehb_proto::CitizenRef(2),
        },
    );
    assert_eq!(
        g.projection.apply(4, None, &e.subject(), &e.to_json()),
        Applied::AlreadyApplied
    );
    g.projection.skip(3, None);
    assert_eq!(g.projection.position().seq, 5);
}

#[test]
fn a_report_keeps_the_text_of_its_latest_filing() {
    let mut g = Given::new();
    g.baseline("2026-03-01T08:00:00+07:00", "31117", 1000, 500, 3);
    let filing = |g: &mut Given, at: &str, difficulties: &str| {
        let period =
            ehb_proto::ReportPeriod::parse(ehb_proto::ReportKind::Weekly, "p", "2026-03-09")
                .expect("monday");
        let notes = ehb_proto::ReportNotes {
            difficulties: Some(ehb_proto::Text::from(difficulties.to_owned())),
            proposals: None,
        };
        let figures = ReportFigures::default();
        let e = g.event(
            at,
            "31117",
            ehb_proto::Payload::ReportFiled {
                reporter: ehb_proto::Reporter::WardOffice,
                period,
                figures,
                notes: Some(Box::new(notes)),
            },
        );
        g.apply(&e)
    };
    let at = "2026-03-16T09:00:00+07:00";
    assert_eq!(filing(&mut g, at, "Mạng yếu"), Applied::Folded);
    assert_eq!(filing(&mut g, at, "Mạng yếu"), Applied::Duplicate);
    // Filed again at the same time with other text: an amendment, not a repetition.
    assert_eq!(filing(&mut g, at, "Mạng yếu ở thôn 3"), Applied::Folded);
    let d = g
        .projection
        .daily(ward("31117"), Some(day("2026-03-10")))
        .expect("daily");
    let weekly = &d.period_reports[0].status;
    assert_eq!(weekly.filings, 2);
    let text = weekly.text.as_ref().expect("its text");
    assert_eq!(
        (text.difficulties.as_deref(), text.proposals.as_deref()),
        (Some("Mạng yếu ở thôn 3"), None)
    );
    assert_eq!(d.report.text, None);
}
