//! `kpi lint`: review targets before anyone is scored against them.
//!
//! Half the defects of year-end scoring are set at the start of the year: a satisfaction rate
//! capped with `<=`, enterprises counted in 人, a cost ceiling above the project's budget, a
//! project of the budget table without targets. Each rule here finds one kind of defect and says
//! where it is, what is wrong and how to fix it (specs/lint.md documents every rule). Findings a
//! spec silences on purpose (`allow CODE` at department, unit, project or indicator level) are
//! kept apart and counted.
//!
//! Lint reads the model only; it never changes how anything is scored.

mod budget;
mod measures;
mod rows;
mod structure;
pub mod vocabulary;

use std::fmt;

use crate::import::Imported;
use crate::model::{Department, Indicator, Project, Unit};

/// How bad a finding is. Errors make `kpi lint` exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A target that cannot be scored as meant, or tables that contradict each other.
    Error,
    /// Something a reviewer should look at; it may be meant.
    Warning,
    /// Worth knowing; nothing to score differently.
    Note,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A rule: its stable code, its severity and what it finds, in one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

const fn rule(code: &'static str, severity: Severity, summary: &'static str) -> Rule {
    Rule {
        code,
        severity,
        summary,
    }
}

/// Every rule, in the order of specs/lint.md. A code is never reused for another rule.
pub const RULES: &[Rule] = &[
    rule(
        "capped-share",
        Severity::Error,
        "a satisfaction or completion share capped with <= or <",
    ),
    rule(
        "capped-output",
        Severity::Warning,
        "an output count (数量指标) capped with <= or <",
    ),
    rule(
        "raised-bad-count",
        Severity::Warning,
        "a count of violations or accidents asked for with >=, > or a non-zero =",
    ),
    rule(
        "time-limit-equals",
        Severity::Warning,
        "a time limit (a duration) written with =",
    ),
    rule(
        "share-over-100",
        Severity::Error,
        "a share (率, 比例, 满意度 …) with a percentage above 100",
    ),
    rule(
        "qualitative-with-unit",
        Severity::Warning,
        "a qualitative target written with a unit such as %",
    ),
    rule(
        "unit-mismatch",
        Severity::Warning,
        "a unit of measure that does not fit the indicator's name",
    ),
    rule(
        "cost-over-budget",
        Severity::Error,
        "a cost indicator (成本指标) whose amount exceeds the project's budget",
    ),
    rule(
        "duplicate-indicator",
        Severity::Warning,
        "the same indicator name twice in one table",
    ),
    rule(
        "empty-category",
        Severity::Warning,
        "a category row with no indicator under it",
    ),
    rule(
        "no-output-or-benefit",
        Severity::Warning,
        "a project without 产出指标 or without 效益指标",
    ),
    rule(
        "no-quantitative",
        Severity::Warning,
        "a project whose indicators are all qualitative",
    ),
    rule(
        "vague-target",
        Severity::Warning,
        "a qualitative target that is only a vague word (提升, 好)",
    ),
    rule(
        "name-differs",
        Severity::Warning,
        "a project named with one character different in 表9 and 表17",
    ),
    rule(
        "name-format-differs",
        Severity::Note,
        "a project written differently in 表9 and 表17 (width, spaces, punctuation)",
    ),
    rule(
        "project-without-targets",
        Severity::Warning,
        "a project of 表9 without targets in 表17",
    ),
    rule(
        "not-in-budget-table",
        Severity::Error,
        "a project of 表17 missing from 表9",
    ),
    rule(
        "budget-differs",
        Severity::Error,
        "a project whose budget differs between 表9 and 表17",
    ),
    rule(
        "budget-sum-differs",
        Severity::Error,
        "表9 rows that do not add up to its 合计 or to their unit's subtotal",
    ),
    rule(
        "unknown-lint-code",
        Severity::Warning,
        "an `allow` naming no lint rule",
    ),
];

/// The rule of `code`.
pub fn rule_of(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// A project, indicator or unit a finding is about: its name and, where it has one, its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub name: String,
    /// The stable id (a project's or an indicator's), or a unit's code; none for a 表9 row
    /// without targets or a unit `kpi` does not know.
    pub id: Option<String>,
}

