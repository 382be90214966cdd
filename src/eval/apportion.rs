//! Shown weights (scoring.md S13): 2 decimals, apportioned by the largest-remainder method with
//! ties by source order, so the shown parts add up exactly to their whole.

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds a score or a mean to 2 decimals, half away from zero (S13), not banker's rounding.
pub fn round2(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Splits `total` (2 decimals) among parts in proportion to `weights` (≥ 0), each part with
/// 2 decimals, adding up exactly to `total`. The cents that floors leave over go to the largest
/// remainders, earlier parts first on ties. All-zero weights give all-zero parts.
pub fn apportion(total: Decimal, weights: &[Decimal]) -> Vec<Decimal> {
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
    use rust_decimal_macros::dec;

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
