//! The evaluation as JSON, documented by `specs/report.schema.json`.
//!
//! Indicators reuse the model's JSON ([`IndicatorDoc`], `specs/model.schema.json`) flattened, with
//! the evaluation's fields beside them. Scores and weights are strings with two decimals
//! (`"12.50"`), money as the model holds it (`"35.88"`); statuses, flags and grades are their
//! Chinese labels. Optional fields are `null` when absent, except `claimed` (with
//! `accepted_claimed`) and `deduction`, which are left out when the actuals give none.

use std::collections::BTreeMap;

use serde::Serialize;

mod direct;

use rust_decimal::Decimal;

use super::{Fixed2, Report, fixed2, project_of, rows, unit_of};
use crate::actuals::Actuals;
use crate::eval::{
    BudgetResult, CategoryResult, Flags, GradeCounts, ProjectResult, RowResult, TableResult,
    UnitResult,
};
use crate::import::Note;
use crate::model::json::{DecimalString, IndicatorView, LineDoc, Shown};
use crate::model::{Category, Indicator, Project};

/// The report's keys before its projects.
#[derive(Serialize)]
struct HeadDoc<'a> {
    department: DepartmentDoc<'a>,
    evaluation: EvaluationDoc<'a>,
}

/// The report's keys after its projects and units.
#[derive(Serialize)]
struct TailDoc<'a> {
    accounting: AccountingDoc<'a>,
    notes: Vec<NoteDoc<'a>>,
}

#[derive(Serialize)]
struct DepartmentDoc<'a> {
    name: &'a str,
    year: Option<i32>,
    project_score: Option<String>,
    overall_score: Option<String>,
    grades: GradesDoc,
    unit_grades: GradesDoc,
    statuses: StatusesDoc,
}

#[derive(Serialize)]
struct GradesDoc {
    #[serde(rename = "优")]
    excellent: usize,
    #[serde(rename = "良")]
    good: usize,
    #[serde(rename = "中")]
    fair: usize,
    #[serde(rename = "差")]
    poor: usize,
}

impl GradesDoc {
    fn new(counts: &GradeCounts) -> GradesDoc {
        let [excellent, good, fair, poor] = counts.0;
        GradesDoc {
            excellent,
            good,
            fair,
            poor,
        }
    }
}

#[derive(Serialize)]
struct StatusesDoc {
    #[serde(rename = "达标")]
    met: usize,
    #[serde(rename = "未达标")]
    not_met: usize,
    #[serde(rename = "未填报")]
    not_reported: usize,
    #[serde(rename = "未到期")]
    pending: usize,
    #[serde(rename = "不适用")]
    not_applicable: usize,
}

#[derive(Serialize)]
struct EvaluationDoc<'a> {
    year: i32,
    as_of: String,
    profile: &'a str,
    accept_claimed: bool,
    targets: &'a str,
    actuals: &'a str,
}

/// A project's own keys, written by [`direct::project`] (its serde form is the reference the
/// writer is tested against); `indicators` follows, written by [`direct::indicator`].
#[derive(Serialize)]
struct ProjectDoc<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
    budget: Option<DecimalString>,
    score: Fixed2,
    grade: &'static str,
    flags: Labels,
    categories: Vec<CategoryScoreDoc<'a>>,
    empty_categories: Vec<EmptyCategoryDoc<'a>>,
    budget_execution: BudgetDoc<'a>,
}

#[derive(Serialize)]
struct CategoryScoreDoc<'a> {
    level1: &'a str,
    weight: Fixed2,
    score: Fixed2,
}

/// A category without indicators, as the model's JSON writes it, without its raw line.
#[derive(Serialize)]
struct EmptyCategoryDoc<'a> {
    level1: &'a str,
    level2: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<LineDoc>,
}

#[derive(Serialize)]
struct BudgetDoc<'a> {
    budget: Option<DecimalString>,
    adjusted: bool,
    spent: Option<DecimalString>,
    rate: Option<Fixed2>,
    points: Fixed2,
    score: Fixed2,
    rule_score: Fixed2,
    status: &'static str,
    flags: Labels,
    actual: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    claimed: Option<Fixed2>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted_claimed: Option<bool>,
    note: Option<&'a str>,
    line: Option<u32>,
}

