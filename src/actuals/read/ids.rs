//! Subjects numbered in model order (slots), and ids found by their [`match_key`].

use std::borrow::Cow;
use std::hash::BuildHasher;
use std::num::NonZeroUsize;

use hashbrown::{DefaultHashBuilder, HashTable};

use crate::model::Department;
use crate::model::id::budget_id;
use crate::text::match_key;

use super::super::Subject;

/// Projects whose ids are hashed together, and such chunks a thread takes at least: below
/// 8 192 projects a thread costs more.
const PROJECTS_A_CHUNK: usize = 1 << 12;
const CHUNKS_PER_THREAD: usize = 2;

/// What every budget execution id ends with: `<project id>#budget`.
const BUDGET_SUFFIX: &str = "#budget";

/// The subjects of a model numbered `0..count()`: each unit's indicators, then each project's
/// indicators followed by its budget execution.
pub(crate) struct Slots<'m> {
    model: &'m Department,
    /// Where each unit's and each project's subjects start.
    units: Vec<usize>,
    projects: Vec<usize>,
    count: usize,
}

impl<'m> Slots<'m> {
    pub(crate) fn new(model: &'m Department) -> Slots<'m> {
        let mut count = 0;
        let mut units = Vec::with_capacity(model.units.len());
        for u in &model.units {
            units.push(count);
            count += u.indicators.len();
        }
        let mut projects = Vec::with_capacity(model.projects.len());
        for p in &model.projects {
            projects.push(count);
            count += p.indicators.len() + 1;
        }
        Slots {
            model,
            units,
            projects,
            count,
        }
    }

    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// A subject's number.
    pub(crate) fn slot(&self, subject: Subject) -> usize {
        match subject {
            Subject::UnitIndicator { unit, indicator } => {
                self.units[unit as usize] + indicator as usize
            }
            Subject::ProjectIndicator { project, indicator } => {
                self.projects[project as usize] + indicator as usize
            }
            Subject::Budget { project } => {
                self.projects[project as usize]
                    + self.model.projects[project as usize].indicators.len()
            }
        }
    }

    /// The subject numbered `slot` (`< count()`).
    pub(crate) fn subject(&self, slot: usize) -> Subject {
        // The last block starting at or before `slot`; an empty unit shares its start with the
        // block after it, so the last one is the one that holds the slot.
        let in_projects = self.projects.first().is_some_and(|&start| slot >= start);
        if in_projects {
            let project = self.projects.partition_point(|&start| start <= slot) - 1;
            let indicator = slot - self.projects[project];
            if indicator == self.model.projects[project].indicators.len() {
                Subject::Budget {
                    project: project as u32,
                }
            } else {
                Subject::ProjectIndicator {
                    project: project as u32,
                    indicator: indicator as u32,
                }
            }
        } else {
            let unit = self.units.partition_point(|&start| start <= slot) - 1;
            Subject::UnitIndicator {
                unit: unit as u32,
                indicator: (slot - self.units[unit]) as u32,
            }
        }
    }

    /// The slot after `slot` and its subject, given `slot`'s subject: found without a search,
    /// for guessing that rows follow the model's order.
    pub(crate) fn next(&self, slot: usize, subject: Subject) -> Option<(usize, Subject)> {
        let next = slot + 1;
        if next >= self.count {
            return None;
        }
        let projects = &self.model.projects;
        let following = match subject {
            Subject::ProjectIndicator { project, indicator } => {
                if indicator as usize + 1 < projects[project as usize].indicators.len() {
                    Subject::ProjectIndicator {
                        project,
                        indicator: indicator + 1,
                    }
                } else {
                    Subject::Budget { project }
                }
            }
            // A budget execution ends its project, and a slot follows: the next project's.
            Subject::Budget { project } => {
                let project = project + 1;
                if projects[project as usize].indicators.is_empty() {
                    Subject::Budget { project }
                } else {
                    Subject::ProjectIndicator {
                        project,
                        indicator: 0,
                    }
                }
            }
            Subject::UnitIndicator { unit, indicator }
                if (indicator as usize + 1) < self.model.units[unit as usize].indicators.len() =>
            {
                Subject::UnitIndicator {
                    unit,
                    indicator: indicator + 1,
                }
            }
            Subject::UnitIndicator { .. } => self.subject(next),
        };
        Some((next, following))
    }

    /// The [`match_key`] of the subject's id.
    fn key(&self, slot: usize) -> Cow<'m, str> {
        match self.subject(slot) {
            Subject::Budget { project } => Cow::Owned(
                match_key(&budget_id(&self.model.projects[project as usize].id)).into_owned(),
            ),
            subject => match_key(self.indicator_id(subject)),
        }
    }

