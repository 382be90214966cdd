//! The report as one self-contained HTML5 page: the department and its units at the top, charts
//! drawn as inline SVG (every project's score with its grade, the indicator statuses, budget
//! execution per project), a collapsible section per project and per unit with its indicator
//! table, then the actuals' row accounting and the notes.
//!
//! The page needs nothing from anywhere: no script, font, image or style sheet is loaded, and a
//! Content-Security-Policy forbids any. It works without JavaScript (sections expand with
//! `<details>`) and prints with every section open where the browser can do it with CSS
//! (`::details-content`). Every text from the inputs goes through [`esc`], in elements, in SVG
//! and in attributes alike. Bars are drawn from the scores, grades and statuses the evaluator
//! computed: nothing here scores, rounds a score or grades.

use std::fmt::Write;

use rust_decimal::{Decimal, RoundingStrategy};
use unicode_width::UnicodeWidthChar;

use super::{
    ROW_HEADER, Report, accounting_line, budget_parts, category_parts, clean, empty_category_list,
    fixed2, flag_list, grade_counts, input_parts, note_line, project_heading_parts, project_of,
    row_cells, rows, settings_parts, title, unit_of,
};
use crate::actuals::Actuals;
use crate::eval::{BudgetResult, Flag, Grade, GradeCounts, ProjectResult, Status, TableResult};
use crate::model::{Category, Indicator, Project};

/// The marker on every project's indicator table, for tests and the browser check.
const PROJECT_TABLE: &str = "project-table";
/// The marker on every unit's 表16 table.
const UNIT_TABLE: &str = "unit-table";

pub fn render(report: &Report<'_>) -> String {
    let mut out = String::with_capacity(256 * 1024);
    head(&mut out, report);
    out.push_str("<body>\n<main class=\"page\">\n");
    header(&mut out, report);
    summary(&mut out, report);
    charts(&mut out, report);
    projects(&mut out, report);
    units(&mut out, report);
    inputs(&mut out, report);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// Text from the inputs for HTML, in an element or a quoted attribute, in HTML or in SVG: the
/// five characters that mean markup become references, and control characters become spaces.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn head(out: &mut String, report: &Report<'_>) {
    out.push_str(concat!(
        "<!DOCTYPE html>\n",
        "<html lang=\"zh-CN\">\n",
        "<head>\n",
        "<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
        "<meta name=\"color-scheme\" content=\"light\">\n",
        "<meta name=\"generator\" content=\"kpi\">\n",
    ));
    let _ = writeln!(out, "<title>{}</title>", esc(&title(report)));
    out.push_str("<style>\n");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n");
}

fn header(out: &mut String, report: &Report<'_>) {
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", esc(&title(report)));
    let _ = writeln!(
        out,
        "<p class=\"meta\">{}</p>",
        esc(&settings_parts(report).join(" · "))
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">{}</p>",
        esc(&input_parts(report).join(" · "))
    );
    out.push_str(concat!(
        "<nav class=\"toc\" aria-label=\"目录\">",
        "<a href=\"#summary\">概览</a> <a href=\"#charts\">图表</a> ",
        "<a href=\"#projects\">项目</a> <a href=\"#units\">预算单位</a> ",
        "<a href=\"#inputs\">实际完成值</a> <a href=\"#notes\">评价说明</a></nav>\n",
        "</header>\n",
    ));
}

