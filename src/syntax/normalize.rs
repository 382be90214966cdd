//! Text normalisation at the edge: full-width forms, wrapped names, matching keys.
//!
//! Published tables come out of PDFs and office software: full-width digits and signs (`１２３`,
//! `＞＝`), names broken by a line wrap (`政府采购管理违法违规 行为发生次数`), brackets in either
//! width. Everything that compares text goes through this module once; the raw text stays
//! available for messages.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// NFKC-folds `s` (full-width ASCII to ASCII, `﹦` to `=`, `％` to `%` …) without copying text that
/// is already folded.
pub fn fold(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfkc().collect())
    }
}

/// True for the characters of Chinese text: ideographs, CJK punctuation, full-width forms and the
/// curly quotes that Chinese text uses.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2018}'..='\u{201F}'
        | '\u{3000}'..='\u{303F}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}')
}

/// A table cell with its white space tidied: trimmed, runs of spaces collapsed to one, and spaces
/// between two Chinese characters removed (they are line wraps of the PDF, not words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanCell {
    pub text: String,
    /// Whether a wrap between Chinese characters was joined.
    pub joined_wrap: bool,
}

pub fn clean_cell(raw: &str) -> CleanCell {
    let trimmed = raw.trim_matches(|c: char| c.is_whitespace());
    if !trimmed.contains(|c: char| c.is_whitespace()) {
        return CleanCell {
            text: trimmed.to_owned(),
            joined_wrap: false,
        };
    }
    let mut text = String::with_capacity(trimmed.len());
    let mut joined_wrap = false;
    let mut chars = trimmed.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_whitespace() {
            text.push(c);
            continue;
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let before = text.chars().next_back();
        let after = chars.peek().copied();
        match (before, after) {
            (Some(b), Some(a)) if is_cjk(b) && is_cjk(a) => joined_wrap = true,
            _ => text.push(' '),
        }
    }
    CleanCell { text, joined_wrap }
}

/// The key two names are matched by: NFKC-folded, without any white space, Latin letters in lower
/// case. `综合管理水平`, `综合管理 水平` and `综合管理水平 ` share one key; so do `（中小）` and `(中小)`.
pub fn match_key(s: &str) -> String {
    fold(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_turns_full_width_forms_into_ascii() {
        assert_eq!(fold("１２３"), "123");
        assert_eq!(fold("－5"), "-5");
        assert_eq!(fold("＞＝"), ">=");
        assert_eq!(fold("﹦"), "=");
        assert_eq!(fold("１００％"), "100%");
        assert_eq!(fold("10～15"), "10~15");
        assert!(matches!(fold("重点工作办结率"), Cow::Borrowed(_)));
    }

    #[test]
    fn wrapped_chinese_names_are_joined() {
        let cell = clean_cell(" 政府采购管理违法违规 行为发生次数 ");
        assert_eq!(cell.text, "政府采购管理违法违规行为发生次数");
        assert!(cell.joined_wrap);
    }

    #[test]
    fn spaces_between_latin_words_and_numbers_stay() {
        let cell = clean_cell("5G  行业 应用");
        assert_eq!(cell.text, "5G 行业应用");
        assert!(cell.joined_wrap);
        let cell = clean_cell("Wi-Fi  覆盖");
        assert_eq!(cell.text, "Wi-Fi 覆盖");
        assert!(!cell.joined_wrap);
    }

    #[test]
    fn match_keys_ignore_width_and_spaces() {
        assert_eq!(
            match_key("支持中小微企业发展前期工作经费（中小）"),
            match_key("支持中小微企业发展前期工作经费(中小)")
        );
        assert_eq!(match_key("综合管理 水平"), match_key("综合管理水平"));
        assert_eq!(match_key("ABC"), "abc");
    }
}