#[derive(Serialize)]
struct IndicatorResultDoc<'a> {
    /// The model's fields; its `weight` (the spec's 分值) moves to `declared_weight`, so that
    /// `weight` is the weight the row was scored with.
    #[serde(flatten)]
    indicator: IndicatorView<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    declared_weight: Option<DecimalString>,
    actual: &'a str,
    status: &'static str,
    flags: Labels,
    weight: Fixed2,
    score: Fixed2,
    rule_score: Fixed2,
    completion: Option<Fixed2>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claimed: Option<Fixed2>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted_claimed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deduction: Option<DecimalString>,
    note: Option<&'a str>,
    completed: Option<Shown<Iso>>,
    line: Option<u32>,
}

/// Flags as their labels, written as an array without one being built.
struct Labels(Flags);

impl Serialize for Labels {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|f| f.label()))
    }
}

/// A date as `2024-12-31`.
struct Iso(chrono::NaiveDate);

impl std::fmt::Display for Iso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A day's deadline is written the same way.
        crate::model::Deadline::Day(self.0).write_text(f)
    }
}

#[derive(Serialize)]
struct UnitDoc<'a> {
    code: &'a str,
    name: &'a str,
    overall: Option<OverallDoc<'a>>,
    project_score: Option<String>,
    projects: usize,
    grades: GradesDoc,
}

#[derive(Serialize)]
struct OverallDoc<'a> {
    score: String,
    grade: &'static str,
    flags: Vec<&'static str>,
    categories: Vec<CategoryScoreDoc<'a>>,
    empty_categories: Vec<EmptyCategoryDoc<'a>>,
    indicators: Vec<IndicatorResultDoc<'a>>,
}

#[derive(Serialize)]
struct AccountingDoc<'a> {
    file: &'a str,
    encoding: &'a str,
    rows_read: usize,
    rows_used: usize,
    set_aside: BTreeMap<&'static str, usize>,
}

#[derive(Serialize)]
struct NoteDoc<'a> {
    line: u32,
    severity: String,
    code: &'a str,
    message: &'a str,
}

