//! An indicator result and a project's own keys written straight into the report's buffer: byte
//! for byte what serde_json's pretty printer writes for [`IndicatorResultDoc`] and [`ProjectDoc`]
//! (tested against it), without the serializer's machinery for each of their keys. A province's
//! report writes a million indicators; through serde the keys alone cost more than the values.
//! A string with anything to escape is still escaped by serde_json.

use rust_decimal::Decimal;

use super::{
    CategoryScoreDoc, EmptyCategoryDoc, Fixed2, Indented, IndicatorResultDoc, Iso, ProjectDoc,
    UnitDoc,
};
use crate::eval::Flags;
use crate::model::Deadline;
use crate::model::Target;
use crate::model::decimal::{DecimalText, rescaled_exactly};
use crate::model::json::{DecimalString, IndicatorView, Shown, TargetValue};
use crate::text::{EIGHT_ONES, every_eight, has_byte_below};

/// The depth [`indicator`] is written at in a report: its keys' lines are prepared for it.
const INDICATOR_DEPTH: usize = 4;

/// The depth a unit's indicators are written at, one deeper than a project's.
const UNIT_INDICATOR_DEPTH: usize = INDICATOR_DEPTH + 1;

/// The depth [`project`] is written at in a report, and its `budget_execution`, one deeper.
const PROJECT_DEPTH: usize = 2;
const BUDGET_DEPTH: usize = PROJECT_DEPTH + 1;

/// An object's key, with the lines it starts at [`PROJECT_DEPTH`], [`BUDGET_DEPTH`],
/// [`INDICATOR_DEPTH`] and [`UNIT_INDICATOR_DEPTH`]: the comma, the line break, the indentation
/// and the quoted key in one slice, one copy where there were four.
struct Key {
    name: &'static str,
    project_line: &'static [u8],
    budget_line: &'static [u8],
    line: &'static [u8],
    unit_line: &'static [u8],
}

/// A [`Key`] whose lines are made at compile time.
macro_rules! key {
    ($name:literal) => {
        Key {
            name: $name,
            project_line: concat!(",\n      \"", $name, "\": ").as_bytes(),
            budget_line: concat!(",\n        \"", $name, "\": ").as_bytes(),
            line: concat!(",\n          \"", $name, "\": ").as_bytes(),
            unit_line: concat!(",\n            \"", $name, "\": ").as_bytes(),
        }
    };
}

// The prepared lines indent by the depth of each kind of object's keys, one level in.
const _: () = assert!(key!("").project_line.len() == ",\n".len() + 2 * (PROJECT_DEPTH + 1) + 4);
const _: () = assert!(key!("").budget_line.len() == ",\n".len() + 2 * (BUDGET_DEPTH + 1) + 4);
const _: () = assert!(key!("").line.len() == ",\n".len() + 2 * (INDICATOR_DEPTH + 1) + 4);
const _: () = assert!(key!("").unit_line.len() == ",\n".len() + 2 * (UNIT_INDICATOR_DEPTH + 1) + 4);

/// A JSON object being written at a depth, its keys one level further in.
struct Object<'o> {
    out: &'o mut Vec<u8>,
    depth: usize,
    first: bool,
}

impl<'o> Object<'o> {
    fn open(out: &'o mut Vec<u8>, depth: usize) -> Object<'o> {
        out.push(b'{');
        Object {
            out,
            depth,
            first: true,
        }
    }

    /// A line break and the indentation of `depth` levels, as the serde formatter writes them.
    fn line(out: &mut Vec<u8>, depth: usize) {
        Indented::at(depth)
            .line(out, b"\n")
            .expect("writing to memory cannot fail");
    }

    /// Starts the value of `key`; what is written next is that value. Inlined, as the methods
    /// that call it: the prepared line is then a copy of a size known when compiled, not a call
    /// to `memcpy` (a report's keys were more than a tenth of its instructions).
    #[inline(always)]
    fn key(&mut self, key: Key) -> &mut Vec<u8> {
        let first = std::mem::replace(&mut self.first, false);
        // The prepared line, without its comma for the first key; each copy of a size known
        // when compiled.
        match (self.depth, first) {
            (PROJECT_DEPTH, true) => self.out.extend_from_slice(&key.project_line[1..]),
            (PROJECT_DEPTH, false) => self.out.extend_from_slice(key.project_line),
            (BUDGET_DEPTH, true) => self.out.extend_from_slice(&key.budget_line[1..]),
            (BUDGET_DEPTH, false) => self.out.extend_from_slice(key.budget_line),
            (INDICATOR_DEPTH, true) => self.out.extend_from_slice(&key.line[1..]),
            (INDICATOR_DEPTH, false) => self.out.extend_from_slice(key.line),
            (UNIT_INDICATOR_DEPTH, true) => self.out.extend_from_slice(&key.unit_line[1..]),
            (UNIT_INDICATOR_DEPTH, false) => self.out.extend_from_slice(key.unit_line),
            _ => return self.key_line(key.name, first),
        }
        self.out
    }

    /// [`Object::key`] at any depth.
    #[inline(never)]
    fn key_line(&mut self, name: &str, first: bool) -> &mut Vec<u8> {
        // The comma (after the first key), the line break and the indentation in one piece.
        Indented::at(self.depth + 1)
            .next(self.out, first)
            .expect("writing to memory cannot fail");
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\": ");
        self.out
    }

