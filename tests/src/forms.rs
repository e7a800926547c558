//! The report workbooks read back: a sheet's cells as text, or split at the table's header row
//! into the heading above it, the table and the signatures below it.

/// A worksheet of an XLSX file as text cells, row by row (empty cells as empty strings).
pub fn xlsx_cells(bytes: Vec<u8>, sheet: &str) -> Vec<Vec<String>> {
    use calamine::Reader as _;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("an XLSX workbook");
    let range = book.worksheet_range(sheet).expect("the worksheet");
    let (rows, cols) = range.end().map_or((0, 0), |(r, c)| (r + 1, c + 1));
    (0..rows)
        .map(|r| {
            (0..cols)
                .map(|c| {
                    range
                        .get_value((r, c))
                        .map(ToString::to_string)
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

/// A report workbook's sheet split at its header row, the first row with every cell filled:
/// the texts of the heading above it, the table (headers, rows, totals) down to the first empty
/// row, and the texts below it (the signatures).
#[derive(Debug, PartialEq)]
pub struct XlsxForm {
    /// The heading's texts, row by row, left to right.
    pub heading: Vec<String>,
    /// The header row, the rows and the totals, cell by cell (empty cells as empty strings).
    pub table: Vec<Vec<String>>,
    /// The texts below the table, row by row, left to right.
    pub below: Vec<String>,
}

/// A report workbook's sheet as its heading, its table and what is below it.
pub fn xlsx_form(bytes: Vec<u8>, sheet: &str) -> XlsxForm {
    let cells = xlsx_cells(bytes, sheet);
    let header = cells
        .iter()
        .position(|row| !row.is_empty() && row.iter().all(|c| !c.is_empty()))
        .expect("a header row with every cell filled");
    let end = cells[header..]
        .iter()
        .position(|row| row.iter().all(String::is_empty))
        .map_or(cells.len(), |n| header + n);
    let texts = |rows: &[Vec<String>]| -> Vec<String> {
        rows.iter()
            .flatten()
            .filter(|c| !c.is_empty())
            .cloned()
            .collect()
    };
    XlsxForm {
        heading: texts(&cells[..header]),
        table: cells[header..end].to_vec(),
        below: texts(&cells[end..]),
    }
}
