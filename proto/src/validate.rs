//! Validating a decoded event against the contract's rules, and resolving raw identifiers.

use jiff::Timestamp;
use uuid::Uuid;

use crate::card::{Beneficiary, Issuer, validate_card};
use crate::codes::{CitizenRef, ProvinceCode, WardCode, check_group, check_source, check_token};
use crate::decode::{DataIn, WireIn, required};
use crate::event::{Baseline, Event, Opening, Payload};
use crate::identity::{CitizenId, Pseudonymise};
use crate::report::{ReportKind, ReportNotes, ReportPeriod};
use crate::reporter::Reporter;
use crate::screen::screen_identifiers;
use crate::team::{check_group_ward, check_team};
use crate::text::Text;
use crate::time::{BusinessDay, parse_instant};
use crate::{ContractError, EventType};

/// How raw personal identifiers in `data` are treated.
#[derive(Clone, Copy)]
pub(crate) enum Identifiers<'p> {
    /// The stream's contract: only `citizen_ref`; a raw identifier is refused.
    Refused,
    /// A submission to the gateway: a raw identifier is validated and pseudonymised.
    Pseudonymised(&'p dyn Pseudonymise),
}

impl Identifiers<'_> {
    fn raw_allowed(self) -> bool {
        matches!(self, Identifiers::Pseudonymised(_))
    }

    /// The citizen's pseudonym from `data.citizen_ref`, or computed from `data.citizen_id`.
    fn citizen(self, d: &DataIn<'_>) -> Result<CitizenRef, ContractError> {
        match (&d.citizen_ref, &d.citizen_id, self) {
            (Some(_), Some(_), _) => Err(ContractError::invalid(
                "data.citizen_id",
                "send either data.citizen_id or data.citizen_ref, not both",
            )),
            (Some(reference), None, _) => CitizenRef::parse("data.citizen_ref", reference.as_str()),
            (None, Some(raw), Identifiers::Pseudonymised(p)) => {
                Ok(p.citizen_ref(CitizenId::parse("data.citizen_id", raw.as_str())?))
            }
            (None, _, Identifiers::Pseudonymised(_)) => Err(ContractError::Missing {
                field: "data.citizen_id".into(),
            }),
            (None, _, Identifiers::Refused) => Err(ContractError::Missing {
                field: "data.citizen_ref".into(),
            }),
        }
    }
}

/// The largest count a figure may carry (more than Vietnam's population, fewer than overflow).
const MAX_FIGURE: u64 = 1_000_000_000;

pub(crate) fn validate<'a>(
    wire: &WireIn<'a>,
    ids: Identifiers<'_>,
) -> Result<Event<'a>, ContractError> {
    let kind: EventType = wire.kind.as_str().parse()?;
    let id = crate::hex::hyphenated_uuid(wire.id.as_str().as_bytes());
    let id = id
        .map_or_else(|| Uuid::try_parse(wire.id.as_str()), Ok)
        .map_err(|_| {
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
        check_group_ward(group.as_str(), ward)?;
    }
    check_source(wire.source.as_str())?;
    let d = &wire.data;
    d.only(kind, ids.raw_allowed())?;
    let payload = match kind {
        EventType::AccountActivated => Payload::AccountActivated {
            citizen: ids.citizen(d)?,
        },
        EventType::CardIntegrated => {
            let citizen = ids.citizen(d)?;
            let (beneficiary, issuer) = card_facts(d)?;
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
            check_team(d.members, d.composition)?;
            Payload::TeamFormed {
                members: d.members,
                composition: d.composition,
            }
        }
        EventType::ReportFiled => {
            let kind = ReportKind::parse("data.kind", required(d.kind.as_ref(), "kind")?.as_str())?;
            let period = ReportPeriod::parse(
                kind,
                "data.period",
                required(d.period.as_ref(), "period")?.as_str(),
            )?;
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
            let notes = ReportNotes {
                difficulties: report_text("data.difficulties", d.difficulties.clone())?,
                proposals: report_text("data.proposals", d.proposals.clone())?,
            };
            let reporter = match &d.reporter {
                Some(r) => Reporter::parse("data.reporter", r.as_str())?,
                None => Reporter::WardOffice,
            };
            Payload::ReportFiled {
                reporter,
                period,
                figures: f,
                notes: (!notes.is_empty()).then(|| Box::new(notes)),
            }
        }
        EventType::WardBaseline => {
            let b = Baseline {
                name: d.name.clone(),
                residents: required(d.residents, "residents")?,
                insured: required(d.insured, "insured")?,
                level2_accounts: required(d.level2_accounts, "level2_accounts")?,
                eligible: d.eligible,
                groups: required(d.groups, "groups")?,
                facilities: required(d.facilities, "facilities")?,
                target: required(d.target, "target")?,
            };
            check_baseline(&b)?;
            Payload::WardBaseline(b)
        }
        EventType::FacilityLinked => {
            let facility = required(d.facility.clone(), "facility")?;
            check_token("data.facility", facility.as_str(), 32)?;
            Payload::FacilityLinked { facility }
        }
        EventType::WardOpening => Payload::WardOpening(opening(d, occurred_at)?),
    };
    Ok(Event {
        id,
        occurred_at,
        province,
        ward,
        group: wire.group.clone(),
        source: wire.source.clone(),
        payload,
    })
}

