//! The ehb-tracker event contract: what upstream systems publish and what the projection reads.
//!
//! Layout:
//! - [`event`]: the envelope and the six payloads; [`Event::to_json`] encodes.
//! - `decode`, `validate`: [`decode`] reads the stream's events, [`decode_submission`] what a
//!   publisher sends the gateway ([`identity`]: raw identifiers, pseudonymised on the way in).
//! - [`kinds`]: the event types; [`subject`]: subjects and the stream's name and window.
//! - [`codes`]: province, ward, group and citizen reference shapes; [`card`]: insurance card rules.
//! - [`time`]: RFC 3339 instants and the business day in UTC+07:00; [`report`]: report periods.
//! - [`screen`]: free text refused when it holds a personal identifier.
//! - [`upcast`]: reading older schema versions as the current one.
//! - `schema` (feature `openapi`): the contract's values as OpenAPI schemas.
//! - `testkit` (feature `testkit`): event builders for every crate's tests.
//! - `schema/` (beside `src/`): the JSON Schemas that say the same as this crate's validators.
//!
//! No I/O happens here: the crate is shared by every service and by the audit.

mod canonical;
pub mod card;
pub mod codes;
mod decode;
pub mod error;
pub mod event;
mod hex;
pub mod identity;
pub mod kinds;
pub mod provinces;
pub mod pseudonym;
pub mod report;
pub mod reporter;
#[cfg(feature = "openapi")]
mod schema;
pub mod screen;
pub mod subject;
pub mod team;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod text;
pub mod time;
pub mod upcast;
mod validate;

pub use card::{Beneficiary, CardFacts, Issuer, validate_card};
pub use codes::{CitizenRef, ProvinceCode, WardCode};
pub use decode::{decode, decode_on_subject, decode_submission};
pub use error::ContractError;
pub use event::{Baseline, Event, Opening, Payload, format_instant};
pub use identity::{CitizenId, Pseudonymise};
pub use kinds::EventType;
pub use pseudonym::PseudonymKey;
pub use report::{ReportFigures, ReportKind, ReportNotes, ReportPeriod};
pub use reporter::{ReportId, Reporter};
pub use team::TeamComposition;
pub use text::Text;
pub use time::{BusinessDay, parse_instant};

/// The schema version this contract writes and the projection reads.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON Schema of the envelope (schema version 1), as shipped in `proto/schema/`.
pub const ENVELOPE_SCHEMA: &str = include_str!("../schema/event.v1.schema.json");
pub use uuid::Uuid;