/// The department's scores and counts, then a table of its units.
fn summary(out: &mut String, report: &Report<'_>) {
    let e = report.evaluation;
    let d = &e.department;
    out.push_str("<section id=\"summary\" aria-labelledby=\"summary-title\">\n");
    let _ = writeln!(
        out,
        "<h2 id=\"summary-title\">概览：{}</h2>",
        esc(&report.model.name)
    );
    out.push_str("<div class=\"cards\">\n");
    let _ = writeln!(
        out,
        "<div class=\"card\"><div class=\"label\">项目得分（按预算加权）</div><div class=\"value\">{}</div><div class=\"sub\">{} 个项目</div></div>",
        optional(d.project_score),
        e.projects.len()
    );
    let _ = writeln!(
        out,
        "<div class=\"card\"><div class=\"label\">整体得分（单位平均）</div><div class=\"value\">{}</div><div class=\"sub\">{} 个单位</div></div>",
        optional(d.overall_score),
        e.units.len()
    );
    let _ = writeln!(
        out,
        "<div class=\"card\"><div class=\"label\">项目等级</div>{}</div>",
        grade_list(&d.grades)
    );
    let _ = writeln!(
        out,
        "<div class=\"card\"><div class=\"label\">单位等级（表16）</div>{}</div>",
        grade_list(&d.unit_grades)
    );
    let mut statuses = String::from("<ul class=\"counts\">");
    for (status, n) in Status::ALL.iter().zip(&d.statuses) {
        let _ = write!(statuses, "<li>{} {n}</li>", status_badge(*status));
    }
    statuses.push_str("</ul>");
    let _ = writeln!(
        out,
        "<div class=\"card\"><div class=\"label\">指标状态</div>{statuses}</div>"
    );
    out.push_str("</div>\n");

    if !e.units.is_empty() {
        out.push_str("<div class=\"scroll\"><table class=\"units\">\n<caption>预算单位</caption>\n<thead><tr>");
        for (i, head) in [
            "单位",
            "名称",
            "整体得分（表16）",
            "项目得分（按预算加权）",
            "项目数",
            "项目等级",
        ]
        .iter()
        .enumerate()
        {
            let class = if (2..=4).contains(&i) {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(out, "<th scope=\"col\"{class}>{head}</th>");
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (number, result) in e.units.iter().enumerate() {
            let Some(unit) = unit_of(report, result) else {
                continue;
            };
            let overall = match &result.overall {
                Some(t) => format!("{} {}", fixed2(t.total), grade_badge(t.grade)),
                None => "—".to_owned(),
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td><a href=\"#unit-{}\">{}</a></td><td class=\"num\">{overall}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&unit.code),
                number + 1,
                esc(&unit.name),
                optional(result.project_score),
                result.projects,
                esc(&grade_counts(&result.grades).join(" · "))
            );
        }
        out.push_str("</tbody>\n</table></div>\n");
    }
    out.push_str("</section>\n");
}

fn charts(out: &mut String, report: &Report<'_>) {
    out.push_str("<section id=\"charts\" aria-labelledby=\"charts-title\">\n<h2 id=\"charts-title\">图表</h2>\n");
    score_chart(out, report);
    status_chart(out, report);
    budget_chart(out, report);
    out.push_str("</section>\n");
}

/// The width of every chart's view box, and where its bars start.
const CHART_WIDTH: u32 = 960;
const PLOT_X: u32 = 350;
/// The height of one project's row in the per-project charts.
const ROW_HEIGHT: u32 = 20;
/// Where the rows of the per-project charts start, below the legend and the axis labels.
const ROWS_TOP: u32 = 54;
/// How wide a project's label may be, in terminal columns (a CJK character is 2).
const LABEL_COLUMNS: usize = 54;

/// Every project's score as a bar coloured by its grade, on a 0–100 scale (5 px a point), with
/// the 60/80/90 grade lines.
fn score_chart(out: &mut String, report: &Report<'_>) {
    let e = report.evaluation;
    let items = projects_in_order(report);
    let height = ROWS_TOP + ROW_HEIGHT * (items.len().max(1) as u32) + 10;
    let grades = &e.department.grades;
    let desc = format!(
        "{} 个项目的得分（0–100 分），条的颜色表示等级：{}。竖线为等级分界 60、80、90 分。",
        items.len(),
        Grade::ALL
            .iter()
            .map(|g| format!("{} {} 个", g.label(), grades.get(*g)))
            .collect::<Vec<_>>()
            .join("、")
    );
    out.push_str("<figure class=\"chart\">\n<figcaption>项目得分与等级</figcaption>\n");
    svg_open(out, "chart-scores", height, "项目得分与等级", &desc);
    for (i, grade) in Grade::ALL.iter().enumerate() {
        legend(
            out,
            PLOT_X + 120 * i as u32,
            grade_colour(*grade),
            &format!("{} {}", grade.label(), grade_band(*grade)),
        );
    }
    let bottom = ROWS_TOP + ROW_HEIGHT * (items.len().max(1) as u32);
    for (value, dashed) in [(0, false), (60, true), (80, true), (90, true), (100, false)] {
        let x = PLOT_X + 5 * value;
        axis_line(out, x, bottom, dashed, &value.to_string());
    }
    if items.is_empty() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"#6b7280\">无项目</text>",
            PLOT_X + 8,
            ROWS_TOP + 14
        );
    }
    for (i, (number, project, result)) in items.iter().enumerate() {
        let y = ROWS_TOP + ROW_HEIGHT * i as u32;
        let table = &result.table;
        let score = fixed2(table.total);
        let width = scaled(table.total, Decimal::ZERO, Decimal::ONE_HUNDRED, 5);
        let label = format!("{number}. {}", clean(&project.name));
        let _ = writeln!(
            out,
            "<g><title>{}：{score} {}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{PLOT_X}\" y=\"{}\" width=\"{}\" height=\"14\" rx=\"2\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{score} {}</text></g>",
            esc(&label),
            table.grade.label(),
            PLOT_X - 8,
            y + 14,
            esc(&truncate(&label, LABEL_COLUMNS)),
            y + 3,
            coord(width),
            grade_colour(table.grade),
            PLOT_X + 5 * 100 + 8,
            y + 14,
            table.grade.label(),
        );
    }
    out.push_str("</svg>\n</figure>\n");
}

