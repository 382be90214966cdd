//! Cells → values: actuals against their targets (scoring.md S7, S8, S12), dates, points, and
//! the reference columns `target` and `deadline` checked against the model.

use std::borrow::Cow;

use hashbrown::HashMap;

use chrono::NaiveDate;
use nom::Parser;
use nom::character::complete::space0;
use nom::sequence::preceded;
use rust_decimal::Decimal;

use crate::model::{Deadline, Dimension, Indicator, Measure, Target};
use crate::profile::Profile;
use crate::syntax::target::{
    TargetCell, decimal, number_text, parse_cell, parse_deadline, parse_split, plain_decimal,
};
use crate::text::{fold, match_key, trim};

use super::super::Actual;
use crate::syntax::columns::Field;

/// A cell that cannot be read: the column to point at, what was expected and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CellError {
    pub(crate) field: Field,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
}

impl CellError {
    pub(crate) fn new(field: Field, message: impl Into<String>) -> CellError {
        CellError {
            field,
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> CellError {
        self.help = Some(help.into());
        self
    }
}

type CellResult<T> = Result<T, CellError>;

/// `不适用` or `/` (and the spellings the target grammar accepts for them, but for dashes, which
/// may mean zero in a spreadsheet: they are an error rather than a silent 不适用).
pub(crate) fn is_not_applicable(cell: &str) -> bool {
    let cell = trim(cell);
    // Folding leaves ASCII alone: most cells, numbers above all, are answered without it.
    if cell.is_ascii() {
        return ["/", "\\", "n/a", "na"]
            .iter()
            .any(|form| cell.eq_ignore_ascii_case(form));
    }
    // Folding and lower-casing never make fewer characters of these forms (none of theirs is
    // composed): a cell of four or more is none of them.
    if cell.chars().nth(3).is_some() {
        return false;
    }
    let folded = fold(cell);
    matches!(
        folded.to_lowercase().as_str(),
        "/" | "\\" | "不适用" | "n/a" | "na"
    )
}

/// A number as written (thousands separators, sign, exponent; full-width folded) and the text
/// after it, trimmed.
#[derive(Debug, Clone, PartialEq)]
struct Number<'a> {
    value: Decimal,
    /// What follows the number, trimmed: borrowed from the cell unless folding changed it.
    rest: Cow<'a, str>,
}

enum NumberError {
    /// Not a number at all.
    NotANumber,
    /// A number beyond [`Decimal`]: what would have been in range.
    OutOfRange(String),
}

fn number(cell: &str) -> Result<Number<'_>, NumberError> {
    let folded = fold(trim(cell));
    let trimmed = trim(&folded);
    let Ok((rest, text)) = preceded(space0, number_text).parse(trimmed) else {
        return Err(NumberError::NotANumber);
    };
    let value = match plain_decimal(text) {
        Some(value) => value,
        None => decimal(text).map_err(NumberError::OutOfRange)?,
    };
    let rest = trim(rest);
    let start = rest.as_ptr() as usize - folded.as_ptr() as usize;
    let span = start..start + rest.len();
    Ok(Number {
        value,
        rest: match &folded {
            Cow::Borrowed(folded) => Cow::Borrowed(&folded[span]),
            Cow::Owned(folded) => Cow::Owned(folded[span].to_owned()),
        },
    })
}

fn number_error(field: Field, what: &str, cell: &str, error: NumberError) -> CellError {
    match error {
        NumberError::NotANumber => {
            CellError::new(field, format!("expected {what}, found `{}`", trim(cell)))
        }
        NumberError::OutOfRange(expected) => CellError::new(
            field,
            format!("expected {expected}, found `{}`", trim(cell)),
        ),
    }
}

/// A unit written after a number or in the `measure` column: known, or kept as written when it
/// is the target's own unknown unit.
fn unit_of(text: &str, target: Option<&Measure>) -> Option<Measure> {
    let text = trim(text);
    if text.is_empty() {
        return None;
    }
    Measure::known(text).or_else(|| {
        target
            .filter(|m| !m.is_known() && m.symbol() == text)
            .cloned()
    })
}

/// Two spellings of one unit (`%` and `百分比`), as the target grammar merges them.
fn same_unit(a: &Measure, b: &Measure) -> bool {
    a == b
        || a.conversion_to(b)
            .is_ok_and(|c| c.factor == Decimal::ONE && !c.different_nouns)
}

/// The number of an actual, the unit it was written with (in the cell or the `measure`
/// column; `None` for a bare number), and the cell as written, with the `measure` column's unit
/// after a bare number.
fn number_with_unit(
    cell: &str,
    measure_cell: &str,
    target: Option<&Measure>,
    // Written only for an error: a row of a million must not format it.
    expected: &dyn Fn() -> String,
) -> CellResult<(Decimal, Option<Measure>, String)> {
    let n = number(cell).map_err(|e| number_error(Field::Actual, &expected(), cell, e))?;
    let mut written = trim(cell).to_owned();
    if n.rest.is_empty() && !trim(measure_cell).is_empty() {
        written.push(' ');
        written.push_str(trim(measure_cell));
    }
    let inline = if n.rest.is_empty() {
        None
    } else {
        Some(unit_of(&n.rest, target).ok_or_else(|| {
            CellError::new(
                Field::Actual,
                format!(
                    "expected {}, found `{}` (`{}` is not a unit of measure)",
                    expected(),
                    trim(cell),
                    n.rest
                ),
            )
        })?)
    };
    let folded_measure = fold(trim(measure_cell));
    let column = if trim(&folded_measure).is_empty() {
        None
    } else {
        Some(unit_of(&folded_measure, target).ok_or_else(|| {
            CellError::new(
                Field::Measure,
                format!("expected a unit of measure, found `{}`", trim(measure_cell)),
            )
        })?)
    };
    let unit = match (inline, column) {
        (Some(a), Some(b)) if !same_unit(&a, &b) => {
            return Err(CellError::new(
                Field::Measure,
                format!(
                    "expected the unit of the actual `{}` ({a}), found `{b}` in the measure column",
                    trim(cell)
                ),
            )
            .help("write the unit in one place, or make the two agree"));
        }
        (a, b) => a.or(b),
    };
    Ok((n.value, unit, written))
}