    /// A value written by `write` (a `Display` text piece by piece), as a JSON string; `scratch`
    /// holds the text.
    #[inline(always)]
    fn text(
        &mut self,
        key: Key,
        write: impl FnOnce(&mut String) -> std::fmt::Result,
        scratch: &mut String,
    ) {
        scratch.clear();
        write(scratch).expect("writing to a String cannot fail");
        self.string(key, scratch);
    }

    /// A deadline's text as a JSON string; a month's laid out by [`month_text`].
    #[inline(always)]
    fn deadline(&mut self, key: Key, deadline: Deadline, scratch: &mut String) {
        match month_text(deadline) {
            Some(text) => self.key(key).extend_from_slice(&text),
            None => self.text(key, |t| deadline.write_text(t), scratch),
        }
    }

    #[inline(always)]
    fn string(&mut self, key: Key, value: &str) {
        let out = self.key(key);
        string(out, value);
    }

    /// One of the program's own labels (a kind, an operator, a status, a flag, a grade): JSON
    /// escapes nothing in any of them (tested), so they are copied without the scan.
    #[inline(always)]
    fn label(&mut self, key: Key, value: &'static str) {
        let out = self.key(key);
        label(out, value);
    }

    #[inline(always)]
    fn optional_label(&mut self, key: Key, value: Option<&'static str>) {
        match value {
            Some(value) => self.label(key, value),
            None => self.key(key).extend_from_slice(b"null"),
        }
    }

    #[inline(always)]
    fn optional_string(&mut self, key: Key, value: Option<&str>) {
        match value {
            Some(value) => self.string(key, value),
            None => self.key(key).extend_from_slice(b"null"),
        }
    }

    #[inline(always)]
    fn decimal(&mut self, key: Key, value: Decimal) {
        let out = self.key(key);
        quoted(out, DecimalText::new(value).as_bytes());
    }

    #[inline(always)]
    fn fixed2(&mut self, key: Key, value: Fixed2) {
        let out = self.key(key);
        fixed2(out, value);
    }

    #[inline(always)]
    fn optional_fixed2(&mut self, key: Key, value: Option<Fixed2>) {
        match value {
            Some(value) => self.fixed2(key, value),
            None => self.key(key).extend_from_slice(b"null"),
        }
    }

    #[inline(always)]
    fn optional_decimal(&mut self, key: Key, value: Option<DecimalString>) {
        match value {
            Some(DecimalString(value)) => self.decimal(key, value),
            None => self.key(key).extend_from_slice(b"null"),
        }
    }

    #[inline(always)]
    fn boolean(&mut self, key: Key, value: bool) {
        let out = self.key(key);
        out.extend_from_slice(if value { b"true" } else { b"false" });
    }

    #[inline(always)]
    fn optional_number(&mut self, key: Key, value: Option<u32>) {
        let out = self.key(key);
        match value {
            Some(value) => out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
    }

    /// An array of `items`, each written by `write` at the depth it is given.
    #[inline(always)]
    fn array<T>(
        &mut self,
        key: Key,
        items: impl IntoIterator<Item = T>,
        mut write: impl FnMut(&mut Vec<u8>, usize, T),
    ) {
        let depth = self.depth + 1;
        let out = self.key(key);
        out.push(b'[');
        let mut empty = true;
        for item in items {
            if !empty {
                out.push(b',');
            }
            empty = false;
            Object::line(out, depth + 1);
            write(out, depth + 1, item);
        }
        if !empty {
            Object::line(out, depth);
        }
        out.push(b']');
    }

    #[inline(always)]
    fn strings<'s>(&mut self, key: Key, values: impl IntoIterator<Item = &'s str>) {
        self.array(key, values, |out, _, value| string(out, value));
    }

    /// Flags as their labels ([`Object::label`]).
    #[inline(always)]
    fn flags(&mut self, key: Key, flags: Flags) {
        self.array(key, flags.iter(), |out, _, flag| label(out, flag.label()));
    }

    /// `{"line": N}`: where an element came from.
    #[inline(always)]
    fn source_line(&mut self, key: Key, line: u32) {
        if self.depth == INDICATOR_DEPTH {
            // The object's opening and closing lines at this depth, prepared.
            let out = self.key(key);
            out.extend_from_slice(b"{\n            \"line\": ");
            out.extend_from_slice(itoa::Buffer::new().format(line).as_bytes());
            out.extend_from_slice(b"\n          }");
            return;
        }
        let depth = self.depth + 1;
        let mut source = Object::open(self.key(key), depth);
        source.optional_number(key!("line"), Some(line));
        source.close();
    }

