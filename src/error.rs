//! Errors of the library. Every error about input names the file, the line and, where there is
//! one, the column; says what was expected and what was found; and renders like a compiler
//! diagnostic through miette. Only `main` prints them.

use std::fmt;
use std::path::PathBuf;

use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

/// Everything that can go wrong in `kpi`. All of it is the user's input or environment: the CLI
/// exits with code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Located(#[from] Box<LocatedError>),
    /// An error at a line of a file, where the line's text is not at hand.
    #[error("{file}:{line}: {message}")]
    At {
        file: String,
        line: usize,
        message: String,
        help: Option<String>,
    },
    #[error("{file}: {message}")]
    Input {
        file: String,
        message: String,
        help: Option<String>,
    },
    /// An error while reading rows, with the accounting of the rows read before it.
    #[error("{error}")]
    Counted {
        error: Box<Error>,
        /// `rows read 11 = used 10 + set aside 1 (…)`.
        accounting: String,
    },
}

impl Error {
    /// This error, with the accounting of the rows read before it.
    pub fn counted(self, accounting: String) -> Error {
        match self {
            // The first accounting is the one closest to the error.
            Error::Counted { .. } => self,
            error => Error::Counted {
                error: Box::new(error),
                accounting,
            },
        }
    }

    /// The error itself, without the accounting it may carry.
    pub fn inner(&self) -> &Error {
        match self {
            Error::Counted { error, .. } => error.inner(),
            other => other,
        }
    }
}

