//! The report as GitHub-flavoured Markdown: a heading per project and unit, pipe tables, and
//! every text from the inputs escaped so that it shows as written and never breaks a table.

use std::fmt::Write;

use super::{
    ROW_HEADER, Report, accounting_line, budget_parts, category_parts, empty_category_list, fixed2,
    flag_list, grade_counts, input_parts, note_line, project_heading_parts, project_of, row_cells,
    row_notes, rows, settings_parts, status_counts, title, unit_of,
};
use crate::actuals::Actuals;
use crate::eval::{Flag, TableResult};
use crate::model::{Category, Indicator};

/// Columns of [`ROW_HEADER`] aligned right: 分值, 得分.
const NUMERIC: [usize; 2] = [5, 6];

pub fn render(report: &Report<'_>) -> String {
    let e = report.evaluation;
    let mut out = String::new();
    let _ = writeln!(out, "# {}", md(&title(report)));
    let _ = writeln!(out);
    let mut settings = settings_parts(report);
    settings.extend(input_parts(report));
    let _ = writeln!(out, "{}", md(&settings.join(" · ")));

    if !e.projects.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "## 项目");
    }
    for (number, result) in e.projects.iter().enumerate() {
        let Some(project) = project_of(report, result) else {
            continue;
        };
        let _ = writeln!(out);
        let _ = writeln!(out, "### {}. {}", number + 1, md(&project.name));
        let _ = writeln!(out);
        let mut heading = vec![format!("项目 {}", project.id)];
        heading.extend(project_heading_parts(project));
        let _ = writeln!(out, "{}", md(&heading.join(" · ")));
        let _ = writeln!(out);
        table(&mut out, &project.indicators, &result.table, report.actuals);
        let _ = writeln!(out);
        let mut items = details(
            &project.indicators,
            &result.table,
            &project.empty_categories,
            report.actuals,
        );
        let b = &result.budget;
        let mut budget = budget_parts(b, report.actuals);
        budget.push(b.status.label().to_owned());
        if !b.flags.is_empty() {
            budget.push(flag_list(b.flags));
        }
        items.push(format!("预算执行率：{}", md(&budget.join(" · "))));
        if let Some(note) = b.note(report.actuals) {
            items.push(format!("预算执行说明：{}", md(note)));
        }
        items.extend(totals(&result.table, "合计"));
        for item in items {
            let _ = writeln!(out, "- {item}");
        }
    }

    if !e.units.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "## 预算单位");
    }
    for result in &e.units {
        let Some(unit) = unit_of(report, result) else {
            continue;
        };
        let _ = writeln!(out);
        let _ = writeln!(out, "### 单位 {} {}", md(&unit.code), md(&unit.name));
        let _ = writeln!(out);
        let mut items = Vec::new();
        match &result.overall {
            Some(overall) => {
                table(&mut out, &unit.indicators, overall, report.actuals);
                let _ = writeln!(out);
                items.extend(details(
                    &unit.indicators,
                    overall,
                    &unit.empty_categories,
                    report.actuals,
                ));
                items.extend(totals(overall, "整体得分"));
            }
            None => items.push("整体绩效：无表16指标".to_owned()),
        }
        items.push(format!(
            "项目得分 {}（按预算加权） · 项目 {}：{}",
            result.project_score.map_or_else(|| "—".to_owned(), fixed2),
            result.projects,
            grade_counts(&result.grades).join(" · ")
        ));
        for item in items {
            let _ = writeln!(out, "- {item}");
        }
    }

    let d = &e.department;
    let _ = writeln!(out);
    let _ = writeln!(out, "## 部门 {}", md(&report.model.name));
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "- 项目得分 **{}**（按预算加权） · 项目等级：{}",
        d.project_score.map_or_else(|| "—".to_owned(), fixed2),
        grade_counts(&d.grades).join(" · ")
    );
    let _ = writeln!(
        out,
        "- 整体得分 **{}**（单位平均） · 单位等级：{}",
        d.overall_score.map_or_else(|| "—".to_owned(), fixed2),
        grade_counts(&d.unit_grades).join(" · ")
    );
    let _ = writeln!(
        out,
        "- 指标状态：{}",
        status_counts(&d.statuses).join(" · ")
    );

    let _ = writeln!(out);
    let _ = writeln!(out, "## 实际完成值");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        md(&format!(
            "{} ({}): {}",
            report.actuals.file,
            report.actuals.encoding,
            accounting_line(report.actuals)
        ))
    );

    let _ = writeln!(out);
    let _ = writeln!(out, "## 评价说明");
    let _ = writeln!(out);
    if e.notes.is_empty() {
        let _ = writeln!(out, "无");
    }
    for note in &e.notes {
        let _ = writeln!(out, "- {}", md(&note_line(report.actuals, note)));
    }
    out
}

