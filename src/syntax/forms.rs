//! The 项目支出绩效自评表 layout (财预〔2020〕10号 annex) → a flat table.
//!
//! A filled self-evaluation is a form, not a table: 项目名称, 主管部门 and 实施单位 on rows of
//! their own, the 项目资金 block (年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分), then the
//! indicator table (一级指标 merged down its rows, often labelled `产出指标(50分)`, 二级指标,
//! 三级指标, 年度指标值 or 运算符号 | 指标值 | 度量单位, 实际完成值, 分值, 得分, 偏差原因分析及改进措施)
//! and 总分. Forms may stand one per sheet or stacked on one sheet. Each becomes rows of a flat
//! table with the columns of `syntax/columns.rs`, every cell remembering where it stood, so the
//! table readers read a unit's published self-evaluation like any table: targets, actuals, 分值
//! and the claimed 得分 (S16).

use super::columns::Field;
use super::workbook::{LineOrigin, Sheet, csv_line};
use crate::text::match_key;

/// The flat table's columns, in order.
const COLUMNS: [Field; 15] = [
    Field::Department,
    Field::Unit,
    Field::Project,
    Field::Kind,
    Field::Level1,
    Field::Level2,
    Field::Indicator,
    Field::Operator,
    Field::Target,
    Field::Measure,
    Field::Actual,
    Field::Weight,
    Field::Score,
    Field::Note,
    Field::Deadline,
];
/// Budget rows also carry the adjusted budget.
const BUDGET: usize = COLUMNS.len();

/// A cell of the flat table and where it stood: (text, sheet row, sheet column).
type Cell = Option<(String, u32, u32)>;

/// Whether the sheets hold self-evaluation forms: a 项目名称 label and an indicator table whose
/// header names 三级指标 and 实际完成值.
pub(crate) fn has_forms(sheets: &[Sheet]) -> bool {
    sheets.iter().any(|sheet| {
        let labels = |key: &str| {
            sheet
                .rows
                .iter()
                .any(|row| row.iter().any(|c| match_key(c) == key))
        };
        labels("项目名称") && sheet.rows.iter().any(|row| indicator_header(row).is_some())
    })
}

/// Where the columns of an indicator table's header row stand, if `row` is one.
fn indicator_header(row: &[String]) -> Option<Vec<(Field, usize)>> {
    let mut found = Vec::new();
    for (at, cell) in row.iter().enumerate() {
        if let Some(field) = Field::from_header(cell)
            && !found.iter().any(|(f, _)| *f == field)
        {
            found.push((field, at));
        }
    }
    let has = |field| found.iter().any(|(f, _)| *f == field);
    (has(Field::Indicator) && has(Field::Actual) && (has(Field::Target) || has(Field::Operator)))
        .then_some(found)
}

/// The year a form evaluates, from its title (`（2024年度）`), as a deadline cell: its end.
fn year_of(row: &[String]) -> Option<String> {
    row.iter().find_map(|cell| {
        let at = cell.find("年度")?;
        let digits: String = cell[..at]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        (digits.len() == 4).then(|| format!("{}年底", digits.chars().rev().collect::<String>()))
    })
}

/// The first non-empty cell after the one labelled `label` on a row, with its column.
fn after_label(row: &[String], label: &str) -> Option<(String, u32)> {
    let at = row.iter().position(|c| match_key(c) == label)?;
    row.iter()
        .enumerate()
        .skip(at + 1)
        .find(|(_, c)| !c.trim().is_empty())
        .map(|(i, c)| (c.trim().to_owned(), i as u32))
}

/// `产出指标(50分)` → `产出指标`: the points in a level-1 label are the form's, not the name.
fn without_points(label: &str) -> String {
    let trimmed = label.trim();
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some(inner) = trimmed.strip_suffix(close)
            && let Some(at) = inner.rfind(open)
            && inner[at + open.len_utf8()..]
                .trim()
                .trim_end_matches('分')
                .trim()
                .parse::<f64>()
                .is_ok()
        {
            return inner[..at].trim().to_owned();
        }
    }
    trimmed.to_owned()
}

