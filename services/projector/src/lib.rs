//! The projector: consumes the event stream, folds it into per-ward counters kept in sled, and
//! serves the officials' queries.
//!
//! Layout:
//! - [`config`]: flags and environment; [`run`] is the service, `main.rs` only parses and waits.
//! - the sled store (state and stream position in one atomic batch) is `ehb-store`.
//! - [`ingest`]: the stream reader task and the folder thread.
//! - [`shared`]: the projection, store and status the API reads.
//! - [`api`]: the HTTP routes, one error type, parameter parsing.

pub mod access;
pub mod api;
pub mod config;
pub mod ingest;
pub mod shared;

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream;
use ehb_eventlog::{LogError, StreamSettings};
use thiserror::Error;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub use config::Config;
use ehb_store::{Store, StoreError};
use ingest::Filter;
use shared::Shared;

/// Why the projector stopped.
#[derive(Debug, Error)]
pub enum ProjectorError {
    /// The store could not be opened, read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The log could not be reached.
    #[error(transparent)]
    Log(#[from] LogError),
    /// A province the projector is to own is not a province code.
    #[error("invalid setting --province (EHB_PROVINCES): {0}")]
    Config(#[source] ehb_proto::ContractError),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The officials' access file cannot be used.
    #[error(transparent)]
    Access(#[from] access::AccessError),
    /// A task of the projector died.
    #[error("internal task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Runs the projector until `cancel` fires (SIGTERM) or a fatal error; on the way out it
/// commits what it folded and flushes the store.
pub async fn run(config: Config, cancel: CancellationToken) -> Result<(), ProjectorError> {
    let filters = config.filters().map_err(ProjectorError::Config)?;
    let shared = load(&config).await?;
    let server = serve(&config, shared.clone(), cancel.clone()).await?;
    let Some(js) = stream(&config, &cancel).await? else {
        // Shut down before the stream was reached: only the API ran.
        let _ = server.await;
        return Ok(());
    };
    let filter = Filter::new(&filters);
    let (tx, rx) = mpsc::channel(1);
    let folder = {
        let shared = shared.clone();
        let filter = filter.clone();
        tokio::task::spawn_blocking(move || ingest::fold_batches(shared, filter, rx))
    };
    let reader_cancel = cancel.child_token();
    let reader = tokio::spawn(ingest::read_stream(
        js.clone(),
        config.nats_url.clone(),
        filter,
        shared.clone(),
        tx,
        config.batch_max.max(1),
        reader_cancel.clone(),
    ));
    let watcher = tokio::spawn(ingest::watch_stream(
        js,
        shared.clone(),
        reader_cancel.clone(),
    ));

    // The folder ends when the reader stops sending (shutdown) or on a store failure.
    let folded = folder.await?;
    reader_cancel.cancel();
    cancel.cancel();
    let _ = reader.await;
    let _ = watcher.await;
    let _ = server.await;
    folded?;
    tracing::info!(
        committed_seq = shared.status.committed_seq(),
        "ProjectorStopped"
    );
    Ok(())
}

/// The projection from the store (rebuilt from nothing when the store was set aside), with the
/// officials' access file.
async fn load(config: &Config) -> Result<Arc<Shared>, ProjectorError> {
    let deadlines = config.deadlines();
    let started = Instant::now();
    let path = config.store.clone();
    let (store, projection, _) =
        tokio::task::spawn_blocking(move || Store::open_or_set_aside(&path, deadlines)).await??;
    tracing::info!(
        store = %config.store.display(),
        applied_seq = projection.position().seq,
        wards = projection.wards_len(),
        citizens = projection.citizens_len(),
        load_ms = started.elapsed().as_millis() as u64,
        "ProjectionLoaded"
    );
    let officials = match &config.access {
        Some(path) => Some(access::Officials::load(path)?),
        None => None,
    };
    Ok(Arc::new(Shared::new(projection, store, officials)))
}

/// The query API, listening until `cancel`.
async fn serve(
    config: &Config,
    shared: Arc<Shared>,
    cancel: CancellationToken,
) -> Result<tokio::task::JoinHandle<std::io::Result<()>>, ProjectorError> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ProjectorError::Listen {
            addr: config.listen,
            source,
        })?;
    tracing::info!(listen = %config.listen, "QueryApiListening");
    let app = api::router(shared);
    Ok(tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(cancel.cancelled_owned())
            .await
    }))
}

/// NATS connected and the stream set up, retried until they are; `None` when `cancel` fired
/// first.
async fn stream(
    config: &Config,
    cancel: &CancellationToken,
) -> Result<Option<jetstream::Context>, ProjectorError> {
    let client = match ehb_eventlog::connect(
        &config.nats_url,
        "ehb-projector",
        cancel.clone().cancelled_owned(),
    )
    .await
    {
        Ok(c) => c,
        Err(LogError::Shutdown) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let js = jetstream::new(client);
    let settings = StreamSettings {
        replicas: config.stream_replicas,
        ..StreamSettings::default()
    };
    loop {
        match ehb_eventlog::ensure_stream(&js, &settings).await {
            Ok(_) => return Ok(Some(js)),
            Err(err) => {
                tracing::warn!(error = %err, "StreamSetupFailed");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = cancel.cancelled() => return Ok(None),
                }
            }
        }
    }
}
