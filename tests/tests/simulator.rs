//! The simulator as the local run uses it: a second run continues from its recorded progress
//! instead of publishing the campaign again.

use std::process::Command;

use ehb_e2e::{NatsServer, assert_wards_match_truth, binary, publisher, stream_messages};
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
    stream_messages(publisher(url).await.context()).await
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_the_gateway_the_projection_equals_the_simulators_truth() {
    let stack = ehb_e2e::Stack::start().await;
    let (keys, gateway) =
        ehb_e2e::Gateway::start_ready(&stack.nats.url(), stack.dir.path(), &[]).await;
    let keys_file = stack.dir.path().join("keys.txt");
    std::fs::write(
        &keys_file,
        format!(
            "c06 {}\nvss {}\nward-office {}\nhealth {}\n",
            keys.c06, keys.vss, keys.ward, keys.health
        ),
    )
    .expect("written");
    let scenario = Scenario::small(2026, 4, 20_000, 5);
    let truth = generate(&scenario).truth;
    let output = Command::new(binary("ehb-simulator"))
        .args(["--gateway-url", &gateway.base, "--gateway-keys"])
        .arg(&keys_file)
        .args(ARGS)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .output()
        .expect("the simulator runs");
    let log = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{log}");
    assert!(
        log.contains(&format!("rejected={}", truth.malformed)),
        "the gateway refuses exactly the deliberately broken events: {log}"
    );

    // The broken events never reach the stream; everything else is folded exactly.
    let stored = truth.stored - truth.malformed;
    let status = stack
        .projector
        .wait_applied(stored, std::time::Duration::from_secs(60))
        .await;
    assert_eq!(status["events_applied"], stored);
    assert_eq!(status["rejects"], 0);
    assert_eq!(status["duplicates"], truth.duplicates);
    let after = scenario.start.plus(scenario.days as i32 + 2);
    assert_wards_match_truth(&stack.projector, &truth.wards, after).await;
}