/// The forms of every sheet as one flat table (CSV text, one line per row) and where each
/// line's cells stood. The header comes first.
pub(crate) fn flatten(sheets: &[Sheet]) -> (String, Vec<LineOrigin>) {
    let mut header: Vec<String> = COLUMNS.iter().map(|f| f.name().to_owned()).collect();
    header.push(Field::Budget.name().to_owned());
    let mut text = csv_line(&header);
    text.push('\n');
    let mut origins = vec![LineOrigin {
        sheet: 0,
        row: 0,
        columns: Vec::new(),
    }];
    for (s, sheet) in sheets.iter().enumerate() {
        for (anchor, row) in form_rows(sheet) {
            let cells: Vec<String> = row
                .iter()
                .map(|c| c.as_ref().map_or(String::new(), |(t, _, _)| t.clone()))
                .collect();
            text.push_str(&csv_line(&cells));
            text.push('\n');
            origins.push(LineOrigin {
                sheet: s,
                row: anchor,
                columns: row
                    .iter()
                    .map(|c| c.as_ref().map_or(u32::MAX, |(_, _, col)| *col))
                    .collect(),
            });
        }
    }
    (text, origins)
}

/// The flat rows of one sheet's forms, each with the sheet row it comes from.
fn form_rows(sheet: &Sheet) -> Vec<(u32, Vec<Cell>)> {
    let mut out = Vec::new();
    let mut project: Cell = None;
    let mut department: Cell = None;
    let mut unit: Cell = None;
    let mut columns: Option<Vec<(Field, usize)>> = None;
    let mut budget_columns: Option<Vec<(String, usize)>> = None;
    let mut level1: Cell = None;
    let mut level2: Cell = None;
    let mut year: Cell = None;
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32;
        if let Some(end) = year_of(row) {
            year = Some((end, r, 0));
        }
        let first = row
            .iter()
            .find(|c| !c.trim().is_empty())
            .map(|c| match_key(c));
        if let Some((name, c)) = after_label(row, "项目名称") {
            project = Some((name, r, c));
            unit = None;
            columns = None;
            budget_columns = None;
            level1 = None;
            level2 = None;
            continue;
        }
        if project.is_none() {
            continue;
        }
        if let Some((name, c)) = after_label(row, "实施单位") {
            unit = Some((name, r, c));
        }
        if let Some((name, c)) = after_label(row, "主管部门") {
            department = Some((name, r, c));
        }
        if matches!(first.as_deref(), Some("总分" | "合计")) {
            columns = None;
            continue;
        }
        if let Some(header) = indicator_header(row) {
            columns = Some(header);
            continue;
        }
        // The 项目资金 block: a header naming 全年执行数, then the 年度资金总额 row.
        if row.iter().any(|c| match_key(c) == "全年执行数") {
            budget_columns = Some(
                row.iter()
                    .enumerate()
                    .map(|(i, c)| (match_key(c).into_owned(), i))
                    .filter(|(k, _)| !k.is_empty())
                    .collect(),
            );
            continue;
        }
        if let Some(labels) = budget_columns.take() {
            let cell = |key: &str| -> Cell {
                let (_, at) = labels.iter().find(|(k, _)| k == key)?;
                let text = row.get(*at)?.trim();
                (!text.is_empty()).then(|| (text.to_owned(), r, *at as u32))
            };
            let with_unit = |cell: Cell| cell.map(|(t, r, c)| (format!("{t}万元"), r, c));
            let mut flat: Vec<Cell> = vec![None; BUDGET + 1];
            flat[0] = department.clone();
            flat[1] = unit.clone();
            flat[2] = project.clone();
            flat[3] = Some(("budget".to_owned(), r, 0));
            flat[6] = Some(("预算执行率".to_owned(), r, 0));
            flat[8] = with_unit(cell("年初预算数").or_else(|| cell("全年预算数")));
            flat[10] = with_unit(cell("全年执行数"));
            flat[12] = cell("得分");
            flat[BUDGET] = cell("全年预算数").or_else(|| cell("调整后预算数"));
            out.push((r, flat));
            continue;
        }
        let Some(header) = &columns else { continue };
        let get = |field: Field| -> Cell {
            let (_, at) = header.iter().find(|(f, _)| *f == field)?;
            let text = row.get(*at)?.trim();
            (!text.is_empty()).then(|| (text.to_owned(), r, *at as u32))
        };
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // Merged level-1 and level-2 cells read empty below their first row.
        if let Some((label, r1, c1)) = get(Field::Level1) {
            level1 = Some((without_points(&label), r1, c1));
            level2 = None;
        }
        if let Some(cell) = get(Field::Level2) {
            level2 = Some(cell);
        }
        let name = get(Field::Indicator);
        if name.is_none() && get(Field::Target).is_none() {
            continue;
        }
        let mut flat: Vec<Cell> = vec![None; BUDGET + 1];
        flat[0] = department.clone();
        flat[1] = unit.clone();
        flat[2] = project.clone();
        flat[3] = Some(("indicator".to_owned(), r, 0));
        flat[4] = level1.clone();
        flat[5] = level2.clone();
        flat[6] = name;
        for (i, field) in COLUMNS.iter().enumerate().skip(7) {
            flat[i] = get(*field);
        }
        // Without a 完成时限 column, a row is due at the end of the year the form evaluates.
        if flat[COLUMNS.len() - 1].is_none() {
            flat[COLUMNS.len() - 1] = year.clone();
        }
        out.push((r, flat));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: "自评表".to_owned(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
                .collect(),
        }
    }

    #[test]
    fn points_in_level1_labels_are_not_names() {
        assert_eq!(without_points("产出指标(50分)"), "产出指标");
        assert_eq!(without_points("效益指标（30分）"), "效益指标");
        assert_eq!(without_points("满意度指标"), "满意度指标");
        assert_eq!(without_points("产出(一)"), "产出(一)");
    }

    #[test]
    fn a_form_becomes_flat_rows() {
        let form = sheet(&[
            &["项目支出绩效自评表"],
            &["（2024年度）"],
            &["项目名称", "老干部特需专项经费"],
            &[
                "主管部门",
                "沈阳市工业和信息化局",
                "实施单位",
                "沈阳市工业和信息化局本级",
            ],
            &[
                "项目资金（万元）",
                "",
                "年初预算数",
                "全年预算数",
                "全年执行数",
                "分值",
                "执行率",
                "得分",
            ],
            &[
                "",
                "年度资金总额",
                "35.88",
                "35.88",
                "34.5",
                "10",
                "96.15%",
                "9.62",
            ],
            &["年度总体目标", "确保落实离退休干部政治待遇"],
            &[
                "绩效指标",
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ],
            &[
                "",
                "产出指标(50分)",
                "数量指标",
                "组织活动次数",
                "≥ 1 次",
                "3次",
                "25",
                "25",
                "",
            ],
            &[
                "",
                "",
                "",
                "全年走访慰问老干部人数",
                "≤ 280 人",
                "265人",
                "25",
                "25",
                "",
            ],
            &[
                "",
                "效益指标(40分)",
                "社会效益指标",
                "维护社会稳定",
                "确保稳定",
                "达成",
                "40",
                "38",
                "略有不足",
            ],
            &["总分", "", "", "", "", "", "100", "97.62"],
        ]);
        assert!(has_forms(std::slice::from_ref(&form)));
        let (text, origins) = flatten(&[form]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "department,unit,project,kind,level1,level2,indicator,operator,target,measure,actual,weight,score,note,deadline,budget"
        );
        assert_eq!(
            lines[1],
            "沈阳市工业和信息化局,沈阳市工业和信息化局本级,老干部特需专项经费,budget,,,预算执行率,,35.88万元,,34.5万元,,9.62,,,35.88"
        );
        assert_eq!(
            lines[2],
            "沈阳市工业和信息化局,沈阳市工业和信息化局本级,老干部特需专项经费,indicator,产出指标,数量指标,组织活动次数,,≥ 1 次,,3次,25,25,,2024年底,"
        );
        assert_eq!(
            lines[3],
            "沈阳市工业和信息化局,沈阳市工业和信息化局本级,老干部特需专项经费,indicator,产出指标,数量指标,全年走访慰问老干部人数,,≤ 280 人,,265人,25,25,,2024年底,"
        );
        assert_eq!(
            lines[4],
            "沈阳市工业和信息化局,沈阳市工业和信息化局本级,老干部特需专项经费,indicator,效益指标,社会效益指标,维护社会稳定,,确保稳定,,达成,40,38,略有不足,2024年底,"
        );
        assert_eq!(lines.len(), 5);
        // The actual of 组织活动次数 stood at F9.
        assert_eq!(origins[2].row, 8);
        assert_eq!(origins[2].columns[10], 5);
    }
}