/// The indicator rows per status, units' and projects' together: a bar each, scaled to the
/// largest count, with the count and its share.
fn status_chart(out: &mut String, report: &Report<'_>) {
    let statuses = &report.evaluation.department.statuses;
    let total: usize = statuses.iter().sum();
    let max = statuses.iter().copied().max().unwrap_or(0);
    let row = 28;
    let height = 12 + row * Status::ALL.len() as u32 + 8;
    let desc = format!(
        "共 {total} 个指标（表16 与表17）：{}。",
        Status::ALL
            .iter()
            .zip(statuses)
            .map(|(s, n)| format!("{} {n} 个", s.label()))
            .collect::<Vec<_>>()
            .join("、")
    );
    out.push_str("<figure class=\"chart\">\n<figcaption>指标状态分布</figcaption>\n");
    svg_open(out, "chart-statuses", height, "指标状态分布", &desc);
    let x0 = 120;
    let span = Decimal::from(640);
    for (i, (status, &n)) in Status::ALL.iter().zip(statuses).enumerate() {
        let y = 12 + row * i as u32;
        let width = if max == 0 {
            Decimal::ZERO
        } else {
            span * Decimal::from(n) / Decimal::from(max)
        };
        let share = if total == 0 {
            "0%".to_owned()
        } else {
            let share = (Decimal::from(n) * Decimal::ONE_HUNDRED / Decimal::from(total))
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
            format!("{}%", coord(share))
        };
        let _ = writeln!(
            out,
            "<g><title>{label}：{n} 个（{share}）</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text><rect x=\"{x0}\" y=\"{}\" width=\"{}\" height=\"18\" rx=\"2\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{n}（{share}）</text></g>",
            x0 - 10,
            y + 15,
            y + 2,
            coord(width),
            status_colour(*status),
            coord(Decimal::from(x0 + 8) + width),
            y + 15,
            label = status.label(),
        );
    }
    out.push_str("</svg>\n</figure>\n");
}