pub fn render(report: &Report<'_>) -> String {
    let mut out = Vec::new();
    write(report, &mut out, None).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the report to `out` as it is built: the bytes `serde_json::to_writer_pretty` writes for
/// one object of the head's keys, `projects`, `units` and the tail's keys, whatever the `jobs`
/// (threads rendering projects and units; one per core when not given). A province's report
/// never stands whole in memory.
pub fn write(
    report: &Report<'_>,
    mut out: impl std::io::Write,
    jobs: Option<std::num::NonZeroUsize>,
) -> std::io::Result<()> {
    // `{ …head… \n}` without its closing line, then the projects as its next key.
    let mut head = Vec::new();
    serde_json::to_writer_pretty(&mut head, &head_doc(report))?;
    let open = head
        .strip_suffix(b"\n}")
        .expect("a pretty object ends on its own line");
    out.write_all(open)?;
    out.write_all(b",\n  \"projects\": ")?;
    let projects = &report.evaluation.projects;
    write_array(
        report,
        projects,
        PROJECTS_CHUNK,
        render_projects,
        &mut out,
        jobs,
    )?;
    out.write_all(b",\n  \"units\": ")?;
    let units = &report.evaluation.units;
    write_array(report, units, UNITS_CHUNK, render_units, &mut out, jobs)?;
    // `{\n …tail… }` with its `{` replaced by the `,` after the units.
    out.write_all(b",")?;
    serde_json::to_writer_pretty(
        SkipFirst {
            out: &mut out,
            skip: 1,
        },
        &tail_doc(report),
    )?;
    out.write_all(b"\n")
}

/// Writes through to `out` all but the first `skip` bytes.
struct SkipFirst<W> {
    out: W,
    skip: usize,
}

impl<W: std::io::Write> std::io::Write for SkipFirst<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let skipped = self.skip.min(buf.len());
        self.skip -= skipped;
        if skipped == buf.len() {
            return Ok(buf.len());
        }
        self.out.write(&buf[skipped..]).map(|n| n + skipped)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Projects a worker renders at a time: about half a megabyte of JSON.
const PROJECTS_CHUNK: usize = 64;

/// Buffers each worker renders into in turn. While the writer waits on the file (a million-row
/// report is 863 MB into the page cache), the workers render ahead: with two buffers each they
/// waited too, and the report took up to 0.3 s longer (`KPI_TIMINGS`, alternating runs).
const BUFFERS_PER_WORKER: usize = 4;

/// Units a worker renders at a time: a unit's overall evaluation has a few dozen indicators.
const UNITS_CHUNK: usize = 8;

/// An array of `items` at the depth of a top-level key, as the pretty formatter writes it, each
/// chunk of `chunk` items by `render`. Chunks are rendered by one worker per core into buffers
/// that go round ([`BUFFERS_PER_WORKER`] each), and written in order: the bytes are the
/// single-threaded ones, memory stays a few chunks.
fn write_array<T: Sync>(
    report: &Report<'_>,
    items: &[T],
    chunk: usize,
    render: fn(&Report<'_>, &[T], &mut Vec<u8>),
    out: &mut impl std::io::Write,
    jobs: Option<std::num::NonZeroUsize>,
) -> std::io::Result<()> {
    let chunks: Vec<&[T]> = items.chunks(chunk).collect();
    let workers = crate::jobs::workers(jobs, chunks.len());
    let mut first = true;
    let mut emit = |rendered: &[u8], out: &mut dyn std::io::Write| -> std::io::Result<()> {
        if rendered.is_empty() {
            return Ok(());
        }
        // Every element starts with `,`; the array's first does not.
        out.write_all(if first { &rendered[1..] } else { rendered })?;
        first = false;
        Ok(())
    };
    out.write_all(b"[")?;
    if workers <= 1 {
        let mut buffer = Vec::new();
        for chunk in &chunks {
            buffer.clear();
            render(report, chunk, &mut buffer);
            emit(&buffer, out)?;
        }
    } else {
        std::thread::scope(|scope| -> std::io::Result<()> {
            let chunks = &chunks;
            // A worker's panic is sent on as its chunk and raised here: a worker that just
            // stopped would leave the writer waiting for that chunk for ever.
            let (done_tx, done_rx) =
                std::sync::mpsc::channel::<(usize, std::thread::Result<Vec<u8>>)>();
            let mut buffers = Vec::with_capacity(workers);
            for worker in 0..workers {
                let (buffer_tx, buffer_rx) =
                    std::sync::mpsc::sync_channel::<Vec<u8>>(BUFFERS_PER_WORKER);
                for _ in 0..BUFFERS_PER_WORKER {
                    buffer_tx
                        .send(Vec::new())
                        .expect("the worker's buffers fit its channel");
                }
                buffers.push(buffer_tx);
                let done = done_tx.clone();
                scope.spawn(move || {
                    for index in (worker..chunks.len()).step_by(workers) {
                        // No buffer or no reader: the writer stopped on an error.
                        let Ok(mut buffer) = buffer_rx.recv() else {
                            return;
                        };
                        let rendered =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                buffer.clear();
                                render(report, chunks[index], &mut buffer);
                                buffer
                            }));
                        let panicked = rendered.is_err();
                        if done.send((index, rendered)).is_err() || panicked {
                            return;
                        }
                    }
                });
            }
            drop(done_tx);
            let mut pending = BTreeMap::new();
            let mut next = 0;
            while next < chunks.len() {
                let (index, rendered) = done_rx
                    .recv()
                    .expect("every chunk is rendered by its worker");
                pending.insert(
                    index,
                    rendered.unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                );
                while let Some(buffer) = pending.remove(&next) {
                    emit(&buffer, out)?;
                    // The worker may have finished: a buffer it no longer needs is dropped.
                    let _ = buffers[next % workers].send(buffer);
                    next += 1;
                }
            }
            Ok(())
        })?;
    }
    out.write_all(if first { b"]" } else { b"\n  ]" })
}

/// Appends each project of `results` as an element of the projects array: its own keys, then its
/// indicators, its last key, each written directly ([`direct::project`], [`direct::indicator`]).
fn render_projects(report: &Report<'_>, results: &[ProjectResult], out: &mut Vec<u8>) {
    const CLOSE: &[u8] = b"\n    }";
    let mut scratch = String::new();
    for result in results {
        let Some(project) = project_of(report, result) else {
            continue;
        };
        out.extend_from_slice(b",\n    ");
        direct::project(out, 2, &project_doc(project, result, report.actuals));
        debug_assert!(
            out.ends_with(CLOSE),
            "a project object ends on its own line"
        );
        out.truncate(out.len() - CLOSE.len());
        out.extend_from_slice(b",\n      \"indicators\": [");
        let mut empty = true;
        for (indicator, row) in rows(&project.indicators, &result.table) {
            out.extend_from_slice(if empty { b"\n        " } else { b",\n        " });
            empty = false;
            direct::indicator(
                out,
                4,
                &indicator_doc(indicator, row, report.actuals),
                &mut scratch,
            );
        }
        if !empty {
            out.extend_from_slice(b"\n      ");
        }
        out.extend_from_slice(b"]");
        out.extend_from_slice(CLOSE);
    }
}

