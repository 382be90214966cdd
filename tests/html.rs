//! `kpi::report::eval::html`: the page of the example evaluation (a snapshot, and what it must
//! and must not hold), and a department whose every name is hostile markup, which must show as
//! text.
//!
//! The pages are also written to `$CARGO_TARGET_TMPDIR` (`example.html`, `hostile.html`), for
//! `tests/browser/check-html.sh` to open in headless Chromium.

mod common;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use kpi::actuals::{Actual, ActualRow, Actuals, ActualsAccounting, ActualsSetAside, Subject};
use kpi::eval::{Evaluation, Options, evaluate};
use kpi::import::{Note, Severity};
use kpi::model::{
    Category, Deadline, Department, Indicator, Measure, Operator, Project, Target, Unit,
};
use kpi::profile::Profile;
use kpi::report::eval::{Report, html};

const ACTUALS: &str = "examples/actuals-2024.csv";

/// The example: `examples/actuals-2024.csv` against the embedded 2024 targets, as
/// `kpi eval examples/actuals-2024.csv` scores it.
fn example() -> (Department, Actuals, Evaluation) {
    let imported = kpi::import::import(kpi::embedded::SPEC_NAME, kpi::embedded::SPEC)
        .expect("the embedded targets import");
    let model = imported.department;
    let bytes = std::fs::read(common::root().join(ACTUALS)).expect("the example actuals exist");
    let profile = Profile::national();
    let actuals = kpi::actuals::read(
        ACTUALS,
        &bytes,
        &model,
        &profile,
        &kpi::actuals::ReadOptions::default(),
    )
    .expect("the example actuals read");
    let evaluation = evaluate(
        &model,
        &actuals,
        &Options::new(profile, kpi::embedded::SPEC_NAME),
    )
    .expect("the example evaluates");
    (model, actuals, evaluation)
}

fn render_example() -> (Department, Evaluation, String) {
    let (model, actuals, evaluation) = example();
    let page = html(&Report {
        model: &model,
        evaluation: &evaluation,
        actuals: &actuals,
        targets: kpi::embedded::SPEC_NAME,
    });
    (model, evaluation, page)
}

/// Text as it must appear in the page.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Elements that never have an end tag.
const VOID: [&str; 6] = ["meta", "link", "br", "hr", "img", "input"];

/// Checks that every element the page opens is closed in order: a `<` is only ever markup
/// (text from the inputs is escaped), so a tag from an input would break this.
fn assert_balanced(page: &str) {
    let mut open: Vec<String> = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>').expect("every tag closes");
        let tag = &after[..end];
        rest = &after[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let top = open
                .pop()
                .unwrap_or_else(|| panic!("`</{name}>` closes nothing"));
            assert_eq!(top, name, "`</{name}>` closes `<{top}>`");
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(!name.is_empty(), "`<{tag}>` is no tag");
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        open.push(name);
    }
    assert!(open.is_empty(), "left open: {open:?}");
}

#[test]
fn the_example_page_is_as_reviewed() {
    let (_, _, page) = render_example();
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("example.html");
    std::fs::write(&out, &page).expect("the page is written");

    insta::assert_snapshot!("example_html", page);
}

