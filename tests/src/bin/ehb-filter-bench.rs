//! `ehb-filter-bench`: how fast nats-server delivers a province partition's messages, filtered
//! by the server, against reading the whole stream.
//!
//! Reproduce with `scripts/filter-bench` (or `cargo build --release --bins &&
//! target/release/ehb-filter-bench --scale 0.05`). It generates the national campaign (34
//! provinces, 3,321 wards, residents × `--scale`), publishes it into a fresh nats-server whose
//! store is on disk (under `target/`), the provinces interleaved as a campaign's upstream systems
//! publish them (or one province after another with `--by-province`), then times, from the
//! consumer's creation to its last delivery, with the projector's own reader of deliveries:
//! 1. the whole stream, unfiltered (what a projector of several provinces reads and skips);
//! 2. one consumer filtered by one province's subjects (`ehb.v1.<province>.>`), for three
//!    provinces of different sizes, alone;
//! 3. one such consumer per province, for the first 2, 4 and 17 provinces, all at once (what a
//!    partition of several provinces would open to have only its own messages delivered).
//!
//! Every filtered consumer must deliver exactly as many messages as the whole read counted on its
//! province's subjects. The machine is small and noisy: compare the figures as ratios within one
//! run.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use async_nats::jetstream::stream::Stream;
use ehb_e2e::{NatsServer, flag, publisher};
use ehb_proto::ProvinceCode;
use ehb_proto::subject::province_filter;
use ehb_simulator::generate;
use ehb_simulator::national::{PROVINCES, national};
use futures::StreamExt;

/// The projector's allocator, so that this process's reading costs what the projector's does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Silence after which a consumer is taken to have delivered everything it will.
const DONE_AFTER: Duration = Duration::from_secs(3);

/// What one consumer delivered.
struct Read {
    /// Messages delivered.
    messages: u64,
    /// The stream sequence of the last one.
    last_seq: u64,
    /// From creating the consumer to its last delivery.
    elapsed: Duration,
    /// Messages by province (the subject's third token).
    by_province: HashMap<String, u64>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let scale: f64 = flag(&args, "--scale").unwrap_or(0.05);
    let interleaved = !args.iter().any(|a| a == "--by-province");
    std::fs::create_dir_all("target")?;
    let work = tempfile::tempdir_in("target")?;
    let nats = NatsServer::start_under(work.path());
    let url = nats.url();
    let (stream, stored) = publish(&url, scale, interleaved).await?;
    let client = ehb_eventlog::connect_now(&url, "ehb-filter-bench").await?;

    let whole = read(&client, &url, &stream, None).await?;
    anyhow::ensure!(
        whole.messages == stored,
        "the whole read delivered {} of the stream's {stored} messages",
        whole.messages
    );
    println!(
        "whole stream: {} messages in {:.2} s = {:.0} messages/s",
        whole.messages,
        whole.elapsed.as_secs_f64(),
        per_second(whole.messages, whole.elapsed)
    );
    let expected = |code: ProvinceCode| {
        let code = code.to_string();
        whole.by_province.get(&code).copied().unwrap_or(0)
    };
    for number in [79, 1, 31] {
        let code = ProvinceCode::from_number(number).expect("a listed province code");
        let one = read(&client, &url, &stream, Some(code)).await?;
        anyhow::ensure!(
            one.messages == expected(code),
            "province {code}'s consumer delivered {} of its {} messages",
            one.messages,
            expected(code)
        );
        println!(
            "one consumer, province {code} ({:.1} % of the stream): {} messages in {:.2} s ({:.2} of the whole read) = {:.0} delivered/s, {:.0} stream sequences/s",
            100.0 * one.messages as f64 / whole.messages as f64,
            one.messages,
            one.elapsed.as_secs_f64(),
            one.elapsed.as_secs_f64() / whole.elapsed.as_secs_f64(),
            per_second(one.messages, one.elapsed),
            per_second(one.last_seq, one.elapsed)
        );
    }
    for k in [2, 4, 17] {
        let codes: Vec<ProvinceCode> = PROVINCES[..k]
            .iter()
            .map(|p| ProvinceCode::from_number(p.code).expect("a listed province code"))
            .collect();
        // Each consumer read by a task of its own, as a partition's reader would spread them.
        let tasks: Vec<_> = codes
            .iter()
            .map(|code| {
                let (client, url, stream, code) =
                    (client.clone(), url.clone(), stream.clone(), *code);
                tokio::spawn(async move { read(&client, &url, &stream, Some(code)).await })
            })
            .collect();
        let mut reads = Vec::with_capacity(tasks.len());
        for task in tasks {
            reads.push(task.await??);
        }
        let elapsed = reads.iter().map(|r| r.elapsed).max().unwrap_or_default();
        let mut delivered = 0;
        for (code, r) in codes.iter().zip(&reads) {
            anyhow::ensure!(
                r.messages == expected(*code),
                "province {code}'s consumer delivered {} of its {} messages",
                r.messages,
                expected(*code)
            );
            delivered += r.messages;
        }
        println!(
            "{k} consumers at once, one per province ({:.1} % of the stream): {delivered} messages in {:.2} s ({:.2} of the whole read) = {:.0} delivered/s",
            100.0 * delivered as f64 / whole.messages as f64,
            elapsed.as_secs_f64(),
            elapsed.as_secs_f64() / whole.elapsed.as_secs_f64(),
            per_second(delivered, elapsed)
        );
    }
    Ok(())
}

