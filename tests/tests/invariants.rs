//! The invariants of DESIGN.md §3 against real processes: duplicates counted once, rejects kept
//! with their reasons and nothing else moved, the store rebuilt from the stream alone.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::{Events, OPENED, out};
use ehb_e2e::{Projector, Stack};
use ehb_eventlog::Outgoing;
use ehb_simulator::{Scenario, generate};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_event_twice_and_the_same_citizen_twice_count_once() {
    let stack = Stack::start().await;
    let (projector, publisher) = (&stack.projector, &stack.publisher);
    let mut e = Events::new();
    let baseline = e.baseline(OPENED, "31001", 1000, 500, 1);
    let first = e.integrated("2026-03-10T09:00:00+07:00", "31001", 42, "HS");
    // The same citizen's integration reported by another system under another id.
    let again = e.integrated("2026-03-10T11:00:00+07:00", "31001", 42, "HS");
    let other = e.integrated("2026-03-10T11:00:00+07:00", "31001", 43, "HS");
    let done = publisher
        .publish_all(out(&[baseline, first.clone(), again, other]))
        .await
        .expect("published");
    assert_eq!((done.stored, done.duplicates), (4, 0));
    // A retry with the same id inside the window: the stream absorbs it.
    let retry = publisher
        .publish_all(out(std::slice::from_ref(&first)))
        .await
        .expect("published");
    assert_eq!((retry.stored, retry.duplicates), (0, 1));
    // A re-publication the stream cannot recognise (as after the window): stored, counted once.
    let mut late_copy = Outgoing::event(&first);
    late_copy.id = "0192d1c6-8c5e-7000-8000-ffffffffffff".into();
    let stored_again = publisher.publish_all([late_copy]).await.expect("published");
    assert_eq!(stored_again.stored, 1);
    projector
        .wait_applied(stored_again.last_seq, Duration::from_secs(30))
        .await;

    let (_, daily) = projector.get("/v1/wards/31001/daily?date=2026-03-10").await;
    assert_eq!(daily["integrated"]["new"], 2);
    assert_eq!(daily["integrated"]["cumulative"], 2);
    assert_eq!(daily["duplicates_absorbed"], 2);
    let (_, status) = projector.get("/v1/status").await;
    assert_eq!(
        (
            status["events_applied"].clone(),
            status["duplicates"].clone()
        ),
        (json!(5), json!(2))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_unknown_events_are_kept_with_reasons_and_nothing_else_moves() {
    let mut stack = Stack::start().await;
    let (store_path, publisher) = (stack.store.clone(), stack.publisher.clone());
    let projector = &mut stack.projector;
    let mut e = Events::new();
    let good = vec![
        e.baseline(OPENED, "31001", 1000, 500, 1),
        e.integrated("2026-03-10T09:00:00+07:00", "31001", 1, "HS"),
        e.account("2026-03-10T09:00:00+07:00", "31001", 1),
    ];
    let done = publisher.publish_all(out(&good)).await.expect("published");
    projector
        .wait_applied(done.last_seq, Duration::from_secs(30))
        .await;
    let paths = [
        "/v1/wards/31001/daily?date=2026-03-10",
        "/v1/provinces/31/summary?date=2026-03-10",
        "/v1/review?date=2026-03-10",
    ];
    let mut before = Vec::new();
    for p in paths {
        before.push(projector.get(p).await.1);
    }

    let raw_id = "079012345678";
    let template = String::from_utf8(e.account("2026-03-10T10:00:00+07:00", "31001", 2).to_json())
        .expect("utf8");
    let subject = "ehb.v1.31.31001.account_activated".to_owned();
    let bad = |id: &str, subject: &str, payload: String| Outgoing {
        subject: subject.to_owned(),
        id: id.to_owned(),
        payload: Bytes::from(payload),
    };
    let rejects = vec![
        bad("r1", &subject, "{\"id\": \"not even json".into()),
        bad(
            "r2",
            "ehb.v1.31.31001.account_revoked",
            template.replace("account.activated", "account.revoked"),
        ),
        bad(
            "r3",
            &subject,
            template.replace("00000000000000000000000000000002", raw_id),
        ),
        bad("r4", "ehb.v1.31.31002.account_activated", template.clone()),
        bad("r5", &subject, template.replace("\"v\":1", "\"v\":9")),
    ];
    let done = publisher.publish_all(rejects).await.expect("published");
    assert_eq!(done.stored, 5);
    projector
        .wait_applied(done.last_seq, Duration::from_secs(30))
        .await;

    let (_, page) = projector.get("/v1/rejects").await;
    let listed: Vec<(u64, String, String)> = page["rejects"]
        .as_array()
        .expect("rejects")
        .iter()
        .map(|r| {
            (
                r["seq"].as_u64().unwrap_or(0),
                r["kind"].as_str().unwrap_or("").into(),
                r["field"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            (4, "malformed".into(), "".into()),
            (5, "unknown_type".into(), "type".into()),
            (6, "invalid_field".into(), "data.citizen_ref".into()),
            (7, "subject_mismatch".into(), "ward".into()),
            (8, "unsupported_version".into(), "v".into()),
        ]
    );
    assert_eq!(page["total"], 5);
    assert!(
        page["rejects"]
            .as_array()
            .expect("rejects")
            .iter()
            .all(|r| r["reason"].as_str().is_some_and(|s| !s.is_empty()))
    );
    let (_, second) = projector.get("/v1/rejects?cursor=6&limit=1").await;
    assert_eq!(second["rejects"][0]["seq"], 7);
    assert_eq!(second["next_cursor"], 7);
    for (p, b) in paths.iter().zip(before) {
        assert_eq!(projector.get(p).await.1, b, "{p} moved");
    }
    let (_, status) = projector.get("/v1/status").await;
    assert_eq!(
        (status["events_applied"].clone(), status["rejects"].clone()),
        (json!(8), json!(5))
    );

    // The raw identifier is nowhere in the store, nor in what the API says.
    assert!(
        projector.terminate(),
        "the projector stops cleanly on SIGTERM"
    );
    assert!(!page.to_string().contains(raw_id));
    assert_eq!(
        files_containing(&store_path, raw_id.as_bytes()),
        Vec::<String>::new()
    );
}

fn files_containing(dir: &std::path::Path, needle: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path)
                && bytes.windows(needle.len()).any(|w| w == needle)
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

/// What a projector answered for a generated campaign before it was stopped.
struct Folded {
    generated: ehb_simulator::Generated,
    last_seq: u64,
    digest: String,
    review: serde_json::Value,
}

/// Publishes the campaign of `scenario`, waits until the stack's projector folded it, notes its
/// digest and the review of `review_path`, and stops the projector with SIGTERM.
async fn fold_and_stop(stack: &mut Stack, scenario: &Scenario, review_path: &str) -> Folded {
    let generated = generate(scenario);
    let done = stack
        .publisher
        .publish_all(generated.messages.iter().map(|m| m.message.clone()))
        .await
        .expect("published");
    let projector = &mut stack.projector;
    projector
        .wait_applied(done.last_seq, Duration::from_secs(60))
        .await;
    let digest = projector.digest().await;
    let review = projector.get(review_path).await.1;
    assert!(projector.terminate());
    Folded {
        generated,
        last_seq: done.last_seq,
        digest,
        review,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_the_store_rebuilds_the_same_numbers_from_the_stream() {
    let mut stack = Stack::start().await;
    let scenario = Scenario::small(11, 6, 30_000, 12);
    let Folded {
        generated,
        last_seq,
        digest,
        review,
    } = fold_and_stop(&mut stack, &scenario, "/v1/review?date=2026-03-12").await;
    let (nats, store_path) = (&stack.nats, stack.store.clone());

    std::fs::remove_dir_all(&store_path).expect("the store is deleted");
    let rebuilt = Projector::start(&nats.url(), &store_path).await;
    rebuilt
        .wait_applied(last_seq, Duration::from_secs(60))
        .await;
    assert_eq!(rebuilt.digest().await, digest);
    assert_eq!(rebuilt.get("/v1/review?date=2026-03-12").await.1, review);
    let (_, status) = rebuilt.get("/v1/status").await;
    assert_eq!(status["rejects"], generated.truth.malformed);
    assert_eq!(status["duplicates"], generated.truth.duplicates);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_or_foreign_store_is_moved_aside_and_rebuilt_from_the_stream() {
    let mut stack = Stack::start().await;
    let scenario = Scenario::small(12, 5, 25_000, 10);
    let Folded {
        last_seq,
        digest,
        review,
        ..
    } = fold_and_stop(&mut stack, &scenario, "/v1/review").await;
    let (nats, store_path) = (&stack.nats, stack.store.clone());

    // Every file of the store overwritten with bytes sled never wrote.
    let mut damaged = 0;
    for entry in std::fs::read_dir(&store_path).expect("the store's files") {
        let file = entry.expect("an entry").path();
        if file.is_file() {
            std::fs::write(&file, vec![0xA5u8; 4096]).expect("overwritten");
            damaged += 1;
        }
    }
    assert!(damaged >= 2, "{damaged} files");
    let rebuilt = Projector::start(&nats.url(), &store_path).await;
    rebuilt
        .wait_applied(last_seq, Duration::from_secs(60))
        .await;
    assert_eq!(rebuilt.digest().await, digest);
    assert_eq!(rebuilt.get("/v1/review").await.1, review);
    // The damaged store is kept beside, byte for byte, and the log says so.
    let aside = store_path.with_file_name("store.set-aside-1");
    assert_eq!(
        std::fs::read(aside.join("db")).expect("the damaged store kept"),
        vec![0xA5u8; 4096]
    );
    let log = std::fs::read_to_string(store_path.with_extension("log")).expect("the log");
    assert_eq!(log.matches("StoreSetAside").count(), 1, "{log}");
    drop(rebuilt);

    // A store built under other rules (another daily deadline) is moved aside too.
    let other =
        Projector::start_with(&nats.url(), &store_path, &["--daily-report-by-hour", "9"]).await;
    other.wait_applied(last_seq, Duration::from_secs(60)).await;
    assert!(
        store_path
            .with_file_name("store.set-aside-2")
            .join("db")
            .exists()
    );
    let log = std::fs::read_to_string(store_path.with_extension("log")).expect("the log");
    assert_eq!(log.matches("StoreSetAside").count(), 2, "{log}");
    let (_, status) = other.get("/v1/status").await;
    assert_eq!(status["applied_seq"], last_seq);
}
