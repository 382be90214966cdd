//! The grammar of a target (`grammar/target.ebnf`), implemented with nom.
//!
//! Two layouts reach this module: split columns (运算符号 | 指标值 | 度量单位, as in the seed) and one
//! cell (年度指标值: `≥50个`, `≤90万元`, `=100%`, `不低于95%`, `10～15个`). Both become a typed
//! [`Target`]; what had to be read generously (an operator on a qualitative text, a unit nobody
//! knows) comes back as a [`TargetNote`], never silently.

use std::borrow::Cow;
use std::fmt;

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while_m_n, take_while1},
    character::complete::{char, digit1, one_of, space0},
    combinator::{all_consuming, eof, not, opt, peek, recognize, value},
    multi::many1,
    sequence::{pair, preceded, terminated},
};
use rust_decimal::Decimal;

use crate::model::{Deadline, Measure, Operator, Target};
use crate::text::{fold, lead_survives_folding, trim};

/// What one target cell holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetCell {
    Target(Target),
    /// A template leftover (`……`, `指标1:`): not an indicator; reported, never scored.
    Leftover,
}

/// A parsed target with what was read generously.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedTarget {
    pub cell: TargetCell,
    pub notes: Vec<TargetNote>,
}

impl ParsedTarget {
    fn plain(target: Target) -> Self {
        ParsedTarget {
            cell: TargetCell::Target(target),
            notes: Vec::new(),
        }
    }
}

/// Something the parser read generously; the importer reports each with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetNote {
    /// A number without an operator, read as `=`.
    ImpliedOperator,
    /// An operator beside a qualitative text or a range, ignored.
    StrayOperator(Operator),
    /// A unit beside a qualitative text, ignored.
    StrayUnit(String),
    /// A unit `kpi` does not know, kept as written.
    UnknownUnit(String),
    /// `2023-2025` is a period, not a range of values.
    YearSpan,
    /// Text that starts like a number (`1,00`, `≥5件套`) but is not one `kpi` reads.
    NumericText(String),
}

impl fmt::Display for TargetNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetNote::ImpliedOperator => f.write_str("a number without an operator, read as `=`"),
            TargetNote::StrayOperator(op) => {
                write!(
                    f,
                    "operator `{op}` stands beside a value it cannot compare; ignored"
                )
            }
            TargetNote::StrayUnit(unit) => {
                write!(
                    f,
                    "unit `{unit}` stands beside a qualitative target; ignored"
                )
            }
            TargetNote::UnknownUnit(unit) => {
                write!(f, "unknown unit of measure `{unit}`, kept as written")
            }
            TargetNote::YearSpan => f.write_str("a span of years, read as a qualitative target"),
            TargetNote::NumericText(text) => write!(
                f,
                "`{text}` starts like a number but is not one kpi reads; kept as a qualitative target"
            ),
        }
    }
}

/// A target that cannot be read: where (byte offset into the cell as given), what was expected
/// and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetError {
    pub offset: usize,
    pub expected: String,
    pub found: String,
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}, found {}", self.expected, self.found)
    }
}

impl std::error::Error for TargetError {}

/// Describes the text at the point of an error for a message: `"≈ 1 次"` or `end of cell`.
pub fn describe_found(rest: &str) -> String {
    if rest.is_empty() {
        "the end of the text".to_owned()
    } else {
        let shown: String = rest.chars().take(16).collect();
        let ellipsis = if rest.chars().count() > 16 { "…" } else { "" };
        format!("`{shown}{ellipsis}`")
    }
}

// ---------------------------------------------------------------------------------------------
// Pieces of the grammar. Input is NFKC-folded: `＞＝` has become `>=`, `１２３` is `123`.
// ---------------------------------------------------------------------------------------------

/// operator = symbol | word (grammar/target.ebnf).
/// The characters an operator starts with once folded: every symbol and word of [`operator`]
/// (a new word's first character goes here; `every_operator_word` tests them all).
const OPERATOR_STARTS: [char; 20] = [
    '<', '>', '=', '≥', '≧', '⩾', '≤', '≦', '⩽', '大', '不', '达', '至', '小', '高', '多', '超',
    '低', '少', '等',
];

pub fn operator(i: &str) -> IResult<&str, Operator> {
    // The ASCII forms are most of a table's operators: read without trying every word form,
    // the longer before the shorter as below.
    const ASCII: [(&str, Operator); 8] = [
        (">=", Operator::Ge),
        ("=>", Operator::Ge),
        ("<=", Operator::Le),
        ("=<", Operator::Le),
        ("==", Operator::Eq),
        ("=", Operator::Eq),
        (">", Operator::Gt),
        ("<", Operator::Lt),
    ];
    if let Some((symbol, op)) = ASCII.iter().find(|(symbol, _)| i.starts_with(symbol)) {
        return Ok((&i[symbol.len()..], *op));
    }
    // Every other form starts with a character beyond ASCII, and one of a few: a disclosure's
    // row is searched for its operator cell from the end, and its units, values and names are
    // turned away here instead of by every word below.
    if i.starts_with(|c: char| c.is_ascii()) || !i.starts_with(OPERATOR_STARTS) {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Tag,
        )));
    }
    let symbols = alt((
        value(
            Operator::Ge,
            alt((tag(">="), tag("=>"), tag("≥"), tag("≧"), tag("⩾"))),
        ),
        value(
            Operator::Le,
            alt((tag("<="), tag("=<"), tag("≤"), tag("≦"), tag("⩽"))),
        ),
        value(Operator::Eq, alt((tag("=="), tag("=")))),
        value(Operator::Gt, tag(">")),
        value(Operator::Lt, tag("<")),
    ));
    let at_least = value(
        Operator::Ge,
        alt((
            tag("大于或等于"),
            tag("大于等于"),
            tag("不低于"),
            tag("不少于"),
            tag("不小于"),
            tag("达到"),
            tag("至少"),
        )),
    );
    let at_most = value(
        Operator::Le,
        alt((
            tag("小于或等于"),
            tag("小于等于"),
            tag("不高于"),
            tag("不超过"),
            tag("不大于"),
            tag("不多于"),
            tag("至多"),
        )),
    );
    let strict = alt((
        value(
            Operator::Gt,
            alt((tag("大于"), tag("高于"), tag("多于"), tag("超过"))),
        ),
        value(Operator::Lt, alt((tag("小于"), tag("低于"), tag("少于")))),
        value(Operator::Eq, tag("等于")),
    ));
    alt((symbols, at_least, at_most, strict)).parse(i)
}

