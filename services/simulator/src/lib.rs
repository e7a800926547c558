//! Simulated upstream systems: police (accounts), social security (integrations), ward offices
//! (baselines, teams, reports) and health facilities, publishing a seeded, reproducible campaign.
//!
//! Layout:
//! - [`scenario`]: what to simulate (province size, days, noise).
//! - [`generate`]: the messages in publishing order and the [`Truth`] they add up to.
//! - [`publish`]: sending them to the stream, as fast as possible or paced by a simulated clock.
//! - [`emit`]: the sources as independent emitters posting to the gateway with their own keys.
//! - [`national`]: the 34 provinces and 3,321 wards, at a scale factor.
//! - [`load`]: load mode, N events as fast as possible, with throughput and publish-to-visible lag.
//! - [`reports`]: ward offices' daily and weekly reports, some late, missing or wrong.
//! - [`progress`]: how far publishing got, so that a re-run continues.

pub mod emit;
pub mod generate;
pub mod load;
pub mod national;
pub mod progress;
pub mod publish;
pub mod reports;
pub mod scenario;
mod ward_facts;

pub use generate::{Generated, Timed, Truth, WardTruth, generate};
pub use scenario::Scenario;