/// Every project's budget execution rate as a bar on a 0–120 % scale (4 px a percent), with
/// the 90 % line under which a rate needs a note and the 100 % line of full points.
fn budget_chart(out: &mut String, report: &Report<'_>) {
    let items = projects_in_order(report);
    let height = ROWS_TOP + ROW_HEIGHT * (items.len().max(1) as u32) + 10;
    let count = |pick: &dyn Fn(&BudgetResult) -> bool| {
        items.iter().filter(|(_, _, r)| pick(&r.budget)).count()
    };
    // The line under which a rate needs a note is the profile's (S12), drawn at whole percents.
    let note_line = report
        .evaluation
        .budget_note_below
        .round()
        .to_string()
        .parse::<u32>()
        .unwrap_or(90)
        .min(120);
    let desc = format!(
        "{} 个项目的预算执行率（支出 ÷ 预算），刻度 0–120%，超过 120% 的条画到 120% 为止：达标 {} 个，未达标 {} 个（其中需说明 {} 个），未填报 {} 个。虚线为 {note_line}%，实线为 100%。",
        items.len(),
        count(&|b| b.status == Status::Met),
        count(&|b| b.status == Status::NotMet),
        count(&|b| b.status == Status::NotMet && b.flags.contains(Flag::NeedsNote)),
        count(&|b| b.status == Status::NotReported),
    );
    out.push_str("<figure class=\"chart\">\n<figcaption>预算执行率</figcaption>\n");
    svg_open(out, "chart-budget", height, "预算执行率", &desc);
    for (i, (colour, label)) in [
        (status_colour(Status::Met), "达标（100%）"),
        (AMBER, "未达标"),
        (RED, "需说明"),
        (status_colour(Status::Pending), "未到期"),
    ]
    .iter()
    .enumerate()
    {
        legend(out, PLOT_X + 120 * i as u32, colour, label);
    }
    let bottom = ROWS_TOP + ROW_HEIGHT * (items.len().max(1) as u32);
    for (value, dashed) in [
        (0, false),
        (50, true),
        (note_line, true),
        (100, false),
        (120, true),
    ] {
        axis_line(
            out,
            PLOT_X + 4 * value,
            bottom,
            dashed,
            &format!("{value}%"),
        );
    }
    if items.is_empty() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"#6b7280\">无项目</text>",
            PLOT_X + 8,
            ROWS_TOP + 14
        );
    }
    for (i, (number, project, result)) in items.iter().enumerate() {
        let y = ROWS_TOP + ROW_HEIGHT * i as u32;
        let b = &result.budget;
        let label = format!("{number}. {}", clean(&project.name));
        let mut value = match b.rate {
            Some(rate) => format!("{}%", fixed2(rate)),
            None => b.status.label().to_owned(),
        };
        if b.rate.is_some() && b.flags.contains(Flag::NeedsNote) {
            value.push(' ');
            value.push_str(Flag::NeedsNote.label());
        }
        let width = b.rate.map_or(Decimal::ZERO, |rate| {
            scaled(rate, Decimal::ZERO, Decimal::from(120), 4)
        });
        let bar = match b.rate {
            Some(_) => format!(
                "<rect x=\"{PLOT_X}\" y=\"{}\" width=\"{}\" height=\"14\" rx=\"2\" fill=\"{}\"/>",
                y + 3,
                coord(width),
                budget_colour(b)
            ),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "<g><title>{}：{} · {}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>{bar}<text x=\"{}\" y=\"{}\"{}>{}</text></g>",
            esc(&label),
            esc(&value),
            b.status.label(),
            PLOT_X - 8,
            y + 14,
            esc(&truncate(&label, LABEL_COLUMNS)),
            PLOT_X + 4 * 120 + 8,
            y + 14,
            if b.rate.is_none() {
                " fill=\"#6b7280\""
            } else {
                ""
            },
            esc(&value),
        );
    }
    out.push_str("</svg>\n</figure>\n");
    let _ = writeln!(
        out,
        "<p class=\"note\">预算执行率 = 支出 ÷ 预算（有调整后预算时用调整后预算）；达到 100% 得满分，低于 {}% 须说明偏差原因（scoring.md S12，评分方案 {}）。</p>",
        report.evaluation.budget_note_below.normalize(),
        esc(&report.evaluation.profile)
    );
}

fn svg_open(out: &mut String, id: &str, height: u32, title: &str, desc: &str) {
    let _ = writeln!(
        out,
        "<svg class=\"chart\" id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {CHART_WIDTH} {height}\" width=\"{CHART_WIDTH}\" height=\"{height}\" font-size=\"12\">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(desc)
    );
}

fn legend(out: &mut String, x: u32, colour: &str, label: &str) {
    let _ = writeln!(
        out,
        "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{colour}\"/><text x=\"{}\" y=\"16\">{}</text>",
        x + 16,
        esc(label)
    );
}

/// A vertical line of a chart's scale at `x`, from below the labels to `bottom`, labelled at
/// the top.
fn axis_line(out: &mut String, x: u32, bottom: u32, dashed: bool, label: &str) {
    let style = if dashed {
        "stroke=\"#9ca3af\" stroke-dasharray=\"4 3\""
    } else {
        "stroke=\"#4b5563\""
    };
    let _ = writeln!(
        out,
        "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{bottom}\" {style}/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" fill=\"#4b5563\">{}</text>",
        ROWS_TOP - 8,
        ROWS_TOP - 12,
        esc(label)
    );
}

/// `value` clamped to `low..=high`, as a length at `per` px a unit from `low`.
fn scaled(value: Decimal, low: Decimal, high: Decimal, per: u32) -> Decimal {
    (value.clamp(low, high) - low) * Decimal::from(per)
}

/// A coordinate or a share as the shortest exact text with at most two decimals.
fn coord(value: Decimal) -> String {
    let value = value
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    if value.is_zero() {
        "0".to_owned()
    } else {
        value.to_string()
    }
}

