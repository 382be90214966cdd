//! Property tests of the scoring laws (`specs/scoring.md`): score bounds and additivity, unit
//! invariance, monotonicity, determinism and claimed scores.
//!
//! Each test is named after its law and cites its rule. Case counts stay modest (256, or
//! `PROPTEST_CASES`), and no regression files are written: a failure prints its minimal
//! counterexample instead.

use std::fmt::Write;

use chrono::NaiveDate;
use kpi::actuals::{Actual, ActualRow, Actuals, ReadOptions, RowNumbers, Subject};
use kpi::eval::{Evaluation, Flag, Flags, Grade, Options, RowResult, Status, evaluate};
use kpi::model::{
    Category, Deadline, Department, Direction, Indicator, Measure, Operator, Project, Target, Unit,
};
use kpi::profile::{DoubtfulDirection, EmptyCategory, Profile};
use kpi::report::eval::Report;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
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
// Profiles.
// ---------------------------------------------------------------------------------------------

/// The built-in profiles and the choices that change weights and directions: `national` and
/// `hubei`, each also with `empty_category = zero` (S2) and `doubtful_direction = higher` (S17).
fn profile_of(choice: u8) -> Profile {
    let mut profile = Profile::builtin(if choice & 1 == 0 { "national" } else { "hubei" })
        .expect("a built-in profile");
    if choice & 2 != 0 {
        profile.empty_category = EmptyCategory::Zero;
    }
    if choice & 4 != 0 {
        profile.doubtful_direction = DoubtfulDirection::Higher;
    }
    profile
}

fn profile_choice() -> impl Strategy<Value = u8> {
    0u8..8
}

// ---------------------------------------------------------------------------------------------
// Strategies: one project's rows and actuals as plain data, built into a model and actuals.
// ---------------------------------------------------------------------------------------------

const LEVEL1: [&str; 3] = ["产出指标", "效益指标", "满意度指标"];

/// Exact values: small integers, up to 4 fraction digits over the whole `i64` range, and the
/// full 96-bit mantissa of `Decimal` (the largest values there are), of either sign.
fn decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (-1000i64..=1000).prop_map(Decimal::from),
        (any::<i64>(), 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
        (any::<[u32; 3]>(), any::<bool>(), 0u32..=4).prop_map(
            |([lo, mid, hi], negative, scale)| {
                Decimal::from_parts(lo, mid, hi, negative, scale)
            }
        ),
    ]
}

/// A value about a target: anything, the target itself, a share of it (−300 % to 300 %), or the
/// target moved by a little; so that met, unmet and edge cases all come up.
fn near(target: Decimal) -> impl Strategy<Value = Decimal> {
    prop_oneof![
        2 => decimal(),
        1 => Just(target),
        2 => (-300i64..=300).prop_map(move |k| target
            .checked_mul(Decimal::new(k, 2))
            .unwrap_or(target)),
        1 => (-1000i64..=1000, 0u32..=2).prop_map(move |(m, s)| target
            .checked_add(Decimal::new(m, s))
            .unwrap_or(target)),
    ]
}

/// Units of targets: counts, money, percent, durations (`=` on a duration is lower-is-better,
/// S5), or none.
fn measure() -> impl Strategy<Value = Option<Measure>> {
    option::of(
        select(&["个", "万户", "%", "万元", "月", "天", "小时"][..]).prop_map(Measure::parse),
    )
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        4 => (select(&Operator::ALL[..]), decimal(), measure())
            .prop_map(|(op, value, measure)| Target::Compare { op, value, measure }),
        2 => (decimal(), decimal(), measure()).prop_map(|(a, b, measure)| Target::Range {
            low: a.min(b),
            high: a.max(b),
            measure,
        }),
        2 => select(&["确保稳定", "管理规范", "效果明显", "群众满意"][..])
            .prop_map(|t| Target::Qualitative(t.to_owned())),
        1 => Just(Target::NotApplicable),
    ]
}

/// An actual as data: a tier is an index into the profile's tiers and, when stated, a share as
/// thousandths of the way through the tier's range (so it always lies inside it, S7).
#[derive(Debug, Clone, PartialEq)]
enum ActualCase {
    Missing,
    NotApplicable,
    Quantity(Decimal),
    Tier(usize, Option<u32>),
}

/// Actuals the reader could give for `target`: numbers for quantitative targets, tiers for
/// qualitative ones, and missing or not applicable for any.
fn actual_for(target: &Target) -> BoxedStrategy<ActualCase> {
    let value = match target {
        Target::Compare { value, .. } => Some(*value),
        Target::Range { low, .. } => Some(*low),
        _ => None,
    };
    match (target, value) {
        (_, Some(v)) => prop_oneof![
            1 => Just(ActualCase::Missing),
            1 => Just(ActualCase::NotApplicable),
            6 => near(v).prop_map(ActualCase::Quantity),
        ]
        .boxed(),
        (Target::Qualitative(_), _) => prop_oneof![
            1 => Just(ActualCase::Missing),
            1 => Just(ActualCase::NotApplicable),
            6 => (0usize..4, option::of(0u32..=1000))
                .prop_map(|(tier, share)| ActualCase::Tier(tier, share)),
        ]
        .boxed(),
        _ => prop_oneof![Just(ActualCase::Missing), Just(ActualCase::NotApplicable)].boxed(),
    }
}

/// Deadlines around the evaluated year 2024: before, at and after its end (S11).
fn deadline() -> impl Strategy<Value = Option<Deadline>> {
    let day = |y, m, d| Deadline::Day(NaiveDate::from_ymd_opt(y, m, d).expect("a day"));
    option::of(select(vec![
        Deadline::YearEnd(None),
        Deadline::Month {
            year: 2024,
            month: 12,
        },
        Deadline::Month {
            year: 2024,
            month: 6,
        },
        Deadline::Month {
            year: 2025,
            month: 6,
        },
        day(2024, 12, 31),
        day(2025, 3, 31),
    ]))
}

fn completed() -> impl Strategy<Value = Option<NaiveDate>> {
    option::of(
        select(&[(2024, 5, 31), (2024, 12, 31), (2025, 2, 1)][..])
            .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).expect("a day")),
    )
}

