//! Documents → model. A disclosure text (like the seed), a spec, or the JSON model; which one is
//! decided by content, not by the file's name.

pub mod budget_table;
pub mod disclosure;
pub mod json;
pub mod table;
mod vocabulary;

use std::fmt;

use crate::error::Result;
use crate::model::Department;

/// What an importer built, and what it had to do to build it.
#[derive(Debug, Clone)]
pub struct Imported {
    pub department: Department,
    pub notes: Vec<Note>,
    pub accounting: Accounting,
    /// 表9 项目支出预算表, when the document is a disclosure that has one.
    pub budget_table: Option<budget_table::BudgetTable>,
    /// For a spreadsheet (or a form): where the lines that notes and provenance name stood.
    pub places: Option<crate::syntax::table::Places>,
}

/// How bad a note is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// A repair that cannot change a result (a wrapped name joined).
    Note,
    /// Something a reviewer should check (a deadline taken from the other rows).
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
        })
    }
}

/// One thing an importer did to a row, with the row's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub line: u32,
    pub severity: Severity,
    /// A stable code, such as `missing-deadline`.
    pub code: &'static str,
    pub message: String,
}

impl Note {
    /// Like [`Note::render`], naming a spreadsheet's sheet and row where the note's line came
    /// from one.
    pub fn render_in(&self, file: &str, places: Option<&crate::syntax::table::Places>) -> String {
        match places.and_then(|p| p.row(self.line)) {
            Some(place) => format!(
                "{file}:{place}: {}[{}]: {}",
                self.severity, self.code, self.message
            ),
            None => self.render(file),
        }
    }

    /// `file:line: warning[code]: message`; `file: …` for a note about no line (line 0).
    pub fn render(&self, file: &str) -> String {
        if self.line == 0 {
            return format!("{file}: {}[{}]: {}", self.severity, self.code, self.message);
        }
        format!(
            "{file}:{}: {}[{}]: {}",
            self.line, self.severity, self.code, self.message
        )
    }
}

/// Why a row of an indicator table is not an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SetAside {
    /// A category row with no indicator under it (scoring.md S2).
    EmptyCategory,
    /// A category name on a row of its own, continued by the rows below it.
    CategoryHeading,
    /// Template text (`指标1:`, `……`).
    TemplateLeftover,
    /// Names without any target value.
    NoTarget,
    /// A table's budget execution row: its project's 预算资金情况, not an indicator.
    Budget,
}

impl SetAside {
    pub const ALL: [SetAside; 5] = [
        SetAside::EmptyCategory,
        SetAside::CategoryHeading,
        SetAside::TemplateLeftover,
        SetAside::NoTarget,
        SetAside::Budget,
    ];

    /// The stable name of the reason in JSON.
    pub fn code(self) -> &'static str {
        match self {
            SetAside::EmptyCategory => "empty_category",
            SetAside::CategoryHeading => "category_heading",
            SetAside::TemplateLeftover => "template_leftover",
            SetAside::NoTarget => "no_target",
            SetAside::Budget => "budget",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SetAside::EmptyCategory => "empty category rows",
            SetAside::CategoryHeading => "category heading rows",
            SetAside::TemplateLeftover => "template leftovers",
            SetAside::NoTarget => "rows without a target",
            SetAside::Budget => "budget execution rows",
        }
    }
}

/// Row accounting: every row of an indicator table is an indicator or set aside with a reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accounting {
    /// Non-blank rows seen in indicator tables.
    pub rows_seen: usize,
    pub indicators: usize,
    /// (reason, rows), in the order of [`SetAside::ALL`], zero counts left out.
    pub set_aside: Vec<(SetAside, usize)>,
    /// Lines of the document outside the target tables (other tables, prose), not read.
    pub other_lines: usize,
}

impl Accounting {
    pub fn set_aside_total(&self) -> usize {
        self.set_aside.iter().map(|(_, n)| n).sum()
    }

    /// The law every importer keeps: nothing is dropped silently.
    pub fn balances(&self) -> bool {
        self.rows_seen == self.indicators + self.set_aside_total()
    }