/// `text` cut to `columns` terminal columns, ending with `…` when cut.
fn truncate(text: &str, columns: usize) -> String {
    let width: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if width <= columns {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > columns.saturating_sub(1) {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// The projects in the report's order with their numbers (from 1) and models.
fn projects_in_order<'a>(report: &Report<'a>) -> Vec<(usize, &'a Project, &'a ProjectResult)> {
    report
        .evaluation
        .projects
        .iter()
        .enumerate()
        .filter_map(|(i, result)| project_of(report, result).map(|p| (i + 1, p, result)))
        .collect()
}

fn projects(out: &mut String, report: &Report<'_>) {
    out.push_str("<section id=\"projects\" aria-labelledby=\"projects-title\">\n<h2 id=\"projects-title\">项目（表17）</h2>\n");
    out.push_str("<p class=\"hint\">点击项目名称展开指标表；打印时全部展开。</p>\n");
    let items = projects_in_order(report);
    if items.is_empty() {
        out.push_str("<p>无项目</p>\n");
    }
    for (number, project, result) in items {
        let table = &result.table;
        let b = &result.budget;
        let _ = writeln!(
            out,
            "<details class=\"project\" id=\"project-{number}\">\n<summary><span class=\"score\">{} {}</span> <span class=\"n\">{number}.</span> <span class=\"name\">{}</span> <span class=\"unit\">{}</span>{}</summary>\n<div class=\"body\">",
            fixed2(table.total),
            grade_badge(table.grade),
            esc(&project.name),
            esc(&project.unit),
            attention(table, Some(b)),
        );
        let mut heading = vec![format!("项目 {}", clean(&project.id))];
        heading.extend(project_heading_parts(project));
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", esc(&heading.join(" · ")));
        indicator_table(
            out,
            &project.indicators,
            table,
            report.actuals,
            PROJECT_TABLE,
            &format!("{} 的绩效指标", clean(&project.name)),
        );
        incomplete(out, &project.empty_categories);
        let mut budget = esc(&budget_parts(b, report.actuals).join(" · "));
        budget.push_str(" · ");
        budget.push_str(&status_badge(b.status));
        if !b.flags.is_empty() {
            let _ = write!(
                budget,
                " · <span class=\"flags\">{}</span>",
                esc(&flag_list(b.flags))
            );
        }
        let _ = writeln!(out, "<p class=\"budget\"><b>预算执行率</b> {budget}</p>");
        if let Some(note) = b.note(report.actuals) {
            let _ = writeln!(
                out,
                "<p class=\"budget-note\">预算执行说明：{}</p>",
                esc(note)
            );
        }
        totals(out, table, "合计");
        out.push_str("</div>\n</details>\n");
    }
    out.push_str("</section>\n");
}

fn units(out: &mut String, report: &Report<'_>) {
    let e = report.evaluation;
    out.push_str("<section id=\"units\" aria-labelledby=\"units-title\">\n<h2 id=\"units-title\">预算单位（表16 整体绩效）</h2>\n");
    if e.units.is_empty() {
        out.push_str("<p>无预算单位</p>\n");
    }
    for (number, result) in e.units.iter().enumerate() {
        let Some(unit) = unit_of(report, result) else {
            continue;
        };
        let score = match &result.overall {
            Some(t) => format!(
                "<span class=\"score\">{} {}</span> ",
                fixed2(t.total),
                grade_badge(t.grade)
            ),
            None => "<span class=\"score\">—</span> ".to_owned(),
        };
        let _ = writeln!(
            out,
            "<details class=\"unit\" id=\"unit-{}\">\n<summary>{score}<span class=\"n\">单位 {}</span> <span class=\"name\">{}</span>{}</summary>\n<div class=\"body\">",
            number + 1,
            esc(&unit.code),
            esc(&unit.name),
            result
                .overall
                .as_ref()
                .map_or_else(String::new, |t| attention(t, None)),
        );
        match &result.overall {
            Some(overall) => {
                indicator_table(
                    out,
                    &unit.indicators,
                    overall,
                    report.actuals,
                    UNIT_TABLE,
                    &format!("{} 的表16 整体绩效指标", clean(&unit.name)),
                );
                incomplete(out, &unit.empty_categories);
                totals(out, overall, "整体得分");
            }
            None => out.push_str("<p>整体绩效：无表16指标</p>\n"),
        }
        let _ = writeln!(
            out,
            "<p class=\"meta\">项目得分 {}（按预算加权） · 项目 {}：{}</p>",
            optional(result.project_score),
            result.projects,
            esc(&grade_counts(&result.grades).join(" · "))
        );
        out.push_str("</div>\n</details>\n");
    }
    out.push_str("</section>\n");
}

fn inputs(out: &mut String, report: &Report<'_>) {
    let e = report.evaluation;
    out.push_str("<section id=\"inputs\" aria-labelledby=\"inputs-title\">\n<h2 id=\"inputs-title\">实际完成值</h2>\n");
    let _ = writeln!(
        out,
        "<p>{}</p>",
        esc(&format!(
            "{} ({}): {}",
            report.actuals.file,
            report.actuals.encoding,
            accounting_line(report.actuals)
        ))
    );
    out.push_str("</section>\n<section id=\"notes\" aria-labelledby=\"notes-title\">\n<h2 id=\"notes-title\">评价说明</h2>\n");
    if e.notes.is_empty() {
        out.push_str("<p>无</p>\n");
    } else {
        out.push_str("<ul class=\"notes\">\n");
        for note in &e.notes {
            let _ = writeln!(out, "<li>{}</li>", esc(&note_line(report.actuals, note)));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n<footer><p>由 kpi 按 specs/scoring.md 的规则评分生成；本页不加载任何外部资源。</p></footer>\n");
}

/// One table of indicator rows with the columns of the text report and the note (说明).
fn indicator_table(
    out: &mut String,
    indicators: &[Indicator],
    table: &TableResult,
    actuals: &Actuals,
    marker: &str,
    caption: &str,
) {
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table class=\"indicators\" data-kpi=\"{marker}\">\n<caption class=\"vh\">{}</caption>",
        esc(caption)
    );
    out.push_str("<thead><tr>");
    for (i, head) in ROW_HEADER.iter().chain(["说明"].iter()).enumerate() {
        let class = if NUMERIC.contains(&i) {
            " class=\"num\""
        } else {
            ""
        };
        let _ = write!(out, "<th scope=\"col\"{class}>{head}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (indicator, row) in rows(indicators, table) {
        let cells = row_cells(indicator, row, actuals);
        out.push_str("<tr>");
        for (i, cell) in cells.iter().enumerate() {
            match i {
                STATUS => {
                    let _ = write!(out, "<td>{}</td>", status_badge(row.status));
                }
                FLAGS if !row.flags.is_empty() => {
                    let _ = write!(out, "<td class=\"flags\">{}</td>", esc(cell));
                }
                i if NUMERIC.contains(&i) => {
                    let _ = write!(out, "<td class=\"num\">{}</td>", esc(cell));
                }
                _ => {
                    let _ = write!(out, "<td>{}</td>", esc(cell));
                }
            }
        }
        let _ = writeln!(
            out,
            "<td class=\"note\">{}</td></tr>",
            row.note(actuals).map_or_else(String::new, esc)
        );
    }
    out.push_str("</tbody>\n</table></div>\n");
}

/// Columns of [`ROW_HEADER`] that hold numbers (分值, 得分), the status and the flags.
const NUMERIC: [usize; 2] = [5, 6];
const STATUS: usize = 7;
const FLAGS: usize = 8;

fn incomplete(out: &mut String, empty: &[Category]) {
    if !empty.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"flags\">{}：{}（无三级指标）</p>",
            Flag::Incomplete.label(),
            esc(&empty_category_list(empty))
        );
    }
}

/// Category subtotals, then the total with its grade and the table's flags.
fn totals(out: &mut String, table: &TableResult, label: &str) {
    if !table.categories.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"subtotals\"><b>小计</b> {}</p>",
            esc(&category_parts(&table.categories).join(" · "))
        );
    }
    let flags = if table.flags.is_empty() {
        String::new()
    } else {
        format!(
            " · <span class=\"flags\">{}</span>",
            esc(&flag_list(table.flags))
        )
    };
    let _ = writeln!(
        out,
        "<p class=\"total\"><b>{label}</b> <strong>{}</strong> {}{flags}</p>",
        fixed2(table.total),
        grade_badge(table.grade)
    );
}

