//! The spec format: round trips, `kpi check`, and the errors it gives for malformed input.

mod common;

use common::{kpi, run};

fn seed() -> kpi::import::Imported {
    let text = common::read(&common::example("disclosure-2024.txt"));
    kpi::import::import_disclosure("disclosure-2024.txt", &text).expect("the seed imports")
}

#[test]
fn seed_round_trips_through_the_spec() {
    let imported = seed();
    let spec = kpi::syntax::spec::print(&imported.department);
    let (back, notes) =
        kpi::syntax::spec::parse("seed.kpi", &spec).expect("the printed spec parses");
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(
        back.without_provenance(),
        imported.department.without_provenance()
    );
    // And printing it again is byte-identical.
    assert_eq!(kpi::syntax::spec::print(&back), spec);
}

#[test]
fn seed_round_trips_through_the_json_model() {
    let imported = seed();
    let json = kpi::report::import::json(&imported, None);
    let back = kpi::import::import("model.json", &json).expect("the JSON model reads back");
    assert_eq!(back.department, imported.department.without_provenance());
}

#[test]
fn check_accepts_every_targets_document() {
    for file in ["examples/targets-2024.kpi", "examples/disclosure-2024.txt"] {
        let (code, stdout, _) = run(&["check", file]);
        assert_eq!(code, 0, "{file}");
        assert_eq!(
            stdout,
            format!("{file}: ok: 2 units, 57 projects, 458 indicators\n")
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    kpi()
        .args(["import", "--format", "json", "-q", "-o"])
        .arg(&model)
        .assert()
        .success();
    kpi()
        .arg("check")
        .arg(&model)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "ok: 2 units, 57 projects, 458 indicators",
        ));
}

#[test]
fn the_documented_example_parses() {
    let doc = common::read(&common::root().join("grammar/spec.md"));
    let start = doc
        .find("```\n# kpi targets")
        .expect("grammar/spec.md has its example")
        + 4;
    let example = &doc[start..start + doc[start..].find("```").unwrap()];
    let (department, _) =
        kpi::syntax::spec::parse("spec.md", example).unwrap_or_else(|e| panic!("{e}"));
    let project = &department.projects[0];
    assert_eq!(project.indicators.len(), 3);
    assert_eq!(
        project.indicators[1].direction,
        Some(kpi::model::Direction::Higher)
    );
    assert_eq!(
        project.indicators[2].weight,
        Some(rust_decimal::Decimal::from(15))
    );
    assert_eq!(project.empty_categories.len(), 1);
}

#[test]
fn ids_left_out_are_derived_as_the_importer_derives_them() {
    let imported = seed();
    let spec = kpi::syntax::spec::print(&imported.department);
    // Remove every id from the spec: the derived ones are the same.
    let without_ids: String = spec
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            match trimmed.split_once(' ') {
                Some((kw @ ("indicator" | "project"), rest)) if !rest.starts_with('"') => {
                    let (_, after) = rest.split_once(' ').unwrap();
                    format!("{indent}{kw} {after}\n")
                }
                _ => format!("{line}\n"),
            }
        })
        .collect();
    assert!(!without_ids.contains("558001-unit-"));
    let (back, _) =
        kpi::syntax::spec::parse("no-ids.kpi", &without_ids).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        back.without_provenance(),
        imported.department.without_provenance()
    );
}

#[test]
fn findings_are_silenced_at_every_level_and_kept_by_the_round_trip() {
    let text = "kpi-spec 1\ndepartment \"部门\"\nallow capped-share\nunit 1 \"单位\"\n  allow vague-target\nproject p1 \"项目\"\n  unit 1\n  allow no-outcome missing-quantity\n  category \"产出指标\" \"数量指标\"\n    indicator i1 \"满意度\" <= 100 % by 2024-12 allow capped-share\n";
    let (department, _) =
        kpi::syntax::spec::parse("allow.kpi", text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(*department.allow, ["capped-share"]);
    assert_eq!(*department.units[0].allow, ["vague-target"]);
    assert_eq!(
        *department.projects[0].allow,
        ["no-outcome", "missing-quantity"]
    );
    assert_eq!(
        *department.projects[0].indicators[0].allow,
        ["capped-share"]
    );
    let printed = kpi::syntax::spec::print(&department);
    let (back, _) = kpi::syntax::spec::parse("allow.kpi", &printed).unwrap();
    assert_eq!(back.without_provenance(), department.without_provenance());
}
