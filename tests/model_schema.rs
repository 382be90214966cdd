//! `specs/model.schema.json` documents exactly what `kpi import --format json` writes: the
//! import of the example disclosure validates against it, and documents that break it do not.

use std::path::Path;

use assert_cmd::Command;
use jsonschema::Validator;
use serde_json::{Value, json};

/// The schema, read from the repository at test time.
fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/model.schema.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// A draft 2020-12 validator for the schema, which must itself be a valid 2020-12 schema.
fn validator() -> Validator {
    let schema = schema();
    if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
        panic!(
            "specs/model.schema.json is not a valid draft 2020-12 schema: {e} at {}",
            e.instance_path()
        );
    }
    jsonschema::draft202012::new(&schema)
        .unwrap_or_else(|e| panic!("specs/model.schema.json does not compile: {e}"))
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

#[test]
fn import_json_validates_against_the_schema() {
    let output = Command::cargo_bin("kpi")
        .expect("the kpi binary is built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "import",
            "examples/disclosure-2024.txt",
            "--format",
            "json",
            "-q",
        ])
        .output()
        .expect("kpi runs");
    assert!(
        output.status.success(),
        "kpi import failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let doc: Value = serde_json::from_slice(&output.stdout).expect("kpi import writes JSON");
    assert!(
        doc["projects"].as_array().is_some_and(|p| !p.is_empty()),
        "the example import has projects"
    );

    let errors = errors(&validator(), &doc);
    assert!(
        errors.is_empty(),
        "`kpi import --format json` does not match specs/model.schema.json ({} errors):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// A small document in the shape `kpi import --format json` writes, with every kind of target.
fn minimal_document() -> Value {
    json!({
        "department": { "name": "沈阳市工业和信息化局", "year": 2024 },
        "units": [{
            "code": "558001",
            "name": "沈阳市工业和信息化局本级",
            "goal": null,
            "budget_lines": [{ "name": "基本支出人员经费", "amount": "3494.91" }],
            "indicators": [],
            "empty_categories": [{ "level1": "产出指标", "level2": null, "source": { "line": 3 } }],
            "source": { "line": 1 }
        }],
        "projects": [{
            "id": "558001-3f9a2c01",
            "name": "前期工作经费",
            "unit": "558001",
            "budget": "35.88",
            "goal": "完成前期工作",
            "indicators": [
                {
                    "id": "558001-3f9a2c01-b71e04",
                    "level1": "产出指标",
                    "level2": "数量指标",
                    "name": "完成率",
                    "kind": "compare",
                    "operator": ">=",
                    "value": "100",
                    "measure": "%",
                    "target": ">= 100 %",
                    "deadline": "2024-12",
                    "source": { "line": 10, "raw": "\t产出指标\t数量指标\t完成率\t≥\t100\t%\t2024-12" }
                },
                {
                    "id": "558001-3f9a2c01-000001",
                    "level1": "产出指标",
                    "level2": "数量指标",
                    "name": "示范项目",
                    "kind": "range",
                    "operator": null,
                    "value": "10",
                    "high": "15",
                    "measure": "个",
                    "target": "10~15 个",
                    "deadline": "2024-12-31",
                    "weight": "10",
                    "direction": "higher",
                    "allow": ["range-target"]
                },
                {
                    "id": "558001-3f9a2c01-000002",
                    "level1": "效益指标",
                    "level2": "社会效益指标",
                    "name": "社会稳定",
                    "kind": "qualitative",
                    "operator": null,
                    "value": "确保稳定",
                    "measure": null,
                    "target": "确保稳定",
                    "deadline": "2024年底"
                },
                {
                    "id": "558001-3f9a2c01-000003",
                    "level1": "成本指标",
                    "level2": "经济成本指标",
                    "name": "成本",
                    "kind": "not_applicable",
                    "operator": null,
                    "value": null,
                    "measure": null,
                    "target": "不适用",
                    "deadline": null
                }
            ]
        }],
        "notes": [{
            "line": 10,
            "severity": "warning",
            "code": "missing-deadline",
            "message": "the deadline is taken from the other rows"
        }],
        "accounting": {
            "rows_seen": 5,
            "indicators": 4,
            "set_aside": { "empty_category": 1 },
            "other_lines": 7
        }
    })
}

#[test]
fn schema_rejects_broken_documents() {
    let validator = validator();
    let good = minimal_document();
    let errors_of_good = errors(&validator, &good);
    assert!(
        errors_of_good.is_empty(),
        "the unbroken document must validate:\n{}",
        errors_of_good.join("\n")
    );

    let first = "/projects/0/indicators/0";
    let broken: Vec<(&str, &str, Value, String)> = vec![
        (
            "an unknown kind",
            "kind",
            json!("bogus"),
            format!("{first}/kind"),
        ),
        (
            "a value as a float number",
            "value",
            json!(1.5),
            format!("{first}/value"),
        ),
        (
            "a value that is not a decimal in a compare target",
            "value",
            json!("about 100"),
            format!("{first}/value"),
        ),
        (
            "a non-ASCII operator",
            "operator",
            json!("≥"),
            format!("{first}/operator"),
        ),
        (
            "an unreadable deadline",
            "deadline",
            json!("Dec 2024"),
            format!("{first}/deadline"),
        ),
        (
            "an id that is a number",
            "id",
            json!(7),
            format!("{first}/id"),
        ),
        ("an unknown field", "score", json!("100"), first.to_owned()),
    ];
    for (what, field, value, path) in broken {
        let mut doc = good.clone();
        doc["projects"][0]["indicators"][0][field] = value;
        let errors = errors(&validator, &doc);
        assert!(
            errors.iter().any(|e| e.starts_with(&format!("{path}: "))),
            "{what} must be rejected at {path}, got:\n{}",
            errors.join("\n")
        );
    }

    let mut missing = good.clone();
    missing["projects"][0]["indicators"][0]
        .as_object_mut()
        .expect("an indicator is an object")
        .remove("deadline");
    let errors_of_missing = errors(&validator, &missing);
    assert!(
        errors_of_missing
            .iter()
            .any(|e| e.starts_with(&format!("{first}: ")) && e.contains("deadline")),
        "a missing deadline (required, nullable) must be rejected, got:\n{}",
        errors_of_missing.join("\n")
    );

    let mut float_budget = good.clone();
    float_budget["projects"][0]["budget"] = json!(35.88);
    assert!(
        !validator.is_valid(&float_budget),
        "a budget as a float number must be rejected"
    );

    let mut range_without_high = good;
    range_without_high["projects"][0]["indicators"][1]
        .as_object_mut()
        .expect("an indicator is an object")
        .remove("high");
    assert!(
        !validator.is_valid(&range_without_high),
        "a range target without `high` must be rejected"
    );
}