    /// The hash of every slot's key, in slot order; the model's projects hashed in shares on up
    /// to `jobs` threads. Walked in model order: finding each slot's subject by its number
    /// would search the blocks a million times.
    fn key_hashes(&self, hasher: &DefaultHashBuilder, jobs: Option<NonZeroUsize>) -> Vec<u64> {
        let model = self.model;
        let hash = |id: &str| hasher.hash_one(&*match_key(id));
        let mut hashes: Vec<u64> = model
            .units
            .iter()
            .flat_map(|u| u.indicators.iter().map(|i| hash(&i.id)))
            .collect();
        let chunks: Vec<_> = model.projects.chunks(PROJECTS_A_CHUNK).collect();
        let per_chunk = crate::jobs::map_in_shares(
            chunks,
            jobs,
            CHUNKS_PER_THREAD,
            || (),
            |(), chunk| {
                let slots = chunk.iter().map(|p| p.indicators.len() + 1).sum();
                let mut hashes = Vec::with_capacity(slots);
                for p in chunk {
                    hashes.extend(p.indicators.iter().map(|i| hash(&i.id)));
                    hashes.push(hasher.hash_one(&*match_key(&budget_id(&p.id))));
                }
                hashes
            },
        );
        hashes.reserve_exact(self.count - hashes.len());
        for chunk in per_chunk {
            hashes.extend(chunk);
        }
        hashes
    }

    /// Whether the subject's id has the key `key`, without building a budget id: the key of
    /// `<id>#budget` is the key of `<id>` and the suffix, which has nothing to fold (tested for
    /// every character).
    fn has_key(&self, slot: usize, key: &str) -> bool {
        self.subject_has_key(self.subject(slot), key)
    }

    /// Whether `id` is the subject's id as the model writes it: then it has the subject's key.
    fn subject_is_written(&self, subject: Subject, id: &str) -> bool {
        self.subject_id_is(subject, id, |model, written| model == written)
    }

    fn subject_has_key(&self, subject: Subject, key: &str) -> bool {
        self.subject_id_is(subject, key, |model, key| *match_key(model) == *key)
    }

    /// Whether `same` holds between the subject's id in the model and `text`; for a budget
    /// execution, between its project's id and `text` without its `#budget`.
    fn subject_id_is(
        &self,
        subject: Subject,
        text: &str,
        same: impl Fn(&str, &str) -> bool,
    ) -> bool {
        match subject {
            Subject::Budget { project } => text
                .strip_suffix(BUDGET_SUFFIX)
                .is_some_and(|head| same(&self.model.projects[project as usize].id, head)),
            subject => same(self.indicator_id(subject), text),
        }
    }

    /// The id of an indicator subject; empty for a budget execution.
    fn indicator_id(&self, subject: Subject) -> &'m str {
        match subject {
            Subject::UnitIndicator { unit, indicator } => {
                &self.model.units[unit as usize].indicators[indicator as usize].id
            }
            Subject::ProjectIndicator { project, indicator } => {
                &self.model.projects[project as usize].indicators[indicator as usize].id
            }
            Subject::Budget { .. } => "",
        }
    }
}

/// Every subject's id by its [`match_key`], as slots: 10–20 bytes an id (the slot, hashbrown's
/// control byte and free buckets, the shadow flag) where a map of keys to subjects took 50–100,
/// for a province's million. In shards by the hash, each filled on a thread of its own: a
/// million inserts into one table took a core a tenth of a second while the other waited.
pub(crate) struct Ids {
    shards: Vec<HashTable<usize>>,
    hasher: DefaultHashBuilder,
    /// The slots whose key an earlier slot has: never found, as the first of a key wins.
    shadowed: Vec<bool>,
}

/// Slots a shard takes at least: below that a thread costs more than it saves.
const SLOTS_A_SHARD: usize = 1 << 16;

impl Ids {
    pub(crate) fn new(slots: &Slots<'_>, jobs: Option<NonZeroUsize>) -> Ids {
        let shards = crate::jobs::workers(jobs, slots.count() / SLOTS_A_SHARD);
        Ids::in_shards(slots, jobs, shards)
    }

