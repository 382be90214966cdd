//! One indicator row against its actual: status, flags and the share of its weight it earns
//! (scoring.md S4–S11). Weights are the table's business ([`super::table`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::result::{Flag, Flags, Status};
use crate::actuals::{Actual, ActualRow};
use crate::model::direction::{self, Sense};
use crate::model::{Indicator, Target};
use crate::profile::{DoubtfulDirection, Profile};

/// Whether a row takes part in its table's weights now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Participation {
    /// Carries weight: scored, or 未填报 with 0 (S10).
    Active,
    /// 未到期: no weight now (S11).
    Pending,
    /// 不适用: no weight (S3).
    NotApplicable,
}

/// A row's result before weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub participation: Participation,
    pub status: Status,
    pub flags: Flags,
    /// The share of the row's weight it earns, within [0, 1]: 1 for a met quantitative row, the
    /// tier's share for a qualitative one (S7).
    pub fraction: Decimal,
    /// Percent of the target reached, for reports.
    pub completion: Option<Decimal>,
}

/// What a row is judged with besides its actual.
pub struct Context<'a> {
    pub profile: &'a Profile,
    pub year: i32,
    pub as_of: NaiveDate,
    /// S9: the profile's 超额 factors (`over_above`, `over_below`), divided once rather than
    /// once a row; made by [`Context::new`] from `profile`. An `over_above` so large that
    /// 100 + it overflows flags nothing, as a margin that overflows on a row does (it panicked).
    over_above: Option<Decimal>,
    over_below: Decimal,
}

impl<'a> Context<'a> {
    pub fn new(profile: &'a Profile, year: i32, as_of: NaiveDate) -> Context<'a> {
        let hundred = Decimal::ONE_HUNDRED;
        Context {
            profile,
            year,
            as_of,
            over_above: hundred.checked_add(profile.over_above).map(|m| m / hundred),
            over_below: profile.over_below / hundred,
        }
    }
}

/// Why a row cannot be scored: the actual does not fit the target, or the spec asks for the
/// impossible. The caller adds the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError(pub String);

fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)
}

/// `part / whole` capped at 1; 0 unless both are positive (S4).
fn capped_ratio(part: Decimal, whole: Decimal) -> Decimal {
    if part <= Decimal::ZERO || whole <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    part.checked_div(whole)
        .unwrap_or(Decimal::ONE)
        .min(Decimal::ONE)
}

/// Judges one row.
pub fn judge(
    indicator: &Indicator,
    row: Option<&ActualRow>,
    ctx: &Context<'_>,
) -> Result<Outcome, RowError> {
    let actual = row.map_or(&Actual::Missing, |r| &r.actual);
    let note = row.and_then(ActualRow::written_note);
    let last_day = indicator.deadline.map(|d| d.last_day(ctx.year));
    let before_deadline = last_day.is_some_and(|d| ctx.as_of < d);
    let mut flags = Flags::default();

    let doubtful = direction::doubt(indicator).is_some();
    if doubtful {
        flags.insert(Flag::DoubtfulDirection);
    }
    // S11: a completion date after the deadline flags 逾期; the score is not changed.
    if let (Some(done), Some(last)) = (row.and_then(|r| r.completed), last_day)
        && done > last
    {
        flags.insert(Flag::Late);
    }

    let outcome = |participation, status, fraction, completion, flags| Outcome {
        participation,
        status,
        flags,
        fraction,
        completion,
    };

    // S3: not applicable, by target or by actual (the latter with a note).
    if matches!(indicator.target, Target::NotApplicable) || matches!(actual, Actual::NotApplicable)
    {
        if matches!(actual, Actual::NotApplicable) && note.is_none() {
            flags.insert(Flag::NeedsNote);
        }
        return Ok(outcome(
            Participation::NotApplicable,
            Status::NotApplicable,
            Decimal::ZERO,
            None,
            flags,
        ));
    }
    // S10, S11: nothing reported.
    if matches!(actual, Actual::Missing) {
        let (participation, status) = if before_deadline {
            (Participation::Pending, Status::Pending)
        } else {
            (Participation::Active, Status::NotReported)
        };
        return Ok(outcome(participation, status, Decimal::ZERO, None, flags));
    }

    let judged = match (&indicator.target, actual) {
        (Target::Compare { op, value, .. }, Actual::Quantity { value: a, .. }) => {
            let mut sense = direction::sense(indicator).unwrap_or(Sense::Higher);
            if doubtful && ctx.profile.doubtful_direction == DoubtfulDirection::Higher {
                sense = Sense::Higher;
            }
            compare(*op, sense, *a, *value, ctx)?
        }
        (Target::Range { low, high, .. }, Actual::Quantity { value: a, .. }) => {
            range(*a, *low, *high)
        }
        (Target::Qualitative(_), Actual::Tier { tier, share, .. }) => {
            let tier = ctx
                .profile
                .tiers
                .get(*tier)
                .ok_or_else(|| RowError("a tier the profile does not have".to_owned()))?;
            let share = share.unwrap_or(tier.share);
            Judged {
                met: tier.met,
                fraction: (share / Decimal::ONE_HUNDRED).clamp(Decimal::ZERO, Decimal::ONE),
                completion: Some(share),
                over: false,
            }
        }
        (target, actual) => {
            return Err(RowError(format!(
                "the actual `{}` does not fit the target `{target}`",
                actual.written()
            )));
        }
    };
    if judged.over {
        flags.insert(Flag::Over);
    }
    // S11: before the deadline a row not yet met is pending, not failed.
    if !judged.met && before_deadline {
        return Ok(outcome(
            Participation::Pending,
            Status::Pending,
            Decimal::ZERO,
            judged.completion,
            flags,
        ));
    }
    let status = if judged.met {
        Status::Met
    } else {
        Status::NotMet
    };
    // S9: every 未达标 row and every 超额 row needs a note.
    if (status == Status::NotMet || judged.over) && note.is_none() {
        flags.insert(Flag::NeedsNote);
    }
    let fraction = judged.fraction;
    Ok(outcome(
        Participation::Active,
        status,
        fraction,
        judged.completion,
        flags,
    ))
}

