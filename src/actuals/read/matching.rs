//! Rows → subjects: by id, or by names compared with [`match_key`]; budget execution (S12).

use std::borrow::Cow;
use std::num::NonZeroUsize;
use std::sync::OnceLock;

use hashbrown::HashMap;

use crate::model::id::budget_id;
use crate::model::{Department, Indicator, Project, Unit};
use crate::text::{match_key, same_key};

use super::ids::{Ids, Slots};

use super::super::Subject;
use super::cells::CellError;
use crate::syntax::columns::Field;

/// The name of budget execution, as a row of a hand-made file writes it (S12).
pub(crate) const BUDGET_EXECUTION: &str = "预算执行率";

/// The cells that say what a row reports on (trimmed; empty when absent).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Names<'a> {
    pub(crate) id: &'a str,
    pub(crate) kind: &'a str,
    pub(crate) unit: &'a str,
    pub(crate) project: &'a str,
    pub(crate) level1: &'a str,
    pub(crate) level2: &'a str,
    pub(crate) indicator: &'a str,
}

/// The `kind` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Unspecified,
    Indicator,
    Budget,
}

fn kind(cell: &str) -> Result<Kind, CellError> {
    // The words `kpi template` writes are their own keys: known without making one.
    match cell {
        "" => return Ok(Kind::Unspecified),
        "indicator" => return Ok(Kind::Indicator),
        "budget" => return Ok(Kind::Budget),
        _ => {}
    }
    match &*match_key(cell) {
        "" => Ok(Kind::Unspecified),
        "indicator" | "指标" => Ok(Kind::Indicator),
        "budget" | "预算" | "预算执行" => Ok(Kind::Budget),
        _ => Err(CellError::new(
            Field::Kind,
            format!("expected `indicator` or `budget`, found `{cell}`"),
        )),
    }
}

/// The model, indexed for matching.
pub(crate) struct Index<'m> {
    model: &'m Department,
    /// The subjects numbered in model order.
    slots: Slots<'m>,
    /// `match_key(id)` → the first subject with that key, budget ids included.
    ids: Ids,
    /// Unit code → unit, as the model writes it.
    unit_codes: HashMap<&'m str, usize>,
    /// `match_key(code)` → the first unit with that code.
    unit_code_keys: HashMap<String, usize>,
    /// `match_key(name)` → units of that name, in model order.
    unit_names: HashMap<String, Vec<usize>>,
    /// `match_key` of a project's id and of its name → projects, in model order. Made on first
    /// use: rows that give their id never ask, and a province has a hundred thousand projects.
    projects: OnceLock<HashMap<String, Vec<usize>>>,
}

impl<'m> Index<'m> {
    /// The index of `model`, its ids hashed on up to `jobs` threads.
    pub(crate) fn new(model: &'m Department, jobs: Option<NonZeroUsize>) -> Index<'m> {
        let mut unit_codes = HashMap::new();
        let mut unit_code_keys = HashMap::new();
        let mut unit_names: HashMap<String, Vec<usize>> = HashMap::new();
        for (at, u) in model.units.iter().enumerate() {
            unit_codes.entry(u.code.as_str()).or_insert(at);
            unit_code_keys
                .entry(match_key(&u.code).into_owned())
                .or_insert(at);
            unit_names
                .entry(match_key(&u.name).into_owned())
                .or_default()
                .push(at);
        }
        let slots = Slots::new(model);
        Index {
            model,
            ids: Ids::new(&slots, jobs),
            slots,
            unit_codes,
            unit_code_keys,
            unit_names,
            projects: OnceLock::new(),
        }
    }

    fn projects(&self) -> &HashMap<String, Vec<usize>> {
        self.projects.get_or_init(|| {
            let mut projects: HashMap<String, Vec<usize>> = HashMap::new();
            for (at, p) in self.model.projects.iter().enumerate() {
                let id = match_key(&p.id);
                let name = match_key(&p.name);
                if name != id {
                    projects.entry(name.into_owned()).or_default().push(at);
                }
                projects.entry(id.into_owned()).or_default().push(at);
            }
            projects
        })
    }

    /// How many subjects the model has: every indicator and every project's budget execution.
    pub(crate) fn slots(&self) -> usize {
        self.slots.count()
    }

    /// The slot after `slot` (whose subject is `subject`) and its subject.
    pub(crate) fn next(&self, slot: usize, subject: Subject) -> Option<(usize, Subject)> {
        self.slots.next(slot, subject)
    }

    /// A subject's number in `0..slots()`, in model order.
    pub(crate) fn slot(&self, subject: Subject) -> usize {
        self.slots.slot(subject)
    }

    /// Every id, in model order, for suggestions.
    fn all_ids(&self) -> Vec<String> {
        let model = self.model;
        let units = model.units.iter().flat_map(|u| &u.indicators);
        let projects = model.projects.iter().flat_map(|p| {
            p.indicators
                .iter()
                .map(|i| i.id.to_string())
                .chain(std::iter::once(budget_id(&p.id)))
        });
        units.map(|i| i.id.to_string()).chain(projects).collect()
    }

    pub(crate) fn model(&self) -> &'m Department {
        self.model
    }

