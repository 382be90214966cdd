//! The terminal report: tables drawn with comfy-table (ASCII borders, CJK measured by
//! unicode-width), statuses and grades optionally coloured with anstyle.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};
use comfy_table::{CellAlignment, Table, presets};

use super::{
    ROW_HEADER, Report, accounting_line, budget_parts, category_parts, clean, empty_category_list,
    fixed2, grade_counts, input_parts, note_line, project_heading_parts, project_of, row_cells,
    row_notes, rows, settings_parts, status_counts, title, unit_of,
};
use crate::actuals::Actuals;
use crate::eval::{Flag, Flags, Grade, Status, TableResult};
use crate::model::{Category, Indicator};

/// Columns of [`ROW_HEADER`] whose cells are right-aligned numbers: 分值, 得分.
const NUMERIC: [usize; 2] = [5, 6];

pub fn render(report: &Report<'_>, color: bool) -> String {
    let paint = Painter(color);
    let e = report.evaluation;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}  {}",
        title(report),
        settings_parts(report).join("  ")
    );
    let _ = writeln!(out, "{}", input_parts(report).join("  "));

    for (number, result) in e.projects.iter().enumerate() {
        let Some(project) = project_of(report, result) else {
            continue;
        };
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}. {} ({})  {}",
            number + 1,
            clean(&project.name),
            clean(&project.id),
            project_heading_parts(project).join("  ")
        );
        table(
            &mut out,
            &project.indicators,
            &result.table,
            &project.empty_categories,
            report.actuals,
            paint,
        );
        let b = &result.budget;
        let mut line = format!("预算执行率  {}", budget_parts(b, report.actuals).join("  "));
        line.push_str("  ");
        line.push_str(&paint.status(b.status));
        if !b.flags.is_empty() {
            line.push_str("  ");
            line.push_str(&paint.flags(b.flags));
        }
        let _ = writeln!(out, "{line}");
        if let Some(note) = b.note(report.actuals) {
            let _ = writeln!(out, "  预算执行说明：{}", clean(note));
        }
        subtotals(&mut out, &result.table, "合计", paint);
    }

    if !e.units.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "预算单位");
    }
    for result in &e.units {
        let Some(unit) = unit_of(report, result) else {
            continue;
        };
        let _ = writeln!(out);
        let _ = writeln!(out, "单位 {}  {}", clean(&unit.code), clean(&unit.name));
        match &result.overall {
            Some(overall) => {
                table(
                    &mut out,
                    &unit.indicators,
                    overall,
                    &unit.empty_categories,
                    report.actuals,
                    paint,
                );
                subtotals(&mut out, overall, "整体得分", paint);
            }
            None => {
                let _ = writeln!(out, "整体绩效  无表16指标");
            }
        }
        let project_score = result.project_score.map_or_else(|| "—".to_owned(), fixed2);
        let _ = writeln!(
            out,
            "项目得分 {project_score}（按预算加权）  项目 {}：{}",
            result.projects,
            grade_counts(&result.grades).join("  ")
        );
    }

    let d = &e.department;
    let _ = writeln!(out);
    let _ = writeln!(out, "部门  {}", clean(&report.model.name));
    let _ = writeln!(
        out,
        "项目得分 {}（按预算加权）  项目等级：{}",
        d.project_score.map_or_else(|| "—".to_owned(), fixed2),
        grade_counts(&d.grades).join("  ")
    );
    let _ = writeln!(
        out,
        "整体得分 {}（单位平均）  单位等级：{}",
        d.overall_score.map_or_else(|| "—".to_owned(), fixed2),
        grade_counts(&d.unit_grades).join("  ")
    );
    let _ = writeln!(out, "指标状态：{}", status_counts(&d.statuses).join("  "));

    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "实际完成值 {} ({}): {}",
        clean(&report.actuals.file),
        report.actuals.encoding,
        accounting_line(report.actuals)
    );
    if e.notes.is_empty() {
        let _ = writeln!(out, "评价说明：无");
    } else {
        let _ = writeln!(out, "评价说明：{}", e.notes.len());
        for note in &e.notes {
            let _ = writeln!(out, "  {}", note_line(report.actuals, note));
        }
    }
    out
}

