//! The gateway's command line: flags with environment fallbacks, defaulting to the local run.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use ehb_proto::BusinessDay;

/// `ehb-gateway`: authenticated HTTP ingest into the event log.
#[derive(Debug, Parser)]
#[command(name = "ehb-gateway", version, about)]
pub struct Cli {
    /// What to do (serve by default).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Serving flags.
    #[command(flatten)]
    pub serve: Config,
}

/// The gateway's subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Writes a new access file with a fresh pseudonymisation key and one API key per upstream
    /// source, and prints the keys (`<source> <key>` per line); they are shown only this once.
    InitAccess {
        /// Where to write the access file (refused if it exists).
        path: PathBuf,
    },
    /// Prints the SHA-256 to put in the access file for an API key read from standard input.
    HashKey,
}

/// How the gateway serves.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// NATS server URL(s), comma separated.
    #[arg(long, env = "EHB_NATS_URL", default_value = "nats://127.0.0.1:4222")]
    pub nats_url: String,
    /// Address of the HTTP API.
    #[arg(long, env = "EHB_LISTEN", default_value = "127.0.0.1:8081")]
    pub listen: SocketAddr,
    /// The access file: API keys (hashed) with what each may publish, and the pseudonymisation key.
    #[arg(
        long,
        env = "EHB_GATEWAY_ACCESS",
        default_value = "var/gateway-access.toml"
    )]
    pub access: PathBuf,
    /// Most lines in one NDJSON batch.
    #[arg(long, default_value_t = 10_000)]
    pub max_lines: usize,
    /// Most bytes in one request body.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    pub max_bytes: usize,
    /// How long to wait for the stream to acknowledge a publish before answering 503.
    #[arg(long, value_parser = parse_millis, default_value = "5000")]
    pub ack_timeout_ms: Duration,
    /// Publishes kept in flight.
    #[arg(long, default_value_t = 4096)]
    pub in_flight: usize,
    /// The first business day of the campaign; earlier `occurred_at` is refused (default: the
    /// day the 2026 peak-period plan was issued, Kế hoạch 58/KH-UBND).
    #[arg(long, value_parser = parse_day, default_value = "2026-02-24")]
    pub campaign_start: BusinessDay,
    /// How far in the future (clock skew) an `occurred_at` may be, in seconds.
    #[arg(long, default_value_t = 300)]
    pub max_skew_secs: u64,
    /// Replicas of the stream when the gateway creates it (3 on a cluster).
    #[arg(long, env = "EHB_STREAM_REPLICAS", default_value_t = 1)]
    pub stream_replicas: usize,
}

fn parse_millis(text: &str) -> Result<Duration, String> {
    text.parse::<u64>()
        .map(Duration::from_millis)
        .map_err(|e| format!("milliseconds expected: {e}"))
}

fn parse_day(text: &str) -> Result<BusinessDay, String> {
    BusinessDay::parse("campaign-start", text).map_err(|e| e.to_string())
}
