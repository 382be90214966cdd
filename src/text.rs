//! Text normalisation at the edge: full-width forms, wrapped names, matching keys.
//!
//! Published tables come out of PDFs and office software: full-width digits and signs (`１２３`,
//! `＞＝`), names broken by a line wrap (`政府采购管理违法违规 行为发生次数`), brackets in either
//! width. Everything that compares text goes through this module once; the raw text stays
//! available for messages.

use std::borrow::Cow;
use std::num::NonZeroUsize;

use encoding_rs::{Encoding, GB18030, UTF_8};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// NFKC-folds `s` (full-width ASCII to ASCII, `﹦` to `=`, `％` to `%` …) without copying text that
/// is already folded.
pub fn fold(s: &str) -> Cow<'_, str> {
    if all_chars(s, |_| true, nfkc_stable) {
        return Cow::Borrowed(s);
    }
    // Chinese prose with full-width punctuation: folded a character at a time, without the
    // normalizer (a tenth of a disclosure's import went there).
    if let Some(folded) = folded_alone(s, Some) {
        return folded;
    }
    if is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfkc().collect())
    }
}

/// What NFKC makes of `c` whatever surrounds it, for the characters of Chinese tables that it
/// maps to one character and that nothing composes with: ASCII, the ideographs and the common
/// CJK punctuation stay; full-width forms and the ideographic space become ASCII. `None` for
/// any other character, which only the normalizer folds. Checked against the normalizer for
/// each character and each pair of the non-ideographs.
fn fold_alone(c: char) -> Option<char> {
    match c {
        _ if nfkc_stable(c) => Some(c),
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0),
        '\u{3000}' => Some(' '),
        '\u{3001}'
        | '\u{3002}'
        | '\u{3008}'..='\u{3011}'
        | '\u{3014}'..='\u{301B}'
        | '\u{00B7}'
        | '\u{2014}'
        | '\u{2018}'
        | '\u{2019}'
        | '\u{201C}'
        | '\u{201D}' => Some(c),
        _ => None,
    }
}

/// `s` folded a character at a time ([`fold_alone`]), each folded character then mapped by
/// `then` (`None` drops it): borrowed while every character stays as it is, and `None` when a
/// character is one `fold_alone` does not take (the normalizer's work). One pass; the text is
/// copied from the first character that changes, into room for all of `s` (folding never
/// lengthens it).
fn folded_alone(s: &str, then: impl Fn(char) -> Option<char>) -> Option<Cow<'_, str>> {
    let mut owned: Option<String> = None;
    for (at, c) in s.char_indices() {
        let kept = then(fold_alone(c)?);
        match &mut owned {
            Some(text) => text.extend(kept),
            None if kept == Some(c) => {}
            None => {
                let mut text = String::with_capacity(s.len());
                text.push_str(&s[..at]);
                text.extend(kept);
                owned = Some(text);
            }
        }
    }
    Some(owned.map_or(Cow::Borrowed(s), Cow::Owned))
}

/// Whether every character of `s` passes: ASCII bytes by `ascii`, the ideographs U+4000–U+4DBF
/// and U+4E00–U+9FFF (three bytes led by E4–E9, nearly all of a Chinese text) by their lead
/// bytes, each other character by `other`. The ideographs must pass `other`.
fn all_chars(s: &str, ascii: impl Fn(u8) -> bool, other: impl Fn(char) -> bool) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            if !ascii(b) {
                return false;
            }
            i += 1;
        } else if is_ideograph_at(bytes, i) {
            i += 3;
        } else {
            // `i` starts a character: every step so far was a whole one. (`i` is within `s`,
            // so there is a character; the `else` never runs.)
            let Some(c) = s[i..].chars().next() else {
                return true;
            };
            if !other(c) {
                return false;
            }
            i += c.len_utf8();
        }
    }
    true
}

/// Whether the character at `i` of valid UTF-8 `bytes` is a CJK ideograph of U+4000–U+4DBF or
/// U+4E00–U+9FFF, by its first two bytes: led by E5–E9, or by E4 and not by E4 B7 (U+4DC0–U+4DFF,
/// the hexagram symbols). `企业`, `产出`, `人` are led by E4.
fn is_ideograph_at(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        0xE5..=0xE9 => true,
        0xE4 => bytes.get(i + 1).is_some_and(|&b| b != 0xB7),
        _ => false,
    }
}

