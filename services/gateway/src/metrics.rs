//! The gateway's metrics in Prometheus text format: events accepted, duplicates, refused by
//! reason, not stored, and the time publishes take to be acknowledged.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Labels: an event type.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TypeLabel {
    /// The event type, e.g. `card.integrated`.
    pub r#type: &'static str,
}

/// Labels: why an event was refused.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabel {
    /// The refusal's kind, e.g. `invalid_field`, `forbidden`.
    pub reason: &'static str,
}

/// Labels: an HTTP status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabel {
    /// The status code.
    pub status: u16,
}

/// Every metric the gateway keeps.
pub struct Metrics {
    registry: Registry,
    /// Events stored for the first time, by type.
    pub accepted: Family<TypeLabel, Counter>,
    /// Events the stream already had (same id within its window), by type.
    pub duplicates: Family<TypeLabel, Counter>,
    /// Events refused, by reason.
    pub rejected: Family<ReasonLabel, Counter>,
    /// Events answered 503: not acknowledged by the stream.
    pub unavailable: Counter,
    /// Requests answered, by status.
    pub requests: Family<StatusLabel, Counter>,
    /// Time from a request's first publish to its last acknowledgement.
    pub publish_seconds: Histogram,
    /// 1 while the NATS connection is up.
    pub nats_connected: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("ehb_gateway");
        let metrics = Metrics {
            accepted: Family::default(),
            duplicates: Family::default(),
            rejected: Family::default(),
            unavailable: Counter::default(),
            requests: Family::default(),
            publish_seconds: Histogram::new([
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            nats_connected: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register(
            "events_accepted",
            "Events stored in the stream for the first time",
            metrics.accepted.clone(),
        );
        registry.register(
            "events_duplicate",
            "Events the stream already held (same id), not stored again",
            metrics.duplicates.clone(),
        );
        registry.register(
            "events_rejected",
            "Events refused, by reason",
            metrics.rejected.clone(),
        );
        registry.register(
            "events_unavailable",
            "Events answered 503 because the stream did not acknowledge them",
            metrics.unavailable.clone(),
        );
        registry.register(
            "requests",
            "Requests answered, by HTTP status",
            metrics.requests.clone(),
        );
        registry.register(
            "publish_seconds",
            "Time from a request's first publish to its last acknowledgement",
            metrics.publish_seconds.clone(),
        );
        registry.register(
            "nats_connected",
            "1 while the connection to NATS is up",
            metrics.nats_connected.clone(),
        );
        Metrics {
            registry,
            ..metrics
        }
    }
}

impl Metrics {
    /// Records how long a request's publishes took to be acknowledged.
    pub fn published_in(&self, elapsed: Duration) {
        self.publish_seconds.observe(elapsed.as_secs_f64());
    }

    /// The metrics in Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
