//! Reading events: the wire shapes, the entry points, and errors that name the field.

use serde::Deserialize;

use crate::error::from_json;
use crate::event::Event;
use crate::identity::Pseudonymise;
use crate::report::ReportFigures;
use crate::team::TeamComposition;
use crate::text::Text;
use crate::upcast::upcast;
use crate::validate::{Identifiers, validate};
use crate::{ContractError, EventType, SCHEMA_VERSION};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireIn<'a> {
    #[serde(borrow)]
    pub(crate) id: Text<'a>,
    #[serde(borrow, rename = "type")]
    pub(crate) kind: Text<'a>,
    pub(crate) v: u64,
    #[serde(borrow)]
    pub(crate) occurred_at: Text<'a>,
    #[serde(borrow)]
    pub(crate) province: Text<'a>,
    #[serde(borrow)]
    pub(crate) ward: Text<'a>,
    #[serde(borrow, default)]
    pub(crate) group: Option<Text<'a>>,
    #[serde(borrow)]
    pub(crate) source: Text<'a>,
    #[serde(borrow, deserialize_with = "object")]
    pub(crate) data: DataIn<'a>,
}

/// `data`, read from a JSON object only: serde would read a struct from an array too.
fn object<'de: 'a, 'a, D: serde::Deserializer<'de>>(d: D) -> Result<DataIn<'a>, D::Error> {
    struct ObjectOnly<'a>(std::marker::PhantomData<DataIn<'a>>);
    impl<'de: 'a, 'a> serde::de::Visitor<'de> for ObjectOnly<'a> {
        type Value = DataIn<'a>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<DataIn<'a>, A::Error> {
            DataIn::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_map(ObjectOnly(std::marker::PhantomData))
}

/// Every field any event type's `data` may carry, read in the same pass as the envelope; which
/// of them a type allows and requires is checked afterwards.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct DataIn<'a> {
    #[serde(borrow, default)]
    pub(crate) citizen_ref: Option<Text<'a>>,
    /// A raw personal identification number: only ever read by the gateway, never stored.
    #[serde(borrow, default)]
    pub(crate) citizen_id: Option<Text<'a>>,
    /// A raw insurance card number: only ever read by the gateway, never stored.
    #[serde(borrow, default)]
    pub(crate) card: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) beneficiary: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) issuer: Option<Text<'a>>,
    #[serde(default)]
    pub(crate) members: Option<u32>,
    #[serde(default)]
    pub(crate) composition: Option<TeamComposition>,
    #[serde(borrow, default)]
    pub(crate) reporter: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) kind: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) period: Option<Text<'a>>,
    #[serde(default)]
    pub(crate) figures: Option<ReportFigures>,
    #[serde(borrow, default)]
    pub(crate) name: Option<Text<'a>>,
    #[serde(default)]
    pub(crate) residents: Option<u64>,
    #[serde(default)]
    pub(crate) insured: Option<u64>,
    #[serde(default)]
    pub(crate) level2_accounts: Option<u64>,
    #[serde(default)]
    pub(crate) eligible: Option<u64>,
    #[serde(default)]
    pub(crate) groups: Option<u32>,
    #[serde(default)]
    pub(crate) facilities: Option<u32>,
    #[serde(default)]
    pub(crate) target: Option<u64>,
    #[serde(borrow, default)]
    pub(crate) facility: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) difficulties: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) proposals: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub(crate) as_of: Option<Text<'a>>,
    #[serde(default)]
    pub(crate) accounts: Option<u64>,
    #[serde(default)]
    pub(crate) integrated: Option<u64>,
}

impl<'a> DataIn<'a> {
    /// Refuses any field present that `kind` does not allow (raw identifiers only when they
    /// are to be pseudonymised).
    pub(crate) fn only(&self, kind: EventType, raw_allowed: bool) -> Result<(), ContractError> {
        if !raw_allowed {
            for (name, here) in [
                ("citizen_id", self.citizen_id.is_some()),
                ("card", self.card.is_some()),
            ] {
                if here {
                    return Err(ContractError::invalid(
                        format!("data.{name}"),
                        "raw personal identifiers are never accepted on the stream; send data.citizen_ref \
                         (and data.beneficiary, data.issuer), or publish through the gateway, which computes them",
                    ));
                }
            }
        }
        let allowed = match kind {
            EventType::AccountActivated => const { fields(&["citizen_ref", "citizen_id"]) },
            EventType::CardIntegrated => {
                const { fields(&["citizen_ref", "citizen_id", "beneficiary", "issuer", "card"]) }
            }
            EventType::TeamFormed => const { fields(&["members", "composition"]) },
            EventType::ReportFiled => {
                const {
                    fields(&[
                        "reporter",
                        "kind",
                        "period",
                        "figures",
                        "difficulties",
                        "proposals",
                    ])
                }
            }
            EventType::WardBaseline => {
                const {
                    fields(&[
                        "name",
                        "residents",
                        "insured",
                        "level2_accounts",
                        "eligible",
                        "groups",
                        "facilities",
                        "target",
                    ])
                }
            }
            EventType::FacilityLinked => const { fields(&["facility"]) },
            EventType::WardOpening => const { fields(&["as_of", "accounts", "integrated"]) },
        };
        let present = [
            self.citizen_ref.is_some(),
            self.citizen_id.is_some(),
            self.card.is_some(),
            self.beneficiary.is_some(),
            self.issuer.is_some(),
            self.members.is_some(),
            self.composition.is_some(),
            self.reporter.is_some(),
            self.kind.is_some(),
            self.period.is_some(),
            self.figures.is_some(),
            self.name.is_some(),
            self.residents.is_some(),
            self.insured.is_some(),
            self.level2_accounts.is_some(),
            self.eligible.is_some(),
            self.groups.is_some(),
            self.facilities.is_some(),
            self.target.is_some(),
            self.facility.is_some(),
            self.difficulties.is_some(),
            self.proposals.is_some(),
            self.as_of.is_some(),
            self.accounts.is_some(),
            self.integrated.is_some(),
        ]
        .iter()
        .enumerate()
        .fold(0u32, |set, (i, here)| set | (u32::from(*here) << i));
        match present & !allowed {
            0 => Ok(()),
            unknown => Err(ContractError::invalid(
                format!("data.{}", DATA_FIELDS[unknown.trailing_zeros() as usize]),
                format!("unknown field for {}", kind.as_str()),
            )),
        }
    }
}

