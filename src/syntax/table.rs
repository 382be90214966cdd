//! Tables as text: a CSV or TSV file decoded (UTF-8 or GB18030), read record by record with the
//! line of each record and the byte span of each cell, so every error points at its cell.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::ControlFlow;

use super::workbook::{CELL_BREAK, LineOrigin, address};
use crate::error::LocatedError;
use crate::{Error, Result};

/// A table file as text: decoded, or a spreadsheet's sheet written out as CSV, or the
/// self-evaluation forms of a file flattened into a table.
#[derive(Debug, Clone)]
pub(crate) struct Loaded<'a> {
    /// Borrowed from the file's bytes when they are UTF-8 already.
    pub text: Cow<'a, str>,
    /// `UTF-8`, `gb18030`, or `xlsx` for a spreadsheet.
    pub encoding: &'static str,
    /// For a spreadsheet or forms: the sheets' names (empty for a CSV file) and where each line
    /// of `text` comes from.
    pub origin: Option<(Vec<String>, Vec<LineOrigin>)>,
}

impl Loaded<'_> {
    pub(crate) fn source<'t>(&'t self, file: &'t str) -> TableSource<'t> {
        let mut source = TableSource::new(file, &self.text);
        source.origin = self
            .origin
            .as_ref()
            .map(|(names, lines)| (names.as_slice(), lines.as_slice()));
        source
    }
}

/// A spreadsheet's names for the lines of the table read from it: where each row of a model or
/// of actuals read from a workbook (or a form) stood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    names: Vec<String>,
    lines: Vec<LineOrigin>,
}

impl Places {
    /// `Sheet1!5:5` for the 1-based line `line`; `5:5` for a CSV form; none for a line the
    /// table does not have.
    pub fn row(&self, line: u32) -> Option<String> {
        let origin = self.lines.get((line as usize).checked_sub(1)?)?;
        let row = origin.row + 1;
        Some(match self.names.get(origin.sheet).map(String::as_str) {
            Some("") | None => format!("{row}:{row}"),
            Some(name) => format!("{name}!{row}:{row}"),
        })
    }
}

impl Loaded<'_> {
    /// Where the lines of a spreadsheet or a form stood; none for a plain text table, whose lines
    /// are its own.
    pub(crate) fn places(&self) -> Option<Places> {
        self.origin.as_ref().map(|(names, lines)| Places {
            names: names.clone(),
            lines: lines.clone(),
        })
    }
}

/// Whether the first non-empty row names the columns of a flat table.
fn has_header(rows: &[Vec<String>]) -> bool {
    rows.iter()
        .find(|row| row.iter().any(|c| !c.trim().is_empty()))
        .is_some_and(|row| {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            super::columns::Header::parse(&cells).is_ok()
        })
}

/// Reads a table file: a spreadsheet's first sheet whose first row names columns, or its
/// self-evaluation forms; or text (UTF-8 with or without BOM, or GB18030/GBK; `forced` overrides
/// the detection), a table or forms.
/// A large text is checked as UTF-8 on up to `jobs` threads.
pub(crate) fn load<'a>(
    file: &str,
    bytes: &'a [u8],
    forced: Option<&'static encoding_rs::Encoding>,
    jobs: Option<std::num::NonZeroUsize>,
) -> Result<Loaded<'a>> {
    if !super::workbook::is_workbook(bytes) {
        let (text, encoding) = decode_table(file, bytes, forced, jobs)?;
        // A CSV saved from a 自评表 is a form, not a table.
        let first = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        if !has_header(&[first.split([',', '\t']).map(str::to_owned).collect()]) {
            let sheet = super::workbook::Sheet {
                name: String::new(),
                rows: csv_rows(&text),
            };
            if super::forms::has_forms(std::slice::from_ref(&sheet)) {
                let (flat, lines) = super::forms::flatten(std::slice::from_ref(&sheet));
                return Ok(Loaded {
                    text: flat.into(),
                    encoding,
                    origin: Some((vec![String::new()], lines)),
                });
            }
        }
        return Ok(Loaded {
            text,
            encoding,
            origin: None,
        });
    }
    let sheets = super::workbook::read(file, bytes)?;
    let names: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    let tables: Vec<usize> = (0..sheets.len())
        .filter(|&i| has_header(&sheets[i].rows))
        .collect();
    if let [index] = tables[..] {
        let (text, lines) = sheets[index].flat(index);
        return Ok(Loaded {
            text: text.into(),
            encoding: "xlsx",
            origin: Some((names, lines)),
        });
    }
    if tables.len() > 1 {
        // Every sheet that is a table is read: one table of their columns, rows in sheet order.
        let (text, lines) = merge_sheets(&sheets, &tables);
        return Ok(Loaded {
            text: text.into(),
            encoding: "xlsx",
            origin: Some((names, lines)),
        });
    }
    if super::forms::has_forms(&sheets) {
        let (text, lines) = super::forms::flatten(&sheets);
        return Ok(Loaded {
            text: text.into(),
            encoding: "xlsx",
            origin: Some((names, lines)),
        });
    }
    let Some(sheet) = sheets.first() else {
        return Err(Error::Input {
            file: file.to_owned(),
            message: "expected a sheet, found a workbook without any".to_owned(),
            help: None,
        });
    };
    let (text, lines) = sheet.flat(0);
    Ok(Loaded {
        text: text.into(),
        encoding: "xlsx",
        origin: Some((names, lines)),
    })
}

