//! A province's rates and the wards below its average.

use ehb_proto::{BusinessDay, ProvinceCode, WardCode};
use serde::Serialize;

use super::{
    Average, AverageKind, NotIntegrated, Populations, QueryError, RateBasis, Rates, Standing,
};
use crate::Projection;

/// A province at a business day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceSummary {
    /// The province.
    pub province: ProvinceCode,
    /// The day, figures cumulative up to and including it.
    pub date: BusinessDay,
    /// Wards with a baseline.
    pub registered_wards: usize,
    /// Wards named by events but without a baseline (counted, flagged, left out of the rates).
    pub unregistered_wards: Vec<WardCode>,
    /// Residents of the registered wards.
    pub residents: u64,
    /// Insured of the registered wards.
    pub insured: u64,
    /// Level-2 accounts activated in the campaign, all wards.
    pub accounts: u64,
    /// Integrations in the registered wards.
    pub integrated: u64,
    /// The province's rates (total integrated over total population).
    pub rates: Rates,
    /// The registered wards' populations together (the eligible only when every baseline
    /// gives them).
    pub populations: Populations,
    /// Citizens of the registered wards not yet integrated, in each population.
    pub not_integrated: NotIntegrated,
    /// Guidance teams formed in all wards by the day, one per residential group.
    pub teams: u64,
    /// Their members (teams that reported none add none): the letters report both together.
    pub team_members: u64,
    /// The average the wards are compared with, and which one it is.
    pub average: Average,
    /// Registered wards below that average, by rate, highest first.
    pub below_average: Vec<WardRate>,
}

/// A ward's rates.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct WardRate {
    /// The ward.
    pub ward: WardCode,
    /// Its name.
    pub name: Option<String>,
    /// Integrations up to the day.
    pub integrated: u64,
    /// Residents.
    pub residents: u64,
    /// Insured.
    pub insured: u64,
    /// Its rates.
    pub rates: Rates,
}

impl Projection {
    /// The summary of `province` at `day` (default: its last day with events).
    pub fn province_summary(
        &self,
        province: ProvinceCode,
        day: Option<BusinessDay>,
        kind: AverageKind,
        basis: RateBasis,
    ) -> Result<ProvinceSummary, QueryError> {
        let wards = self.wards_in(Some(province));
        if wards.is_empty() {
            return Err(QueryError::UnknownProvince(province));
        }
        let day = day
            .or_else(|| self.latest_day(Some(province)))
            .unwrap_or_else(|| BusinessDay::from_ordinal(0));
        let mut registered = Vec::new();
        let mut unregistered_wards = Vec::new();
        let (mut accounts, mut teams, mut team_members) = (0, 0, 0);
        for (code, ward) in &wards {
            let standing = Standing::of(ward, day);
            accounts += standing.accounts;
            teams += ward.meta.teams_by(day);
            team_members += ward.meta.team_members_by(day);
            if ward.meta.registered() {
                registered.push((*code, *ward, standing));
            } else {
                unregistered_wards.push(*code);
            }
        }
        let standings: Vec<Standing> = registered.iter().map(|(_, _, s)| *s).collect();
        let average = Average::of(&standings, kind, basis);
        let integrated = standings.iter().map(|s| s.integrated).sum();
        let populations: Populations = standings.iter().map(|s| s.populations).sum();
        let mut below: Vec<(f64, WardRate)> = registered
            .iter()
            .filter(|(_, _, s)| average.is_above(s) == Some(false))
            .map(|(code, ward, s)| {
                let rate = WardRate {
                    ward: *code,
                    name: ward.meta.baseline.as_ref().and_then(|b| b.name.clone()),
                    integrated: s.integrated,
                    residents: s.populations.residents,
                    insured: s.populations.insured,
                    rates: s.rates(),
                };
                (s.exact(basis).unwrap_or(0.0), rate)
            })
            .collect();
        below.sort_by(|(a, wa), (b, wb)| b.total_cmp(a).then(wa.ward.cmp(&wb.ward)));
        Ok(ProvinceSummary {
            province,
            date: day,
            registered_wards: registered.len(),
            unregistered_wards,
            residents: populations.residents,
            insured: populations.insured,
            accounts,
            integrated,
            rates: Rates::new(integrated, &populations),
            populations,
            not_integrated: NotIntegrated::of(integrated, &populations),
            teams,
            team_members,
            average,
            below_average: below.into_iter().map(|(_, w)| w).collect(),
        })
    }
}
