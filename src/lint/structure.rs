//! Rules on a table as a whole: repeated names, empty categories, projects missing what every
//! project must state, and `allow`s that name no rule.

use std::collections::HashMap;

use super::{Finding, Owner, RULES, Subject, rule_of};
use crate::model::{Category, Department, Project};
use crate::text::match_key;

/// Table rules of `owner`: `duplicate-indicator`, `empty-category`.
pub(super) fn check_table(owner: Owner<'_>, out: &mut Vec<Finding>) {
    duplicate_indicators(owner, out);
    let categories = match owner {
        Owner::Unit(u) => &u.empty_categories,
        Owner::Project(p) => &p.empty_categories,
    };
    for category in categories {
        out.push(empty_category(owner, category));
    }
}

/// `duplicate-indicator`: a name that an earlier row of the same table has already.
pub(super) fn duplicate_indicators(owner: Owner<'_>, out: &mut Vec<Finding>) {
    let mut first: HashMap<String, usize> = HashMap::new();
    let rows = owner.indicators();
    for (i, indicator) in rows.iter().enumerate() {
        let key = match_key(&indicator.name).into_owned();
        let Some(&earlier) = first.get(&key) else {
            first.insert(key, i);
            continue;
        };
        let earlier = &rows[earlier];
        let where_ = earlier
            .source
            .map(|s| format!(" (line {})", s.line))
            .unwrap_or_default();
        let mut finding = Finding::row(
            "duplicate-indicator",
            owner,
            indicator,
            format!(
                "`{}` is named twice in {}: an earlier row{where_} has the same name",
                indicator.name,
                owner.describe()
            ),
            "give each row its own name, or remove the repeated one: actuals matched by name cannot tell them apart".to_owned(),
        );
        if let Some(source) = earlier.source {
            finding = finding.related(
                source.line,
                format!(
                    "the first `{}` ({} / {}: {})",
                    earlier.name, earlier.level1, earlier.level2, earlier.target
                ),
            );
        }
        out.push(finding);
    }
}

/// `empty-category`: a category row with no indicator under it (scoring.md S2: 指标不完整).
fn empty_category(owner: Owner<'_>, category: &Category) -> Finding {
    let label = match &category.level2 {
        Some(l2) => format!("{} / {l2}", category.level1),
        None => category.level1.clone(),
    };
    let mut finding = Finding::new(
        "empty-category",
        category.source.map(|s| s.line),
        format!(
            "category `{label}` of {} has no indicator under it (scoring.md S2: 指标不完整)",
            owner.describe()
        ),
        "add the indicators the category stands for, or remove the category row".to_owned(),
    );
    owner.mark(&mut finding);
    finding
}

/// Project rules: `no-output-or-benefit`, `no-quantitative`.
pub(super) fn check_project(project: &Project, out: &mut Vec<Finding>) {
    if let Some(finding) = no_output_or_benefit(project) {
        out.push(finding);
    }
    if let Some(finding) = no_quantitative(project) {
        out.push(finding);
    }
}

/// `no-output-or-benefit`: a project without 产出指标 rows or without 效益指标 rows.
pub(super) fn no_output_or_benefit(project: &Project) -> Option<Finding> {
    let has = |prefix: &str| {
        project
            .indicators
            .iter()
            .any(|i| match_key(&i.level1).starts_with(prefix))
    };
    let missing: Vec<&str> = [("产出", "产出指标"), ("效益", "效益指标")]
        .into_iter()
        .filter(|(prefix, _)| !has(prefix))
        .map(|(_, label)| label)
        .collect();
    if missing.is_empty() {
        return None;
    }
    Some(Finding::project(
        "no-output-or-benefit",
        project,
        format!(
            "project {} has no {} rows: it does not say {}",
            project.name,
            missing.join(" and no "),
            match missing[..] {
                [_, _] => "what it produces nor what it achieves",
                ["产出指标"] => "what it produces",
                _ => "what it achieves",
            }
        ),
        format!("add indicators under {}", missing.join(" and ")),
    ))
}

/// `no-quantitative`: a project whose indicators are all qualitative, so nothing is measured.
pub(super) fn no_quantitative(project: &Project) -> Option<Finding> {
    if project.indicators.is_empty()
        || project
            .indicators
            .iter()
            .any(|i| i.target.is_quantitative())
    {
        return None;
    }
    Some(Finding::project(
        "no-quantitative",
        project,
        format!(
            "every one of the {} indicators of project {} is qualitative: nothing is measured",
            project.indicators.len(),
            project.name
        ),
        "give at least one indicator a number and a unit (`>= 10 家`, `>= 95 %`)".to_owned(),
    ))
}

/// `unknown-lint-code`: an `allow` that names no rule, so it silences nothing.
pub(super) fn unknown_lint_codes(department: &Department, out: &mut Vec<Finding>) {
    let unknown = |codes: &[String]| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for code in codes.iter().filter(|c| rule_of(c).is_none()) {
            if !out.contains(code) {
                out.push(code.clone());
            }
        }
        out
    };
    let help = || {
        let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        format!("the codes are those of specs/lint.md: {}", codes.join(", "))
    };
    let message = |codes: &[String], at: &str| {
        let list: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
        format!(
            "`allow` {at} names {} no lint rule has, so it silences nothing",
            list.join(", ")
        )
    };
    let codes = unknown(&department.allow);
    if !codes.is_empty() {
        out.push(Finding::new(
            "unknown-lint-code",
            None,
            message(&codes, "of the department"),
            help(),
        ));
    }
    for unit in &department.units {
        let codes = unknown(&unit.allow);
        if !codes.is_empty() {
            let mut finding = Finding::new(
                "unknown-lint-code",
                unit.source.map(|s| s.line),
                message(&codes, &format!("of unit {}", unit.name)),
                help(),
            );
            finding.unit = Some(Subject::new(&unit.name, &unit.code));
            out.push(finding);
        }
        for indicator in &unit.indicators {
            let codes = unknown(&indicator.allow);
            if !codes.is_empty() {
                out.push(Finding::row(
                    "unknown-lint-code",
                    Owner::Unit(unit),
                    indicator,
                    message(&codes, &format!("on `{}`", indicator.name)),
                    help(),
                ));
            }
        }
    }
    for project in &department.projects {
        let codes = unknown(&project.allow);
        if !codes.is_empty() {
            out.push(Finding::project(
                "unknown-lint-code",
                project,
                message(&codes, &format!("of project {}", project.name)),
                help(),
            ));
        }
        for indicator in &project.indicators {
            let codes = unknown(&indicator.allow);
            if !codes.is_empty() {
                out.push(Finding::row(
                    "unknown-lint-code",
                    Owner::Project(project),
                    indicator,
                    message(&codes, &format!("on `{}`", indicator.name)),
                    help(),
                ));
            }
        }
    }
}