/// Several sheets that are tables as one table: the columns of all their headers (each named
/// once), then every sheet's rows in order, each cell remembering its sheet and column.
fn merge_sheets(sheets: &[super::workbook::Sheet], tables: &[usize]) -> (String, Vec<LineOrigin>) {
    use super::columns::{Field, Header};
    #[derive(PartialEq)]
    enum Key {
        Field(Field),
        Other(String),
    }
    let mut keys: Vec<Key> = Vec::new();
    let mut layouts: Vec<(usize, usize, Vec<Option<u32>>)> = Vec::new();
    for &index in tables {
        let rows = &sheets[index].rows;
        let Some(at) = rows
            .iter()
            .position(|r| r.iter().any(|c| !c.trim().is_empty()))
        else {
            continue;
        };
        let cells: Vec<&str> = rows[at].iter().map(String::as_str).collect();
        let Ok(header) = Header::parse(&cells) else {
            continue;
        };
        let mut columns: Vec<(Key, u32)> = Vec::new();
        for field in Field::ALL {
            if let Some(column) = header.columns.get(field) {
                columns.push((Key::Field(field), column as u32));
            }
        }
        for (column, name) in &header.unknown {
            columns.push((Key::Other(name.clone()), *column as u32));
        }
        let mut layout = Vec::new();
        for (key, column) in columns {
            let slot = match keys.iter().position(|k| *k == key) {
                Some(slot) => slot,
                None => {
                    keys.push(key);
                    keys.len() - 1
                }
            };
            if layout.len() <= slot {
                layout.resize(slot + 1, None);
            }
            layout[slot] = Some(column);
        }
        layouts.push((index, at, layout));
    }
    let header: Vec<String> = keys
        .iter()
        .map(|k| match k {
            Key::Field(field) => field.name().to_owned(),
            Key::Other(name) => name.clone(),
        })
        .collect();
    let mut text = super::workbook::csv_line(&header);
    text.push('\n');
    let mut origin = vec![LineOrigin {
        sheet: tables.first().copied().unwrap_or(0),
        row: 0,
        columns: Vec::new(),
    }];
    for (index, at, layout) in layouts {
        for (r, row) in sheets[index].rows.iter().enumerate().skip(at + 1) {
            let cells: Vec<String> = (0..keys.len())
                .map(|slot| {
                    layout
                        .get(slot)
                        .copied()
                        .flatten()
                        .and_then(|c| row.get(c as usize))
                        .cloned()
                        .unwrap_or_default()
                })
                .collect();
            text.push_str(&super::workbook::csv_line(&cells));
            text.push('\n');
            origin.push(LineOrigin {
                sheet: index,
                row: u32::try_from(r).unwrap_or(u32::MAX),
                columns: (0..keys.len())
                    .map(|slot| layout.get(slot).copied().flatten().unwrap_or(u32::MAX))
                    .collect(),
            });
        }
    }
    (text, origin)
}