/// A postfix such as `95%以上`: the operator written after the quantity.
fn postfix(i: &str) -> IResult<&str, Operator> {
    terminated(
        alt((
            value(
                Operator::Ge,
                alt((tag("及以上"), tag("或以上"), tag("以上"))),
            ),
            value(
                Operator::Le,
                alt((tag("及以下"), tag("或以下"), tag("以下"), tag("以内"))),
            ),
        )),
        eof,
    )
    .parse(i)
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// number = [sign] digits [fraction] [exponent]; digits may carry thousands separators.
pub fn number_text(i: &str) -> IResult<&str, &str> {
    // `[+-]digits[.digits]` followed by anything but a thousands comma or an exponent, nearly
    // every number: read by its bytes, as the grammar below reads it.
    let bytes = i.as_bytes();
    let sign = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = |from: usize| {
        bytes.get(from..).map_or(0, |rest| {
            rest.iter().take_while(|b| b.is_ascii_digit()).count()
        })
    };
    let whole = digits(sign);
    if whole > 0 {
        let mut end = sign + whole;
        if bytes.get(end) == Some(&b'.') {
            let fraction = digits(end + 1);
            if fraction > 0 {
                end += 1 + fraction;
            }
        }
        if !matches!(bytes.get(end), Some(b',' | b'e' | b'E')) {
            return Ok((&i[end..], &i[..end]));
        }
    }
    number_text_by_grammar(i)
}

fn number_text_by_grammar(i: &str) -> IResult<&str, &str> {
    let grouped = recognize(pair(
        take_while_m_n(1, 3, is_digit),
        many1(pair(char(','), take_while_m_n(3, 3, is_digit))),
    ));
    let digits = alt((terminated(grouped, not(peek(one_of("0123456789")))), digit1));
    let fraction = pair(char('.'), digit1);
    let exponent = (one_of("eE"), opt(one_of("+-")), digit1);
    recognize((opt(one_of("+-")), digits, opt(fraction), opt(exponent))).parse(i)
}

/// The exact value of a number as [`number_text`] recognised it.
pub fn decimal(text: &str) -> Result<Decimal, String> {
    let plain: Cow<str> = if text.contains(',') {
        Cow::Owned(text.chars().filter(|&c| c != ',').collect())
    } else {
        Cow::Borrowed(text)
    };
    let parsed = if plain.contains(['e', 'E']) {
        Decimal::from_scientific(&plain)
    } else {
        Decimal::from_str_exact(&plain)
    };
    parsed.map_err(|_| {
        format!(
            "a number within ±{} with at most 28 significant digits",
            Decimal::MAX.trunc()
        )
    })
}

/// The value of `text` as [`decimal`] reads it, scale and all, for nearly every number written:
/// at most 18 ASCII digits with at most one `.` between them (no sign, separator or exponent),
/// made from the digits without the general parser. `None` for any other text.
pub(crate) fn plain_decimal(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let mut mantissa: i64 = 0;
    let mut digits = 0;
    let mut scale = 0;
    for (at, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' if digits < 18 => {
                mantissa = mantissa * 10 + i64::from(b - b'0');
                digits += 1;
            }
            b'.' if scale == 0 && at > 0 && at + 1 < bytes.len() => {
                scale = u32::try_from(bytes.len() - at - 1).ok()?;
            }
            _ => return None,
        }
    }
    // At most 18 digits: the scale, the digits after the `.`, is within Decimal's 28.
    (digits > 0).then(|| Decimal::new(mantissa, scale))
}

fn range_separator(i: &str) -> IResult<&str, &str> {
    alt((
        tag("-"),
        tag("~"),
        tag("〜"),
        tag("—"),
        tag("–"),
        tag("至"),
        tag("到"),
    ))
    .parse(i)
}

/// Words that mark a row as not applicable.
pub fn is_not_applicable(folded: &str) -> bool {
    matches!(
        folded,
        "/" | "\\" | "不适用" | "n/a" | "N/A" | "NA" | "-" | "--" | "—" | "——"
    )
}

/// Whether a cell as written (not folded) is template text ([`is_leftover`]). A cell led by a
/// character that folding keeps in the lead ([`lead_survives_folding`]) other than `.` and `指`,
/// or by `<`, `=`, `>` (which fold to these or to `≮ ≠ ≯`), is none, and is not folded to find
/// out: the operator cells of every row are among them.
pub fn is_leftover_cell(cell: &str) -> bool {
    let cannot_lead = |c: char| {
        (lead_survives_folding(c) || matches!(c, '<' | '=' | '>')) && !matches!(c, '.' | '指')
    };
    if cell.chars().next().is_some_and(cannot_lead) {
        return false;
    }
    is_leftover(&fold(cell))
}

/// Template text left in a published table: `……`, `...`, `指标1:`, `指标2`.
pub fn is_leftover(folded: &str) -> bool {
    if !folded.is_empty() && folded.chars().all(|c| matches!(c, '.' | '…' | '。' | '·')) {
        return true;
    }
    if let Some(rest) = folded.strip_prefix("指标") {
        let rest = rest.trim_end_matches([':', '：']);
        return !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit());
    }
    false
}

/// A unit written after a number: a known unit, or an unknown short word kept as written.
fn unit_text(rest: &str) -> Option<Measure> {
    if rest.is_empty() {
        return None;
    }
    if let Some(known) = Measure::known(rest) {
        return Some(known);
    }
    // A compound unit (`吨标准煤/万元`, `kWh/m2`) may be longer and carry digits after a letter;
    // a plain word longer than six characters is text, not a unit.
    let compound = rest.contains('/');
    let length = rest.chars().count();
    let plausible = (length <= 6 || compound && length <= 12)
        && rest.chars().next().is_some_and(char::is_alphabetic)
        && rest.chars().all(|c| {
            c.is_alphabetic() && !matches!(c, '，' | '。' | '、' | '；' | '：')
                || c.is_ascii_digit()
                || matches!(c, '/' | '·' | '²' | '³')
        });
    plausible.then(|| Measure::unknown(rest))
}

