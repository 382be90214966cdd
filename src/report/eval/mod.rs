//! Evaluation results → text, Markdown, JSON, CSV. Renderers format what the evaluator computed;
//! they never recompute a score.
//!
//! Every renderer is a pure function of the [`Report`]: the same report gives byte-identical
//! output. Scores and weights are shown with two decimals exactly as the evaluator rounded them
//! (scoring.md S13); nothing here rounds, sums or compares scores.

mod csv;
mod html;
mod json;
mod markdown;
mod text;
pub(crate) mod xlsx;

use rust_decimal::Decimal;

use crate::model::decimal::DecimalText;

use crate::actuals::Actuals;
use crate::eval::{
    BudgetResult, CategoryResult, Evaluation, Flags, Grade, GradeCounts, ProjectResult, RowResult,
    Status, TableResult, UnitResult,
};
use crate::model::{Category, Department, Indicator, Project, Unit};

/// Everything a report shows.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub model: &'a Department,
    pub evaluation: &'a Evaluation,
    pub actuals: &'a Actuals,
    /// How the targets were named (a file, or the embedded default).
    pub targets: &'a str,
}

/// The terminal report: per project a table of its rows, its budget execution, subtotals and
/// total with grade; then the units, the department, the actuals' row accounting and the notes.
/// With `color`, statuses and grades are coloured (ANSI); never without.
pub fn text(report: &Report<'_>, color: bool) -> String {
    text::render(report, color)
}

/// The same content as [`text`], as GitHub-flavoured Markdown.
pub fn markdown(report: &Report<'_>) -> String {
    markdown::render(report)
}

/// The evaluation as JSON (`specs/report.schema.json`), pretty-printed, newline-terminated.
pub fn json(report: &Report<'_>) -> String {
    json::render(report)
}

/// [`json`], written to `out` as it is built, without the whole document in memory.
pub fn write_json(
    report: &Report<'_>,
    out: impl std::io::Write,
    jobs: Option<std::num::NonZeroUsize>,
) -> std::io::Result<()> {
    json::write(report, out, jobs)
}

/// One CSV row per indicator and per budget execution, safe to open in a spreadsheet.
pub fn csv(report: &Report<'_>) -> String {
    csv::render(report)
}

/// One self-contained HTML5 page: the summary, inline SVG charts, a collapsible section per
/// project and unit with its indicator table, the row accounting and the notes. Loads nothing;
/// every text from the inputs is escaped.
pub fn html(report: &Report<'_>) -> String {
    html::render(report)
}

/// The 自评表 workbook (`.xlsx`): a summary sheet, one sheet per project in the layout of the
/// official 项目支出绩效自评表 and one per unit for its 表16 overall evaluation.
pub fn xlsx(report: &Report<'_>) -> Result<Vec<u8>, crate::Error> {
    xlsx::render(report)
}

/// A score, weight or percentage with two decimals, as the evaluator computed it: `12.5` is
/// shown `12.50`. Only padding happens here: a value the evaluator left with more than two
/// decimals (it never does) is shown in full rather than rounded by a renderer.
pub(crate) fn fixed2(value: Decimal) -> String {
    Fixed2(value).text().as_str().to_owned()
}

/// [`fixed2`] without a `String` in between: written as a JSON string.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fixed2(pub(crate) Decimal);

impl Fixed2 {
    pub(crate) fn text(self) -> DecimalText {
        DecimalText::with_places(self.0, 2)
    }
}

impl serde::Serialize for Fixed2 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.text().as_str())
    }
}

/// An amount of money (万元) as the model and the actuals hold it.
pub(crate) fn money(value: Decimal) -> String {
    value.to_string()
}

/// Flags as their Chinese labels joined with `、`: `超额、需说明`.
pub(crate) fn flag_list(flags: Flags) -> String {
    flags
        .iter()
        .map(|f| f.label())
        .collect::<Vec<_>>()
        .join("、")
}

