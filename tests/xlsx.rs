//! The workbooks `kpi` writes, read back: the 自评表 report of the example actuals (sheet names,
//! merged level-1 cells, numbers that are numbers and equal the JSON report's, totals, formula
//! injection, identical bytes for identical input) and the actuals form as a workbook (header,
//! rows, the cells to fill, the drop-downs of the qualitative rows).
//!
//! Values and styles are read with calamine. What calamine does not expose (data validations,
//! quote prefixes, sheet protection, the document's creation time) is read from the package's
//! XML, unzipped here by a small inflater: `zip` is not a dependency of this crate.

use std::collections::HashSet;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use kpi::actuals::{Actuals, ReadOptions};
use kpi::eval::{Evaluation, Options, evaluate};
use kpi::model::{Department, Indicator, Project, Target, Unit};
use kpi::profile::Profile;
use kpi::report::eval::Report;
use rust_decimal::Decimal;
use serde_json::Value;

const EXAMPLE: &str = "examples/actuals-2024.csv";

struct Example {
    model: Department,
    actuals: Actuals,
    evaluation: Evaluation,
}

impl Example {
    fn new() -> Example {
        let model = kpi::import::import(kpi::embedded::SPEC_NAME, kpi::embedded::SPEC)
            .expect("the embedded spec reads")
            .department;
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE);
        let bytes = std::fs::read(path).expect("the example actuals");
        let profile = Profile::national();
        let actuals =
            kpi::actuals::read(EXAMPLE, &bytes, &model, &profile, &ReadOptions::default())
                .expect("the example actuals read");
        let evaluation = evaluate(
            &model,
            &actuals,
            &Options::new(profile, kpi::embedded::SPEC_NAME),
        )
        .expect("the example evaluates");
        Example {
            model,
            actuals,
            evaluation,
        }
    }

    fn report(&self) -> Report<'_> {
        Report {
            model: &self.model,
            evaluation: &self.evaluation,
            actuals: &self.actuals,
            targets: kpi::embedded::SPEC_NAME,
        }
    }
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).expect("calamine opens the workbook")
}

fn string(text: &str) -> Data {
    Data::String(text.to_owned())
}

/// A two-decimal string of the JSON report as the number it is.
fn number(value: &Value) -> f64 {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a decimal string, not {value}"))
        .parse()
        .expect("a number")
}

fn decimal(value: &Value) -> Decimal {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a decimal string, not {value}"))
        .parse()
        .expect("a decimal")
}

fn float(value: Decimal) -> f64 {
    value.to_string().parse().expect("a number")
}

/// The first row whose column `col` holds `text`.
fn row_of(range: &calamine::Range<Data>, col: u32, text: &str) -> u32 {
    let (top, _) = range.start().expect("a used range");
    let (bottom, _) = range.end().expect("a used range");
    (top..=bottom)
        .find(|r| range.get_value((*r, col)) == Some(&string(text)))
        .unwrap_or_else(|| panic!("no row with `{text}` in column {col}"))
}

fn valid_sheet_name(name: &str) -> bool {
    !name.trim().is_empty()
        && name.encode_utf16().count() <= 31
        && !name.contains(['[', ']', ':', '*', '?', '/', '\\'])
        && !name.starts_with('\'')
        && !name.ends_with('\'')
}

#[test]
fn the_example_workbook_has_a_summary_a_sheet_per_project_and_per_unit() {
    let example = Example::new();
    let bytes = kpi::report::eval::xlsx(&example.report()).expect("a workbook");
    let book = open(&bytes);
    let names = book.sheet_names();
    assert_eq!(names.len(), 1 + 57 + 2);
    assert_eq!(names[0], "汇总");
    let mut seen = HashSet::new();
    for name in &names {
        assert!(valid_sheet_name(name), "invalid sheet name `{name}`");
        assert!(seen.insert(name.to_lowercase()), "`{name}` twice");
    }
    for (i, name) in names[1..58].iter().enumerate() {
        assert!(
            name.starts_with(&format!("{} ", i + 1)),
            "project sheet `{name}` keeps its number"
        );
    }
    assert_eq!(names[1], "1 老干部特需专项经费");
    // The longest name is cut to 31 characters and keeps its number.
    assert!(names.iter().any(|n| n.chars().count() == 31));
    assert_eq!(names[58], "整体 558001 沈阳市工业和信息化局本级");
    assert!(names[59].starts_with("整体 558002 "));
}

