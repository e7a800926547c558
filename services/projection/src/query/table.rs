//! Answers laid out as the report tables officials forward: a title, the date and unit, columns
//! with Vietnamese headers, one row per ward and a totals row. Rendering (CSV, XLSX) is the
//! caller's.

use ehb_proto::BusinessDay;

use super::heading::{
    NATIONAL_PLACE, NATIONAL_UNIT, average_label, average_line, average_value, place_and_date,
    province_place, province_unit,
};
use super::review::{ProvinceReview, TwoDayReview, WardReview};
use super::{Percent, Populations, Rates};

/// One cell of a report table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A count.
    Count(u64),
    /// A percentage (e.g. 25.48), or nothing when it has no denominator.
    Percent(Option<f64>),
}

/// A report table.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTable {
    /// The issuing unit, upper-case, as the heading's left side names it: `TOÀN QUỐC`,
    /// `THÀNH PHỐ HẢI PHÒNG`, `PHƯỜNG …`.
    pub unit: String,
    /// The place-and-date line under the national motto: `Hải Phòng, ngày 11 tháng 3 năm 2026`.
    pub dated: String,
    /// The title, e.g. `KẾT QUẢ RÀ SOÁT 2 NGÀY …`.
    pub title: String,
    /// Lines under the title: the unit, the date, the window, the average.
    pub lines: Vec<String>,
    /// Column headers, in Vietnamese.
    pub headers: Vec<&'static str>,
    /// How many leading columns name a row (codes, rank, name): kept in view when scrolling.
    pub key_columns: usize,
    /// One row per ward.
    pub rows: Vec<Vec<Cell>>,
    /// The totals row.
    pub totals: Vec<Cell>,
}

/// A day written the Vietnamese way: 11/03/2026.
pub fn vietnamese_date(day: BusinessDay) -> String {
    let d = day.date();
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// A count written the Vietnamese way: 1.857.877.
pub fn vietnamese_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A percentage written the Vietnamese way: 25,48 %; `-` when there is none.
pub fn vietnamese_percent(p: Option<Percent>) -> String {
    p.map_or_else(
        || "-".to_owned(),
        |p| format!("{:.2} %", p.value()).replace('.', ","),
    )
}

/// A flag in the officials' words.
pub fn flag_label(flag: &str) -> &'static str {
    match flag {
        "below_average" => "dưới bình quân",
        "no_progress" => "không tăng",
        "missing_report" => "thiếu báo cáo",
        "late_report" => "báo cáo muộn",
        "groups_without_team" => "tổ chưa có nhóm hỗ trợ",
        "unregistered" => "chưa có số liệu nền",
        _ => "khác",
    }
}

fn unit(review: &TwoDayReview) -> String {
    match review.scope {
        Some(p) => format!("Đơn vị: tỉnh/thành phố {p}"),
        None => "Đơn vị: toàn quốc".to_owned(),
    }
}

/// The average the review's flags compare with: one province's, or each province's.
fn review_average(review: &TwoDayReview) -> Option<String> {
    match review.provinces.as_slice() {
        [] => None,
        [one] => Some(average_line(&one.average)),
        [first, ..] => {
            let each: Vec<String> = review
                .provinces
                .iter()
                .map(|p| format!("{} {}", p.province, average_value(&p.average)))
                .collect();
            Some(format!(
                "{} của từng tỉnh: {}",
                average_label(first.average.kind, first.average.basis),
                each.join("; ")
            ))
        }
    }
}

fn rates_cells(rates: &Rates) -> [Cell; 4] {
    [
        rates.per_residents,
        rates.per_insured,
        rates.per_level2,
        rates.per_eligible,
    ]
    .map(|rate| Cell::Percent(rate.map(|p| p.value())))
}

/// The populations' cells: residents, insured, level-2 holders, eligible (empty when unknown).
fn population_cells(p: &Populations) -> [Cell; 4] {
    [
        Cell::Count(p.residents),
        Cell::Count(p.insured),
        Cell::Count(p.level2),
        p.eligible.map_or(Cell::Text(String::new()), Cell::Count),
    ]
}

