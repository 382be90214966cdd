//! What `kpi lint` shows: compiler-style diagnostics for people, or JSON
//! (`specs/lint.schema.json`).
//!
//! ```text
//! error[capped-share]: `担保机构满意度 <= 100 %` caps a share that should be high: …
//!   --> examples/disclosure-2024.txt:1526
//!   = project: 融资担保补助项目 (558001-500d9777)
//!   = indicator: 担保机构满意度 (558001-500d9777-…)
//!   = help: write the target as a floor, `>= 100 %`; …
//! ```

use std::fmt::Write;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::lint::{AllowedBy, Finding, Lint, Severity, Subject};

/// The findings as diagnostics, then a summary line. `color` paints severities with ANSI codes.
pub fn text(lint: &Lint, color: bool) -> String {
    let mut out = String::new();
    for finding in &lint.findings {
        diagnostic(&mut out, lint, finding, color);
        out.push('\n');
    }
    let _ = writeln!(out, "{}", summary(lint));
    out
}

/// `examples/disclosure-2024.txt: 9 errors, 41 warnings, 2 notes; 3 silenced by allow`.
pub fn summary(lint: &Lint) -> String {
    let count = |severity: Severity, one: &str, many: &str| {
        let n = lint.count(severity);
        format!("{n} {}", if n == 1 { one } else { many })
    };
    let mut line = format!(
        "{}: {}, {}, {}",
        lint.file,
        count(Severity::Error, "error", "errors"),
        count(Severity::Warning, "warning", "warnings"),
        count(Severity::Note, "note", "notes"),
    );
    let _ = write!(line, "; {} silenced by `allow`", lint.silenced.len());
    line
}

fn paint(text: &str, style: Style, color: bool) -> String {
    if color {
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

fn severity_style(severity: Severity) -> Style {
    let color = match severity {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Note => AnsiColor::Cyan,
    };
    Style::new().bold().fg_color(Some(color.into()))
}

/// `name (id)`, or the name alone.
fn subject(s: &Subject) -> String {
    match &s.id {
        Some(id) => format!("{} ({id})", s.name),
        None => s.name.clone(),
    }
}

fn diagnostic(out: &mut String, lint: &Lint, finding: &Finding, color: bool) {
    let head = paint(
        &format!("{}[{}]", finding.severity, finding.code),
        severity_style(finding.severity),
        color,
    );
    let bold = Style::new().bold();
    let _ = writeln!(
        out,
        "{head}{}",
        paint(&format!(": {}", finding.message), bold, color)
    );
    let arrow = paint(
        "-->",
        Style::new().fg_color(Some(AnsiColor::Blue.into())),
        color,
    );
    let _ = writeln!(out, "  {arrow} {}", lint.location(finding.line));
    let eq = paint(
        "=",
        Style::new().fg_color(Some(AnsiColor::Blue.into())),
        color,
    );
    if let Some(unit) = &finding.unit {
        let _ = writeln!(out, "  {eq} unit: {}", subject(unit));
    }
    if let Some(project) = &finding.project {
        let _ = writeln!(out, "  {eq} project: {}", subject(project));
    }
    if let Some(indicator) = &finding.indicator {
        let _ = writeln!(out, "  {eq} indicator: {}", subject(indicator));
    }
    for related in &finding.related {
        let _ = writeln!(
            out,
            "  {eq} note: {}: {}",
            lint.location(Some(related.line)),
            related.message
        );
    }
    let _ = writeln!(out, "  {eq} help: {}", finding.help);
}

#[derive(Serialize)]
struct LintDoc<'a> {
    file: &'a str,
    summary: SummaryDoc,
    findings: Vec<FindingDoc<'a>>,
    silenced: Vec<FindingDoc<'a>>,
}

#[derive(Serialize)]
struct SummaryDoc {
    errors: usize,
    warnings: usize,
    notes: usize,
    silenced: usize,
}

#[derive(Serialize)]
struct SubjectDoc<'a> {
    name: &'a str,
    id: Option<&'a str>,
}

#[derive(Serialize)]
struct RelatedDoc<'a> {
    line: u32,
    location: String,
    message: &'a str,
}

#[derive(Serialize)]
struct FindingDoc<'a> {
    code: &'a str,
    severity: &'static str,
    line: Option<u32>,
    location: String,
    unit: Option<SubjectDoc<'a>>,
    project: Option<SubjectDoc<'a>>,
    indicator: Option<SubjectDoc<'a>>,
    message: &'a str,
    help: &'a str,
    related: Vec<RelatedDoc<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed_by: Option<&'static str>,
}

fn subject_doc(s: &Option<Subject>) -> Option<SubjectDoc<'_>> {
    s.as_ref().map(|s| SubjectDoc {
        name: &s.name,
        id: s.id.as_deref(),
    })
}

fn finding_doc<'a>(lint: &Lint, f: &'a Finding, allowed_by: Option<AllowedBy>) -> FindingDoc<'a> {
    FindingDoc {
        code: f.code,
        severity: f.severity.label(),
        line: f.line,
        location: lint.location(f.line),
        unit: subject_doc(&f.unit),
        project: subject_doc(&f.project),
        indicator: subject_doc(&f.indicator),
        message: &f.message,
        help: &f.help,
        related: f
            .related
            .iter()
            .map(|r| RelatedDoc {
                line: r.line,
                location: lint.location(Some(r.line)),
                message: &r.message,
            })
            .collect(),
        allowed_by: allowed_by.map(AllowedBy::label),
    }
}

/// The lint as JSON (`specs/lint.schema.json`).
pub fn json(lint: &Lint) -> String {
    let doc = LintDoc {
        file: &lint.file,
        summary: SummaryDoc {
            errors: lint.count(Severity::Error),
            warnings: lint.count(Severity::Warning),
            notes: lint.count(Severity::Note),
            silenced: lint.silenced.len(),
        },
        findings: lint
            .findings
            .iter()
            .map(|f| finding_doc(lint, f, None))
            .collect(),
        silenced: lint
            .silenced
            .iter()
            .map(|(f, by)| finding_doc(lint, f, Some(*by)))
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
