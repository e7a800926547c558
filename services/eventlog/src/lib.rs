//! The JetStream log of record, as every service uses it.
//!
//! Layout:
//! - [`connect`]: a client that retries until the server answers (or shutdown).
//! - [`ensure_stream`]: creates or updates `EHB_EVENTS` idempotently with the contract's settings.
//! - [`Publisher`]: publishes events with `Nats-Msg-Id = id`, many in flight, awaiting every ack.
//! - [`open_deliveries`]: the stream's messages in stored order, from a given sequence, read on a
//!   connection of their own (`wire`).

use std::time::Duration;

mod delivery;
mod stored;
mod wire;
pub use delivery::{Deliveries, DeliveryError, open_deliveries};
pub use stored::{Gap, Stored, read_gap, read_range, stream_range};

use async_nats::jetstream::context::PublishAckFuture;
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::{self, Context, stream};
use bytes::Bytes;
use ehb_proto::subject::{DUPLICATE_WINDOW, STREAM_NAME, STREAM_SUBJECTS};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use thiserror::Error;

/// Why the log could not be reached or written.
#[derive(Debug, Error)]
pub enum LogError {
    /// The NATS server did not accept a connection.
    #[error("cannot connect to NATS at {url}: {source}")]
    Connect {
        /// The server URL(s).
        url: String,
        /// What the client reported.
        #[source]
        source: async_nats::ConnectError,
    },
    /// The stream could not be created or brought to the contract's settings.
    #[error("cannot create or update the stream {STREAM_NAME}: {0}")]
    Stream(#[source] Cause),
    /// A publish was not acknowledged by the stream; the event is not stored.
    #[error("publish not acknowledged, the event is not stored: {0}")]
    Publish(#[source] Cause),
    /// Waiting for the server was cut short by shutdown.
    #[error("shutting down")]
    Shutdown,
}

/// What the NATS client (or the stream's own check) reported, kept as the error's cause.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// How the stream is set up.
#[derive(Debug, Clone)]
pub struct StreamSettings {
    /// Replicas of the stream (1 locally, 3 on a cluster).
    pub replicas: usize,
    /// The de-duplication window on `Nats-Msg-Id` (at least 10 minutes).
    pub duplicate_window: Duration,
}

impl Default for StreamSettings {
    fn default() -> Self {
        StreamSettings {
            replicas: 1,
            duplicate_window: DUPLICATE_WINDOW,
        }
    }
}

/// The servers of a URL list: `nats://a:4222,nats://b:4222` (each may carry `user:password@`).
fn servers(url: &str) -> Vec<&str> {
    url.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The client settings every service uses: its name, a 5-second connection timeout, and the
/// user and password the URL carries (`nats://user:password@host:4222`), if any.
fn options(name: &str, url: &str) -> async_nats::ConnectOptions {
    let options = async_nats::ConnectOptions::new()
        .name(name)
        .connection_timeout(Duration::from_secs(5));
    match credentials(url) {
        Some((user, password)) => options.user_and_password(user, password),
        None => options,
    }
}

/// The user and password of the first server of `url`.
fn credentials(url: &str) -> Option<(String, String)> {
    let first: async_nats::ServerAddr = servers(url).first()?.parse().ok()?;
    Some((first.username()?.to_owned(), first.password()?.to_owned()))
}

/// Connects to NATS at `url` (comma-separated for a cluster), retrying with backoff until the
/// server answers or `shutdown` resolves.
pub async fn connect(
    url: &str,
    name: &str,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<async_nats::Client, LogError> {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut delay = Duration::from_millis(100);
    loop {
        let attempt = options(name, url).connect(servers(url));
        match attempt.await {
            Ok(client) => return Ok(client),
            Err(err) => {
                tracing::warn!(url, error = %err, retry_in_ms = delay.as_millis() as u64, "NatsConnectFailed");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = &mut shutdown => return Err(LogError::Shutdown),
        }
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// A client that connects in the background and reconnects by itself for ever: it is returned at
/// once, whether or not the server answers yet (see `Client::connection_state`).
pub async fn connect_in_background(url: &str, name: &str) -> Result<async_nats::Client, LogError> {
    options(name, url)
        .retry_on_initial_connect()
        .max_reconnects(None)
        .connect(servers(url))
        .await
        .map_err(|source| LogError::Connect {
            url: url.to_owned(),
            source,
        })
}

/// Connects once, failing at once if the server does not answer.
pub async fn connect_now(url: &str, name: &str) -> Result<async_nats::Client, LogError> {
    options(name, url)
        .connect(servers(url))
        .await
        .map_err(|source| LogError::Connect {
            url: url.to_owned(),
            source,
        })
}

/// The stream's configuration: file storage, `ehb.v1.>`, no limits (nothing acknowledged is ever
/// discarded), de-duplication on `Nats-Msg-Id`.
pub fn stream_config(settings: &StreamSettings) -> stream::Config {
    stream::Config {
        name: STREAM_NAME.to_owned(),
        description: Some("ehb-tracker events: the log of record".to_owned()),
        subjects: vec![STREAM_SUBJECTS.to_owned()],
        storage: stream::StorageType::File,
        retention: stream::RetentionPolicy::Limits,
        discard: stream::DiscardPolicy::New,
        max_messages: -1,
        max_bytes: -1,
        max_age: Duration::ZERO,
        num_replicas: settings.replicas,
        duplicate_window: settings.duplicate_window,
        ..Default::default()
    }
}

/// Whether the stream's current configuration already says what the contract asks.
fn matches_contract(current: &stream::Config, wanted: &stream::Config) -> bool {
    current.subjects == wanted.subjects
        && current.storage == wanted.storage
        && current.retention == wanted.retention
        && current.discard == wanted.discard
        && current.max_messages == wanted.max_messages
        && current.max_bytes == wanted.max_bytes
        && current.max_age == wanted.max_age
        && current.num_replicas == wanted.num_replicas
        && current.duplicate_window == wanted.duplicate_window
        && current.description == wanted.description
}

/// Makes sure the stream exists with the contract's settings; safe to call at every start and
/// from several processes at once. It reads the stream first and writes only what differs: a
/// missing stream is created, a different one updated, and a stream another process created
/// in the meantime is read again. A request that times out (a server still starting
/// JetStream, or busy) is made again, up to five times in all.
pub async fn ensure_stream(
    js: &Context,
    settings: &StreamSettings,
) -> Result<stream::Info, LogError> {
    use async_nats::jetstream::ErrorCode;
    use async_nats::jetstream::context::{CreateStreamErrorKind, GetStreamErrorKind};
    const ATTEMPTS: u32 = 5;
    let wanted = stream_config(settings);
    let mut attempt = 1;
    loop {
        let outcome = match js.get_stream(STREAM_NAME).await {
            Ok(found) if matches_contract(&found.cached_info().config, &wanted) => {
                return Ok(found.cached_info().clone());
            }
            Ok(_) => js.update_stream(wanted.clone()).await,
            Err(e) => match e.kind() {
                GetStreamErrorKind::JetStream(err)
                    if err.error_code() == ErrorCode::STREAM_NOT_FOUND =>
                {
                    js.create_stream(wanted.clone())
                        .await
                        .map(|created| created.cached_info().clone())
                }
                GetStreamErrorKind::Request if attempt < ATTEMPTS => {
                    tracing::warn!(attempt, error = %e, "StreamRequestFailed: asking again");
                    attempt += 1;
                    continue;
                }
                _ => return Err(LogError::Stream(e.into())),
            },
        };
        match outcome {
            Ok(info) => return Ok(info),
            Err(e) if attempt < ATTEMPTS => {
                let again = match e.kind() {
                    CreateStreamErrorKind::TimedOut => true,
                    // Another process created the stream between our read and our write.
                    CreateStreamErrorKind::JetStream(err) => [
                        ErrorCode::STREAM_NAME_EXIST,
                        ErrorCode::STREAM_SUBJECT_OVERLAP,
                    ]
                    .contains(&err.error_code()),
                    _ => false,
                };
                if !again {
                    return Err(LogError::Stream(e.into()));
                }
                tracing::warn!(attempt, error = %e, "StreamSetupRaced: asking again");
                attempt += 1;
            }
            Err(e) => return Err(LogError::Stream(e.into())),
        }
    }
}

/// What a batch of publishes came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Published {
    /// Events stored for the first time.
    pub stored: u64,
    /// Events the stream recognised as already stored (same id within the window).
    pub duplicates: u64,
    /// The highest stream sequence acknowledged.
    pub last_seq: u64,
}

/// One message to publish: its subject, de-duplication id and bytes.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// `ehb.v1.<province>.<ward>.<type>`.
    pub subject: String,
    /// The event's id, sent as `Nats-Msg-Id`.
    pub id: String,
    /// The event's JSON.
    pub payload: Bytes,
}

impl Outgoing {
    /// The message carrying `event`.
    pub fn event(event: &ehb_proto::Event<'_>) -> Self {
        Outgoing {
            subject: event.subject(),
            id: event.id.hyphenated().to_string(),
            payload: Bytes::from(event.to_json()),
        }
    }
}

/// Publishes to the stream with de-duplication, keeping many publishes in flight.
#[derive(Clone)]
pub struct Publisher {
    js: Context,
    in_flight: usize,
    ack_timeout: Duration,
}

impl Publisher {
    /// A publisher over `client` keeping up to `in_flight` acknowledgements outstanding.
    pub fn new(client: async_nats::Client, in_flight: usize) -> Self {
        Publisher::with_ack_timeout(client, in_flight, Duration::from_secs(10))
    }

    /// A publisher whose publishes fail when not acknowledged within `ack_timeout`.
    pub fn with_ack_timeout(
        client: async_nats::Client,
        in_flight: usize,
        ack_timeout: Duration,
    ) -> Self {
        let mut js = jetstream::new(client);
        js.set_timeout(ack_timeout);
        Publisher {
            js,
            in_flight: in_flight.max(1),
            ack_timeout,
        }
    }

    /// The JetStream context.
    pub fn context(&self) -> &Context {
        &self.js
    }

    /// Publishes one message and awaits its acknowledgement.
    pub async fn publish(
        &self,
        message: Outgoing,
    ) -> Result<async_nats::jetstream::publish::PublishAck, LogError> {
        let ack = self.send(message).await?;
        ack.await.map_err(|e| LogError::Publish(e.into()))
    }

    /// Sends one message; the returned future resolves to the stream's acknowledgement.
    async fn send(&self, message: Outgoing) -> Result<PublishAckFuture, LogError> {
        self.js
            .send_publish(
                message.subject,
                PublishMessage::build()
                    .payload(message.payload)
                    .message_id(message.id),
            )
            .await
            .map_err(|e| LogError::Publish(e.into()))
    }

    /// Publishes every message, many in flight, and answers each one's acknowledgement (or why
    /// it is not stored) in the order given. A message not acknowledged within the publisher's
    /// timeout is reported as not stored; while the connection is down, messages are not sent
    /// at all (rather than queued for a server that may not come back in time).
    pub async fn publish_each(
        &self,
        messages: Vec<Outgoing>,
    ) -> Vec<Result<async_nats::jetstream::publish::PublishAck, LogError>> {
        let limit = self.ack_timeout;
        futures::stream::iter(messages)
            .map(|message| async move {
                if self.js.client().connection_state() != async_nats::connection::State::Connected {
                    return Err(LogError::Publish("not connected to NATS".into()));
                }
                match tokio::time::timeout(limit, self.publish(message)).await {
                    Ok(outcome) => outcome,
                    Err(_) => Err(LogError::Publish(
                        format!("no acknowledgement within {} ms", limit.as_millis()).into(),
                    )),
                }
            })
            .buffered(self.in_flight)
            .collect()
            .await
    }

    /// Publishes every message, awaiting every acknowledgement; stops at the first failure.
    pub async fn publish_all(
        &self,
        messages: impl IntoIterator<Item = Outgoing>,
    ) -> Result<Published, LogError> {
        let mut outcome = Published::default();
        let mut pending = FuturesUnordered::new();
        let mut settle =
            |ack: Result<async_nats::jetstream::publish::PublishAck, _>| -> Result<(), LogError> {
                let ack = ack.map_err(|e: async_nats::jetstream::context::PublishError| {
                    LogError::Publish(e.into())
                })?;
                if ack.duplicate {
                    outcome.duplicates += 1;
                } else {
                    outcome.stored += 1;
                }
                outcome.last_seq = outcome.last_seq.max(ack.sequence);
                Ok(())
            };
        for message in messages {
            if pending.len() >= self.in_flight
                && let Some(ack) = pending.next().await
            {
                settle(ack)?;
            }
            let ack = self.send(message).await?;
            pending.push(ack.into_future());
        }
        while let Some(ack) = pending.next().await {
            settle(ack)?;
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_list_gives_its_servers_and_the_first_ones_credentials() {
        let url = "nats://gateway:s3cret@127.0.0.1:4222, nats://gateway:s3cret@127.0.0.1:4223,";
        assert_eq!(
            servers(url),
            vec![
                "nats://gateway:s3cret@127.0.0.1:4222",
                "nats://gateway:s3cret@127.0.0.1:4223"
            ]
        );
        assert_eq!(
            credentials(url),
            Some(("gateway".to_owned(), "s3cret".to_owned()))
        );
        assert_eq!(credentials("nats://127.0.0.1:4222"), None);
    }
}
