//! `kpi lint` through the binary: the seed's report (snapshots of the text and the JSON), the
//! findings the issue names, silencing with `allow` per rule and per id, exit codes, and the JSON
//! against `specs/lint.schema.json`.

mod common;

use common::run;
use serde_json::Value;

const SEED: &str = "examples/disclosure-2024.txt";

fn json_of(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (code, stdout, stderr) = run(&all);
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("kpi lint writes JSON ({e}): {stdout}\n{stderr}"));
    (code, json)
}

fn findings<'a>(json: &'a Value, code: &str) -> Vec<&'a Value> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

fn lines(findings: &[&Value]) -> Vec<u64> {
    findings.iter().filter_map(|f| f["line"].as_u64()).collect()
}

#[test]
fn seed_lint_text_snapshot() {
    let (code, stdout, stderr) = run(&["lint", SEED]);
    assert_eq!(code, 1, "errors exit with 1: {stderr}");
    assert_eq!(stderr, "");
    insta::assert_snapshot!("seed_lint_text", stdout);
}

#[test]
fn seed_lint_json_snapshot() {
    let (code, stdout, _) = run(&["lint", SEED, "--format", "json"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("seed_lint_json", stdout);
}

#[test]
fn seed_capped_satisfaction_rows_of_the_guarantee_project() {
    let (_, json) = json_of(&[SEED]);
    let capped = findings(&json, "capped-share");
    assert_eq!(lines(&capped), [1521, 1522, 1526]);
    for finding in &capped {
        assert_eq!(finding["severity"], "error");
        assert_eq!(finding["project"]["name"], "融资担保补助项目");
        assert_eq!(finding["project"]["id"], "558001-500d9777");
        assert!(
            finding["indicator"]["id"]
                .as_str()
                .unwrap()
                .starts_with("558001-500d9777-")
        );
    }
    let satisfaction = capped[2];
    assert_eq!(satisfaction["indicator"]["name"], "担保机构满意度");
    assert_eq!(
        satisfaction["location"],
        "examples/disclosure-2024.txt:1526"
    );
    assert!(
        satisfaction["message"]
            .as_str()
            .unwrap()
            .contains("`担保机构满意度 <= 100 %`")
    );
    // The legitimate caps of the seed are not doubted.
    let (_, text, _) = run(&["lint", SEED]);
    for name in [
        "在职人员控制率",
        "成本控制率",
        "预算调整率",
        "高级职称通过率",
    ] {
        assert!(
            !text.contains(&format!("`{name} <=")),
            "{name} is a legitimate cap"
        );
    }
}

#[test]
fn seed_name_difference_between_table_9_and_17() {
    let (_, json) = json_of(&[SEED]);
    let differs = findings(&json, "name-differs");
    assert_eq!(differs.len(), 1);
    let message = differs[0]["message"].as_str().unwrap();
    assert!(
        message.contains("支持产业基础升级再造及制造业高质量发展前期工作经费"),
        "{message}"
    );
    assert!(
        message.contains("支持产业基础升级改造及制造业高质量发展前期工作经费"),
        "{message}"
    );
    assert!(message.contains("`再` in 表9, `改` in 表17"), "{message}");
    assert_eq!(differs[0]["line"], 1165);
    assert_eq!(differs[0]["related"][0]["line"], 537);
    // Paired, so neither side is reported missing.
    assert!(findings(&json, "not-in-budget-table").is_empty());
}

#[test]
fn seed_projects_of_table_9_without_targets() {
    let (_, json) = json_of(&[SEED]);
    let missing = findings(&json, "project-without-targets");
    let names: Vec<&str> = missing
        .iter()
        .map(|f| f["project"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "招商及政策推进工作经费—结转",
            "中国工业互联网研究院辽宁分院共建经费——结转",
            "《沈阳市机器人及智能制造集群培育提升三年行动方案》(2023-2025年)-结转",
            "支持小微企业发展前期工作经费--结转",
        ]
    );
    for finding in missing {
        assert_eq!(finding["severity"], "warning");
        assert!(finding["project"]["id"].is_null());
        assert!(finding["message"].as_str().unwrap().contains("结转"));
    }
}

#[test]
fn seed_costs_above_budgets_and_table_9_sums() {
    let (_, json) = json_of(&[SEED]);
    assert_eq!(
        lines(&findings(&json, "cost-over-budget")),
        [1211, 1232, 1253]
    );
    let sums = findings(&json, "budget-sum-differs");
    assert_eq!(lines(&sums), [498, 499]);
    assert!(
        sums[0]["message"]
            .as_str()
            .unwrap()
            .contains("65212.64 万元 (29965.00 less)")
    );
    assert!(findings(&json, "budget-differs").is_empty());
}

#[test]
fn findings_are_in_line_order() {
    let (_, json) = json_of(&[SEED]);
    let keys: Vec<(u64, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or(0),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn exit_codes() {
    assert_eq!(run(&["lint", SEED]).0, 1, "errors");
    assert_eq!(run(&["lint"]).0, 1, "the embedded disclosure");
    let (code, stdout, _) = run(&["lint", "tests/fixtures/lint/clean.kpi"]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        stdout,
        "tests/fixtures/lint/clean.kpi: 0 errors, 0 warnings, 0 notes; 0 silenced by `allow`\n"
    );
    let (code, stdout, _) = run(&["lint", "tests/fixtures/lint/warnings.kpi"]);
    assert_eq!(code, 0, "warnings alone: {stdout}");
    assert!(stdout.ends_with("0 errors, 2 warnings, 0 notes; 0 silenced by `allow`\n"));
    let (code, stdout, stderr) = run(&["lint", "tests/fixtures/lint/malformed.kpi"]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(
        stderr.contains("tests/fixtures/lint/malformed.kpi:6:23"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["lint", "tests/fixtures/lint/no-such-file.kpi"]);
    assert_eq!(code, 2, "{stderr}");
    // Silenced errors do not count; one left unsilenced does.
    let (code, _) = json_of(&["tests/fixtures/lint/allowed.kpi"]);
    assert_eq!(code, 1, "one capped share is not allowed");
}

#[test]
fn allow_silences_per_rule_and_per_id() {
    let (code, stdout, _) = run(&["lint", "tests/fixtures/lint/allowed.kpi"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("allowed_lint_text", stdout);
    let (_, json) = json_of(&["tests/fixtures/lint/allowed.kpi"]);
    let reported: Vec<(u64, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        reported,
        [
            (18, "capped-output"),     // no allow of its own
            (25, "capped-share"),      // an allow on another row (line 21) does not reach it
            (27, "unknown-lint-code"), // `allow capped-shares`
        ]
    );
    let silenced: Vec<(u64, &str, &str)> = json["silenced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap(),
                f["allowed_by"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        silenced,
        [
            (10, "capped-share", "unit"),
            (17, "capped-output", "indicator"),
            (19, "unit-mismatch", "project"),
            (21, "cost-over-budget", "indicator"),
            (23, "vague-target", "department"),
            (34, "vague-target", "department"),
        ]
    );
    assert_eq!(json["summary"]["silenced"], 6);
}

#[test]
fn allow_from_a_spec_silences_a_disclosure_by_ids() {
    let (_, plain) = json_of(&[SEED]);
    let (code, json) = json_of(&[SEED, "--allow-from", "tests/fixtures/lint/seed-allows.kpi"]);
    assert_eq!(code, 1, "the other errors remain");
    let silenced: Vec<(&str, &str)> = json["silenced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["allowed_by"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        silenced,
        [
            ("project-without-targets", "department"),
            ("project-without-targets", "department"),
            ("project-without-targets", "department"),
            ("project-without-targets", "department"),
            ("capped-output", "project"),
            ("capped-share", "indicator"),
        ]
    );
    assert_eq!(
        lines(&findings(&json, "capped-share")),
        [1521, 1522],
        "only the allowed id is silenced"
    );
    let total = |j: &Value| j["findings"].as_array().unwrap().len();
    assert_eq!(total(&plain), total(&json) + 6);
}

fn validator() -> jsonschema::Validator {
    let path = common::root().join("specs/lint.schema.json");
    let schema: Value = serde_json::from_str(&common::read(&path)).expect("the schema is JSON");
    if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
        panic!("specs/lint.schema.json is not a valid draft 2020-12 schema: {e}");
    }
    jsonschema::draft202012::new(&schema)
        .unwrap_or_else(|e| panic!("specs/lint.schema.json does not compile: {e}"))
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn lint_json_validates_against_the_schema() {
    let validator = validator();
    for args in [
        vec![SEED],
        vec!["tests/fixtures/lint/allowed.kpi"],
        vec!["tests/fixtures/lint/clean.kpi"],
        vec![SEED, "--allow-from", "tests/fixtures/lint/seed-allows.kpi"],
    ] {
        let (_, json) = json_of(&args);
        let errors = errors(&validator, &json);
        assert!(errors.is_empty(), "{args:?}:\n{}", errors.join("\n"));
    }
}

#[test]
fn the_schema_rejects_what_lint_never_writes() {
    let validator = validator();
    let (_, json) = json_of(&[SEED]);
    let mut bad = json.clone();
    bad["findings"][0]["code"] = "no-such-rule".into();
    assert!(!errors(&validator, &bad).is_empty(), "an unknown code");
    let mut bad = json.clone();
    bad["findings"][0]["severity"] = "warning".into(); // budget-sum-differs is an error
    assert!(
        !errors(&validator, &bad).is_empty(),
        "a code's severity is fixed"
    );
    let mut bad = json.clone();
    bad["findings"][0]["allowed_by"] = "department".into();
    assert!(
        !errors(&validator, &bad).is_empty(),
        "reported findings are not allowed"
    );
    let mut bad = json;
    bad["summary"]["errors"] = (-1).into();
    assert!(
        !errors(&validator, &bad).is_empty(),
        "counts are not negative"
    );
}

#[test]
fn every_rule_is_documented_and_in_the_schema() {
    let doc = common::read(&common::root().join("specs/lint.md"));
    let schema: Value = serde_json::from_str(&common::read(
        &common::root().join("specs/lint.schema.json"),
    ))
    .unwrap();
    let fields = &schema["$defs"]["finding_fields"];
    let codes: Vec<&str> = fields["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let rules: Vec<&str> = kpi::lint::RULES.iter().map(|r| r.code).collect();
    assert_eq!(codes, rules, "the schema's codes are the rules'");
    for rule in kpi::lint::RULES {
        let heading = format!("\n### {}\n", rule.code);
        let at = doc
            .find(&heading)
            .unwrap_or_else(|| panic!("specs/lint.md documents {}", rule.code));
        let entry = &doc[at + heading.len()..];
        let entry = &entry[..entry.find("\n### ").unwrap_or(entry.len())];
        assert!(
            entry.contains(&format!("- **Severity**: {}", rule.severity)),
            "specs/lint.md gives {} its severity {}",
            rule.code,
            rule.severity
        );
        for part in ["**Finds**", "**Why**", "**Fix**", "**Silence**", "**Seed**"] {
            assert!(entry.contains(part), "{}: {part}", rule.code);
        }
        let fixed = fields["allOf"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["if"]["properties"]["code"]["const"] == rule.code)
            .unwrap_or_else(|| panic!("the schema fixes the severity of {}", rule.code));
        assert_eq!(
            fixed["then"]["properties"]["severity"]["const"],
            rule.severity.label()
        );
    }
}

#[test]
fn output_is_byte_identical_across_runs() {
    for format in ["text", "json"] {
        let args = ["lint", SEED, "--format", format];
        let first = run(&args);
        assert_eq!(first, run(&args), "{format} differs between runs");
    }
}
