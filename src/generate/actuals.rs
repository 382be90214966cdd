//! A model and a seed → the actuals form filled in (实际完成值), as the template lays it out:
//! every row matched by id, about nine in ten filled.
//!
//! Values are chosen so that `crate::actuals::read` accepts every row: a number stays within 100
//! times its target, its unit is one of the target's dimension (a 万户 target answered in 户, 亿元
//! in 万元, 万元 in 元), count nouns never change, durations keep their unit, and a qualitative
//! actual is a tier word of every built-in profile.

use std::io::{self, Write};

use chrono::{Datelike, Duration};
use rust_decimal::{Decimal, RoundingStrategy};

use super::disclosure::thousands;
use super::rng::Rng;
use super::words;
use crate::model::id::budget_id;
use crate::model::{Deadline, Department, Dimension, Indicator, Measure, Operator, Target};
use crate::report::template::HEADER;

/// Keeps the actuals' streams apart from the model's, should a caller pass the model's seed.
const SALT: u64 = 0x6163_7475_616c_7321;
const UNIT_STREAM: u64 = 1 << 40;
const PROJECT_STREAM: u64 = 2 << 40;

pub(super) fn write(model: &Department, seed: u64, out: &mut impl Write) -> io::Result<()> {
    let year = model.year.unwrap_or(super::YEAR);
    // Excel saves CSV with a BOM; the seed's example has one.
    out.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    csv.write_record(HEADER)?;
    let mut row = Row::default();
    for (u, unit) in model.units.iter().enumerate() {
        let mut rng = Rng::new(seed ^ SALT, UNIT_STREAM + u as u64);
        for indicator in &unit.indicators {
            if indicator_row(&mut rng, &mut row, indicator, year) {
                row.write(&mut csv, indicator, &unit.code, "")?;
            }
        }
    }
    for (p, project) in model.projects.iter().enumerate() {
        let mut rng = Rng::new(seed ^ SALT, PROJECT_STREAM + p as u64);
        for indicator in &project.indicators {
            if indicator_row(&mut rng, &mut row, indicator, year) {
                row.write(&mut csv, indicator, &project.unit, &project.name)?;
            }
        }
        row.clear();
        if let Some(budget) = project.budget {
            budget_row(&mut rng, &mut row, budget);
        }
        let target = project
            .budget
            .map(|b| format!("{b} 万元"))
            .unwrap_or_default();
        csv.write_record([
            budget_id(&project.id).as_str(),
            "budget",
            &project.unit,
            &project.name,
            "",
            "",
            "预算执行率",
            &target,
            "",
            &row.actual,
            "",
            "",
            &row.note,
            &row.budget,
            "",
            &row.score,
        ])?;
    }
    csv.flush()
}

/// The cells a row fills in.
#[derive(Debug, Default)]
struct Row {
    actual: String,
    measure: String,
    completed: String,
    note: String,
    budget: String,
    score: String,
}

impl Row {
    fn clear(&mut self) {
        for cell in [
            &mut self.actual,
            &mut self.measure,
            &mut self.completed,
            &mut self.note,
            &mut self.budget,
            &mut self.score,
        ] {
            cell.clear();
        }
    }

    fn write(
        &self,
        csv: &mut csv::Writer<impl Write>,
        indicator: &Indicator,
        unit: &str,
        project: &str,
    ) -> io::Result<()> {
        let deadline = indicator
            .deadline
            .map(|d| d.to_string())
            .unwrap_or_default();
        csv.write_record([
            &indicator.id,
            "indicator",
            unit,
            project,
            &indicator.level1,
            &indicator.level2,
            &indicator.name,
            &indicator.target.to_spreadsheet_text(),
            &deadline,
            &self.actual,
            &self.measure,
            &self.completed,
            &self.note,
            "",
            "",
            "",
        ])?;
        Ok(())
    }
}

/// How an actual stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Met,
    /// Better than the target, within 20 %.
    Better,
    /// Far better than the target (S9: 超额).
    Over,
    /// Short of the target.
    Short,
    /// Far short of it.
    Far,
}

