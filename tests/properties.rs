//! Property tests: the laws that tie the printers, the parsers and the units together.
//!
//! Each test is named after its law. Case counts stay modest so the suite stays fast, and no
//! regression files are written: a failure prints its minimal counterexample instead.

use chrono::NaiveDate;
use kpi::model::id::{self, IdAllocator};
use kpi::model::{
    BudgetLine, Category, Deadline, Department, Direction, Indicator, Measure, Operator, Project,
    Target, Unit,
};
use kpi::syntax::spec;
use kpi::syntax::target::{TargetCell, parse_cell, parse_deadline, parse_operator, parse_split};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// 256 cases a test, or `PROPTEST_CASES` when set (for a longer hunt).
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------------------------

/// Units a target may carry: known ones (with prefixes and alternative spellings) and a few
/// `kpi` does not know, which are kept as written.
const MEASURES: &str = "个 家 户 万户 亿户 人次 万人次 元 万元 亿元 % 百分比 百分点 平方米 平米 公里 \
    千克 吨 小时 天 月 个月 年 次 人/次 企业 亩 人·次";

/// The words of a list written as one line.
fn words(list: &'static str) -> Vec<&'static str> {
    list.split_whitespace().collect()
}

fn measure() -> impl Strategy<Value = Option<Measure>> {
    option::of(select(words(MEASURES)).prop_map(Measure::parse))
}

/// Exact values: small integers, 4-digit years, up to 4 fraction digits over the whole `i64`
/// range, and the full 96-bit mantissa of `Decimal` (the largest values there are).
fn decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (-1000i64..=1000).prop_map(Decimal::from),
        (1900i64..=2100).prop_map(Decimal::from),
        (any::<i64>(), 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
        (any::<[u32; 3]>(), any::<bool>(), 0u32..=4).prop_map(
            |([lo, mid, hi], negative, scale)| {
                Decimal::from_parts(lo, mid, hi, negative, scale)
            }
        ),
    ]
}

fn compare() -> impl Strategy<Value = Target> {
    (select(&Operator::ALL[..]), decimal(), measure())
        .prop_map(|(op, value, measure)| Target::Compare { op, value, measure })
}

fn range() -> impl Strategy<Value = Target> {
    (decimal(), decimal(), measure()).prop_map(|(a, b, measure)| Target::Range {
        low: a.min(b),
        high: a.max(b),
        measure,
    })
}

/// Realistic words of qualitative targets (定性指标).
const WORDS: &str = "确保稳定 管理规范 效果明显 提升 持续改善 逐步完善 显著增强 良好 较好 按时完成 \
    符合要求 有效 明显提高 稳步推进 全部公开 制度有效 群众满意 全面落实 达到预期 高于上年 不低于上年 \
    超过预期";

/// Operator words of the grammar (`grammar/target.ebnf`). A cell that starts with one is read
/// as an operator in front of words (`达到预期` is `>=` beside `预期`), so such a text does not
/// print back as itself: that reading is right, and such texts are no qualitative targets for
/// the round trip.
const OPERATOR_WORDS: &str = "大于或等于 大于等于 不低于 不少于 不小于 达到 至少 \
    小于或等于 小于等于 不高于 不超过 不大于 不多于 至多 大于 高于 多于 超过 小于 低于 少于 等于";

/// A qualitative text that reads as nothing else: CJK words joined plainly or by `、`, never a
/// number, an operator, `不适用`, `/` or a template leftover (the words hold no digits, no `/`
/// and no `指标`), and never starting with an operator word (see [`OPERATOR_WORDS`]).
fn qualitative_text() -> impl Strategy<Value = String> {
    (vec(select(words(WORDS)), 1..=3), select(&["", "、"][..]))
        .prop_map(|(picked, sep)| picked.join(sep))
        .prop_filter("reads as an operator beside words", |text| {
            !words(OPERATOR_WORDS).iter().any(|w| text.starts_with(w))
        })
}

/// Whether a range reads as a span of years (`2023~2025`): two 4-digit years from 1900 to 2100,
/// the second larger, with no unit or `年`. The grammar reads it as a qualitative target on
/// purpose, so it is no range for the round trip.
fn is_year_span(target: &Target) -> bool {
    let year = |d: &Decimal| d.to_string().len() == 4 && (dec!(1900)..=dec!(2100)).contains(d);
    match target {
        Target::Range { low, high, measure } => {
            year(low)
                && year(high)
                && low < high
                && measure.as_ref().is_none_or(|m| m.symbol() == "年")
        }
        _ => false,
    }
}

/// A target whose one-cell form reads back as itself.
fn cell_target() -> impl Strategy<Value = Target> {
    prop_oneof![
        3 => compare(),
        2 => range().prop_filter("a span of years reads as qualitative", |t| !is_year_span(t)),
        2 => qualitative_text().prop_map(Target::Qualitative),
        1 => Just(Target::NotApplicable),
    ]
}

