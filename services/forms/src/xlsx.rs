//! The table as a one-sheet workbook ready to print: A4 landscape, one page wide, the header row
//! on every page and the page number in the footer; the administrative heading above the table
//! and the signatures below it ([`crate::heading`]); columns as wide as their content, counts as
//! `#,##0` and percentages as `0.00`; panes frozen below the headers and right of the columns
//! that name a row, and a filter on the headers.

use ehb_projection::query::table::{Cell, ReportTable};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::FormError;
use crate::heading;

/// The worksheet's name.
pub const SHEET: &str = "Bao_cao";

/// The font of administrative documents.
const FONT: &str = "Times New Roman";

/// The height of one line of text, points.
pub(crate) const LINE_HEIGHT: f64 = 15.0;

/// The narrowest and widest columns, in characters.
const WIDTHS: (usize, usize) = (4, 30);

/// A4 in Excel's paper sizes.
const A4: u8 = 9;

/// The cell formats of a report.
pub(crate) struct Styles {
    /// Heading text: bold, centred.
    pub bold: Format,
    /// The place-and-date line and the signatures' note: italic, centred.
    pub italic: Format,
    /// The title: bold, larger, centred.
    pub title: Format,
    /// The title's lines: centred.
    pub line: Format,
    header: Format,
    /// Body cells: text, count, percent; then the same in bold for the totals.
    body: [Format; 6],
}

impl Styles {
    fn new() -> Self {
        let base = Format::new()
            .set_font_name(FONT)
            .set_font_size(11)
            .set_align(FormatAlign::VerticalCenter);
        let centred = base.clone().set_align(FormatAlign::Center).set_text_wrap();
        let boxed = base.clone().set_border(FormatBorder::Thin);
        let text = boxed.clone().set_text_wrap();
        let count = boxed.clone().set_num_format("#,##0");
        let percent = boxed.set_num_format("0.00");
        Styles {
            bold: centred.clone().set_bold(),
            italic: centred.clone().set_italic(),
            title: centred.clone().set_bold().set_font_size(13),
            line: centred.clone(),
            header: centred
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_background_color(0xE7E6E6),
            body: [
                text.clone(),
                count.clone(),
                percent.clone(),
                text.set_bold(),
                count.set_bold(),
                percent.set_bold(),
            ],
        }
    }
}

/// The table as a workbook: the heading, the table, the signatures, set up to print.
pub fn xlsx(table: &ReportTable) -> Result<Vec<u8>, FormError> {
    let mut book = Workbook::new();
    let styles = Styles::new();
    let sheet = book.add_worksheet().set_name(SHEET)?;
    let widths = column_widths(table);
    for (c, width) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *width as f64)?;
    }
    let header_row = heading::write_heading(sheet, table, &widths, &styles)?;
    let totals_row = write_table(sheet, table, header_row, &widths, &styles)?;
    heading::write_signatures(sheet, table.headers.len(), totals_row + 2, &styles)?;
    set_up_printing(sheet, table, header_row)?;
    Ok(book.save_to_buffer()?)
}

/// The headers, the rows and the totals from `header_row` on; answers the totals' row.
fn write_table(
    sheet: &mut Worksheet,
    table: &ReportTable,
    header_row: u32,
    widths: &[usize],
    styles: &Styles,
) -> Result<u32, FormError> {
    for (c, title) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(header_row, c as u16, *title, &styles.header)?;
    }
    let header_lines = (table.headers.iter().zip(widths))
        .map(|(h, w)| wrapped_lines(h, *w))
        .max()
        .unwrap_or(1);
    sheet.set_row_height(header_row, LINE_HEIGHT * header_lines as f64)?;
    let rows = table.rows.iter().chain(std::iter::once(&table.totals));
    let mut r = header_row;
    for (i, row) in rows.enumerate() {
        r = header_row + 1 + i as u32;
        let totals = i == table.rows.len();
        let mut lines = 1;
        let span = if totals { label_span(row) } else { 1 };
        for (c, cell) in row.iter().enumerate() {
            if span > 1 && c < span {
                if let (0, Cell::Text(label)) = (c, cell) {
                    let last = (span - 1) as u16;
                    sheet.merge_range(r, 0, r, last, label, &styles.body[3])?;
                }
                continue;
            }
            let format = &styles.body[usize::from(totals) * 3 + kind(cell)];
            let c16 = c as u16;
            match cell {
                Cell::Text(text) if !text.is_empty() => {
                    lines = lines.max(wrapped_lines(text, widths.get(c).copied().unwrap_or(1)));
                    sheet.write_string_with_format(r, c16, text, format)
                }
                Cell::Count(n) => sheet.write_number_with_format(r, c16, *n as f64, format),
                Cell::Percent(Some(p)) => sheet.write_number_with_format(r, c16, *p, format),
                Cell::Text(_) | Cell::Percent(None) => sheet.write_blank(r, c16, format),
            }?;
        }
        sheet.set_row_height(r, LINE_HEIGHT * lines as f64)?;
    }
    Ok(r)
}

