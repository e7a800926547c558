//! A ward's standing in its province: its rank, the average it is held against, its flags — the
//! line of the province's two-day review that the province sends every commune.

use ehb_proto::{BusinessDay, WardCode};
use serde::Serialize;

use super::review::{ReviewFrame, Window, ward_row};
use super::{Average, AverageKind, Populations, QueryError, RateBasis, Rates, Standing};
use crate::Projection;
use crate::ward::Ward;

/// Where a ward stands in its province's two-day review of a day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::ward_flags))]
    pub flags: Vec<&'static str>,
}

impl Projection {
    /// Where `code` stands in its province's two-day review of `day` (default: the province's
    /// last day with events), ranked by `basis` against the `kind` of average: the ward's row of
    /// [`Projection::two_day_review`], without writing the other wards' rows.
    pub fn standing(
        &self,
        code: WardCode,
        day: Option<BusinessDay>,
        kind: AverageKind,
        basis: RateBasis,
    ) -> Result<WardStanding, QueryError> {
        let ward = self.ward(code).ok_or(QueryError::UnknownWard(code))?;
        let province = ward.meta.province;
        let mut members: Vec<(WardCode, &Ward)> = self
            .wards
            .iter()
            .filter(|(_, w)| w.meta.province == province)
            .map(|(c, w)| (*c, w))
            .collect();
        // In code order, as the review: the mean of rates is summed in the same order, to the
        // last bit, so that a ward at the average is flagged alike.
        members.sort_unstable_by_key(|(c, _)| *c);
        let latest_day = members.iter().filter_map(|(_, w)| w.last_day()).max();
        let day = day
            .or(latest_day)
            .unwrap_or_else(|| BusinessDay::from_ordinal(0));
        let frame = ReviewFrame::new(day, kind, basis);
        let registered: Vec<(WardCode, Standing)> = members
            .iter()
            .filter(|(_, w)| w.meta.registered())
            .map(|(c, w)| (*c, Standing::of(w, day)))
            .collect();
        let standings: Vec<Standing> = registered.iter().map(|(_, s)| *s).collect();
        let average = Average::of(&standings, kind, basis);
        let is_due = |d: BusinessDay| self.is_past_due(latest_day, d);
        let own = Standing::of(ward, day);
        let (rate, row) = ward_row(code, ward, &own, &frame, &average, &is_due);
        // The review's order: highest rate first, then the lower code.
        let rates: Vec<(WardCode, f64)> = registered
            .iter()
            .filter_map(|(c, s)| Some((*c, s.exact(basis)?)))
            .collect();
        let rank = rate.map(|mine| {
            1 + rates
                .iter()
                .filter(|(c, r)| r.total_cmp(&mine).then(code.cmp(c)).is_gt())
                .count()
        });
        let integrated = standings.iter().map(|s| s.integrated).sum();
        let populations: Populations = standings.iter().map(|s| s.populations).sum();
        Ok(WardStanding {
            rank,
            ranked: rates.len(),
            average,
            province_rates: Rates::new(integrated, &populations),
            window: frame.window,
            gain: row.gain,
            previous_gain: row.previous_gain,
            flags: row.flags,
        })
    }
}