/// A ward's populations as its review row gives them.
fn populations(w: &WardReview) -> Populations {
    Populations {
        residents: w.residents,
        insured: w.insured,
        level2: w.level2,
        eligible: w.eligible,
    }
}

/// The populations of the registered wards together (the eligible only when each gives them).
fn registered_populations(wards: &[&WardReview]) -> Populations {
    wards
        .iter()
        .filter(|w| !w.flags.contains(&"unregistered"))
        .map(|w| populations(w))
        .sum()
}

/// Sums of the wards' counts, in the order given by `pick`.
fn sums<const N: usize>(wards: &[&WardReview], pick: impl Fn(&WardReview) -> [u64; N]) -> [u64; N] {
    wards.iter().fold([0; N], |mut acc, w| {
        for (a, v) in acc.iter_mut().zip(pick(w)) {
            *a += v;
        }
        acc
    })
}

/// The rates of the registered wards together (as the province's own rates: a ward without a
/// baseline has integrations but no residents to divide them by).
fn registered_rates(wards: &[&WardReview]) -> Rates {
    let integrated = wards
        .iter()
        .filter(|w| !w.flags.contains(&"unregistered"))
        .map(|w| w.integrated)
        .sum();
    Rates::new(integrated, &registered_populations(wards))
}

impl TwoDayReview {
    /// The form's file name, without extension: `ra-soat-2-ngay-<province or toan-quoc>-<date>`.
    pub fn file_name(&self) -> String {
        let scope = self.scope.map_or("toan-quoc".to_owned(), |p| p.to_string());
        format!("ra-soat-2-ngay-{scope}-{}", self.date)
    }

    /// The review as the two-day review form: every ward of every province in scope.
    pub fn table(&self) -> ReportTable {
        let wards: Vec<(&ProvinceReview, &WardReview)> = self
            .provinces
            .iter()
            .flat_map(|p| p.wards.iter().map(move |w| (p, w)))
            .collect();
        let rows = wards
            .iter()
            .map(|(p, w)| {
                let mut row = vec![
                    Cell::Text(p.province.to_string()),
                    w.rank
                        .map_or(Cell::Text(String::new()), |r| Cell::Count(r as u64)),
                    Cell::Text(w.ward.to_string()),
                    Cell::Text(w.name.clone().unwrap_or_default()),
                    Cell::Count(w.gain),
                    Cell::Count(w.previous_gain),
                    Cell::Count(w.accounts_gain),
                    Cell::Count(w.integrated),
                ];
                row.extend(population_cells(&populations(w)));
                row.extend(rates_cells(&w.rates));
                row.push(Cell::Count(w.groups_without_team.unwrap_or(0)));
                let flags: Vec<&str> = w.flags.iter().map(|f| flag_label(f)).collect();
                row.push(Cell::Text(flags.join(", ")));
                row
            })
            .collect();
        let all: Vec<&WardReview> = wards.iter().map(|(_, w)| *w).collect();
        let [gain, previous, accounts, integrated, without] = sums(&all, |w| {
            [
                w.gain,
                w.previous_gain,
                w.accounts_gain,
                w.integrated,
                w.groups_without_team.unwrap_or(0),
            ]
        });
        let mut totals = vec![
            Cell::Text("Tổng cộng".to_owned()),
            Cell::Text(String::new()),
            Cell::Text(String::new()),
            Cell::Text(format!("{} xã/phường", all.len())),
            Cell::Count(gain),
            Cell::Count(previous),
            Cell::Count(accounts),
            Cell::Count(integrated),
        ];
        totals.extend(population_cells(&registered_populations(&all)));
        totals.extend(rates_cells(&registered_rates(&all)));
        totals.push(Cell::Count(without));
        totals.push(Cell::Text(String::new()));
        let mut lines = vec![
            unit(self),
            format!(
                "Ngày {}: tăng trong {}–{} so với {}–{}",
                vietnamese_date(self.date),
                vietnamese_date(self.window.from),
                vietnamese_date(self.window.to),
                vietnamese_date(self.previous.from),
                vietnamese_date(self.previous.to)
            ),
        ];
        lines.extend(review_average(self));
        let (unit, place) = match self.scope {
            Some(p) => (province_unit(p), province_place(p)),
            None => (NATIONAL_UNIT.to_owned(), NATIONAL_PLACE.to_owned()),
        };
        ReportTable {
            unit,
            dated: place_and_date(&place, self.date),
            title: "KẾT QUẢ RÀ SOÁT 2 NGÀY – TÍCH HỢP SỔ SỨC KHỎE ĐIỆN TỬ TRÊN VNeID".to_owned(),
            lines,
            headers: vec![
                "Tỉnh",
                "Hạng",
                "Mã xã",
                "Tên xã/phường",
                "Tăng 2 ngày",
                "Tăng 2 ngày trước",
                "Tài khoản mức 2 tăng",
                "Lũy kế đã tích hợp",
                "Dân số",
                "Có BHYT",
                "Có tài khoản mức 2",
                "Có BHYT và tài khoản mức 2",
                "Tỷ lệ/dân số (%)",
                "Tỷ lệ/có BHYT (%)",
                "Tỷ lệ/có tài khoản mức 2 (%)",
                "Tỷ lệ/có BHYT và tài khoản mức 2 (%)",
                "Tổ chưa có nhóm hỗ trợ",
                "Cảnh báo",
            ],
            key_columns: 4,
            rows,
            totals,
        }
    }