/// The score cell: the score that counts, with what stands beside it — the claimed score (S16),
/// whether it was accepted (then the rule score), and a deduction (S9).
/// `8.00 (申报 9.00)`, `9.00 (采纳申报, 规则 8.00)`, `7.00 (扣分 1)`.
pub(crate) fn score_cell(
    score: Decimal,
    rule_score: Decimal,
    claimed: Option<Decimal>,
    accepted_claimed: bool,
    deduction: Option<Decimal>,
) -> String {
    let mut notes = Vec::new();
    if let Some(d) = deduction {
        notes.push(format!("扣分 {d}"));
    }
    match claimed {
        Some(_) if accepted_claimed => notes.push(format!("采纳申报, 规则 {}", fixed2(rule_score))),
        Some(claim) => notes.push(format!("申报 {}", fixed2(claim))),
        None => {}
    }
    if notes.is_empty() {
        fixed2(score)
    } else {
        format!("{} ({})", fixed2(score), notes.join("; "))
    }
}

pub(crate) fn row_score_cell(row: &RowResult, actuals: &Actuals) -> String {
    score_cell(
        row.score,
        row.rule_score,
        row.claimed(actuals),
        row.accepted_claimed,
        row.deduction(actuals),
    )
}

pub(crate) fn budget_score_cell(budget: &BudgetResult, actuals: &Actuals) -> String {
    score_cell(
        budget.score,
        budget.rule_score,
        budget.claimed(actuals),
        budget.accepted_claimed,
        None,
    )
}

/// The parts of a budget execution line before its status: `预算 35.88 万元`, `支出 34 万元`,
/// `执行率 94.76%`, `实际 34万元`, `分值 10.00`, `得分 9.48`.
pub(crate) fn budget_parts(budget: &BudgetResult, actuals: &Actuals) -> Vec<String> {
    let dash = || "—".to_owned();
    let base = match budget.budget {
        Some(b) if budget.adjusted => format!("{} 万元（调整后）", money(b)),
        Some(b) => format!("{} 万元", money(b)),
        None => dash(),
    };
    let spent = budget
        .spent
        .map_or_else(dash, |s| format!("{} 万元", money(s)));
    let rate = budget.rate.map_or_else(dash, |r| format!("{}%", fixed2(r)));
    let actual = match budget.actual(actuals) {
        "" => dash(),
        actual => clean(actual),
    };
    vec![
        format!("预算 {base}"),
        format!("支出 {spent}"),
        format!("执行率 {rate}"),
        format!("实际 {actual}"),
        format!("分值 {}", fixed2(budget.points)),
        format!("得分 {}", budget_score_cell(budget, actuals)),
    ]
}

/// Category subtotals: `产出指标 45.00/50.00`.
pub(crate) fn category_parts(categories: &[CategoryResult]) -> Vec<String> {
    categories
        .iter()
        .map(|c| {
            format!(
                "{} {}/{}",
                clean(&c.level1),
                fixed2(c.score),
                fixed2(c.weight)
            )
        })
        .collect()
}

/// Counts per grade: `优 1  良 0  中 0  差 1`.
pub(crate) fn grade_counts(counts: &GradeCounts) -> Vec<String> {
    Grade::ALL
        .iter()
        .map(|g| format!("{} {}", g.label(), counts.get(*g)))
        .collect()
}

/// Counts per status, in the order of [`Status::ALL`].
pub(crate) fn status_counts(statuses: &[usize; 5]) -> Vec<String> {
    Status::ALL
        .iter()
        .zip(statuses)
        .map(|(s, n)| format!("{} {n}", s.label()))
        .collect()
}

