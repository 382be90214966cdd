//! `specs/report.schema.json` documents exactly what `kpi::report::eval::json` writes: an
//! evaluation built in code validates against it (with `specs/model.schema.json`, which its
//! indicators refer to, registered beside it), and documents that break it do not.

use std::path::Path;

use chrono::NaiveDate;
use jsonschema::{Draft, Registry, Validator};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use kpi::actuals::{
    Actual, ActualRow, Actuals, ActualsAccounting, ActualsSetAside, RowNumbers, Subject,
};
use kpi::eval::{Options, evaluate};
use kpi::import::{Note, Severity};
use kpi::model::{
    Category, Deadline, Department, Indicator, Measure, Operator, Project, Provenance, Target, Unit,
};
use kpi::profile::Profile;
use kpi::report::eval::{Report, json as report_json};

fn read_schema(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("specs")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// A draft 2020-12 validator for the report schema. The schema has no `$id`, so its relative
/// `$ref`s to `model.schema.json` resolve against the default base `json-schema:///`; the model
/// schema is registered there, as a file beside it would be found.
fn validator() -> Validator {
    let report = read_schema("report.schema.json");
    let model = read_schema("model.schema.json");
    for (name, schema) in [("report", &report), ("model", &model)] {
        if let Err(e) = jsonschema::draft202012::meta::validate(schema) {
            panic!(
                "specs/{name}.schema.json is not a valid draft 2020-12 schema: {e} at {}",
                e.instance_path()
            );
        }
    }
    let registry = Registry::new()
        .add("json-schema:///model.schema.json", model)
        .and_then(|r| r.prepare())
        .unwrap_or_else(|e| panic!("the model schema cannot be registered: {e}"));
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .with_registry(&registry)
        .build(&report)
        .unwrap_or_else(|e| panic!("specs/report.schema.json does not compile: {e}"))
}

/// Every validation error of `instance`, as `<instance path>: <message> (schema <path>)`.
fn errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| {
            let at = e.instance_path().to_string();
            let at = if at.is_empty() { "/".to_owned() } else { at };
            format!("{at}: {e} (schema {})", e.schema_path())
        })
        .collect()
}

fn d(s: &str) -> Decimal {
    s.parse().expect("a decimal")
}

fn indicator(id: &str, level1: &str, level2: &str, name: &str, target: Target) -> Indicator {
    Indicator {
        id: id.into(),
        level1: level1.into(),
        level2: level2.into(),
        name: name.into(),
        target,
        deadline: Some(Deadline::Month {
            year: 2024,
            month: 12,
        }),
        direction: None,
        weight: None,
        allow: Default::default(),
        source: Some(Provenance {
            line: 20,
            start: 0,
            end: 0,
        }),
    }
}

fn compare(op: Operator, value: &str, unit: &str) -> Target {
    Target::Compare {
        op,
        value: d(value),
        measure: Some(Measure::parse(unit)),
    }
}

