//! The store against real sled folders: what is committed loads back, reports written apart.

use std::path::Path;

use ehb_projection::{Projection, ReportDeadlines};
use ehb_proto::testkit::Events;
use ehb_proto::{
    Baseline, BusinessDay, CitizenRef, Event, Payload, ReportFigures, ReportPeriod, Text, WardCode,
};
use ehb_store::{Store, StoreError};

/// An event in ward 31117 (the store keys by ward and stream sequence, not by event id).
fn event(at: &str, payload: Payload<'static>) -> Event<'static> {
    Events::new().event(at, "31117", payload)
}

/// Opens the store again once sled's background threads have let go of the dropped one.
fn reopen(path: &Path) -> Store {
    for _ in 0..100 {
        match Store::open(path) {
            Ok(store) => return store,
            Err(StoreError::Sled {
                source: sled::Error::Io(_),
                ..
            }) => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(other) => panic!("reopen: {other}"),
        }
    }
    panic!("the store stayed locked for 5 s after it was dropped");
}

fn apply(p: &mut Projection, seq: u64, e: &Event<'_>) {
    p.apply(seq, None, &e.subject(), &e.to_json());
}

fn daily(day: &str, integrated_new: u64) -> Payload<'static> {
    let day = BusinessDay::parse("period", day).expect("day");
    Payload::ReportFiled {
        reporter: ehb_proto::Reporter::WardOffice,
        period: ReportPeriod::Daily(day),
        figures: ReportFigures {
            integrated_new: Some(integrated_new),
            ..ReportFigures::default()
        },
        notes: Some(Box::new(ehb_proto::ReportNotes {
            difficulties: Some(Text::from(format!(
                "{integrated_new} hộ chưa có điện thoại"
            ))),
            proposals: None,
        })),
    }
}

#[test]
fn a_store_loads_what_was_committed_and_refuses_other_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let mut p = store.load(ReportDeadlines::default()).expect("load");
    let e = event(
        "2026-03-10T08:00:00+07:00",
        Payload::AccountActivated {
            citizen: CitizenRef(7),
        },
    );
    apply(&mut p, 1, &e);
    p.apply(2, None, "ehb.v1.31.31117.account_activated", b"{");
    let changes = p.take_changes();
    let prepared = Store::prepare(&p, &changes);
    // The ward (flagged unregistered), its day, the citizen and the reject.
    assert_eq!(prepared.records, 4);
    store.commit(prepared).expect("commit");
    drop(store);
    let store = reopen(dir.path());
    let loaded = store.load(ReportDeadlines::default()).expect("load");
    assert_eq!(loaded.position().seq, 2);
    assert_eq!(loaded.digest(), p.digest());
    assert_eq!(store.rejects(0, 10).expect("rejects").len(), 1);
    assert_eq!(store.rejects(2, 10).expect("rejects").len(), 0);
    let other = ReportDeadlines {
        daily_by_hour: 9,
        ..ReportDeadlines::default()
    };
    assert!(matches!(
        store.load(other),
        Err(StoreError::OtherRules { .. })
    ));
}

#[test]
fn a_report_is_written_alone_and_loads_back_into_its_ward() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let mut p = store.load(ReportDeadlines::default()).expect("load");
    let baseline = Payload::WardBaseline(Baseline {
        name: None,
        residents: 1000,
        insured: 900,
        level2_accounts: 300,
        eligible: Some(250),
        groups: 4,
        facilities: 1,
        target: 800,
    });
    apply(&mut p, 1, &event("2026-03-09T07:00:00+07:00", baseline));
    let (first, second) = ("2026-03-10", "2026-03-11");
    apply(
        &mut p,
        2,
        &event("2026-03-10T17:00:00+07:00", daily(first, 5)),
    );
    apply(
        &mut p,
        3,
        &event("2026-03-11T17:00:00+07:00", daily(second, 6)),
    );
    let changes = p.take_changes();
    let prepared = Store::prepare(&p, &changes);
    // The ward, two reports, and the counters of the three days the events occurred on.
    assert_eq!(prepared.records, 6);
    store.commit(prepared).expect("commit");
    // An amended report: only it and its filing day's counters are written again.
    apply(
        &mut p,
        4,
        &event("2026-03-11T18:00:00+07:00", daily(first, 7)),
    );
    let changes = p.take_changes();
    let prepared = Store::prepare(&p, &changes);
    assert_eq!(prepared.records, 2);
    store.commit(prepared).expect("commit");
    drop(store);
    let loaded = reopen(dir.path())
        .load(ReportDeadlines::default())
        .expect("load");
    let ward = WardCode::parse("31117").expect("w");
    let reports = &loaded.ward(ward).expect("ward").meta.reports;
    assert_eq!(reports, &p.ward(ward).expect("ward").meta.reports);
    assert_eq!(reports.len(), 2);
    let first = BusinessDay::parse("period", first).expect("day");
    let amended = &reports[&ehb_proto::ReportId::ward_office(ReportPeriod::Daily(first))];
    assert_eq!(
        (amended.filings, amended.figures.integrated_new),
        (2, Some(7))
    );
    // The latest filing's text, kept with it.
    assert_eq!(
        amended.text.difficulties.as_deref(),
        Some("7 hộ chưa có điện thoại")
    );
    assert_eq!(loaded.digest(), p.digest());
}

#[test]
fn an_opening_balance_and_a_team_load_back_as_they_were_folded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("open");
    let mut p = store.load(ReportDeadlines::default()).expect("load");
    let opening = Payload::WardOpening(ehb_proto::Opening {
        as_of: BusinessDay::parse("as_of", "2026-03-08").expect("day"),
        accounts: 120,
        integrated: 80,
    });
    apply(&mut p, 1, &event("2026-03-09T08:00:00+07:00", opening));
    let card = Payload::CardIntegrated {
        citizen: CitizenRef(7),
        beneficiary: None,
        issuer: None,
    };
    apply(&mut p, 2, &event("2026-03-10T08:00:00+07:00", card));
    let mut team = event(
        "2026-03-10T09:00:00+07:00",
        Payload::TeamFormed {
            members: None,
            composition: Some(ehb_proto::TeamComposition {
                police: 1,
                health: 2,
                ..ehb_proto::TeamComposition::default()
            }),
        },
    );
    team.group = Some(Text::from("31117-TDP05"));
    apply(&mut p, 3, &team);
    let changes = p.take_changes();
    let prepared = Store::prepare(&p, &changes);
    // The ward (its balance), its team, its two days and the citizen.
    assert_eq!(prepared.records, 5);
    store.commit(prepared).expect("commit");
    drop(store);
    let loaded = reopen(dir.path())
        .load(ReportDeadlines::default())
        .expect("load");
    let ward = WardCode::parse("31117").expect("w");
    let kept = loaded
        .ward(ward)
        .expect("ward")
        .meta
        .opening
        .expect("a balance");
    assert_eq!((kept.accounts, kept.integrated), (120, 80));
    let day = BusinessDay::parse("d", "2026-03-10").expect("day");
    let daily = loaded.daily(ward, Some(day)).expect("daily");
    assert_eq!((daily.integrated.new, daily.integrated.cumulative), (1, 81));
    assert_eq!(loaded.digest(), p.digest());
    assert_eq!(loaded.totals().folded.ward_opening, 1);
    let team = &loaded.ward(ward).expect("ward").meta.teams["31117-TDP05"];
    assert_eq!(team.members, Some(3));
    assert_eq!(team.composition.map(|c| c.health), Some(2));
}
