//! One CSV row per indicator and per budget execution, for spreadsheets.
//!
//! Columns: `kind,unit,project_id,project,id,level1,level2,indicator,target,actual,weight,score,
//! claimed,status,flags,note`. `kind` is `indicator` (a project's row), `budget` (a project's
//! budget execution, S12: `id` is `<project id>#budget`, `target` the budget it is a rate of,
//! `weight` its points P) or `unit_indicator` (a unit's 表16 row; the project columns are
//! empty). Rows follow the text report: projects in source order, each its indicators then its
//! budget execution; then the units. No summary rows. Targets are written in their
//! spreadsheet form (`≥ 95 %`), and every other cell a spreadsheet would take for a formula
//! is neutralised with a leading `'`.

use super::{Report, fixed2, flag_list, money, project_of, rows, unit_of};
use crate::actuals::Actuals;
use crate::eval::RowResult;
use crate::model::id::budget_id;
use crate::model::{Indicator, Project};

const HEADER: [&str; 16] = [
    "kind",
    "unit",
    "project_id",
    "project",
    "id",
    "level1",
    "level2",
    "indicator",
    "target",
    "actual",
    "weight",
    "score",
    "claimed",
    "status",
    "flags",
    "note",
];

/// Columns holding numbers (weight, score, claimed): a plain decimal there is kept as it is.
const NUMERIC: [usize; 3] = [10, 11, 12];

pub fn render(report: &Report<'_>) -> String {
    let mut records: Vec<[String; 16]> = Vec::new();
    for result in &report.evaluation.projects {
        let Some(project) = project_of(report, result) else {
            continue;
        };
        for (indicator, row) in rows(&project.indicators, &result.table) {
            records.push(indicator_record(
                "indicator",
                &project.unit,
                Some(project),
                indicator,
                row,
                report.actuals,
            ));
        }
        let b = &result.budget;
        records.push([
            "budget".to_owned(),
            project.unit.clone(),
            project.id.clone(),
            project.name.clone(),
            budget_id(&project.id),
            String::new(),
            String::new(),
            "预算执行率".to_owned(),
            b.budget
                .map(|v| format!("{} 万元", money(v)))
                .unwrap_or_default(),
            b.actual(report.actuals).to_owned(),
            fixed2(b.points),
            fixed2(b.score),
            b.claimed(report.actuals).map(fixed2).unwrap_or_default(),
            b.status.label().to_owned(),
            flag_list(b.flags),
            b.note(report.actuals).unwrap_or_default().to_owned(),
        ]);
    }
    for result in &report.evaluation.units {
        let (Some(unit), Some(overall)) = (unit_of(report, result), &result.overall) else {
            continue;
        };
        for (indicator, row) in rows(&unit.indicators, overall) {
            records.push(indicator_record(
                "unit_indicator",
                &unit.code,
                None,
                indicator,
                row,
                report.actuals,
            ));
        }
    }
    write(&records).unwrap_or_default()
}

fn indicator_record(
    kind: &str,
    unit: &str,
    project: Option<&Project>,
    indicator: &Indicator,
    row: &RowResult,
    actuals: &Actuals,
) -> [String; 16] {
    [
        kind.to_owned(),
        unit.to_owned(),
        project.map(|p| p.id.clone()).unwrap_or_default(),
        project.map(|p| p.name.clone()).unwrap_or_default(),
        indicator.id.to_string(),
        indicator.level1.to_string(),
        indicator.level2.to_string(),
        indicator.name.to_string(),
        indicator.target.to_spreadsheet_text(),
        row.actual(actuals).to_owned(),
        fixed2(row.weight),
        fixed2(row.score),
        row.claimed(actuals).map(fixed2).unwrap_or_default(),
        row.status.label().to_owned(),
        flag_list(row.flags),
        row.note(actuals).unwrap_or_default().to_owned(),
    ]
}

/// The records as CSV (`\n` line ends, quoted where needed), with every cell made safe.
fn write(records: &[[String; 16]]) -> Result<String, Box<dyn std::error::Error>> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(HEADER)?;
    for record in records {
        let cells: Vec<String> = record
            .iter()
            .enumerate()
            .map(|(i, cell)| crate::report::spreadsheet_safe(cell, NUMERIC.contains(&i)))
            .collect();
        writer.write_record(&cells)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes)?)
}

#[cfg(test)]
mod tests {
    use super::super::fixture::Fixture;
    use super::*;

    fn records() -> Vec<Vec<String>> {
        let f = Fixture::new();
        let text = render(&f.report());
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .expect("a header")
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(header, HEADER);
        reader
            .records()
            .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn one_row_per_indicator_and_budget_execution() {
        let rows = records();
        let kinds: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            kinds,
            [
                "indicator",
                "indicator",
                "indicator",
                "budget",
                "indicator",
                "indicator",
                "indicator",
                "budget",
                "unit_indicator",
                "unit_indicator",
            ]
        );
        assert_eq!(
            rows[1],
            [
                "indicator",
                "558001",
                "558001-aaaa0001",
                "智能制造|示范项目",
                "558001-aaaa0001-000002",
                "产出指标",
                "质量指标",
                "验收合格率",
                "≥ 95 %",
                "96%",
                "25.00",
                "25.00",
                "20.00",
                "达标",
                "得分不符",
                "",
            ]
        );
        let budget = &rows[3];
        assert_eq!(budget[4], "558001-aaaa0001#budget");
        assert_eq!(budget[8], "35.88 万元");
        assert_eq!(budget[9], "30万元");
        assert_eq!(
            &budget[10..15],
            ["10.00", "8.36", "10.00", "未达标", "需说明、得分不符"]
        );
        assert_eq!(rows[0][8], "10~15 个");
        assert_eq!(rows[2][15], "市场|需求下降");
        assert_eq!(rows[8][2], "");
        assert_eq!(rows[8][8], "＝ 100 %");
    }

    #[test]
    fn formulas_are_neutralised_but_numbers_kept() {
        let rows = records();
        let second = &rows[4];
        assert_eq!(
            second[3], "'=前期工作经费",
            "a name starting with = is text"
        );
        let negative = &rows[5];
        assert_eq!(
            negative[8], "≤ -5 %",
            "targets are written in their spreadsheet form"
        );
        assert_eq!(
            negative[9], "'-5%",
            "an actual is text even when it looks like a number"
        );
        assert_eq!(negative[11], "30.00");
    }

    #[test]
    fn csv_is_deterministic_and_newline_terminated() {
        let f = Fixture::new();
        let a = render(&f.report());
        assert_eq!(a, render(&f.report()));
        assert!(a.starts_with(
            "kind,unit,project_id,project,id,level1,level2,indicator,target,actual,weight,score,claimed,status,flags,note\n"
        ));
        assert!(a.ends_with('\n'));
    }
}
