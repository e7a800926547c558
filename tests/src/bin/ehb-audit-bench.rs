//! `ehb-audit-bench`: replaying a campaign archive beside DuckDB counting the same data.
//!
//! Reproduce with `scripts/bench-audit` (or `cargo build --release --bins &&
//! target/release/ehb-audit-bench [--events N]`; DuckDB from `pip install duckdb`). It:
//! 1. generates a seeded campaign of several provinces (80 wards, 1.8 M residents each) until it
//!    has N messages (default 10 M), with its duplicates, late and malformed messages, writes them
//!    as an archive (stream sequences 1..N, recorded when published) and folds them in this
//!    process for the expected digest;
//! 2. runs `ehb-audit replay --archive` on it: wall time, events/s, peak memory;
//! 3. runs DuckDB (`scripts/audit/duckdb_counts.py`) computing per-ward distinct integrations and
//!    accounts from the same file: wall time, events/s, peak memory;
//! 4. checks the replay's digest against the expected one and every ward's two counts against
//!    DuckDB's.
//!
//! The machine is small and noisy: compare the two as a ratio within one run.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use ehb_audit::archive::ArchiveWriter;
use ehb_e2e::{binary, flag, peak_rss_kib};
use ehb_projection::{Projection, ReportDeadlines};
use ehb_proto::ProvinceCode;
use ehb_simulator::{Scenario, generate};

/// Provinces of the benchmark campaign, in order.
const PROVINCES: [u8; 20] = [
    31, 1, 79, 48, 92, 22, 24, 38, 40, 42, 44, 46, 51, 56, 66, 68, 75, 80, 82, 86,
];

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let events: u64 = flag(&args, "--events").unwrap_or(10_000_000);
    // `--dir FOLDER` keeps the archive (and the replay's JSON) there.
    let temporary = tempfile::tempdir()?;
    let dir =
        flag::<std::path::PathBuf>(&args, "--dir").unwrap_or_else(|| temporary.path().to_owned());
    std::fs::create_dir_all(&dir)?;
    let archive = dir.join("campaign.ndjson.zst");

    // 1. The archive and the expected digest.
    let started = Instant::now();
    let mut writer = ArchiveWriter::create(&archive)?;
    let mut expected = Projection::new(ReportDeadlines::default());
    let mut seq = 0u64;
    for (i, province) in PROVINCES.iter().enumerate() {
        if seq >= events {
            break;
        }
        let scenario = Scenario {
            province: ProvinceCode::from_number(*province).expect("a province code"),
            ..Scenario::province(2026 + i as u64)
        };
        for m in generate(&scenario).messages {
            if seq >= events {
                break;
            }
            seq += 1;
            let recorded_at = Some(m.publish_at);
            let (subject, payload) = (&m.message.subject, &m.message.payload);
            writer.append(seq, recorded_at, subject, Some(&m.message.id), payload)?;
            expected.apply(seq, recorded_at, subject, payload);
            if seq.is_multiple_of(100_000) {
                let _ = expected.take_changes();
            }
        }
    }
    anyhow::ensure!(seq == events, "the provinces give only {seq} messages");
    let manifest = writer.finish("EHB_EVENTS")?;
    let expected_digest = expected.digest().0;
    println!(
        "archive: {} messages of {} provinces, {} MiB zstd, written and folded in {:.1} s; expected digest {}…",
        manifest.count,
        expected.wards_sorted().len() / 80,
        manifest.bytes / (1 << 20),
        started.elapsed().as_secs_f64(),
        &expected_digest[..16]
    );
    drop(expected);

    // 2. The replay.
    let json = dir.join("replay.json");
    let (replay_time, replay_rss, replay_out) = run(Command::new(binary("ehb-audit"))
        .args(["replay", "--archive"])
        .arg(&archive)
        .arg("--json")
        .arg(&json)
        .env("RUST_LOG", "warn"))?;
    let digest = replay_out
        .lines()
        .find_map(|l| l.strip_prefix("digest "))
        .unwrap_or_default()
        .to_owned();
    let replayed: serde_json::Value = serde_json::from_slice(&std::fs::read(&json)?)?;

    // 3. DuckDB.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/audit/duckdb_counts.py");
    let (duck_time, duck_rss, duck_out) = run(Command::new("python3").arg(script).arg(&archive))?;
    let duck: serde_json::Value = serde_json::from_str(duck_out.trim())?;

    // 4. The same figures.
    let mut replay_counts = BTreeMap::new();
    for ward in replayed["wards"].as_array().into_iter().flatten() {
        replay_counts.insert(
            ward["ward"].as_str().unwrap_or_default().to_owned(),
            (
                ward["integrated"]["cumulative"].as_u64().unwrap_or(0),
                ward["accounts"]["cumulative"].as_u64().unwrap_or(0),
            ),
        );
    }
    let mut duck_counts = BTreeMap::new();
    for (ward, counts) in duck["wards"].as_object().into_iter().flatten() {
        duck_counts.insert(
            ward.clone(),
            (
                counts[0].as_u64().unwrap_or(0),
                counts[1].as_u64().unwrap_or(0),
            ),
        );
    }
    let differing = replay_counts
        .iter()
        .filter(|(w, c)| duck_counts.get(*w) != Some(c))
        .count()
        + duck_counts
            .keys()
            .filter(|w| !replay_counts.contains_key(*w))
            .count();
    let rate = |d: Duration| events as f64 / d.as_secs_f64();
    println!(
        "ehb-audit replay: {:.1} s = {:.0} events/s, peak RSS {} MiB; digest {} the expected one",
        replay_time.as_secs_f64(),
        rate(replay_time),
        replay_rss / 1024,
        if digest == expected_digest {
            "equals"
        } else {
            "DIFFERS FROM"
        }
    );
    println!(
        "DuckDB {} ({} threads), per-ward distinct integrations and accounts: {:.1} s = {:.0} events/s (query alone {:.1} s), peak RSS {} MiB",
        duckdb_version(),
        duck["threads"],
        duck_time.as_secs_f64(),
        rate(duck_time),
        duck["seconds"].as_f64().unwrap_or(0.0),
        duck_rss / 1024
    );
    println!(
        "replay / DuckDB speed: {:.2}; wards compared: {}, differing: {differing}",
        duck_time.as_secs_f64() / replay_time.as_secs_f64(),
        replay_counts.len()
    );
    anyhow::ensure!(digest == expected_digest, "the replay's digest differs");
    anyhow::ensure!(
        differing == 0,
        "{differing} wards differ between the replay and DuckDB"
    );
    Ok(())
}

/// Runs a command to its end: wall time, peak RSS in KiB (its `VmHWM`, read while it runs:
/// the resource usage a parent gets counts the parent's own memory at the fork), standard output.
fn run(command: &mut Command) -> anyhow::Result<(Duration, u64, String)> {
    let output_file = tempfile::NamedTempFile::new()?;
    let started = Instant::now();
    let mut child = command
        .stdout(output_file.reopen()?)
        .stderr(std::process::Stdio::inherit())
        .spawn()?;
    let pid = child.id().to_string();
    let mut peak = 0;
    let status = loop {
        peak = peak.max(peak_rss_kib(&pid).unwrap_or(0));
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    anyhow::ensure!(status.success(), "{command:?} failed: {status}");
    let out = std::fs::read_to_string(output_file.path())?;
    Ok((elapsed, peak, out))
}

/// DuckDB's version, as Python reports it.
fn duckdb_version() -> String {
    Command::new("python3")
        .args(["-c", "import duckdb; print(duckdb.__version__)"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}
