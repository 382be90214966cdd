//! Model + actuals → results, by the rules of `specs/scoring.md` (S1–S17).
//!
//! Each row is judged against its target ([`row`]), each table gets its weights and scores
//! ([`table`]), each project its budget execution (S12), and units and the department their
//! rollups (S14, S15). Nothing here formats text for people; [`crate::report`] does.

pub mod apportion;
pub mod result;
mod row;
mod table;

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::actuals::{Actual, ActualRow, Actuals, Subject};
use crate::error::{Error, Result};
use crate::import::{Note, Severity};
use crate::model::{Department, Project};
use crate::profile::Profile;
use apportion::round2;
pub use result::*;
use table::{Scheme, TableError};

/// The choices of one evaluation.
#[derive(Debug, Clone)]
pub struct Options {
    pub profile: Profile,
    /// The evaluated year; the disclosure's when not given.
    pub year: Option<i32>,
    /// The evaluation date (S11); the end of the evaluated year when not given.
    pub as_of: Option<NaiveDate>,
    /// S16: a claimed score within [0, weight] with a note replaces the rule score.
    pub accept_claimed: bool,
    /// How messages name the targets.
    pub targets_name: String,
    /// Threads scoring projects; one per core for large inputs when not given. The results are
    /// the same whatever the count.
    pub jobs: Option<std::num::NonZeroUsize>,
}

impl Options {
    pub fn new(profile: Profile, targets_name: &str) -> Options {
        Options {
            profile,
            year: None,
            as_of: None,
            accept_claimed: false,
            targets_name: targets_name.to_owned(),
            jobs: None,
        }
    }
}

/// Points each result at the actuals row it was scored from, by the row's place in `all`.
fn link_rows(table: &mut TableResult, rows: &[Option<&ActualRow>], all: &[ActualRow]) {
    for result in &mut table.rows {
        result.row = rows
            .get(result.indicator as usize)
            .copied()
            .flatten()
            .and_then(|row| index_in(row, all));
    }
}

/// The place of `row`, one of `all`, in `all`.
fn index_in(row: &ActualRow, all: &[ActualRow]) -> Option<u32> {
    let size = std::mem::size_of::<ActualRow>().max(1);
    let at = (std::ptr::from_ref(row).addr() - all.as_ptr().addr()) / size;
    debug_assert!(std::ptr::eq(&all[at], row), "the row is one of `all`");
    u32::try_from(at).ok()
}

/// By default, fewer projects than this per core are scored on one thread: a thread costs more.
const PROJECTS_PER_WORKER: usize = 2000;

/// Units hold a few dozen indicators each where projects hold about ten.
const UNITS_PER_WORKER: usize = 400;

/// `score` of each of `0..len`, in one contiguous share per worker, joined in order: the results
/// and the first error are those of one thread. `tasks` is how many workers the work is worth
/// when `jobs` does not say.
fn in_shares<T: Send>(
    len: usize,
    tasks: usize,
    jobs: Option<std::num::NonZeroUsize>,
    score: impl Fn(usize) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    let workers = match jobs {
        Some(_) => crate::jobs::workers(jobs, len),
        None => crate::jobs::workers(None, tasks),
    };
    // The first share's vector has room for all: the others are moved in after it.
    let score_share = |range: std::ops::Range<usize>| -> Result<Vec<T>> {
        let mut scored = Vec::with_capacity(if range.start == 0 { len } else { range.len() });
        for index in range {
            scored.push(score(index)?);
        }
        Ok(scored)
    };
    if workers == 1 {
        return score_share(0..len);
    }
    let share = len.div_ceil(workers);
    let ranges = (0..workers)
        .map(|w| (w * share).min(len)..((w + 1) * share).min(len))
        .collect();
    let shares = crate::jobs::each_on_a_thread(ranges, score_share);
    let mut shares = shares.into_iter().collect::<Result<Vec<_>>>()?.into_iter();
    let first = shares.next().unwrap_or_default();
    Ok(crate::jobs::concat(first, shares.collect(), jobs))
}

/// The actuals rows of each table's indicators, `None` where a row has none: one allocation for
/// all the tables instead of one a table.
struct RowsOf<'r> {
    /// Where each table's rows start in `rows`, and where the last one ends.
    starts: Vec<usize>,
    rows: Vec<Option<&'r ActualRow>>,
}

