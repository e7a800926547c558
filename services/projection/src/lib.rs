//! The projection of the ehb-tracker event stream: a pure library, no I/O.
//!
//! Layout:
//! - [`state`]: the [`Projection`] (wards, counted citizens, totals, stream position) and the
//!   [`Changes`] a store must write after a batch.
//! - [`fold`]: [`Projection::apply`] folds one stream message; everything is a plain function of
//!   the messages applied, so unit tests drive it without a broker.
//! - [`ward`], [`counters`] and [`group_counts`]: what is kept per ward and per ward-day.
//! - [`deadlines`]: when reports are due.
//! - [`query`]: daily, series, province summary and two-day review answers.
//! - [`digest`]: a SHA-256 over a canonical writing of the state.
//! - `revisions`: when each province's days last changed, so an earlier answer can be reused.
//! - `schema` (feature `openapi`): OpenAPI schemas of the values the answers write their own way.
//!
//! The projector (live) and the audit (replay) both build on this crate, so a live figure and a
//! replayed figure come from the same code.

pub mod counters;
#[cfg(feature = "cli")]
pub mod deadline_flags;
pub mod deadlines;
pub mod digest;
pub mod fold;
pub mod group_counts;
pub mod query;
mod revisions;
#[cfg(feature = "openapi")]
mod schema;
pub mod state;
pub mod ward;

pub use counters::DayCounters;
#[cfg(feature = "cli")]
pub use deadline_flags::DeadlineArgs;
pub use deadlines::ReportDeadlines;
pub use digest::{Digest, DigestParts, JoinError};
pub use fold::Applied;
pub use query::{AverageKind, NotIntegrated, Percent, Populations, QueryError, RateBasis, Rates};
pub use state::{
    ByType, CITIZEN_ACCOUNT, CITIZEN_INTEGRATED, Changes, Position, Projection, Reject, Totals,
};
pub use ward::{
    GroupTeam, OpeningBalance, Progress, ReportRecord, ReportText, Ward, WardBaseline, WardMeta,
};
