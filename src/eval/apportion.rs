//! Shown weights (scoring.md S13): 2 decimals, apportioned by the largest-remainder method with
//! ties by source order, so the shown parts add up exactly to their whole.

use rust_decimal::Decimal;

/// Rounds a score or a mean to 2 decimals, half away from zero (S13), not banker's rounding.
pub fn round2(value: Decimal) -> Decimal {
    let scale = value.scale();
    if scale <= 2 {
        return value;
    }
    if value.is_zero() {
        // As rust_decimal rounds it: a zero keeps its sign.
        let mut zero = Decimal::new(0, 2);
        zero.set_sign_negative(value.is_sign_negative());
        return zero;
    }
    // In one integer division rather than rust_decimal's nine digits at a time. A value that
    // rounds to zero loses its sign, as there (`from_parts` clears it).
    let mantissa = value.mantissa().unsigned_abs();
    let unit = 10u128.pow(scale - 2);
    let mut cents = mantissa / unit;
    let rest = mantissa - cents * unit;
    if rest >= unit - rest {
        cents += 1;
    }
    Decimal::from_parts(
        cents as u32,
        (cents >> 32) as u32,
        (cents >> 64) as u32,
        value.is_sign_negative(),
        2,
    )
}

/// Splits `total` (2 decimals) among parts in proportion to `weights` (≥ 0), each part with
/// 2 decimals, adding up exactly to `total`. The cents that floors leave over go to the largest
/// remainders, earlier parts first on ties. All-zero weights give all-zero parts.
pub fn apportion(total: Decimal, weights: &[Decimal]) -> Vec<Decimal> {
    let mut parts = vec![Decimal::ZERO; weights.len()];
    apportion_into(total, weights, &mut parts);
    parts
}

/// [`apportion`] into `parts`, one for each weight.
pub fn apportion_into(total: Decimal, weights: &[Decimal], parts: &mut [Decimal]) {
    debug_assert_eq!(parts.len(), weights.len(), "a part for each weight");
    if !apportion_small(total, weights, parts) {
        for (part, wide) in parts.iter_mut().zip(apportion_wide(total, weights)) {
            *part = wide;
        }
    }
}

/// The most parts [`apportion_small`] takes (a project has about ten rows); more go the `i128`
/// way.
const MAX_SMALL_PARTS: usize = 16;

/// [`apportion`] for few parts whose weights, in units of their finest scale, and the whole's
/// cents times their sum fit in a `u64`, which is every table in practice: on `i128`, `/` and
/// `%` are library calls, and the remainders need no vector to be sorted in. False, with
/// `parts` untouched, when they do not fit.
fn apportion_small(total: Decimal, weights: &[Decimal], parts: &mut [Decimal]) -> bool {
    let n = weights.len();
    if n > MAX_SMALL_PARTS {
        return false;
    }
    let scale = weights.iter().map(|w| w.scale()).max().unwrap_or(0);
    let mut units = [0u64; MAX_SMALL_PARTS];
    let mut sum = 0u64;
    for (unit, w) in units.iter_mut().zip(weights) {
        let Ok(m) = u64::try_from(w.mantissa().max(0)) else {
            return false;
        };
        let Some(u) = 10u64
            .checked_pow(scale - w.scale())
            .and_then(|p| m.checked_mul(p))
        else {
            return false;
        };
        *unit = u;
        let Some(s) = sum.checked_add(u) else {
            return false;
        };
        sum = s;
    }
    // Rounded to 2 decimals, `total` has a scale of at most 2.
    let total = round2(total);
    let Some(cents) = 10i128
        .checked_pow(2 - total.scale())
        .and_then(|p| total.mantissa().checked_mul(p))
    else {
        return false;
    };
    if sum == 0 || cents <= 0 {
        parts.fill(Decimal::ZERO);
        return true;
    }
    let Ok(cents) = u64::try_from(cents) else {
        return false;
    };
    if cents.checked_mul(sum).is_none() {
        return false;
    }
    let mut floors = [0u64; MAX_SMALL_PARTS];
    let mut remainders = [0u64; MAX_SMALL_PARTS];
    let mut given = 0u64;
    for i in 0..n {
        let numerator = cents * units[i];
        floors[i] = numerator / sum;
        remainders[i] = numerator % sum;
        given += floors[i];
    }
    let left = cents - given;
    for (i, part) in parts.iter_mut().enumerate().take(n) {
        let mut c = floors[i];
        // Largest remainder first; on ties the earlier part: a part gets a cent when fewer
        // than `left` parts come before it in that order.
        if left > 0 && units[i] > 0 {
            let before = (0..n)
                .filter(|&j| {
                    units[j] > 0
                        && (remainders[j] > remainders[i]
                            || (remainders[j] == remainders[i] && j < i))
                })
                .count();
            if (before as u64) < left {
                c += 1;
            }
        }
        *part = Decimal::from_parts(c as u32, (c >> 32) as u32, 0, false, 2);
    }
    true
}

