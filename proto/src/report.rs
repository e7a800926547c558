//! Reports a ward files (daily, weekly, monthly) and the periods they cover.

use std::fmt;

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use crate::text::Text;
use crate::{BusinessDay, ContractError};

/// How often a report is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    /// Báo cáo hằng ngày: one per business day during the peak period.
    Daily,
    /// Báo cáo hằng tuần: one per week (Monday to Sunday).
    Weekly,
    /// Báo cáo hằng tháng: one per calendar month.
    Monthly,
    /// Báo cáo kết quả: the results of a campaign month, once it has ended (the ward's police to
    /// the ward's office).
    Final,
}

impl ReportKind {
    /// The name used in events.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Daily => "daily",
            ReportKind::Weekly => "weekly",
            ReportKind::Monthly => "monthly",
            ReportKind::Final => "final",
        }
    }

    /// Parses `daily`, `weekly` or `monthly`.
    pub fn parse(field: &str, text: &str) -> Result<Self, ContractError> {
        match text {
            "daily" => Ok(ReportKind::Daily),
            "weekly" => Ok(ReportKind::Weekly),
            "monthly" => Ok(ReportKind::Monthly),
            "final" => Ok(ReportKind::Final),
            _ => Err(ContractError::invalid(
                field,
                "must be one of \"daily\", \"weekly\", \"monthly\", \"final\"",
            )),
        }
    }
}

/// The period a report covers; written `daily/2026-03-10`, `weekly/2026-03-09`, `monthly/2026-03`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ReportPeriod {
    /// One business day.
    Daily(BusinessDay),
    /// The week starting on this Monday.
    Weekly(BusinessDay),
    /// The month starting on this first day.
    Monthly(BusinessDay),
    /// The results of the month starting on this first day.
    Final(BusinessDay),
}

impl ReportPeriod {
    /// Parses the period of a report of `kind`: `YYYY-MM-DD`, the Monday `YYYY-MM-DD`, or `YYYY-MM`.
    pub fn parse(kind: ReportKind, field: &str, text: &str) -> Result<Self, ContractError> {
        match kind {
            ReportKind::Daily => Ok(ReportPeriod::Daily(BusinessDay::parse(field, text)?)),
            ReportKind::Weekly => {
                let day = BusinessDay::parse(field, text)?;
                if day.date().weekday() != Weekday::Monday {
                    return Err(ContractError::invalid(
                        field,
                        "a weekly report's period is the Monday that starts the week, YYYY-MM-DD",
                    ));
                }
                Ok(ReportPeriod::Weekly(day))
            }
            ReportKind::Monthly | ReportKind::Final => {
                let bad = || {
                    ContractError::invalid(
                        field,
                        "a monthly or final report's period is its month, written YYYY-MM",
                    )
                };
                if text.len() != 7 || text.as_bytes()[4] != b'-' {
                    return Err(bad());
                }
                let year: i16 = text[..4].parse().map_err(|_| bad())?;
                let month: i8 = text[5..].parse().map_err(|_| bad())?;
                let first = Date::new(year, month, 1).map_err(|_| bad())?;
                let first = BusinessDay::from_date(first);
                Ok(if kind == ReportKind::Final {
                    ReportPeriod::Final(first)
                } else {
                    ReportPeriod::Monthly(first)
                })
            }
        }
    }

    /// The kind of report that covers this period.
    pub fn kind(self) -> ReportKind {
        match self {
            ReportPeriod::Daily(_) => ReportKind::Daily,
            ReportPeriod::Weekly(_) => ReportKind::Weekly,
            ReportPeriod::Monthly(_) => ReportKind::Monthly,
            ReportPeriod::Final(_) => ReportKind::Final,
        }
    }

    /// The first day of the period.
    pub fn start(self) -> BusinessDay {
        match self {
            ReportPeriod::Daily(d)
            | ReportPeriod::Weekly(d)
            | ReportPeriod::Monthly(d)
            | ReportPeriod::Final(d) => d,
        }
    }

