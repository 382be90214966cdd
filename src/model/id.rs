//! Stable ids for projects and indicators.
//!
//! An id is derived from what a row *is* (unit code, project name, categories, indicator name,
//! compared by their [`match_key`]), never from where it stands, so editing one row renames no
//! other. Two rows that would share an id get `-2`, `-3` … in source order.
//!
//! - project: `558001-3f9a2c01` (unit code, 8 hex digits of the project name);
//! - project indicator: `558001-3f9a2c01-b71e04` (project id, 6 hex digits of level1/level2/name);
//! - unit indicator (表16): `558001-unit-b71e04`;
//! - a project's budget execution (scoring.md S12): `<project id>#budget`.

use hashbrown::HashSet;

use xxhash_rust::xxh3::xxh3_64;

use crate::text::match_key;

fn digest(parts: &[&str]) -> u64 {
    // The keys joined on the stack: a province derives a million ids, and a key on the heap
    // cost an allocation each. Keys that outgrow it (rare) are joined again on the heap: a
    // joint that could move to the heap midway cost every id a fifth more instructions.
    let mut stack = [0u8; DIGEST_ON_STACK];
    let mut len = 0;
    for (i, part) in parts.iter().enumerate() {
        let key = match_key(part);
        let separator = usize::from(i > 0);
        let Some(room) = stack.get_mut(len..len + separator + key.len()) else {
            return digest_on_heap(parts);
        };
        if separator == 1 {
            room[0] = SEPARATOR;
        }
        room[separator..].copy_from_slice(key.as_bytes());
        len += separator + key.len();
    }
    xxh3_64(&stack[..len])
}

/// [`digest`] of keys too long for the stack.
fn digest_on_heap(parts: &[&str]) -> u64 {
    let keys: Vec<String> = parts.iter().map(|p| match_key(p).into_owned()).collect();
    xxh3_64(
        keys.join(char::from(SEPARATOR).to_string().as_str())
            .as_bytes(),
    )
}

/// The bytes of keys [`digest`] joins without allocating.
const DIGEST_ON_STACK: usize = 256;

/// What joins the parts' keys: U+001F (unit separator), a control character that published
/// names do not hold.
const SEPARATOR: u8 = 0x1f;

/// `head` and `joint`, then the low `digits` hex digits of `hash`, lower case and zero-padded:
/// what `format!("{head}{joint}{:0digits$x}", hash & mask)` writes, without the formatting
/// machinery a million derived ids paid for.
fn with_hex(head: &str, joint: &str, hash: u64, digits: u32) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(head.len() + joint.len() + digits as usize);
    id.push_str(head);
    id.push_str(joint);
    for digit in (0..digits).rev() {
        id.push(char::from(HEX[(hash >> (digit * 4)) as usize & 0xf]));
    }
    id
}

pub fn project_id(unit_code: &str, project_name: &str) -> String {
    with_hex(unit_code, "-", digest(&[project_name]), 8)
}

pub fn project_indicator_id(project_id: &str, level1: &str, level2: &str, name: &str) -> String {
    with_hex(project_id, "-", digest(&[level1, level2, name]), 6)
}

pub fn unit_indicator_id(unit_code: &str, level1: &str, level2: &str, name: &str) -> String {
    with_hex(unit_code, "-unit-", digest(&[level1, level2, name]), 6)
}

/// [`project_indicator_id`] and [`unit_indicator_id`] of a run of rows: the categories' keys,
/// which the rows under one category share, are made once for the run instead of for every row
/// (two of the three keys of a province's million ids).
#[derive(Debug, Default)]
pub struct IndicatorIds {
    /// The categories keyed last, as given, and their keys joined, each with a separator after.
    level1: String,
    level2: String,
    keys: Vec<u8>,
    categories: usize,
}

impl IndicatorIds {
    /// [`digest`] of `[level1, level2, name]`.
    fn digest(&mut self, level1: &str, level2: &str, name: &str) -> u64 {
        if self.keys.is_empty() || self.level1 != level1 || self.level2 != level2 {
            self.level1.clear();
            self.level1.push_str(level1);
            self.level2.clear();
            self.level2.push_str(level2);
            self.keys.clear();
            for category in [level1, level2] {
                self.keys.extend_from_slice(match_key(category).as_bytes());
                self.keys.push(SEPARATOR);
            }
            self.categories = self.keys.len();
        }
        self.keys.truncate(self.categories);
        self.keys.extend_from_slice(match_key(name).as_bytes());
        xxh3_64(&self.keys)
    }

    /// [`project_indicator_id`].
    pub fn project(&mut self, project_id: &str, level1: &str, level2: &str, name: &str) -> String {
        with_hex(project_id, "-", self.digest(level1, level2, name), 6)
    }

    /// [`unit_indicator_id`].
    pub fn unit(&mut self, unit_code: &str, level1: &str, level2: &str, name: &str) -> String {
        with_hex(unit_code, "-unit-", self.digest(level1, level2, name), 6)
    }
}

/// The reserved id of a project's budget execution row (scoring.md S12).
pub fn budget_id(project_id: &str) -> String {
    format!("{project_id}#budget")
}

/// Hands out ids, suffixing `-2`, `-3` … where a derived id is taken already.
#[derive(Debug, Default)]
pub struct IdAllocator {
    taken: HashSet<String>,
}

