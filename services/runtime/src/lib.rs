//! What every ehb-tracker process does the same way: its log output (`RUST_LOG`, `info` by
//! default), its shutdown, a cancellation token fired by SIGTERM or Ctrl-C, and the secrets of
//! access files.

use tokio_util::sync::CancellationToken;

mod secrets;
pub use secrets::{
    AccessFileError, BySecret, bearer_credentials, parse_access_file, parse_sha256_hex, parse_toml,
    read_access_file, secret_sha256,
};

/// Sets up logging to standard error from `RUST_LOG` (default `info`); standard output stays
/// for what a command prints as its answer. `EHB_LOG_FORMAT=json` writes one JSON object per
/// line; otherwise text, coloured only when standard error is a terminal (a log file holds no
/// escape codes).
pub fn init_logging() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    match LogFormat::from_env() {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
    }
}

/// How log lines are written.
#[derive(Debug, PartialEq, Eq)]
enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

impl LogFormat {
    fn from_env() -> Self {
        Self::named(std::env::var("EHB_LOG_FORMAT").ok().as_deref())
    }

    fn named(name: Option<&str>) -> Self {
        match name {
            Some(n) if n.eq_ignore_ascii_case("json") => LogFormat::Json,
            _ => LogFormat::Text,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::LogFormat;

    #[test]
    fn json_is_asked_for_by_name() {
        assert_eq!(LogFormat::named(Some("json")), LogFormat::Json);
        assert_eq!(LogFormat::named(Some("JSON")), LogFormat::Json);
        assert_eq!(LogFormat::named(Some("text")), LogFormat::Text);
        assert_eq!(LogFormat::named(None), LogFormat::Text);
    }
}
