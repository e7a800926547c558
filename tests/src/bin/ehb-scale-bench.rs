//! `ehb-scale-bench`: rebuilding the national projection from the stream, with one and with two
//! province partitions, and what that means at 300 M events.
//!
//! Reproduce with `scripts/scale-bench` (or `cargo build --release --bins &&
//! target/release/ehb-scale-bench --scale 0.45`). It:
//! 1. generates the national campaign (34 provinces, 3,321 wards, residents × `--scale`)
//!    province by province and publishes it into a fresh nats-server whose store is on disk;
//! 2. starts one projector over the whole stream on a fresh store and times it until it has
//!    folded and committed the last message (a rebuild), with its peak memory and store size;
//! 3. does the same with two projectors at once, each owning half of the provinces (as in
//!    `docker/compose.yaml`), checking that together they applied every message and counted
//!    every citizen exactly once;
//! 4. prints the figures per million distinct citizens and a table extrapolated to 300 M events.
//!
//! The machine is small and noisy: compare the figures as ratios within one run.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ehb_e2e::{NatsServer, Projector, flag, peak_rss_kib, publisher};
use ehb_simulator::generate;
use ehb_simulator::national::{PROVINCES, national};

/// The projector's allocator, so that this process's own memory is measured alike.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The events a national campaign is extrapolated to.
const TARGET_EVENTS: f64 = 300e6;

/// What one rebuild measured.
struct Rebuild {
    /// Projectors that ran at once.
    partitions: usize,
    /// From starting the projectors until the last one had committed the last message.
    elapsed: Duration,
    /// Per projector: peak resident memory (KiB), distinct citizens, messages applied, store bytes.
    each: Vec<(u64, u64, u64, u64)>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let scale: f64 = flag(&args, "--scale").unwrap_or(0.45);
    let days: u32 = flag(&args, "--days").unwrap_or(31);
    let seed: u64 = flag(&args, "--seed").unwrap_or(2026);
    let work: PathBuf = flag(&args, "--dir").unwrap_or_else(|| PathBuf::from("target/scale-bench"));
    std::fs::create_dir_all(&work)?;

    // 1. The national campaign into the stream, one province at a time (only one is in memory).
    let nats = NatsServer::start_under(&work);
    let publisher = publisher(&nats.url()).await;
    let started = Instant::now();
    let (mut events, mut residents) = (0u64, 0u64);
    for (shape, scenario) in PROVINCES.iter().zip(national(seed, scale, days)) {
        let generated = generate(&scenario);
        let messages = generated.messages.len() as u64;
        let done = publisher
            .publish_all(generated.messages.into_iter().map(|m| m.message))
            .await?;
        anyhow::ensure!(
            done.stored + done.duplicates == messages,
            "every message of province {} acknowledged",
            shape.code
        );
        events += done.stored;
        residents += scenario.residents;
        println!(
            "province {:02} {:<12} {:>3} wards {:>10} residents: {:>9} messages, {:>9} stored",
            shape.code, shape.name, shape.wards, scenario.residents, messages, done.stored
        );
    }
    let published_in = started.elapsed();
    let stream = publisher
        .context()
        .get_stream(ehb_proto::subject::STREAM_NAME)
        .await?;
    let info = stream.cached_info().state.clone();
    anyhow::ensure!(
        info.messages == events,
        "the stream holds every stored message"
    );
    let stream_bytes = disk_bytes(&nats.store_dir());
    println!(
        "national campaign at scale {scale}: {residents} residents, {} messages in the stream ({:.1} GiB on disk), generated and published in {:.0} s ({:.0} events/s)",
        info.messages,
        gib(stream_bytes),
        published_in.as_secs_f64(),
        info.messages as f64 / published_in.as_secs_f64()
    );

    // 2 and 3. Rebuilds from the stream.
    let halves: Vec<String> = PROVINCES.iter().map(|p| format!("{:02}", p.code)).collect();
    let (a, b) = halves.split_at(halves.len() / 2);
    let one = rebuild(
        &nats.url(),
        &work.join("one"),
        &[vec![]],
        info.last_sequence,
    )
    .await?;
    let two = rebuild(
        &nats.url(),
        &work.join("two"),
        &[a.to_vec(), b.to_vec()],
        info.last_sequence,
    )
    .await?;
    let citizens = |r: &Rebuild| r.each.iter().map(|e| e.1).sum::<u64>();
    let applied = |r: &Rebuild| r.each.iter().map(|e| e.2).sum::<u64>();
    anyhow::ensure!(
        applied(&one) == info.messages && applied(&two) == info.messages,
        "every message applied once: one projector {}, two partitions {}, stream {}",
        applied(&one),
        applied(&two),
        info.messages
    );
    anyhow::ensure!(
        citizens(&one) == citizens(&two),
        "the partitions count the same citizens as one projector: {} and {}",
        citizens(&one),
        citizens(&two)
    );

