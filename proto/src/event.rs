//! The envelope and its payloads: decoding with validation, and encoding for publishers.

use jiff::Timestamp;
use jiff::tz::{self, TimeZone};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::card::{Beneficiary, Issuer};
use crate::codes::{CitizenRef, ProvinceCode, WardCode};
use crate::report::{ReportFigures, ReportNotes, ReportPeriod};
use crate::reporter::Reporter;
use crate::team::TeamComposition;
use crate::text::Text;
use crate::{BusinessDay, EventType, SCHEMA_VERSION};

/// A validated event: the envelope's fields and its typed payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<'a> {
    /// The publisher's UUID for this event; the de-duplication key.
    pub id: Uuid,
    /// When the fact happened.
    pub occurred_at: Timestamp,
    /// The province the fact happened in.
    pub province: ProvinceCode,
    /// The ward the fact happened in.
    pub ward: WardCode,
    /// The residential group, when the fact concerns one (required for `team.formed`).
    pub group: Option<Text<'a>>,
    /// The upstream system that published it (`c06`, `vss`, `health`, `ward-office`, …).
    pub source: Text<'a>,
    /// What happened.
    pub payload: Payload<'a>,
}

/// The typed `data` of an event.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload<'a> {
    /// `account.activated`: a citizen's level-2 account.
    AccountActivated {
        /// The citizen's pseudonym.
        citizen: CitizenRef,
    },
    /// `card.integrated`: a citizen's insurance card integrated on VNeID.
    CardIntegrated {
        /// The citizen's pseudonym.
        citizen: CitizenRef,
        /// The card's beneficiary group, when the card number carried one.
        beneficiary: Option<Beneficiary>,
        /// The card's issuer, when the card number carried one.
        issuer: Option<Issuer>,
    },
    /// `team.formed`: the event's group formed its guidance team.
    TeamFormed {
        /// How many volunteers the team has, when reported (see [`Payload::team_members`]).
        members: Option<u32>,
        /// Who the team is made of, when reported.
        composition: Option<TeamComposition>,
    },
    /// `report.filed`: a periodic report of the ward's office, police, a health facility or
    /// the regional health centre.
    ReportFiled {
        /// Who files it.
        reporter: Reporter,
        /// The period the report covers.
        period: ReportPeriod,
        /// The figures the report claims.
        figures: ReportFigures,
        /// Its text sections, when it has any (boxed: most reports have none, and every event
        /// is as large as its largest payload).
        notes: Option<Box<ReportNotes<'a>>>,
    },
    /// `ward.baseline`: the ward's reference figures.
    WardBaseline(Baseline<'a>),
    /// `facility.linked`: a health facility linked its data to the insurance portal.
    FacilityLinked {
        /// The facility's code.
        facility: Text<'a>,
    },
    /// `ward.opening`: what the ward had achieved by a day before its tracking began.
    WardOpening(Opening),
}

/// A ward's opening balance: the accounts activated and cards integrated from the pilot up to
/// and including `as_of`, before any event of the ward is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    /// The last business day the balance counts.
    pub as_of: BusinessDay,
    /// Level-2 accounts activated by the end of `as_of`.
    pub accounts: u64,
    /// Cards integrated by the end of `as_of`.
    pub integrated: u64,
}

/// A ward's reference figures, as known at a point in the stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline<'a> {
    /// The ward's name, for display.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text<'a>>,
    /// Residents (dân số).
    pub residents: u64,
    /// Holders of a currently valid insurance card.
    pub insured: u64,
    /// Level-2 accounts already active when the figures were taken.
    pub level2_accounts: u64,
    /// Of the insured, those already holding a level-2 account when the figures were taken: the
    /// citizens who could integrate their card (social security's and the police's reconciled
    /// figure), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible: Option<u64>,
    /// Residential groups (tổ dân phố, thôn, xóm, bản); each must form a guidance team.
    pub groups: u32,
    /// Health facilities that must link their data.
    pub facilities: u32,
    /// Integrations the ward is assigned (chỉ tiêu).
    pub target: u64,
}

impl Payload<'_> {
    /// A team's members: as reported, or its composition's total when only that is reported.
    pub fn team_members(members: Option<u32>, composition: Option<TeamComposition>) -> Option<u32> {
        members.or_else(|| composition.map(|c| c.total() as u32))
    }

    /// The event type of this payload.
    pub fn kind(&self) -> EventType {
        match self {
            Payload::AccountActivated { .. } => EventType::AccountActivated,
            Payload::CardIntegrated { .. } => EventType::CardIntegrated,
            Payload::TeamFormed { .. } => EventType::TeamFormed,
            Payload::ReportFiled { .. } => EventType::ReportFiled,
            Payload::WardBaseline(_) => EventType::WardBaseline,
            Payload::FacilityLinked { .. } => EventType::FacilityLinked,
            Payload::WardOpening(_) => EventType::WardOpening,
        }
    }
}

#[derive(Serialize)]
struct WireOut<'e, D> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    v: u32,
    occurred_at: String,
    province: ProvinceCode,
    ward: WardCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'e str>,
    source: &'e str,
    data: D,
}

/// The `data` written for this type (reading goes through `DataIn`).
#[derive(Serialize)]
struct CitizenData<'a> {
    citizen_ref: Text<'a>,
}

