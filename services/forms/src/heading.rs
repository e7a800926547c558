//! The workbook's administrative heading, as Vietnamese report forms have it: the issuing unit
//! on the left; the national motto (Quốc hiệu and tiêu ngữ) and the place-and-date line on the
//! right; the title and its lines across the page. Below the table, the signatures of the one
//! who drew up the form and of the unit's head.

use ehb_projection::query::table::ReportTable;
use rust_xlsxwriter::{Format, Worksheet};

use crate::FormError;
use crate::xlsx::{LINE_HEIGHT, Styles, wrapped_lines};

/// The Quốc hiệu.
pub const NATIONAL_NAME: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";

/// The tiêu ngữ.
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// Who drew up the form, and the unit's head.
pub const SIGNERS: [&str; 2] = ["NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ"];

/// Under each signer.
pub const SIGN_HERE: &str = "(Ký, ghi rõ họ tên)";

/// The columns of the page's left and right halves, first and last of each.
fn halves(columns: usize) -> [(u16, u16); 2] {
    let last = columns.saturating_sub(1) as u16;
    let split = (columns / 2).max(1) as u16;
    [(0, split - 1), (split.min(last), last)]
}

/// Writes `text` over the columns `first..=last` of `row`, merged when they are several.
fn span(
    sheet: &mut Worksheet,
    row: u32,
    (first, last): (u16, u16),
    text: &str,
    format: &Format,
) -> Result<(), FormError> {
    if first < last {
        sheet.merge_range(row, first, row, last, text, format)?;
    } else {
        sheet.write_string_with_format(row, first, text, format)?;
    }
    Ok(())
}

/// The characters the columns `first..=last` hold side by side.
fn width_of(widths: &[usize], (first, last): (u16, u16)) -> usize {
    widths
        .get(usize::from(first)..=usize::from(last))
        .map_or(0, |w| w.iter().sum())
}

/// Writes the heading from the first row: the unit and the motto, the place and date, the
/// title and its lines, an empty row; answers the row where the table's headers go.
pub(crate) fn write_heading(
    sheet: &mut Worksheet,
    table: &ReportTable,
    widths: &[usize],
    styles: &Styles,
) -> Result<u32, FormError> {
    let [left, right] = halves(table.headers.len());
    let all = (0, right.1);
    span(sheet, 0, left, &table.unit, &styles.bold)?;
    span(sheet, 0, right, NATIONAL_NAME, &styles.bold)?;
    span(sheet, 1, right, MOTTO, &styles.bold)?;
    span(sheet, 2, right, &table.dated, &styles.italic)?;
    let unit_lines = wrapped_lines(&table.unit, width_of(widths, left));
    sheet.set_row_height(0, LINE_HEIGHT * unit_lines as f64)?;
    // The title is set larger: fewer of its characters fit a line.
    let title_width = width_of(widths, all) * 4 / 5;
    span(sheet, 4, all, &table.title, &styles.title)?;
    let title_lines = wrapped_lines(&table.title, title_width);
    sheet.set_row_height(4, (LINE_HEIGHT + 3.0) * title_lines as f64)?;
    let mut row = 5;
    for line in &table.lines {
        span(sheet, row, all, line, &styles.line)?;
        let lines = wrapped_lines(line, width_of(widths, all));
        sheet.set_row_height(row, LINE_HEIGHT * lines as f64)?;
        row += 1;
    }
    Ok(row + 1)
}

/// Writes the signers' titles at `row` and what they write under them on the row after.
pub(crate) fn write_signatures(
    sheet: &mut Worksheet,
    columns: usize,
    row: u32,
    styles: &Styles,
) -> Result<(), FormError> {
    for (half, signer) in halves(columns).into_iter().zip(SIGNERS) {
        span(sheet, row, half, signer, &styles.bold)?;
        span(sheet, row + 1, half, SIGN_HERE, &styles.italic)?;
    }
    Ok(())
}
