//! Sending a generated campaign to the stream.

use std::time::{Duration, Instant};

use ehb_eventlog::{LogError, Published, Publisher};
use jiff::{SignedDuration, Timestamp};
use tokio_util::sync::CancellationToken;

use crate::generate::Timed;
use crate::progress::Progress;

/// Publishes, as fast as acknowledgements allow, every message not yet published by an earlier
/// run, recording the progress after each chunk.
pub async fn publish_fast(
    publisher: &Publisher,
    messages: &[Timed],
    progress: &mut Progress,
) -> Result<Published, LogError> {
    let mut total = Published::default();
    let mut next = progress.published().min(messages.len());
    while next < messages.len() {
        let end = (next + 50_000).min(messages.len());
        let done = publisher
            .publish_all(messages[next..end].iter().map(|m| m.message.clone()))
            .await?;
        add(&mut total, done);
        next = end;
        keep(progress, next);
    }
    Ok(total)
}

fn add(total: &mut Published, done: Published) {
    total.stored += done.stored;
    total.duplicates += done.duplicates;
    total.last_seq = total.last_seq.max(done.last_seq);
}

fn keep(progress: &mut Progress, published: usize) {
    if let Err(err) = progress.record(published) {
        tracing::warn!(error = %err, "SimulatorProgressNotSaved");
    }
}

/// Publishes messages when a simulated clock reaches their time: the clock starts at the first
/// message not yet published (by an earlier run) and runs `speed` simulated seconds per real
/// second. Returns what was published when the campaign ends or `cancel` fires.
pub async fn publish_paced(
    publisher: &Publisher,
    messages: &[Timed],
    speed: f64,
    cancel: CancellationToken,
    progress: &mut Progress,
) -> Result<Published, LogError> {
    let mut next = progress.published().min(messages.len());
    let Some(first) = messages.get(next) else {
        return Ok(Published::default());
    };
    let origin: Timestamp = first.publish_at;
    let started = Instant::now();
    let mut total = Published::default();
    while next < messages.len() {
        let elapsed = started.elapsed().as_secs_f64() * speed;
        let now = origin + SignedDuration::from_secs_f64(elapsed);
        let end = messages[next..].partition_point(|m| m.publish_at <= now) + next;
        if end > next {
            let done = publisher
                .publish_all(messages[next..end].iter().map(|m| m.message.clone()))
                .await?;
            add(&mut total, done);
            keep(progress, end);
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