/// Whether a text led by `c`, folded (NFKC), is led by `c` or by a Latin letter that `c` with a
/// mark after it makes: true of the characters NFKC leaves alone ([`nfkc_stable`]: ASCII and
/// the ideographs) other than `<`, `=`, `>` (which make `≮ ≠ ≯` with U+0338). A text led by such
/// a character can be turned away by it before it is folded, when what is looked for starts
/// with no letter.
#[inline]
pub fn lead_survives_folding(c: char) -> bool {
    nfkc_stable(c) && !matches!(c, '<' | '=' | '>')
}

/// Characters NFKC leaves alone whatever follows them, checked without the normalisation tables:
/// ASCII and the common CJK ideographs, which make up nearly all of a table's text.
fn nfkc_stable(c: char) -> bool {
    c.is_ascii() || matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
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
pub struct CleanCell<'a> {
    /// Borrowed from the raw cell when trimming is all it needs (nearly every cell).
    pub text: Cow<'a, str>,
    /// Whether a wrap between Chinese characters was joined.
    pub joined_wrap: bool,
}

pub fn clean_cell(raw: &str) -> CleanCell<'_> {
    let trimmed = trim(raw);
    if !has_white_space(trimmed) {
        return CleanCell {
            text: Cow::Borrowed(trimmed),
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
    CleanCell {
        text: Cow::Owned(text),
        joined_wrap,
    }
}

/// Whether `s` has a White_Space character: a text with no ASCII blank and none of the bytes
/// that lead the others (C2, E1, E2, E3) has none, which a pass over its bytes finds many at a
/// step; only the rest is scanned a character at a time.
fn has_white_space(s: &str) -> bool {
    let may = s
        .bytes()
        .fold(false, |may, b| may | may_start_white_space(b));
    may && s.contains(char::is_whitespace)
}

/// Whether a White_Space character may start with byte `b`: an ASCII blank, or a byte that
/// leads the others (C2, E1, E2, E3).
pub(crate) const fn may_start_white_space(b: u8) -> bool {
    WHITE_SPACE_LEADS[b as usize]
}

/// [`may_start_white_space`] for each byte, looked up in one step: a spec's tokens and a
/// disclosure's lines are scanned byte by byte.
const WHITE_SPACE_LEADS: [bool; 256] = {
    let mut leads = [false; 256];
    let mut b = 0;
    while b < 256 {
        leads[b] = matches!(b as u8, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3);
        b += 1;
    }
    leads
};

/// Where `s`'s first White_Space character is, as `s.find(char::is_whitespace)`: found by its
/// byte (an ASCII blank, or a byte that leads the others) and only there checked as a character.
pub fn find_white_space(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    loop {
        let at = from
            + bytes[from..]
                .iter()
                .position(|&b| may_start_white_space(b))?;
        let c = s[at..].chars().next()?;
        if c.is_whitespace() {
            return Some(at);
        }
        from = at + c.len_utf8();
    }
}

/// `s` without white space at either end, as [`str::trim`], the very same slice: text whose ends
/// are plain ASCII or CJK (nearly every cell) is returned as it is, and ASCII spaces are skipped
/// byte by byte; only other white space takes the `char`-by-`char` scan.
pub fn trim(s: &str) -> &str {
    let plain = match s.as_bytes() {
        [first, .., last] => starts_plain(*first) && ends_plain(s.as_bytes(), *last),
        [only] => starts_plain(*only),
        [] => true,
    };
    if plain {
        return s;
    }
    match trim_start(s) {
        // As `str::trim`, the empty slice at the start: callers measure offsets from it.
        "" => &s[..0],
        rest => trim_end(rest),
    }
}

/// Whether a text starting with byte `b` starts with no white space. No White_Space character
/// starts with a byte of E4–EF (U+4000–U+FFFF): ideographs, and full-width forms.
fn starts_plain(b: u8) -> bool {
    (b.is_ascii() && !is_ascii_space(b)) || (0xE4..=0xEF).contains(&b)
}

/// Whether `bytes`, whose last byte is `last`, end with no white space.
fn ends_plain(bytes: &[u8], last: u8) -> bool {
    match bytes {
        _ if last.is_ascii() => !is_ascii_space(last),
        // A lead byte of E4–EF three bytes from the end starts the last character.
        [.., lead, _, _] => (0xE4..=0xEF).contains(lead),
        _ => false,
    }
}

/// `s` without white space at its start, as [`str::trim_start`], the same way as [`trim`].
pub fn trim_start(s: &str) -> &str {
    let bytes = s.as_bytes();
    if bytes.first().is_some_and(|&b| starts_plain(b)) {
        return s;
    }
    let spaces = bytes.iter().take_while(|&&b| is_ascii_space(b)).count();
    match bytes.get(spaces) {
        None => &s[spaces..],
        Some(&b) if starts_plain(b) => &s[spaces..],
        Some(_) => s[spaces..].trim_start(),
    }
}

/// `s` without white space at its end, as [`str::trim_end`], the same way as [`trim`].
pub fn trim_end(s: &str) -> &str {
    let bytes = s.as_bytes();
    if bytes.last().is_some_and(|&b| ends_plain(bytes, b)) {
        return s;
    }
    let spaces = bytes
        .iter()
        .rev()
        .take_while(|&&b| is_ascii_space(b))
        .count();
    let rest = &bytes[..bytes.len() - spaces];
    let s = &s[..rest.len()];
    match rest.last() {
        None => s,
        Some(&last) if ends_plain(rest, last) => s,
        Some(_) => s.trim_end(),
    }
}

/// ASCII White_Space: tab, line feed, vertical tab, form feed, carriage return and space.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// The key two names are matched by: NFKC-folded, without any white space, Latin letters in lower
/// case. `综合管理水平`, `综合管理 水平` and `综合管理水平 ` share one key; so do `（中小）` and `(中小)`.
///
/// Borrows `s` when it is its own key (the common case), so comparing keys allocates nothing.
pub fn match_key(s: &str) -> Cow<'_, str> {
    // An id (`558001-b1a60cf7-1be228`) is plain ASCII: checked whole, eight bytes a step.
    if is_plain_ascii_key(s.as_bytes()) {
        return Cow::Borrowed(s);
    }
    let ascii_key = |b: u8| !(is_ascii_space(b) || b.is_ascii_uppercase());
    let other_key = |c: char| !c.is_ascii() && nfkc_stable(c);
    if all_chars(s, ascii_key, other_key) {
        return Cow::Borrowed(s);
    }
    // Every character folds alone, and those that stay are ASCII or have no lower case.
    let key_of = |c: char| (!c.is_whitespace()).then(|| c.to_ascii_lowercase());
    if let Some(key) = folded_alone(s, key_of) {
        return key;
    }
    Cow::Owned(
        fold(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect(),
    )
}

/// The ideograph (U+4000–U+4DBF, U+4E00–U+9FFF) that leads `s`, which then leads its
/// [`match_key`] too: NFKC leaves such a character alone and composes nothing with it, and it
/// is no white space and has no case. A name can be told from a few words by it without its
/// key. `None` when `s` is led by anything else.
pub fn key_lead(s: &str) -> Option<char> {
    let bytes = s.as_bytes();
    if bytes.is_empty() || !is_ideograph_at(bytes, 0) {
        return None;
    }
    s[..3].chars().next()
}

/// The ideograph that ends `s`, and so its [`match_key`], as [`key_lead`] leads it.
pub fn key_end(s: &str) -> Option<char> {
    let bytes = s.as_bytes();
    // A byte of E4–E9 leads a three-byte character: three from the end, it is the last one.
    let at = bytes.len().checked_sub(3)?;
    if !is_ideograph_at(bytes, at) {
        return None;
    }
    s[at..].chars().next()
}

/// Eight copies of a byte, for tests of eight bytes at once ([`every_eight`]).
pub(crate) const EIGHT_ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const EIGHT_HIGH_BITS: u64 = u64::from_ne_bytes([0x80; 8]);

/// Whether a byte of `word` is below `n` (at most 0x80): its subtraction borrows into the high
/// bit of a byte whose own high bit was clear. Exact as a yes or no.
pub(crate) fn has_byte_below(word: u64, n: u8) -> bool {
    word.wrapping_sub(EIGHT_ONES * u64::from(n)) & !word & EIGHT_HIGH_BITS != 0
}

/// Whether every byte of `bytes` passes: eight bytes a step by `word` (which must say of eight
/// bytes what `byte` says of each), the last eight again for the rest, and a text shorter than
/// eight bytes by `byte`.
pub(crate) fn every_eight(
    bytes: &[u8],
    word: impl Fn(u64) -> bool,
    byte: impl Fn(u8) -> bool,
) -> bool {
    if bytes.len() < 8 {
        return bytes.iter().all(|&b| byte(b));
    }
    let load = |eight: &[u8]| u64::from_ne_bytes(eight.try_into().expect("eight bytes"));
    let mut words = bytes.chunks_exact(8);
    words.by_ref().all(|eight| word(load(eight)))
        && (words.remainder().is_empty() || word(load(&bytes[bytes.len() - 8..])))
}

/// Whether every byte is ASCII from `!` to DEL other than a capital letter (`A`–`Z`):
/// a text that is its own [`match_key`].
fn is_plain_ascii_key(bytes: &[u8]) -> bool {
    let plain = |word: u64| {
        // With every high bit clear no byte sum below carries into the next byte: a byte's
        // high bit is set by `+ 0x3F` from `A` (0x41) up and by `+ 0x25` from `[` (0x5B) up.
        let capital = word.wrapping_add(EIGHT_ONES * 0x3F)
            & !word.wrapping_add(EIGHT_ONES * 0x25)
            & EIGHT_HIGH_BITS;
        word & EIGHT_HIGH_BITS == 0 && !has_byte_below(word, 0x21) && capital == 0
    };
    every_eight(bytes, plain, |b| {
        (0x21..0x80).contains(&b) && !b.is_ascii_uppercase()
    })
}

/// The lines of `text` with their `\n`, as `str::split_inclusive('\n')` gives them, found by the
/// memchr crate (the standard library's search for a `char` was a tenth of reading a table).
pub fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(|at| at + 1)
        .chain((!text.ends_with('\n') && !text.is_empty()).then_some(text.len()))
        .map(move |end| {
            let line = &text[start..end];
            start = end;
            line
        })
}