#[test]
fn project_sheets_merge_level1_cells_and_hold_the_reports_numbers() {
    let example = Example::new();
    let report = example.report();
    let json: Value =
        serde_json::from_str(&kpi::report::eval::json(&report)).expect("the JSON report");
    let bytes = kpi::report::eval::xlsx(&report).expect("a workbook");
    let mut book = open(&bytes);
    let names = book.sheet_names();

    for (i, project) in json["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .enumerate()
    {
        let name = &names[i + 1];
        let range = book.worksheet_range(name).expect("the project sheet");
        assert_eq!(range.get_value((0, 0)), Some(&string("项目支出绩效自评表")));
        assert_eq!(range.get_value((1, 0)), Some(&string("（2024年度）")));
        assert_eq!(
            range.get_value((2, 1)),
            Some(&string(project["name"].as_str().expect("a name")))
        );

        // 总分 is the report's score, as a number; 等级 its grade.
        let total = row_of(&range, 0, "总分");
        assert_eq!(
            range.get_value((total, 7)),
            Some(&Data::Float(number(&project["score"]))),
            "{name}"
        );
        assert_eq!(range.get_value((total, 6)), Some(&Data::Float(100.0)));
        assert_eq!(
            range.get_value((total + 1, 6)),
            Some(&string(project["grade"].as_str().expect("a grade")))
        );

        // The 项目资金 block: numbers, not strings.
        let budget = &project["budget_execution"];
        assert_eq!(range.get_value((5, 1)), Some(&string("年度资金总额")));
        let money = |v: &Value| match v {
            Value::Null => Data::Empty,
            v => Data::Float(number(v)),
        };
        assert_eq!(
            range.get_value((5, 2)).cloned(),
            Some(money(&project["budget"]))
        );
        assert_eq!(
            range.get_value((5, 3)).cloned(),
            Some(money(&budget["budget"]))
        );
        assert_eq!(
            range.get_value((5, 4)).cloned(),
            Some(money(&budget["spent"]))
        );
        assert_eq!(
            range.get_value((5, 5)),
            Some(&Data::Float(number(&budget["points"])))
        );
        assert_eq!(
            range.get_value((5, 7)),
            Some(&Data::Float(number(&budget["score"])))
        );
        if let Value::String(rate) = &budget["rate"] {
            let fraction = rate.parse::<Decimal>().expect("a rate") / Decimal::ONE_HUNDRED;
            assert_eq!(range.get_value((5, 6)), Some(&Data::Float(float(fraction))));
        }

        // Each 一级指标 is merged down its rows, labelled with its points.
        let merged = book
            .merge_cells_by_sheet_name(name)
            .expect("the merged cells");
        let header = row_of(&range, 1, "一级指标");
        let categories = project["categories"].as_array().expect("categories");
        let mut labels = Vec::new();
        for m in merged
            .iter()
            .filter(|m| m.start.1 == 1 && m.end.1 == 1 && m.start.0 > header)
        {
            let Some(Data::String(label)) = range.get_value(m.start) else {
                panic!("a merged 一级指标 without a label in {name}");
            };
            labels.push(label.clone());
        }
        let rows = project["indicators"].as_array().expect("indicators").len();
        if rows > 1 {
            assert!(!labels.is_empty(), "{name}: no merged 一级指标");
        }
        for label in &labels {
            assert!(
                categories.iter().any(|c| {
                    let weight = decimal(&c["weight"]).normalize();
                    *label == format!("{}({weight}分)", c["level1"].as_str().unwrap_or(""))
                }),
                "{name}: `{label}` is not a category with its points"
            );
        }
    }

    // The first project, in detail.
    let range = book.worksheet_range(&names[1]).expect("the first project");
    let merged = book.merge_cells_by_sheet_name(&names[1]).expect("merges");
    let output = merged
        .iter()
        .find(|m| range.get_value(m.start) == Some(&string("产出指标(50分)")))
        .expect("产出指标(50分) is merged");
    assert_eq!(output.start.1, 1);
    assert!(output.end.0 > output.start.0);
    let first = output.start.0;
    assert_eq!(range.get_value((first, 3)), Some(&string("组织活动次数")));
    assert_eq!(range.get_value((first, 4)), Some(&string("≥ 1 次")));
    assert_eq!(range.get_value((first, 5)), Some(&string("3次")));
    assert_eq!(range.get_value((first, 6)), Some(&Data::Float(12.5)));
    assert_eq!(range.get_value((first, 7)), Some(&Data::Float(12.5)));
    // The example claims scores on this project: 申报得分 stands before the note.
    assert_eq!(range.get_value((first - 1, 8)), Some(&string("申报得分")));
    assert_eq!(range.get_value((first, 8)), Some(&Data::Float(12.5)));
    assert_eq!(
        range.get_value((first - 1, 9)),
        Some(&string("偏差原因分析及改进措施"))
    );

    // Money and scores carry two decimals, rates a percent format.
    let styles = book.worksheet_style(&names[1]).expect("styles");
    let format = |pos| {
        styles
            .get(pos)
            .and_then(|s| s.number_format.as_ref())
            .map(|f| f.format_code.clone())
    };
    assert_eq!(format((5, 2)).as_deref(), Some("0.00"));
    assert_eq!(format((5, 6)).as_deref(), Some("0.00%"));
    assert_eq!(format((first, 7)).as_deref(), Some("0.00"));
}

#[test]
fn the_summary_lists_every_project_with_the_department_totals() {
    let example = Example::new();
    let report = example.report();
    let json: Value =
        serde_json::from_str(&kpi::report::eval::json(&report)).expect("the JSON report");
    let bytes = kpi::report::eval::xlsx(&report).expect("a workbook");
    let mut book = open(&bytes);
    let range = book.worksheet_range("汇总").expect("the summary");
    assert_eq!(
        range.get_value((0, 0)),
        Some(&string("沈阳市工业和信息化局 2024年度绩效自评"))
    );
    let header = row_of(&range, 0, "序号");
    let projects = json["projects"].as_array().expect("projects");
    let mut budgets = Decimal::ZERO;
    for (i, project) in projects.iter().enumerate() {
        let r = header + 1 + i as u32;
        assert_eq!(range.get_value((r, 0)), Some(&Data::Float((i + 1) as f64)));
        assert_eq!(
            range.get_value((r, 1)),
            Some(&string(project["name"].as_str().expect("a name")))
        );
        assert_eq!(
            range.get_value((r, 6)),
            Some(&Data::Float(number(&project["score"])))
        );
        assert_eq!(
            range.get_value((r, 7)),
            Some(&string(project["grade"].as_str().expect("a grade")))
        );
        let budget = &project["budget_execution"]["budget"];
        if !budget.is_null() {
            assert_eq!(range.get_value((r, 3)), Some(&Data::Float(number(budget))));
            budgets += decimal(budget);
        }
    }
    assert_eq!(
        range.get_value((header + 1, 2)),
        Some(&string("沈阳市工业和信息化局本级"))
    );

    let total = header + 1 + projects.len() as u32;
    assert_eq!(range.get_value((total, 0)), Some(&string("合计")));
    assert_eq!(
        range.get_value((total, 3)),
        Some(&Data::Float(float(budgets)))
    );
    let department = &json["department"];
    assert_eq!(
        range.get_value((total, 6)),
        Some(&Data::Float(number(&department["project_score"])))
    );
    let project_score = row_of(&range, 0, "项目得分（按预算加权）");
    assert_eq!(
        range.get_value((project_score, 3)),
        Some(&Data::Float(number(&department["project_score"])))
    );
    let overall = row_of(&range, 0, "整体得分（单位平均）");
    assert_eq!(
        range.get_value((overall, 3)),
        Some(&Data::Float(number(&department["overall_score"])))
    );

    // The units, with links to their sheets.
    let units = row_of(&range, 0, "单位编码");
    for (i, unit) in json["units"].as_array().expect("units").iter().enumerate() {
        let r = units + 1 + i as u32;
        assert_eq!(
            range.get_value((r, 0)),
            Some(&string(unit["code"].as_str().expect("a code")))
        );
        assert_eq!(
            range.get_value((r, 3)),
            Some(&Data::Float(number(&unit["overall"]["score"])))
        );
        assert_eq!(
            range.get_value((r, 5)),
            Some(&Data::Float(number(&unit["project_score"])))
        );
    }
    let links = book
        .hyperlinks_by_sheet_name("汇总")
        .expect("the summary's links");
    assert_eq!(links.len(), 57 + 2);

    // A unit sheet: its 表16 table, total and project score.
    let name = book.sheet_names()[58].clone();
    let range = book.worksheet_range(&name).expect("a unit sheet");
    let unit = &json["units"][0];
    assert_eq!(
        range.get_value((0, 0)),
        Some(&string("部门（单位）整体绩效自评表"))
    );
    let total = row_of(&range, 0, "总分");
    assert_eq!(
        range.get_value((total, 7)),
        Some(&Data::Float(number(&unit["overall"]["score"])))
    );
    let project_score = row_of(&range, 0, "项目得分（按预算加权）");
    assert_eq!(
        range.get_value((project_score, 6)),
        Some(&Data::Float(number(&unit["project_score"])))
    );
    let merged = book.merge_cells_by_sheet_name(&name).expect("merges");
    assert!(
        merged.iter().any(|m| m.start.1 == 1
            && m.end.1 == 1
            && m.end.0 > m.start.0
            && range.get_value(m.start) == Some(&string("履职效能(14.29分)"))),
        "履职效能 is merged with its points (100 over 7 categories, S15)"
    );
}

#[test]
fn the_same_report_gives_the_same_bytes() {
    let example = Example::new();
    let a = kpi::report::eval::xlsx(&example.report()).expect("a workbook");
    let b = kpi::report::eval::xlsx(&example.report()).expect("a workbook");
    assert!(a == b, "two renderings differ");
    let core = zip::entry(&a, "docProps/core.xml").expect("core.xml");
    assert!(core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2024-12-31T00:00:00Z"));
}

#[test]
fn the_workbook_reads_back_as_a_self_evaluation_and_scores_the_same() {
    // A reviewer re-checks a self-evaluation written by kpi: the project sheets are 自评表 forms
    // that carry targets, actuals, 分值 and 得分, so `kpi eval` reads them without targets.
    let example = Example::new();
    let report = example.report();
    let bytes = kpi::report::eval::xlsx(&report).expect("a workbook");
    let name = "report.xlsx";
    assert!(kpi::import::table::bytes_carry_targets(&bytes, None));
    let model = kpi::import::table::import_bytes(name, &bytes, None)
        .expect("the workbook reads as targets")
        .department;
    assert_eq!(model.projects.len(), 57);
    let profile = Profile::national();
    let actuals = kpi::actuals::read(name, &bytes, &model, &profile, &ReadOptions::default())
        .expect("the workbook reads as actuals");
    let again = evaluate(&model, &actuals, &Options::new(profile, name)).expect("it evaluates");
    let scores =
        |e: &Evaluation| -> Vec<Decimal> { e.projects.iter().map(|p| p.table.total).collect() };
    assert_eq!(scores(&again), scores(&example.evaluation));
    assert_eq!(
        again.department.project_score,
        example.evaluation.department.project_score
    );
}

/// A department whose names a spreadsheet would take for formulas.
fn hostile() -> Department {
    let indicator = |id: &str, name: &str, target: Target| Indicator {
        id: id.into(),
        level1: "产出指标".into(),
        level2: "@数量指标".into(),
        name: name.into(),
        target,
        deadline: None,
        direction: None,
        weight: None,
        allow: Default::default(),
        source: None,
    };
    Department {
        allow: Default::default(),
        name: "+部门".to_owned(),
        year: Some(2024),
        units: vec![Unit {
            code: "1".to_owned(),
            name: "-单位".to_owned(),
            ..Unit::default()
        }],
        projects: vec![Project {
            id: "1-p".to_owned(),
            name: "=cmd|' /C calc'!A0".to_owned(),
            unit: "1".to_owned(),
            budget: Some(Decimal::new(1000, 2)),
            goal: Some("=HYPERLINK(\"http://example.com\")".to_owned()),
            indicators: vec![
                indicator("1-p-a", "=1+1", Target::Qualitative("-确保稳定".to_owned())),
                indicator("1-p-b", "\t@SUM(A1)", Target::NotApplicable),
            ],
            ..Project::default()
        }],
    }
}

#[test]
fn text_that_looks_like_a_formula_is_a_string_and_numbers_stay_numbers() {
    let model = hostile();
    let actuals = Actuals::empty("actuals.csv");
    let evaluation = evaluate(
        &model,
        &actuals,
        &Options::new(Profile::national(), "t.kpi"),
    )
    .expect("it evaluates");
    let report = Report {
        model: &model,
        evaluation: &evaluation,
        actuals: &actuals,
        targets: "t.kpi",
    };
    let bytes = kpi::report::eval::xlsx(&report).expect("a workbook");
    let mut book = open(&bytes);
    let names = book.sheet_names();
    let name = "=cmd|' /C calc'!A0";
    // `/` may not stand in a sheet name: it becomes a full-width `／`.
    assert_eq!(names[1], "1 =cmd|' ／C calc'!A0");

    let summary = book.worksheet_range("汇总").expect("the summary");
    let header = row_of(&summary, 0, "序号");
    assert_eq!(summary.get_value((header + 1, 1)), Some(&string(name)));
    assert_eq!(summary.get_value((header + 1, 2)), Some(&string("-单位")));
    assert_eq!(summary.get_value((header + 1, 3)), Some(&Data::Float(10.0)));

    let sheet = book.worksheet_range(&names[1]).expect("the project sheet");
    assert_eq!(sheet.get_value((2, 1)), Some(&string(name)));
    assert_eq!(sheet.get_value((3, 1)), Some(&string("+部门")));
    assert_eq!(
        sheet.get_value((7, 1)),
        Some(&string("=HYPERLINK(\"http://example.com\")"))
    );
    let first = row_of(&sheet, 1, "一级指标") + 1;
    assert_eq!(sheet.get_value((first, 2)), Some(&string("@数量指标")));
    assert_eq!(sheet.get_value((first, 3)), Some(&string("=1+1")));
    assert_eq!(sheet.get_value((first, 4)), Some(&string("-确保稳定")));
    // A tab is no line break in a one-line cell: it becomes a space.
    assert_eq!(sheet.get_value((first + 1, 3)), Some(&string(" @SUM(A1)")));
    assert_eq!(sheet.get_value((5, 2)), Some(&Data::Float(10.0)));

    for sheet in &names {
        let formulas = book.worksheet_formula(sheet).expect("formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "a formula in `{sheet}`"
        );
        let xml = zip::sheet(&bytes, names.iter().position(|n| n == sheet).unwrap_or(0));
        assert!(!xml.contains("<f>") && !xml.contains("<f "), "{sheet}");
    }
    // Risky strings carry Excel's quote prefix, so editing the cell keeps it text.
    let styles = zip::entry(&bytes, "xl/styles.xml").expect("styles.xml");
    assert!(styles.contains("quotePrefix=\"1\""));
}

#[test]
fn the_template_workbook_has_the_forms_header_and_rows() {
    let model = kpi::import::import(kpi::embedded::SPEC_NAME, kpi::embedded::SPEC)
        .expect("the embedded spec reads")
        .department;
    let bytes = kpi::report::template_xlsx::template_xlsx(&model, &Profile::national())
        .expect("a workbook");
    let mut book = open(&bytes);
    assert_eq!(book.sheet_names(), ["实际完成值"]);
    let range = book.worksheet_range("实际完成值").expect("the sheet");
    let csv = kpi::report::template::template(&model);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a record")).collect();
    assert_eq!(range.height(), records.len());
    assert_eq!(records.len(), 1 + 458 + 57);
    for (r, record) in records.iter().enumerate() {
        for (c, cell) in record.iter().enumerate() {
            let got = range
                .get_value((r as u32, c as u32))
                .unwrap_or(&Data::Empty);
            let expected = match cell.parse::<f64>() {
                Ok(n) if c >= 13 => Data::Float(n),
                _ if cell.is_empty() => Data::Empty,
                _ => string(cell),
            };
            assert_eq!(got, &expected, "row {r} column {c}");
        }
    }
    for (c, name) in kpi::report::template::HEADER.iter().enumerate() {
        assert_eq!(range.get_value((0, c as u32)), Some(&string(name)));
    }
    assert_eq!(range.get_value((1, 7)), Some(&string("＝ 100 %")));

    // The cells to fill are yellow and unlocked; the others grey and locked.
    let styles = book.worksheet_style("实际完成值").expect("styles");
    let style = |r: u32, c: u32| styles.get((r, c)).expect("a style").clone();
    let budget_row = records
        .iter()
        .position(|r| &r[1] == "budget")
        .expect("a budget row") as u32;
    for (r, c, fill) in [
        (1, 9, true),
        (1, 10, true),
        (1, 11, true),
        (1, 12, true),
        (1, 13, false),
        (budget_row, 13, true),
        (1, 14, true),
        (1, 15, true),
        (1, 0, false),
        (1, 7, false),
        (1, 8, false),
    ] {
        let s = style(r, c);
        let color = s
            .fill
            .as_ref()
            .and_then(|f| f.get_color())
            .map(|c| c.to_argb() & 0xFF_FF_FF);
        let locked = s.protection.as_ref().is_none_or(|p| p.locked);
        if fill {
            assert_eq!(color, Some(0xFF_F2_CC), "({r}, {c}) is to fill");
            assert!(!locked, "({r}, {c}) is unlocked");
        } else {
            assert_eq!(color, Some(0xF2_F2_F2), "({r}, {c}) is reference");
            assert!(locked, "({r}, {c}) is locked");
        }
    }

    // Qualitative rows have a drop-down of their target and the tier words; the header is frozen
    // and the sheet protected.
    let xml = zip::sheet(&bytes, 0);
    let qualitative: Vec<usize> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            model
                .units
                .iter()
                .flat_map(|u| &u.indicators)
                .chain(model.projects.iter().flat_map(|p| &p.indicators))
                .any(|i| *i.id == r[0] && matches!(i.target, Target::Qualitative(_)))
        })
        .map(|(i, _)| i)
        .collect();
    assert!(!qualitative.is_empty());
    assert_eq!(
        xml.matches("<dataValidation ").count(),
        qualitative.len(),
        "one drop-down per qualitative row"
    );
    let first = qualitative[0];
    let target = &records[first][7];
    let validation = format!("sqref=\"J{}\"><formula1>\"{target},达成,", first + 1);
    assert!(xml.contains(&validation), "no drop-down `{validation}`");
    assert!(xml.contains("type=\"list\""));
    assert!(xml.contains("errorStyle=\"warning\""));
    for word in Profile::national().tier_words() {
        assert!(xml.contains(&format!(",{word},")) || xml.contains(&format!(",{word}\"<")));
    }
    assert!(xml.contains("ySplit=\"1\""), "the header is frozen");
    assert!(xml.contains("<sheetProtection"), "the sheet is protected");
    assert!(xml.contains("<autoFilter ref=\"A1:P516\""));

    // The same targets give the same bytes.
    let again = kpi::report::template_xlsx::template_xlsx(&model, &Profile::national())
        .expect("a workbook");
    assert!(bytes == again);
}