struct Judged {
    met: bool,
    fraction: Decimal,
    completion: Option<Decimal>,
    over: bool,
}

/// S4, S5, S9 for `actual <op> target` compared in the target's unit.
fn compare(
    op: crate::model::Operator,
    sense: Sense,
    actual: Decimal,
    target: Decimal,
    ctx: &Context<'_>,
) -> Result<Judged, RowError> {
    use crate::model::Operator;
    Ok(match sense {
        Sense::Higher => {
            let met = if op == Operator::Gt {
                actual > target
            } else {
                actual >= target
            };
            Judged {
                met,
                fraction: if met {
                    Decimal::ONE
                } else {
                    capped_ratio(actual, target)
                },
                completion: percent(actual, target),
                over: target > Decimal::ZERO
                    && ctx
                        .over_above
                        .and_then(|m| target.checked_mul(m))
                        .is_some_and(|m| actual > m),
            }
        }
        Sense::Lower => {
            let met = if op == Operator::Lt {
                actual < target
            } else {
                actual <= target
            };
            Judged {
                met,
                fraction: if met {
                    Decimal::ONE
                } else {
                    capped_ratio(target, actual)
                },
                completion: percent(target, actual),
                over: target > Decimal::ZERO
                    && target
                        .checked_mul(ctx.over_below)
                        .is_some_and(|m| actual < m),
            }
        }
        // S5: `= 0` is met only at 0; anything else scores 0.
        Sense::Zero => Judged {
            met: actual.is_zero(),
            fraction: if actual.is_zero() {
                Decimal::ONE
            } else {
                Decimal::ZERO
            },
            completion: None,
            over: false,
        },
        // S5: `exact` scores weight × max(0, 1 − |actual − target| / target).
        Sense::Exact => {
            if target <= Decimal::ZERO {
                return Err(RowError(format!(
                    "direction exact needs a target above 0, not {target}"
                )));
            }
            // Checked: an actual far off the target scores 0, never overflows.
            let distance = actual
                .checked_sub(target)
                .and_then(|d| d.abs().checked_div(target))
                .unwrap_or(Decimal::MAX);
            Judged {
                met: actual == target,
                fraction: (Decimal::ONE - distance).max(Decimal::ZERO),
                completion: percent(actual, target),
                over: false,
            }
        }
    })
}