/// What a closed section shows needs a look: rows (and the budget line) not met, not reported
/// or lacking a note; empty when none.
fn attention(table: &TableResult, budget: Option<&BudgetResult>) -> String {
    let statuses = table
        .rows
        .iter()
        .map(|r| (r.status, &r.flags))
        .chain(budget.map(|b| (b.status, &b.flags)));
    let mut counts = [0usize; 3];
    for (status, flags) in statuses {
        if status == Status::NotMet {
            counts[0] += 1;
        }
        if status == Status::NotReported {
            counts[1] += 1;
        }
        if flags.contains(Flag::NeedsNote) {
            counts[2] += 1;
        }
    }
    let parts: Vec<String> = [
        Status::NotMet.label(),
        Status::NotReported.label(),
        Flag::NeedsNote.label(),
    ]
    .iter()
    .zip(counts)
    .filter(|(_, n)| *n > 0)
    .map(|(label, n)| format!("{label} {n}"))
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" <span class=\"attention\">{}</span>", parts.join(" · "))
    }
}

fn optional(value: Option<Decimal>) -> String {
    value.map_or_else(|| "—".to_owned(), fixed2)
}

fn grade_list(counts: &GradeCounts) -> String {
    let mut out = String::from("<ul class=\"counts\">");
    for grade in Grade::ALL {
        let _ = write!(out, "<li>{} {}</li>", grade_badge(grade), counts.get(grade));
    }
    out.push_str("</ul>");
    out
}

