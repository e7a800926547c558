//! The two-day review: each ward's gain over the two days ending D against the two days before.

use ehb_proto::{BusinessDay, ProvinceCode, ReportId, ReportPeriod, WardCode};
use serde::{Deserialize, Deserializer, Serialize};

use super::{
    Average, AverageKind, Populations, ProvinceWards, QueryError, RateBasis, Rates, Standing,
};
use crate::Projection;
use crate::ward::Ward;

/// A span of business days, both ends included.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Window {
    /// The first day.
    pub from: BusinessDay,
    /// The last day.
    pub to: BusinessDay,
}

/// The two-day review of one province or of all.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TwoDayReview {
    /// The review day D.
    pub date: BusinessDay,
    /// D-1 and D.
    pub window: Window,
    /// D-3 and D-2.
    pub previous: Window,
    /// The province reviewed, or `None` for all.
    pub scope: Option<ProvinceCode>,
    /// Each province in scope.
    pub provinces: Vec<ProvinceReview>,
}

/// One province in a review.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProvinceReview {
    /// The province.
    pub province: ProvinceCode,
    /// Integrations in the window, all wards.
    pub gain: u64,
    /// Integrations in the previous window, all wards.
    pub previous_gain: u64,
    /// The province's rates at D (registered wards).
    pub rates: Rates,
    /// The average wards are compared with.
    pub average: Average,
    /// Wards flagged, by flag: below average, no progress, missing reports, groups without team.
    pub flagged: FlagCounts,
    /// Every ward, ranked by rate (unregistered wards last, unranked).
    pub wards: Vec<WardReview>,
}

/// How many wards carry each flag.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct FlagCounts {
    /// Below the province average.
    pub below_average: usize,
    /// No integration in the window.
    pub no_progress: usize,
    /// A daily report of the window not filed.
    pub missing_report: usize,
    /// A daily report of the window filed late.
    pub late_report: usize,
    /// Groups still without a guidance team.
    pub groups_without_team: usize,
    /// No baseline.
    pub unregistered: usize,
}

/// One ward in a review.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WardReview {
    /// 1 for the highest rate in the province; `None` for unregistered wards.
    pub rank: Option<usize>,
    /// The ward.
    pub ward: WardCode,
    /// Its name.
    pub name: Option<String>,
    /// Integrations in the window.
    pub gain: u64,
    /// Integrations in the previous window.
    pub previous_gain: u64,
    /// Accounts activated in the window.
    pub accounts_gain: u64,
    /// Integrations up to D.
    pub integrated: u64,
    /// Residents.
    pub residents: u64,
    /// Insured.
    pub insured: u64,
    /// Level-2 account holders at D (the baseline's and the accounts activated since).
    pub level2: u64,
    /// Eligible at D (insured with a level-2 account), when the baseline gives them.
    pub eligible: Option<u64>,
    /// The rates at D.
    pub rates: Rates,
    /// Groups without a team at D (from the baseline's group count).
    pub groups_without_team: Option<u64>,
    /// Guidance teams formed by D.
    pub teams: u64,
    /// Their members (teams that reported none add none).
    pub team_members: u64,
    /// Days of the window whose daily report is past due and not filed.
    pub missing_reports: Vec<BusinessDay>,
    /// Days of the window whose daily report is not filed but not due yet either (due after the
    /// end of the province's last day with events: the campaign's clock, the same on replay).
    pub pending_reports: Vec<BusinessDay>,
    /// Days of the window whose daily report was filed late.
    pub late_reports: Vec<BusinessDay>,
    /// `below_average`, `no_progress`, `missing_report`, `late_report`, `groups_without_team`, `unregistered`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::ward_flags))]
    #[serde(deserialize_with = "known_flags")]
    pub flags: Vec<&'static str>,
}

/// Every flag a ward can carry.
pub const FLAGS: [&str; 6] = [
    "below_average",
    "no_progress",
    "missing_report",
    "late_report",
    "groups_without_team",
    "unregistered",
];