/// The 1-based line of byte `at` of `text`.
pub fn line_at(text: &str, at: usize) -> usize {
    1 + line_breaks(&text.as_bytes()[..at.min(text.len())])
}

/// The line breaks (`\n`) in `bytes`, counted by memchr.
pub fn line_breaks(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// Whether two names share a [`match_key`]; equal texts are compared without folding.
pub fn same_key(a: &str, b: &str) -> bool {
    a == b || match_key(a) == match_key(b)
}

/// The key of a category (一级指标): `产出指标`, `产出` and `产出 指标` are one category.
pub fn category_key(level1: &str) -> Cow<'_, str> {
    match match_key(level1) {
        Cow::Borrowed(key) => Cow::Borrowed(key.strip_suffix("指标").unwrap_or(key)),
        Cow::Owned(key) => Cow::Owned(key.strip_suffix("指标").unwrap_or(&key).to_owned()),
    }
}

/// Bytes a thread checks as UTF-8 at least: below it a thread costs more.
const UTF8_PART: usize = 1 << 22;

/// `bytes` as UTF-8, checked in parts that end before a character, a part a thread: a
/// province's file is a few hundred megabytes, a tenth of a second on one core.
fn utf8_in_parts(bytes: &[u8], jobs: Option<NonZeroUsize>, part: usize) -> Option<&str> {
    let parts = crate::jobs::workers(jobs, bytes.len() / part.max(1));
    if parts < 2 {
        return simdutf8::basic::from_utf8(bytes).ok();
    }
    // Each part but the last ends before the first byte at or past its share that is not a
    // continuation byte (not after a line break: the JSON model is one line of a quarter of a
    // gigabyte). In UTF-8 such a byte starts a character, so a text that is UTF-8 splits into
    // parts that are; and parts that are UTF-8 join into a text that is.
    let mut pieces: Vec<&[u8]> = Vec::with_capacity(parts);
    let mut start = 0;
    for k in 1..parts {
        let share = (bytes.len() * k / parts).max(start);
        if let Some(at) = bytes[share..].iter().position(|&b| !is_continuation(b)) {
            let end = share + at;
            pieces.push(&bytes[start..end]);
            start = end;
        }
    }
    pieces.push(&bytes[start..]);
    let valid =
        crate::jobs::each_on_a_thread(pieces, |piece| simdutf8::basic::from_utf8(piece).is_ok());
    if !valid.iter().all(|&v| v) {
        return None;
    }
    // SAFETY: every piece is UTF-8 and together they are `bytes`, which is then UTF-8 too.
    Some(unsafe { std::str::from_utf8_unchecked(bytes) })
}

