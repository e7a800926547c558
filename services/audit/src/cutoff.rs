//! Where a replay stops: after a stream sequence, at a record time ("what was known at the close,
//! 31/3 23:59"), or after a business day (every event that occurred by then, whenever recorded).

use ehb_proto::{BusinessDay, decode_on_subject};
use jiff::Timestamp;

/// A replay's cut-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cutoff {
    /// Everything the source holds.
    End,
    /// Messages up to and including this stream sequence.
    Seq(u64),
    /// Messages the stream recorded at or before this instant.
    Recorded(Timestamp),
    /// Events that occurred on or before this business day, whenever they were recorded (and
    /// every message that cannot be read, kept as a reject).
    Day(BusinessDay),
}

/// What to do with one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Fold it.
    Apply,
    /// Leave it out.
    Skip,
}

impl Cutoff {
    /// Whether the message at `seq`, recorded at `recorded_at`, is within the cut-off.
    pub fn admit(
        &self,
        seq: u64,
        recorded_at: Option<Timestamp>,
        subject: &str,
        payload: &[u8],
    ) -> Admit {
        let within = match *self {
            Cutoff::End => true,
            Cutoff::Seq(last) => seq <= last,
            Cutoff::Recorded(at) => recorded_at.is_some_and(|r| r <= at),
            Cutoff::Day(day) => {
                occurred(subject, payload).is_none_or(|o| BusinessDay::of(o) <= day)
            }
        };
        if within { Admit::Apply } else { Admit::Skip }
    }

    /// The instant the cut-off stands for, when it is one by itself: a record time, or the end
    /// of a business day.
    pub fn instant(&self) -> Option<Timestamp> {
        match *self {
            Cutoff::Recorded(at) => Some(at),
            Cutoff::Day(day) => Some(day.plus(1).start()),
            Cutoff::End | Cutoff::Seq(_) => None,
        }
    }

    /// Whether nothing after `seq` can be within the cut-off (so reading may stop once the
    /// messages after it are no longer needed).
    pub fn is_past(&self, seq: u64) -> bool {
        matches!(*self, Cutoff::Seq(last) if seq > last)
    }
}

/// When the event in a message occurred, if it can be read.
pub fn occurred(subject: &str, payload: &[u8]) -> Option<Timestamp> {
    decode_on_subject(subject, payload)
        .ok()
        .map(|e| e.occurred_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(occurred: &str) -> Vec<u8> {
        format!(
            r#"{{"id":"0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70","type":"account.activated","v":1,"occurred_at":"{occurred}","province":"31","ward":"31001","source":"c06","data":{{"citizen_ref":"9f86d081884c7d659a2feaa0c55ad015"}}}}"#
        )
        .into_bytes()
    }

    const SUBJECT: &str = "ehb.v1.31.31001.account_activated";

    #[test]
    fn each_kind_of_cut_off_admits_what_it_says() {
        let at = |s: &str| s.parse::<Timestamp>().ok();
        let close = "2026-03-31T16:59:00Z"
            .parse::<Timestamp>()
            .expect("instant");
        let late = event("2026-03-31T23:30:00+07:00");
        let recorded = Cutoff::Recorded(close);
        assert_eq!(
            recorded.admit(1, at("2026-03-31T16:59:00Z"), SUBJECT, &late),
            Admit::Apply
        );
        assert_eq!(
            recorded.admit(2, at("2026-03-31T17:30:00Z"), SUBJECT, &late),
            Admit::Skip
        );
        let day = Cutoff::Day(BusinessDay::parse("d", "2026-03-31").expect("day"));
        assert_eq!(
            day.admit(2, at("2026-04-02T00:00:00Z"), SUBJECT, &late),
            Admit::Apply
        );
        let april = event("2026-04-01T00:10:00+07:00");
        assert_eq!(
            day.admit(3, at("2026-03-31T17:20:00Z"), SUBJECT, &april),
            Admit::Skip
        );
        assert_eq!(day.admit(4, None, SUBJECT, b"{broken"), Admit::Apply);
        assert_eq!(day.instant(), at("2026-03-31T17:00:00Z"));
        let seq = Cutoff::Seq(3);
        assert_eq!(seq.admit(3, None, SUBJECT, &late), Admit::Apply);
        assert_eq!(seq.admit(4, None, SUBJECT, &late), Admit::Skip);
        assert!(seq.is_past(4) && !seq.is_past(3) && !recorded.is_past(u64::MAX));
    }
}
