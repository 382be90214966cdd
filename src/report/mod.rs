//! Results → formats. Renderers format what the layers below computed; they compute nothing.

pub mod eval;
pub mod import;
pub mod lint;
pub mod template;
pub mod template_xlsx;

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
/// leading `'`, except a plain decimal number in a numeric column. The table readers take the
/// `'` off again.
pub(crate) fn spreadsheet_safe(cell: &str, numeric: bool) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if !risky || numeric && is_decimal(cell) {
        return cell.to_owned();
    }
    format!("'{cell}")
}

/// `12.50`, `-0.5`, `7`: an optional minus, digits, an optional fraction.
fn is_decimal(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_signs_are_neutralised_and_numbers_stay_numbers() {
        let safe = spreadsheet_safe;
        assert_eq!(safe("-0.50", true), "-0.50");
        assert_eq!(safe("-0.50", false), "'-0.50");
        assert_eq!(safe("-5%", true), "'-5%");
        assert_eq!(safe("+1", true), "'+1");
        assert_eq!(safe("@SUM(A1)", false), "'@SUM(A1)");
        assert_eq!(safe("\tx", false), "'\tx");
        assert_eq!(safe("\rx", false), "'\rx");
        assert_eq!(safe("12.50", true), "12.50");
        assert_eq!(safe("达标", false), "达标");
        assert!(!is_decimal("-"));
        assert!(!is_decimal("1."));
        assert!(!is_decimal("-.5"));
        assert!(is_decimal("-0.5"));
    }
}
