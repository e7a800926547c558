//! A ward's residential groups end to end: published facts naming groups, teams with their
//! composition, and the answer, the form (CSV and XLSX) and the refusals of `/v1/wards/{ward}/groups`.

mod common;

use std::time::Duration;

use common::{Events, OPENED, out};
use ehb_e2e::{Stack, xlsx_form};
use ehb_proto::{Payload, TeamComposition, Text};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ward_s_groups_answer_and_form_count_each_group_and_its_team() {
    let stack = Stack::start().await;
    let (projector, publisher) = (&stack.projector, &stack.publisher);
    let mut e = Events::new();
    let mut events = vec![e.baseline(OPENED, "31001", 1000, 400, 3)];
    let mut team = e.event(
        "2026-03-09T08:00:00+07:00",
        "31001",
        Payload::TeamFormed {
            members: Some(7),
            composition: Some(TeamComposition {
                police: 2,
                health: 2,
                organisations: 2,
                group_officials: 1,
                ..TeamComposition::default()
            }),
        },
    );
    team.group = Some(Text::from("31001-TDP01"));
    events.push(team);
    // Group TDP01: 3 accounts on 9/3 and 2 integrations on 10/3; TDP02: 1 integration on 9/3;
    // one integration names no group.
    for c in 0..3 {
        let mut a = e.account("2026-03-09T09:00:00+07:00", "31001", 100 + c);
        a.group = Some(Text::from("31001-TDP01"));
        events.push(a);
    }
    for c in 0..2 {
        let mut i = e.integrated("2026-03-10T09:00:00+07:00", "31001", 100 + c, "HS");
        i.group = Some(Text::from("31001-TDP01"));
        events.push(i);
    }
    let mut other = e.integrated("2026-03-09T11:00:00+07:00", "31001", 200, "GD");
    other.group = Some(Text::from("31001-TDP02"));
    events.push(other);
    events.push(e.integrated("2026-03-10T12:00:00+07:00", "31001", 300, "GD"));
    let published = publisher
        .publish_all(out(&events))
        .await
        .expect("published");
    assert_eq!(published.stored, 9);
    projector
        .wait_applied(published.last_seq, Duration::from_secs(30))
        .await;

    let (status, answer) = projector
        .get("/v1/wards/31001/groups?date=2026-03-10")
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["window"],
        json!({"from": "2026-03-09", "to": "2026-03-10"})
    );
    assert_eq!(answer["groups_total"], 3);
    assert_eq!(
        answer["groups"],
        json!([
            {"group": "31001-TDP01",
             "team": {"formed_on": "2026-03-09", "members": 7,
                      "composition": {"police": 2, "health": 2, "organisations": 2, "group_officials": 1}},
             "accounts": {"new": 0, "cumulative": 3}, "integrated": {"new": 2, "cumulative": 2},
             "gain": 2, "flags": []},
            {"group": "31001-TDP02", "team": null,
             "accounts": {"new": 0, "cumulative": 0}, "integrated": {"new": 0, "cumulative": 1},
             "gain": 1, "flags": ["no_team"]},
        ])
    );
    assert_eq!(
        answer["without_group"],
        json!({"accounts": {"new": 0, "cumulative": 0}, "integrated": {"new": 1, "cumulative": 1}, "gain": 1})
    );
    assert_eq!(
        answer["totals"],
        json!({"known": 2, "with_team": 1, "team_members": 7, "without_progress": 0})
    );
    let (_, daily) = projector.get("/v1/wards/31001/daily?date=2026-03-10").await;
    assert_eq!(daily["groups"]["team_members"], 7);
    let (_, summary) = projector
        .get("/v1/provinces/31/summary?date=2026-03-10")
        .await;
    assert_eq!(
        (&summary["teams"], &summary["team_members"]),
        (&json!(1), &json!(7))
    );

    // The form: title, unit, date and window, one row per group, the facts without a group, totals.
    let base = &projector.base;
    let csv = reqwest::get(format!("{base}/v1/wards/31001/groups.csv?date=2026-03-10"))
        .await
        .expect("an answer");
    assert_eq!(csv.status(), 200);
    assert_eq!(
        csv.headers()["content-disposition"],
        "attachment; filename=\"to-dan-pho-31001-2026-03-10.csv\""
    );
    let text = csv.text().await.expect("text");
    for line in [
        "31001-TDP01,09/03/2026,7,0,3,2,2,2,",
        "31001-TDP02,,,0,0,0,1,1,chưa có Tổ hướng dẫn",
        "Không rõ tổ,,,0,0,1,1,1,",
        "Tổng cộng,1,7,0,3,3,4,4,0 tổ không tăng",
    ] {
        assert!(text.contains(&format!("\n{line}\n")), "{line} in {text}");
    }
    let xlsx = reqwest::get(format!("{base}/v1/wards/31001/groups.xlsx?date=2026-03-10"))
        .await
        .expect("an answer");
    assert_eq!(xlsx.status(), 200);
    let form = xlsx_form(xlsx.bytes().await.expect("bytes").to_vec(), "Bao_cao");
    assert_eq!(form.table[0][0], "Tổ dân phố / thôn");
    let last = form.table.last().expect("a totals row");
    assert_eq!((last[0].as_str(), last[6].as_str()), ("Tổng cộng", "4"));
    assert_eq!(form.below.len(), 4, "{:?}", form.below);

    for (path, status, field) in [
        ("/v1/wards/31999/groups", 404, "ward"),
        ("/v1/wards/3100/groups", 400, "ward"),
        ("/v1/wards/31001/groups.csv?date=10/03/2026", 400, "date"),
    ] {
        let (got, error) = projector.get(path).await;
        assert_eq!(
            (got, error["error"]["field"].as_str()),
            (status, Some(field)),
            "{path}"
        );
    }
}