/// Two projects, a unit with 表16 rows and one without; a range, a qualitative target, a target
/// not applicable, an empty category, names with `|`.
fn department() -> Department {
    let unit = |code: &str, name: &str, indicators| Unit {
        allow: Default::default(),
        code: code.to_owned(),
        name: name.to_owned(),
        goal: None,
        budget_lines: Vec::new(),
        indicators,
        empty_categories: Vec::new(),
        source: None,
    };
    Department {
        allow: Default::default(),
        name: "沈阳市工业和信息化局".to_owned(),
        year: Some(2024),
        units: vec![
            unit(
                "558001",
                "沈阳市工业和信息化局本级",
                vec![
                    indicator(
                        "558001-unit-000001",
                        "履职效能",
                        "重点工作履行情况",
                        "重点工作办结率",
                        compare(Operator::Eq, "100", "%"),
                    ),
                    indicator(
                        "558001-unit-000002",
                        "基础管理",
                        "依法行政能力",
                        "综合管理水平",
                        Target::Qualitative("管理规范".to_owned()),
                    ),
                ],
            ),
            unit("558002", "沈阳市先进制造业服务中心", Vec::new()),
        ],
        projects: vec![
            Project {
                allow: Default::default(),
                id: "558001-aaaa0001".to_owned(),
                name: "智能制造|示范项目".to_owned(),
                unit: "558001".to_owned(),
                budget: Some(d("35.88")),
                goal: None,
                indicators: vec![
                    indicator(
                        "558001-aaaa0001-000001",
                        "产出指标",
                        "数量指标",
                        "培育示范|项目",
                        Target::Range {
                            low: d("10"),
                            high: d("15"),
                            measure: Some(Measure::parse("个")),
                        },
                    ),
                    indicator(
                        "558001-aaaa0001-000002",
                        "产出指标",
                        "质量指标",
                        "验收合格率",
                        compare(Operator::Ge, "95", "%"),
                    ),
                    indicator(
                        "558001-aaaa0001-000003",
                        "产出指标",
                        "成本指标",
                        "成本",
                        Target::NotApplicable,
                    ),
                    indicator(
                        "558001-aaaa0001-000004",
                        "效益指标",
                        "社会效益指标",
                        "产业发展",
                        Target::Qualitative("促进发展".to_owned()),
                    ),
                ],
                empty_categories: vec![Category {
                    level1: "满意度指标".to_owned(),
                    level2: None,
                    source: Some(Provenance {
                        line: 30,
                        start: 0,
                        end: 0,
                    }),
                }],
                source: None,
            },
            Project {
                allow: Default::default(),
                id: "558001-bbbb0002".to_owned(),
                name: "=前期工作经费".to_owned(),
                unit: "558001".to_owned(),
                budget: Some(d("100")),
                goal: None,
                indicators: vec![
                    indicator(
                        "558001-bbbb0002-000001",
                        "产出指标",
                        "数量指标",
                        "完成项目数",
                        compare(Operator::Ge, "20", "个"),
                    ),
                    indicator(
                        "558001-bbbb0002-000002",
                        "满意度指标",
                        "服务对象满意度指标",
                        "企业满意度",
                        compare(Operator::Ge, "90", "%"),
                    ),
                ],
                empty_categories: Vec::new(),
                source: None,
            },
        ],
    }
}

fn row(line: u32, subject: Subject, actual: Actual) -> ActualRow {
    ActualRow {
        line,
        subject,
        actual,
        completed: None,
        note: None,
        numbers: None,
    }
}

fn quantity(value: &str, written: &str) -> Actual {
    Actual::Quantity {
        value: d(value),
        written: written.into(),
        different_nouns: false,
    }
}

/// Actuals with a claim that has a note (accepted under `--accept-claimed`), a deduction, a
/// completion date, an adjusted budget, and a row left unreported.
fn actuals() -> Actuals {
    let project = |project, indicator| Subject::ProjectIndicator { project, indicator };
    let mut claimed = row(3, project(0, 1), quantity("96", "96%"));
    claimed.numbers = RowNumbers {
        claimed: Some(d("20")),
        ..RowNumbers::default()
    }
    .boxed();
    claimed.note = Some("复核后|下调".into());
    claimed.completed = NaiveDate::from_ymd_opt(2025, 1, 15);
    let mut partial = row(
        4,
        project(0, 3),
        Actual::Tier {
            tier: 2,
            share: Some(d("75")),
            written: "部分达成 75%".into(),
        },
    );
    partial.note = Some("市场需求下降".into());
    partial.numbers = RowNumbers {
        deduction: Some(d("1")),
        ..RowNumbers::default()
    }
    .boxed();
    let mut budget = row(
        5,
        Subject::Budget { project: 0 },
        Actual::Spent {
            wan: d("30"),
            written: "30万元".into(),
        },
    );
    budget.numbers = RowNumbers {
        budget: Some(d("32")),
        claimed: Some(d("10")),
        ..RowNumbers::default()
    }
    .boxed();
    Actuals {
        file: "actuals.csv".to_owned(),
        places: None,
        encoding: "UTF-8",
        rows: vec![
            row(2, project(0, 0), quantity("12", "12个")),
            claimed,
            partial,
            budget,
            row(6, project(1, 0), quantity("16", "16个")),
            row(
                8,
                Subject::UnitIndicator {
                    unit: 0,
                    indicator: 0,
                },
                quantity("100", "100%"),
            ),
            row(
                9,
                Subject::UnitIndicator {
                    unit: 0,
                    indicator: 1,
                },
                Actual::Tier {
                    tier: 0,
                    share: None,
                    written: "达成".into(),
                },
            ),
        ],
        notes: vec![Note {
            line: 6,
            severity: Severity::Warning,
            code: "different-nouns",
            message: "个 compared with 项".to_owned(),
        }],
        accounting: ActualsAccounting {
            rows_read: 9,
            rows_used: 7,
            set_aside: vec![(ActualsSetAside::Blank, 1), (ActualsSetAside::Unfilled, 1)],
        },
    }
}

