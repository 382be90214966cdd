//! The executable specification: every case of `specs/scoring/*.cases` (format in
//! `specs/scoring/README.md`) runs through the real pipeline — a spec, an actuals CSV, the
//! evaluation — and must give what it expects.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use kpi::eval::{Evaluation, Options, TableResult};
use kpi::profile::Profile;

#[derive(Debug, Default)]
struct ProjectCase {
    name: String,
    budget: String,
    /// Spec lines of its indicators and empty categories.
    spec: Vec<String>,
    spent: Option<String>,
    adjusted: Option<String>,
    budget_note: Option<String>,
    budget_claimed: Option<String>,
}

#[derive(Debug, Default)]
struct Case {
    file: String,
    line: usize,
    title: String,
    profile: String,
    profile_set: Vec<(String, String)>,
    as_of: Option<String>,
    accept_claimed: bool,
    unit_rows: Vec<String>,
    projects: Vec<ProjectCase>,
    /// (indicator name, column, value).
    cells: Vec<(String, String, String)>,
    /// (line, project index, key, expectation).
    expects: Vec<(usize, usize, String, String)>,
}

fn spec_row(body: &str, line: usize) -> String {
    let parts: Vec<&str> = body.split('|').map(str::trim).collect();
    assert!(
        parts.len() >= 4,
        "line {line}: a row needs 一级 | 二级 | 三级 | target"
    );
    let deadline = parts
        .get(4)
        .filter(|d| !d.is_empty())
        .copied()
        .unwrap_or("2024-12");
    let attributes = parts.get(5).copied().unwrap_or_default();
    format!(
        "  category \"{}\" \"{}\"\n    indicator \"{}\" {} by {deadline} {attributes}",
        parts[0], parts[1], parts[2], parts[3]
    )
}

fn parse_cases(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path).unwrap();
    let file = format!(
        "specs/scoring/{}",
        path.file_name().unwrap().to_string_lossy()
    );
    let mut cases: Vec<Case> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(title) = trimmed.strip_prefix("case:") {
            cases.push(Case {
                file: file.clone(),
                line,
                title: title.trim().to_owned(),
                profile: "national".to_owned(),
                ..Case::default()
            });
            continue;
        }
        let case = cases
            .last_mut()
            .unwrap_or_else(|| panic!("{file}:{line}: a setting before any `case:`"));
        if trimmed == "accept-claimed" {
            case.accept_claimed = true;
            continue;
        }
        let (key, value) = trimmed
            .split_once(':')
            .unwrap_or_else(|| panic!("{file}:{line}: expected `key: value`"));
        let value = value.trim().to_owned();
        let mut words = key.splitn(2, ' ');
        let head = words.next().unwrap_or_default();
        let label = words.next().map(str::trim).unwrap_or_default().to_owned();
        let needs_project = matches!(
            head,
            "row" | "empty" | "spent" | "adjusted" | "budget-note" | "budget-claimed"
        );
        if case.projects.is_empty() && needs_project {
            case.projects.push(ProjectCase {
                name: "项目".to_owned(),
                budget: "100".to_owned(),
                ..ProjectCase::default()
            });
        }
        let current = case.projects.len().saturating_sub(1);
        match head {
            "profile" => case.profile = value,
            "profile-set" => {
                let (k, v) = value.split_once('=').expect("profile-set: KEY = VALUE");
                case.profile_set
                    .push((k.trim().to_owned(), v.trim().to_owned()));
            }
            "as-of" => case.as_of = Some(value),
            "project" => {
                let (name, budget) = value.split_once('|').expect("project: NAME | BUDGET");
                case.projects.push(ProjectCase {
                    name: name.trim().to_owned(),
                    budget: budget.trim().to_owned(),
                    ..ProjectCase::default()
                });
            }
            "row" => case.projects[current].spec.push(spec_row(&value, line)),
            "unit-row" => case.unit_rows.push(spec_row(&value, line)),
            "empty" => {
                let names: Vec<String> = value
                    .split('|')
                    .map(|s| format!("\"{}\"", s.trim()))
                    .collect();
                case.projects[current]
                    .spec
                    .push(format!("  category {}", names.join(" ")));
            }
            "spent" => case.projects[current].spent = Some(value),
            "adjusted" => case.projects[current].adjusted = Some(value),
            "budget-note" => case.projects[current].budget_note = Some(value),
            "budget-claimed" => case.projects[current].budget_claimed = Some(value),
            "actual" | "note" | "completed" | "claimed" | "weight" | "deduction" => {
                case.cells.push((label, head.to_owned(), value));
            }
            "expect" => case.expects.push((line, current, label, value)),
            other => panic!("{file}:{line}: unknown setting `{other}`"),
        }
    }
    cases
}