    /// The last day of the period.
    pub fn end(self) -> BusinessDay {
        match self {
            ReportPeriod::Daily(d) => d,
            ReportPeriod::Weekly(d) => d.plus(6),
            ReportPeriod::Monthly(d) | ReportPeriod::Final(d) => {
                let days = i32::from(d.date().days_in_month());
                d.plus(days - 1)
            }
        }
    }
}

impl TryFrom<String> for ReportPeriod {
    type Error = ContractError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        let (kind, period) = value.split_once('/').ok_or_else(|| {
            ContractError::invalid(
                "period",
                "must be written kind/period, e.g. daily/2026-03-10",
            )
        })?;
        ReportPeriod::parse(ReportKind::parse("period", kind)?, "period", period)
    }
}

impl From<ReportPeriod> for String {
    fn from(value: ReportPeriod) -> Self {
        format!("{}/{value}", value.kind().as_str())
    }
}

impl fmt::Display for ReportPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportPeriod::Daily(d) | ReportPeriod::Weekly(d) => write!(f, "{d}"),
            ReportPeriod::Monthly(d) | ReportPeriod::Final(d) => {
                let date = d.date();
                write!(f, "{:04}-{:02}", date.year(), date.month())
            }
        }
    }
}

/// The figures a report claims, each optional; compared with what the events show.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportFigures {
    /// New level-2 accounts in the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts_new: Option<u64>,
    /// Level-2 accounts activated in the campaign up to the period's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts_total: Option<u64>,
    /// New integrations in the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrated_new: Option<u64>,
    /// Integrations up to the period's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrated_total: Option<u64>,
    /// Groups with a guidance team at the period's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups_with_team: Option<u64>,
}

/// The text sections of a report form: difficulties and obstacles, proposals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportNotes<'a> {
    /// Khó khăn, vướng mắc: what stands in the way.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub difficulties: Option<Text<'a>>,
    /// Đề xuất, kiến nghị: what the reporter asks for.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    pub proposals: Option<Text<'a>>,
}

impl ReportNotes<'_> {
    /// Whether the report carries no text section.
    pub fn is_empty(&self) -> bool {
        self.difficulties.is_none() && self.proposals.is_none()
    }

    /// The same notes, owning their text.
    pub fn into_owned(self) -> ReportNotes<'static> {
        ReportNotes {
            difficulties: self.difficulties.map(Text::into_owned),
            proposals: self.proposals.map(Text::into_owned),
        }
    }
}

impl ReportFigures {
    /// Whether the report claims no figure at all.
    pub fn is_empty(&self) -> bool {
        *self == ReportFigures::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let w = ReportPeriod::parse(ReportKind::Weekly, "p", "2026-03-09").expect("monday");
        assert_eq!(w.end().to_string(), "2026-03-15");
        assert!(ReportPeriod::parse(ReportKind::Weekly, "p", "2026-03-10").is_err());
        let m = ReportPeriod::parse(ReportKind::Monthly, "p", "2026-02").expect("month");
        assert_eq!(m.start().to_string(), "2026-02-01");
        assert_eq!(m.end().to_string(), "2026-02-28");
        assert_eq!(m.to_string(), "2026-02");
        for bad in ["2026-13", "2026-2", "2026/02", "2026-02-01"] {
            assert!(
                ReportPeriod::parse(ReportKind::Monthly, "p", bad).is_err(),
                "{bad}"
            );
        }
        let d = ReportPeriod::parse(ReportKind::Daily, "p", "2026-03-10").expect("day");
        assert_eq!((d.start(), d.end()), (d.start(), d.start()));
        for p in [w, m, d] {
            let text = serde_json::to_string(&p).expect("json");
            assert_eq!(
                serde_json::from_str::<ReportPeriod>(&text).ok(),
                Some(p),
                "{text}"
            );
        }
        assert_eq!(
            serde_json::to_string(&m).ok().as_deref(),
            Some("\"monthly/2026-02\"")
        );
    }
}
