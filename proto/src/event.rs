//! The envelope and its payloads: decoding with validation, and encoding for publishers.

use jiff::Timestamp;
use jiff::tz::{self, TimeZone};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::card::{Beneficiary, Issuer};
use crate::codes::{CitizenRef, ProvinceCode, WardCode, check_group, check_source, check_token};
use crate::error::from_json;
use crate::report::{ReportFigures, ReportKind, ReportPeriod};
use crate::text::Text;
use crate::time::parse_instant;
use crate::upcast::upcast;
use crate::{BusinessDay, ContractError, EventType, SCHEMA_VERSION};

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
        /// How many volunteers the team has, when reported.
        members: Option<u32>,
    },
    /// `report.filed`: a ward's periodic report.
    ReportFiled {
        /// The period the report covers.
        period: ReportPeriod,
        /// The figures the report claims.
        figures: ReportFigures,
    },
    /// `ward.baseline`: the ward's reference figures.
    WardBaseline(Baseline<'a>),
    /// `facility.linked`: a health facility linked its data to the insurance portal.
    FacilityLinked {
        /// The facility's code.
        facility: Text<'a>,
    },
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
    /// Residential groups (tổ dân phố, thôn, xóm, bản); each must form a guidance team.
    pub groups: u32,
    /// Health facilities that must link their data.
    pub facilities: u32,
    /// Integrations the ward is assigned (chỉ tiêu).
    pub target: u64,
}

impl Payload<'_> {
    /// The event type of this payload.
    pub fn kind(&self) -> EventType {
        match self {
            Payload::AccountActivated { .. } => EventType::AccountActivated,
            Payload::CardIntegrated { .. } => EventType::CardIntegrated,
            Payload::TeamFormed { .. } => EventType::TeamFormed,
            Payload::ReportFiled { .. } => EventType::ReportFiled,
            Payload::WardBaseline(_) => EventType::WardBaseline,
            Payload::FacilityLinked { .. } => EventType::FacilityLinked,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireIn<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    #[serde(borrow, rename = "type")]
    kind: Text<'a>,
    v: u64,
    #[serde(borrow)]
    occurred_at: Text<'a>,
    #[serde(borrow)]
    province: Text<'a>,
    #[serde(borrow)]
    ward: Text<'a>,
    #[serde(borrow, default)]
    group: Option<Text<'a>>,
    #[serde(borrow)]
    source: Text<'a>,
    #[serde(borrow)]
    data: DataIn<'a>,
}

/// Every field any event type's `data` may carry, read in the same pass as the envelope; which
/// of them a type allows and requires is checked afterwards.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataIn<'a> {
    #[serde(borrow, default)]
    citizen_ref: Option<Text<'a>>,
    #[serde(borrow, default)]
    beneficiary: Option<Text<'a>>,
    #[serde(borrow, default)]
    issuer: Option<Text<'a>>,
    #[serde(default)]
    members: Option<u32>,
    #[serde(borrow, default)]
    kind: Option<Text<'a>>,
    #[serde(borrow, default)]
    period: Option<Text<'a>>,
    #[serde(default)]
    figures: Option<ReportFigures>,
    #[serde(borrow, default)]
    name: Option<Text<'a>>,
    #[serde(default)]
    residents: Option<u64>,
    #[serde(default)]
    insured: Option<u64>,
    #[serde(default)]
    level2_accounts: Option<u64>,
    #[serde(default)]
    groups: Option<u32>,
    #[serde(default)]
    facilities: Option<u32>,
    #[serde(default)]
    target: Option<u64>,
    #[serde(borrow, default)]
    facility: Option<Text<'a>>,
}

impl<'a> DataIn<'a> {
    /// Refuses any field present that `kind` does not allow.
    fn only(&self, kind: EventType) -> Result<(), ContractError> {
        let allowed: &[&str] = match kind {
            EventType::AccountActivated => &["citizen_ref"],
            EventType::CardIntegrated => &["citizen_ref", "beneficiary", "issuer"],
            EventType::TeamFormed => &["members"],
            EventType::ReportFiled => &["kind", "period", "figures"],
            EventType::WardBaseline => &[
                "name",
                "residents",
                "insured",
                "level2_accounts",
                "groups",
                "facilities",
                "target",
            ],
            EventType::FacilityLinked => &["facility"],
        };
        let present = [
            ("citizen_ref", self.citizen_ref.is_some()),
            ("beneficiary", self.beneficiary.is_some()),
            ("issuer", self.issuer.is_some()),
            ("members", self.members.is_some()),
            ("kind", self.kind.is_some()),
            ("period", self.period.is_some()),
            ("figures", self.figures.is_some()),
            ("name", self.name.is_some()),
            ("residents", self.residents.is_some()),
            ("insured", self.insured.is_some()),
            ("level2_accounts", self.level2_accounts.is_some()),
            ("groups", self.groups.is_some()),
            ("facilities", self.facilities.is_some()),
            ("target", self.target.is_some()),
            ("facility", self.facility.is_some()),
        ];
        match present
            .iter()
            .find(|(name, here)| *here && !allowed.contains(name))
        {
            Some((name, _)) => Err(ContractError::invalid(
                format!("data.{name}"),
                format!("unknown field for {}", kind.as_str()),
            )),
            None => Ok(()),
        }
    }
}

