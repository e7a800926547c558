//! `ehb-scale-bench`: rebuilding the national projection from the stream, with one projector and
//! with two province partitions, and what that means at 300 M events on N machines.
//!
//! Reproduce with `scripts/scale-bench` (or `cargo build --release --bins &&
//! target/release/ehb-scale-bench --scale 0.45`). It:
//! 1. generates the national campaign (34 provinces, 3,321 wards, residents × `--scale`)
//!    province by province and publishes it into a fresh nats-server whose store is on disk;
//! 2. starts one projector over the whole stream on a fresh store and times it until it has
//!    folded and committed the last message (a rebuild), with its peak memory and store size;
//! 3. does the same with two projectors at once, each owning half of the provinces (as in
//!    `docker/compose.yaml`; each reads the whole stream and skips the other half), checking that
//!    together they applied every message and counted every citizen exactly once;
//! 4. rebuilds each half alone (a partition on a machine of its own, as far as one machine can
//!    show it: nats-server still shares its two cores);
//! 5. prints the figures per million distinct citizens and a table extrapolated to 300 M events
//!    for N partitions on N machines.
//!
//! The machine is small and noisy: compare the figures as ratios within one run.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ehb_e2e::{NatsServer, Projector, disk_bytes, flag, peak_rss_kib, publisher};
use ehb_simulator::generate;
use ehb_simulator::national::{PROVINCES, national};

/// The projector's allocator, so that this process's own memory is measured alike.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The events a national campaign is extrapolated to.
const TARGET_EVENTS: f64 = 300e6;

/// The rebuild time the extrapolation looks for: the nation in ten minutes.
const GOAL_SECS: f64 = 600.0;

/// What one rebuild measured.
struct Rebuild {
    /// What ran: "one projector", "two partitions at once", "half A alone"…
    label: &'static str,
    /// From starting the projectors until the last one had committed its last message.
    elapsed: Duration,
    /// Per projector: peak resident memory (KiB), distinct citizens, messages applied, store bytes.
    each: Vec<(u64, u64, u64, u64)>,
}

impl Rebuild {
    fn citizens(&self) -> u64 {
        self.each.iter().map(|e| e.1).sum()
    }

    fn applied(&self) -> u64 {
        self.each.iter().map(|e| e.2).sum()
    }

    /// Messages applied per second, all projectors together.
    fn rate(&self) -> f64 {
        self.applied() as f64 / self.elapsed.as_secs_f64()
    }
}

/// The national campaign as published.
struct Campaign {
    /// Messages in the stream.
    messages: u64,
    /// The stream's last sequence.
    last_seq: u64,
    /// The stream's bytes on disk (one replica).
    stream_bytes: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let scale: f64 = flag(&args, "--scale").unwrap_or(0.45);
    let days: u32 = flag(&args, "--days").unwrap_or(31);
    let seed: u64 = flag(&args, "--seed").unwrap_or(2026);
    let work: PathBuf = flag(&args, "--dir").unwrap_or_else(|| PathBuf::from("target/scale-bench"));
    std::fs::create_dir_all(&work)?;

    let nats = NatsServer::start_under(&work);
    let campaign = publish(&nats, scale, days, seed).await?;

    // Rebuilds from the stream: the whole, the halves at once, each half alone.
    let codes: Vec<String> = PROVINCES.iter().map(|p| format!("{:02}", p.code)).collect();
    let (a, b) = codes.split_at(codes.len() / 2);
    let (a, b) = (a.to_vec(), b.to_vec());
    let url = nats.url();
    let one = rebuild(&url, &work, "one projector", &[vec![]], &campaign).await?;
    let two = rebuild(
        &url,
        &work,
        "two partitions at once",
        &[a.clone(), b.clone()],
        &campaign,
    )
    .await?;
    let half_a = rebuild(&url, &work, "half A alone", &[a], &campaign).await?;
    let half_b = rebuild(&url, &work, "half B alone", &[b], &campaign).await?;
    anyhow::ensure!(
        one.applied() == campaign.messages
            && two.applied() == campaign.messages
            && half_a.applied() + half_b.applied() == campaign.messages,
        "every message applied once: one projector {}, two partitions {}, halves alone {} + {}, stream {}",
        one.applied(),
        two.applied(),
        half_a.applied(),
        half_b.applied(),
        campaign.messages
    );
    anyhow::ensure!(
        one.citizens() == two.citizens() && one.citizens() == half_a.citizens() + half_b.citizens(),
        "the partitions count the same citizens as one projector: {}, {} and {} + {}",
        one.citizens(),
        two.citizens(),
        half_a.citizens(),
        half_b.citizens()
    );
    report(&campaign, [&one, &two], [&half_a, &half_b]);
    Ok(())
}

/// Generates the national campaign one province at a time (only one is in memory) and publishes
/// it into the stream.
async fn publish(nats: &NatsServer, scale: f64, days: u32, seed: u64) -> anyhow::Result<Campaign> {
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
            shape.code,
            shape.name(),
            shape.wards,
            scenario.residents,
            messages,
            done.stored
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
    Ok(Campaign {
        messages: info.messages,
        last_seq: info.last_sequence,
        stream_bytes,
    })
}

