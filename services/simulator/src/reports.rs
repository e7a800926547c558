//! Ward offices' daily and weekly reports: most on time, some late, some missing, a few whose
//! figures disagree with the events; and the other reporters': the ward police's final report,
//! health facilities' and regional health centres' weekly reports.

use std::collections::BTreeMap;

use ehb_proto::{
    BusinessDay, Payload, ReportFigures, ReportId, ReportNotes, ReportPeriod, Reporter, Text,
    WardCode,
};
use jiff::SignedDuration;
use rand::Rng;

use crate::generate::{Builder, WardTruth};

/// What became of one report the ward office filed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FiledReport {
    /// Filed after its deadline.
    pub late: bool,
    /// Its integration figure disagrees with the events.
    pub wrong: bool,
}

/// Files the daily report of every campaign day and the weekly report of every full week.
pub(crate) fn file_reports(
    b: &mut Builder<'_>,
    code: WardCode,
    truth: &mut WardTruth,
    team_days: &[BusinessDay],
) {
    let days: Vec<BusinessDay> = truth.integrated_by_day.keys().copied().collect();
    for &day in &days {
        // Daily: due at 08:00 the next day; late ones come at 10:30.
        let filed = |late: bool| {
            day.plus(1).start() + SignedDuration::from_mins(if late { 630 } else { 420 })
        };
        file(b, code, truth, ReportPeriod::Daily(day), team_days, filed);
    }
    for &monday in &days {
        let full_week = days.contains(&monday.plus(6));
        if monday.date().weekday() != jiff::civil::Weekday::Monday || !full_week {
            continue;
        }
        // Weekly: due before Wednesday; on time on Monday at 09:00, late on Wednesday at 09:00.
        let filed = |late: bool| {
            monday.plus(if late { 9 } else { 7 }).start() + SignedDuration::from_hours(9)
        };
        file(
            b,
            code,
            truth,
            ReportPeriod::Weekly(monday),
            team_days,
            filed,
        );
    }
}

/// Files (or, now and then, does not file) the report for `period`.
fn file(
    b: &mut Builder<'_>,
    code: WardCode,
    truth: &mut WardTruth,
    period: ReportPeriod,
    team_days: &[BusinessDay],
    filed_at: impl Fn(bool) -> jiff::Timestamp,
) {
    let roll: f64 = b.rng.random();
    let s = b.scenario;
    if roll < s.missing_report_share {
        return;
    }
    let late = roll < s.missing_report_share + s.late_report_share;
    let wrong = b.rng.random::<f64>() < s.wrong_report_share;
    let (start, end) = (period.start(), period.end());
    let sum = |by_day: &BTreeMap<BusinessDay, u64>, from: BusinessDay| {
        by_day.range(from..=end).map(|(_, n)| n).sum::<u64>()
    };
    let first = BusinessDay::from_ordinal(0);
    let integrated_new = sum(&truth.integrated_by_day, start);
    // Totals count the opening balance too, as the ward's own books do.
    let (opening_accounts, opening_integrated) = truth
        .opening
        .map_or((0, 0), |(_, accounts, integrated)| (accounts, integrated));
    let figures = ReportFigures {
        accounts_new: Some(sum(&truth.accounts_by_day, start)),
        accounts_total: Some(opening_accounts + sum(&truth.accounts_by_day, first)),
        integrated_new: Some(integrated_new + if wrong { b.rng.random_range(1..20) } else { 0 }),
        integrated_total: Some(opening_integrated + sum(&truth.integrated_by_day, first)),
        groups_with_team: matches!(period, ReportPeriod::Weekly(_))
            .then(|| team_days.iter().filter(|d| **d <= end).count() as u64),
    };
    let at = filed_at(late);
    let notes = match period {
        // The weekly form's text sections, as wards write them (chosen by ward, not drawn, so
        // that the campaign's other draws stay as they are).
        ReportPeriod::Weekly(_) => {
            let i = code.get() as usize;
            Some(Box::new(ReportNotes {
                difficulties: Some(Text::from(DIFFICULTIES[i % DIFFICULTIES.len()])),
                proposals: Some(Text::from(PROPOSALS[i % PROPOSALS.len()])),
            }))
        }
        _ => None,
    };
    let event = b.event(
        "ward-office",
        at,
        code,
        Payload::ReportFiled {
            reporter: Reporter::WardOffice,
            period,
            figures,
            notes,
        },
    );
    b.push("ward-office", at, &event);
    truth
        .reports
        .insert(ReportId::ward_office(period), FiledReport { late, wrong });
}

