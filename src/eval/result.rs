//! What an evaluation yields: one value every report renders, none recomputes.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::actuals::{ActualRow, Actuals};
use crate::import::Note;
use crate::model::Name;

/// The one status of a row (scoring.md, Status and flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// 达标: the target is met.
    Met,
    /// 未达标: not met.
    NotMet,
    /// 未填报: no actual (S10).
    NotReported,
    /// 未到期: before the deadline, missing or not yet met (S11).
    Pending,
    /// 不适用: not applicable (S3).
    NotApplicable,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Met,
        Status::NotMet,
        Status::NotReported,
        Status::Pending,
        Status::NotApplicable,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "达标",
            Status::NotMet => "未达标",
            Status::NotReported => "未填报",
            Status::Pending => "未到期",
            Status::NotApplicable => "不适用",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Flags a row or a project may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flag {
    /// 超额: over-completed beyond the profile's margin (S9, S6).
    Over,
    /// 逾期: completed after the deadline (S11).
    Late,
    /// 需说明: a deviation without a note (S9, S12).
    NeedsNote,
    /// 得分不符: the claimed score differs from the rule score (S16).
    ScoreMismatch,
    /// 方向存疑: the operator contradicts the indicator's name (S17).
    DoubtfulDirection,
    /// 指标不完整: a category shown with no indicator (S2), on a project or unit.
    Incomplete,
}

impl Flag {
    pub const ALL: [Flag; 6] = [
        Flag::Over,
        Flag::Late,
        Flag::NeedsNote,
        Flag::ScoreMismatch,
        Flag::DoubtfulDirection,
        Flag::Incomplete,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Flag::Over => "超额",
            Flag::Late => "逾期",
            Flag::NeedsNote => "需说明",
            Flag::ScoreMismatch => "得分不符",
            Flag::DoubtfulDirection => "方向存疑",
            Flag::Incomplete => "指标不完整",
        }
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The flags of a row, a budget line or a table: a set listed in the order of [`Flag::ALL`], in
/// one byte where a vector took 24 (a province holds a million rows).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Flags(u8);

impl Flags {
    pub fn insert(&mut self, flag: Flag) {
        self.0 |= 1 << flag as u8;
    }

    pub fn contains(self, flag: Flag) -> bool {
        self.0 & (1 << flag as u8) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Flag> {
        Flag::ALL.into_iter().filter(move |&f| self.contains(f))
    }
}

impl FromIterator<Flag> for Flags {
    fn from_iter<I: IntoIterator<Item = Flag>>(flags: I) -> Flags {
        let mut set = Flags::default();
        for flag in flags {
            set.insert(flag);
        }
        set
    }
}

impl<const N: usize> From<[Flag; N]> for Flags {
    fn from(flags: [Flag; N]) -> Flags {
        flags.into_iter().collect()
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// S14 grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grade {
    /// 优: 90 and above.
    Excellent,
    /// 良: 80 to under 90.
    Good,
    /// 中: 60 to under 80.
    Fair,
    /// 差: under 60.
    Poor,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::Excellent, Grade::Good, Grade::Fair, Grade::Poor];

