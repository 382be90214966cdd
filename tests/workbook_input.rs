//! Spreadsheets as input: actuals and targets in XLSX read like their CSV, with cells keeping
//! their meaning (a 96.2% cell is 96.2 %, 0.1 stays 0.1, dates stay dates), and errors named
//! by sheet and cell.

mod common;

use common::run;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;

/// Writes rows of text into a one-sheet workbook the way a person's spreadsheet holds them:
/// numbers as numbers, percentages as fractions formatted `0.0%`, dates as dates.
fn workbook(sheet: &str, rows: &[Vec<String>]) -> Vec<u8> {
    workbook_of(&[(sheet, rows)])
}

/// Like [`workbook`], one sheet per `(name, rows)`.
fn workbook_of(sheets: &[(&str, &[Vec<String>])]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (sheet, rows) in sheets {
        fill(&mut book, sheet, rows);
    }
    book.save_to_buffer().unwrap()
}

fn fill(book: &mut Workbook, sheet: &str, rows: &[Vec<String>]) {
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    let percent = Format::new().set_num_format("0.0%");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            let numeric = |s: &str| s.parse::<f64>().ok().filter(|_| !s.is_empty());
            if r > 0
                && let Some(v) = cell
                    .strip_suffix('%')
                    .and_then(|p| p.parse::<rust_decimal::Decimal>().ok())
            {
                // The fraction Excel stores for a typed `96.2%`: the double nearest 0.962.
                let fraction: f64 = (v / rust_decimal::Decimal::ONE_HUNDRED)
                    .to_string()
                    .parse()
                    .unwrap();
                ws.write_number_with_format(r, c, fraction, &percent)
                    .unwrap();
            } else if r > 0
                && let Some(v) = numeric(cell)
            {
                ws.write_number(r, c, v).unwrap();
            } else if r > 0
                && cell.len() == 10
                && cell.as_bytes()[4] == b'-'
                && cell.as_bytes()[7] == b'-'
            {
                let (y, m, d) = (&cell[..4], &cell[5..7], &cell[8..]);
                let dt = ExcelDateTime::from_ymd(
                    y.parse().unwrap(),
                    m.parse().unwrap(),
                    d.parse().unwrap(),
                )
                .unwrap();
                ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
            } else if !cell.is_empty() {
                ws.write_string(r, c, cell).unwrap();
            }
        }
    }
}

fn csv_rows(path: &str) -> Vec<Vec<String>> {
    let text = common::read(&common::root().join(path));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn eval_json(args: &[&str]) -> Value {
    let mut all = vec!["eval"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "-q"]);
    let (code, stdout, stderr) = run(&all);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn the_example_as_a_workbook_scores_like_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("actuals.xlsx");
    std::fs::write(
        &path,
        workbook("实际完成值", &csv_rows("examples/actuals-2024.csv")),
    )
    .unwrap();
    let from_xlsx = eval_json(&[path.to_str().unwrap()]);
    let from_csv = eval_json(&["examples/actuals-2024.csv"]);
    assert_eq!(from_xlsx["projects"], from_csv["projects"]);
    assert_eq!(from_xlsx["units"], from_csv["units"]);
    assert_eq!(from_xlsx["accounting"]["encoding"], "xlsx");
    assert_eq!(
        from_xlsx["accounting"]["rows_read"],
        from_csv["accounting"]["rows_read"]
    );
}

