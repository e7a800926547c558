//! Report tables as the files officials forward: CSV (UTF-8 with a byte-order mark, so that
//! spreadsheet programs show Vietnamese correctly) for programs or for a Vietnamese-locale
//! spreadsheet, and XLSX laid out to print on A4 under an administrative heading.
//!
//! - [`csv`]: the table as text, in the machine's or the Vietnamese spreadsheet's convention.
//! - [`xlsx`]: the table as a one-sheet workbook set up for printing.
//! - [`heading`]: the workbook's administrative heading above the table and the signatures below.

pub mod csv;
pub mod heading;
pub mod xlsx;

use std::str::FromStr;

use ehb_projection::query::table::ReportTable;
use thiserror::Error;

/// Why a file could not be written.
#[derive(Debug, Error)]
pub enum FormError {
    /// The CSV writer failed.
    #[error("the CSV file could not be written: {0}")]
    Csv(#[from] ::csv::Error),
    /// The XLSX writer failed.
    #[error("the XLSX file could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// A locale name other than those of [`Locale`].
#[derive(Debug, Error, PartialEq, Eq)]
#[error("must be \"machine\" or \"vi\"")]
pub struct UnknownLocale;

/// Whose conventions a CSV file follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Locale {
    /// Programs': comma-separated, decimal point.
    #[default]
    Machine,
    /// A Vietnamese-locale spreadsheet's: semicolon-separated, decimal comma.
    Vi,
}

impl Locale {
    /// The names a locale is asked by, [`Locale::Machine`]'s first.
    pub const NAMES: [&'static str; 2] = ["machine", "vi"];
}

impl FromStr for Locale {
    type Err = UnknownLocale;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            _ if s == Locale::NAMES[0] => Ok(Locale::Machine),
            _ if s == Locale::NAMES[1] => Ok(Locale::Vi),
            _ => Err(UnknownLocale),
        }
    }
}

/// A file format of the report tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Comma-separated values with a decimal point, for programs.
    Csv,
    /// Semicolon-separated values with a decimal comma, for a Vietnamese-locale spreadsheet.
    CsvVi,
    /// An Excel workbook set up to print on A4.
    Xlsx,
}

impl FileFormat {
    /// The format in `locale`: the CSV's for that locale; a workbook is the same in every locale.
    pub fn localized(self, locale: Locale) -> FileFormat {
        match (self, locale) {
            (FileFormat::Csv | FileFormat::CsvVi, Locale::Machine) => FileFormat::Csv,
            (FileFormat::Csv | FileFormat::CsvVi, Locale::Vi) => FileFormat::CsvVi,
            (FileFormat::Xlsx, _) => FileFormat::Xlsx,
        }
    }

    /// The file's bytes for `table`.
    pub fn write(self, table: &ReportTable) -> Result<Vec<u8>, FormError> {
        match self {
            FileFormat::Csv => csv::csv(table, Locale::Machine),
            FileFormat::CsvVi => csv::csv(table, Locale::Vi),
            FileFormat::Xlsx => xlsx::xlsx(table),
        }
    }

    /// The media type of the files.
    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Csv | FileFormat::CsvVi => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file name's ending: `.csv`, `-vi.csv`, `.xlsx`.
    pub fn ending(self) -> &'static str {
        match self {
            FileFormat::Csv => ".csv",
            FileFormat::CsvVi => "-vi.csv",
            FileFormat::Xlsx => ".xlsx",
        }
    }

    /// The `Content-Disposition` of the file `name` (without its ending) as an attachment.
    pub fn disposition(self, name: &str) -> String {
        format!("attachment; filename=\"{name}{}\"", self.ending())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locale_picks_the_csv_and_names_the_file() {
        assert_eq!("vi".parse(), Ok(Locale::Vi));
        assert_eq!("machine".parse(), Ok(Locale::Machine));
        assert_eq!("en".parse::<Locale>(), Err(UnknownLocale));
        let vi = FileFormat::Csv.localized(Locale::Vi);
        assert_eq!(vi.disposition("a"), "attachment; filename=\"a-vi.csv\"");
        assert_eq!(
            FileFormat::Xlsx.localized(Locale::Vi).disposition("a"),
            "attachment; filename=\"a.xlsx\""
        );
        assert_eq!(vi.localized(Locale::Machine), FileFormat::Csv);
    }
}