/// Every field of `data`, in the order [`DataIn::only`] names the first one a type refuses.
const DATA_FIELDS: [&str; 25] = [
    "citizen_ref",
    "citizen_id",
    "card",
    "beneficiary",
    "issuer",
    "members",
    "composition",
    "reporter",
    "kind",
    "period",
    "figures",
    "name",
    "residents",
    "insured",
    "level2_accounts",
    "eligible",
    "groups",
    "facilities",
    "target",
    "facility",
    "difficulties",
    "proposals",
    "as_of",
    "accounts",
    "integrated",
];

/// The set of `data` fields named, one bit per field of [`DATA_FIELDS`] (computed at compile time).
const fn fields(names: &[&str]) -> u32 {
    let mut set = 0;
    let mut n = 0;
    while n < names.len() {
        let mut i = 0;
        while !same(DATA_FIELDS[i], names[n]) {
            i += 1;
        }
        set |= 1 << i;
        n += 1;
    }
    set
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The value of a required `data` field, or the error naming it.
pub(crate) fn required<T>(value: Option<T>, field: &str) -> Result<T, ContractError> {
    value.ok_or_else(|| ContractError::Missing {
        field: format!("data.{field}"),
    })
}

/// Decodes and validates one event published as JSON, upcasting older schema versions.
///
/// This is the stream's contract: a raw personal identifier in `data` is refused.
#[inline]
pub fn decode(bytes: &[u8]) -> Result<Event<'_>, ContractError> {
    decode_with(bytes, Identifiers::Refused)
}

/// Decodes and validates an event submitted to the gateway: as [`decode`], except that `data`
/// may carry the raw `citizen_id` (replaced by its pseudonym) and the raw `card` number
/// (reduced to its beneficiary code and issuer). The event returned holds no raw value.
pub fn decode_submission<'a>(
    bytes: &'a [u8],
    pseudonymise: &dyn Pseudonymise,
) -> Result<Event<'a>, ContractError> {
    decode_with(bytes, Identifiers::Pseudonymised(pseudonymise))
}

fn decode_with<'a>(bytes: &'a [u8], ids: Identifiers<'_>) -> Result<Event<'a>, ContractError> {
    // serde would read a struct from a JSON array too; the contract's events are objects.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ContractError::Malformed {
            reason: "an event is one JSON object".into(),
        });
    }
    // Checking UTF-8 once over the whole message is cheaper than string by string.
    let mut wire = WireIn::default();
    let parsed = match std::str::from_utf8(bytes) {
        Ok(text) if crate::canonical::read(text, &mut wire) => Ok(()),
        Ok(text) => serde_json::from_str::<WireIn<'_>>(text).map(|w| wire = w),
        Err(_) => serde_json::from_slice::<WireIn<'_>>(bytes).map(|w| wire = w),
    };
    match parsed {
        Ok(()) if wire.v == u64::from(SCHEMA_VERSION) => validate(&wire, ids),
        Ok(_) => decode_older(bytes, ids),
        Err(err) => {
            // Whatever serde met first, a body that is not JSON at all is said to be so.
            if let Err(syntax) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                return Err(from_json(&syntax, ""));
            }
            #[derive(Deserialize)]
            struct Version {
                v: Option<u64>,
            }
            match serde_json::from_slice::<Version>(bytes) {
                Ok(Version { v: Some(v) }) if v != u64::from(SCHEMA_VERSION) => {
                    decode_older(bytes, ids)
                }
                _ => Err(explain::<WireIn<'_>>(bytes, &err, "")),
            }
        }
    }
}

/// Reads an event of an older schema version through the upcasters.
fn decode_older(bytes: &[u8], ids: Identifiers<'_>) -> Result<Event<'static>, ContractError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| from_json(&e, ""))?;
    let current = upcast(value)?;
    let text = serde_json::to_vec(&current).map_err(|e| from_json(&e, ""))?;
    let wire: WireIn<'_> =
        serde_json::from_slice(&text).map_err(|e| explain::<WireIn<'_>>(&text, &e, ""))?;
    validate(&wire, ids).map(Event::into_owned)
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
            let mut path = e.path().to_string();
            let inner = e.into_inner();
            // The path of an unknown field ends with its name, which may not be repeated.
            if inner.to_string().starts_with("unknown field") {
                path = match path.rsplit_once('.') {
                    Some((parent, _)) => parent.to_owned(),
                    None => String::new(),
                };
            }
            let container = match path.as_str() {
                "" | "." => prefix.to_owned(),
                p if prefix.is_empty() => p.to_owned(),
                p => format!("{prefix}.{p}"),
            };
            let within = |name: &str| {
                if name.is_empty() {
                    container.clone()
                } else if container.is_empty() {
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
#[inline]
pub fn decode_on_subject<'a>(subject: &str, bytes: &'a [u8]) -> Result<Event<'a>, ContractError> {
    let event = decode(bytes)?;
    crate::subject::check(subject, &event)?;
    Ok(event)
}
