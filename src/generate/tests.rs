use std::collections::BTreeSet;

use super::*;
use crate::actuals::{Actual, ReadOptions};
use crate::import::{SetAside, Severity};
use crate::model::{Dimension, Operator, Target};
use crate::profile::Profile;

fn bytes(write: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out).expect("writing into memory cannot fail");
    out
}

/// Every file of a generated data set.
fn files(options: &Options) -> [Vec<u8>; 4] {
    let model = department(options);
    [
        bytes(|out| spec_text(&model, out)),
        bytes(|out| json_model(&model, out)),
        bytes(|out| disclosure_text(&model, out)),
        bytes(|out| actuals_csv(&model, options.seed, out)),
    ]
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("generated files are UTF-8")
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes() {
    let options = Options::new(120, 42);
    let first = files(&options);
    assert_eq!(first, files(&options));
    let other = files(&Options::new(120, 43));
    for (a, b) in first.iter().zip(&other) {
        assert_ne!(a, b);
    }
    // The actuals depend on their own seed, not only on the model.
    let model = department(&options);
    assert_ne!(
        bytes(|out| actuals_csv(&model, 1, out)),
        bytes(|out| actuals_csv(&model, 2, out))
    );
}

#[test]
fn a_department_without_projects_reads_back_too() {
    let model = department(&Options::new(0, 1));
    assert_eq!((model.units.len(), model.projects.len()), (1, 0));
    let disclosure = bytes(|out| disclosure_text(&model, out));
    let imported = crate::import::import_disclosure("generated.txt", text(&disclosure)).unwrap();
    assert!(imported.department.without_provenance() == model);
    let csv = bytes(|out| actuals_csv(&model, 1, out));
    let actuals = crate::actuals::read(
        "actuals.csv",
        &csv,
        &model,
        &Profile::national(),
        &ReadOptions::default(),
    )
    .unwrap();
    assert!(actuals.accounting.balances());
}

#[test]
fn options_default_to_one_unit_per_fifty_projects() {
    assert_eq!(Options::new(10, 1).units, 1);
    assert_eq!(Options::new(1000, 1).units, 20);
    let model = department(&Options {
        projects: 120,
        seed: 1,
        units: 0,
    });
    assert_eq!(model.units.len(), 2);
    let model = department(&Options {
        projects: 30,
        seed: 1,
        units: 7,
    });
    assert_eq!(model.units.len(), 7);
    assert_eq!(model.projects.len(), 30);
    let codes: BTreeSet<&str> = model.units.iter().map(|u| u.code.as_str()).collect();
    assert!(
        model
            .projects
            .iter()
            .all(|p| codes.contains(p.unit.as_str()))
    );
}

#[test]
fn the_model_has_the_variety_of_the_seed() {
    let model = department(&Options::new(400, 5));
    let rows: Vec<&crate::model::Indicator> =
        model.projects.iter().flat_map(|p| &p.indicators).collect();
    for project in &model.projects {
        let n = project.indicators.len();
        assert!((8..=12).contains(&n), "{} has {n} rows", project.name);
        let length = project.name.chars().count();
        assert!((8..=30).contains(&length), "{}", project.name);
        assert!(project.budget.is_some_and(|b| b.scale() == 2));
    }
    for row in &rows {
        let length = row.name.chars().count();
        assert!((4..=20).contains(&length), "{}", row.name);
    }
    let operators: BTreeSet<Operator> = rows.iter().filter_map(|r| r.target.operator()).collect();
    assert_eq!(operators.len(), Operator::ALL.len());
    let qualitative = rows
        .iter()
        .filter(|r| matches!(r.target, Target::Qualitative(_)))
        .count();
    let share = qualitative * 100 / rows.len();
    assert!((12..=30).contains(&share), "{share}% qualitative");
    assert!(
        rows.iter()
            .any(|r| matches!(r.target, Target::Range { .. }))
    );
    assert!(
        rows.iter()
            .any(|r| matches!(r.target, Target::NotApplicable))
    );
    assert!(rows.iter().any(|r| matches!(
        &r.target,
        Target::Compare { op: Operator::Eq, value, .. } if value.is_zero()
    )));
    let symbols: BTreeSet<&str> = rows
        .iter()
        .filter_map(|r| r.target.measure())
        .map(|m| m.symbol())
        .collect();
    for symbol in [
        "个",
        "家",
        "户",
        "万户",
        "人次",
        "万人次",
        "元",
        "万元",
        "亿元",
        "%",
        "百分比",
        "平方米",
        "平米",
        "小时",
        "天",
        "月",
        "年",
    ] {
        assert!(symbols.contains(symbol), "no {symbol} target");
    }
    let dimensions: BTreeSet<Dimension> = rows
        .iter()
        .filter_map(|r| r.target.measure())
        .map(|m| m.dimension())
        .collect();
    assert!(!dimensions.contains(&Dimension::Unknown));
    let level2s: BTreeSet<&str> = rows.iter().map(|r| r.level2.as_str()).collect();
    for level2 in [
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "可持续影响指标",
        "服务对象满意度指标",
    ] {
        assert!(level2s.contains(level2), "no {level2} row");
    }
    let deadlines: BTreeSet<String> = rows
        .iter()
        .filter_map(|r| r.deadline.map(|d| d.to_string()))
        .collect();
    for deadline in ["2024-12", "2024-06", "2024-12-31", "2024年底"] {
        assert!(deadlines.contains(deadline), "no {deadline} deadline");
    }
    assert!(
        model
            .projects
            .iter()
            .any(|p| !p.empty_categories.is_empty())
    );
    assert!(
        model
            .projects
            .iter()
            .any(|p| p.indicators.iter().all(|i| i.level1 != "满意度指标"))
    );
}

#[test]
fn the_disclosure_reads_back_to_the_same_model() {
    let model = department(&Options::new(300, 11));
    let disclosure = bytes(|out| disclosure_text(&model, out));
    let imported = crate::import::import_disclosure("generated.txt", text(&disclosure))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(
        imported.department.without_provenance() == model,
        "the disclosure reads back to another model"
    );
    // Only the notes the layout means to cause.
    let codes: BTreeSet<&str> = imported.notes.iter().map(|n| n.code).collect();
    let expected: BTreeSet<&str> = ["not-applicable", "empty-category", "joined-wrap"].into();
    assert_eq!(codes, expected, "{:#?}", imported.notes);
    for note in &imported.notes {
        assert!(
            note.severity == Severity::Note || note.code == "empty-category",
            "{note:?}"
        );
    }
    // Every row is accounted for: indicators, and the empty categories set aside.
    let accounting = &imported.accounting;
    assert!(accounting.balances(), "{accounting}");
    assert_eq!(accounting.indicators, model.indicator_count());
    let empty: usize = model
        .projects
        .iter()
        .map(|p| p.empty_categories.len())
        .sum();
    assert!(empty > 0);
    assert_eq!(accounting.set_aside, vec![(SetAside::EmptyCategory, empty)]);
    // The same text as any document: detected as a disclosure.
    assert_eq!(
        crate::import::SourceKind::detect(text(&disclosure)),
        crate::import::SourceKind::Disclosure
    );
}

#[test]
fn the_spec_and_the_json_read_back_to_the_same_model() {
    let model = department(&Options::new(200, 3));
    for file in [
        bytes(|out| spec_text(&model, out)),
        bytes(|out| json_model(&model, out)),
    ] {
        let imported =
            crate::import::import("generated", text(&file)).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(imported.notes.is_empty(), "{:?}", imported.notes);
        assert!(imported.department.without_provenance() == model);
    }
}

#[test]
fn the_json_is_what_kpi_import_writes_and_validates_against_the_schema() {
    let model = department(&Options::new(60, 4));
    let json: serde_json::Value = serde_json::from_slice(&bytes(|out| json_model(&model, out)))
        .expect("the JSON model is JSON");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/model.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the schema is readable"))
            .expect("the schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The same document `kpi import` gives for the spec of the model, but for the indentation.
    let spec = bytes(|out| spec_text(&model, out));
    let mut imported = crate::import::import("targets.kpi", text(&spec)).unwrap();
    imported.department = imported.department.without_provenance();
    let expected: serde_json::Value =
        serde_json::from_str(&crate::report::import::json(&imported, None)).unwrap();
    assert!(json == expected, "the JSON differs from kpi import's");
}

#[test]
fn the_actuals_read_without_error_and_evaluate() {
    let model = department(&Options::new(300, 8));
    let csv = bytes(|out| actuals_csv(&model, 9, out));
    for profile in [Profile::national(), Profile::builtin("hubei").unwrap()] {
        let actuals = crate::actuals::read(
            "actuals.csv",
            &csv,
            &model,
            &profile,
            &ReadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(actuals.notes.is_empty(), "{:#?}", actuals.notes);
        assert!(actuals.accounting.balances(), "{}", actuals.accounting);
        let evaluation = crate::eval::evaluate(
            &model,
            &actuals,
            &crate::eval::Options::new(profile, "generated"),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(evaluation.projects.len(), model.projects.len());
    }
    let actuals = crate::actuals::read(
        "actuals.csv",
        &csv,
        &model,
        &Profile::national(),
        &ReadOptions::default(),
    )
    .unwrap();
    // About nine rows in ten carry an actual; one budget row per project, most of them filled.
    let rows = model.indicator_count() + model.projects.len();
    let filled = actuals
        .rows
        .iter()
        .filter(|r| !matches!(r.actual, Actual::Missing))
        .count();
    let share = filled * 100 / rows;
    assert!((85..=93).contains(&share), "{share}% filled");
    let kinds = |f: fn(&Actual) -> bool| actuals.rows.iter().filter(|r| f(&r.actual)).count();
    assert!(kinds(|a| matches!(a, Actual::Spent { .. })) > 0);
    assert!(kinds(|a| matches!(a, Actual::Rate { .. })) > 0);
    assert!(kinds(|a| matches!(a, Actual::Tier { share: Some(_), .. })) > 0);
    assert!(kinds(|a| matches!(a, Actual::NotApplicable)) > 0);
    let written: Vec<&str> = actuals.rows.iter().map(|r| r.actual.written()).collect();
    // Scale changes between the target's unit and the actual's.
    let mut scale_changes = BTreeSet::new();
    for row in &actuals.rows {
        let crate::actuals::Subject::ProjectIndicator { project, indicator } = row.subject else {
            continue;
        };
        let target = &model.projects[project as usize].indicators[indicator as usize];
        let (Some(measure), Actual::Quantity { written, .. }) =
            (target.target.measure(), &row.actual)
        else {
            continue;
        };
        for (from, to) in [
            ("万户", "户"),
            ("亿元", "万元"),
            ("万元", "元"),
            ("百分比", "%"),
            ("%", "%"),
        ] {
            if measure.symbol() == from
                && written.ends_with(to)
                && (from == to || !written.ends_with(from))
            {
                scale_changes.insert(from);
            }
        }
    }
    assert_eq!(scale_changes.len(), 5, "{scale_changes:?}");
    assert!(written.iter().any(|w| w.starts_with("达成：")));
    assert!(actuals.rows.iter().any(|r| r.completed.is_some()));
    assert!(actuals.rows.iter().any(|r| r.note.is_some()));
}
