//! Reading and matching an actuals CSV.
//!
//! The file is decoded (UTF-8 with or without BOM, else GB18030; `--encoding` overrides), split
//! by the csv crate (tab-separated when the header has tabs and no commas), and each record is
//! matched to its subject ([`matching`]) and read against its target ([`cells`]). Every error
//! points at the cell: the record's position from the csv crate, and each field's byte offset in
//! its physical line computed here (quoted fields included).

mod cells;
mod ids;

mod matching;

use std::borrow::Cow;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::ops::{ControlFlow, Range};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::import::{Note, Severity};
use crate::model::{Department, Target};
use crate::profile::Profile;
use crate::{Error, Result};

use super::{Actual, ActualRow, Actuals, ActualsAccounting, ActualsSetAside, RowNumbers, Subject};
use crate::jobs;
use crate::syntax::columns::{Field, Header};
use crate::syntax::table::{Loaded, Reach, Record, TableSource, load};
use cells::{CellError, ReferenceCells};
use matching::{Index, Names};

/// How to read an actuals file.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Overrides the detected encoding (`--encoding`).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Threads to read a large file's rows on; one per core (at most 8) when left out. The rows,
    /// notes and errors are the same whatever the number.
    pub jobs: Option<NonZeroUsize>,
}

/// Reads the actuals file `file` (its `bytes`) and matches every row to `model`. Bytes given
/// by value are dropped as soon as the rows are read, before the parts are joined.
pub fn read(
    file: &str,
    bytes: impl AsRef<[u8]> + Sync,
    model: &Department,
    profile: &Profile,
    options: &ReadOptions,
) -> Result<Actuals> {
    read_releasing(file, bytes, |_, _| {}, model, profile, options)
}

/// Like [`read`], calling `release` with ranges of `bytes` whose rows have been read, so that
/// bytes mapped from a file can give their pages back while the rest are read: a province's
/// actuals were a quarter of the memory `kpi eval` held (BENCHMARKS.md). `release` must leave the
/// bytes as they are: a released range may be read again (the rows are read again in one piece
/// when the parts disagree, and an error quotes its line). Not called when the text had to be
/// decoded into a copy.
pub fn read_releasing<B: AsRef<[u8]> + Sync>(
    file: &str,
    bytes: B,
    release: impl Fn(&B, Range<usize>) + Sync,
    model: &Department,
    profile: &Profile,
    options: &ReadOptions,
) -> Result<Actuals> {
    read_in_parts_of(
        file,
        bytes,
        release,
        model,
        profile,
        options,
        jobs::PART_BYTES,
    )
}

fn read_in_parts_of<B: AsRef<[u8]> + Sync>(
    file: &str,
    bytes: B,
    release: impl Fn(&B, Range<usize>) + Sync,
    model: &Department,
    profile: &Profile,
    options: &ReadOptions,
    part_bytes: usize,
) -> Result<Actuals> {
    // The index needs the model alone, the decoding the bytes alone: one is built while the
    // other runs.
    let (loaded, index) = jobs::both(
        options.jobs,
        || load(file, bytes.as_ref(), options.encoding, options.jobs),
        || Index::new(model, options.jobs),
    );
    let loaded = loaded?;
    // Where the text starts in the bytes, when it is the bytes themselves.
    let all = bytes.as_ref().as_ptr_range();
    let offset = match &loaded.text {
        Cow::Borrowed(text) if all.contains(&text.as_ptr()) => {
            Some(text.as_ptr() as usize - all.start as usize)
        }
        _ => None,
    };
    let release_text = |range: Range<usize>| {
        if let Some(offset) = offset {
            release(&bytes, offset + range.start..offset + range.end);
        }
    };
    let (mut joined, rest) = read_parts_of(
        file,
        &loaded,
        &index,
        &release_text,
        profile,
        options,
        part_bytes,
    )?;
    drop(loaded);
    // The rows own what they keep: the index and (when given) the file's bytes go before the
    // later parts' rows are moved in after the first's.
    drop(index);
    drop(bytes);
    let mut rows = Vec::with_capacity(rest.len());
    for mut part in rest {
        rows.push(std::mem::take(&mut part.actuals.rows));
        joined.append(part);
    }
    joined.actuals.rows =
        jobs::concat(std::mem::take(&mut joined.actuals.rows), rows, options.jobs);
    Ok(joined.finish())
}

/// The rows of `bytes` in parts, in file order: the first, and those after it (none when read
/// in one piece).
#[allow(clippy::too_many_arguments)]
fn read_parts_of(
    file: &str,
    loaded: &Loaded<'_>,
    index: &Index,
    release: &Release<'_>,
    profile: &Profile,
    options: &ReadOptions,
    part_bytes: usize,
) -> Result<(Part, Vec<Part>)> {
    let source = loaded.source(file);
    let mut head = Reader::new(&source, index, release, profile, loaded.encoding);
    head.actuals.places = loaded.places();
    let body = match head.read_header() {
        Ok(body) => body,
        Err(error) => return Err(head.counted(error)),
    };
    let text = source.text;
    let parts = jobs::parts_for(options.jobs, text.len() - body, part_bytes);
    if parts > 1 {
        let fallback = head.clone();
        if let Some(parts) = head.read_parts(body, parts, options.jobs) {
            return Ok(parts);
        }
        // A part that did not start at a record, a subject in two parts or an error: read the
        // rows again in one piece, which says what one reading says.
        return Ok((fallback.read_rest(body)?.into_part(), Vec::new()));
    }
    Ok((head.read_rest(body)?.into_part(), Vec::new()))
}

/// What a reader has read, without what it borrows: joined to the parts after it.
struct Part {
    actuals: Actuals,
    set_aside: HashMap<ActualsSetAside, usize>,
}

impl Part {
    /// Adds the next part's notes and counts (its rows are joined by [`jobs::concat`]).
    fn append(&mut self, part: Part) {
        for note in part.actuals.notes {
            // A column without a name is warned about once in the file.
            let warned = note.code == "unknown-column"
                && self.actuals.notes.iter().any(|n| n.message == note.message);
            if !warned {
                self.actuals.notes.push(note);
            }
        }
        self.actuals.accounting.rows_read += part.actuals.accounting.rows_read;
        self.actuals.accounting.rows_used += part.actuals.accounting.rows_used;
        for (reason, n) in part.set_aside {
            *self.set_aside.entry(reason).or_default() += n;
        }
    }

