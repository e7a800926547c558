//! What the end-to-end tests share: the contract's event builders (`ehb_proto::testkit`) and the
//! messages they make.

#![allow(dead_code)]

use ehb_eventlog::Outgoing;
use ehb_proto::{Event, ProvinceCode};

#[allow(unused_imports)]
pub use ehb_proto::testkit::Events;

/// When the tests' baselines are published: before the campaign's first day.
pub const OPENED: &str = "2026-03-01T07:00:00+07:00";

pub fn out(events: &[Event<'_>]) -> Vec<Outgoing> {
    events.iter().map(Outgoing::event).collect()
}

/// Two provinces' clean campaigns: province 31 as `p31`, and `p01` moved to province 01.
pub fn two_provinces(
    p31: ehb_simulator::Scenario,
    p01: ehb_simulator::Scenario,
) -> (ehb_simulator::Generated, ehb_simulator::Generated) {
    let p01 = ehb_simulator::Scenario {
        province: ProvinceCode::parse("01").expect("a province"),
        ..p01
    };
    (
        ehb_simulator::generate(&p31.clean()),
        ehb_simulator::generate(&p01.clean()),
    )
}
