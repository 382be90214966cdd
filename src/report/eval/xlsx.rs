//! The 自评表 workbook: the evaluation in the layout of the official 项目支出绩效自评表
//! (财预〔2020〕10号, annex), written with rust_xlsxwriter.
//!
//! Sheets, in order:
//!
//! - `汇总`: every project in report order with 项目名称, 实施单位, 预算数 (the budget the
//!   execution rate is taken of: the adjusted budget where the actuals give one), 执行数, 执行率,
//!   得分, 等级 and a link to its sheet; a 合计 row; the department's scores, grade and status
//!   counts and the actuals' row accounting; then every unit with its scores.
//! - one sheet per project (`1 老干部特需专项经费`): 项目名称, 主管部门, 实施单位, the 项目资金 block
//!   (年初预算数 from 表17; 全年预算数, the adjusted budget where the actuals give one, else
//!   表17's; 全年执行数, 分值 P, 执行率, 得分), 年度总体目标 (预期目标 is the project's goal;
//!   实际完成情况 is left to the unit), the indicator table with each 一级指标 merged down its
//!   rows and labelled with its points (`产出指标(50分)`), then 总分 and 等级. A category shown
//!   with no indicator (S2) is a line of its own with 一级指标 and 二级指标 only, flagged
//!   指标不完整.
//! - one sheet per unit (`整体 558001 沈阳市工业和信息化局本级`): its 表16 overall evaluation,
//!   the same indicator table, its total and grade, and its budget-weighted project score.
//!
//! The indicator table has the official columns (一级指标 … 偏差原因分析及改进措施), a 申报得分
//! column only on sheets where the actuals claim a score (S16), and after them the evaluator's
//! 状态 and 标记, which the official form has no place for.
//!
//! Scores, weights and money are numbers formatted `0.00`; rates are fractions formatted `0.00%`
//! (94.76 % is stored as 0.9476). Nothing here computes a score: every score is the evaluator's.
//! The only arithmetic is the exact sum of budgets and of amounts spent in the summary's 合计 row
//! and the division of a rate by 100.
//!
//! Every text from the input is written as a string, never as a formula; one that a spreadsheet
//! would take for a formula when edited (`=`, `+`, `-`, `@` first) also gets Excel's quote prefix.
//! Control characters become spaces (line breaks stay in notes and goals), so no cell starts
//! with a tab or CR. Sheet names are made valid and unique ([`SheetNames`]).
//! The same report gives byte-identical bytes: the document's creation time is the evaluation
//! date, and rust_xlsxwriter stamps the zip entries with a fixed time.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, FormatUnderline, Url,
    Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

use super::{
    Report, accounting_line, clean, flag_list, grade_counts, input_parts, project_of, rows,
    settings_parts, status_counts, title, unit_of,
};
use crate::Error;
use crate::actuals::Actuals;
use crate::eval::{
    BudgetResult, CategoryResult, ProjectResult, RowResult, TableResult, UnitResult,
};
use crate::model::{Category, Indicator, Project, Unit};
use crate::text::{category_key, match_key};

/// What errors of the workbook name as their file: the renderer does not know where the bytes go.
const FILE: &str = "xlsx";

/// The workbook for `report`, as the bytes of an `.xlsx` file.
pub fn render(report: &Report<'_>) -> Result<Vec<u8>, Error> {
    build(report).map_err(|e| error(FILE, &e))
}

fn build(report: &Report<'_>) -> Result<Vec<u8>, XlsxError> {
    let e = report.evaluation;
    let f = Formats::new();
    let mut names = SheetNames::new();
    let summary_name = names.unique("汇总", "汇总");

    // Names first: the summary links to every sheet.
    let project_sheets: Vec<(&ProjectResult, &Project, String)> = e
        .projects
        .iter()
        .enumerate()
        .filter_map(|(i, result)| {
            let project = project_of(report, result)?;
            let name = names.unique(
                &format!("{} {}", i + 1, project.name),
                &format!("项目{}", i + 1),
            );
            Some((result, project, name))
        })
        .collect();
    let unit_sheets: Vec<(&UnitResult, &Unit, String)> = e
        .units
        .iter()
        .enumerate()
        .filter_map(|(i, result)| {
            let unit = unit_of(report, result)?;
            let name = names.unique(
                &format!("整体 {} {}", unit.code, unit.name),
                &format!("单位{}", i + 1),
            );
            Some((result, unit, name))
        })
        .collect();

    let mut workbook = Workbook::new();
    workbook.set_properties(&properties(&title(report), Some(e.as_of)));

    let sheet = workbook.add_worksheet();
    sheet.set_name(&summary_name)?;
    summary(report, &f, &project_sheets, &unit_sheets).emit(sheet, &SUMMARY_COLUMNS)?;
    sheet.set_freeze_panes(SUMMARY_HEADER + 1, 0)?;
    sheet.set_repeat_rows(SUMMARY_HEADER, SUMMARY_HEADER)?;
    print_setup(sheet);

    for (result, project, name) in &project_sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        let (grid, layout) = project_sheet(report, &f, result, project);
        grid.emit(sheet, &layout.columns())?;
        print_setup(sheet);
    }
    for (result, unit, name) in &unit_sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        let (grid, layout) = unit_sheet(report, &f, result, unit);
        grid.emit(sheet, &layout.columns())?;
        print_setup(sheet);
    }
    workbook.save_to_buffer()
}

/// A4 landscape, one page wide.
pub(crate) fn print_setup(sheet: &mut Worksheet) {
    sheet.set_paper_size(9); // A4
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
}

