//! Options → a department: units with their 表16 rows, projects with their 表17 rows, ids
//! assigned exactly as the importers assign them.

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::catalogue::{self, Family};
use super::rng::Rng;
use super::words::{self, UnitRow};
use super::{Options, YEAR};
use crate::model::id::{self, IdAllocator};
use crate::model::{
    BudgetLine, Category, Deadline, Department, Indicator, Measure, Operator, Project, Target, Unit,
};

/// Stream numbers: the department's draws, then one stream per unit and per project.
const DEPARTMENT_STREAM: u64 = 0;
const UNIT_STREAM: u64 = 1 << 40;
const PROJECT_STREAM: u64 = 2 << 40;

/// The first unit code; the others follow it.
const FIRST_CODE: u64 = 558_001;

pub(super) fn department(options: &Options) -> Department {
    let unit_count = options.unit_count();
    let mut rng = Rng::new(options.seed, DEPARTMENT_STREAM);
    let name = rng.word(words::DEPARTMENTS).to_owned();
    let mut taken = HashSet::new();
    let units: Vec<Unit> = (0..unit_count)
        .map(|u| unit(options.seed, u, &name, &mut taken))
        .collect();
    let owners = owners(&mut rng, options.projects, unit_count);
    let mut project_ids = IdAllocator::default();
    let projects = owners
        .iter()
        .enumerate()
        .map(|(p, &u)| {
            let mut rng = Rng::new(options.seed, PROJECT_STREAM + p as u64);
            project(&mut rng, &units[u].code, &mut project_ids)
        })
        .collect();
    Department {
        name,
        year: Some(YEAR),
        units,
        projects,
        allow: Default::default(),
    }
}

/// The unit of each project, in order: units take contiguous runs of projects of varying length,
/// as a department's 表17 lists its projects unit by unit.
fn owners(rng: &mut Rng, projects: usize, units: usize) -> Vec<usize> {
    let weights: Vec<u64> = (0..units).map(|_| rng.range(1, 4)).collect();
    let total: u64 = weights.iter().sum();
    let mut owners = Vec::with_capacity(projects);
    let mut cumulative = 0u64;
    for (u, weight) in weights.iter().enumerate() {
        cumulative += weight;
        // Projects before this boundary belong to units up to `u`.
        let boundary = if u + 1 == units {
            projects
        } else {
            ((projects as u128 * u128::from(cumulative)) / u128::from(total)) as usize
        };
        while owners.len() < boundary {
            owners.push(u);
        }
    }
    owners
}

fn unit(seed: u64, index: usize, department: &str, taken: &mut HashSet<String>) -> Unit {
    let mut rng = Rng::new(seed, UNIT_STREAM + index as u64);
    let code = (FIRST_CODE + index as u64).to_string();
    let name = if index == 0 {
        format!("{department}本级")
    } else {
        let mut name = String::new();
        for _ in 0..4 {
            name = format!(
                "{}{}",
                rng.word(words::PLACES),
                rng.word(words::ORGANISATIONS)
            );
            if !taken.contains(&name) {
                break;
            }
        }
        if taken.contains(&name) {
            name = format!(
                "{}第{index}{}",
                rng.word(words::PLACES),
                rng.word(words::ORGANISATIONS)
            );
        }
        name
    };
    taken.insert(name.clone());
    let (first, second) = (rng.word(words::TOPICS), rng.word(words::TOPICS));
    let effect = rng.word(words::EFFECTS);
    let goal = if first == second {
        format!("围绕{first}，开展相关公益性工作，{effect}。")
    } else {
        format!("围绕{first}和{second}，开展相关公益性工作，{effect}。")
    };
    let budget_lines = words::BUDGET_LINES
        .iter()
        .map(|line| BudgetLine {
            name: (*line).to_owned(),
            amount: Decimal::new(rng.range(5_000, 500_000) as i64, 2),
        })
        .collect();
    let mut ids = IdAllocator::default();
    let mut indicators = Vec::new();
    for (level1, level2, name, kind) in words::UNIT_ROWS {
        if !rng.chance(85) {
            continue;
        }
        let target = match *kind {
            UnitRow::Full if rng.chance(80) => compare(Operator::Eq, Decimal::ONE_HUNDRED, "%"),
            UnitRow::Full => compare(Operator::Ge, Decimal::from(95), "%"),
            UnitRow::Cap(cap) => compare(Operator::Le, Decimal::from(cap), "%"),
            UnitRow::Zero => compare(Operator::Eq, Decimal::ZERO, "次"),
            UnitRow::Satisfaction => compare(
                Operator::Ge,
                Decimal::from(*rng.pick(&[85, 90, 90, 95])),
                "%",
            ),
            UnitRow::Text(text) => Target::Qualitative(text.to_owned()),
        };
        let id = ids.unique(id::unit_indicator_id(&code, level1, level2, name));
        indicators.push(indicator(
            id,
            level1,
            level2,
            name.to_string(),
            target,
            month(12),
        ));
    }
    Unit {
        code,
        name,
        goal: Some(goal),
        budget_lines,
        indicators,
        empty_categories: Vec::new(),
        allow: Default::default(),
        source: None,
    }
}

