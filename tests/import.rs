//! `kpi import` on the seed: the counts the foundation issue names, its defects repaired and
//! reported, every row accounted for; snapshots of the JSON and the spec.

mod common;

use common::{kpi, run};
use serde_json::Value;

const SEED: &str = "examples/disclosure-2024.txt";

fn seed_json() -> Value {
    let (code, stdout, _) = run(&["import", SEED, "--format", "json", "--quiet"]);
    assert_eq!(code, 0);
    serde_json::from_str(&stdout).expect("import writes JSON")
}

fn count_by(items: &[Value], key: &str) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for item in items {
        let k = item[key].as_str().unwrap_or("null").to_owned();
        match counts.iter_mut().find(|(x, _)| *x == k) {
            Some((_, n)) => *n += 1,
            None => counts.push((k, 1)),
        }
    }
    counts
}

fn pairs(expected: &[(&str, usize)]) -> Vec<(String, usize)> {
    expected
        .iter()
        .map(|(k, n)| ((*k).to_owned(), *n))
        .collect()
}

#[test]
fn seed_units_have_the_published_rows() {
    let json = seed_json();
    let units = json["units"].as_array().unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(units[0]["code"], "558001");
    assert_eq!(units[1]["code"], "558002");
    let rows = |u: &Value| u["indicators"].as_array().unwrap().clone();
    assert_eq!(
        count_by(&rows(&units[0]), "level1"),
        pairs(&[
            ("履职效能", 4),
            ("基础管理", 2),
            ("预算执行", 3),
            ("管理效率", 7),
            ("运行成本", 2),
            ("社会效应", 3),
            ("可持续性", 3)
        ])
    );
    assert_eq!(
        count_by(&rows(&units[1]), "level1"),
        pairs(&[
            ("履职效能", 4),
            ("基础管理", 2),
            ("预算执行", 3),
            ("管理效率", 7),
            ("运行成本", 2),
            ("社会效应", 3),
            ("可持续性", 2)
        ])
    );
    // Line 987: 创新驱动发展 stands in the first column and is a 二级指标 of 可持续性.
    let last = rows(&units[0]).last().cloned().unwrap();
    assert_eq!(last["level1"], "可持续性");
    assert_eq!(last["level2"], "创新驱动发展");
    assert_eq!(last["name"], "保障政策的持续性");
    // 基础管理 of 558001: 依法行政能力 and 综合管理水平, qualitative despite the stray `=` and `%`.
    let basic: Vec<Value> = rows(&units[0])
        .into_iter()
        .filter(|r| r["level1"] == "基础管理")
        .collect();
    let mut names: Vec<&str> = basic.iter().map(|r| r["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["依法行政能力", "综合管理水平"]);
    assert!(
        basic
            .iter()
            .all(|r| r["kind"] == "qualitative" && r["value"] == "管理规范")
    );
}

#[test]
fn seed_projects_have_the_published_rows() {
    let json = seed_json();
    let projects = json["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 57);
    let rows: Vec<Value> = projects
        .iter()
        .flat_map(|p| p["indicators"].as_array().unwrap().clone())
        .collect();
    assert_eq!(rows.len(), 411);
    let mut ops = count_by(&rows, "operator");
    ops.sort();
    assert_eq!(
        ops,
        pairs(&[("<=", 40), ("=", 115), (">", 6), (">=", 171), ("null", 79)])
    );
    assert_eq!(
        rows.iter().filter(|r| r["kind"] == "qualitative").count(),
        79
    );
    assert_eq!(projects.iter().filter(|p| p["unit"] == "558002").count(), 3);
    // Budgets in 万元, exact.
    assert_eq!(projects[0]["name"], "老干部特需专项经费");
    assert_eq!(projects[0]["budget"], "35.88");
    let big = projects.iter().find(|p| p["budget"] == "14421.80").unwrap();
    assert_eq!(
        big["name"],
        "2023年数字辽宁制造强省专项资金14421.8万元（结转）"
    );
    // Scale-aware units survive as written.
    assert!(
        rows.iter()
            .any(|r| r["measure"] == "万户" && r["value"] == "0.1")
    );
}

#[test]
fn every_row_is_accounted_for() {
    let json = seed_json();
    let acc = &json["accounting"];
    assert_eq!(acc["indicators"], 458);
    assert_eq!(acc["set_aside"]["empty_category"], 4);
    assert_eq!(acc["rows_seen"], 462);
    let (_, stdout, _) = run(&["import", SEED, "--quiet"]);
    assert!(
        stdout.contains("rows seen 462 = indicators 458 + set aside 4 (4 empty category rows)"),
        "{stdout}"
    );
}

#[test]
fn defects_are_repaired_and_reported_with_their_lines() {
    let (code, _, stderr) = run(&["import", SEED]);
    assert_eq!(code, 0);
    let has = |needle: &str| {
        assert!(
            stderr.lines().any(|l| l.starts_with(needle)),
            "no line starting with `{needle}` in:\n{stderr}"
        )
    };
    // Cells placed by what they are.
    has("examples/disclosure-2024.txt:987: note[shifted-cell]: `创新驱动发展`");
    has("examples/disclosure-2024.txt:1406: note[shifted-cell]: `效益指标`");
    has("examples/disclosure-2024.txt:1407: note[shifted-cell]: `可持续影响指标`");
    has("examples/disclosure-2024.txt:1468: note[shifted-cell]: `满意度指标`");
    // Three rows without deadline take the one their table shares.
    for line in [1000, 1310, 1406] {
        has(&format!(
            "examples/disclosure-2024.txt:{line}: warning[missing-deadline]: no 完成时限; took 2024-12"
        ));
    }
    assert_eq!(stderr.matches("missing-deadline").count(), 3);
    // Rows without a 三级指标 take their 二级指标.
    has("examples/disclosure-2024.txt:1000: warning[missing-name]");
    has("examples/disclosure-2024.txt:1001: warning[missing-name]");
    // Empty category rows are reported, not indicators.
    for line in 2013..=2016 {
        has(&format!(
            "examples/disclosure-2024.txt:{line}: warning[empty-category]"
        ));
    }
    // Names broken by wraps, and qualitative values with a stray operator and `%`.
    has(
        "examples/disclosure-2024.txt:1012: note[joined-wrap]: name broken by a line wrap, read as `政府采购管理违法违规行为发生次数`",
    );
    has("examples/disclosure-2024.txt:967: warning[stray-operator]");
    has("examples/disclosure-2024.txt:968: warning[stray-unit]");
}

#[test]
fn ids_are_unique_and_stable() {
    let json = seed_json();
    let mut ids: Vec<String> = Vec::new();
    for u in json["units"].as_array().unwrap() {
        for i in u["indicators"].as_array().unwrap() {
            ids.push(i["id"].as_str().unwrap().to_owned());
        }
    }
    for p in json["projects"].as_array().unwrap() {
        ids.push(p["id"].as_str().unwrap().to_owned());
        for i in p["indicators"].as_array().unwrap() {
            let id = i["id"].as_str().unwrap();
            assert!(id.starts_with(p["id"].as_str().unwrap()), "{id}");
            ids.push(id.to_owned());
        }
    }
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "ids are unique");
    // Editing one row renames no other: ids do not depend on position.
    let text = common::read(&common::example("disclosure-2024.txt"));
    let edited = text.replacen("组织活动次数\t>=\t1\t次", "组织文体活动次数\t>=\t2\t次", 1);
    assert_ne!(edited, text);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.txt");
    std::fs::write(&path, edited).unwrap();
    let output = kpi()
        .args(["import", path.to_str().unwrap(), "--format", "json", "-q"])
        .output()
        .unwrap();
    let edited: Value = serde_json::from_slice(&output.stdout).unwrap();
    let before = &json["projects"][0]["indicators"];
    let after = &edited["projects"][0]["indicators"];
    assert_ne!(
        before[0]["id"], after[0]["id"],
        "the edited row has a new id"
    );
    for k in 1..before.as_array().unwrap().len() {
        assert_eq!(before[k]["id"], after[k]["id"], "row {k} keeps its id");
    }
}

#[test]
fn json_carries_source_lines_and_raw_text() {
    let json = seed_json();
    let first = &json["projects"][0]["indicators"][0];
    assert_eq!(first["source"]["line"], 1032);
    assert_eq!(
        first["source"]["raw"],
        "\t产出指标\t数量指标\t组织活动次数\t>=\t1\t次\t2024-12\t"
    );
    assert_eq!(first["target"], ">= 1 次");
    assert_eq!(first["deadline"], "2024-12");
}

#[test]
fn the_embedded_default_is_the_seed() {
    let (code, embedded, _) = run(&["import", "--quiet"]);
    assert_eq!(code, 0);
    let (_, from_file, _) = run(&["import", SEED, "--quiet"]);
    assert_eq!(embedded, from_file);
}

#[test]
fn import_json_snapshot() {
    let (_, stdout, _) = run(&["import", SEED, "--format", "json", "--quiet"]);
    insta::assert_snapshot!("seed_import_json", stdout);
}

#[test]
fn import_spec_snapshot_and_example_stay_in_sync() {
    let (_, stdout, _) = run(&["import", SEED, "--format", "spec", "--quiet"]);
    insta::assert_snapshot!("seed_import_spec", stdout);
    assert_eq!(
        stdout,
        common::read(&common::example("targets-2024.kpi")),
        "examples/targets-2024.kpi is the seed's spec; regenerate it with `kpi import {SEED} --format spec -o examples/targets-2024.kpi`"
    );
}

#[test]
fn import_summary_and_notes_snapshot() {
    let (_, stdout, stderr) = run(&["import", SEED]);
    insta::assert_snapshot!("seed_import_summary", stdout);
    insta::assert_snapshot!("seed_import_notes", stderr);
}

#[test]
fn output_files_are_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("model.json");
    kpi()
        .args(["import", SEED, "--format", "json", "-q", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let written: Value = serde_json::from_str(&common::read(&out)).unwrap();
    assert_eq!(written["projects"].as_array().unwrap().len(), 57);
    // Nothing else is left in the directory: no temporary file.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
