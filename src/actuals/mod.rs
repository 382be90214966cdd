//! The actuals form (实际完成值) → typed actuals matched to the model.
//!
//! A CSV with a header row (English or Chinese column names; UTF-8 with or without BOM, or
//! GB18030/GBK as Excel writes it on Chinese Windows). Each row is matched to what it reports
//! on — an indicator by id or by names, or a project's budget execution — and its actual is
//! read against that target: numbers converted exactly into the target's unit (scoring.md S8),
//! tier words for qualitative targets (S7). Bad input is an error with file, line and column;
//! a missing actual is not an error but [`Actual::Missing`] (S10).

mod read;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::import::Note;

pub use read::{ReadOptions, read, read_releasing};

/// What an actuals row reports on: indices into the model's vectors, in 32 bits (12 bytes where
/// `usize` took 24 on each of a province's million rows; a model that had 2^32 of anything
/// would not fit in memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// A unit's own indicator (表16): `department.units[unit].indicators[indicator]`.
    UnitIndicator { unit: u32, indicator: u32 },
    /// `department.projects[project].indicators[indicator]`.
    ProjectIndicator { project: u32, indicator: u32 },
    /// A project's budget execution (S12), id `<project id>#budget`.
    Budget { project: u32 },
}

/// An actual as read and checked against its target.
#[derive(Debug, Clone, PartialEq)]
pub enum Actual {
    /// Nothing written (S10: 未填报, or 未到期 before the deadline, S11).
    Missing,
    /// `不适用` or `/` (S3).
    NotApplicable,
    /// A number, converted exactly into the unit of the target (S8).
    Quantity {
        /// The value in the target's unit (or as written when the target has none).
        value: Decimal,
        /// The actual as the user wrote it, unit included (`0.12万户`), for reports.
        written: Box<str>,
        /// Counts of different nouns (户 against 家) were compared (S8, warned).
        different_nouns: bool,
    },
    /// A tier of a qualitative target (S7): an index into the profile's tiers, the share the
    /// actual states (percent) if any, and the text as written.
    Tier {
        tier: usize,
        share: Option<Decimal>,
        written: Box<str>,
    },
    /// Budget execution given as money spent, in 万元 (S12).
    Spent { wan: Decimal, written: Box<str> },
    /// Budget execution given as a rate, in percent (S12).
    Rate { percent: Decimal, written: Box<str> },
}

impl Actual {
    /// The actual as written, for reports; empty when missing.
    pub fn written(&self) -> &str {
        match self {
            Actual::Missing => "",
            Actual::NotApplicable => "不适用",
            Actual::Quantity { written, .. }
            | Actual::Tier { written, .. }
            | Actual::Spent { written, .. }
            | Actual::Rate { written, .. } => written,
        }
    }
}

/// One row of the actuals file.
#[derive(Debug, Clone, PartialEq)]
pub struct ActualRow {
    /// The 1-based line where the row starts in the file.
    pub line: u32,
    pub subject: Subject,
    pub actual: Actual,
    /// 完成时间 (S11: later than the deadline flags 逾期).
    pub completed: Option<NaiveDate>,
    /// 偏差原因 (S9).
    pub note: Option<Box<str>>,
    /// The numbers few rows carry beside their actual; none when the row has none of them, so
    /// that a province's million rows stay small.
    pub numbers: Option<Box<RowNumbers>>,
}

/// Numbers a row of the actuals may carry beside its actual.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowNumbers {
    /// 调整后预算数 in 万元 (S12), on a budget row.
    pub budget: Option<Decimal>,
    /// 分值: the row's own points (S3).
    pub weight: Option<Decimal>,
    /// 得分: the score the unit claims (S16).
    pub claimed: Option<Decimal>,
    /// 扣分: an explicit deduction (S9).
    pub deduction: Option<Decimal>,
}

impl RowNumbers {
    /// Boxed, or none when every number is absent.
    pub fn boxed(self) -> Option<Box<RowNumbers>> {
        (self != RowNumbers::default()).then(|| Box::new(self))
    }
}