/// The `data` written for this type (reading goes through `DataIn`).
#[derive(Serialize)]
struct CardData<'a> {
    citizen_ref: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    beneficiary: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer: Option<Text<'a>>,
}

/// The `data` written for this type (reading goes through `DataIn`).
#[derive(Serialize)]
struct TeamData {
    #[serde(skip_serializing_if = "Option::is_none")]
    members: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    composition: Option<TeamComposition>,
}

/// The `data` written for this type (reading goes through `DataIn`).
#[derive(Serialize)]
struct ReportData<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    reporter: Option<&'static str>,
    kind: Text<'a>,
    period: Text<'a>,
    #[serde(skip_serializing_if = "ReportFigures::is_empty")]
    figures: ReportFigures,
    #[serde(flatten)]
    notes: ReportNotes<'a>,
}

/// The `data` written for this type (reading goes through `DataIn`).
#[derive(Serialize)]
struct FacilityData<'a> {
    facility: Text<'a>,
}

impl<'a> Event<'a> {
    /// The event type.
    pub fn kind(&self) -> EventType {
        self.payload.kind()
    }

    /// The business day the fact counts for (its date in UTC+07:00).
    pub fn day(&self) -> BusinessDay {
        BusinessDay::of(self.occurred_at)
    }

    /// The subject the event is published on: `ehb.v1.<province>.<ward>.<type>`.
    pub fn subject(&self) -> String {
        crate::subject::subject(self.province, self.ward, self.kind())
    }

    /// A copy that owns all its strings.
    pub fn into_owned(self) -> Event<'static> {
        Event {
            id: self.id,
            occurred_at: self.occurred_at,
            province: self.province,
            ward: self.ward,
            group: self.group.map(Text::into_owned),
            source: self.source.into_owned(),
            payload: match self.payload {
                Payload::AccountActivated { citizen } => Payload::AccountActivated { citizen },
                Payload::CardIntegrated {
                    citizen,
                    beneficiary,
                    issuer,
                } => Payload::CardIntegrated {
                    citizen,
                    beneficiary,
                    issuer,
                },
                Payload::TeamFormed {
                    members,
                    composition,
                } => Payload::TeamFormed {
                    members,
                    composition,
                },
                Payload::ReportFiled {
                    reporter,
                    period,
                    figures,
                    notes,
                } => Payload::ReportFiled {
                    reporter,
                    period,
                    figures,
                    notes: notes.map(|n| Box::new(n.into_owned())),
                },
                Payload::WardBaseline(b) => Payload::WardBaseline(Baseline {
                    name: b.name.map(Text::into_owned),
                    residents: b.residents,
                    insured: b.insured,
                    level2_accounts: b.level2_accounts,
                    eligible: b.eligible,
                    groups: b.groups,
                    facilities: b.facilities,
                    target: b.target,
                }),
                Payload::FacilityLinked { facility } => Payload::FacilityLinked {
                    facility: facility.into_owned(),
                },
                Payload::WardOpening(opening) => Payload::WardOpening(opening),
            },
        }
    }

    /// The event as contract JSON (schema version 1), its time written at UTC+07:00.
    pub fn to_json(&self) -> Vec<u8> {
        match &self.payload {
            Payload::AccountActivated { citizen } => self.encode(CitizenData {
                citizen_ref: Text::from(citizen.to_string()),
            }),
            Payload::CardIntegrated {
                citizen,
                beneficiary,
                issuer,
            } => self.encode(CardData {
                citizen_ref: Text::from(citizen.to_string()),
                beneficiary: beneficiary.map(|b| Text::from(b.code())),
                issuer: issuer.map(|i| Text::from(i.as_str())),
            }),
            Payload::TeamFormed {
                members,
                composition,
            } => self.encode(TeamData {
                members: *members,
                composition: *composition,
            }),
            Payload::ReportFiled {
                reporter,
                period,
                figures,
                notes,
            } => self.encode(ReportData {
                // The ward's office is the default, left unwritten.
                reporter: (*reporter != Reporter::WardOffice).then(|| reporter.as_str()),
                kind: Text::from(period.kind().as_str()),
                period: Text::from(period.to_string()),
                figures: *figures,
                notes: notes.as_deref().cloned().unwrap_or_default(),
            }),
            Payload::WardBaseline(b) => self.encode(b),
            Payload::FacilityLinked { facility } => self.encode(FacilityData {
                facility: facility.clone(),
            }),
            Payload::WardOpening(opening) => self.encode(opening),
        }
    }

    fn encode<D: Serialize>(&self, data: D) -> Vec<u8> {
        let wire = WireOut {
            id: self.id.hyphenated().to_string(),
            kind: self.kind().as_str(),
            v: SCHEMA_VERSION,
            occurred_at: format_instant(self.occurred_at),
            province: self.province,
            ward: self.ward,
            group: self.group.as_ref().map(Text::as_str),
            source: self.source.as_str(),
            data,
        };
        // Serialising plain structs of strings and integers into memory cannot fail.
        serde_json::to_vec(&wire).unwrap_or_default()
    }
}

/// Writes an instant in RFC 3339 at UTC+07:00, e.g. `2026-03-10T08:15:00+07:00`.
pub fn format_instant(instant: Timestamp) -> String {
    let zoned = instant.to_zoned(TimeZone::fixed(tz::offset(7)));
    zoned.strftime("%Y-%m-%dT%H:%M:%S%.f%:z").to_string()
}