fn grade_badge(grade: Grade) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        grade_class(grade),
        grade.label()
    )
}

fn status_badge(status: Status) -> String {
    format!(
        "<span class=\"status {}\">{}</span>",
        status_class(status),
        status.label()
    )
}

const GREEN: &str = "#2e7d32";
const BLUE: &str = "#1565c0";
const AMBER: &str = "#f59e0b";
const RED: &str = "#c62828";
const SLATE: &str = "#64748b";
const GREY: &str = "#a3a3a3";

fn grade_colour(grade: Grade) -> &'static str {
    match grade {
        Grade::Excellent => GREEN,
        Grade::Good => BLUE,
        Grade::Fair => AMBER,
        Grade::Poor => RED,
    }
}

/// The S14 band of a grade, for legends.
fn grade_band(grade: Grade) -> &'static str {
    match grade {
        Grade::Excellent => "≥ 90",
        Grade::Good => "80–90",
        Grade::Fair => "60–80",
        Grade::Poor => "< 60",
    }
}

fn grade_class(grade: Grade) -> &'static str {
    match grade {
        Grade::Excellent => "g-excellent",
        Grade::Good => "g-good",
        Grade::Fair => "g-fair",
        Grade::Poor => "g-poor",
    }
}

fn status_colour(status: Status) -> &'static str {
    match status {
        Status::Met => GREEN,
        Status::NotMet => RED,
        Status::NotReported => AMBER,
        Status::Pending => SLATE,
        Status::NotApplicable => GREY,
    }
}

fn status_class(status: Status) -> &'static str {
    match status {
        Status::Met => "s-met",
        Status::NotMet => "s-not-met",
        Status::NotReported => "s-not-reported",
        Status::Pending => "s-pending",
        Status::NotApplicable => "s-na",
    }
}

/// A budget bar's colour: met green; not met amber, red when it lacks its note (需说明).
fn budget_colour(budget: &BudgetResult) -> &'static str {
    match budget.status {
        Status::NotMet if budget.flags.contains(Flag::NeedsNote) => RED,
        Status::NotMet => AMBER,
        status => status_colour(status),
    }
}