#[test]
fn the_example_page_loads_nothing_and_shows_everything() {
    let (model, evaluation, page) = render_example();
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n"));
    assert!(page.ends_with("</html>\n"));
    let lower = page.to_lowercase();
    for reference in [
        "http://",
        "https://",
        "src=",
        "<link",
        "@import",
        "url(",
        "<script",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "//fonts",
        "@font-face",
    ] {
        assert!(
            !lower.contains(reference),
            "the page refers to `{reference}`"
        );
    }
    assert!(page.contains("Content-Security-Policy"));
    assert_balanced(&page);

    // A section that expands for every project and every unit, each with its marked table.
    let projects = evaluation.projects.len();
    let units = evaluation.units.len();
    assert!(
        projects > 50 && units == 2,
        "{projects} projects, {units} units"
    );
    assert_eq!(page.matches("<details").count(), projects + units);
    assert_eq!(page.matches("<details class=\"project\"").count(), projects);
    assert_eq!(page.matches("data-kpi=\"project-table\"").count(), projects);
    let with_rows = evaluation
        .units
        .iter()
        .filter(|u| u.overall.is_some())
        .count();
    assert_eq!(page.matches("data-kpi=\"unit-table\"").count(), with_rows);
    assert!(
        !page.contains("<details open"),
        "every section starts closed"
    );

    // Every project is named, in its section and in both per-project charts.
    for project in &model.projects {
        let name = escaped(&project.name);
        assert!(
            page.contains(&format!("<span class=\"name\">{name}</span>")),
            "no section for {name}"
        );
        assert!(
            page.matches(&format!(". {name}：")).count() >= 2,
            "{name} is not in both charts' titles"
        );
    }
    for unit in &model.units {
        assert!(page.contains(&escaped(&unit.name)));
    }

    // The three charts, each described for assistive technology.
    assert_eq!(page.matches("<svg").count(), 3);
    for id in ["chart-scores", "chart-statuses", "chart-budget"] {
        assert!(page.contains(&format!("<title id=\"{id}-title\">")));
        assert!(page.contains(&format!("<desc id=\"{id}-desc\">")));
    }
    // One bar per project in the score chart, coloured by its grade.
    let scores = page
        .split("id=\"chart-scores\"")
        .nth(1)
        .and_then(|rest| rest.split("</svg>").next())
        .expect("the score chart");
    assert_eq!(scores.matches("<g><title>").count(), projects);
    assert_eq!(scores.matches("height=\"14\"").count(), projects);

    // Every score shown is one the evaluator computed.
    for result in &evaluation.projects {
        let total = format!("{:.2}", result.table.total);
        assert!(page.contains(&format!("<strong>{total}</strong>")));
    }
    assert_eq!(page, render_example().2, "deterministic");
}

fn d(s: &str) -> Decimal {
    s.parse().expect("a decimal")
}

/// Markup in every text a user's input can put on the page.
const HOSTILE: &str = "<script>alert(1)</script>\"'&";

fn hostile(label: &str) -> String {
    format!("{label}{HOSTILE}")
}

/// An indicator with hostile names; a project's level-1 names must be the profile's (S1), so
/// only a unit's is hostile.
fn indicator(id: &str, level1: String, target: Target) -> Indicator {
    Indicator {
        id: id.into(),
        level1: level1.into(),
        level2: hostile("二级").into(),
        name: hostile(&format!("指标{id}")).into(),
        target,
        deadline: Some(Deadline::Month {
            year: 2024,
            month: 12,
        }),
        direction: None,
        weight: None,
        allow: Default::default(),
        source: None,
    }
}

fn hostile_department() -> Department {
    Department {
        allow: Default::default(),
        name: hostile("部门"),
        year: Some(2024),
        units: vec![Unit {
            allow: Default::default(),
            code: hostile("558001"),
            name: hostile("单位"),
            goal: None,
            budget_lines: Vec::new(),
            indicators: vec![indicator(
                "u1",
                hostile("履职效能"),
                Target::Qualitative(hostile("目标")),
            )],
            empty_categories: vec![Category {
                level1: hostile("空类"),
                level2: Some(hostile("空二级")),
                source: None,
            }],
            source: None,
        }],
        projects: vec![Project {
            allow: Default::default(),
            id: "558001-aaaa0001".to_owned(),
            name: hostile("项目"),
            unit: hostile("558001"),
            budget: Some(d("100")),
            goal: None,
            indicators: vec![
                indicator(
                    "p1",
                    "产出指标".to_owned(),
                    Target::Compare {
                        op: Operator::Ge,
                        value: d("10"),
                        measure: Some(Measure::parse("个")),
                    },
                ),
                indicator(
                    "p2",
                    "效益指标".to_owned(),
                    Target::Qualitative(hostile("促进")),
                ),
            ],
            empty_categories: Vec::new(),
            source: None,
        }],
    }
}