impl Diagnostic for Error {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match self {
            Error::Counted { error, .. } => error.help(),
            Error::Located(e) => e.help(),
            Error::Input { help, .. } | Error::At { help, .. } => {
                help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
            }
            _ => None,
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match self {
            Error::Located(e) => e.source_code(),
            Error::Counted { error, .. } => error.source_code(),
            _ => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        match self {
            Error::Located(e) => e.labels(),
            Error::Counted { error, .. } => error.labels(),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error at a place in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedError {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters; `None` when the error concerns the whole line.
    pub column: Option<usize>,
    /// What was expected and what was found.
    pub message: String,
    pub help: Option<String>,
    /// The text of the line, shown under the message.
    pub line_text: String,
    /// Byte span of the offending text inside `line_text`.
    pub span: (usize, usize),
    /// A spreadsheet's own name for the place (`实际完成值!C5`), which replaces line and column:
    /// a sheet is not read as lines of text, so no text is shown either.
    pub place: Option<String>,
}

impl LocatedError {
    /// An error at byte `offset` (length `len`) of `line_text`.
    pub fn at(
        file: &str,
        line: usize,
        line_text: &str,
        offset: usize,
        len: usize,
        message: impl Into<String>,
    ) -> Box<LocatedError> {
        let offset = floor_char_boundary(line_text, offset.min(line_text.len()));
        let end = floor_char_boundary(line_text, (offset + len).min(line_text.len()));
        let column = line_text[..offset].chars().count() + 1;
        let (shown, span) = window(line_text, offset, end);
        Box::new(LocatedError {
            file: file.to_owned(),
            line,
            column: Some(column),
            message: shorten_quotes(&message.into()),
            help: None,
            line_text: shown,
            span,
            place: None,
        })
    }

    /// An error about a whole line.
    pub fn line(
        file: &str,
        line: usize,
        line_text: &str,
        message: impl Into<String>,
    ) -> Box<LocatedError> {
        let end = floor_char_boundary(line_text, line_text.len().min(WINDOW));
        let (shown, span) = window(line_text, 0, end);
        Box::new(LocatedError {
            file: file.to_owned(),
            line,
            column: None,
            message: shorten_quotes(&message.into()),
            help: None,
            line_text: shown,
            span,
            place: None,
        })
    }

    /// Places the error at a spreadsheet's cell or row instead of a line of text.
    pub fn in_sheet(mut self: Box<Self>, place: String) -> Box<LocatedError> {
        self.place = Some(place);
        self
    }

    pub fn with_help(mut self: Box<Self>, help: impl Into<String>) -> Box<LocatedError> {
        self.help = Some(help.into());
        self
    }

    /// `file:line:column`, or `file:line` without a column.
    pub fn location(&self) -> String {
        if let Some(place) = &self.place {
            return format!("{}:{place}", self.file);
        }
        match self.column {
            Some(column) => format!("{}:{}:{}", self.file, self.line, column),
            None => format!("{}:{}", self.file, self.line),
        }
    }
}

/// How much of a long line an error shows around its span, in bytes on each side.
const WINDOW: usize = 160;

/// The part of a long line around `start..end` (a 10 MB line is not printed whole), with the
/// span moved into it; `…` marks what was cut.
fn window(line: &str, start: usize, end: usize) -> (String, (usize, usize)) {
    if line.len() <= 4 * WINDOW {
        return (printable(line), (start, end));
    }
    let from = floor_char_boundary(line, start.saturating_sub(WINDOW));
    let end = floor_char_boundary(line, end.min(start + WINDOW));
    let to = floor_char_boundary(line, (end + WINDOW).min(line.len()));
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < line.len() { "…" } else { "" };
    let shown = format!("{lead}{}{tail}", printable(&line[from..to]));
    let shift = lead.len();
    (shown, (start - from + shift, end - from + shift))
}

/// The line with control characters (but tabs) shown as `?`, byte for byte, so that garbage
/// does not drive the terminal and spans stay where they were: a line as errors show it.
pub fn printable(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                "?".repeat(c.len_utf8())
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Quoted input in a message (`` `…` ``) is cut to a readable length.
fn shorten_quotes(message: &str) -> String {
    const KEEP: usize = 48;
    let mut out = String::with_capacity(message.len().min(4096));
    let mut rest = message;
    while let Some(open) = rest.find('`') {
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else {
            rest = after;
            break;
        };
        let quoted = &after[..close];
        if quoted.chars().count() > KEEP + 8 {
            out.extend(quoted.chars().take(KEEP));
            out.push('…');
        } else {
            out.push_str(quoted);
        }
        out.push('`');
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn floor_char_boundary(s: &str, mut at: usize) -> usize {
    while at > 0 && !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

impl fmt::Display for LocatedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

impl std::error::Error for LocatedError {}

impl Diagnostic for LocatedError {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.place.is_none().then_some(self as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.place.is_some() {
            return None;
        }
        let (start, end) = self.span;
        let label = if self.column.is_some() {
            "here"
        } else {
            "this line"
        };
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(label.to_owned()),
            start,
            (end - start).max(usize::from(start < self.line_text.len())),
        ))))
    }
}

/// The source of a located error is its one line, shown with its real line number.
impl SourceCode for LocatedError {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> std::result::Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > self.line_text.len() {
            return Err(MietteError::OutOfBounds);
        }
        if before == 0 && after == 0 {
            // miette asks for the span alone to name its line and column in the header.
            return Ok(Box::new(MietteSpanContents::new_named(
                self.file.clone(),
                &self.line_text.as_bytes()[start..end],
                *span,
                self.line.saturating_sub(1),
                self.column.map_or(0, |c| c - 1),
                1,
            )));
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.clone(),
            self.line_text.as_bytes(),
            SourceSpan::new(0.into(), self.line_text.len()),
            self.line.saturating_sub(1),
            0,
            1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_line_error_spans_whole_characters() {
        // 159 ASCII bytes then a three-byte character across the 160-byte mark.
        let line = format!("{}注{}", "a".repeat(159), "b".repeat(100));
        let error = LocatedError::line("x", 1, &line, "bad");
        let (start, end) = error.span;
        assert_eq!((start, end), (0, 159));
        assert!(error.line_text.is_char_boundary(end));
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_span() {
        let line = format!("{}注{}", "a".repeat(1000), "b".repeat(1000));
        let error = LocatedError::at("x", 1, &line, 1000, 3, "bad");
        assert!(error.line_text.starts_with('…') && error.line_text.ends_with('…'));
        let (start, end) = error.span;
        assert_eq!(&error.line_text[start..end], "注");
    }
}