    /// S14: 优 ≥ 90; 良 80 to < 90; 中 60 to < 80; 差 < 60.
    pub fn of(score: Decimal) -> Grade {
        if score >= Decimal::from(90) {
            Grade::Excellent
        } else if score >= Decimal::from(80) {
            Grade::Good
        } else if score >= Decimal::from(60) {
            Grade::Fair
        } else {
            Grade::Poor
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::Excellent => "优",
            Grade::Good => "良",
            Grade::Fair => "中",
            Grade::Poor => "差",
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Counts per grade, in the order of [`Grade::ALL`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GradeCounts(pub [usize; 4]);

impl GradeCounts {
    pub fn add(&mut self, grade: Grade) {
        self.0[grade as usize] += 1;
    }

    pub fn get(&self, grade: Grade) -> usize {
        self.0[grade as usize]
    }
}

/// One indicator row, scored.
#[derive(Debug, Clone, PartialEq)]
pub struct RowResult {
    /// Index of the indicator in its unit's or project's `indicators` (32 bits, as a row's
    /// subject: a result is 84 bytes, not 88).
    pub indicator: u32,
    /// Index of the actuals row it was scored from in [`Actuals::rows`]; none when no row names
    /// it. What the row says (its text, note, claim, deduction, date and line) is read from there,
    /// not copied: a province holds a million of each.
    pub row: Option<u32>,
    pub status: Status,
    pub flags: Flags,
    /// The shown weight (分值), 2 decimals (S13).
    pub weight: Decimal,
    /// The score that counts, 2 decimals: the rule score, or an accepted claim (S16).
    pub score: Decimal,
    /// The score by the rules, before any accepted claim.
    pub rule_score: Decimal,
    /// How much of the target the actual reached, in percent (S4 ratio, S6, S7 share); none
    /// when there is nothing to compare.
    pub completion: Option<Decimal>,
    /// Whether the claimed score replaced the rule score (`--accept-claimed`, S16).
    pub accepted_claimed: bool,
}

/// The actuals row `row` of `actuals`: a result's, which it reads what the row says from.
fn actual_row(row: Option<u32>, actuals: &Actuals) -> Option<&ActualRow> {
    actuals.rows.get(usize::try_from(row?).ok()?)
}

impl RowResult {
    fn actual_row<'a>(&self, actuals: &'a Actuals) -> Option<&'a ActualRow> {
        actual_row(self.row, actuals)
    }

    /// The actual as written; empty when none. `actuals` are those the row was scored from.
    pub fn actual<'a>(&self, actuals: &'a Actuals) -> &'a str {
        self.actual_row(actuals).map_or("", |r| r.actual.written())
    }

    /// 偏差原因, when one is written.
    pub fn note<'a>(&self, actuals: &'a Actuals) -> Option<&'a str> {
        self.actual_row(actuals).and_then(ActualRow::written_note)
    }
    /// 得分 the unit claims (S16).
    pub fn claimed(&self, actuals: &Actuals) -> Option<Decimal> {
        self.actual_row(actuals).and_then(ActualRow::claimed)
    }

    /// 扣分 applied (S9).
    pub fn deduction(&self, actuals: &Actuals) -> Option<Decimal> {
        self.actual_row(actuals).and_then(ActualRow::deduction)
    }

    /// 完成时间.
    pub fn completed(&self, actuals: &Actuals) -> Option<NaiveDate> {
        self.actual_row(actuals).and_then(|r| r.completed)
    }

    /// The line of the actuals file the actual came from.
    pub fn line(&self, actuals: &Actuals) -> Option<u32> {
        self.actual_row(actuals).map(|r| r.line)
    }
}

/// A level-1 category's share of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryResult {
    pub level1: Name,
    pub weight: Decimal,
    pub score: Decimal,
}

/// A project's budget execution (S12).
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetResult {
    /// P, the points of budget execution (S1).
    pub points: Decimal,
    /// The budget the rate is taken of (万元): the adjusted budget when given, else 表17's.
    pub budget: Option<Decimal>,
    /// Whether `budget` is the adjusted budget (调整后预算数) of the actuals.
    pub adjusted: bool,
    /// Money spent, 万元.
    pub spent: Option<Decimal>,
    /// spent / budget, in percent, 2 decimals.
    pub rate: Option<Decimal>,
    /// Index of the budget row in [`Actuals::rows`], as a row result's: its actual, note,
    /// claim and line are read from there.
    pub row: Option<u32>,
    pub status: Status,
    pub flags: Flags,
    pub score: Decimal,
    pub rule_score: Decimal,
    pub accepted_claimed: bool,
}

impl BudgetResult {
    /// The actual as written (`34.5万元`, `96%`); empty when none.
    pub fn actual<'a>(&self, actuals: &'a Actuals) -> &'a str {
        actual_row(self.row, actuals).map_or("", |r| r.actual.written())
    }

    /// 偏差原因, when one is written.
    pub fn note<'a>(&self, actuals: &'a Actuals) -> Option<&'a str> {
        actual_row(self.row, actuals).and_then(ActualRow::written_note)
    }

    /// 得分 the unit claims (S16).
    pub fn claimed(&self, actuals: &Actuals) -> Option<Decimal> {
        actual_row(self.row, actuals).and_then(ActualRow::claimed)
    }

    /// The line of the actuals file the budget row came from.
    pub fn line(&self, actuals: &Actuals) -> Option<u32> {
        actual_row(self.row, actuals).map(|r| r.line)
    }
}

