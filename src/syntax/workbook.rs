//! Spreadsheets (XLSX, XLS, ODS) as tables: each sheet's cells as the text a person sees, so the
//! readers of CSV tables read them too.
//!
//! Cell values keep their meaning: a cell formatted as a percentage that shows 96.2% is `96.2%`,
//! not 0.962; a float becomes text through its shortest round-trip form, so 0.1 stays `0.1`;
//! a date is `2024-11-30`. Where an error lies is said as the sheet and cell (`实际完成值!C5`).

use std::io::Cursor;
use std::str::FromStr;

use calamine::{Data, Reader, Sheets, StyleRange, open_workbook_auto_from_rs};
use rust_decimal::Decimal;

use crate::Error;

/// Whether `bytes` are a spreadsheet rather than text: an XLSX/ODS zip or an XLS compound file.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// A line break inside a cell, while the sheet is CSV text (one line per row).
pub(crate) const CELL_BREAK: char = '\u{2028}';

/// One sheet, its cells as text: `rows[r][c]` is the cell at 0-based row r, column c.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<String>>,
}

/// Reads every sheet of a workbook.
pub(crate) fn read(file: &str, bytes: &[u8]) -> Result<Vec<Sheet>, Error> {
    let fail = |message: String| Error::Input {
        file: file.to_owned(),
        message,
        help: Some("save the workbook again as .xlsx, or export the sheet as CSV".to_owned()),
    };
    let mut workbook: Sheets<_> =
        open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|e| {
            fail(format!(
                "expected a spreadsheet (xlsx, xls, ods), found one that cannot be read: {e}"
            ))
        })?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| fail(format!("cannot read sheet `{name}`: {e}")))?;
        let styles = workbook
            .worksheet_style(&name)
            .unwrap_or_else(|_| StyleRange::empty());
        let mut rows: Vec<Vec<String>> = Vec::new();
        if let (Some((top, left)), Some((bottom, right))) = (range.start(), range.end()) {
            for r in 0..=bottom {
                let mut row = Vec::new();
                if r >= top {
                    for c in 0..=right {
                        let cell = if c >= left {
                            range.get_value((r, c)).unwrap_or(&Data::Empty)
                        } else {
                            &Data::Empty
                        };
                        let format = styles
                            .get((r, c))
                            .and_then(|s| s.number_format.as_ref())
                            .map(|f| f.format_code.as_str());
                        row.push(cell_text(cell, format));
                    }
                }
                while row.last().is_some_and(String::is_empty) {
                    row.pop();
                }
                rows.push(row);
            }
        }
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
}

/// `C5` for the 0-based (4, 2).
pub(crate) fn address(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}

/// Where `%` stands in a number format: scaling the value (`0.0%`), or as a literal (`0.0"%"`).
fn percent_format(format: &str) -> Option<bool> {
    let mut quoted = false;
    let mut literal = false;
    let mut escaped = false;
    for c in format.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if quoted => literal = true,
            '%' => return Some(true),
            _ => {}
        }
    }
    literal.then_some(false)
}

/// The exact value of a float through Rust's shortest round-trip text: 0.1 stays 0.1. `None`
/// for what no exact decimal holds (NaN, infinities, 1e40).
fn shortest(value: f64) -> Option<Decimal> {
    Decimal::from_str(&format!("{value}")).ok()
}

/// A cell as text. What no reader could use (an error value, a float beyond any decimal) is kept
/// as written, for the reader to refuse where it matters, with the cell's address.
fn cell_text(cell: &Data, format: Option<&str>) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => match format.and_then(percent_format) {
            Some(true) => format!("{}%", Decimal::from(*i) * Decimal::ONE_HUNDRED),
            Some(false) => format!("{i}%"),
            None => i.to_string(),
        },
        Data::Float(f) => {
            let Some(value) = shortest(*f) else {
                return format!("{f:e}");
            };
            match format.and_then(percent_format) {
                Some(true) => match value.checked_mul(Decimal::ONE_HUNDRED) {
                    Some(percent) => format!("{}%", percent.normalize()),
                    None => format!("{f:e}%"),
                },
                Some(false) => format!("{}%", value.normalize()),
                None => value.normalize().to_string(),
            }
        }
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            if (hh, mm, ss) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_letters_and_row_numbers() {
        assert_eq!(address(0, 0), "A1");
        assert_eq!(address(4, 2), "C5");
        assert_eq!(address(9, 25), "Z10");
        assert_eq!(address(0, 26), "AA1");
        assert_eq!(address(0, 701), "ZZ1");
        assert_eq!(address(0, 702), "AAA1");
    }

    #[test]
    fn percent_formats_scale_or_not() {
        assert_eq!(percent_format("0.0%"), Some(true));
        assert_eq!(percent_format("0.00\"%\""), Some(false));
        assert_eq!(percent_format("0\\%"), None);
        assert_eq!(percent_format("General"), None);
    }

    #[test]
    fn cells_keep_their_meaning() {
        assert_eq!(cell_text(&Data::Float(0.962), Some("0.0%")), "96.2%");
        assert_eq!(cell_text(&Data::Float(96.2), Some("0.0\"%\"")), "96.2%");
        assert_eq!(cell_text(&Data::Float(0.1), None), "0.1");
        assert_eq!(cell_text(&Data::Float(1180.0), None), "1180");
        assert_eq!(cell_text(&Data::Int(1), Some("0%")), "100%");
        assert_eq!(cell_text(&Data::Float(f64::NAN), None), "NaN");
        assert_eq!(cell_text(&Data::Float(1e40), None), "1e40");
    }
}

impl Sheet {
    /// The sheet (the `index`-th of its workbook) as CSV text with one line per row, and where
    /// each line's fields stand.
    pub(crate) fn flat(&self, index: usize) -> (String, Vec<LineOrigin>) {
        let mut text = String::new();
        let mut origin = Vec::with_capacity(self.rows.len());
        for (r, row) in self.rows.iter().enumerate() {
            text.push_str(&csv_line(row));
            text.push('\n');
            origin.push(LineOrigin {
                sheet: index,
                row: u32::try_from(r).unwrap_or(u32::MAX),
                columns: (0..u32::try_from(row.len()).unwrap_or(0)).collect(),
            });
        }
        (text, origin)
    }
}

/// One CSV line of `cells` (quoted where needed), line breaks inside cells kept as
/// [`CELL_BREAK`] so that a row stays on one line.
pub(crate) fn csv_line(cells: &[String]) -> String {
    if cells.iter().all(String::is_empty) {
        return ",".repeat(cells.len().saturating_sub(1));
    }
    let cells: Vec<String> = cells
        .iter()
        .map(|c| c.replace(['\r', '\n'], &CELL_BREAK.to_string()))
        .collect();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = writer.write_record(&cells);
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes)
        .unwrap_or_default()
        .trim_end_matches('\n')
        .to_owned()
}

/// Where a line of a sheet's text comes from: its sheet (an index), its 0-based row, and the
/// column of each field (`u32::MAX` for a field no cell gave).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineOrigin {
    pub sheet: usize,
    pub row: u32,
    pub columns: Vec<u32>,
}
