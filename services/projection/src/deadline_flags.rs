//! The report-deadline flags the projector and the audit share, so both judge reports alike
//! (with the `cli` feature: a command line's flags are no part of the pure fold).

use crate::ReportDeadlines;
use jiff::civil::Weekday;

/// When reports are due, as command-line flags with environment fallbacks.
#[derive(Debug, Clone, clap::Args)]
pub struct DeadlineArgs {
    /// Hour (UTC+07:00) of the next day by which a daily report is due.
    #[arg(long, env = "EHB_DAILY_REPORT_BY_HOUR", default_value_t = 8, value_parser = clap::value_parser!(u8).range(0..=23))]
    pub daily_report_by_hour: u8,
    /// Weekday of the following week before which a weekly report is due.
    #[arg(long, env = "EHB_WEEKLY_REPORT_BEFORE", default_value = "wednesday", value_parser = parse_weekday)]
    pub weekly_report_before: Weekday,
    /// Day of the month before which the monthly report is due.
    #[arg(long, env = "EHB_MONTHLY_REPORT_BEFORE_DAY", default_value_t = 25, value_parser = clap::value_parser!(u8).range(1..=28))]
    pub monthly_report_before_day: u8,
    /// Day of the month on which monthly figures close (14: a monthly report speaks of the 15th
    /// of the month before to the 14th, Nghị định 09/2019/NĐ-CP; 0: the calendar month).
    #[arg(long, env = "EHB_MONTHLY_REPORT_CLOSES_ON", default_value_t = 14, value_parser = clap::value_parser!(u8).range(0..=28))]
    pub monthly_report_closes_on: u8,
    /// Day of the month after a campaign month before which its final report (the ward's
    /// police's results) is due.
    #[arg(long, env = "EHB_FINAL_REPORT_BEFORE_DAY", default_value_t = 6, value_parser = clap::value_parser!(u8).range(1..=28))]
    pub final_report_before_day: u8,
}

impl Default for DeadlineArgs {
    fn default() -> Self {
        let d = ReportDeadlines::default();
        DeadlineArgs {
            daily_report_by_hour: d.daily_by_hour,
            weekly_report_before: d.weekly_before,
            monthly_report_before_day: d.monthly_before_day,
            monthly_report_closes_on: d.monthly_closes_on,
            final_report_before_day: d.final_before_day,
        }
    }
}

impl DeadlineArgs {
    /// The report deadlines these flags give.
    pub fn deadlines(&self) -> ReportDeadlines {
        ReportDeadlines {
            daily_by_hour: self.daily_report_by_hour,
            weekly_before: self.weekly_report_before,
            monthly_before_day: self.monthly_report_before_day,
            monthly_closes_on: self.monthly_report_closes_on,
            final_before_day: self.final_report_before_day,
        }
    }
}

fn parse_weekday(text: &str) -> Result<Weekday, String> {
    match text.to_ascii_lowercase().as_str() {
        "monday" => Ok(Weekday::Monday),
        "tuesday" => Ok(Weekday::Tuesday),
        "wednesday" => Ok(Weekday::Wednesday),
        "thursday" => Ok(Weekday::Thursday),
        "friday" => Ok(Weekday::Friday),
        "saturday" => Ok(Weekday::Saturday),
        "sunday" => Ok(Weekday::Sunday),
        _ => Err("must be a weekday name such as wednesday".into()),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        deadlines: DeadlineArgs,
    }

    #[test]
    fn the_flags_default_to_the_regime_and_name_a_bad_weekday() {
        let parsed = Cli::try_parse_from(["ehb"]).map(|c| c.deadlines.deadlines());
        assert_eq!(parsed.ok(), Some(ReportDeadlines::default()));
        let friday = Cli::try_parse_from(["ehb", "--weekly-report-before", "Friday"])
            .map(|c| c.deadlines.deadlines().weekly_before);
        assert_eq!(friday.ok(), Some(Weekday::Friday));
        let bad = Cli::try_parse_from(["ehb", "--weekly-report-before", "thứ sáu"])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(bad.contains("must be a weekday name"), "{bad}");
    }
}
