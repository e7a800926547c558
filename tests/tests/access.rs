//! Officials' tokens against a real projector: no token or an unknown one gets 401, a token sees
//! only its scope in the API and the exports (403 outside it), and an open deployment (no access
//! file) stays open.

mod common;

use std::time::Duration;

use common::{Events, OPENED, out};
use ehb_e2e::{NatsServer, Projector, publisher};

const NATIONAL: &str = "t-national-0f3c";
const PROVINCE_31: &str = "t-province-31-9ab2";
const WARD_31001: &str = "t-ward-31001-77e1";

fn access_file(dir: &std::path::Path) -> std::path::PathBuf {
    let entry = |name: &str, scope: &str, token: &str| {
        let hash = hex::encode(ehb_runtime::secret_sha256(token));
        format!(
            "[[official]]\nname = \"{name}\"\nscope = \"{scope}\"\ntoken_sha256 = \"{hash}\"\n\n"
        )
    };
    let path = dir.join("officials.toml");
    let text = [
        entry("Bộ Y tế", "national", NATIONAL),
        entry("Sở Y tế 31", "province:31", PROVINCE_31),
        entry("UBND phường 31001", "ward:31001", WARD_31001),
    ]
    .concat();
    std::fs::write(&path, text).expect("written");
    path
}