    fn finish(mut self) -> Actuals {
        self.actuals.accounting = accounting(&self.actuals.accounting, &self.set_aside);
        if self.actuals.accounting.rows_read == 0 {
            self.actuals.notes.push(Note {
                line: 0,
                severity: Severity::Warning,
                code: "no-rows",
                message: "the file has a header and no rows: every indicator is 未填报 (or 未到期)"
                    .to_owned(),
            });
        }
        self.actuals
    }
}

/// The accounting of the rows read so far, with the set-aside counts sorted by reason.
fn accounting(
    counted: &ActualsAccounting,
    set_aside: &HashMap<ActualsSetAside, usize>,
) -> ActualsAccounting {
    let mut set_aside: Vec<(ActualsSetAside, usize)> = set_aside
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(r, n)| (*r, *n))
        .collect();
    set_aside.sort();
    ActualsAccounting {
        set_aside,
        ..counted.clone()
    }
}

/// Gives back the memory of a range of the text whose rows have been read.
type Release<'a> = dyn Fn(Range<usize>) + Sync + 'a;

/// How much text is read between two calls to [`Release`]: few calls, and little held.
const RELEASE_EVERY: usize = if cfg!(test) { 4 << 10 } else { 4 << 20 };

/// A line for each subject's slot, none yet.
fn seen_lines(slots: usize) -> Arc<[AtomicU32]> {
    (0..slots).map(|_| AtomicU32::new(0)).collect()
}

/// What reading the rows has gathered so far: one reader reads the whole file, or each reads
/// its part and they are joined in file order.
#[derive(Clone)]
struct Reader<'a> {
    source: &'a TableSource<'a>,
    index: &'a Index<'a>,
    release: &'a Release<'a>,
    profile: &'a Profile,
    /// The header and its width, once read.
    header: Option<(Header, usize)>,
    /// The line of the row of each subject (by [`Index::slot`]); 0 for none yet. One for the
    /// parts read at once: a subject's second row is found as it is read, in whichever part.
    seen: Option<Arc<[AtomicU32]>>,
    actuals: Actuals,
    set_aside: HashMap<ActualsSetAside, usize>,
    unnamed_warned: Vec<usize>,
    reference: ReferenceCells,
    /// The slot of the row read last and its subject, for guessing the next row's.
    previous: Option<(usize, Subject)>,
}

