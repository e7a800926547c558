//! The seven event types of schema version 1.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ContractError;

/// What happened: the `type` field of the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventType {
    /// A citizen's level-2 electronic identification account was activated (police, C06).
    #[serde(rename = "account.activated")]
    AccountActivated,
    /// A citizen integrated their insurance card, so the health book shows on VNeID (social security).
    #[serde(rename = "card.integrated")]
    CardIntegrated,
    /// A residential group formed its guidance team (ward office).
    #[serde(rename = "team.formed")]
    TeamFormed,
    /// A ward filed its daily, weekly or monthly report (ward office).
    #[serde(rename = "report.filed")]
    ReportFiled,
    /// Reference figures of a ward: residents, insured, accounts, groups, facilities, target.
    #[serde(rename = "ward.baseline")]
    WardBaseline,
    /// A health facility linked its data to the insurance portal (health).
    #[serde(rename = "facility.linked")]
    FacilityLinked,
    /// What a ward had already achieved when its tracking began: accounts and integrations as
    /// of a day (ward office or province, for a province that joins mid-campaign).
    #[serde(rename = "ward.opening")]
    WardOpening,
}

impl EventType {
    /// Every event type, in the contract's order.
    pub const ALL: [EventType; 7] = [
        EventType::AccountActivated,
        EventType::CardIntegrated,
        EventType::TeamFormed,
        EventType::ReportFiled,
        EventType::WardBaseline,
        EventType::FacilityLinked,
        EventType::WardOpening,
    ];

    /// The name used in the envelope's `type` field.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::AccountActivated => "account.activated",
            EventType::CardIntegrated => "card.integrated",
            EventType::TeamFormed => "team.formed",
            EventType::ReportFiled => "report.filed",
            EventType::WardBaseline => "ward.baseline",
            EventType::FacilityLinked => "facility.linked",
            EventType::WardOpening => "ward.opening",
        }
    }

    /// The last token of the subject: the type with `_` for `.`.
    pub fn subject_token(self) -> &'static str {
        match self {
            EventType::AccountActivated => "account_activated",
            EventType::CardIntegrated => "card_integrated",
            EventType::TeamFormed => "team_formed",
            EventType::ReportFiled => "report_filed",
            EventType::WardBaseline => "ward_baseline",
            EventType::FacilityLinked => "facility_linked",
            EventType::WardOpening => "ward_opening",
        }
    }

    fn known() -> String {
        EventType::ALL
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl FromStr for EventType {
    type Err = ContractError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| ContractError::UnknownType {
                kind: if s.len() <= 40
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')
                {
                    s.to_owned()
                } else {
                    "(not shown: not a type name)".to_owned()
                },
                known: EventType::known(),
            })
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
