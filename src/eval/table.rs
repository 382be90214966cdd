//! A table of indicators scored with its weights: a project's indicators (S1–S3 by the profile's
//! groups) or a unit's 表16 rows (S15: equal per level-1 category), apportioned to 2 decimals
//! (S13), with claims (S16) and deductions (S9).

use rust_decimal::Decimal;

use super::apportion::{apportion, apportion_into, round2};
use super::result::{CategoryResult, Flag, Flags, Grade, RowResult, Status, TableResult};
use super::row::{Context, Outcome, Participation, judge};
use crate::actuals::ActualRow;
use crate::model::{Category, Indicator, Name};
use crate::profile::{EmptyCategory, Profile};
use crate::text::category_key;

/// How a table's points are split among its categories.
#[derive(Debug, Clone, Copy)]
pub enum Scheme<'p> {
    /// A project: the profile's groups (S1), S2 transfers, explicit weights (S3).
    Project(&'p Profile),
    /// A unit's overall rows: equal per level-1 category, equal inside (S15).
    Overall,
}

/// What went wrong, and on which indicator (an index) if one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError {
    pub indicator: Option<usize>,
    pub message: String,
    /// Whether the fault lies in the actuals (their `weight` column) rather than the targets.
    pub in_actuals: bool,
}

struct Group<'a> {
    /// The level-1 names of the group, for transfers.
    categories: Categories<'a>,
    /// Points before S1/S2 transfers.
    points: Decimal,
    rows: Vec<usize>,
    /// Empty category rows fall in this group (S2).
    has_empty: bool,
    absent_to: Option<&'a str>,
    /// Position of its first row or empty category in the table, for ties (S13).
    first_seen: usize,
}

/// A group's level-1 names, borrowed: a profile's, or one category's (S15).
#[derive(Clone, Copy)]
enum Categories<'a> {
    Profile(&'a [String]),
    One(&'a str),
}

impl<'a> Categories<'a> {
    fn first(self) -> &'a str {
        match self {
            Categories::Profile(names) => names.first().map_or("", String::as_str),
            Categories::One(name) => name,
        }
    }

    fn iter(self) -> impl Iterator<Item = &'a str> {
        let (names, one) = match self {
            Categories::Profile(names) => (names, None),
            Categories::One(name) => (&[][..], Some(name)),
        };
        names.iter().map(String::as_str).chain(one)
    }
}

/// Scores `indicators` with their actuals (`rows[i]` is the actual of `indicators[i]`) over
/// `points` (100 − P for projects, 100 for units).
pub fn score(
    indicators: &[Indicator],
    rows: &[Option<&ActualRow>],
    empty: &[Category],
    scheme: Scheme<'_>,
    points: Decimal,
    ctx: &Context<'_>,
    accept_claimed: bool,
) -> Result<(TableResult, Vec<Outcome>), TableError> {
    // Sized once: collected through `Result`, the vector would grow a few times a table.
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(indicators.len());
    for (i, (indicator, row)) in indicators.iter().zip(rows).enumerate() {
        outcomes.push(judge(indicator, *row, ctx).map_err(|e| TableError {
            indicator: Some(i),
            message: e.0,
            in_actuals: row.is_some(),
        })?);
    }

    let explicit: Vec<Option<Decimal>> = indicators
        .iter()
        .zip(rows)
        .map(|(indicator, row)| row.and_then(|r| r.weight()).or(indicator.weight))
        .collect();
    let explicit_mode = explicit.iter().any(Option::is_some);
    if explicit_mode {
        check_explicit(indicators, rows, &explicit, points)?;
    }

    let mut groups = groups(indicators, empty, scheme, explicit_mode, &explicit)?;
    let active = |g: &Group| {
        g.rows
            .iter()
            .any(|&r| outcomes[r].participation == Participation::Active)
    };
    let empty_policy = match scheme {
        Scheme::Project(profile) => profile.empty_category,
        Scheme::Overall => ctx.profile.empty_category,
    };
    // S2 `zero`: a category shown empty keeps its points and scores 0.
    let kept: Vec<bool> = groups
        .iter()
        .map(|g| g.rows.is_empty() && g.has_empty && empty_policy == EmptyCategory::Zero)
        .collect();
    // S1: a group without any row gives its points to the one it names, if that one is active.
    for i in 0..groups.len() {
        if !groups[i].rows.is_empty() || kept[i] {
            continue;
        }
        let Some(to) = groups[i].absent_to else {
            continue;
        };
        let to = category_key(to);
        if let Some(j) = groups
            .iter()
            .position(|g| g.categories.iter().any(|c| category_key(c) == to))
            && active(&groups[j])
        {
            let moved = groups[i].points;
            groups[i].points = Decimal::ZERO;
            groups[j].points += moved;
        }
    }
    // S2: what inactive groups leave goes to the active ones in proportion to their points;
    // apportioned to 2 decimals with ties by source order (S13).
    let kept_points: Decimal = groups
        .iter()
        .zip(&kept)
        .filter(|(_, k)| **k)
        .map(|(g, _)| g.points)
        .sum();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&i| groups[i].first_seen);
    let mut shares: Vec<Decimal> = order
        .iter()
        .map(|&i| {
            if !kept[i] && active(&groups[i]) {
                groups[i].points
            } else {
                Decimal::ZERO
            }
        })
        .collect();
    // Active groups whose points are all 0 share what the others leave equally (S2).
    if shares.iter().all(Decimal::is_zero) {
        for (k, &i) in order.iter().enumerate() {
            if !kept[i] && active(&groups[i]) {
                shares[k] = Decimal::ONE;
            }
        }
    }
    let apportioned = apportion(points - kept_points, &shares);
    let mut group_weight = vec![Decimal::ZERO; groups.len()];
    for (k, &i) in order.iter().enumerate() {
        group_weight[i] = if kept[i] {
            round2(groups[i].points)
        } else {
            apportioned[k]
        };
    }

    // Rows share their group's weight: equally, or by their explicit weights (S3); rows that
    // are pending or not applicable carry none (S3, S11).
    let mut weights = vec![Decimal::ZERO; indicators.len()];
    // Made once for all the groups.
    let mut members: Vec<usize> = Vec::with_capacity(indicators.len());
    let mut base: Vec<Decimal> = Vec::with_capacity(indicators.len());
    let mut parts: Vec<Decimal> = Vec::with_capacity(indicators.len());
    for (g, group) in groups.iter().enumerate() {
        members.clear();
        members.extend(
            group
                .rows
                .iter()
                .copied()
                .filter(|&r| outcomes[r].participation == Participation::Active),
        );
        base.clear();
        base.extend(members.iter().map(|&r| explicit[r].unwrap_or(Decimal::ONE)));
        // S3: the rows left share what their category carries; explicit weights of 0 give no
        // proportion to share by, so they share it equally.
        if base.iter().all(Decimal::is_zero) {
            base.iter_mut().for_each(|w| *w = Decimal::ONE);
        }
        parts.clear();
        parts.resize(base.len(), Decimal::ZERO);
        apportion_into(group_weight[g], &base, &mut parts);
        for (r, w) in members.iter().zip(&parts) {
            weights[*r] = *w;
        }
    }

    let mut results = Vec::with_capacity(indicators.len());
    for (i, outcome) in outcomes.iter().enumerate() {
        results.push(row_result(i, outcome, weights[i], rows[i], accept_claimed));
    }

    let categories = categories(indicators, empty, &results, &groups, &kept, &group_weight);
    let total: Decimal = categories.iter().map(|c| c.score).sum();
    let mut flags = Flags::default();
    if !empty.is_empty() {
        flags.insert(Flag::Incomplete);
    }
    Ok((
        TableResult {
            rows: results,
            categories,
            total,
            grade: Grade::of(total),
            flags,
        },
        outcomes,
    ))
}