// ---------------------------------------------------------------------------------------------
// The summary sheet.

/// The header row of the summary's project table.
const SUMMARY_HEADER: u32 = 3;

const SUMMARY_COLUMNS: [Column; 10] = [
    Column::new(6.0, 8.0),   // 序号
    Column::new(20.0, 44.0), // 项目名称
    Column::new(12.0, 28.0), // 实施单位
    Column::new(12.0, 14.0), // 预算数
    Column::new(12.0, 14.0), // 执行数
    Column::new(9.0, 10.0),  // 执行率
    Column::new(8.0, 10.0),  // 得分
    Column::new(6.0, 6.0),   // 等级
    Column::new(8.0, 24.0),  // 标记
    Column::new(10.0, 36.0), // 工作表
];

fn summary<'f>(
    report: &Report<'_>,
    f: &'f Formats,
    projects: &[(&ProjectResult, &Project, String)],
    units: &[(&UnitResult, &Unit, String)],
) -> Grid<'f> {
    let e = report.evaluation;
    let d = &e.department;
    let last = (SUMMARY_COLUMNS.len() - 1) as u16;
    let mut g = Grid::new();
    g.merge_text(0, 0, 0, last, &clean(&title(report)), &f.title);
    g.height(0, 28.0);
    let mut settings = settings_parts(report);
    settings.extend(input_parts(report));
    g.merge_text(1, 0, 1, last, &settings.join("  "), &f.plain);

    let mut r = SUMMARY_HEADER;
    for (c, label) in [
        "序号",
        "项目名称",
        "实施单位",
        "预算数（万元）",
        "执行数（万元）",
        "执行率",
        "得分",
        "等级",
        "标记",
        "工作表",
    ]
    .into_iter()
    .enumerate()
    {
        g.text(r, c as u16, label, &f.header);
    }
    let mut budgets = Some(Decimal::ZERO);
    let mut spent = Some(Decimal::ZERO);
    for (number, (result, project, sheet)) in projects.iter().enumerate() {
        r += 1;
        let b = &result.budget;
        g.number(r, 0, Decimal::from(number + 1), &f.integer);
        g.text(r, 1, &clean(&project.name), &f.text);
        g.text(r, 2, &unit_name(report, &project.unit), &f.text);
        g.money(r, 3, b.budget, &f.number);
        g.money(r, 4, b.spent, &f.number);
        g.percent(r, 5, b.rate, &f.percent);
        g.number(r, 6, result.table.total, &f.number);
        g.text(r, 7, result.table.grade.label(), &f.center);
        g.text(r, 8, &flag_list(result.table.flags), &f.text);
        g.link(r, 9, sheet, &f.link);
        budgets = sum(budgets, b.budget);
        spent = sum(spent, b.spent);
    }
    r += 1;
    g.text(r, 0, "合计", &f.total_label);
    g.text(
        r,
        1,
        &format!("{} 个项目（得分按预算加权）", projects.len()),
        &f.total_label,
    );
    g.blank(r, 2, &f.total_label);
    g.money(r, 3, budgets, &f.total_number);
    g.money(r, 4, spent, &f.total_number);
    g.blank(r, 5, &f.total_number);
    g.money(r, 6, d.project_score, &f.total_number);
    for c in 7..=last {
        g.blank(r, c, &f.total_label);
    }

    r += 2;
    g.merge_text(r, 0, r, last, "部门", &f.section);
    let department: [(&str, Cell); 7] = [
        ("部门名称", Cell::Text(clean(&report.model.name))),
        ("项目得分（按预算加权）", Cell::Number(d.project_score)),
        ("整体得分（单位平均）", Cell::Number(d.overall_score)),
        ("项目等级", Cell::Text(grade_counts(&d.grades).join("  "))),
        (
            "单位等级",
            Cell::Text(grade_counts(&d.unit_grades).join("  ")),
        ),
        (
            "指标状态",
            Cell::Text(status_counts(&d.statuses).join("  ")),
        ),
        (
            "实际完成值",
            Cell::Text(format!(
                "{} ({}): {}",
                clean(&report.actuals.file),
                report.actuals.encoding,
                accounting_line(report.actuals)
            )),
        ),
    ];
    for (label, value) in department {
        r += 1;
        g.merge_text(r, 0, r, 2, label, &f.label);
        match value {
            Cell::Text(text) => g.merge_text(r, 3, r, last, &text, &f.text),
            Cell::Number(n) => {
                g.merge_money(r, 3, r, 4, n, &f.number);
                g.merge_text(r, 5, r, last, "", &f.text);
            }
        }
    }

    r += 2;
    g.merge_text(r, 0, r, last, "单位", &f.section);
    r += 1;
    g.text(r, 0, "单位编码", &f.header);
    g.merge_text(r, 1, r, 2, "单位名称", &f.header);
    g.text(r, 3, "整体得分", &f.header);
    g.text(r, 4, "等级", &f.header);
    g.text(r, 5, "项目加权得分", &f.header);
    g.text(r, 6, "项目数", &f.header);
    g.merge_text(r, 7, r, 8, "项目等级", &f.header);
    g.text(r, 9, "工作表", &f.header);
    for (result, unit, sheet) in units {
        r += 1;
        g.text(r, 0, &clean(&unit.code), &f.text);
        g.merge_text(r, 1, r, 2, &clean(&unit.name), &f.text);
        let overall = result.overall.as_ref();
        g.money(r, 3, overall.map(|t| t.total), &f.number);
        g.text(r, 4, overall.map_or("", |t| t.grade.label()), &f.center);
        g.money(r, 5, result.project_score, &f.number);
        g.number(r, 6, Decimal::from(result.projects), &f.integer);
        g.merge_text(r, 7, r, 8, &grade_counts(&result.grades).join(" "), &f.text);
        g.link(r, 9, sheet, &f.link);
    }
    g
}