/// An actual that was converted from one count noun to another (户 against 家, S8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NounsCompared {
    pub(crate) from: String,
    pub(crate) to: String,
}

/// The actual of a quantitative target (S8): a number converted exactly into the target's unit.
pub(crate) fn quantity(
    cell: &str,
    measure_cell: &str,
    target: &Target,
    id: &str,
) -> CellResult<(Actual, Option<NounsCompared>)> {
    let (low, high, target_measure) = match target {
        Target::Compare { value, measure, .. } => (*value, *value, measure.as_ref()),
        Target::Range { low, high, measure } => (*low, *high, measure.as_ref()),
        Target::Qualitative(_) | Target::NotApplicable => {
            return Err(CellError::new(
                Field::Actual,
                format!("expected no number for {id}, whose target is `{target}`"),
            ));
        }
    };
    let expected = || {
        format!(
            "a number for {id} (target `{}`)",
            target.to_spreadsheet_text()
        )
    };
    let (value, unit, written) = number_with_unit(cell, measure_cell, target_measure, &expected)?;
    let (value, nouns) = match (unit, target_measure) {
        (Some(unit), Some(to)) => {
            let conversion = unit.conversion_to(to).map_err(|mismatch| {
                CellError::new(
                    Field::Actual,
                    format!(
                        "expected a value in {to} ({}) for {id}, found `{}`: {mismatch}",
                        to.dimension().label(),
                        written
                    ),
                )
            })?;
            let value = value.checked_mul(conversion.factor).ok_or_else(|| {
                CellError::new(
                    Field::Actual,
                    format!("expected a value that fits in {to}, found `{written}`"),
                )
            })?;
            let nouns = conversion.different_nouns.then(|| NounsCompared {
                from: unit.symbol().to_owned(),
                to: to.symbol().to_owned(),
            });
            (value, nouns)
        }
        // S8: a target without a unit takes the value as written.
        (Some(_), None) | (None, None) => (value, None),
        (None, Some(to)) => {
            // S8: a bare number takes the target's unit; far from the target it is a unit slip.
            if let Some(how) = unit_slip(value, low, high) {
                return Err(CellError::new(
                    Field::Actual,
                    format!(
                        "expected a number with an explicit unit for {id}, found `{written}`: read in the target's unit ({to}) it is {how} the target `{}`",
                        target.to_spreadsheet_text()
                    ),
                )
                .help(if to.base() == to.symbol() {
                    format!("write the unit, as in `{written}{to}`")
                } else {
                    format!(
                        "write the unit, as in `{written}{}` or `{written}{to}`",
                        to.base()
                    )
                }));
            }
            (value, None)
        }
    };
    Ok((
        Actual::Quantity {
            value,
            written: written.into(),
            different_nouns: nouns.is_some(),
        },
        nouns,
    ))
}

/// S8: a bare actual over 100 times or under 1/100 of a non-zero target is a unit slip.
fn unit_slip(value: Decimal, low: Decimal, high: Decimal) -> Option<&'static str> {
    let value = value.abs();
    if value.is_zero() {
        return None;
    }
    let hundred = Decimal::ONE_HUNDRED;
    let bounds = [low.abs(), high.abs()];
    let largest = bounds.iter().copied().max()?;
    if !largest.is_zero()
        && largest
            .checked_mul(hundred)
            .is_some_and(|limit| value > limit)
    {
        return Some("over 100 times");
    }
    let smallest = bounds.iter().copied().filter(|b| !b.is_zero()).min()?;
    if value.checked_mul(hundred).is_some_and(|v| v < smallest) {
        return Some("under 1/100 of");
    }
    None
}

/// The actual of a qualitative target (S7): a tier word, an optional share, an optional
/// description.
pub(crate) fn tier(cell: &str, target_text: &str, profile: &Profile) -> CellResult<Actual> {
    let written = trim(cell);
    let words = || {
        let mut words: Vec<String> = profile
            .tier_words()
            .iter()
            .map(|w| (*w).to_owned())
            .collect();
        if profile.tiers.iter().any(|t| t.target_text) {
            words.push(format!("the target text `{target_text}`"));
        }
        words.join(", ")
    };
    let not_a_tier = || {
        CellError::new(
            Field::Actual,
            format!("expected a tier word ({}), found `{written}`", words()),
        )
        .help("a tier word may be followed by a share (`部分达成 75%`) or a description after `：` (`达成：已完成资产评估`)")
    };
    let Some((tier, rest)) = profile.tier_of(written, target_text) else {
        return Err(not_a_tier());
    };
    let index = profile
        .tiers
        .iter()
        .position(|t| std::ptr::eq(t, tier))
        .ok_or_else(not_a_tier)?;
    let rest = fold(rest);
    // The tier word must end where a word ends: `完成率低` is not `完成` + a description.
    if rest
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() && !c.is_ascii_digit())
    {
        return Err(not_a_tier());
    }
    let rest = rest.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | ',' | '、' | ';' | '(' | '-' | '—')
    });
    let share = match number(rest) {
        Ok(n) if n.rest.starts_with('%') => {
            if !tier.admits(n.value) {
                return Err(CellError::new(
                    Field::Actual,
                    format!(
                        "expected a share within {} for {}, found `{}%`",
                        tier.range_text(),
                        tier.name,
                        n.value
                    ),
                )
                .help(format!(
                    "scoring.md S7: {} scores between {}",
                    tier.name,
                    tier.range_text()
                )));
            }
            Some(n.value)
        }
        Err(NumberError::OutOfRange(expected)) => {
            return Err(CellError::new(
                Field::Actual,
                format!("expected {expected}, found `{written}`"),
            ));
        }
        _ => None,
    };
    Ok(Actual::Tier {
        tier: index,
        share,
        written: written.into(),
    })
}

