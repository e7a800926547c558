//! The certification as a workbook: the wards' sheet (one row per ward, a totals row) and the
//! counts' sheet (messages by type, what the cut-off left out, rejects by reason).

use std::path::Path;

use ehb_projection::query::daily::Daily;
use ehb_projection::{Populations, Rates};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::Certification;

/// The wards' sheet's column titles.
const HEADERS: [&str; 12] = [
    "Mã xã",
    "Tên",
    "Dân số",
    "Có BHYT",
    "Tài khoản mức 2",
    "Đã tích hợp",
    "Tỷ lệ/dân số (%)",
    "Tỷ lệ/BHYT (%)",
    "Tổ có nhóm hỗ trợ",
    "Dưới bình quân",
    "Tỷ lệ/tài khoản mức 2 (%)",
    "Tỷ lệ/BHYT và tài khoản mức 2 (%)",
];

/// The columns of a ward's counts: residents, insured, accounts, integrated, groups with a team.
const COUNT_COLUMNS: [u16; 5] = [2, 3, 4, 5, 8];

/// The workbook's cell formats.
struct Formats {
    bold: Format,
    number: Format,
    percent: Format,
}

impl Certification {
    /// The report as a workbook: the wards' table with a totals row, then the counts.
    pub fn xlsx(&self, path: &Path) -> Result<(), XlsxError> {
        let mut book = Workbook::new();
        let formats = Formats {
            bold: Format::new().set_bold(),
            number: Format::new().set_num_format("#,##0"),
            percent: Format::new().set_num_format("0.00"),
        };
        self.wards_sheet(book.add_worksheet().set_name("Xa_phuong")?, &formats)?;
        self.counts_sheet(book.add_worksheet().set_name("Tong_hop")?, &formats)?;
        book.save(path)
    }

    /// The heading, one row per ward, and the totals with their rates.
    fn wards_sheet(&self, sheet: &mut Worksheet, f: &Formats) -> Result<(), XlsxError> {
        let day = self.day.map(|d| d.to_string()).unwrap_or_default();
        sheet.write_string_with_format(
            0,
            0,
            "Báo cáo xác nhận số liệu tích hợp Sổ sức khỏe điện tử trên VNeID",
            &f.bold,
        )?;
        sheet.write_string(
            1,
            0,
            format!("Số liệu đến hết ngày {day}; điểm cắt: {}", self.cutoff),
        )?;
        sheet.write_string(2, 0, format!("Mã băm SHA-256: {}", self.digest))?;
        for (c, title) in HEADERS.iter().enumerate() {
            sheet.write_string_with_format(4, c as u16, *title, &f.bold)?;
        }
        let mut totals = [0u64; 5];
        let mut row = 5;
        for w in &self.wards {
            let counts = ward_row(sheet, row, w, f)?;
            totals.iter_mut().zip(counts).for_each(|(t, n)| *t += n);
            if self.below_average(w) {
                sheet.write_string(row, 9, "dưới")?;
            }
            row += 1;
        }
        sheet.write_string_with_format(row, 0, "Tổng cộng", &f.bold)?;
        for (col, v) in COUNT_COLUMNS.iter().zip(totals) {
            sheet.write_number_with_format(row, *col, v as f64, &f.number)?;
        }
        let populations = self
            .wards
            .iter()
            .filter_map(|w| w.populations)
            .sum::<Populations>();
        rates_cells(sheet, row, &Rates::new(totals[3], &populations), f)?;
        sheet.set_column_width(1, 24)?;
        Ok(())
    }

    /// Messages by type, what the replay read and left out, duplicates, reports that differ,
    /// rejects by reason.
    fn counts_sheet(&self, counts: &mut Worksheet, f: &Formats) -> Result<(), XlsxError> {
        counts.write_string_with_format(0, 0, "Chỉ tiêu", &f.bold)?;
        counts.write_string_with_format(0, 1, "Số tin", &f.bold)?;
        let s = &self.stats;
        let mut lines: Vec<(String, u64)> = self
            .by_type
            .iter()
            .map(|(k, n)| (k.to_string(), *n))
            .collect();
        lines.extend([
            ("Tin đã đọc".to_owned(), s.read),
            ("Tin trong điểm cắt".to_owned(), s.applied),
            ("Tin ngoài điểm cắt".to_owned(), s.skipped),
            ("Tin muộn".to_owned(), s.late),
            ("Tin trùng đã loại".to_owned(), self.duplicates),
            (
                "Báo cáo lệch số liệu".to_owned(),
                self.disagreeing.len() as u64,
            ),
        ]);
        lines.extend(
            self.rejects
                .iter()
                .map(|(k, n)| (format!("Từ chối: {k}"), *n)),
        );
        for (i, (label, n)) in lines.iter().enumerate() {
            counts.write_string(i as u32 + 1, 0, label)?;
            counts.write_number_with_format(i as u32 + 1, 1, *n as f64, &f.number)?;
        }
        counts.set_column_width(0, 36)?;
        Ok(())
    }
}

/// Writes one ward's row but its mark; answers its counts in [`COUNT_COLUMNS`]' order.
fn ward_row(
    sheet: &mut Worksheet,
    row: u32,
    w: &Daily,
    f: &Formats,
) -> Result<[u64; 5], XlsxError> {
    let baseline = w.baseline.as_ref();
    let counts = [
        baseline.map_or(0, |b| b.residents),
        baseline.map_or(0, |b| b.insured),
        w.accounts.cumulative,
        w.integrated.cumulative,
        w.groups.with_team,
    ];
    sheet.write_string(row, 0, w.ward.to_string())?;
    sheet.write_string(row, 1, w.name.as_deref().unwrap_or(""))?;
    for (col, v) in COUNT_COLUMNS.iter().zip(counts) {
        sheet.write_number_with_format(row, *col, v as f64, &f.number)?;
    }
    rates_cells(sheet, row, &w.rates, f)?;
    Ok(counts)
}

/// The four rates of a row, left empty where a rate has no population.
fn rates_cells(
    sheet: &mut Worksheet,
    row: u32,
    rates: &Rates,
    f: &Formats,
) -> Result<(), XlsxError> {
    for (col, rate) in [
        (6, rates.per_residents),
        (7, rates.per_insured),
        (10, rates.per_level2),
        (11, rates.per_eligible),
    ] {
        if let Some(rate) = rate {
            sheet.write_number_with_format(row, col, rate.value(), &f.percent)?;
        }
    }
    Ok(())
}