/// Days of the years a 4-digit year field holds (0000 to 9999).
fn day() -> impl Strategy<Value = NaiveDate> {
    (0i32..=9999, 1u32..=366).prop_filter_map("no such day", |(y, d)| NaiveDate::from_yo_opt(y, d))
}

/// Deadlines of every form, in the years a 4-digit year field holds (0000 to 9999).
fn deadline() -> impl Strategy<Value = Deadline> {
    prop_oneof![
        (0i32..=9999, 1u32..=12).prop_map(|(year, month)| Deadline::Month { year, month }),
        day().prop_map(Deadline::Day),
        option::of(0i32..=9999).prop_map(Deadline::YearEnd),
    ]
}

/// Names as tables give them: CJK words, ASCII, and what the spec must quote and escape (quotes,
/// backslashes, `#`, tabs, line breaks), plus any character at all.
fn name() -> impl Strategy<Value = String> {
    const ESCAPED: &[&str] = &[
        "\"", "\\", "#", "\t", " ", "\\\"", "\\n", "# ", "\"#", "\n", "\r",
    ];
    let piece = prop_oneof![
        select(ESCAPED).prop_map(String::from),
        select(words(WORDS)).prop_map(String::from),
        select(words("（中小） “三公” a Z 0 - ~ % >= 不适用 /")).prop_map(String::from),
        "[a-z0-9 ]{1,4}",
        any::<char>().prop_map(String::from),
    ];
    vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

/// A target as a spec writes it: any text may be qualitative there (it is quoted), and a span of
/// years is a range.
fn spec_target() -> impl Strategy<Value = Target> {
    prop_oneof![
        3 => compare(),
        2 => range(),
        2 => name().prop_map(Target::Qualitative),
        1 => Just(Target::NotApplicable),
    ]
}

fn category_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(&["产出指标", "效益指标", "满意度指标", "数量指标", "质量指标"][..])
            .prop_map(String::from),
        1 => name(),
    ]
}

/// An indicator with an empty id; [`department`] gives it one.
fn indicator() -> impl Strategy<Value = Indicator> {
    (
        (category_name(), category_name(), name()),
        spec_target(),
        option::of(deadline()),
        option::of(decimal()),
        option::of(select(vec![
            Direction::Higher,
            Direction::Lower,
            Direction::Exact,
        ])),
        vec("[a-z][a-z0-9-]{0,12}", 0..=2),
    )
        .prop_map(
            |((level1, level2, name), target, deadline, weight, direction, allow)| Indicator {
                id: Box::default(),
                level1: level1.into(),
                level2: level2.into(),
                name: name.into(),
                target,
                deadline,
                direction,
                weight,
                allow: allow.into(),
                source: None,
            },
        )
}

fn empty_category() -> impl Strategy<Value = Category> {
    (category_name(), option::of(category_name())).prop_map(|(level1, level2)| Category {
        level1,
        level2,
        source: None,
    })
}

fn unit() -> impl Strategy<Value = Unit> {
    (
        "[0-9]{6}",
        name(),
        option::of(name()),
        vec(
            (name(), decimal()).prop_map(|(name, amount)| BudgetLine { name, amount }),
            0..=2,
        ),
        vec(indicator(), 0..=4),
        vec(empty_category(), 0..=1),
    )
        .prop_map(
            |(code, name, goal, budget_lines, indicators, empty_categories)| Unit {
                allow: Default::default(),
                code,
                name,
                goal,
                budget_lines,
                indicators,
                empty_categories,
                source: None,
            },
        )
}

/// A project with an empty id and implementing unit; [`department`] gives it both.
fn project() -> impl Strategy<Value = (Index, Project)> {
    (
        any::<Index>(),
        name(),
        option::of(decimal()),
        option::of(name()),
        vec(indicator(), 0..=4),
        vec(empty_category(), 0..=1),
    )
        .prop_map(|(unit, name, budget, goal, indicators, empty_categories)| {
            let project = Project {
                allow: Default::default(),
                id: String::new(),
                name,
                unit: String::new(),
                budget,
                goal,
                indicators,
                empty_categories,
                source: None,
            };
            (unit, project)
        })
}