/// One table of indicator rows, then its empty categories and its rows' notes.
fn table(
    out: &mut String,
    indicators: &[Indicator],
    result: &TableResult,
    empty: &[Category],
    actuals: &Actuals,
    paint: Painter,
) {
    let mut t = Table::new();
    t.load_style(presets::ASCII_FULL_CONDENSED);
    t.set_header(ROW_HEADER.to_vec());
    for (indicator, row) in rows(indicators, result) {
        t.add_row(row_cells(indicator, row, actuals).to_vec());
    }
    for column in NUMERIC {
        if let Some(c) = t.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    for line in t.lines() {
        let _ = writeln!(out, "{}", paint.table_line(&line));
    }
    if !empty.is_empty() {
        let _ = writeln!(
            out,
            "{}：{}（无三级指标）",
            Flag::Incomplete.label(),
            empty_category_list(empty)
        );
    }
    for note in row_notes(indicators, result, actuals) {
        let _ = writeln!(out, "  说明 {note}");
    }
}

/// Category subtotals, then the total (labelled `total`) with its grade and the table's flags.
fn subtotals(out: &mut String, table: &TableResult, total: &str, paint: Painter) {
    if !table.categories.is_empty() {
        let _ = writeln!(
            out,
            "小计  {}",
            category_parts(&table.categories).join("  ")
        );
    }
    let mut line = format!(
        "{total} {}  {}",
        fixed2(table.total),
        paint.grade(table.grade)
    );
    if !table.flags.is_empty() {
        line.push_str("  ");
        line.push_str(&paint.flags(table.flags));
    }
    let _ = writeln!(out, "{line}");
}

/// Colours labels when asked to, and only then.
#[derive(Debug, Clone, Copy)]
struct Painter(bool);

impl Painter {
    fn paint(self, text: &str, color: Option<AnsiColor>) -> String {
        match color {
            Some(c) if self.0 => {
                let style = Style::new().fg_color(Some(c.into()));
                format!("{style}{text}{style:#}")
            }
            _ => text.to_owned(),
        }
    }

    fn status(self, status: Status) -> String {
        self.paint(status.label(), status_color(status))
    }

    fn grade(self, grade: Grade) -> String {
        let color = match grade {
            Grade::Excellent => Some(AnsiColor::Green),
            Grade::Poor => Some(AnsiColor::Red),
            Grade::Good | Grade::Fair => None,
        };
        self.paint(grade.label(), color)
    }

    fn flags(self, flags: Flags) -> String {
        flags
            .iter()
            .map(|f| self.paint(f.label(), flag_color(f)))
            .collect::<Vec<_>>()
            .join("、")
    }

    /// Colours the 状态 and 标记 cells of a rendered table line. They are the last two columns
    /// and hold only labels, never the `|` border, so they are found from the right; the
    /// table is laid out before any escape is added, so the widths stay right.
    fn table_line(self, line: &str) -> String {
        if !self.0 || !line.starts_with('|') {
            return line.to_owned();
        }
        let mut parts = line.rsplitn(4, '|');
        let (Some(end), Some(flags), Some(status), Some(rest)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return line.to_owned();
        };
        let status = match Status::ALL.iter().find(|s| status.trim() == s.label()) {
            Some(s) => status.replacen(s.label(), &self.status(*s), 1),
            None => status.to_owned(),
        };
        let mut painted_flags = flags.to_owned();
        for flag in Flag::ALL {
            if flag_color(flag).is_some() && flags.contains(flag.label()) {
                painted_flags =
                    painted_flags.replacen(flag.label(), &self.flags(Flags::from([flag])), 1);
            }
        }
        format!("{rest}|{status}|{painted_flags}|{end}")
    }
}

fn status_color(status: Status) -> Option<AnsiColor> {
    match status {
        Status::Met => Some(AnsiColor::Green),
        Status::NotMet => Some(AnsiColor::Red),
        Status::NotReported => Some(AnsiColor::Yellow),
        Status::Pending | Status::NotApplicable => None,
    }
}

fn flag_color(flag: Flag) -> Option<AnsiColor> {
    match flag {
        Flag::NeedsNote => Some(AnsiColor::Yellow),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr;

    use super::super::fixture::Fixture;
    use super::*;

    /// The text without ANSI escapes (`ESC [ … m`).
    fn strip(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn text_shows_projects_units_department_and_accounting() {
        let f = Fixture::new();
        let text = render(&f.report(), false);
        for expected in [
            "沈阳市工业和信息化局 2024年度绩效自评  评分方案 national  评价日期 2024-12-31\n目标 t.kpi  实际完成值 actuals.csv\n",
            "1. 智能制造|示范项目 (558001-aaaa0001)  实施单位 558001  预算 35.88 万元",
            "2. =前期工作经费 (558001-bbbb0002)",
            "| 一级指标 ",
            "培育示范|项目",
            "10~15 个",
            ">= 95 %",
            "<= -5 %",
            "促进发展",
            "部分达成",
            "25.00 (申报 20.00)",
            "得分不符",
            "预算执行率  预算 35.88 万元  支出 30 万元  执行率 83.61%  实际 30万元  分值 10.00  得分 8.36 (申报 10.00)  未达标  需说明、得分不符",
            "指标不完整：满意度指标（无三级指标）",
            "说明 产业发展：市场|需求下降",
            "小计  产出指标 50.00/50.00  效益指标 28.00/40.00  满意度指标 0.00/0.00",
            "合计 86.36  良  指标不完整",
            "小计  产出指标 40.00/50.00  效益指标 30.00/30.00  满意度指标 0.00/10.00",
            "合计 80.00  良",
            "得分 10.00  达标\n  预算执行说明：按期支付\n",
            "单位 558001  沈阳市工业和信息化局本级",
            "重点工作办结率",
            "整体得分 100.00  优",
            "项目得分 81.68（按预算加权）  项目 2：优 0  良 2  中 0  差 0",
            "部门  沈阳市工业和信息化局",
            "整体得分 100.00（单位平均）  单位等级：优 1  良 0  中 0  差 0",
            "指标状态：达标 5  未达标 2  未填报 1  未到期 0  不适用 0",
            "rows read 11 = used 9 + set aside 2 (1 blank rows, 1 rows left unfilled)",
            "actuals.csv:6: warning[different-nouns]: 个 compared with 项",
        ] {
            assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
        }
        assert!(!text.contains('\u{1b}'), "no colour when not asked");
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn text_is_deterministic() {
        let f = Fixture::new();
        assert_eq!(render(&f.report(), false), render(&f.report(), false));
        assert_eq!(render(&f.report(), true), render(&f.report(), true));
    }

    #[test]
    fn table_columns_line_up_in_display_width() {
        let f = Fixture::new();
        let text = render(&f.report(), false);
        let lines: Vec<&str> = text.lines().collect();
        let start = lines
            .iter()
            .position(|l| l.starts_with("+-"))
            .expect("a table");
        let width = lines[start].width();
        for line in lines[start..]
            .iter()
            .take_while(|l| l.starts_with('|') || l.starts_with('+'))
        {
            assert_eq!(line.width(), width, "`{line}` is not {width} columns wide");
        }
    }

    #[test]
    fn colour_marks_statuses_and_grades_only() {
        let f = Fixture::new();
        let plain = render(&f.report(), false);
        let colored = render(&f.report(), true);
        assert_ne!(plain, colored);
        assert_eq!(
            strip(&colored),
            plain,
            "colour adds escapes and nothing else"
        );
        let green = format!("{}", Style::new().fg_color(Some(AnsiColor::Green.into())));
        let red = format!("{}", Style::new().fg_color(Some(AnsiColor::Red.into())));
        let yellow = format!("{}", Style::new().fg_color(Some(AnsiColor::Yellow.into())));
        assert!(colored.contains(&format!("{green}达标")));
        assert!(colored.contains(&format!("整体得分 100.00  {green}优")));
        assert!(colored.contains(&format!("{red}未达标")));
        assert!(colored.contains(&format!("{yellow}未填报")));
        assert!(colored.contains(&format!("{yellow}需说明")));
    }
}
