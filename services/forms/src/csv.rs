//! The table as CSV, UTF-8 with a byte-order mark: the title and its lines, an empty line, the
//! headers, the rows, the totals. Programs get commas and a decimal point; a Vietnamese-locale
//! spreadsheet gets semicolons and a decimal comma (its list separator and decimal mark), so
//! that it opens the file into columns and reads the figures as numbers.

use ehb_projection::query::table::{Cell, ReportTable};

use crate::{FormError, Locale};

/// The table as CSV in `locale`'s convention.
pub fn csv(table: &ReportTable, locale: Locale) -> Result<Vec<u8>, FormError> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    let mut lines: Vec<Vec<String>> = vec![vec![table.title.clone()]];
    lines.extend(table.lines.iter().map(|l| vec![l.clone()]));
    write_records(&mut out, &lines, locale)?;
    out.push(b'\n');
    let mut records = vec![table.headers.iter().map(|h| (*h).to_owned()).collect()];
    records.extend(
        table
            .rows
            .iter()
            .chain(std::iter::once(&table.totals))
            .map(|row| row.iter().map(|c| cell(c, locale)).collect()),
    );
    write_records(&mut out, &records, locale)?;
    Ok(out)
}

fn write_records(
    out: &mut Vec<u8>,
    records: &[Vec<String>],
    locale: Locale,
) -> Result<(), FormError> {
    let delimiter = match locale {
        Locale::Machine => b',',
        Locale::Vi => b';',
    };
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_writer(out);
    for record in records {
        w.write_record(record)?;
    }
    w.flush().map_err(::csv::Error::from)?;
    Ok(())
}

/// A cell's text; counts without thousands separators, so that they stay numbers.
fn cell(cell: &Cell, locale: Locale) -> String {
    match cell {
        // Text from events (ward names) must not become a formula in a spreadsheet.
        Cell::Text(text) if text.starts_with(['=', '+', '-', '@']) => format!("'{text}"),
        Cell::Text(text) => text.clone(),
        Cell::Count(n) => n.to_string(),
        Cell::Percent(Some(p)) => match locale {
            Locale::Machine => format!("{p:.2}"),
            Locale::Vi => format!("{p:.2}").replace('.', ","),
        },
        Cell::Percent(None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileFormat;

    /// A small table: a name that looks like a formula, a text with the Vietnamese separator,
    /// a count in the millions and a rate with decimals.
    fn table() -> ReportTable {
        ReportTable {
            unit: "TOÀN QUỐC".to_owned(),
            dated: "Hà Nội, ngày 11 tháng 3 năm 2026".to_owned(),
            title: "KẾT QUẢ".to_owned(),
            lines: vec!["Đơn vị: toàn quốc".to_owned()],
            headers: vec!["Mã xã", "Tên", "Tỷ lệ (%)"],
            key_columns: 2,
            rows: vec![vec![
                Cell::Text("31001".to_owned()),
                Cell::Text("=HYPERLINK()".to_owned()),
                Cell::Percent(Some(25.48)),
            ]],
            totals: vec![
                Cell::Text("Tổng cộng".to_owned()),
                Cell::Count(1_857_877),
                Cell::Text("a; b".to_owned()),
            ],
        }
    }

    fn text(format: FileFormat) -> String {
        String::from_utf8(format.write(&table()).expect("written")).expect("UTF-8")
    }

    #[test]
    fn the_csv_starts_with_a_byte_order_mark_and_defuses_formulas() {
        assert_eq!(
            text(FileFormat::Csv),
            "\u{feff}KẾT QUẢ\nĐơn vị: toàn quốc\n\nMã xã,Tên,Tỷ lệ (%)\n31001,'=HYPERLINK(),25.48\nTổng cộng,1857877,a; b\n"
        );
    }

    #[test]
    fn the_vietnamese_csv_separates_with_semicolons_and_writes_decimal_commas() {
        assert_eq!(
            text(FileFormat::CsvVi),
            "\u{feff}KẾT QUẢ\nĐơn vị: toàn quốc\n\nMã xã;Tên;Tỷ lệ (%)\n31001;'=HYPERLINK();25,48\nTổng cộng;1857877;\"a; b\"\n"
        );
    }
}
