//! `ehb-simulator`: publishes a seeded campaign of one province onto the stream.

use clap::Parser;
use ehb_eventlog::{Publisher, StreamSettings};
use ehb_proto::{BusinessDay, ProvinceCode};
use ehb_simulator::emit::{Emitted, emit_through_gateway, read_keys};
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
    /// Simulated seconds per real second (43200: a day every two seconds); 0 publishes at once.
    #[arg(long, default_value_t = 43_200.0)]
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
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ehb_runtime::init_logging();
    let args = Args::parse();
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