/// The sum of the amounts given, exact; none on overflow.
fn sum(total: Option<Decimal>, value: Option<Decimal>) -> Option<Decimal> {
    match value {
        Some(v) => total.and_then(|t| t.checked_add(v)),
        None => total,
    }
}

enum Cell {
    Text(String),
    Number(Option<Decimal>),
}

/// A unit's name for a 实施单位 cell; its code when the model has no such unit or no name.
fn unit_name(report: &Report<'_>, code: &str) -> String {
    report
        .model
        .unit(code)
        .map(|u| u.name.trim())
        .filter(|n| !n.is_empty())
        .map_or_else(|| clean(code), clean)
}

// ---------------------------------------------------------------------------------------------
// Project and unit sheets.

/// Columns of the project and unit sheets. A: the section labels (项目资金, 年度总体目标, 绩效指标);
/// B–H the indicator table's 一级指标 … 得分; then 申报得分 when claimed, the note, 状态, 标记.
const SECTION: u16 = 0;
const LEVEL1: u16 = 1;
const LEVEL2: u16 = 2;
const NAME: u16 = 3;
const TARGET: u16 = 4;
const ACTUAL: u16 = 5;
const WEIGHT: u16 = 6;
const SCORE: u16 = 7;

#[derive(Debug, Clone, Copy)]
struct Layout {
    claim: Option<u16>,
    note: u16,
    status: u16,
    flags: u16,
}

impl Layout {
    fn new(claims: bool) -> Layout {
        let claim = claims.then_some(SCORE + 1);
        let note = claim.map_or(SCORE + 1, |c| c + 1);
        Layout {
            claim,
            note,
            status: note + 1,
            flags: note + 2,
        }
    }

    fn last(&self) -> u16 {
        self.flags
    }

    fn columns(&self) -> Vec<Column> {
        let mut columns = vec![
            Column::new(10.0, 12.0), // section
            Column::new(12.0, 18.0), // 一级指标
            Column::new(12.0, 18.0), // 二级指标
            Column::new(16.0, 30.0), // 三级指标
            Column::new(12.0, 20.0), // 年度指标值
            Column::new(12.0, 24.0), // 实际完成值
            Column::new(8.0, 10.0),  // 分值
            Column::new(8.0, 10.0),  // 得分
        ];
        if self.claim.is_some() {
            columns.push(Column::new(9.0, 10.0));
        }
        columns.push(Column::new(20.0, 40.0)); // 偏差原因分析及改进措施
        columns.push(Column::new(8.0, 8.0)); // 状态
        columns.push(Column::new(8.0, 20.0)); // 标记
        columns
    }
}

fn project_sheet<'f>(
    report: &Report<'_>,
    f: &'f Formats,
    result: &ProjectResult,
    project: &Project,
) -> (Grid<'f>, Layout) {
    let b = &result.budget;
    let claims = b.claimed(report.actuals).is_some()
        || result
            .table
            .rows
            .iter()
            .any(|r| r.claimed(report.actuals).is_some());
    let layout = Layout::new(claims);
    let last = layout.last();
    let mut g = Grid::new();
    heading(
        &mut g,
        f,
        last,
        "项目支出绩效自评表",
        report.evaluation.year,
    );

    g.text(2, SECTION, "项目名称", &f.label);
    g.merge_text(2, LEVEL1, 2, last, &clean(&project.name), &f.text);
    g.text(3, SECTION, "主管部门", &f.label);
    g.merge_text(3, LEVEL1, 3, NAME, &clean(&report.model.name), &f.text);
    g.text(3, TARGET, "实施单位", &f.label);
    g.merge_text(
        3,
        ACTUAL,
        3,
        last,
        &unit_name(report, &project.unit),
        &f.text,
    );

    budget_block(&mut g, f, &layout, 4, project, b, report.actuals);

    g.merge_text(6, SECTION, 7, SECTION, "年度总体目标", &f.label);
    g.merge_text(6, LEVEL1, 6, TARGET, "预期目标", &f.label);
    g.merge_text(6, ACTUAL, 6, last, "实际完成情况", &f.label);
    let goal = project.goal.as_deref().map(multi_line).unwrap_or_default();
    g.merge_text(7, LEVEL1, 7, TARGET, &goal, &f.text);
    g.merge_text(7, ACTUAL, 7, last, "", &f.text);

    let r = indicator_table(
        &mut g,
        f,
        &layout,
        8,
        Scored {
            indicators: &project.indicators,
            table: &result.table,
            empty: &project.empty_categories,
        },
        report.actuals,
    );
    let r = totals(&mut g, f, &layout, r, &result.table);
    footer(&mut g, f, last, r + 1, report);
    (g, layout)
}

/// Title and year, rows 0 and 1.
fn heading<'f>(g: &mut Grid<'f>, f: &'f Formats, last: u16, title: &str, year: i32) {
    g.merge_text(0, 0, 0, last, title, &f.title);
    g.height(0, 28.0);
    g.merge_text(1, 0, 1, last, &format!("（{year}年度）"), &f.subtitle);
}

