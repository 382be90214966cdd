//! Scoring profiles: every choice `specs/scoring.md` leaves open, as data.
//!
//! `national` (the default) and `hubei` are built in from `specs/profiles/*.toml`; a user's file
//! in the same format may set every choice.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::OnceLock;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::text::{category_key, key_lead, match_key};

/// S2: what an empty category (a category row with no indicator) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmptyCategory {
    /// Its points go to the other categories (不适用的指标不考核，按百分制折算).
    Redistribute,
    /// It keeps its points and scores 0.
    Zero,
}

/// S17: how rows whose direction contradicts their name are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoubtfulDirection {
    AsWritten,
    Higher,
}

/// S1: level-1 categories sharing points; rows of all of a group's categories share them equally.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Keyed on first use: change a used profile's categories on a clone.
    pub categories: Vec<String>,
    pub points: Decimal,
    /// A category that receives these points when the project has no row in this group (S1).
    #[serde(default)]
    pub absent_to: Option<String>,
    /// `category_key` of each category, made on first use: every row of a province asks.
    #[serde(skip)]
    category_keys: Keys,
}

/// Keys made once from a list a profile holds, when first asked for. A profile is data and
/// its keys are not: they take no part in comparing or printing it, and a clone makes its own
/// (so that a clone may be changed). The list must not change once its keys are made.
#[derive(Default)]
struct Keys(OnceLock<Box<[String]>>);

impl Keys {
    fn of(&self, list: &[String], key: impl Fn(&str) -> Cow<'_, str>) -> &[String] {
        self.0
            .get_or_init(|| list.iter().map(|item| key(item).into_owned()).collect())
    }
}

impl Clone for Keys {
    fn clone(&self) -> Keys {
        Keys::default()
    }
}

impl PartialEq for Keys {
    fn eq(&self, _: &Keys) -> bool {
        true
    }
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys")
    }
}

impl Group {
    fn category_keys(&self) -> &[String] {
        self.category_keys.of(&self.categories, category_key)
    }
}

/// S7: a tier of qualitative actuals.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub name: String,
    /// Keyed on first use: change a used profile's words on a clone.
    pub words: Vec<String>,
    /// Whether the target's own text names this tier (达成 when the actual repeats the target).
    #[serde(default)]
    pub target_text: bool,
    /// The range of shares (percent) an actual of this tier may state.
    pub low: Decimal,
    pub high: Decimal,
    #[serde(default)]
    pub high_inclusive: bool,
    /// The share (percent) of an actual that states none.
    pub share: Decimal,
    /// Whether the tier counts as 达标.
    #[serde(default)]
    pub met: bool,
    /// `match_key` of each word, made on first use: a province's qualitative actuals ask for
    /// them hundreds of thousands of times.
    #[serde(skip)]
    word_keys: Keys,
}

impl Tier {
    fn word_keys(&self) -> &[String] {
        self.word_keys.of(&self.words, match_key)
    }

    pub fn admits(&self, share: Decimal) -> bool {
        share >= self.low && (share < self.high || self.high_inclusive && share == self.high)
    }

    /// The range as people write it: `60%–<80%`, `80%–100%`.
    pub fn range_text(&self) -> String {
        let upper = if self.high_inclusive { "" } else { "<" };
        format!("{}%–{upper}{}%", self.low, self.high)
    }
}

/// A scoring profile.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// S1: P, the points of budget execution.
    pub budget_points: Decimal,
    /// S12: a rate (percent) below which budget execution needs a note.
    pub budget_note_below: Decimal,
    pub empty_category: EmptyCategory,
    pub doubtful_direction: DoubtfulDirection,
    /// S9: 超额 above target × (1 + over_above %) for higher-is-better rows.
    pub over_above: Decimal,
    /// S9: 超额 below target × over_below % for lower-is-better rows.
    pub over_below: Decimal,
    #[serde(rename = "group")]
    pub groups: Vec<Group>,
    #[serde(rename = "tier")]
    pub tiers: Vec<Tier>,
}

/// A profile that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    /// 1-based line, when the error has one.
    pub line: Option<usize>,
    pub message: String,
}

const NATIONAL: &str = include_str!("../specs/profiles/national.toml");
const HUBEI: &str = include_str!("../specs/profiles/hubei.toml");

impl Profile {
    /// A built-in profile by name (`national`, `hubei`).
    pub fn builtin(name: &str) -> Option<Profile> {
        let text = match name {
            "national" => NATIONAL,
            "hubei" => HUBEI,
            _ => return None,
        };
        Some(Profile::parse(text).expect("built-in profiles are valid"))
    }

