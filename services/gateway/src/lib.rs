//! The ingest gateway: upstream systems publish over HTTPS with an API key; the gateway
//! validates each event, pseudonymises personal identifiers, publishes it to the stream with
//! de-duplication and answers every event's fate.
//!
//! Layout:
//! - [`config`]: flags and environment; [`run`] is the service, `main.rs` only parses and waits.
//! - [`access`]: API keys (hashed) and what each may publish (the keyed hash of citizens is
//!   `ehb_proto::PseudonymKey`).
//! - [`intake`]: one event's validation and permission checks (pure).
//! - [`registry`]: the wards with a baseline, followed from the stream.
//! - [`api`]: the HTTP routes, one error type, the OpenAPI document; [`metrics`]: Prometheus.

pub mod access;
pub mod api;
pub mod config;
pub mod intake;
pub mod metrics;
pub mod registry;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use ehb_eventlog::{LogError, Publisher, StreamSettings};
use thiserror::Error;
use tokio_util::sync::CancellationToken;

pub use config::Config;

/// Why the gateway stopped.
#[derive(Debug, Error)]
pub enum GatewayError {
    /// The access file is missing or wrong.
    #[error(transparent)]
    Access(#[from] access::AccessError),
    /// The NATS client could not be set up.
    #[error(transparent)]
    Log(#[from] LogError),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The HTTP server failed.
    #[error("HTTP server failed: {0}")]
    Serve(std::io::Error),
}

/// Runs the gateway until `cancel` fires (SIGTERM); it serves at once, answering 503 for
/// events while the event log is unreachable, and reconnects by itself.
pub async fn run(config: Config, cancel: CancellationToken) -> Result<(), GatewayError> {
    let access = access::Access::load(&config.access)?;
    let client = ehb_eventlog::connect_in_background(&config.nats_url, "ehb-gateway").await?;
    let publisher =
        Publisher::with_ack_timeout(client.clone(), config.in_flight, config.ack_timeout_ms);
    let registry = Arc::new(registry::Registry::default());
    let app = Arc::new(api::App {
        access,
        window: intake::TimeWindow {
            campaign_start: config.campaign_start,
            max_skew: Duration::from_secs(config.max_skew_secs),
        },
        registry: registry.clone(),
        publisher: publisher.clone(),
        client,
        stream_ready: Default::default(),
        limits: api::Limits {
            max_lines: config.max_lines,
            max_bytes: config.max_bytes,
        },
        metrics: Default::default(),
    });
    let settings = StreamSettings {
        replicas: config.stream_replicas,
        ..Default::default()
    };
    tokio::spawn(set_up_stream(app.clone(), settings, cancel.clone()));
    let js = publisher.context().clone();
    let following = cancel.clone();
    tokio::spawn(async move { registry.follow(js, following).await });

    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| GatewayError::Listen {
            addr: config.listen,
            source,
        })?;
    tracing::info!(
        listen = %config.listen,
        nats = %config.nats_url,
        publishers = app.access.publishers().count(),
        "GatewayListening"
    );
    for publisher in app.access.publishers() {
        tracing::info!(
            name = %publisher.name,
            source = %publisher.source,
            types = ?publisher.types,
            provinces = ?publisher.provinces,
            "PublisherAllowed"
        );
    }
    let stopping = cancel.clone();
    axum::serve(listener, api::router(app))
        .with_graceful_shutdown(async move { stopping.cancelled().await })
        .await
        .map_err(GatewayError::Serve)?;
    tracing::info!("GatewayStopped");
    Ok(())
}

/// Creates or updates the stream once NATS answers, retrying until it succeeds or shutdown.
async fn set_up_stream(app: Arc<api::App>, settings: StreamSettings, cancel: CancellationToken) {
    let mut delay = Duration::from_millis(100);
    loop {
        match ehb_eventlog::ensure_stream(app.publisher.context(), &settings).await {
            Ok(_) => {
                app.stream_ready.store(true, Ordering::Relaxed);
                tracing::info!("StreamReady");
                return;
            }
            Err(err) => tracing::warn!(error = %err, "StreamNotReady"),
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = cancel.cancelled() => return,
        }
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}