/// Empty categories as `满意度指标` or `满意度指标 / 满意度`.
pub(crate) fn empty_category_list(categories: &[Category]) -> String {
    categories
        .iter()
        .map(|c| match &c.level2 {
            Some(level2) => format!("{} / {}", clean(&c.level1), clean(level2)),
            None => clean(&c.level1),
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The actuals' row accounting: `rows read 12 = used 10 + set aside 2 (1 blank rows, …)`.
pub(crate) fn accounting_line(actuals: &Actuals) -> String {
    let a = &actuals.accounting;
    let mut line = format!(
        "rows read {} = used {} + set aside {}",
        a.rows_read,
        a.rows_used,
        a.set_aside_total()
    );
    if !a.set_aside.is_empty() {
        let parts: Vec<String> = a
            .set_aside
            .iter()
            .map(|(reason, n)| format!("{n} {}", reason.label()))
            .collect();
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    line
}

/// An evaluation note as `file:line: warning[code]: message` (no line when it has none;
/// `file:Sheet!5:5` for a spreadsheet's row).
pub(crate) fn note_line(actuals: &crate::actuals::Actuals, note: &crate::import::Note) -> String {
    let file = clean(&actuals.file);
    let place = actuals.places.as_ref().and_then(|p| p.row(note.line));
    let at = match (note.line, place) {
        (0, _) => file,
        (_, Some(place)) => format!("{file}:{}", clean(&place)),
        (line, None) => format!("{file}:{line}"),
    };
    format!(
        "{at}: {}[{}]: {}",
        note.severity,
        note.code,
        clean(&note.message)
    )
}

/// The title: `沈阳市工业和信息化局 2024年度绩效自评`.
pub(crate) fn title(report: &Report<'_>) -> String {
    let name = clean(&report.model.name);
    let year = report.evaluation.year;
    if name.trim().is_empty() {
        format!("{year}年度绩效自评")
    } else {
        format!("{} {year}年度绩效自评", name.trim())
    }
}

/// What the evaluation was made with, for the title line: profile, date, whether claims were
/// accepted.
pub(crate) fn settings_parts(report: &Report<'_>) -> Vec<String> {
    let e = report.evaluation;
    let mut parts = vec![
        format!("评分方案 {}", clean(&e.profile)),
        format!("评价日期 {}", e.as_of.format("%Y-%m-%d")),
    ];
    if e.accept_claimed {
        parts.push("采纳申报得分".to_owned());
    }
    parts
}

/// The inputs: `目标 t.kpi`, `实际完成值 actuals.csv`.
pub(crate) fn input_parts(report: &Report<'_>) -> Vec<String> {
    vec![
        format!("目标 {}", clean(report.targets)),
        format!("实际完成值 {}", clean(&report.actuals.file)),
    ]
}

/// A project's header: `前期工作经费 (558001-3f9a2c01)  实施单位 558001  预算 35.88 万元`.
pub(crate) fn project_heading_parts(project: &Project) -> Vec<String> {
    vec![
        format!("实施单位 {}", clean(&project.unit)),
        format!(
            "预算 {}",
            project
                .budget
                .map_or_else(|| "—".to_owned(), |b| format!("{} 万元", money(b)))
        ),
    ]
}

/// Text from the inputs made safe for one line of a table or a terminal: control characters
/// (newlines, tabs, escapes) become spaces, so no cell breaks a row and no input drives the
/// terminal.
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The project a result is about.
pub(crate) fn project_of<'a>(report: &Report<'a>, result: &ProjectResult) -> Option<&'a Project> {
    report.model.projects.get(result.project)
}

/// The unit a result is about.
pub(crate) fn unit_of<'a>(report: &Report<'a>, result: &UnitResult) -> Option<&'a Unit> {
    report.model.units.get(result.unit)
}

/// A table's rows with their indicators, in source order.
pub(crate) fn rows<'a>(
    indicators: &'a [Indicator],
    table: &'a TableResult,
) -> impl Iterator<Item = (&'a Indicator, &'a RowResult)> + 'a {
    table
        .rows
        .iter()
        .filter_map(|row| indicators.get(row.indicator as usize).map(|i| (i, row)))
}

