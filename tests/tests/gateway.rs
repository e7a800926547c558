//! The gateway end to end against a real nats-server and projector: per-event fates, exact
//! projection numbers, retries counted once, an outage mid-batch, and no raw identifier kept.

use std::time::Duration;

use ehb_e2e::gateway::citizen_ref;
use ehb_e2e::{Gateway, Stack, folder_contains, stream_messages};
use serde_json::{Value, json};

const DAY: &str = "2026-03-10T09:00:00+07:00";

fn event(kind: &str, ward: &str, source: &str, data: Value) -> Value {
    json!({"id": uuid::Uuid::now_v7().to_string(), "type": kind, "v": 1, "occurred_at": DAY,
        "province": &ward[..2], "ward": ward, "source": source, "data": data})
}

/// A raw personal identification number for test citizen `n` (synthetic, province code 031).
fn raw_id(n: u32) -> String {
    format!("031{:09}", 200_000_000 + n)
}

/// Activations in ward 31117 of test citizens 0..n, from raw identifiers.
fn activations(n: u32) -> Vec<Value> {
    (0..n)
        .map(|n| {
            event(
                "account.activated",
                "31117",
                "c06",
                json!({"citizen_id": raw_id(n)}),
            )
        })
        .collect()
}

/// A raw 15-character card number for test citizen `n`.
fn raw_card(n: u32) -> String {
    format!("HS431{:010}", 7_700_000_000u64 + u64::from(n))
}

