//! A model → a disclosure text in the seed's layout (表16 and 表17 as tab-separated rows, with
//! headers and page furniture), which `crate::import::import_disclosure` reads back to the same
//! model.
//!
//! The text varies the way the seed does — `运算符` beside `运算符号`, trailing tabs, a
//! qualitative value one column to the right, blank lines inside a table, `≥` for `>=`, a name
//! broken by a line wrap — each decided by a hash of the table's id, so one model always gives
//! the same text and every variation reads back to the same row. The only notes the importer
//! gives on it are the expected ones: `not-applicable`, `empty-category` and `joined-wrap`.

use std::io::{self, Write};

use rust_decimal::Decimal;
use xxhash_rust::xxh3::xxh3_64;

use super::rng::Rng;
use crate::model::{Category, Deadline, Department, Indicator, Target};

/// The region code the seed writes after each unit's name.
const REGION: &str = "210100000";

pub(super) fn write(model: &Department, out: &mut impl Write) -> io::Result<()> {
    let department = &model.name;
    let year = model.year.unwrap_or(super::YEAR);
    writeln!(out, "\n{department}\n{year} 年部门预算\n\n目 录\n")?;
    writeln!(out, "第一部分 {department}概况\n")?;
    writeln!(out, "第二部分 {department} {year} 年部门预算公开表\n")?;
    writeln!(out, "第三部分 绩效目标\n")?;
    writeln!(out, "部门（单位）整体绩效目标表\n\n表16\n\n单位：万元\n")?;
    for unit in &model.units {
        let mut rng = Rng::new(xxh3_64(unit.code.as_bytes()), 0);
        let pad = if rng.chance(50) { "\t" } else { "" };
        writeln!(
            out,
            "部门（单位）名称\t{}{}-{REGION}\t\t\t\t\t\t{pad}",
            unit.code, unit.name
        )?;
        writeln!(out, "年度主要任务\t对应项目\t\t\t\t预算资金情况\t\t{pad}")?;
        for line in &unit.budget_lines {
            writeln!(
                out,
                "\t{}\t\t\t\t{}\t\t{pad}",
                line.name,
                thousands(line.amount)
            )?;
        }
        if let Some(goal) = &unit.goal {
            writeln!(out, "年度绩效目标\t{goal}\t\t\t\t\t\t{pad}")?;
        }
        let table = Table::new(&mut rng);
        table.header(out, "年度绩效指标")?;
        table.rows(out, &mut rng, &unit.indicators, &unit.empty_categories)?;
        writeln!(out)?;
    }
    for project in &model.projects {
        let mut rng = Rng::new(xxh3_64(project.id.as_bytes()), 0);
        if rng.chance(90) {
            writeln!(
                out,
                "部门预算项目（政策）绩效目标表\n\n表 17\n\n单位：万元\n"
            )?;
        } else {
            writeln!(
                out,
                "部门预算项目（政策）绩效目标表\n\n表17\t\t\t\t\t\t\t单位：万元"
            )?;
        }
        let pad = if rng.chance(30) { "\t" } else { "" };
        let unit_name = model
            .unit(&project.unit)
            .map(|u| u.name.as_str())
            .unwrap_or_default();
        writeln!(
            out,
            "项目(政策)名称\t{}\t\t\t\t\t\t{pad}",
            wrapped(&mut rng, &project.name)
        )?;
        writeln!(
            out,
            "主管部门\t{department}\t\t\t实施单位\t{unit_name}\t\t{pad}"
        )?;
        if let Some(budget) = project.budget {
            writeln!(out, "预算资金情况\t{}\t\t\t\t\t\t{pad}", thousands(budget))?;
        }
        if let Some(goal) = &project.goal {
            writeln!(out, "总体目标\t{goal}\t\t\t\t\t\t{pad}")?;
        }
        let table = Table::new(&mut rng);
        table.header(out, "绩效指标")?;
        table.rows(
            out,
            &mut rng,
            &project.indicators,
            &project.empty_categories,
        )?;
        writeln!(out)?;
    }
    let units = model.units.len();
    let projects = model.projects.len();
    writeln!(
        out,
        "根据预算绩效管理要求，{department}在{year}年应编制部门整体绩效目标{units}个，实际编制{units}个，编制部门整体绩效目标覆盖率为100%。{year}年应编制绩效目标的特定目标类项目共{projects}个，实际编制绩效目标的特定目标类项目共{projects}个，编制特定目标类项目绩效目标覆盖率为100%。\n"
    )?;
    writeln!(out, "第四部分 名词解释\n")?;
    writeln!(
        out,
        "1. 财政拨款收入：指{}财政当年拨付的资金。",
        if department.contains('省') {
            "省级"
        } else {
            "市级"
        }
    )?;
    Ok(())
}

