//! The certification report of a replay: every ward's final figures and both rates, the wards
//! below their province's average, totals by event type, rejects by reason, duplicates absorbed,
//! late events, reports that disagree with the events, and the digest; as HTML (`html`) and as
//! XLSX (`xlsx`).

mod html;
mod xlsx;

use std::path::Path;

use ehb_projection::query::daily::Daily;
use ehb_projection::query::reports::DisagreeingReport;
use ehb_projection::query::summary::ProvinceSummary;
use ehb_projection::{AverageKind, RateBasis};
use ehb_proto::BusinessDay;

use crate::AuditError;
use crate::replay::{Replay, ReplayStats};

/// What the report certifies.
pub struct Certification {
    /// The cut-off, as the auditor gave it.
    pub cutoff: String,
    /// The business day the figures are as of.
    pub day: Option<BusinessDay>,
    /// What the replay read and left out.
    pub stats: ReplayStats,
    /// Each province's summary on that day.
    pub provinces: Vec<ProvinceSummary>,
    /// Each ward's figures on that day.
    pub wards: Vec<Daily>,
    /// Events folded by type, as `(type, count)`.
    pub by_type: Vec<(&'static str, u64)>,
    /// Rejects by reason.
    pub rejects: Vec<(String, u64)>,
    /// Facts reported again and counted once.
    pub duplicates: u64,
    /// Reports whose figures differ from the events.
    pub disagreeing: Vec<DisagreeingReport>,
    /// The projection's digest.
    pub digest: String,
}

impl Certification {
    /// The certification of `replay` at the cut-off described by `cutoff`.
    pub fn of(replay: &Replay, cutoff: String) -> Self {
        let p = &replay.projection;
        let day = p.latest_day(None);
        let mut provinces: Vec<_> = p
            .wards_sorted()
            .iter()
            .map(|(_, w)| w.meta.province)
            .collect();
        provinces.dedup();
        provinces.sort_unstable();
        provinces.dedup();
        let t = p.totals();
        let f = &t.folded;
        Certification {
            cutoff,
            day,
            stats: replay.stats,
            provinces: provinces
                .into_iter()
                .filter_map(|code| {
                    p.province_summary(code, day, AverageKind::Plain, RateBasis::Residents)
                        .ok()
                })
                .collect(),
            wards: replay.ward_figures(day),
            by_type: vec![
                ("account.activated", f.account_activated),
                ("card.integrated", f.card_integrated),
                ("team.formed", f.team_formed),
                ("report.filed", f.report_filed),
                ("ward.baseline", f.ward_baseline),
                ("facility.linked", f.facility_linked),
                ("ward.opening", f.ward_opening),
            ],
            rejects: t.rejected.iter().map(|(k, n)| (k.clone(), *n)).collect(),
            duplicates: t.duplicates,
            disagreeing: p.disagreeing_reports(),
            digest: p.digest().0,
        }
    }

    /// Whether `daily`'s ward is below its province's average.
    fn below_average(&self, daily: &Daily) -> bool {
        self.provinces
            .iter()
            .any(|s| s.below_average.iter().any(|w| w.ward == daily.ward))
    }

    /// Writes `report.html` and `report.xlsx` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<(), AuditError> {
        std::fs::create_dir_all(dir).map_err(|e| AuditError::io(dir, e))?;
        let html = dir.join("report.html");
        std::fs::write(&html, self.html()).map_err(|e| AuditError::io(&html, e))?;
        let xlsx = dir.join("report.xlsx");
        self.xlsx(&xlsx)
            .map_err(|e| AuditError::io(&xlsx, std::io::Error::other(e)))
    }
}

/// `text` safe inside HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ehb_projection::query::table::{vietnamese_count as int, vietnamese_percent as pct};

    #[test]
    fn figures_are_written_the_vietnamese_way() {
        assert_eq!(int(1_857_877), "1.857.877");
        assert_eq!(int(999), "999");
        assert_eq!(int(1000), "1.000");
        assert_eq!(pct(ehb_projection::Percent::of(2548, 10_000)), "25,48 %");
        assert_eq!(pct(None), "-");
        assert_eq!(escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