/// Generates the national campaign and publishes it, the provinces interleaved (each message
/// placed by how far through its province's campaign it is) or one after another; returns the
/// stream and the messages it stored.
async fn publish(url: &str, scale: f64, interleaved: bool) -> anyhow::Result<(Stream, u64)> {
    let publisher = publisher(url).await;
    let mut messages = Vec::new();
    for scenario in national(2026, scale, 31) {
        let generated = generate(&scenario);
        let n = generated.messages.len() as f64;
        for (j, m) in generated.messages.into_iter().enumerate() {
            messages.push((j as f64 / n, m.message));
        }
    }
    if interleaved {
        // Stable: a province's messages keep their order.
        messages.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let total = messages.len() as u64;
    let started = Instant::now();
    let done = publisher
        .publish_all(messages.into_iter().map(|(_, m)| m))
        .await?;
    anyhow::ensure!(
        done.stored + done.duplicates == total,
        "every message acknowledged"
    );
    let stream = publisher
        .context()
        .get_stream(ehb_proto::subject::STREAM_NAME)
        .await?;
    println!(
        "national campaign at scale {scale}, provinces {}: {} messages stored ({} duplicates refused) in {:.0} s",
        if interleaved {
            "interleaved"
        } else {
            "one after another"
        },
        done.stored,
        done.duplicates,
        started.elapsed().as_secs_f64()
    );
    Ok((stream, done.stored))
}

/// Reads `stream` from its start through a consumer of its own, filtered by `province`'s
/// subjects if given, until nothing more comes.
async fn read(
    client: &async_nats::Client,
    url: &str,
    stream: &Stream,
    province: Option<ProvinceCode>,
) -> anyhow::Result<Read> {
    let started = Instant::now();
    let filter = province.map(province_filter);
    let (mut deliveries, _consumer) =
        ehb_eventlog::open_deliveries(client, url, stream, filter, 1).await?;
    let mut read = Read {
        messages: 0,
        last_seq: 0,
        elapsed: Duration::ZERO,
        by_province: HashMap::new(),
    };
    while let Ok(Some(delivered)) = tokio::time::timeout(DONE_AFTER, deliveries.next()).await {
        let delivered = delivered?;
        read.messages += 1;
        read.last_seq = delivered.seq;
        read.elapsed = started.elapsed();
        let province = delivered.subject.split('.').nth(2).unwrap_or_default();
        match read.by_province.get_mut(province) {
            Some(n) => *n += 1,
            None => {
                read.by_province.insert(province.to_owned(), 1);
            }
        }
    }
    Ok(read)
}

/// `n` over `elapsed`, per second.
fn per_second(n: u64, elapsed: Duration) -> f64 {
    n as f64 / elapsed.as_secs_f64().max(f64::EPSILON)
}
