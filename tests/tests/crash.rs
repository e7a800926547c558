//! SIGKILL the projector 20 times at random points while 500,000 events stream in; after each
//! restart it resumes from its committed position, and in the end every number is exact.

use std::time::Duration;

use ehb_e2e::{NatsServer, Projector, assert_wards_match_truth, publisher};
use ehb_simulator::{Scenario, generate};
use rand::{Rng, SeedableRng};

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
        assert!(
            applied >= *resumed_at.last().unwrap_or(&0),
            "resumed {resumed_at:?} then {resumed}"
        );
        assert_eq!(
            resumed["events_applied"].as_u64(),
            Some(applied),
            "state and position agree: {resumed}"
        );
        resumed_at.push(applied);
    }
    let published = publishing.await.expect("publisher");
    assert_eq!(published.stored, truth.stored);
    let status = projector
        .wait_applied(published.last_seq, Duration::from_secs(300))
        .await;
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    let mid_stream = seen
        .iter()
        .filter(|s| **s > 0 && **s < published.last_seq)
        .count();
    println!(
        "{} events, 20 kills; committed at each kill: {seen:?}",
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