/// A byte that only continues a character (`10xxxxxx`).
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Bytes that are neither UTF-8 nor GB18030.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The encoding tried last.
    pub encoding: &'static str,
    /// 1-based line and byte offset of the first byte that does not decode.
    pub line: usize,
    pub offset: usize,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "expected text in UTF-8 or GB18030, found bytes that are neither (line {}, byte {})",
            self.line, self.offset
        )
    }
}

/// Decodes a file's bytes: UTF-8 (with or without BOM) or GB18030/GBK, which is what Excel writes
/// on Chinese Windows; `forced` overrides the detection. Returns the text and the encoding used.
pub fn decode<'a>(
    bytes: &'a [u8],
    forced: Option<&'static Encoding>,
) -> Result<(Cow<'a, str>, &'static str), DecodeError> {
    decode_with_jobs(bytes, forced, NonZeroUsize::new(1))
}

/// [`decode`], a large UTF-8 file checked in parts on up to `jobs` threads (one per core when
/// not given).
pub fn decode_with_jobs<'a>(
    bytes: &'a [u8],
    forced: Option<&'static Encoding>,
    jobs: Option<NonZeroUsize>,
) -> Result<(Cow<'a, str>, &'static str), DecodeError> {
    let (encoding, body) = match forced {
        Some(encoding) => (encoding, bytes),
        None => {
            let (marked, body) = match Encoding::for_bom(bytes) {
                Some((encoding, bom)) => (Some(encoding), &bytes[bom..]),
                None => (None, bytes),
            };
            match marked {
                Some(encoding) if encoding != UTF_8 => (encoding, body),
                // UTF-8, marked or not (Excel's UTF-8 CSV has a BOM), is checked on every
                // core, and once: decoding it would check it again.
                _ => match utf8_in_parts(body, jobs, UTF8_PART) {
                    Some(text) => return Ok((Cow::Borrowed(text), UTF_8.name())),
                    None => (marked.unwrap_or(GB18030), body),
                },
            }
        }
    };
    if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(body) {
        return Ok((text, encoding.name()));
    }
    // Find the first byte that does not decode, for the message.
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut sink = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(body.len())
            .unwrap_or(body.len() * 3),
    );
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut sink, true);
    let bad = match result {
        encoding_rs::DecoderResult::Malformed(bad, after) => {
            read.saturating_sub(usize::from(bad) + usize::from(after))
        }
        _ => read,
    };
    let offset = bytes.len() - body.len() + bad;
    Err(DecodeError {
        encoding: encoding.name(),
        line: bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1,
        offset,
    })
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

    /// The key by the definition, without the fast paths.
    fn key_by_definition(s: &str) -> String {
        s.nfkc()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    }

    #[test]
    fn keys_of_plain_text_are_borrowed() {
        assert!(matches!(match_key("调查企业户数2024"), Cow::Borrowed(_)));
        // Led by E4: 一 to 俿, and U+4000–U+4DBF.
        assert!(matches!(
            match_key("一产业人员俿\u{4000}\u{4dbf}"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(fold("企业产出、"), Cow::Borrowed(_)));
        assert!(matches!(match_key("Wi-Fi"), Cow::Owned(_)));
        assert_eq!(match_key("（中小） 企业"), "(中小)企业");
        assert_eq!(category_key("产出 指标"), "产出");
        assert!(matches!(category_key("产出指标"), Cow::Borrowed("产出")));
    }

    /// The lead bytes' test holds exactly for the ideographs it names, over every character of
    /// three bytes.
    #[test]
    fn ideographs_are_told_by_their_first_two_bytes() {
        for c in ('\u{800}'..='\u{FFFF}').filter(|c| c.len_utf8() == 3) {
            let mut bytes = [0; 4];
            let expected = matches!(c, '\u{4000}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}');
            assert_eq!(
                is_ideograph_at(c.encode_utf8(&mut bytes).as_bytes(), 0),
                expected,
                "{c:?}"
            );
        }
    }

    /// What [`lead_survives_folding`] says, for every character it is true of, with the marks
    /// that compose with a character before them.
    #[test]
    fn leads_that_survive_folding_lead_the_folded_text() {
        let leads = ('\u{3400}'..='\u{4DBF}')
            .chain('\u{4E00}'..='\u{9FFF}')
            .chain((0u8..0x80).map(char::from));
        for lead in leads.filter(|&c| lead_survives_folding(c)) {
            for mark in [
                '\u{300}', '\u{301}', '\u{308}', '\u{30A}', '\u{327}', '\u{338}', '\u{3099}',
            ] {
                let folded: String = format!("{lead}{mark}").nfkc().collect();
                let first = folded.chars().next().expect("a character");
                assert!(
                    first == lead || (lead.is_ascii_alphabetic() && first.is_alphabetic()),
                    "{lead:?} {mark:?} folds to {folded:?}"
                );
            }
        }
        for lead in ['<', '=', '>'] {
            assert!(!lead_survives_folding(lead));
        }
    }

    /// An ideograph that leads or ends a text leads or ends its key, whatever stands beside
    /// it: for ideographs at either end of both ranges and within them, beside every character.
    #[test]
    fn ideographs_at_either_end_lead_and_end_the_key() {
        let ideographs = ['\u{4000}', '\u{4DBF}', '\u{4E00}', '表', '\u{9FFF}'];
        for c in ideographs {
            let mut bytes = [0; 4];
            let alone = c.encode_utf8(&mut bytes);
            assert_eq!((key_lead(alone), key_end(alone)), (Some(c), Some(c)));
        }
        for other in (0..=0x10FFFF).filter_map(char::from_u32) {
            for c in ideographs {
                let led = format!("{c}{other}");
                let ended = format!("{other}{c}");
                assert_eq!(key_lead(&led), Some(c));
                assert_eq!(key_end(&ended), Some(c));
                assert!(key_by_definition(&led).starts_with(c), "{led:?}");
                assert!(key_by_definition(&ended).ends_with(c), "{ended:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn keys_are_the_folded_lower_case_text_without_spaces(
            s in "[a-zA-Z0-9 \t\u{b}\u{1c}%=<>\u{3000}-\u{303f}\u{3400}-\u{3410}\u{4000}-\u{4004}\u{4db0}-\u{4dc4}\u{4dfc}-\u{4e20}\u{4ff0}-\u{5004}\u{9ffb}-\u{9fff}\u{f900}-\u{f910}\u{ff00}-\u{ff5e}\u{2160}-\u{2170}\u{0300}-\u{0310}]{0,12}"
        ) {
            proptest::prop_assert_eq!(match_key(&s), key_by_definition(&s));
            proptest::prop_assert_eq!(fold(&s), s.nfkc().collect::<String>());
        }

        /// What [`key_lead`] and [`key_end`] say of a text they say it of its key.
        #[test]
        fn a_texts_lead_and_end_ideographs_are_its_keys(
            s in "[a-zA-Z0-9 \t\u{b}\u{1c}%=<>\u{3000}-\u{303f}\u{3400}-\u{3410}\u{4000}-\u{4004}\u{4db0}-\u{4dc4}\u{4dfc}-\u{4e20}\u{4ff0}-\u{5004}\u{9ffb}-\u{9fff}\u{f900}-\u{f910}\u{ff00}-\u{ff5e}\u{2160}-\u{2170}\u{0300}-\u{0310}\u{3099}\u{309a}]{0,12}"
        ) {
            let key = key_by_definition(&s);
            if let Some(lead) = key_lead(&s) {
                proptest::prop_assert!(key.starts_with(lead));
            }
            if let Some(end) = key_end(&s) {
                proptest::prop_assert!(key.ends_with(end));
            }
        }

        /// The eight-byte check is the byte-by-byte one, wherever the odd byte is; ids with a
        /// capital, a space or a control character somewhere are keyed as the definition says.
        #[test]
        fn plain_ascii_keys_are_found_as_byte_by_byte(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => 0x21u8..0x80,
                    1 => proptest::num::u8::ANY,
                    1 => proptest::sample::select(vec![0x20, 0x21, 0x40, b'A', b'Z', 0x5B, 0x60, b'a', 0x7F, 0x80]),
                ],
                0..40,
            ),
            id in "[a-z0-9-]{0,30}[A-Z \t\u{1}]?[a-z0-9-]{0,30}",
        ) {
            let by_byte = bytes.iter().all(|&b| (0x21..0x80).contains(&b) && !b.is_ascii_uppercase());
            proptest::prop_assert_eq!(is_plain_ascii_key(&bytes), by_byte);
            proptest::prop_assert_eq!(match_key(&id), key_by_definition(&id));
        }

        #[test]
        fn trim_is_str_trim(s in "\\PC{0,6}", ends in "[ \t\u{b}\u{85}\u{a0}\u{1680}\u{2000}\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}a中ＡＡ]{0,2}") {
            for text in [format!("{ends}{s}"), format!("{s}{ends}"), format!("{ends}{s}{ends}")] {
                // The same slices, not only the same text: callers take offsets from them.
                proptest::prop_assert_eq!(span(trim(&text)), span(text.trim()));
                proptest::prop_assert_eq!(span(trim_start(&text)), span(text.trim_start()));
                proptest::prop_assert_eq!(span(trim_end(&text)), span(text.trim_end()));
            }
        }
    }

    proptest::proptest! {
        /// Lines found by memchr are the standard library's.
        #[test]
        fn lines_inclusive_are_split_inclusive(text in "[a\n\r中 ]{0,30}") {
            let ours: Vec<&str> = lines_inclusive(&text).collect();
            let std: Vec<&str> = text.split_inclusive('\n').collect();
            proptest::prop_assert_eq!(ours, std);
        }

        /// Checked in parts of any size on up to four threads, a text is UTF-8 exactly when it
        /// is whole, wherever the bad byte, the characters and the line breaks are.
        #[test]
        fn utf8_checked_in_parts_is_utf8_checked_whole(
            text in "[a\n中é\u{10348}]{0,40}",
            bad in proptest::option::of((0usize..60, 0x80u8..=0xFF)),
            part in 1usize..16,
            jobs in 1usize..5,
        ) {
            let mut bytes = text.into_bytes();
            if let Some((at, byte)) = bad {
                bytes.insert(at.min(bytes.len()), byte);
            }
            let whole = simdutf8::basic::from_utf8(&bytes).ok();
            let parts = utf8_in_parts(&bytes, NonZeroUsize::new(jobs), part);
            proptest::prop_assert_eq!(parts, whole);
        }
    }

    /// `fold_alone` is NFKC for each character it takes, alone and after or before any other
    /// non-ideograph it takes; what it keeps other than ASCII has no lower case.
    #[test]
    fn characters_folded_alone_are_folded_as_the_normalizer_folds_them() {
        let taken: Vec<char> = (0..=0x10_FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|&c| fold_alone(c).is_some())
            .collect();
        for &c in &taken {
            let folded = fold_alone(c).unwrap();
            assert_eq!(
                c.to_string().nfkc().collect::<String>(),
                folded.to_string(),
                "{c:?}"
            );
            if !folded.is_ascii() {
                assert_eq!(
                    folded.to_lowercase().collect::<String>(),
                    folded.to_string()
                );
            }
        }
        let others: Vec<char> = taken
            .iter()
            .copied()
            .filter(|&c| !matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'))
            .chain(['中', '\u{3400}', '\u{9FFF}'])
            .collect();
        for &a in &others {
            for &b in &others {
                let pair = format!("{a}{b}");
                let by_each: String = pair.chars().filter_map(fold_alone).collect();
                assert_eq!(pair.nfkc().collect::<String>(), by_each, "{pair:?}");
            }
        }
    }

    /// Every White_Space character starts with an ASCII blank or a byte of C2, E1, E2 or E3.
    #[test]
    fn white_space_is_found_by_its_leading_bytes() {
        for c in (0..=0x10_FFFF_u32).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("完成{c}率"), format!("a{c}")] {
                assert_eq!(
                    has_white_space(&text),
                    text.contains(char::is_whitespace),
                    "{c:?}"
                );
            }
        }
    }

    /// Where a slice starts and how long it is.
    fn span(s: &str) -> (*const u8, usize) {
        (s.as_ptr(), s.len())
    }

    #[test]
    fn trim_removes_every_white_space_character_at_either_end() {
        let spaces = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace());
        for space in spaces {
            for text in [
                format!("{space}完成率"),
                format!("完成率{space}"),
                format!("{space}5{space}"),
            ] {
                assert_eq!(span(trim(&text)), span(text.trim()), "{:?}", space);
                assert_eq!(
                    span(trim_start(&text)),
                    span(text.trim_start()),
                    "{space:?}"
                );
                assert_eq!(span(trim_end(&text)), span(text.trim_end()), "{space:?}");
                let blank = format!("{space} {space}");
                assert_eq!(span(trim(&blank)), span(blank.trim()), "{space:?}");
                assert_eq!(
                    span(trim_start(&blank)),
                    span(blank.trim_start()),
                    "{space:?}"
                );
                assert_eq!(span(trim_end(&blank)), span(blank.trim_end()), "{space:?}");
            }
        }
        assert_eq!(trim("100%"), "100%");
        assert_eq!(trim("　企业户数　"), "企业户数");
        assert_eq!(trim(""), "");
        assert_eq!(trim(" \t "), "");
        assert_eq!(trim("  category \"产出\" \r"), "category \"产出\"");
    }

    #[test]
    fn utf8_with_or_without_bom_gb18030_and_utf16_by_its_bom_are_decoded() {
        let gb = GB18030.encode("调查企业户数").0.into_owned();
        // The bytes, and the text and encoding they decode to (none: an error).
        type Case<'a> = (&'a [u8], Option<(&'a str, &'a str)>);
        let cases: [Case; 5] = [
            ("调查企业户数".as_bytes(), Some(("调查企业户数", "UTF-8"))),
            (b"\xEF\xBB\xBFid,actual", Some(("id,actual", "UTF-8"))),
            (&gb, Some(("调查企业户数", "gb18030"))),
            (b"\xEF\xBB\xBF\xff\xfe broken", None),
            (b"\xff\xfe\x41\x00", Some(("A", "UTF-16LE"))),
        ];
        for (bytes, expected) in cases {
            let decoded = decode(bytes, None).ok();
            let decoded = decoded.as_ref().map(|(text, name)| (&**text, *name));
            assert_eq!(decoded, expected, "{bytes:?}");
        }
        // Text that is UTF-8 as it stands is not copied.
        assert!(matches!(
            decode("调查".as_bytes(), None),
            Ok((Cow::Borrowed(_), _))
        ));
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

    #[test]
    fn text_is_decoded_from_utf8_with_or_without_bom_and_from_gb18030() {
        let (text, encoding) = decode("指标".as_bytes(), None).unwrap();
        assert_eq!((text.as_ref(), encoding), ("指标", "UTF-8"));
        let with_bom = [&[0xEF, 0xBB, 0xBF][..], "指标".as_bytes()].concat();
        assert_eq!(decode(&with_bom, None).unwrap().0, "指标");
        let (gbk, _, _) = GB18030.encode("实际完成值,98.5%");
        let (text, encoding) = decode(&gbk, None).unwrap();
        assert_eq!((text.as_ref(), encoding), ("实际完成值,98.5%", "gb18030"));
    }

    #[test]
    fn undecodable_bytes_are_located() {
        let bytes = b"ok\nline two \xff\xff\xff";
        let err = decode(bytes, None).unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(err.offset, 12);
        let err = decode(b"abc\xff", Some(UTF_8)).unwrap_err();
        assert_eq!((err.line, err.offset, err.encoding), (1, 3, "UTF-8"));
        // After a UTF-8 BOM the body is UTF-8 or an error, never GB18030; offsets count the BOM.
        let err = decode(b"\xEF\xBB\xBFid\nx\xff", None).unwrap_err();
        assert_eq!((err.line, err.offset, err.encoding), (2, 7, "UTF-8"));
    }
}
