//! Messages as the stream stored them, and reading a range of them in order.

use std::time::Duration;

use async_nats::jetstream::Context;
use async_nats::jetstream::stream::{LastRawMessageErrorKind, Stream};
use bytes::Bytes;
use ehb_proto::subject::STREAM_NAME;
use futures::StreamExt;
use jiff::Timestamp;

use crate::LogError;
use crate::delivery::open_deliveries;

/// A message as the stream stored it.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Its stream sequence.
    pub seq: u64,
    /// When the stream recorded it.
    pub recorded_at: Option<Timestamp>,
    /// Its subject.
    pub subject: async_nats::Subject,
    /// Its header block as the protocol carries it (`NATS/1.0` and one `Name: value` line
    /// each; see [`Stored::msg_id`]).
    pub headers: Option<Bytes>,
    /// Its bytes.
    pub payload: Bytes,
}

impl Stored {
    /// A message read from the stream by its sequence (`STREAM.MSG.GET`, answered by the
    /// stream's leader).
    pub fn from_stream_message(message: async_nats::jetstream::message::StreamMessage) -> Stored {
        Stored {
            seq: message.sequence,
            recorded_at: Timestamp::from_nanosecond(message.time.unix_timestamp_nanos()).ok(),
            subject: message.subject,
            headers: Some(header_block(&message.headers)),
            payload: message.payload,
        }
    }

    /// Its de-duplication id (`Nats-Msg-Id`), when it had one (read when asked: the projector
    /// never needs it).
    pub fn msg_id(&self) -> Option<&str> {
        let headers = self.headers.as_deref()?;
        crate::wire::header(headers, async_nats::header::NATS_MESSAGE_ID.as_ref())
    }
}

/// Headers written as the protocol carries them.
fn header_block(headers: &async_nats::HeaderMap) -> Bytes {
    let mut block = String::from("NATS/1.0\r\n");
    for (name, values) in headers.iter() {
        for value in values {
            block.push_str(&format!("{name}: {}\r\n", value.as_str()));
        }
    }
    block.push_str("\r\n");
    Bytes::from(block)
}

/// The stream's first and last sequence now.
pub async fn stream_range(js: &Context) -> Result<(u64, u64), LogError> {
    let stream = js
        .get_stream(STREAM_NAME)
        .await
        .map_err(|e| LogError::Stream(e.into()))?;
    let state = &stream.cached_info().state;
    Ok((state.first_sequence, state.last_sequence))
}

/// Reads the stored messages with sequences `from..=to`, in order (the deliveries on a
/// connection of their own to the servers of `url`, the URL `js` was connected with), handing each to `each`
/// (a push consumer, reopened from where it stood when a delivery goes missing). Stops early
/// when `each` answers `false`.
pub async fn read_range(
    js: &Context,
    url: &str,
    from: u64,
    to: u64,
    mut each: impl FnMut(Stored) -> bool,
) -> Result<(), LogError> {
    if from > to {
        return Ok(());
    }
    let stream = js
        .get_stream(STREAM_NAME)
        .await
        .map_err(|e| LogError::Stream(e.into()))?;
    // Every sequence is read once, in order: one the consumer delivers again is dropped, and one
    // it skips (its server's copy of the stream lacks it) is asked of the stream's leader.
    let mut expected = from.max(stream.cached_info().state.first_sequence);
    let mut failures = 0;
    loop {
        let (mut deliveries, consumer) =
            open_deliveries(&js.client(), url, &stream, None, expected)
                .await
                .map_err(|e| LogError::Stream(e.into()))?;
        let mut broken = None;
        while let Some(delivered) = deliveries.next().await {
            let stored = match delivered {
                Ok(stored) => stored,
                Err(err) => {
                    broken = Some(err.to_string());
                    break;
                }
            };
            let seq = stored.seq;
            if seq < expected {
                continue;
            }
            let gap_end = seq.min(to.saturating_add(1));
            if expected < gap_end {
                for skipped in read_gap(&stream, expected, gap_end).await?.messages {
                    if !each(skipped) {
                        return Ok(());
                    }
                }
            }
            expected = seq + 1;
            failures = 0;
            if seq > to || !each(stored) || seq == to {
                return Ok(());
            }
        }
        let why = broken.unwrap_or_else(|| "the deliveries ended".to_owned());
        let _ = stream.delete_consumer(&consumer.cached_info().name).await;
        failures += 1;
        if failures > MAX_REOPENS {
            return Err(LogError::Stream(why.into()));
        }
        tracing::warn!(error = %why, from_seq = expected, "StreamReadFailed: reopening");
        tokio::time::sleep(Duration::from_millis(200) * failures).await;
    }
}

/// Consumers opened again in a row, none delivering, before a read gives up.
const MAX_REOPENS: u32 = 5;

/// What the stream holds of sequences a consumer skipped.
#[derive(Debug, Default)]
pub struct Gap {
    /// The messages it still holds, in order.
    pub messages: Vec<Stored>,
    /// How many of the sequences it no longer holds.
    pub missing: u64,
}

/// Reads the sequences `from..to` one by one from the stream's leader (`STREAM.MSG.GET`): what a
/// consumer, which reads its own node's copy of the stream, skipped. A long gap before the
/// stream's first sequence (its start removed) is counted missing without asking each one.
pub async fn read_gap(stream: &Stream, mut from: u64, to: u64) -> Result<Gap, LogError> {
    let mut gap = Gap::default();
    if to.saturating_sub(from) > 1_000 {
        let mut stream = stream.clone();
        if let Ok(info) = stream.info().await {
            let first = info.state.first_sequence.min(to);
            if first > from {
                gap.missing += first - from;
                from = first;
            }
        }
    }
    for seq in from..to {
        match stream.get_raw_message(seq).await {
            Ok(raw) => gap.messages.push(Stored::from_stream_message(raw)),
            Err(err) if err.kind() == LastRawMessageErrorKind::NoMessageFound => gap.missing += 1,
            Err(err) => return Err(LogError::Stream(format!("sequence {seq}: {err}").into())),
        }
    }
    Ok(gap)
}