    /// Adds the counts of a part of a document read apart.
    pub(crate) fn add(&mut self, part: &Accounting) {
        self.rows_seen += part.rows_seen;
        self.indicators += part.indicators;
        self.other_lines += part.other_lines;
        for &(reason, n) in &part.set_aside {
            self.set_aside_more(reason, n);
        }
    }

    pub(crate) fn count(&mut self, reason: SetAside) {
        self.set_aside_more(reason, 1);
    }

    fn set_aside_more(&mut self, reason: SetAside, rows: usize) {
        match self.set_aside.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += rows,
            None => {
                self.set_aside.push((reason, rows));
                self.set_aside.sort();
            }
        }
    }
}

impl fmt::Display for Accounting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rows seen {} = indicators {} + set aside {}",
            self.rows_seen,
            self.indicators,
            self.set_aside_total()
        )?;
        if !self.set_aside.is_empty() {
            let parts: Vec<String> = self
                .set_aside
                .iter()
                .map(|(reason, n)| format!("{n} {}", reason.label()))
                .collect();
            write!(f, " ({})", parts.join(", "))?;
        }
        Ok(())
    }
}

/// Reads a disclosure text. `file` names the input in messages.
pub fn import_disclosure(file: &str, text: &str) -> Result<Imported> {
    disclosure::import(file, text, None)
}

/// The kinds of targets documents `kpi` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A budget disclosure as text, like the seed.
    Disclosure,
    /// A spec (`grammar/spec.md`).
    Spec,
    /// The JSON model (`kpi import --format json`).
    Json,
    /// A table of targets (CSV/TSV with 三级指标 and 年度指标值 or 指标值 columns).
    Table,
}

impl SourceKind {
    /// Decides by content: a spec starts with `kpi-spec`, JSON with `{`; the rest is a disclosure.
    pub fn detect(text: &str) -> SourceKind {
        let body = text.trim_start_matches('\u{feff}').trim_start();
        // JSON first: a spec's first word is a keyword, never `{…`, and a JSON model on one line
        // is a line of a quarter of a gigabyte for `looks_like_spec` to find the end of.
        if body.starts_with('{') {
            SourceKind::Json
        } else if crate::syntax::spec::looks_like_spec(text) {
            SourceKind::Spec
        } else if table::is_target_table(body) {
            SourceKind::Table
        } else {
            SourceKind::Disclosure
        }
    }
}

/// Reads targets from a file's bytes: a spreadsheet (a table of targets) or text in UTF-8 or
/// GB18030 of any kind [`import`] reads.
pub fn import_bytes(file: &str, bytes: &[u8]) -> Result<Imported> {
    if crate::syntax::workbook::is_workbook(bytes) {
        return table::import_bytes(file, bytes, None);
    }
    let (text, _) = crate::text::decode(bytes, None).map_err(|e| crate::Error::Input {
        file: file.to_owned(),
        message: e.to_string(),
        help: Some("save the file as UTF-8, or as GB18030/GBK".to_owned()),
    })?;
    import(file, &text)
}

/// Reads targets from any document `kpi` knows, detected by content.
pub fn import(file: &str, text: &str) -> Result<Imported> {
    import_with_jobs(file, text, None)
}

/// [`import`] on at most `jobs` threads (one per core, at most 8, when none is given): a large
/// spec or disclosure is read in parts. The model is the same whatever the number.
pub fn import_with_jobs(
    file: &str,
    text: &str,
    jobs: Option<std::num::NonZeroUsize>,
) -> Result<Imported> {
    let mut imported = import_as_detected(file, text, jobs)?;
    imported.department.shrink_to_fit();
    Ok(imported)
}

