//! The counters kept for one ward on one business day.

use std::collections::BTreeMap;

use ehb_proto::{Beneficiary, Issuer};
use serde::de::Deserializer;
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use crate::group_counts::GroupCounts;
use crate::ward::Progress;

/// Integrations broken down by beneficiary code, with a slot for cards that carried none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeneficiaryCounts([u32; Beneficiary::COUNT + 1]);

impl Default for BeneficiaryCounts {
    fn default() -> Self {
        BeneficiaryCounts([0; Beneficiary::COUNT + 1])
    }
}

/// The key under which integrations without a beneficiary code are counted.
pub const UNKNOWN_BENEFICIARY: &str = "unknown";

impl BeneficiaryCounts {
    /// Counts one integration for `code` (`None`: the card number carried no code).
    pub fn add(&mut self, code: Option<Beneficiary>) {
        let slot = code.map_or(Beneficiary::COUNT, Beneficiary::index);
        self.0[slot] += 1;
    }

    /// Sets the count for `code` (`None`: cards that carried no code).
    pub fn set(&mut self, code: Option<Beneficiary>, n: u32) {
        let slot = code.map_or(Beneficiary::COUNT, Beneficiary::index);
        self.0[slot] = n;
    }

    /// The non-zero counts by code (`None`: cards that carried no code), in the contract's order.
    pub fn by_code(&self) -> impl Iterator<Item = (Option<Beneficiary>, u32)> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (Beneficiary::from_index(i), *n))
    }

    /// Adds another breakdown into this one.
    pub fn add_all(&mut self, other: &BeneficiaryCounts) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a += b;
        }
    }

    /// The non-zero counts by code, in the contract's order, `unknown` last.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, u32)> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| {
                let code =
                    Beneficiary::from_index(i).map_or(UNKNOWN_BENEFICIARY, Beneficiary::code);
                (code, *n)
            })
    }

    /// The non-zero counts as a sorted map.
    pub fn to_map(&self) -> BTreeMap<&'static str, u32> {
        self.entries().collect()
    }
}

impl Serialize for BeneficiaryCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.entries())
    }
}

impl<'de> Deserialize<'de> for BeneficiaryCounts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, u32>::deserialize(deserializer)?;
        let mut counts = BeneficiaryCounts::default();
        for (code, n) in map {
            let slot = if code == UNKNOWN_BENEFICIARY {
                Beneficiary::COUNT
            } else {
                code.parse::<Beneficiary>()
                    .map_err(serde::de::Error::custom)?
                    .index()
            };
            counts.0[slot] = n;
        }
        Ok(counts)
    }
}

/// Integrations broken down by the card's issuer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerCounts {
    /// Cards issued by social security.
    pub vss: u32,
    /// Cards issued by the army.
    pub army: u32,
    /// Cards issued by the police.
    pub police: u32,
    /// Cards whose number carried no issuer (10-character numbers).
    pub unknown: u32,
}

impl IssuerCounts {
    /// Counts one integration for `issuer`.
    pub fn add(&mut self, issuer: Option<Issuer>) {
        match issuer {
            Some(Issuer::Vss) => self.vss += 1,
            Some(Issuer::Army) => self.army += 1,
            Some(Issuer::Police) => self.police += 1,
            None => self.unknown += 1,
        }
    }

    /// Adds another breakdown into this one.
    pub fn add_all(&mut self, other: &IssuerCounts) {
        self.vss += other.vss;
        self.army += other.army;
        self.police += other.police;
        self.unknown += other.unknown;
    }
}

/// One residential group's new accounts and integrations on one day (written `[accounts,
/// integrations]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(u32, u32)", into = "(u32, u32)")]
pub struct GroupDay {
    /// Level-2 accounts activated.
    pub accounts_new: u32,
    /// Cards integrated.
    pub integrated_new: u32,
}

impl From<(u32, u32)> for GroupDay {
    fn from((accounts_new, integrated_new): (u32, u32)) -> Self {
        GroupDay {
            accounts_new,
            integrated_new,
        }
    }
}

impl From<GroupDay> for (u32, u32) {
    fn from(g: GroupDay) -> Self {
        (g.accounts_new, g.integrated_new)
    }
}

/// What the events say happened in one ward on one business day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCounters {
    /// Citizens whose level-2 account was activated (each citizen once in the province).
    pub accounts_new: u32,
    /// Citizens who integrated their card (each citizen once in the province).
    pub integrated_new: u32,
    /// Citizens the events show both activating an account and integrating a card, counted on
    /// the day of the later of the two: the eligible (insured with a level-2 account) that the
    /// campaign added to the baseline's.
    #[serde(default)]
    pub eligible_new: u32,
    /// Those integrations by beneficiary code.
    pub by_beneficiary: BeneficiaryCounts,
    /// Those integrations by issuer.
    pub by_issuer: IssuerCounts,
    /// Groups that formed their first guidance team.
    pub teams_new: u32,
    /// Facilities that linked for the first time.
    pub facilities_new: u32,
    /// Facts reported again (same citizen, group or facility) and counted once.
    pub duplicates: u32,
    /// Events folded into this ward and day.
    pub events: u32,
    /// The accounts and integrations counted that day of the facts that named a residential
    /// group, by group code. The day's own: sums over days ([`DayCounters::add_all`]) leave it
    /// out.
    #[serde(default, skip_serializing_if = "GroupCounts::is_empty")]
    pub groups: GroupCounts,
    /// Whether the store has not yet seen this day's latest figures.
    #[serde(skip)]
    pub(crate) dirty: bool,
}

impl DayCounters {
    /// The counters rates are made of.
    pub fn progress(&self) -> Progress {
        Progress {
            accounts: u64::from(self.accounts_new),
            integrated: u64::from(self.integrated_new),
            eligible: u64::from(self.eligible_new),
        }
    }

    /// Adds another day's counts into this one (for sums over windows; not the groups').
    pub fn add_all(&mut self, other: &DayCounters) {
        self.accounts_new += other.accounts_new;
        self.integrated_new += other.integrated_new;
        self.eligible_new += other.eligible_new;
        self.by_beneficiary.add_all(&other.by_beneficiary);
        self.by_issuer.add_all(&other.by_issuer);
        self.teams_new += other.teams_new;
        self.facilities_new += other.facilities_new;
        self.duplicates += other.duplicates;
        self.events += other.events;
    }
}
