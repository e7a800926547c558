//! The 3-node cluster of `docker/nats/` on loopback: who may write what on NATS, and the stream's
//! leader killed while the gateway ingests.

mod common;

use std::time::Duration;

use common::{Events, OPENED, out};
use ehb_e2e::{NatsCluster, Projector};
use ehb_eventlog::{Outgoing, Publisher, StreamSettings, ensure_stream};

/// The cluster's stream settings: three replicas.
fn replicated() -> StreamSettings {
    StreamSettings {
        replicas: 3,
        ..StreamSettings::default()
    }
}

/// A publisher connected as `user`, whose publishes fail when not acknowledged in five seconds
/// (a refused publish is never acknowledged).
async fn publisher_as(cluster: &NatsCluster, user: &str) -> Publisher {
    let client = ehb_eventlog::connect_now(&cluster.url(user), "ehb-e2e")
        .await
        .unwrap_or_else(|e| panic!("{user} connects: {e}"));
    Publisher::with_ack_timeout(client, 64, Duration::from_secs(5))
}

/// Waits until the stream has a leader and every replica is current, as a new stream of three
/// replicas on a busy machine may take a moment to have.
async fn wait_stream_ready(js: &async_nats::jetstream::Context) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let ready = match js.get_stream("EHB_EVENTS").await {
            Ok(mut stream) => stream.info().await.is_ok_and(|info| {
                info.cluster.as_ref().is_some_and(|c| {
                    c.leader.is_some()
                        && c.replicas.len() == 2
                        && c.replicas.iter().all(|r| r.current)
                })
            }),
            Err(_) => false,
        };
        if ready {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the stream has no leader with current replicas after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether `user` may publish `message`: its acknowledgement arrives.
async fn may_publish(cluster: &NatsCluster, user: &str, message: Outgoing) -> bool {
    publisher_as(cluster, user)
        .await
        .publish(message)
        .await
        .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_source_publishes_only_its_own_types_and_readers_publish_nothing() {
    let cluster = NatsCluster::start();
    let gateway = publisher_as(&cluster, "gateway").await;
    let info = ensure_stream(gateway.context(), &replicated())
        .await
        .expect("the gateway's user sets up the stream");
    assert_eq!(info.config.num_replicas, 3);
    wait_stream_ready(gateway.context()).await;

    let mut e = Events::new();
    let at = "2026-03-10T09:00:00+07:00";
    let baseline = out(&[e.baseline(OPENED, "31001", 1000, 400, 2)]).remove(0);
    let account = out(&[e.account(at, "31001", 1)]).remove(0);
    let card = out(&[e.integrated(at, "31001", 1, "HS")]).remove(0);
    let team = out(&[e.team(at, "31001", "A")]).remove(0);

    // Each upstream system its own types, and no other.
    assert!(may_publish(&cluster, "ward-office", baseline.clone()).await);
    assert!(may_publish(&cluster, "police", account.clone()).await);
    assert!(may_publish(&cluster, "vss", card.clone()).await);
    assert!(may_publish(&cluster, "ward-office", team.clone()).await);
    let foreign = |m: &Outgoing| Outgoing {
        id: uuid::Uuid::now_v7().to_string(),
        ..m.clone()
    };
    // The police supply integrations too: the same citizen's card, reported by both sources.
    assert!(may_publish(&cluster, "police", foreign(&card)).await);
    let mut other = Events::new();
    let reader_event = out(&[other.account(at, "31002", 9)]).remove(0);
    let refused = [
        ("police", foreign(&baseline)),
        ("vss", foreign(&account)),
        ("health", foreign(&baseline)),
        ("ward-office", foreign(&account)),
        // The readers publish nothing.
        ("projector", reader_event.clone()),
        ("audit", reader_event),
    ];
    let answers = futures::future::join_all(
        refused
            .iter()
            .map(|(user, message)| may_publish(&cluster, user, message.clone())),
    )
    .await;
    for ((user, message), allowed) in refused.iter().zip(answers) {
        assert!(!allowed, "{user} published {}", message.subject);
    }
    // Nor can they change the stream.
    for reader in ["projector", "audit"] {
        let js = publisher_as(&cluster, reader).await;
        let one_replica = ehb_eventlog::stream_config(&StreamSettings::default());
        assert!(
            js.context().update_stream(one_replica).await.is_err(),
            "{reader} changed the stream"
        );
    }
    let stream = gateway
        .context()
        .get_stream("EHB_EVENTS")
        .await
        .expect("the stream");
    assert_eq!(stream.cached_info().state.messages, 5);
    assert_eq!(stream.cached_info().config.num_replicas, 3);

    // A projector reading as `projector` folds exactly what was allowed in.
    let dir = tempfile::tempdir().expect("a folder");
    let projector = Projector::start_with(
        &cluster.url("projector"),
        &dir.path().join("store"),
        &["--stream-replicas", "3"],
    )
    .await;
    projector.wait_applied(5, Duration::from_secs(60)).await;
    let (_, daily) = projector.get("/v1/wards/31001/daily?date=2026-03-10").await;
    assert_eq!(daily["accounts"]["cumulative"], 1);
    // Counted once, whichever source reported it.
    assert_eq!(daily["integrated"]["cumulative"], 1);
    assert_eq!(daily["duplicates_absorbed"], 1);
    assert_eq!(daily["groups"]["with_team"], 1);
    let (_, status) = projector.get("/v1/status").await;
    assert_eq!(status["events_applied"], 5);
    assert_eq!(status["rejects"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_streams_leader_while_the_gateway_ingests_loses_and_doubles_nothing() {
    use futures::StreamExt;

    let mut cluster = NatsCluster::start();
    let dir = tempfile::tempdir().expect("a folder");
    let (keys, gateway) = ehb_e2e::Gateway::start_ready(
        &cluster.url("gateway"),
        dir.path(),
        &["--stream-replicas", "3"],
    )
    .await;
    let projector = Projector::start_with(
        &cluster.url("projector"),
        &dir.path().join("store"),
        &["--stream-replicas", "3"],
    )
    .await;
    let scenario = ehb_simulator::Scenario::small(2026, 20, 430_000, 20).clean();
    let generated = ehb_simulator::generate(&scenario);
    let total = generated.messages.len() as u64;
    assert!(total >= 200_000, "{total} events");

    // Batches of up to 1,000 consecutive events, one per source key.
    let batches = keys.batches(&generated.outgoing(), 1000);
    let http = reqwest::Client::new();
    let url = format!("{}/v1/events", gateway.base);
    let ingest = futures::stream::iter(batches)
        .map(move |(key, lines)| {
            let (http, url) = (http.clone(), url.clone());
            async move { ehb_e2e::gateway::post_until_acknowledged(&http, &url, &key, lines).await }
        })
        .buffer_unordered(4)
        .fold(ehb_e2e::gateway::Posted::default(), |sum, p| async move {
            sum.and(p)
        });
    let ingest = tokio::spawn(ingest);

    // Once a third is stored, the node leading the stream is killed.
    let admin = publisher_as(&cluster, "gateway").await;
    let killed = loop {
        if let Ok(stream) = admin.context().get_stream("EHB_EVENTS").await {
            let info = stream.cached_info();
            if info.state.messages >= total / 3 {
                let leader = info
                    .cluster
                    .as_ref()
                    .and_then(|c| c.leader.clone())
                    .expect("the stream has a leader");
                let node = cluster.index_of(&leader).expect("a node of the cluster");
                cluster.kill9(node);
                break node;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let posted = ingest.await.expect("the ingest ran");
    println!(
        "killed nats-{} (the stream's leader); {} accepted, {} recognised as duplicates on retry, {} retries",
        killed + 1,
        posted.accepted,
        posted.duplicates,
        posted.retries
    );

    // Every event acknowledged, each exactly once in the stream.
    assert_eq!(posted.accepted + posted.duplicates, total);
    let stream = admin
        .context()
        .get_stream("EHB_EVENTS")
        .await
        .expect("the stream");
    assert_eq!(stream.cached_info().state.messages, total);
    assert_eq!(stream.cached_info().state.last_sequence, total);
    // The projection is exact.
    let status = projector
        .wait_applied(total, Duration::from_secs(120))
        .await;
    assert_eq!(status["events_applied"], total);
    assert_eq!(status["rejects"], 0);
    let after = scenario.start.plus(scenario.days as i32 + 2);
    ehb_e2e::assert_wards_match_truth(&projector, &generated.truth.wards, after).await;
    // The gateway and the projector asked only what their NATS users may.
    assert_eq!(cluster.violations(), Vec::<String>::new());
    let log = std::fs::read_to_string(dir.path().join("store.log")).unwrap_or_default();
    for line in log
        .lines()
        .filter(|l| l.contains("StreamConsumer") || l.contains("disconnected"))
    {
        println!("projector: {line}");
    }
    // The killed node comes back and catches up.
    cluster.restart(killed);
    assert!(
        cluster.wait_messages_on(killed, total, Duration::from_secs(60)),
        "nats-{} holds {:?} messages, not {total}",
        killed + 1,
        cluster.messages_on(killed)
    );
}
