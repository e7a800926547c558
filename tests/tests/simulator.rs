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
    "10",
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
    // The log goes to standard error.
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn stored(url: &str) -> u64 {
    stream_messages(publisher(url).await.context()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_continues_instead_of_publishing_again() {
    let nats = NatsServer::start();
    let dir = tempfile::tempdir().expect("a folder");
    let progress = dir.path().join("simulator.progress");
    let truth = generate(&Scenario::small(2026, 4, 20_000, 10)).truth;

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
    let keys_file = keys.write_keys_file(stack.dir.path());
    let scenario = Scenario::small(2026, 4, 20_000, 10);
    let truth = generate(&scenario).truth;
    let output = Command::new(binary("ehb-simulator"))
        .args(["--gateway-url", &gateway.base, "--gateway-keys"])
        .arg(&keys_file)
        .args(ARGS)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .output()
        .expect("the simulator runs");
    let log = String::from_utf8_lossy(&output.stderr);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_mode_sends_every_event_and_waits_until_the_projector_shows_it() {
    let stack = ehb_e2e::Stack::start().await;
    let (keys, gateway) =
        ehb_e2e::Gateway::start_ready(&stack.nats.url(), stack.dir.path(), &[]).await;
    let keys_file = keys.write_keys_file(stack.dir.path());
    let load = |via: &str, seed: &str| {
        let output = Command::new(binary("ehb-simulator"))
            .args([
                "--nats-url",
                &stack.nats.url(),
                "--gateway-url",
                &gateway.base,
            ])
            .arg("--gateway-keys")
            .arg(&keys_file)
            .args(["load", "--projector-url", &stack.projector.base])
            .args([
                "--events", "20000", "--slice", "2000", "--via", via, "--seed", seed,
            ])
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1")
            .output()
            .expect("the simulator runs");
        let report = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "{output:?}");
        report
    };

    let expect = |report: &str, counts: &str, applied: u64| {
        assert!(
            report.contains(&format!("acknowledged: {counts}, 0 rejected")),
            "{report}"
        );
        assert!(
            report.contains(&format!("the projector applied {applied} more events")),
            "{report}"
        );
    };
    let over_nats = load("nats", "7");
    expect(&over_nats, "20000 stored, 0 duplicates", 20_000);
    assert!(over_nats.contains("(10 slices)"), "{over_nats}");
    expect(&load("gateway", "8"), "20000 stored, 0 duplicates", 20_000);
    // The same seed again: every event is already in the stream.
    expect(&load("nats", "7"), "0 stored, 20000 duplicates", 0);

    assert_eq!(stream_messages(stack.publisher.context()).await, 40_000);
    let (_, status) = stack.projector.get("/v1/status").await;
    assert_eq!(status["events_applied"], 40_000);
    assert_eq!(status["rejects"], 0);
}