/// How one indicator table is laid out.
struct Table {
    /// `运算符号` or `运算符`.
    operator_label: &'static str,
    /// A tab after each row.
    pad: &'static str,
    /// `≥ ≤ ＝` instead of `>= <= =`.
    math: bool,
}

impl Table {
    fn new(rng: &mut Rng) -> Table {
        Table {
            operator_label: if rng.chance(20) {
                "运算符"
            } else {
                "运算符号"
            },
            pad: if rng.chance(40) { "\t" } else { "" },
            math: rng.chance(5),
        }
    }

    fn header(&self, out: &mut impl Write, label: &str) -> io::Result<()> {
        writeln!(
            out,
            "{label}\t一级指标\t二级指标\t三级指标\t{}\t指标值\t度量单位\t完成时限{}",
            self.operator_label, self.pad
        )
    }

    fn rows(
        &self,
        out: &mut impl Write,
        rng: &mut Rng,
        indicators: &[Indicator],
        empty: &[Category],
    ) -> io::Result<()> {
        let mut previous: Option<(&str, &str)> = None;
        for indicator in indicators {
            let (level1, level2) = match previous {
                Some((l1, _)) if l1 != indicator.level1 => {
                    (indicator.level1.as_str(), indicator.level2.as_str())
                }
                Some((_, l2)) if l2 != indicator.level2 => ("", indicator.level2.as_str()),
                Some(_) => ("", ""),
                None => (indicator.level1.as_str(), indicator.level2.as_str()),
            };
            previous = Some((&indicator.level1, &indicator.level2));
            let name = wrapped(rng, &indicator.name);
            let deadline = deadline(indicator.deadline);
            let pad = self.pad;
            match &indicator.target {
                Target::Compare { op, value, measure } => {
                    let unit = measure.as_ref().map(|m| m.symbol()).unwrap_or_default();
                    let op = if self.math { op.math() } else { op.ascii() };
                    writeln!(
                        out,
                        "\t{level1}\t{level2}\t{name}\t{op}\t{value}\t{unit}\t{deadline}{pad}"
                    )?;
                }
                // A range keeps its unit in the value cell: `10-15家`.
                Target::Range { low, high, measure } => {
                    let unit = measure.as_ref().map(|m| m.symbol()).unwrap_or_default();
                    writeln!(
                        out,
                        "\t{level1}\t{level2}\t{name}\t\t{low}-{high}{unit}\t\t{deadline}{pad}"
                    )?;
                }
                Target::Qualitative(text) => {
                    // The seed has qualitative values in the 指标值 column and one to its right.
                    let shift = if rng.chance(5) { "\t" } else { "" };
                    writeln!(
                        out,
                        "\t{level1}\t{level2}\t{name}\t\t{shift}{text}\t\t{deadline}{pad}"
                    )?;
                }
                Target::NotApplicable => {
                    let mark = if rng.chance(50) { "/" } else { "不适用" };
                    writeln!(
                        out,
                        "\t{level1}\t{level2}\t{name}\t\t{mark}\t\t{deadline}{pad}"
                    )?;
                }
            }
            if rng.chance_per_mille(15) {
                writeln!(out)?;
            }
        }
        for category in empty {
            writeln!(
                out,
                "\t{}\t{}\t\t\t\t\t{}",
                category.level1,
                category.level2.as_deref().unwrap_or_default(),
                self.pad
            )?;
        }
        Ok(())
    }
}

fn deadline(deadline: Option<Deadline>) -> String {
    deadline.map(|d| d.to_string()).unwrap_or_default()
}

/// Sometimes a long name broken by a line wrap, as PDF text has them: a space between two
/// Chinese characters, which the importer joins again.
fn wrapped<'a>(rng: &mut Rng, name: &'a str) -> std::borrow::Cow<'a, str> {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 12 || !rng.chance(1) {
        return name.into();
    }
    let at = chars.len() / 2 + rng.index(chars.len() / 3);
    let ideograph = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    if at >= chars.len() || !ideograph(chars[at - 1]) || !ideograph(chars[at]) {
        return name.into();
    }
    let mut out: String = chars[..at].iter().collect();
    out.push(' ');
    out.extend(&chars[at..]);
    out.into()
}

/// An amount as the disclosure prints it: `3,494.91`.
pub(super) fn thousands(amount: Decimal) -> String {
    let text = amount.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(text.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}
