//! The simulator as the local run uses it: a second run continues from its recorded progress
//! instead of publishing the campaign again.

use std::process::Command;

use ehb_e2e::{NatsServer, binary};
use ehb_simulator::{Scenario, generate};

const ARGS: [&str; 8] = [
    "--speed",
    "0",
    "--wards",
    "4",
    "--residents",
    "20000",
    "--days",
    "5",
];

fn run_simulator(url: &str, progress: &std::path::Path) -> String {
    let output = Command::new(binary("ehb-simulator"))
        .args(["--nats-url", url, "--progress"])
        .arg(progress)
        .args(ARGS)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .output()
        .expect("the simulator runs");
    assert!(output.status.success(), "{output:?}");
    // The log goes to standard output.
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn stored(url: &str) -> u64 {
    let client = async_nats::connect(url).await.expect("connects");
    let js = async_nats::jetstream::new(client);
    let mut stream = js
        .get_stream(ehb_proto::subject::STREAM_NAME)
        .await
        .expect("the stream");
    stream.info().await.expect("info").state.messages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_continues_instead_of_publishing_again() {
    let nats = NatsServer::start();
    let dir = tempfile::tempdir().expect("a folder");
    let progress = dir.path().join("simulator.progress");
    let truth = generate(&Scenario::small(2026, 4, 20_000, 5)).truth;

    let first = run_simulator(&nats.url(), &progress);
    assert!(first.contains("CampaignPublished"), "{first}");
    assert!(!first.contains("CampaignContinues"), "{first}");
    assert_eq!(stored(&nats.url()).await, truth.stored);

    let second = run_simulator(&nats.url(), &progress);
    assert!(second.contains("CampaignContinues"), "{second}");
    assert!(second.contains("stored=0 duplicates=0"), "{second}");
    assert_eq!(stored(&nats.url()).await, truth.stored);

    // Without its progress file, the same campaign is published again: only the de-duplication
    // window keeps the stream from growing, which the progress file does not depend on.
    std::fs::remove_file(&progress).expect("removed");
    let third = run_simulator(&nats.url(), &progress);
    assert!(!third.contains("CampaignContinues"), "{third}");
    assert_eq!(stored(&nats.url()).await, truth.stored);
}
