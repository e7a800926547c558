//! A residential group's guidance team: who it is made of, as the plans compose it.

use serde::{Deserialize, Serialize};

use crate::ContractError;
use crate::codes::WardCode;

/// The members of a guidance team by the force they come from (the plans: police, the health
/// station, mass organisations, the residential group's own officials, on the base of its
/// community digital technology team). Each count is optional; absent means none.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamComposition {
    /// Công an: police officers and grassroots security forces.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub police: u32,
    /// Y tế: health station staff, population collaborators, the group's health workers.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub health: u32,
    /// Đoàn thể: mass organisations (youth union, women's union, veterans, …).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub organisations: u32,
    /// Tổ dân phố / thôn: the group's own officials.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub group_officials: u32,
    /// Tổ công nghệ số cộng đồng: the community digital technology team.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub digital: u32,
    /// Anyone else.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub other: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The most members a guidance team may have.
pub const MAX_TEAM_MEMBERS: u32 = 1000;

impl TeamComposition {
    /// Every force's count with its name, in the contract's order.
    pub fn counts(&self) -> [(&'static str, u32); 6] {
        [
            ("police", self.police),
            ("health", self.health),
            ("organisations", self.organisations),
            ("group_officials", self.group_officials),
            ("digital", self.digital),
            ("other", self.other),
        ]
    }

    /// All members together (at most 1000 in a valid event).
    pub fn total(&self) -> u64 {
        self.counts().iter().map(|(_, n)| u64::from(*n)).sum()
    }
}

/// A team's members and composition: the members between 1 and 1000, and the composition, when
/// given, counting 1 to 1000 in all and adding up to the members when both are given.
pub(crate) fn check_team(
    members: Option<u32>,
    composition: Option<TeamComposition>,
) -> Result<(), ContractError> {
    if let Some(c) = composition {
        if c.total() == 0 || c.total() > u64::from(MAX_TEAM_MEMBERS) {
            return Err(ContractError::invalid(
                "data.composition",
                "must count between 1 and 1000 members in all",
            ));
        }
        if let Some(m) = members.filter(|m| u64::from(*m) != c.total()) {
            return Err(ContractError::invalid(
                "data.composition",
                format!("counts {} members in all; data.members says {m}", c.total()),
            ));
        }
    }
    if members.is_some_and(|m| m == 0 || m > MAX_TEAM_MEMBERS) {
        return Err(ContractError::invalid(
            "data.members",
            "must be between 1 and 1000",
        ));
    }
    Ok(())
}

/// A group code that starts with a ward's code and a dash (`31117-TDP05`) belongs to that ward.
pub(crate) fn check_group_ward(group: &str, ward: WardCode) -> Result<(), ContractError> {
    let bytes = group.as_bytes();
    if bytes.len() > 6 && bytes[5] == b'-' && bytes[..5].iter().all(u8::is_ascii_digit) {
        let named = bytes[..5]
            .iter()
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
        if named != ward.get() {
            return Err(ContractError::invalid(
                "group",
                format!("is a group of ward {named:05}; the event's ward is {ward}"),
            ));
        }
    }
    Ok(())
}