#[test]
fn cells_keep_their_meaning() {
    let rows = vec![
        vec!["project", "indicator", "actual", "measure", "completed"],
        vec![
            "沈阳市软件和信息技术服务业统计工作经费",
            "调查企业户数",
            "0.1",
            "万户",
            "",
        ],
        vec![
            "老干部特需专项经费",
            "组织活动完成率",
            "96.2%",
            "",
            "2024-11-30",
        ],
        vec!["老干部特需专项经费", "组织活动次数", "2", "次", ""],
    ]
    .into_iter()
    .map(|r| r.into_iter().map(str::to_owned).collect())
    .collect::<Vec<Vec<String>>>();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cells.xlsx");
    std::fs::write(&path, workbook("Sheet1", &rows)).unwrap();
    let report = eval_json(&[path.to_str().unwrap()]);
    let row = |project: &str, name: &str| -> Value {
        report["projects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == project)
            .unwrap()["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .cloned()
            .unwrap()
    };
    let households = row("沈阳市软件和信息技术服务业统计工作经费", "调查企业户数");
    assert_eq!(households["actual"], "0.1 万户", "0.1 stays 0.1");
    assert_eq!(households["status"], "达标");
    let rate = row("老干部特需专项经费", "组织活动完成率");
    assert_eq!(
        rate["actual"], "96.2%",
        "a percent cell is a percentage, not 0.962"
    );
    assert_eq!(rate["completed"], "2024-11-30", "dates stay dates");
    assert_eq!(rate["status"], "未达标");
}

#[test]
fn errors_in_a_workbook_name_the_sheet_and_cell() {
    let rows: Vec<Vec<String>> = vec![
        vec!["project", "indicator", "actual"],
        vec!["老干部特需专项经费", "组织活动次数", "两次"],
    ]
    .into_iter()
    .map(|r| r.into_iter().map(str::to_owned).collect())
    .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.xlsx");
    std::fs::write(&path, workbook("实际完成值", &rows)).unwrap();
    let (code, stdout, stderr) = run(&["eval", path.to_str().unwrap()]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    let expected = format!("{}:实际完成值!C2: expected a number", path.display());
    assert!(stderr.contains(&expected), "{stderr}");
}

#[test]
fn a_workbook_of_targets_is_read_like_its_csv() {
    let rows = csv_rows("tests/fixtures/tables/self-contained.csv");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("targets.xlsx");
    std::fs::write(&path, workbook("绩效目标", &rows)).unwrap();
    // On its own: the table carries its targets and its actuals.
    let own = eval_json(&[path.to_str().unwrap()]);
    let csv = eval_json(&["tests/fixtures/tables/self-contained.csv"]);
    assert_eq!(own["projects"][0]["score"], csv["projects"][0]["score"]);
    // As --targets for the example's form: the same targets as the seed's project.
    let (code, stdout, stderr) = run(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("ok: 1 units, 1 projects, 6 indicators"),
        "{stdout}"
    );
}

#[test]
fn actuals_split_over_two_sheets_are_read_whole() {
    let rows = csv_rows("examples/actuals-2024.csv");
    let (header, body) = rows.split_first().unwrap();
    let half = body.len() / 2;
    let first: Vec<Vec<String>> = std::iter::once(header.clone())
        .chain(body[..half].iter().cloned())
        .collect();
    let second: Vec<Vec<String>> = std::iter::once(header.clone())
        .chain(body[half..].iter().cloned())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two-sheets.xlsx");
    std::fs::write(
        &path,
        workbook_of(&[("单位一", &first), ("单位二", &second)]),
    )
    .unwrap();
    let from_xlsx = eval_json(&[path.to_str().unwrap()]);
    let from_csv = eval_json(&["examples/actuals-2024.csv"]);
    assert_eq!(from_xlsx["projects"], from_csv["projects"]);
    assert_eq!(
        from_xlsx["accounting"]["rows_read"],
        from_csv["accounting"]["rows_read"]
    );
}

#[test]
fn warnings_and_findings_name_the_sheet_row() {
    let mut rows = csv_rows("tests/fixtures/tables/self-contained.csv");
    let deadline = rows[0].iter().position(|c| c == "完成时限").unwrap();
    rows[2][deadline].clear();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("targets.xlsx");
    std::fs::write(&path, workbook("绩效目标", &rows)).unwrap();
    let file = path.to_str().unwrap();

    let (code, _, stderr) = run(&["check", file]);
    assert_eq!(code, 0, "{stderr}");
    let expected = format!("{file}:绩效目标!3:3: warning[missing-deadline]");
    assert!(stderr.contains(&expected), "{stderr}");

    let (_, stdout, stderr) = run(&["lint", file, "--format", "json"]);
    let lint: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let findings = lint["findings"].as_array().unwrap();
    assert!(!findings.is_empty(), "{stdout}");
    for finding in findings.iter().filter(|f| !f["line"].is_null()) {
        let location = finding["location"].as_str().unwrap();
        assert!(
            location.starts_with(&format!("{file}:绩效目标!")),
            "{location}"
        );
    }
}

#[test]
fn a_report_path_ending_in_xlsx_gets_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xlsx");
    let (code, stdout, stderr) = run(&[
        "eval",
        "examples/actuals-2024.csv",
        "-q",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"PK"), "not a workbook");
    let book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert!(!calamine::Reader::sheet_names(&book).is_empty());
}