/// The 项目资金（万元） block: a header row and the 年度资金总额 row.
fn budget_block<'f>(
    g: &mut Grid<'f>,
    f: &'f Formats,
    layout: &Layout,
    r: u32,
    project: &Project,
    b: &BudgetResult,
    actuals: &Actuals,
) {
    g.merge_text(r, SECTION, r + 1, SECTION, "项目资金（万元）", &f.label);
    let header = [
        (LEVEL1, ""),
        (LEVEL2, "年初预算数"),
        (NAME, "全年预算数"),
        (TARGET, "全年执行数"),
        (ACTUAL, "分值"),
        (WEIGHT, "执行率"),
        (SCORE, "得分"),
        (layout.note, "说明"),
        (layout.status, "状态"),
        (layout.flags, "标记"),
    ];
    for (c, label) in header {
        g.text(r, c, label, &f.header);
    }
    let r = r + 1;
    g.text(r, LEVEL1, "年度资金总额", &f.label);
    g.money(r, LEVEL2, project.budget, &f.number);
    g.money(r, NAME, b.budget, &f.number);
    g.money(r, TARGET, b.spent, &f.number);
    g.number(r, ACTUAL, b.points, &f.number);
    g.percent(r, WEIGHT, b.rate, &f.percent);
    g.number(r, SCORE, b.score, &f.number);
    if let Some(c) = layout.claim {
        g.text(r - 1, c, "申报得分", &f.header);
        g.money(r, c, b.claimed(actuals), &f.number);
    }
    let note = b.note(actuals).map(multi_line).unwrap_or_default();
    g.text(r, layout.note, &note, &f.text);
    g.text(r, layout.status, b.status.label(), &f.center);
    g.text(r, layout.flags, &flag_list(b.flags), &f.text);
}

/// One line of an indicator table: a row, or a category shown with no indicator (S2).
#[derive(Clone, Copy)]
enum Line<'a> {
    Row(&'a Indicator, &'a RowResult),
    Empty(&'a Category),
}

impl Line<'_> {
    fn level1(&self) -> &str {
        match self {
            Line::Row(indicator, _) => &indicator.level1,
            Line::Empty(category) => &category.level1,
        }
    }

    fn level2(&self) -> &str {
        match self {
            Line::Row(indicator, _) => &indicator.level2,
            Line::Empty(category) => category.level2.as_deref().unwrap_or(""),
        }
    }
}

/// The rows in source order, each empty category after the last row of its 一级指标 (or at the
/// end when it has none).
fn lines<'a>(
    indicators: &'a [Indicator],
    table: &'a TableResult,
    empty: &'a [Category],
) -> Vec<Line<'a>> {
    let mut lines: Vec<Line<'a>> = rows(indicators, table)
        .map(|(i, r)| Line::Row(i, r))
        .collect();
    for category in empty {
        let k = category_key(&category.level1);
        match lines.iter().rposition(|l| category_key(l.level1()) == k) {
            Some(i) => lines.insert(i + 1, Line::Empty(category)),
            None => lines.push(Line::Empty(category)),
        }
    }
    lines
}

/// `产出指标(50分)`: the category with the points the evaluator gave it.
fn level1_label(level1: &str, categories: &[CategoryResult]) -> String {
    let key = category_key(level1);
    match categories.iter().find(|c| category_key(&c.level1) == key) {
        Some(c) => format!("{}({}分)", clean(level1), c.weight.normalize()),
        None => clean(level1),
    }
}

/// The indicator table from row `r`: its header, its lines with 一级指标 and 二级指标 merged
/// down their runs. Returns the row after it.
/// A table's indicators, their results and the categories shown empty.
struct Scored<'a> {
    indicators: &'a [Indicator],
    table: &'a TableResult,
    empty: &'a [Category],
}

fn indicator_table<'f>(
    g: &mut Grid<'f>,
    f: &'f Formats,
    layout: &Layout,
    r: u32,
    scored: Scored<'_>,
    actuals: &Actuals,
) -> u32 {
    let Scored {
        indicators,
        table,
        empty,
    } = scored;
    let lines = lines(indicators, table, empty);
    let header = [
        (LEVEL1, "一级指标"),
        (LEVEL2, "二级指标"),
        (NAME, "三级指标"),
        (TARGET, "年度指标值"),
        (ACTUAL, "实际完成值"),
        (WEIGHT, "分值"),
        (SCORE, "得分"),
        (layout.note, "偏差原因分析及改进措施"),
        (layout.status, "状态"),
        (layout.flags, "标记"),
    ];
    for (c, label) in header {
        g.text(r, c, label, &f.header);
    }
    if let Some(c) = layout.claim {
        g.text(r, c, "申报得分", &f.header);
    }
    let first = r + 1;
    let count = lines.len() as u32;
    if count == 0 {
        g.text(r, SECTION, "绩效指标", &f.label);
        return first;
    }
    g.merge_text(r, SECTION, r + count, SECTION, "绩效指标", &f.label);

    // Runs of one 一级指标, and inside them runs of one 二级指标.
    let mut start = 0;
    while start < lines.len() {
        let key = category_key(lines[start].level1());
        let end = run_end(&lines, start, |l| category_key(l.level1()) == key);
        let label = level1_label(lines[start].level1(), &table.categories);
        g.run(
            first + start as u32,
            first + end as u32 - 1,
            LEVEL1,
            &label,
            &f.center,
        );
        let mut inner = start;
        while inner < end {
            let level2 = match_key(lines[inner].level2());
            let stop = run_end(&lines[..end], inner, |l| match_key(l.level2()) == level2);
            g.run(
                first + inner as u32,
                first + stop as u32 - 1,
                LEVEL2,
                &clean(lines[inner].level2()),
                &f.center,
            );
            inner = stop;
        }
        start = end;
    }

    for (i, line) in lines.iter().enumerate() {
        let r = first + i as u32;
        match line {
            Line::Row(indicator, row) => {
                g.text(r, NAME, &clean(&indicator.name), &f.text);
                g.text(
                    r,
                    TARGET,
                    &clean(&indicator.target.to_spreadsheet_text()),
                    &f.text,
                );
                g.text(r, ACTUAL, &clean(row.actual(actuals)), &f.text);
                g.number(r, WEIGHT, row.weight, &f.number);
                g.number(r, SCORE, row.score, &f.number);
                if let Some(c) = layout.claim {
                    g.money(r, c, row.claimed(actuals), &f.number);
                }
                let note = row.note(actuals).map(multi_line).unwrap_or_default();
                g.text(r, layout.note, &note, &f.text);
                g.text(r, layout.status, row.status.label(), &f.center);
                g.text(r, layout.flags, &flag_list(row.flags), &f.text);
            }
            Line::Empty(_) => {
                for c in [
                    NAME,
                    TARGET,
                    ACTUAL,
                    WEIGHT,
                    SCORE,
                    layout.note,
                    layout.status,
                ] {
                    g.blank(r, c, &f.text);
                }
                if let Some(c) = layout.claim {
                    g.blank(r, c, &f.text);
                }
                g.text(
                    r,
                    layout.flags,
                    crate::eval::Flag::Incomplete.label(),
                    &f.text,
                );
            }
        }
    }
    first + count
}