/// A scored table of indicators: a project's (with budget execution) or a unit's 表16.
#[derive(Debug, Clone, PartialEq)]
pub struct TableResult {
    pub rows: Vec<RowResult>,
    /// Level-1 categories in source order, with shown weights and scores.
    pub categories: Vec<CategoryResult>,
    /// Sum of the shown scores above it (S13), budget execution included for projects.
    pub total: Decimal,
    pub grade: Grade,
    pub flags: Flags,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectResult {
    /// Index into `department.projects`.
    pub project: usize,
    pub table: TableResult,
    pub budget: BudgetResult,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitResult {
    /// Index into `department.units`.
    pub unit: usize,
    /// The unit's own 表16 rows, scored out of 100 (S15); none when it has none.
    pub overall: Option<TableResult>,
    /// Budget-weighted mean of its projects' totals (S15); none without projects.
    pub project_score: Option<Decimal>,
    pub projects: usize,
    pub grades: GradeCounts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentResult {
    /// Budget-weighted mean of all projects' totals (S15).
    pub project_score: Option<Decimal>,
    /// Plain mean of the units' overall scores (S15).
    pub overall_score: Option<Decimal>,
    /// Projects per grade.
    pub grades: GradeCounts,
    /// Units' overall scores per grade.
    pub unit_grades: GradeCounts,
    /// Indicator rows per status, units' and projects' together, in the order of [`Status::ALL`].
    pub statuses: [usize; 5],
}

/// The whole evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub year: i32,
    pub as_of: NaiveDate,
    pub profile: String,
    /// S12: the rate (percent) below which budget execution needs a note, by the profile.
    pub budget_note_below: Decimal,
    pub accept_claimed: bool,
    pub projects: Vec<ProjectResult>,
    pub units: Vec<UnitResult>,
    pub department: DepartmentResult,
    /// Warnings of the evaluation (different count nouns compared …), with actuals lines.
    pub notes: Vec<Note>,
}

impl Evaluation {
    /// Every row result with whether it needs attention under `--strict`: 未填报 or 需说明.
    pub fn strict_failures(&self) -> usize {
        let tables = self
            .projects
            .iter()
            .map(|p| &p.table)
            .chain(self.units.iter().filter_map(|u| u.overall.as_ref()));
        let rows = tables
            .flat_map(|t| &t.rows)
            .filter(|r| r.status == Status::NotReported || r.flags.contains(Flag::NeedsNote))
            .count();
        let budgets = self
            .projects
            .iter()
            .filter(|p| {
                p.budget.status == Status::NotReported || p.budget.flags.contains(Flag::NeedsNote)
            })
            .count();
        rows + budgets
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A province's million results are held at once (BENCHMARKS.md): the text of an actual and
    /// its note stay in the actuals row, read through it.
    #[test]
    fn a_result_stays_small() {
        let size = std::mem::size_of::<RowResult>();
        assert!(size <= 84, "RowResult is {size} bytes");
    }

    #[test]
    fn flags_are_a_set_listed_in_their_order() {
        let flags = Flags::from([Flag::Incomplete, Flag::Over, Flag::NeedsNote, Flag::Over]);
        assert_eq!(
            flags.iter().collect::<Vec<_>>(),
            [Flag::Over, Flag::NeedsNote, Flag::Incomplete]
        );
        assert!(flags.contains(Flag::NeedsNote) && !flags.contains(Flag::Late));
        assert!(Flags::default().is_empty() && !flags.is_empty());
        assert_eq!(format!("{flags:?}"), "[Over, NeedsNote, Incomplete]");
        let all: Flags = Flag::ALL.into_iter().rev().collect();
        assert_eq!(all.iter().collect::<Vec<_>>(), Flag::ALL);
    }
}