/// The report JSON of the evaluation, with or without `--accept-claimed`.
fn document(accept_claimed: bool) -> Value {
    let model = department();
    let actuals = actuals();
    let mut options = Options::new(Profile::national(), "t.kpi");
    options.accept_claimed = accept_claimed;
    let evaluation = evaluate(&model, &actuals, &options).expect("the evaluation succeeds");
    let text = report_json(&Report {
        model: &model,
        evaluation: &evaluation,
        actuals: &actuals,
        targets: "t.kpi",
    });
    serde_json::from_str(&text).expect("the report is JSON")
}

#[test]
fn report_json_validates_against_the_schema() {
    let validator = validator();
    for accept_claimed in [false, true] {
        let doc = document(accept_claimed);
        let errors = errors(&validator, &doc);
        assert!(
            errors.is_empty(),
            "the report (accept_claimed {accept_claimed}) does not match specs/report.schema.json ({} errors):\n{}\n{doc:#}",
            errors.len(),
            errors.join("\n")
        );
    }
    // What the document exercises: an accepted claim, a deduction, a unit without 表16 rows.
    let doc = document(true);
    let claimed = &doc["projects"][0]["indicators"][1];
    assert_eq!(claimed["accepted_claimed"], true, "{claimed:#}");
    assert_eq!(claimed["score"], "20.00");
    assert_eq!(claimed["rule_score"], "25.00");
    assert_eq!(claimed["completed"], "2025-01-15");
    assert_eq!(doc["projects"][0]["indicators"][3]["deduction"], "1");
    assert_eq!(doc["projects"][0]["indicators"][2]["status"], "不适用");
    assert_eq!(doc["projects"][0]["budget_execution"]["adjusted"], true);
    assert_eq!(doc["units"][1]["overall"], Value::Null);
    assert_eq!(doc["units"][1]["project_score"], Value::Null);
}