/// A pipe table of a table's rows.
fn table(out: &mut String, indicators: &[Indicator], result: &TableResult, actuals: &Actuals) {
    let _ = writeln!(out, "| {} |", ROW_HEADER.join(" | "));
    let rule: Vec<&str> = (0..ROW_HEADER.len())
        .map(|i| if NUMERIC.contains(&i) { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for (indicator, row) in rows(indicators, result) {
        let cells: Vec<String> = row_cells(indicator, row, actuals)
            .iter()
            .map(|c| md(c))
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
}

/// The lines under a table: its empty categories and its rows' notes.
fn details(
    indicators: &[Indicator],
    result: &TableResult,
    empty: &[Category],
    actuals: &Actuals,
) -> Vec<String> {
    let mut items = Vec::new();
    if !empty.is_empty() {
        items.push(format!(
            "{}：{}（无三级指标）",
            Flag::Incomplete.label(),
            md(&empty_category_list(empty))
        ));
    }
    for note in row_notes(indicators, result, actuals) {
        items.push(format!("说明 {}", md(&note)));
    }
    items
}

/// Subtotals, then the total with its grade and flags.
fn totals(result: &TableResult, label: &str) -> Vec<String> {
    let mut items = Vec::new();
    if !result.categories.is_empty() {
        items.push(format!(
            "小计：{}",
            md(&category_parts(&result.categories).join(" · "))
        ));
    }
    let mut total = format!(
        "**{label} {} {}**",
        fixed2(result.total),
        result.grade.label()
    );
    if !result.flags.is_empty() {
        total.push_str(" · ");
        total.push_str(&flag_list(result.flags));
    }
    items.push(total);
    items
}

/// Text from the inputs for a Markdown line or table cell: control characters become spaces,
/// `|` is escaped so no cell splits, and inline syntax (emphasis, code, links, strikethrough,
/// math, raw HTML) is escaped so the text shows as written.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_control() => out.push(' '),
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            // `<` opens raw HTML or an autolink only before a letter or `/ ! ?`; `<= 5 %`
            // stays as written.
            '<' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("\\<");
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture::Fixture;
    use super::*;

    #[test]
    fn markdown_shows_the_report() {
        let f = Fixture::new();
        let text = render(&f.report());
        for expected in [
            "# 沈阳市工业和信息化局 2024年度绩效自评\n",
            "## 项目\n",
            "### 1. 智能制造\\|示范项目\n",
            "项目 558001-aaaa0001 · 实施单位 558001 · 预算 35.88 万元",
            "| 一级指标 | 二级指标 | 三级指标 | 目标 | 实际 | 分值 | 得分 | 状态 | 标记 |\n",
            "|---|---|---|---|---|---:|---:|---|---|\n",
            "| 产出指标 | 数量指标 | 培育示范\\|项目 | 10\\~15 个 | 12个 | 25.00 | 25.00 | 达标 |  |\n",
            "| 25.00 | 25.00 (申报 20.00) | 达标 | 得分不符 |",
            "| <= -5 % | -5% | 30.00 | 30.00 | 达标 |",
            "- 指标不完整：满意度指标（无三级指标）",
            "- 说明 产业发展：市场\\|需求下降",
            "- 预算执行率：预算 35.88 万元 · 支出 30 万元 · 执行率 83.61% · 实际 30万元 · 分值 10.00 · 得分 8.36 (申报 10.00) · 未达标 · 需说明、得分不符",
            "- **合计 86.36 良** · 指标不完整",
            "- **合计 80.00 良**",
            "- 预算执行说明：按期支付\n",
            "## 预算单位",
            "### 单位 558001 沈阳市工业和信息化局本级",
            "- **整体得分 100.00 优**",
            "## 部门 沈阳市工业和信息化局",
            "- 项目得分 **81.68**（按预算加权）",
            "- 整体得分 **100.00**（单位平均）",
            "rows read 11 = used 9 + set aside 2",
            "- actuals.csv:6: warning\\[different-nouns\\]: 个 compared with 项",
        ] {
            assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
        }
        assert!(text.ends_with('\n'));
        assert_eq!(text, render(&f.report()), "deterministic");
    }

    #[test]
    fn every_table_row_has_the_header_s_cells() {
        let f = Fixture::new();
        let text = render(&f.report());
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with('|')).collect();
        assert!(rows.len() > 8);
        for row in rows {
            let mut cells = 0;
            let mut escaped = false;
            for c in row.chars() {
                match c {
                    '\\' if !escaped => escaped = true,
                    '|' if !escaped => cells += 1,
                    _ => escaped = false,
                }
            }
            assert_eq!(cells, ROW_HEADER.len() + 1, "`{row}` splits wrongly");
        }
    }

    #[test]
    fn md_escapes_what_would_break_or_format() {
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("a\\|b"), "a\\\\\\|b");
        assert_eq!(md("<= 5 %"), "<= 5 %");
        assert_eq!(md("<script>"), "\\<script>");
        assert_eq!(md("*重点*_项目_"), "\\*重点\\*\\_项目\\_");
        assert_eq!(md("一\n二"), "一 二");
    }
}
