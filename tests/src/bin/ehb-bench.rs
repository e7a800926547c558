//! `ehb-bench`: the projection's throughput, from the pure fold to the committed store.
//!
//! Reproduce with `scripts/bench` (or `cargo build --release --bins && target/release/ehb-bench`).
//! It prints, from one run on this machine:
//! 1. the pure fold on one core (events/s, and the fold's peak memory);
//! 2. raw JetStream publishing with de-duplication, 4,096 in flight, into a fresh server (the reference);
//! 3. end to end: the same publishing with a projector running, until the projector has folded and
//!    committed the last event; with the publish-to-visible latency of each 10,000-event slice;
//! 4. catch-up: the rest of the campaign published into the same stream, then a projector on a
//!    fresh store timed from its process's start until it has committed the stream's last
//!    message, with its peak memory and the size of its store.
//!
//! The machine is small and noisy: compare the figures as ratios within one run.

use std::time::{Duration, Instant};

use ehb_e2e::{NatsServer, Projector, disk_bytes, flag, peak_rss_kib, percentile, publisher};
use ehb_eventlog::Outgoing;
use ehb_projection::{Projection, ReportDeadlines};
use ehb_simulator::load::{Acked, Watcher};
use ehb_simulator::{Scenario, generate};

/// The projector's allocator, so that the fold is measured as it runs there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The campaign's messages laid out as a stream reader holds them: one after another in memory,
/// in stream order. Folded where the generator left them (each allocated apart, out of stream
/// order), the fold's first read of nearly every message missed every cache, a fifth of its time.
struct Delivered {
    subjects: String,
    payloads: Vec<u8>,
    /// Each message's subject and payload, as ends in the two buffers.
    ends: Vec<(usize, usize)>,
}

impl Delivered {
    fn of(messages: &[Outgoing]) -> Self {
        let mut d = Delivered {
            subjects: String::new(),
            payloads: Vec::new(),
            ends: Vec::with_capacity(messages.len()),
        };
        for m in messages {
            d.subjects.push_str(&m.subject);
            d.payloads.extend_from_slice(&m.payload);
            d.ends.push((d.subjects.len(), d.payloads.len()));
        }
        d
    }

