//! The answers officials ask for, computed over a projection.
//!
//! - [`daily`]: one ward on one day; [`series`]: one ward over a range of days; [`groups`]: one
//!   ward's residential groups on one day; [`reports`]: the state of a ward's reports.
//! - [`summary`]: a province's rates and the wards below its average.
//! - [`review`]: the two-day review of a province, or of every province; [`cached`]: the same
//!   as JSON, reusing what has not changed.
//! - [`table`]: answers laid out as the report tables officials forward; [`heading`]: what
//!   their administrative heading says (the issuing unit, the place and date, the average).

pub mod cached;
pub mod daily;
pub mod days;
pub mod groups;
pub mod heading;
pub mod reports;
pub mod review;
pub mod series;
pub mod standing;
pub mod summary;
pub mod table;

use std::collections::BTreeMap;
use std::str::FromStr;

use ehb_proto::{BusinessDay, ProvinceCode, WardCode};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::Projection;
use crate::ward::{Progress, Ward, WardBaseline};

/// Why a query cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QueryError {
    /// No event has named this ward.
    #[error("ward {0} is not known: no event has named it")]
    UnknownWard(WardCode),
    /// No event has named a ward of this province.
    #[error("province {0} is not known: no event has named one of its wards")]
    UnknownProvince(ProvinceCode),
    /// A parameter is out of range.
    #[error("parameter `{field}` is invalid: {reason}")]
    Invalid {
        /// The parameter.
        field: &'static str,
        /// Why.
        reason: String,
    },
}

impl QueryError {
    /// The parameter the error is about, if any.
    pub fn field(&self) -> &'static str {
        match self {
            QueryError::UnknownWard(_) => "ward",
            QueryError::UnknownProvince(_) => "province",
            QueryError::Invalid { field, .. } => field,
        }
    }
}

/// A percentage kept as hundredths of a percent (basis points), shown with two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(u64);

impl Percent {
    /// `part / whole` as a percentage rounded half up to two decimals; `None` when `whole` is 0.
    pub fn of(part: u64, whole: u64) -> Option<Percent> {
        if whole == 0 {
            return None;
        }
        let scaled = u128::from(part) * 10_000;
        let whole = u128::from(whole);
        Some(Percent(((scaled * 2 + whole) / (whole * 2)) as u64))
    }

    /// The percentage as a number, e.g. 25.48.
    pub fn value(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Hundredths of a percent.
    pub fn basis_points(self) -> u64 {
        self.0
    }
}

impl Serialize for Percent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.value())
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if !(value.is_finite() && value >= 0.0) {
            return Err(serde::de::Error::custom(
                "a percentage is a number of at least 0",
            ));
        }
        Ok(Percent((value * 100.0).round() as u64))
    }
}

/// Which population a rate divides by.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RateBasis {
    /// Integrated / residents.
    #[default]
    Residents,
    /// Integrated / holders of a valid insurance card.
    Insured,
    /// Integrated / level-2 account holders.
    Level2,
    /// Integrated / eligible: insured level-2 account holders (wards whose baseline does not
    /// give them have no rate on this basis).
    Eligible,
}

impl FromStr for RateBasis {
    type Err = QueryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "residents" => Ok(RateBasis::Residents),
            "insured" => Ok(RateBasis::Insured),
            "level2" => Ok(RateBasis::Level2),
            "eligible" => Ok(RateBasis::Eligible),
            _ => Err(QueryError::Invalid {
                field: "rate",
                reason: "must be \"residents\", \"insured\", \"level2\" or \"eligible\"".into(),
            }),
        }
    }
}

/// Which province average "below average" compares with.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AverageKind {
    /// The plain mean of the ward rates: what officials' lists use.
    #[default]
    Plain,
    /// The province's own rate: total integrated over total population.
    Weighted,
}

impl FromStr for AverageKind {
    type Err = QueryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "plain" => Ok(AverageKind::Plain),
            "weighted" => Ok(AverageKind::Weighted),
            _ => Err(QueryError::Invalid {
                field: "average",
                reason: "must be \"plain\" or \"weighted\"".into(),
            }),
        }
    }
}

/// The rates of a ward or a province: cumulative integrations over each population.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rates {
    /// Integrated / residents, percent.
    pub per_residents: Option<Percent>,
    /// Integrated / insured, percent.
    pub per_insured: Option<Percent>,
    /// Integrated / level-2 account holders, percent.
    pub per_level2: Option<Percent>,
    /// Integrated / eligible (insured level-2 account holders), percent; none when the baseline
    /// does not give the eligible.
    pub per_eligible: Option<Percent>,
}