/// [`apportion`] in `i128`, for any size.
fn apportion_wide(total: Decimal, weights: &[Decimal]) -> Vec<Decimal> {
    let scale = weights.iter().map(|w| w.scale()).max().unwrap_or(0);
    let units: Vec<i128> = weights
        .iter()
        .map(|w| {
            let mut w = *w;
            w.rescale(scale);
            w.mantissa().max(0)
        })
        .collect();
    let sum: i128 = units.iter().sum();
    let cents = (round2(total) * Decimal::ONE_HUNDRED).trunc().mantissa();
    if sum == 0 || cents <= 0 {
        return vec![Decimal::ZERO; weights.len()];
    }
    let mut parts: Vec<i128> = Vec::with_capacity(units.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(units.len());
    for (i, w) in units.iter().enumerate() {
        let numerator = cents.saturating_mul(*w);
        parts.push(numerator / sum);
        remainders.push((numerator % sum, i));
    }
    let mut left = cents - parts.iter().sum::<i128>();
    // Largest remainder first; on ties the earlier part.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left <= 0 {
            break;
        }
        if units[i] > 0 {
            parts[i] += 1;
            left -= 1;
        }
    }
    parts
        .into_iter()
        .map(|c| Decimal::from_i128_with_scale(c, 2))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::RoundingStrategy;
    use rust_decimal_macros::dec;

    fn decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (0i64..1000, 0u32..3).prop_map(|(m, s)| Decimal::new(m, s)),
            (-1000i64..100_000_000, 0u32..8).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<i64>(), 0u32..29).prop_map(|(m, s)| Decimal::new(m, s)),
            (
                any::<u32>(),
                any::<u32>(),
                any::<u32>(),
                any::<bool>(),
                0u32..29
            )
                .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
            // Negated, a zero keeps its sign: `from_parts` and `new` make none.
            (0i64..3, 0u32..6).prop_map(|(m, s)| -Decimal::new(m, s)),
        ]
    }

    /// Weights as tables have them (few places, many equal), so that the `u64` way takes them.
    fn table_weights() -> impl Strategy<Value = Vec<Decimal>> {
        proptest::collection::vec(
            prop_oneof![
                Just(Decimal::ONE),
                Just(Decimal::ZERO),
                (0i64..400, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
            ],
            0..=MAX_SMALL_PARTS + 2,
        )
    }

    proptest! {
        /// S13: the same digits, scale and sign as rust_decimal's rounding.
        #[test]
        fn round2_is_rust_decimals(value in decimal()) {
            prop_assert_eq!(
                round2(value).serialize(),
                value
                    .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
                    .serialize()
            );
        }

        /// The `u64` way gives the `i128` way's parts, scale included, or declines.
        #[test]
        fn small_is_wide(
            // A whole whose cents overflow a Decimal is beyond the wide way too.
            total in decimal().prop_filter("cents fit", |t| {
                round2(*t).checked_mul(Decimal::ONE_HUNDRED).is_some()
            }),
            weights in prop_oneof![proptest::collection::vec(decimal(), 0..20), table_weights()],
        ) {
            let mut parts = vec![dec!(7); weights.len()];
            let wide = apportion_wide(total, &weights);
            if apportion_small(total, &weights, &mut parts) {
                let shown = |p: &[Decimal]| p.iter().map(|d| d.serialize()).collect::<Vec<_>>();
                prop_assert_eq!(shown(&parts), shown(&wide));
            } else {
                prop_assert!(parts.iter().all(|p| *p == dec!(7)));
            }
        }

        /// S13: the parts add up to the whole, none is off its exact share by a cent or more,
        /// and a cent goes to a larger remainder before a smaller one.
        #[test]
        fn s13_parts_add_up(
            total in (1i64..100_000, 0u32..3).prop_map(|(m, s)| Decimal::new(m, s)),
            weights in proptest::collection::vec(
                (0i64..10_000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s)), 1..24),
        ) {
            let parts = apportion(total, &weights);
            let sum: Decimal = weights.iter().sum();
            if sum.is_zero() {
                prop_assert!(parts.iter().all(Decimal::is_zero));
            } else {
                prop_assert_eq!(parts.iter().sum::<Decimal>(), round2(total));
                let cent = dec!(0.01);
                let exact: Vec<Decimal> = weights.iter().map(|w| round2(total) * *w / sum).collect();
                for (p, e) in parts.iter().zip(&exact) {
                    prop_assert!((*p - *e).abs() < cent);
                }
                for (i, weight) in weights.iter().enumerate() {
                    for j in 0..parts.len() {
                        let up = |k: usize| parts[k] > (exact[k] / cent).floor() * cent;
                        let rem = |k: usize| exact[k] - (exact[k] / cent).floor() * cent;
                        if up(j) && !up(i) && !weight.is_zero() {
                            prop_assert!(rem(j) > rem(i) || (rem(j) == rem(i) && j < i));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn s13_rounding_is_half_away_from_zero() {
        assert_eq!(round2(dec!(2.345)), dec!(2.35));
        assert_eq!(round2(dec!(2.335)), dec!(2.34));
        assert_eq!(round2(dec!(-2.345)), dec!(-2.35));
    }

    #[test]
    fn s13_thirds_add_up_with_ties_to_the_earlier() {
        let parts = apportion(dec!(100), &[Decimal::ONE; 3]);
        assert_eq!(parts, vec![dec!(33.34), dec!(33.33), dec!(33.33)]);
        let parts = apportion(dec!(100), &[Decimal::ONE; 7]);
        assert_eq!(parts.iter().sum::<Decimal>(), dec!(100));
        assert_eq!(parts[0], dec!(14.29));
        assert_eq!(parts[6], dec!(14.28));
    }

    #[test]
    fn s13_largest_remainder_wins_the_cent() {
        // 90 in proportion 50 : 30 → 56.25, 33.75; 10 in 3 : 2 : 1 → 5.00, 3.33, 1.67.
        assert_eq!(
            apportion(dec!(90), &[dec!(50), dec!(30)]),
            vec![dec!(56.25), dec!(33.75)]
        );
        assert_eq!(
            apportion(dec!(10), &[dec!(3), dec!(2), dec!(1)]),
            vec![dec!(5.00), dec!(3.33), dec!(1.67)]
        );
    }

    #[test]
    fn explicit_weights_are_kept() {
        assert_eq!(
            apportion(
                dec!(90),
                &[dec!(10), dec!(20), dec!(20), dec!(15), dec!(15), dec!(10)]
            ),
            vec![dec!(10), dec!(20), dec!(20), dec!(15), dec!(15), dec!(10)]
        );
    }

    #[test]
    fn zero_weights_take_nothing() {
        assert_eq!(
            apportion(dec!(10), &[dec!(0), dec!(0)]),
            vec![dec!(0), dec!(0)]
        );
        assert_eq!(
            apportion(dec!(10), &[dec!(0), dec!(1), dec!(0)]),
            vec![dec!(0), dec!(10), dec!(0)]
        );
    }
}
