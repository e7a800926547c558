//! The fold: one stream message at a time into the projection, a pure function of the messages.

use ehb_proto::{ContractError, Event, Payload, ProvinceCode, ReportId, decode_on_subject};
use jiff::Timestamp;

use crate::state::{CITIZEN_ACCOUNT, CITIZEN_INTEGRATED, Position, Projection, Reject};
use crate::ward::{
    GroupTeam, OpeningBalance, ReportRecord, ReportText, Ward, WardBaseline, WardMeta,
};

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
        let mut every_day = ward.days.is_empty();
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
        let kind = event.kind();
        let mut meta_changed = false;
        let mut duplicate = false;
        let counters = ward.days.entry(day).or_default();
        counters.events += 1;
        match &event.payload {
            Payload::AccountActivated { citizen } => {
                let set = &mut self.citizens[usize::from(event.province.get())];
                let flags = set.entry(citizen.0).or_insert(0);
                if *flags & CITIZEN_ACCOUNT == 0 {
                    *flags |= CITIZEN_ACCOUNT;
                    counters.accounts_new += 1;
                    if let Some(group) = &event.group {
                        counters.count_group(group.as_str(), |g| g.accounts_new += 1);
                    }
                    if *flags & CITIZEN_INTEGRATED != 0 {
                        counters.eligible_new += 1;
                    }
                    self.changes
                        .citizens
                        .push((event.province, *citizen, *flags));
                } else {
                    duplicate = true;
                }
            }
            Payload::CardIntegrated {
                citizen,
                beneficiary,
                issuer,
            } => {
                let set = &mut self.citizens[usize::from(event.province.get())];
                let flags = set.entry(citizen.0).or_insert(0);
                if *flags & CITIZEN_INTEGRATED == 0 {
                    *flags |= CITIZEN_INTEGRATED;
                    counters.integrated_new += 1;
                    if let Some(group) = &event.group {
                        counters.count_group(group.as_str(), |g| g.integrated_new += 1);
                    }
                    if *flags & CITIZEN_ACCOUNT != 0 {
                        counters.eligible_new += 1;
                    }
                    counters.by_beneficiary.add(*beneficiary);
                    counters.by_issuer.add(*issuer);
                    self.changes
                        .citizens
                        .push((event.province, *citizen, *flags));
                } else {
                    duplicate = true;
                }
            }
            Payload::TeamFormed {
                members,
                composition,
            } => {
                // The contract requires a group on team.formed.
                let group = event.group.as_ref().map(|g| g.as_str()).unwrap_or_default();
                if ward.meta.teams.contains_key(group) {
                    duplicate = true;
                } else {
                    ward.meta.teams.insert(
                        group.to_owned(),
                        GroupTeam {
                            formed_on: day,
                            members: Payload::team_members(*members, *composition),
                            composition: *composition,
                        },
                    );
                    counters.teams_new += 1;
                    self.changes.teams.push((ward_code, group.to_owned()));
                }
            }
            Payload::FacilityLinked { facility } => {
                if ward.meta.facilities.contains_key(facility.as_str()) {
                    duplicate = true;
                } else {
                    ward.meta
                        .facilities
                        .insert(facility.as_str().to_owned(), day);
                    counters.facilities_new += 1;
                    meta_changed = true;
                }
            }
            Payload::ReportFiled {
                reporter,
                period,
                figures,
                notes,
            } => {
                let id = ReportId {
                    reporter: *reporter,
                    period: *period,
                };
                let filed_at = event.occurred_at;
                let text = notes
                    .as_deref()
                    .map(ReportText::from_notes)
                    .unwrap_or_default();
                match ward.meta.reports.get_mut(&id) {
                    Some(record)
                        if record.first_filed_at == filed_at
                            && record.figures == *figures
                            && record.text == text =>
                    {
                        duplicate = true;
                    }
                    Some(record) => {
                        record.filings += 1;
                        if filed_at < record.first_filed_at {
                            record.first_filed_at = filed_at;
                            record.on_time = self.deadlines.on_time(*period, filed_at);
                        }
                        if filed_at >= record.last_filed_at {
                            record.last_filed_at = filed_at;
                            record.figures = *figures;
                            record.text = text;
                        }
                        self.changes.reports.push((ward_code, id));
                    }
                    None => {
                        ward.meta.reports.insert(
                            id,
                            ReportRecord {
                                first_filed_at: filed_at,
                                on_time: self.deadlines.on_time(*period, filed_at),
                                last_filed_at: filed_at,
                                filings: 1,
                                figures: *figures,
                                text,
                            },
                        );
                        self.changes.reports.push((ward_code, id));
                    }
                }
            }
            Payload::WardBaseline(b) => {
                let newer = ward
                    .meta
                    .baseline
                    .as_ref()
                    .is_none_or(|current| event.occurred_at >= current.as_of);
                let incoming = WardBaseline::from_event(event.occurred_at, b);
                if ward.meta.baseline.as_ref() == Some(&incoming) {
                    duplicate = true;
                } else if newer {
                    ward.meta.baseline = Some(incoming);
                    meta_changed = true;
                    every_day = true;
                }
            }
            Payload::WardOpening(o) => {
                let incoming = OpeningBalance::from_event(event.occurred_at, o);
                match ward.meta.opening {
                    Some(current) if current == incoming => duplicate = true,
                    // An older publication than the one kept changes nothing (as a baseline).
                    Some(current) if incoming.published_at < current.published_at => {}
                    _ => {
                        ward.meta.opening = Some(incoming);
                        meta_changed = true;
                        every_day = true;
                    }
                }
            }
        }
        if duplicate {
            counters.duplicates += 1;
            self.totals.duplicates += 1;
        }
        if !ward.meta.registered() {
            ward.meta.unregistered_events += 1;
            self.totals.unregistered += 1;
            meta_changed = true;
        }
        let revisions = self.revisions.of(event.province);
        revisions.event_on(day, revision);
        if let Payload::ReportFiled { period, .. } = &event.payload {
            // A report speaks of its period's days, filed on a later one.
            revisions.day_changed(self.deadlines.span(*period).0, revision);
        }
        if every_day {
            revisions.every_day_changed(revision);
        }
        if !counters.dirty {
            counters.dirty = true;
            self.changes.days.push((ward_code, day));
        }
        if meta_changed && !ward.meta_dirty {
            ward.meta_dirty = true;
            self.changes.wards.push(ward_code);
        }
        self.totals.folded.add(kind);
        Ok(if duplicate {
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