    pub fn national() -> Profile {
        Profile::builtin("national").expect("national is built in")
    }

    /// Reads a profile file (TOML; `specs/profiles/README.md`).
    pub fn parse(text: &str) -> Result<Profile, ProfileError> {
        let profile: Profile = toml::from_str(text).map_err(|e| ProfileError {
            line: e
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1),
            message: e.message().to_owned(),
        })?;
        profile.validate()?;
        Ok(profile)
    }

    fn validate(&self) -> Result<(), ProfileError> {
        let fail = |message: String| {
            Err(ProfileError {
                line: None,
                message,
            })
        };
        let hundred = Decimal::ONE_HUNDRED;
        if self.budget_points < Decimal::ZERO || self.budget_points > hundred {
            return fail(format!(
                "budget_points must be within 0..=100, not {}",
                self.budget_points
            ));
        }
        let sum: Decimal = self.groups.iter().map(|g| g.points).sum();
        if sum + self.budget_points != hundred {
            return fail(format!(
                "the groups' points ({sum}) and budget_points ({}) must add up to 100",
                self.budget_points
            ));
        }
        for group in &self.groups {
            if group.points < Decimal::ZERO || group.categories.is_empty() {
                return fail(format!(
                    "group {:?} needs categories and points ≥ 0",
                    group.categories
                ));
            }
            if let Some(to) = &group.absent_to
                && self.group_of(to).is_none()
            {
                return fail(format!("absent_to names {to}, which no group has"));
            }
        }
        if self.tiers.is_empty() {
            return fail("a profile needs at least one tier".to_owned());
        }
        for tier in &self.tiers {
            if !tier.admits(tier.share) {
                return fail(format!(
                    "tier {}: its share {} lies outside its range {}",
                    tier.name,
                    tier.share,
                    tier.range_text()
                ));
            }
        }
        Ok(())
    }

    /// The index of the group a level-1 category belongs to; `产出` matches `产出指标`.
    pub fn group_of(&self, level1: &str) -> Option<usize> {
        let key = category_key(level1);
        self.groups
            .iter()
            .position(|g| g.category_keys().iter().any(|c| *c == key))
    }

    /// The tier a qualitative actual names, and the rest of the text after the tier word.
    pub fn tier_of<'a>(&self, actual: &'a str, target_text: &str) -> Option<(&Tier, &'a str)> {
        let key = match_key(actual);
        let target = OnceCell::new();
        // A target led by another ideograph than the actual cannot lead the actual's key: its
        // own key (most are long, many are not their own) is not made.
        let target_may_lead = match (key_lead(actual), key_lead(target_text)) {
            (Some(actual), Some(target)) => actual == target,
            _ => true,
        };
        // The longest word wins: 基本达成 is not 达成, 未完成 is not 完成.
        let mut best: Option<(&Tier, usize)> = None;
        for tier in &self.tiers {
            let target = (tier.target_text && target_may_lead)
                .then(|| &**target.get_or_init(|| match_key(target_text)))
                .filter(|t| !t.is_empty());
            let words = tier.word_keys().iter().map(String::as_str).chain(target);
            for word in words {
                if key.starts_with(word) && best.is_none_or(|(_, len)| word.len() > len) {
                    best = Some((tier, word.len()));
                }
            }
        }
        let (tier, key_len) = best?;
        let rest = match key {
            // The actual is its own key: the key's bytes are the actual's.
            Cow::Borrowed(_) => &actual[key_len..],
            Cow::Owned(_) => rest_after_key(actual, key_len),
        };
        Some((tier, rest))
    }

    /// Every word a qualitative actual may name, for messages.
    pub fn tier_words(&self) -> Vec<&str> {
        self.tiers
            .iter()
            .flat_map(|t| t.words.iter().map(String::as_str))
            .collect()
    }
}