impl IdAllocator {
    /// An allocator with `ids` taken.
    pub fn taking<'s>(ids: impl IntoIterator<Item = &'s str>) -> IdAllocator {
        IdAllocator {
            taken: ids.into_iter().map(str::to_owned).collect(),
        }
    }

    /// `derived`, or `derived-N` for the smallest N ≥ 2 not taken.
    pub fn unique(&mut self, derived: String) -> String {
        if self.taken.insert(derived.clone()) {
            return derived;
        }
        let id = unique_among(derived, |candidate| self.taken.contains(candidate));
        self.taken.insert(id.clone());
        id
    }
}

/// `derived`, or `derived-N` for the smallest N ≥ 2 that `taken` does not hold: what
/// [`IdAllocator::unique`] hands out, for a caller that knows the ids taken by itself (a table's
/// few rows, searched instead of hashed and copied into a set).
pub fn unique_among(derived: String, taken: impl Fn(&str) -> bool) -> String {
    if !taken(&derived) {
        return derived;
    }
    (2..)
        .map(|n| format!("{derived}-{n}"))
        .find(|candidate| !taken(candidate))
        .expect("an unbounded range always yields a free suffix")
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The hex digits are those `format!` pads and writes, for any hash.
        #[test]
        fn hex_ids_are_formatted_ids(head in "[0-9a-z-]{0,12}", hash: u64) {
            proptest::prop_assert_eq!(
                with_hex(&head, "-", hash, 8),
                format!("{head}-{:08x}", hash & 0xffff_ffff)
            );
            proptest::prop_assert_eq!(
                with_hex(&head, "-unit-", hash, 6),
                format!("{head}-unit-{:06x}", hash & 0xff_ffff)
            );
        }
    }

    proptest::proptest! {
        /// The keys hash as joined, whatever their length: on the stack or moved to the heap.
        #[test]
        fn digests_are_of_the_joined_keys(
            parts in proptest::collection::vec("[a-zA-Z 业务管理（）]{0,120}", 1..4),
        ) {
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(digest(&parts), digest_on_heap(&parts));
        }
    }

    proptest::proptest! {
        /// Ids derived in a run, the categories keyed once for the rows that share them, are
        /// those derived one at a time: rows under the same, other and equal-keyed categories,
        /// and keys that outgrow the stack.
        #[test]
        fn ids_in_a_run_are_ids_one_at_a_time(
            rows in proptest::collection::vec(
                (
                    proptest::sample::select(vec!["产出指标", "产出 指标", "效益指标", "", "a"]),
                    proptest::sample::select(vec!["数量指标", "数量指标 ", "（质量）", "(质量)", ""]),
                    "[a-zA-Z 业务管理（）]{0,100}",
                ),
                0..12,
            ),
        ) {
            let mut ids = IndicatorIds::default();
            for (level1, level2, name) in &rows {
                proptest::prop_assert_eq!(
                    ids.project("p-1", level1, level2, name),
                    project_indicator_id("p-1", level1, level2, name)
                );
                proptest::prop_assert_eq!(
                    ids.unit("558001", level1, level2, name),
                    unit_indicator_id("558001", level1, level2, name)
                );
            }
        }
    }

    #[test]
    fn ids_ignore_wraps_and_widths() {
        let a = project_indicator_id(
            "p",
            "业务管理",
            "业务管理",
            "政府采购管理违法违规行为发生次数",
        );
        let b = project_indicator_id(
            "p",
            "业务管理",
            "业务管理",
            "政府采购管理违法违规 行为发生次数",
        );
        assert_eq!(a, b);
        assert_eq!(
            project_id("558001", "前期工作经费（中小）"),
            project_id("558001", "前期工作经费(中小)")
        );
    }

    #[test]
    fn ids_depend_on_categories_and_name_not_position() {
        let a = unit_indicator_id("558001", "基础管理", "依法行政能力", "综合管理水平");
        let b = unit_indicator_id("558001", "可持续性", "体制机制改革", "综合管理水平");
        assert_ne!(a, b);
        assert!(a.starts_with("558001-unit-"));
        assert_eq!(a.len(), "558001-unit-".len() + 6);
    }

    #[test]
    fn colliding_ids_get_suffixes_in_order() {
        let mut ids = IdAllocator::default();
        let id = unit_indicator_id("558001", "a", "b", "c");
        assert_eq!(ids.unique(id.clone()), id);
        assert_eq!(ids.unique(id.clone()), format!("{id}-2"));
        assert_eq!(ids.unique(id.clone()), format!("{id}-3"));
    }

    proptest::proptest! {
        /// Ids made unique by searching those handed out so far are those the allocator hands
        /// out, whatever collides with what: `a`, `a`, `a-2`, `a` give `a`, `a-2`, `a-2-2`,
        /// `a-3`.
        #[test]
        fn ids_searched_for_are_ids_allocated(
            derived in proptest::collection::vec(
                proptest::sample::select(vec!["a", "a-2", "a-3", "a-2-2", "b"]),
                0..40,
            ),
        ) {
            let mut ids = IdAllocator::default();
            let mut searched: Vec<String> = Vec::new();
            for d in derived {
                let allocated = ids.unique(d.to_owned());
                let found = unique_among(d.to_owned(), |id| searched.iter().any(|s| s == id));
                proptest::prop_assert_eq!(&found, &allocated);
                searched.push(found);
            }
        }
    }

    #[test]
    fn budget_ids_are_reserved_per_project() {
        assert_eq!(budget_id("558001-3f9a2c01"), "558001-3f9a2c01#budget");
    }
}