    fn in_shards(slots: &Slots<'_>, jobs: Option<NonZeroUsize>, shards: usize) -> Ids {
        let hasher = DefaultHashBuilder::default();
        let hashes = slots.key_hashes(&hasher, jobs);
        // Each shard takes its slots in slot order, so the first of a key wins as in one table.
        let fill = |shard: usize| {
            let mut table = HashTable::with_capacity(slots.count() / shards + slots.count() / 64);
            let mut shadowed = Vec::new();
            for (slot, &hash) in hashes.iter().enumerate() {
                if crate::jobs::shard_of(hash, shards) != shard {
                    continue;
                }
                // The slot's key is made only for a slot already there with a like hash.
                let mut key = None;
                let mut same = |other: usize| {
                    let key = key.get_or_insert_with(|| slots.key(slot));
                    slots.has_key(other, key)
                };
                if table.find(hash, |&other| same(other)).is_some() {
                    shadowed.push(slot);
                } else {
                    table.insert_unique(hash, slot, |&other| hashes[other]);
                }
            }
            (table, shadowed)
        };
        let filled = if shards > 1 {
            crate::jobs::each_on_a_thread((0..shards).collect(), fill)
        } else {
            vec![fill(0)]
        };
        let mut shadowed = vec![false; slots.count()];
        let mut tables = Vec::with_capacity(shards);
        for (table, shadows) in filled {
            for slot in shadows {
                shadowed[slot] = true;
            }
            tables.push(table);
        }
        Ids {
            shards: tables,
            hasher,
            shadowed,
        }
    }

    /// Whether `id`, as written, is the id of `guess` (a slot and its subject) and [`Ids::find`]
    /// would find the guess by its key: found by comparing the texts, without making a key.
    pub(crate) fn is_written_guess(
        &self,
        slots: &Slots<'_>,
        id: &str,
        (slot, subject): (usize, Subject),
    ) -> bool {
        slot < slots.count() && !self.shadowed[slot] && slots.subject_is_written(subject, id)
    }

