//! `ehb-query-bench`: the officials' queries at the nation's size while the projector ingests.
//!
//! Reproduce with `scripts/bench` (which runs it after `ehb-bench`) or `cargo build --release
//! --bins && target/release/ehb-query-bench [--scale 0.02] [--rate 50000] [--wards-only]`. It:
//! 1. generates the national campaign (34 provinces, 3,321 wards, residents × `--scale`) and
//!    publishes the first half of every province's messages (the days so far);
//! 2. publishes the other half, the provinces interleaved, at `--rate` events/s, while one client
//!    asks, one question after another, a random ward's daily answer, the national two-day
//!    review (every province and ward) of the day being ingested, and the national review of the
//!    last finished day (the day before it, at the start of the load), each timed from request to
//!    the whole answer read;
//! 3. prints the rate reached, each question's p50 / p99 / max, and how many of the reviews'
//!    province parts were served again rather than computed.
//!
//! The machine is small and noisy: nats-server, the publisher, the projector and the client
//! share two cores.

use std::time::{Duration, Instant};

use ehb_e2e::{NatsServer, Projector, flag, percentile, publisher};
use ehb_eventlog::Outgoing;
use ehb_simulator::generate;
use ehb_simulator::national::national;
use rand::{Rng, SeedableRng};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let scale: f64 = flag(&args, "--scale").unwrap_or(0.02);
    let rate: u64 = flag(&args, "--rate").unwrap_or(50_000);
    let seed: u64 = flag(&args, "--seed").unwrap_or(2026);
    // `--wards-only`: the wards' answers alone, to tell their own time from the review's weight.
    let with_review = !args.iter().any(|a| a == "--wards-only");

    // 1. The campaign's first half, every province.
    let (mut history, mut later, mut wards) = (Vec::new(), Vec::new(), Vec::new());
    for scenario in national(seed, scale, 31) {
        let generated = generate(&scenario);
        wards.extend(generated.truth.wards.keys().map(ToString::to_string));
        let mut messages: Vec<Outgoing> =
            generated.messages.into_iter().map(|m| m.message).collect();
        let rest = messages.split_off(messages.len() / 2);
        history.extend(messages);
        later.push(rest);
    }
    let later = interleave(later);
    let nats = NatsServer::start();
    let dir = tempfile::tempdir()?;
    let projector = Projector::start(&nats.url(), &dir.path().join("store")).await;
    let publisher = publisher(&nats.url()).await;
    let done = publisher.publish_all(history.iter().cloned()).await?;
    projector
        .wait_applied(done.last_seq, Duration::from_secs(600))
        .await;
    println!(
        "nation at scale {scale}: {} wards in 34 provinces, {} messages folded before the load",
        wards.len(),
        history.len()
    );

    // 2. The second half at `rate`, and the questions meanwhile.
    let events = later.len();
    let finished = finished_day(&projector.base).await?;
    let publishing = async {
        let started = Instant::now();
        let slice = (rate / 100).max(1) as usize;
        for (i, chunk) in later.chunks(slice).enumerate() {
            publisher.publish_all(chunk.iter().cloned()).await?;
            let due = started + Duration::from_millis(10 * (i as u64 + 1));
            tokio::time::sleep_until(due.into()).await;
        }
        anyhow::Ok(started.elapsed())
    };
    // The client asks from a thread and runtime of its own, so that the publisher's bursts in
    // this process do not delay reading the answers.
    let base = projector.base.clone();
    let asking = async move {
        let client = reqwest::Client::new();
        let mut random = rand::rngs::StdRng::seed_from_u64(seed);
        let (mut ward_times, mut review_times, mut finished_times) =
            (Vec::new(), Vec::new(), Vec::new());
        let (mut ward_bytes, mut review_bytes, mut finished_bytes) = (0usize, 0usize, 0usize);
        let finished_review = format!("/v1/review?date={finished}");
        let until = Instant::now() + Duration::from_secs_f64(events as f64 / rate as f64);
        while Instant::now() < until {
            let ward = &wards[random.random_range(0..wards.len())];
            let (took, bytes) =
                timed_get(&client, &base, &format!("/v1/wards/{ward}/daily")).await?;
            ward_times.push(took);
            ward_bytes = bytes;
            if with_review {
                let (took, bytes) = timed_get(&client, &base, "/v1/review").await?;
                review_times.push(took);
                review_bytes = bytes;
                let (took, bytes) = timed_get(&client, &base, &finished_review).await?;
                finished_times.push(took);
                finished_bytes = bytes;
            }
        }
        anyhow::Ok([
            (ward_times, ward_bytes),
            (review_times, review_bytes),
            (finished_times, finished_bytes),
        ])
    };
    let asker = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(asking)
    });
    let published = publishing.await;
    let asked = asker
        .join()
        .map_err(|_| anyhow::anyhow!("the asking thread panicked"))?;
    let elapsed = published?;
    let [
        (mut ward_times, ward_bytes),
        (mut review_times, review_bytes),
        (mut finished_times, finished_bytes),
    ] = asked?;
    ward_times.sort();
    review_times.sort();
    finished_times.sort();
    println!(
        "ingest during the questions: {events} events in {:.1} s = {:.0} events/s (asked for {rate})",
        elapsed.as_secs_f64(),
        events as f64 / elapsed.as_secs_f64()
    );
    for (what, times, bytes) in [
        ("ward daily answer", &ward_times, ward_bytes),
        (
            "national two-day review, day being ingested",
            &review_times,
            review_bytes,
        ),
        (
            &format!("national two-day review, finished day {finished}"),
            &finished_times,
            finished_bytes,
        ),
    ] {
        if times.is_empty() {
            continue;
        }
        println!(
            "{what}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} asked, {bytes} bytes each)",
            millis(percentile(times, 0.5)),
            millis(percentile(times, 0.99)),
            millis(times.last().copied().unwrap_or_default()),
            times.len()
        );
    }
    if with_review {
        let reused = projector.metric("ehb_review_parts_reused_total").await;
        let computed = projector.metric("ehb_review_parts_computed_total").await;
        println!(
            "reviews' province parts: {reused} served again, {computed} computed ({:.0} % again)",
            100.0 * reused as f64 / (reused + computed).max(1) as f64
        );
    }
    Ok(())
}

/// The day before the national review's day: the last day whose events are all in.
async fn finished_day(base: &str) -> anyhow::Result<jiff::civil::Date> {
    let review: serde_json::Value = reqwest::get(format!("{base}/v1/review"))
        .await?
        .json()
        .await?;
    let date: jiff::civil::Date = review["date"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("the review states no date"))?
        .parse()?;
    Ok(date.yesterday()?)
}

/// The provinces' messages one from each in turn, as a nation's events arrive.
fn interleave(provinces: Vec<Vec<Outgoing>>) -> Vec<Outgoing> {
    let mut queues: Vec<std::vec::IntoIter<Outgoing>> =
        provinces.into_iter().map(Vec::into_iter).collect();
    let mut all = Vec::new();
    loop {
        let before = all.len();
        all.extend(queues.iter_mut().filter_map(Iterator::next));
        if all.len() == before {
            return all;
        }
    }
}

/// A GET answered 200, timed until its whole body is read; the time and the body's size.
async fn timed_get(
    client: &reqwest::Client,
    base: &str,
    path: &str,
) -> anyhow::Result<(Duration, usize)> {
    let started = Instant::now();
    let response = client.get(format!("{base}{path}")).send().await?;
    anyhow::ensure!(response.status() == 200, "{path}: {}", response.status());
    let body = response.bytes().await?;
    Ok((started.elapsed(), body.len()))
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
