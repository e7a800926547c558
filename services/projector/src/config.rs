//! The projector's settings: flags with environment fallbacks, defaulting to the local run's values.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use ehb_projection::ReportDeadlines;

/// Folds the EHB_EVENTS stream into per-ward counters in sled and serves the officials' queries.
#[derive(Debug, Clone, Parser)]
#[command(name = "ehb-projector", version)]
pub struct Config {
    /// NATS server URL(s), comma separated for a cluster.
    #[arg(long, env = "EHB_NATS_URL", default_value = "nats://127.0.0.1:4222")]
    pub nats_url: String,
    /// Folder of the sled store.
    #[arg(long, env = "EHB_STORE", default_value = "var/projector")]
    pub store: PathBuf,
    /// The officials' access file (tokens bound to a ward, a province or the nation); without
    /// it the API is open to anyone who can reach it.
    #[arg(long, env = "EHB_PROJECTOR_ACCESS")]
    pub access: Option<PathBuf>,
    /// Address the query API listens on.
    #[arg(long, env = "EHB_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Replicas of the stream when this process creates it (3 on a cluster).
    #[arg(long, env = "EHB_STREAM_REPLICAS", default_value_t = 1)]
    pub stream_replicas: usize,
    /// The most messages folded and committed in one batch.
    #[arg(long, env = "EHB_BATCH_MAX", default_value_t = 10_000)]
    pub batch_max: usize,
    /// Only these provinces (two-digit codes, comma separated); all when empty.
    #[arg(long = "province", env = "EHB_PROVINCES", value_delimiter = ',')]
    pub provinces: Vec<String>,
    /// When reports are due.
    #[command(flatten)]
    pub deadlines: ehb_projection::DeadlineArgs,
}

impl Config {
    /// The report deadlines these settings give.
    pub fn deadlines(&self) -> ReportDeadlines {
        self.deadlines.deadlines()
    }

    /// The subject filters to consume: one per province, or the whole stream.
    pub fn filters(&self) -> Result<Vec<String>, ehb_proto::ContractError> {
        self.provinces
            .iter()
            .map(|p| {
                ehb_proto::ProvinceCode::parse(p.trim()).map(ehb_proto::subject::province_filter)
            })
            .collect()
    }

    /// Settings for a local run with the given NATS URL, store folder and listen address.
    pub fn local(nats_url: &str, store: PathBuf, listen: SocketAddr) -> Self {
        Config {
            nats_url: nats_url.to_owned(),
            store,
            access: None,
            listen,
            stream_replicas: 1,
            batch_max: 10_000,
            provinces: Vec::new(),
            deadlines: ehb_projection::DeadlineArgs::default(),
        }
    }
}
