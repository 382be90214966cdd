//! The bad-input catalogue (`tests/catalogue/README.md`): every case through the built binary,
//! its exit code and standard error kept as a snapshot. None panics; every error names the file
//! and the line; accepted files still account for every row.

mod common;

use std::path::Path;

use common::{kpi, root};

/// What `kpi` says about a file: the command that fits its folder, its exit code and stderr.
fn says(relative: &str) -> (i32, String) {
    let folder = Path::new(relative)
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let mut cmd = kpi();
    match folder {
        "spec" => cmd.args(["check", relative]),
        "disclosure" => cmd
            .args(["import", relative, "--format", "json", "-o"])
            .arg(&out),
        _ => cmd
            .args(["eval", relative, "--format", "json", "-o"])
            .arg(&out),
    };
    let output = cmd.output().expect("kpi runs");
    let code = output.status.code().unwrap_or(-1);
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    assert!(!stderr.contains("panicked"), "{relative}: {stderr}");
    assert!(code == 0 || code == 2, "{relative}: exit {code}\n{stderr}");
    if code == 2 {
        assert!(!out.exists(), "{relative}: no report on error");
        assert!(
            stderr.contains(&format!("{relative}:")),
            "{relative} is named: {stderr}"
        );
    } else if folder == "actuals" {
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let acc = &report["accounting"];
        let set_aside: u64 = acc["set_aside"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(
            acc["rows_read"].as_u64().unwrap(),
            acc["rows_used"].as_u64().unwrap() + set_aside,
            "{relative}: read = used + set aside"
        );
    }
    (code, stderr)
}

fn snapshot(relative: &str) {
    let (code, stderr) = says(relative);
    let name = relative
        .trim_start_matches("tests/catalogue/")
        .replace('/', "__");
    insta::assert_snapshot!(name, format!("exit code {code}\n{stderr}"));
}

#[test]
fn every_case_of_the_catalogue() {
    let mut count = 0;
    for folder in ["actuals", "spec", "disclosure"] {
        let mut files: Vec<_> = std::fs::read_dir(root().join("tests/catalogue").join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let relative = file
                .strip_prefix(root())
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            snapshot(&relative);
            count += 1;
        }
    }
    assert!(count >= 35, "the catalogue lost cases: {count}");
}

/// Cases written at test time: a 10 MB line, binary garbage.
#[test]
fn generated_cases() {
    let dir = root().join("target/catalogue/actuals");
    std::fs::create_dir_all(&dir).unwrap();
    let long = format!(
        "project,indicator,actual\n老干部特需专项经费,组织活动次数,{}\n",
        "1".repeat(10_000_000)
    );
    std::fs::write(dir.join("long-line.csv"), long).unwrap();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(dir.join("garbage.csv"), garbage).unwrap();
    for name in ["long-line.csv", "garbage.csv"] {
        let relative = format!("target/catalogue/actuals/{name}");
        let (code, stderr) = says(&relative);
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.len() < 4000,
            "{name}: the message is cut short, not {} bytes",
            stderr.len()
        );
        insta::assert_snapshot!(
            format!("generated__{name}"),
            format!("exit code {code}\n{stderr}")
        );
    }
}
