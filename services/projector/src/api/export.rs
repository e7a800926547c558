//! The two-day review and the province summary as files an official can forward: CSV (UTF-8
//! with a byte-order mark, so that spreadsheet programs show Vietnamese correctly) and XLSX.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ehb_projection::query::table::{Cell, ReportTable};
use rust_xlsxwriter::{Format, Workbook};

use super::error::ApiError;
use super::official::Official;
use super::params::{self, Params, QueryMap};
use crate::shared::Shared;

/// A file format of the exports.
#[derive(Debug, Clone, Copy)]
pub enum FileFormat {
    /// Comma-separated values.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// `GET /v1/review.csv` and `/v1/review.xlsx`: the two-day review form (same parameters as
/// `/v1/review`).
pub async fn review(
    format: FileFormat,
    State(shared): State<Arc<Shared>>,
    official: Official,
    query: QueryMap,
) -> Result<Response, ApiError> {
    let params = Params::from(query)?;
    let province = official.review_scope(params.province("province")?)?;
    let (day, average, basis) = (params.day("date")?, params.average()?, params.basis()?);
    let review = shared
        .projection_read()
        .two_day_review(province, day, average, basis)?;
    let scope = province.map_or("toan-quoc".to_owned(), |p| p.to_string());
    let name = format!("ra-soat-2-ngay-{scope}-{}", review.date);
    file(format, &review.table(), &name)
}

/// `GET /v1/provinces/{province}/summary.csv` and `.xlsx`: the province summary form.
pub async fn summary(
    format: FileFormat,
    State(shared): State<Arc<Shared>>,
    official: Official,
    Path(province): Path<String>,
    query: QueryMap,
) -> Result<Response, ApiError> {
    let params = Params::from(query)?;
    let province = params::province(&province)?;
    official.province(province)?;
    let (day, average, basis) = (params.day("date")?, params.average()?, params.basis()?);
    let review = shared
        .projection_read()
        .two_day_review(Some(province), day, average, basis)?;
    let Some(one) = review.provinces.first() else {
        return Err(ApiError::not_found(
            "province",
            format!("province {province} has no ward"),
        ));
    };
    let name = format!("tong-hop-{province}-{}", review.date);
    file(format, &review.summary_table(one), &name)
}

fn file(format: FileFormat, table: &ReportTable, name: &str) -> Result<Response, ApiError> {
    let (bytes, content_type, extension) = match format {
        FileFormat::Csv => (csv(table)?, "text/csv; charset=utf-8", "csv"),
        FileFormat::Xlsx => (
            xlsx(table)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{extension}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn failed(what: &str, err: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %err, "ExportFailed");
    ApiError::internal(format!("the {what} file could not be written"))
}

/// The table as CSV: the title and its lines, an empty line, the headers, the rows, the totals.
pub fn csv(table: &ReportTable) -> Result<Vec<u8>, ApiError> {
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

fn write_records(out: &mut Vec<u8>, records: &[Vec<String>]) -> Result<(), ApiError> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(out);
    for record in records {
        w.write_record(record).map_err(|e| failed("CSV", e))?;
    }
    w.flush().map_err(|e| failed("CSV", e))
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
pub fn xlsx(table: &ReportTable) -> Result<Vec<u8>, ApiError> {
    let err = |e: rust_xlsxwriter::XlsxError| failed("XLSX", e);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let count = Format::new().set_num_format("#,##0");
    let percent = Format::new().set_num_format("0.00");
    let sheet = book.add_worksheet().set_name("Bao_cao").map_err(err)?;
    sheet
        .write_string_with_format(0, 0, &table.title, &bold)
        .map_err(err)?;
    for (i, line) in table.lines.iter().enumerate() {
        sheet.write_string(1 + i as u32, 0, line).map_err(err)?;
    }
    let header_row = table.lines.len() as u32 + 2;
    for (c, title) in table.headers.iter().enumerate() {
        sheet
            .write_string_with_format(header_row, c as u16, *title, &bold)
            .map_err(err)?;
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
            }
            .map_err(err)?;
        }
    }
    sheet.set_column_width(3, 22).map_err(err)?;
    book.save_to_buffer().map_err(err)
}
