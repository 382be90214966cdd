//! Every reader of user input, fed arbitrary text: it never panics, and it gives either a value
//! or an error that names the file (and, for a located error, a line inside the input).

use kpi::Error;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text built from the pieces real documents are made of, so cases reach deep into the readers.
fn document_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\t",
        "\n",
        "\r\n",
        ",",
        "\"",
        "项目(政策)名称",
        "部门（单位）名称",
        "绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "运算符号",
        "指标值",
        "度量单位",
        "完成时限",
        "实施单位",
        "预算资金情况",
        "产出指标",
        "数量指标",
        "效益指标",
        "满意度指标",
        ">=",
        "<=",
        "=",
        "≥",
        "100",
        "%",
        "0.1",
        "万户",
        "1e40",
        "-5",
        "10-15",
        "确保稳定",
        "2024-12",
        "2024年底",
        "id",
        "actual",
        "实际完成值",
        "project",
        "indicator",
        "kind",
        "budget",
        "达成",
        "部分达成 75%",
        "不适用",
        "/",
        "558001",
        "老干部特需专项经费",
        "组织活动次数",
        "kpi-spec 1",
        "unit",
        "category",
        "indicator \"x\"",
        "#",
        "项目支出预算表",
        "合计",
        "年度指标值",
        "分值",
        "得分",
        "总分",
        "（2024年度）",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), document_like()]
}

/// An error must name the file; a located one a line within the text (or 1 for an empty text).
fn check(result: Result<(), Error>, file: &str, text: &str) -> Result<(), TestCaseError> {
    let Err(error) = result else {
        return Ok(());
    };
    let rendered = error.to_string();
    prop_assert!(rendered.contains(file), "{rendered}");
    if let Error::Located(located) = error.inner() {
        let lines = text.split('\n').count().max(1);
        prop_assert!(
            located.line >= 1 && located.line <= lines + 1,
            "line {} of {lines}",
            located.line
        );
        let (start, end) = located.span;
        prop_assert!(start <= end && end <= located.line_text.len());
        prop_assert!(
            located.line_text.is_char_boundary(start) && located.line_text.is_char_boundary(end),
            "span {start}..{end} inside a character of {:?}",
            located.line_text
        );
    }
    let _ = format!("{:?}", miette::Report::new(error));
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn importers_never_panic(text in any_text()) {
        check(kpi::import::import("doc.txt", &text).map(|_| ()), "doc.txt", &text)?;
        check(kpi::import::import_disclosure("doc.txt", &text).map(|_| ()), "doc.txt", &text)?;
        check(kpi::import::table::import("doc.csv", &text).map(|_| ()), "doc.csv", &text)?;
    }

    #[test]
    fn the_actuals_reader_never_panics(text in any_text()) {
        let model = kpi::import::import(kpi::embedded::SPEC_NAME, kpi::embedded::SPEC).unwrap().department;
        let profile = kpi::profile::Profile::national();
        let options = kpi::actuals::ReadOptions::default();
        let result = kpi::actuals::read("actuals.csv", text.as_bytes(), &model, &profile, &options);
        if let Ok(actuals) = &result {
            prop_assert!(actuals.accounting.balances());
            // What the reader accepts, the evaluator scores.
            let evaluation = kpi::eval::evaluate(&model, actuals, &kpi::eval::Options::new(profile.clone(), "t"));
            // A weight column may still make it an error (S3): one that renders, never a panic.
            if let Err(error) = evaluation {
                let _ = format!("{:?}", miette::Report::new(error));
            }
        }
        check(result.map(|_| ()), "actuals.csv", &text)?;
    }

    #[test]
    fn byte_readers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), zip in any::<bool>()) {
        // Spreadsheets are zips: start some cases like one.
        let bytes = if zip { [b"PK\x03\x04".to_vec(), bytes].concat() } else { bytes };
        let _ = kpi::import::import_bytes("doc.xlsx", &bytes);
        let _ = kpi::import::table::bytes_carry_targets(&bytes, None);
        let model = kpi::import::import(kpi::embedded::SPEC_NAME, kpi::embedded::SPEC).unwrap().department;
        let _ = kpi::actuals::read("a.xlsx", &bytes, &model, &kpi::profile::Profile::national(), &kpi::actuals::ReadOptions::default());
    }
}

/// Every input the fuzz targets found a defect with (`fuzz/README.md`), fed to the reader its
/// target feeds, as the target feeds it: each is an error with a span on character boundaries.
#[test]
fn fuzz_findings_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no findings in {}", dir.display());
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let (target, _) = name.split_once('-').expect("named <target>-<finding>");
        let result = match target {
            "spec_parse" => kpi::syntax::spec::parse("x.kpi", &text)
                .map(|_| ())
                .map_err(Error::Located),
            other => panic!("{name}: no reader for the fuzz target `{other}`"),
        };
        assert!(result.is_err(), "{name}: each finding is a malformed input");
        if let Err(Error::Located(located)) = &result
            && !located.line_text.contains('…')
        {
            // The line as errors show it: without its line break, control characters as `?`.
            let line = text.split('\n').nth(located.line - 1).unwrap_or_default();
            let shown = kpi::error::printable(line.trim_end_matches('\r'));
            assert_eq!(
                located.line_text, shown,
                "{name}: the error shows another line"
            );
        }
        check(result, "x.kpi", &text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