fn hostile_actuals() -> Actuals {
    let row = |line, subject, actual| ActualRow {
        line,
        subject,
        actual,
        completed: None,
        note: Some(hostile("说明").into()),
        numbers: None,
    };
    let project = |indicator| Subject::ProjectIndicator {
        project: 0,
        indicator,
    };
    Actuals {
        file: hostile("actuals.csv"),
        places: None,
        encoding: "UTF-8",
        rows: vec![
            row(
                2,
                project(0),
                Actual::Quantity {
                    value: d("8"),
                    written: hostile("8个").into(),
                    different_nouns: false,
                },
            ),
            row(
                3,
                project(1),
                Actual::Tier {
                    tier: 2,
                    share: None,
                    written: hostile("部分达成").into(),
                },
            ),
            row(
                4,
                Subject::Budget { project: 0 },
                Actual::Spent {
                    wan: d("80"),
                    written: hostile("80万元").into(),
                },
            ),
            row(
                5,
                Subject::UnitIndicator {
                    unit: 0,
                    indicator: 0,
                },
                Actual::Tier {
                    tier: 0,
                    share: None,
                    written: hostile("达成").into(),
                },
            ),
        ],
        notes: vec![Note {
            line: 2,
            severity: Severity::Warning,
            code: "different-nouns",
            message: hostile("消息"),
        }],
        accounting: ActualsAccounting {
            rows_read: 5,
            rows_used: 4,
            set_aside: vec![(ActualsSetAside::Blank, 1)],
        },
    }
}

#[test]
fn every_text_from_the_inputs_shows_as_text() {
    let model = hostile_department();
    let actuals = hostile_actuals();
    let targets = hostile("targets.kpi");
    let evaluation = evaluate(
        &model,
        &actuals,
        &Options::new(Profile::national(), &targets),
    )
    .expect("the hostile department evaluates");
    assert_eq!(
        evaluation.as_of,
        NaiveDate::from_ymd_opt(2024, 12, 31).expect("a date")
    );
    let page = html(&Report {
        model: &model,
        evaluation: &evaluation,
        actuals: &actuals,
        targets: &targets,
    });

    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile.html");
    std::fs::write(&out, &page).expect("the page is written");

    assert!(
        !page.to_lowercase().contains("<script"),
        "a script got through"
    );
    assert!(!page.contains(HOSTILE));
    assert!(!page.contains("alert(1)</"));
    assert_balanced(&page);

    // Each text is on the page, escaped: in headings, tables, SVG titles and labels, notes.
    for text in [
        "部门",
        "单位",
        "558001",
        "项目",
        "履职效能",
        "二级",
        "指标p1",
        "指标p2",
        "指标u1",
        "目标",
        "促进",
        "空类",
        "空二级",
        "8个",
        "部分达成",
        "80万元",
        "说明",
        "消息",
        "actuals.csv",
        "targets.kpi",
    ] {
        let shown = escaped(&hostile(text));
        assert!(page.contains(&shown), "`{shown}` is not on the page");
    }
    // The project's name in its section, in both charts' bar titles and labels, and the page's
    // title.
    let name = escaped(&hostile("项目"));
    assert!(page.matches(&name).count() >= 5, "{page}");
    assert!(page.contains(&format!("<title>{}", escaped(&hostile("部门")))));
    // In SVG text, cut to fit, still escaped.
    assert!(page.contains("text-anchor=\"end\">1. 项目&lt;script&gt;"));
    let escapes = page
        .matches("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;")
        .count();
    assert!(escapes > 20, "only {escapes} escaped texts");
}