/// Budget execution (S12): money spent (in 万元, exactly) or a rate in percent, always with
/// its unit.
pub(crate) fn budget_execution(cell: &str, measure_cell: &str) -> CellResult<Actual> {
    let expected = "the amount spent with its unit (万元, 元, 亿元) or a rate in %";
    let (value, unit, written) =
        number_with_unit(cell, measure_cell, None, &|| expected.to_owned())?;
    let Some(unit) = unit else {
        return Err(CellError::new(
            Field::Actual,
            format!("expected {expected}, found `{written}` without a unit"),
        )
        .help(format!(
            "scoring.md S12: budget execution always carries its unit: `{written}万元` or `{written}%`"
        )));
    };
    match unit.dimension() {
        Dimension::Money => {
            let wan =
                Measure::known("万元").ok_or_else(|| CellError::new(Field::Actual, "万元"))?;
            let spent = unit.convert(value, &wan).map_err(|e| {
                CellError::new(
                    Field::Actual,
                    format!("expected {expected}, found `{written}`: {e}"),
                )
            })?;
            Ok(Actual::Spent {
                wan: spent,
                written: written.into(),
            })
        }
        Dimension::Percent => {
            let percent = unit.convert(value, &Measure::percent()).map_err(|e| {
                CellError::new(
                    Field::Actual,
                    format!("expected {expected}, found `{written}`: {e}"),
                )
            })?;
            Ok(Actual::Rate {
                percent,
                written: written.into(),
            })
        }
        _ => Err(CellError::new(
            Field::Actual,
            format!("expected {expected}, found `{written}` in {unit}"),
        )),
    }
}

/// An amount in 万元: a bare number, or a number with a unit of money (the `budget` column).
pub(crate) fn wan(field: Field, cell: &str) -> CellResult<Decimal> {
    let expected = "an amount in 万元";
    let n = number(cell).map_err(|e| number_error(field, expected, cell, e))?;
    let value = if n.rest.is_empty() {
        n.value
    } else {
        let wan = Measure::known("万元").ok_or_else(|| CellError::new(field, "万元"))?;
        Measure::known(&n.rest)
            .filter(|m| m.dimension() == Dimension::Money)
            .and_then(|m| m.convert(n.value, &wan).ok())
            .ok_or_else(|| {
                CellError::new(
                    field,
                    format!("expected {expected}, found `{}`", trim(cell)),
                )
            })?
    };
    if value.is_sign_negative() && !value.is_zero() {
        return Err(CellError::new(
            field,
            format!("expected {expected} of 0 or more, found `{}`", trim(cell)),
        ));
    }
    Ok(value)
}

/// Points (`weight`, `score`, `deduction`): a number, optionally followed by `分`.
pub(crate) fn points(field: Field, cell: &str, non_negative: bool) -> CellResult<Decimal> {
    let expected = "a number of points";
    let n = number(cell).map_err(|e| number_error(field, expected, cell, e))?;
    if !(n.rest.is_empty() || n.rest == "分") {
        return Err(CellError::new(
            field,
            format!("expected {expected}, found `{}`", trim(cell)),
        ));
    }
    if non_negative && n.value.is_sign_negative() && !n.value.is_zero() {
        return Err(CellError::new(
            field,
            format!("expected {expected} of 0 or more, found `{}`", trim(cell)),
        ));
    }
    Ok(n.value)
}

/// 完成时间: a date (`2024-11-30`, `2024年11月30日`); a month means its last day, a year-end its
/// 31 December (the grammar of 完成时限, S11).
pub(crate) fn completed(cell: &str, year: Option<i32>) -> CellResult<NaiveDate> {
    let error = || {
        CellError::new(
            Field::Completed,
            format!(
                "expected a date like 2024-11-30 or 2024年11月30日, found `{}`",
                trim(cell)
            ),
        )
    };
    // A spreadsheet's date-time (`2024-11-04 12:00:00`): the day is what counts.
    let day = match trim(cell).split_once(' ') {
        Some((date, time)) if time.chars().all(|c| c.is_ascii_digit() || c == ':') => date,
        _ => cell,
    };
    let deadline = parse_deadline(day).ok_or_else(error)?;
    match (deadline, year) {
        (Deadline::YearEnd(None), None) => Err(error()),
        (deadline, year) => Ok(deadline.last_day(year.or(deadline.year()).unwrap_or_default())),
    }
}

/// A `target` cell read as a target; `None` for what is none.
fn read_target_cell(cell: &str) -> Option<Target> {
    target_of(parse_cell(cell))
}

/// The target a reading found, if any.
fn target_of(
    read: Result<crate::syntax::target::ParsedTarget, crate::syntax::target::TargetError>,
) -> Option<Target> {
    match read.ok()?.cell {
        TargetCell::Target(target) => Some(target),
        TargetCell::Leftover => None,
    }
}

/// The texts of the `target` and `deadline` columns, which must state the indicator's (they are
/// never used), each read once: a province's million rows write a few thousand distinct texts.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReferenceCells {
    targets: HashMap<String, Option<Target>>,
    deadlines: HashMap<String, Option<Deadline>>,
    /// The indicator's target as `kpi` writes it in a spreadsheet, made for a row whose cell
    /// the piece-by-piece check ([`writes_quantity`]) does not take.
    written: String,
}

/// `cell` read by `read`, or as read before.
fn read_once<T: Clone>(
    texts: &mut HashMap<String, T>,
    cell: &str,
    read: impl FnOnce(&str) -> T,
) -> T {
    // At most this many texts are kept, whatever a file holds.
    const HELD: usize = 1 << 14;
    if let Some(value) = texts.get(cell) {
        return value.clone();
    }
    let value = read(cell);
    if texts.len() < HELD {
        texts.insert(cell.to_owned(), value.clone());
    }
    value
}