/// The quantitative reading of a folded cell: `[op] number [sep number] [unit] [postfix]`.
struct Quantity {
    op: Option<Operator>,
    low: Decimal,
    high: Option<Decimal>,
    measure: Option<Measure>,
    year_span: bool,
}

enum Reading {
    Quantity(Quantity),
    /// Not a quantity; the operator found in front, if any.
    Text(Option<Operator>),
}

fn read_quantity(folded: &str) -> Result<Reading, TargetError> {
    let offset = |rest: &str| folded.len() - rest.len();
    let (rest, op) = match terminated(operator, space0).parse(folded) {
        Ok((rest, op)) => (rest, Some(op)),
        Err(_) => (folded, None),
    };
    // A word such as 达到 or 高于 in front of words is part of a qualitative text
    // (`达到预期`), not an operator.
    let word_operator = op.is_some() && folded[..offset(rest)].chars().any(char::is_alphabetic);
    if let Some(bracketed) = bracketed_range(rest) {
        return bracketed.map(|(low, high, measure)| {
            Reading::Quantity(Quantity {
                op,
                low,
                high: Some(high),
                measure,
                year_span: false,
            })
        });
    }
    let Ok((rest, low_text)) = number_text(rest) else {
        if op.is_some() && rest.is_empty() {
            return Err(TargetError {
                offset: offset(rest),
                expected: "a value after the operator".to_owned(),
                found: describe_found(rest),
            });
        }
        return Ok(Reading::Text(op.filter(|_| !word_operator)));
    };
    let number_at = offset(rest) - low_text.len();
    let low = decimal(low_text).map_err(|expected| TargetError {
        offset: number_at,
        expected,
        found: format!("`{low_text}`"),
    })?;
    // `10%-15%`: a percent sign on the lower bound of a range.
    let (rest, low_percent) = match rest.strip_prefix('%') {
        Some(after)
            if (
                space0::<&str, nom::error::Error<&str>>,
                range_separator,
                space0,
                number_text,
            )
                .parse(after)
                .is_ok() =>
        {
            (after, true)
        }
        _ => (rest, false),
    };
    let (rest, high) = match (space0, range_separator, space0, number_text).parse(rest) {
        Ok((after, (_, _, _, high_text))) => {
            let high_at = offset(after) - high_text.len();
            let high = decimal(high_text).map_err(|expected| TargetError {
                offset: high_at,
                expected,
                found: format!("`{high_text}`"),
            })?;
            (after, Some((high, high_text, high_at)))
        }
        Err(_) => (rest, None),
    };
    let rest = trim(rest);
    let (unit_part, post) = split_postfix(rest);
    let measure = match unit_text(trim(unit_part)) {
        Some(m) => Some(m),
        None if trim(unit_part).is_empty() => low_percent.then(Measure::percent),
        None => return Ok(Reading::Text(op.filter(|_| !word_operator))),
    };
    if low_percent && measure.as_ref().is_some_and(|m| m.symbol() != "%") {
        return Ok(Reading::Text(op.filter(|_| !word_operator)));
    }
    let op = match (op, post) {
        (Some(a), Some(b)) if a != b => {
            return Err(TargetError {
                offset: 0,
                expected: "one operator".to_owned(),
                found: format!("`{a}` in front and `{b}` behind"),
            });
        }
        (a, b) => a.or(b),
    };
    let year_span = high.is_some_and(|(high, high_text, _)| {
        is_year(low_text)
            && is_year(high_text)
            && low < high
            && measure.as_ref().is_none_or(|m| m.symbol() == "年")
    });
    if let Some((high, high_text, high_at)) = high
        && !year_span
        && high < low
    {
        return Err(TargetError {
            offset: high_at,
            expected: format!("a range whose upper bound is at least its lower bound {low}"),
            found: format!("`{high_text}`"),
        });
    }
    Ok(Reading::Quantity(Quantity {
        op,
        low,
        high: high.map(|(high, _, _)| high),
        measure,
        year_span,
    }))
}

/// S6's interval form `[10, 15]` (or `[10，15] 个`): its bounds and unit; `None` when `rest` is
/// not one.
/// A range's bounds and unit.
type Interval = (Decimal, Decimal, Option<Measure>);

fn bracketed_range(rest: &str) -> Option<Result<Interval, TargetError>> {
    let body = rest.strip_prefix('[')?;
    let (inside, after) = body.split_once(']')?;
    let (low_text, high_text) = inside.split_once(',')?;
    let bound = |text: &str| -> Option<Result<Decimal, TargetError>> {
        let text = trim(text);
        match number_text(text) {
            Ok(("", number)) => Some(decimal(number).map_err(|expected| TargetError {
                offset: 0,
                expected,
                found: format!("`{number}`"),
            })),
            _ => None,
        }
    };
    let (low, high) = (bound(low_text)?, bound(high_text)?);
    let unit = trim(after);
    let measure = if unit.is_empty() {
        None
    } else {
        Some(unit_text(unit)?)
    };
    Some(match (low, high) {
        (Ok(low), Ok(high)) if high < low => Err(TargetError {
            offset: 0,
            expected: format!("a range whose upper bound is at least its lower bound {low}"),
            found: format!("`{}`", trim(rest)),
        }),
        (Ok(low), Ok(high)) => Ok((low, high, measure)),
        (Err(e), _) | (_, Err(e)) => Err(e),
    })
}

fn is_year(text: &str) -> bool {
    text.len() == 4
        && text
            .parse::<u32>()
            .is_ok_and(|y| (1900..=2100).contains(&y))
}

fn split_postfix(rest: &str) -> (&str, Option<Operator>) {
    for (i, _) in rest.char_indices() {
        if let Ok((_, op)) = postfix(&rest[i..]) {
            return (&rest[..i], Some(op));
        }
    }
    (rest, None)
}

