//! `ehb-gateway-bench`: the gateway's throughput beside direct JetStream publishing, same run.
//!
//! Reproduce with `scripts/bench-gateway` (or `cargo build --release --bins &&
//! target/release/ehb-gateway-bench [--events N] [--batch LINES] [--concurrency REQUESTS]`).
//! It prints, from one run on this machine:
//! 1. raw JetStream publishing with de-duplication, 4,096 in flight, into a fresh server (the
//!    reference);
//! 2. the same events POSTed to a gateway on loopback as NDJSON batches, several requests in
//!    flight, each batch from the API key of its upstream source; every answer is checked;
//!    events/s, request latency p50/p99 and the gateway's peak memory.
//!
//! The machine is small and noisy: compare the figures as ratios within one run.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ehb_e2e::{Gateway, NatsServer, flag, peak_rss_kib, percentile, publisher};
use ehb_eventlog::Outgoing;
use ehb_simulator::{Scenario, generate};
use futures::StreamExt;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let events: usize = flag(&args, "--events").unwrap_or(300_000);
    let batch: usize = flag(&args, "--batch").unwrap_or(1_000);
    let concurrency: usize = flag(&args, "--concurrency").unwrap_or(8);
    let generated = generate(&Scenario::small(2026, 80, 1_800_000, 31));
    let mut by_source: BTreeMap<&'static str, Vec<Outgoing>> = BTreeMap::new();
    let mut taken = Vec::new();
    for timed in generated.messages.into_iter().take(events) {
        taken.push(timed.message.clone());
        by_source
            .entry(timed.source)
            .or_default()
            .push(timed.message);
    }
    let bytes: usize = taken.iter().map(|m| m.payload.len()).sum();
    println!(
        "{} events, mean {} bytes; batches of {batch} lines, {concurrency} requests in flight",
        taken.len(),
        bytes / taken.len().max(1)
    );

    // 1. Raw JetStream publish with de-duplication (the reference), fresh server.
    let raw = {
        let nats = NatsServer::start();
        let publisher = publisher(&nats.url()).await;
        let t = Instant::now();
        let done = publisher.publish_all(taken.iter().cloned()).await?;
        anyhow::ensure!(
            (done.stored + done.duplicates) as usize == taken.len(),
            "every publish acknowledged"
        );
        taken.len() as f64 / t.elapsed().as_secs_f64()
    };
    println!("raw JetStream publish, dedup on, 4096 in flight: {raw:.0} events/s");

    // 2. Through the gateway, fresh server.
    let nats = NatsServer::start();
    let dir = tempfile::tempdir()?;
    let (keys, gateway) =
        Gateway::start_ready(&nats.url(), dir.path(), &["--campaign-start", "2026-01-01"]).await;
    let key_of = |source: &str| match source {
        "c06" => keys.c06.clone(),
        "vss" => keys.vss.clone(),
        "health" => keys.health.clone(),
        _ => keys.ward.clone(),
    };
    let mut bodies = Vec::new();
    for (source, messages) in &by_source {
        for chunk in messages.chunks(batch) {
            let body = ehb_simulator::load::ndjson(chunk.iter());
            bodies.push((key_of(source), chunk.len(), body));
        }
    }
    let http = reqwest::Client::new();
    let url = format!("{}/v1/events", gateway.base);
    let t = Instant::now();
    let answers: Vec<anyhow::Result<(Duration, usize, serde_json::Value)>> =
        futures::stream::iter(bodies)
            .map(|(key, lines, body)| {
                let (http, url) = (http.clone(), url.clone());
                async move {
                    let sent = Instant::now();
                    let answer = ehb_simulator::load::post_ndjson(&http, &url, &key, body).await?;
                    Ok((sent.elapsed(), lines, answer))
                }
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
    let elapsed = t.elapsed().as_secs_f64();
    let mut latencies = Vec::new();
    let (mut accepted, mut duplicates, mut rejected, mut lines_total) = (0, 0, 0, 0);
    for answer in answers {
        let (latency, lines, body) = answer?;
        latencies.push(latency);
        lines_total += lines;
        accepted += body["accepted"].as_u64().unwrap_or(0);
        duplicates += body["duplicates"].as_u64().unwrap_or(0);
        rejected += body["rejected"].as_u64().unwrap_or(0);
        anyhow::ensure!(body["unavailable"] == 0, "nothing unavailable");
    }
    anyhow::ensure!(
        (accepted + duplicates + rejected) as usize == lines_total,
        "every line has a fate"
    );
    latencies.sort();
    let pct = |p: f64| percentile(&latencies, p).as_millis();
    let through = lines_total as f64 / elapsed;
    println!(
        "gateway (HTTP NDJSON -> validated -> JetStream, acks awaited): {through:.0} events/s = {:.0} % of raw publish",
        through / raw * 100.0
    );
    println!(
        "  fates: {accepted} accepted, {duplicates} duplicates, {rejected} rejected (the campaign's deliberately malformed events)"
    );
    println!(
        "  request latency ({} requests of up to {batch} events): p50 {} ms, p99 {} ms",
        latencies.len(),
        pct(0.5),
        pct(0.99)
    );
    let pid = gateway.pid().map(|p| p.to_string()).unwrap_or_default();
    println!(
        "  gateway peak RSS: {} MiB",
        peak_rss_kib(&pid).unwrap_or(0) / 1024
    );
    drop(gateway);
    drop(nats);
    Ok(())
}
