//! `kpi template`: the actuals form (实际完成值) for a set of targets, as CSV.
//!
//! One row per indicator of every unit (表16, the project left empty), then per project its
//! indicators and one budget execution row (`kind` = `budget`, id `<project id>#budget`,
//! scoring.md S12). The `target` and `deadline` columns are for reference; `kpi` checks them
//! when it reads the form back (`crate::actuals::read`) and fills nothing else. Targets are
//! written with [`Target::to_spreadsheet_text`] (`≥ 100 %`), so no spreadsheet takes `= 100 %`
//! for a formula.
//!
//! [`Target::to_spreadsheet_text`]: crate::model::Target::to_spreadsheet_text

use crate::model::id::budget_id;
use crate::model::{Department, Indicator};

/// The columns of the form, in order. `crate::actuals::read` knows each by this English name.
pub const HEADER: [&str; 16] = [
    "id",
    "kind",
    "unit",
    "project",
    "level1",
    "level2",
    "indicator",
    "target",
    "deadline",
    "actual",
    "measure",
    "completed",
    "note",
    "budget",
    "weight",
    "score",
];

/// The name a budget execution row carries in the `indicator` column (S12).
const BUDGET_EXECUTION: &str = "预算执行率";

/// The actuals form for `model`: CSV (UTF-8, no BOM, `\n` line ends), header first.
pub fn template(model: &Department) -> String {
    let mut rows: Vec<[String; 16]> =
        Vec::with_capacity(model.indicator_count() + model.projects.len() + 1);
    rows.push(HEADER.map(str::to_owned));
    for unit in &model.units {
        for indicator in &unit.indicators {
            rows.push(indicator_row(&unit.code, "", indicator));
        }
    }
    for project in &model.projects {
        for indicator in &project.indicators {
            rows.push(indicator_row(&project.unit, &project.name, indicator));
        }
        let target = project
            .budget
            .map(|b| format!("{b} 万元"))
            .unwrap_or_default();
        rows.push(row(
            [
                &budget_id(&project.id),
                "budget",
                &project.unit,
                &project.name,
                "",
                "",
                BUDGET_EXECUTION,
                &target,
                "",
            ],
            "",
        ));
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for record in &rows {
        // Writing into memory cannot fail; a failure would only drop the row, never panic.
        let _ = writer.write_record(record);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn indicator_row(unit: &str, project: &str, indicator: &Indicator) -> [String; 16] {
    let deadline = indicator
        .deadline
        .map(|d| d.to_string())
        .unwrap_or_default();
    let weight = indicator.weight.map(|w| w.to_string()).unwrap_or_default();
    row(
        [
            &indicator.id,
            "indicator",
            unit,
            project,
            &indicator.level1,
            &indicator.level2,
            &indicator.name,
            &indicator.target.to_spreadsheet_text(),
            &deadline,
        ],
        &weight,
    )
}

/// The nine leading cells, the fill-in cells left empty, and the weight where the model has one.
fn row(leading: [&str; 9], weight: &str) -> [String; 16] {
    let [
        id,
        kind,
        unit,
        project,
        level1,
        level2,
        indicator,
        target,
        deadline,
    ] = leading;
    // Names and targets come from the input: none may become a formula in a spreadsheet.
    [
        id, kind, unit, project, level1, level2, indicator, target, deadline, "", "", "", "", "",
        weight, "",
    ]
    .map(|cell| super::spreadsheet_safe(cell, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Deadline, Indicator, Measure, Operator, Project, Target, Unit};
    use rust_decimal_macros::dec;

    fn seed() -> Department {
        crate::import::import(crate::embedded::SPEC_NAME, crate::embedded::SPEC)
            .expect("the embedded spec reads")
            .department
    }

    #[test]
    fn the_seed_form_has_every_indicator_and_one_budget_row_per_project() {
        let model = seed();
        let csv = template(&model);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes());
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(records[0].iter().collect::<Vec<_>>(), HEADER);
        assert_eq!(records.len(), 1 + 458 + 57);
        let budget_rows: Vec<&csv::StringRecord> =
            records.iter().filter(|r| &r[1] == "budget").collect();
        assert_eq!(budget_rows.len(), 57);
        assert_eq!(&budget_rows[0][0], "558001-04ae452e#budget");
        assert_eq!(&budget_rows[0][6], "预算执行率");
        assert_eq!(&budget_rows[0][7], "35.88 万元");
        // 表16 rows come first, with the project empty.
        assert_eq!(&records[1][0], "558001-unit-f08164");
        assert_eq!(&records[1][2], "558001");
        assert_eq!(&records[1][3], "");
        assert_eq!(&records[1][7], "＝ 100 %");
        assert_eq!(&records[1][8], "2024-12");
        // No target cell starts with a formula sign.
        for record in &records[1..] {
            assert!(!record[7].starts_with(['=', '+', '-', '@']), "{:?}", record);
        }
    }

    #[test]
    fn the_seed_form_is_stable() {
        let expected = include_str!("../../tests/fixtures/actuals/template-2024.csv");
        assert!(
            template(&seed()) == expected,
            "tests/fixtures/actuals/template-2024.csv is out of date: regenerate it with `kpi template -o tests/fixtures/actuals/template-2024.csv`"
        );
    }

    #[test]
    fn cells_are_quoted_and_weights_filled_where_the_model_has_them() {
        let indicator = Indicator {
            id: "1-p-a".into(),
            level1: "产出指标".into(),
            level2: "数量指标".into(),
            name: "企业数量, 含\"小巨人\"".into(),
            target: Target::Compare {
                op: Operator::Ge,
                value: dec!(5),
                measure: Some(Measure::parse("家")),
            },
            deadline: Some(Deadline::YearEnd(Some(2024))),
            direction: None,
            weight: Some(dec!(20)),
            allow: Default::default(),
            source: None,
        };
        let model = Department {
            allow: Default::default(),
            name: "d".into(),
            year: Some(2024),
            units: vec![Unit {
                code: "1".into(),
                name: "u".into(),
                ..Unit::default()
            }],
            projects: vec![Project {
                id: "1-p".into(),
                name: "p".into(),
                unit: "1".into(),
                budget: None,
                indicators: vec![indicator],
                ..Project::default()
            }],
        };
        let csv = template(&model);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[1],
            "1-p-a,indicator,1,p,产出指标,数量指标,\"企业数量, 含\"\"小巨人\"\"\",≥ 5 家,2024年底,,,,,,20,"
        );
        assert_eq!(lines[2], "1-p#budget,budget,1,p,,,预算执行率,,,,,,,,,");
        assert_eq!(lines.len(), 3);
    }
}