fn import_as_detected(
    file: &str,
    text: &str,
    jobs: Option<std::num::NonZeroUsize>,
) -> Result<Imported> {
    match SourceKind::detect(text) {
        SourceKind::Disclosure => disclosure::import(file, text, jobs),
        SourceKind::Table => table::import(file, text),
        SourceKind::Spec => {
            let (department, spec_notes) = crate::syntax::spec::parse_with_jobs(file, text, jobs)?;
            let notes = spec_notes
                .into_iter()
                .map(|n| Note {
                    line: n.line,
                    severity: Severity::Warning,
                    code: n.code,
                    message: n.message,
                })
                .collect();
            Ok(counted(department, notes))
        }
        SourceKind::Json => {
            if let Some(department) =
                json::read_in_shares(text.trim_start_matches('\u{feff}'), jobs)
            {
                return Ok(counted(department, Vec::new()));
            }
            let doc: json::ModelIn = serde_json::from_str(text.trim_start_matches('\u{feff}'))
                .map_err(|e| {
                    crate::error::LocatedError::at(
                        file,
                        e.line(),
                        text.lines()
                            .nth(e.line().saturating_sub(1))
                            .unwrap_or_default(),
                        text.lines()
                            .nth(e.line().saturating_sub(1))
                            .map(|l| {
                                l.char_indices()
                                    .nth(e.column().saturating_sub(1))
                                    .map_or(l.len(), |(i, _)| i)
                            })
                            .unwrap_or_default(),
                        1,
                        format!("expected the JSON model of `kpi import --format json`: {e}"),
                    )
                })?;
            let department = doc.department().map_err(|message| crate::Error::Input {
                file: file.to_owned(),
                message,
                help: None,
            })?;
            Ok(counted(department, Vec::new()))
        }
    }
}

/// The deadline most rows share (a unique most common one), for rows that have none.
pub(crate) fn shared_deadline(
    deadlines: impl Iterator<Item = crate::model::Deadline>,
) -> Option<crate::model::Deadline> {
    let mut counts: Vec<(crate::model::Deadline, usize)> = Vec::new();
    for deadline in deadlines {
        match counts.iter_mut().find(|(d, _)| *d == deadline) {
            Some((_, n)) => *n += 1,
            None => counts.push((deadline, 1)),
        }
    }
    let most = counts.iter().map(|(_, n)| *n).max()?;
    match counts
        .iter()
        .filter(|(_, n)| *n == most)
        .collect::<Vec<_>>()[..]
    {
        [(only, _)] => Some(*only),
        _ => None,
    }
}

/// The stable code of what the target grammar read generously.
pub(crate) fn target_note_code(note: &crate::syntax::target::TargetNote) -> &'static str {
    use crate::syntax::target::TargetNote;
    match note {
        TargetNote::ImpliedOperator => "implied-operator",
        TargetNote::StrayOperator(_) => "stray-operator",
        TargetNote::StrayUnit(_) => "stray-unit",
        TargetNote::UnknownUnit(_) => "unknown-unit-of-measure",
        TargetNote::YearSpan => "year-span",
        TargetNote::NumericText(_) => "numeric-text",
    }
}

/// A model read from a structured document: every row is an indicator.
fn counted(department: Department, notes: Vec<Note>) -> Imported {
    let indicators = department.indicator_count();
    Imported {
        department,
        notes,
        accounting: Accounting {
            rows_seen: indicators,
            indicators,
            ..Accounting::default()
        },
        budget_table: None,
        places: None,
    }
}

#[cfg(test)]
mod tests {
    use super::SourceKind;

    /// A text that starts with `{` is JSON whatever its later lines say; a spec's keyword, after
    /// white space, a byte order mark or comments, makes a spec.
    #[test]
    fn sources_are_told_by_their_first_word() {
        for (text, kind) in [
            ("{\"department\": {}}", SourceKind::Json),
            ("\u{feff} \n\t{\nkpi-spec 1\n", SourceKind::Json),
            ("{\nproject \"a\"\n}", SourceKind::Json),
            ("kpi-spec 1\n{", SourceKind::Spec),
            (
                "\u{feff}# 注释\n\n  department \"沈阳市工业和信息化局\"\n",
                SourceKind::Spec,
            ),
            ("# {\nyear 2024\n", SourceKind::Spec),
        ] {
            assert_eq!(SourceKind::detect(text), kind, "{text:?}");
        }
    }
}