/// A small department whose every project and indicator has an id, derived as the importers
/// derive them and made unique the same way.
fn department() -> impl Strategy<Value = Department> {
    (
        name(),
        option::of(any::<i32>()),
        vec(unit(), 1..=2),
        vec(project(), 1..=3),
    )
        .prop_map(|(name, year, mut units, projects)| {
            let mut ids = IdAllocator::default();
            for unit in &mut units {
                for ind in &mut unit.indicators {
                    ind.id = ids
                        .unique(id::unit_indicator_id(
                            &unit.code,
                            &ind.level1,
                            &ind.level2,
                            &ind.name,
                        ))
                        .into();
                }
            }
            let projects = projects
                .into_iter()
                .map(|(unit, mut project)| {
                    project.unit = unit.get(&units).code.clone();
                    project.id = ids.unique(id::project_id(&project.unit, &project.name));
                    for ind in &mut project.indicators {
                        ind.id = ids
                            .unique(id::project_indicator_id(
                                &project.id,
                                &ind.level1,
                                &ind.level2,
                                &ind.name,
                            ))
                            .into();
                    }
                    project
                })
                .collect();
            Department {
                allow: Default::default(),
                name,
                year,
                units,
                projects,
            }
        })
}

/// Text made of the grammar's own pieces, so that the parsers get past their first character.
fn target_noise() -> impl Strategy<Value = String> {
    let pieces = words(
        "0 1 5 9 12 2024 >= <= > < = == => ≥ ≤ ＞ ＝ 不低于 大于 以上 以内 % ％ - － ~ ～ 〜 — 至 \
         , . e E + 个 万 万元 人/次 年 月 日 底 末 / 不适用 确保稳定 提升 指标 … １ ² \u{0} \u{301}",
    )
    .into_iter()
    .chain([" ", "\u{3000}"])
    .collect::<Vec<_>>();
    vec(select(pieces), 0..12).prop_map(|p| p.concat())
}

/// A spec that passes its first statement, with statements made of the spec's own pieces.
fn spec_noise() -> impl Strategy<Value = String> {
    let pieces = words(
        "department year unit project goal line budget category indicator by weight direction \
         allow higher 558001 558001-x \" \"a\" \"产出指标\" \\ \\\" # \r >= = 100 -5 1e40 ~ % 万元 \
         不适用 / 2024-12 年底 ＞＝ １２ “",
    )
    .into_iter()
    .chain([" ", "  ", "\t", "\r"])
    .collect::<Vec<_>>();
    let line = vec(select(pieces), 0..10).prop_map(|p| p.join(" "));
    (any::<bool>(), vec(line, 0..10)).prop_map(|(magic, lines)| {
        let mut text = if magic {
            "kpi-spec 1\n".to_owned()
        } else {
            String::new()
        };
        text.push_str(&lines.join("\n"));
        text
    })
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), target_noise()]
}

// ---------------------------------------------------------------------------------------------
// Laws.
// ---------------------------------------------------------------------------------------------

/// Count units with their prefixes, and money: each family converts within itself.
const COUNT: &[&str] = &["户", "万户", "亿户", "人次", "万人次"];
const MONEY: &[&str] = &["元", "万元", "亿元"];

fn known(symbol: &str) -> Measure {
    Measure::known(symbol).unwrap_or_else(|| panic!("{symbol} should be a known unit"))
}

/// Three units of one family (count or money).
fn same_dimension() -> impl Strategy<Value = (Measure, Measure, Measure)> {
    select(&[COUNT, MONEY][..]).prop_flat_map(|family| {
        (select(family), select(family), select(family))
            .prop_map(|(a, b, c)| (known(a), known(b), known(c)))
    })
}

/// A value whose conversion by any power of ten from 10^-8 to 10^8 fits `Decimal` exactly.
fn exact_value() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s))
}

fn check_error_offset(input: &str, offset: usize) -> Result<(), TestCaseError> {
    prop_assert!(
        offset <= input.len(),
        "offset {offset} beyond the input `{input:?}` ({} bytes)",
        input.len()
    );
    prop_assert!(
        input
            .trim()
            .is_char_boundary(offset.min(input.trim().len())),
        "offset {offset} inside a character of `{input:?}`"
    );
    Ok(())
}

