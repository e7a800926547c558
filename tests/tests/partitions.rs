//! Two projectors, each owning one province (`--province`), behind the query front answer
//! every national, province and ward query exactly as one projector over the whole stream.

use std::ffi::OsString;
use std::time::Duration;

mod common;

use ehb_e2e::{NatsServer, Projector, Service, publisher};
use ehb_simulator::Scenario;
use serde_json::Value;

/// A GET: status and body bytes.
async fn get(base: &str, path: &str) -> (u16, Vec<u8>) {
    let response = reqwest::get(format!("{base}{path}"))
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    (status, response.bytes().await.expect("a body").to_vec())
}

/// The same question to both: the same status and the same JSON (or bytes).
async fn same(front: &str, whole: &str, path: &str) -> Value {
    let (a, body_a) = get(front, path).await;
    let (b, body_b) = get(whole, path).await;
    assert_eq!(a, b, "{path}");
    match (
        serde_json::from_slice::<Value>(&body_a),
        serde_json::from_slice::<Value>(&body_b),
    ) {
        (Ok(x), Ok(y)) => {
            assert_eq!(x, y, "{path}");
            x
        }
        _ => {
            assert!(body_a == body_b, "{path}: the bytes differ");
            Value::Null
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_partitions_behind_the_front_answer_as_one_projector() {
    let nats = NatsServer::start();
    let dir = tempfile::tempdir().expect("a folder");
    let (p31, p01) = common::two_provinces(
        Scenario::small(41, 6, 40_000, 12),
        Scenario::small(42, 3, 20_000, 10),
    );
    let publisher = publisher(&nats.url()).await;
    // And seven messages that cannot be folded, four of province 31 and three of province 01.
    let broken: Vec<ehb_eventlog::Outgoing> = (0..7)
        .map(|i| ehb_eventlog::Outgoing {
            subject: if i % 2 == 0 {
                "ehb.v1.31.31001.card_integrated".to_owned()
            } else {
                "ehb.v1.01.01001.team_formed".to_owned()
            },
            id: format!("broken-{i}"),
            payload: bytes::Bytes::from_static(b"{\"broken"),
        })
        .collect();
    let messages = p31
        .messages
        .iter()
        .chain(&p01.messages)
        .map(|m| m.message.clone())
        .chain(broken);
    let done = publisher.publish_all(messages).await.expect("published");
    assert_eq!(
        done.stored as usize,
        p31.messages.len() + p01.messages.len() + 7
    );

    let whole = Projector::start(&nats.url(), &dir.path().join("whole")).await;
    let a = Projector::start_with(&nats.url(), &dir.path().join("a"), &["--province", "31"]).await;
    let b = Projector::start_with(&nats.url(), &dir.path().join("b"), &["--province", "01"]).await;
    whole
        .wait_applied(done.last_seq, Duration::from_secs(60))
        .await;
    a.wait_events(p31.messages.len() + 4).await;
    b.wait_events(p01.messages.len() + 3).await;
    let front = Service::start_without_nats(
        "ehb-front",
        &[
            OsString::from("--partition"),
            OsString::from(format!("{},{}", a.base, b.base)),
        ],
        &dir.path().join("front.log"),
    )
    .await;
    let (front, whole_base) = (front.base.clone(), whole.base.clone());
    // Any other method, on a path of its own or one it forwards: 405 naming the method.
    for path in ["/v1/review", "/v1/wards/31001/daily"] {
        let answer = reqwest::Client::new()
            .post(format!("{front}{path}"))
            .send()
            .await
            .expect("an answer");
        assert_eq!(answer.status().as_u16(), 405, "{path}");
        assert_eq!(answer.headers()["allow"], "GET,HEAD", "{path}");
        let body: Value = answer.json().await.expect("a JSON body");
        assert_eq!(body["error"]["field"], "method", "{path}");
    }

    // The national review: the latest day, and earlier days where one province has no data.
    let review = same(&front, &whole_base, "/v1/review").await;
    assert_eq!(review["provinces"].as_array().map(Vec::len), Some(2));
    let first = Scenario::small(41, 6, 40_000, 12).start;
    for offset in [-1, 0, 3, 9, 11, 13] {
        let day = first.plus(offset);
        same(&front, &whole_base, &format!("/v1/review?date={day}")).await;
        same(
            &front,
            &whole_base,
            &format!("/v1/review?date={day}&average=weighted&rate=insured"),
        )
        .await;
        for province in ["31", "01"] {
            same(
                &front,
                &whole_base,
                &format!("/v1/review?province={province}&date={day}"),
            )
            .await;
            same(
                &front,
                &whole_base,
                &format!("/v1/provinces/{province}/summary?date={day}"),
            )
            .await;
        }
    }
    for province in ["31", "01"] {
        same(
            &front,
            &whole_base,
            &format!("/v1/provinces/{province}/summary"),
        )
        .await;
        same(
            &front,
            &whole_base,
            &format!("/v1/provinces/{province}/series"),
        )
        .await;
        same(
            &front,
            &whole_base,
            &format!("/v1/review.csv?province={province}"),
        )
        .await;
    }
    // Every ward, on its last day and on a day of the campaign.
    let wards: Vec<String> = p31
        .truth
        .wards
        .keys()
        .chain(p01.truth.wards.keys())
        .map(ToString::to_string)
        .collect();
    assert_eq!(wards.len(), 9);
    for ward in &wards {
        let daily = same(&front, &whole_base, &format!("/v1/wards/{ward}/daily")).await;
        assert_eq!(daily["ward"], ward.as_str());
        same(
            &front,
            &whole_base,
            &format!("/v1/wards/{ward}/daily?date={}", first.plus(4)),
        )
        .await;
        same(&front, &whole_base, &format!("/v1/wards/{ward}/series")).await;
    }
    // What nobody knows is 404 through the front as well; a bad parameter is 400.
    same(&front, &whole_base, "/v1/wards/99999/daily").await;
    same(&front, &whole_base, "/v1/provinces/02/summary").await;
    same(&front, &whole_base, "/v1/review?date=tomorrow").await;
    // The national report table refuses a locale given twice as one projector does.
    let twice = same(&front, &whole_base, "/v1/review.csv?locale=vi&locale=xx").await;
    assert_eq!(twice["error"]["field"], "locale");

    // The dashboard through the front: its page and scripts as one projector serves them (the
    // national page then reads the national review and report files checked here).
    for path in [
        "/",
        "/ui/app.js",
        "/ui/tables.js",
        "/ui/core.js",
        "/ui/views.js",
        "/ui/charts.js",
        "/ui/i18n.js",
        "/ui/app.css",
        "/ui/vendor/chart.umd.min.js",
    ] {
        let (code, _) = get(&front, path).await;
        assert_eq!(code, 200, "{path}");
        same(&front, &whole_base, path).await;
    }
    // The rejects, page by page, in stream order across the partitions.
    let first_page = same(&front, &whole_base, "/v1/rejects").await;
    let total = first_page["total"].as_u64().expect("a total");
    assert_eq!(total, 7);
    assert_eq!(
        first_page["rejects"].as_array().map(Vec::len),
        Some(total as usize)
    );
    let mut cursor = 0;
    let mut seen = 0;
    loop {
        let page = same(
            &front,
            &whole_base,
            &format!("/v1/rejects?limit=4&cursor={cursor}"),
        )
        .await;
        seen += page["rejects"].as_array().map_or(0, Vec::len);
        match page["next_cursor"].as_u64() {
            Some(next) => cursor = next,
            None => break,
        }
    }
    assert_eq!(seen as u64, total);
    same(&front, &whole_base, "/v1/rejects?limit=0").await;
    // The front's status adds the partitions up.
    let (_, status) = get(&front, "/v1/status").await;
    let status: Value = serde_json::from_slice(&status).expect("JSON");
    let (_, whole_status) = whole.get("/v1/status").await;
    assert_eq!(status["events_applied"], whole_status["events_applied"]);
    assert_eq!(status["partitions"].as_array().map(Vec::len), Some(2));
    // The national report table: the same CSV bytes, the same workbook cells.
    for query in ["", &format!("?date={}", first.plus(9))] {
        same(&front, &whole_base, &format!("/v1/review.csv{query}")).await;
        let (code, from_front) = get(&front, &format!("/v1/review.xlsx{query}")).await;
        let (_, from_whole) = get(&whole_base, &format!("/v1/review.xlsx{query}")).await;
        assert_eq!(code, 200);
        let cells = ehb_e2e::xlsx_cells(from_front.clone(), "Bao_cao");
        assert_eq!(cells, ehb_e2e::xlsx_cells(from_whole, "Bao_cao"));
        // Under the nation's heading: the headers, the 9 wards and the totals.
        let form = ehb_e2e::xlsx_form(from_front, "Bao_cao");
        assert_eq!(form.heading[0], "TOÀN QUỐC");
        assert_eq!(form.table.len(), 1 + 9 + 1, "{query}");
        assert_eq!(form.table[0][0], "Tỉnh");
        assert!(form.table[10][3].starts_with("9 "), "{:?}", form.table[10]);
    }
    // The national digest, joined from the partitions' per-province parts, is the one
    // projector's (which the audit's replay of the stream gives: tests/audit.rs).
    let (code, joined) = get(&front, "/v1/digest").await;
    assert_eq!(code, 200);
    let joined: Value = serde_json::from_slice(&joined).expect("JSON");
    let (_, one) = whole.get("/v1/digest").await;
    assert_eq!(joined["digest"], one["digest"]);
    assert_eq!(joined["parts"], one["parts"]);
    assert_eq!(
        joined["parts"]["provinces"].as_object().map(|m| m.len()),
        Some(2)
    );
    let (_, part) = a.get("/v1/digest").await;
    assert_ne!(part["digest"], one["digest"]);
    drop((a, b, whole));

    // With officials: the partitions check the token, and the front answers as one projector.
    let ward01 = p01.truth.wards.keys().next().expect("a ward").to_string();
    let ward_scope = format!("ward:{ward01}");
    let access = ehb_e2e::officials_file(
        dir.path(),
        &[("province:31", "t-province-31"), (&ward_scope, "t-ward-01")],
    );
    let access = access.to_str().expect("UTF-8");
    let whole = Projector::start_with(
        &nats.url(),
        &dir.path().join("whole"),
        &["--access", access],
    )
    .await;
    let a = Projector::start_with(
        &nats.url(),
        &dir.path().join("a"),
        &["--province", "31", "--access", access],
    )
    .await;
    let b = Projector::start_with(
        &nats.url(),
        &dir.path().join("b"),
        &["--province", "01", "--access", access],
    )
    .await;
    let front_scoped = Service::start_without_nats(
        "ehb-front",
        &[
            OsString::from("--partition"),
            OsString::from(format!("{},{}", a.base, b.base)),
        ],
        &dir.path().join("front-scoped.log"),
    )
    .await;
    let ask = |base: String, path: String, token: &'static str| async move {
        let response = reqwest::Client::new()
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send()
            .await
            .expect("an answer");
        let status = response.status().as_u16();
        (
            status,
            response.json::<Value>().await.unwrap_or(Value::Null),
        )
    };
    let ward_path = format!("/v1/wards/{ward01}/daily");
    for (path, token) in [
        ("/v1/review", "t-province-31"),
        ("/v1/review?province=01", "t-province-31"),
        ("/v1/provinces/31/summary", "t-province-31"),
        ("/v1/provinces/01/summary", "t-province-31"),
        ("/v1/whoami", "t-province-31"),
        ("/v1/review", "t-ward-01"),
        ("/v1/whoami", "t-ward-01"),
        (ward_path.as_str(), "t-ward-01"),
        ("/v1/review", "t-unknown"),
    ] {
        let through = ask(front_scoped.base.clone(), path.to_owned(), token).await;
        let direct = ask(whole.base.clone(), path.to_owned(), token).await;
        assert_eq!(through, direct, "{token} {path}");
    }
    let (status, whoami) = ask(front_scoped.base.clone(), "/v1/whoami".into(), "t-ward-01").await;
    assert_eq!((status, whoami["province"].as_str()), (200, Some("01")));
}
