//! The days an official can look at: the first and the latest with events, and the day a page
//! opens on — the last complete day that counted facts, not a day in progress or one with only
//! the next morning's reports, whose gains of zero would read as a collapse.

use ehb_proto::{BusinessDay, ProvinceCode};
use serde::Serialize;

use crate::state::Projection;

/// The days with events in a scope, and the one a page opens on.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CampaignDays {
    /// The first day any event counted.
    pub first: BusinessDay,
    /// The latest day any event counted (the next morning's reports included).
    pub latest: BusinessDay,
    /// The last day before today on which accounts or integrations were counted (the latest
    /// day when there is none): where a page opens.
    pub complete: BusinessDay,
}

impl Projection {
    /// The days of `province` (every province when `None`) as seen on `today`; `None` before
    /// any event.
    pub fn campaign_days(
        &self,
        province: Option<ProvinceCode>,
        today: BusinessDay,
    ) -> Option<CampaignDays> {
        let wards = self
            .wards
            .values()
            .filter(|w| province.is_none_or(|p| w.meta.province == p));
        let (mut first, mut latest, mut complete) = (None, None, None::<BusinessDay>);
        for ward in wards {
            let (Some(from), Some(to)) = (ward.days.keys().next(), ward.last_day()) else {
                continue;
            };
            first = Some(first.map_or(*from, |f: BusinessDay| f.min(*from)));
            latest = Some(latest.map_or(to, |l: BusinessDay| l.max(to)));
            let counted = ward
                .days
                .range(..today)
                .rev()
                .find(|(_, c)| c.accounts_new > 0 || c.integrated_new > 0)
                .map(|(day, _)| *day);
            complete = complete.max(counted);
        }
        let (first, latest) = (first?, latest?);
        Some(CampaignDays {
            first,
            latest,
            complete: complete.unwrap_or(latest),
        })
    }
}