const CSS: &str = r#":root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f8fafc}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.6 "PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;font-variant-numeric:tabular-nums;-webkit-text-size-adjust:100%;text-size-adjust:100%}
.page{max-width:1120px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:1.6rem;line-height:1.3;margin:0 0 .4rem}
h2{font-size:1.25rem;margin:2rem 0 .75rem;padding-bottom:.25rem;border-bottom:2px solid var(--line)}
a{color:#1565c0}
.meta{color:var(--muted);margin:.2rem 0}
.toc{margin-top:.6rem}
.toc a{margin-right:1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:12px;margin-bottom:1rem}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.card .label{color:var(--muted);font-size:.85rem}
.card .value{font-size:2rem;font-weight:700;line-height:1.25}
.card .sub{color:var(--muted);font-size:.85rem}
.counts{list-style:none;margin:.5rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.4rem 1rem}
.badge,.status{display:inline-block;border-radius:4px;white-space:nowrap;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.badge{min-width:1.7em;padding:0 .4em;color:#fff;font-weight:700;text-align:center}
.g-excellent{background:#2e7d32}.g-good{background:#1565c0}.g-fair{background:#f59e0b;color:#1f2937}.g-poor{background:#c62828}
.status{padding:0 .4em;font-size:.85em}
.s-met{background:#e8f5e9;color:#1b5e20}.s-not-met{background:#ffebee;color:#b71c1c}.s-not-reported{background:#fff3cd;color:#7a4d00}.s-pending{background:#eceff1;color:#37474f}.s-na{background:#f3f4f6;color:#4b5563}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.85rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
thead th{background:#f1f5f9;white-space:nowrap}
tbody tr:nth-child(even){background:#fafafa}
.num{text-align:right;white-space:nowrap}
td.note{color:#374151;min-width:8em}
.indicators td:nth-child(4),.indicators td:nth-child(5){min-width:5.5em}
.flags,.attention{color:#b71c1c}
.attention{font-size:.85rem;margin-left:.4rem}
.scroll{overflow-x:auto}
figure.chart{margin:0 0 1rem;background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px}
figcaption{font-weight:700;margin-bottom:.4rem}
svg.chart{display:block;width:100%;height:auto}
svg.chart text{font-family:inherit}
.note,.hint{color:var(--muted);font-size:.85rem}
details{background:#fff;border:1px solid var(--line);border-radius:8px;margin:.4rem 0}
summary{cursor:pointer;padding:8px 12px}
summary .score{float:right;margin-left:1rem;font-weight:700}
summary .name{font-weight:600}
summary .n,summary .unit{color:var(--muted)}
details[open]>summary{border-bottom:1px solid var(--line)}
.body{padding:8px 12px 12px}
.body p{margin:.4rem 0}
.total{font-size:1.05rem}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
footer{color:var(--muted);font-size:.8rem;margin-top:2rem}
@page{margin:12mm}
@media print{
body{background:#fff;font-size:10pt}
.page{max-width:none;padding:0}
.toc,.hint{display:none}
details{border:none;margin:0 0 .8rem}
summary{list-style:none;cursor:auto;padding:4px 0;border-bottom:1px solid var(--line)}
summary::-webkit-details-marker{display:none}
.body{padding:4px 0}
.scroll{overflow:visible}
figure.chart,.card,tr,.budget,.subtotals,.total,summary{break-inside:avoid}
h2,summary{break-after:avoid}
thead{display:table-header-group}
svg.chart{max-height:80vh}
a{color:inherit;text-decoration:none}
}
@media print{details::details-content{content-visibility:visible;display:block}}
"#;

#[cfg(test)]
mod tests {
    use super::super::fixture::Fixture;
    use super::*;

    #[test]
    fn esc_escapes_markup_and_controls() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(esc("一\n二\t三\u{0}"), "一 二 三 ");
        assert_eq!(esc("≥ 95 %"), "≥ 95 %");
        assert_eq!(esc("&amp;"), "&amp;amp;");
    }

    #[test]
    fn truncate_counts_columns() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
        assert_eq!(truncate("一二三", 6), "一二三");
        assert_eq!(truncate("一二三四", 6), "一二…");
    }

    #[test]
    fn coordinates_are_short_and_exact() {
        let d = |s: &str| s.parse::<Decimal>().expect("a decimal");
        assert_eq!(coord(d("498.10")), "498.1");
        assert_eq!(coord(d("0.00")), "0");
        assert_eq!(coord(d("-0")), "0");
        assert_eq!(coord(d("1.005")), "1.01");
        assert_eq!(scaled(d("96.15"), Decimal::ZERO, d("120"), 4), d("384.60"));
        assert_eq!(scaled(d("150"), Decimal::ZERO, d("120"), 4), d("480"));
        assert_eq!(scaled(d("-3"), Decimal::ZERO, d("100"), 5), Decimal::ZERO);
    }

    #[test]
    fn the_fixture_renders_every_part() {
        let f = Fixture::new();
        let html = render(&f.report());
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
        assert!(html.ends_with("</html>\n"));
        assert_eq!(html.matches("<details").count(), 3);
        assert_eq!(html.matches("data-kpi=\"project-table\"").count(), 2);
        assert_eq!(html.matches("data-kpi=\"unit-table\"").count(), 1);
        assert_eq!(html.matches("<svg").count(), 3);
        for expected in [
            "<title>沈阳市工业和信息化局 2024年度绩效自评</title>",
            "<span class=\"name\">智能制造|示范项目</span>",
            "<span class=\"name\">=前期工作经费</span>",
            "<td class=\"num\">25.00 (申报 20.00)</td>",
            "<td class=\"note\">市场|需求下降</td>",
            "指标不完整：满意度指标（无三级指标）",
            "<p class=\"budget-note\">预算执行说明：按期支付</p>",
            "<b>合计</b> <strong>86.36</strong> <span class=\"badge g-good\">良</span>",
            "<b>整体得分</b> <strong>100.00</strong>",
            "执行率 83.61%",
            "83.61% 需说明",
            "rows read 11 = used 9 + set aside 2",
            "actuals.csv:6: warning[different-nouns]: 个 compared with 项",
        ] {
            assert!(html.contains(expected), "missing `{expected}`");
        }
        assert_eq!(html, render(&f.report()), "deterministic");
    }
}
