//! The audit against real processes: the digest is the same from the stream, from the archive,
//! with any batch size and for the live projector; a damaged archive is refused; a record-time
//! cut-off leaves out exactly the late events; verify names the wards that differ.

mod common;

use std::path::Path;

use std::process::{Command, Output};
use std::time::Duration;

use common::{Events, OPENED, out};
use ehb_e2e::{Projector, Stack, binary, xlsx_cells};
use ehb_eventlog::Outgoing;
use ehb_proto::ProvinceCode;
use ehb_simulator::{Scenario, generate};

fn audit(args: &[&str]) -> Output {
    Command::new(binary("ehb-audit"))
        .args(args)
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .output()
        .expect("ehb-audit runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The digest a replay printed.
fn digest(output: &Output) -> String {
    assert!(output.status.success(), "{output:?}");
    stdout(output)
        .lines()
        .find_map(|l| l.strip_prefix("digest "))
        .expect("a digest line")
        .to_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// A campaign of two provinces side by side, with its duplicates, late and malformed messages,
/// and a last message of province 31 (so that a projector of 31 alone reaches the last sequence).
fn two_provinces() -> Vec<Outgoing> {
    let mut messages = Vec::new();
    for (seed, province) in [(5, 31), (6, 1)] {
        let scenario = Scenario {
            province: ProvinceCode::from_number(province).expect("a province"),
            ..Scenario::small(seed, 3, 9_000, 6)
        };
        messages.extend(generate(&scenario).messages);
    }
    messages.sort_by_key(|m| m.publish_at);
    let mut messages: Vec<Outgoing> = messages.into_iter().map(|m| m.message).collect();
    let last = Events::new().team("2026-03-06T09:00:00+07:00", "31001", "31001-LAST");
    messages.extend(out(&[last]));
    messages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_digest_is_the_same_from_the_stream_the_archive_any_batch_and_the_projector() {
    let stack = Stack::start().await;
    let done = stack
        .publisher
        .publish_all(two_provinces())
        .await
        .expect("published");
    let live = stack
        .projector
        .wait_applied(done.last_seq, Duration::from_secs(60))
        .await;
    assert!(
        live["rejects"].as_u64() > Some(0),
        "the campaign has malformed messages"
    );
    let live_digest = stack.projector.digest().await;
    let url = stack.nats.url();
    let dir = stack.dir.path();
    let (a, b) = (dir.join("a.ndjson.zst"), dir.join("b.ndjson.zst"));

    let exported = audit(&["export", "--nats-url", &url, "--out", path(&a)]);
    assert!(exported.status.success(), "{exported:?}");
    assert!(
        stdout(&exported).contains(&format!("exported {} messages", done.stored)),
        "{exported:?}"
    );
    let again = audit(&["export", "--nats-url", &url, "--out", path(&b)]);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));

    let from_archive = digest(&audit(&["replay", "--archive", path(&a)]));
    let small_batches = digest(&audit(&["replay", "--archive", path(&a), "--batch", "7"]));
    let one_batch = digest(&audit(&[
        "replay",
        "--archive",
        path(&a),
        "--batch",
        "1000000",
    ]));
    let from_stream = digest(&audit(&["replay", "--nats-url", &url, "--batch", "333"]));
    assert_eq!(from_archive, live_digest);
    assert_eq!(small_batches, live_digest);
    assert_eq!(one_batch, live_digest);
    assert_eq!(from_stream, live_digest);

    // The first half of the archive: the same as the stream cut at the same sequence.
    let half = (done.last_seq / 2).to_string();
    let archive_half = digest(&audit(&[
        "replay",
        "--archive",
        path(&a),
        "--until-seq",
        &half,
    ]));
    let stream_half = digest(&audit(&[
        "replay",
        "--nats-url",
        &url,
        "--until-seq",
        &half,
    ]));
    assert_eq!(archive_half, stream_half);
    assert_ne!(archive_half, live_digest);

    // Replayed into a fresh store to half way, the store is the projector's: a projector
    // started on it carries on from there and reaches the live digest.
    let replayed_store = dir.join("replayed");
    let into_store = audit(&[
        "replay",
        "--archive",
        path(&a),
        "--until-seq",
        &half,
        "--store",
        path(&replayed_store),
    ]);
    assert_eq!(digest(&into_store), archive_half);
    let again = audit(&[
        "replay",
        "--archive",
        path(&a),
        "--store",
        path(&replayed_store),
    ]);
    assert!(
        !again.status.success(),
        "a replay writes into a fresh store only"
    );
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("is not empty"),
        "{again:?}"
    );
    // A cut-off that leaves out messages before the last one folded cannot make a store.
    let by_day = audit(&[
        "replay",
        "--archive",
        path(&a),
        "--until-day",
        "2026-03-03",
        "--store",
        path(&dir.join("by-day")),
    ]);
    assert!(!by_day.status.success(), "{by_day:?}");
    assert!(
        String::from_utf8_lossy(&by_day.stderr).contains("--store needs"),
        "{by_day:?}"
    );
    assert!(!dir.join("by-day").exists() && !dir.join("by-day.partial").exists());
    let resumed = Projector::start(&url, &replayed_store).await;

    resumed
        .wait_applied(done.last_seq, Duration::from_secs(60))
        .await;
    assert_eq!(resumed.digest().await, live_digest);
    // It started where the replay stopped: it read only the second half from the stream.
    assert_eq!(
        resumed.metric("ehb_batch_messages_total").await,
        done.last_seq - done.last_seq / 2
    );
    drop(resumed);

    // verify: equal to the live projector, from the archive and from the stream.
    for source in [["--archive", path(&a)], ["--nats-url", &url]] {
        let verified = audit(
            &[
                &["verify", "--projector-url", &stack.projector.base][..],
                &source[..],
            ]
            .concat(),
        );
        assert!(verified.status.success(), "{verified:?}");
        assert!(stdout(&verified).contains("verified: the projector's figures equal the replay's"));
    }

    // A projector that folds only province 31 differs: verify names the wards of province 01.
    let partial = Projector::start_with(&url, &dir.join("partial"), &["--province", "31"]).await;
    partial
        .wait_applied(done.last_seq, Duration::from_secs(60))
        .await;
    let refused = audit(&[
        "verify",
        "--projector-url",
        &partial.base,
        "--archive",
        path(&a),
    ]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let report = stdout(&refused);
    let missing: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("DIFFERS ward 01") && l.contains(" ward: "))
        .collect();
    assert_eq!(missing.len(), 3, "{report}");
    assert!(
        !report.lines().any(|l| l.starts_with("DIFFERS ward 31")),
        "{report}"
    );
    assert!(report.contains("NOT verified"), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_changed_byte_in_the_archive_is_refused() {
    let stack = Stack::start().await;
    let messages: Vec<Outgoing> = two_provinces().into_iter().take(500).collect();
    let done = stack
        .publisher
        .publish_all(messages)
        .await
        .expect("published");
    let a = stack.dir.path().join("a.ndjson.zst");
    let exported = audit(&["export", "--nats-url", &stack.nats.url(), "--out", path(&a)]);
    assert!(exported.status.success(), "{exported:?}");
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(stack.dir.path().join("a.ndjson.zst.manifest.json")).expect("manifest"),
    )
    .expect("JSON");
    assert_eq!(manifest["count"], done.stored);
    assert_eq!(manifest["first_seq"], 1);
    assert_eq!(manifest["last_seq"], done.last_seq);
    let mut bytes = std::fs::read(&a).expect("archive");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&a, bytes).expect("written");
    let replayed = audit(&["replay", "--archive", path(&a), "--until-seq", "10"]);
    assert!(!replayed.status.success(), "{replayed:?}");
    let err = String::from_utf8_lossy(&replayed.stderr);
    assert!(err.contains("is damaged"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_time_cut_off_leaves_out_exactly_the_late_events() {
    let stack = Stack::start().await;
    let mut e = Events::new();
    let mut before = vec![e.baseline(OPENED, "31001", 1000, 500, 1)];
    for citizen in 0..40 {
        before.push(e.integrated("2026-03-31T20:00:00+07:00", "31001", citizen, "HS"));
    }
    let on_time = stack
        .publisher
        .publish_all(out(&before))
        .await
        .expect("published");
    // The close: after the last on-time message was recorded, before the late ones.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let close = jiff::Timestamp::now();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // 25 events that happened before the close but reached the stream after it, and 10 that
    // happened after it.
    let mut after = Vec::new();
    for citizen in 100..125 {
        after.push(e.integrated("2026-03-31T21:00:00+07:00", "31001", citizen, "HS"));
    }
    for citizen in 200..210 {
        after.push(e.integrated(
            &format!("{}", close + jiff::SignedDuration::from_hours(1)),
            "31001",
            citizen,
            "HS",
        ));
    }
    stack
        .publisher
        .publish_all(out(&after))
        .await
        .expect("published");

    let url = stack.nats.url();
    let close_text = close.to_string();
    let at_close = audit(&[
        "replay",
        "--nats-url",
        &url,
        "--until-recorded",
        &close_text,
    ]);
    let text = stdout(&at_close);
    assert!(
        text.contains("replayed 76 messages: 41 folded, 35 left out by the cut-off, 25 late"),
        "{text}"
    );
    assert!(text.contains("\n31001\t0\t40\t"), "{text}");
    let by_seq = audit(&[
        "replay",
        "--nats-url",
        &url,
        "--until-seq",
        &on_time.last_seq.to_string(),
    ]);
    assert_eq!(digest(&at_close), digest(&by_seq));
    let everything = audit(&["replay", "--nats-url", &url]);
    assert!(
        stdout(&everything).contains("\n31001\t0\t75\t"),
        "{everything:?}"
    );

    // The certification report at the close: the same figures, the late events, the digest.
    let out = stack.dir.path().join("report");
    let report = audit(&[
        "report",
        "--nats-url",
        &url,
        "--until-recorded",
        &close_text,
        "--out",
        path(&out),
    ]);
    assert!(report.status.success(), "{report:?}");
    let html = std::fs::read_to_string(out.join("report.html")).expect("the HTML report");
    assert!(
        html.contains(&digest(&at_close)),
        "the report names the digest"
    );
    assert!(html.contains("<td>31001</td>"), "{html}");
    let report_xlsx = std::fs::read(out.join("report.xlsx")).expect("the workbook");
    let wards = xlsx_cells(report_xlsx.clone(), "Xa_phuong");
    let cell = |row: usize, col: usize| wards[row][col].clone();
    assert_eq!(
        (cell(4, 0), cell(4, 5)),
        ("Mã xã".to_owned(), "Đã tích hợp".to_owned())
    );
    assert_eq!(
        (cell(5, 0), cell(5, 2), cell(5, 3), cell(5, 5)),
        (
            "31001".to_owned(),
            "1000".to_owned(),
            "500".to_owned(),
            "40".to_owned()
        )
    );
    assert_eq!((cell(5, 6), cell(5, 7)), ("4".to_owned(), "8".to_owned()));
    // Over level-2 holders (the baseline's 500, no account activated since); the baseline does
    // not give the eligible, so that rate stays empty.
    assert_eq!(
        (cell(4, 10), cell(5, 10), cell(5, 11)),
        (
            "Tỷ lệ/tài khoản mức 2 (%)".to_owned(),
            "8".to_owned(),
            String::new()
        )
    );
    assert_eq!(
        (cell(6, 0), cell(6, 5)),
        ("Tổng cộng".to_owned(), "40".to_owned())
    );
    let counts = xlsx_cells(report_xlsx, "Tong_hop");
    let count = |label: &str| {
        counts
            .iter()
            .find(|r| r[0] == label)
            .map(|r| r[1].clone())
            .unwrap_or_default()
    };
    assert_eq!(count("card.integrated"), "40");
    assert_eq!(count("Tin muộn"), "25");
    assert_eq!(count("Tin ngoài điểm cắt"), "35");
}