/// The part of `text` after the characters whose match key is `key_len` bytes long.
fn rest_after_key(text: &str, key_len: usize) -> &str {
    let mut consumed = 0;
    for (i, c) in text.char_indices() {
        if consumed >= key_len {
            return &text[i..];
        }
        consumed += match_key(c.encode_utf8(&mut [0; 4])).len();
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn built_in_profiles_are_valid_and_add_up() {
        let national = Profile::national();
        assert_eq!(national.budget_points, dec!(10));
        assert_eq!(national.groups.len(), 3);
        let hubei = Profile::builtin("hubei").unwrap();
        assert_eq!(hubei.budget_points, dec!(20));
        assert_eq!(hubei.group_of("满意度指标"), hubei.group_of("效益指标"));
        assert!(Profile::builtin("sichuan").is_none());
    }

    #[test]
    fn categories_match_with_or_without_the_suffix() {
        let p = Profile::national();
        assert_eq!(p.group_of("产出"), Some(0));
        assert_eq!(p.group_of("产出指标"), Some(0));
        assert_eq!(p.group_of("成本指标"), None);
    }

    /// Keys made on first use leave a profile equal to one never used, and a clone keys its
    /// own words, so a clone may be changed.
    #[test]
    fn keys_made_on_use_are_no_part_of_a_profile() {
        let used = Profile::national();
        let fresh = Profile::national();
        assert!(used.tier_of("达成", "").is_some());
        assert!(used.group_of("产出指标").is_some());
        assert_eq!(used, fresh);
        assert_eq!(format!("{used:?}"), format!("{fresh:?}"));
        let mut changed = used.clone();
        changed.tiers[0].words = vec!["圆满完成".to_owned()];
        let (tier, _) = changed
            .tier_of("圆满完成", "")
            .expect("the clone's new word");
        assert_eq!(tier.name, changed.tiers[0].name);
        assert!(
            used.tier_of("圆满完成", "")
                .is_none_or(|(t, _)| t.name != used.tiers[0].name)
        );
    }

    #[test]
    fn tiers_take_the_longest_word() {
        let p = Profile::national();
        let (tier, rest) = p.tier_of("基本达成", "").unwrap();
        assert_eq!(tier.name, "基本达成");
        assert_eq!(rest, "");
        assert_eq!(p.tier_of("未完成", "").unwrap().0.name, "未达成");
        let (tier, rest) = p.tier_of("达成：已完成资产评估", "").unwrap();
        assert_eq!(tier.name, "达成");
        assert_eq!(rest, "：已完成资产评估");
        assert_eq!(p.tier_of("确保稳定", "确保稳定").unwrap().0.name, "达成");
        assert!(p.tier_of("很好", "确保稳定").is_none());
    }

    /// The tier and rest by keying every word, the target and each character of the actual.
    fn tier_keyed_in_full<'a>(
        p: &'a Profile,
        actual: &'a str,
        target_text: &str,
    ) -> Option<(&'a str, &'a str)> {
        let key = match_key(actual);
        let target = match_key(target_text);
        let mut best: Option<(&str, usize)> = None;
        for tier in &p.tiers {
            let own = tier.words.iter().map(|w| match_key(w).into_owned());
            let target = (tier.target_text && !target.is_empty()).then(|| target.to_string());
            for word in own.chain(target) {
                if key.starts_with(&word) && best.is_none_or(|(_, len)| word.len() > len) {
                    best = Some((&tier.name, word.len()));
                }
            }
        }
        best.map(|(name, len)| (name, rest_after_key(actual, len)))
    }

    proptest::proptest! {
        /// Skipping the target's key when its lead differs, and cutting an actual that is its own
        /// key at the key's length, find what keying everything finds.
        #[test]
        fn tiers_are_found_as_keying_everything_finds(
            actual in proptest::collection::vec(
                proptest::sample::select(vec![
                    "达成", "基本达成", "部分达成", "未达成", "完成", "未完成", "确保", "稳定",
                    "确保稳定", "Ａ", "A", "a", " ", "\u{3000}", "：", "75%", "７５％", "（", "说明",
                ]),
                0..5,
            ),
            target in proptest::sample::select(vec![
                "", "确保稳定", "确保 稳定", "达成", " 达成", "Ａ级", "a级", "７５％", "稳定",
            ]),
        ) {
            let actual = actual.concat();
            let p = Profile::national();
            let found = p.tier_of(&actual, target).map(|(tier, rest)| (tier.name.as_str(), rest));
            proptest::prop_assert_eq!(found, tier_keyed_in_full(&p, &actual, target));
        }
    }

    #[test]
    fn tier_ranges_follow_s7() {
        let p = Profile::national();
        let partial = p.tiers.iter().find(|t| t.name == "部分达成").unwrap();
        assert!(partial.admits(dec!(60)));
        assert!(partial.admits(dec!(79.9)));
        assert!(!partial.admits(dec!(80)));
        let met = &p.tiers[0];
        assert!(met.admits(dec!(100)));
        assert_eq!(partial.range_text(), "60%–<80%");
    }

    #[test]
    fn broken_profiles_are_refused_with_a_reason() {
        let text = NATIONAL.replace("budget_points = 10", "budget_points = 20");
        let err = Profile::parse(&text).unwrap_err();
        assert!(err.message.contains("add up to 100"), "{}", err.message);
        let err = Profile::parse("name = 3").unwrap_err();
        assert_eq!(err.line, Some(1));
    }
}