/// GET with an optional token: status, error field (for errors) and the JSON (or nothing).
async fn get(base: &str, path: &str, token: Option<&str>) -> (u16, String, serde_json::Value) {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or(serde_json::Value::Null);
    let field = body["error"]["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (status, field, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_token_sees_its_scope_and_nothing_else() {
    let nats = NatsServer::start();
    let dir = tempfile::tempdir().expect("a folder");
    let access = access_file(dir.path());
    let access = access.to_str().expect("a UTF-8 path");
    let projector = Projector::start_with(
        &nats.url(),
        &dir.path().join("store"),
        &["--access", access],
    )
    .await;
    let mut e = Events::new();
    let mut events = vec![
        e.baseline(OPENED, "31001", 1000, 400, 2),
        e.baseline(OPENED, "31002", 2000, 900, 2),
        e.baseline(OPENED, "01001", 3000, 1500, 2),
    ];
    for (i, ward) in ["31001", "31002", "01001"].iter().enumerate() {
        events.push(e.integrated("2026-03-10T09:00:00+07:00", ward, i as u128, "HS"));
    }
    // The harness waits with a national token: the status is national totals.
    let projector = projector.with_token(NATIONAL);
    let done = publisher(&nats.url())
        .await
        .publish_all(out(&events))
        .await
        .expect("published");
    projector
        .wait_applied(done.last_seq, Duration::from_secs(30))
        .await;
    let base = &projector.base;

    // No token, or an unknown one: 401 naming the authorization, with a Bearer challenge.
    for path in [
        "/v1/review",
        "/v1/wards/31001/daily",
        "/v1/review.xlsx",
        "/v1/provinces/31/summary.csv",
        // A bad value is not named to a stranger: the token is asked for first.
        "/v1/review.csv?locale=xx",
        "/v1/wards/31001/groups.csv?locale=xx",
        "/v1/provinces/31/series",
        "/v1/whoami",
        "/v1/status",
        "/metrics",
    ] {
        assert_eq!(get(base, path, None).await.0, 401, "{path}");
        let (status, field, _) = get(base, path, Some("t-unknown")).await;
        assert_eq!((status, field.as_str()), (401, "authorization"), "{path}");
    }
    let challenge = reqwest::get(format!("{base}/v1/review"))
        .await
        .expect("an answer");
    assert_eq!(challenge.headers()["www-authenticate"], "Bearer");
    // The days a page can show, in each token's scope: baselines on the 1st, facts on the 10th.
    let days = serde_json::json!({"province": "31", "today": null, "figures_as_of": null, "first": "2026-03-01",
        "latest": "2026-03-10", "complete": "2026-03-10"});
    for (token, path) in [
        (WARD_31001, "/v1/days"),
        (WARD_31001, "/v1/days?ward=31001"),
        (PROVINCE_31, "/v1/days"),
        (NATIONAL, "/v1/days?province=31"),
    ] {
        let (status, _, mut answer) = get(base, path, Some(token)).await;
        assert_eq!(status, 200, "{path}");
        answer["today"] = serde_json::Value::Null;
        // When the stream recorded the last event the figures include.
        assert!(
            answer["figures_as_of"]
                .as_str()
                .is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok()),
            "{answer}"
        );
        answer["figures_as_of"] = serde_json::Value::Null;
        assert_eq!(answer, days, "{path}");
    }
    let (_, _, nation) = get(base, "/v1/days", Some(NATIONAL)).await;
    assert_eq!(nation["province"], serde_json::Value::Null);
    for (token, path, status, field) in [
        (PROVINCE_31, "/v1/days?province=01", 403, "province"),
        (WARD_31001, "/v1/days?ward=31002", 403, "ward"),
        (NATIONAL, "/v1/days?ward=31999", 404, "ward"),
        (NATIONAL, "/v1/days?ward=3100", 400, "ward"),
    ] {
        let (got, got_field, _) = get(base, path, Some(token)).await;
        assert_eq!((got, got_field.as_str()), (status, field), "{path}");
    }
    // A known path asked with another method: 405 naming the method, with the methods allowed.
    let answer = reqwest::Client::new()
        .post(format!("{base}/v1/status"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status().as_u16(), 405);
    assert_eq!(answer.headers()["allow"], "GET,HEAD");
    let body: serde_json::Value = answer.json().await.expect("a JSON body");
    assert_eq!(body["error"]["field"], "method");
    // The scheme's name is case-insensitive (RFC 7235), as the gateway reads it.
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let answer = reqwest::Client::new()
            .get(format!("{base}/v1/whoami"))
            .header("authorization", format!("{scheme} {WARD_31001}"))
            .send()
            .await
            .expect("an answer");
        assert_eq!(answer.status().as_u16(), 200, "{scheme}");
        let who: serde_json::Value = answer.json().await.expect("json");
        assert_eq!(who["ward"], "31001", "{scheme}");
    }
    // Liveness and readiness stay open; the status and the metrics are national totals.
    for path in ["/healthz", "/readyz"] {
        let status = reqwest::get(format!("{base}{path}"))
            .await
            .expect("an answer")
            .status();
        assert_eq!(status.as_u16(), 200, "{path}");
    }

    let expect = |token: &'static str, cases: Vec<(&'static str, u16, &'static str)>| async move {
        for (path, status, field) in cases {
            let (got, got_field, _) = get(base, path, Some(token)).await;
            assert_eq!((got, got_field.as_str()), (status, field), "{token} {path}");
        }
    };
    expect(
        WARD_31001,
        vec![
            ("/v1/wards/31001/daily?date=2026-03-10", 200, ""),
            ("/v1/wards/31001/series", 200, ""),
            ("/v1/wards/31002/daily", 403, "ward"),
            ("/v1/wards/31002/series", 403, "ward"),
            ("/v1/wards/01001/series", 403, "ward"),
            // A commune reads where it stands: its own province's lists and files.
            ("/v1/review", 200, ""),
            ("/v1/review?province=31", 200, ""),
            ("/v1/provinces/31/summary", 200, ""),
            ("/v1/review.csv", 200, ""),
            ("/v1/provinces/31/series", 200, ""),
            ("/v1/provinces/31/summary.xlsx", 200, ""),
            // Not another province's, nor the nation's.
            ("/v1/review?province=01", 403, "province"),
            ("/v1/provinces/01/summary", 403, "province"),
            ("/v1/provinces/01/series", 403, "province"),
            ("/v1/review.xlsx?province=01", 403, "province"),
            ("/v1/digest", 403, "authorization"),
            ("/v1/rejects", 403, "authorization"),
            ("/v1/status", 403, "authorization"),
            ("/metrics", 403, "authorization"),
        ],
    )
    .await;
    expect(
        PROVINCE_31,
        vec![
            ("/v1/wards/31002/daily", 200, ""),
            ("/v1/wards/01001/daily", 403, "ward"),
            ("/v1/review?province=01", 403, "province"),
            ("/v1/provinces/31/summary", 200, ""),
            ("/v1/provinces/01/summary", 403, "province"),
            ("/v1/provinces/01/summary.csv", 403, "province"),
            ("/v1/provinces/31/series", 200, ""),
            ("/v1/provinces/01/series", 403, "province"),
            ("/v1/review.xlsx", 200, ""),
            ("/v1/rejects", 403, "authorization"),
        ],
    )
    .await;
    // A province's review defaults to its own province; so does a ward's, with every ward of it.
    for token in [PROVINCE_31, WARD_31001] {
        let (_, _, review) = get(base, "/v1/review", Some(token)).await;
        assert_eq!(ehb_e2e::review_provinces(&review), ["31"]);
        assert_eq!(
            review["provinces"][0]["wards"].as_array().map(Vec::len),
            Some(2)
        );
    }
    // The ward's own answer says where it stands in that list.
    let (_, _, daily) = get(
        base,
        "/v1/wards/31001/daily?date=2026-03-10",
        Some(WARD_31001),
    )
    .await;
    let (_, _, review) = get(base, "/v1/review?date=2026-03-10", Some(WARD_31001)).await;
    let row = review["provinces"][0]["wards"]
        .as_array()
        .and_then(|w| w.iter().find(|w| w["ward"] == "31001"))
        .expect("the ward's row")
        .clone();
    assert_eq!(daily["standing"]["rank"], row["rank"]);
    assert_eq!(daily["standing"]["flags"], row["flags"]);
    assert_eq!(daily["standing"]["ranked"], 2);
    // 1 of 1,000 residents against 31002's 1 of 2,000.
    assert_eq!(daily["standing"]["rank"], 1);
    assert_eq!(
        daily["standing"]["average"],
        review["provinces"][0]["average"]
    );

    expect(
        NATIONAL,
        vec![
            ("/v1/wards/01001/daily", 200, ""),
            ("/v1/provinces/01/summary.xlsx", 200, ""),
            ("/v1/digest", 200, ""),
            ("/v1/rejects", 200, ""),
            ("/v1/status", 200, ""),
        ],
    )
    .await;
    let (_, _, review) = get(base, "/v1/review", Some(NATIONAL)).await;
    assert_eq!(review["provinces"].as_array().map(Vec::len), Some(2));
    // The metrics, for the national token: the projection's state in Prometheus text.
    let metrics = reqwest::Client::new()
        .get(format!("{base}/metrics"))
        .bearer_auth(NATIONAL)
        .send()
        .await
        .expect("an answer")
        .text()
        .await
        .expect("text");
    for line in [
        "# TYPE ehb_messages_applied counter",
        "ehb_messages_applied_total 6",
        "ehb_events_folded_total 6",
        "ehb_lag_messages 0",
        "ehb_wards 3",
        "ehb_citizens 3",
        "# EOF",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in\n{metrics}");
    }
    // No message was rejected: the family has no series.
    assert!(!metrics.contains("ehb_rejects"), "{metrics}");

    // Each token says whose it is, for the dashboard to open the right page.
    for (token, answer) in [
        (
            NATIONAL,
            serde_json::json!({"scope": "national", "province": null, "ward": null, "name": null,
                "signed_in": true}),
        ),
        (
            PROVINCE_31,
            serde_json::json!({"scope": "province", "province": "31", "ward": null,
                "name": "Hải Phòng", "signed_in": true}),
        ),
        (
            WARD_31001,
            serde_json::json!({"scope": "ward", "province": "31", "ward": "31001",
                "name": "Phường 31001", "signed_in": true}),
        ),
    ] {
        let (status, _, body) = get(base, "/v1/whoami", Some(token)).await;
        assert_eq!((status, body), (200, answer), "{token}");
    }
}
