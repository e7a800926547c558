//! A ward's standing in its province: its rank, the average it is held against, its flags — the
//! line of the province's two-day review that the province sends every commune.

use ehb_proto::{BusinessDay, WardCode};
use serde::Serialize;

use super::review::Window;
use super::{Average, AverageKind, QueryError, RateBasis, Rates};
use crate::Projection;

/// Where a ward stands in its province's two-day review of a day.
#[derive(Debug, Clone, Serialize)]
pub struct WardStanding {
    /// 1 for the highest rate in the province; none when the ward has no rate on this basis.
    pub rank: Option<usize>,
    /// How many of the province's wards are ranked.
    pub ranked: usize,
    /// The average the ward is compared with: which one, on which rate, and its value.
    pub average: Average,
    /// The province's own rates (its registered wards together).
    pub province_rates: Rates,
    /// The review's window (the day and the day before).
    pub window: Window,
    /// The ward's integrations in the window.
    pub gain: u64,
    /// The ward's integrations in the two days before.
    pub previous_gain: u64,
    /// The ward's flags in the review, as in the province's list.
    pub flags: Vec<&'static str>,
}

impl Projection {
    /// Where `code` stands in its province's two-day review of `day` (default: the province's
    /// last day with events), ranked by `basis` against the `kind` of average.
    pub fn standing(
        &self,
        code: WardCode,
        day: Option<BusinessDay>,
        kind: AverageKind,
        basis: RateBasis,
    ) -> Result<WardStanding, QueryError> {
        let ward = self.ward(code).ok_or(QueryError::UnknownWard(code))?;
        let (frame, parts) =
            self.review_each(Some(ward.meta.province), day, kind, basis, |p, frame| {
                self.review_of(p, frame)
            })?;
        let province = parts
            .into_iter()
            .next()
            .ok_or(QueryError::UnknownWard(code))?;
        let row = province
            .wards
            .iter()
            .find(|w| w.ward == code)
            .ok_or(QueryError::UnknownWard(code))?;
        Ok(WardStanding {
            rank: row.rank,
            ranked: province.wards.iter().filter(|w| w.rank.is_some()).count(),
            average: province.average,
            province_rates: province.rates,
            window: frame.window,
            gain: row.gain,
            previous_gain: row.previous_gain,
            flags: row.flags.clone(),
        })
    }
}
