//! Report tables as the files officials forward: CSV (UTF-8 with a byte-order mark, so that
//! spreadsheet programs show Vietnamese correctly) and XLSX, laid out alike: the title and its
//! lines, an empty line, the headers, one row per ward, the totals.

use ehb_projection::query::table::{Cell, ReportTable};
use rust_xlsxwriter::{Format, Workbook};
use thiserror::Error;

/// Why a file could not be written.
#[derive(Debug, Error)]
pub enum FormError {
    /// The CSV writer failed.
    #[error("the CSV file could not be written: {0}")]
    Csv(#[from] csv::Error),
    /// The XLSX writer failed.
    #[error("the XLSX file could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// A file format of the report tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Comma-separated values.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl FileFormat {
    /// The file's bytes for `table`.
    pub fn write(self, table: &ReportTable) -> Result<Vec<u8>, FormError> {
        match self {
            FileFormat::Csv => csv(table),
            FileFormat::Xlsx => xlsx(table),
        }
    }

    /// The media type of the files.
    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }

    /// The `Content-Disposition` of the file `name` (without extension) as an attachment.
    pub fn disposition(self, name: &str) -> String {
        format!("attachment; filename=\"{name}.{}\"", self.extension())
    }
}

/// The table as CSV: the title and its lines, an empty line, the headers, the rows, the totals.
pub fn csv(table: &ReportTable) -> Result<Vec<u8>, FormError> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    let mut lines: Vec<Vec<String>> = vec![vec![table.title.clone()]];
    lines.extend(table.lines.iter().map(|l| vec![l.clone()]));
    write_records(&mut out, &lines)?;
    out.push(b'\n');
    let mut records = vec![table.headers.iter().map(|h| (*h).to_owned()).collect()];
    records.extend(
        table
            .rows
            .iter()
            .chain(std::iter::once(&table.totals))
            .map(|row| row.iter().map(csv_cell).collect()),
    );
    write_records(&mut out, &records)?;
    Ok(out)
}

fn write_records(out: &mut Vec<u8>, records: &[Vec<String>]) -> Result<(), FormError> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(out);
    for record in records {
        w.write_record(record)?;
    }
    w.flush().map_err(csv::Error::from)?;
    Ok(())
}

fn csv_cell(cell: &Cell) -> String {
    match cell {
        // Text from events (ward names) must not become a formula in a spreadsheet.
        Cell::Text(text) if text.starts_with(['=', '+', '-', '@']) => format!("'{text}"),
        Cell::Text(text) => text.clone(),
        Cell::Count(n) => n.to_string(),
        Cell::Percent(Some(p)) => format!("{p:.2}"),
        Cell::Percent(None) => String::new(),
    }
}

/// The table as a one-sheet workbook laid out like the CSV, with bold title and headers.
pub fn xlsx(table: &ReportTable) -> Result<Vec<u8>, FormError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let count = Format::new().set_num_format("#,##0");
    let percent = Format::new().set_num_format("0.00");
    let sheet = book.add_worksheet().set_name("Bao_cao")?;
    sheet.write_string_with_format(0, 0, &table.title, &bold)?;
    for (i, line) in table.lines.iter().enumerate() {
        sheet.write_string(1 + i as u32, 0, line)?;
    }
    let header_row = table.lines.len() as u32 + 2;
    for (c, title) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(header_row, c as u16, *title, &bold)?;
    }
    let rows = table.rows.iter().chain(std::iter::once(&table.totals));
    for (r, row) in rows.enumerate() {
        let r = header_row + 1 + r as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(text) if text.is_empty() => continue,
                Cell::Percent(None) => continue,
                Cell::Text(text) => sheet.write_string(r, c, text),
                Cell::Count(n) => sheet.write_number_with_format(r, c, *n as f64, &count),
                Cell::Percent(Some(p)) => sheet.write_number_with_format(r, c, *p, &percent),
            }?;
        }
    }
    sheet.set_column_width(3, 22)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> ReportTable {
        ReportTable {
            title: "KẾT QUẢ".to_owned(),
            lines: vec!["Đơn vị: toàn quốc".to_owned()],
            headers: vec!["Mã xã", "Tên", "Tỷ lệ (%)"],
            rows: vec![vec![
                Cell::Text("31001".to_owned()),
                Cell::Text("=HYPERLINK()".to_owned()),
                Cell::Percent(Some(25.48)),
            ]],
            totals: vec![
                Cell::Text("Tổng cộng".to_owned()),
                Cell::Count(1_857_877),
                Cell::Percent(None),
            ],
        }
    }

    #[test]
    fn the_csv_starts_with_a_byte_order_mark_and_defuses_formulas() {
        let bytes = FileFormat::Csv.write(&table()).expect("written");
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert_eq!(
            text,
            "\u{feff}KẾT QUẢ\nĐơn vị: toàn quốc\n\nMã xã,Tên,Tỷ lệ (%)\n31001,'=HYPERLINK(),25.48\nTổng cộng,1857877,\n"
        );
    }

    #[test]
    fn the_workbook_is_a_zip_file() {
        let bytes = FileFormat::Xlsx.write(&table()).expect("written");
        assert_eq!(&bytes[..2], b"PK");
    }
}