    /// Each message's subject and payload, in stream order.
    fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        let starts = std::iter::once((0, 0)).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|((s0, p0), &(s1, p1))| (&self.subjects[s0..s1], &self.payloads[p0..p1]))
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let residents: u64 = flag(&args, "--residents").unwrap_or(1_800_000);
    let e2e_events: usize = flag(&args, "--e2e-events").unwrap_or(500_000);
    let started = Instant::now();
    let generated = generate(&Scenario::small(2026, 80, residents, 31));
    let messages: Vec<Outgoing> = generated.messages.into_iter().map(|m| m.message).collect();
    let bytes: usize = messages.iter().map(|m| m.payload.len()).sum();
    println!(
        "campaign: {} messages, mean {} bytes, generated in {:.1} s",
        messages.len(),
        bytes / messages.len().max(1),
        started.elapsed().as_secs_f64()
    );

    // 1. The pure fold, one core.
    let delivered = Delivered::of(&messages);
    let mut rates = Vec::new();
    let mut digest = String::new();
    for _ in 0..3 {
        let mut projection = Projection::new(ReportDeadlines::default());
        let t = Instant::now();
        for (i, (subject, payload)) in delivered.iter().enumerate() {
            projection.apply(i as u64 + 1, None, subject, payload);
            if i % 10_000 == 9_999 {
                let _ = projection.take_changes();
            }
        }
        let elapsed = t.elapsed().as_secs_f64();
        rates.push(messages.len() as f64 / elapsed);
        digest = projection.digest().0;
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "pure fold (1 core): median {:.0} events/s (runs {:.0} / {:.0} / {:.0}); digest {}…; peak RSS of this process {} MiB",
        rates[1],
        rates[0],
        rates[1],
        rates[2],
        &digest[..16],
        peak_rss_kib("self").unwrap_or(0) / 1024
    );

    if args.iter().any(|a| a == "--fold-only") {
        return Ok(());
    }
    drop(delivered);
    let slice: Vec<Outgoing> = messages.iter().take(e2e_events).cloned().collect();

    // 2. Raw JetStream publish with de-duplication (reference), fresh server.
    let raw = {
        let nats = NatsServer::start();
        let publisher = publisher(&nats.url()).await;
        let t = Instant::now();
        let done = publisher.publish_all(slice.iter().cloned()).await?;
        let elapsed = t.elapsed().as_secs_f64();
        anyhow::ensure!(
            done.stored as usize + done.duplicates as usize == slice.len(),
            "every publish acknowledged"
        );
        slice.len() as f64 / elapsed
    };
    println!(
        "raw JetStream publish, dedup on, 4096 in flight: {raw:.0} events/s ({} events)",
        slice.len()
    );

    // 3. End to end: publish with a projector folding and committing.
    let nats = NatsServer::start();
    let store = tempfile::tempdir()?;
    let projector = Projector::start(&nats.url(), &store.path().join("store")).await;
    let publisher = publisher(&nats.url()).await;
    let pid = projector.pid().map(|p| p.to_string()).unwrap_or_default();
    let watcher = Watcher::new(&projector.base, "committed_seq");
    let (acks_tx, acks_rx) = tokio::sync::mpsc::unbounded_channel();
    let t0 = Instant::now();
    let publishing = async move {
        for chunk in slice.chunks(10_000) {
            let done = publisher.publish_all(chunk.iter().cloned()).await?;
            let _ = acks_tx.send(Acked {
                seq: done.last_seq,
                events: chunk.len(),
                at: Instant::now(),
            });
        }
        anyhow::Ok(())
    };
    let (published, seen) = tokio::join!(
        publishing,
        watcher.until_visible(acks_rx, Duration::from_secs(120))
    );
    published?;
    let (latencies, end) = seen?;
    let e2e = e2e_events.min(messages.len()) as f64 / end.duration_since(t0).as_secs_f64();
    let pct = |p: f64| percentile(&latencies, p);
    println!(
        "end to end (publish, dedup on -> folded and committed in sled): {e2e:.0} events/s = {:.0} % of raw publish",
        e2e / raw * 100.0
    );
    println!(
        "publish-to-visible latency per 10,000-event slice: p50 {} ms, p99 {} ms, max {} ms ({} slices)",
        pct(0.5).as_millis(),
        pct(0.99).as_millis(),
        latencies.last().copied().unwrap_or_default().as_millis(),
        latencies.len()
    );
    println!(
        "projector peak RSS: {} MiB",
        peak_rss_kib(&pid).unwrap_or(0) / 1024
    );
    drop(projector);

    // 4. Catch-up: the whole campaign in the stream, a fresh projector.
    let rest_publisher = ehb_e2e::publisher(&nats.url()).await;
    let rest = rest_publisher
        .publish_all(messages.iter().skip(e2e_events).cloned())
        .await?;
    let last = ehb_e2e::stream_messages(rest_publisher.context()).await;
    anyhow::ensure!(
        last >= rest.last_seq,
        "the stream holds every message published"
    );
    let fresh_store = tempfile::tempdir()?;
    let t = Instant::now();
    let fresh = Projector::start(&nats.url(), &fresh_store.path().join("store")).await;
    fresh.wait_applied(last, Duration::from_secs(600)).await;
    let secs = t.elapsed().as_secs_f64();
    let fresh_pid = fresh.pid().map(|p| p.to_string()).unwrap_or_default();
    let fresh_peak = peak_rss_kib(&fresh_pid).unwrap_or(0) / 1024;
    drop(fresh);
    println!(
        "catch-up from the stream: {last} messages in {secs:.2} s = {:.0} events/s from process start to the last message committed; peak RSS {fresh_peak} MiB; store {:.1} MiB",
        last as f64 / secs,
        disk_bytes(fresh_store.path()) as f64 / (1 << 20) as f64
    );
    drop(nats);
    Ok(())
}
