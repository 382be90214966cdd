//! A full disclosure's 表9 项目支出预算表 against its 表17 项目（政策）绩效目标表: every budgeted
//! project should have targets, every project with targets a budget row, the same budget in both,
//! and 表9's rows should add up.
//!
//! Names are paired in two passes. First by [`match_key`] (white space from line wraps and
//! full/half-width forms do not count); a pair written differently is reported as a note. Then
//! what is left is paired when the names differ "slightly": equal once punctuation is removed, or
//! one character apart (Levenshtein distance 1 on the punctuation-free keys, names of at least
//! four characters, the differing character not a numeral), and only when the pairing is unique
//! both ways. One character is what a slip or a synonym (再造 / 改造) makes; two characters in
//! names of 10–30 start to name different projects, and a numeral (2023 / 2024, 一期 / 二期)
//! always does.

use rust_decimal::Decimal;

use super::vocabulary::{CARRIED_OVER, NUMERALS};
use super::{Finding, Subject};
use crate::import::budget_table::{BudgetRow, BudgetTable};
use crate::model::{Department, Project};
use crate::text::match_key;

/// How a 表9 row and a 表17 project were paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pairing {
    /// Written the same.
    Same,
    /// The same [`match_key`] or the same without punctuation: width, spaces, punctuation.
    Format,
    /// One character apart.
    OneCharacter,
}

/// The pairs (表9 row index, project index, how) and what is left on either side.
#[derive(Debug, Default)]
pub(super) struct Paired {
    pub pairs: Vec<(usize, usize, Pairing)>,
    pub table_only: Vec<usize>,
    pub targets_only: Vec<usize>,
}