fn project(rng: &mut Rng, unit: &str, project_ids: &mut IdAllocator) -> Project {
    let topic = rng.word(words::TOPICS);
    let name = project_name(rng, topic);
    let id = project_ids.unique(id::project_id(unit, &name));
    let budget = budget(rng);
    let goal = project_goal(rng, topic);
    let deadline = *rng.weighted(&[
        (85, month(12)),
        (5, month(6)),
        (5, Deadline::Day(day(YEAR, 12, 31))),
        (5, Deadline::YearEnd(Some(YEAR))),
    ]);

    // How many rows, and under which categories.
    let rows = rng.range(8, 12) as usize;
    let satisfaction = if rng.chance(80) {
        1 + usize::from(rng.chance(10))
    } else {
        0
    };
    let benefit = rng.range(2, 3) as usize;
    let product = rows - satisfaction - benefit;
    let mut product_counts = [2usize, 1, 0, 0];
    for _ in 3..product {
        product_counts[*rng.weighted(&[(3, 0usize), (3, 1), (2, 2), (2, 3)])] += 1;
    }
    let mut benefit_counts = [0usize; 4];
    for _ in 0..benefit {
        benefit_counts[*rng.weighted(&[(3, 0usize), (4, 1), (1, 2), (2, 3)])] += 1;
    }

    let mut ids = IdAllocator::default();
    let mut indicators = Vec::with_capacity(rows);
    let mut push = |rng: &mut Rng, level1: &str, level2: &str, name: String, target: Target| {
        let deadline = if rng.chance(5) {
            *rng.pick(&[month(6), month(9), Deadline::Day(day(YEAR, 11, 30))])
        } else {
            deadline
        };
        let target = if !indicators.is_empty() && rng.chance_per_mille(8) {
            Target::NotApplicable
        } else {
            target
        };
        let row_id = ids.unique(id::project_indicator_id(&id, level1, level2, &name));
        indicators.push(indicator(row_id, level1, level2, name, target, deadline));
    };
    // A name drawn again is drawn anew, twice: two rows of one name (ids `…-2`) stay rare.
    let mut names: Vec<String> = Vec::with_capacity(rows);
    let mut fresh = |rng: &mut Rng, draw: &mut dyn FnMut(&mut Rng) -> (String, Target)| {
        let mut drawn = draw(rng);
        for _ in 0..2 {
            if !names.contains(&drawn.0) {
                break;
            }
            drawn = draw(rng);
        }
        names.push(drawn.0.clone());
        drawn
    };
    for (kind, count) in catalogue::PRODUCT_KINDS.iter().zip(product_counts) {
        for _ in 0..count {
            let (name, target) = fresh(rng, &mut |rng| row(rng, kind.0, kind.1, topic, budget));
            push(rng, catalogue::PRODUCT, kind.0, name, target);
        }
    }
    for (kind, count) in catalogue::BENEFIT_KINDS.iter().zip(benefit_counts) {
        for _ in 0..count {
            let (name, target) = fresh(rng, &mut |rng| row(rng, kind.0, kind.1, topic, budget));
            push(rng, catalogue::BENEFIT, kind.0, name, target);
        }
    }
    let satisfaction_kind = *rng.weighted(catalogue::SATISFACTION_KINDS);
    for _ in 0..satisfaction {
        let (name, target) = fresh(rng, &mut satisfaction_row);
        push(
            rng,
            catalogue::SATISFACTION,
            satisfaction_kind,
            name,
            target,
        );
    }

    let empty_categories = if rng.chance(4) {
        empty_category(rng, &indicators, satisfaction == 0)
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    Project {
        id,
        name,
        unit: unit.to_owned(),
        budget: Some(budget),
        goal: Some(goal),
        indicators,
        empty_categories,
        allow: Default::default(),
        source: None,
    }
}

/// A category the project shows without rows: one it does not use.
fn empty_category(rng: &mut Rng, rows: &[Indicator], no_satisfaction: bool) -> Option<Category> {
    let mut candidates: Vec<(&str, Option<&str>)> = vec![
        (catalogue::PRODUCT, Some(catalogue::TIMELINESS.0)),
        (catalogue::PRODUCT, Some(catalogue::COST.0)),
        (catalogue::BENEFIT, Some(catalogue::ECOLOGICAL.0)),
        (catalogue::BENEFIT, Some(catalogue::SUSTAINABLE.0)),
    ];
    if no_satisfaction {
        candidates.push((catalogue::SATISFACTION, Some("服务对象满意度指标")));
        candidates.push((catalogue::SATISFACTION, None));
    }
    candidates.retain(|(level1, level2)| {
        !rows
            .iter()
            .any(|r| r.level1 == *level1 && level2.is_none_or(|l2| r.level2 == l2))
    });
    if candidates.is_empty() {
        return None;
    }
    let (level1, level2) = *rng.pick(&candidates);
    Some(Category {
        level1: level1.to_owned(),
        level2: level2.map(str::to_owned),
        source: None,
    })
}

fn indicator(
    id: String,
    level1: &str,
    level2: &str,
    name: String,
    target: Target,
    deadline: Deadline,
) -> Indicator {
    Indicator {
        id: id.into(),
        level1: level1.into(),
        level2: level2.into(),
        name: name.into(),
        target,
        deadline: Some(deadline),
        direction: None,
        weight: None,
        allow: Default::default(),
        source: None,
    }
}

fn month(month: u32) -> Deadline {
    Deadline::Month { year: YEAR, month }
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

fn measure(symbol: &str) -> Option<Measure> {
    Some(Measure::parse(symbol))
}

fn compare(op: Operator, value: Decimal, unit: &str) -> Target {
    Target::Compare {
        op,
        value,
        measure: measure(unit),
    }
}

/// A project's 预算资金情况 in 万元 with two decimals, from a few 万元 to tens of millions.
fn budget(rng: &mut Rng) -> Decimal {
    let (low, high) = *rng.weighted(&[
        (30, (1u64, 10u64)),
        (30, (10, 100)),
        (25, (100, 1_000)),
        (15, (1_000, 10_000)),
    ]);
    let mut cents = rng.range(low * 100, high * 100);
    if rng.chance(40) {
        // Round amounts are common: 1,200.00, 402.00.
        cents -= cents % 100;
    }
    Decimal::new(cents as i64, 2)
}

fn project_name(rng: &mut Rng, topic: &str) -> String {
    loop {
        let action = rng.word(words::ACTIONS);
        let suffix = rng.word(words::SUFFIXES);
        let name = match rng.below(6) {
            0 | 1 => format!("{topic}{action}{suffix}"),
            2 => format!("{}{topic}{action}{suffix}", rng.word(words::PLACES)),
            3 => format!("{YEAR}年{topic}{action}{suffix}"),
            4 => format!("支持{topic}{action}{suffix}"),
            _ => format!(
                "{}{topic}{}{suffix}",
                rng.word(words::PLACES),
                rng.word(words::ACTIONS)
            ),
        };
        if (8..=30).contains(&name.chars().count()) {
            return name;
        }
    }
}

fn project_goal(rng: &mut Rng, topic: &str) -> String {
    let effect = rng.word(words::EFFECTS);
    match rng.below(4) {
        0 => format!(
            "支持{topic}项目不少于{}个，带动投资{}亿元以上，{effect}。",
            rng.range(3, 200),
            rng.range(1, 50)
        ),
        1 => format!(
            "围绕{topic}{}，组织开展{}{}次以上，服务企业{}家，{effect}。",
            rng.word(words::ACTIONS),
            rng.word(words::ACTIVITIES),
            rng.range(2, 30),
            rng.range(10, 2000)
        ),
        2 => {
            let basis = rng.word(words::BASES);
            let mut second = rng.word(words::EFFECTS);
            while second == effect {
                second = rng.word(words::EFFECTS);
            }
            format!("按照{basis}要求，完成{topic}相关工作，{effect}，{second}。")
        }
        _ => format!("确保{topic}工作平稳有序开展，{effect}。"),
    }
}

/// A row of 二级指标 `level2`, drawn from its catalogue.
fn row(
    rng: &mut Rng,
    level2: &str,
    catalogue: &[(&str, Family)],
    topic: &str,
    budget: Decimal,
) -> (String, Target) {
    let (stem, family) = *rng.pick(catalogue);
    let name = name(rng, stem, family, topic);
    let cost = level2 == catalogue::COST.0;
    (name, target(rng, family, cost, budget))
}

/// The row's name: the stem, sometimes with a subject or a topic in front (4–20 characters).
fn name(rng: &mut Rng, stem: &str, family: Family, topic: &str) -> String {
    let prefixable = !matches!(family, Family::Text(_) | Family::Cost);
    let length = stem.chars().count();
    if prefixable && rng.chance(35) {
        let prefix = if rng.chance(50) {
            topic
        } else {
            rng.word(words::SUBJECTS)
        };
        if length + prefix.chars().count() <= 20 {
            return format!("{prefix}{stem}");
        }
    }
    stem.to_owned()
}

fn satisfaction_row(rng: &mut Rng) -> (String, Target) {
    if rng.chance(5) {
        return (
            "群众满意度评价".to_owned(),
            Target::Qualitative("群众满意".to_owned()),
        );
    }
    let name = format!("{}满意度", rng.word(words::RESPONDENTS));
    let unit = if rng.chance(10) { "百分比" } else { "%" };
    let (op, value) = *rng.weighted(&[
        (30, (Operator::Ge, 90)),
        (25, (Operator::Ge, 95)),
        (15, (Operator::Ge, 100)),
        (10, (Operator::Ge, 85)),
        (10, (Operator::Eq, 100)),
        (10, (Operator::Gt, 90)),
    ]);
    (name, compare(op, Decimal::from(value), unit))
}

/// A count as published: small numbers as they are, larger ones rounded.
fn count(rng: &mut Rng) -> Decimal {
    let (low, high) = *rng.weighted(&[
        (35, (1u64, 10u64)),
        (40, (10, 100)),
        (20, (100, 1_000)),
        (5, (1_000, 10_000)),
    ]);
    Decimal::from(nice(rng.range(low, high)))
}

fn nice(n: u64) -> u64 {
    match n {
        0..100 => n,
        100..1_000 => n - n % 10,
        1_000..100_000 => n - n % 100,
        _ => n - n % 10_000,
    }
}

/// A value with one decimal in `low/10 ..= high/10`, written without a trailing `.0`.
fn tenths(rng: &mut Rng, low: u64, high: u64) -> Decimal {
    Decimal::new(rng.range(low, high) as i64, 1).normalize()
}

fn target(rng: &mut Rng, family: Family, cost: bool, budget: Decimal) -> Target {
    let at_least =
        |rng: &mut Rng| *rng.weighted(&[(80, Operator::Ge), (8, Operator::Gt), (12, Operator::Eq)]);
    match family {
        Family::Count(units) => {
            let op = *rng.weighted(&[
                (70, Operator::Ge),
                (6, Operator::Gt),
                (12, Operator::Eq),
                (10, Operator::Le),
                (2, Operator::Lt),
            ]);
            compare(op, count(rng), rng.word(units))
        }
        Family::Range(units) => {
            let low = rng.range(2, 50);
            let high = low + rng.range(low.div_ceil(4), low);
            let unit = rng.word(units);
            if rng.chance(20) {
                return compare(Operator::Ge, Decimal::from(low), unit);
            }
            Target::Range {
                low: Decimal::from(low),
                high: Decimal::from(high),
                measure: measure(unit),
            }
        }
        Family::Wan(units) => {
            let value = if rng.chance(25) {
                Decimal::from(rng.range(1, 50))
            } else {
                tenths(rng, 1, 500)
            };
            compare(at_least(rng), value, rng.word(units))
        }
        Family::Money(unit) => {
            let value = match unit {
                "元" => Decimal::from(nice(rng.range(200, 50_000))),
                "亿元" => tenths(rng, 5, 500),
                _ => Decimal::new(rng.range(100, 2_000_000) as i64, 2).normalize(),
            };
            let op = if cost {
                *rng.weighted(&[(80, Operator::Le), (5, Operator::Lt), (15, Operator::Eq)])
            } else {
                at_least(rng)
            };
            compare(op, value, unit)
        }
        Family::Cost => {
            let op = *rng.weighted(&[(90, Operator::Le), (10, Operator::Eq)]);
            compare(op, budget.normalize(), "万元")
        }
        Family::Rate => {
            let unit = if rng.chance(10) { "百分比" } else { "%" };
            let (op, value) = *rng.weighted(&[
                (35, (Operator::Eq, 100)),
                (15, (Operator::Ge, 100)),
                (12, (Operator::Ge, 98)),
                (12, (Operator::Ge, 95)),
                (10, (Operator::Ge, 90)),
                (6, (Operator::Ge, 85)),
                (5, (Operator::Ge, 80)),
                (5, (Operator::Gt, 90)),
            ]);
            compare(op, Decimal::from(value), unit)
        }
        Family::Growth => {
            let op = *rng.weighted(&[(90, Operator::Ge), (10, Operator::Gt)]);
            compare(op, Decimal::from(*rng.pick(&[3, 5, 8, 10, 15, 20])), "%")
        }
        Family::Cap(cap) => compare(Operator::Le, Decimal::from(cap), "%"),
        Family::Low => compare(
            Operator::Lt,
            *rng.pick(&[
                Decimal::new(5, 1),
                Decimal::ONE,
                Decimal::TWO,
                Decimal::from(3),
            ]),
            "%",
        ),
        Family::Zero(units) => compare(Operator::Eq, Decimal::ZERO, rng.word(units)),
        Family::Area(units) => {
            let unit = rng.word(units);
            let value = if unit == "万平方米" {
                tenths(rng, 5, 200)
            } else {
                Decimal::from(nice(rng.range(100, 50_000)))
            };
            compare(at_least(rng), value, unit)
        }
        Family::Within(unit) => {
            let values: &[Decimal] = match unit {
                "小时" => &[
                    Decimal::TWO,
                    Decimal::from(4),
                    Decimal::from(8),
                    Decimal::from(24),
                    Decimal::from(48),
                    Decimal::new(962, 2),
                ],
                "天" => &[
                    Decimal::from(3),
                    Decimal::from(5),
                    Decimal::from(7),
                    Decimal::from(15),
                    Decimal::from(30),
                    Decimal::from(90),
                ],
                "月" => &[
                    Decimal::from(3),
                    Decimal::from(6),
                    Decimal::from(9),
                    Decimal::from(12),
                    Decimal::from(12),
                ],
                _ => &[Decimal::ONE, Decimal::ONE, Decimal::TWO, Decimal::from(3)],
            };
            let op = *rng.weighted(&[(75, Operator::Le), (20, Operator::Eq), (5, Operator::Lt)]);
            compare(op, *rng.pick(values), unit)
        }
        Family::Lasting(unit) => compare(Operator::Ge, Decimal::from(rng.range(1, 5)), unit),
        Family::Mass(units) => {
            let unit = rng.word(units);
            let value = if unit == "万吨" {
                tenths(rng, 5, 100)
            } else {
                Decimal::from(nice(rng.range(100, 20_000)))
            };
            compare(at_least(rng), value, unit)
        }
        Family::Energy => {
            if rng.chance(50) {
                compare(at_least(rng), tenths(rng, 10, 5_000), "万千瓦时")
            } else {
                compare(
                    at_least(rng),
                    Decimal::from(nice(rng.range(10_000, 500_000))),
                    "千瓦时",
                )
            }
        }
        Family::Text(texts) => Target::Qualitative((rng.word(texts)).to_owned()),
    }
}