/// The value of a required `data` field, or the error naming it.
fn required<T>(value: Option<T>, field: &str) -> Result<T, ContractError> {
    value.ok_or_else(|| ContractError::Missing {
        field: format!("data.{field}"),
    })
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
}

/// The `data` written for this type (reading goes through `DataIn`).
#[derive(Serialize)]
struct ReportData<'a> {
    kind: Text<'a>,
    period: Text<'a>,
    #[serde(skip_serializing_if = "ReportFigures::is_empty")]
    figures: ReportFigures,
}

/// The `data` written for this type (reading goes through `DataIn`).
#[derive(Serialize)]
struct FacilityData<'a> {
    facility: Text<'a>,
}

/// The largest count a figure may carry (more than Vietnam's population, fewer than overflow).
const MAX_FIGURE: u64 = 1_000_000_000;

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
                Payload::TeamFormed { members } => Payload::TeamFormed { members },
                Payload::ReportFiled { period, figures } => {
                    Payload::ReportFiled { period, figures }
                }
                Payload::WardBaseline(b) => Payload::WardBaseline(Baseline {
                    name: b.name.map(Text::into_owned),
                    residents: b.residents,
                    insured: b.insured,
                    level2_accounts: b.level2_accounts,
                    groups: b.groups,
                    facilities: b.facilities,
                    target: b.target,
                }),
                Payload::FacilityLinked { facility } => Payload::FacilityLinked {
                    facility: facility.into_owned(),
                },
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
            Payload::TeamFormed { members } => self.encode(TeamData { members: *members }),
            Payload::ReportFiled { period, figures } => self.encode(ReportData {
                kind: Text::from(period.kind().as_str()),
                period: Text::from(period.to_string()),
                figures: *figures,
            }),
            Payload::WardBaseline(b) => self.encode(b),
            Payload::FacilityLinked { facility } => self.encode(FacilityData {
                facility: facility.clone(),
            }),
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

/// Decodes and validates one event published as JSON, upcasting older schema versions.
pub fn decode(bytes: &[u8]) -> Result<Event<'_>, ContractError> {
    // Checking UTF-8 once over the whole message is cheaper than string by string.
    let parsed = match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str::<WireIn<'_>>(text),
        Err(_) => serde_json::from_slice::<WireIn<'_>>(bytes),
    };
    match parsed {
        Ok(wire) if wire.v == u64::from(SCHEMA_VERSION) => validate(wire),
        Ok(_) => decode_older(bytes),
        Err(err) => {
            #[derive(Deserialize)]
            struct Version {
                v: Option<u64>,
            }
            match serde_json::from_slice::<Version>(bytes) {
                Ok(Version { v: Some(v) }) if v != u64::from(SCHEMA_VERSION) => decode_older(bytes),
                _ => Err(explain::<WireIn<'_>>(bytes, &err, "")),
            }
        }
    }
}

/// Reads an event of an older schema version through the upcasters.
fn decode_older(bytes: &[u8]) -> Result<Event<'static>, ContractError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| from_json(&e, ""))?;
    let current = upcast(value)?;
    let text = serde_json::to_vec(&current).map_err(|e| from_json(&e, ""))?;
    let wire: WireIn<'_> =
        serde_json::from_slice(&text).map_err(|e| explain::<WireIn<'_>>(&text, &e, ""))?;
    validate(wire).map(Event::into_owned)
}

/// Turns a decoding error into a contract error naming the field, by decoding again with paths.
fn explain<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    err: &serde_json::Error,
    prefix: &str,
) -> ContractError {
    if err.is_syntax() || err.is_eof() {
        return from_json(err, prefix);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let container = match path.as_str() {
                "" | "." => prefix.to_owned(),
                p if prefix.is_empty() => p.to_owned(),
                p => format!("{prefix}.{p}"),
            };
            let within = |name: &str| {
                if container.is_empty() {
                    name.to_owned()
                } else if container.ends_with(&format!(".{name}")) || container == name {
                    container.clone()
                } else {
                    format!("{container}.{name}")
                }
            };
            match from_json(&inner, "") {
                ContractError::Missing { field } => ContractError::Missing {
                    field: within(&field),
                },
                ContractError::Invalid { field, reason } => {
                    ContractError::invalid(within(&field), reason)
                }
                _ if container.is_empty() => from_json(&inner, ""),
                _ => ContractError::invalid(container, crate::error::redact(&inner.to_string())),
            }
        }
        Ok(_) => from_json(err, prefix),
    }
}

/// Decodes an event received on `subject` and checks the subject agrees with the envelope.
pub fn decode_on_subject<'a>(subject: &str, bytes: &'a [u8]) -> Result<Event<'a>, ContractError> {
    let event = decode(bytes)?;
    crate::subject::check(subject, &event)?;
    Ok(event)
}

