//! `ehb-simulator`: publishes a seeded campaign of one province onto the stream.

use clap::{Parser, Subcommand};
use ehb_eventlog::{Publisher, StreamSettings};
use ehb_proto::{BusinessDay, ProvinceCode};
use ehb_simulator::emit::{Emitted, emit_through_gateway, read_keys};
use ehb_simulator::load::{Target, Watcher, campaign_events, peak_rss_kib, percentile};
use ehb_simulator::progress::Progress;
use ehb_simulator::publish::{publish_fast, publish_paced};
use ehb_simulator::{Scenario, generate};

/// Simulated upstream systems publishing a reproducible campaign.
#[derive(Debug, Parser)]
#[command(name = "ehb-simulator", version)]
struct Args {
    /// NATS server URL(s).
    #[arg(long, env = "EHB_NATS_URL", default_value = "nats://127.0.0.1:4222")]
    nats_url: String,
    /// Seed: the same seed publishes the same events.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Province code.
    #[arg(long, default_value = "31")]
    province: String,
    /// Number of wards.
    #[arg(long, default_value_t = 80)]
    wards: u32,
    /// Residents of the province.
    #[arg(long, default_value_t = 1_800_000)]
    residents: u64,
    /// First day of the campaign.
    #[arg(long, default_value = "2026-03-01")]
    start: String,
    /// Days of the campaign.
    #[arg(long, default_value_t = 31)]
    days: u32,
    /// Simulated seconds per real second (14400: a day every six seconds, the month in about
    /// three minutes; 1: real time); 0 publishes at once.
    #[arg(long, default_value_t = 14_400.0)]
    speed: f64,
    /// Publishes in flight.
    #[arg(long, default_value_t = 4096)]
    in_flight: usize,
    /// A file recording how far publishing got; a re-run with the same campaign continues from
    /// there instead of publishing it again.
    #[arg(long, env = "EHB_SIMULATOR_PROGRESS")]
    progress: Option<std::path::PathBuf>,
    /// Post through the ingest gateway at this URL (each source its own emitter with its own
    /// key) instead of publishing to NATS directly.
    #[arg(long, env = "EHB_GATEWAY_URL", requires = "gateway_keys")]
    gateway_url: Option<String>,
    /// The gateway's API keys, `<source> <key>` per line (as `ehb-gateway init-access` prints).
    #[arg(long, env = "EHB_GATEWAY_KEYS")]
    gateway_keys: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load mode: N events as fast as possible over NATS or through the gateway; prints events/s
    /// and the lag from acknowledgement to visible in the projector's queries (p50/p99).
    Load(LoadArgs),
}

/// Where load goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Via {
    /// Publish to JetStream directly.
    Nats,
    /// POST NDJSON batches to the gateway, each source with its own key.
    Gateway,
}