    /// The stable id of a subject: the indicator's, or `<project id>#budget`.
    pub(crate) fn id_of(&self, subject: Subject) -> Cow<'m, str> {
        match subject {
            Subject::Budget { project } => Cow::Owned(
                self.model
                    .projects
                    .get(project as usize)
                    .map(|p| budget_id(&p.id))
                    .unwrap_or_default(),
            ),
            _ => self
                .indicator(subject)
                .map_or(Cow::Borrowed(""), |i| Cow::Borrowed(&*i.id)),
        }
    }

    pub(crate) fn indicator(&self, subject: Subject) -> Option<&'m Indicator> {
        let (indicators, indicator) = match subject {
            Subject::UnitIndicator { unit, indicator } => {
                (&self.model.units.get(unit as usize)?.indicators, indicator)
            }
            Subject::ProjectIndicator { project, indicator } => (
                &self.model.projects.get(project as usize)?.indicators,
                indicator,
            ),
            Subject::Budget { .. } => return None,
        };
        indicators.get(indicator as usize)
    }

    /// What a row reports on; `guess` is the slot and subject to try first for an id (the one
    /// after the previous row's).
    pub(crate) fn subject(
        &self,
        names: &Names,
        guess: Option<(usize, Subject)>,
    ) -> Result<Subject, CellError> {
        let kind = kind(names.kind)?;
        if !names.id.is_empty() {
            return self.by_id(names, kind, guess);
        }
        let budget = match kind {
            Kind::Budget => true,
            Kind::Indicator => false,
            // S12: a hand-made row `预算执行率` without categories is budget execution; the seed's
            // real indicators of that name are matched with their categories (or `kind`).
            Kind::Unspecified => {
                !names.project.is_empty()
                    && names.level1.is_empty()
                    && names.level2.is_empty()
                    && match_key(names.indicator) == BUDGET_EXECUTION
            }
        };
        let unit = self.unit(names.unit)?;
        if budget {
            return self.budget_by_names(names, unit);
        }
        if names.indicator.is_empty() {
            return Err(CellError::new(
                Field::Indicator,
                "expected an indicator's name (or its id), found an empty cell",
            ));
        }
        if names.project.is_empty() {
            let Some(unit) = unit else {
                return Err(CellError::new(
                    Field::Unit,
                    format!(
                        "expected the unit of `{}`, a unit's own indicator (表16: the project is empty), found an empty cell",
                        names.indicator
                    ),
                )
                .help(self.unit_help()));
            };
            let u = &self.model.units[unit];
            let at = self.indicator_by_names(&u.indicators, names, &format!("unit {}", u.code))?;
            return Ok(Subject::UnitIndicator {
                unit: unit as u32,
                indicator: at as u32,
            });
        }
        let project = self.project(names.project, unit)?;
        let p = &self.model.projects[project];
        let at = self.indicator_by_names(&p.indicators, names, &format!("project `{}`", p.name))?;
        Ok(Subject::ProjectIndicator {
            project: project as u32,
            indicator: at as u32,
        })
    }

    fn unit_help(&self) -> String {
        let units: Vec<String> = self
            .model
            .units
            .iter()
            .map(|u| format!("{} ({})", u.code, u.name))
            .collect();
        format!("the units are {}", units.join(", "))
    }

    /// The unit a cell names by code or by name; `None` for an empty cell.
    fn unit(&self, cell: &str) -> Result<Option<usize>, CellError> {
        if cell.is_empty() {
            return Ok(None);
        }
        let key = match_key(cell);
        let units = &self.model.units;
        if let Some(&at) = self.unit_code_keys.get(&*key) {
            return Ok(Some(at));
        }
        let named = self.unit_names.get(&*key).map_or(&[][..], Vec::as_slice);
        match named {
            [at] => Ok(Some(*at)),
            [] => {
                let candidates = units
                    .iter()
                    .flat_map(|u| [u.code.as_str(), u.name.as_str()]);
                Err(CellError::new(
                    Field::Unit,
                    format!(
                        "expected a unit of the targets (its code or name), found `{cell}`{}",
                        closest_text(cell, candidates)
                    ),
                ))
            }
            _ => Err(CellError::new(
                Field::Unit,
                format!(
                    "expected one unit named `{cell}`, found {}: {}",
                    named.len(),
                    named
                        .iter()
                        .map(|&at| units[at].code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .help("write the unit's code")),
        }
    }

    /// The project a cell names by name or id, within `unit` when given.
    fn project(&self, cell: &str, unit: Option<usize>) -> Result<usize, CellError> {
        let key = match_key(cell);
        let projects = &self.model.projects;
        // A project whose id is another's name is found under both.
        let mut named: Vec<usize> = self.projects().get(&*key).cloned().unwrap_or_default();
        named.sort_unstable();
        named.dedup();
        let unit = unit.map(|at| &self.model.units[at]);
        let in_unit: Vec<usize> = named
            .iter()
            .copied()
            .filter(|&at| unit.is_none_or(|u| projects[at].unit == u.code))
            .collect();
        match (in_unit.as_slice(), unit) {
            ([at], _) => Ok(*at),
            ([], Some(u)) if !named.is_empty() => Err(CellError::new(
                Field::Unit,
                format!(
                    "expected the unit of project `{cell}` ({}), found `{}`",
                    named
                        .iter()
                        .map(|&at| projects[at].unit.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    u.code
                ),
            )),
            ([], _) => {
                let candidates = projects
                    .iter()
                    .filter(|p| unit.is_none_or(|u| p.unit == u.code))
                    .map(|p| p.name.as_str());
                let scope = unit
                    .map(|u| format!(" of unit {}", u.code))
                    .unwrap_or_default();
                Err(CellError::new(
                    Field::Project,
                    format!(
                        "expected a project{scope} of the targets, found `{cell}`{}",
                        closest_text(cell, candidates)
                    ),
                ))
            }
            (many, _) => Err(CellError::new(
                Field::Project,
                format!(
                    "expected one project named `{cell}`, found {}: {}",
                    many.len(),
                    many.iter()
                        .map(|&at| format!("{} (unit {})", projects[at].id, projects[at].unit))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .help("fill the unit column, or write the project's id")),
        }
    }

    /// The indicator of `indicators` a row names, narrowed by level1/level2 where given.
    fn indicator_by_names(
        &self,
        indicators: &[Indicator],
        names: &Names,
        scope: &str,
    ) -> Result<usize, CellError> {
        let key = match_key(names.indicator);
        let named: Vec<usize> = (0..indicators.len())
            .filter(|&at| match_key(&indicators[at].name) == key)
            .collect();
        if named.is_empty() {
            return Err(CellError::new(
                Field::Indicator,
                format!(
                    "expected an indicator of {scope}, found `{}`{}",
                    names.indicator,
                    closest_text(names.indicator, indicators.iter().map(|i| &*i.name))
                ),
            ));
        }
        let fits = |level: &str, of: &str| level.is_empty() || match_key(level) == match_key(of);
        let matching: Vec<usize> = named
            .iter()
            .copied()
            .filter(|&at| {
                fits(names.level1, &indicators[at].level1)
                    && fits(names.level2, &indicators[at].level2)
            })
            .collect();
        let listed = |ats: &[usize]| {
            ats.iter()
                .map(|&at| {
                    let i = &indicators[at];
                    format!("{} ({} / {})", i.id, i.level1, i.level2)
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        match matching.as_slice() {
            [at] => Ok(*at),
            [] => {
                let field = if names.level1.is_empty()
                    || named
                        .iter()
                        .any(|&at| fits(names.level1, &indicators[at].level1))
                {
                    Field::Level2
                } else {
                    Field::Level1
                };
                Err(CellError::new(
                    field,
                    format!(
                        "expected the categories of `{}` in {scope}: {}, found `{}` / `{}`",
                        names.indicator,
                        listed(&named),
                        names.level1,
                        names.level2
                    ),
                ))
            }
            many => Err(CellError::new(
                Field::Indicator,
                format!(
                    "expected one indicator named `{}` in {scope}, found {}: {}",
                    names.indicator,
                    many.len(),
                    listed(many)
                ),
            )
            .help("fill level1 and level2 (一级指标, 二级指标), or write the indicator's id")),
        }
    }

    fn budget_by_names(&self, names: &Names, unit: Option<usize>) -> Result<Subject, CellError> {
        if names.project.is_empty() {
            return Err(CellError::new(
                Field::Project,
                "expected the project whose budget execution (预算执行率) this row reports, found an empty cell",
            ));
        }
        if !names.indicator.is_empty() && match_key(names.indicator) != BUDGET_EXECUTION {
            return Err(CellError::new(
                Field::Indicator,
                format!(
                    "expected `{BUDGET_EXECUTION}` or an empty cell on a budget row, found `{}`",
                    names.indicator
                ),
            ));
        }
        for (field, cell) in [(Field::Level1, names.level1), (Field::Level2, names.level2)] {
            if !cell.is_empty() {
                return Err(CellError::new(
                    field,
                    format!(
                        "expected no category on a budget row (S12: budget execution is not an indicator), found `{cell}`"
                    ),
                ));
            }
        }
        let project = self.project(names.project, unit)?;
        Ok(Subject::Budget {
            project: project as u32,
        })
    }

    /// A row with an id: the id decides; the names beside it must agree with it.
    fn by_id(
        &self,
        names: &Names,
        kind: Kind,
        guess: Option<(usize, Subject)>,
    ) -> Result<Subject, CellError> {
        // `kind` = budget with the project's own id means that project's budget execution.
        // The guess written as the model writes its id needs no key: most rows give the id
        // `kpi template` wrote, in model order.
        let guessed =
            guess.filter(|&guess| self.ids.is_written_guess(&self.slots, names.id, guess));
        let found = match (
            kind,
            guessed.or_else(|| self.ids.find(&self.slots, &match_key(names.id), guess)),
        ) {
            (Kind::Budget, None) => {
                let budget = match_key(&crate::model::id::budget_id(names.id)).into_owned();
                self.ids.find(&self.slots, &budget, None)
            }
            (_, found) => found,
        }
        .map(|(_, subject)| subject);
        let Some(subject) = found else {
            return Err(CellError::new(
                Field::Id,
                format!(
                    "expected an id of the targets, found `{}`{}",
                    names.id,
                    closest_text(names.id, self.all_ids().iter().map(String::as_str))
                ),
            ));
        };
        let is_budget = matches!(subject, Subject::Budget { .. });
        match (kind, is_budget) {
            (Kind::Budget, false) => {
                return Err(CellError::new(
                    Field::Kind,
                    format!(
                        "expected `indicator` for {}, an indicator's id, found `{}`",
                        names.id, names.kind
                    ),
                ));
            }
            (Kind::Indicator, true) => {
                return Err(CellError::new(
                    Field::Kind,
                    format!(
                        "expected `budget` for {}, a budget execution id, found `{}`",
                        names.id, names.kind
                    ),
                ));
            }
            _ => {}
        }
        let (unit_code, project) = match subject {
            Subject::UnitIndicator { unit, .. } => {
                (self.model.units[unit as usize].code.as_str(), None)
            }
            Subject::ProjectIndicator { project, .. } | Subject::Budget { project } => {
                let p = &self.model.projects[project as usize];
                (p.unit.as_str(), Some(p))
            }
        };
        self.agree_unit(names, unit_code)?;
        self.agree_project(names, project)?;
        match self.indicator(subject) {
            Some(i) => {
                let checks = [
                    (Field::Indicator, names.indicator, &*i.name),
                    (Field::Level1, names.level1, i.level1.as_str()),
                    (Field::Level2, names.level2, i.level2.as_str()),
                ];
                for (field, cell, expected) in checks {
                    if !cell.is_empty() && !same_key(cell, expected) {
                        return Err(id_disagrees(field, names.id, expected, cell));
                    }
                }
            }
            None => {
                if !names.indicator.is_empty() && match_key(names.indicator) != BUDGET_EXECUTION {
                    return Err(id_disagrees(
                        Field::Indicator,
                        names.id,
                        BUDGET_EXECUTION,
                        names.indicator,
                    ));
                }
                for (field, cell) in [(Field::Level1, names.level1), (Field::Level2, names.level2)]
                {
                    if !cell.is_empty() {
                        return Err(id_disagrees(field, names.id, "", cell));
                    }
                }
            }
        }
        Ok(subject)
    }

    fn agree_unit(&self, names: &Names, code: &str) -> Result<(), CellError> {
        if names.unit.is_empty() {
            return Ok(());
        }
        let unit: Option<&Unit> = self.unit_codes.get(code).map(|&at| &self.model.units[at]);
        let agrees =
            same_key(names.unit, code) || unit.is_some_and(|u| same_key(names.unit, &u.name));
        if agrees {
            Ok(())
        } else {
            Err(id_disagrees(Field::Unit, names.id, code, names.unit))
        }
    }

    fn agree_project(&self, names: &Names, project: Option<&Project>) -> Result<(), CellError> {
        match project {
            None if names.project.is_empty() => Ok(()),
            None => Err(id_disagrees(Field::Project, names.id, "", names.project)),
            Some(_) if names.project.is_empty() => Ok(()),
            Some(p) => {
                if same_key(names.project, &p.name) || same_key(names.project, &p.id) {
                    Ok(())
                } else {
                    Err(id_disagrees(
                        Field::Project,
                        names.id,
                        &p.name,
                        names.project,
                    ))
                }
            }
        }
    }
}

/// The names beside an id say something else: a shifted row, most likely.
fn id_disagrees(field: Field, id: &str, expected: &str, found: &str) -> CellError {
    let expected = if expected.is_empty() {
        "an empty cell".to_owned()
    } else {
        format!("`{expected}`")
    };
    CellError::new(
        field,
        format!(
            "expected {expected} in the {} column of {id}, found `{found}`",
            field.name()
        ),
    )
    .help("the id decides what a row reports on; fix the id or the names beside it")
}

/// Up to three known names closest to `needle` (strsim), best first; ties in name order.
pub(crate) fn closest<'a>(
    needle: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    let key = match_key(needle);
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|candidate| {
            let other = match_key(candidate);
            let mut score = strsim::normalized_levenshtein(&key, &other);
            if !key.is_empty() && (other.contains(&*key) || key.contains(&*other)) {
                score += 1.0;
            }
            (score, candidate)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut out: Vec<&str> = Vec::new();
    for (_, candidate) in scored {
        if !out.contains(&candidate) {
            out.push(candidate);
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

fn closest_text<'a>(needle: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let found = closest(needle, candidates);
    if found.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = found.iter().map(|c| format!("`{c}`")).collect();
        format!("; closest: {}", quoted.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words `kind` reads without a key are their own keys, read as their keys read.
    #[test]
    fn kind_words_read_as_their_keys() {
        for (word, expected) in [
            ("", Kind::Unspecified),
            ("indicator", Kind::Indicator),
            ("budget", Kind::Budget),
        ] {
            assert_eq!(match_key(word), word);
            assert_eq!(kind(word), Ok(expected));
        }
        for (word, expected) in [
            (" Indicator ", Kind::Indicator),
            ("ＢＵＤＧＥＴ", Kind::Budget),
            ("预算执行", Kind::Budget),
            ("指 标", Kind::Indicator),
        ] {
            assert_eq!(kind(word), Ok(expected), "{word}");
        }
        assert!(kind("budgets").is_err());
    }
}