/// The spec and the actuals CSV of a case.
fn documents(case: &Case) -> (String, String) {
    let mut spec =
        String::from("kpi-spec 1\ndepartment \"部门\"\nyear 2024\nunit 000001 \"单位\"\n");
    for row in &case.unit_rows {
        spec.push_str(row);
        spec.push('\n');
    }
    for project in &case.projects {
        let _ = writeln!(
            spec,
            "project \"{}\"\n  unit 000001\n  budget {}",
            project.name, project.budget
        );
        for line in &project.spec {
            spec.push_str(line);
            spec.push('\n');
        }
    }
    let mut csv = String::from(
        "unit,project,level1,level2,indicator,kind,actual,note,completed,score,weight,deduction,budget\n",
    );
    let model = kpi::import::import("case.kpi", &spec)
        .expect("the case's spec reads")
        .department;
    let single = model.indicator_count() == 1;
    let mut labels: Vec<&str> = Vec::new();
    for (label, _, _) in &case.cells {
        if !labels.contains(&label.as_str()) {
            labels.push(label);
        }
    }
    for label in labels {
        let cell = |column: &str| {
            case.cells
                .iter()
                .find(|(l, c, _)| l == label && c == column)
                .map(|(_, _, v)| quote(v))
                .unwrap_or_default()
        };
        let unit_row = model.units[0]
            .indicators
            .iter()
            .find(|i| *i.name == *label || single && label.is_empty());
        let (project, indicator) = match unit_row {
            Some(i) => (String::new(), i),
            None => model
                .projects
                .iter()
                .find_map(|p| {
                    p.indicators
                        .iter()
                        .find(|i| *i.name == *label || single && label.is_empty())
                        .map(|i| (p.name.clone(), i))
                })
                .unwrap_or_else(|| {
                    panic!("{}:{}: no indicator named `{label}`", case.file, case.line)
                }),
        };
        let _ = writeln!(
            csv,
            "000001,{},{},{},{},indicator,{},{},{},{},{},{},",
            quote(&project),
            quote(&indicator.level1),
            quote(&indicator.level2),
            quote(&indicator.name),
            cell("actual"),
            cell("note"),
            cell("completed"),
            cell("claimed"),
            cell("weight"),
            cell("deduction"),
        );
    }
    for project in &case.projects {
        if project.spent.is_none() && project.adjusted.is_none() && project.budget_claimed.is_none()
        {
            continue;
        }
        let _ = writeln!(
            csv,
            "000001,{},,,预算执行率,budget,{},{},,{},,,{}",
            quote(&project.name),
            quote(project.spent.as_deref().unwrap_or_default()),
            quote(project.budget_note.as_deref().unwrap_or_default()),
            project.budget_claimed.as_deref().unwrap_or_default(),
            project.adjusted.as_deref().unwrap_or_default(),
        );
    }
    (spec, csv)
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn profile(case: &Case) -> Profile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("specs/profiles")
        .join(format!("{}.toml", case.profile));
    let mut text = std::fs::read_to_string(path).expect("a built-in profile");
    for (key, value) in &case.profile_set {
        let start = text
            .find(&format!("\n{key} ="))
            .unwrap_or_else(|| panic!("profile has no key {key}"))
            + 1;
        let end = start + text[start..].find('\n').unwrap();
        text.replace_range(start..end, &format!("{key} = {value}"));
    }
    Profile::parse(&text).unwrap_or_else(|e| panic!("{}: {}", case.file, e.message))
}

fn run(case: &Case) -> Result<(kpi::model::Department, Evaluation), String> {
    let (spec, csv) = documents(case);
    let model = kpi::import::import("case.kpi", &spec)
        .map_err(|e| e.to_string())?
        .department;
    let profile = profile(case);
    let actuals = kpi::actuals::read(
        "case.csv",
        csv.as_bytes(),
        &model,
        &profile,
        &kpi::actuals::ReadOptions::default(),
    )
    .map_err(|e| e.to_string())?;
    let mut options = Options::new(profile, "case.kpi");
    options.as_of = case
        .as_of
        .as_deref()
        .map(|d| d.parse().expect("as-of: YYYY-MM-DD"));
    options.accept_claimed = case.accept_claimed;
    let evaluation = kpi::eval::evaluate(&model, &actuals, &options).map_err(|e| e.to_string())?;
    Ok((model, evaluation))
}

fn flags_of(flags: kpi::eval::Flags) -> Vec<String> {
    flags.iter().map(|f| f.label().to_owned()).collect()
}

/// `STATUS SCORE/WEIGHT [FLAGS…]` of a row, as the expectation writes it.
fn shown_row(
    status: &str,
    score: rust_decimal::Decimal,
    weight: rust_decimal::Decimal,
    flags: kpi::eval::Flags,
) -> String {
    let mut s = format!("{status} {score:.2}/{weight:.2}");
    for flag in flags_of(flags) {
        s.push(' ');
        s.push_str(&flag);
    }
    s
}

