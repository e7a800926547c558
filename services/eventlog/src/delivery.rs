//! Reading the stream in stored order through an ephemeral push consumer of our own.
//!
//! The client's ordered consumer wraps every message in a JetStream message holding a copy of
//! the JetStream context (a string and several shared handles to clone and drop) and reads its
//! reply subject twice; at a catch-up's hundreds of thousands of messages a second that is a
//! large share of the reader's time. Here the consumer is configured as the client's ordered
//! consumer is (no acknowledgements, flow control, idle heartbeats, one replica in memory), its
//! deliveries are read from a connection of our own ([`crate::wire`]), and the reply subject is
//! parsed once. The ordered consumer's duties that remain, noticing a lost delivery or a lost
//! consumer, end the [`Deliveries`] with a [`DeliveryError`] (the consumer's own sequence skips,
//! a heartbeat names a delivery not seen, the connection closes, nothing comes for two
//! heartbeats), and the caller reopens from its position.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use async_nats::Client;
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, PushConsumer, push};
use async_nats::jetstream::stream::Stream;
use bytes::Bytes;
use jiff::Timestamp;
use thiserror::Error;

use crate::Stored;
use crate::wire::{Connection, RawMessage, WireError, header, status};

/// How often an idle consumer says it is alive (as the client's ordered consumer).
const IDLE_HEARTBEAT: Duration = Duration::from_secs(5);

/// Silence after which the consumer is taken for gone: two heartbeats missed.
const SILENT_AFTER: Duration = Duration::from_secs(10);

/// The header of a heartbeat naming the flow-control subject a stalled consumer waits on.
const CONSUMER_STALLED: &str = "Nats-Consumer-Stalled";

/// The header of a heartbeat naming the last consumer sequence sent.
const LAST_CONSUMER: &str = "Nats-Last-Consumer";

/// The status of a heartbeat and of a flow-control request (told apart by the reply subject).
const IDLE_OR_FLOW_CONTROL: u16 = 100;