    /// A table's `categories` and `empty_categories` keys.
    fn categories(&mut self, scored: &[CategoryScoreDoc<'_>], empty: &[EmptyCategoryDoc<'_>]) {
        self.array(key!("categories"), scored, |out, depth, category| {
            let mut c = Object::open(out, depth);
            c.string(key!("level1"), category.level1);
            c.fixed2(key!("weight"), category.weight);
            c.fixed2(key!("score"), category.score);
            c.close();
        });
        self.array(key!("empty_categories"), empty, |out, depth, category| {
            let mut c = Object::open(out, depth);
            c.string(key!("level1"), category.level1);
            c.optional_string(key!("level2"), category.level2);
            if let Some(source) = &category.source {
                c.source_line(key!("source"), source.line);
            }
            c.close();
        });
    }

    #[inline(always)]
    fn count(&mut self, key: Key, value: usize) {
        let out = self.key(key);
        out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }

    fn close(self) {
        if !self.first {
            Object::line(self.out, self.depth);
        }
        self.out.push(b'}');
    }
}

/// `value` as a JSON string, escaped by serde_json.
fn string(out: &mut Vec<u8>, value: &str) {
    // Nearly every string has nothing to escape: it is copied as it is.
    let bytes = value.as_bytes();
    if needs_escape(bytes) {
        escaped(out, value);
    } else {
        quoted(out, bytes);
    }
}

/// [`string`]'s rare way, kept out of line: inlined, serde's writer made every string's call
/// save and restore its registers.
#[cold]
#[inline(never)]
fn escaped(out: &mut Vec<u8>, value: &str) {
    serde_json::to_writer(&mut *out, value).expect("writing to memory cannot fail");
}

/// A label of the program's own, quoted: [`Object::label`].
fn label(out: &mut Vec<u8>, value: &'static str) {
    debug_assert!(!needs_escape(value.as_bytes()), "{value}");
    quoted(out, value.as_bytes());
}

/// Whether `bytes` hold a control character, a `"` or a `\\`: what JSON escapes. Eight bytes a
/// step: a report's strings are a few dozen bytes, too short for a loop the compiler widens.
fn needs_escape(bytes: &[u8]) -> bool {
    let kept = |word: u64| {
        !(has_byte_below(word, 0x20)
            | has_byte_below(word ^ (EIGHT_ONES * u64::from(b'"')), 1)
            | has_byte_below(word ^ (EIGHT_ONES * u64::from(b'\\')), 1))
    };
    !every_eight(bytes, kept, |b| !(b < 0x20 || b == b'"' || b == b'\\'))
}