/// The rows of a CSV text as cells, leniently (for recognising forms).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    while let Ok(true) = reader.read_record(&mut record) {
        // Keep rows aligned with lines: a record's line is where the csv crate says it starts.
        let line = record
            .position()
            .map_or(rows.len(), |p| p.line() as usize - 1);
        while rows.len() < line {
            rows.push(Vec::new());
        }
        rows.push(record.iter().map(str::to_owned).collect());
    }
    rows
}

/// Decodes a table file (UTF-8 with or without BOM, or GB18030/GBK; `forced` overrides) and
/// drops a BOM; an undecodable file is an error at its first bad line.
pub(crate) fn decode_table<'a>(
    file: &str,
    bytes: &'a [u8],
    forced: Option<&'static encoding_rs::Encoding>,
    jobs: Option<std::num::NonZeroUsize>,
) -> Result<(Cow<'a, str>, &'static str)> {
    let (text, encoding) = crate::text::decode_with_jobs(bytes, forced, jobs)
        .map_err(|e| decode_error(file, bytes, &e))?;
    let text = match text {
        Cow::Borrowed(text) => Cow::Borrowed(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Cow::Owned(text) => match text.strip_prefix('\u{feff}') {
            Some(rest) => Cow::Owned(rest.to_owned()),
            None => Cow::Owned(text),
        },
    };
    Ok((text, encoding))
}

fn decode_error(file: &str, bytes: &[u8], e: &crate::text::DecodeError) -> Error {
    let start = bytes[..e.offset.min(bytes.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |at| at + 1);
    let end = bytes[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |at| start + at);
    let line = &bytes[start..end];
    let shown = encoding_rs::Encoding::for_label(e.encoding.as_bytes()).map_or_else(
        || String::from_utf8_lossy(line).into_owned(),
        |enc| enc.decode_without_bom_handling(line).0.into_owned(),
    );
    LocatedError::line(
        file,
        e.line,
        shown.trim_end_matches('\r'),
        format!("{e} in {}", e.encoding),
    )
    .with_help("save the file as UTF-8 (or GB18030/GBK, as Excel does), or name its encoding with --encoding")
    .into()
}

/// Tab-separated when the header line has tabs and no commas.
fn delimiter(text: &str) -> u8 {
    let header = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    if header.contains('\t') && !header.contains(',') {
        b'\t'
    } else {
        b','
    }
}

/// The decoded text, for locating errors.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TableSource<'t> {
    pub(crate) file: &'t str,
    pub(crate) text: &'t str,
    delimiter: u8,
    /// For a spreadsheet or forms: the sheets' names and where each line comes from.
    origin: Option<(&'t [String], &'t [LineOrigin])>,
}

impl<'t> TableSource<'t> {
    pub(crate) fn new(file: &'t str, text: &'t str) -> TableSource<'t> {
        TableSource {
            file,
            text,
            delimiter: delimiter(text),
            origin: None,
        }
    }

    /// Calls `each` with every record of the text, the header first, with its line and the
    /// byte span of each cell; a record the csv crate cannot read is an error at its line.
    pub(crate) fn records(&self, mut each: impl FnMut(&Record) -> Result<()>) -> Result<()> {
        self.records_between(0, 1, usize::MAX, |row| {
            each(row).map(|()| ControlFlow::Continue(()))
        })
        .map(|_| ())
    }

    /// Like [`TableSource::records`] for the records that start in `from..until`, reading from
    /// `from` as if a record started there; `each` may stop early. Where parts of one text are
    /// read apart, a part's [`Reach::next`] must be the next part's [`Reach::first`], or `from`
    /// was not where a record starts (a line break inside a quoted cell).
    pub(crate) fn records_between(
        &self,
        from: usize,
        from_line: usize,
        until: usize,
        mut each: impl FnMut(&Record) -> Result<ControlFlow<()>>,
    ) -> Result<Reach> {
        let text = self.text;
        let from = from.min(text.len());
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(&text.as_bytes()[from..]);
        // Byte records, checked as UTF-8 whole (utf8_cells) rather than cell by cell.
        let mut record = csv::ByteRecord::new();
        // The csv crate counts the line breaks it reads, as `line_at` does: the line of `from`
        // (given: the caller knows it) and its count give each record's line without counting
        // each record's bytes again.
        let mut first = None;
        loop {
            let more = csv.read_byte_record(&mut record).map_err(|e| {
                let at = from + e.position().map_or(0, |p| p.byte() as usize);
                self.line(
                    record_start(text, at),
                    format!("expected CSV, found a record that cannot be read: {e}"),
                    None,
                )
            })?;
            if !more {
                return Ok(Reach {
                    first: first.unwrap_or(text.len()),
                    next: text.len(),
                });
            }
            let (position, csv_line) = record
                .position()
                .map_or((from, 1), |p| (from + p.byte() as usize, p.line() as usize));
            let start = record_start(text, position);
            first.get_or_insert(start);
            if start >= until {
                return Ok(Reach {
                    first: first.unwrap_or(start),
                    next: start,
                });
            }
            let skipped = text.as_bytes()[position.min(start)..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            let line = from_line + (csv_line - 1) + skipped;
            // The csv crate reads a quote that is never closed to the end of the file. Only a
            // record with a quote can have one, and only then are its cells' spans needed now.
            let end = from + csv.position().byte() as usize;
            let quoted = memchr::memchr(b'"', &text.as_bytes()[start..end.max(start)]).is_some();
            let unquoted = if quoted {
                None
            } else {
                self.unquoted_cells(start, &record)
            };
            let cells = match unquoted {
                Some(cells) => Some(cells),
                None => utf8_cells(&record).and_then(|cells| {
                    // Sized once: collected through `Option`, the vector grew three times a row.
                    let mut texts = Vec::with_capacity(record.len());
                    for cell in cells {
                        texts.push(self.cell_text(cell?));
                    }
                    Some(texts)
                }),
            }
            .ok_or_else(|| {
                self.line(
                    start,
                    "expected UTF-8 cells, found a cell that is not".to_owned(),
                    None,
                )
            })?;
            let row = Record {
                start,
                line,
                cells,
                text,
                delimiter: self.delimiter,
                spans: OnceCell::new(),
            };
            if quoted
                && let Some(&(open, _)) = row
                    .spans()
                    .iter()
                    .find(|&&(from, to)| unclosed(text, from, to))
            {
                return Err(self.at(
                    open,
                    open + 1,
                    "expected a closing `\"` for the quoted cell that starts here, found the end of the file".to_owned(),
                    Some("close the quote, or write `\"\"` for a quote inside a cell".to_owned()),
                ));
            }
            if each(&row)?.is_break() {
                let after = from + csv.position().byte() as usize;
                return Ok(Reach {
                    first: first.unwrap_or(start),
                    next: record_start(text, after),
                });
            }
        }
    }

    /// U+FEFF in UTF-8.
    const BYTE_ORDER_MARK: &'static [u8] = "\u{feff}".as_bytes();

    /// The cells of a record without quotes that starts at byte `start`: slices of the text
    /// itself, cell `i` after the `i` delimiters before it (the csv crate's copy of the record
    /// leaves them out), rather than the copy checked as UTF-8 again. `None` when a cell does not
    /// start and end on a character's boundary, or the record starts with a byte order mark: the
    /// csv crate drops one that starts what it reads (csv-core's `strip_utf8_bom`), and the
    /// copy's cells then sit three bytes further on in the text.
    fn unquoted_cells(&self, start: usize, record: &csv::ByteRecord) -> Option<Vec<Cow<'t, str>>> {
        // Its first byte first: a call to compare three bytes on every row cost more.
        if self.text.as_bytes().get(start) == Some(&Self::BYTE_ORDER_MARK[0])
            && self.text.as_bytes()[start..].starts_with(Self::BYTE_ORDER_MARK)
        {
            return None;
        }
        let mut cells = Vec::with_capacity(record.len());
        for i in 0..record.len() {
            let range = record.range(i)?;
            let cell = self
                .text
                .get(start + range.start + i..start + range.end + i)?;
            // Nearly every cell: no `'` to take off, and no sheet whose line breaks to restore.
            cells.push(if self.origin.is_none() && !cell.starts_with('\'') {
                Cow::Borrowed(cell)
            } else {
                self.cell_text(cell)
            });
        }
        Some(cells)
    }

    /// A cell as its writer meant it: line breaks of a sheet's cells restored, and the `'` that
    /// keeps `=…`, `+…`, `-…`, `@…` from being a formula taken off (`kpi` writes it so).
    fn cell_text<'c>(&self, cell: &'c str) -> Cow<'c, str> {
        let cell = match cell.strip_prefix('\'') {
            Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
            _ => cell,
        };
        if self.origin.is_some() && cell.contains(CELL_BREAK) {
            Cow::Owned(cell.replace(CELL_BREAK, "\n"))
        } else {
            Cow::Borrowed(cell)
        }
    }

    /// The 1-based line holding byte `at`, its text (without the line break) and its start.
    pub(crate) fn line_of(&self, at: usize) -> (usize, &str, usize) {
        let bytes = self.text.as_bytes();
        let at = at.min(bytes.len());
        let start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| start + i);
        let number = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        // `start` and `end` follow a line break or are the text's ends: char boundaries.
        let text = self.text.get(start..end).unwrap_or_default();
        (number, text.trim_end_matches('\r'), start)
    }

    /// An error at the bytes `start..end` of the text.
    pub(crate) fn at(
        &self,
        start: usize,
        end: usize,
        message: String,
        help: Option<String>,
    ) -> Error {
        let (line, text, line_start) = self.line_of(start);
        let offset = start.saturating_sub(line_start);
        let len = end.saturating_sub(start);
        let mut error = LocatedError::at(self.file, line, text, offset, len, message);
        if let Some(place) = self.place(line, Some(self.field_at(text, offset))) {
            error = error.in_sheet(place);
        }
        match help {
            Some(help) => error.with_help(help),
            None => error,
        }
        .into()
    }

    /// An error about a whole line.
    pub(crate) fn line(&self, start: usize, message: String, help: Option<String>) -> Error {
        let (line, text, _) = self.line_of(start);
        let mut error = LocatedError::line(self.file, line, text, message);
        if let Some(place) = self.place(line, None) {
            error = error.in_sheet(place);
        }
        match help {
            Some(help) => error.with_help(help),
            None => error,
        }
        .into()
    }

    /// A spreadsheet's name for line `line` (1-based) and field `field`: `Sheet1!C5`, or
    /// `Sheet1!5:5` for the whole row; `C5` and `5:5` for a CSV file's form.
    fn place(&self, line: usize, field: Option<usize>) -> Option<String> {
        let (names, lines) = self.origin?;
        let origin = lines.get(line.checked_sub(1)?)?;
        let sheet = match names.get(origin.sheet).map(String::as_str) {
            Some("") | None => String::new(),
            Some(name) => format!("{name}!"),
        };
        Some(
            match field
                .and_then(|f| origin.columns.get(f))
                .filter(|c| **c != u32::MAX)
            {
                Some(&column) => format!("{sheet}{}", address(origin.row, column)),
                None => format!("{sheet}{row}:{row}", row = origin.row + 1),
            },
        )
    }

    /// The index of the field at byte `offset` of a line: delimiters outside quotes before it.
    fn field_at(&self, line: &str, offset: usize) -> usize {
        let mut quoted = false;
        let mut field = 0;
        for &b in &line.as_bytes()[..offset.min(line.len())] {
            match b {
                b'"' => quoted = !quoted,
                b if b == self.delimiter && !quoted => field += 1,
                _ => {}
            }
        }
        field
    }
}