/// Why deliveries stopped: the caller reopens the consumer from its position.
#[derive(Debug, Error)]
pub enum DeliveryError {
    /// The consumer could not be created or subscribed to.
    #[error("the stream's consumer could not be opened: {0}")]
    Open(#[source] crate::Cause),
    /// A delivery went missing (the consumer's sequence skipped), so the order is broken.
    #[error("a delivery went missing: consumer sequence {got} after {last}")]
    Skipped {
        /// The consumer sequence expected next minus one.
        last: u64,
        /// The consumer sequence that arrived.
        got: u64,
    },
    /// The server reported the consumer gone or in error.
    #[error("the consumer reported {0}")]
    Status(String),
    /// A delivery's reply subject did not carry its stream metadata.
    #[error("a delivery carried no stream metadata: {0:?}")]
    Metadata(String),
    /// Neither a delivery nor a heartbeat came for twice the heartbeat interval: the consumer is
    /// gone while the connection stays up (removed, or lost with another node of a cluster).
    #[error("the consumer fell silent: no heartbeat for {0:?}")]
    Silent(Duration),
    /// The connection the deliveries came on failed or was closed.
    #[error("the deliveries' connection was lost: {0}")]
    Lost(#[source] WireError),
}

/// Deliveries of one ephemeral push consumer, in the stream's order.
pub struct Deliveries {
    connection: Connection,
    sequence: ConsumerSequence,
    failed: bool,
    /// Fires when neither a delivery nor a heartbeat has come for twice the interval.
    silence: Pin<Box<tokio::time::Sleep>>,
    /// Whether anything came since the timer was last set.
    heard: bool,
}

/// Opens an ephemeral consumer on `stream` delivering from `from` (every subject, or the one
/// `filter` names) and subscribes to its deliveries on a connection of their own to the servers
/// of `url` (the URL `client` was connected with).
pub async fn open_deliveries(
    client: &Client,
    url: &str,
    stream: &Stream,
    filter: Option<String>,
    from: u64,
) -> Result<(Deliveries, PushConsumer), DeliveryError> {
    let inbox = client.new_inbox();
    // Subscribed first, so that nothing the consumer sends is lost.
    let connection = Connection::open(url, "ehb-deliveries", &inbox)
        .await
        .map_err(|e| DeliveryError::Open(e.into()))?;
    let consumer = stream
        .create_consumer(push::Config {
            deliver_subject: inbox,
            filter_subject: filter.unwrap_or_default(),
            deliver_policy: if from <= 1 {
                DeliverPolicy::All
            } else {
                DeliverPolicy::ByStartSequence {
                    start_sequence: from,
                }
            },
            ack_policy: AckPolicy::None,
            max_deliver: 1,
            flow_control: true,
            idle_heartbeat: IDLE_HEARTBEAT,
            inactive_threshold: Duration::from_secs(30),
            num_replicas: 1,
            memory_storage: true,
            ..Default::default()
        })
        .await
        .map_err(|e| DeliveryError::Open(e.into()))?;
    let deliveries = Deliveries {
        connection,
        sequence: ConsumerSequence::default(),
        failed: false,
        silence: Box::pin(tokio::time::sleep(SILENT_AFTER)),
        heard: false,
    };
    Ok((deliveries, consumer))
}

/// What one message of the subscription is.
#[derive(Debug)]
enum Delivery {
    /// A stored message, next in order.
    Stored(Stored),
    /// A flow-control request: the server sends more once this subject is answered.
    FlowControl(Bytes),
    /// A heartbeat that agrees with what was delivered.
    Alive,
    /// A heartbeat saying the consumer stalled waiting for a flow-control answer: answer this.
    Stalled(String),
}

/// The consumer's own sequence, which must rise by one with every stored message delivered.
#[derive(Debug, Default)]
struct ConsumerSequence {
    /// The last consumer sequence delivered.
    last: u64,
}

impl ConsumerSequence {
    /// Reads one message of the subscription, or why the deliveries are broken.
    fn read(&mut self, message: RawMessage) -> Result<Delivery, DeliveryError> {
        match message.headers.as_deref().and_then(status) {
            None => {}
            Some((IDLE_OR_FLOW_CONTROL, _)) => {
                if let Some(reply) = message.reply {
                    return Ok(Delivery::FlowControl(reply));
                }
                let headers = message.headers.as_deref().unwrap_or_default();
                // A heartbeat names the last consumer sequence sent: one not seen was lost.
                let sent = header(headers, LAST_CONSUMER).and_then(|v| v.parse::<u64>().ok());
                if let Some(sent) = sent
                    && sent != self.last
                {
                    return Err(DeliveryError::Skipped {
                        last: self.last,
                        got: sent,
                    });
                }
                let stalled = header(headers, CONSUMER_STALLED).map(str::to_owned);
                return Ok(stalled.map_or(Delivery::Alive, Delivery::Stalled));
            }
            Some((code, description)) => {
                return Err(DeliveryError::Status(format!("{code} {description}")));
            }
        }
        let reply = message.reply.as_deref().unwrap_or_default();
        let Some(meta) = std::str::from_utf8(reply).ok().and_then(Metadata::parse) else {
            let reply = String::from_utf8_lossy(reply);
            return Err(DeliveryError::Metadata(reply.chars().take(80).collect()));
        };
        if meta.consumer_seq != self.last + 1 {
            return Err(DeliveryError::Skipped {
                last: self.last,
                got: meta.consumer_seq,
            });
        }
        let subject = async_nats::Subject::from_utf8(message.subject)
            .map_err(|_| DeliveryError::Metadata("a subject that is not UTF-8".into()))?;
        self.last = meta.consumer_seq;
        Ok(Delivery::Stored(Stored {
            seq: meta.stream_seq,
            recorded_at: Timestamp::from_nanosecond(meta.published_nanos).ok(),
            subject,
            headers: message.headers,
            payload: message.payload,
        }))
    }
}

impl Deliveries {
    /// Reads one message of the subscription, noting that the consumer is alive.
    fn heard(&mut self, message: RawMessage) -> Result<Delivery, DeliveryError> {
        self.heard = true;
        self.sequence.read(message)
    }
}

impl futures::Stream for Deliveries {
    type Item = Result<Stored, DeliveryError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        if self.failed {
            return Poll::Ready(None);
        }
        loop {
            match self.connection.poll_message(cx) {
                Poll::Pending => {
                    // The timer is set again only when the subscription is drained, not for
                    // every message.
                    if std::mem::take(&mut self.heard) {
                        let deadline = tokio::time::Instant::now() + SILENT_AFTER;
                        self.silence.as_mut().reset(deadline);
                    }
                    if self.silence.as_mut().poll(cx).is_ready() {
                        self.failed = true;
                        return Poll::Ready(Some(Err(DeliveryError::Silent(SILENT_AFTER))));
                    }
                    return Poll::Pending;
                }
                Poll::Ready(Err(err)) => {
                    self.failed = true;
                    return Poll::Ready(Some(Err(DeliveryError::Lost(err))));
                }
                Poll::Ready(Ok(message)) => match self.heard(message) {
                    Ok(Delivery::Stored(stored)) => return Poll::Ready(Some(Ok(stored))),
                    // Answered on the same connection, written before the next read.
                    Ok(Delivery::FlowControl(reply)) => self.connection.publish_empty(&reply),
                    Ok(Delivery::Stalled(subject)) => {
                        self.connection.publish_empty(subject.as_bytes())
                    }
                    Ok(Delivery::Alive) => {}
                    Err(err) => {
                        self.failed = true;
                        return Poll::Ready(Some(Err(err)));
                    }
                },
            }
        }
    }
}

/// What a delivery's reply subject says of the message (ADR-15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Metadata {
    stream_seq: u64,
    consumer_seq: u64,
    published_nanos: i128,
}