impl ReferenceCells {
    /// Whether `cell` states the indicator's target.
    pub(crate) fn check_target(&mut self, cell: &str, indicator: &Indicator) -> CellResult<()> {
        // A filled-in template (`kpi template`) states a quantity as `kpi` writes it, which
        // reads back as that target: the text alone says so, without reading it (a province's
        // rows wrote more distinct texts than are kept read).
        if indicator.target.is_quantitative() {
            // Nearly every row: told piece by piece, without writing the target's text.
            if writes_quantity(cell, &indicator.target) {
                return Ok(());
            }
            self.written.clear();
            if indicator
                .target
                .write_spreadsheet_text(&mut self.written)
                .is_ok()
                && self.written == cell
            {
                return Ok(());
            }
        }
        self.check_target_by_reading(cell, indicator)
    }

    /// [`ReferenceCells::check_target`], reading `cell` whatever it is.
    fn check_target_by_reading(&mut self, cell: &str, indicator: &Indicator) -> CellResult<()> {
        let read = || read_once(&mut self.targets, cell, read_target_cell);
        check_parsed_target(cell, read, trim(cell), indicator)
    }

    /// Whether `cell` states the indicator's deadline, in the evaluated `year`.
    pub(crate) fn check_deadline(
        &mut self,
        cell: &str,
        indicator: &Indicator,
        year: Option<i32>,
    ) -> CellResult<()> {
        let found = read_once(&mut self.deadlines, cell, parse_deadline);
        check_parsed_deadline(cell, found, indicator, year)
    }
}

/// Whether `cell` is the quantity `target` as `kpi` writes it in a spreadsheet
/// ([`Target::write_spreadsheet_text`]), told piece by piece: writing the text for every row cost
/// more than the rest of the check. `false` for any other text, and for a value that
/// [`plain_decimal`] does not read (a sign, more than 18 digits): those texts are written.
fn writes_quantity(cell: &str, target: &Target) -> bool {
    let (rest, measure) = match target {
        Target::Compare { op, value, measure } => (
            cell.strip_prefix(op.math())
                .and_then(|rest| rest.strip_prefix(' '))
                .and_then(|rest| writes_value(rest, *value)),
            measure,
        ),
        Target::Range { low, high, measure } => (
            writes_value(cell, *low)
                .and_then(|rest| rest.strip_prefix('~'))
                .and_then(|rest| writes_value(rest, *high)),
            measure,
        ),
        Target::Qualitative(_) | Target::NotApplicable => return false,
    };
    match (rest, measure) {
        (Some(rest), None) => rest.is_empty(),
        (Some(rest), Some(measure)) => rest.strip_prefix(' ') == Some(measure.symbol()),
        (None, _) => false,
    }
}

/// The text after `value` when `text` starts with it as [`DecimalText`] writes it: the digits of
/// its mantissa, its scale's places after a `.`, no leading zero but the `0` of `0.5`.
///
/// [`DecimalText`]: crate::model::decimal::DecimalText
fn writes_value(text: &str, value: Decimal) -> Option<&str> {
    let end = text
        .bytes()
        .position(|b| !matches!(b, b'0'..=b'9' | b'.'))
        .unwrap_or(text.len());
    let (number, rest) = text.split_at(end);
    if number.len() > 1 && number.starts_with('0') && !number[1..].starts_with('.') {
        return None;
    }
    let read = plain_decimal(number)?;
    (!value.is_sign_negative()
        && read.mantissa() == value.mantissa()
        && read.scale() == value.scale())
    .then_some(rest)
}

/// The same check for a target split into 运算符号 | 指标值 | 度量单位.
pub(crate) fn check_split_target(
    op: &str,
    value: &str,
    unit: &str,
    indicator: &Indicator,
) -> CellResult<()> {
    let shown = [trim(op), trim(value), trim(unit)]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let read = || target_of(parse_split(op, value, unit));
    check_parsed_target(value, read, &shown, indicator)
}

/// Whether `value` states the indicator's target; `parsed` reads it as a quantity, only when
/// the target is one.
fn check_parsed_target(
    value: &str,
    parsed: impl FnOnce() -> Option<Target>,
    shown: &str,
    indicator: &Indicator,
) -> CellResult<()> {
    let expected = &indicator.target;
    let same = match expected {
        Target::Qualitative(text) => value == text || match_key(value) == match_key(text),
        Target::NotApplicable => is_not_applicable(value),
        Target::Compare { .. } | Target::Range { .. } => {
            parsed().is_some_and(|found| same_quantity(&found, expected))
        }
    };
    if same {
        return Ok(());
    }
    Err(CellError::new(
        Field::Target,
        format!(
            "expected the target of {} (`{}`), found `{shown}`",
            indicator.id,
            expected.to_spreadsheet_text(),
        ),
    )
    .help(
        "the target column is for reference: restore it, or change the targets and make a new form with `kpi template`",
    ))
}

/// Whether two quantitative targets state the same thing: same operator, equal values (Decimal
/// equality is numeric), in units that convert with a factor (of counts of one noun).
fn same_quantity(found: &Target, expected: &Target) -> bool {
    let in_expected = |value: Decimal, from: Option<&Measure>| -> Option<Decimal> {
        match (from, expected.measure()) {
            (None, None) => Some(value),
            (Some(a), Some(b)) => {
                let c = a.conversion_to(b).ok()?;
                if c.different_nouns {
                    return None;
                }
                value.checked_mul(c.factor)
            }
            _ => None,
        }
    };
    match (found, expected) {
        (
            Target::Compare { op, value, measure },
            Target::Compare {
                op: want_op,
                value: want,
                ..
            },
        ) => op == want_op && in_expected(*value, measure.as_ref()) == Some(*want),
        (
            Target::Range { low, high, measure },
            Target::Range {
                low: want_low,
                high: want_high,
                ..
            },
        ) => {
            in_expected(*low, measure.as_ref()) == Some(*want_low)
                && in_expected(*high, measure.as_ref()) == Some(*want_high)
        }
        _ => false,
    }
}

