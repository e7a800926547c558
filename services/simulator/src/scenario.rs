//! A seeded campaign: the province, its wards, and what each upstream system will report.

use ehb_proto::{BusinessDay, ProvinceCode};

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Seed of every random choice: the same seed gives the same events.
    pub seed: u64,
    /// The province.
    pub province: ProvinceCode,
    /// How many wards.
    pub wards: u32,
    /// Residents of the whole province (spread over the wards).
    pub residents: u64,
    /// The campaign's first business day.
    pub start: BusinessDay,
    /// How many days the campaign lasts.
    pub days: u32,
    /// Share of events re-reported under a new id (same citizen, same fact).
    pub duplicate_share: f64,
    /// Share of events re-published with the same id (a publisher's retry).
    pub republish_share: f64,
    /// Share of events published one or two days after they happened.
    pub late_share: f64,
    /// Share of messages that are malformed (broken JSON or an unknown type).
    pub malformed_share: f64,
    /// Share of daily reports not filed, and filed late.
    pub missing_report_share: f64,
    /// Share of daily reports filed after the deadline.
    pub late_report_share: f64,
    /// Share of daily reports whose figures disagree with the events.
    pub wrong_report_share: f64,
    /// How far the province gets: every ward's final rate is multiplied by it (1: the default
    /// spread from under 10 % to over 45 % of residents).
    pub pace: f64,
}

impl Scenario {
    /// A realistic province: ~80 wards, ~1.8 M residents, a peak month starting 2026-03-01.
    pub fn province(seed: u64) -> Self {
        Scenario {
            seed,
            province: ProvinceCode::from_number(31).expect("31 is a province code"),
            wards: 80,
            residents: 1_800_000,
            start: BusinessDay::from_date(jiff::civil::date(2026, 3, 1)),
            days: 31,
            duplicate_share: 0.01,
            republish_share: 0.005,
            late_share: 0.02,
            malformed_share: 0.001,
            missing_report_share: 0.05,
            late_report_share: 0.10,
            wrong_report_share: 0.05,
            pace: 1.0,
        }
    }

    /// A small province for tests: `wards` wards of about `residents / wards` people.
    pub fn small(seed: u64, wards: u32, residents: u64, days: u32) -> Self {
        Scenario {
            wards,
            residents,
            days,
            ..Scenario::province(seed)
        }
    }

    /// The same scenario without any deliberate noise (no duplicates, late or malformed events).
    pub fn clean(mut self) -> Self {
        self.duplicate_share = 0.0;
        self.republish_share = 0.0;
        self.late_share = 0.0;
        self.malformed_share = 0.0;
        self
    }
}
