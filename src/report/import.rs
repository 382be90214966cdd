//! What `kpi import` shows: a summary for people, the JSON model, or the spec.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::import::{Accounting, Imported, Note};
use crate::model::json::ModelDoc;
use crate::model::{Department, Target};

/// The JSON of an import: the model (`specs/model.schema.json`), then what the importer did.
#[derive(Serialize)]
struct ImportDoc<'a> {
    #[serde(flatten)]
    model: ModelDoc,
    notes: Vec<NoteDoc<'a>>,
    accounting: AccountingDoc,
}

#[derive(Serialize)]
struct NoteDoc<'a> {
    line: u32,
    severity: String,
    code: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct AccountingDoc {
    rows_seen: usize,
    indicators: usize,
    set_aside: BTreeMap<&'static str, usize>,
    other_lines: usize,
}

fn accounting_doc(accounting: &Accounting) -> AccountingDoc {
    AccountingDoc {
        rows_seen: accounting.rows_seen,
        indicators: accounting.indicators,
        set_aside: accounting
            .set_aside
            .iter()
            .map(|(reason, n)| (reason.code(), *n))
            .collect(),
        other_lines: accounting.other_lines,
    }
}

/// The import as JSON. `text` is the source, for each row's raw line.
pub fn json(imported: &Imported, text: Option<&str>) -> String {
    let doc = ImportDoc {
        model: ModelDoc::new(&imported.department, text),
        notes: imported.notes.iter().map(note_doc).collect(),
        accounting: accounting_doc(&imported.accounting),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn note_doc(note: &Note) -> NoteDoc<'_> {
    NoteDoc {
        line: note.line,
        severity: note.severity.to_string(),
        code: note.code,
        message: &note.message,
    }
}

/// Counts of targets by kind: `171 >=, 115 =, 40 <=, 6 >, 79 qualitative`.
fn target_counts<'a>(targets: impl Iterator<Item = &'a Target>) -> String {
    let mut counts: BTreeMap<usize, (String, usize)> = BTreeMap::new();
    for target in targets {
        let (order, label) = match target {
            Target::Compare { op, .. } => (*op as usize, op.ascii().to_owned()),
            Target::Range { .. } => (10, "range".to_owned()),
            Target::Qualitative(_) => (11, "qualitative".to_owned()),
            Target::NotApplicable => (12, "not applicable".to_owned()),
        };
        counts.entry(order).or_insert((label, 0)).1 += 1;
    }
    counts
        .into_values()
        .map(|(label, n)| format!("{n} {label}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A summary for people: the department, its units and projects, and the row accounting.
pub fn summary(imported: &Imported) -> String {
    let d: &Department = &imported.department;
    let mut out = String::new();
    let year = d.year.map(|y| format!(" {y}")).unwrap_or_default();
    let _ = writeln!(out, "{}{year}", d.name);
    let unit_rows: usize = d.units.iter().map(|u| u.indicators.len()).sum();
    let _ = writeln!(
        out,
        "units: {} with {unit_rows} indicator rows",
        d.units.len()
    );
    let mut per_unit: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for project in &d.projects {
        *per_unit.entry(project.unit.as_str()).or_default() += 1;
    }
    for unit in &d.units {
        let projects = per_unit
            .get(unit.code.as_str())
            .copied()
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {}: {} indicator rows, {projects} projects",
            unit.code,
            unit.name,
            unit.indicators.len()
        );
    }
    let project_rows: usize = d.projects.iter().map(|p| p.indicators.len()).sum();
    let _ = writeln!(
        out,
        "projects: {} with {project_rows} indicator rows ({})",
        d.projects.len(),
        target_counts(
            d.projects
                .iter()
                .flat_map(|p| &p.indicators)
                .map(|i| &i.target)
        )
    );
    let incomplete = d
        .projects
        .iter()
        .filter(|p| !p.empty_categories.is_empty())
        .count();
    if incomplete > 0 {
        let _ = writeln!(
            out,
            "projects with empty categories (指标不完整): {incomplete}"
        );
    }
    let _ = writeln!(out, "{}", imported.accounting);
    let warnings = imported
        .notes
        .iter()
        .filter(|n| n.severity == crate::import::Severity::Warning)
        .count();
    let _ = writeln!(
        out,
        "{warnings} warnings, {} notes",
        imported.notes.len() - warnings
    );
    out
}