/// Fills `row` for `indicator`; false when the row is left out of the file (S10).
fn indicator_row(rng: &mut Rng, row: &mut Row, indicator: &Indicator, year: i32) -> bool {
    row.clear();
    if rng.chance(5) {
        return false;
    }
    if rng.chance(5) {
        // A row kept with its actual left empty, now and then with a word why.
        if rng.chance(20) {
            row.note.push_str("数据尚未统计完成");
        }
        return true;
    }
    let outcome = *rng.weighted(&[
        (45, Outcome::Met),
        (20, Outcome::Better),
        (10, Outcome::Over),
        (20, Outcome::Short),
        (5, Outcome::Far),
    ]);
    let outcome = match &indicator.target {
        Target::NotApplicable => {
            if rng.chance(50) {
                row.actual.push_str("不适用");
            }
            return true;
        }
        _ if rng.chance_per_mille(8) => {
            row.actual.push_str("不适用");
            row.note.push_str("本年度政策调整，该指标不再考核");
            return true;
        }
        Target::Qualitative(text) => {
            qualitative(rng, row, text, outcome);
            match outcome {
                Outcome::Better | Outcome::Over => Outcome::Met,
                other => other,
            }
        }
        Target::Compare { op, value, measure } => {
            let (a, outcome) = compare_actual(rng, *op, *value, measure.as_ref(), outcome);
            written(rng, row, a, measure.as_ref());
            outcome
        }
        Target::Range { low, high, measure } => {
            let a = range_actual(rng, *low, *high, measure.as_ref(), outcome);
            written(rng, row, a, measure.as_ref());
            outcome
        }
    };
    // S9: rows far off their target carry a note, mostly.
    let reasons = match outcome {
        Outcome::Over => words::OVER_REASONS,
        Outcome::Short | Outcome::Far => words::SHORT_REASONS,
        Outcome::Met | Outcome::Better => &[],
    };
    if !reasons.is_empty() && row.note.is_empty() && rng.chance(80) {
        row.note.push_str(rng.word(reasons));
    }
    if rng.chance(15)
        && let Some(deadline) = indicator.deadline
    {
        completed(rng, row, deadline, year);
    }
    true
}

fn qualitative(rng: &mut Rng, row: &mut Row, text: &str, outcome: Outcome) {
    match outcome {
        Outcome::Met | Outcome::Better | Outcome::Over => match rng.below(10) {
            0..6 => row.actual.push_str("达成"),
            6 => row.actual.push_str(text),
            7 | 8 => {
                row.actual.push_str("达成：");
                row.actual.push_str(rng.word(words::DESCRIPTIONS));
            }
            _ => row.actual.push_str("完成"),
        },
        Outcome::Short => match rng.below(4) {
            0 => row.actual.push_str("基本达成"),
            1 => row
                .actual
                .push_str(&format!("基本达成 {}%", rng.range(80, 99))),
            2 => row
                .actual
                .push_str(&format!("部分达成 {}%", rng.range(60, 79))),
            _ => row.actual.push_str("部分完成"),
        },
        Outcome::Far => row
            .actual
            .push_str(rng.word(&["未达成", "未完成", "部分达成"])),
    }
}

/// Which way a target improves, as the evaluator reads it (S4, S5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sense {
    Higher,
    Lower,
    Zero,
}

fn sense(op: Operator, value: Decimal, measure: Option<&Measure>) -> Sense {
    match op {
        Operator::Ge | Operator::Gt => Sense::Higher,
        Operator::Le | Operator::Lt => Sense::Lower,
        Operator::Eq if value.is_zero() => Sense::Zero,
        Operator::Eq if measure.is_some_and(|m| m.dimension() == Dimension::Duration) => {
            Sense::Lower
        }
        Operator::Eq => Sense::Higher,
    }
}