#[test]
fn schema_rejects_broken_documents() {
    let validator = validator();
    let good = document(false);
    assert!(errors(&validator, &good).is_empty());

    let first = "/projects/0/indicators/0";
    // (what, JSON pointer of the value to replace, the value, where the error must be)
    let broken: Vec<(&str, String, Value, String)> = vec![
        (
            "a score as a float number",
            "/projects/0/score".to_owned(),
            json!(86.36),
            "/projects/0/score".to_owned(),
        ),
        (
            "a score with one decimal",
            format!("{first}/score"),
            json!("25.0"),
            format!("{first}/score"),
        ),
        (
            "a negative weight",
            format!("{first}/weight"),
            json!("-1.00"),
            format!("{first}/weight"),
        ),
        (
            "a status in English",
            format!("{first}/status"),
            json!("met"),
            format!("{first}/status"),
        ),
        (
            "an unknown flag",
            "/projects/0/flags/0".to_owned(),
            json!("incomplete"),
            "/projects/0/flags/0".to_owned(),
        ),
        (
            "an unknown grade",
            "/projects/0/grade".to_owned(),
            json!("A"),
            "/projects/0/grade".to_owned(),
        ),
        (
            "a rate with a percent sign",
            "/projects/0/budget_execution/rate".to_owned(),
            json!("93.75%"),
            "/projects/0/budget_execution/rate".to_owned(),
        ),
        (
            "an unreadable evaluation date",
            "/evaluation/as_of".to_owned(),
            json!("31.12.2024"),
            "/evaluation/as_of".to_owned(),
        ),
        (
            "a model field broken: a non-ASCII operator",
            "/projects/0/indicators/1/operator".to_owned(),
            json!("≥"),
            "/projects/0/indicators/1/operator".to_owned(),
        ),
        (
            "a model field broken: an unknown kind",
            format!("{first}/kind"),
            json!("bogus"),
            format!("{first}/kind"),
        ),
        (
            "the raw text of the source line",
            format!("{first}/source/raw"),
            json!("\t产出指标\t数量指标"),
            format!("{first}/source/raw"),
        ),
        (
            "an unknown field on an indicator",
            format!("{first}/points"),
            json!("25.00"),
            first.to_owned(),
        ),
        (
            "a grade count as a string",
            "/department/grades/优".to_owned(),
            json!("1"),
            "/department/grades/优".to_owned(),
        ),
    ];
    for (what, pointer, value, path) in broken {
        let mut doc = good.clone();
        set(&mut doc, &pointer, value);
        let errors = errors(&validator, &doc);
        assert!(
            errors.iter().any(|e| e.starts_with(&format!("{path}: "))),
            "{what} must be rejected at {path}, got:\n{}",
            errors.join("\n")
        );
    }

    // A model rule applied through the reference: a compare target has no `high`.
    let mut compare_with_high = good.clone();
    set(
        &mut compare_with_high,
        "/projects/0/indicators/1/high",
        json!("100"),
    );
    assert!(!validator.is_valid(&compare_with_high));

    // A claim without `accepted_claimed`.
    let mut claim_alone = good.clone();
    remove(
        &mut claim_alone,
        "/projects/0/indicators/1",
        "accepted_claimed",
    );
    assert!(!validator.is_valid(&claim_alone));

    // Required parts.
    for (parent, field) in [
        ("/projects/0", "budget_execution"),
        ("/projects/0/indicators/0", "deadline"),
        ("/projects/0/indicators/0", "status"),
        ("/units/0", "overall"),
        ("/department/grades", "差"),
        ("", "accounting"),
    ] {
        let mut doc = good.clone();
        remove(&mut doc, parent, field);
        assert!(
            !validator.is_valid(&doc),
            "a document without {parent}/{field} must be rejected"
        );
    }
}

/// The report's indicator is the model's indicator plus the evaluation's fields: every field and
/// rule of `model.schema.json#/$defs/indicator` is referenced, so the two cannot drift apart.
#[test]
fn report_indicators_refer_to_every_part_of_the_model_indicator() {
    let report = read_schema("report.schema.json");
    let model = read_schema("model.schema.json");
    let ours = &report["$defs"]["indicator"];
    let theirs = &model["$defs"]["indicator"];
    let properties = theirs["properties"]
        .as_object()
        .expect("the model indicator has properties");
    for name in properties.keys() {
        if name == "weight" {
            // The model's weight is declared by a spec; the report's is the weight scored with.
            assert!(ours["properties"]["declared_weight"].is_object());
            assert_eq!(ours["properties"]["weight"]["$ref"], "#/$defs/points");
            continue;
        }
        let expected = if name == "source" {
            "model.schema.json#/$defs/source".to_owned()
        } else {
            format!("model.schema.json#/$defs/indicator/properties/{name}")
        };
        assert_eq!(
            ours["properties"][name]["$ref"], expected,
            "the report's indicator must refer to the model's `{name}`"
        );
    }
    let required: Vec<&Value> = ours["required"]
        .as_array()
        .expect("required")
        .iter()
        .collect();
    for name in theirs["required"].as_array().expect("required") {
        assert!(
            required.contains(&name),
            "the model requires {name}; so must the report"
        );
    }
    let rules = theirs["allOf"].as_array().map_or(0, Vec::len);
    let refs: Vec<String> = (0..rules)
        .map(|i| format!("model.schema.json#/$defs/indicator/allOf/{i}"))
        .collect();
    let ours_refs: Vec<String> = ours["allOf"]
        .as_array()
        .expect("allOf")
        .iter()
        .filter_map(|r| r["$ref"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(ours_refs, refs, "every kind rule of the model applies");
}

fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    let target = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent} in the document"));
    match target {
        Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        Value::Array(items) => {
            let i: usize = key.parse().expect("an index");
            items[i] = value;
        }
        other => panic!("{parent} is {other}"),
    }
}

fn remove(doc: &mut Value, parent: &str, key: &str) {
    doc.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object {parent}"))
        .remove(key);
}