// ---------------------------------------------------------------------------------------------
// Entry points.
// ---------------------------------------------------------------------------------------------

/// Reads a one-cell target (年度指标值): `≥50个`, `=100%`, `10～15个`, `确保稳定`, `/`.
pub fn parse_cell(raw: &str) -> Result<ParsedTarget, TargetError> {
    // A plain number (`100`, `30.7`), the 指标值 of most rows in split columns, is read without
    // folding it or the grammar.
    let trimmed = trim(raw);
    if let Some(quantity) = plain_number(trimmed) {
        return Ok(quantity_target(quantity, trimmed));
    }
    parse_cell_by_grammar(raw)
}

/// `text` as a quantity when it is ASCII digits with at most one `.` between two: what the
/// grammar reads as a number alone, with no operator, range or unit.
fn plain_number(text: &str) -> Option<Quantity> {
    let bytes = text.as_bytes();
    let digits = bytes.iter().filter(|b| b.is_ascii_digit()).count();
    let plain = bytes.first().is_some_and(u8::is_ascii_digit)
        && bytes.last().is_some_and(u8::is_ascii_digit)
        && digits + usize::from(bytes.contains(&b'.')) == bytes.len();
    if !plain {
        return None;
    }
    Some(Quantity {
        op: None,
        // Up to 18 digits made at once; longer ones by the general parser.
        low: plain_decimal(text).or_else(|| decimal(text).ok())?,
        high: None,
        measure: None,
        year_span: false,
    })
}

fn parse_cell_by_grammar(raw: &str) -> Result<ParsedTarget, TargetError> {
    let folded = fold(trim(raw));
    let folded = trim(&folded);
    if folded.is_empty() {
        return Err(TargetError {
            offset: 0,
            expected: "a target value".to_owned(),
            found: "an empty cell".to_owned(),
        });
    }
    if is_not_applicable(folded) {
        return Ok(ParsedTarget::plain(Target::NotApplicable));
    }
    if is_leftover(folded) {
        return Ok(ParsedTarget {
            cell: TargetCell::Leftover,
            notes: Vec::new(),
        });
    }
    let reading = read_quantity(folded).map_err(|e| e.mapped_to(trim(raw)))?;
    Ok(match reading {
        Reading::Text(op) => {
            let numeric = folded.starts_with(|c: char| c.is_ascii_digit())
                || op.is_some()
                    && terminated(operator, space0)
                        .parse(folded)
                        .is_ok_and(|(rest, _)| rest.starts_with(|c: char| c.is_ascii_digit()));
            let text = match op {
                // `= 管理规范`: keep the words, drop the operator.
                Some(_) => terminated(operator, space0)
                    .parse(folded)
                    .map(|(rest, _)| rest)
                    .unwrap_or(folded),
                None => folded,
            };
            let text = raw_text_for(trim(raw), folded, text);
            let mut notes: Vec<TargetNote> =
                op.map(TargetNote::StrayOperator).into_iter().collect();
            if numeric {
                notes.push(TargetNote::NumericText(trim(raw).to_owned()));
            }
            ParsedTarget {
                cell: TargetCell::Target(Target::Qualitative(text)),
                notes,
            }
        }
        Reading::Quantity(q) => quantity_target(q, trim(raw)),
    })
}

/// The qualitative text as published: the raw cell when nothing was cut from it, else the folded
/// remainder.
fn raw_text_for(raw: &str, folded: &str, kept: &str) -> String {
    if kept.len() == folded.len() {
        raw.to_owned()
    } else {
        trim(kept).to_owned()
    }
}

fn quantity_target(q: Quantity, raw: &str) -> ParsedTarget {
    let mut notes = Vec::new();
    if let Some(m) = &q.measure
        && !m.is_known()
    {
        notes.push(TargetNote::UnknownUnit(m.symbol().to_owned()));
    }
    if q.year_span {
        notes.push(TargetNote::YearSpan);
        return ParsedTarget {
            cell: TargetCell::Target(Target::Qualitative(raw.to_owned())),
            notes,
        };
    }
    let target = match q.high {
        Some(high) => {
            if let Some(op) = q.op {
                notes.push(TargetNote::StrayOperator(op));
            }
            Target::Range {
                low: q.low,
                high,
                measure: q.measure,
            }
        }
        None => {
            let op = q.op.unwrap_or_else(|| {
                notes.push(TargetNote::ImpliedOperator);
                Operator::Eq
            });
            Target::Compare {
                op,
                value: q.low,
                measure: q.measure,
            }
        }
    };
    ParsedTarget {
        cell: TargetCell::Target(target),
        notes,
    }
}

/// Reads a target given in split columns (运算符号 | 指标值 | 度量单位). Empty cells are `""`.
pub fn parse_split(
    op_cell: &str,
    value_cell: &str,
    unit_cell: &str,
) -> Result<ParsedTarget, TargetError> {
    parse_split_with(op_cell, value_cell, unit_cell, true)
}

