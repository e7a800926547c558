//! A bounded soak on the 3-node cluster: steady load through the gateway while the projector and
//! one NATS node at a time are killed (SIGKILL) and restarted at random. It prints the events
//! acknowledged and projected, how many were lost and doubled (both must be 0), and the lag from
//! acknowledgement to visible in the projector's queries (p50/p99).
//!
//! `EHB_SOAK_SECS` sets how long the load runs: 60 s by default (the test command's run), any
//! length by hand, e.g. `EHB_SOAK_SECS=1800 cargo test -p ehb-e2e --test soak -- --nocapture`;
//! `EHB_SOAK_SEED` chooses another schedule of kills (by default the length in seconds).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ehb_e2e::gateway::{Posted, post_until_acknowledged};
use ehb_e2e::{Gateway, NatsCluster, Projector, assert_wards_match_truth, compare, percentile};
use ehb_simulator::{Scenario, generate};
use futures::StreamExt;
use rand::{Rng, SeedableRng};

/// Acknowledged batches not yet visible: their highest sequence and when they were acknowledged.
type Pending = Arc<Mutex<Vec<(u64, Instant)>>>;

/// Follows the projector (at the address in `base`, which changes when it is restarted) and
/// turns acknowledged batches into lags once its queries include them, until `done`.
async fn watch_lag(
    base: tokio::sync::watch::Receiver<String>,
    pending: Pending,
    done: tokio_util::sync::CancellationToken,
) -> Vec<Duration> {
    let http = reqwest::Client::new();
    let mut lags = Vec::new();
    while !done.is_cancelled() {
        let url = format!("{}/v1/status", base.borrow().clone());
        let applied = match http.get(&url).send().await {
            Ok(answer) => answer
                .json::<serde_json::Value>()
                .await
                .ok()
                .and_then(|s| s["applied_seq"].as_u64()),
            Err(_) => None,
        };
        if let Some(applied) = applied {
            let now = Instant::now();
            pending
                .lock()
                .expect("the pending list")
                .retain(|(seq, at)| {
                    let visible = *seq <= applied;
                    if visible {
                        lags.push(now - *at);
                    }
                    !visible
                });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    lags
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_kills_of_the_projector_and_of_nats_nodes_nothing_is_lost_or_doubled() {
    let secs: u64 = std::env::var("EHB_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let mut cluster = NatsCluster::start();
    let dir = tempfile::tempdir().expect("a folder");
    let (keys, gateway) = Gateway::start_ready(
        &cluster.url("gateway"),
        dir.path(),
        &["--stream-replicas", "3"],
    )
    .await;
    let store = dir.path().join("store");
    let start_projector = {
        let (url, store) = (cluster.url("projector"), store.clone());
        move || {
            let (url, store) = (url.clone(), store.clone());
            async move { Projector::start_with(&url, &store, &["--stream-replicas", "3"]).await }
        }
    };
    let mut projector = start_projector().await;
    let (base_tx, base_rx) = tokio::sync::watch::channel(projector.base.clone());

    // A clean campaign large enough for the soak at about 4,000 events a second.
    let residents = 430_000 * secs.div_ceil(60).max(1);
    let scenario = Scenario::small(2027, 20, residents, 20).clean();
    let generated = generate(&scenario);
    let batches = keys.batches(&generated.outgoing(), 500);

    let pending: Pending = Arc::default();
    let stop_at = Instant::now() + Duration::from_secs(secs);
    let load = {
        let (pending, url) = (pending.clone(), format!("{}/v1/events", gateway.base));
        let http = reqwest::Client::new();
        tokio::spawn(
            futures::stream::iter(batches)
                .take_while(move |_| std::future::ready(Instant::now() < stop_at))
                .map(move |(key, lines)| {
                    let (http, url, pending) = (http.clone(), url.clone(), pending.clone());
                    async move {
                        let posted = post_until_acknowledged(&http, &url, &key, lines).await;
                        pending
                            .lock()
                            .expect("the pending list")
                            .push((posted.last_seq, Instant::now()));
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        posted
                    }
                })
                .buffer_unordered(2)
                .fold(Posted::default(), |sum, p| async move { sum.and(p) }),
        )
    };
    let done = tokio_util::sync::CancellationToken::new();
    let lag = tokio::spawn(watch_lag(base_rx, pending.clone(), done.clone()));

    // Chaos until the load ends: every 2–6 s, kill the projector or one NATS node.
    // `EHB_SOAK_SEED` replays another schedule of kills.
    let seed: u64 = std::env::var("EHB_SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(secs);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (mut projector_kills, mut node_kills) = (0, 0);
    while !load.is_finished() {
        tokio::time::sleep(Duration::from_millis(rng.random_range(2000..6000))).await;
        if load.is_finished() {
            break;
        }
        // Either at random, but neither kind more than two kills ahead of the other.
        let kill_projector = if projector_kills + 2 <= node_kills {
            true
        } else if node_kills + 2 <= projector_kills {
            false
        } else {
            rng.random_bool(0.5)
        };
        if kill_projector {
            projector.kill9();
            projector = start_projector().await;
            base_tx.send_replace(projector.base.clone());
            projector_kills += 1;
        } else {
            let node = rng.random_range(0..3);
            cluster.kill9(node);
            tokio::time::sleep(Duration::from_millis(rng.random_range(500..3000))).await;
            cluster.restart(node);
            node_kills += 1;
        }
    }
    let posted = load.await.expect("the load ran");
    let acknowledged = posted.accepted + posted.duplicates;

    let admin = ehb_eventlog::connect_now(&cluster.url("gateway"), "ehb-e2e")
        .await
        .expect("connects");
    let stream = async_nats::jetstream::new(admin)
        .get_stream("EHB_EVENTS")
        .await
        .expect("the stream");
    let stored = stream.cached_info().state.messages;
    let status = projector
        .wait_applied(
            stream.cached_info().state.last_sequence,
            Duration::from_secs(180),
        )
        .await;
    done.cancel();
    let mut lags = lag.await.expect("the lag watcher");
    lags.sort();
    let projected = status["events_applied"].as_u64().unwrap_or(0);
    let lost = acknowledged.saturating_sub(stored);
    let doubled = stored.saturating_sub(acknowledged);
    println!(
        "soak {secs} s (kills seeded {seed}): {acknowledged} events acknowledged ({} accepted at once, {} on retry as duplicates, {} requests retried), {stored} in the stream, {projected} projected; lost {lost}, doubled {doubled}; projector killed {projector_kills} times, a NATS node {node_kills} times; lag acknowledged → visible p50 {} ms, p99 {} ms over {} batches",
        posted.accepted,
        posted.duplicates,
        posted.retries,
        percentile(&lags, 0.50).as_millis(),
        percentile(&lags, 0.99).as_millis(),
        lags.len()
    );
    // How often the projector's reading guards acted, from its log over every run.
    let log = std::fs::read_to_string(store.with_extension("log")).unwrap_or_default();
    let acted: Vec<String> = [
        "StreamConsumerLost",
        "StreamConsumerStalled",
        "StreamConsumerBehind",
        "StreamGapFilled",
        "StreamReadFailed",
    ]
    .iter()
    .map(|name| format!("{name} {}", log.matches(name).count()))
    .collect();
    println!("projector's log: {}", acted.join(", "));
    assert_eq!(lost, 0);
    assert_eq!(doubled, 0);
    assert_eq!(projected, acknowledged);
    // A kill every 2–6 s plus the restart: at least one per 12 s of load, and each kind.
    assert!(
        projector_kills + node_kills >= (secs / 12).max(2) && projector_kills > 0 && node_kills > 0,
        "too few kills: {projector_kills} of the projector, {node_kills} of a node"
    );

    // The gateway and the projector asked only what their NATS users may.
    assert_eq!(cluster.violations(), Vec::<String>::new());
    // Every node, the killed ones restarted, holds every message.
    for node in 0..3 {
        assert!(
            cluster.wait_messages_on(node, stored, Duration::from_secs(60)),
            "nats-{} holds {:?} messages of {stored}",
            node + 1,
            cluster.messages_on(node)
        );
    }
    // When the whole campaign was posted, every ward's figures are the generator's.
    let whole = acknowledged == generated.messages.len() as u64;
    if whole {
        let after = scenario.start.plus(scenario.days as i32 + 2);
        assert_wards_match_truth(&projector, &generated.truth.wards, after).await;
    }
    // A projector that was never killed, over the same stream, agrees to the byte.
    let digest = projector.digest().await;
    let mut fresh = Projector::start_with(
        &cluster.url("projector"),
        &dir.path().join("fresh"),
        &["--stream-replicas", "3"],
    )
    .await;
    let fresh_status = fresh
        .wait_applied(
            stream.cached_info().state.last_sequence,
            Duration::from_secs(180),
        )
        .await;
    assert_eq!(fresh_status["events_applied"], stored);
    if whole {
        let after = scenario.start.plus(scenario.days as i32 + 2);
        assert_wards_match_truth(&fresh, &generated.truth.wards, after).await;
    }
    let fresh_digest = fresh.digest().await;
    if fresh_digest != digest {
        // Name what differs before failing: both stores, their projectors stopped.
        projector.terminate();
        fresh.terminate();
        let found = compare::store_differences(&store, &dir.path().join("fresh"), 40);
        panic!(
            "the projector killed {projector_kills} times differs from a fresh one ({digest} | {fresh_digest}):\n{}",
            found.join("\n")
        );
    }
}