/// Appends each unit of `results` as an element of the units array.
fn render_units(report: &Report<'_>, results: &[UnitResult], out: &mut Vec<u8>) {
    let mut scratch = String::new();
    for unit in results.iter().filter_map(|r| unit_doc(report, r)) {
        out.extend_from_slice(b",\n    ");
        direct::unit(out, 2, &unit, &mut scratch);
    }
}

/// A comma, a line break and the indentation of up to 31 levels: a line of the pretty formatter,
/// after a comma or not, is a slice of it.
const COMMA_LINE: &[u8; 64] = b",\n                                                              ";

/// serde_json's pretty formatter (two spaces a level) for a value that starts `depth` levels
/// in, so that an array's elements are written in place instead of indented after.
struct Indented {
    depth: usize,
    has_value: bool,
}

impl Indented {
    fn at(depth: usize) -> Indented {
        Indented {
            depth,
            has_value: false,
        }
    }

    /// `before` (a line break, after a comma or not) and the indentation, in one write where the
    /// depth allows: a report's million indicators are thirty million lines.
    fn line<W: ?Sized + std::io::Write>(&self, out: &mut W, before: &[u8]) -> std::io::Result<()> {
        let from = match before {
            b",\n" => Some(0),
            b"\n" => Some(1),
            _ => None,
        };
        match from.and_then(|from| COMMA_LINE.get(from..2 + 2 * self.depth)) {
            Some(line) => out.write_all(line),
            None => {
                out.write_all(before)?;
                for _ in 0..self.depth {
                    out.write_all(b"  ")?;
                }
                Ok(())
            }
        }
    }

    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(out, b"\n")?;
        }
        out.write_all(bracket)
    }

    /// The line an array's element or an object's key starts on.
    fn next<W: ?Sized + std::io::Write>(&self, out: &mut W, first: bool) -> std::io::Result<()> {
        self.line(out, if first { b"\n" } else { b",\n" })
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(out, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(out, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
    ) -> std::io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

fn project_doc<'a>(
    project: &'a Project,
    result: &'a ProjectResult,
    actuals: &'a Actuals,
) -> ProjectDoc<'a> {
    let table = &result.table;
    ProjectDoc {
        id: &project.id,
        name: &project.name,
        unit: &project.unit,
        budget: project.budget.map(DecimalString),
        score: Fixed2(table.total),
        grade: table.grade.label(),
        flags: Labels(table.flags),
        categories: categories(&table.categories),
        empty_categories: empty_categories(&project.empty_categories),
        budget_execution: budget(&result.budget, actuals),
    }
}

fn head_doc<'a>(report: &'a Report<'a>) -> HeadDoc<'a> {
    let e = report.evaluation;
    let d = &e.department;
    let [met, not_met, not_reported, pending, not_applicable] = d.statuses;
    HeadDoc {
        department: DepartmentDoc {
            name: &report.model.name,
            year: report.model.year,
            project_score: d.project_score.map(fixed2),
            overall_score: d.overall_score.map(fixed2),
            grades: GradesDoc::new(&d.grades),
            unit_grades: GradesDoc::new(&d.unit_grades),
            statuses: StatusesDoc {
                met,
                not_met,
                not_reported,
                pending,
                not_applicable,
            },
        },
        evaluation: EvaluationDoc {
            year: e.year,
            as_of: e.as_of.format("%Y-%m-%d").to_string(),
            profile: &e.profile,
            accept_claimed: e.accept_claimed,
            targets: report.targets,
            actuals: &report.actuals.file,
        },
    }
}