/// S3: with explicit weights, every row has one and they add up to the indicators' points.
fn check_explicit(
    indicators: &[Indicator],
    rows: &[Option<&ActualRow>],
    explicit: &[Option<Decimal>],
    points: Decimal,
) -> Result<(), TableError> {
    let in_actuals = rows.iter().any(|r| r.is_some_and(|r| r.weight().is_some()));
    if let Some(missing) = explicit.iter().position(Option::is_none) {
        return Err(TableError {
            indicator: Some(missing),
            message: format!(
                "S3: some rows have a 分值 (weight) and `{}` has none; give every row of the project a weight, or none",
                indicators[missing].name
            ),
            in_actuals,
        });
    }
    let sum: Decimal = explicit.iter().flatten().sum();
    if sum != points {
        return Err(TableError {
            indicator: None,
            message: format!(
                "S3: the rows' 分值 (weights) add up to {sum}, not to the indicators' {points} points"
            ),
            in_actuals,
        });
    }
    Ok(())
}

fn groups<'a>(
    indicators: &'a [Indicator],
    empty: &'a [Category],
    scheme: Scheme<'a>,
    explicit_mode: bool,
    explicit: &[Option<Decimal>],
) -> Result<Vec<Group<'a>>, TableError> {
    let level1s = indicators
        .iter()
        .map(|i| i.level1.as_str())
        .chain(empty.iter().map(|c| c.level1.as_str()));
    let mut groups: Vec<Group> = Vec::new();
    match scheme {
        Scheme::Project(profile) if !explicit_mode => {
            for group in &profile.groups {
                groups.push(Group {
                    categories: Categories::Profile(&group.categories),
                    points: group.points,
                    rows: Vec::new(),
                    has_empty: false,
                    absent_to: group.absent_to.as_deref(),
                    first_seen: usize::MAX,
                });
            }
            // Rows of a category come together: the last row's group is asked for once.
            let mut last: Option<(&str, usize)> = None;
            for (position, level1) in level1s.enumerate() {
                let found = match last {
                    Some((name, g)) if name == level1 => Some(g),
                    _ => profile.group_of(level1),
                };
                let Some(g) = found else {
                    let indicator = (position < indicators.len()).then_some(position);
                    return Err(TableError {
                        indicator,
                        message: format!(
                            "S2: the level-1 category `{level1}` is not in profile {}; a profile file can give it points",
                            profile.name
                        ),
                        in_actuals: false,
                    });
                };
                last = Some((level1, g));
                let group = &mut groups[g];
                group.first_seen = group.first_seen.min(position);
                if position < indicators.len() {
                    group.rows.push(position);
                } else {
                    group.has_empty = true;
                }
            }
        }
        _ => {
            // One group per level-1 category, in source order: equal points (S15), or the sum
            // of the rows' explicit weights (S3).
            for (position, level1) in level1s.enumerate() {
                let k = category_key(level1);
                let g = match groups
                    .iter()
                    .position(|g| category_key(g.categories.first()) == k)
                {
                    Some(g) => g,
                    None => {
                        groups.push(Group {
                            categories: Categories::One(level1),
                            points: if explicit_mode {
                                Decimal::ZERO
                            } else {
                                Decimal::ONE
                            },
                            rows: Vec::new(),
                            has_empty: false,
                            absent_to: None,
                            first_seen: position,
                        });
                        groups.len() - 1
                    }
                };
                if position < indicators.len() {
                    groups[g].rows.push(position);
                    if let Some(w) = explicit[position] {
                        groups[g].points += w;
                    }
                } else {
                    groups[g].has_empty = true;
                }
            }
            if !explicit_mode {
                // Equal points per category: the whole is split at apportionment.
                for g in &mut groups {
                    g.points = Decimal::ONE;
                }
            }
        }
    }
    Ok(groups)
}

