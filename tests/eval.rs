//! `kpi eval` through the built binary: every report format on the example actuals, the
//! errors of bad input, exit codes, and the options.

mod common;

use common::{kpi, run};
use serde_json::Value;

const EXAMPLE: &str = "examples/actuals-2024.csv";

fn json(args: &[&str]) -> Value {
    let mut all = vec!["eval"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "-q"]);
    let (code, stdout, stderr) = run(&all);
    assert!(code == 0 || code == 1, "{stderr}");
    serde_json::from_str(&stdout).expect("eval writes JSON")
}

#[test]
fn every_format_of_the_example_is_a_snapshot() {
    for format in ["text", "md", "json", "csv"] {
        let (code, stdout, stderr) = run(&["eval", EXAMPLE, "--format", format]);
        assert_eq!(code, 0, "{stderr}");
        insta::assert_snapshot!(format!("example_{format}"), stdout);
    }
}

#[test]
/// Warnings and nothing else: a piped stderr gets no progress bar.
fn warnings_go_to_stderr() {
    let (_, _, stderr) = run(&["eval", EXAMPLE, "--format", "json"]);
    assert_eq!(
        stderr,
        "examples/actuals-2024.csv:182: warning[different-nouns]: 558001-f13ddb3a-dd57c3: the actual `11家` counts 家 and the target 个; compared as one count\n\
         examples/actuals-2024.csv: warning[not-reported]: 21 indicators have no actual (未填报) and score 0 (S10): 服务对象满意度, 高技能人才增长率, 人民群众满意度, 带动就业, 受助企业满意度 …\n"
    );
    let (_, _, quiet) = run(&["eval", EXAMPLE, "--format", "json", "-q"]);
    assert_eq!(quiet, "");
}

