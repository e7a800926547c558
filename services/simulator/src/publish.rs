//! Sending a generated campaign to the stream.

use std::time::{Duration, Instant};

use ehb_eventlog::{LogError, Published, Publisher};
use jiff::{SignedDuration, Timestamp};
use tokio_util::sync::CancellationToken;

use crate::generate::Timed;

/// Publishes every message as fast as acknowledgements allow.
pub async fn publish_fast(
    publisher: &Publisher,
    messages: &[Timed],
) -> Result<Published, LogError> {
    publisher
        .publish_all(messages.iter().map(|m| m.message.clone()))
        .await
}

/// Publishes messages when a simulated clock reaches their time: the clock starts at the first
/// message and runs `speed` simulated seconds per real second. Returns what was published when
/// the campaign ends or `cancel` fires.
pub async fn publish_paced(
    publisher: &Publisher,
    messages: &[Timed],
    speed: f64,
    cancel: CancellationToken,
) -> Result<Published, LogError> {
    let Some(first) = messages.first() else {
        return Ok(Published::default());
    };
    let origin: Timestamp = first.publish_at;
    let started = Instant::now();
    let mut total = Published::default();
    let mut next = 0;
    while next < messages.len() {
        let elapsed = started.elapsed().as_secs_f64() * speed;
        let now = origin + SignedDuration::from_secs_f64(elapsed);
        let end = messages[next..].partition_point(|m| m.publish_at <= now) + next;
        if end > next {
            let done = publisher
                .publish_all(messages[next..end].iter().map(|m| m.message.clone()))
                .await?;
            total.stored += done.stored;
            total.duplicates += done.duplicates;
            total.last_seq = total.last_seq.max(done.last_seq);
            tracing::info!(simulated = %ehb_proto::format_instant(now), published = end - next, total = end, "CampaignAdvanced");
            next = end;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            _ = cancel.cancelled() => break,
        }
    }
    Ok(total)
}