/// The cells of one indicator row in the text and Markdown tables: 一级指标, 二级指标, 三级指标,
/// 目标, 实际, 分值, 得分, 状态, 标记.
pub(crate) fn row_cells(indicator: &Indicator, row: &RowResult, actuals: &Actuals) -> [String; 9] {
    [
        clean(&indicator.level1),
        clean(&indicator.level2),
        clean(&indicator.name),
        clean(&indicator.target.to_string()),
        clean(row.actual(actuals)),
        fixed2(row.weight),
        row_score_cell(row, actuals),
        row.status.label().to_owned(),
        flag_list(row.flags),
    ]
}

pub(crate) const ROW_HEADER: [&str; 9] = [
    "一级指标",
    "二级指标",
    "三级指标",
    "目标",
    "实际",
    "分值",
    "得分",
    "状态",
    "标记",
];

/// Rows of a table that carry a note (偏差原因), for the lines under it: `三级指标：note`.
pub(crate) fn row_notes(
    indicators: &[Indicator],
    table: &TableResult,
    actuals: &Actuals,
) -> Vec<String> {
    rows(indicators, table)
        .filter_map(|(indicator, row)| {
            row.note(actuals)
                .map(|n| format!("{}：{}", clean(&indicator.name), clean(n)))
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A small department evaluated in code, for the renderers' tests: two projects and one
    //! unit with 表16 rows; a range, a qualitative target, an empty category, a claimed score,
    //! names with `|` and text that a spreadsheet would take for a formula.

    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    use crate::actuals::{
        Actual, ActualRow, Actuals, ActualsAccounting, ActualsSetAside, RowNumbers, Subject,
    };
    use crate::eval::{Evaluation, Options, evaluate};
    use crate::import::{Note, Severity};
    use crate::model::{
        Category, Deadline, Department, Indicator, Measure, Operator, Project, Provenance, Target,
        Unit,
    };
    use crate::profile::Profile;

    use super::Report;

    fn d(s: &str) -> Decimal {
        s.parse().expect("a decimal")
    }

    fn compare(op: Operator, value: &str, unit: &str) -> Target {
        Target::Compare {
            op,
            value: d(value),
            measure: Some(Measure::parse(unit)),
        }
    }

    fn indicator(id: &str, level1: &str, level2: &str, name: &str, target: Target) -> Indicator {
        Indicator {
            id: id.into(),
            level1: level1.into(),
            level2: level2.into(),
            name: name.into(),
            target,
            deadline: Some(Deadline::Month {
                year: 2024,
                month: 12,
            }),
            direction: None,
            weight: None,
            allow: Default::default(),
            source: None,
        }
    }

    fn weighted(mut indicator: Indicator, weight: &str) -> Indicator {
        indicator.weight = Some(d(weight));
        indicator
    }

    pub fn department() -> Department {
        let mut first = indicator(
            "558001-aaaa0001-000001",
            "产出指标",
            "数量指标",
            "培育示范|项目",
            Target::Range {
                low: d("10"),
                high: d("15"),
                measure: Some(Measure::parse("个")),
            },
        );
        first.source = Some(Provenance {
            line: 12,
            start: 0,
            end: 0,
        });
        Department {
            allow: Default::default(),
            name: "沈阳市工业和信息化局".to_owned(),
            year: Some(2024),
            units: vec![Unit {
                allow: Default::default(),
                code: "558001".to_owned(),
                name: "沈阳市工业和信息化局本级".to_owned(),
                goal: None,
                budget_lines: Vec::new(),
                indicators: vec![
                    indicator(
                        "558001-unit-000001",
                        "履职效能",
                        "重点工作履行情况",
                        "重点工作办结率",
                        compare(Operator::Eq, "100", "%"),
                    ),
                    indicator(
                        "558001-unit-000002",
                        "基础管理",
                        "依法行政能力",
                        "综合管理水平",
                        Target::Qualitative("管理规范".to_owned()),
                    ),
                ],
                empty_categories: Vec::new(),
                source: None,
            }],
            projects: vec![
                Project {
                    allow: Default::default(),
                    id: "558001-aaaa0001".to_owned(),
                    name: "智能制造|示范项目".to_owned(),
                    unit: "558001".to_owned(),
                    budget: Some(d("35.88")),
                    goal: None,
                    indicators: vec![
                        first,
                        indicator(
                            "558001-aaaa0001-000002",
                            "产出指标",
                            "质量指标",
                            "验收合格率",
                            compare(Operator::Ge, "95", "%"),
                        ),
                        indicator(
                            "558001-aaaa0001-000003",
                            "效益指标",
                            "社会效益指标",
                            "产业发展",
                            Target::Qualitative("促进发展".to_owned()),
                        ),
                    ],
                    empty_categories: vec![Category {
                        level1: "满意度指标".to_owned(),
                        level2: None,
                        source: None,
                    }],
                    source: None,
                },
                Project {
                    allow: Default::default(),
                    id: "558001-bbbb0002".to_owned(),
                    name: "=前期工作经费".to_owned(),
                    unit: "558001".to_owned(),
                    budget: Some(d("100")),
                    goal: None,
                    // Weights declared by the spec (S3): 50 + 30 + 10 = 100 − P.
                    indicators: vec![
                        weighted(
                            indicator(
                                "558001-bbbb0002-000001",
                                "产出指标",
                                "数量指标",
                                "完成项目数",
                                compare(Operator::Ge, "20", "个"),
                            ),
                            "50",
                        ),
                        weighted(
                            indicator(
                                "558001-bbbb0002-000002",
                                "效益指标",
                                "经济效益指标",
                                "成本变动率",
                                compare(Operator::Le, "-5", "%"),
                            ),
                            "30",
                        ),
                        weighted(
                            indicator(
                                "558001-bbbb0002-000003",
                                "满意度指标",
                                "服务对象满意度指标",
                                "企业满意度",
                                compare(Operator::Ge, "90", "%"),
                            ),
                            "10",
                        ),
                    ],
                    empty_categories: Vec::new(),
                    source: None,
                },
            ],
        }
    }

    fn row(line: u32, subject: Subject, actual: Actual) -> ActualRow {
        ActualRow {
            line,
            subject,
            actual,
            completed: None,
            note: None,
            numbers: None,
        }
    }

    fn quantity(value: &str, written: &str) -> Actual {
        Actual::Quantity {
            value: d(value),
            written: written.into(),
            different_nouns: false,
        }
    }

    pub fn actuals() -> Actuals {
        let project = |project, indicator| Subject::ProjectIndicator { project, indicator };
        let mut claimed = row(3, project(0, 1), quantity("96", "96%"));
        claimed.numbers = RowNumbers {
            claimed: Some(d("20")),
            ..RowNumbers::default()
        }
        .boxed();
        let mut partial = row(
            4,
            project(0, 2),
            Actual::Tier {
                tier: 2,
                share: None,
                written: "部分达成".into(),
            },
        );
        partial.note = Some("市场|需求下降".into());
        let mut budget = row(
            5,
            Subject::Budget { project: 0 },
            Actual::Spent {
                wan: d("30"),
                written: "30万元".into(),
            },
        );
        budget.numbers = RowNumbers {
            claimed: Some(d("10")),
            ..RowNumbers::default()
        }
        .boxed();
        let mut paid = row(
            8,
            Subject::Budget { project: 1 },
            Actual::Rate {
                percent: d("100"),
                written: "100%".into(),
            },
        );
        paid.note = Some("按期支付".into());
        Actuals {
            file: "actuals.csv".to_owned(),
            places: None,
            encoding: "UTF-8",
            rows: vec![
                row(2, project(0, 0), quantity("12", "12个")),
                claimed,
                partial,
                budget,
                row(6, project(1, 0), quantity("16", "16个")),
                row(7, project(1, 1), quantity("-5", "-5%")),
                paid,
                row(
                    9,
                    Subject::UnitIndicator {
                        unit: 0,
                        indicator: 0,
                    },
                    quantity("100", "100%"),
                ),
                row(
                    10,
                    Subject::UnitIndicator {
                        unit: 0,
                        indicator: 1,
                    },
                    Actual::Tier {
                        tier: 0,
                        share: None,
                        written: "达成".into(),
                    },
                ),
            ],
            notes: vec![Note {
                line: 6,
                severity: Severity::Warning,
                code: "different-nouns",
                message: "个 compared with 项".to_owned(),
            }],
            accounting: ActualsAccounting {
                rows_read: 11,
                rows_used: 9,
                set_aside: vec![(ActualsSetAside::Blank, 1), (ActualsSetAside::Unfilled, 1)],
            },
        }
    }

    pub struct Fixture {
        pub model: Department,
        pub actuals: Actuals,
        pub evaluation: Evaluation,
    }

    impl Fixture {
        pub fn new() -> Fixture {
            let model = department();
            let actuals = actuals();
            let evaluation = evaluate(
                &model,
                &actuals,
                &Options::new(Profile::national(), "t.kpi"),
            )
            .expect("the fixture evaluates");
            assert_eq!(
                evaluation.as_of,
                NaiveDate::from_ymd_opt(2024, 12, 31).expect("a date")
            );
            Fixture {
                model,
                actuals,
                evaluation,
            }
        }

        pub fn report(&self) -> Report<'_> {
            Report {
                model: &self.model,
                evaluation: &self.evaluation,
                actuals: &self.actuals,
                targets: "t.kpi",
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::fixture::Fixture;
    use super::*;

    #[test]
    fn fixed2_pads_and_never_rounds() {
        let d = |s: &str| s.parse::<Decimal>().expect("a decimal");
        assert_eq!(fixed2(d("12.5")), "12.50");
        assert_eq!(fixed2(d("10")), "10.00");
        assert_eq!(fixed2(d("9.480")), "9.48");
        assert_eq!(fixed2(d("0")), "0.00");
        assert_eq!(fixed2(d("-0.00")), "0.00");
        assert_eq!(fixed2(d("1.005")), "1.005");
    }

    #[test]
    fn score_cells_show_claims_beside_the_rule_score() {
        let d = |s: &str| s.parse::<Decimal>().expect("a decimal");
        assert_eq!(score_cell(d("8"), d("8"), None, false, None), "8.00");
        assert_eq!(
            score_cell(d("8"), d("8"), Some(d("9")), false, None),
            "8.00 (申报 9.00)"
        );
        assert_eq!(
            score_cell(d("9"), d("8"), Some(d("9")), true, None),
            "9.00 (采纳申报, 规则 8.00)"
        );
        assert_eq!(
            score_cell(d("7"), d("7"), None, false, Some(d("1"))),
            "7.00 (扣分 1)"
        );
    }

    #[test]
    fn the_fixture_scores_as_expected() {
        let f = Fixture::new();
        let e = &f.evaluation;
        assert_eq!(e.projects.len(), 2);
        assert_eq!(e.units.len(), 1);
        assert!(e.units[0].overall.is_some());
        assert!(
            e.projects[0]
                .table
                .flags
                .contains(crate::eval::Flag::Incomplete)
        );
        assert!(
            e.projects[0].table.rows[1]
                .flags
                .contains(crate::eval::Flag::ScoreMismatch)
        );
    }

    #[test]
    fn clean_removes_control_characters() {
        assert_eq!(clean("a\nb\tc\u{1b}[31m"), "a b c [31m");
    }
}
