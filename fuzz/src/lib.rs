//! What every fuzz target checks beyond "no panic": an error that names a place names a real one.
//!
//! A [`LocatedError`] carries the text of its line and a byte span inside it. The checks here
//! assert that the span lies inside that line on character boundaries, that the column agrees
//! with the span, and — where the target knows the text the parser read — that the line number
//! and the line's text are those of the input. Each error is then rendered as the CLI renders it
//! (`miette::Report`'s debug form, which reads the span back through `SourceCode`), so a span
//! miette cannot show panics here rather than in front of a user.

use std::sync::LazyLock;

use kpi::error::{LocatedError, printable};
use kpi::import::Imported;
use kpi::profile::Profile;
use kpi::syntax::target::TargetError;

/// The embedded 2024 targets, imported once per process.
pub static EMBEDDED: LazyLock<Imported> = LazyLock::new(|| {
    kpi::import::import(kpi::embedded::SPEC_NAME, kpi::embedded::SPEC)
        .expect("the embedded spec imports")
});

/// The national profile, built once per process.
pub static NATIONAL: LazyLock<Profile> = LazyLock::new(Profile::national);

/// The longest line an error shows whole (4 × the window of 160 bytes, src/error.rs).
const WHOLE: usize = 640;

/// Line `line` (1-based) of `text` as parsers show it: split at `\n`, without trailing `\r`,
/// without the byte-order marks a file may start with. `None` past the end.
fn nth_line(text: &str, line: usize) -> Option<&str> {
    let text = text.trim_start_matches('\u{feff}');
    let raw = text.split('\n').nth(line.checked_sub(1)?)?;
    Some(raw.trim_end_matches('\r'))
}

/// Checks a located error. `text` is the text the parser read, when the target knows it (the
/// input was valid UTF-8); the error must then name one of its lines and show that line.
pub fn check_located(e: &LocatedError, text: Option<&str>) {
    let (start, end) = e.span;
    let line_text = e.line_text.as_str();
    assert!(
        start <= end && end <= line_text.len(),
        "span {start}..{end} lies outside its line of {} bytes: {e:?}",
        line_text.len()
    );
    assert!(
        line_text.is_char_boundary(start) && line_text.is_char_boundary(end),
        "span {start}..{end} cuts a character of its line: {e:?}"
    );
    assert!(
        !line_text.contains('\n'),
        "the line text of an error holds a line break: {e:?}"
    );
    assert!(!e.message.is_empty(), "an error without a message: {e:?}");
    // A line longer than this is shown as a window around the span, `…` marking the cuts
    // (src/error.rs); a shorter one whole, control characters (but tabs) as `?`.
    let windowed = line_text.starts_with('…') || line_text.ends_with('…');
    assert!(e.column.is_none_or(|c| c >= 1), "column 0: {e:?}");
    if e.place.is_none() {
        assert!(e.line >= 1, "line 0: {e:?}");
        if let Some(text) = text {
            let lines = text.split('\n').count();
            assert!(
                e.line <= lines,
                "line {} of a text of {lines} lines: {e:?}",
                e.line
            );
            // Byte-order marks at the start of a line are left out on both sides: a parser may
            // drop the file's own, and a line may start with one of its own.
            let shown = line_text.trim_start_matches('\u{feff}');
            let raw = nth_line(text, e.line)
                .unwrap_or_default()
                .trim_start_matches('\u{feff}');
            let real = printable(raw);
            if real.len() <= WHOLE || !windowed {
                assert_eq!(
                    shown, real,
                    "the error shows a line that is not line {} of the input: {e:?}",
                    e.line
                );
            } else {
                let inner = shown.trim_start_matches('…').trim_end_matches('…');
                assert!(
                    real.contains(inner),
                    "the error shows a window that is not in line {} of the input: {e:?}",
                    e.line
                );
            }
            // The column counts the characters of the line as written before the span (the
            // shown text has the same bytes, but a 2-byte control character shows as `??`).
            let bom = line_text.len() - shown.len();
            if let Some(column) = e.column
                && !line_text.starts_with('…')
                && let Some(before) = start.checked_sub(bom).and_then(|at| raw.get(..at))
            {
                assert_eq!(
                    column,
                    before.chars().count() + 1 + bom / '\u{feff}'.len_utf8(),
                    "the column disagrees with the span: {e:?}"
                );
            }
        }
    }
    let _ = e.to_string();
    let _ = e.location();
    render(e.clone());
}

/// Checks an error of the library: located errors as above, the rest rendered.
pub fn check_error(error: kpi::Error, text: Option<&str>) {
    check_error_ref(&error, text);
    let _ = error.to_string();
    render(error);
}

fn check_error_ref(error: &kpi::Error, text: Option<&str>) {
    match error {
        kpi::Error::Located(e) => check_located(e, text),
        kpi::Error::At { line, message, .. } => {
            assert!(*line >= 1, "line 0: {error:?}");
            assert!(!message.is_empty(), "an error without a message: {error:?}");
            if let Some(text) = text {
                let lines = text.split('\n').count();
                assert!(
                    *line <= lines,
                    "line {line} of a text of {lines} lines: {error:?}"
                );
            }
        }
        kpi::Error::Input { message, .. } => {
            assert!(!message.is_empty(), "an error without a message: {error:?}");
        }
        kpi::Error::Read { .. } | kpi::Error::Write { .. } => {
            panic!("no file is read or written here, yet: {error:?}")
        }
        // An error with the row accounting up to it: the error inside is checked the same way.
        kpi::Error::Counted { error, accounting } => {
            assert!(!accounting.is_empty(), "an empty accounting: {error:?}");
            check_error_ref(error, text);
        }
    }
}

/// Renders as `kpi` prints an error (src/cli/mod.rs): miette's report, debug form.
fn render<E: miette::Diagnostic + Send + Sync + 'static>(error: E) {
    let shown = format!("{:?}", miette::Report::new(error));
    assert!(!shown.is_empty());
}

/// Checks an error of the target grammar against the cell it came from: the offset lies in the
/// cell (trimmed, as the parser reads it) on a character boundary, and the message is complete.
pub fn check_target_error(e: &TargetError, cell: &str) {
    let trimmed = cell.trim();
    assert!(
        e.offset <= trimmed.len(),
        "offset {} past the end of the cell `{cell}` ({} bytes trimmed): {e:?}",
        e.offset,
        trimmed.len()
    );
    assert!(
        trimmed.is_char_boundary(e.offset),
        "offset {} cuts a character of `{trimmed}`: {e:?}",
        e.offset
    );
    assert!(!e.expected.is_empty() && !e.found.is_empty(), "{e:?}");
    let _ = e.to_string();
}

/// The fuzz input as text: lossy, so every input reaches the parser (invalid bytes become
/// U+FFFD), with the text returned for the line checks.
pub fn text_of(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}
