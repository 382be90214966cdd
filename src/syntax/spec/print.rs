//! Model → spec text, in the canonical layout: every id written, strings quoted, targets in
//! their canonical one-cell form.

use std::fmt::Write;

use super::{MAGIC, VERSION};
use crate::model::{Category, Department, Indicator, Target};

/// The spec of `department`. Parsing it gives the same model back, apart from provenance.
pub fn print(department: &Department) -> String {
    let mut out = String::new();
    let title = match department.year {
        Some(year) => format!("{} {year}", department.name),
        None => department.name.clone(),
    };
    // A comment ends at the line's end: a name with a line break must not break out of it.
    let title: String = title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let _ = writeln!(out, "# kpi targets: {title}");
    let _ = writeln!(out, "{MAGIC} {VERSION}");
    let _ = writeln!(out, "department {}", quote(&department.name));
    if let Some(year) = department.year {
        let _ = writeln!(out, "year {year}");
    }
    allow(&mut out, "", &department.allow);
    for unit in &department.units {
        out.push('\n');
        let _ = writeln!(out, "unit {} {}", unit.code, quote(&unit.name));
        if let Some(goal) = &unit.goal {
            let _ = writeln!(out, "  goal {}", quote(goal));
        }
        for line in &unit.budget_lines {
            let _ = writeln!(out, "  line {} {}", quote(&line.name), line.amount);
        }
        allow(&mut out, "  ", &unit.allow);
        indicators(&mut out, &unit.indicators, &unit.empty_categories);
    }
    for project in &department.projects {
        out.push('\n');
        let _ = writeln!(out, "project {} {}", project.id, quote(&project.name));
        let _ = writeln!(out, "  unit {}", project.unit);
        if let Some(budget) = project.budget {
            let _ = writeln!(out, "  budget {budget}");
        }
        if let Some(goal) = &project.goal {
            let _ = writeln!(out, "  goal {}", quote(goal));
        }
        allow(&mut out, "  ", &project.allow);
        indicators(&mut out, &project.indicators, &project.empty_categories);
    }
    out
}

/// `allow CODE …`: lint findings silenced on purpose at this level.
fn allow(out: &mut String, indent: &str, codes: &[String]) {
    if !codes.is_empty() {
        let _ = writeln!(out, "{indent}allow {}", codes.join(" "));
    }
}

fn indicators(out: &mut String, indicators: &[Indicator], empty: &[Category]) {
    let mut current: Option<(&str, &str)> = None;
    for indicator in indicators {
        let category = (indicator.level1.as_str(), indicator.level2.as_str());
        if current != Some(category) {
            let _ = writeln!(
                out,
                "  category {} {}",
                quote(category.0),
                quote(category.1)
            );
            current = Some(category);
        }
        let _ = write!(
            out,
            "    indicator {} {} {}",
            indicator.id,
            quote(&indicator.name),
            target(&indicator.target)
        );
        if let Some(deadline) = indicator.deadline {
            let _ = write!(out, " by {deadline}");
        }
        if let Some(weight) = indicator.weight {
            let _ = write!(out, " weight {weight}");
        }
        if let Some(direction) = indicator.direction {
            let _ = write!(out, " direction {}", direction.keyword());
        }
        for code in indicator.allow.iter() {
            let _ = write!(out, " allow {code}");
        }
        out.push('\n');
    }
    for category in empty {
        let _ = write!(out, "  category {}", quote(&category.level1));
        if let Some(level2) = &category.level2 {
            let _ = write!(out, " {}", quote(level2));
        }
        out.push('\n');
    }
}

/// A target as the spec writes it: qualitative text quoted, the rest in canonical form.
pub(super) fn target(target: &Target) -> String {
    match target {
        Target::Qualitative(text) => quote(text),
        other => other.to_string(),
    }
}

/// A string literal: `"…"` with `\"`, `\\`, `\n`, `\t` escaped.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