impl Subject {
    fn new(name: &str, id: &str) -> Subject {
        Subject {
            name: name.to_owned(),
            id: (!id.is_empty()).then(|| id.to_owned()),
        }
    }

    fn named(name: &str) -> Subject {
        Subject {
            name: name.to_owned(),
            id: None,
        }
    }
}

/// Another place a finding points at: `表9 line 537 names it …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub line: u32,
    pub message: String,
}

/// One finding: a rule's code and severity, where, about what, what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    /// The line of the indicator, project, category or 表9 row; none for a model read from JSON
    /// without provenance.
    pub line: Option<u32>,
    /// The budget unit, for findings on a unit's own rows (表16) or a unit of 表9.
    pub unit: Option<Subject>,
    pub project: Option<Subject>,
    pub indicator: Option<Subject>,
    pub message: String,
    pub help: String,
    pub related: Vec<Related>,
}

impl Finding {
    /// A finding of rule `code`, which must be one of [`RULES`].
    fn new(code: &'static str, line: Option<u32>, message: String, help: String) -> Finding {
        let severity = rule_of(code).map_or(Severity::Error, |r| r.severity);
        debug_assert!(rule_of(code).is_some(), "{code} is not in RULES");
        Finding {
            code,
            severity,
            line,
            unit: None,
            project: None,
            indicator: None,
            message,
            help,
            related: Vec::new(),
        }
    }

    /// A finding about one indicator row of `owner`.
    fn row(
        code: &'static str,
        owner: Owner<'_>,
        indicator: &Indicator,
        message: String,
        help: String,
    ) -> Finding {
        let mut finding = Finding::new(code, indicator.source.map(|s| s.line), message, help);
        owner.mark(&mut finding);
        finding.indicator = Some(Subject::new(&indicator.name, &indicator.id));
        finding
    }

    /// A finding about a whole project.
    fn project(code: &'static str, project: &Project, message: String, help: String) -> Finding {
        let mut finding = Finding::new(code, project.source.map(|s| s.line), message, help);
        Owner::Project(project).mark(&mut finding);
        finding
    }

    fn related(mut self, line: u32, message: String) -> Finding {
        self.related.push(Related { line, message });
        self
    }

    /// The order findings are reported in: by line, then code, then what they are about.
    fn sort_key(&self) -> (u32, &'static str, Option<&str>, &str) {
        (
            self.line.unwrap_or(0),
            self.code,
            self.indicator.as_ref().and_then(|i| i.id.as_deref()),
            &self.message,
        )
    }
}

/// The table an indicator row stands in: a unit's overall table (表16) or a project's (表17).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owner<'a> {
    Unit(&'a Unit),
    Project(&'a Project),
}

impl<'a> Owner<'a> {
    fn indicators(self) -> &'a [Indicator] {
        match self {
            Owner::Unit(u) => &u.indicators,
            Owner::Project(p) => &p.indicators,
        }
    }

    fn mark(self, finding: &mut Finding) {
        match self {
            Owner::Unit(u) => finding.unit = Some(Subject::new(&u.name, &u.code)),
            Owner::Project(p) => finding.project = Some(Subject::new(&p.name, &p.id)),
        }
    }

    /// `unit 沈阳市工业和信息化局本级` or `project 老干部特需专项经费`, for messages.
    fn describe(self) -> String {
        match self {
            Owner::Unit(u) => format!("the overall table (表16) of {}", u.name),
            Owner::Project(p) => format!("project {}", p.name),
        }
    }
}

/// Every indicator table of the department: units' first, then projects', in source order.
fn owners(department: &Department) -> impl Iterator<Item = Owner<'_>> {
    department
        .units
        .iter()
        .map(Owner::Unit)
        .chain(department.projects.iter().map(Owner::Project))
}

/// Where an `allow` that silenced a finding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AllowedBy {
    Department,
    Unit,
    Project,
    Indicator,
}

