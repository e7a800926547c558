//! The answers the projector writes itself (who is asking, which days, how the projector is
//! doing), typed so that the OpenAPI document describes exactly what is sent.

use ehb_projection::DigestParts;
use ehb_projection::state::{ByType, Reject};
use ehb_proto::{BusinessDay, ProvinceCode, WardCode};
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

/// Who a token belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct WhoAmI {
    /// What the token reads.
    pub scope: ScopeKind,
    /// The province of a province's token, or of a ward's once an event has named the ward.
    pub province: Option<ProvinceCode>,
    /// The ward of a ward's token.
    pub ward: Option<WardCode>,
    /// The unit's name: the ward's from its baseline, or the province's; none for the nation or
    /// a ward no baseline has named yet.
    pub name: Option<String>,
    /// Whether the API asks for tokens (false: open, read as the nation).
    pub signed_in: bool,
}

/// The reach of a token.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ScopeKind {
    /// Every province.
    National,
    /// One province and its wards.
    Province,
    /// One ward.
    Ward,
}

/// The days a scope can be looked at.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignDaysAnswer {
    /// The province asked, or the token's; none for the nation.
    pub province: Option<ProvinceCode>,
    /// When the stream recorded the last event these figures include.
    pub figures_as_of: Option<Timestamp>,
    /// The business day now, in Vietnam.
    pub today: BusinessDay,
    /// The first day with events.
    pub first: BusinessDay,
    /// The latest day with events.
    pub latest: BusinessDay,
    /// The last day before today that counted accounts or integrations: where a page opens.
    pub complete: BusinessDay,
}

/// A province's code and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvinceName {
    /// Two-digit code.
    pub code: ProvinceCode,
    /// Its name (the July 2025 reform).
    pub name: &'static str,
}

/// How the projector is doing.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusAnswer {
    /// The stream it reads.
    pub stream: StreamStatus,
    /// The last stream sequence folded into the figures.
    pub applied_seq: u64,
    /// The last stream sequence written to the store.
    pub committed_seq: u64,
    /// Messages in the stream not yet folded.
    pub lag: u64,
    /// When the stream recorded the last message folded.
    pub last_recorded_at: Option<Timestamp>,
    /// Messages applied, folded or not.
    pub events_applied: u64,
    /// Events folded, by type.
    pub folded: ByType,
    /// Events folded, all types.
    pub folded_total: u64,
    /// Facts told again and counted once.
    pub duplicates: u64,
    /// Events for wards without a baseline (counted and flagged).
    pub unregistered: u64,
    /// Messages that could not be folded.
    pub rejects: u64,
    /// Those by kind of refusal.
    pub rejects_by_kind: std::collections::BTreeMap<String, u64>,
    /// Wards known.
    pub wards: usize,
    /// Citizens counted.
    pub citizens: usize,
    /// When this process started.
    pub started_at: Timestamp,
    /// Where the figures are kept.
    pub store: StoreStatus,
}

/// The stream the projector reads.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamStatus {
    /// Its name.
    pub name: &'static str,
    /// Its last sequence, as last seen.
    pub last_seq: u64,
    /// Whether the NATS connection is up.
    pub connected: bool,
}

/// The store the figures are kept in.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreStatus {
    /// Its folder.
    pub path: String,
}

/// A page of the messages that could not be folded.
#[derive(Debug, Serialize, ToSchema)]
pub struct RejectsPage {
    /// In stream order.
    pub rejects: Vec<Reject>,
    /// The cursor of the next page; none on the last.
    pub next_cursor: Option<u64>,
    /// Rejects in all.
    pub total: u64,
}

/// The projection's digest, the audit's.
#[derive(Debug, Serialize, ToSchema)]
pub struct DigestAnswer {
    /// SHA-256 of the canonical form, 64 hexadecimal digits.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub digest: String,
    /// The stream sequence it covers.
    pub applied_seq: u64,
    /// What it is made of.
    pub parts: DigestParts,
}