fn statuses(answer: &Value) -> Vec<(u64, String, Option<u64>, Option<String>)> {
    answer["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap_or(0),
                r["status"].as_str().unwrap_or("").to_owned(),
                r["code"].as_u64(),
                r["error"]["field"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn fate(
    line: u64,
    status: &str,
    code: Option<u64>,
    field: Option<&str>,
) -> (u64, String, Option<u64>, Option<String>) {
    (line, status.to_owned(), code, field.map(str::to_owned))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_batches_get_exact_fates_and_exact_projection_without_raw_identifiers() {
    let stack = Stack::start().await;
    let (keys, gateway) = Gateway::start_ready(&stack.nats.url(), stack.dir.path(), &[]).await;

    // Ward offices: two baselines, a team, a team without its group, a type they may not publish.
    let baseline = |ward: &str| {
        event(
            "ward.baseline",
            ward,
            "ward-office",
            json!({"residents": 1000, "insured": 600,
            "level2_accounts": 100, "groups": 4, "facilities": 2, "target": 500}),
        )
    };
    let mut team = event("team.formed", "31117", "ward-office", json!({"members": 6}));
    team["group"] = json!("31117-TDP01");
    let answer = gateway
        .post_batch(
            &keys.ward,
            &[
                baseline("31117"),
                baseline("31120"),
                team,
                event("team.formed", "31117", "ward-office", json!({})),
                event(
                    "card.integrated",
                    "31117",
                    "ward-office",
                    json!({"citizen_id": raw_id(0)}),
                ),
            ],
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(
        statuses(&answer.body),
        vec![
            fate(1, "accepted", None, None),
            fate(2, "accepted", None, None),
            fate(3, "accepted", None, None),
            fate(4, "rejected", Some(422), Some("group")),
            fate(5, "rejected", Some(403), Some("type")),
        ]
    );

    // Police: 40 + 10 activations from raw identifiers, three bad lines, an unregistered ward.
    let mut lines: Vec<String> = Vec::new();
    for n in 0..50 {
        let ward = if n < 40 { "31117" } else { "31120" };
        lines.push(
            event(
                "account.activated",
                ward,
                "c06",
                json!({"citizen_id": raw_id(n)}),
            )
            .to_string(),
        );
    }
    lines.push(String::new()); // a blank line is skipped, its number kept
    lines.push(
        event(
            "account.activated",
            "31117",
            "c06",
            json!({"citizen_id": "03120000001"}),
        )
        .to_string(),
    );
    lines.push("{\"id\": ".to_owned());
    lines.push(
        event(
            "account.activated",
            "31117",
            "vss",
            json!({"citizen_id": raw_id(60)}),
        )
        .to_string(),
    );
    lines.push(
        event(
            "account.activated",
            "31999",
            "c06",
            json!({"citizen_id": raw_id(61)}),
        )
        .to_string(),
    );
    let answer = gateway
        .post(
            Some(&keys.c06),
            Some("application/x-ndjson"),
            lines.join("\n").into_bytes(),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let fates = statuses(&answer.body);
    assert_eq!(fates.len(), 54);
    assert!(
        fates[..50]
            .iter()
            .enumerate()
            .all(|(i, f)| *f == fate(i as u64 + 1, "accepted", None, None))
    );
    assert_eq!(
        fates[50..].to_vec(),
        vec![
            fate(52, "rejected", Some(422), Some("data.citizen_id")),
            fate(53, "rejected", Some(400), Some("")),
            fate(54, "rejected", Some(403), Some("source")),
            fate(55, "accepted", None, None),
        ]
    );
    assert_eq!(
        answer.body["results"][53]["flags"],
        json!(["unregistered_ward"])
    );
    assert_eq!(answer.body["results"][0].get("flags"), None);
    assert_eq!(
        (
            &answer.body["accepted"],
            &answer.body["rejected"],
            &answer.body["duplicates"],
            &answer.body["unavailable"]
        ),
        (&json!(51), &json!(3), &json!(0), &json!(0))
    );

    // Social security: 25 cards of 15 characters, 5 of 10 digits, the same citizen integrated
    // again under a new id (one fact), and three bad lines.
    let mut cards = Vec::new();
    for n in 0..30 {
        let card = if n < 25 {
            raw_card(n)
        } else {
            format!("{:010}", 5_500_000_000u64 + u64::from(n))
        };
        cards.push(event(
            "card.integrated",
            "31117",
            "vss",
            json!({"citizen_id": raw_id(n), "card": card}),
        ));
    }
    cards.push(event(
        "card.integrated",
        "31117",
        "vss",
        json!({"citizen_id": raw_id(0), "card": raw_card(0)}),
    ));
    cards.push(event(
        "card.integrated",
        "31117",
        "vss",
        json!({"citizen_id": raw_id(31), "card": "XX4310000000001"}),
    ));
    cards.push(event(
        "card.integrated",
        "31117",
        "vss",
        json!({"citizen_id": raw_id(32), "card": raw_card(32), "beneficiary": "HS"}),
    ));
    cards.push(event(
        "card.integrated",
        "31117",
        "vss",
        json!({"citizen_id": raw_id(33), "citizen_ref": citizen_ref(&raw_id(33))}),
    ));
    let answer = gateway.post_batch(&keys.vss, &cards).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let fates = statuses(&answer.body);
    assert!(fates[..31].iter().all(|f| f.1 == "accepted"), "{fates:?}");
    assert_eq!(
        fates[31..].to_vec(),
        vec![
            fate(32, "rejected", Some(422), Some("data.card")),
            fate(33, "rejected", Some(422), Some("data.card")),
            fate(34, "rejected", Some(422), Some("data.citizen_id")),
        ]
    );
    // A key bound to province 31 may not publish for province 01.
    let outside = event(
        "card.integrated",
        "01001",
        "vss",
        json!({"citizen_id": raw_id(40)}),
    );
    let answer = gateway.post_one(&keys.vss31, &outside).await;
    assert_eq!(
        (answer.status, answer.body["error"]["field"].as_str()),
        (403, Some("province"))
    );

    // The projection: 40 and 10 accounts, 30 distinct integrations (one repeated fact), and the
    // beneficiary codes of the 15-character cards.
    let last = 3 + 51 + 31;
    stack
        .projector
        .wait_applied(last, Duration::from_secs(30))
        .await;
    let (_, daily) = stack
        .projector
        .get("/v1/wards/31117/daily?date=2026-03-10")
        .await;
    assert_eq!(daily["accounts"], json!({"new": 40, "cumulative": 40}));
    assert_eq!(daily["integrated"]["new"], 30);
    assert_eq!(
        daily["integrated"]["by_beneficiary"],
        json!({"HS": 25, "unknown": 5})
    );
    assert_eq!(
        daily["groups"],
        json!({"with_team": 1, "total": 4, "without_team": 3, "team_members": 6})
    );
    let (_, other) = stack
        .projector
        .get("/v1/wards/31120/daily?date=2026-03-10")
        .await;
    assert_eq!(other["accounts"], json!({"new": 10, "cumulative": 10}));
    assert_eq!(other["integrated"]["new"], 0);
    let (_, status) = stack.projector.get("/v1/status").await;
    assert_eq!(
        (status["events_applied"].clone(), status["rejects"].clone()),
        (json!(last), json!(0))
    );

    // Metrics count what the answers said, for a key of national reach only.
    assert_eq!(gateway.get_text("/metrics").await.0, 401);
    assert_eq!(gateway.get_text_as("/metrics", Some("nobody")).await.0, 401);
    let (status, refused) = gateway.get_text_as("/metrics", Some(&keys.vss31)).await;
    assert_eq!(status, 403, "{refused}");
    assert!(refused.contains(r#""field":"authorization""#), "{refused}");
    let (status, metrics) = gateway.get_text_as("/metrics", Some(&keys.vss)).await;
    assert_eq!(status, 200);
    for line in [
        "ehb_gateway_events_accepted_total{type=\"account.activated\"} 51",
        "ehb_gateway_events_accepted_total{type=\"card.integrated\"} 31",
        "ehb_gateway_events_rejected_total{reason=\"forbidden\"} 3",
        "ehb_gateway_events_rejected_total{reason=\"invalid_field\"} 4",
    ] {
        assert!(metrics.contains(line), "missing {line} in\n{metrics}");
    }

    // No raw identifier anywhere: not in the stream's files, the store, or either log.
    let mut gateway = gateway;
    assert!(gateway.terminate(), "the gateway stops cleanly on SIGTERM");
    let mut places = vec![
        stack.nats.store_dir(),
        stack.store.clone(),
        gateway.log.clone(),
    ];
    places.push(stack.store.with_extension("log"));
    let mut raw: Vec<String> = (0..62).map(raw_id).collect();
    raw.extend((0..33).map(|n| raw_card(n)[5..].to_owned()));
    raw.extend((25..30).map(|n| format!("{:010}", 5_500_000_000u64 + n)));
    for place in &places {
        assert!(place.exists(), "{} exists", place.display());
        for value in &raw {
            let found = folder_contains(place, value.as_bytes());
            assert!(found.is_empty(), "a raw identifier is kept in {found:?}");
        }
    }
    // The scan can find what is there: the pseudonyms are in the stream's files.
    assert!(
        !folder_contains(&stack.nats.store_dir(), citizen_ref(&raw_id(0)).as_bytes()).is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_with_the_same_ids_are_counted_once() {
    let stack = Stack::start().await;
    let (keys, gateway) = Gateway::start_ready(&stack.nats.url(), stack.dir.path(), &[]).await;
    let batch = activations(200);
    let first = gateway.post_batch(&keys.c06, &batch).await;
    assert_eq!((first.status, &first.body["accepted"]), (200, &json!(200)));
    let again = gateway.post_batch(&keys.c06, &batch).await;
    assert_eq!(
        (
            again.status,
            &again.body["accepted"],
            &again.body["duplicates"]
        ),
        (200, &json!(0), &json!(200))
    );
    assert_eq!(
        again.body["results"][7]["seq"],
        first.body["results"][7]["seq"]
    );
    let single = gateway.post_one(&keys.c06, &batch[0]).await;
    assert_eq!(
        (single.status, single.body["status"].as_str()),
        (200, Some("duplicate"))
    );
    stack
        .projector
        .wait_applied(200, Duration::from_secs(30))
        .await;
    let (_, status) = stack.projector.get("/v1/status").await;
    assert_eq!(status["events_applied"], 200);
    let (_, daily) = stack
        .projector
        .get("/v1/wards/31117/daily?date=2026-03-10")
        .await;
    assert_eq!(daily["accounts"], json!({"new": 200, "cumulative": 200}));

    // The OpenAPI document describes the ingest path and its key; health answers.
    let (status, text) = gateway.get_text("/openapi.json").await;
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(status, 200);
    let post = &doc["paths"]["/v1/events"]["post"];
    assert!(
        post["requestBody"]["content"]["application/x-ndjson"].is_object(),
        "{post}"
    );
    for code in ["200", "400", "401", "403", "413", "415", "422", "503"] {
        assert!(
            post["responses"][code].is_object(),
            "response {code} documented"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );
    // A single event's answers and a batch's, each documented as what it is.
    for (code, answer, one) in [
        ("200", "EventsAnswer", "Fate"),
        ("503", "NotStoredAnswer", "ErrorBody"),
    ] {
        let schema = &post["responses"][code]["content"]["application/json"]["schema"];
        assert_eq!(
            schema["$ref"],
            format!("#/components/schemas/{answer}"),
            "{code}"
        );
        let shapes: Vec<&str> = doc["components"]["schemas"][answer]["oneOf"]
            .as_array()
            .map(|all| all.iter().filter_map(|s| s["$ref"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(
            shapes,
            [
                format!("#/components/schemas/{one}"),
                "#/components/schemas/BatchAnswer".to_owned()
            ],
            "{code}"
        );
    }
    assert_eq!(gateway.get_text("/healthz").await.0, 200);
    assert_eq!(gateway.get_text("/readyz").await.0, 200);
    // A known path asked with another method: 405 naming the method, with the methods allowed.
    for (method, path, allowed) in [
        (reqwest::Method::GET, "/v1/events", "POST"),
        (reqwest::Method::DELETE, "/metrics", "GET,HEAD"),
    ] {
        let answer = reqwest::Client::new()
            .request(method, format!("{}{path}", gateway.base))
            .send()
            .await
            .expect("an answer");
        assert_eq!(answer.status().as_u16(), 405, "{path}");
        assert_eq!(answer.headers()["allow"], allowed, "{path}");
        let body: Value = answer.json().await.expect("a JSON body");
        assert_eq!(body["error"]["field"], "method", "{path}");
    }
    let (status, schema) = gateway.get_text("/schema/event.v1.json").await;
    assert_eq!((status, schema.as_str()), (200, ehb_proto::ENVELOPE_SCHEMA));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_stopped_mid_batch_answers_503_and_a_retry_completes_exactly() {
    let mut stack = Stack::start().await;
    // One publish in flight makes the batch slow enough to stop the server in its middle.
    let (keys, gateway) = Gateway::start_ready(
        &stack.nats.url(),
        stack.dir.path(),
        &["--in-flight", "1", "--ack-timeout-ms", "1000"],
    )
    .await;
    const N: u32 = 10_000;
    let batch = activations(N);
    let gateway = std::sync::Arc::new(gateway);
    let posting = {
        let (gateway, key, batch) = (gateway.clone(), keys.c06.clone(), batch.clone());
        tokio::spawn(async move { gateway.post_batch(&key, &batch).await })
    };
    let started = std::time::Instant::now();
    loop {
        if stream_messages(stack.publisher.context()).await > 500 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the batch did not start"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    stack.nats.stop();
    let first = posting.await.expect("the request completes");
    assert_eq!(
        first.status,
        503,
        "{}",
        &first.text[..first.text.len().min(400)]
    );
    assert_eq!(first.retry_after.as_deref(), Some("2"));
    let accepted = first.body["accepted"].as_u64().expect("a count");
    let unavailable = first.body["unavailable"].as_u64().expect("a count");
    assert!(
        accepted >= 500 && unavailable >= 1,
        "{accepted} accepted, {unavailable} unavailable"
    );
    assert_eq!(accepted + unavailable, u64::from(N));
    let results = first.body["results"].as_array().expect("results");
    let not_stored = results
        .iter()
        .find(|r| r["status"] == "unavailable")
        .expect("one");
    assert_eq!(not_stored["code"], 503);

    // While the server is down, nothing is acknowledged.
    let down = gateway.post_one(&keys.c06, &batch[0]).await;
    assert_eq!((down.status, down.retry_after.as_deref()), (503, Some("2")));

    stack.nats.restart();
    gateway.wait_ready(Duration::from_secs(30)).await;
    let retry = gateway.post_batch(&keys.c06, &batch).await;
    assert_eq!(
        retry.status,
        200,
        "{}",
        &retry.text[..retry.text.len().min(400)]
    );
    let again_accepted = retry.body["accepted"].as_u64().expect("a count");
    let duplicates = retry.body["duplicates"].as_u64().expect("a count");
    assert_eq!(again_accepted + duplicates, u64::from(N));
    assert!(
        duplicates >= accepted,
        "everything acknowledged before is a duplicate now"
    );

    // Nothing lost, nothing doubled: the stream holds each event once, the projection counts each.
    stack
        .projector
        .wait_applied(u64::from(N), Duration::from_secs(60))
        .await;
    assert_eq!(
        stream_messages(stack.publisher.context()).await,
        u64::from(N)
    );
    let (_, daily) = stack
        .projector
        .get("/v1/wards/31117/daily?date=2026-03-10")
        .await;
    assert_eq!(daily["accounts"], json!({"new": N, "cumulative": N}));
}