/// Prints each rebuild, the memory line fitted over every projector, and the extrapolation to
/// 300 M events for N partitions on N machines from one projector's time and the halves' alone.
fn report(campaign: &Campaign, [one, two]: [&Rebuild; 2], halves: [&Rebuild; 2]) {
    let all = [one, two, halves[0], halves[1]];
    let distinct = one.citizens() as f64;
    let events = campaign.messages as f64;
    println!();
    println!(
        "distinct citizens: {} ({:.2} messages per citizen)",
        one.citizens(),
        events / distinct
    );
    for r in all {
        let peak: u64 = r.each.iter().map(|e| e.0).max().unwrap_or(0);
        let per_million = r
            .each
            .iter()
            .map(|e| e.0 as f64 / 1024.0 / (e.1.max(1) as f64 / 1e6))
            .fold(0.0, f64::max);
        println!(
            "{}: {} messages rebuilt in {:.0} s = {:.0} events/s ({:.2} of one projector's time); peak memory of the largest projector {} MiB = {per_million:.0} MiB per million distinct citizens it holds; stores {:.2} GiB",
            r.label,
            r.applied(),
            r.elapsed.as_secs_f64(),
            r.rate(),
            r.elapsed.as_secs_f64() / one.elapsed.as_secs_f64(),
            peak / 1024,
            gib(r.each.iter().map(|e| e.3).sum())
        );
    }
    // Memory as a fixed part plus a part per citizen held, fitted over every projector.
    let points: Vec<(f64, f64)> = all
        .iter()
        .flat_map(|r| r.each.iter().map(|e| (e.1 as f64, e.0 as f64 * 1024.0)))
        .collect();
    let (per_citizen, fixed) = fit_line(&points);
    println!(
        "memory fitted over the {} projectors: {:.0} MiB fixed + {per_citizen:.0} bytes per distinct citizen held",
        points.len(),
        fixed / (1 << 20) as f64
    );
    // A partition reads the whole stream and folds its share: with the whole folded in `t_one`
    // and half of it folded (and the rest skipped) in `t_half`, skipping the whole stream takes
    // `2 t_half - t_one`, and N partitions on N machines each take `t_one / N + (1 - 1/N) skip`.
    let t_one = one.elapsed.as_secs_f64();
    let t_half = halves
        .iter()
        .map(|r| r.elapsed.as_secs_f64())
        .fold(0.0, f64::max);
    let skip = (2.0 * t_half - t_one).max(0.0);
    let factor = TARGET_EVENTS / events;
    let stores = one.each.iter().map(|e| e.3).sum::<u64>() as f64 * factor;
    println!();
    println!(
        "extrapolated to 300 M events ({:.0} M distinct citizens) for N partitions on N machines: one projector folds the stream in {t_one:.0} s here, a partition skips the whole of it in {skip:.0} s (the slower half alone: {t_half:.0} s); time and disk linear in events, memory by the fitted line:",
        distinct * factor / 1e6
    );
    println!(
        "| partitions | time to rebuild | memory per projector | store per projector | stream (one replica) |"
    );
    println!("|---|---|---|---|---|");
    let mut enough = None;
    for n in [1u32, 2, 3, 4, 6, 8] {
        let share = 1.0 / f64::from(n);
        let secs = (t_one * share + (1.0 - share) * skip) * factor;
        let memory = (fixed + per_citizen * distinct * factor * share) / (1u64 << 30) as f64;
        if enough.is_none() && secs <= GOAL_SECS {
            enough = Some(n);
        }
        println!(
            "| {n} | {:.1} min | {memory:.1} GiB | {:.1} GiB | {:.0} GiB |",
            secs / 60.0,
            gib((stores * share) as u64),
            gib((campaign.stream_bytes as f64 * factor) as u64)
        );
    }
    match enough {
        Some(n) => println!("the nation rebuilt in at most 10 minutes: {n} partitions"),
        None => println!("the nation rebuilt in at most 10 minutes: more than 8 partitions"),
    }
}

/// Starts one projector per province list (empty: the whole stream) on fresh stores under
/// `work` and waits until each has read, folded and committed the stream's last message.
async fn rebuild(
    url: &str,
    work: &Path,
    label: &'static str,
    partitions: &[Vec<String>],
    campaign: &Campaign,
) -> anyhow::Result<Rebuild> {
    let dir = work.join(label.replace(' ', "-"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let started = Instant::now();
    let mut projectors = Vec::new();
    for (i, provinces) in partitions.iter().enumerate() {
        let list = provinces.join(",");
        // A projector of several provinces reads the whole stream (skipping the others) to its
        // end, as one projector of every province does.
        anyhow::ensure!(
            provinces.len() != 1,
            "a partition of one province is filtered by the server and ends before the stream"
        );
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
        .map(|(p, _)| p.wait_applied(campaign.last_seq, Duration::from_secs(6 * 3600)));
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
        label,
        elapsed,
        each,
    })
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