/// One record of the file: its cells, where it starts and where each cell stands.
pub(crate) struct Record<'r> {
    /// Byte offset of its first character.
    pub(crate) start: usize,
    /// 1-based line of its first character.
    pub(crate) line: usize,
    /// Borrowed from the reader's record unless a cell had to change.
    pub(crate) cells: Vec<Cow<'r, str>>,
    text: &'r str,
    delimiter: u8,
    /// Byte span of each cell in the text (quotes included): found when an error needs them.
    spans: OnceCell<Vec<(usize, usize)>>,
}

impl Record<'_> {
    pub(crate) fn cell(&self, column: Option<usize>) -> &str {
        column
            .and_then(|c| self.cells.get(c))
            .map_or("", |c| crate::text::trim(c))
    }

    /// The span of a cell; the end of the record for a cell it does not have.
    pub(crate) fn span(&self, column: usize) -> (usize, usize) {
        let spans = self.spans();
        match spans.get(column) {
            Some(&span) => span,
            None => {
                let end = spans.last().map_or(self.start, |&(_, end)| end);
                (end, end)
            }
        }
    }

    fn spans(&self) -> &[(usize, usize)] {
        self.spans
            .get_or_init(|| field_spans(self.text, self.start, self.delimiter, self.cells.len()))
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// A record's cells as text. The record's bytes are checked as UTF-8 at once, with simdutf8
/// (many times faster than std on Chinese text, which checks a short cell character by
/// character); each cell is then a slice of them, none when it does not start and end on a
/// character's boundary. Cells of a UTF-8 text always do, as the csv crate splits at ASCII bytes.
fn utf8_cells(record: &csv::ByteRecord) -> Option<impl Iterator<Item = Option<&str>>> {
    let text = simdutf8::basic::from_utf8(record.as_slice()).ok()?;
    Some((0..record.len()).map(|i| record.range(i).and_then(|range| text.get(range))))
}

/// Skips the line breaks the csv crate leaves before a record's first character.
fn record_start(text: &str, position: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = position.min(bytes.len());
    while matches!(bytes.get(at), Some(b'\r' | b'\n')) {
        at += 1;
    }
    at
}

/// The byte spans of the first `count` fields of the record starting at `start`, following the
/// csv crate's reading: a field starting with `"` runs to its closing quote (`""` is a quote
/// inside), and then to the next delimiter. Falls back to empty spans at `start` if the scan
/// does not find `count` fields.
fn field_spans(text: &str, start: usize, delimiter: u8, count: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::with_capacity(count);
    let mut at = start;
    loop {
        let field_start = at;
        if bytes.get(at) == Some(&b'"') {
            at += 1;
            while at < bytes.len() {
                if bytes[at] == b'"' {
                    if bytes.get(at + 1) == Some(&b'"') {
                        at += 2;
                        continue;
                    }
                    at += 1;
                    break;
                }
                at += 1;
            }
        }
        while at < bytes.len() && !matches!(bytes[at], b'\r' | b'\n') && bytes[at] != delimiter {
            at += 1;
        }
        spans.push((field_start, at));
        if at < bytes.len() && bytes[at] == delimiter && spans.len() < count {
            at += 1;
            continue;
        }
        break;
    }
    if spans.len() == count {
        spans
    } else {
        vec![(start, start); count]
    }
}

/// Whether the cell at `from..to` opens a quote it never closes.
fn unclosed(text: &str, from: usize, to: usize) -> bool {
    let cell = &text.as_bytes()[from..to.min(text.len())];
    if cell.first() != Some(&b'"') {
        return false;
    }
    // Inside: pairs of quotes are one quote; a lone quote closes the cell.
    let mut i = 1;
    while i < cell.len() {
        if cell[i] == b'"' {
            if cell.get(i + 1) == Some(&b'"') {
                i += 2;
                continue;
            }
            return false;
        }
        i += 1;
    }
    true
}

/// Where a reading of records began and stopped ([`TableSource::records_between`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reach {
    /// The start of the first record seen (given to `each` or not); the text's end for none.
    pub(crate) first: usize,
    /// The start of the first record not given to `each`; the text's end for none.
    pub(crate) next: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells read from byte records are those the csv crate's string records give.
    #[test]
    fn utf8_cells_are_the_string_records_cells() {
        let text = "id,指标,备注\nA1,\"调查\"\"企业\"\"户数\",\"两行\n说明\"\n,,\n𝐍／𝐀,é,\"，\"\n";
        let read = |text: &str| {
            let mut strings = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let mut bytes = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let (mut string, mut byte) = (csv::StringRecord::new(), csv::ByteRecord::new());
            let mut records = 0;
            while strings.read_record(&mut string).unwrap() {
                assert!(bytes.read_byte_record(&mut byte).unwrap());
                let cells: Vec<&str> = utf8_cells(&byte).unwrap().map(Option::unwrap).collect();
                assert_eq!(cells, string.iter().collect::<Vec<_>>());
                records += 1;
            }
            records
        };
        assert_eq!(read(text), 4);
        // Bytes that are not UTF-8 are no cells.
        let mut record = csv::ByteRecord::new();
        record.push_field("调查".as_bytes());
        record.push_field(b"\xe8\xb0");
        assert!(utf8_cells(&record).is_none());
    }

    proptest::proptest! {
        /// The cells of each record, sliced from the text when it has no quote, are the csv
        /// crate's string records' cells, a formula's `'` taken off: with either delimiter,
        /// quotes, blank lines, `\r\n` and a lone `\r`.
        #[test]
        fn cells_are_the_string_records_cells(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "指标", "é", " ", ",", "\t", "\n", "\r\n", "\r", "\"x,\"\"y\"", "'=1", "'",
                    "\"两\n行\"", "\u{feff}", "\u{feff}abc",
                ]),
                0..40,
            ),
        ) {
            let text = pieces.concat();
            let source = TableSource::new("t.csv", &text);
            // From the text's start, and from the line after its first line break when no quote
            // comes before it: the record read first there may start with a byte order mark.
            let second = text
                .find('\n')
                .map(|at| at + 1)
                .filter(|&at| !text[..at].contains('"'));
            for from in std::iter::once(0).chain(second) {
                let mut cells = Vec::new();
                // A quote never closed is an error of its own.
                if source
                    .records_between(from, 1, usize::MAX, |row| {
                        cells.push(row.cells.iter().map(|c| c.to_string()).collect::<Vec<_>>());
                        Ok(ControlFlow::Continue(()))
                    })
                    .is_err()
                {
                    return Ok(());
                }
                let mut strings = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(delimiter(&text))
                    .from_reader(&text.as_bytes()[from..]);
                let expected: Vec<Vec<String>> = strings
                    .records()
                    .map(|r| {
                        r.expect("read as the table was")
                            .iter()
                            .map(|c| source.cell_text(c).into_owned())
                            .collect()
                    })
                    .collect();
                proptest::prop_assert_eq!(cells, expected, "from {}", from);
            }
        }

        /// A record's line is the line its first character is on, counted in the text, whether
        /// the reading starts at the text's start or at a later record's: through quoted line
        /// breaks, blank lines, `\r\n`, lone `\r` and a byte order mark.
        #[test]
        fn a_records_line_is_the_line_of_its_start(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "指标", ",", "\n", "\r\n", "\r", "\n\n", "\"两\n行\"", "\"x\"\"y\"", "\"\r\n\"",
                ]),
                0..40,
            ),
            pick in 0usize..64,
            bom: bool,
        ) {
            let text = format!("{}{}", if bom { "\u{feff}" } else { "" }, pieces.concat());
            let source = TableSource::new("t.csv", &text);
            let lines_from = |from: usize| {
                let mut lines = Vec::new();
                source
                    .records_between(from, crate::text::line_at(&text, from), usize::MAX, |row| {
                        lines.push((row.start, row.line));
                        Ok(ControlFlow::Continue(()))
                    })
                    .map(|_| lines)
            };
            // A quote never closed is an error of its own; no record's line is at stake.
            let Ok(lines) = lines_from(0) else {
                return Ok(());
            };
            for &(start, line) in &lines {
                proptest::prop_assert_eq!(line, crate::text::line_at(&text, start));
            }
            if let Some(&(from, _)) = lines.get(pick % lines.len().max(1)) {
                let later = lines_from(from).expect("read from the start");
                proptest::prop_assert_eq!(&later[..], &lines[pick % lines.len()..]);
            }
        }
    }
}