fn tail_doc<'a>(report: &'a Report<'a>) -> TailDoc<'a> {
    TailDoc {
        accounting: AccountingDoc {
            file: &report.actuals.file,
            encoding: report.actuals.encoding,
            rows_read: report.actuals.accounting.rows_read,
            rows_used: report.actuals.accounting.rows_used,
            set_aside: report
                .actuals
                .accounting
                .set_aside
                .iter()
                .map(|(reason, n)| (reason.code(), *n))
                .collect(),
        },
        notes: report.evaluation.notes.iter().map(note).collect(),
    }
}

fn unit_doc<'a>(report: &'a Report<'a>, result: &'a UnitResult) -> Option<UnitDoc<'a>> {
    let unit = unit_of(report, result)?;
    Some(UnitDoc {
        code: &unit.code,
        name: &unit.name,
        overall: result.overall.as_ref().map(|table| OverallDoc {
            score: fixed2(table.total),
            grade: table.grade.label(),
            flags: labels(table.flags),
            categories: categories(&table.categories),
            empty_categories: empty_categories(&unit.empty_categories),
            indicators: indicators(&unit.indicators, table, report.actuals),
        }),
        project_score: result.project_score.map(fixed2),
        projects: result.projects,
        grades: GradesDoc::new(&result.grades),
    })
}

fn labels(flags: Flags) -> Vec<&'static str> {
    flags.iter().map(|f| f.label()).collect()
}

fn categories(categories: &[CategoryResult]) -> Vec<CategoryScoreDoc<'_>> {
    categories
        .iter()
        .map(|c| CategoryScoreDoc {
            level1: &c.level1,
            weight: Fixed2(c.weight),
            score: Fixed2(c.score),
        })
        .collect()
}

fn empty_categories(categories: &[Category]) -> Vec<EmptyCategoryDoc<'_>> {
    categories
        .iter()
        .map(|c| EmptyCategoryDoc {
            level1: &c.level1,
            level2: c.level2.as_deref(),
            source: c.source.map(|p| LineDoc { line: p.line }),
        })
        .collect()
}

/// A claimed score (S16) and whether it was accepted: both left out when there is none.
fn claim(claimed: Option<Decimal>, accepted: bool) -> (Option<Fixed2>, Option<bool>) {
    match claimed {
        Some(c) => (Some(Fixed2(c)), Some(accepted)),
        None => (None, None),
    }
}

fn budget<'a>(b: &'a BudgetResult, actuals: &'a Actuals) -> BudgetDoc<'a> {
    let (claimed, accepted_claimed) = claim(b.claimed(actuals), b.accepted_claimed);
    BudgetDoc {
        budget: b.budget.map(DecimalString),
        adjusted: b.adjusted,
        spent: b.spent.map(DecimalString),
        rate: b.rate.map(Fixed2),
        points: Fixed2(b.points),
        score: Fixed2(b.score),
        rule_score: Fixed2(b.rule_score),
        status: b.status.label(),
        flags: Labels(b.flags),
        actual: b.actual(actuals),
        claimed,
        accepted_claimed,
        note: b.note(actuals),
        line: b.line(actuals),
    }
}

fn indicators<'a>(
    indicators: &'a [Indicator],
    table: &'a TableResult,
    actuals: &'a Actuals,
) -> Vec<IndicatorResultDoc<'a>> {
    rows(indicators, table)
        .map(|(indicator, row)| indicator_doc(indicator, row, actuals))
        .collect()
}

fn indicator_doc<'a>(
    indicator: &'a Indicator,
    row: &'a RowResult,
    actuals: &'a Actuals,
) -> IndicatorResultDoc<'a> {
    // No source text: the line of the targets stays, its raw text does not.
    let (claimed, accepted_claimed) = claim(row.claimed(actuals), row.accepted_claimed);
    IndicatorResultDoc {
        indicator: IndicatorView::without_weight(indicator),
        declared_weight: indicator.weight.map(DecimalString),
        actual: row.actual(actuals),
        status: row.status.label(),
        flags: Labels(row.flags),
        weight: Fixed2(row.weight),
        score: Fixed2(row.score),
        rule_score: Fixed2(row.rule_score),
        completion: row.completion.map(Fixed2),
        claimed,
        accepted_claimed,
        deduction: row.deduction(actuals).map(DecimalString),
        note: row.note(actuals),
        completed: row.completed(actuals).map(|d| Shown(Iso(d))),
        line: row.line(actuals),
    }
}

