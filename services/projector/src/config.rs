//! The projector's settings: flags with environment fallbacks, defaulting to the local run's values.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use ehb_projection::ReportDeadlines;
use jiff::civil::Weekday;

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
    /// Hour (UTC+07:00) of the next day by which a daily report is due.
    #[arg(long, env = "EHB_DAILY_REPORT_BY_HOUR", default_value_t = 8, value_parser = clap::value_parser!(u8).range(0..=23))]
    pub daily_report_by_hour: u8,
    /// Weekday of the following week before which a weekly report is due.
    #[arg(long, env = "EHB_WEEKLY_REPORT_BEFORE", default_value = "wednesday", value_parser = parse_weekday)]
    pub weekly_report_before: Weekday,
    /// Day of the month before which the monthly report is due.
    #[arg(long, env = "EHB_MONTHLY_REPORT_BEFORE_DAY", default_value_t = 25, value_parser = clap::value_parser!(u8).range(1..=28))]
    pub monthly_report_before_day: u8,
}

impl Config {
    /// The report deadlines these settings give.
    pub fn deadlines(&self) -> ReportDeadlines {
        ReportDeadlines {
            daily_by_hour: self.daily_report_by_hour,
            weekly_before: self.weekly_report_before,
            monthly_before_day: self.monthly_report_before_day,
        }
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
            listen,
            stream_replicas: 1,
            batch_max: 10_000,
            provinces: Vec::new(),
            daily_report_by_hour: 8,
            weekly_report_before: Weekday::Wednesday,
            monthly_report_before_day: 25,
        }
    }
}

fn parse_weekday(text: &str) -> Result<Weekday, String> {
    match text.to_ascii_lowercase().as_str() {
        "monday" => Ok(Weekday::Monday),
        "tuesday" => Ok(Weekday::Tuesday),
        "wednesday" => Ok(Weekday::Wednesday),
        "thursday" => Ok(Weekday::Thursday),
        "friday" => Ok(Weekday::Friday),
        "saturday" => Ok(Weekday::Saturday),
        "sunday" => Ok(Weekday::Sunday),
        _ => Err("must be a weekday name such as wednesday".into()),
    }
}