/// The key names are compared by in the second pass: [`match_key`] without punctuation.
fn loose_key(name: &str) -> String {
    match_key(name)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// What is left of two keys between their common prefix and suffix: (of `a`, of `b`).
fn difference(a: &str, b: &str) -> (String, String) {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    (
        a[prefix..a.len() - suffix].iter().collect(),
        b[prefix..b.len() - suffix].iter().collect(),
    )
}

/// How two names that are not the same by [`match_key`] differ slightly, if they do.
pub(super) fn slight(a: &str, b: &str) -> Option<Pairing> {
    let (a, b) = (loose_key(a), loose_key(b));
    if a == b {
        return Some(Pairing::Format);
    }
    let shortest = a.chars().count().min(b.chars().count());
    if shortest < 4 || strsim::levenshtein(&a, &b) != 1 {
        return None;
    }
    // One edit: what is left between the common prefix and suffix is the difference.
    let (x, y) = difference(&a, &b);
    let numeral = |c: char| c.is_ascii_digit() || NUMERALS.contains(c);
    (!x.chars().chain(y.chars()).any(numeral)).then_some(Pairing::OneCharacter)
}

/// The name of a project's unit, for pairing within a unit first.
fn unit_key(department: &Department, project: &Project) -> Option<String> {
    department
        .unit(&project.unit)
        .map(|u| match_key(&u.name).into_owned())
}

/// Pairs 表9's project rows with 表17's projects (see the module's documentation).
pub(super) fn pair(department: &Department, rows: &[BudgetRow]) -> Paired {
    let projects = &department.projects;
    let mut row_taken = vec![false; rows.len()];
    let mut project_taken = vec![false; projects.len()];
    let mut pairs = Vec::new();
    // 1. The same key, the same unit first.
    for (p, project) in projects.iter().enumerate() {
        let key = match_key(&project.name);
        let unit = unit_key(department, project);
        let candidates: Vec<usize> = (0..rows.len())
            .filter(|&r| !row_taken[r] && match_key(&rows[r].name) == key)
            .collect();
        let same_unit = candidates
            .iter()
            .copied()
            .find(|&r| rows[r].unit.as_deref().map(match_key).as_deref() == unit.as_deref());
        if let Some(r) = same_unit.or(candidates.first().copied()) {
            let how = if rows[r].name == project.name {
                Pairing::Same
            } else {
                Pairing::Format
            };
            row_taken[r] = true;
            project_taken[p] = true;
            pairs.push((r, p, how));
        }
    }
    // 2. Slight differences, unique both ways.
    let matches = |r: usize, p: usize| slight(&rows[r].name, &projects[p].name);
    for p in 0..projects.len() {
        if project_taken[p] {
            continue;
        }
        let candidates: Vec<(usize, Pairing)> = (0..rows.len())
            .filter(|&r| !row_taken[r])
            .filter_map(|r| matches(r, p).map(|how| (r, how)))
            .collect();
        let [(r, how)] = candidates[..] else {
            continue;
        };
        let rivals = (0..projects.len())
            .filter(|&q| q != p && !project_taken[q] && matches(r, q).is_some())
            .count();
        if rivals == 0 {
            row_taken[r] = true;
            project_taken[p] = true;
            pairs.push((r, p, how));
        }
    }
    Paired {
        pairs,
        table_only: (0..rows.len()).filter(|&r| !row_taken[r]).collect(),
        targets_only: (0..projects.len()).filter(|&p| !project_taken[p]).collect(),
    }
}

/// Every 表9 rule: pairings, projects on one side only, budgets, sums.
pub(super) fn check(department: &Department, table: &BudgetTable, out: &mut Vec<Finding>) {
    sums(department, table, out);
    if table.projects.is_empty() {
        // A 表9 without project rows was not read, not published empty: nothing to pair.
        return;
    }
    let paired = pair(department, &table.projects);
    for &(r, p, how) in &paired.pairs {
        let (row, project) = (&table.projects[r], &department.projects[p]);
        if let Some(finding) = name_difference(row, project, how) {
            out.push(finding);
        }
        if let Some(finding) = budget_differs(row, project) {
            out.push(finding);
        }
    }
    for &r in &paired.table_only {
        out.push(without_targets(department, &table.projects[r]));
    }
    for &p in &paired.targets_only {
        out.push(not_in_budget_table(&department.projects[p]));
    }
}

/// `name-differs` or `name-format-differs`: a pair whose names are not written the same.
fn name_difference(row: &BudgetRow, project: &Project, how: Pairing) -> Option<Finding> {
    let (code, what, help) = match how {
        Pairing::Same => return None,
        Pairing::Format => (
            "name-format-differs",
            "they differ only in width, spaces or punctuation".to_owned(),
            "write the name the same way in both tables",
        ),
        Pairing::OneCharacter => {
            let (x, y) = difference(&loose_key(&row.name), &loose_key(&project.name));
            let shown = |s: String| {
                if s.is_empty() {
                    "nothing".to_owned()
                } else {
                    format!("`{s}`")
                }
            };
            (
                "name-differs",
                format!(
                    "one character differs ({} in 表9, {} in 表17); lint pairs them as one project",
                    shown(x),
                    shown(y)
                ),
                "use one name in both tables: one of them is wrong, and ids, actuals and reviews go by name",
            )
        }
    };
    Some(
        Finding::project(
            code,
            project,
            format!(
                "表17 names the project `{}`, 表9 (line {}) `{}`: {what}",
                project.name, row.line, row.name
            ),
            help.to_owned(),
        )
        .related(row.line, format!("表9 names it `{}`", row.name)),
    )
}

/// `budget-differs`: a pair whose 表17 预算资金情况 is not its 表9 总计.
fn budget_differs(row: &BudgetRow, project: &Project) -> Option<Finding> {
    let budget = project.budget?;
    if budget == row.amount {
        return None;
    }
    Some(
        Finding::project(
            "budget-differs",
            project,
            format!(
                "表17 gives project {} a budget of {budget} 万元, 表9 (line {}) {} 万元",
                project.name, row.line, row.amount
            ),
            "the two tables must agree: correct the one that is wrong".to_owned(),
        )
        .related(row.line, format!("表9 budgets it at {} 万元", row.amount)),
    )
}

/// `project-without-targets`: a 表9 row no 表17 project pairs with.
fn without_targets(department: &Department, row: &BudgetRow) -> Finding {
    let carried = match_key(&row.name).contains(CARRIED_OVER);
    let mut message = format!(
        "表9 budgets `{}` at {} 万元, but 表17 has no targets for it",
        row.name, row.amount
    );
    if carried {
        message.push_str(
            "; it is carried over (结转), and its targets may have been published with its first year",
        );
    }
    let mut finding = Finding::new(
        "project-without-targets",
        Some(row.line),
        message,
        "publish its 项目（政策）绩效目标表 in 表17; a carried-over project whose targets stand elsewhere can be silenced with `allow project-without-targets` in the spec's department block".to_owned(),
    );
    finding.project = Some(Subject::named(&row.name));
    finding.unit = row
        .unit
        .as_deref()
        .map(|name| unit_subject(department, name));
    finding
}

/// The unit a 表9 row names, with its code when the model knows it.
fn unit_subject(department: &Department, name: &str) -> Subject {
    let key = match_key(name);
    match department.units.iter().find(|u| match_key(&u.name) == key) {
        Some(unit) => Subject::new(&unit.name, &unit.code),
        None => Subject::named(name),
    }
}

/// `not-in-budget-table`: a 表17 project no 表9 row pairs with.
fn not_in_budget_table(project: &Project) -> Finding {
    let budget = project
        .budget
        .map(|b| format!(" ({b} 万元)"))
        .unwrap_or_default();
    Finding::project(
        "not-in-budget-table",
        project,
        format!(
            "project {}{budget} has targets in 表17 but no row in 表9 (项目支出预算表)",
            project.name
        ),
        "add the project to 表9, or correct its name in one of the tables".to_owned(),
    )
}

/// `budget-sum-differs`: 表9's project rows against its 合计, and each unit's rows against the
/// unit's subtotal.
fn sums(department: &Department, table: &BudgetTable, out: &mut Vec<Finding>) {
    let total_of = |rows: &mut dyn Iterator<Item = &BudgetRow>| -> (Decimal, usize) {
        rows.fold((Decimal::ZERO, 0), |(sum, n), r| (sum + r.amount, n + 1))
    };
    if let Some(total) = &table.total {
        for (rows, what) in [(&table.projects, "project"), (&table.units, "unit")] {
            let (sum, n) = total_of(&mut rows.iter());
            if n > 0 && sum != total.amount {
                out.push(sum_differs(
                    total.line,
                    format!("表9's 合计 is {} 万元", total.amount),
                    (sum, n, what),
                    total.amount,
                ));
            }
        }
    }
    for unit in &table.units {
        let (sum, n) = total_of(
            &mut table
                .projects
                .iter()
                .filter(|p| p.unit.as_deref() == Some(unit.name.as_str())),
        );
        if n > 0 && sum != unit.amount {
            let mut finding = sum_differs(
                unit.line,
                format!(
                    "表9 gives unit {} a subtotal of {} 万元",
                    unit.name, unit.amount
                ),
                (sum, n, "project"),
                unit.amount,
            );
            finding.unit = Some(unit_subject(department, &unit.name));
            out.push(finding);
        }
    }
}

/// A `budget-sum-differs` finding: `stated`, and the (sum, count, noun) of the rows under it.
fn sum_differs(
    line: u32,
    stated: String,
    (sum, rows, noun): (Decimal, usize, &str),
    expected: Decimal,
) -> Finding {
    let difference = expected - sum;
    let (gap, word) = if difference > Decimal::ZERO {
        (difference, "less")
    } else {
        (-difference, "more")
    };
    let what = if rows == 1 { "row adds" } else { "rows add" };
    let what = format!("{noun} {what}");
    Finding::new(
        "budget-sum-differs",
        Some(line),
        format!("{stated}, but its {rows} {what} up to {sum} 万元 ({gap} {word})"),
        "a page of 表9 may be missing from the text, or an amount is wrong: the rows must add up to the total they stand under".to_owned(),
    )
}
