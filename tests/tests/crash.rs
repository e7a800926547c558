//! SIGKILL the projector 20 times at random points while 500,000 events stream in; after each
//! restart it resumes from its committed position, and in the end every number is exact.

mod common;

use std::time::Duration;

use ehb_e2e::{NatsServer, Projector, assert_wards_match_truth, publisher};
use ehb_simulator::{Scenario, generate};
use rand::{Rng, SeedableRng};

/// The positions the projector logging to `log` loaded its store at, start after start.
fn loaded_positions(log: &std::path::Path) -> Vec<u64> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .filter(|line| line.contains("ProjectionLoaded"))
        .filter_map(|line| {
            let plain = ehb_e2e::without_colours(line);
            let digits: String = plain
                .split("applied_seq=")
                .nth(1)?
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_points_the_projector_still_counts_exactly() {
    let nats = NatsServer::start();
    let store = tempfile::tempdir().expect("tempdir");
    let store_path = store.path().join("store");
    let scenario = Scenario::small(2026, 30, 1_050_000, 20);
    let generated = generate(&scenario);
    let truth = generated.truth.clone();
    assert!(
        generated.messages.len() >= 500_000,
        "{} messages",
        generated.messages.len()
    );

    let publisher = publisher(&nats.url()).await;
    let messages: Vec<_> = generated
        .messages
        .iter()
        .map(|m| m.message.clone())
        .collect();
    let publishing = tokio::spawn(async move {
        let mut total = ehb_eventlog::Published::default();
        // In slices, so that the stream keeps growing while the projector is killed and restarted.
        for chunk in messages.chunks(10_000) {
            let done = publisher
                .publish_all(chunk.iter().cloned())
                .await
                .expect("published");
            total.stored += done.stored;
            total.duplicates += done.duplicates;
            total.last_seq = total.last_seq.max(done.last_seq);
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        total
    });

    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut projector = Projector::start(&nats.url(), &store_path).await;
    let mut seen = Vec::new();
    let mut resumed_at = vec![0];
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(rng.random_range(100..700))).await;
        let (_, status) = projector.get("/v1/status").await;
        seen.push(status["committed_seq"].as_u64().unwrap_or(0));
        projector.kill9();
        projector = Projector::start(&nats.url(), &store_path).await;
        let (_, resumed) = projector.get("/v1/status").await;
        let applied = resumed["applied_seq"].as_u64().unwrap_or(0);
        // It resumes from a position its store holds: never before where the previous run started.
        // (Where a run started is what it loaded, as its log says; by the time its status is
        // asked it may already have folded more, which a kill can lose before it is written.)
        let loaded = *loaded_positions(&store_path.with_extension("log"))
            .last()
            .expect("the projector logged what it loaded");
        assert!(
            loaded >= *resumed_at.last().unwrap_or(&0),
            "loaded {resumed_at:?} then {loaded}"
        );
        assert_eq!(
            resumed["events_applied"].as_u64(),
            Some(applied),
            "state and position agree: {resumed}"
        );
        resumed_at.push(loaded);
    }
    let published = publishing.await.expect("publisher");
    assert_eq!(published.stored, truth.stored);
    let status = projector
        .wait_applied(published.last_seq, Duration::from_secs(300))
        .await;
    // Each run, when it was killed, stood at or past where it had started. (What one run had
    // committed may be more than the next one loads: sled writes a commit out within its flush
    // interval, and a kill loses what it had not written; the stream refolds it.)
    assert!(
        seen.iter()
            .zip(&resumed_at)
            .all(|(at_kill, loaded)| at_kill >= loaded),
        "committed at each kill {seen:?}, loaded at each start {resumed_at:?}"
    );
    let mid_stream = seen
        .iter()
        .filter(|s| **s > 0 && **s < published.last_seq)
        .count();
    println!(
        "{} events, 20 kills; committed at each kill: {seen:?}; loaded at each start: {resumed_at:?}",
        published.stored
    );
    assert!(mid_stream >= 10, "kills that fell mid-stream: {seen:?}");

    assert_eq!(status["events_applied"], truth.stored);
    assert_eq!(status["rejects"], truth.malformed);
    assert_eq!(status["duplicates"], truth.duplicates);
    let after = scenario.start.plus(scenario.days as i32 + 2);
    assert_wards_match_truth(&projector, &truth.wards, after).await;
    for (ward, expected) in &truth.wards {
        let (_, series) = projector
            .get(&format!(
                "/v1/wards/{ward}/series?from={}&to={}",
                scenario.start,
                scenario.start.plus(scenario.days as i32 - 1)
            ))
            .await;
        let per_day: Vec<u64> = series["days"]
            .as_array()
            .expect("days")
            .iter()
            .map(|d| d["integrated_new"].as_u64().unwrap_or(0))
            .collect();
        assert_eq!(
            per_day,
            expected
                .integrated_by_day
                .values()
                .copied()
                .collect::<Vec<_>>(),
            "{ward}"
        );
    }
    let digest = projector.digest().await;
    assert!(projector.terminate());

    // A projector that never crashed, over the same stream, agrees to the byte.
    let fresh_store = tempfile::tempdir().expect("tempdir");
    let fresh = Projector::start(&nats.url(), &fresh_store.path().join("store")).await;
    fresh
        .wait_applied(published.last_seq, Duration::from_secs(300))
        .await;
    assert_eq!(fresh.digest().await, digest);
}

/// An account activation in ward 31001 with id and citizen `n`.
fn account(n: u128) -> ehb_eventlog::Outgoing {
    let mut event = common::Events::new().account("2026-03-10T08:00:00+07:00", "31001", n);
    event.id = ehb_proto::Uuid::from_u128(n);
    ehb_eventlog::Outgoing::event(&event)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_the_server_loses_is_reopened_and_nothing_is_missed() {
    let stack = ehb_e2e::Stack::start().await;
    let first = stack.publisher.publish(account(1)).await.expect("stored");
    stack
        .projector
        .wait_applied(first.sequence, Duration::from_secs(30))
        .await;
    // The server loses the projector's consumer (as with a node that held it).
    let stream = stack
        .publisher
        .context()
        .get_stream("EHB_EVENTS")
        .await
        .expect("the stream");
    let names: Vec<String> = futures::TryStreamExt::try_collect(stream.consumer_names())
        .await
        .expect("the consumers");
    assert_eq!(names.len(), 1, "{names:?}");
    stream.delete_consumer(&names[0]).await.expect("deleted");
    let second = stack.publisher.publish(account(2)).await.expect("stored");
    let status = stack
        .projector
        .wait_applied(second.sequence, Duration::from_secs(60))
        .await;
    assert_eq!(status["events_applied"], 2);
    let (_, daily) = stack
        .projector
        .get("/v1/wards/31001/daily?date=2026-03-10")
        .await;
    assert_eq!(daily["accounts"]["cumulative"], 2);
}

/// Starts the crash child over `store`; returns it once it has loaded the store and says where
/// it folds from.
fn start_child(store: &std::path::Path) -> (std::process::Child, String) {
    use std::io::BufRead as _;
    let mut child = std::process::Command::new(ehb_e2e::binary("ehb-store-crash-child"))
        .arg(store)
        .args(["11", "200000", "100"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the crash child starts");
    let mut first = String::new();
    let stdout = child.stdout.take().expect("its output");
    let mut reader = std::io::BufReader::new(stdout);
    while !first.starts_with("folding") {
        first.clear();
        if reader.read_line(&mut first).unwrap_or(0) == 0 {
            break;
        }
    }
    // Keep draining its output so that it never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut rest = String::new();
        while reader.read_line(&mut rest).unwrap_or(0) > 0 {}
    });
    (child, first)
}

#[test]
fn killed_while_it_commits_the_store_always_reloads_as_exactly_a_fold_of_a_prefix() {
    use ehb_projection::{Projection, ReportDeadlines};

    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let messages = generate(&Scenario::small(11, 12, 200_000, 20)).messages;
    let mut straight = Projection::new(ReportDeadlines::default());
    let mut folded = 0usize;
    let mut rng = rand::rngs::StdRng::seed_from_u64(17);
    let mut positions = Vec::new();
    for kill in 0..=40 {
        let (mut child, said) = start_child(&store);
        assert!(said.starts_with("folding from"), "the child said {said:?}");
        // The child holds the store open: what it loaded is read back after it is gone.
        if kill < 40 {
            std::thread::sleep(Duration::from_millis(rng.random_range(1..80)));
            let _ = child.kill();
        }
        let status = child.wait().expect("the child ends");
        assert!(
            kill < 40 || status.success(),
            "the last run completes: {status}"
        );
        let loaded = ehb_store::Store::open(&store)
            .and_then(|s| s.load(ReportDeadlines::default()))
            .expect("the store loads after a kill");
        let at = loaded.position().seq as usize;
        assert!(at >= folded, "the store went back from {folded} to {at}");
        for (i, m) in messages.iter().enumerate().take(at).skip(folded) {
            straight.apply(i as u64 + 1, None, &m.message.subject, &m.message.payload);
        }
        folded = at;
        positions.push(at);
        if loaded.digest() != straight.digest() {
            panic!(
                "after kill {kill} the store at position {at} is not the fold of the first {at} messages:\n{}",
                ehb_e2e::compare::differences(&loaded, &straight, 40).join("\n")
            );
        }
    }
    println!("positions after each kill: {positions:?}");
    assert_eq!(folded, messages.len());
}
