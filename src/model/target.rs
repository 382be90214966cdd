//! A typed target (指标值 with its 运算符号, 度量单位 and 完成时限): what an indicator promises.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::decimal::DecimalText;
use super::measure::Measure;

/// 运算符号: the comparison a quantitative target states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operator {
    /// `>=`, `≥`, 不低于, 不少于, 大于等于, 达到, …以上
    Ge,
    /// `>`, 大于, 高于
    Gt,
    /// `<=`, `≤`, 不高于, 不超过, 不大于, 小于等于, …以下
    Le,
    /// `<`, 小于, 低于
    Lt,
    /// `=`, 等于
    Eq,
}

impl Operator {
    pub const ALL: [Operator; 5] = [
        Operator::Ge,
        Operator::Gt,
        Operator::Le,
        Operator::Lt,
        Operator::Eq,
    ];

    /// The canonical ASCII form, used in specs and JSON.
    pub fn ascii(self) -> &'static str {
        match self {
            Operator::Ge => ">=",
            Operator::Gt => ">",
            Operator::Le => "<=",
            Operator::Lt => "<",
            Operator::Eq => "=",
        }
    }

    /// The form written into spreadsheets, which no spreadsheet takes for a formula.
    pub fn math(self) -> &'static str {
        match self {
            Operator::Ge => "≥",
            Operator::Gt => "＞",
            Operator::Le => "≤",
            Operator::Lt => "＜",
            Operator::Eq => "＝",
        }
    }

    /// Whether `actual` satisfies `actual <op> target`.
    pub fn holds(self, actual: Decimal, target: Decimal) -> bool {
        match self {
            Operator::Ge => actual >= target,
            Operator::Gt => actual > target,
            Operator::Le => actual <= target,
            Operator::Lt => actual < target,
            Operator::Eq => actual == target,
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.ascii())
    }
}

/// Which way an indicator improves. A spec may set it per row (scoring.md S5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Higher,
    Lower,
    Exact,
}

impl Direction {
    pub fn keyword(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
            Direction::Exact => "exact",
        }
    }

    pub fn from_keyword(s: &str) -> Option<Direction> {
        match s {
            "higher" => Some(Direction::Higher),
            "lower" => Some(Direction::Lower),
            "exact" => Some(Direction::Exact),
            _ => None,
        }
    }
}

/// What an indicator row promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `>= 100 %`: an operator, an exact value and its unit (none when the table gives none).
    Compare {
        op: Operator,
        value: Decimal,
        measure: Option<Measure>,
    },
    /// `10-15 个`: met inside the bounds (scoring.md S6).
    Range {
        low: Decimal,
        high: Decimal,
        measure: Option<Measure>,
    },
    /// 定性指标: a text such as 确保稳定, scored by tiers (S7).
    Qualitative(String),
    /// `/` or 不适用: carries no weight (S3).
    NotApplicable,
}

impl Target {
    pub fn measure(&self) -> Option<&Measure> {
        match self {
            Target::Compare { measure, .. } | Target::Range { measure, .. } => measure.as_ref(),
            Target::Qualitative(_) | Target::NotApplicable => None,
        }
    }

    pub fn operator(&self) -> Option<Operator> {
        match self {
            Target::Compare { op, .. } => Some(*op),
            _ => None,
        }
    }

    pub fn is_quantitative(&self) -> bool {
        matches!(self, Target::Compare { .. } | Target::Range { .. })
    }

    /// The target in a spreadsheet-safe form: `≥ 100 %`, `＝ 0 次`.
    pub fn to_spreadsheet_text(&self) -> String {
        let mut text = String::new();
        self.write_spreadsheet_text(&mut text)
            .expect("writing to a String cannot fail");
        text
    }

    /// [`Target::to_spreadsheet_text`], written into `out`: the actuals' reader compares a
    /// row's target column with it.
    pub fn write_spreadsheet_text(&self, out: &mut impl fmt::Write) -> fmt::Result {
        match self {
            Target::Compare { op, value, measure } => {
                out.write_str(op.math())?;
                out.write_str(" ")?;
                out.write_str(DecimalText::new(*value).as_str())?;
                if let Some(m) = measure {
                    out.write_str(" ")?;
                    out.write_str(m.symbol())?;
                }
                Ok(())
            }
            other => other.write_text(out),
        }
    }
}

/// The canonical one-cell form of the grammar (`grammar/target.ebnf`): `>= 100 %`, `10~15 个`,
/// `确保稳定`, `不适用`. Parsing it gives the same target back.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_text(f)
    }
}

impl Target {
    /// The `Display` text, written piece by piece without format arguments: a report writes a
    /// target per row.
    pub fn write_text(&self, out: &mut impl fmt::Write) -> fmt::Result {
        match self {
            Target::Compare { op, value, measure } => {
                out.write_str(op.ascii())?;
                out.write_str(" ")?;
                out.write_str(DecimalText::new(*value).as_str())?;
                if let Some(m) = measure {
                    out.write_str(" ")?;
                    out.write_str(m.symbol())?;
                }
                Ok(())
            }
            Target::Range { low, high, measure } => {
                out.write_str(DecimalText::new(*low).as_str())?;
                out.write_str("~")?;
                out.write_str(DecimalText::new(*high).as_str())?;
                if let Some(m) = measure {
                    out.write_str(" ")?;
                    out.write_str(m.symbol())?;
                }
                Ok(())
            }
            Target::Qualitative(text) => out.write_str(text),
            Target::NotApplicable => out.write_str("不适用"),
        }
    }
}