/// The `deadline` column must state the indicator's 完成时限. A day inside a month deadline is
/// accepted: spreadsheets turn `2024-12` into `2024/12/1`.
fn check_parsed_deadline(
    cell: &str,
    found: Option<Deadline>,
    indicator: &Indicator,
    year: Option<i32>,
) -> CellResult<()> {
    let same = match (found, indicator.deadline) {
        (Some(found), Some(expected)) => {
            let y = year.or(expected.year()).unwrap_or_default();
            found == expected
                || found.last_day(y) == expected.last_day(y)
                || matches!((found, expected), (Deadline::Day(day), Deadline::Month { year, month })
                    if chrono::Datelike::year(&day) == year && chrono::Datelike::month(&day) == month)
        }
        _ => false,
    };
    if same {
        return Ok(());
    }
    let expected = indicator
        .deadline
        .map_or_else(|| "none".to_owned(), |d| format!("`{d}`"));
    Err(CellError::new(
        Field::Deadline,
        format!(
            "expected the deadline of {} ({expected}), found `{}`",
            indicator.id,
            trim(cell)
        ),
    )
    .help(
        "the deadline column is for reference: restore it, or change the targets and make a new form with `kpi template`",
    ))
}

/// The `target` column of a budget row: the project's 表17 budget in 万元.
pub(crate) fn check_budget_target(cell: &str, budget: Option<Decimal>, id: &str) -> CellResult<()> {
    let found = wan(Field::Target, cell).ok();
    if found.is_some() && found == budget {
        return Ok(());
    }
    let expected = budget.map_or_else(|| "none".to_owned(), |b| format!("`{b} 万元`"));
    Err(CellError::new(
        Field::Target,
        format!(
            "expected the budget of {id} ({expected}), found `{}`",
            trim(cell)
        ),
    )
    .help(
        "the target column is for reference: restore it, or change the targets and make a new form with `kpi template`",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Operator;
    use rust_decimal_macros::dec;

    proptest::proptest! {
        /// The check without its shortcut for long cells, as it was.
        #[test]
        fn not_applicable_is_the_folded_lower_case_forms(
            cell in "[ /\\\\naNA不适用Ｎｎ／＼ａＡ\u{0303}\u{0301}\u{3000}\u{f967}\u{2f00}ＮＡ㎏]{0,6}"
        ) {
            let trimmed = cell.trim();
            let by_folding = matches!(
                fold(trimmed).to_lowercase().as_str(),
                "/" | "\\" | "不适用" | "n/a" | "na"
            );
            proptest::prop_assert_eq!(is_not_applicable(&cell), by_folding, "{:?}", cell);
        }
    }

    /// The check, made twice: the second answer comes from the text kept.
    fn check_target(cell: &str, indicator: &Indicator) -> CellResult<()> {
        let mut cells = ReferenceCells::default();
        let first = cells.check_target(cell, indicator);
        let again = cells.check_target(cell, indicator);
        assert_eq!(
            first.as_ref().map_err(|e| &e.message),
            again.as_ref().map_err(|e| &e.message)
        );
        first
    }

    /// The same for a deadline.
    fn check_deadline(cell: &str, indicator: &Indicator, year: Option<i32>) -> CellResult<()> {
        let mut cells = ReferenceCells::default();
        let first = cells.check_deadline(cell, indicator, year);
        let again = cells.check_deadline(cell, indicator, year);
        assert_eq!(
            first.as_ref().map_err(|e| &e.message),
            again.as_ref().map_err(|e| &e.message)
        );
        first
    }

    fn compare(op: Operator, value: Decimal, unit: &str) -> Target {
        Target::Compare {
            op,
            value,
            measure: Some(Measure::parse(unit)),
        }
    }

    fn value_of(actual: &Actual) -> Decimal {
        match actual {
            Actual::Quantity { value, .. } => *value,
            other => panic!("not a quantity: {other:?}"),
        }
    }

    fn q(
        cell: &str,
        measure: &str,
        target: &Target,
    ) -> CellResult<(Actual, Option<NounsCompared>)> {
        quantity(cell, measure, target, "x-1")
    }

    #[test]
    fn s8_numbers_convert_exactly_into_the_targets_unit() {
        let households = compare(Operator::Ge, dec!(0.1), "万户");
        let (a, nouns) = q("0.12万户", "", &households).unwrap();
        assert_eq!(value_of(&a), dec!(0.12));
        assert_eq!(a.written(), "0.12万户");
        assert!(nouns.is_none());
        let (a, _) = q("1,250户", "", &households).unwrap();
        assert_eq!(value_of(&a), dec!(0.125));
        let (a, _) = q("１，２５０户", "", &households).unwrap();
        assert_eq!(value_of(&a), dec!(0.125));
        let (a, _) = q("1250", "户", &households).unwrap();
        assert_eq!(value_of(&a), dec!(0.125));
        assert_eq!(a.written(), "1250 户");
        let money = compare(Operator::Ge, dec!(90000), "万元");
        let (a, _) = q("9.3亿元", "", &money).unwrap();
        assert_eq!(value_of(&a), dec!(93000));
        let share = compare(Operator::Ge, dec!(95), "%");
        assert_eq!(value_of(&q("98.5%", "", &share).unwrap().0), dec!(98.5));
        assert_eq!(value_of(&q("98.5％", "", &share).unwrap().0), dec!(98.5));
        assert_eq!(value_of(&q("98.5", "", &share).unwrap().0), dec!(98.5));
        assert_eq!(value_of(&q("-3.5%", "", &share).unwrap().0), dec!(-3.5));
        assert_eq!(value_of(&q("1e2%", "", &share).unwrap().0), dec!(100));
    }

    #[test]
    fn s8_a_target_without_a_unit_takes_the_value_as_written() {
        let bare = Target::Compare {
            op: Operator::Ge,
            value: dec!(5),
            measure: None,
        };
        assert_eq!(value_of(&q("7个", "", &bare).unwrap().0), dec!(7));
        assert_eq!(value_of(&q("7000", "", &bare).unwrap().0), dec!(7000));
    }

    #[test]
    fn s8_ranges_convert_and_check_slips_against_their_bounds() {
        let range = Target::Range {
            low: dec!(10),
            high: dec!(15),
            measure: Some(Measure::parse("个")),
        };
        assert_eq!(value_of(&q("12", "", &range).unwrap().0), dec!(12));
        assert!(q("1600", "", &range).is_err());
        assert!(q("0.05", "", &range).is_err());
    }

    #[test]
    fn s8_unit_slips_ask_for_an_explicit_unit() {
        let households = compare(Operator::Ge, dec!(0.1), "万户");
        let err = q("1250", "", &households).unwrap_err();
        assert_eq!(err.field, Field::Actual);
        assert_eq!(
            err.message,
            "expected a number with an explicit unit for x-1, found `1250`: read in the target's unit (万户) it is over 100 times the target `≥ 0.1 万户`"
        );
        assert_eq!(
            err.help.as_deref(),
            Some("write the unit, as in `1250户` or `1250万户`")
        );
        let share = compare(Operator::Ge, dec!(95), "%");
        let err = q("0.9", "", &share).unwrap_err();
        assert!(
            err.message.contains("under 1/100 of the target"),
            "{}",
            err.message
        );
        // Zero is zero in every unit; a zero target has no scale.
        assert!(q("0", "", &households).is_ok());
        let zero = compare(Operator::Eq, dec!(0), "次");
        assert!(q("100000", "", &zero).is_ok());
    }

    #[test]
    fn s8_dimensions_and_durations_do_not_mix() {
        let money = compare(Operator::Le, dec!(90), "万元");
        let err = q("98%", "", &money).unwrap_err();
        assert_eq!(
            err.message,
            "expected a value in 万元 (money) for x-1, found `98%`: % (percent) and 万元 (money) measure different things"
        );
        let days = compare(Operator::Le, dec!(30), "天");
        let err = q("1月", "", &days).unwrap_err();
        assert!(
            err.message.contains("月 and 天 do not convert"),
            "{}",
            err.message
        );
        assert!(q("3日", "", &days).is_ok());
    }

    #[test]
    fn s8_different_nouns_compare_with_a_warning() {
        let firms = compare(Operator::Ge, dec!(20), "家");
        let (a, nouns) = q("25户", "", &firms).unwrap();
        assert_eq!(value_of(&a), dec!(25));
        assert!(matches!(
            a,
            Actual::Quantity {
                different_nouns: true,
                ..
            }
        ));
        assert_eq!(
            nouns,
            Some(NounsCompared {
                from: "户".into(),
                to: "家".into()
            })
        );
    }

    #[test]
    fn units_in_the_cell_and_the_measure_column_must_agree() {
        let share = compare(Operator::Ge, dec!(95), "%");
        assert!(q("98%", "百分比", &share).is_ok());
        let err = q("98%", "万元", &share).unwrap_err();
        assert_eq!(err.field, Field::Measure);
        assert_eq!(
            err.message,
            "expected the unit of the actual `98%` (%), found `万元` in the measure column"
        );
        let err = q("98", "斤两", &share).unwrap_err();
        assert_eq!(err.field, Field::Measure);
        assert_eq!(err.message, "expected a unit of measure, found `斤两`");
    }

    #[test]
    fn unknown_units_of_the_target_are_accepted_as_written() {
        let odd = compare(Operator::Ge, dec!(3), "人/次");
        assert_eq!(value_of(&q("4人/次", "", &odd).unwrap().0), dec!(4));
        let err = q("4人/天", "", &odd).unwrap_err();
        assert!(
            err.message.contains("`人/天` is not a unit of measure"),
            "{}",
            err.message
        );
    }

    #[test]
    fn non_numbers_and_numbers_beyond_decimal_are_errors() {
        let share = compare(Operator::Ge, dec!(95), "%");
        let err = q("很好", "", &share).unwrap_err();
        assert_eq!(err.field, Field::Actual);
        assert_eq!(
            err.message,
            "expected a number for x-1 (target `≥ 95 %`), found `很好`"
        );
        for cell in ["NaN", "inf", "-inf", "达成", "-"] {
            let err = q(cell, "", &share).unwrap_err();
            assert!(
                err.message.starts_with("expected a number for x-1"),
                "{cell}: {}",
                err.message
            );
        }
        let err = q("1e40", "", &share).unwrap_err();
        assert!(
            err.message.starts_with("expected a number within ±"),
            "{}",
            err.message
        );
        assert!(err.message.ends_with("found `1e40`"), "{}", err.message);
        let forty = "9".repeat(40);
        assert!(q(&forty, "", &share).is_err());
        let err = q("1,25", "", &share).unwrap_err();
        assert!(
            err.message.contains("`,25` is not a unit"),
            "{}",
            err.message
        );
    }

    #[test]
    fn s7_tiers_with_shares_and_descriptions() {
        let p = Profile::national();
        let tier_of = |cell: &str| tier(cell, "确保稳定", &p);
        assert_eq!(
            tier_of("达成").unwrap(),
            Actual::Tier {
                tier: 0,
                share: None,
                written: "达成".into()
            }
        );
        assert!(matches!(
            tier_of("确保稳定").unwrap(),
            Actual::Tier { tier: 0, .. }
        ));
        assert!(matches!(
            tier_of("基本达成").unwrap(),
            Actual::Tier { tier: 1, .. }
        ));
        assert_eq!(
            tier_of("部分达成 75%").unwrap(),
            Actual::Tier {
                tier: 2,
                share: Some(dec!(75)),
                written: "部分达成 75%".into()
            }
        );
        assert!(
            matches!(tier_of("部分达成75％").unwrap(), Actual::Tier { tier: 2, share: Some(s), .. } if s == dec!(75))
        );
        assert!(
            matches!(tier_of("部分达成（65%）").unwrap(), Actual::Tier { tier: 2, share: Some(s), .. } if s == dec!(65))
        );
        assert!(matches!(
            tier_of("达成：已完成资产评估").unwrap(),
            Actual::Tier {
                tier: 0,
                share: None,
                ..
            }
        ));
        assert!(matches!(
            tier_of("未完成，原因见说明").unwrap(),
            Actual::Tier { tier: 3, .. }
        ));
        assert!(matches!(
            tier_of("达成：完成率 95%").unwrap(),
            Actual::Tier {
                tier: 0,
                share: None,
                ..
            }
        ));
    }

    #[test]
    fn s7_shares_outside_the_tier_are_errors() {
        let p = Profile::national();
        let err = tier("部分达成 85%", "确保稳定", &p).unwrap_err();
        assert_eq!(
            err.message,
            "expected a share within 60%–<80% for 部分达成, found `85%`"
        );
        let hubei = Profile::builtin("hubei").unwrap();
        assert!(tier("部分达成 55%", "确保稳定", &hubei).is_ok());
        assert!(tier("部分达成 55%", "确保稳定", &p).is_err());
    }

    #[test]
    fn s7_other_text_lists_the_accepted_words() {
        let p = Profile::national();
        for cell in ["很好", "98%", "完成率低", "是否"] {
            let err = tier(cell, "确保稳定", &p).unwrap_err();
            assert!(
                err.message
                    .starts_with("expected a tier word (达成, 达成预期指标"),
                "{cell}: {}",
                err.message
            );
            assert!(
                err.message.contains("the target text `确保稳定`"),
                "{}",
                err.message
            );
            assert!(
                err.message.ends_with(&format!("found `{cell}`")),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn s12_budget_execution_always_carries_its_unit() {
        assert_eq!(
            budget_execution("34.5万元", "").unwrap(),
            Actual::Spent {
                wan: dec!(34.5),
                written: "34.5万元".into()
            }
        );
        assert_eq!(
            budget_execution("345,000元", "").unwrap(),
            Actual::Spent {
                wan: dec!(34.5),
                written: "345,000元".into()
            }
        );
        assert!(
            matches!(budget_execution("0.3亿元", "").unwrap(), Actual::Spent { wan, .. } if wan == dec!(3000))
        );
        assert_eq!(
            budget_execution("96.2%", "").unwrap(),
            Actual::Rate {
                percent: dec!(96.2),
                written: "96.2%".into()
            }
        );
        assert!(
            matches!(budget_execution("96.2", "%").unwrap(), Actual::Rate { percent, .. } if percent == dec!(96.2))
        );
        let err = budget_execution("34.5", "").unwrap_err();
        assert_eq!(
            err.message,
            "expected the amount spent with its unit (万元, 元, 亿元) or a rate in %, found `34.5` without a unit"
        );
        assert!(err.help.unwrap().contains("S12"));
        let err = budget_execution("3户", "").unwrap_err();
        assert!(
            err.message.ends_with("found `3户` in 户"),
            "{}",
            err.message
        );
    }

    #[test]
    fn dates_points_and_amounts() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(completed("2024-11-30", None).unwrap(), d(2024, 11, 30));
        assert_eq!(completed("2024年11月30日", None).unwrap(), d(2024, 11, 30));
        assert_eq!(completed("2024/11/30", None).unwrap(), d(2024, 11, 30));
        assert_eq!(completed("2024-02", None).unwrap(), d(2024, 2, 29));
        assert_eq!(
            completed("2024-11-04 12:00:00", None).unwrap(),
            d(2024, 11, 4),
            "a spreadsheet's date-time counts by its day"
        );
        assert!(completed("2024-11-04 noon", None).is_err());
        assert_eq!(completed("年底", Some(2024)).unwrap(), d(2024, 12, 31));
        let err = completed("下月", Some(2024)).unwrap_err();
        assert_eq!(err.field, Field::Completed);
        assert_eq!(
            err.message,
            "expected a date like 2024-11-30 or 2024年11月30日, found `下月`"
        );
        assert_eq!(points(Field::Weight, "10", true).unwrap(), dec!(10));
        assert_eq!(points(Field::Score, "9.5分", false).unwrap(), dec!(9.5));
        assert!(points(Field::Weight, "-1", true).is_err());
        assert!(points(Field::Score, "十分", false).is_err());
        assert_eq!(wan(Field::Budget, "35.88").unwrap(), dec!(35.88));
        assert_eq!(wan(Field::Budget, "358,800元").unwrap(), dec!(35.88));
        assert!(wan(Field::Budget, "35%").is_err());
    }

    #[test]
    fn not_applicable_spellings() {
        for cell in ["不适用", "/", " ／ ", "N/A", "na", "\\", "𝐍／𝐀", "ｎａ"] {
            assert!(is_not_applicable(cell), "{cell}");
        }
        for cell in ["-", "0", "", "不", "nan", "100%", "不适用的"] {
            assert!(!is_not_applicable(cell), "{cell}");
        }
    }

    fn indicator(target: Target, deadline: Option<Deadline>) -> Indicator {
        Indicator {
            id: "x-1".into(),
            level1: "产出指标".into(),
            level2: "数量指标".into(),
            name: "n".into(),
            target,
            deadline,
            direction: None,
            weight: None,
            allow: Default::default(),
            source: None,
        }
    }

    #[test]
    fn the_target_column_must_state_the_models_target() {
        let i = indicator(compare(Operator::Ge, dec!(0.1), "万户"), None);
        for cell in ["≥ 0.1 万户", ">= 0.10 万户", "＞＝0.1万户", "≥ 1000 户"] {
            assert!(check_target(cell, &i).is_ok(), "{cell}");
        }
        let err = check_target("≥ 0.2 万户", &i).unwrap_err();
        assert_eq!(err.field, Field::Target);
        assert_eq!(
            err.message,
            "expected the target of x-1 (`≥ 0.1 万户`), found `≥ 0.2 万户`"
        );
        assert!(check_target("≤ 0.1 万户", &i).is_err());
        assert!(check_target("≥ 0.1 万家", &i).is_err());
        assert!(check_target("确保稳定", &i).is_err());
        let q = indicator(Target::Qualitative("确保稳定".into()), None);
        assert!(check_target("确保 稳定", &q).is_ok());
        assert!(check_target("管理规范", &q).is_err());
        let na = indicator(Target::NotApplicable, None);
        assert!(check_target("/", &na).is_ok());
    }

    proptest::proptest! {
        /// The shortcut of `check_target` takes a quantity written as `kpi` writes it, and
        /// only what reading the cell takes: both answer alike for that text and for others.
        #[test]
        fn a_target_written_by_kpi_is_taken_as_reading_it_takes_it(
            op in 0usize..5,
            mantissa in proptest::prop_oneof![-1_000i64..1_000_000, proptest::num::i64::ANY],
            scale in 0u32..=8,
            width in 0i64..1_000,
            range: bool,
            unit in 0usize..12,
        ) {
            let ops = [Operator::Ge, Operator::Gt, Operator::Le, Operator::Lt, Operator::Eq];
            let units = ["", "%", "万户", "户", "万元", "亿元", "人", "平方米", "小时", "次", "个", "套餐"];
            let measure = (!units[unit].is_empty()).then(|| Measure::parse(units[unit]));
            let value = Decimal::new(mantissa, scale);
            let target = if range {
                Target::Range {
                    low: value,
                    high: value + Decimal::new(width, scale),
                    measure,
                }
            } else {
                Target::Compare { op: ops[op], value, measure }
            };
            let i = indicator(target.clone(), None);
            let written = target.to_spreadsheet_text();
            let mut cells = ReferenceCells::default();
            let shortcut = cells.check_target(&written, &i).map_err(|e| e.message);
            let reading = ReferenceCells::default()
                .check_target_by_reading(&written, &i)
                .map_err(|e| e.message);
            proptest::prop_assert!(shortcut.is_ok(), "{:?}", written);
            proptest::prop_assert_eq!(&shortcut, &reading, "{:?}", written);
            // Another text of the target, or another target, is read as before.
            for other in [format!(" {written}"), target.to_string(), format!("{written}0")] {
                let shortcut = cells.check_target(&other, &i).map_err(|e| e.message);
                let reading = ReferenceCells::default()
                    .check_target_by_reading(&other, &i)
                    .map_err(|e| e.message);
                proptest::prop_assert_eq!(shortcut, reading, "{:?}", other);
            }
        }
    }

    proptest::proptest! {
        /// A quantity told piece by piece is one whose written text is the cell: for the text
        /// itself whenever its values are plain (no sign, at most 18 digits), and never for
        /// texts near it.
        #[test]
        fn a_quantity_told_piece_by_piece_is_its_written_text(
            op in 0usize..5,
            mantissa in proptest::prop_oneof![0i64..1_000_000, -1_000i64..0, proptest::num::i64::ANY],
            negative_zero: bool,
            scale in 0u32..=20,
            width in 0i64..1_000,
            range: bool,
            unit in 0usize..6,
            edit in 0usize..12,
            at: proptest::sample::Index,
        ) {
            let ops = [Operator::Ge, Operator::Gt, Operator::Le, Operator::Lt, Operator::Eq];
            let units = ["", "%", "万户", "个", "平方米", "1 套"];
            let measure = (!units[unit].is_empty()).then(|| Measure::parse(units[unit]));
            let mut value = Decimal::new(mantissa, scale);
            if negative_zero && mantissa == 0 {
                value.set_sign_negative(true);
            }
            let target = if range {
                Target::Range { low: value, high: value + Decimal::new(width, scale), measure }
            } else {
                Target::Compare { op: ops[op], value, measure }
            };
            let written = target.to_spreadsheet_text();
            let plain = |v: Decimal| {
                !v.is_sign_negative() && v.to_string().bytes().filter(u8::is_ascii_digit).count() <= 18
            };
            let (low, high) = match &target {
                Target::Compare { value, .. } => (*value, *value),
                Target::Range { low, high, .. } => (*low, *high),
                _ => unreachable!(),
            };
            proptest::prop_assert_eq!(
                writes_quantity(&written, &target),
                plain(low) && plain(high),
                "{:?}",
                written
            );
            // Edits at a character boundary: a digit, a zero, a point, a space or a sign put in,
            // or a character taken out.
            let boundaries: Vec<usize> = written
                .char_indices()
                .map(|(i, _)| i)
                .chain([written.len()])
                .collect();
            let i = boundaries[at.index(boundaries.len())];
            let mut cell = written.clone();
            match edit {
                0 => cell.insert(i, '0'),
                1 => cell.insert(i, '5'),
                2 => cell.insert(i, '.'),
                3 => cell.insert(i, ' '),
                4 => cell.insert(i, '-'),
                5 => cell.insert(i, '~'),
                6 if i < written.len() => {
                    cell.remove(i);
                }
                7 => cell = target.to_string(),
                8 => cell = written.replace(' ', ""),
                _ => {}
            }
            proptest::prop_assert_eq!(
                writes_quantity(&cell, &target),
                cell == written && plain(low) && plain(high),
                "{:?} for {:?}",
                cell,
                written
            );
        }
    }

    #[test]
    fn the_deadline_column_must_state_the_models_deadline() {
        let month = Deadline::Month {
            year: 2024,
            month: 12,
        };
        let i = indicator(Target::NotApplicable, Some(month));
        for cell in [
            "2024-12",
            "2024年12月",
            "2024-12-31",
            "2024/12/1",
            "2024年底",
        ] {
            assert!(check_deadline(cell, &i, Some(2024)).is_ok(), "{cell}");
        }
        let err = check_deadline("2024-11", &i, Some(2024)).unwrap_err();
        assert_eq!(err.field, Field::Deadline);
        assert_eq!(
            err.message,
            "expected the deadline of x-1 (`2024-12`), found `2024-11`"
        );
    }
}