/// Reads flags back from an answer: each must be one of [`FLAGS`].
fn known_flags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<&'static str>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    names
        .iter()
        .map(|name| {
            FLAGS
                .iter()
                .find(|f| **f == name.as_str())
                .copied()
                .ok_or_else(|| serde::de::Error::custom(format!("unknown flag {name:?}")))
        })
        .collect()
}

impl Projection {
    /// The two-day review at `day` (default: the last day with events) of `province` or of all.
    pub fn two_day_review(
        &self,
        province: Option<ProvinceCode>,
        day: Option<BusinessDay>,
        kind: AverageKind,
        basis: RateBasis,
    ) -> Result<TwoDayReview, QueryError> {
        let (frame, provinces) = self.review_each(province, day, kind, basis, |p, frame| {
            self.review_of(p, frame)
        })?;
        Ok(TwoDayReview {
            date: frame.day,
            window: frame.window,
            previous: frame.previous,
            scope: province,
            provinces,
        })
    }

    /// Settles a review's day and calls `each` for every province in scope, in code order.
    pub(crate) fn review_each<T>(
        &self,
        province: Option<ProvinceCode>,
        day: Option<BusinessDay>,
        kind: AverageKind,
        basis: RateBasis,
        mut each: impl FnMut(&ProvinceWards<'_>, &ReviewFrame) -> T,
    ) -> Result<(ReviewFrame, Vec<T>), QueryError> {
        let by_province = self.wards_by_province(province);
        if let (Some(p), true) = (province, by_province.is_empty()) {
            return Err(QueryError::UnknownProvince(p));
        }
        let day = day
            .or_else(|| by_province.iter().filter_map(|p| p.latest_day).max())
            .unwrap_or_else(|| BusinessDay::from_ordinal(0));
        let frame = ReviewFrame::new(day, kind, basis);
        let parts = by_province.iter().map(|p| each(p, &frame)).collect();
        Ok((frame, parts))
    }

    /// One province's part of a review.
    pub(crate) fn review_of(&self, p: &ProvinceWards<'_>, frame: &ReviewFrame) -> ProvinceReview {
        let due = |d: BusinessDay| self.is_past_due(p.latest_day, d);
        review_province(p.province, &p.wards, frame, &due)
    }

    /// Whether the daily report of `day` is past due in a province whose last day with events
    /// is `latest_day`: what is past due is judged at the end of that day, the campaign's clock.
    pub(crate) fn is_past_due(&self, latest_day: Option<BusinessDay>, day: BusinessDay) -> bool {
        latest_day.is_some_and(|last| {
            self.deadlines.due(ReportPeriod::Daily(day)) <= last.plus(1).start()
        })
    }
}

/// What a review compares: its day, its two windows and the average wards are held against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ReviewFrame {
    pub day: BusinessDay,
    pub window: Window,
    pub previous: Window,
    pub kind: AverageKind,
    pub basis: RateBasis,
}

impl ReviewFrame {
    pub(crate) fn new(day: BusinessDay, kind: AverageKind, basis: RateBasis) -> Self {
        ReviewFrame {
            day,
            window: Window {
                from: day.plus(-1),
                to: day,
            },
            previous: Window {
                from: day.plus(-3),
                to: day.plus(-2),
            },
            kind,
            basis,
        }
    }
}