/// Points as the `score` column gives them: usually plausible, sometimes anything.
fn points() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        3 => (0i64..=5000).prop_map(|c| Decimal::new(c, 2)),
        1 => (-500i64..=12000).prop_map(|c| Decimal::new(c, 2)),
        1 => decimal(),
    ]
}

#[derive(Debug, Clone)]
struct RowCase {
    level1: usize,
    level2: &'static str,
    target: Target,
    direction: Option<Direction>,
    deadline: Option<Deadline>,
    actual: ActualCase,
    /// Whether the actuals file has a row for it (an empty actual is [`Actual::Missing`]).
    listed: bool,
    note: Option<&'static str>,
    completed: Option<NaiveDate>,
    claimed: Option<Decimal>,
    deduction: Option<Decimal>,
    /// The row's share of the explicit weights, when the project has them (S3).
    raw_weight: u32,
    /// Whether its explicit weight comes from the actuals' `weight` column or from the spec.
    weight_in_actuals: bool,
}

fn row_case() -> impl Strategy<Value = RowCase> {
    (
        (0usize..3, select(&["数量指标", "质量指标", "时效指标"][..])),
        target(),
        option::of(select(vec![
            Direction::Higher,
            Direction::Lower,
            Direction::Exact,
        ])),
        deadline(),
    )
        .prop_flat_map(|((level1, level2), target, direction, deadline)| {
            // S5: `exact` is an error for a target ≤ 0; only consistent specs here.
            let direction = match (&target, direction) {
                (Target::Compare { value, .. }, Some(Direction::Exact))
                    if *value <= Decimal::ZERO =>
                {
                    None
                }
                (_, d) => d,
            };
            let actual = actual_for(&target);
            (
                Just((level1, level2, target, direction, deadline)),
                actual,
                any::<bool>(),
                option::of(select(&["偏差原因见说明", "  "][..])),
                completed(),
                option::of(points()),
                option::weighted(0.2, (0i64..=2000).prop_map(|c| Decimal::new(c, 2))),
                (1u32..=1000, any::<bool>()),
            )
        })
        .prop_map(
            |(
                (level1, level2, target, direction, deadline),
                actual,
                listed,
                note,
                completed,
                claimed,
                deduction,
                (raw_weight, weight_in_actuals),
            )| {
                RowCase {
                    level1,
                    level2,
                    target,
                    direction,
                    deadline,
                    listed: listed || actual != ActualCase::Missing,
                    actual,
                    note,
                    completed,
                    claimed,
                    deduction,
                    raw_weight,
                    weight_in_actuals,
                }
            },
        )
}

#[derive(Debug, Clone)]
enum BudgetCase {
    /// No budget row at all.
    Unlisted,
    Missing,
    Spent(Decimal),
    Rate(Decimal),
}

#[derive(Debug, Clone)]
struct ProjectCase {
    rows: Vec<RowCase>,
    /// Explicit weights (S3): every row has one, and they add up to 100 − P.
    explicit: bool,
    /// Rows fall in the first `spread` level-1 categories (1 to 3), so that categories are
    /// often absent (S1, S2).
    spread: usize,
    /// Level-1 categories the source shows with no indicator (S2).
    empty: Vec<usize>,
    /// 表17 budget, 万元.
    budget: Decimal,
    spent: BudgetCase,
    adjusted: Option<Decimal>,
    budget_note: Option<&'static str>,
    budget_claimed: Option<Decimal>,
}

fn budget_case() -> impl Strategy<Value = BudgetCase> {
    prop_oneof![
        1 => Just(BudgetCase::Unlisted),
        1 => Just(BudgetCase::Missing),
        2 => prop_oneof![decimal(), (0i64..=20000).prop_map(|c| Decimal::new(c, 2))]
            .prop_map(BudgetCase::Spent),
        2 => prop_oneof![decimal(), (-1000i64..=15000).prop_map(|c| Decimal::new(c, 2))]
            .prop_map(BudgetCase::Rate),
    ]
}

fn money() -> impl Strategy<Value = Decimal> {
    (1i64..=1_000_000_000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s))
}

