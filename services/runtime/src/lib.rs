//! What every ehb-tracker process does the same way: its log output (`RUST_LOG`, `info` by
//! default), its shutdown, a cancellation token fired by SIGTERM or Ctrl-C, and the report
//! deadline flags, and the secrets of access files.

use tokio_util::sync::CancellationToken;

mod deadlines;
mod secrets;
pub use deadlines::DeadlineArgs;
pub use secrets::{bearer_credentials, parse_sha256_hex, parse_toml, secret_sha256};

/// Sets up logging to standard error from `RUST_LOG` (default `info`); standard output stays
/// for what a command prints as its answer.
pub fn init_logging() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
}

/// A token that is cancelled when the process receives SIGTERM or Ctrl-C.
pub fn shutdown_token() -> CancellationToken {
    let cancel = CancellationToken::new();
    tokio::spawn(stop_on_signal(cancel.clone()));
    cancel
}

async fn stop_on_signal(cancel: CancellationToken) {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = term => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    tracing::info!("ShutdownRequested");
    cancel.cancel();
}