fn review_province(
    province: ProvinceCode,
    wards: &[(WardCode, &Ward)],
    frame: &ReviewFrame,
    is_due: &dyn Fn(BusinessDay) -> bool,
) -> ProvinceReview {
    let day = frame.day;
    let standings: Vec<Standing> = wards.iter().map(|(_, w)| Standing::of(w, day)).collect();
    let registered: Vec<Standing> = wards
        .iter()
        .zip(&standings)
        .filter(|((_, w), _)| w.meta.registered())
        .map(|(_, s)| *s)
        .collect();
    let average = Average::of(&registered, frame.kind, frame.basis);
    let mut rows: Vec<(Option<f64>, WardReview)> = wards
        .iter()
        .zip(&standings)
        .map(|((code, ward), standing)| ward_row(*code, ward, standing, frame, &average, is_due))
        .collect();
    rows.sort_by(|(a, wa), (b, wb)| match (a, b) {
        (Some(a), Some(b)) => b.total_cmp(a).then(wa.ward.cmp(&wb.ward)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => wa.ward.cmp(&wb.ward),
    });
    let mut flagged = FlagCounts::default();
    let mut rank = 0;
    let wards: Vec<WardReview> = rows
        .into_iter()
        .map(|(rate, mut row)| {
            if rate.is_some() {
                rank += 1;
                row.rank = Some(rank);
            }
            for flag in &row.flags {
                match *flag {
                    "below_average" => flagged.below_average += 1,
                    "no_progress" => flagged.no_progress += 1,
                    "missing_report" => flagged.missing_report += 1,
                    "late_report" => flagged.late_report += 1,
                    "groups_without_team" => flagged.groups_without_team += 1,
                    _ => flagged.unregistered += 1,
                }
            }
            row
        })
        .collect();
    let integrated = registered.iter().map(|s| s.integrated).sum();
    let populations: Populations = registered.iter().map(|s| s.populations).sum();
    ProvinceReview {
        province,
        gain: wards.iter().map(|w| w.gain).sum(),
        previous_gain: wards.iter().map(|w| w.previous_gain).sum(),
        rates: Rates::new(integrated, &populations),
        average,
        flagged,
        wards,
    }
}

/// One ward's row of a review (unranked), with its exact rate on the review's basis when it
/// is ranked at all.
pub(crate) fn ward_row(
    code: WardCode,
    ward: &Ward,
    standing: &Standing,
    frame: &ReviewFrame,
    average: &Average,
    is_due: &dyn Fn(BusinessDay) -> bool,
) -> (Option<f64>, WardReview) {
    let (day, window, previous) = (frame.day, frame.window, frame.previous);
    let gain = ward.progress(window.from..=window.to);
    let previous_gain = ward.progress(previous.from..=previous.to);
    let groups_without_team = ward
        .meta
        .baseline
        .as_ref()
        .map(|b| u64::from(b.groups).saturating_sub(ward.meta.teams_by(day)));
    let (mut missing_reports, mut pending_reports, mut late_reports) =
        (Vec::new(), Vec::new(), Vec::new());
    for d in [window.from, window.to] {
        match ward
            .meta
            .reports
            .get(&ReportId::ward_office(ReportPeriod::Daily(d)))
        {
            None if is_due(d) => missing_reports.push(d),
            None => pending_reports.push(d),
            Some(r) if !r.on_time => late_reports.push(d),
            Some(_) => {}
        }
    }
    let registered = ward.meta.registered();
    let mut flags = Vec::new();
    if registered && average.is_above(standing) == Some(false) {
        flags.push("below_average");
    }
    if gain.integrated == 0 {
        flags.push("no_progress");
    }
    if !missing_reports.is_empty() {
        flags.push("missing_report");
    }
    if !late_reports.is_empty() {
        flags.push("late_report");
    }
    if groups_without_team.is_some_and(|n| n > 0) {
        flags.push("groups_without_team");
    }
    if !registered {
        flags.push("unregistered");
    }
    let row = WardReview {
        rank: None,
        ward: code,
        name: ward.meta.baseline.as_ref().and_then(|b| b.name.clone()),
        gain: gain.integrated,
        previous_gain: previous_gain.integrated,
        accounts_gain: gain.accounts,
        integrated: standing.integrated,
        teams: ward.meta.teams_by(day),
        team_members: ward.meta.team_members_by(day),
        residents: standing.populations.residents,
        insured: standing.populations.insured,
        level2: standing.populations.level2,
        eligible: standing.populations.eligible,
        rates: standing.rates(),
        groups_without_team,
        missing_reports,
        pending_reports,
        late_reports,
        flags,
    };
    (
        if registered {
            standing.exact(frame.basis)
        } else {
            None
        },
        row,
    )
}