    /// One province of the review as the province summary form: every ward's cumulative figures
    /// and rates, ranked, against the province average.
    pub fn summary_table(&self, province: &ProvinceReview) -> ReportTable {
        let wards: Vec<&WardReview> = province.wards.iter().collect();
        let rows = wards
            .iter()
            .map(|w| {
                let mut row = vec![
                    w.rank
                        .map_or(Cell::Text(String::new()), |r| Cell::Count(r as u64)),
                    Cell::Text(w.ward.to_string()),
                    Cell::Text(w.name.clone().unwrap_or_default()),
                    Cell::Count(w.integrated),
                ];
                row.extend(population_cells(&populations(w)));
                row.extend(rates_cells(&w.rates));
                row.extend([Cell::Count(w.teams), Cell::Count(w.team_members)]);
                let below = w.flags.contains(&"below_average");
                row.push(Cell::Text(
                    if below { "dưới bình quân" } else { "" }.to_owned(),
                ));
                row
            })
            .collect();
        let [integrated, teams, members] =
            sums(&wards, |w| [w.integrated, w.teams, w.team_members]);
        let mut totals = vec![
            Cell::Text("Tổng cộng".to_owned()),
            Cell::Text(String::new()),
            Cell::Text(format!("{} xã/phường", wards.len())),
            Cell::Count(integrated),
        ];
        totals.extend(population_cells(&registered_populations(&wards)));
        totals.extend(rates_cells(&registered_rates(&wards)));
        totals.extend([Cell::Count(teams), Cell::Count(members)]);
        totals.push(Cell::Text(format!(
            "{} xã dưới bình quân",
            province.flagged.below_average
        )));
        ReportTable {
            unit: province_unit(province.province),
            dated: place_and_date(&province_place(province.province), self.date),
            title: format!(
                "BÁO CÁO TỔNG HỢP TÍCH HỢP SỔ SỨC KHỎE ĐIỆN TỬ – TỈNH/THÀNH PHỐ {}",
                province.province
            ),
            lines: vec![
                format!("Đơn vị: tỉnh/thành phố {}", province.province),
                format!("Số liệu đến hết ngày {}", vietnamese_date(self.date)),
                average_line(&province.average),
            ],
            headers: vec![
                "Hạng",
                "Mã xã",
                "Tên xã/phường",
                "Lũy kế đã tích hợp",
                "Dân số",
                "Có BHYT",
                "Có tài khoản mức 2",
                "Có BHYT và tài khoản mức 2",
                "Tỷ lệ/dân số (%)",
                "Tỷ lệ/có BHYT (%)",
                "Tỷ lệ/có tài khoản mức 2 (%)",
                "Tỷ lệ/có BHYT và tài khoản mức 2 (%)",
                "Tổ hướng dẫn",
                "Thành viên Tổ hướng dẫn",
                "So với bình quân",
            ],
            key_columns: 3,
            rows,
            totals,
        }
    }
}