/// A spec error names a line of the input and a span inside that line, and renders.
fn check_spec_error(text: &str, error: &kpi::error::LocatedError) -> Result<(), TestCaseError> {
    let lines = text.split('\n').count().max(1);
    prop_assert!(
        (1..=lines).contains(&error.line),
        "line {} of {lines}",
        error.line
    );
    let (start, end) = error.span;
    prop_assert!(
        start <= end && end <= error.line_text.len(),
        "span {start}..{end} beyond the line `{:?}`",
        error.line_text
    );
    prop_assert!(
        error.line_text.is_char_boundary(start) && error.line_text.is_char_boundary(end),
        "span {start}..{end} inside a character of `{:?}`",
        error.line_text
    );
    prop_assert!(error.line_text.len() <= text.len());
    let mut rendered = String::new();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    prop_assert!(handler.render_report(&mut rendered, error).is_ok());
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// parse(print(t)) == t: the canonical one-cell form is what `kpi` writes into spreadsheets,
    /// messages and specs; if reading it back changed a target, an export and re-import would
    /// silently move the goalposts.
    #[test]
    fn target_cell_round_trips(target in cell_target()) {
        let text = target.to_string();
        let parsed = parse_cell(&text).map_err(|e| {
            TestCaseError::fail(format!("`{text}` does not parse: {e} at {}", e.offset))
        })?;
        prop_assert_eq!(parsed.cell, TargetCell::Target(target), "printed as `{}`", text);
    }

    /// parse_deadline(print(d)) == d: deadlines are printed into specs (`by 2024-12`) and must
    /// come back as the same last day, or lateness would be judged against another date.
    #[test]
    fn deadline_round_trips(deadline in deadline()) {
        let text = deadline.to_string();
        prop_assert_eq!(parse_deadline(&text), Some(deadline), "printed as `{}`", text);
    }

    /// a→b→a == id: a unit conversion is exact (scoring.md S8); `0.1 万户` compared against
    /// `1000 户` must be equal, never off by a rounding.
    #[test]
    fn unit_conversion_round_trips(v in exact_value(), (a, b, _c) in same_dimension()) {
        let there = a.convert(v, &b).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = b.convert(there, &a).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, v, "{} {} → {} {} → {}", v, a, there, b, a);
    }

    /// a→b→c == a→c: converting through an intermediate unit changes nothing, so where the
    /// evaluation normalises (actual to target unit, or both to a base) does not matter.
    #[test]
    fn unit_conversion_composes(v in exact_value(), (a, b, c) in same_dimension()) {
        let via = a
            .convert(v, &b)
            .and_then(|x| b.convert(x, &c))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let direct = a.convert(v, &c).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(via, direct, "{} {} via {} into {}", v, a, b, c);
    }

    /// Quantities of different dimensions never convert: money against a share (万元 vs %) is a
    /// mistake in the table, to be reported, not a number to be scored.
    #[test]
    fn conversion_across_dimensions_is_an_error(
        v in decimal(),
        a in select(&["万元", "元", "亿元", "万户", "人次"][..]),
        b in select(&["%", "百分比", "平方米", "小时", "千克"][..]),
    ) {
        let (a, b) = (known(a), known(b));
        prop_assert!(a.convert(v, &b).is_err(), "{} {} converted into {}", v, a, b);
        prop_assert!(b.convert(v, &a).is_err(), "{} {} converted into {}", v, b, a);
        prop_assert!(known("万元").convert(v, &known("%")).is_err());
    }

    /// Durations of different units never convert (S8): a month is not a fixed number of days,
    /// so 月 against 天 is an error rather than a guess.
    #[test]
    fn durations_of_different_units_are_errors(
        v in decimal(),
        (a, b) in (
            select(&["小时", "天", "月", "年", "周", "分钟", "工作日"][..]),
            select(&["小时", "天", "月", "年", "周", "分钟", "工作日"][..]),
        )
            .prop_filter("the same unit", |(a, b)| a != b),
    ) {
        let (a, b) = (known(a), known(b));
        prop_assert!(a.convert(v, &b).is_err(), "{} {} converted into {}", v, a, b);
        prop_assert!(known("月").convert(v, &known("天")).is_err());
    }

    /// parse(print(d)) == d apart from provenance: the spec is the canonical, hand-edited form
    /// of a model; `kpi import` writes it and every later command reads it, so anything the round
    /// trip loses or alters (a name with a quote, a tab or a `#`, a weight, a deadline) is lost
    /// for good.
    #[test]
    fn spec_round_trips(department in department()) {
        let text = spec::print(&department);
        let (parsed, _notes) = spec::parse("x.kpi", &text).map_err(|e| {
            TestCaseError::fail(format!("the printed spec does not parse: {e}\n{text}"))
        })?;
        prop_assert_eq!(
            parsed.without_provenance(),
            department.without_provenance(),
            "spec:\n{}",
            text
        );
    }

    /// The target parsers never panic: they read every cell of every published table, and one
    /// malformed cell must become an error with a place in the cell, not a crash.
    #[test]
    fn target_parsers_never_panic(
        cell in any_text(),
        op in any_text(),
        unit in any_text(),
    ) {
        if let Err(e) = parse_cell(&cell) {
            check_error_offset(&cell, e.offset)?;
        }
        if let Err(e) = parse_split(&op, &cell, &unit) {
            check_error_offset(&cell, e.offset)?;
        }
        let _ = parse_deadline(&cell);
        let _ = parse_operator(&cell);
        let _ = parse_operator(&op);
    }

    /// The spec parser never panics: specs are edited by hand, and every mistake must come back
    /// as an error naming a line and a span inside it.
    #[test]
    fn spec_parser_never_panics(text in prop_oneof![any::<String>(), spec_noise()]) {
        if let Err(e) = spec::parse("x.kpi", &text) {
            check_spec_error(&text, &e)?;
        }
    }
}