impl Rates {
    /// The rates of `integrated` over each of `populations`.
    pub fn new(integrated: u64, populations: &Populations) -> Self {
        Rates {
            per_residents: Percent::of(integrated, populations.residents),
            per_insured: Percent::of(integrated, populations.insured),
            per_level2: Percent::of(integrated, populations.level2),
            per_eligible: populations
                .eligible
                .and_then(|e| Percent::of(integrated, e)),
        }
    }
}

/// The populations integrations are measured against, at a day: the baseline's figures plus
/// what the events added by then.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Populations {
    /// Residents (the baseline's).
    pub residents: u64,
    /// Holders of a valid insurance card (the baseline's).
    pub insured: u64,
    /// Level-2 account holders: the baseline's, plus the accounts the events activated.
    pub level2: u64,
    /// Insured level-2 account holders: the baseline's, plus the citizens the events show both
    /// activating an account and integrating a card; none when a baseline does not give them.
    pub eligible: Option<u64>,
}

impl Default for Populations {
    /// No one yet (the start of a sum).
    fn default() -> Self {
        Populations {
            residents: 0,
            insured: 0,
            level2: 0,
            eligible: Some(0),
        }
    }
}

impl Populations {
    /// A ward's populations, from its baseline (none: an unregistered ward, no population)
    /// and its progress up to the day.
    pub fn of(baseline: Option<&WardBaseline>, progress: Progress) -> Self {
        match baseline {
            None => Populations {
                eligible: None,
                ..Populations::default()
            },
            Some(b) => Populations {
                residents: b.residents,
                insured: b.insured,
                level2: b.level2_accounts + progress.accounts,
                eligible: b.eligible.map(|e| e + progress.eligible),
            },
        }
    }

    /// The population a rate on `basis` divides by.
    pub fn on(&self, basis: RateBasis) -> Option<u64> {
        match basis {
            RateBasis::Residents => Some(self.residents),
            RateBasis::Insured => Some(self.insured),
            RateBasis::Level2 => Some(self.level2),
            RateBasis::Eligible => self.eligible,
        }
    }
}

impl std::ops::Add for Populations {
    type Output = Populations;

    /// Both together (the eligible only when both know them).
    fn add(self, other: Populations) -> Populations {
        Populations {
            residents: self.residents + other.residents,
            insured: self.insured + other.insured,
            level2: self.level2 + other.level2,
            eligible: self.eligible.zip(other.eligible).map(|(a, b)| a + b),
        }
    }
}

impl std::iter::Sum for Populations {
    fn sum<I: Iterator<Item = Populations>>(all: I) -> Populations {
        all.fold(Populations::default(), |sum, p| sum + p)
    }
}

/// Citizens not yet integrated in each population, as social security breaks them down.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotIntegrated {
    /// Residents who have not integrated.
    pub residents: u64,
    /// Insured who have not integrated.
    pub insured: u64,
    /// Level-2 account holders who have not integrated their card.
    pub level2: u64,
    /// Eligible (insured, with a level-2 account) who have not integrated their card.
    pub eligible: Option<u64>,
    /// Insured without a level-2 account: they need one before they can integrate.
    pub insured_without_level2: Option<u64>,
}

impl NotIntegrated {
    /// Each population less `integrated`.
    pub fn of(integrated: u64, p: &Populations) -> Self {
        NotIntegrated {
            residents: p.residents.saturating_sub(integrated),
            insured: p.insured.saturating_sub(integrated),
            level2: p.level2.saturating_sub(integrated),
            eligible: p.eligible.map(|e| e.saturating_sub(integrated)),
            insured_without_level2: p.eligible.map(|e| p.insured.saturating_sub(e)),
        }
    }
}

/// One ward's standing at a day: its cumulative integrations against its populations.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Standing {
    pub integrated: u64,
    pub accounts: u64,
    pub populations: Populations,
}

impl Standing {
    /// The ward's cumulative figures at `day`: the events' and its opening balance's. The
    /// populations grow by the events only: a baseline taken when tracking began already holds
    /// the accounts of the balance.
    pub(crate) fn of(ward: &Ward, day: BusinessDay) -> Self {
        let events = ward.progress_by(day);
        let opening = ward.opening_by(day);
        Standing {
            integrated: events.integrated + opening.integrated,
            accounts: events.accounts + opening.accounts,
            populations: Populations::of(ward.meta.baseline.as_ref(), events),
        }
    }

