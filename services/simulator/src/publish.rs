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

/// The simulated clock: it reads `origin` when created and runs `speed` simulated seconds per
/// real second; at speed 0 every message is due at once.
#[derive(Debug, Clone, Copy)]
pub struct SimClock {
    origin: Timestamp,
    started: Instant,
    speed: f64,
}

impl SimClock {
    /// A clock reading `origin` now.
    pub fn start(origin: Timestamp, speed: f64) -> Self {
        SimClock {
            origin,
            started: Instant::now(),
            speed,
        }
    }

    /// The simulated time now.
    pub fn now(&self) -> Timestamp {
        self.origin
            + SignedDuration::from_secs_f64(self.started.elapsed().as_secs_f64() * self.speed)
    }

    /// The end of the run of `messages` from `next` that is due now.
    pub fn due(&self, messages: &[Timed], next: usize) -> usize {
        if self.speed <= 0.0 {
            return messages.len();
        }
        let now = self.now();
        messages[next..].partition_point(|m| m.publish_at <= now) + next
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
    let clock = SimClock::start(first.publish_at, speed);
    let mut total = Published::default();
    while next < messages.len() {
        let end = clock.due(messages, next);
        if end > next {
            let done = publisher
                .publish_all(messages[next..end].iter().map(|m| m.message.clone()))
                .await?;
            add(&mut total, done);
            keep(progress, end);
            tracing::info!(simulated = %ehb_proto::format_instant(clock.now()), published = end - next, total = end, "CampaignAdvanced");
            next = end;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            _ = cancel.cancelled() => break,
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::SimClock;
    use crate::generate::Timed;
    use ehb_eventlog::Outgoing;
    use jiff::{SignedDuration, Timestamp};

    fn at(t: Timestamp) -> Timed {
        Timed {
            publish_at: t,
            source: "c06",
            message: Outgoing {
                subject: "ehb.v1.31.31001.account_activated".into(),
                id: "x".into(),
                payload: bytes::Bytes::new(),
            },
        }
    }

    #[test]
    fn the_clock_makes_due_what_its_time_has_reached() {
        let origin = Timestamp::from_second(1_772_300_000).expect("instant");
        let hour = SignedDuration::from_hours(1);
        let messages = [
            at(origin),
            at(origin),
            at(origin + hour),
            at(origin + hour * 2),
        ];
        let real_time = SimClock::start(origin, 1.0);
        assert_eq!(real_time.due(&messages, 0), 2);
        assert_eq!(real_time.due(&messages, 2), 2);
        assert_eq!(SimClock::start(origin, 0.0).due(&messages, 1), 4);
        let later = SimClock::start(origin + hour, 1.0);
        assert_eq!(later.due(&messages, 0), 3);
    }
}