fn validate(wire: WireIn<'_>) -> Result<Event<'_>, ContractError> {
    let kind: EventType = wire.kind.as_str().parse()?;
    let id = Uuid::try_parse(wire.id.as_str()).map_err(|_| {
        ContractError::invalid(
            "id",
            "must be a UUID such as 0192d1c6-8c5e-7a3b-9f1d-2b3c4d5e6f70",
        )
    })?;
    let occurred_at = parse_instant("occurred_at", wire.occurred_at.as_str())?;
    let province = ProvinceCode::parse(wire.province.as_str())?;
    let ward = WardCode::parse(wire.ward.as_str())?;
    if let Some(group) = &wire.group {
        check_group(group.as_str())?;
    }
    check_source(wire.source.as_str())?;
    let d = wire.data;
    d.only(kind)?;
    let payload = match kind {
        EventType::AccountActivated => Payload::AccountActivated {
            citizen: CitizenRef::parse(
                "data.citizen_ref",
                required(d.citizen_ref, "citizen_ref")?.as_str(),
            )?,
        },
        EventType::CardIntegrated => {
            let citizen = CitizenRef::parse(
                "data.citizen_ref",
                required(d.citizen_ref, "citizen_ref")?.as_str(),
            )?;
            let beneficiary = d
                .beneficiary
                .map(|b| b.as_str().parse::<Beneficiary>())
                .transpose()
                .map_err(|e| rename(e, "data.beneficiary"))?;
            let issuer = d
                .issuer
                .map(|i| i.as_str().parse::<Issuer>())
                .transpose()
                .map_err(|e| rename(e, "data.issuer"))?;
            Payload::CardIntegrated {
                citizen,
                beneficiary,
                issuer,
            }
        }
        EventType::TeamFormed => {
            if wire.group.is_none() {
                return Err(ContractError::Missing {
                    field: "group".into(),
                });
            }
            if d.members.is_some_and(|m| m == 0 || m > 1000) {
                return Err(ContractError::invalid(
                    "data.members",
                    "must be between 1 and 1000",
                ));
            }
            Payload::TeamFormed { members: d.members }
        }
        EventType::ReportFiled => {
            let kind = ReportKind::parse("data.kind", required(d.kind, "kind")?.as_str())?;
            let period =
                ReportPeriod::parse(kind, "data.period", required(d.period, "period")?.as_str())?;
            let f = d.figures.unwrap_or_default();
            for (name, value) in [
                ("data.figures.accounts_new", f.accounts_new),
                ("data.figures.accounts_total", f.accounts_total),
                ("data.figures.integrated_new", f.integrated_new),
                ("data.figures.integrated_total", f.integrated_total),
                ("data.figures.groups_with_team", f.groups_with_team),
            ] {
                if value.is_some_and(|v| v > MAX_FIGURE) {
                    return Err(ContractError::invalid(name, "must be at most 1000000000"));
                }
            }
            Payload::ReportFiled { period, figures: f }
        }
        EventType::WardBaseline => {
            let b = Baseline {
                name: d.name,
                residents: required(d.residents, "residents")?,
                insured: required(d.insured, "insured")?,
                level2_accounts: required(d.level2_accounts, "level2_accounts")?,
                groups: required(d.groups, "groups")?,
                facilities: required(d.facilities, "facilities")?,
                target: required(d.target, "target")?,
            };
            check_baseline(&b)?;
            Payload::WardBaseline(b)
        }
        EventType::FacilityLinked => {
            let facility = required(d.facility, "facility")?;
            check_token("data.facility", facility.as_str(), 32)?;
            Payload::FacilityLinked { facility }
        }
    };
    Ok(Event {
        id,
        occurred_at,
        province,
        ward,
        group: wire.group,
        source: wire.source,
        payload,
    })
}

fn rename(err: ContractError, field: &str) -> ContractError {
    match err {
        ContractError::Invalid { reason, .. } => ContractError::invalid(field, reason),
        other => other,
    }
}

fn check_baseline(b: &Baseline<'_>) -> Result<(), ContractError> {
    if b.residents == 0 || b.residents > MAX_FIGURE {
        return Err(ContractError::invalid(
            "data.residents",
            "must be between 1 and 1000000000",
        ));
    }
    for (name, value) in [
        ("data.insured", b.insured),
        ("data.level2_accounts", b.level2_accounts),
        ("data.target", b.target),
    ] {
        if value > b.residents {
            return Err(ContractError::invalid(name, "cannot exceed data.residents"));
        }
    }
    if b.groups > 100_000 {
        return Err(ContractError::invalid(
            "data.groups",
            "must be at most 100000",
        ));
    }
    if b.facilities > 100_000 {
        return Err(ContractError::invalid(
            "data.facilities",
            "must be at most 100000",
        ));
    }
    if let Some(name) = &b.name {
        let chars = name.as_str().chars().count();
        if chars == 0 || chars > 120 {
            return Err(ContractError::invalid(
                "data.name",
                "must be 1 to 120 characters",
            ));
        }
    }
    Ok(())
}