impl ActualRow {
    /// 偏差原因, when it says anything (S9: a blank note explains nothing).
    pub fn written_note(&self) -> Option<&str> {
        self.note.as_deref().filter(|n| !n.trim().is_empty())
    }

    /// 调整后预算数 in 万元 (S12).
    pub fn budget(&self) -> Option<Decimal> {
        self.numbers.as_ref().and_then(|n| n.budget)
    }

    /// 分值 (S3).
    pub fn weight(&self) -> Option<Decimal> {
        self.numbers.as_ref().and_then(|n| n.weight)
    }

    /// 得分 claimed (S16).
    pub fn claimed(&self) -> Option<Decimal> {
        self.numbers.as_ref().and_then(|n| n.claimed)
    }

    /// 扣分 (S9).
    pub fn deduction(&self) -> Option<Decimal> {
        self.numbers.as_ref().and_then(|n| n.deduction)
    }
}

/// Why a row of the actuals file carries no actual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActualsSetAside {
    /// A row with every cell empty.
    Blank,
    /// A template row whose actual was left empty (its indicator is 未填报).
    Unfilled,
    /// A row whose actual is 不适用.
    NotApplicable,
}

impl ActualsSetAside {
    pub fn code(self) -> &'static str {
        match self {
            ActualsSetAside::Blank => "blank",
            ActualsSetAside::Unfilled => "unfilled",
            ActualsSetAside::NotApplicable => "not_applicable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActualsSetAside::Blank => "blank rows",
            ActualsSetAside::Unfilled => "rows left unfilled",
            ActualsSetAside::NotApplicable => "rows not applicable",
        }
    }
}

/// Row accounting of an actuals file: read = used + set aside.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActualsAccounting {
    /// Data rows read (the header not counted).
    pub rows_read: usize,
    /// Rows whose actual was used.
    pub rows_used: usize,
    /// (reason, rows), sorted by reason, zero counts left out.
    pub set_aside: Vec<(ActualsSetAside, usize)>,
}

impl std::fmt::Display for ActualsAccounting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rows read {} = used {} + set aside {}",
            self.rows_read,
            self.rows_used,
            self.set_aside_total()
        )?;
        if !self.set_aside.is_empty() {
            let parts: Vec<String> = self
                .set_aside
                .iter()
                .map(|(reason, n)| format!("{n} {}", reason.label()))
                .collect();
            write!(f, " ({})", parts.join(", "))?;
        }
        Ok(())
    }
}

impl ActualsAccounting {
    pub fn set_aside_total(&self) -> usize {
        self.set_aside.iter().map(|(_, n)| n).sum()
    }

    pub fn balances(&self) -> bool {
        self.rows_read == self.rows_used + self.set_aside_total()
    }
}

/// An actuals file, read and matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Actuals {
    /// The file as the user named it.
    pub file: String,
    /// The encoding it was read in (`UTF-8`, `gb18030`).
    pub encoding: &'static str,
    /// In file order. At most one row per subject.
    pub rows: Vec<ActualRow>,
    /// Warnings with their lines (unknown columns ignored, nouns compared across, …).
    pub notes: Vec<Note>,
    pub accounting: ActualsAccounting,
    /// For a spreadsheet (or a form): where the lines that rows and notes name stood.
    pub places: Option<crate::syntax::table::Places>,
}

impl Actuals {
    /// No actuals at all: every indicator is 未填报 (or 未到期).
    pub fn empty(file: &str) -> Actuals {
        Actuals {
            file: file.to_owned(),
            encoding: "UTF-8",
            rows: Vec::new(),
            notes: Vec::new(),
            accounting: ActualsAccounting::default(),
            places: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A province's million rows are held at once (BENCHMARKS.md): a row must not grow back.
    #[test]
    fn a_row_stays_small() {
        let size = std::mem::size_of::<ActualRow>();
        assert!(size <= 96, "ActualRow is {size} bytes");
    }
}