    /// The exact rate on `basis`, as a fraction (for comparisons and means).
    pub(crate) fn exact(&self, basis: RateBasis) -> Option<f64> {
        let whole = self.populations.on(basis)?;
        (whole > 0).then(|| self.integrated as f64 / whole as f64 * 100.0)
    }

    pub(crate) fn rates(&self) -> Rates {
        Rates::new(self.integrated, &self.populations)
    }
}

/// The average a province's wards are compared with.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Average {
    /// Plain mean of ward rates, or the province's weighted rate.
    pub kind: AverageKind,
    /// Which rate is averaged.
    pub basis: RateBasis,
    /// The average, percent, to two decimals.
    pub value: Option<Percent>,
    /// The exact average the wards are compared with.
    #[serde(skip)]
    pub exact: Option<f64>,
}

impl Average {
    /// The average of registered wards' standings.
    pub(crate) fn of(standings: &[Standing], kind: AverageKind, basis: RateBasis) -> Self {
        let exact = match kind {
            AverageKind::Plain => {
                let rates: Vec<f64> = standings.iter().filter_map(|s| s.exact(basis)).collect();
                (!rates.is_empty()).then(|| rates.iter().sum::<f64>() / rates.len() as f64)
            }
            AverageKind::Weighted => {
                // Over the wards whose population on this basis is known, as the plain mean.
                let (integrated, whole) = standings
                    .iter()
                    .filter_map(|s| Some((s.integrated, s.populations.on(basis)?)))
                    .fold((0u64, 0u64), |(i, w), (si, sw)| (i + si, w + sw));
                (whole > 0).then(|| integrated as f64 / whole as f64 * 100.0)
            }
        };
        Average {
            kind,
            basis,
            value: exact.map(|v| Percent((v * 100.0).round() as u64)),
            exact,
        }
    }

    /// Whether a standing is below this average.
    pub(crate) fn is_above(&self, standing: &Standing) -> Option<bool> {
        Some(standing.exact(self.basis)? >= self.exact?)
    }
}

/// One province's wards, in code order.
pub(crate) struct ProvinceWards<'a> {
    pub province: ProvinceCode,
    /// The last business day any of its wards has an event for.
    pub latest_day: Option<BusinessDay>,
    pub wards: Vec<(WardCode, &'a Ward)>,
}

impl Projection {
    /// The wards of a province, in code order; `None` for every province.
    pub(crate) fn wards_in(&self, province: Option<ProvinceCode>) -> Vec<(WardCode, &Ward)> {
        self.wards_sorted()
            .into_iter()
            .filter(|(_, w)| province.is_none_or(|p| w.meta.province == p))
            .collect()
    }

    /// The wards in scope grouped by province, both in code order, with each province's last
    /// business day with events.
    pub(crate) fn wards_by_province(&self, scope: Option<ProvinceCode>) -> Vec<ProvinceWards<'_>> {
        let mut provinces: BTreeMap<ProvinceCode, ProvinceWards<'_>> = BTreeMap::new();
        for (code, ward) in self.wards_in(scope) {
            let province = ward.meta.province;
            let group = provinces.entry(province).or_insert_with(|| ProvinceWards {
                province,
                latest_day: None,
                wards: Vec::new(),
            });
            group.latest_day = group.latest_day.max(ward.last_day());
            group.wards.push((code, ward));
        }
        provinces.into_values().collect()
    }

    /// The default day of a query: the last business day any ward in scope has an event for.
    pub fn latest_day(&self, province: Option<ProvinceCode>) -> Option<BusinessDay> {
        self.wards
            .values()
            .filter(|w| province.is_none_or(|p| w.meta.province == p))
            .filter_map(Ward::last_day)
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_half_up_to_two_decimals() {
        assert_eq!(
            Percent::of(473_390, 1_857_877).map(Percent::value),
            Some(25.48)
        );
        assert_eq!(
            Percent::of(473_390, 851_701).map(Percent::value),
            Some(55.58)
        );
        assert_eq!(Percent::of(1, 8).map(Percent::basis_points), Some(1250));
        assert_eq!(Percent::of(1, 3).map(Percent::basis_points), Some(3333));
        assert_eq!(Percent::of(2, 3).map(Percent::basis_points), Some(6667));
        assert_eq!(Percent::of(1, 0), None);
    }
}