impl<'r> RowsOf<'r> {
    /// Room for tables of `lens` indicators.
    fn new(lens: impl Iterator<Item = usize>) -> RowsOf<'r> {
        let mut starts = vec![0];
        let mut end = 0;
        for len in lens {
            end += len;
            starts.push(end);
        }
        RowsOf {
            starts,
            rows: vec![None; end],
        }
    }

    /// The rows of table `table`.
    fn of(&self, table: usize) -> &[Option<&'r ActualRow>] {
        &self.rows[self.starts[table]..self.starts[table + 1]]
    }

    /// The place of indicator `indicator` of table `table`, if the table has it.
    fn get_mut(&mut self, table: usize, indicator: usize) -> Option<&mut Option<&'r ActualRow>> {
        let start = *self.starts.get(table)?;
        let end = *self.starts.get(table + 1)?;
        self.rows[start..end].get_mut(indicator)
    }
}

/// Scores `actuals` against `model`.
pub fn evaluate(model: &Department, actuals: &Actuals, options: &Options) -> Result<Evaluation> {
    let year = options
        .year
        .or(model.year)
        .or_else(|| options.as_of.map(|d| chrono::Datelike::year(&d)))
        .ok_or_else(|| Error::Input {
            file: options.targets_name.clone(),
            message: "the evaluated year is unknown: the targets name none".to_owned(),
            help: Some("pass --year 2024 or --as-of 2024-12-31".to_owned()),
        })?;
    let as_of = match options.as_of {
        Some(date) => date,
        None => NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| Error::Input {
            file: options.targets_name.clone(),
            message: format!("{year} is not a year kpi can evaluate"),
            help: None,
        })?,
    };
    let profile = &options.profile;
    let ctx = row::Context::new(profile, year, as_of);

    let mut unit_rows = RowsOf::new(model.units.iter().map(|u| u.indicators.len()));
    let mut project_rows = RowsOf::new(model.projects.iter().map(|p| p.indicators.len()));
    let mut budget_rows: Vec<Option<&ActualRow>> = vec![None; model.projects.len()];
    for row in &actuals.rows {
        let slot = match row.subject {
            Subject::UnitIndicator { unit, indicator } => {
                unit_rows.get_mut(unit as usize, indicator as usize)
            }
            Subject::ProjectIndicator { project, indicator } => {
                project_rows.get_mut(project as usize, indicator as usize)
            }
            Subject::Budget { project } => budget_rows.get_mut(project as usize),
        };
        if let Some(slot) = slot {
            *slot = Some(row);
        }
    }

    let indicator_points = Decimal::ONE_HUNDRED - profile.budget_points;
    let score_project = |index: usize| -> Result<ProjectResult> {
        let project = &model.projects[index];
        let (mut table, _) = table::score(
            &project.indicators,
            project_rows.of(index),
            &project.empty_categories,
            Scheme::Project(profile),
            indicator_points,
            &ctx,
            options.accept_claimed,
        )
        .map_err(|e| {
            table_error(
                e,
                &project.name,
                &project.indicators,
                project_rows.of(index),
                actuals,
                options,
            )
        })?;
        let budget = budget(project, budget_rows[index], profile, actuals, options)?;
        link_rows(&mut table, project_rows.of(index), &actuals.rows);
        table.total += budget.score;
        table.grade = Grade::of(table.total);
        Ok(ProjectResult {
            project: index,
            table,
            budget,
        })
    };
    let projects = in_shares(
        model.projects.len(),
        model.projects.len() / PROJECTS_PER_WORKER,
        options.jobs,
        score_project,
    )?;

    let mut by_unit: HashMap<&str, Vec<&ProjectResult>> = HashMap::new();
    for p in &projects {
        by_unit
            .entry(model.projects[p.project].unit.as_str())
            .or_default()
            .push(p);
    }
    let score_unit = |index: usize| -> Result<UnitResult> {
        let unit = &model.units[index];
        let overall = if unit.indicators.is_empty() {
            None
        } else {
            let (mut table, _) = table::score(
                &unit.indicators,
                unit_rows.of(index),
                &unit.empty_categories,
                Scheme::Overall,
                Decimal::ONE_HUNDRED,
                &ctx,
                options.accept_claimed,
            )
            .map_err(|e| {
                table_error(
                    e,
                    &unit.name,
                    &unit.indicators,
                    unit_rows.of(index),
                    actuals,
                    options,
                )
            })?;
            link_rows(&mut table, unit_rows.of(index), &actuals.rows);
            Some(table)
        };
        let mine: &[&ProjectResult] = by_unit.get(unit.code.as_str()).map_or(&[], Vec::as_slice);
        let mut grades = GradeCounts::default();
        for p in mine {
            grades.add(p.table.grade);
        }
        Ok(UnitResult {
            unit: index,
            overall,
            project_score: budget_weighted_mean(model, mine),
            projects: mine.len(),
            grades,
        })
    };
    let units = in_shares(
        model.units.len(),
        model.units.len() / UNITS_PER_WORKER,
        options.jobs,
        score_unit,
    )?;

    let mut notes = actuals.notes.clone();
    let warn = |notes: &mut Vec<Note>, code: &'static str, message: String| {
        notes.push(Note {
            line: 0,
            severity: Severity::Warning,
            code,
            message,
        });
    };
    if let Some(targets_year) = model.year
        && targets_year != year
    {
        warn(
            &mut notes,
            "year-mismatch",
            format!("the evaluated year {year} is not the targets' year {targets_year}"),
        );
    }
    // S10: every row without an actual is scored 0, with a warning.
    let unreported = || {
        projects
            .iter()
            .flat_map(|p| {
                p.table
                    .rows
                    .iter()
                    .filter(|r| r.status == Status::NotReported)
                    .map(|r| {
                        model.projects[p.project].indicators[r.indicator as usize]
                            .name
                            .as_ref()
                    })
            })
            .chain(units.iter().flat_map(|u| {
                u.overall.iter().flat_map(|t| {
                    t.rows
                        .iter()
                        .filter(|r| r.status == Status::NotReported)
                        .map(|r| {
                            model.units[u.unit].indicators[r.indicator as usize]
                                .name
                                .as_ref()
                        })
                })
            }))
    };
    // Counted, and the first few named: a province has a hundred thousand.
    let unreported_count = unreported().count();
    if unreported_count > 0 {
        let shown: Vec<&str> = unreported().take(5).collect();
        let more = if unreported_count > 5 { " …" } else { "" };
        warn(
            &mut notes,
            "not-reported",
            format!(
                "{} indicators have no actual (未填报) and score 0 (S10): {}{more}",
                unreported_count,
                shown.join(", ")
            ),
        );
    }
    for p in projects.iter().filter(|p| !assessable(&p.table)) {
        warn(
            &mut notes,
            "not-assessable",
            format!(
                "{}: no indicator is due or reported on {as_of} (all 未到期 or 不适用); it is left out of the unit and department means",
                model.projects[p.project].name
            ),
        );
    }

    let all: Vec<&ProjectResult> = projects.iter().collect();
    let mut grades = GradeCounts::default();
    for p in &projects {
        grades.add(p.table.grade);
    }
    let overall: Vec<Decimal> = units
        .iter()
        .filter_map(|u| u.overall.as_ref().map(|t| t.total))
        .collect();
    let mut unit_grades = GradeCounts::default();
    for total in &overall {
        unit_grades.add(Grade::of(*total));
    }
    let mut statuses = [0; 5];
    let tables = projects
        .iter()
        .map(|p| &p.table)
        .chain(units.iter().filter_map(|u| u.overall.as_ref()));
    for row in tables.flat_map(|t| &t.rows) {
        statuses[row.status as usize] += 1;
    }
    let department = DepartmentResult {
        project_score: budget_weighted_mean(model, &all),
        // S15: the department's overall score is the plain mean of its units' overall scores.
        overall_score: mean(&overall),
        grades,
        unit_grades,
        statuses,
    };

    Ok(Evaluation {
        year,
        as_of,
        profile: profile.name.clone(),
        budget_note_below: profile.budget_note_below,
        accept_claimed: options.accept_claimed,
        projects,
        units,
        department,
        notes,
    })
}

