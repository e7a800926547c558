//! A projector owning several provinces reads the whole stream and folds only their messages,
//! resumes after a restart where its store stands, and answers for its provinces exactly as a
//! projector over the whole stream.

use std::time::Duration;

mod common;

use ehb_e2e::{NatsServer, Projector, publisher};
use ehb_proto::ProvinceCode;
use ehb_simulator::{Generated, Scenario};
use serde_json::Value;

fn province(code: &str, seed: u64, wards: u32, residents: u64) -> Generated {
    let scenario = Scenario {
        province: ProvinceCode::parse(code).expect("a province"),
        ..Scenario::small(seed, wards, residents, 10)
    };
    ehb_simulator::generate(&scenario.clean())
}

fn messages(g: &Generated) -> impl Iterator<Item = ehb_eventlog::Outgoing> + '_ {
    g.messages.iter().map(|m| m.message.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partition_of_two_provinces_folds_only_theirs() {
    let nats = NatsServer::start();
    let dir = tempfile::tempdir().expect("a folder");
    let (p31, p79, p01, p79_more) = (
        province("31", 51, 4, 30_000),
        province("79", 52, 5, 40_000),
        province("01", 53, 3, 20_000),
        // More events of province 79, published after the restart.
        province("79", 54, 2, 10_000),
    );
    let publisher = publisher(&nats.url()).await;
    // Province 31 and province 79 first; the partition owns 31 and 01.
    let first = publisher
        .publish_all(messages(&p31).chain(messages(&p79)))
        .await
        .expect("published");
    assert_eq!(
        first.stored as usize,
        p31.messages.len() + p79.messages.len()
    );
    let store = dir.path().join("partition");
    let mut partition = Projector::start_with(&nats.url(), &store, &["--province", "31,01"]).await;
    // It read the stream to its end and folded province 31's messages, none of province 79's.
    let status = partition
        .wait_applied(first.last_seq, Duration::from_secs(60))
        .await;
    assert_eq!(
        status["events_applied"].as_u64(),
        Some(p31.messages.len() as u64)
    );
    assert_eq!(
        partition.metric("ehb_batch_messages_total").await,
        first.last_seq
    );
    assert!(partition.terminate(), "the partition stops on SIGTERM");

    // Province 01 and more of province 79 arrive while it is down; restarted on its store, it
    // reads only what came after its position and folds province 01's messages.
    let second = publisher
        .publish_all(messages(&p01).chain(messages(&p79_more)))
        .await
        .expect("published");
    assert_eq!(
        second.stored as usize,
        p01.messages.len() + p79_more.messages.len()
    );
    let partition = Projector::start_with(&nats.url(), &store, &["--province", "31,01"]).await;
    let status = partition
        .wait_applied(second.last_seq, Duration::from_secs(60))
        .await;
    assert_eq!(
        status["events_applied"].as_u64(),
        Some((p31.messages.len() + p01.messages.len()) as u64)
    );
    assert_eq!(
        partition.metric("ehb_batch_messages_total").await,
        second.last_seq - first.last_seq
    );

    // What it answers for its provinces is what a projector over the whole stream answers.
    let whole = Projector::start(&nats.url(), &dir.path().join("whole")).await;
    whole
        .wait_applied(second.last_seq, Duration::from_secs(60))
        .await;
    for path in [
        "/v1/review?province=31",
        "/v1/review?province=01",
        "/v1/provinces/31/summary",
        "/v1/provinces/01/summary",
        "/v1/provinces/31/series",
    ] {
        let (a, body_a) = partition.get(path).await;
        let (b, body_b) = whole.get(path).await;
        assert_eq!(a, 200, "{path}: {body_a}");
        assert_eq!((a, &body_a), (b, &body_b), "{path}");
    }
    let (refused, _) = partition.get("/v1/provinces/79/summary").await;
    assert_eq!(refused, 404);
    let (_, review) = partition.get("/v1/review").await;
    assert_eq!(ehb_e2e::review_provinces(&review), ["01", "31"]);
    // Its digest parts are the whole projector's parts of the same provinces.
    let (_, mine) = partition.get("/v1/digest").await;
    let (_, all) = whole.get("/v1/digest").await;
    for code in ["31", "01"] {
        assert_eq!(
            mine["parts"]["provinces"][code],
            all["parts"]["provinces"][code]
        );
        assert!(mine["parts"]["provinces"][code].is_string(), "{mine}");
    }
    assert_eq!(mine["parts"]["provinces"]["79"], Value::Null);
}