fn note(note: &Note) -> NoteDoc<'_> {
    NoteDoc {
        line: note.line,
        severity: note.severity.to_string(),
        code: note.code,
        message: &note.message,
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroUsize;

    use serde_json::Value;

    use super::super::fixture::Fixture;
    use super::*;

    /// A line break and its indentation, at any depth, in one write or (deeper than the
    /// prepared spaces) in several.
    #[test]
    fn lines_are_indented_two_spaces_a_level_at_any_depth() {
        for depth in [0, 1, 5, 32, 33, 40] {
            for before in [&b""[..], b"\n", b",\n"] {
                let mut out = Vec::new();
                Indented::at(depth).line(&mut out, before).unwrap();
                let mut expected = before.to_vec();
                expected.extend(std::iter::repeat_n(b' ', 2 * depth));
                assert_eq!(out, expected, "depth {depth}, {before:?}");
            }
        }
    }

    /// The document as one value, as serde writes it: what `write` must write, in pieces.
    fn whole(report: &Report<'_>) -> String {
        #[derive(Serialize)]
        struct Whole<'a> {
            #[serde(flatten)]
            head: HeadDoc<'a>,
            projects: Vec<WholeProject<'a>>,
            units: Vec<UnitDoc<'a>>,
            #[serde(flatten)]
            tail: TailDoc<'a>,
        }
        /// A project as serde writes it, indicators included.
        #[derive(Serialize)]
        struct WholeProject<'a> {
            #[serde(flatten)]
            doc: ProjectDoc<'a>,
            indicators: Vec<IndicatorResultDoc<'a>>,
        }
        let e = report.evaluation;
        let projects = e.projects.iter().filter_map(|r| {
            let project = project_of(report, r)?;
            Some(WholeProject {
                doc: project_doc(project, r, report.actuals),
                indicators: indicators(&project.indicators, &r.table, report.actuals),
            })
        });
        let doc = Whole {
            head: head_doc(report),
            projects: projects.collect(),
            units: e.units.iter().filter_map(|r| unit_doc(report, r)).collect(),
            tail: tail_doc(report),
        };
        serde_json::to_string_pretty(&doc).unwrap() + "\n"
    }

    #[test]
    fn written_in_pieces_on_any_threads_it_is_the_whole_document() {
        let mut f = Fixture::new();
        for _ in 0..3 {
            // More projects and units than a worker's chunk, so that several workers share them,
            // and enough chunks that two workers' buffers go round more than once.
            let more = f.evaluation.projects.clone();
            f.evaluation
                .projects
                .extend(more.iter().cloned().cycle().take(250));
            let more = f.evaluation.units.clone();
            f.evaluation
                .units
                .extend(more.iter().cloned().cycle().take(10));
        }
        assert!(f.evaluation.projects.len() > 2 * (BUFFERS_PER_WORKER + 1) * PROJECTS_CHUNK);
        assert!(f.evaluation.units.len() > 2 * UNITS_CHUNK);
        let expected = whole(&f.report());
        for jobs in [1, 2, 3, 8] {
            let mut out = Vec::new();
            write(&f.report(), &mut out, std::num::NonZeroUsize::new(jobs)).unwrap();
            assert!(String::from_utf8(out).unwrap() == expected, "--jobs {jobs}");
        }
        f.evaluation.projects.clear();
        f.evaluation.units.clear();
        let empty = whole(&f.report());
        assert!(empty.contains("\"projects\": [],"));
        assert!(empty.contains("\"units\": [],"));
        assert_eq!(render(&f.report()), empty);
    }

    #[test]
    fn a_worker_that_panics_panics_the_writer_instead_of_leaving_it_waiting() {
        let f = Fixture::new();
        let items: Vec<usize> = (0..40).collect();
        fn render(_: &Report<'_>, chunk: &[usize], out: &mut Vec<u8>) {
            assert!(!chunk.contains(&17), "chunk with 17");
            out.extend_from_slice(b",1");
        }
        for jobs in [1, 2, 3] {
            let written = std::panic::catch_unwind(|| {
                let mut out = Vec::new();
                write_array(
                    &f.report(),
                    &items,
                    4,
                    render,
                    &mut out,
                    NonZeroUsize::new(jobs),
                )
            });
            assert!(written.is_err(), "--jobs {jobs}");
        }
    }

    fn parsed() -> Value {
        let f = Fixture::new();
        serde_json::from_str(&render(&f.report())).expect("the report is JSON")
    }

    #[test]
    fn json_carries_the_evaluation() {
        let doc = parsed();
        assert_eq!(doc["department"]["name"], "沈阳市工业和信息化局");
        assert_eq!(doc["department"]["project_score"], "81.68");
        assert_eq!(doc["department"]["overall_score"], "100.00");
        assert_eq!(doc["department"]["grades"]["良"], 2);
        assert_eq!(doc["department"]["statuses"]["达标"], 5);
        assert_eq!(doc["evaluation"]["as_of"], "2024-12-31");
        assert_eq!(doc["evaluation"]["profile"], "national");
        assert_eq!(doc["evaluation"]["targets"], "t.kpi");

        let first = &doc["projects"][0];
        assert_eq!(first["name"], "智能制造|示范项目");
        assert_eq!(first["score"], "86.36");
        assert_eq!(first["grade"], "良");
        assert_eq!(first["flags"][0], "指标不完整");
        assert_eq!(first["categories"][1]["level1"], "效益指标");
        assert_eq!(first["categories"][1]["weight"], "40.00");
        assert_eq!(first["categories"][1]["score"], "28.00");
        assert_eq!(first["empty_categories"][0]["level1"], "满意度指标");
        let budget = &first["budget_execution"];
        assert_eq!(budget["rate"], "83.61");
        assert_eq!(budget["points"], "10.00");
        assert_eq!(budget["score"], "8.36");
        assert_eq!(budget["claimed"], "10.00");
        assert_eq!(budget["accepted_claimed"], false);
        assert_eq!(budget["status"], "未达标");
        assert_eq!(budget["note"], Value::Null);
        assert_eq!(doc["projects"][1]["budget_execution"]["note"], "按期支付");
        assert!(
            doc["projects"][1]["budget_execution"]
                .get("claimed")
                .is_none()
        );

        let range = &first["indicators"][0];
        assert_eq!(range["kind"], "range");
        assert_eq!(range["target"], "10~15 个");
        assert_eq!(range["source"]["line"], 12);
        assert!(range["source"].get("raw").is_none());
        assert_eq!(range["weight"], "25.00");
        assert_eq!(range["status"], "达标");
        assert_eq!(range["line"], 2);
        assert!(range.get("claimed").is_none());
        let claimed = &first["indicators"][1];
        assert_eq!(claimed["claimed"], "20.00");
        assert_eq!(claimed["flags"][0], "得分不符");
        let tier = &first["indicators"][2];
        assert_eq!(tier["kind"], "qualitative");
        assert_eq!(tier["completion"], "70.00");
        assert_eq!(tier["note"], "市场|需求下降");

        let unit = &doc["units"][0];
        assert_eq!(unit["code"], "558001");
        assert_eq!(unit["overall"]["score"], "100.00");
        assert_eq!(unit["overall"]["grade"], "优");
        assert_eq!(
            unit["overall"]["indicators"].as_array().map(Vec::len),
            Some(2)
        );
        assert_eq!(unit["project_score"], "81.68");
        assert_eq!(doc["accounting"]["rows_read"], 11);
        assert_eq!(doc["accounting"]["set_aside"]["blank"], 1);
        assert_eq!(doc["notes"][0]["code"], "different-nouns");
    }

    #[test]
    fn json_is_deterministic_pretty_and_newline_terminated() {
        let f = Fixture::new();
        let a = render(&f.report());
        assert_eq!(a, render(&f.report()));
        assert!(a.starts_with("{\n  \"department\""));
        assert!(a.ends_with("}\n"));
    }

    #[test]
    fn a_declared_weight_does_not_repeat_the_weight_key() {
        let f = Fixture::new();
        let doc = parsed();
        let row = &doc["projects"][1]["indicators"][0];
        assert_eq!(row["declared_weight"], "50");
        assert_eq!(row["weight"], "50.00");
        // serde_json keeps the last of duplicate keys: count them in the text instead.
        let text = render(&f.report());
        let second = text
            .split("\"id\": \"558001-bbbb0002-000001\"")
            .nth(1)
            .and_then(|s| s.split('}').next())
            .expect("the second project's first indicator");
        assert_eq!(second.matches("\"weight\":").count(), 1, "{second}");
    }
}