/// The end (exclusive) of the run of lines from `start` that satisfy `same`.
fn run_end(lines: &[Line<'_>], start: usize, same: impl Fn(&Line<'_>) -> bool) -> usize {
    lines[start..]
        .iter()
        .position(|l| !same(l))
        .map_or(lines.len(), |n| start + n)
}

/// 总分 (out of 100) and 等级 rows from row `r`; returns the row after them.
fn totals<'f>(
    g: &mut Grid<'f>,
    f: &'f Formats,
    layout: &Layout,
    r: u32,
    table: &TableResult,
) -> u32 {
    let last = layout.last();
    g.merge_text(r, SECTION, r, ACTUAL, "总分", &f.total_label);
    g.number(r, WEIGHT, Decimal::ONE_HUNDRED, &f.total_number);
    g.number(r, SCORE, table.total, &f.total_number);
    for c in SCORE + 1..layout.flags {
        g.blank(r, c, &f.total_label);
    }
    g.text(r, layout.flags, &flag_list(table.flags), &f.text);
    let r = r + 1;
    g.merge_text(r, SECTION, r, ACTUAL, "等级", &f.total_label);
    g.merge_text(r, WEIGHT, r, SCORE, table.grade.label(), &f.total_label);
    for c in SCORE + 1..=last {
        g.blank(r, c, &f.total_label);
    }
    r + 1
}

/// What the evaluation was made with, under the table.
fn footer<'f>(g: &mut Grid<'f>, f: &'f Formats, last: u16, r: u32, report: &Report<'_>) {
    let mut parts = settings_parts(report);
    parts.extend(input_parts(report));
    g.merge_text(r, 0, r, last, &parts.join("  "), &f.plain);
}

fn unit_sheet<'f>(
    report: &Report<'_>,
    f: &'f Formats,
    result: &UnitResult,
    unit: &Unit,
) -> (Grid<'f>, Layout) {
    let claims = result
        .overall
        .as_ref()
        .is_some_and(|t| t.rows.iter().any(|r| r.claimed(report.actuals).is_some()));
    let layout = Layout::new(claims);
    let last = layout.last();
    let mut g = Grid::new();
    heading(
        &mut g,
        f,
        last,
        "部门（单位）整体绩效自评表",
        report.evaluation.year,
    );
    g.text(2, SECTION, "单位名称", &f.label);
    g.merge_text(2, LEVEL1, 2, last, &clean(&unit.name), &f.text);
    g.text(3, SECTION, "主管部门", &f.label);
    g.merge_text(3, LEVEL1, 3, NAME, &clean(&report.model.name), &f.text);
    g.text(3, TARGET, "单位编码", &f.label);
    g.merge_text(3, ACTUAL, 3, last, &clean(&unit.code), &f.text);
    g.text(4, SECTION, "年度绩效目标", &f.label);
    let goal = unit.goal.as_deref().map(multi_line).unwrap_or_default();
    g.merge_text(4, LEVEL1, 4, last, &goal, &f.text);

    let mut r = 5;
    match &result.overall {
        Some(overall) => {
            r = indicator_table(
                &mut g,
                f,
                &layout,
                r,
                Scored {
                    indicators: &unit.indicators,
                    table: overall,
                    empty: &unit.empty_categories,
                },
                report.actuals,
            );
            r = totals(&mut g, f, &layout, r, overall);
        }
        None => {
            g.merge_text(r, SECTION, r, ACTUAL, "整体绩效", &f.total_label);
            g.merge_text(r, WEIGHT, r, last, "无表16指标", &f.text);
            r += 1;
        }
    }
    g.merge_text(
        r,
        SECTION,
        r,
        ACTUAL,
        "项目得分（按预算加权）",
        &f.total_label,
    );
    g.merge_money(r, WEIGHT, r, SCORE, result.project_score, &f.total_number);
    g.merge_text(
        r,
        SCORE + 1,
        r,
        last,
        &format!(
            "项目 {}：{}",
            result.projects,
            grade_counts(&result.grades).join("  ")
        ),
        &f.text,
    );
    footer(&mut g, f, last, r + 2, report);
    (g, layout)
}

