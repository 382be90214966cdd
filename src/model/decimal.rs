//! A decimal's text without `core::fmt`: a million-row report writes several per row, and the
//! formatting machinery (padding, flags, a `dyn Write` per piece) costs more than the digits.

use rust_decimal::Decimal;

/// The text `Display` gives a [`Decimal`] (`-0.50`, `90000`, `0.005`), held on the stack.
pub struct DecimalText {
    /// Room for a sign, 29 digits, a point and a leading `0`.
    bytes: [u8; 40],
    len: usize,
}

impl DecimalText {
    pub fn new(value: Decimal) -> DecimalText {
        let mut digits = itoa::Buffer::new();
        let mantissa = value.mantissa().unsigned_abs();
        // Zero has no digits of its own: only the ones its scale asks for.
        let digits = if mantissa == 0 {
            ""
        } else if let Ok(small) = u64::try_from(mantissa) {
            // Nearly every value: formatting a u128 divides in 128 bits.
            digits.format(small)
        } else {
            digits.format(mantissa)
        };
        DecimalText::laid_out(
            value.is_sign_negative(),
            digits.as_bytes(),
            value.scale() as usize,
        )
    }

    /// `digits` (none for zero) as a decimal of `scale` places, after a `-` if `negative`.
    fn laid_out(negative: bool, digits: &[u8], scale: usize) -> DecimalText {
        let mut text = DecimalText {
            bytes: [0; 40],
            len: 0,
        };
        if negative {
            text.push(b"-");
        }
        let whole = digits.len().saturating_sub(scale);
        if whole == 0 {
            text.push(b"0");
        } else {
            text.push(&digits[..whole]);
        }
        if scale > 0 {
            text.push(b".");
            for _ in digits.len()..scale {
                text.push(b"0");
            }
            text.push(&digits[whole..]);
        }
        text
    }

    /// The text of `value` with no trailing zeros beyond `places` decimals and at least `places`
    /// decimals: what `Display` gives the value normalized, then rescaled to `places` if it had
    /// fewer. Zero is written without a sign. At most 8 places.
    pub(crate) fn with_places(value: Decimal, places: usize) -> DecimalText {
        debug_assert!(places <= 8, "room for 8 places");
        // Nearly every value (a score, a weight, a rate) has no digit past `places` and a
        // mantissa of 64 bits: it is rescaled in 64 bits, and its text laid out once.
        if let Some((negative, rescaled)) = with_places_in_64_bits(value, places) {
            let mut digits = itoa::Buffer::new();
            let digits = digits.format(rescaled);
            return DecimalText::laid_out(negative, digits.as_bytes(), places);
        }
        DecimalText::with_places_by_trimming(value, places)
    }

    fn with_places_by_trimming(value: Decimal, places: usize) -> DecimalText {
        // A mantissa that could not take the missing zeros is rescaled as far as it goes by
        // `rescale`: its text comes from there.
        const ROOM: [u128; 9] = {
            let mut room = [0; 9];
            let mut places = 0;
            while places < 9 {
                room[places] = 10u128.pow(28 - places as u32);
                places += 1;
            }
            room
        };
        let room = ROOM[places];
        if value.mantissa().unsigned_abs() >= room {
            let mut value = value.normalize();
            if value.scale() < places as u32 {
                value.rescale(places as u32);
            }
            return DecimalText::new(value);
        }
        let value = if value.is_zero() {
            Decimal::ZERO
        } else {
            value
        };
        let mut text = DecimalText::new(value);
        let mut fraction = value.scale() as usize;
        while fraction > places && text.bytes[text.len - 1] == b'0' {
            text.len -= 1;
            fraction -= 1;
        }
        if fraction == 0 && value.scale() > 0 {
            // Every decimal was a trailing zero: the point goes too.
            text.len -= 1;
        }
        if fraction < places {
            if fraction == 0 {
                text.push(b".");
            }
            for _ in fraction..places {
                text.push(b"0");
            }
        }
        text
    }