fn row_result(
    index: usize,
    outcome: &Outcome,
    weight: Decimal,
    row: Option<&ActualRow>,
    accept_claimed: bool,
) -> RowResult {
    let mut flags = outcome.flags;
    // S13: a met row scores exactly its shown weight; any other its weight × ratio, rounded.
    let mut score = match outcome.status {
        Status::Met | Status::NotMet if outcome.fraction == Decimal::ONE => weight,
        Status::Met | Status::NotMet => round2(weight * outcome.fraction),
        Status::NotReported | Status::Pending | Status::NotApplicable => Decimal::ZERO,
    };
    // S9: an explicit deduction is applied and shown.
    let deduction = row.and_then(|r| r.deduction());
    if let Some(d) = deduction {
        score = round2((score - d.max(Decimal::ZERO)).max(Decimal::ZERO));
    }
    let rule_score = score;
    let claimed = row.and_then(|r| r.claimed());
    let note = row.and_then(ActualRow::written_note);
    let mut accepted_claimed = false;
    // S16: every difference is flagged; with --accept-claimed a claim within [0, weight] that
    // has a note replaces the rule score.
    if let Some(claim) = claimed
        && claim != rule_score
    {
        flags.insert(Flag::ScoreMismatch);
        if accept_claimed && claim >= Decimal::ZERO && claim <= weight && note.is_some() {
            // S13: shown scores have two decimals, a claim too.
            score = round2(claim);
            accepted_claimed = true;
        }
    }
    RowResult {
        indicator: index as u32,
        // Linked to its row by the caller, which knows where the rows are.
        row: None,
        status: outcome.status,
        flags,
        weight,
        score,
        rule_score,
        completion: outcome.completion.map(round2),
        accepted_claimed,
    }
}

/// Level-1 categories in source order: their rows' weights and scores, and the points a
/// category kept empty carries (S2 `zero`).
fn categories(
    indicators: &[Indicator],
    empty: &[Category],
    results: &[RowResult],
    groups: &[Group<'_>],
    kept: &[bool],
    group_weight: &[Decimal],
) -> Vec<CategoryResult> {
    let mut out: Vec<CategoryResult> = Vec::new();
    // An indicator's category shares its name; a category named elsewhere gets its own.
    // No two categories in `out` share a key, so one of the same text is the one.
    let find = |level1: &str, shared: Option<&Name>, out: &mut Vec<CategoryResult>| -> usize {
        let same = || {
            let k = category_key(level1);
            out.iter().position(|c| category_key(&c.level1) == k)
        };
        match out.iter().position(|c| *c.level1 == *level1).or_else(same) {
            Some(i) => i,
            None => {
                out.push(CategoryResult {
                    level1: shared.map_or_else(|| Name::from(level1), Name::clone),
                    weight: Decimal::ZERO,
                    score: Decimal::ZERO,
                });
                out.len() - 1
            }
        }
    };
    for (indicator, result) in indicators.iter().zip(results) {
        let i = find(&indicator.level1, Some(&indicator.level1), &mut out);
        out[i].weight += result.weight;
        out[i].score += result.score;
    }
    for category in empty {
        find(&category.level1, None, &mut out);
    }
    for (g, group) in groups.iter().enumerate() {
        if kept[g] {
            let level1 = empty
                .iter()
                .find(|c| {
                    group
                        .categories
                        .iter()
                        .any(|n| category_key(n) == category_key(&c.level1))
                })
                .map_or(group.categories.first(), |c| c.level1.as_str());
            let i = find(level1, None, &mut out);
            out[i].weight += group_weight[g];
        }
    }
    // Grown to room for four, most tables have three: a province holds 100 000 of them.
    crate::model::exact(&mut out);
    out
}
