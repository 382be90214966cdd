//! The 项目支出绩效自评表 layout as input: a unit's published self-evaluation, read on its own or
//! against the targets, so a reviewer can re-check its claimed scores (S16).

mod common;

use common::run;
use serde_json::Value;

const FORM: &str = "tests/fixtures/forms/self-evaluation.csv";

fn eval_json(args: &[&str]) -> Value {
    let mut all = vec!["eval"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "-q"]);
    let (code, stdout, stderr) = run(&all);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn a_self_evaluation_form_is_read_on_its_own() {
    let report = eval_json(&[FORM]);
    assert_eq!(report["department"]["name"], "沈阳市工业和信息化局");
    assert_eq!(report["evaluation"]["year"], 2024);
    let project = &report["projects"][0];
    assert_eq!(project["name"], "老干部特需专项经费");
    assert_eq!(project["budget"], "35.88");
    let rows = project["indicators"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    // `产出指标(50分)` is the category 产出指标; the points in the label are the form's.
    assert!(
        rows.iter()
            .all(|r| r["level1"] == "产出指标" || r["level1"] == "效益指标")
    );
    // The claimed 得分 stands beside the rule's; the difference is flagged (S16).
    let sustained = rows.iter().find(|r| r["name"] == "政策可持续性").unwrap();
    assert_eq!(sustained["claimed"], "18.00");
    assert_eq!(sustained["score"], "20.00");
    assert!(
        sustained["flags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("得分不符"))
    );
    assert_eq!(project["budget_execution"]["spent"], "34.5");
    assert_eq!(project["budget_execution"]["rate"], "96.15");
}

#[test]
fn a_form_read_against_the_targets_matches_the_seed() {
    let report = eval_json(&[FORM, "--targets", "examples/targets-2024.kpi"]);
    let project = report["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "老干部特需专项经费")
        .unwrap();
    assert_eq!(project["unit"], "558001");
    assert_eq!(project["score"], "99.62");
}

#[test]
fn errors_in_a_form_name_the_cell() {
    let text = common::read(&common::root().join(FORM)).replace(",3次,", ",三次,");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("form.csv");
    std::fs::write(&path, text).unwrap();
    let (code, stdout, stderr) = run(&["eval", path.to_str().unwrap()]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    let expected = format!("{}:F9: expected a number", path.display());
    assert!(stderr.contains(&expected), "{stderr}");
}