fn project_case() -> impl Strategy<Value = ProjectCase> {
    (
        vec(row_case(), 1..=8),
        (any::<bool>(), 1usize..=3),
        vec(0usize..3, 0..=1),
        money(),
        budget_case(),
        option::of(money()),
        option::of(Just("执行偏差原因")),
        option::of(points()),
    )
        .prop_map(
            |(
                rows,
                (explicit, spread),
                empty,
                budget,
                spent,
                adjusted,
                budget_note,
                budget_claimed,
            )| {
                ProjectCase {
                    rows,
                    explicit,
                    spread,
                    empty,
                    budget,
                    spent,
                    adjusted,
                    budget_note,
                    budget_claimed,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct Case {
    profile: u8,
    projects: Vec<ProjectCase>,
    accept_claimed: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (profile_choice(), vec(project_case(), 1..=2), any::<bool>()).prop_map(
        |(profile, projects, accept_claimed)| Case {
            profile,
            projects,
            accept_claimed,
        },
    )
}

/// Explicit weights in cents: at least a cent each, adding up exactly to `total` in proportion
/// to `raw` (S3).
fn explicit_weights(raw: &[u32], total: Decimal) -> Vec<Decimal> {
    let cents = (total * Decimal::ONE_HUNDRED)
        .trunc()
        .mantissa()
        .try_into()
        .unwrap_or(0i64);
    let n = raw.len() as i64;
    let sum: i64 = raw.iter().map(|&r| i64::from(r)).sum();
    let spare = cents - n;
    let mut parts: Vec<i64> = raw
        .iter()
        .map(|&r| 1 + spare * i64::from(r) / sum)
        .collect();
    let left = cents - parts.iter().sum::<i64>();
    if let Some(last) = parts.last_mut() {
        *last += left;
    }
    parts.into_iter().map(|c| Decimal::new(c, 2)).collect()
}

/// The share a tier actual states: `thousandths` of the way through the tier's range (S7).
fn tier_share(profile: &Profile, tier: usize, thousandths: u32) -> Decimal {
    let t = &profile.tiers[tier];
    let k = if t.high_inclusive {
        thousandths.min(1000)
    } else {
        thousandths.min(999)
    };
    t.low + (t.high - t.low) * Decimal::from(k) / Decimal::from(1000)
}

fn actual_of(profile: &Profile, actual: &ActualCase) -> Actual {
    match actual {
        ActualCase::Missing => Actual::Missing,
        ActualCase::NotApplicable => Actual::NotApplicable,
        ActualCase::Quantity(value) => Actual::Quantity {
            value: *value,
            written: value.to_string().into(),
            different_nouns: false,
        },
        ActualCase::Tier(tier, share) => {
            let share = share.map(|k| tier_share(profile, *tier, k));
            let mut written = profile.tiers[*tier].words[0].clone();
            if let Some(s) = share {
                let _ = write!(written, " {s}%");
            }
            Actual::Tier {
                tier: *tier,
                share,
                written: written.into(),
            }
        }
    }
}

/// The model and the actuals of a case, as the importer and the reader would give them.
fn build(case: &Case) -> (Department, Actuals, Profile) {
    let profile = profile_of(case.profile);
    let indicator_points = Decimal::ONE_HUNDRED - profile.budget_points;
    let mut department = Department {
        allow: Default::default(),
        name: "部门".to_owned(),
        year: Some(2024),
        units: vec![Unit {
            code: "000001".to_owned(),
            name: "单位".to_owned(),
            ..Unit::default()
        }],
        projects: Vec::new(),
    };
    let mut actuals = Actuals::empty("actuals.csv");
    let mut line = 1;
    for (p, project) in case.projects.iter().enumerate() {
        let raw: Vec<u32> = project.rows.iter().map(|r| r.raw_weight).collect();
        let weights = explicit_weights(&raw, indicator_points);
        let mut indicators = Vec::new();
        for (i, row) in project.rows.iter().enumerate() {
            let weight = project.explicit.then_some(weights[i]);
            indicators.push(Indicator {
                id: format!("000001-p{p}-{i}").into(),
                level1: LEVEL1[row.level1 % project.spread].into(),
                level2: row.level2.into(),
                name: format!("指标{i}").into(),
                target: row.target.clone(),
                deadline: row.deadline,
                direction: row.direction,
                weight: weight.filter(|_| !row.weight_in_actuals),
                allow: Default::default(),
                source: None,
            });
            let in_actuals = weight.filter(|_| row.weight_in_actuals);
            if row.listed || in_actuals.is_some() {
                line += 1;
                actuals.rows.push(ActualRow {
                    line,
                    subject: Subject::ProjectIndicator {
                        project: p as u32,
                        indicator: i as u32,
                    },
                    actual: actual_of(&profile, &row.actual),
                    completed: row.completed,
                    note: row.note.map(Box::from),
                    numbers: RowNumbers {
                        budget: None,
                        weight: in_actuals,
                        claimed: row.claimed,
                        deduction: row.deduction,
                    }
                    .boxed(),
                });
            }
        }
        let budget_actual = match &project.spent {
            BudgetCase::Unlisted => None,
            BudgetCase::Missing => Some(Actual::Missing),
            BudgetCase::Spent(wan) => Some(Actual::Spent {
                wan: *wan,
                written: format!("{wan}万元").into(),
            }),
            BudgetCase::Rate(percent) => Some(Actual::Rate {
                percent: *percent,
                written: format!("{percent}%").into(),
            }),
        };
        if let Some(actual) = budget_actual {
            line += 1;
            actuals.rows.push(ActualRow {
                line,
                subject: Subject::Budget { project: p as u32 },
                actual,
                completed: None,
                note: project.budget_note.map(Box::from),
                numbers: RowNumbers {
                    budget: project.adjusted,
                    weight: None,
                    claimed: project.budget_claimed,
                    deduction: None,
                }
                .boxed(),
            });
        }
        department.projects.push(Project {
            allow: Default::default(),
            id: format!("000001-p{p}"),
            name: format!("项目{p}"),
            unit: "000001".to_owned(),
            budget: Some(project.budget),
            goal: None,
            indicators,
            empty_categories: project
                .empty
                .iter()
                .map(|&c| Category {
                    level1: LEVEL1[c].to_owned(),
                    level2: None,
                    source: None,
                })
                .collect(),
            source: None,
        });
    }
    (department, actuals, profile)
}

fn options(profile: &Profile, accept_claimed: bool) -> Options {
    let mut options = Options::new(profile.clone(), "targets.kpi");
    options.accept_claimed = accept_claimed;
    options
}

fn run(
    model: &Department,
    actuals: &Actuals,
    options: &Options,
) -> Result<Evaluation, TestCaseError> {
    evaluate(model, actuals, options)
        .map_err(|e| TestCaseError::fail(format!("the evaluation fails: {e}")))
}

fn is_active(row: &RowResult) -> bool {
    matches!(
        row.status,
        Status::Met | Status::NotMet | Status::NotReported
    )
}

// ---------------------------------------------------------------------------------------------
// Law 1: bounds and additivity.
// ---------------------------------------------------------------------------------------------

/// S4, S13, S2, S3, S11, S12: every row's score within [0, weight]; weights ≥ 0 and none on rows
/// that do not take part; rows' weights (with categories kept empty by `zero`) add up to 100 − P
/// when a row takes part, else to 0; categories add up their rows; the total adds up as printed.
fn check_bounds(
    case: &Case,
    model: &Department,
    evaluation: &Evaluation,
    profile: &Profile,
) -> Result<(), TestCaseError> {
    let p_points = profile.budget_points;
    let indicator_points = Decimal::ONE_HUNDRED - p_points;
    for result in &evaluation.projects {
        let project = &model.projects[result.project];
        let explicit = case.projects[result.project].explicit;
        let table = &result.table;
        prop_assert_eq!(table.rows.len(), project.indicators.len());
        for row in &table.rows {
            let name = &project.indicators[row.indicator as usize].name;
            prop_assert!(
                row.weight >= Decimal::ZERO,
                "{}: weight {} < 0",
                name,
                row.weight
            );
            prop_assert!(
                row.score >= Decimal::ZERO && row.score <= row.weight,
                "{}: score {} outside [0, {}] ({:?})",
                name,
                row.score,
                row.weight,
                row
            );
            prop_assert!(
                row.rule_score >= Decimal::ZERO && row.rule_score <= row.weight,
                "{}: rule score {} outside [0, {}] ({:?})",
                name,
                row.rule_score,
                row.weight,
                row
            );
            prop_assert_eq!(
                row.weight,
                row.weight.round_dp(2),
                "{}: weight not 2 decimals",
                name
            );
            prop_assert_eq!(
                row.score,
                row.score.round_dp(2),
                "{}: score not 2 decimals",
                name
            );
            if !is_active(row) {
                prop_assert!(
                    row.weight.is_zero(),
                    "{}: {} carries weight {}",
                    name,
                    row.status,
                    row.weight
                );
            }
        }
        // Categories: each once, in the order first seen; its weight is its rows' plus what a
        // category kept empty by `zero` keeps (S2); its score is its rows'.
        let mut kept_total = Decimal::ZERO;
        for category in &table.categories {
            let rows: Vec<&RowResult> = table
                .rows
                .iter()
                .filter(|r| project.indicators[r.indicator as usize].level1 == category.level1)
                .collect();
            let weight: Decimal = rows.iter().map(|r| r.weight).sum();
            let score: Decimal = rows.iter().map(|r| r.score).sum();
            prop_assert_eq!(category.score, score, "category {} score", &category.level1);
            let group_rows = |level1: &str| {
                project.indicators.iter().any(|i| {
                    if explicit {
                        i.level1 == level1
                    } else {
                        profile.group_of(&i.level1) == profile.group_of(level1)
                    }
                })
            };
            let kept = profile.empty_category == EmptyCategory::Zero
                && project
                    .empty_categories
                    .iter()
                    .any(|c| c.level1 == category.level1)
                && !group_rows(&category.level1);
            let expected_kept = match (kept, explicit) {
                (true, false) => profile.groups[profile
                    .group_of(&category.level1)
                    .expect("a category of the profile")]
                .points
                .round_dp(2),
                _ => Decimal::ZERO,
            };
            prop_assert_eq!(
                category.weight - weight,
                expected_kept,
                "category {}: weight {} against its rows' {}",
                &category.level1,
                category.weight,
                weight
            );
            kept_total += expected_kept;
        }
        let mut names: Vec<&str> = table.categories.iter().map(|c| c.level1.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        prop_assert_eq!(names.len(), table.categories.len(), "a category twice");
        for indicator in &project.indicators {
            prop_assert!(
                table
                    .categories
                    .iter()
                    .any(|c| c.level1 == indicator.level1),
                "no category {}",
                &indicator.level1
            );
        }
        let rows_weight: Decimal = table.rows.iter().map(|r| r.weight).sum();
        if table.rows.iter().any(is_active) {
            prop_assert_eq!(
                rows_weight + kept_total,
                indicator_points,
                "rows' weights {} + kept {} (rows {:?})",
                rows_weight,
                kept_total,
                table.rows
            );
        } else {
            prop_assert_eq!(rows_weight, Decimal::ZERO);
        }
        // S12: budget execution within [0, P].
        let budget = &result.budget;
        prop_assert_eq!(budget.points, p_points);
        prop_assert!(
            budget.score >= Decimal::ZERO && budget.score <= p_points,
            "budget score {} outside [0, {}] ({:?})",
            budget.score,
            p_points,
            budget
        );
        prop_assert!(
            budget.rule_score >= Decimal::ZERO && budget.rule_score <= p_points,
            "budget rule score {} outside [0, {}]",
            budget.rule_score,
            p_points
        );
        // S13: a total is the sum of the shown scores above it.
        let categories: Decimal = table.categories.iter().map(|c| c.score).sum();
        prop_assert_eq!(table.total, categories + budget.score, "total");
        prop_assert!(table.total >= Decimal::ZERO && table.total <= Decimal::ONE_HUNDRED);
        prop_assert_eq!(table.grade, Grade::of(table.total));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Law 2: unit invariance, through the spec and the actuals reader.
// ---------------------------------------------------------------------------------------------

/// Families of units that convert exactly into one another (S8), smallest first.
const FAMILIES: &[&[&str]] = &[
    &["户", "千户", "万户", "十万户", "亿户"],
    &["人次", "万人次"],
    &["元", "千元", "万元", "百万元", "亿元"],
    &["平方米", "平米", "m2", "公顷", "万平方米", "平方公里"],
    &["克", "千克", "公斤", "吨", "万吨"],
    &["厘米", "米", "公里", "千米", "万公里"],
    &["%", "百分比"],
];

fn scale(symbol: &str) -> Decimal {
    Measure::known(symbol)
        .unwrap_or_else(|| panic!("{symbol} should be a known unit"))
        .scale()
}

/// One row of a unit-invariance case: a target in one unit of a family and an actual (held in
/// the family's smallest unit) written in three units of it.
#[derive(Debug, Clone)]
struct UnitRow {
    family: usize,
    level1: usize,
    /// Index of the target's unit in the family.
    target_unit: usize,
    /// `op value`, or a range `low~high` when `op` is `None`.
    op: Option<Operator>,
    low: Decimal,
    high: Decimal,
    /// The actual in the family's smallest unit.
    actual: Decimal,
    /// The units it is written in.
    written: [usize; 3],
    note: bool,
}

fn unit_row() -> impl Strategy<Value = UnitRow> {
    (0..FAMILIES.len(), 0usize..3)
        .prop_flat_map(|(family, level1)| {
            let n = FAMILIES[family].len();
            (
                Just((family, level1)),
                0..n,
                option::of(select(&Operator::ALL[..])),
                (-1_000_000i64..=1_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
                (0i64..=1_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
                [0..n, 0..n, 0..n],
                any::<bool>(),
            )
        })
        .prop_flat_map(|((family, level1), target_unit, op, a, b, written, note)| {
            // A range's bounds are written without a sign: `0.1~0.5 万户`.
            let (low, high) = match op {
                Some(_) => (a, a),
                None => (a.abs().min(b), a.abs().max(b)),
            };
            let to_base = scale(FAMILIES[family][target_unit]) / scale(FAMILIES[family][0]);
            let target_base = low * to_base;
            let actual = prop_oneof![
                2 => (any::<i64>(), 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
                1 => (-1_000_000i64..=1_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
                3 => (-50i64..=300).prop_map(move |k| target_base * Decimal::new(k, 2)),
                1 => Just(target_base),
            ];
            (
                Just((family, level1, target_unit, op, low, high, written, note)),
                actual,
            )
        })
        .prop_map(
            |((family, level1, target_unit, op, low, high, written, note), actual)| UnitRow {
                family,
                level1,
                target_unit,
                op,
                low,
                high,
                actual,
                written,
                note,
            },
        )
}

/// The spec of a single project holding `rows`.
fn unit_spec(rows: &[UnitRow]) -> String {
    let mut spec = String::from(
        "kpi-spec 1\ndepartment \"部门\"\nyear 2024\nunit 000001 \"单位\"\nproject \"项目\"\n  unit 000001\n  budget 100\n",
    );
    for (i, row) in rows.iter().enumerate() {
        let unit = FAMILIES[row.family][row.target_unit];
        let target = match row.op {
            Some(op) => format!("{op} {} {unit}", row.low),
            None => format!("{}~{} {unit}", row.low, row.high),
        };
        let _ = writeln!(
            spec,
            "  category \"{}\" \"质量指标\"\n    indicator \"指标{i}\" {target} by 2024-12",
            LEVEL1[row.level1]
        );
    }
    spec
}

/// The actual of `row` written in the `k`-th of its units (`1180户`, `0.118万户`), or for
/// `k = 3` as a bare number in the target's unit (`0.118`).
fn written_actual(row: &UnitRow, k: usize) -> String {
    let family = FAMILIES[row.family];
    let unit = family[row.written.get(k).copied().unwrap_or(row.target_unit)];
    let value = row.actual / (scale(unit) / scale(family[0]));
    if k < row.written.len() {
        format!("{value}{unit}")
    } else {
        value.to_string()
    }
}

/// The actuals CSV answering every row in the `k`-th of its units.
fn unit_csv(model: &Department, rows: &[UnitRow], k: usize) -> String {
    let mut csv = String::from("id,actual,note\n");
    for (row, indicator) in rows.iter().zip(&model.projects[0].indicators) {
        let note = if row.note { "偏差原因" } else { "" };
        let _ = writeln!(csv, "{},{},{note}", indicator.id, written_actual(row, k));
    }
    csv
}

/// What a row's result says about its score, apart from how its actual was written.
fn scored(row: &RowResult) -> (Status, Flags, Decimal, Decimal, Decimal, Option<Decimal>) {
    (
        row.status,
        row.flags,
        row.score,
        row.rule_score,
        row.weight,
        row.completion,
    )
}

// ---------------------------------------------------------------------------------------------
// Law 3: monotonicity.
// ---------------------------------------------------------------------------------------------

/// A quantitative target and its direction where a higher actual is better (S4, S5, S6): `>=`,
/// `>`, `=` on a non-zero, non-duration target (a floor), a range, or `direction higher`.
fn higher_target() -> impl Strategy<Value = (Target, Option<Direction>)> {
    let plain = option::of(select(&["个", "万户", "%", "万元"][..]).prop_map(Measure::parse));
    prop_oneof![
        (
            select(&[Operator::Ge, Operator::Gt, Operator::Eq][..]),
            decimal(),
            plain
        )
            .prop_map(|(op, value, measure)| {
                // `= 0` is exact (S5), not a floor.
                let op = if op == Operator::Eq && value.is_zero() {
                    Operator::Ge
                } else {
                    op
                };
                (Target::Compare { op, value, measure }, None)
            }),
        (decimal(), decimal(), measure()).prop_map(|(a, b, measure)| (
            Target::Range {
                low: a.min(b),
                high: a.max(b),
                measure,
            },
            None
        )),
        (select(&Operator::ALL[..]), decimal(), measure()).prop_map(|(op, value, measure)| (
            Target::Compare { op, value, measure },
            Some(Direction::Higher)
        )),
    ]
}

/// A quantitative target and its direction where a lower actual is better (S4, S5): `<=`, `<`,
/// `=` on a non-zero duration, or `direction lower`.
fn lower_target() -> impl Strategy<Value = (Target, Option<Direction>)> {
    let duration = select(&["月", "天", "小时", "年"][..]).prop_map(Measure::parse);
    prop_oneof![
        (
            select(&[Operator::Le, Operator::Lt][..]),
            decimal(),
            measure()
        )
            .prop_map(|(op, value, measure)| (Target::Compare { op, value, measure }, None)),
        (decimal(), duration).prop_map(|(value, measure)| {
            let value = if value.is_zero() { Decimal::ONE } else { value };
            (
                Target::Compare {
                    op: Operator::Eq,
                    value,
                    measure: Some(measure),
                },
                None,
            )
        }),
        (select(&Operator::ALL[..]), decimal(), measure()).prop_map(|(op, value, measure)| (
            Target::Compare { op, value, measure },
            Some(Direction::Lower)
        )),
    ]
}

fn target_value(target: &Target) -> Decimal {
    match target {
        Target::Compare { value, .. } => *value,
        Target::Range { low, .. } => *low,
        _ => Decimal::ZERO,
    }
}

/// A varying first row in a project with other rows (no explicit weights, so the row's weight
/// is the same in both evaluations unless its own participation changes).
#[derive(Debug, Clone)]
struct Varying {
    profile: u8,
    target: Target,
    direction: Option<Direction>,
    deadline: Option<Deadline>,
    note: Option<&'static str>,
    deduction: Option<Decimal>,
    others: Vec<RowCase>,
}

fn varying(
    target: impl Strategy<Value = (Target, Option<Direction>)>,
) -> impl Strategy<Value = Varying> {
    (
        profile_choice(),
        target,
        deadline(),
        option::of(Just("偏差原因")),
        option::of((0i64..=500).prop_map(|c| Decimal::new(c, 2))),
        vec(row_case(), 0..=3),
    )
        .prop_map(
            |(profile, (target, direction), deadline, note, deduction, others)| Varying {
                profile,
                target,
                direction,
                deadline,
                note,
                deduction,
                others,
            },
        )
}

/// The score of the varying row (the first) answered with `actual`.
fn varying_score(v: &Varying, actual: ActualCase) -> Result<RowResult, TestCaseError> {
    let mut rows = vec![RowCase {
        level1: 0,
        // Not 数量指标, and a neutral name: no direction doubt (S17) in these rows.
        level2: "质量指标",
        target: v.target.clone(),
        direction: v.direction,
        deadline: v.deadline,
        actual,
        listed: true,
        note: v.note,
        completed: None,
        claimed: None,
        deduction: v.deduction,
        raw_weight: 1,
        weight_in_actuals: false,
    }];
    rows.extend(v.others.iter().cloned());
    let case = Case {
        profile: v.profile,
        projects: vec![ProjectCase {
            rows,
            explicit: false,
            spread: 3,
            empty: Vec::new(),
            budget: Decimal::ONE_HUNDRED,
            spent: BudgetCase::Unlisted,
            adjusted: None,
            budget_note: None,
            budget_claimed: None,
        }],
        accept_claimed: false,
    };
    let (model, actuals, profile) = build(&case);
    let evaluation = run(&model, &actuals, &options(&profile, false))?;
    Ok(evaluation.projects[0].table.rows[0].clone())
}

// ---------------------------------------------------------------------------------------------
// Law 4: determinism.
// ---------------------------------------------------------------------------------------------

fn renders(model: &Department, evaluation: &Evaluation, actuals: &Actuals) -> [String; 4] {
    let report = Report {
        model,
        evaluation,
        actuals,
        targets: "targets.kpi",
    };
    [
        kpi::report::eval::text(&report, false),
        kpi::report::eval::markdown(&report),
        kpi::report::eval::json(&report),
        kpi::report::eval::csv(&report),
    ]
}

// ---------------------------------------------------------------------------------------------
// Law 5: claimed scores.
// ---------------------------------------------------------------------------------------------

fn without_claims(actuals: &Actuals) -> Actuals {
    let mut copy = actuals.clone();
    for row in &mut copy.rows {
        row.numbers = row.numbers.take().and_then(|numbers| {
            RowNumbers {
                claimed: None,
                ..*numbers
            }
            .boxed()
        });
    }
    copy
}

fn has_note(note: Option<&str>) -> bool {
    note.is_some_and(|n| !n.trim().is_empty())
}

// ---------------------------------------------------------------------------------------------
// The laws.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// S4, S13 (with S2, S3, S11, S12): no row scores outside [0, its weight], weights are never
    /// negative and add up to 100 − P, categories to their rows, totals to what they print, and
    /// budget execution stays within [0, P].
    #[test]
    fn scores_stay_within_their_weights_and_add_up(case in case()) {
        let (model, actuals, profile) = build(&case);
        let evaluation = run(&model, &actuals, &options(&profile, case.accept_claimed))?;
        check_bounds(&case, &model, &evaluation, &profile)?;
    }

    /// S8: compare in the target's unit, exactly; `1180户`, `0.118万户` and `0.0000118亿户` are
    /// one actual and score alike against `>= 0.1 万户`, and so does a bare `0.118` (the
    /// target's unit) unless it is a unit slip.
    #[test]
    fn scores_are_invariant_under_unit_conversion(rows in vec(unit_row(), 1..=3)) {
        let spec = unit_spec(&rows);
        let (model, _) = kpi::syntax::spec::parse("targets.kpi", &spec)
            .map_err(|e| TestCaseError::fail(format!("the spec does not parse: {e}\n{spec}")))?;
        let profile = Profile::national();
        let mut outcomes = Vec::new();
        for k in 0..4 {
            let csv = unit_csv(&model, &rows, k);
            let outcome = kpi::actuals::read(
                "actuals.csv",
                csv.as_bytes(),
                &model,
                &profile,
                &ReadOptions::default(),
            )
            .and_then(|actuals| {
                let evaluation = evaluate(&model, &actuals, &options(&profile, false))?;
                Ok((actuals, evaluation))
            });
            outcomes.push((csv, outcome));
        }
        let (first_csv, first) = &outcomes[0];
        for (k, (csv, outcome)) in outcomes.iter().enumerate().skip(1) {
            match (first, outcome) {
                // S8: a bare number takes the target's unit, unless it is a unit slip.
                (Ok(_), Err(e)) if k == 3 => prop_assert!(
                    e.to_string().contains("explicit unit"),
                    "a bare actual fails otherwise than as a unit slip: {}\n{}",
                    e,
                    csv
                ),
                (Ok((a, x)), Ok((b, y))) => {
                    // The reader's conversion: the same value in the target's unit.
                    for (r, s) in a.rows.iter().zip(&b.rows) {
                        match (&r.actual, &s.actual) {
                            (
                                Actual::Quantity { value: v, .. },
                                Actual::Quantity { value: w, .. },
                            ) => prop_assert_eq!(v, w, "read from\n{}and\n{}", first_csv, csv),
                            (r, s) => prop_assert!(false, "not quantities: {:?}, {:?}", r, s),
                        }
                    }
                    let (x, y) = (&x.projects[0], &y.projects[0]);
                    for (r, s) in x.table.rows.iter().zip(&y.table.rows) {
                        prop_assert_eq!(
                            scored(r),
                            scored(s),
                            "spec:\n{}\nactuals\n{}and\n{}",
                            &spec,
                            first_csv,
                            csv
                        );
                    }
                    prop_assert_eq!(x.table.total, y.table.total);
                }
                (Err(_), Err(_)) => {}
                (x, y) => prop_assert!(
                    false,
                    "one spelling reads and the other does not:\n{}{:?}\n{}{:?}\nspec:\n{}",
                    first_csv,
                    x.as_ref().err().map(ToString::to_string),
                    csv,
                    y.as_ref().err().map(ToString::to_string),
                    &spec
                ),
            }
        }
    }

    /// S4, S5, S6: for a higher-is-better target a higher actual never scores less.
    #[test]
    fn higher_actuals_never_score_less_on_higher_is_better_targets(
        (v, a, b) in varying(higher_target()).prop_flat_map(|v| {
            let t = target_value(&v.target);
            (Just(v), near(t), near(t))
        }),
    ) {
        let (lo, hi) = (a.min(b), a.max(b));
        let low = varying_score(&v, ActualCase::Quantity(lo))?;
        let high = varying_score(&v, ActualCase::Quantity(hi))?;
        prop_assert!(
            low.score <= high.score && low.rule_score <= high.rule_score,
            "{} scores {} ({}), {} scores {} ({})",
            lo, low.score, low.status, hi, high.score, high.status
        );
    }

    /// S4, S5: for a lower-is-better target, lowering a positive actual never scores less.
    #[test]
    fn lower_actuals_never_score_less_on_lower_is_better_targets(
        (v, a, b) in varying(lower_target()).prop_flat_map(|v| {
            let t = target_value(&v.target);
            (Just(v), near(t), near(t))
        }),
    ) {
        let (lo, mut hi) = (a.min(b), a.max(b));
        // The actual lowered is positive; the lower one may be anything below it.
        if hi <= Decimal::ZERO {
            hi = (-hi).checked_add(Decimal::ONE).unwrap_or(Decimal::MAX);
        }
        let low = varying_score(&v, ActualCase::Quantity(lo))?;
        let high = varying_score(&v, ActualCase::Quantity(hi))?;
        prop_assert!(
            high.score <= low.score && high.rule_score <= low.rule_score,
            "{} scores {} ({}), {} scores {} ({})",
            hi, high.score, high.status, lo, low.score, low.status
        );
    }

    /// S7: a better tier (未达成 < 部分达成 < 基本达成 < 达成 by default share; by range, then by
    /// the share an actual states) never scores less, and neither does a higher share in a tier.
    #[test]
    fn better_tiers_never_score_less(
        v in varying(select(&["确保稳定", "管理规范"][..])
            .prop_map(|t| (Target::Qualitative(t.to_owned()), None))),
        (t1, s1) in (0usize..4, option::of(0u32..=1000)),
        (t2, s2) in (0usize..4, option::of(0u32..=1000)),
    ) {
        let profile = profile_of(v.profile);
        // Default shares, in the order of S7.
        let mut last: Option<(usize, RowResult)> = None;
        for tier in [3, 2, 1, 0] {
            let row = varying_score(&v, ActualCase::Tier(tier, None))?;
            if let Some((below, previous)) = &last {
                prop_assert!(
                    previous.score <= row.score,
                    "{} scores {}, {} scores {}",
                    &profile.tiers[*below].name, previous.score, &profile.tiers[tier].name, row.score
                );
            }
            last = Some((tier, row));
        }
        // Stated shares: by the tier's range, then by the share.
        let key = |tier: usize, share: Option<u32>| {
            let t = &profile.tiers[tier];
            (t.low, share.map_or(t.share, |k| tier_share(&profile, tier, k)))
        };
        let (k1, k2) = (key(t1, s1), key(t2, s2));
        let (worse, better) = if k1 <= k2 {
            ((t1, s1), (t2, s2))
        } else {
            ((t2, s2), (t1, s1))
        };
        let w = varying_score(&v, ActualCase::Tier(worse.0, worse.1))?;
        let b = varying_score(&v, ActualCase::Tier(better.0, better.1))?;
        prop_assert!(
            w.score <= b.score,
            "`{}` scores {} ({}), `{}` scores {} ({})",
            actual_of(&profile, &ActualCase::Tier(worse.0, worse.1)).written(),
            w.score,
            w.status,
            actual_of(&profile, &ActualCase::Tier(better.0, better.1)).written(),
            b.score,
            b.status
        );
    }

    /// Determinism: the same inputs give the same evaluation, and every report renders it
    /// byte for byte the same.
    #[test]
    fn evaluation_and_reports_are_deterministic(case in case()) {
        let (model, actuals, profile) = build(&case);
        let options = options(&profile, case.accept_claimed);
        let first = run(&model, &actuals, &options)?;
        let second = run(&model.clone(), &actuals.clone(), &options.clone())?;
        prop_assert_eq!(&first, &second);
        let a = renders(&model, &first, &actuals);
        let b = renders(&model, &second, &actuals);
        for (format, (x, y)) in ["text", "markdown", "json", "csv"].iter().zip(a.iter().zip(&b)) {
            prop_assert!(x == y, "{} differs:\n{}\n---\n{}", format, x, y);
        }
    }

    /// S16: without --accept-claimed the score never depends on a claim; with it, a claim
    /// replaces the rule score only when it lies in [0, weight] and has a note, and the rule
    /// score never depends on it.
    #[test]
    fn claims_count_only_when_accepted_and_within_the_weight(case in case()) {
        let (model, actuals, profile) = build(&case);
        let unclaimed = without_claims(&actuals);
        let rule = run(&model, &unclaimed, &options(&profile, false))?;
        let ignored = run(&model, &actuals, &options(&profile, false))?;
        let accepted = run(&model, &actuals, &options(&profile, true))?;
        for ((r, i), a) in rule.projects.iter().zip(&ignored.projects).zip(&accepted.projects) {
            prop_assert_eq!(r.table.total, i.table.total);
            for ((r, i), a) in r.table.rows.iter().zip(&i.table.rows).zip(&a.table.rows) {
                let flags = |row: &RowResult| -> Flags {
                    row.flags.iter().filter(|f| *f != Flag::ScoreMismatch).collect()
                };
                prop_assert_eq!(
                    (i.score, i.rule_score, i.status, i.weight, flags(i)),
                    (r.score, r.rule_score, r.status, r.weight, flags(r))
                );
                prop_assert!(!i.accepted_claimed);
                prop_assert_eq!(
                    i.flags.contains(Flag::ScoreMismatch),
                    i.claimed(&actuals).is_some_and(|c| c != i.rule_score)
                );
                prop_assert_eq!((a.rule_score, a.weight), (r.rule_score, r.weight));
                if a.accepted_claimed {
                    let claim = a.claimed(&actuals).unwrap_or(Decimal::NEGATIVE_ONE);
                    prop_assert!(
                        claim >= Decimal::ZERO && claim <= a.weight,
                        "accepted claim {} outside [0, {}]",
                        claim,
                        a.weight
                    );
                    prop_assert_eq!(a.score, claim);
                    prop_assert!(a.note(&actuals).is_some(), "accepted without a note");
                } else {
                    prop_assert_eq!(a.score, a.rule_score);
                }
            }
            let (rb, ib, ab) = (&r.budget, &i.budget, &a.budget);
            prop_assert_eq!((ib.score, ib.rule_score), (rb.score, rb.rule_score));
            prop_assert!(!ib.accepted_claimed);
            prop_assert_eq!(ab.rule_score, rb.rule_score);
            if ab.accepted_claimed {
                let claim = ab.claimed(&actuals).unwrap_or(Decimal::NEGATIVE_ONE);
                prop_assert!(claim >= Decimal::ZERO && claim <= ab.points);
                prop_assert_eq!(ab.score, claim);
                prop_assert!(has_note(ab.note(&actuals)));
            } else {
                prop_assert_eq!(ab.score, ab.rule_score);
            }
        }
    }
}

/// S8, the examples of the brief: a target `>= 0.1 万户` answered `1180户` or `0.118万户`, and
/// `>= 9 亿元` answered `93000万元`, `9.3亿元` or `930000000元`, score alike.
#[test]
fn unit_invariance_examples() {
    let spec = "kpi-spec 1\ndepartment \"部门\"\nyear 2024\nunit 000001 \"单位\"\nproject \"项目\"\n  unit 000001\n  budget 100\n  category \"产出指标\" \"数量指标\"\n    indicator \"调查户数\" >= 0.1 万户 by 2024-12\n  category \"效益指标\" \"经济效益指标\"\n    indicator \"带动投资\" >= 9 亿元 by 2024-12\n";
    let (model, _) = kpi::syntax::spec::parse("targets.kpi", spec).expect("the spec parses");
    let profile = Profile::national();
    let ids: Vec<&str> = model.projects[0]
        .indicators
        .iter()
        .map(|i| &*i.id)
        .collect();
    let score = |households: &str, money: &str| {
        let csv = format!("id,actual\n{},{households}\n{},{money}\n", ids[0], ids[1]);
        let actuals = kpi::actuals::read(
            "actuals.csv",
            csv.as_bytes(),
            &model,
            &profile,
            &ReadOptions::default(),
        )
        .expect("the actuals read");
        let evaluation = evaluate(&model, &actuals, &options(&profile, false)).expect("it scores");
        evaluation.projects[0]
            .table
            .rows
            .iter()
            .map(scored)
            .collect::<Vec<_>>()
    };
    let expected = score("1180户", "93000万元");
    assert_eq!(expected[0].0, Status::Met);
    assert_eq!(expected[1].0, Status::Met);
    for (households, money) in [("0.118万户", "9.3亿元"), ("\"1,180户\"", "930000000元")] {
        assert_eq!(score(households, money), expected, "{households}, {money}");
    }
    let short = score("0.05万户", "4.5亿元");
    assert_eq!(score("500户", "450000000元"), short);
    // 产出指标 carries 50 of the 90 points; half the target earns half of them.
    assert_eq!(short[0].2, dec!(25.00));
}

/// S5 `exact` and S4 (no row scores below 0 or above its weight): an actual far from a huge
/// target scores 0; it must not crash the evaluation.
#[test]
fn exact_direction_with_a_far_actual_is_scored_not_a_panic() {
    let spec = "kpi-spec 1\ndepartment \"部门\"\nyear 2024\nunit 000001 \"单位\"\nproject \"项目\"\n  unit 000001\n  budget 100\n  category \"产出指标\" \"数量指标\"\n    indicator \"n\" >= 79228162514264337593543950335 个 by 2024-12 direction exact\n";
    let (model, _) = kpi::syntax::spec::parse("targets.kpi", spec).expect("the spec parses");
    let profile = Profile::national();
    let csv = format!(
        "id,actual,note\n{},-1个,偏差原因\n",
        model.projects[0].indicators[0].id
    );
    let actuals = kpi::actuals::read(
        "actuals.csv",
        csv.as_bytes(),
        &model,
        &profile,
        &ReadOptions::default(),
    )
    .expect("the actuals read");
    let evaluation = evaluate(&model, &actuals, &options(&profile, false)).expect("it scores");
    let row = &evaluation.projects[0].table.rows[0];
    assert_eq!((row.status, row.score), (Status::NotMet, Decimal::ZERO));
}

/// S3 and S13: a row that is not applicable carries no weight and the other rows of its category
/// share it, so the shown weights still add up to 100 − P. Explicit weights of 90 and 0 with the
/// first row not applicable leave the met second row, and the project, with 0 of the 90 points.
#[test]
fn weight_left_by_a_row_not_applicable_goes_to_rows_of_zero_weight() {
    let spec = "kpi-spec 1\ndepartment \"部门\"\nyear 2024\nunit 000001 \"单位\"\nproject \"项目\"\n  unit 000001\n  budget 100\n  category \"产出指标\" \"数量指标\"\n    indicator \"a\" >= 10 个 by 2024-12 weight 90\n    indicator \"b\" >= 10 个 by 2024-12 weight 0\n";
    let (model, _) = kpi::syntax::spec::parse("targets.kpi", spec).expect("the spec parses");
    let profile = Profile::national();
    let ids: Vec<&str> = model.projects[0]
        .indicators
        .iter()
        .map(|i| &*i.id)
        .collect();
    let csv = format!(
        "id,actual,note\n{},不适用,不再实施\n{},12个,\n",
        ids[0], ids[1]
    );
    let actuals = kpi::actuals::read(
        "actuals.csv",
        csv.as_bytes(),
        &model,
        &profile,
        &ReadOptions::default(),
    )
    .expect("the actuals read");
    let evaluation = evaluate(&model, &actuals, &options(&profile, false)).expect("it scores");
    let table = &evaluation.projects[0].table;
    assert_eq!(table.rows[1].status, Status::Met);
    let weights: Decimal = table.rows.iter().map(|r| r.weight).sum();
    assert_eq!(weights, dec!(90), "rows {:?}", table.rows);
}