/// S6: met inside the range; below, the ratio to the lower bound; above, met and 超额.
fn range(actual: Decimal, low: Decimal, high: Decimal) -> Judged {
    Judged {
        met: actual >= low,
        fraction: if actual >= low {
            Decimal::ONE
        } else {
            capped_ratio(actual, low)
        },
        completion: percent(actual, low),
        over: actual > high,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Deadline, Measure, Operator};
    use rust_decimal_macros::dec;

    fn indicator(target: Target) -> Indicator {
        Indicator {
            id: "x".into(),
            level1: "产出指标".into(),
            level2: "质量指标".into(),
            name: "合格率".into(),
            target,
            deadline: Some(Deadline::Month {
                year: 2024,
                month: 12,
            }),
            direction: None,
            weight: None,
            allow: Default::default(),
            source: None,
        }
    }

    fn compare_target(op: Operator, value: Decimal) -> Target {
        Target::Compare {
            op,
            value,
            measure: Some(Measure::percent()),
        }
    }

    fn actual(value: Decimal, note: Option<&str>) -> ActualRow {
        ActualRow {
            line: 2,
            subject: crate::actuals::Subject::ProjectIndicator {
                project: 0,
                indicator: 0,
            },
            actual: Actual::Quantity {
                value,
                written: value.to_string().into(),
                different_nouns: false,
            },
            completed: None,
            note: note.map(Box::from),
            numbers: None,
        }
    }

    fn ctx(profile: &Profile, as_of: (i32, u32, u32)) -> Context<'_> {
        Context::new(
            profile,
            2024,
            NaiveDate::from_ymd_opt(as_of.0, as_of.1, as_of.2).unwrap(),
        )
    }

    #[test]
    fn s4_met_rows_earn_their_whole_weight() {
        let p = Profile::national();
        let o = judge(
            &indicator(compare_target(Operator::Ge, dec!(90))),
            Some(&actual(dec!(95), None)),
            &ctx(&p, (2024, 12, 31)),
        )
        .unwrap();
        assert_eq!((o.status, o.fraction), (Status::Met, Decimal::ONE));
        assert!(o.flags.is_empty());
    }

    #[test]
    fn s4_unmet_rows_earn_their_ratio_and_need_a_note() {
        let p = Profile::national();
        let o = judge(
            &indicator(compare_target(Operator::Ge, dec!(80))),
            Some(&actual(dec!(60), None)),
            &ctx(&p, (2024, 12, 31)),
        )
        .unwrap();
        assert_eq!((o.status, o.fraction), (Status::NotMet, dec!(0.75)));
        assert_eq!(o.flags, Flags::from([Flag::NeedsNote]));
        let mut cost = indicator(compare_target(Operator::Le, dec!(5)));
        cost.name = "单位成本".into();
        let lower = judge(
            &cost,
            Some(&actual(dec!(8), Some("超支"))),
            &ctx(&p, (2024, 12, 31)),
        )
        .unwrap();
        assert_eq!(
            (lower.status, lower.fraction),
            (Status::NotMet, dec!(0.625))
        );
        assert!(lower.flags.is_empty());
    }

    #[test]
    fn s4_non_positive_values_score_zero() {
        let p = Profile::national();
        let o = judge(
            &indicator(compare_target(Operator::Ge, dec!(10))),
            Some(&actual(dec!(-1), Some("n"))),
            &ctx(&p, (2024, 12, 31)),
        )
        .unwrap();
        assert_eq!(o.fraction, Decimal::ZERO);
    }

    #[test]
    fn s5_equal_zero_is_exact() {
        let p = Profile::national();
        let t = Target::Compare {
            op: Operator::Eq,
            value: Decimal::ZERO,
            measure: Some(Measure::parse("次")),
        };
        let o = judge(
            &indicator(t.clone()),
            Some(&actual(dec!(1), Some("n"))),
            &ctx(&p, (2024, 12, 31)),
        )
        .unwrap();
        assert_eq!((o.status, o.fraction), (Status::NotMet, Decimal::ZERO));
        let o = judge(
            &indicator(t),
            Some(&actual(dec!(0), None)),
            &ctx(&p, (2024, 12, 31)),
        )
        .unwrap();
        assert_eq!(o.status, Status::Met);
    }

    #[test]
    fn s9_over_completion_is_flagged_beyond_twenty_percent() {
        let p = Profile::national();
        let t = indicator(compare_target(Operator::Ge, dec!(100)));
        let o = judge(&t, Some(&actual(dec!(120), None)), &ctx(&p, (2024, 12, 31))).unwrap();
        assert!(!o.flags.contains(Flag::Over));
        let o = judge(&t, Some(&actual(dec!(121), None)), &ctx(&p, (2024, 12, 31))).unwrap();
        assert_eq!(o.flags, Flags::from([Flag::Over, Flag::NeedsNote]));
    }

    #[test]
    fn s9_a_margin_beyond_the_decimals_flags_nothing() {
        let mut p = Profile::national();
        p.over_above = Decimal::MAX;
        let t = indicator(compare_target(Operator::Ge, dec!(100)));
        let o = judge(
            &t,
            Some(&actual(dec!(1000000), None)),
            &ctx(&p, (2024, 12, 31)),
        )
        .unwrap();
        assert_eq!((o.status, o.flags), (Status::Met, Flags::default()));
    }

    #[test]
    fn s11_before_the_deadline_missing_or_unmet_is_pending() {
        let p = Profile::national();
        let t = indicator(compare_target(Operator::Ge, dec!(100)));
        let mid_year = ctx(&p, (2024, 6, 30));
        assert_eq!(judge(&t, None, &mid_year).unwrap().status, Status::Pending);
        assert_eq!(
            judge(&t, Some(&actual(dec!(50), None)), &mid_year)
                .unwrap()
                .status,
            Status::Pending
        );
        assert_eq!(
            judge(&t, Some(&actual(dec!(100), None)), &mid_year)
                .unwrap()
                .status,
            Status::Met
        );
        assert_eq!(
            judge(&t, None, &ctx(&p, (2024, 12, 31))).unwrap().status,
            Status::NotReported
        );
    }

    #[test]
    fn s6_ranges() {
        let p = Profile::national();
        let t = indicator(Target::Range {
            low: dec!(10),
            high: dec!(15),
            measure: None,
        });
        let c = ctx(&p, (2024, 12, 31));
        assert_eq!(
            judge(&t, Some(&actual(dec!(12), None)), &c).unwrap().status,
            Status::Met
        );
        let below = judge(&t, Some(&actual(dec!(8), Some("n"))), &c).unwrap();
        assert_eq!((below.status, below.fraction), (Status::NotMet, dec!(0.8)));
        let above = judge(&t, Some(&actual(dec!(16), Some("n"))), &c).unwrap();
        assert_eq!(above.status, Status::Met);
        assert_eq!(above.flags, Flags::from([Flag::Over]));
    }
}