/// 完成时限.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Deadline {
    /// `2024-12`, `2024年12月`: the end of that month (S11).
    Month { year: i32, month: u32 },
    /// `2024-12-31`: that day.
    Day(NaiveDate),
    /// `2024年底`, `年末`: the end of the year, or of the evaluated year when none is written.
    YearEnd(Option<i32>),
}

impl Deadline {
    /// The last day the deadline allows (scoring.md S11). `year` is the evaluated year, used when
    /// the deadline names none.
    pub fn last_day(&self, year: i32) -> NaiveDate {
        match *self {
            Deadline::Day(date) => date,
            Deadline::Month { year, month } => {
                let (next_year, next_month) = if month == 12 {
                    (year + 1, 1)
                } else {
                    (year, month + 1)
                };
                NaiveDate::from_ymd_opt(next_year, next_month, 1)
                    .and_then(|d| d.pred_opt())
                    .unwrap_or(NaiveDate::MAX)
            }
            Deadline::YearEnd(y) => {
                NaiveDate::from_ymd_opt(y.unwrap_or(year), 12, 31).unwrap_or(NaiveDate::MAX)
            }
        }
    }

    pub fn year(&self) -> Option<i32> {
        match *self {
            Deadline::Month { year, .. } => Some(year),
            Deadline::Day(date) => Some(date.year()),
            Deadline::YearEnd(year) => year,
        }
    }
}

impl fmt::Display for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_text(f)
    }
}

impl Deadline {
    /// The `Display` text (`2024-12`, `2024-12-31`, `2024年底`), without format arguments for the
    /// years and months a table holds.
    pub fn write_text(&self, out: &mut impl fmt::Write) -> fmt::Result {
        match *self {
            Deadline::Month { year, month } => {
                padded(out, year, 4)?;
                out.write_str("-")?;
                padded(out, i64::from(month), 2)
            }
            Deadline::Day(date) if !(0..10_000).contains(&date.year()) => {
                write!(out, "{}", date.format("%Y-%m-%d"))
            }
            Deadline::Day(date) => {
                padded(out, date.year(), 4)?;
                out.write_str("-")?;
                padded(out, i64::from(date.month()), 2)?;
                out.write_str("-")?;
                padded(out, i64::from(date.day()), 2)
            }
            Deadline::YearEnd(Some(year)) => {
                padded(out, year, 4)?;
                out.write_str("年底")
            }
            Deadline::YearEnd(None) => out.write_str("年底"),
        }
    }
}

/// `value` with at least `width` digits, as `{value:0width$}` writes it (a sign counts toward the
/// width), and `chrono`'s `%Y` for the years 0–9999.
fn padded(out: &mut impl fmt::Write, value: impl Into<i64>, width: usize) -> fmt::Result {
    let value = value.into();
    if !(0..10_000).contains(&value) {
        return write!(out, "{value:0width$}");
    }
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(value);
    for _ in digits.len()..width {
        out.write_str("0")?;
    }
    out.write_str(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn deadlines_are_written_as_their_format_strings_write_them(
            year in -20_000i32..20_000,
            month in 1u32..=12,
            day in 1u32..=28,
        ) {
            let text = |d: Deadline| d.to_string();
            proptest::prop_assert_eq!(
                text(Deadline::Month { year, month }),
                format!("{year:04}-{month:02}")
            );
            proptest::prop_assert_eq!(text(Deadline::YearEnd(Some(year))), format!("{year:04}年底"));
            let date = NaiveDate::from_ymd_opt(year, month, day).expect("a day of the month");
            proptest::prop_assert_eq!(
                text(Deadline::Day(date)),
                date.format("%Y-%m-%d").to_string()
            );
        }
    }

    #[test]
    fn deadlines_end_where_scoring_s11_says() {
        let month = Deadline::Month {
            year: 2024,
            month: 2,
        };
        assert_eq!(
            month.last_day(2024),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        let december = Deadline::Month {
            year: 2024,
            month: 12,
        };
        assert_eq!(
            december.last_day(2024),
            NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()
        );
        assert_eq!(
            Deadline::YearEnd(None).last_day(2025),
            NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()
        );
    }

    #[test]
    fn operators_hold_as_written() {
        let d = Decimal::from;
        assert!(Operator::Ge.holds(d(5), d(5)));
        assert!(!Operator::Gt.holds(d(5), d(5)));
        assert!(Operator::Le.holds(d(4), d(5)));
        assert!(!Operator::Lt.holds(d(5), d(5)));
        assert!(Operator::Eq.holds(d(5), d(5)));
    }

    #[test]
    fn spreadsheet_text_never_starts_with_a_formula_sign() {
        for op in Operator::ALL {
            let t = Target::Compare {
                op,
                value: Decimal::ONE_HUNDRED,
                measure: Some(Measure::percent()),
            };
            let text = t.to_spreadsheet_text();
            assert!(!text.starts_with(['=', '+', '-', '@']), "{text}");
        }
    }
}