/// Text that may span lines (notes, goals): line breaks kept, other control characters made
/// spaces.
fn multi_line(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Formats.

const LABEL_FILL: u32 = 0xF2_F2_F2;
const HEADER_FILL: u32 = 0xDD_EB_F7;

struct Formats {
    title: Format,
    subtitle: Format,
    section: Format,
    header: Format,
    label: Format,
    text: Format,
    center: Format,
    number: Format,
    integer: Format,
    percent: Format,
    total_label: Format,
    total_number: Format,
    plain: Format,
    link: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let text = cell.clone().set_text_wrap();
        let number = cell.clone().set_num_format("0.00");
        let label = text
            .clone()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_background_color(Color::RGB(LABEL_FILL));
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: Format::new().set_align(FormatAlign::Center),
            section: Format::new().set_bold().set_font_size(12),
            header: label.clone().set_background_color(Color::RGB(HEADER_FILL)),
            label: label.clone(),
            center: text.clone().set_align(FormatAlign::Center),
            integer: cell.clone().set_num_format("0"),
            percent: cell.clone().set_num_format("0.00%"),
            total_label: label.clone(),
            total_number: number.clone().set_bold(),
            plain: Format::new().set_text_wrap(),
            link: cell
                .clone()
                .set_font_color(Color::RGB(0x05_63_C1))
                .set_underline(FormatUnderline::Single),
            number,
            text,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Shared with the template workbook (`crate::report::template_xlsx`).

/// A rust_xlsxwriter error as the crate's error. They come from limits a workbook of a
/// department never reaches (rows, sheet names this module makes valid), so no help is given.
pub(crate) fn error(file: &str, e: &XlsxError) -> Error {
    Error::Input {
        file: file.to_owned(),
        message: format!("cannot write the workbook: {e}"),
        help: None,
    }
}

/// Document properties with a fixed creation time, so the same input gives the same bytes:
/// `date` at midnight UTC, or 2000-01-01 when there is none or Excel cannot hold it.
pub(crate) fn properties(title: &str, date: Option<NaiveDate>) -> DocProperties {
    let datetime = date
        .and_then(|d| {
            let year = u16::try_from(d.year()).ok()?;
            ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
        })
        .or_else(|| ExcelDateTime::from_ymd(2000, 1, 1).ok());
    let mut properties = DocProperties::new()
        .set_title(fit(title, 255))
        .set_author("kpi");
    if let Some(datetime) = datetime {
        properties = properties.set_creation_datetime(&datetime);
    }
    properties
}

/// Whether a spreadsheet would read `text` as a formula when it is typed or edited.
pub(crate) fn risky(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A decimal as the nearest `f64`: through its shortest text, so `0.1` stays `0.1` when read back.
pub(crate) fn float(value: Decimal) -> f64 {
    value.to_string().parse().unwrap_or_default()
}

/// The longest prefix of `text` of at most `limit` UTF-16 units (Excel's measure).
pub(crate) fn fit(text: &str, limit: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in text.chars() {
        used += c.len_utf16();
        if used > limit {
            break;
        }
        out.push(c);
    }
    out
}

/// The display width of the widest line of `text` (CJK characters count 2).
pub(crate) fn display_width(text: &str) -> usize {
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// Excel's limit on the text of a cell, in UTF-16 units.
const MAX_TEXT: usize = 32_767;

/// The width bounds of a column: its width is its widest unmerged cell plus a margin, within them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    min: f64,
    max: f64,
}

impl Column {
    pub(crate) const fn new(min: f64, max: f64) -> Column {
        Column { min, max }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Value {
    Text(String),
    /// The number and the width of its shown text.
    Number(f64, usize),
    /// A link to the sheet named.
    Link(String),
    Blank,
}

impl Value {
    fn width(&self) -> usize {
        match self {
            Value::Text(text) | Value::Link(text) => display_width(text),
            Value::Number(_, width) => *width,
            Value::Blank => 0,
        }
    }
}

struct Placed<'f> {
    row: u32,
    col: u16,
    /// The last row and column of a merged range.
    to: Option<(u32, u16)>,
    value: Value,
    format: &'f Format,
}

/// A sheet laid out in memory, then written at once: column widths follow the content and rows
/// with wrapped text get their height, which Excel does not compute for merged cells.
pub(crate) struct Grid<'f> {
    cells: Vec<Placed<'f>>,
    heights: Vec<(u32, f64)>,
}

impl<'f> Grid<'f> {
    pub(crate) fn new() -> Grid<'f> {
        Grid {
            cells: Vec::new(),
            heights: Vec::new(),
        }
    }

    pub(crate) fn put(&mut self, row: u32, col: u16, value: Value, format: &'f Format) {
        self.cells.push(Placed {
            row,
            col,
            to: None,
            value,
            format,
        });
    }

    /// Text from anywhere, always a string cell; cut to Excel's 32,767 units.
    pub(crate) fn text(&mut self, row: u32, col: u16, text: &str, format: &'f Format) {
        self.put(row, col, Value::Text(fit(text, MAX_TEXT)), format);
    }

    pub(crate) fn blank(&mut self, row: u32, col: u16, format: &'f Format) {
        self.put(row, col, Value::Blank, format);
    }

    /// A score, weight or amount as a number; `format` gives its decimals.
    pub(crate) fn number(&mut self, row: u32, col: u16, value: Decimal, format: &'f Format) {
        let width = value.normalize().to_string().len().max(4) + 1;
        self.put(row, col, Value::Number(float(value), width), format);
    }

    /// An optional number: an empty (formatted) cell when there is none.
    pub(crate) fn money(&mut self, row: u32, col: u16, value: Option<Decimal>, format: &'f Format) {
        match value {
            Some(v) => self.number(row, col, v, format),
            None => self.blank(row, col, format),
        }
    }

    /// A rate in percent, stored as a fraction for a `0.00%` format.
    fn percent(&mut self, row: u32, col: u16, percent: Option<Decimal>, format: &'f Format) {
        match percent.and_then(|p| p.checked_div(Decimal::ONE_HUNDRED)) {
            Some(fraction) => {
                let width = percent.map_or(0, |p| p.to_string().len() + 2);
                self.put(row, col, Value::Number(float(fraction), width), format);
            }
            None => self.blank(row, col, format),
        }
    }

    fn link(&mut self, row: u32, col: u16, sheet: &str, format: &'f Format) {
        self.put(row, col, Value::Link(sheet.to_owned()), format);
    }

    /// A value over a merged range (a single cell when the range is one cell).
    fn merge(
        &mut self,
        (row, col): (u32, u16),
        (last_row, last_col): (u32, u16),
        value: Value,
        format: &'f Format,
    ) {
        let to = (last_row > row || last_col > col).then_some((last_row, last_col));
        self.cells.push(Placed {
            row,
            col,
            to,
            value,
            format,
        });
    }

    /// Text over a merged range (a single cell when the range is one cell).
    pub(crate) fn merge_text(
        &mut self,
        row: u32,
        col: u16,
        last_row: u32,
        last_col: u16,
        text: &str,
        format: &'f Format,
    ) {
        let value = Value::Text(fit(text, MAX_TEXT));
        self.merge((row, col), (last_row, last_col), value, format);
    }

    /// An optional number over a merged range.
    fn merge_money(
        &mut self,
        row: u32,
        col: u16,
        last_row: u32,
        last_col: u16,
        value: Option<Decimal>,
        format: &'f Format,
    ) {
        let value = value.map_or(Value::Blank, |v| Value::Number(float(v), 0));
        self.merge((row, col), (last_row, last_col), value, format);
    }

    /// A label down rows `row..=last_row` of column `col`, merged when more than one.
    fn run(&mut self, row: u32, last_row: u32, col: u16, text: &str, format: &'f Format) {
        self.merge_text(row, col, last_row, col, text, format);
    }

    pub(crate) fn height(&mut self, row: u32, points: f64) {
        self.heights.push((row, points));
    }

    /// Writes the grid into `sheet`: widths within `columns` (columns past them get the last
    /// bounds), merged ranges, cells, then row heights.
    pub(crate) fn emit(self, sheet: &mut Worksheet, columns: &[Column]) -> Result<(), XlsxError> {
        let bounds = |c: u16| {
            columns
                .get(usize::from(c))
                .or(columns.last())
                .copied()
                .unwrap_or(Column::new(8.43, 8.43))
        };
        let count = self
            .cells
            .iter()
            .map(|p| p.to.map_or(p.col, |(_, c)| c.max(p.col)) + 1)
            .max()
            .unwrap_or(0);
        let mut widths: Vec<f64> = (0..count).map(|c| bounds(c).min).collect();
        for p in self.cells.iter().filter(|p| p.to.is_none()) {
            let b = bounds(p.col);
            let wanted = (p.value.width() + 2) as f64;
            let w = &mut widths[usize::from(p.col)];
            *w = w.max(wanted.min(b.max));
        }
        for (c, w) in widths.iter().enumerate() {
            sheet.set_column_width(c as u16, *w)?;
        }

        // Lines of wrapped text per row, from cells and one-row merged ranges.
        let mut lines: BTreeMap<u32, usize> = BTreeMap::new();
        for p in &self.cells {
            let Value::Text(text) = &p.value else {
                continue;
            };
            let last_col = match p.to {
                Some((r, _)) if r != p.row => continue,
                Some((_, c)) => c,
                None => p.col,
            };
            let width: f64 = (p.col..=last_col)
                .map(|c| widths.get(usize::from(c)).copied().unwrap_or(8.43))
                .sum();
            let n = wrapped_lines(text, width);
            let entry = lines.entry(p.row).or_insert(1);
            *entry = (*entry).max(n);
        }

        for p in &self.cells {
            if let Some((last_row, last_col)) = p.to {
                sheet.merge_range(p.row, p.col, last_row, last_col, "", p.format)?;
            }
            write(sheet, p.row, p.col, &p.value, p.format)?;
        }

        let mut heights: BTreeMap<u32, f64> = lines
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(r, n)| (r, (n as f64 * 15.0).min(409.0)))
            .collect();
        for (r, h) in self.heights {
            heights.insert(r, h);
        }
        for (r, h) in heights {
            sheet.set_row_height(r, h)?;
        }
        Ok(())
    }
}

/// How many lines `text` takes in a wrapped cell `width` characters wide.
fn wrapped_lines(text: &str, width: f64) -> usize {
    let per_line = (width - 1.0).max(1.0);
    text.split('\n')
        .map(|line| {
            let w = UnicodeWidthStr::width(line) as f64;
            ((w / per_line).ceil() as usize).max(1)
        })
        .sum()
}

/// One cell: text always as a string (with Excel's quote prefix when it looks like a formula),
/// numbers as numbers.
fn write(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: &Value,
    format: &Format,
) -> Result<(), XlsxError> {
    match value {
        Value::Text(text) if text.is_empty() => {
            sheet.write_blank(row, col, format)?;
        }
        Value::Text(text) if risky(text) => {
            sheet.write_string_with_format(row, col, text, &format.clone().set_quote_prefix())?;
        }
        Value::Text(text) => {
            sheet.write_string_with_format(row, col, text, format)?;
        }
        Value::Number(n, _) => {
            sheet.write_number_with_format(row, col, *n, format)?;
        }
        Value::Link(name) => {
            let url = Url::new(format!("internal:'{}'!A1", name.replace('\'', "''")))
                .set_text(name.as_str());
            sheet.write_url_with_format(row, col, url, format)?;
        }
        Value::Blank => {
            sheet.write_blank(row, col, format)?;
        }
    }
    Ok(())
}

/// Sheet names Excel accepts, unique within a workbook.
pub(crate) struct SheetNames {
    /// Names taken, in lower case: Excel compares them without case.
    taken: HashSet<String>,
}

/// Excel's limit on a sheet name, in UTF-16 units.
const MAX_SHEET_NAME: usize = 31;

impl SheetNames {
    pub(crate) fn new() -> SheetNames {
        // Excel reserves `History` for its change tracking.
        SheetNames {
            taken: HashSet::from(["history".to_owned()]),
        }
    }

    /// A valid name close to `wanted` (or to `fallback` when nothing of `wanted` is left): the
    /// characters Excel forbids (`[ ] : * ? / \`) made full-width, control characters made
    /// spaces, cut to 31 units, and `(2)`, `(3)` … added when the name is taken.
    pub(crate) fn unique(&mut self, wanted: &str, fallback: &str) -> String {
        let mut base = sanitize(wanted);
        if base.is_empty() {
            base = sanitize(fallback);
        }
        if base.is_empty() {
            base = "Sheet".to_owned();
        }
        let mut n = 1usize;
        loop {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!("({n})")
            };
            let head = fit(&base, MAX_SHEET_NAME.saturating_sub(suffix.len()));
            let head = head.trim_end_matches(|c: char| c == '\'' || c.is_whitespace());
            let name = format!("{head}{suffix}");
            if !name.is_empty() && self.taken.insert(name.to_lowercase()) {
                return name;
            }
            n += 1;
        }
    }
}