#[derive(Debug, clap::Args)]
struct LoadArgs {
    /// Events to send.
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Over NATS or through the gateway (`--gateway-url`, `--gateway-keys`).
    #[arg(long, value_enum, default_value_t = Via::Nats)]
    via: Via,
    /// The projector whose queries must show the events.
    #[arg(
        long,
        env = "EHB_PROJECTOR_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    projector_url: String,
    /// A national official's token, when the projector has officials (`scripts/run`'s does).
    #[arg(long, env = "EHB_PROJECTOR_TOKEN")]
    projector_token: Option<String>,
    /// Seed of the events (default: from the clock, so that a second run sends new events).
    #[arg(long)]
    seed: Option<u64>,
    /// Over NATS: events per acknowledged slice (lag is measured per slice).
    #[arg(long, default_value_t = 10_000)]
    slice: usize,
    /// Through the gateway: events per request.
    #[arg(long, default_value_t = 1_000)]
    batch: usize,
    /// Through the gateway: requests in flight.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Give up when the projector shows no progress for this many seconds.
    #[arg(long, default_value_t = 120)]
    timeout_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ehb_runtime::init_logging();
    let args = Args::parse();
    if let Some(Command::Load(load)) = &args.command {
        return run_load(&args, load).await;
    }
    let province = ProvinceCode::parse(&args.province)?;
    let start = BusinessDay::parse("start", &args.start)?;
    let scenario = Scenario {
        province,
        start,
        ..Scenario::small(args.seed, args.wards, args.residents, args.days)
    };
    let generated = generate(&scenario);
    tracing::info!(
        messages = generated.messages.len(),
        integrated = generated.truth.integrated(),
        accounts = generated.truth.accounts(),
        "CampaignGenerated"
    );
    let cancel = ehb_runtime::shutdown_token();
    let campaign = format!(
        "seed {} province {} wards {} residents {} start {} days {}: {} messages",
        args.seed,
        province,
        args.wards,
        args.residents,
        start,
        args.days,
        generated.messages.len()
    );
    if let (Some(url), Some(keys)) = (&args.gateway_url, &args.gateway_keys) {
        let keys = read_keys(keys)?;
        let totals = emit_through_gateway(
            url.trim_end_matches('/'),
            &keys,
            &generated.messages,
            args.speed,
            cancel,
            args.progress.clone(),
            &campaign,
        )
        .await?;
        let sum = |f: fn(&Emitted) -> u64| totals.values().map(f).sum::<u64>();
        tracing::info!(
            accepted = sum(|e| e.accepted),
            duplicates = sum(|e| e.duplicates),
            rejected = sum(|e| e.rejected),
            "CampaignEmitted"
        );
        return Ok(());
    }
    let client = match ehb_eventlog::connect(
        &args.nats_url,
        "ehb-simulator",
        cancel.clone().cancelled_owned(),
    )
    .await
    {
        Ok(c) => c,
        Err(ehb_eventlog::LogError::Shutdown) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let publisher = Publisher::new(client, args.in_flight);
    ehb_eventlog::ensure_stream(publisher.context(), &StreamSettings::default()).await?;
    let mut progress = Progress::open(args.progress.clone(), campaign);
    if progress.published() > 0 {
        tracing::info!(published = progress.published(), "CampaignContinues");
    }
    let done = if args.speed <= 0.0 {
        publish_fast(&publisher, &generated.messages, &mut progress).await?
    } else {
        publish_paced(
            &publisher,
            &generated.messages,
            args.speed,
            cancel,
            &mut progress,
        )
        .await?
    };
    tracing::info!(
        stored = done.stored,
        duplicates = done.duplicates,
        last_seq = done.last_seq,
        "CampaignPublished"
    );
    Ok(())
}

/// Runs load mode and prints what it measured.
async fn run_load(args: &Args, load: &LoadArgs) -> anyhow::Result<()> {
    let seed = load.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(1)
    });
    let started = std::time::Instant::now();
    let messages = campaign_events(seed, load.events, args.wards);
    println!(
        "load: {} events of a clean campaign (seed {seed}, {} wards), generated in {:.1} s",
        messages.len(),
        args.wards,
        started.elapsed().as_secs_f64()
    );
    let target = match load.via {
        Via::Nats => {
            let client = ehb_eventlog::connect_now(&args.nats_url, "ehb-simulator-load").await?;
            let publisher = Publisher::new(client, args.in_flight);
            ehb_eventlog::ensure_stream(publisher.context(), &StreamSettings::default()).await?;
            println!(
                "  over NATS {}: slices of {}, {} publishes in flight",
                args.nats_url, load.slice, args.in_flight
            );
            Target::Nats {
                publisher,
                slice: load.slice,
            }
        }
        Via::Gateway => {
            let (Some(url), Some(keys)) = (&args.gateway_url, &args.gateway_keys) else {
                anyhow::bail!("--via gateway needs --gateway-url and --gateway-keys");
            };
            println!(
                "  through the gateway {url}: batches of {}, {} requests in flight",
                load.batch, load.concurrency
            );
            Target::Gateway {
                base: url.clone(),
                keys: read_keys(keys)?,
                batch: load.batch,
                concurrency: load.concurrency,
            }
        }
    };
    let watcher =
        Watcher::new(&load.projector_url, "applied_seq").with_token(load.projector_token.clone());
    let timeout = std::time::Duration::from_secs(load.timeout_secs);
    let report = ehb_simulator::load::run(target, messages, &watcher, timeout).await?;
    let rate = |d: std::time::Duration| report.events as f64 / d.as_secs_f64().max(1e-9);
    let ms = |p: f64| percentile(&report.lags, p).as_millis();
    println!(
        "  acknowledged: {} stored, {} duplicates, {} rejected in {:.2} s = {:.0} events/s",
        report.stored,
        report.duplicates,
        report.rejected,
        report.acknowledged_in.as_secs_f64(),
        rate(report.acknowledged_in)
    );
    println!(
        "  visible in the projector's queries: all in {:.2} s = {:.0} events/s; the projector applied {} more events",
        report.visible_in.as_secs_f64(),
        rate(report.visible_in),
        report.applied
    );
    println!(
        "  lag from acknowledgement to visible ({} slices): p50 {} ms, p99 {} ms, max {} ms",
        report.lags.len(),
        ms(0.5),
        ms(0.99),
        report.lags.last().copied().unwrap_or_default().as_millis()
    );
    println!(
        "  simulator peak RSS: {} MiB",
        peak_rss_kib("self").unwrap_or(0) / 1024
    );
    Ok(())
}
