//! Rules on one indicator row: its direction (scoring.md S17), its percentage, its unit of
//! measure against its name, and whether a qualitative target can be checked at all.

use super::vocabulary::{
    CHECKABLE_SHORT, COUNT_NAMES, DURATION_NAMES, NOT_SHARES, ORGANISATIONS, PEOPLE, PEOPLE_UNITS,
    SHARES, VAGUE_DEGREES, VAGUE_WORDS, made_of, mentions,
};
use super::{Finding, Owner, quoted};
use crate::model::direction::{Doubt, doubt, raised_bad_count};
use crate::model::{Dimension, Indicator, Measure, Operator, Target};
use crate::text::match_key;

/// Runs every row rule on `indicator` of `owner`.
pub(super) fn check(owner: Owner<'_>, indicator: &Indicator, out: &mut Vec<Finding>) {
    let rules: [fn(&Indicator) -> Said; 6] = [
        doubtful_direction,
        bad_count,
        time_limit_equals,
        share_over_100,
        unit_mismatch,
        vague_target,
    ];
    for rule in rules {
        if let Some((code, message, help)) = rule(indicator) {
            out.push(Finding::row(code, owner, indicator, message, help));
        }
    }
}

/// What a rule says about a row: its code, the message and the help.
pub(super) type Said = Option<(&'static str, String, String)>;

/// `capped-share` and `capped-output` (S17): the operator contradicts what the name measures.
pub(super) fn doubtful_direction(indicator: &Indicator) -> Said {
    let floor = floor_of(indicator)?;
    match doubt(indicator)? {
        Doubt::CappedShare => Some((
            "capped-share",
            format!(
                "{} caps a share that should be high: a higher actual scores less (scoring.md S17)",
                quoted(indicator)
            ),
            format!(
                "write the target as a floor, `{floor}`; a spec that keeps the table's operator can score it as one with `direction higher` on the row"
            ),
        )),
        Doubt::CappedOutput => Some((
            "capped-output",
            format!(
                "{} caps an output count (数量指标): more output scores less (scoring.md S17)",
                quoted(indicator)
            ),
            format!(
                "write `{floor}` if the count is a goal; if it is a ceiling on purpose, say so with `direction lower` on the row in a spec"
            ),
        )),
    }
}

/// The same target with `>=`: what a capped row most likely meant.
fn floor_of(indicator: &Indicator) -> Option<String> {
    let Target::Compare { value, measure, .. } = &indicator.target else {
        return None;
    };
    Some(
        Target::Compare {
            op: Operator::Ge,
            value: *value,
            measure: measure.clone(),
        }
        .to_string(),
    )
}

/// `raised-bad-count`: a count of violations or accidents asked for as a floor.
pub(super) fn bad_count(indicator: &Indicator) -> Said {
    if !raised_bad_count(indicator) {
        return None;
    }
    let Target::Compare { measure, .. } = &indicator.target else {
        return None;
    };
    let unit = measure
        .as_ref()
        .map(|m| format!(" {m}"))
        .unwrap_or_default();
    Some((
        "raised-bad-count",
        format!(
            "{} asks for at least that many violations, accidents or complaints: more of them scores better",
            quoted(indicator)
        ),
        format!(
            "write `= 0{unit}` (none at all) or a ceiling such as `<= 2{unit}`; a spec can keep the text and score it with `direction lower`"
        ),
    ))
}

/// `time-limit-equals`: a duration written with `=`, which S5 reads as a limit (`<=`).
pub(super) fn time_limit_equals(indicator: &Indicator) -> Said {
    let Target::Compare {
        op: Operator::Eq,
        value,
        measure: Some(measure),
    } = &indicator.target
    else {
        return None;
    };
    // `= 0 天` is exact (S5): met only at 0, never a limit.
    if measure.dimension() != Dimension::Duration
        || indicator.direction.is_some()
        || value.is_zero()
    {
        return None;
    }
    Some((
        "time-limit-equals",
        format!(
            "{} states a duration with `=`; scoring reads it as the limit `<= {value} {measure}` (scoring.md S5)",
            quoted(indicator)
        ),
        format!(
            "write `<= {value} {measure}` for a time limit, or `>= {value} {measure}` when longer is better (a 持续期限)"
        ),
    ))
}

/// Whether a percentage named so is a share, at most 100 %.
fn is_share(name: &str) -> bool {
    let key = match_key(name);
    mentions(&key, SHARES) && !mentions(&key, NOT_SHARES)
}

/// `share-over-100`: a share asked to be above 100 %, or capped above it.
pub(super) fn share_over_100(indicator: &Indicator) -> Said {
    let hundred = rust_decimal::Decimal::ONE_HUNDRED;
    let (over, measure) = match &indicator.target {
        Target::Compare { op, value, measure } => (
            *value > hundred || (*op == Operator::Gt && *value >= hundred),
            measure,
        ),
        Target::Range { high, measure, .. } => (*high > hundred, measure),
        _ => return None,
    };
    let percent = measure
        .as_ref()
        .is_some_and(|m| m.dimension() == Dimension::Percent);
    if !over || !percent || !is_share(&indicator.name) {
        return None;
    }
    let capped = matches!(
        indicator.target.operator(),
        Some(Operator::Le | Operator::Lt)
    );
    let what = match indicator.target {
        Target::Range { .. } => "lets a share range above 100 %, where no actual goes",
        _ if capped => "caps a share above 100 %, which every actual meets",
        _ => "asks a share for more than 100 %, which no actual reaches",
    };
    Some((
        "share-over-100",
        format!("{} {what}", quoted(indicator)),
        "a share is at most 100 %: write `>= 100 %` (or the floor meant); a growth rate or ratio that may pass 100 % is better named so (增长率), or silenced with `allow share-over-100`".to_owned(),
    ))
}

/// What is wrong with the unit of `indicator` for its name, if anything clear.
fn misfit(name: &str, measure: &Measure) -> Option<(String, String)> {
    let key = match_key(name);
    let base = measure.base();
    let dimension = measure.dimension();
    let people = key.contains('人')
        || key.contains('员')
        || key.contains('者')
        || mentions(&key, PEOPLE)
        || (key.contains("企业家") && !key.contains("企业家数"));
    if dimension == Dimension::Count
        && PEOPLE_UNITS.contains(&base)
        && mentions(&key, ORGANISATIONS)
        && !people
    {
        return Some((
            format!("counts organisations (企业, 机构 …) in {measure}"),
            "count organisations in 家, 户 or 个".to_owned(),
        ));
    }
    let people_allowed: &[&str] = if key.contains("人次") {
        &["人", "人次", "名", "位", "次"]
    } else {
        PEOPLE_UNITS
    };
    if dimension == Dimension::Count
        && (key.contains("人数") || key.contains("人次"))
        && !people_allowed.contains(&base)
    {
        return Some((
            format!("counts people (人数, 人次) in {measure}"),
            "count people in 人 (or 人次 for attendances)".to_owned(),
        ));
    }
    if dimension == Dimension::Count && DURATION_NAMES.iter().any(|w| key.ends_with(w)) {
        return Some((
            format!("compares a duration (时限, 时间 …) with a count ({measure})"),
            "give the duration in 天, 月 or 年".to_owned(),
        ));
    }
    if dimension == Dimension::Duration && COUNT_NAMES.iter().any(|w| key.ends_with(w)) {
        return Some((
            format!("measures a count (次数, 数量 …) in a duration unit ({measure})"),
            "count in the thing counted: 次, 个, 家, 人 …".to_owned(),
        ));
    }
    None
}

/// `unit-mismatch`: the unit of measure does not fit the name (企业 in 人, 人数 in 家, a 时限 in 个).
pub(super) fn unit_mismatch(indicator: &Indicator) -> Said {
    let measure = indicator.target.measure()?;
    let (what, fix) = misfit(&indicator.name, measure)?;
    Some((
        "unit-mismatch",
        format!("{} {what}", quoted(indicator)),
        format!("{fix}, or rename the indicator after what it counts"),
    ))
}

/// Whether a qualitative target text says nothing a reviewer could check.
pub(super) fn is_vague(text: &str) -> bool {
    let key: String = match_key(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    if made_of(&key, &[VAGUE_WORDS, VAGUE_DEGREES]) {
        return true;
    }
    let short = (1..=2).contains(&key.chars().count());
    short && !CHECKABLE_SHORT.contains(&key.as_str())
}

/// `vague-target`: a qualitative target that is only a vague word (提升, 好).
pub(super) fn vague_target(indicator: &Indicator) -> Said {
    let Target::Qualitative(text) = &indicator.target else {
        return None;
    };
    if !is_vague(text) {
        return None;
    }
    Some((
        "vague-target",
        format!(
            "`{}` has the target `{text}`, which says neither what nor how much: it cannot be checked",
            indicator.name
        ),
        "state a measurable target (a number and a unit, `>= 3 个`) or a state a reviewer can confirm (`通过验收`)".to_owned(),
    ))
}
