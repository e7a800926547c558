//! The fold: one stream message at a time into the projection, a pure function of the messages.

use ehb_proto::{ContractError, Event, Payload, ProvinceCode, decode_on_subject};
use jiff::Timestamp;

use crate::state::{Position, Projection, Reject};
use crate::ward::{Ward, WardMeta};

mod payload;

use payload::{Others, fold_payload};

/// What applying one message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The event moved a counter or a ward's record.
    Folded,
    /// The event repeated a fact already counted; nothing moved but its ward-day's duplicate count.
    Duplicate,
    /// The message could not be folded and was recorded as a reject.
    Rejected,
    /// The message's sequence was already applied (a redelivery); nothing happened.
    AlreadyApplied,
}

impl Projection {
    /// Applies the message at stream sequence `seq`, recorded at `recorded_at`, received on `subject`.
    ///
    /// Sequences at or below the applied position are ignored, so a redelivered message is
    /// counted once. A message that cannot be decoded is kept as a reject with its reason.
    pub fn apply(
        &mut self,
        seq: u64,
        recorded_at: Option<Timestamp>,
        subject: &str,
        payload: &[u8],
    ) -> Applied {
        if seq <= self.position.seq {
            return Applied::AlreadyApplied;
        }
        self.apply_decoded(
            seq,
            recorded_at,
            subject,
            decode_on_subject(subject, payload),
        )
    }

    /// Applies a message already decoded (by another thread, say) with
    /// [`ehb_proto::decode_on_subject`]; otherwise exactly as [`Projection::apply`].
    #[inline]
    pub fn apply_decoded(
        &mut self,
        seq: u64,
        recorded_at: Option<Timestamp>,
        subject: &str,
        decoded: Result<Event<'_>, ContractError>,
    ) -> Applied {
        if seq <= self.position.seq {
            return Applied::AlreadyApplied;
        }
        self.position = Position { seq, recorded_at };
        self.totals.messages += 1;
        let outcome = match decoded {
            Ok(event) => self.fold(&event),
            Err(err) => Err(err),
        };
        match outcome {
            Ok(applied) => applied,
            Err(err) => {
                self.reject(seq, recorded_at, subject, &err);
                Applied::Rejected
            }
        }
    }

    /// Moves past the message at `seq` without folding it (it belongs to another partition).
    pub fn skip(&mut self, seq: u64, recorded_at: Option<Timestamp>) {
        if seq > self.position.seq {
            self.position = Position { seq, recorded_at };
        }
    }

    fn reject(
        &mut self,
        seq: u64,
        recorded_at: Option<Timestamp>,
        subject: &str,
        err: &ContractError,
    ) {
        *self
            .totals
            .rejected
            .entry(err.kind().to_owned())
            .or_default() += 1;
        self.changes.rejects.push(Reject {
            seq,
            recorded_at,
            subject: subject.chars().take(128).collect(),
            kind: err.kind().to_owned(),
            field: err.field().to_owned(),
            reason: err.to_string(),
        });
    }

    /// Folds one validated event (the stream position is the caller's to keep).
    pub fn fold(&mut self, event: &Event<'_>) -> Result<Applied, ContractError> {
        let day = event.day();
        let ward_code = event.ward;
        let revision = self.revisions.next();
        let ward = self
            .wards
            .entry(ward_code)
            .or_insert_with(|| Ward::new(WardMeta::new(event.province)));
        // A ward new to its province's answers changes them on every day.
        let new_ward = ward.days.is_empty();
        if ward.meta.province != event.province {
            if ward.meta.registered() || !matches!(event.payload, Payload::WardBaseline(_)) {
                return Err(province_conflict(event.province, ward.meta.province));
            }
            // A baseline settles which province an unregistered ward belongs to.
            self.revisions.of(ward.meta.province).ward_left(revision);
            ward.meta.province = event.province;
        }
        // Checked before anything moves: a refused event leaves no trace in the counters.
        check_opening(ward, event)?;
        let counters = ward.days.entry(day).or_default();
        counters.events += 1;
        let others = Others {
            citizens: &mut self.citizens[usize::from(event.province.get())],
            changes: &mut self.changes,
            deadlines: &self.deadlines,
        };
        let before = counters.progress();
        let mut effect = fold_payload(event, day, &mut ward.meta, counters, others);
        ward.all_days.replace(before, counters.progress());
        if effect.duplicate {
            counters.duplicates += 1;
            self.totals.duplicates += 1;
        }
        if !ward.meta.registered() {
            ward.meta.unregistered_events += 1;
            self.totals.unregistered += 1;
            effect.meta_changed = true;
        }
        let revisions = self.revisions.of(event.province);
        revisions.event_on(day, revision);
        if let Payload::ReportFiled { period, .. } = &event.payload {
            // A report speaks of its period's days, filed on a later one.
            revisions.day_changed(self.deadlines.span(*period).0, revision);
        }
        if effect.every_day || new_ward {
            revisions.every_day_changed(revision);
        }
        if !counters.dirty {
            counters.dirty = true;
            self.changes.days.push((ward_code, day));
        }
        if effect.meta_changed && !ward.meta_dirty {
            ward.meta_dirty = true;
            self.changes.wards.push(ward_code);
        }
        self.totals.folded.add(event.kind());
        Ok(if effect.duplicate {
            Applied::Duplicate
        } else {
            Applied::Folded
        })
    }
}

/// Refuses what would count a fact twice: an account or integration on a day the ward's opening
/// balance already counts, or a balance reaching a day the events already counted facts on.
fn check_opening(ward: &Ward, event: &Event<'_>) -> Result<(), ContractError> {
    let day = event.day();
    match &event.payload {
        Payload::AccountActivated { .. } | Payload::CardIntegrated { .. } => {
            match ward.meta.opening {
                Some(o) if day <= o.as_of => Err(ContractError::invalid(
                    "occurred_at",
                    format!(
                        "falls on {day}, on or before {}, the last day ward {}'s opening balance \
                         counts: the balance already holds it",
                        o.as_of, event.ward
                    ),
                )),
                _ => Ok(()),
            }
        }
        Payload::WardOpening(o) => match ward.first_fact_day() {
            Some(first) if first <= o.as_of => Err(ContractError::invalid(
                "data.as_of",
                format!(
                    "ward {} already has accounts or integrations counted on {first}; an opening \
                     balance counts only the days before the first one the events count",
                    event.ward
                ),
            )),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

fn province_conflict(said: ProvinceCode, registered: ProvinceCode) -> ContractError {
    ContractError::invalid(
        "province",
        format!("the ward belongs to province {registered}, the event says {said}"),
    )
}