impl Metadata {
    /// Reads `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<nanos>.<pending>`, or the
    /// form with the domain and account hash before the stream (and maybe more tokens after).
    fn parse(reply: &str) -> Option<Metadata> {
        let rest = reply.strip_prefix("$JS.ACK.")?;
        let mut tokens: [&str; 10] = [""; 10];
        let mut n = 0;
        for token in rest.split('.') {
            if n < tokens.len() {
                tokens[n] = token;
            }
            n += 1;
        }
        // The numbers start after stream, consumer and delivered: two places later with the
        // domain and account hash.
        let at = match n {
            7 => 3,
            n if n >= 9 => 5,
            _ => return None,
        };
        Some(Metadata {
            stream_seq: tokens[at].parse().ok()?,
            consumer_seq: tokens[at + 1].parse().ok()?,
            published_nanos: tokens[at + 2].parse().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message with a reply subject, a status line and a `Nats-Last-Consumer` header as given.
    fn message(reply: Option<&str>, status: Option<&str>, last: Option<&str>) -> RawMessage {
        let headers = (status.is_some() || last.is_some()).then(|| {
            let mut block = format!("NATS/1.0 {}\r\n", status.unwrap_or_default());
            if let Some(last) = last {
                block.push_str(&format!("{LAST_CONSUMER}: {last}\r\n"));
            }
            Bytes::from(block + "\r\n")
        });
        RawMessage {
            subject: Bytes::from_static(b"ehb.v1.31.31001.account_activated"),
            reply: reply.map(|r| Bytes::from(r.to_owned())),
            headers,
            payload: Bytes::from_static(b"{}"),
        }
    }

    fn stored(n: u64) -> RawMessage {
        message(
            Some(&format!(
                "$JS.ACK.EHB_EVENTS.c.1.{}.{n}.1764400000000000000.0",
                n + 40
            )),
            None,
            None,
        )
    }

    #[test]
    fn deliveries_must_rise_by_one_and_heartbeats_agree() {
        let mut sequence = ConsumerSequence::default();
        let Ok(Delivery::Stored(first)) = sequence.read(stored(1)) else {
            panic!("the first delivery is read");
        };
        assert_eq!(first.seq, 41);
        assert_eq!(
            first.recorded_at.map(|t| t.as_second()),
            Some(1_764_400_000)
        );
        assert!(matches!(sequence.read(stored(2)), Ok(Delivery::Stored(s)) if s.seq == 42));
        let beat = |last| message(None, Some("100 Idle Heartbeat"), Some(last));
        assert!(matches!(sequence.read(beat("2")), Ok(Delivery::Alive)));
        assert!(matches!(
            sequence.read(beat("3")),
            Err(DeliveryError::Skipped { last: 2, got: 3 })
        ));
        let mut stalled = beat("2");
        stalled.headers = Some(Bytes::from(format!(
            "NATS/1.0 100 Idle Heartbeat\r\n{LAST_CONSUMER}: 2\r\n{CONSUMER_STALLED}: $JS.FC.y\r\n\r\n"
        )));
        assert!(matches!(sequence.read(stalled), Ok(Delivery::Stalled(s)) if s == "$JS.FC.y"));
        let control = message(Some("$JS.FC.x"), Some("100 FlowControl Request"), None);
        assert!(
            matches!(sequence.read(control), Ok(Delivery::FlowControl(s)) if &s[..] == b"$JS.FC.x")
        );
        assert!(matches!(
            sequence.read(stored(4)),
            Err(DeliveryError::Skipped { last: 2, got: 4 })
        ));
        assert!(matches!(
            sequence.read(message(Some("_INBOX.x"), None, None)),
            Err(DeliveryError::Metadata(_))
        ));
        let gone = message(None, Some("409 Consumer Deleted"), None);
        assert!(matches!(sequence.read(gone), Err(DeliveryError::Status(_))));
    }

    #[test]
    fn reply_subjects_of_both_forms_are_read() {
        let old = "$JS.ACK.EHB_EVENTS.c1.1.42.7.1764400000123456789.9";
        let new = "$JS.ACK._.ACCHASH.EHB_EVENTS.c1.1.42.7.1764400000123456789.9.rnd";
        let want = Metadata {
            stream_seq: 42,
            consumer_seq: 7,
            published_nanos: 1_764_400_000_123_456_789,
        };
        assert_eq!(Metadata::parse(old), Some(want));
        assert_eq!(Metadata::parse(new), Some(want));
        assert_eq!(
            Metadata::parse("$JS.ACK._.H.S.c.1.42.7.1764400000123456789.9"),
            Some(want)
        );
        assert_eq!(Metadata::parse("$JS.ACK.S.c.1.x.7.1.9"), None);
        assert_eq!(Metadata::parse("_INBOX.abc"), None);
        assert_eq!(Metadata::parse("$JS.ACK.S.c.1.42.7.1"), None);
    }
}