/// [`parse_split`]; with `shortcut`, an operator before a plain number (`>=` | `100` | `%`, most
/// rows of a province) makes its target at once, as the general way would after noting the
/// operator the number implies and taking the note back.
fn parse_split_with(
    op_cell: &str,
    value_cell: &str,
    unit_cell: &str,
    shortcut: bool,
) -> Result<ParsedTarget, TargetError> {
    let op = match fold(trim(op_cell)).trim() {
        "" => None,
        folded => Some(parse_operator(folded).ok_or_else(|| TargetError {
            offset: 0,
            expected: "an operator (>=, >, <=, <, = or 不低于 …)".to_owned(),
            found: describe_found(trim(op_cell)),
        })?),
    };
    let unit = match fold(trim(unit_cell)).trim() {
        "" => None,
        folded => Some(Measure::parse(folded)),
    };
    let unknown_unit = unit
        .as_ref()
        .filter(|m| !m.is_known())
        .map(|m| TargetNote::UnknownUnit(m.symbol().to_owned()));
    if shortcut
        && let Some(op) = op
        && let Some(number) = plain_number(trim(value_cell))
    {
        return Ok(ParsedTarget {
            cell: TargetCell::Target(Target::Compare {
                op,
                value: number.low,
                measure: unit,
            }),
            notes: unknown_unit.into_iter().collect(),
        });
    }
    let mut parsed = parse_cell(value_cell)?;
    let notes = &mut parsed.notes;
    notes.extend(unknown_unit);
    let target = match parsed.cell {
        TargetCell::Leftover => return Ok(parsed),
        TargetCell::Target(target) => target,
    };
    let target = match target {
        Target::NotApplicable => Target::NotApplicable,
        Target::Qualitative(text) => {
            if let Some(op) = op {
                notes.push(TargetNote::StrayOperator(op));
            }
            if let Some(m) = &unit {
                notes.push(TargetNote::StrayUnit(m.symbol().to_owned()));
            }
            Target::Qualitative(text)
        }
        Target::Compare {
            op: inline_op,
            value,
            measure,
        } => {
            let implied = notes.iter().position(|n| *n == TargetNote::ImpliedOperator);
            let op = match (op, implied) {
                (Some(op), Some(at)) => {
                    notes.remove(at);
                    op
                }
                (Some(op), None) if op != inline_op => {
                    return Err(TargetError {
                        offset: 0,
                        expected: format!("the operator of the 运算符号 column (`{op}`)"),
                        found: format!("`{inline_op}` in the value `{}`", trim(value_cell)),
                    });
                }
                _ => inline_op,
            };
            Target::Compare {
                op,
                value,
                measure: merge_units(measure, unit, value_cell)?,
            }
        }
        Target::Range { low, high, measure } => {
            if let Some(op) = op {
                notes.push(TargetNote::StrayOperator(op));
            }
            Target::Range {
                low,
                high,
                measure: merge_units(measure, unit, value_cell)?,
            }
        }
    };
    parsed.cell = TargetCell::Target(target);
    Ok(parsed)
}

/// The unit of the value cell (`100%`) and of the unit column must agree.
fn merge_units(
    inline: Option<Measure>,
    column: Option<Measure>,
    value_cell: &str,
) -> Result<Option<Measure>, TargetError> {
    match (inline, column) {
        (Some(a), Some(b)) => {
            let same = a == b
                || a.conversion_to(&b)
                    .is_ok_and(|c| c.factor == Decimal::ONE && !c.different_nouns);
            if same {
                Ok(Some(b))
            } else {
                Err(TargetError {
                    offset: 0,
                    expected: format!("the unit of the 度量单位 column (`{b}`)"),
                    found: format!("`{a}` in the value `{}`", trim(value_cell)),
                })
            }
        }
        (a, b) => Ok(b.or(a)),
    }
}

/// A whole cell that is an operator (`>=`, `＞`, `不低于`), or `None`.
pub fn parse_operator(cell: &str) -> Option<Operator> {
    let cell = trim(cell);
    // A disclosure's row is searched for its operator cell from the end: its names, values and
    // units are turned away by their first character, before they are folded.
    if cell.chars().next().is_some_and(cannot_lead_operator) {
        return None;
    }
    // An ASCII cell (a row's `=` or `>=`) is its own fold, and `operator` reads its ASCII forms
    // first: the cell is one of them whole, or no operator.
    if cell.is_ascii() {
        return match cell {
            ">=" | "=>" => Some(Operator::Ge),
            "<=" | "=<" => Some(Operator::Le),
            "==" | "=" => Some(Operator::Eq),
            ">" => Some(Operator::Gt),
            "<" => Some(Operator::Lt),
            _ => None,
        };
    }
    operator_of_folded(cell)
}

/// Whether a cell led by `c` is no operator, whatever follows: folding keeps `c` in the lead
/// ([`lead_survives_folding`]), and no operator starts with it.
fn cannot_lead_operator(c: char) -> bool {
    // The ASCII that survives is none of `<`, `=`, `>`: no operator starts with it, and the list
    // need not be searched for it.
    lead_survives_folding(c) && (c.is_ascii() || !OPERATOR_STARTS.contains(&c))
}

/// [`parse_operator`] of a trimmed cell by folding it first.
fn operator_of_folded(cell: &str) -> Option<Operator> {
    let folded = fold(cell);
    // `operator` turns away a cell that cannot start one (a unit, a value, a name) at once.
    all_consuming(operator)
        .parse(trim(&folded))
        .ok()
        .map(|(_, op)| op)
}

/// deadline = year sep month [sep day] | year 年 month 月 [day 日] [suffix] | [year 年] (底|末)
pub fn parse_deadline(cell: &str) -> Option<Deadline> {
    // `2024-12` and `2024-12-31`, nearly every deadline of a table, read without folding or the
    // grammar; anything else, or a month or day out of range, is the grammar's to read.
    let bytes = trim(cell).as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    let number = |range: std::ops::Range<usize>| {
        bytes[range]
            .iter()
            .fold(0, |n, &b| n * 10 + i32::from(b - b'0'))
    };
    let dated = matches!(bytes.len(), 7 | 10)
        && bytes[4] == b'-'
        && digits(0..4)
        && digits(5..7)
        && (bytes.len() == 7 || bytes[7] == b'-' && digits(8..10));
    if dated {
        let (year, month) = (number(0..4), number(5..7) as u32);
        let read = if bytes.len() == 7 {
            (1..=12)
                .contains(&month)
                .then_some(Deadline::Month { year, month })
        } else {
            chrono::NaiveDate::from_ymd_opt(year, month, number(8..10) as u32).map(Deadline::Day)
        };
        if read.is_some() {
            return read;
        }
    }
    deadline_by_grammar(cell)
}

fn deadline_by_grammar(cell: &str) -> Option<Deadline> {
    let folded = fold(trim(cell));
    all_consuming(deadline)
        .parse(trim(&folded))
        .ok()
        .map(|(_, d)| d)
}

fn int(i: &str) -> IResult<&str, u32> {
    let (rest, digits) = take_while1(is_digit)(i)?;
    match digits.parse::<u32>() {
        Ok(n) => Ok((rest, n)),
        Err(_) => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Digit,
        ))),
    }
}