    /// The first slot whose id has the key `key`, and its subject. `guess`, a slot and its
    /// subject, is tried first: rows are mostly in model order (a filled-in `kpi template`),
    /// and a guess checked against the model costs less than a probe into a table the size of
    /// the model.
    pub(crate) fn find(
        &self,
        slots: &Slots<'_>,
        key: &str,
        guess: Option<(usize, Subject)>,
    ) -> Option<(usize, Subject)> {
        debug_assert!(
            guess.is_none_or(|(slot, subject)| slots.slot(subject) == slot),
            "a guess is a slot and its own subject"
        );
        if let Some((slot, subject)) = guess
            && slot < slots.count()
            && !self.shadowed[slot]
            && slots.subject_has_key(subject, key)
        {
            return Some((slot, subject));
        }
        let hash = self.hasher.hash_one(key);
        self.shards[crate::jobs::shard_of(hash, self.shards.len())]
            .find(hash, |&slot| slots.has_key(slot, key))
            .map(|&slot| (slot, slots.subject(slot)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Indicator, Project, Target, Unit};

    fn indicator(id: &str) -> Indicator {
        Indicator {
            id: id.into(),
            level1: "产出指标".into(),
            level2: "数量指标".into(),
            name: id.into(),
            target: Target::NotApplicable,
            deadline: None,
            direction: None,
            weight: None,
            allow: Default::default(),
            source: None,
        }
    }

    fn model() -> Department {
        Department {
            units: vec![
                Unit {
                    code: "001".to_owned(),
                    indicators: vec![indicator("U-1"), indicator("u2")],
                    ..Unit::default()
                },
                Unit {
                    code: "002".to_owned(),
                    ..Unit::default()
                },
                Unit {
                    code: "003".to_owned(),
                    indicators: vec![indicator("u3")],
                    ..Unit::default()
                },
            ],
            projects: vec![
                Project {
                    id: "P1".to_owned(),
                    indicators: vec![indicator("p1-a"), indicator("u-1")],
                    ..Project::default()
                },
                Project {
                    id: "p2".to_owned(),
                    ..Project::default()
                },
                Project {
                    id: "p3".to_owned(),
                    indicators: vec![indicator("p2#budget"), indicator("p3-a")],
                    ..Project::default()
                },
            ],
            ..Department::default()
        }
    }

    #[test]
    fn slots_number_subjects_in_model_order_and_back() {
        let model = model();
        let slots = Slots::new(&model);
        let expected = [
            Subject::UnitIndicator {
                unit: 0,
                indicator: 0,
            },
            Subject::UnitIndicator {
                unit: 0,
                indicator: 1,
            },
            Subject::UnitIndicator {
                unit: 2,
                indicator: 0,
            },
            Subject::ProjectIndicator {
                project: 0,
                indicator: 0,
            },
            Subject::ProjectIndicator {
                project: 0,
                indicator: 1,
            },
            Subject::Budget { project: 0 },
            Subject::Budget { project: 1 },
            Subject::ProjectIndicator {
                project: 2,
                indicator: 0,
            },
            Subject::ProjectIndicator {
                project: 2,
                indicator: 1,
            },
            Subject::Budget { project: 2 },
        ];
        assert_eq!(slots.count(), expected.len());
        for (slot, subject) in expected.into_iter().enumerate() {
            assert_eq!(slots.subject(slot), subject, "slot {slot}");
            assert_eq!(slots.slot(subject), slot, "{subject:?}");
            let after = expected.get(slot + 1).map(|&next| (slot + 1, next));
            assert_eq!(slots.next(slot, subject), after, "after {subject:?}");
        }
    }

    /// What a map from keys to the first slot of each says, found with and without every guess.
    #[test]
    fn ids_find_the_first_subject_of_a_key_whatever_the_guess() {
        let model = model();
        let slots = Slots::new(&model);
        let ids = Ids::new(&slots, None);
        let mut first: std::collections::HashMap<String, usize> = Default::default();
        for slot in 0..slots.count() {
            first.entry(slots.key(slot).into_owned()).or_insert(slot);
        }
        // Project P1's `u-1` has the key of unit 001's `U-1`, and project p3's indicator
        // `p2#budget` the id of project p2's budget execution, which comes first.
        assert_eq!(first["u-1"], 0);
        assert_eq!(first["p2#budget"], 6);
        let queries = [
            "u-1",
            "U-1",
            "u2",
            "u3",
            "p1#budget",
            "p2#budget",
            "p3-a",
            "p3#budget",
            "nope",
            "p1",
            "",
        ];
        for query in queries {
            let key = match_key(query);
            let expected = first.get(&*key).copied();
            let guesses = (0..slots.count()).map(|slot| Some((slot, slots.subject(slot))));
            for guess in std::iter::once(None).chain(guesses) {
                let found = ids.find(&slots, &key, guess);
                if let Some((slot, subject)) = found {
                    assert_eq!(subject, slots.subject(slot));
                }
                assert_eq!(
                    found.map(|(slot, _)| slot),
                    expected,
                    "{query} guessing {guess:?}"
                );
            }
        }
    }

    /// The map the index replaced: each key to the first subject in model order with it.
    fn first_subjects(model: &Department) -> std::collections::HashMap<String, Subject> {
        let mut ids = std::collections::HashMap::new();
        for (unit, u) in model.units.iter().enumerate() {
            for (indicator, i) in u.indicators.iter().enumerate() {
                ids.entry(match_key(&i.id).into_owned())
                    .or_insert(Subject::UnitIndicator {
                        unit: unit as u32,
                        indicator: indicator as u32,
                    });
            }
        }
        for (project, p) in model.projects.iter().enumerate() {
            for (indicator, i) in p.indicators.iter().enumerate() {
                ids.entry(match_key(&i.id).into_owned())
                    .or_insert(Subject::ProjectIndicator {
                        project: project as u32,
                        indicator: indicator as u32,
                    });
            }
            ids.entry(match_key(&budget_id(&p.id)).into_owned())
                .or_insert(Subject::Budget {
                    project: project as u32,
                });
        }
        ids
    }

    fn any_id() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex(
            "[aAbB \u{3000}\u{ff21}\u{0301}#]{0,3}(#budget|#BUDGET|＃ｂｕｄｇｅｔ)?",
        )
        .expect("a valid pattern")
    }

    proptest::proptest! {
        /// Models of any shape (empty units and projects first, between and last), ids that
        /// fold together or into budget ids: found as the map found them, whatever the guess.
        #[test]
        fn ids_find_what_the_map_of_first_subjects_found(
            units in proptest::collection::vec(proptest::collection::vec(any_id(), 0..3), 0..4),
            projects in proptest::collection::vec((any_id(), proptest::collection::vec(any_id(), 0..3)), 0..4),
            queries in proptest::collection::vec(any_id(), 0..6),
        ) {
            let model = Department {
                units: units
                    .into_iter()
                    .map(|ids| Unit {
                        indicators: ids.iter().map(|id| indicator(id)).collect(),
                        ..Unit::default()
                    })
                    .collect(),
                projects: projects
                    .into_iter()
                    .map(|(id, ids)| Project {
                        id,
                        indicators: ids.iter().map(|id| indicator(id)).collect(),
                        ..Project::default()
                    })
                    .collect(),
                ..Department::default()
            };
            let slots = Slots::new(&model);
            // One table, and shards filled on threads of their own.
            let (ids, sharded) = (Ids::in_shards(&slots, None, 1), Ids::in_shards(&slots, None, 3));
            proptest::prop_assert_eq!(&ids.shadowed, &sharded.shadowed);
            let expected = first_subjects(&model);
            for slot in 0..slots.count() {
                proptest::prop_assert_eq!(slots.slot(slots.subject(slot)), slot);
                let after = (slot + 1 < slots.count()).then(|| (slot + 1, slots.subject(slot + 1)));
                proptest::prop_assert_eq!(slots.next(slot, slots.subject(slot)), after);
            }
            let mut queries = queries;
            for u in &model.units {
                queries.extend(u.indicators.iter().map(|i| i.id.to_string()));
            }
            for p in &model.projects {
                queries.push(p.id.clone());
                queries.push(budget_id(&p.id));
                queries.extend(p.indicators.iter().map(|i| i.id.to_string()));
            }
            for query in queries {
                let key = match_key(&query);
                let wanted = expected.get(&*key).copied();
                let guesses = (0..slots.count()).map(|slot| Some((slot, slots.subject(slot))));
                for guess in std::iter::once(None).chain(guesses) {
                    let found = ids.find(&slots, &key, guess).map(|(_, subject)| subject);
                    proptest::prop_assert_eq!(found, wanted, "{:?} guessing {:?}", query, guess);
                    let found = sharded.find(&slots, &key, guess).map(|(_, subject)| subject);
                    proptest::prop_assert_eq!(found, wanted, "{:?} in shards", query);
                    // A guess taken for its written id is the one found by the key.
                    if let Some(guess) = guess
                        && ids.is_written_guess(&slots, &query, guess)
                    {
                        proptest::prop_assert_eq!(ids.find(&slots, &key, Some(guess)), Some(guess));
                    }
                }
            }
        }
    }

    /// A model large enough to be hashed on several threads: the hashes are the one thread's,
    /// in slot order, and each id finds the first subject with its key (ids repeat across
    /// projects and fold together: `I-7` and `i-7`).
    #[test]
    fn ids_hashed_on_several_threads_are_those_of_one() {
        let projects = PROJECTS_A_CHUNK * CHUNKS_PER_THREAD * 3 + 5;
        let model = Department {
            units: model().units,
            projects: (0..projects)
                .map(|p| Project {
                    id: format!("P{p}"),
                    indicators: vec![
                        indicator(&format!("P{p}-a")),
                        indicator(&if p % 2 == 0 {
                            format!("I-{}", p % 97)
                        } else {
                            format!("i-{}", p % 97)
                        }),
                    ],
                    ..Project::default()
                })
                .collect(),
            ..Department::default()
        };
        let slots = Slots::new(&model);
        let hasher = DefaultHashBuilder::default();
        let one = slots.key_hashes(&hasher, NonZeroUsize::new(1));
        let three = slots.key_hashes(&hasher, NonZeroUsize::new(3));
        let each: Vec<u64> = (0..slots.count())
            .map(|slot| hasher.hash_one(&*slots.key(slot)))
            .collect();
        assert_eq!(one, each);
        assert_eq!(three, each);
        let ids = Ids::in_shards(&slots, NonZeroUsize::new(3), 3);
        assert_eq!(ids.shards.len(), 3);
        let expected = first_subjects(&model);
        assert_eq!(ids.shadowed.iter().filter(|&&s| s).count(), projects - 97);
        for p in (0..projects).step_by(101) {
            for query in [
                format!("p{p}-A"),
                format!("i-{}", p % 97),
                budget_id(&format!("P{p}")),
            ] {
                let key = match_key(&query);
                let found = ids.find(&slots, &key, None).map(|(_, subject)| subject);
                assert_eq!(found, expected.get(&*key).copied(), "{query}");
            }
        }
    }

    /// What `has_key` relies on for budget ids, for every character alone and after a Hangul
    /// jamo, with which some characters compose under NFKC.
    #[test]
    fn the_key_of_a_budget_id_is_the_key_of_its_project_id_and_the_suffix() {
        for c in (0..=0x10_FFFF_u32).filter_map(char::from_u32) {
            for prefix in ["", "\u{1100}"] {
                let id = format!("{prefix}{c}");
                assert_eq!(
                    match_key(&budget_id(&id)),
                    format!("{}{BUDGET_SUFFIX}", match_key(&id)),
                    "{id:?}"
                );
            }
        }
    }
}