impl AllowedBy {
    pub fn label(self) -> &'static str {
        match self {
            AllowedBy::Department => "department",
            AllowedBy::Unit => "unit",
            AllowedBy::Project => "project",
            AllowedBy::Indicator => "indicator",
        }
    }
}

/// What lint found in one document: the findings to report and those silenced on purpose.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lint {
    /// The document as the user named it.
    pub file: String,
    /// Findings in report order (by line, then code).
    pub findings: Vec<Finding>,
    /// Findings an `allow` silenced, in the same order, with where the `allow` stands.
    pub silenced: Vec<(Finding, AllowedBy)>,
    /// For a spreadsheet: the sheet and row each line stood at.
    pub places: Option<crate::syntax::table::Places>,
}

impl Lint {
    /// `file:line`, `file:Sheet!5:5` for a spreadsheet's row, or the file alone without a line.
    pub fn location(&self, line: Option<u32>) -> String {
        let file = &self.file;
        match line {
            Some(line) => match self.places.as_ref().and_then(|p| p.row(line)) {
                Some(place) => format!("{file}:{place}"),
                None => format!("{file}:{line}"),
            },
            None => file.clone(),
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}

/// Every finding on `imported`, silenced or not, in report order.
pub fn findings(imported: &Imported) -> Vec<Finding> {
    let department = &imported.department;
    let mut out = Vec::new();
    for owner in owners(department) {
        for indicator in owner.indicators() {
            rows::check(owner, indicator, &mut out);
        }
        structure::check_table(owner, &mut out);
    }
    for project in &department.projects {
        measures::cost_over_budget(project, &mut out);
        structure::check_project(project, &mut out);
    }
    measures::qualitative_with_unit(department, &imported.notes, &mut out);
    if let Some(table) = &imported.budget_table {
        budget::check(department, table, &mut out);
    }
    structure::unknown_lint_codes(department, &mut out);
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// Lints `imported`, read from `file`: its findings, less those its own `allow`s (and those of
/// `allows`, a spec whose `allow`s are matched by ids, for a document that cannot carry them)
/// silence.
pub fn lint(imported: &Imported, file: &str, allows: Option<&Department>) -> Lint {
    let mut lint = Lint {
        file: file.to_owned(),
        places: imported.places.clone(),
        ..Lint::default()
    };
    for finding in findings(imported) {
        let by = allowed_by(&finding, &imported.department)
            .into_iter()
            .chain(allows.and_then(|d| allowed_by(&finding, d)))
            .max();
        match by {
            Some(by) => lint.silenced.push((finding, by)),
            None => lint.findings.push(finding),
        }
    }
    lint
}

/// The innermost `allow` of `department` that silences `finding`, if any.
pub fn allowed_by(finding: &Finding, department: &Department) -> Option<AllowedBy> {
    let code = finding.code;
    let allows = |list: &[String]| list.iter().any(|c| c == code);
    let id_of = |s: &Option<Subject>| s.as_ref().and_then(|s| s.id.clone());
    if let Some(id) = id_of(&finding.indicator) {
        let rows = department
            .units
            .iter()
            .flat_map(|u| &u.indicators)
            .chain(department.projects.iter().flat_map(|p| &p.indicators));
        if rows.filter(|i| *i.id == *id).any(|i| allows(&i.allow)) {
            return Some(AllowedBy::Indicator);
        }
    }
    if let Some(id) = id_of(&finding.project)
        && department
            .projects
            .iter()
            .any(|p| p.id == id && allows(&p.allow))
    {
        return Some(AllowedBy::Project);
    }
    if let Some(code) = id_of(&finding.unit)
        && department.unit(&code).is_some_and(|u| allows(&u.allow))
    {
        return Some(AllowedBy::Unit);
    }
    allows(&department.allow).then_some(AllowedBy::Department)
}

/// `>= 100 %`-style quoting of a row: `担保机构满意度 <= 100 %`.
fn quoted(indicator: &Indicator) -> String {
    format!("`{} {}`", indicator.name, indicator.target)
}

#[cfg(test)]
mod tests;
