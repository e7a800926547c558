//! Where a replay stops: after a stream sequence, at a record time ("what was known at the close,
//! 31/3 23:59"), or after a business day (every event that occurred by then, whenever recorded).

use ehb_proto::BusinessDay;
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
    /// Whether the message at `seq`, recorded at `recorded_at`, whose event occurred at
    /// `occurred` (`None`: it cannot be read), is within the cut-off.
    pub fn admit(
        &self,
        seq: u64,
        recorded_at: Option<Timestamp>,
        occurred: Option<Timestamp>,
    ) -> Admit {
        let within = match *self {
            Cutoff::End => true,
            Cutoff::Seq(last) => seq <= last,
            Cutoff::Recorded(at) => recorded_at.is_some_and(|r| r <= at),
            Cutoff::Day(day) => occurred.is_none_or(|o| BusinessDay::of(o) <= day),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_cut_off_admits_what_it_says() {
        let at = |s: &str| s.parse::<Timestamp>().ok();
        let close = "2026-03-31T16:59:00Z"
            .parse::<Timestamp>()
            .expect("instant");
        let late = at("2026-03-31T16:30:00Z");
        let recorded = Cutoff::Recorded(close);
        assert_eq!(
            recorded.admit(1, at("2026-03-31T16:59:00Z"), late),
            Admit::Apply
        );
        assert_eq!(
            recorded.admit(2, at("2026-03-31T17:30:00Z"), late),
            Admit::Skip
        );
        let day = Cutoff::Day(BusinessDay::parse("d", "2026-03-31").expect("day"));
        assert_eq!(day.admit(2, at("2026-04-02T00:00:00Z"), late), Admit::Apply);
        let april = at("2026-03-31T17:10:00Z");
        assert_eq!(day.admit(3, at("2026-03-31T17:20:00Z"), april), Admit::Skip);
        assert_eq!(day.admit(4, None, None), Admit::Apply);
        assert_eq!(day.instant(), at("2026-03-31T17:00:00Z"));
        let seq = Cutoff::Seq(3);
        assert_eq!(seq.admit(3, None, late), Admit::Apply);
        assert_eq!(seq.admit(4, None, late), Admit::Skip);
        assert_eq!(seq.instant(), None);
    }
}