/// Whether a table has a row that counts now: reported, or due and not reported.
fn assessable(table: &TableResult) -> bool {
    table
        .rows
        .iter()
        .any(|r| matches!(r.status, Status::Met | Status::NotMet | Status::NotReported))
}

fn mean(values: &[Decimal]) -> Option<Decimal> {
    if values.is_empty() {
        return None;
    }
    let sum: Decimal = values.iter().sum();
    Some(round2(sum / Decimal::from(values.len())))
}

/// S15: the mean of projects' totals weighted by their 表17 budgets, rounded like S13; the plain
/// mean when no project has a budget.
fn budget_weighted_mean(model: &Department, projects: &[&ProjectResult]) -> Option<Decimal> {
    // A project with nothing due yet (mid-year, S11) has no score to average.
    let projects: Vec<&ProjectResult> = projects
        .iter()
        .copied()
        .filter(|p| assessable(&p.table))
        .collect();
    if projects.is_empty() {
        return None;
    }
    let mut weighted = Decimal::ZERO;
    let mut budgets = Decimal::ZERO;
    for p in &projects {
        let budget = model.projects[p.project]
            .budget
            .unwrap_or_default()
            .max(Decimal::ZERO);
        weighted = weighted.checked_add(p.table.total.checked_mul(budget)?)?;
        budgets = budgets.checked_add(budget)?;
    }
    if budgets.is_zero() {
        let totals: Vec<Decimal> = projects.iter().map(|p| p.table.total).collect();
        return mean(&totals);
    }
    weighted.checked_div(budgets).map(round2)
}