/// `value`'s two-place text, quoted. A score, weight or rate has at most two decimals and a whole
/// part of a few digits: its text is laid out here in one fixed-size copy, not by
/// [`DecimalText::with_places`] and its copies of a few bytes each.
fn fixed2(out: &mut Vec<u8>, value: Fixed2) {
    let Some(cents) = cents(value.0) else {
        quoted(out, value.text().as_bytes());
        return;
    };
    let (whole, fraction) = (cents / 100, cents % 100);
    let mut digits = 1;
    while digits < MAX_WHOLE_DIGITS && whole >= 10u64.pow(digits as u32) {
        digits += 1;
    }
    let negative = cents != 0 && value.0.is_sign_negative();
    let mut text = [0u8; FIXED2_BYTES];
    text[0] = b'"';
    let start = 1 + usize::from(negative);
    text[1] = b'-';
    let mut rest = whole;
    for digit in text[start..start + digits].iter_mut().rev() {
        *digit = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let point = start + digits;
    text[point] = b'.';
    text[point + 1] = b'0' + (fraction / 10) as u8;
    text[point + 2] = b'0' + (fraction % 10) as u8;
    text[point + 3] = b'"';
    append_prefix(out, &text, point + 4);
}

/// The most whole digits [`fixed2`] lays out itself: with the sign, the point, two decimals and
/// the quotes, [`FIXED2_BYTES`].
const MAX_WHOLE_DIGITS: usize = 10;

/// The longest text [`fixed2`] lays out itself, quoted.
const FIXED2_BYTES: usize = MAX_WHOLE_DIGITS + 6;

/// `value` in hundredths, when it has no digit past two decimals and at most
/// [`MAX_WHOLE_DIGITS`] whole digits. Zero, of any sign, is 0.
fn cents(value: Decimal) -> Option<u64> {
    const LIMIT: u64 = 10u64.pow(MAX_WHOLE_DIGITS as u32 + 2);
    let mantissa = u64::try_from(value.mantissa().unsigned_abs()).ok()?;
    let cents = rescaled_exactly(mantissa, value.scale() as usize, 2)?;
    (cents < LIMIT).then_some(cents)
}

/// Appends the first `len` bytes of `bytes`: a copy of a size known when compiled, then the rest
/// cut off, instead of a call to `memcpy` for a few bytes.
fn append_prefix<const N: usize>(out: &mut Vec<u8>, bytes: &[u8; N], len: usize) {
    let end = out.len() + len;
    out.extend_from_slice(bytes);
    out.truncate(end);
}

/// A month's deadline of a year of four digits at most, quoted (`"2024-12"`): nearly every
/// deadline, laid out without the formatter's pieces and copies.
fn month_text(deadline: Deadline) -> Option<[u8; 9]> {
    let Deadline::Month { year, month } = deadline else {
        return None;
    };
    let year = u32::try_from(year).ok().filter(|&year| year < 10_000)?;
    if month >= 100 {
        return None;
    }
    let digit = |n: u32| b'0' + (n % 10) as u8;
    Some([
        b'"',
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'"',
    ])
}

/// Text that needs no escaping, quoted.
fn quoted(out: &mut Vec<u8>, text: &[u8]) {
    out.reserve(text.len() + 2);
    out.push(b'"');
    out.extend_from_slice(text);
    out.push(b'"');
}

/// Appends `doc` as a pretty JSON object that starts `depth` levels in (its first line is
/// already indented; its keys are one level further in).
pub(super) fn indicator(
    out: &mut Vec<u8>,
    depth: usize,
    doc: &IndicatorResultDoc<'_>,
    scratch: &mut String,
) {
    let mut o = Object::open(out, depth);
    let view = &doc.indicator;
    o.string(key!("id"), view.id);
    o.string(key!("level1"), view.level1);
    o.string(key!("level2"), view.level2);
    o.string(key!("name"), view.name);
    o.label(key!("kind"), view.kind);
    o.optional_label(key!("operator"), view.operator);
    // The value's text, kept for the target's, which holds it again.
    let mut value = Value::None;
    match &view.value {
        Some(TargetValue::Number(number)) => {
            let text = DecimalText::new(*number);
            quoted(o.key(key!("value")), text.as_bytes());
            value = Value::Number(number.serialize(), text);
        }
        Some(TargetValue::Text(text)) => {
            let start = o.key(key!("value")).len();
            string(o.out, text);
            value = Value::Text(text, start..o.out.len());
        }
        None => o.optional_string(key!("value"), None),
    }
    if let Some(DecimalString(high)) = view.high {
        o.decimal(key!("high"), high);
    }
    o.optional_string(key!("measure"), view.measure);
    target(&mut o, view, &value, scratch);
    match view.deadline {
        Some(Shown(deadline)) => o.deadline(key!("deadline"), deadline, scratch),
        None => o.optional_string(key!("deadline"), None),
    }
    if let Some(DecimalString(weight)) = view.weight {
        o.decimal(key!("weight"), weight);
    }
    if let Some(direction) = view.direction {
        o.string(key!("direction"), direction);
    }
    if !view.allow.is_empty() {
        o.strings(key!("allow"), view.allow.iter().map(String::as_str));
    }
    if let Some(source) = &view.source {
        o.source_line(key!("source"), source.line);
    }
    if let Some(DecimalString(weight)) = doc.declared_weight {
        o.decimal(key!("declared_weight"), weight);
    }
    o.string(key!("actual"), doc.actual);
    o.label(key!("status"), doc.status);
    o.flags(key!("flags"), doc.flags.0);
    o.fixed2(key!("weight"), doc.weight);
    o.fixed2(key!("score"), doc.score);
    o.fixed2(key!("rule_score"), doc.rule_score);
    o.optional_fixed2(key!("completion"), doc.completion);
    if let Some(claimed) = doc.claimed {
        o.fixed2(key!("claimed"), claimed);
    }
    if let Some(accepted) = doc.accepted_claimed {
        o.boolean(key!("accepted_claimed"), accepted);
    }
    if let Some(DecimalString(deduction)) = doc.deduction {
        o.decimal(key!("deduction"), deduction);
    }
    o.optional_string(key!("note"), doc.note);
    match &doc.completed {
        Some(Shown(Iso(date))) => o.text(
            key!("completed"),
            |t| Deadline::Day(*date).write_text(t),
            scratch,
        ),
        None => o.optional_string(key!("completed"), None),
    }
    o.optional_number(key!("line"), doc.line);
    o.close();
}

/// An indicator's `value` as written: a number's bits and text, or a text and where its JSON
/// string lies in the report.
enum Value<'a> {
    None,
    Number([u8; 16], DecimalText),
    Text(&'a str, std::ops::Range<usize>),
}

/// The indicator's `target`: its text, as [`Target::write_text`] writes it. A comparison's is
/// laid out from its parts, its number's text the value's when the value is its number; a
/// qualitative target's, its value's text, is a copy of the value's JSON string.
#[inline(always)]
fn target(o: &mut Object<'_>, view: &IndicatorView<'_>, written: &Value<'_>, scratch: &mut String) {
    match view.target.0 {
        Target::Compare { op, value, measure } => {
            let symbol = measure.as_ref().map(|m| m.symbol());
            if !symbol.is_some_and(|s| needs_escape(s.as_bytes())) {
                let fresh;
                let text = match written {
                    Value::Number(bits, text) if *bits == value.serialize() => text,
                    _ => {
                        fresh = DecimalText::new(*value);
                        &fresh
                    }
                };
                let out = o.key(key!("target"));
                out.push(b'"');
                out.extend_from_slice(op.ascii().as_bytes());
                out.push(b' ');
                out.extend_from_slice(text.as_bytes());
                if let Some(symbol) = symbol {
                    out.push(b' ');
                    out.extend_from_slice(symbol.as_bytes());
                }
                out.push(b'"');
                return;
            }
        }
        Target::Qualitative(text) => {
            // The same text is the same JSON string.
            if let Value::Text(value, json) = written
                && std::ptr::eq(*value, text.as_str())
            {
                let json = json.clone();
                o.key(key!("target")).extend_from_within(json);
                return;
            }
        }
        _ => {}
    }
    o.text(key!("target"), |t| view.target.0.write_text(t), scratch);
}

/// Appends a unit (`doc`) as a pretty JSON object that starts `depth` levels in, as serde_json
/// writes [`UnitDoc`] (tested against it): a province's units hold tens of thousands of
/// indicators, and through serde each cost three times what [`indicator`] writes one for.
pub(super) fn unit(out: &mut Vec<u8>, depth: usize, doc: &UnitDoc<'_>, scratch: &mut String) {
    let mut o = Object::open(out, depth);
    o.string(key!("code"), doc.code);
    o.string(key!("name"), doc.name);
    match &doc.overall {
        Some(overall) => {
            let depth = o.depth + 1;
            let mut t = Object::open(o.key(key!("overall")), depth);
            t.string(key!("score"), &overall.score);
            t.label(key!("grade"), overall.grade);
            t.strings(key!("flags"), overall.flags.iter().copied());
            t.categories(&overall.categories, &overall.empty_categories);
            t.array(
                key!("indicators"),
                &overall.indicators,
                |out, depth, doc| indicator(out, depth, doc, scratch),
            );
            t.close();
        }
        None => o.optional_string(key!("overall"), None),
    }
    o.optional_string(key!("project_score"), doc.project_score.as_deref());
    o.count(key!("projects"), doc.projects);
    let depth = o.depth + 1;
    let mut g = Object::open(o.key(key!("grades")), depth);
    let grades = &doc.grades;
    g.count(key!("优"), grades.excellent);
    g.count(key!("良"), grades.good);
    g.count(key!("中"), grades.fair);
    g.count(key!("差"), grades.poor);
    g.close();
    o.close();
}

/// Appends a project's own keys (`doc`) as a pretty JSON object that starts `depth` levels in,
/// as serde_json writes [`ProjectDoc`] (tested against it).
pub(super) fn project(out: &mut Vec<u8>, depth: usize, doc: &ProjectDoc<'_>) {
    let mut o = Object::open(out, depth);
    o.string(key!("id"), doc.id);
    o.string(key!("name"), doc.name);
    o.string(key!("unit"), doc.unit);
    o.optional_decimal(key!("budget"), doc.budget);
    o.fixed2(key!("score"), doc.score);
    o.label(key!("grade"), doc.grade);
    o.flags(key!("flags"), doc.flags.0);
    o.categories(&doc.categories, &doc.empty_categories);
    let budget = &doc.budget_execution;
    let depth = o.depth + 1;
    let mut b = Object::open(o.key(key!("budget_execution")), depth);
    b.optional_decimal(key!("budget"), budget.budget);
    b.boolean(key!("adjusted"), budget.adjusted);
    b.optional_decimal(key!("spent"), budget.spent);
    b.optional_fixed2(key!("rate"), budget.rate);
    b.fixed2(key!("points"), budget.points);
    b.fixed2(key!("score"), budget.score);
    b.fixed2(key!("rule_score"), budget.rule_score);
    b.label(key!("status"), budget.status);
    b.flags(key!("flags"), budget.flags.0);
    b.string(key!("actual"), budget.actual);
    if let Some(claimed) = budget.claimed {
        b.fixed2(key!("claimed"), claimed);
    }
    if let Some(accepted) = budget.accepted_claimed {
        b.boolean(key!("accepted_claimed"), accepted);
    }
    b.optional_string(key!("note"), budget.note);
    b.optional_number(key!("line"), budget.line);
    b.close();
    o.close();
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use proptest::strategy::Strategy as _;
    use rust_decimal::Decimal;
    use serde::Serialize;

    use super::super::{BudgetDoc, GradesDoc, Labels, LineDoc, OverallDoc};
    use super::*;
    use crate::eval::{Flag, Flags};
    use crate::model::json::IndicatorView;
    use crate::model::{Direction, Indicator, Measure, Operator, Provenance, Target};

    fn indicator(target: Target) -> Indicator {
        Indicator {
            id: "xm-1".into(),
            level1: "产出指标".into(),
            level2: "数量指标".into(),
            name: "名称 \"引号\"\n换行\t\u{1}".into(),
            target,
            deadline: None,
            direction: None,
            weight: None,
            allow: Default::default(),
            source: None,
        }
    }

    /// Every target kind, with and without each optional field of the model.
    fn indicators() -> Vec<Indicator> {
        let targets = [
            Target::Compare {
                op: Operator::Ge,
                value: Decimal::new(-5, 3),
                measure: Measure::known("万户"),
            },
            Target::Compare {
                op: Operator::Lt,
                value: Decimal::from(90000),
                measure: None,
            },
            Target::Range {
                low: Decimal::from(10),
                high: Decimal::new(155, 1),
                measure: Measure::known("个"),
            },
            Target::Qualitative("达到\"预期\"\\目标".to_owned()),
            Target::NotApplicable,
        ];
        let mut all = Vec::new();
        for target in targets {
            let bare = indicator(target);
            let mut full = bare.clone();
            full.deadline = Some(Deadline::Month {
                year: 2024,
                month: 6,
            });
            full.direction = Some(Direction::Lower);
            full.weight = Some(Decimal::new(125, 1));
            full.allow = vec!["unit-slip".to_owned(), "引号\"".to_owned()].into();
            full.source = Some(Provenance {
                line: 86467,
                start: 0,
                end: 0,
            });
            let mut day = bare.clone();
            day.deadline = NaiveDate::from_ymd_opt(2024, 11, 30).map(Deadline::Day);
            let mut year_end = bare.clone();
            year_end.deadline = Some(Deadline::YearEnd(None));
            all.extend([bare, full, day, year_end]);
        }
        all
    }

    fn docs(indicator: &Indicator) -> Vec<IndicatorResultDoc<'_>> {
        let flags = [
            Flags::default(),
            Flags::from([Flag::Over]),
            Flags::from([Flag::Over, Flag::NeedsNote]),
        ];
        let mut docs = Vec::new();
        for (k, flags) in flags.iter().enumerate() {
            let filled = k > 0;
            docs.push(IndicatorResultDoc {
                indicator: IndicatorView::without_weight(indicator),
                declared_weight: indicator.weight.map(DecimalString),
                actual: if filled {
                    "6264.8平方米 \"约\""
                } else {
                    ""
                },
                status: "达标",
                flags: Labels(*flags),
                weight: Fixed2(Decimal::new(834, 2)),
                score: Fixed2(-Decimal::new(0, 0)),
                rule_score: Fixed2(Decimal::new(75, 1)),
                completion: filled.then(|| Fixed2(Decimal::new(15280, 2))),
                claimed: filled.then(|| Fixed2(Decimal::from(8))),
                accepted_claimed: [None, Some(true), Some(false)][k],
                deduction: filled.then(|| DecimalString(Decimal::new(5, 1))),
                note: filled.then_some("因会签流程较长\r\n部分事项延至次年"),
                completed: NaiveDate::from_ymd_opt(2024, 11, 8)
                    .filter(|_| filled)
                    .map(|d| Shown(Iso(d))),
                line: filled.then_some(40202),
            });
        }
        docs
    }

    fn fixed2_written(value: Decimal) -> String {
        let mut out = Vec::new();
        let mut o = Object::open(&mut out, 0);
        o.fixed2(key!("score"), Fixed2(value));
        o.close();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn fixed2_values_of_few_digits_get_their_leading_zeros() {
        for (mantissa, scale, text) in [
            (5, 2, "0.05"),
            (-5, 2, "-0.05"),
            (50, 3, "0.05"),
            (12, 2, "0.12"),
            (5, 1, "0.50"),
            (0, 2, "0.00"),
            (-1, 0, "-1.00"),
            (1005, 3, "1.005"),
            (999_999_999_999, 2, "9999999999.99"),
            (1_000_000_000_000, 2, "10000000000.00"),
            (-999_999_999_999, 2, "-9999999999.99"),
        ] {
            let expected = format!("{{\n  \"score\": \"{text}\"\n}}");
            assert_eq!(fixed2_written(Decimal::new(mantissa, scale)), expected);
        }
        // A negative zero is written without its sign, at any scale.
        for scale in 0..=4 {
            // `from_parts` and `new` clear a zero's sign; negating keeps it.
            let zero = -Decimal::new(0, scale);
            assert!(zero.is_sign_negative());
            assert_eq!(fixed2_written(zero), "{\n  \"score\": \"0.00\"\n}");
        }
    }

    /// A month's deadline is written as its `write_text`, quoted, for every year of four digits
    /// and every month of two, and the years and months around them.
    #[test]
    fn month_deadlines_are_their_text() {
        let mut laid_out = 0;
        for year in -20..10_020 {
            for month in (0..=13).chain([99, 100, 101, u32::MAX]) {
                let deadline = Deadline::Month { year, month };
                let mut written = Vec::new();
                let mut o = Object::open(&mut written, INDICATOR_DEPTH);
                o.deadline(key!("deadline"), deadline, &mut String::new());
                o.close();
                let mut expected = Vec::new();
                let mut o = Object::open(&mut expected, INDICATOR_DEPTH);
                o.string(key!("deadline"), &deadline.to_string());
                o.close();
                assert_eq!(written, expected, "{year}-{month}");
                laid_out += usize::from(month_text(deadline).is_some());
            }
        }
        assert_eq!(laid_out, 10_000 * 15);
        assert_eq!(
            month_text(Deadline::YearEnd(Some(2024))),
            None,
            "only months are laid out"
        );
    }

    proptest::proptest! {
        /// A score or weight is written as its two-place text, quoted, whatever its scale and sign.
        #[test]
        fn fixed2_values_are_their_two_place_text(
            mantissa in proptest::prop_oneof![
                -1_000i64..1_000,
                proptest::num::i64::ANY,
                // About the most whole digits laid out directly, at each scale.
                (
                    proptest::sample::select(vec![
                        10i64.pow(10), 10i64.pow(11), 10i64.pow(12), 10i64.pow(13)
                    ]),
                    -120i64..120,
                    proptest::bool::ANY,
                )
                    .prop_map(|(edge, off, negative)| {
                        if negative { -(edge + off) } else { edge + off }
                    }),
            ],
            scale in proptest::prop_oneof![0u32..=3, 0u32..=12],
            wide: bool,
        ) {
            // Beyond 64 bits too: the text then comes from the decimal's own path.
            let value = if wide {
                Decimal::from_i128_with_scale(i128::from(mantissa) * 1_000_000_007, scale)
            } else {
                Decimal::new(mantissa, scale)
            };
            let expected = format!("{{\n  \"score\": \"{}\"\n}}", Fixed2(value).text().as_str());
            proptest::prop_assert_eq!(fixed2_written(value), expected);
        }

        /// The eight-byte check finds what a byte-by-byte one finds, wherever the byte is.
        #[test]
        fn needs_escape_is_the_byte_by_byte_check(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    1 => proptest::num::u8::ANY,
                    // Mostly bytes JSON keeps, so that most texts need no escape.
                    6 => 0x20u8..=0xff,
                    2 => proptest::sample::select(vec![0x1f, 0x20, b'"', b'\\', b'!', b'[', b']', 0x7f, 0x80, 0xe4, 0xa2]),
                ],
                0..40,
            ),
        ) {
            let expected = bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
            proptest::prop_assert_eq!(needs_escape(&bytes), expected);
        }
    }

    /// Every label [`Object::label`] copies without the scan: JSON escapes nothing in them.
    #[test]
    fn labels_need_no_escape() {
        use crate::eval::{Grade, Status};
        let indicators = indicators();
        let mut labels: Vec<&str> = Vec::new();
        labels.extend(Status::ALL.map(Status::label));
        labels.extend(Flag::ALL.map(Flag::label));
        labels.extend(Grade::ALL.map(Grade::label));
        labels.extend(Operator::ALL.map(Operator::ascii));
        labels.extend(indicators.iter().map(|i| IndicatorView::new(i).kind));
        assert_eq!(labels.len(), 5 + 6 + 4 + 5 + 5 * 4);
        for label in labels {
            assert!(!needs_escape(label.as_bytes()), "{label}");
        }
    }

    proptest::proptest! {
        /// A comparison's target, laid out from its parts, and a qualitative one, copied from
        /// the value's string, are written as serde writes them: whatever the number, operator,
        /// measure and text, and when the view's value is not the target's (another scale,
        /// another text).
        #[test]
        fn targets_are_written_as_serde_writes_them(
            mantissa in proptest::prop_oneof![-1_000i64..1_000, proptest::num::i64::ANY],
            scale in 0u32..=12,
            op in proptest::sample::select(Operator::ALL.to_vec()),
            measure in proptest::sample::select(vec![None, Some("万户"), Some("个"), Some("%")]),
            text in "[a-z\"\\\\\n\u{1}达标 ]{0,12}",
            other: bool,
        ) {
            let value = Decimal::new(mantissa, scale);
            let targets = [
                Target::Compare { op, value, measure: measure.and_then(Measure::known) },
                Target::Qualitative(text.clone()),
            ];
            for target in targets {
                let indicator = indicator(target);
                let mut doc = docs(&indicator).remove(1);
                if other {
                    doc.indicator.value = match doc.indicator.value {
                        Some(TargetValue::Number(_)) => {
                            let mut rescaled = value;
                            rescaled.rescale(scale + 1);
                            Some(TargetValue::Number(rescaled))
                        }
                        // The same text elsewhere: its string is the same.
                        Some(TargetValue::Text(_)) => Some(TargetValue::Text(&text)),
                        None => None,
                    };
                }
                for depth in [0, INDICATOR_DEPTH, UNIT_INDICATOR_DEPTH] {
                    let (written, expected) = both_ways(&doc, depth, |out, depth, doc| {
                        super::indicator(out, depth, doc, &mut String::new());
                    });
                    proptest::prop_assert_eq!(written, expected);
                }
            }
        }
    }

    /// Projects with and without each optional key, empty and full arrays, texts to escape.
    fn projects() -> Vec<ProjectDoc<'static>> {
        let budget = |k: usize| BudgetDoc {
            budget: (k > 0).then_some(DecimalString(Decimal::new(7500, 2))),
            adjusted: k == 2,
            spent: (k > 0).then_some(DecimalString(Decimal::new(384, 1))),
            rate: (k > 0).then_some(Fixed2(Decimal::new(512, 1))),
            points: Fixed2(Decimal::TEN),
            score: Fixed2(Decimal::new(512, 2)),
            rule_score: Fixed2(-Decimal::new(0, 2)),
            status: "未达标",
            flags: Labels(
                [
                    Flags::default(),
                    Flags::from([Flag::Over]),
                    Flags::from([Flag::Over, Flag::NeedsNote]),
                ][k],
            ),
            actual: ["", "384,000元", "约\"四十\"万\n元"][k],
            claimed: (k > 0).then_some(Fixed2(Decimal::from(9))),
            accepted_claimed: [None, Some(true), Some(false)][k],
            note: (k == 2).then_some("因会签\t流程较长"),
            line: (k > 0).then_some(40210),
        };
        (0..3)
            .map(|k| ProjectDoc {
                id: ["558001-b1a60cf7", "p\"1", "p-2"][k],
                name: ["鞍山市高端装备制造奖励专项经费", "名称\\", ""][k],
                unit: "558001",
                budget: (k != 1).then_some(DecimalString(Decimal::new(-5, 3))),
                score: Fixed2(Decimal::new(9436, 2)),
                grade: "优",
                flags: Labels(
                    [
                        Flags::default(),
                        Flags::from([Flag::Over]),
                        Flags::from([Flag::Late, Flag::NeedsNote]),
                    ][k],
                ),
                categories: (0..k)
                    .map(|i| CategoryScoreDoc {
                        level1: ["产出指标", "效益\"指标"][i],
                        weight: Fixed2(Decimal::new(50, 0)),
                        score: Fixed2(Decimal::new(4924, 2)),
                    })
                    .collect(),
                empty_categories: (0..k)
                    .map(|i| EmptyCategoryDoc {
                        level1: "满意度指标",
                        level2: (i == 0).then_some("服务对象满意度指标"),
                        source: (i == 1).then_some(LineDoc { line: 86467 }),
                    })
                    .collect(),
                budget_execution: budget(k),
            })
            .collect()
    }

    /// `doc` as serde_json's pretty printer writes it `depth` levels in, and as `write` does.
    fn both_ways<T: Serialize>(
        doc: &T,
        depth: usize,
        write: impl FnOnce(&mut Vec<u8>, usize, &T),
    ) -> (String, String) {
        let mut expected = Vec::new();
        let mut serializer =
            serde_json::Serializer::with_formatter(&mut expected, Indented::at(depth));
        doc.serialize(&mut serializer).unwrap();
        let mut written = Vec::new();
        write(&mut written, depth, doc);
        (
            String::from_utf8(written).unwrap(),
            String::from_utf8(expected).unwrap(),
        )
    }

    #[test]
    fn a_project_is_written_as_serde_writes_it_at_any_depth() {
        let mut checked = 0;
        for project in projects() {
            for depth in [0, 1, 2, 3, 4, 30, 31, 40] {
                let (written, expected) = both_ways(&project, depth, super::project);
                assert_eq!(written, expected, "{} at depth {depth}", project.id);
                checked += 1;
            }
        }
        assert_eq!(checked, 3 * 8);
    }

    /// Units without a table and with one: empty and full arrays, every indicator kind, texts
    /// to escape, counts of several digits.
    fn units(indicators: &[Indicator]) -> Vec<UnitDoc<'_>> {
        let mut projects = projects();
        let tables = [0, 1, 2].map(|k: usize| OverallDoc {
            score: ["0.00", "96.65", "-0.50"][k].to_owned(),
            grade: ["差", "优", "良"][k],
            flags: [vec![], vec!["超额"], vec!["超额", "须说明\\"]][k].clone(),
            categories: std::mem::take(&mut projects[k].categories),
            empty_categories: std::mem::take(&mut projects[k].empty_categories),
            indicators: indicators.iter().take(3 * k * k).flat_map(docs).collect(),
        });
        let mut units = vec![UnitDoc {
            code: "558001",
            name: "沈阳市\"工业\"和信息化局",
            overall: None,
            project_score: None,
            projects: 0,
            grades: GradesDoc::new(&crate::eval::GradeCounts([0; 4])),
        }];
        for (k, table) in tables.into_iter().enumerate() {
            units.push(UnitDoc {
                code: ["558101", "u\n2", ""][k],
                name: "本级",
                overall: Some(table),
                project_score: (k > 0).then(|| "88.10".to_owned()),
                projects: [1, 57, 123_456][k],
                grades: GradesDoc::new(&crate::eval::GradeCounts([k, 10 * k, 0, 1000])),
            });
        }
        units
    }

    #[test]
    fn a_unit_is_written_as_serde_writes_it_at_any_depth() {
        let indicators = indicators();
        let mut scratch = String::new();
        let mut checked = 0;
        for unit in units(&indicators) {
            for depth in [0, 1, 2, 3, 4, 30, 31, 40] {
                let (written, expected) = both_ways(&unit, depth, |out, depth, unit| {
                    super::unit(out, depth, unit, &mut scratch);
                });
                assert_eq!(written, expected, "{} at depth {depth}", unit.code);
                checked += 1;
            }
        }
        assert_eq!(checked, 4 * 8);
    }

    #[test]
    fn an_indicator_is_written_as_serde_writes_it_at_any_depth() {
        let indicators = indicators();
        let mut scratch = String::new();
        let mut checked = 0;
        for indicator in &indicators {
            for doc in docs(indicator) {
                // 30 and 31: the last depth whose keys' lines are one slice, and the first past it.
                for depth in [0, 1, 4, 5, 6, 30, 31, 40] {
                    let (written, expected) = both_ways(&doc, depth, |out, depth, doc| {
                        super::indicator(out, depth, doc, &mut scratch);
                    });
                    assert_eq!(written, expected, "{} at depth {depth}", indicator.target);
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 5 * 4 * 3 * 8);
    }
}