fn find_row<'a>(
    model: &kpi::model::Department,
    evaluation: &'a Evaluation,
    name: &str,
) -> Option<&'a kpi::eval::RowResult> {
    let in_table = |table: &'a TableResult, indicators: &[kpi::model::Indicator]| {
        table
            .rows
            .iter()
            .find(|r| *indicators[r.indicator as usize].name == *name)
    };
    evaluation
        .projects
        .iter()
        .find_map(|p| in_table(&p.table, &model.projects[p.project].indicators))
        .or_else(|| {
            evaluation.units.iter().find_map(|u| {
                u.overall
                    .as_ref()
                    .and_then(|t| in_table(t, &model.units[u.unit].indicators))
            })
        })
}

fn check(case: &Case) -> Vec<String> {
    let mut failures = Vec::new();
    let fail = |line: usize, message: String| {
        format!("{}:{line}: case `{}`: {message}", case.file, case.title)
    };
    let result = run(case);
    for (line, project, key, expected) in &case.expects {
        let expected = expected.split_whitespace().collect::<Vec<_>>().join(" ");
        let (model, evaluation) = match (&result, key.as_str()) {
            (Err(error), "error") => {
                if !error.contains(&expected) {
                    failures.push(fail(
                        *line,
                        format!("expected an error containing `{expected}`, found `{error}`"),
                    ));
                }
                continue;
            }
            (Err(error), _) => {
                failures.push(fail(
                    *line,
                    format!("expected `{key}: {expected}`, found the error `{error}`"),
                ));
                continue;
            }
            (Ok(_), "error") => {
                failures.push(fail(
                    *line,
                    format!("expected an error containing `{expected}`, found none"),
                ));
                continue;
            }
            (Ok((model, evaluation)), _) => (model, evaluation),
        };
        let p = evaluation.projects.get(*project);
        let found = match key.as_str() {
            "budget" => p.map(|p| {
                shown_row(
                    p.budget.status.label(),
                    p.budget.score,
                    p.budget.points,
                    p.budget.flags,
                )
            }),
            "total" => p.map(|p| format!("{:.2} {}", p.table.total, p.table.grade)),
            "project-flags" => p.map(|p| flags_of(p.table.flags).join(" ")),
            "unit" => evaluation.units[0]
                .overall
                .as_ref()
                .map(|t| format!("{:.2} {}", t.total, t.grade)),
            "department" => {
                let show = |d: Option<rust_decimal::Decimal>| {
                    d.map_or("-".to_owned(), |d| format!("{d:.2}"))
                };
                Some(format!(
                    "{} {}",
                    show(evaluation.department.project_score),
                    show(evaluation.department.overall_score)
                ))
            }
            "warning" => evaluation
                .notes
                .iter()
                .find(|n| n.message.contains(&expected) || n.code == expected)
                .map(|_| expected.clone())
                .or_else(|| Some(format!("no warning among {:?}", evaluation.notes))),
            k if k.starts_with("category ") => {
                let level1 = &k["category ".len()..];
                p.and_then(|p| p.table.categories.iter().find(|c| c.level1 == level1))
                    .map(|c| format!("{:.2}/{:.2}", c.score, c.weight))
            }
            name => {
                let name = if name.is_empty() {
                    first_name(model)
                } else {
                    name.to_owned()
                };
                find_row(model, evaluation, &name).map(|r| {
                    let mut shown = shown_row(r.status.label(), r.score, r.weight, r.flags);
                    if r.accepted_claimed {
                        shown.push_str(" (claimed)");
                    }
                    shown
                })
            }
        };
        match found {
            Some(found) if found == expected => {}
            Some(found) => failures.push(fail(
                *line,
                format!("expected `{expected}`, found `{found}`"),
            )),
            None => failures.push(fail(*line, format!("nothing to compare `{key}` with"))),
        }
    }
    failures
}

fn first_name(model: &kpi::model::Department) -> String {
    model
        .projects
        .iter()
        .flat_map(|p| &p.indicators)
        .chain(model.units.iter().flat_map(|u| &u.indicators))
        .next()
        .map(|i| i.name.to_string())
        .unwrap_or_default()
}

#[test]
fn every_rule_holds_in_its_cases() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/scoring");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cases"))
        .collect();
    files.sort();
    let rules: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy()[..3].to_owned())
        .collect();
    for n in 1..=17 {
        assert!(
            rules.contains(&format!("S{n:02}")),
            "specs/scoring has no cases for S{n}"
        );
    }
    let mut failures = Vec::new();
    let mut count = 0;
    for file in &files {
        for case in parse_cases(file) {
            assert!(
                !case.expects.is_empty(),
                "{}:{}: case `{}` expects nothing",
                case.file,
                case.line,
                case.title
            );
            count += 1;
            failures.extend(check(&case));
        }
    }
    assert!(count >= 60, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