fn sanitize(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| match c {
            '[' => '［',
            ']' => '］',
            ':' => '：',
            '*' => '＊',
            '?' => '？',
            '/' => '／',
            '\\' => '＼',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let words: Vec<&str> = mapped.split_whitespace().collect();
    words
        .join(" ")
        .trim_matches(|c: char| c == '\'' || c.is_whitespace())
        .to_owned()
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader, Xlsx};

    use super::super::fixture::Fixture;
    use super::*;

    fn open(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        Xlsx::new(std::io::Cursor::new(bytes)).expect("the workbook opens")
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut names = SheetNames::new();
        assert_eq!(names.unique("汇总", "x"), "汇总");
        assert_eq!(names.unique("汇总", "x"), "汇总(2)");
        assert_eq!(
            names.unique("a[b]:c*d?e/f\\g", "x"),
            "a［b］：c＊d？e／f＼g"
        );
        assert_eq!(names.unique("  '\t'  ", "项目3"), "项目3");
        assert_eq!(names.unique("History", "x"), "History(2)");
        let long = "1 中国工业互联网研究院辽宁分院国家工业互联网大数据中心辽宁分中心（二期）";
        let first = names.unique(long, "x");
        assert_eq!(first.encode_utf16().count(), 31);
        assert!(first.starts_with("1 中国工业互联网"));
        let second = names.unique(long, "x");
        assert!(second.ends_with("(2)"), "{second}");
        assert_eq!(second.encode_utf16().count(), 31);
        assert_eq!(names.unique("ABC", "x"), "ABC");
        assert_eq!(names.unique("abc", "x"), "abc(2)");
        // Astral characters count two units.
        let emoji = "😀".repeat(20);
        assert_eq!(names.unique(&emoji, "x").encode_utf16().count(), 30);
    }

    #[test]
    fn the_workbook_is_deterministic() {
        let f = Fixture::new();
        let a = render(&f.report()).expect("a workbook");
        let b = render(&f.report()).expect("a workbook");
        assert!(a == b, "the same report gives the same bytes");
    }

    #[test]
    fn the_fixture_workbook_has_its_sheets_and_strings() {
        let f = Fixture::new();
        let mut book = open(render(&f.report()).expect("a workbook"));
        assert_eq!(
            book.sheet_names(),
            [
                "汇总",
                "1 智能制造|示范项目",
                "2 =前期工作经费",
                "整体 558001 沈阳市工业和信息化局本级"
            ]
        );
        let sheet = book.worksheet_range("2 =前期工作经费").expect("a sheet");
        assert_eq!(
            sheet.get_value((2, 1)),
            Some(&Data::String("=前期工作经费".to_owned()))
        );
        let formulas = book.worksheet_formula("2 =前期工作经费").expect("formulas");
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
        // The claimed project has a 申报得分 column; the other has none.
        let claimed = book
            .worksheet_range("1 智能制造|示范项目")
            .expect("a sheet");
        assert_eq!(
            claimed.get_value((8, 8)),
            Some(&Data::String("申报得分".to_owned()))
        );
        assert_eq!(
            sheet.get_value((8, 8)),
            Some(&Data::String("偏差原因分析及改进措施".to_owned()))
        );
        // The empty 满意度指标 shows as a line of its own.
        let texts: Vec<String> = claimed
            .used_cells()
            .filter_map(|(_, _, d)| match d {
                Data::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        assert!(texts.contains(&"满意度指标(0分)".to_owned()), "{texts:?}");
        assert!(texts.contains(&"产出指标(50分)".to_owned()), "{texts:?}");
    }
}
