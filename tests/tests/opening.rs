//! Opening balances end to end: a balance published through the stream enters the ward's
//! cumulative figures; a balance reaching counted days, and a fact on a day a balance holds, are
//! kept as rejects that name their field and say why, and nothing else moves.

mod common;

use std::time::Duration;

use common::{Events, OPENED, out};
use ehb_e2e::Stack;
use ehb_proto::{BusinessDay, Opening, Payload};
use serde_json::json;

fn opening(
    e: &mut Events,
    at: &str,
    as_of: &str,
    (accounts, integrated): (u64, u64),
) -> ehb_proto::Event<'static> {
    e.event(
        at,
        "31001",
        Payload::WardOpening(Opening {
            as_of: BusinessDay::parse("as_of", as_of).expect("a day"),
            accounts,
            integrated,
        }),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_balance_counts_and_what_it_would_count_twice_is_kept_as_a_reject() {
    let stack = Stack::start().await;
    let (projector, publisher) = (&stack.projector, &stack.publisher);
    let mut e = Events::new();
    let events = vec![
        e.baseline(OPENED, "31001", 1000, 400, 2),
        e.integrated("2026-03-10T09:00:00+07:00", "31001", 1, "HS"),
        // Reaches 10/3, on which the events already counted an integration: refused.
        opening(
            &mut e,
            "2026-03-11T08:00:00+07:00",
            "2026-03-10",
            (300, 200),
        ),
        // Up to 9/3: counted from that day on.
        opening(&mut e, "2026-03-11T09:00:00+07:00", "2026-03-09", (120, 80)),
        // An integration on 9/3, a day the balance holds: refused.
        e.integrated("2026-03-09T15:00:00+07:00", "31001", 2, "HS"),
        e.integrated("2026-03-11T10:00:00+07:00", "31001", 3, "HS"),
    ];
    let published = publisher
        .publish_all(out(&events))
        .await
        .expect("published");
    assert_eq!(published.stored, 6);
    projector
        .wait_applied(published.last_seq, Duration::from_secs(30))
        .await;

    let (_, page) = projector.get("/v1/rejects").await;
    let listed: Vec<serde_json::Value> = page["rejects"]
        .as_array()
        .expect("rejects")
        .iter()
        .map(|r| json!([r["seq"], r["field"], r["reason"]]))
        .collect();
    assert_eq!(
        listed,
        vec![
            json!([
                3,
                "data.as_of",
                "field `data.as_of` is invalid: ward 31001 already has accounts or integrations counted on 2026-03-10; an opening balance counts only the days before the first one the events count"
            ]),
            json!([
                5,
                "occurred_at",
                "field `occurred_at` is invalid: falls on 2026-03-09, on or before 2026-03-09, the last day ward 31001's opening balance counts: the balance already holds it"
            ]),
        ]
    );
    let (_, daily) = projector.get("/v1/wards/31001/daily?date=2026-03-11").await;
    assert_eq!(
        daily["integrated"],
        json!({"new": 1, "cumulative": 82,
        "by_beneficiary": {"HS": 2}, "by_issuer": {"vss": 2, "army": 0, "police": 0, "unknown": 0}})
    );
    assert_eq!(daily["accounts"], json!({"new": 0, "cumulative": 120}));
    assert_eq!(
        daily["opening"],
        json!({"as_of": "2026-03-09", "accounts": 120, "integrated": 80, "published_at": "2026-03-11T02:00:00Z"})
    );
    let (_, before) = projector.get("/v1/wards/31001/daily?date=2026-03-08").await;
    assert_eq!(before["integrated"]["cumulative"], 0);
    let (_, status) = projector.get("/v1/status").await;
    assert_eq!(
        (&status["rejects"], &status["events_applied"]),
        (&json!(2), &json!(6))
    );
    // The metrics count them by reason, as the status does.
    let kind = status["rejects_by_kind"]
        .as_object()
        .and_then(|kinds| kinds.keys().next().cloned())
        .expect("a kind");
    assert_eq!(
        projector
            .metric(&format!("ehb_rejects_total{{kind=\"{kind}\"}}"))
            .await,
        2
    );
    assert_eq!(projector.metric("ehb_messages_applied_total").await, 6);
}