#[test]
fn the_actuals_reader_takes_the_template_workbook_back() {
    let model = kpi::import::import(kpi::embedded::SPEC_NAME, kpi::embedded::SPEC)
        .expect("the embedded spec reads")
        .department;
    let profile = Profile::national();
    let bytes = kpi::report::template_xlsx::template_xlsx(&model, &profile).expect("a workbook");
    let actuals = kpi::actuals::read(
        "actuals.xlsx",
        &bytes,
        &model,
        &profile,
        &ReadOptions::default(),
    )
    .expect("the template workbook reads as actuals");
    assert_eq!(actuals.accounting.rows_read, 458 + 57);
    assert_eq!(actuals.accounting.rows_used, 0);
    assert!(actuals.accounting.balances());
}

/// Just enough of ZIP and DEFLATE (RFC 1951) to read the XML parts of an `.xlsx`.
mod zip {
    /// The text of the part `name`, if the package has it.
    pub fn entry(bytes: &[u8], name: &str) -> Option<String> {
        let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
        let u32_at = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize
        };
        let end = (0..=bytes.len() - 22)
            .rev()
            .find(|&at| bytes[at..at + 4] == [0x50, 0x4b, 0x05, 0x06])?;
        let entries = u16_at(end + 10);
        let mut at = u32_at(end + 16);
        for _ in 0..entries {
            assert_eq!(bytes[at..at + 4], [0x50, 0x4b, 0x01, 0x02]);
            let method = u16_at(at + 10);
            let size = u32_at(at + 20);
            let name_len = u16_at(at + 28);
            let extra = u16_at(at + 30);
            let comment = u16_at(at + 32);
            let local = u32_at(at + 42);
            let entry_name = std::str::from_utf8(&bytes[at + 46..at + 46 + name_len]).ok()?;
            if entry_name == name {
                let data = local + 30 + u16_at(local + 26) + u16_at(local + 28);
                let raw = &bytes[data..data + size];
                let plain = match method {
                    0 => raw.to_vec(),
                    8 => inflate(raw),
                    m => panic!("compression method {m}"),
                };
                return Some(String::from_utf8(plain).expect("UTF-8 XML"));
            }
            at += 46 + name_len + extra + comment;
        }
        None
    }

    /// The XML of the `index`th (0-based) worksheet.
    pub fn sheet(bytes: &[u8], index: usize) -> String {
        entry(bytes, &format!("xl/worksheets/sheet{}.xml", index + 1)).expect("the sheet's XML")
    }

    struct Bits<'a> {
        data: &'a [u8],
        at: usize,
        buffer: u32,
        count: u32,
    }

    impl Bits<'_> {
        fn take(&mut self, n: u32) -> u32 {
            while self.count < n {
                self.buffer |= u32::from(self.data[self.at]) << self.count;
                self.at += 1;
                self.count += 8;
            }
            let value = self.buffer & ((1u32 << n) - 1);
            self.buffer = if n == 32 { 0 } else { self.buffer >> n };
            self.count -= n;
            value
        }
    }

    /// A canonical Huffman code: counts of codes per length, symbols in code order.
    struct Huffman {
        counts: [u16; 16],
        symbols: Vec<u16>,
    }

    impl Huffman {
        fn new(lengths: &[u8]) -> Huffman {
            let mut counts = [0u16; 16];
            for &l in lengths {
                counts[usize::from(l)] += 1;
            }
            counts[0] = 0;
            let mut offsets = [0u16; 16];
            for l in 1..15 {
                offsets[l + 1] = offsets[l] + counts[l];
            }
            let mut symbols = vec![0u16; lengths.len()];
            for (symbol, &l) in lengths.iter().enumerate() {
                if l != 0 {
                    symbols[usize::from(offsets[usize::from(l)])] = symbol as u16;
                    offsets[usize::from(l)] += 1;
                }
            }
            Huffman { counts, symbols }
        }

        fn decode(&self, bits: &mut Bits<'_>) -> usize {
            let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
            for len in 1..16 {
                code |= bits.take(1) as i32;
                let count = i32::from(self.counts[len]);
                if code - count < first {
                    return usize::from(self.symbols[(index + code - first) as usize]);
                }
                index += count;
                first = (first + count) << 1;
                code <<= 1;
            }
            panic!("a bad Huffman code");
        }
    }

    const LENGTH_BASE: [usize; 29] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
        131, 163, 195, 227, 258,
    ];
    const LENGTH_EXTRA: [u32; 29] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ];
    const DISTANCE_BASE: [usize; 30] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
        2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ];
    const DISTANCE_EXTRA: [u32; 30] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12,
        13, 13,
    ];
    const ORDER: [usize; 19] = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ];

    pub fn inflate(data: &[u8]) -> Vec<u8> {
        let mut bits = Bits {
            data,
            at: 0,
            buffer: 0,
            count: 0,
        };
        let mut out: Vec<u8> = Vec::new();
        loop {
            let last = bits.take(1) == 1;
            match bits.take(2) {
                0 => {
                    bits.buffer = 0;
                    bits.count = 0;
                    let len = usize::from(u16::from_le_bytes([data[bits.at], data[bits.at + 1]]));
                    bits.at += 4;
                    out.extend_from_slice(&data[bits.at..bits.at + len]);
                    bits.at += len;
                }
                1 => {
                    let mut lengths = [0u8; 288];
                    for (i, l) in lengths.iter_mut().enumerate() {
                        *l = match i {
                            0..=143 => 8,
                            144..=255 => 9,
                            256..=279 => 7,
                            _ => 8,
                        };
                    }
                    let literals = Huffman::new(&lengths);
                    let distances = Huffman::new(&[5u8; 30]);
                    codes(&mut bits, &mut out, &literals, &distances);
                }
                2 => {
                    let nlen = bits.take(5) as usize + 257;
                    let ndist = bits.take(5) as usize + 1;
                    let ncode = bits.take(4) as usize + 4;
                    let mut code_lengths = [0u8; 19];
                    for &i in &ORDER[..ncode] {
                        code_lengths[i] = bits.take(3) as u8;
                    }
                    let lencode = Huffman::new(&code_lengths);
                    let mut lengths = vec![0u8; nlen + ndist];
                    let mut i = 0;
                    while i < nlen + ndist {
                        let symbol = lencode.decode(&mut bits);
                        let (value, repeat) = match symbol {
                            0..=15 => (symbol as u8, 1),
                            16 => (lengths[i - 1], 3 + bits.take(2) as usize),
                            17 => (0, 3 + bits.take(3) as usize),
                            _ => (0, 11 + bits.take(7) as usize),
                        };
                        for _ in 0..repeat {
                            lengths[i] = value;
                            i += 1;
                        }
                    }
                    let literals = Huffman::new(&lengths[..nlen]);
                    let distances = Huffman::new(&lengths[nlen..]);
                    codes(&mut bits, &mut out, &literals, &distances);
                }
                t => panic!("a bad block type {t}"),
            }
            if last {
                return out;
            }
        }
    }

    fn codes(bits: &mut Bits<'_>, out: &mut Vec<u8>, literals: &Huffman, distances: &Huffman) {
        loop {
            let symbol = literals.decode(bits);
            match symbol {
                0..=255 => out.push(symbol as u8),
                256 => return,
                _ => {
                    let s = symbol - 257;
                    let len = LENGTH_BASE[s] + bits.take(LENGTH_EXTRA[s]) as usize;
                    let d = distances.decode(bits);
                    let distance = DISTANCE_BASE[d] + bits.take(DISTANCE_EXTRA[d]) as usize;
                    let start = out.len() - distance;
                    for k in 0..len {
                        out.push(out[start + k]);
                    }
                }
            }
        }
    }
}