/// The beneficiary code and issuer, from the raw `data.card` or as sent.
fn card_facts(d: &DataIn<'_>) -> Result<(Option<Beneficiary>, Option<Issuer>), ContractError> {
    if let Some(card) = &d.card {
        if d.beneficiary.is_some() || d.issuer.is_some() {
            return Err(ContractError::invalid(
                "data.card",
                "send either data.card or data.beneficiary and data.issuer, not both",
            ));
        }
        let facts = validate_card("data.card", card.as_str())?;
        return Ok((facts.beneficiary, facts.issuer));
    }
    let beneficiary = d
        .beneficiary
        .as_ref()
        .map(|b| b.as_str().parse::<Beneficiary>())
        .transpose()
        .map_err(|e| rename(e, "data.beneficiary"))?;
    let issuer = d
        .issuer
        .as_ref()
        .map(|i| i.as_str().parse::<Issuer>())
        .transpose()
        .map_err(|e| rename(e, "data.issuer"))?;
    Ok((beneficiary, issuer))
}

/// An opening balance: a day no later than the one it is published on, figures in range.
fn opening(d: &DataIn<'_>, published: Timestamp) -> Result<Opening, ContractError> {
    let as_of = BusinessDay::parse("data.as_of", required(d.as_of.as_ref(), "as_of")?.as_str())?;
    if as_of > BusinessDay::of(published) {
        return Err(ContractError::invalid(
            "data.as_of",
            "cannot be later than the business day of occurred_at: a balance counts what was done by then",
        ));
    }
    let accounts = required(d.accounts, "accounts")?;
    let integrated = required(d.integrated, "integrated")?;
    for (name, value) in [("data.accounts", accounts), ("data.integrated", integrated)] {
        if value > MAX_FIGURE {
            return Err(ContractError::invalid(name, "must be at most 1000000000"));
        }
    }
    Ok(Opening {
        as_of,
        accounts,
        integrated,
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
    if let Some(eligible) = b.eligible {
        for (other, value) in [
            ("data.insured", b.insured),
            ("data.level2_accounts", b.level2_accounts),
        ] {
            if eligible > value {
                return Err(ContractError::invalid(
                    "data.eligible",
                    format!("cannot exceed {other}"),
                ));
            }
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
        screen_identifiers("data.name", name.as_str())?;
    }
    Ok(())
}

/// The longest text section of a report, in characters.
const REPORT_TEXT_CHARS: usize = 2000;

/// A report's text section: 1 to 2,000 characters, holding no personal identifier.
fn report_text<'a>(field: &str, text: Option<Text<'a>>) -> Result<Option<Text<'a>>, ContractError> {
    if let Some(t) = &text {
        let chars = t.as_str().chars().count();
        if chars == 0 || chars > REPORT_TEXT_CHARS {
            return Err(ContractError::invalid(
                field,
                format!("must be 1 to {REPORT_TEXT_CHARS} characters"),
            ));
        }
        screen_identifiers(field, t.as_str())?;
    }
    Ok(text)
}