    // 4. Per million citizens, and at 300 M events.
    let distinct = citizens(&one) as f64;
    let events_f = info.messages as f64;
    println!();
    println!(
        "distinct citizens: {} ({:.2} messages per citizen)",
        citizens(&one),
        events_f / distinct
    );
    for r in [&one, &two] {
        let rate = events_f / r.elapsed.as_secs_f64();
        let peak: u64 = r.each.iter().map(|e| e.0).max().unwrap_or(0);
        let per_million = r
            .each
            .iter()
            .map(|e| e.0 as f64 / 1024.0 / (e.1.max(1) as f64 / 1e6))
            .fold(0.0, f64::max);
        println!(
            "{} partition(s): rebuilt in {:.0} s = {rate:.0} events/s; peak memory of the largest projector {} MiB = {per_million:.0} MiB per million distinct citizens it holds; stores {:.2} GiB",
            r.partitions,
            r.elapsed.as_secs_f64(),
            peak / 1024,
            gib(r.each.iter().map(|e| e.3).sum())
        );
    }
    // Memory as a fixed part plus a part per citizen held, fitted over the three projectors.
    let points: Vec<(f64, f64)> = [&one, &two]
        .iter()
        .flat_map(|r| r.each.iter().map(|e| (e.1 as f64, e.0 as f64 * 1024.0)))
        .collect();
    let (per_citizen, fixed) = fit_line(&points);
    println!(
        "memory fitted over the three projectors: {:.0} MiB fixed + {per_citizen:.0} bytes per distinct citizen held",
        fixed / (1 << 20) as f64
    );
    let factor = TARGET_EVENTS / events_f;
    println!();
    println!(
        "extrapolated to 300 M events ({:.0} M distinct citizens): time and disk linear in events, memory by the fitted line:",
        distinct * factor / 1e6
    );
    println!(
        "| partitions | time to rebuild | memory per projector | projector stores | stream (one replica) |"
    );
    println!("|---|---|---|---|---|");
    for r in [&one, &two] {
        let secs = r.elapsed.as_secs_f64() * factor;
        let held = r.each.iter().map(|e| e.1).max().unwrap_or(0) as f64 * factor;
        let memory = (fixed + per_citizen * held) / (1u64 << 30) as f64;
        let stores = r.each.iter().map(|e| e.3).sum::<u64>() as f64 * factor;
        println!(
            "| {} | {:.0} min | {memory:.1} GiB | {:.0} GiB | {:.0} GiB |",
            r.partitions,
            secs / 60.0,
            gib(stores as u64),
            gib((stream_bytes as f64 * factor) as u64)
        );
    }
    Ok(())
}

/// Starts one projector per province list (empty: the whole stream) on fresh stores under `dir`
/// and waits until each has folded and committed `last_seq`.
async fn rebuild(
    url: &str,
    dir: &Path,
    partitions: &[Vec<String>],
    last_seq: u64,
) -> anyhow::Result<Rebuild> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    let started = Instant::now();
    let mut projectors = Vec::new();
    for (i, provinces) in partitions.iter().enumerate() {
        let list = provinces.join(",");
        let extra: Vec<&str> = if provinces.is_empty() {
            vec![]
        } else {
            vec!["--province", &list]
        };
        let store = dir.join(format!("partition-{i}"));
        projectors.push((Projector::start_with(url, &store, &extra).await, store));
    }
    let waits = projectors
        .iter()
        .map(|(p, _)| p.wait_applied(last_seq, Duration::from_secs(6 * 3600)));
    let statuses = futures::future::join_all(waits).await;
    let elapsed = started.elapsed();
    let mut each = Vec::new();
    for ((mut projector, store), status) in projectors.into_iter().zip(statuses) {
        let pid = projector.pid().map(|p| p.to_string()).unwrap_or_default();
        let peak = peak_rss_kib(&pid).unwrap_or(0);
        anyhow::ensure!(projector.terminate(), "the projector stops cleanly");
        each.push((
            peak,
            status["citizens"].as_u64().unwrap_or(0),
            status["events_applied"].as_u64().unwrap_or(0),
            disk_bytes(&store),
        ));
    }
    Ok(Rebuild {
        partitions: partitions.len(),
        elapsed,
        each,
    })
}

/// The bytes the files under `path` take on disk.
fn disk_bytes(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => disk_bytes(&e.path()),
            Ok(m) => m.blocks() * 512,
            Err(_) => 0,
        })
        .sum()
}

/// The least-squares line `y = slope * x + intercept` through `points`.
fn fit_line(points: &[(f64, f64)]) -> (f64, f64) {
    let n = points.len() as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let (sxy, sxx) = points.iter().fold((0.0, 0.0), |(a, b), (x, y)| {
        (a + (x - mx) * (y - my), b + (x - mx) * (x - mx))
    });
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    (slope, my - slope * mx)
}

/// Bytes as GiB.
fn gib(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 30) as f64
}