impl<'a> Reader<'a> {
    /// A reader with no rows yet.
    fn new(
        source: &'a TableSource<'a>,
        index: &'a Index<'a>,
        release: &'a Release<'a>,
        profile: &'a Profile,
        encoding: &'static str,
    ) -> Reader<'a> {
        Reader {
            source,
            index,
            release,
            profile,
            header: None,
            seen: None,
            actuals: Actuals {
                file: source.file.to_owned(),
                encoding,
                rows: Vec::new(),
                notes: Vec::new(),
                accounting: ActualsAccounting::default(),
                places: None,
            },
            set_aside: HashMap::new(),
            unnamed_warned: Vec::new(),
            reference: ReferenceCells::default(),
            previous: None,
        }
    }

    /// Reads the header; returns where the rows start.
    fn read_header(&mut self) -> Result<usize> {
        let source = self.source;
        let reach = source.records_between(0, 1, usize::MAX, |row| {
            self.header(row).map(|()| ControlFlow::Break(()))
        })?;
        if self.header.is_none() {
            return Err(Error::Input {
                file: self.source.file.to_owned(),
                message: "expected a header row naming the columns (id, indicator, actual …), found an empty file".to_owned(),
                help: Some("`kpi template` writes a form to fill".to_owned()),
            });
        }
        Ok(reach.next)
    }

    /// Reads every row from `from` to the end.
    fn read_rest(mut self, from: usize) -> Result<Reader<'a>> {
        let line = crate::text::line_at(self.source.text, from);
        // At most a row a line: reserved once, instead of doubling past a million rows.
        let rest = &self.source.text.as_bytes()[from.min(self.source.text.len())..];
        let rows = crate::text::line_breaks(rest) + 1;
        self.actuals.rows.reserve(rows);
        match self.read_rows(from, line, usize::MAX) {
            Ok(_) => Ok(self),
            Err(error) => Err(self.counted(error)),
        }
    }

    /// Reads the rows from `from`, on line `line`, to `until`.
    fn read_rows(&mut self, from: usize, line: usize, until: usize) -> Result<Reach> {
        let source = self.source;
        let mut read_to = from;
        let reach = source.records_between(from, line, until, |row| {
            if row.start >= read_to + RELEASE_EVERY {
                (self.release)(read_to..row.start);
                read_to = row.start;
            }
            self.row(row).map(|()| ControlFlow::Continue(()))
        })?;
        // A part's last stretch too: read in parts of a few megabytes each, a province's file
        // was otherwise held whole until every part was read (100 MB more at the peak).
        if reach.next > read_to {
            (self.release)(read_to..reach.next);
        }
        Ok(reach)
    }

    /// The error with the rows read before it counted.
    fn counted(&self, error: Error) -> Error {
        let mut so_far = self.accounting();
        so_far.rows_read = so_far.rows_read.saturating_sub(1);
        error.counted(format!("{}: before the error, {so_far}", self.source.file))
    }

    /// Reads the rows from `from` in `parts` parts at once, split after line breaks; joins
    /// them in file order. `None` when the parts must be read again in one piece: a split fell
    /// inside a quoted cell, a row was in error, or two parts have a row for one subject.
    fn read_parts(
        self,
        from: usize,
        parts: usize,
        jobs: Option<NonZeroUsize>,
    ) -> Option<(Part, Vec<Part>)> {
        let text = self.source.text;
        let starts = jobs::part_starts(text, from, parts, |_| true);
        let (source, index, release, profile) =
            (self.source, self.index, self.release, self.profile);
        let (encoding, header) = (self.actuals.encoding, self.header.clone());
        // A subject with rows in two parts is an error in the later one read: the one-piece
        // reading then says where.
        let seen = seen_lines(index.slots());
        // The first part is read into the head.
        let mut readers = vec![self];
        for _ in 1..starts.len() {
            let mut reader = Reader::new(source, index, release, profile, encoding);
            reader.header.clone_from(&header);
            readers.push(reader);
        }
        for reader in &mut readers {
            reader.seen = Some(seen.clone());
        }
        let readers = jobs::in_parts(readers, text, &starts, jobs, |mut reader, part| {
            reader.actuals.rows.reserve(part.breaks);
            let reach = reader.read_rows(part.start, part.line, part.end);
            (reader, reach)
        });
        let mut next = from;
        for (_, reach) in &readers {
            let reach = reach.as_ref().ok()?;
            if reach.first != next {
                return None;
            }
            next = reach.next;
        }
        let mut parts = readers.into_iter().map(|(r, _)| r.into_part());
        let first = parts.next()?;
        Some((first, parts.collect()))
    }

    fn into_part(self) -> Part {
        Part {
            actuals: self.actuals,
            set_aside: self.set_aside,
        }
    }

    fn header(&mut self, row: &Record) -> Result<()> {
        let cells: Vec<&str> = row.cells.iter().map(|c| &**c).collect();
        let header = Header::parse(&cells)
            .and_then(|h| h.check_actuals().map(|()| h))
            .map_err(|e| match e.column {
                Some(column) => {
                    let (start, end) = row.span(column);
                    self.source.at(start, end, e.message, e.help)
                }
                None => self.source.line(row.start, e.message, e.help),
            })?;
        if !header.unknown.is_empty() {
            let named: Vec<String> = header
                .unknown
                .iter()
                .map(|(at, name)| format!("`{name}` (column {})", at + 1))
                .collect();
            self.actuals.notes.push(Note {
                line: line_u32(row.line),
                severity: Severity::Warning,
                code: "unknown-column",
                message: format!("unknown columns, ignored: {}", named.join(", ")),
            });
        }
        self.header = Some((header, row.cells.len()));
        Ok(())
    }

    fn column(&self, field: Field) -> Option<usize> {
        self.header.as_ref().and_then(|(h, _)| h.columns.get(field))
    }

    fn cell<'r>(&self, row: &'r Record, field: Field) -> &'r str {
        row.cell(self.column(field))
    }

    /// A cell error at its cell, or at the line when the file has no such column.
    fn located(&self, row: &Record, error: CellError) -> Error {
        match self.column(error.field) {
            Some(column) => {
                let (start, end) = row.span(column);
                self.source.at(start, end, error.message, error.help)
            }
            None => self.source.line(row.start, error.message, error.help),
        }
    }

    fn count(&mut self, reason: ActualsSetAside) {
        *self.set_aside.entry(reason).or_default() += 1;
    }

    fn row(&mut self, row: &Record) -> Result<()> {
        self.actuals.accounting.rows_read += 1;
        if row.is_blank() {
            self.count(ActualsSetAside::Blank);
            return Ok(());
        }
        self.outside_columns(row)?;
        let names = Names {
            id: self.cell(row, Field::Id),
            kind: self.cell(row, Field::Kind),
            unit: self.cell(row, Field::Unit),
            project: self.cell(row, Field::Project),
            level1: self.cell(row, Field::Level1),
            level2: self.cell(row, Field::Level2),
            indicator: self.cell(row, Field::Indicator),
        };
        let guess = self
            .previous
            .and_then(|(slot, subject)| self.index.next(slot, subject));
        let subject = self
            .index
            .subject(&names, guess)
            .map_err(|e| self.located(row, e))?;
        let id = self.index.id_of(subject);
        let slot = self.index.slot(subject);
        self.previous = Some((slot, subject));
        let slots = self.index.slots();
        let seen = self.seen.get_or_insert_with(|| seen_lines(slots));
        if let Err(first) =
            seen[slot].compare_exchange(0, line_u32(row.line), Ordering::Relaxed, Ordering::Relaxed)
        {
            let column = [Field::Id, Field::Indicator, Field::Project]
                .into_iter()
                .find(|&f| !self.cell(row, f).is_empty())
                .unwrap_or(Field::Id);
            return Err(self.located(
                row,
                CellError::new(
                    column,
                    format!(
                        "expected one row for {id}, found a second: lines {first} and {}",
                        row.line
                    ),
                )
                .help("keep one of the two rows"),
            ));
        }
        self.check_reference(row, subject, &id)
            .map_err(|e| self.located(row, e))?;
        let actual = self
            .actual(row, subject, &id)
            .map_err(|e| self.located(row, e))?;
        let built = self
            .build(row, subject, actual)
            .map_err(|e| self.located(row, e))?;
        let reason = match &built.actual {
            Actual::Missing if built.note.is_none() && built.claimed().is_none() => {
                Some(ActualsSetAside::Unfilled)
            }
            Actual::NotApplicable => Some(ActualsSetAside::NotApplicable),
            _ => None,
        };
        match reason {
            Some(reason) => self.count(reason),
            None => self.actuals.accounting.rows_used += 1,
        }
        self.actuals.rows.push(built);
        Ok(())
    }

    /// Cells beyond the header are an error; cells under an unnamed header, a warning.
    fn outside_columns(&mut self, row: &Record) -> Result<()> {
        let Some((header, width)) = &self.header else {
            return Ok(());
        };
        if let Some(extra) = (*width..row.cells.len()).find(|&c| !row.cell(Some(c)).is_empty()) {
            let (start, end) = row.span(extra);
            return Err(self.source.at(
                start,
                end,
                format!(
                    "expected no cell beyond the header's {width} columns, found `{}`",
                    row.cell(Some(extra))
                ),
                Some("name the column in the header, or clear the cell".to_owned()),
            ));
        }
        let unnamed: Vec<usize> = header
            .unnamed
            .iter()
            .copied()
            .filter(|&c| !row.cell(Some(c)).is_empty() && !self.unnamed_warned.contains(&c))
            .collect();
        for column in unnamed {
            self.unnamed_warned.push(column);
            self.actuals.notes.push(Note {
                line: line_u32(row.line),
                severity: Severity::Warning,
                code: "unknown-column",
                message: format!(
                    "column {} has no name in the header; its cells are ignored",
                    column + 1
                ),
            });
        }
        Ok(())
    }

    /// The `target` and `deadline` columns, where filled, must state the model's (they are
    /// never used as targets).
    fn check_reference(
        &mut self,
        row: &Record,
        subject: Subject,
        id: &str,
    ) -> Result<(), CellError> {
        let target = self.cell(row, Field::Target);
        let deadline = self.cell(row, Field::Deadline);
        match (subject, self.index.indicator(subject)) {
            (_, Some(indicator)) => {
                if !target.is_empty() {
                    if self.column(Field::Operator).is_some() {
                        // Split columns: 度量单位 is the target's unit, not the actual's.
                        cells::check_split_target(
                            self.cell(row, Field::Operator),
                            target,
                            self.cell(row, Field::Measure),
                            indicator,
                        )?;
                    } else {
                        self.reference.check_target(target, indicator)?;
                    }
                }
                if !deadline.is_empty() {
                    self.reference
                        .check_deadline(deadline, indicator, self.index.model().year)?;
                }
            }
            (Subject::Budget { project }, None) => {
                if !target.is_empty() {
                    let budget = self
                        .index
                        .model()
                        .projects
                        .get(project as usize)
                        .and_then(|p| p.budget);
                    cells::check_budget_target(target, budget, id)?;
                }
                if !deadline.is_empty() {
                    return Err(CellError::new(
                        Field::Deadline,
                        format!(
                            "expected no deadline for {id} (budget execution has none), found `{deadline}`"
                        ),
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The actual of a row against its subject's target.
    fn actual(&mut self, row: &Record, subject: Subject, id: &str) -> Result<Actual, CellError> {
        let cell = self.cell(row, Field::Actual);
        if cell.is_empty() {
            // S10: nothing written.
            return Ok(Actual::Missing);
        }
        if cells::is_not_applicable(cell) {
            // S3: not applicable.
            return Ok(Actual::NotApplicable);
        }
        // With split target columns, 度量单位 is the target's unit; the actual writes its own.
        let measure = if self.column(Field::Operator).is_some() {
            ""
        } else {
            self.cell(row, Field::Measure)
        };
        let Some(indicator) = self.index.indicator(subject) else {
            // S12: budget execution.
            return cells::budget_execution(cell, measure);
        };
        match &indicator.target {
            Target::Compare { .. } | Target::Range { .. } => {
                let (actual, nouns) = cells::quantity(cell, measure, &indicator.target, id)?;
                if let Some(nouns) = nouns {
                    // S8: counts of different nouns are compared, with a warning.
                    self.actuals.notes.push(Note {
                        line: line_u32(row.line),
                        severity: Severity::Warning,
                        code: "different-nouns",
                        message: format!(
                            "{id}: the actual `{}` counts {} and the target {}; compared as one count",
                            actual.written(),
                            nouns.from,
                            nouns.to
                        ),
                    });
                }
                Ok(actual)
            }
            // S7: tiers.
            Target::Qualitative(text) => cells::tier(cell, text, self.profile),
            Target::NotApplicable => Err(CellError::new(
                Field::Actual,
                format!(
                    "expected `不适用` or an empty cell for {id}, whose target is 不适用, found `{cell}`"
                ),
            )),
        }
    }

    /// The row with its other cells read.
    fn build(
        &self,
        row: &Record,
        subject: Subject,
        actual: Actual,
    ) -> Result<ActualRow, CellError> {
        let optional = |field: Field| {
            let cell = self.cell(row, field);
            (!cell.is_empty()).then_some(cell)
        };
        let completed = optional(Field::Completed)
            .map(|c| cells::completed(c, self.index.model().year))
            .transpose()?;
        let budget = match (optional(Field::Budget), subject) {
            (None, _) => None,
            // S12: the adjusted budget (调整后预算数), in 万元.
            (Some(cell), Subject::Budget { .. }) => Some(cells::wan(Field::Budget, cell)?),
            (Some(cell), _) => {
                return Err(CellError::new(
                    Field::Budget,
                    format!("expected the adjusted budget only on a budget row (kind `budget`), found `{cell}` on an indicator's row"),
                )
                .help("put the project's adjusted budget (调整后预算数) on its budget row"));
            }
        };
        Ok(ActualRow {
            line: line_u32(row.line),
            subject,
            actual,
            completed,
            note: optional(Field::Note).map(Box::from),
            numbers: RowNumbers {
                budget,
                // S3: the row's own points.
                weight: optional(Field::Weight)
                    .map(|c| cells::points(Field::Weight, c, true))
                    .transpose()?,
                // S16: the claimed score.
                claimed: optional(Field::Score)
                    .map(|c| cells::points(Field::Score, c, false))
                    .transpose()?,
                // S9: an explicit deduction.
                deduction: optional(Field::Deduction)
                    .map(|c| cells::points(Field::Deduction, c, true))
                    .transpose()?,
            }
            .boxed(),
        })
    }

    /// The accounting of the rows read so far.
    fn accounting(&self) -> ActualsAccounting {
        accounting(&self.actuals.accounting, &self.set_aside)
    }
}

fn line_u32(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn seed() -> Department {
        crate::import::import(crate::embedded::SPEC_NAME, crate::embedded::SPEC)
            .expect("the embedded spec reads")
            .department
    }

    fn read_text(text: &str) -> Result<Actuals> {
        read_with(text.as_bytes(), &ReadOptions::default())
    }

    fn read_with(bytes: &[u8], options: &ReadOptions) -> Result<Actuals> {
        read("a.csv", bytes, &seed(), &Profile::national(), options)
    }

    /// The error's location, message and the text its span covers.
    fn error(text: &str) -> (String, String, String) {
        match read_text(text).as_ref().map_err(Error::inner) {
            Err(Error::Located(e)) => {
                let covered = e.line_text[e.span.0..e.span.1].to_owned();
                (e.location(), e.message.clone(), covered)
            }
            other => panic!("expected a located error, got {other:?}"),
        }
    }

    fn only_row(text: &str) -> ActualRow {
        let actuals = read_text(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(actuals.rows.len(), 1, "{:?}", actuals.rows);
        actuals.rows[0].clone()
    }

    const SURVEY: &str = "558001-b93209ea-d42e26"; // 调查企业户数 >= 0.1 万户

    #[test]
    fn header_aliases_in_english_chinese_and_any_case() {
        for header in [
            "id,actual",
            "ID,Actual",
            "编号,实际完成值",
            "指标编号,完成值",
            "指标ID,全年实际值",
        ] {
            let row = only_row(&format!("{header}\n{SURVEY},0.12万户\n"));
            assert_eq!(
                row.actual,
                Actual::Quantity {
                    value: dec!(0.12),
                    written: "0.12万户".into(),
                    different_nouns: false
                },
                "{header}"
            );
        }
    }

    #[test]
    fn tab_separated_files_are_read_when_the_header_has_tabs_and_no_commas() {
        let row = only_row(&format!(
            "id\tactual\tnote\n{SURVEY}\t1,250户\t含 1,250 户\n"
        ));
        assert!(matches!(row.actual, Actual::Quantity { value, .. } if value == dec!(0.125)));
        assert_eq!(row.note.as_deref(), Some("含 1,250 户"));
    }

    #[test]
    fn gb18030_and_bom_inputs_are_decoded() {
        let text = format!("编号,实际完成值,偏差原因\n{SURVEY},0.12万户,已完成调查\n");
        let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
        let actuals = read_with(&gbk, &ReadOptions::default()).unwrap();
        assert_eq!(actuals.encoding, "gb18030");
        assert_eq!(actuals.rows[0].note.as_deref(), Some("已完成调查"));
        let bom = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
        let actuals = read_with(&bom, &ReadOptions::default()).unwrap();
        assert_eq!(actuals.encoding, "UTF-8");
        assert_eq!(actuals.rows[0].note.as_deref(), Some("已完成调查"));
        // A forced encoding keeps the BOM out of the first column's name too.
        let forced = ReadOptions {
            encoding: Some(encoding_rs::UTF_8),
            ..ReadOptions::default()
        };
        assert_eq!(read_with(&bom, &forced).unwrap().rows.len(), 1);
    }

    #[test]
    fn excel_files_with_crlf_line_ends_and_gb18030_read_and_locate() {
        let text = format!(
            "编号,偏差原因,实际完成值\r\n{SURVEY},\"多行\r\n说明\",0.12万户\r\n\r\n558001-unit-f08164,,很多\r\n"
        );
        let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
        match read_with(&gbk, &ReadOptions::default())
            .as_ref()
            .map_err(Error::inner)
        {
            Err(Error::Located(e)) => {
                assert_eq!(e.location(), "a.csv:5:21");
                assert_eq!(e.line_text, "558001-unit-f08164,,很多");
            }
            other => panic!("{other:?}"),
        }
        let ok = text.replace("很多", "100%");
        let (gbk, _, _) = encoding_rs::GB18030.encode(&ok);
        let actuals = read_with(&gbk, &ReadOptions::default()).unwrap();
        let lines: Vec<u32> = actuals.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 5]);
        assert_eq!(actuals.rows[0].note.as_deref(), Some("多行\r\n说明"));
    }

    #[test]
    fn an_undecodable_file_names_the_file_and_line() {
        let bytes = [&b"id,actual\n"[..], SURVEY.as_bytes(), b",\x81\x20\n"].concat();
        let forced = ReadOptions {
            encoding: Some(encoding_rs::UTF_8),
            ..ReadOptions::default()
        };
        match read_with(&bytes, &forced) {
            Err(Error::Located(e)) => {
                assert_eq!(e.location(), "a.csv:2");
                assert!(
                    e.message.starts_with("expected text in UTF-8 or GB18030"),
                    "{}",
                    e.message
                );
                assert!(e.help.is_some());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_actual_form() {
        let cases: [(&str, &str, Actual); 6] = [
            (SURVEY, "", Actual::Missing),
            (SURVEY, "不适用", Actual::NotApplicable),
            (SURVEY, "/", Actual::NotApplicable),
            (
                SURVEY,
                "\"１，２５０户\"",
                Actual::Quantity {
                    value: dec!(0.125),
                    written: "１，２５０户".into(),
                    different_nouns: false,
                },
            ),
            (
                "558001-unit-49349b",
                "达成：已完成资产评估",
                Actual::Tier {
                    tier: 0,
                    share: None,
                    written: "达成：已完成资产评估".into(),
                },
            ),
            (
                "558001-04ae452e#budget",
                "34.5万元",
                Actual::Spent {
                    wan: dec!(34.5),
                    written: "34.5万元".into(),
                },
            ),
        ];
        for (id, cell, expected) in cases {
            let row = only_row(&format!("id,actual,note\n{id},{cell},n\n"));
            assert_eq!(row.actual, expected, "{cell}");
        }
    }

    #[test]
    fn accounting_sets_aside_blank_unfilled_and_not_applicable_rows() {
        let text = format!(
            "id,actual,note,score,weight\n\
             {SURVEY},,,,\n\
             ,,,,\n\
             558001-unit-49349b,不适用,无此项工作,,\n\
             558001-unit-f08164,,说明,,\n\
             558001-unit-7957f7,100%,,,\n\
             558001-unit-fa9cf3,,,8,\n\
             558001-unit-7a8920,,,,5\n"
        );
        let actuals = read_text(&text).unwrap();
        let a = &actuals.accounting;
        assert_eq!(a.rows_read, 7);
        assert_eq!(a.rows_used, 3);
        assert_eq!(
            a.set_aside,
            vec![
                (ActualsSetAside::Blank, 1),
                (ActualsSetAside::Unfilled, 2),
                (ActualsSetAside::NotApplicable, 1)
            ]
        );
        assert!(a.balances());
        // Blank rows are left out of `rows`; the others stay in file order with their lines.
        let lines: Vec<u32> = actuals.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 5, 6, 7, 8]);
        assert_eq!(actuals.rows[4].claimed(), Some(dec!(8)));
        assert_eq!(actuals.rows[5].weight(), Some(dec!(5)));
    }

    #[test]
    fn errors_point_at_the_cell_in_its_physical_line() {
        // A quoted cell with a line break: the next record starts on line 4.
        let text = format!(
            "id,note,actual\n{SURVEY},\"第一行\n第二行, 含逗号\",0.12万户\n558001-unit-f08164,\"引号\"\"内\",很多\n"
        );
        let (location, message, covered) = error(&text);
        assert_eq!(location, "a.csv:4:28");
        assert_eq!(
            message,
            "expected a number for 558001-unit-f08164 (target `＝ 100 %`), found `很多`"
        );
        assert_eq!(covered, "很多");
        // The span of a quoted cell includes its quotes.
        let (_, message, covered) = error(&format!("id,actual\n{SURVEY},\"1250\"\n"));
        assert!(message.contains("over 100 times"), "{message}");
        assert_eq!(covered, "\"1250\"");
    }

    #[test]
    fn header_errors() {
        let (location, message, covered) = error("id,实际完成值,完成值\n");
        assert_eq!(location, "a.csv:1:10");
        assert!(
            message.contains("`完成值` (column 3) naming `actual` again"),
            "{message}"
        );
        assert_eq!(covered, "完成值");
        let (location, message, _) = error("id,note\n");
        assert_eq!(location, "a.csv:1");
        assert!(
            message.starts_with("expected a column of actuals"),
            "{message}"
        );
        match read_text("").as_ref().map_err(Error::inner) {
            Err(Error::Input { message, .. }) => {
                assert!(message.ends_with("found an empty file"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_and_unnamed_columns_are_warnings() {
        let actuals = read_text(&format!(
            "id,actual,备注,Remarks,\n{SURVEY},0.12万户,x,y,z\n"
        ))
        .unwrap();
        let notes: Vec<String> = actuals.notes.iter().map(|n| n.render("a.csv")).collect();
        assert_eq!(
            notes,
            [
                "a.csv:1: warning[unknown-column]: unknown columns, ignored: `备注` (column 3), `Remarks` (column 4)",
                "a.csv:2: warning[unknown-column]: column 5 has no name in the header; its cells are ignored",
            ]
        );
        let (location, message, _) = error(&format!("id,actual\n{SURVEY},0.12万户,extra\n"));
        assert_eq!(location, "a.csv:2:31");
        assert_eq!(
            message,
            "expected no cell beyond the header's 2 columns, found `extra`"
        );
    }

    #[test]
    fn unknown_ids_suggest_the_closest() {
        let (location, message, covered) = error("id,actual\n558001-b93209ea-d42e27,5\n");
        assert_eq!(location, "a.csv:2:1");
        assert_eq!(covered, "558001-b93209ea-d42e27");
        assert!(
            message.starts_with("expected an id of the targets, found `558001-b93209ea-d42e27`; closest: `558001-b93209ea-d42e26`"),
            "{message}"
        );
    }

    #[test]
    fn names_beside_an_id_must_agree_with_it() {
        let (location, message, _) = error(&format!(
            "id,project,indicator,actual\n{SURVEY},支持沈阳市软件产业创新发展政策,拨付企业数量,5户\n"
        ));
        assert_eq!(location, "a.csv:2:40");
        assert_eq!(
            message,
            format!(
                "expected `调查企业户数` in the indicator column of {SURVEY}, found `拨付企业数量`"
            )
        );
        let (_, message, _) = error(&format!("id,kind,actual\n{SURVEY},budget,5户\n"));
        assert_eq!(
            message,
            format!("expected `indicator` for {SURVEY}, an indicator's id, found `budget`")
        );
        let (_, message, _) = error(&format!("id,kind,actual\n{SURVEY},其他,5户\n"));
        assert_eq!(message, "expected `indicator` or `budget`, found `其他`");
        let (_, message, _) = error(&format!("id,unit,actual\n{SURVEY},558002,5户\n"));
        assert_eq!(
            message,
            format!("expected `558001` in the unit column of {SURVEY}, found `558002`")
        );
    }

    #[test]
    fn matching_by_names() {
        // A unit's own indicator needs the unit.
        let (location, message, _) = error("project,indicator,actual\n,重点工作办结率,100%\n");
        assert_eq!(location, "a.csv:2");
        assert!(
            message.starts_with("expected the unit of `重点工作办结率`"),
            "{message}"
        );
        // Names compare after match_key: widths and spaces.
        let row = only_row("单位,三级指标,实际完成值\n558001,重点工作 办结率,１００％\n");
        assert_eq!(
            row.subject,
            Subject::UnitIndicator {
                unit: 0,
                indicator: 0
            }
        );
        // Categories narrow an ambiguous name; wrong categories are an error naming the right ones.
        let row =
            only_row("unit,level1,level2,indicator,actual\n558001,可持续性,,综合管理水平,达成\n");
        assert!(matches!(
            row.subject,
            Subject::UnitIndicator { unit: 0, .. }
        ));
        let (location, message, _) =
            error("unit,level1,level2,indicator,actual\n558001,产出指标,,综合管理水平,达成\n");
        assert_eq!(location, "a.csv:2:8");
        assert!(message.starts_with("expected the categories of `综合管理水平` in unit 558001: 558001-unit-49349b (基础管理 / 综合管理水平)"), "{message}");
        // An unknown indicator suggests names of its project.
        let (location, message, _) =
            error("project,indicator,actual\n支持沈阳市软件产业创新发展政策,调查企业数,5户\n");
        assert_eq!(location, "a.csv:2:17");
        assert!(
            message.starts_with("expected an indicator of project `支持沈阳市软件产业创新发展政策`, found `调查企业数`; closest: `调查企业户数`"),
            "{message}"
        );
        // A project of another unit.
        let (_, message, _) = error(
            "unit,project,indicator,actual\n558002,支持沈阳市软件产业创新发展政策,调查企业户数,5户\n",
        );
        assert_eq!(
            message,
            "expected the unit of project `支持沈阳市软件产业创新发展政策` (558001), found `558002`"
        );
        // A project by its id.
        let row = only_row("project,indicator,actual\n558001-b93209ea,调查企业户数,0.2万户\n");
        assert!(matches!(row.subject, Subject::ProjectIndicator { .. }));
    }

    #[test]
    fn s12_budget_rows() {
        let budget = |text: &str| only_row(text).subject;
        let gui = "鼓励中小企业成长“规升巨”政策";
        // kind budget, the reserved id, or a hand-made `预算执行率` without categories.
        let by_kind = budget(&format!("kind,project,actual\nbudget,{gui},96.2%\n"));
        assert!(matches!(by_kind, Subject::Budget { .. }));
        assert_eq!(budget("id,actual\n558001-f5aa59fe#budget,96.2%\n"), by_kind);
        assert_eq!(
            budget(&format!(
                "project,indicator,actual\n{gui},预算执行率,96.2%\n"
            )),
            by_kind
        );
        // With its categories, or kind indicator, it is the project's real indicator.
        let real = budget(&format!(
            "project,level1,level2,indicator,actual\n{gui},产出指标,质量指标,预算执行率,96.2%\n"
        ));
        assert!(matches!(real, Subject::ProjectIndicator { .. }));
        assert_eq!(
            budget(&format!(
                "kind,project,indicator,actual\nindicator,{gui},预算执行率,96.2%\n"
            )),
            real
        );
        // A project without such an indicator: `kind indicator` finds none.
        let (_, message, _) =
            error("kind,project,indicator,actual\nindicator,老干部特需专项经费,预算执行率,96.2%\n");
        assert!(
            message.starts_with(
                "expected an indicator of project `老干部特需专项经费`, found `预算执行率`"
            ),
            "{message}"
        );
        // A bare number is an error (S12), the budget column is read in 万元.
        let (location, message, covered) = error("id,actual\n558001-04ae452e#budget,34.5\n");
        assert_eq!(location, "a.csv:2:24");
        assert_eq!(covered, "34.5");
        assert!(
            message.ends_with("found `34.5` without a unit"),
            "{message}"
        );
        let row = only_row("id,actual,调整后预算数（万元）\n558001-04ae452e#budget,34.5万元,36\n");
        assert_eq!(row.budget(), Some(dec!(36)));
        let (_, message, _) = error(&format!("id,actual,budget\n{SURVEY},0.2万户,36\n"));
        assert!(
            message.starts_with("expected the adjusted budget only on a budget row"),
            "{message}"
        );
        // The target column of a budget row states the 表17 budget.
        let row = only_row("id,target,actual\n558001-04ae452e#budget,35.88 万元,96%\n");
        assert!(matches!(row.actual, Actual::Rate { .. }));
        let (_, message, _) = error("id,target,actual\n558001-04ae452e#budget,36 万元,96%\n");
        assert_eq!(
            message,
            "expected the budget of 558001-04ae452e#budget (`35.88 万元`), found `36 万元`"
        );
    }

    #[test]
    fn two_rows_for_one_subject() {
        let (location, message, _) = error(&format!(
            "id,actual\n{SURVEY},0.12万户\n\n{SURVEY},0.13万户\n"
        ));
        assert_eq!(location, "a.csv:4:1");
        assert_eq!(
            message,
            format!("expected one row for {SURVEY}, found a second: lines 2 and 4")
        );
    }

    #[test]
    fn reference_columns_are_checked_not_used() {
        let row = only_row(&format!(
            "id,target,deadline,actual\n{SURVEY},≥ 1000 户,2024/12/1,0.12万户\n"
        ));
        assert!(matches!(row.actual, Actual::Quantity { value, .. } if value == dec!(0.12)));
        let (location, message, covered) = error(&format!(
            "id,target,deadline,actual\n{SURVEY},≥ 0.1 万户,2024-11,0.12万户\n"
        ));
        assert_eq!(location, "a.csv:2:33");
        assert_eq!(covered, "2024-11");
        assert_eq!(
            message,
            format!("expected the deadline of {SURVEY} (`2024-12`), found `2024-11`")
        );
    }

    #[test]
    fn other_cells_are_read_or_refused_with_their_column() {
        let row = only_row(&format!(
            "id,actual,completed,weight,score,deduction\n{SURVEY},0.12万户,2024年11月,10,9.5,0.5\n"
        ));
        assert_eq!(row.completed, chrono::NaiveDate::from_ymd_opt(2024, 11, 30));
        assert_eq!(
            (row.weight(), row.claimed(), row.deduction()),
            (Some(dec!(10)), Some(dec!(9.5)), Some(dec!(0.5)))
        );
        let (location, message, _) =
            error(&format!("id,actual,completed\n{SURVEY},0.12万户,昨天\n"));
        assert_eq!(location, "a.csv:2:31");
        assert_eq!(
            message,
            "expected a date like 2024-11-30 or 2024年11月30日, found `昨天`"
        );
        let (location, message, _) = error(&format!("id,actual,score\n{SURVEY},0.12万户,1e40\n"));
        assert_eq!(location, "a.csv:2:31");
        assert!(
            message.starts_with("expected a number within ±"),
            "{message}"
        );
        let (_, message, _) = error(&format!("id,actual,weight\n{SURVEY},0.12万户,-5\n"));
        assert_eq!(
            message,
            "expected a number of points of 0 or more, found `-5`"
        );
    }

    #[test]
    fn actual_errors_name_the_row_and_column() {
        // S8: dimensions, durations.
        let (location, message, _) = error(&format!("id,actual\n{SURVEY},98%\n"));
        assert_eq!(location, "a.csv:2:24");
        assert_eq!(
            message,
            format!(
                "expected a value in 万户 (count) for {SURVEY}, found `98%`: % (percent) and 万户 (count) measure different things"
            )
        );
        let (_, message, _) = error("id,actual\n558001-9f62ff09-9ca5c1,1个月\n");
        assert!(
            message.contains("个月 and 天 do not convert into each other"),
            "{message}"
        );
        // The measure column and the cell disagree: the measure column is pointed at.
        let (location, message, _) = error(&format!("id,actual,measure\n{SURVEY},0.12万户,户\n"));
        assert_eq!(location, "a.csv:2:31");
        assert_eq!(
            message,
            "expected the unit of the actual `0.12万户` (万户), found `户` in the measure column"
        );
        // S7: a share outside its tier.
        let (_, message, _) = error("id,actual\n558001-unit-49349b,部分达成 90%\n");
        assert_eq!(
            message,
            "expected a share within 60%–<80% for 部分达成, found `90%`"
        );
        // NaN and infinities.
        for cell in ["NaN", "inf"] {
            let (_, message, _) = error(&format!("id,actual\n{SURVEY},{cell}\n"));
            assert!(message.ends_with(&format!("found `{cell}`")), "{message}");
        }
    }

    /// Hostile inputs never panic: a fixed-seed generator glues fragments of CSV, numbers,
    /// units, tier words, quotes and line breaks under assorted headers.
    #[test]
    fn arbitrary_input_is_an_error_or_actuals_never_a_panic() {
        const PIECES: &[&str] = &[
            ",",
            ",",
            "\"",
            "\"\"",
            "\n",
            "\r\n",
            "\t",
            " ",
            "",
            "1",
            "-",
            "1e40",
            "1,250",
            "０．５",
            "%",
            "万户",
            "亿元",
            "天",
            "月",
            "家",
            "达成",
            "部分达成",
            " 75%",
            "：说明",
            "不适用",
            "/",
            "NaN",
            "预算执行率",
            "budget",
            "indicator",
            SURVEY,
            "558001-f5aa59fe#budget",
            "558001-unit-49349b",
            "558001",
            "综合管理水平",
            "鼓励中小企业成长“规升巨”政策",
            "产出指标",
            "质量指标",
            "2024-11-30",
            "2024年底",
            "≥ 0.1 万户",
            "\u{feff}",
            "é",
            "\u{3000}",
        ];
        const HEADERS: &[&str] = &[
            "id,actual\n",
            "id,kind,unit,project,level1,level2,indicator,target,deadline,actual,measure,completed,note,budget,weight,score,deduction\n",
            "单位,项目名称,一级指标,二级指标,三级指标,实际完成值,度量单位\n",
            "id\tactual\tnote\n",
            "",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        let model = seed();
        let profile = Profile::national();
        for _ in 0..200 {
            let mut text = HEADERS[next(HEADERS.len())].to_owned();
            for _ in 0..next(24) {
                text.push_str(PIECES[next(PIECES.len())]);
            }
            let _ = read(
                "f.csv",
                text.as_bytes(),
                &model,
                &profile,
                &ReadOptions::default(),
            );
            let mut bytes = text.into_bytes();
            if !bytes.is_empty() {
                let at = next(bytes.len());
                bytes[at] = 0x80 | (next(0x7f) as u8);
            }
            let _ = read("f.csv", &bytes, &model, &profile, &ReadOptions::default());
        }
    }

    /// Reading in parts, a few a thread, says what reading in one piece says.
    mod parts {
        use super::*;

        fn generated(projects: usize) -> (Department, String) {
            let model = crate::generate::department(&crate::generate::Options::new(projects, 7));
            let mut csv = Vec::new();
            crate::generate::actuals_csv(&model, 7, &mut csv).expect("writing into memory");
            (
                model,
                String::from_utf8(csv).expect("generated files are UTF-8"),
            )
        }

        /// The reading of `text` on `jobs` threads in parts of at least a byte (a few parts a
        /// thread), and in one piece.
        fn both(model: &Department, text: &str, jobs: usize) -> (String, String) {
            let read = |part_bytes, jobs| {
                let options = ReadOptions {
                    jobs: NonZeroUsize::new(jobs),
                    ..ReadOptions::default()
                };
                let profile = Profile::national();
                let read = read_in_parts_of(
                    "a.csv",
                    text.as_bytes(),
                    |_, _| {},
                    model,
                    &profile,
                    &options,
                    part_bytes,
                );
                format!("{read:#?}")
            };
            (read(1, jobs), read(usize::MAX, 1))
        }

        /// Whether the parts were joined, without reading again in one piece.
        fn joined(model: &Department, text: &str, parts: usize) -> bool {
            let source = TableSource::new("a.csv", text);
            let index = Index::new(model, None);
            let profile = Profile::national();
            let mut head = Reader::new(&source, &index, &|_| {}, &profile, "UTF-8");
            let body = head.read_header().expect("a header");
            head.read_parts(body, parts, NonZeroUsize::new(2)).is_some()
        }

        #[test]
        fn a_generated_file_read_in_parts_on_two_three_and_eight_threads_is_the_same() {
            let (model, text) = generated(60);
            for parts in [2, 3, 8] {
                assert!(joined(&model, &text, parts), "{parts} parts");
                let (in_parts, whole) = both(&model, &text, parts);
                assert!(in_parts.contains("Quantity"), "rows were read");
                assert_eq!(in_parts, whole, "{parts} parts");
            }
        }

        #[test]
        fn a_split_inside_a_quoted_cell_is_read_again_in_one_piece() {
            let (model, text) = generated(30);
            // A note of many lines around the middle of the file: the split falls inside it.
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            let middle = lines.len() / 2;
            let note = format!("\"{}\"", "第一行\n".repeat(lines.len()));
            let row = &mut lines[middle];
            let cells: Vec<&str> = row.split(',').collect();
            assert_eq!(cells.len(), 16, "{row}");
            *row = [&cells[..12], &[note.as_str()], &cells[13..]]
                .concat()
                .join(",");
            let text = lines.join("\n") + "\n";
            assert!(!joined(&model, &text, 2));
            let (in_parts, whole) = both(&model, &text, 2);
            assert!(
                in_parts.contains("第一行\\n第一行"),
                "the note was read whole"
            );
            assert_eq!(in_parts, whole);
        }

        #[test]
        fn a_row_repeated_in_another_part_is_the_error_one_piece_gives() {
            let (model, text) = generated(30);
            let first = text.lines().nth(1).expect("a row");
            let text = format!("{text}{first}\n");
            assert!(!joined(&model, &text, 3));
            let (in_parts, whole) = both(&model, &text, 3);
            assert!(whole.contains("found a second"), "{whole}");
            assert_eq!(in_parts, whole);
        }

        #[test]
        fn errors_in_two_parts_are_the_first_one_as_one_piece_says() {
            let (model, text) = generated(30);
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            let last = lines.len() - 1;
            for at in [last / 4, last] {
                let mut cells: Vec<&str> = lines[at].split(',').collect();
                assert_eq!(cells.len(), 16, "{}", lines[at]);
                cells[1] = "nonsense";
                lines[at] = cells.join(",");
            }
            let text = lines.join("\n") + "\n";
            let (in_parts, whole) = both(&model, &text, 2);
            assert!(whole.contains("nonsense"), "{whole}");
            assert_eq!(in_parts, whole);
        }

        #[test]
        fn a_column_without_a_name_is_warned_about_once_whatever_the_parts() {
            let (model, text) = generated(30);
            let text: String = text
                .lines()
                .enumerate()
                .map(|(at, line)| match at {
                    0 => format!("{line},\n"),
                    _ => format!("{line},x\n"),
                })
                .collect();
            assert!(joined(&model, &text, 4));
            let (in_parts, whole) = both(&model, &text, 4);
            assert_eq!(in_parts.matches("has no name in the header").count(), 1);
            assert_eq!(in_parts, whole);
        }

        /// The ranges `read_releasing` gives back, sorted, and what it read.
        fn released(bytes: &[u8], model: &Department, parts: usize) -> (Vec<Range<usize>>, String) {
            let ranges = std::sync::Mutex::new(Vec::new());
            let options = ReadOptions {
                jobs: NonZeroUsize::new(parts),
                ..ReadOptions::default()
            };
            let read = read_in_parts_of(
                "a.csv",
                bytes,
                |given: &&[u8], range| {
                    assert!(std::ptr::eq(*given, bytes));
                    ranges.lock().expect("not poisoned").push(range);
                },
                model,
                &Profile::national(),
                &options,
                1,
            );
            let mut ranges = ranges.into_inner().expect("not poisoned");
            ranges.sort_by_key(|r| r.start);
            (ranges, format!("{read:#?}"))
        }

        #[test]
        fn rows_read_are_given_back_once_each_and_read_the_same() {
            let (model, text) = generated(60);
            let body = text.find('\n').expect("a header") + 1;
            for parts in [1, 3] {
                let (ranges, read) = released(text.as_bytes(), &model, parts);
                assert_eq!(read, both(&model, &text, parts).1);
                assert!(
                    ranges.len() > 4,
                    "{} ranges of {} bytes",
                    ranges.len(),
                    text.len()
                );
                let mut end = body;
                for range in &ranges {
                    assert!(range.start >= end && range.end > range.start, "{ranges:?}");
                    // Whole rows: a range ends where a line starts.
                    assert_eq!(&text[range.end - 1..range.end], "\n");
                    end = range.end;
                }
                assert!(end <= text.len());
                // Nothing is held once read: each part gives back its last stretch too.
                let given: usize = ranges.iter().map(Range::len).sum();
                assert_eq!(given, text.len() - body);
            }
            // A BOM is skipped, and the ranges are of the bytes.
            let with_bom = [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat();
            let (ranges, _) = released(&with_bom, &model, 1);
            assert!(ranges.iter().all(|r| &with_bom[r.end - 1..r.end] == b"\n"));
        }

        #[test]
        fn a_decoded_copy_is_never_given_back() {
            let (model, text) = generated(60);
            let (gb18030, _, _) = encoding_rs::GB18030.encode(&text);
            let (ranges, read) = released(&gb18030, &model, 1);
            assert!(ranges.is_empty(), "{ranges:?}");
            assert!(read.contains("gb18030"), "{}", &read[..200]);
        }
    }
}