/// The other reporters' reports of the `i`-th ward, all on time and agreeing with the events
/// (made of the ward's figures, not drawn): the police's final report on each month of the
/// campaign, the day after its last day in that month (one ward in ten files none); the weekly
/// report of a health facility (one ward in three) and of the regional health centre (one ward
/// in ten hosts one) on the Monday after each full week.
pub(crate) fn file_other_reports(
    b: &mut Builder<'_>,
    (code, i): (WardCode, u32),
    truth: &mut WardTruth,
) {
    let days: Vec<BusinessDay> = truth.integrated_by_day.keys().copied().collect();
    let Some(last) = days.last().copied() else {
        return;
    };
    let (opening_accounts, opening_integrated) = truth
        .opening
        .map_or((0, 0), |(_, accounts, integrated)| (accounts, integrated));
    let mut months: Vec<BusinessDay> = days.iter().map(|d| d.month_start()).collect();
    months.dedup();
    for first in months.into_iter().filter(|_| i % 10 != 3) {
        let period = ReportPeriod::Final(first);
        let end = period.end();
        let in_month = |by_day: &BTreeMap<BusinessDay, u64>| {
            by_day.range(first..=end).map(|(_, n)| *n).sum::<u64>()
        };
        let to_end = |by_day: &BTreeMap<BusinessDay, u64>| {
            by_day.range(..=end).map(|(_, n)| *n).sum::<u64>()
        };
        let figures = ReportFigures {
            accounts_new: Some(in_month(&truth.accounts_by_day)),
            accounts_total: Some(opening_accounts + to_end(&truth.accounts_by_day)),
            integrated_new: Some(in_month(&truth.integrated_by_day)),
            integrated_total: Some(opening_integrated + to_end(&truth.integrated_by_day)),
            groups_with_team: None,
        };
        let at = end.min(last).plus(1).start() + SignedDuration::from_hours(15);
        let notes = ReportNotes {
            difficulties: Some(Text::from(POLICE_DIFFICULTY)),
            proposals: None,
        };
        file_other(
            b,
            (code, "c06", Reporter::Police),
            (period, at),
            figures,
            notes,
            truth,
        );
    }
    for &monday in &days {
        if monday.date().weekday() != jiff::civil::Weekday::Monday
            || !days.contains(&monday.plus(6))
        {
            continue;
        }
        let period = ReportPeriod::Weekly(monday);
        let at = monday.plus(7).start() + SignedDuration::from_hours(11);
        if i % 3 == 0 {
            let notes = ReportNotes {
                difficulties: Some(Text::from(FACILITY_DIFFICULTY)),
                proposals: None,
            };
            let reporter = (code, "health", Reporter::HealthFacility);
            file_other(
                b,
                reporter,
                (period, at),
                ReportFigures::default(),
                notes,
                truth,
            );
        }
        if i % 10 == 0 {
            let week = truth
                .integrated_by_day
                .range(monday..=monday.plus(6))
                .map(|(_, n)| *n)
                .sum();
            let figures = ReportFigures {
                integrated_new: Some(week),
                ..ReportFigures::default()
            };
            let notes = ReportNotes {
                difficulties: None,
                proposals: Some(Text::from(CENTRE_PROPOSAL)),
            };
            let reporter = (code, "health", Reporter::HealthCentre);
            file_other(b, reporter, (period, at), figures, notes, truth);
        }
    }
}

/// Files one report of another reporter than the ward's office, on time.
fn file_other(
    b: &mut Builder<'_>,
    (code, source, reporter): (WardCode, &'static str, Reporter),
    (period, at): (ReportPeriod, jiff::Timestamp),
    figures: ReportFigures,
    notes: ReportNotes<'static>,
    truth: &mut WardTruth,
) {
    let payload = Payload::ReportFiled {
        reporter,
        period,
        figures,
        notes: Some(Box::new(notes)),
    };
    let salt = (u64::from(reporter.index()) << 40)
        ^ (period.start().ordinal() as u64)
        ^ 0x7265_7000_0000_0000;
    b.push_drawless(source, at, (code, salt), payload);
    let id = ReportId { reporter, period };
    truth.reports.insert(id, FiledReport::default());
}

/// What the ward police's final reports say stood in the way.
const POLICE_DIFFICULTY: &str =
    "Một số công dân đi làm ăn xa chưa kích hoạt được tài khoản định danh điện tử mức 2.";

/// What the health facilities' weekly reports say stood in the way.
const FACILITY_DIFFICULTY: &str = "Người bệnh đến khám chưa mang theo điện thoại có cài đặt VNeID.";

/// What the regional health centres' weekly reports ask for.
const CENTRE_PROPOSAL: &str = "Đề nghị bổ sung máy tính kết nối mạng cho các trạm y tế xã, phường.";

/// Difficulties the wards' weekly reports name, as the plans' progress letters list them.
const DIFFICULTIES: [&str; 3] = [
    "Người cao tuổi chưa có điện thoại thông minh, cần người thân hỗ trợ cài đặt.",
    "Một bộ phận người dân chưa quan tâm đến việc tích hợp thẻ BHYT trên VNeID.",
    "Đường truyền tại một số thôn còn chập chờn, việc kích hoạt tài khoản mức 2 bị gián đoạn.",
];

/// Proposals the wards' weekly reports make.
const PROPOSALS: [&str; 3] = [
    "Đề nghị tổ công nghệ số cộng đồng hỗ trợ trực tiếp tại nhà cho người cao tuổi.",
    "Đề nghị Công an xã bố trí thêm điểm cấp tài khoản định danh mức 2 vào cuối tuần.",
    "Đề nghị Trạm Y tế phối hợp hướng dẫn khi người dân đến khám chữa bệnh.",
];