    fn push(&mut self, bytes: &[u8]) {
        self.bytes[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    /// The text's bytes: ASCII digits, a sign and a point.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).expect("digits, a sign and a point are ASCII")
    }
}

/// A non-zero `value`'s sign and its digits at exactly `places` decimals, when it has no digit
/// past them and they fit in 64 bits: then its [`DecimalText::with_places`] text is those digits
/// with a point before the last `places`.
fn with_places_in_64_bits(value: Decimal, places: usize) -> Option<(bool, u64)> {
    let mantissa = u64::try_from(value.mantissa().unsigned_abs()).ok()?;
    if mantissa == 0 {
        return None;
    }
    let rescaled = rescaled_exactly(mantissa, value.scale() as usize, places)?;
    Some((value.is_sign_negative(), rescaled))
}

/// `mantissa` × 10^(`places` − `scale`) when that is a whole number of 64 bits.
pub(crate) fn rescaled_exactly(mantissa: u64, scale: usize, places: usize) -> Option<u64> {
    if scale <= places {
        10u64
            .checked_pow((places - scale) as u32)
            .and_then(|factor| mantissa.checked_mul(factor))
    } else {
        let divisor = 10u64.checked_pow((scale - places) as u32)?;
        mantissa.is_multiple_of(divisor).then(|| mantissa / divisor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_the_display_text() {
        for (value, text) in [
            (Decimal::ZERO, "0"),
            (Decimal::new(0, 2), "0.00"),
            (Decimal::new(-0, 2), "0.00"),
            (Decimal::new(5, 3), "0.005"),
            (Decimal::new(-5, 3), "-0.005"),
            (Decimal::new(12345, 2), "123.45"),
            (Decimal::new(90000, 0), "90000"),
            (Decimal::MAX, "79228162514264337593543950335"),
            (Decimal::MIN, "-79228162514264337593543950335"),
            (
                Decimal::from_parts(1, 0, 0, false, 28),
                "0.0000000000000000000000000001",
            ),
        ] {
            assert_eq!(DecimalText::new(value).as_str(), text);
            assert_eq!(value.to_string(), text);
        }
        for (value, places, text) in [
            (Decimal::new(30, 1), 0, "3"),
            (Decimal::new(30, 1), 1, "3.0"),
            (Decimal::new(30, 1), 2, "3.00"),
            (Decimal::new(12300, 4), 2, "1.23"),
            (Decimal::new(12345, 4), 2, "1.2345"),
            (Decimal::new(-5, 0), 2, "-5.00"),
            (Decimal::from_parts(0, 0, 0, true, 3), 2, "0.00"),
            // No room for two more decimals: as `rescale` leaves it.
            (Decimal::MAX, 2, "79228162514264337593543950335"),
            (
                Decimal::from_i128_with_scale(9 * 10i128.pow(27), 0),
                2,
                "9000000000000000000000000000",
            ),
            (
                Decimal::from_i128_with_scale(7 * 10i128.pow(27), 1),
                2,
                "700000000000000000000000000.00",
            ),
        ] {
            assert_eq!(DecimalText::with_places(value, places).as_str(), text);
        }
        // A negative zero keeps its sign, as `Display` does.
        let negative_zero = Decimal::from_parts(0, 0, 0, true, 2);
        assert_eq!(
            DecimalText::new(negative_zero).as_str(),
            negative_zero.to_string()
        );
    }

    proptest::proptest! {
        #[test]
        fn text_equals_display(lo: u32, mid: u32, hi: u32, negative: bool, scale in 0u32..=28) {
            let value = Decimal::from_parts(lo, mid, hi, negative, scale);
            let text = DecimalText::new(value);
            proptest::prop_assert_eq!(text.as_str(), value.to_string());
        }

        #[test]
        fn with_places_is_display_normalized_then_rescaled(
            lo: u32,
            mid: u32,
            hi in proptest::prop_oneof![0u32..4, proptest::num::u32::ANY],
            negative: bool,
            scale in 0u32..=28,
            places in 0usize..=4,
        ) {
            let value = Decimal::from_parts(lo, mid, hi, negative, scale);
            let mut expected = value.normalize();
            if expected.is_zero() {
                expected = Decimal::ZERO;
            }
            if (expected.scale() as usize) < places {
                expected.rescale(places as u32);
            }
            let text = DecimalText::with_places(value, places);
            proptest::prop_assert_eq!(text.as_str(), expected.to_string());
        }

        #[test]
        fn small_values_equal_display(mantissa in -100_000i64..100_000, scale in 0u32..=6) {
            let value = Decimal::new(mantissa, scale);
            let text = DecimalText::new(value);
            proptest::prop_assert_eq!(text.as_str(), value.to_string());
        }
    }
}