/// The index of a cell's format among a row's three: text, count, percent.
fn kind(cell: &Cell) -> usize {
    match cell {
        Cell::Text(_) => 0,
        Cell::Count(_) => 1,
        Cell::Percent(_) => 2,
    }
}

/// A4 landscape, one page wide and as many tall as it takes, the header row on every page,
/// the page number in the footer; the panes frozen and the filter on the headers.
fn set_up_printing(
    sheet: &mut Worksheet,
    table: &ReportTable,
    header_row: u32,
) -> Result<(), FormError> {
    let last_col = table.headers.len().saturating_sub(1) as u16;
    sheet
        .set_paper_size(A4)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_margins(0.5, 0.5, 0.6, 0.7, 0.3, 0.3)
        .set_footer("&C&\"Times New Roman,Regular\"Trang &P/&N");
    sheet.set_repeat_rows(header_row, header_row)?;
    sheet.set_freeze_panes(header_row + 1, table.key_columns as u16)?;
    // The filter covers the wards' rows, not the totals.
    sheet.autofilter(
        header_row,
        0,
        header_row + table.rows.len() as u32,
        last_col,
    )?;
    Ok(())
}

/// Each column's width in characters: its widest cell, and its header's longest word (headers
/// wrap, over at most three lines), within [`WIDTHS`].
pub(crate) fn column_widths(table: &ReportTable) -> Vec<usize> {
    table
        .headers
        .iter()
        .enumerate()
        .map(|(c, header)| {
            let longest_word = header.split(' ').map(|w| w.chars().count()).max();
            let header = longest_word
                .unwrap_or(0)
                .max(header.chars().count().div_ceil(3));
            let label = (c == 0 && label_span(&table.totals) > 1).then_some(0);
            let totals = label.or_else(|| table.totals.get(c).map(shown_width));
            let cells = (table.rows.iter())
                .filter_map(|row| row.get(c))
                .map(shown_width)
                .chain(totals)
                .max()
                .unwrap_or(0);
            (header.max(cells) + 1).clamp(WIDTHS.0, WIDTHS.1)
        })
        .collect()
}

/// How many columns the totals' label spans: its own and the empty text cells after it.
pub(crate) fn label_span(totals: &[Cell]) -> usize {
    1 + totals
        .iter()
        .skip(1)
        .take_while(|c| matches!(c, Cell::Text(t) if t.is_empty()))
        .count()
}

/// How many characters a cell shows: counts with their thousands separators, percentages with
/// two decimals.
fn shown_width(cell: &Cell) -> usize {
    match cell {
        Cell::Text(text) => text.chars().count(),
        Cell::Count(n) => {
            let digits = n.to_string().len();
            digits + (digits - 1) / 3
        }
        Cell::Percent(Some(p)) => format!("{p:.2}").len(),
        Cell::Percent(None) => 0,
    }
}

/// How many lines `text` takes in a column `width` characters wide, wrapped at spaces (a word
/// longer than the width takes lines of its own).
pub(crate) fn wrapped_lines(text: &str, width: usize) -> usize {
    let width = width.saturating_sub(1).max(1);
    let (mut lines, mut used) = (0, 0);
    for word in text.split(' ') {
        let len = word.chars().count();
        if lines > 0 && used + 1 + len <= width {
            used += 1 + len;
        } else {
            let more = len.saturating_sub(1) / width;
            lines += 1 + more;
            used = len - more * width;
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_at_spaces_within_the_width() {
        assert_eq!(wrapped_lines("Mã xã", 8), 1);
        assert_eq!(wrapped_lines("Tỷ lệ/có BHYT và tài khoản mức 2 (%)", 14), 3);
        assert_eq!(wrapped_lines("abcdefghij", 6), 2);
        assert_eq!(wrapped_lines("", 6), 1);
    }

    #[test]
    fn columns_fit_their_content_codes_narrow_names_wide() {
        let table = ReportTable {
            unit: String::new(),
            dated: String::new(),
            title: String::new(),
            lines: Vec::new(),
            headers: vec![
                "Hạng",
                "Mã xã",
                "Tên xã/phường",
                "Dân số",
                "Tỷ lệ/dân số (%)",
            ],
            key_columns: 3,
            rows: vec![vec![
                Cell::Count(12),
                Cell::Text("31001".to_owned()),
                Cell::Text("Phường thứ mười hai của tỉnh".to_owned()),
                Cell::Count(1_857_877),
                Cell::Percent(Some(25.48)),
            ]],
            totals: vec![
                Cell::Text("Tổng cộng".to_owned()),
                Cell::Text(String::new()),
                Cell::Text("1 xã/phường".to_owned()),
                Cell::Count(1_857_877),
                Cell::Percent(Some(25.48)),
            ],
        };
        // The totals' label spans the empty cells after it, and does not widen the rank.
        assert_eq!(label_span(&table.totals), 2);
        assert_eq!(column_widths(&table), vec![5, 6, 29, 10, 7]);
    }
}