/// S12: budget execution, P × min(rate, 1).
fn budget(
    project: &Project,
    row: Option<&ActualRow>,
    profile: &Profile,
    actuals: &Actuals,
    options: &Options,
) -> Result<BudgetResult> {
    let points = profile.budget_points;
    let adjusted = row.and_then(|r| r.budget());
    let base = adjusted.or(project.budget);
    let note = row.and_then(ActualRow::written_note);
    let hundred = Decimal::ONE_HUNDRED;
    let (spent, rate) = match row.map(|r| &r.actual) {
        None | Some(Actual::Missing) => (None, None),
        Some(Actual::Spent { wan, .. }) => {
            let Some(base) = base.filter(|b| *b > Decimal::ZERO) else {
                return Err(actuals_error(
                    actuals,
                    row,
                    format!(
                        "budget execution of `{}` is an amount, but the project has no budget to take a rate of",
                        project.name
                    ),
                    "give the rate (96.2%) or the adjusted budget in the `budget` column",
                ));
            };
            (
                Some(*wan),
                wan.checked_mul(hundred).and_then(|x| x.checked_div(base)),
            )
        }
        Some(Actual::Rate { percent, .. }) => (
            base.and_then(|b| b.checked_mul(*percent))
                .map(|x| round2(x / hundred)),
            Some(*percent),
        ),
        Some(other) => {
            return Err(actuals_error(
                actuals,
                row,
                format!(
                    "budget execution of `{}` is `{}`; expected an amount (34.5万元) or a rate (96.2%)",
                    project.name,
                    other.written()
                ),
                "write the amount spent with its unit, or the rate with %",
            ));
        }
    };
    let (status, rule_score) = match rate {
        None => (Status::NotReported, Decimal::ZERO),
        // A rate of 100% or more scores exactly P.
        Some(r) if r >= hundred => (Status::Met, points),
        Some(r) => (
            Status::NotMet,
            round2(points * r.max(Decimal::ZERO) / hundred),
        ),
    };
    let mut flags = Flags::default();
    if rate.is_some_and(|r| r < profile.budget_note_below) && note.is_none() {
        flags.insert(Flag::NeedsNote);
    }
    let claimed = row.and_then(|r| r.claimed());
    let mut score = rule_score;
    let mut accepted_claimed = false;
    if let Some(claim) = claimed
        && claim != rule_score
    {
        flags.insert(Flag::ScoreMismatch);
        if options.accept_claimed && claim >= Decimal::ZERO && claim <= points && note.is_some() {
            score = round2(claim);
            accepted_claimed = true;
        }
    }
    Ok(BudgetResult {
        points,
        budget: base,
        adjusted: adjusted.is_some(),
        spent,
        rate: rate.map(round2),
        row: row.and_then(|r| index_in(r, &actuals.rows)),
        status,
        flags,
        score,
        rule_score,
        accepted_claimed,
    })
}

fn actuals_error(actuals: &Actuals, row: Option<&ActualRow>, message: String, help: &str) -> Error {
    match row {
        Some(row) => Error::At {
            file: actuals.file.clone(),
            line: row.line as usize,
            message,
            help: Some(help.to_owned()),
        },
        None => Error::Input {
            file: actuals.file.clone(),
            message,
            help: Some(help.to_owned()),
        },
    }
}

/// A table's error, placed on its actuals line or its targets line.
fn table_error(
    e: TableError,
    owner: &str,
    indicators: &[crate::model::Indicator],
    rows: &[Option<&ActualRow>],
    actuals: &Actuals,
    options: &Options,
) -> Error {
    let message = format!("{owner}: {}", e.message);
    let indicator = e.indicator;
    if e.in_actuals {
        // The row at fault, or the first row of the table that gave a weight.
        let row = indicator.and_then(|i| rows[i]).or_else(|| {
            rows.iter()
                .flatten()
                .find(|r| r.weight().is_some())
                .copied()
        });
        if let Some(row) = row {
            return Error::At {
                file: actuals.file.clone(),
                line: row.line as usize,
                message,
                help: Some(
                    "give every row of the project a weight (分值) in the actuals, or none"
                        .to_owned(),
                ),
            };
        }
    }
    let target_line = indicator
        .and_then(|i| indicators[i].source)
        .map(|s| s.line as usize);
    match target_line {
        Some(line) => Error::At {
            file: options.targets_name.clone(),
            line,
            message,
            help: None,
        },
        None => Error::Input {
            file: if e.in_actuals {
                actuals.file.clone()
            } else {
                options.targets_name.clone()
            },
            message,
            help: None,
        },
    }
}