/// The factor (per mille of the target) an outcome puts an actual at.
fn factor(rng: &mut Rng, sense: Sense, outcome: Outcome) -> u64 {
    match (sense, outcome) {
        (_, Outcome::Met) => 1000,
        (Sense::Lower, Outcome::Better) => rng.range(800, 999),
        (Sense::Lower, Outcome::Over) => rng.range(300, 799),
        (Sense::Lower, Outcome::Short) => rng.range(1001, 1500),
        (Sense::Lower, Outcome::Far) => rng.range(1501, 2500),
        (_, Outcome::Better) => rng.range(1001, 1200),
        (_, Outcome::Over) => rng.range(1201, 3000),
        (_, Outcome::Short) => rng.range(600, 999),
        (_, Outcome::Far) => rng.range(300, 599),
    }
}

/// The decimals an actual in `measure` is written with.
fn places(value: Decimal, measure: Option<&Measure>) -> u32 {
    match measure.map(|m| (m.dimension(), m.scale())) {
        Some((Dimension::Count, scale)) if scale == Decimal::ONE => 0,
        Some((Dimension::Percent, _)) => 1,
        _ => value.scale().max(1) + 1,
    }
}

fn round(value: Decimal, places: u32) -> Decimal {
    value
        .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

fn compare_actual(
    rng: &mut Rng,
    op: Operator,
    value: Decimal,
    measure: Option<&Measure>,
    outcome: Outcome,
) -> (Decimal, Outcome) {
    let sense = sense(op, value, measure);
    if value.is_zero() {
        // `= 0 次`, `<= 0 %`: met at zero (or below it, for a change rate).
        let actual = match (sense, outcome) {
            (_, Outcome::Met) => Decimal::ZERO,
            (Sense::Lower, Outcome::Better | Outcome::Over) => {
                -Decimal::new(rng.range(1, 100) as i64, 1)
            }
            (Sense::Lower, _) => Decimal::new(rng.range(1, 50) as i64, 1),
            (_, Outcome::Better | Outcome::Over) => Decimal::ZERO,
            _ => Decimal::from(rng.range(1, 3)),
        };
        let outcome = match outcome {
            Outcome::Over if sense != Sense::Lower => Outcome::Met,
            other => other,
        };
        return (actual, outcome);
    }
    // A share reached in full cannot pass 100 %.
    let percent = measure.is_some_and(|m| m.dimension() == Dimension::Percent);
    let capped = percent && sense == Sense::Higher && value <= Decimal::ONE_HUNDRED;
    let outcome = match outcome {
        Outcome::Better | Outcome::Over if capped && value == Decimal::ONE_HUNDRED => Outcome::Met,
        Outcome::Over if capped => Outcome::Better,
        other => other,
    };
    let factor = factor(rng, sense, outcome);
    let mut actual = round(
        value * Decimal::from(factor) / Decimal::ONE_THOUSAND,
        places(value, measure),
    );
    if capped {
        actual = actual.min(Decimal::ONE_HUNDRED);
    }
    (actual, outcome)
}

fn range_actual(
    rng: &mut Rng,
    low: Decimal,
    high: Decimal,
    measure: Option<&Measure>,
    outcome: Outcome,
) -> Decimal {
    let places = places(low, measure);
    let actual = match outcome {
        Outcome::Met | Outcome::Better => {
            low + (high - low) * Decimal::from(rng.range(0, 1000)) / Decimal::ONE_THOUSAND
        }
        Outcome::Over => high * Decimal::from(rng.range(1010, 1500)) / Decimal::ONE_THOUSAND,
        Outcome::Short | Outcome::Far => {
            low * Decimal::from(rng.range(500, 990)) / Decimal::ONE_THOUSAND
        }
    };
    round(actual, places)
}

/// The unit an actual in `measure` may be written in: the target's, or another scale of its
/// dimension (a 万户 target answered in 户).
fn written_unit(rng: &mut Rng, measure: &Measure) -> Measure {
    let other = match measure.symbol() {
        "万户" => Some("户"),
        "万人次" => Some("人次"),
        "万个" => Some("个"),
        "万人" => Some("人"),
        "亿元" => Some("万元"),
        "万元" if rng.chance(50) => Some("元"),
        "元" => Some("万元"),
        "百分比" => Some("%"),
        "平米" => Some("平方米"),
        "平方米" => Some("平米"),
        "万平方米" => Some("平方米"),
        "万吨" => Some("吨"),
        "万千瓦时" => Some("千瓦时"),
        "千瓦时" => Some("万千瓦时"),
        _ => None,
    };
    let chance = match measure.symbol() {
        "百分比" => 70,
        "元" | "千瓦时" => 15,
        "平米" | "平方米" => 30,
        _ => 45,
    };
    match other {
        Some(symbol) if rng.chance(chance) => Measure::parse(symbol),
        _ => measure.clone(),
    }
}

/// Writes `actual` (in the target's unit) as a user would: in a unit of the same dimension,
/// the unit in the cell, in the `measure` column, or left to the target.
fn written(rng: &mut Rng, row: &mut Row, actual: Decimal, measure: Option<&Measure>) {
    let Some(measure) = measure else {
        row.actual.push_str(&actual.to_string());
        return;
    };
    let unit = written_unit(rng, measure);
    let value = (actual * measure.scale() / unit.scale()).normalize();
    let same = unit.symbol() == measure.symbol();
    let number = if value.abs() >= Decimal::from(10_000) && rng.chance(30) {
        thousands(value)
    } else {
        value.to_string()
    };
    match rng.below(100) {
        // S8: a bare number takes the target's unit.
        0..15 if same => row.actual.push_str(&number),
        15..30 => {
            row.actual.push_str(&number);
            row.measure.push_str(unit.symbol());
        }
        _ => {
            row.actual.push_str(&number);
            row.actual.push_str(unit.symbol());
        }
    }
}

/// 完成时间: mostly before the deadline, sometimes after it (S11: 逾期).
fn completed(rng: &mut Rng, row: &mut Row, deadline: Deadline, year: i32) {
    let last = deadline.last_day(year);
    let date = if rng.chance(10) {
        last + Duration::days(rng.range(1, 40) as i64)
    } else {
        last - Duration::days(rng.range(0, 60) as i64)
    };
    if rng.chance(70) {
        row.completed.push_str(&date.format("%Y-%m-%d").to_string());
    } else {
        row.completed.push_str(&format!(
            "{}年{}月{}日",
            date.year(),
            date.month(),
            date.day()
        ));
    }
}

/// Budget execution (S12): money spent in 万元 or 元, or a rate in %.
fn budget_row(rng: &mut Rng, row: &mut Row, budget: Decimal) {
    if rng.chance(4) {
        return;
    }
    let mut base = budget;
    if rng.chance(10) {
        // 调整后预算数.
        base = round(
            budget * Decimal::from(rng.range(900, 1100)) / Decimal::ONE_THOUSAND,
            2,
        );
        row.budget.push_str(&base.to_string());
    }
    let rate = *rng.weighted(&[
        (60, (950, 999)),
        (20, (1000, 1000)),
        (15, (800, 949)),
        (5, (500, 799)),
    ]);
    let rate = rng.range(rate.0, rate.1);
    let spent = round(base * Decimal::from(rate) / Decimal::ONE_THOUSAND, 2);
    match rng.below(100) {
        0..45 => {
            row.actual.push_str(&spent.to_string());
            row.actual.push_str("万元");
        }
        45..65 => {
            row.actual
                .push_str(&thousands(round(spent * Decimal::from(10_000), 0)));
            row.actual.push('元');
        }
        _ => {
            row.actual
                .push_str(&round(Decimal::from(rate) / Decimal::TEN, 1).to_string());
            row.actual.push('%');
        }
    }
    if rate < 900 && rng.chance(85) {
        row.note.push_str(rng.word(words::SHORT_REASONS));
    }
    if rng.chance(3) {
        // S16: a score the unit claims.
        row.score
            .push_str(&Decimal::new(rng.range(800, 1000) as i64, 2).to_string());
    }
}