fn year(i: &str) -> IResult<&str, i32> {
    let (rest, digits) = terminated(
        take_while_m_n(4, 4, is_digit),
        not(peek(one_of("0123456789"))),
    )
    .parse(i)?;
    Ok((rest, digits.parse().unwrap_or_default()))
}

fn deadline(i: &str) -> IResult<&str, Deadline> {
    let sep = || one_of("-./");
    let numeric = (year, sep(), int, opt(preceded(sep(), int)));
    // `2024年12月底前`, `2024年底前`: a deadline may end with 底, 末, 前 or 内 in any order.
    let suffix = || nom::multi::many0(one_of("底末前内"));
    let chinese = (
        terminated(year, tag("年")),
        terminated(int, tag("月")),
        opt(terminated(int, alt((tag("日"), tag("号"))))),
        suffix(),
    );
    let year_end = (
        opt(terminated(year, opt(tag("年")))),
        terminated(
            alt((
                tag("年底"),
                tag("年末"),
                tag("年度"),
                tag("底"),
                tag("末"),
                tag("度"),
            )),
            suffix(),
        ),
    );
    let bare_year = terminated(year, (tag("年"), suffix()));
    let (rest, deadline) = alt((
        nom::combinator::map_opt(numeric, |(y, _, m, d)| date_or_month(y, m, d)),
        nom::combinator::map_opt(chinese, |(y, m, d, _)| date_or_month(y, m, d)),
        nom::combinator::map(year_end, |(y, _)| Deadline::YearEnd(y)),
        nom::combinator::map(bare_year, |y| Deadline::YearEnd(Some(y))),
    ))
    .parse(i)?;
    Ok((rest, deadline))
}

fn date_or_month(year: i32, month: u32, day: Option<u32>) -> Option<Deadline> {
    match day {
        Some(day) => chrono::NaiveDate::from_ymd_opt(year, month, day).map(Deadline::Day),
        None => (1..=12)
            .contains(&month)
            .then_some(Deadline::Month { year, month }),
    }
}

impl TargetError {
    /// Moves an offset into folded text back onto the raw text the user wrote.
    fn mapped_to(mut self, raw: &str) -> TargetError {
        self.offset = raw_offset(raw, self.offset);
        self
    }
}

