//! Who files a report, and a report's identity in its ward: its reporter and its period.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ContractError;
use crate::report::ReportPeriod;

/// Who files a report. The plans name the ward's office (daily, weekly and monthly reports to
/// the province), the ward's police (its report of the campaign's results to the ward, due early
/// the next month), health facilities (weekly reports to the health department) and regional
/// health centres (weekly or monthly reports on their stations to the health department).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reporter {
    /// UBND xã/phường: the ward's office (the default).
    WardOffice,
    /// Công an xã/phường: the ward's police.
    Police,
    /// Cơ sở khám bệnh, chữa bệnh: a health facility in the ward.
    HealthFacility,
    /// Trung tâm Y tế khu vực: the regional health centre, for its stations in the ward.
    HealthCentre,
}

impl Reporter {
    /// Every reporter, in the contract's order.
    pub const ALL: [Reporter; 4] = [
        Reporter::WardOffice,
        Reporter::Police,
        Reporter::HealthFacility,
        Reporter::HealthCentre,
    ];

    /// The name used in events.
    pub fn as_str(self) -> &'static str {
        match self {
            Reporter::WardOffice => "ward_office",
            Reporter::Police => "police",
            Reporter::HealthFacility => "health_facility",
            Reporter::HealthCentre => "health_centre",
        }
    }

    /// Parses a reporter's name.
    pub fn parse(field: &str, text: &str) -> Result<Self, ContractError> {
        Reporter::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| {
                ContractError::invalid(
                    field,
                    "must be one of \"ward_office\", \"police\", \"health_facility\", \"health_centre\"",
                )
            })
    }

    /// Its place in [`Reporter::ALL`].
    pub fn index(self) -> u8 {
        self as u8
    }

    /// The reporter at `index` in [`Reporter::ALL`].
    pub fn from_index(index: u8) -> Option<Self> {
        Reporter::ALL.get(usize::from(index)).copied()
    }
}

/// A report's identity in its ward: who files it, for which period. Written as its period
/// (`weekly/2026-03-09`) for the ward's office, and `police:final/2026-03` for the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReportId {
    /// Who files it.
    pub reporter: Reporter,
    /// The period it covers.
    pub period: ReportPeriod,
}

impl ReportId {
    /// The ward office's report for `period`.
    pub fn ward_office(period: ReportPeriod) -> Self {
        ReportId {
            reporter: Reporter::WardOffice,
            period,
        }
    }
}

impl fmt::Display for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let period = String::from(self.period);
        match self.reporter {
            Reporter::WardOffice => f.write_str(&period),
            other => write!(f, "{}:{period}", other.as_str()),
        }
    }
}

impl TryFrom<String> for ReportId {
    type Error = ContractError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        let (reporter, period) = match value.split_once(':') {
            Some((reporter, period)) => (Reporter::parse("report", reporter)?, period.to_owned()),
            None => (Reporter::WardOffice, value),
        };
        Ok(ReportId {
            reporter,
            period: ReportPeriod::try_from(period)?,
        })
    }
}

impl From<ReportId> for String {
    fn from(value: ReportId) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ReportKind;

    #[test]
    fn a_report_is_written_as_its_period_with_its_reporter_unless_the_ward_office() {
        let week = ReportPeriod::parse(ReportKind::Weekly, "p", "2026-03-09").expect("monday");
        let month = ReportPeriod::parse(ReportKind::Final, "p", "2026-03").expect("month");
        let ids = [
            (ReportId::ward_office(week), "weekly/2026-03-09"),
            (
                ReportId {
                    reporter: Reporter::Police,
                    period: month,
                },
                "police:final/2026-03",
            ),
            (
                ReportId {
                    reporter: Reporter::HealthCentre,
                    period: week,
                },
                "health_centre:weekly/2026-03-09",
            ),
        ];
        for (id, text) in ids {
            assert_eq!(id.to_string(), text);
            assert_eq!(ReportId::try_from(text.to_owned()).ok(), Some(id));
        }
        assert!(ReportId::try_from("army:weekly/2026-03-09".to_owned()).is_err());
        for r in Reporter::ALL {
            assert_eq!(Reporter::from_index(r.index()), Some(r));
        }
    }
}