#[test]
fn an_error_leaves_no_partial_file_and_never_overwrites_a_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    kpi()
        .args(["eval", "tests/catalogue/actuals/unknown-tier.csv", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists(), "no file on error");
    std::fs::write(&out, "good").unwrap();
    kpi()
        .args(["eval", "tests/catalogue/actuals/unknown-tier.csv", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "good");
    kpi()
        .args(["eval", EXAMPLE, "-q", "--format", "json", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["projects"].as_array().unwrap().len(), 57);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn fail_under_and_strict_exit_with_1() {
    let (code, _, _) = run(&["eval", EXAMPLE, "-q", "--fail-under", "80"]);
    assert_eq!(code, 1, "some projects score below 80");
    let (code, _, _) = run(&["eval", EXAMPLE, "-q", "--fail-under", "0"]);
    assert_eq!(code, 0);
    let (code, stdout, _) = run(&["eval", EXAMPLE, "-q", "--strict", "--format", "json"]);
    assert_eq!(code, 1, "the example has rows 未填报");
    assert!(stdout.starts_with('{'), "the report is still written");
    let (code, _, stderr) = run(&[
        "eval",
        "tests/fixtures/tables/self-contained.csv",
        "-q",
        "--strict",
    ]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn as_of_mid_year_leaves_rows_pending() {
    let report = json(&[EXAMPLE, "--as-of", "2024-06-30"]);
    let pending = report["department"]["statuses"]["未到期"].as_u64().unwrap();
    assert!(pending > 0);
    assert_eq!(report["evaluation"]["as_of"], "2024-06-30");
    let year_end = json(&[EXAMPLE]);
    assert_eq!(year_end["department"]["statuses"]["未到期"], 0);
}

#[test]
fn profiles_change_the_points() {
    let hubei = json(&[EXAMPLE, "--profile", "hubei"]);
    assert_eq!(hubei["evaluation"]["profile"], "hubei");
    assert_eq!(hubei["projects"][0]["budget_execution"]["points"], "20.00");
    let national = json(&[EXAMPLE]);
    assert_eq!(
        national["projects"][0]["budget_execution"]["points"],
        "10.00"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("zero.toml");
    let text = std::fs::read_to_string(common::root().join("specs/profiles/national.toml"))
        .unwrap()
        .replace("name = \"national\"", "name = \"strict-empty\"")
        .replace(
            "empty_category = \"redistribute\"",
            "empty_category = \"zero\"",
        );
    std::fs::write(&file, text).unwrap();
    let custom = json(&[EXAMPLE, "--profile", file.to_str().unwrap()]);
    assert_eq!(custom["evaluation"]["profile"], "strict-empty");

    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "name = \"x\"\nbudget_points = 50\n").unwrap();
    let (code, stdout, stderr) = run(&["eval", EXAMPLE, "--profile", broken.to_str().unwrap()]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("broken.toml"), "{stderr}");
    let (code, _, stderr) = run(&["eval", EXAMPLE, "--profile", "sichuan"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("expected a profile: national, hubei, or a profile file"),
        "{stderr}"
    );
}

#[test]
fn the_disclosure_and_the_embedded_spec_give_the_same_scores() {
    let embedded = json(&[EXAMPLE]);
    let disclosure = json(&[EXAMPLE, "--targets", "examples/disclosure-2024.txt"]);
    for key in ["project_score", "overall_score", "grades", "statuses"] {
        assert_eq!(
            embedded["department"][key], disclosure["department"][key],
            "{key}"
        );
    }
    let scores = |v: &Value| -> Vec<(String, String)> {
        v["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["id"].as_str().unwrap().to_owned(),
                    p["score"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(scores(&embedded), scores(&disclosure));
}

#[test]
fn a_table_carrying_its_own_targets_is_read_on_its_own() {
    let report = json(&["tests/fixtures/tables/self-contained.csv"]);
    assert_eq!(report["projects"].as_array().unwrap().len(), 1);
    assert_eq!(report["projects"][0]["score"], "100.00");
    assert_eq!(
        report["evaluation"]["targets"],
        "tests/fixtures/tables/self-contained.csv"
    );
    // With --targets it is checked against them: the same targets pass…
    let (code, _, stderr) = run(&[
        "eval",
        "tests/fixtures/tables/self-contained.csv",
        "--targets",
        "examples/targets-2024.kpi",
        "-q",
    ]);
    assert_eq!(code, 0, "{stderr}");
    // …and a differing target is an error.
    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join("changed.csv");
    let text = common::read(&common::root().join("tests/fixtures/tables/self-contained.csv"))
        .replace("组织活动次数,>=,1,次", "组织活动次数,>=,3,次");
    std::fs::write(&changed, text).unwrap();
    let (code, _, stderr) = run(&[
        "eval",
        changed.to_str().unwrap(),
        "--targets",
        "examples/targets-2024.kpi",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected the target of"), "{stderr}");
}

#[test]
fn gbk_actuals_read_like_utf8() {
    let text = common::read(&common::example("actuals-2024.csv"));
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text.trim_start_matches('\u{feff}'));
    assert!(!unmappable);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("actuals-gbk.csv");
    std::fs::write(&path, &bytes).unwrap();
    let gbk = json(&[path.to_str().unwrap()]);
    let utf8 = json(&[EXAMPLE]);
    assert_eq!(gbk["projects"], utf8["projects"]);
    assert_eq!(gbk["accounting"]["encoding"], "gb18030");
    // --encoding overrides the detection.
    let (code, _, stderr) = run(&["eval", path.to_str().unwrap(), "--encoding", "utf-8", "-q"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected text in UTF-8"), "{stderr}");
}

#[test]
fn accept_claimed_replaces_rule_scores_that_have_notes() {
    let without = json(&[EXAMPLE]);
    let with = json(&[EXAMPLE, "--accept-claimed"]);
    let claimed = |v: &Value| -> Vec<Value> {
        v["projects"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["indicators"].as_array().unwrap().clone())
            .filter(|i| i.get("claimed").is_some() && i["claimed"] != Value::Null)
            .collect()
    };
    let before = claimed(&without);
    let after = claimed(&with);
    assert!(before.iter().all(|i| i["accepted_claimed"] == false));
    assert!(after.iter().any(|i| i["accepted_claimed"] == true));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let (_, plain, _) = run(&["eval", EXAMPLE, "-q"]);
    assert!(!plain.contains('\u{1b}'), "no colour in a pipe");
    let (_, forced, _) = run(&["eval", EXAMPLE, "-q", "--color", "always"]);
    assert!(forced.contains('\u{1b}'));
}

#[test]
fn every_help_ends_with_an_example() {
    for command in [
        vec!["--help"],
        vec!["eval", "--help"],
        vec!["import", "--help"],
        vec!["template", "--help"],
        vec!["check", "--help"],
        vec!["completions", "--help"],
    ] {
        let (code, stdout, _) = run(&command);
        assert_eq!(code, 0);
        let tail: Vec<&str> = stdout.trim_end().lines().rev().take(6).collect();
        assert!(
            tail.iter().any(|l| l.trim_start().starts_with("kpi ")),
            "{command:?} does not end with an example:\n{stdout}"
        );
    }
}

#[test]
fn completions_are_written_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, stdout, _) = run(&["completions", shell]);
        assert_eq!(code, 0);
        assert!(stdout.contains("eval"), "{shell}");
    }
}

#[test]
fn the_web_page_and_the_workbook_are_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    kpi()
        .args(["eval", EXAMPLE, "-q", "--format", "html", "-o"])
        .arg(&html)
        .assert()
        .success();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("data-kpi=\"project-table\"").count(), 57);

    let xlsx = dir.path().join("report.xlsx");
    kpi()
        .args(["eval", EXAMPLE, "-q", "--format", "xlsx", "-o"])
        .arg(&xlsx)
        .assert()
        .success();
    use calamine::Reader;
    let book: calamine::Sheets<_> = calamine::open_workbook_auto(&xlsx).unwrap();
    let names = book.sheet_names();
    assert_eq!(names[0], "汇总");
    assert_eq!(names.len(), 1 + 57 + 2);

    // A reviewer re-checks the workbook as a self-evaluation: the same project scores.
    let rechecked = json(&[xlsx.to_str().unwrap()]);
    let original = json(&[EXAMPLE]);
    let scores = |v: &Value| -> Vec<Value> {
        v["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["score"].clone())
            .collect()
    };
    assert_eq!(scores(&rechecked), scores(&original));
}

#[test]
fn the_template_workbook_reads_back_unfilled() {
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("actuals.xlsx");
    kpi().args(["template", "-o"]).arg(&form).assert().success();
    let report = json(&[form.to_str().unwrap()]);
    assert_eq!(report["accounting"]["rows_read"], 515);
    assert_eq!(report["accounting"]["rows_used"], 0);
    assert_eq!(report["department"]["statuses"]["未填报"], 458);
}

#[test]
fn a_workbook_is_not_written_to_a_terminal_but_to_a_pipe() {
    let output = kpi()
        .args(["eval", EXAMPLE, "-q", "--format", "xlsx"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "a pipe takes the bytes");
    assert!(output.stdout.starts_with(b"PK\x03\x04"));
}

#[test]
fn a_budget_row_may_name_its_project_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("budget.csv");
    std::fs::write(&path, "id,kind,actual\n558001-04ae452e,budget,34.5万元\n").unwrap();
    let report = json(&[path.to_str().unwrap()]);
    assert_eq!(report["projects"][0]["budget_execution"]["score"], "9.62");
}

#[test]
fn exit_1_says_why() {
    let (code, _, stderr) = run(&["eval", EXAMPLE, "-q", "--fail-under", "80"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("--fail-under 80: 5 projects score below 80: 支持产业基础升级改造及制造业高质量发展前期工作经费 (75.49)"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["eval", EXAMPLE, "-q", "--strict"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--strict: "), "{stderr}");
}