/// The byte offset in `raw` of the character that became byte `folded_offset` of its fold.
pub fn raw_offset(raw: &str, folded_offset: usize) -> usize {
    let mut folded_len = 0;
    for (at, c) in raw.char_indices() {
        if folded_len >= folded_offset {
            return at;
        }
        let mut buf = [0u8; 4];
        folded_len += fold(c.encode_utf8(&mut buf)).len();
    }
    raw.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn operators_are_read_at_the_start_longest_first() {
        let cases = [
            (">=5", Some((Operator::Ge, "5"))),
            ("=>", Some((Operator::Ge, ""))),
            ("<= 3", Some((Operator::Le, " 3"))),
            ("=<", Some((Operator::Le, ""))),
            ("==1", Some((Operator::Eq, "1"))),
            ("= 5", Some((Operator::Eq, " 5"))),
            ("> =", Some((Operator::Gt, " ="))),
            ("<", Some((Operator::Lt, ""))),
            ("≥90", Some((Operator::Ge, "90"))),
            ("不低于90", Some((Operator::Ge, "90"))),
            ("大于或等于", Some((Operator::Ge, ""))),
            ("小于", Some((Operator::Lt, ""))),
            ("5", None),
            (" >=", None),
            ("", None),
            ("以上", None),
        ];
        for (text, expected) in cases {
            let read = operator(text).ok().map(|(rest, op)| (op, rest));
            assert_eq!(read, expected, "{text:?}");
        }
    }

    fn target(cell: &str) -> Target {
        match parse_cell(cell)
            .unwrap_or_else(|e| panic!("{cell}: {e}"))
            .cell
        {
            TargetCell::Target(t) => t,
            TargetCell::Leftover => panic!("{cell}: leftover"),
        }
    }

    fn compare(op: Operator, value: Decimal, unit: Option<&str>) -> Target {
        Target::Compare {
            op,
            value,
            measure: unit.map(Measure::parse),
        }
    }

    #[test]
    fn every_operator_symbol() {
        for (text, op) in [
            (">=", Operator::Ge),
            ("=>", Operator::Ge),
            ("≥", Operator::Ge),
            ("≧", Operator::Ge),
            ("⩾", Operator::Ge),
            ("＞＝", Operator::Ge),
            (">", Operator::Gt),
            ("＞", Operator::Gt),
            ("<=", Operator::Le),
            ("≤", Operator::Le),
            ("≦", Operator::Le),
            ("⩽", Operator::Le),
            ("=<", Operator::Le),
            ("<", Operator::Lt),
            ("＜", Operator::Lt),
            ("=", Operator::Eq),
            ("＝", Operator::Eq),
            ("﹦", Operator::Eq),
            ("==", Operator::Eq),
        ] {
            assert_eq!(parse_operator(text), Some(op), "{text}");
        }
    }

    #[test]
    fn every_operator_word() {
        for (text, op) in [
            ("大于或等于", Operator::Ge),
            ("不低于", Operator::Ge),
            ("不少于", Operator::Ge),
            ("不小于", Operator::Ge),
            ("大于等于", Operator::Ge),
            ("达到", Operator::Ge),
            ("至少", Operator::Ge),
            ("大于", Operator::Gt),
            ("高于", Operator::Gt),
            ("多于", Operator::Gt),
            ("超过", Operator::Gt),
            ("小于或等于", Operator::Le),
            ("不高于", Operator::Le),
            ("不超过", Operator::Le),
            ("不大于", Operator::Le),
            ("不多于", Operator::Le),
            ("小于等于", Operator::Le),
            ("至多", Operator::Le),
            ("小于", Operator::Lt),
            ("低于", Operator::Lt),
            ("少于", Operator::Lt),
            ("等于", Operator::Eq),
        ] {
            assert_eq!(parse_operator(text), Some(op), "{text}");
            assert_eq!(
                target(&format!("{text}95%")),
                compare(op, dec!(95), Some("%")),
                "{text}"
            );
        }
    }

    #[test]
    fn one_cell_targets_from_other_provinces() {
        assert_eq!(target("≥50个"), compare(Operator::Ge, dec!(50), Some("个")));
        assert_eq!(
            target("≤90万元"),
            compare(Operator::Le, dec!(90), Some("万元"))
        );
        assert_eq!(target("=100%"), compare(Operator::Eq, dec!(100), Some("%")));
        assert_eq!(
            target("≥100百分比"),
            compare(Operator::Ge, dec!(100), Some("百分比"))
        );
        assert_eq!(
            target("＞＝ 9 亿元"),
            compare(Operator::Ge, dec!(9), Some("亿元"))
        );
        assert_eq!(
            target("95%以上"),
            compare(Operator::Ge, dec!(95), Some("%"))
        );
        assert_eq!(
            target("5次以内"),
            compare(Operator::Le, dec!(5), Some("次"))
        );
    }

    #[test]
    fn values_with_separators_signs_and_decimals() {
        assert_eq!(
            target(">=5,800,000个"),
            compare(Operator::Ge, dec!(5800000), Some("个"))
        );
        assert_eq!(
            target("<= -5 %"),
            compare(Operator::Le, dec!(-5), Some("%"))
        );
        assert_eq!(
            target(">=0.1万户"),
            compare(Operator::Ge, dec!(0.1), Some("万户"))
        );
        assert_eq!(target("≥１２３"), compare(Operator::Ge, dec!(123), None));
        assert_eq!(target("=－5"), compare(Operator::Eq, dec!(-5), None));
    }

    #[test]
    fn ranges_are_not_negatives_nor_year_spans() {
        let range = |low, high, unit: Option<&str>| Target::Range {
            low,
            high,
            measure: unit.map(Measure::parse),
        };
        assert_eq!(target("10-15个"), range(dec!(10), dec!(15), Some("个")));
        assert_eq!(target("10～15个"), range(dec!(10), dec!(15), Some("个")));
        assert_eq!(target("10 ~ 15"), range(dec!(10), dec!(15), None));
        assert_eq!(target("-5"), compare(Operator::Eq, dec!(-5), None));
        let parsed = parse_cell("2023-2025").unwrap();
        assert_eq!(
            parsed.cell,
            TargetCell::Target(Target::Qualitative("2023-2025".into()))
        );
        assert_eq!(parsed.notes, vec![TargetNote::YearSpan]);
    }

    #[test]
    fn qualitative_targets_keep_their_words() {
        assert_eq!(target("确保稳定"), Target::Qualitative("确保稳定".into()));
        assert_eq!(target("管理规范"), Target::Qualitative("管理规范".into()));
        assert_eq!(target("提升10%"), Target::Qualitative("提升10%".into()));
        let parsed = parse_cell("= 管理规范").unwrap();
        assert_eq!(
            parsed.cell,
            TargetCell::Target(Target::Qualitative("管理规范".into()))
        );
        assert_eq!(parsed.notes, vec![TargetNote::StrayOperator(Operator::Eq)]);
    }

    #[test]
    fn not_applicable_and_leftovers() {
        assert_eq!(target("/"), Target::NotApplicable);
        assert_eq!(target("不适用"), Target::NotApplicable);
        for leftover in ["……", "...", "指标1:", "指标2：", "指标3"] {
            assert_eq!(
                parse_cell(leftover).unwrap().cell,
                TargetCell::Leftover,
                "{leftover}"
            );
        }
    }

    #[test]
    fn unknown_units_are_kept_with_a_note() {
        let parsed = parse_cell(">=3人/次").unwrap();
        assert_eq!(
            parsed.cell,
            TargetCell::Target(compare(Operator::Ge, dec!(3), Some("人/次")))
        );
        assert_eq!(parsed.notes, vec![TargetNote::UnknownUnit("人/次".into())]);
    }

    #[test]
    fn implied_operator_is_reported() {
        let parsed = parse_cell("100%").unwrap();
        assert_eq!(
            parsed.cell,
            TargetCell::Target(compare(Operator::Eq, dec!(100), Some("%")))
        );
        assert_eq!(parsed.notes, vec![TargetNote::ImpliedOperator]);
    }

    #[test]
    fn split_columns_as_in_the_seed() {
        let parsed = parse_split(">=", "0.1", "万户").unwrap();
        assert_eq!(
            parsed.cell,
            TargetCell::Target(compare(Operator::Ge, dec!(0.1), Some("万户")))
        );
        assert!(parsed.notes.is_empty());
        let parsed = parse_split("", "确保稳定", "").unwrap();
        assert_eq!(
            parsed.cell,
            TargetCell::Target(Target::Qualitative("确保稳定".into()))
        );
        // 表16 lines 967-968: a qualitative value with a stray operator and `%`.
        let parsed = parse_split("=", "管理规范", "%").unwrap();
        assert_eq!(
            parsed.cell,
            TargetCell::Target(Target::Qualitative("管理规范".into()))
        );
        assert_eq!(
            parsed.notes,
            vec![
                TargetNote::StrayOperator(Operator::Eq),
                TargetNote::StrayUnit("%".into())
            ]
        );
        let parsed = parse_split("=", "100%", "%").unwrap();
        assert_eq!(
            parsed.cell,
            TargetCell::Target(compare(Operator::Eq, dec!(100), Some("%")))
        );
    }

    #[test]
    fn split_columns_that_disagree_are_errors() {
        let err = parse_split(">=", "<=5", "").unwrap_err();
        assert!(err.to_string().contains("运算符号"), "{err}");
        let err = parse_split(">=", "5个", "万元").unwrap_err();
        assert!(err.to_string().contains("度量单位"), "{err}");
        let err = parse_split("约", "5", "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected an operator (>=, >, <=, <, = or 不低于 …), found `约`"
        );
    }

    #[test]
    fn numbers_beyond_decimal_range_are_errors() {
        let err = parse_cell(">=1e40").unwrap_err();
        assert_eq!(err.offset, 2);
        assert!(err.expected.starts_with("a number within"), "{err}");
        let forty = "1".repeat(40);
        assert!(parse_cell(&format!(">={forty}")).is_err());
        assert!(parse_cell(">=").is_err());
    }

    #[test]
    fn error_offsets_point_into_the_raw_text() {
        // `＞＝` is 6 bytes raw and 2 bytes folded.
        let err = parse_cell("＞＝1e40").unwrap_err();
        assert_eq!(err.offset, "＞＝".len());
    }

    #[test]
    fn a_year_and_month_read_at_once_as_the_grammar_reads_them() {
        for year in ["0000", "1999", "2024", "9999"] {
            for month in 0..100 {
                for cell in [
                    format!("{year}-{month:02}"),
                    format!(" {year}-{month:02}\t"),
                ] {
                    assert_eq!(
                        parse_deadline(&cell),
                        deadline_by_grammar(&cell),
                        "{cell:?}"
                    );
                }
            }
        }
        assert_eq!(
            parse_deadline("2024-12"),
            Some(Deadline::Month {
                year: 2024,
                month: 12
            })
        );
    }

    proptest::proptest! {
        /// A plain number made from its digits is the general parser's, to the scale; any
        /// other text is left to it.
        #[test]
        fn plain_decimals_are_the_parsers(text in "[0-9.,eE+-]{0,24}") {
            if let Some(value) = plain_decimal(&text) {
                let parsed = decimal(&text);
                proptest::prop_assert_eq!(
                    parsed.as_ref().map(Decimal::serialize),
                    Ok(value.serialize()),
                    "{:?}",
                    text
                );
            }
        }

        /// The digits of numbers that fit, with a point anywhere: all read as plain.
        #[test]
        fn plain_decimals_read_every_short_number(digits in "[0-9]{1,18}", point: usize) {
            let mut text = digits.clone();
            if digits.len() > 1 {
                text.insert(1 + point % (digits.len() - 1), '.');
            }
            let value = plain_decimal(&text);
            proptest::prop_assert_eq!(
                value.map(|v| v.serialize()),
                decimal(&text).ok().map(|v| v.serialize()),
                "{:?}",
                text
            );
        }

        /// Operators are found as by folding every cell, cells turned away unfolded or not.
        #[test]
        fn operators_are_found_as_by_folding_every_cell(
            cell in "[ <=>＜＝＞≥≤a1%不低于大小等人产\u{338}\u{3000}]{0,4}",
        ) {
            proptest::prop_assert_eq!(parse_operator(&cell), operator_of_folded(trim(&cell)));
        }

        /// Template text is found as by folding every cell, cells turned away unfolded or not.
        #[test]
        fn leftovers_are_found_as_by_folding_every_cell(
            cell in "[.．…‥。·指标1:：a人<=>\u{338}\u{301}]{0,4}",
        ) {
            proptest::prop_assert_eq!(is_leftover_cell(&cell), is_leftover(&fold(&cell)));
        }

        /// Deadlines of digits read at once are read as the grammar reads them.
        #[test]
        fn dated_deadlines_read_at_once_as_the_grammar_reads_them(
            cell in "(19|20|[0-9]{2})[0-9]{2}-[0-9]{2}(-[0-9]{2})?|[0-9]{4}.[0-9]{2}(.[0-9]{2})? ?",
        ) {
            proptest::prop_assert_eq!(parse_deadline(&cell), deadline_by_grammar(&cell));
        }

        /// Plain numbers read at once are read as the grammar reads them, to the scale.
        #[test]
        fn plain_numbers_read_at_once_as_the_grammar_reads_them(
            text in "[0-9.]{1,32}",
            pad in "[ ]{0,1}",
        ) {
            let cell = format!("{pad}{text}{pad}");
            proptest::prop_assert_eq!(
                format!("{:?}", parse_cell(&cell)),
                format!("{:?}", parse_cell_by_grammar(&cell))
            );
        }

        /// Split targets with a plain number and an operator are made at once as the general
        /// way makes them, notes and scale included; with other values the two ways are one.
        #[test]
        fn split_targets_made_at_once_as_the_general_way_makes_them(
            op in "(>=|≥|不低于|=|<|＞|大于|x|)",
            value in "[0-9.]{1,8}|[0-9.]{1,3}(%|万户)|[<=>]{1,2}[0-9]{1,3}|1-2|完成|/| 7 ",
            unit in "(%|万元|户|件次|斤两|[ ]?|人)",
        ) {
            proptest::prop_assert_eq!(
                format!("{:?}", parse_split(&op, &value, &unit)),
                format!("{:?}", parse_split_with(&op, &value, &unit, false))
            );
        }

        /// Numbers read by their bytes are read as the grammar reads them.
        #[test]
        fn numbers_read_at_once_as_the_grammar_reads_them(text in "[-+0-9.,eE %万a]{0,10}") {
            proptest::prop_assert_eq!(number_text(&text).ok(), number_text_by_grammar(&text).ok());
        }
    }

    #[test]
    fn deadlines_in_every_published_form() {
        let month = Deadline::Month {
            year: 2024,
            month: 12,
        };
        let day = Deadline::Day(chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap());
        assert_eq!(parse_deadline("2024-12"), Some(month));
        assert_eq!(parse_deadline("2024.12"), Some(month));
        assert_eq!(parse_deadline("2024年12月"), Some(month));
        assert_eq!(parse_deadline("2024年12月底"), Some(month));
        assert_eq!(parse_deadline("2024-12-31"), Some(day));
        assert_eq!(parse_deadline("2024年12月31日"), Some(day));
        assert_eq!(
            parse_deadline("2024年底"),
            Some(Deadline::YearEnd(Some(2024)))
        );
        assert_eq!(
            parse_deadline("2024年末"),
            Some(Deadline::YearEnd(Some(2024)))
        );
        assert_eq!(parse_deadline("年底"), Some(Deadline::YearEnd(None)));
        assert_eq!(parse_deadline("年末"), Some(Deadline::YearEnd(None)));
        assert_eq!(parse_deadline("2024-13"), None);
        assert_eq!(parse_deadline("2024-02-30"), None);
        assert_eq!(parse_deadline("管理规范"), None);
    }
}
