//! The budget disclosure as text (部门预算公开, as taken from its PDF): 表16 (unit overall targets)
//! and 表17 (project targets) → model.
//!
//! Real tables come with defects: cells shifted into the wrong column, level-3 names missing,
//! deadlines missing, empty category rows, names broken by line wraps, qualitative values with a
//! stray operator or `%`. Each is repaired the same way every time and reported with its line;
//! every row is an indicator or set aside with a reason ([`Accounting`]).

use std::borrow::Cow;
use std::collections::HashMap;

use rust_decimal::Decimal;

use super::vocabulary::{CategoryLevel, category_level};
use super::{Accounting, Imported, Note, SetAside, Severity};
use crate::error::{LocatedError, Result};
use crate::model::id::{self, IdAllocator, IndicatorIds};
use crate::model::{
    BudgetLine, Category, Deadline, Department, Indicator, Name, Names, Project, Provenance,
    Target, Unit,
};
use crate::syntax::target::{
    TargetCell, decimal, is_leftover_cell, number_text, parse_cell, parse_deadline, parse_operator,
    parse_split,
};
use std::num::NonZeroUsize;

use crate::text::{clean_cell, key_end, key_lead, match_key, may_start_white_space, trim_start};

/// The lines without tabs at the top of a disclosure where its department and year are looked
/// for.
const TITLE_LINES: usize = 8;

/// Fewer projects than this a thread have their indicators built on one thread.
const PROJECTS_PER_SHARE: usize = 2000;

/// Reads the disclosure `text`; `file` names it in notes and errors. A large text is read on
/// at most `jobs` threads (one per core, at most 8, when none is given); the model is the same.
pub fn import(file: &str, text: &str, jobs: Option<NonZeroUsize>) -> Result<Imported> {
    import_in_parts_of(file, text, jobs, crate::jobs::PART_BYTES)
}

fn import_in_parts_of(
    file: &str,
    text: &str,
    jobs: Option<NonZeroUsize>,
    part_bytes: usize,
) -> Result<Imported> {
    let parts = crate::jobs::parts_for(jobs, text.len(), part_bytes);
    let parted = if parts > 1 {
        let starts = crate::jobs::part_starts(text, 0, parts, starts_a_project);
        read_in_parts(file, text, &starts, jobs)
    } else {
        None
    };
    let reader = match parted {
        Some(reader) => reader,
        None => {
            let mut reader = Reader::new(file, true);
            if let Err(error) = reader.lines(text, 0, text.len(), 1) {
                let mut so_far = reader.accounting.clone();
                so_far.rows_seen = so_far.rows_seen.saturating_sub(1);
                return Err(error.counted(format!("{file}: before the error, {so_far}")));
            }
            reader
        }
    };
    // 表9 is read from the whole text while the tables read are made into the model.
    let (imported, budget_table) = crate::jobs::both(
        jobs,
        || reader.finish(jobs),
        || super::budget_table::read(text),
    );
    let mut imported = imported?;
    imported.budget_table = budget_table;
    Ok(imported)
}

/// Whether the reader takes `line` as the start of a project's table, whatever came before.
fn starts_a_project(line: &str) -> bool {
    line.contains("名称")
        && cells(line.trim_end_matches('\r'))
            .first()
            .is_some_and(|first| match_key(&first.text) == "项目(政策)名称")
}

/// Reads the parts of `text` that start at `starts` at once and joins them in order; `None`
/// when a part is in error (read in one piece, the first error is the one reported) or when
/// the first part has fewer lines of title than one reading would take from the whole text.
fn read_in_parts<'a>(
    file: &'a str,
    text: &str,
    starts: &[usize],
    jobs: Option<NonZeroUsize>,
) -> Option<Reader<'a>> {
    // Only the first part holds the title.
    let readers = starts
        .iter()
        .map(|&start| Reader::new(file, start == 0))
        .collect();
    let parts = crate::jobs::in_parts(readers, text, starts, jobs, |mut reader, part| {
        reader.lines(text, part.start, part.end, part.line).ok()?;
        // What the next part's first line, a project, would do.
        reader.close_table();
        Some(reader)
    });
    let mut parts = parts.into_iter().collect::<Option<Vec<Reader>>>()?;
    let rest = parts.split_off(1);
    let mut joined = parts.pop()?;
    if joined.title_lines.len() < TITLE_LINES {
        return None;
    }
    // A province's projects are moved on every core, once: appended part after part, they were
    // moved again each time their list grew, on one thread.
    let mut projects = Vec::with_capacity(rest.len());
    for mut part in rest {
        projects.push(std::mem::take(&mut part.projects));
        joined.append(part);
    }
    joined.projects = crate::jobs::concat(std::mem::take(&mut joined.projects), projects, jobs);
    Some(joined)
}

struct Line<'a> {
    number: u32,
    start: usize,
    end: usize,
    text: &'a str,
}

impl Line<'_> {
    fn provenance(&self) -> Provenance {
        Provenance {
            line: self.number,
            start: u32::try_from(self.start).unwrap_or(u32::MAX),
            end: u32::try_from(self.end).unwrap_or(u32::MAX),
        }
    }
}

/// A non-empty cell: its column, its byte offset in the line, its tidied text.
#[derive(Debug, Clone, PartialEq)]
struct Cell<'a> {
    column: usize,
    offset: usize,
    /// Borrowed from the line unless cleaning changed it.
    text: Cow<'a, str>,
    joined_wrap: bool,
}

fn cells(line: &str) -> Vec<Cell<'_>> {
    // Room for an indicator row's cells at once, instead of growing twice a line.
    let mut out = Vec::with_capacity(CELLS_A_LINE);
    // One pass over the line's characters finds its tabs and, for each cell, whether a byte that
    // may start white space leads a character in it: a cell with none (nearly every one) is its
    // own tidied text. A character is stepped over whole by its lead byte (an ideograph's three
    // bytes at once); no tab nor white space starts within one.
    let bytes = line.as_bytes();
    let mut start = 0;
    let mut column = 0;
    let mut spaced = false;
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        if b == b'\t' {
            // An empty cell (half of a table's) adds nothing.
            if at > start {
                push_cell(&mut out, line, start, at, column, spaced);
            }
            start = at + 1;
            column += 1;
            spaced = false;
            at += 1;
        } else {
            let lead = LEAD_BYTES[usize::from(b)];
            spaced |= lead & MAY_SPACE != 0;
            at += usize::from(lead & WIDTH);
        }
    }
    if line.len() > start {
        push_cell(&mut out, line, start, line.len(), column, spaced);
    }
    out
}

/// For each byte as the lead of a character: the character's width in bytes ([`WIDTH`]) and
/// whether it may be white space ([`MAY_SPACE`], as [`may_start_white_space`] says).
const LEAD_BYTES: [u8; 256] = {
    let mut leads = [0; 256];
    let mut b = 0;
    while b < 256 {
        // Continuation bytes never lead a character of a `str`, nor do F8–FF occur in one;
        // their entries are never read.
        let width = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xFF => 4,
            _ => 1,
        };
        let space = if may_start_white_space(b as u8) {
            MAY_SPACE
        } else {
            0
        };
        leads[b] = width | space;
        b += 1;
    }
    leads
};
const WIDTH: u8 = 0x7;
const MAY_SPACE: u8 = 0x8;

/// Adds the cell `line[start..end]` in `column` to `out` unless it is empty once tidied;
/// `spaced` when it may hold white space.
fn push_cell<'a>(
    out: &mut Vec<Cell<'a>>,
    line: &'a str,
    start: usize,
    end: usize,
    column: usize,
    spaced: bool,
) {
    // Tabs are character boundaries.
    let raw = &line[start..end];
    if !spaced {
        if !raw.is_empty() {
            out.push(Cell {
                column,
                offset: start,
                text: Cow::Borrowed(raw),
                joined_wrap: false,
            });
        }
        return;
    }
    let cleaned = clean_cell(raw);
    if !cleaned.text.is_empty() {
        let lead = raw.len() - trim_start(raw).len();
        out.push(Cell {
            column,
            offset: start + lead,
            text: cleaned.text,
            joined_wrap: cleaned.joined_wrap,
        });
    }
}

/// The cells of an indicator row of the seed's layout: 一级 to 三级指标, operator, value, unit,
/// deadline and the columns around them.
const CELLS_A_LINE: usize = 10;

/// Where the columns of an indicator table stand, from its header row.
#[derive(Debug, Clone, Copy)]
struct Header {
    level1: usize,
    level2: usize,
    level3: usize,
    operator: Option<usize>,
    value: usize,
}

impl Header {
    fn read(cells: &[Cell]) -> Option<Header> {
        // Each cell keyed once, not once for each column looked for.
        let keys: Vec<(usize, Cow<str>)> = cells
            .iter()
            .map(|c| (c.column, match_key(&c.text)))
            .collect();
        // The first column whose key holds `word`, compared a window at a time: a header's
        // keys are a few bytes, shorter than `str::contains` takes to set up its search.
        let find = |word: &str| {
            keys.iter()
                .find(|(_, key)| {
                    key.as_bytes()
                        .windows(word.len())
                        .any(|w| w == word.as_bytes())
                })
                .map(|&(column, _)| column)
        };
        Some(Header {
            level1: find("一级指标")?,
            level2: find("二级指标")?,
            level3: find("三级指标")?,
            operator: find("运算"),
            value: find("指标值")?,
        })
    }

    /// The column where target cells begin: names stand left of it.
    fn target_start(&self) -> usize {
        self.operator.unwrap_or(self.value)
    }

    fn slot_of(&self, column: usize) -> Position {
        if column == self.level1 {
            Position::Slot(Level::One)
        } else if column == self.level2 {
            Position::Slot(Level::Two)
        } else if column == self.level3 {
            Position::Slot(Level::Three)
        } else if column < self.level1 {
            Position::Before
        } else {
            Position::After
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    One,
    Two,
    Three,
}

impl Level {
    fn label(self) -> &'static str {
        match self {
            Level::One => "一级指标",
            Level::Two => "二级指标",
            Level::Three => "三级指标",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Slot(Level),
    Before,
    After,
}

/// Which names a row gives, after placing each by what it is.
#[derive(Debug, Default)]
struct Placement<'c> {
    /// Borrowed from the row's cells: the categories are shared names, looked up, not copied.
    level1: Option<&'c str>,
    level2: Option<&'c str>,
    name: Option<&'c str>,
    /// Cells beyond the 三级指标 that repeat another row's name.
    extras: Vec<String>,
    /// (text, column, level) of cells placed by what they are, not where they stand.
    moved: Vec<(String, usize, Level)>,
}

impl<'c> Placement<'c> {
    fn set(&mut self, level: Level, text: &'c str) {
        match level {
            Level::One => self.level1 = Some(text),
            Level::Two => self.level2 = Some(text),
            Level::Three => self.name = Some(text),
        }
    }
}

fn vocabulary_levels(text: &str) -> Option<&'static [Level]> {
    category_level(text).map(|level| match level {
        CategoryLevel::Level1 => &[Level::One][..],
        CategoryLevel::Level2 => &[Level::Two][..],
        CategoryLevel::Either => &[Level::One, Level::Two][..],
    })
}

/// Places the name cells of a row into 一级/二级/三级指标.
///
/// A row whose cells stand in their header columns is read by position (a known category name
/// must stand in a column of its level). Otherwise each known category name takes its level, and
/// the other names fill the levels after it; the last name is the 三级指标.
fn place_names<'c>(names: &'c [Cell], header: &Header) -> Placement<'c> {
    let mut placement = Placement::default();
    let regular = {
        let mut last = None;
        let mut ok = true;
        for cell in names {
            match header.slot_of(cell.column) {
                Position::Slot(level) => {
                    let fits = vocabulary_levels(&cell.text).is_none_or(|ls| ls.contains(&level));
                    ok &= fits && last.is_none_or(|l| l < level);
                    last = Some(level);
                }
                Position::After => ok &= last == Some(Level::Three),
                Position::Before => ok = false,
            }
        }
        ok
    };
    if regular {
        for cell in names {
            match header.slot_of(cell.column) {
                Position::Slot(level) => placement.set(level, &cell.text),
                _ => placement.extras.push(cell.text.to_string()),
            }
        }
        return placement;
    }
    // Displaced: known categories by what they are, the rest in order after them.
    let mut assigned: Vec<(usize, Level)> = Vec::new();
    for (i, cell) in names.iter().enumerate() {
        if let Some(levels) = vocabulary_levels(&cell.text) {
            let level = if levels.len() == 1 {
                levels[0]
            } else {
                // 成本指标: a 一级指标 only when a 二级指标 follows it.
                let next_is_level2 = names
                    .get(i + 1)
                    .and_then(|n| vocabulary_levels(&n.text))
                    .is_some_and(|ls| ls == [Level::Two]);
                if next_is_level2 {
                    Level::One
                } else {
                    Level::Two
                }
            };
            assigned.push((i, level));
        }
    }
    let unknown: Vec<usize> = (0..names.len())
        .filter(|i| !assigned.iter().any(|(j, _)| j == i))
        .collect();
    let highest = assigned.iter().map(|(_, l)| *l).max();
    let free: Vec<Level> = match highest {
        Some(Level::One) => vec![Level::Two, Level::Three],
        Some(Level::Two) => vec![Level::Three],
        Some(Level::Three) => vec![],
        None => {
            let all = [Level::One, Level::Two, Level::Three];
            all[3usize.saturating_sub(unknown.len())..].to_vec()
        }
    };
    for (k, &i) in unknown.iter().enumerate() {
        match free.get(k) {
            Some(&level) => assigned.push((i, level)),
            None => placement.extras.push(names[i].text.to_string()),
        }
    }
    assigned.sort();
    for (i, level) in assigned {
        let cell = &names[i];
        if header.slot_of(cell.column) != Position::Slot(level) {
            placement
                .moved
                .push((cell.text.to_string(), cell.column, level));
        }
        placement.set(level, &cell.text);
    }
    placement
}

/// A row being built, before ids and inferred deadlines.
#[derive(Debug)]
struct RowDraft {
    level1: Name,
    level2: Name,
    name: String,
    target: Target,
    deadline: Option<Deadline>,
    source: Provenance,
}

/// A category row waiting to learn whether indicators follow it.
#[derive(Debug)]
struct PendingCategory {
    level1: String,
    level2: Option<String>,
    source: Provenance,
}

/// One indicator table (a unit's 表16 or a project's 表17).
#[derive(Debug, Default)]
struct Table {
    header: Option<Header>,
    rows: Vec<RowDraft>,
    empty_categories: Vec<Category>,
    level1: Option<Name>,
    level2: Option<Name>,
    pending: Option<PendingCategory>,
}

#[derive(Debug, Default)]
struct UnitDraft {
    code: String,
    name: String,
    goal: Option<String>,
    budget_lines: Vec<BudgetLine>,
    table: Table,
    source: Option<Provenance>,
}

#[derive(Debug, Default)]
struct ProjectDraft {
    name: String,
    unit_name: Option<String>,
    budget: Option<Decimal>,
    goal: Option<String>,
    table: Table,
    source: Option<Provenance>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Outside,
    UnitHead,
    UnitBudget,
    Project,
}

enum Owner {
    Unit,
    Project,
}

struct Reader<'a> {
    file: &'a str,
    department_name: Option<String>,
    /// Whether the title is read here: only where the text begins.
    titled: bool,
    title_lines: Vec<String>,
    units: Vec<UnitDraft>,
    projects: Vec<ProjectDraft>,
    section: Section,
    owner: Option<Owner>,
    notes: Vec<Note>,
    accounting: Accounting,
    /// The category names read so far, shared by the rows under them.
    names: Names,
}

impl<'a> Reader<'a> {
    fn new(file: &'a str, titled: bool) -> Self {
        Reader {
            file,
            department_name: None,
            titled,
            title_lines: Vec::new(),
            units: Vec::new(),
            projects: Vec::new(),
            section: Section::Outside,
            owner: None,
            notes: Vec::new(),
            accounting: Accounting::default(),
            names: Names::default(),
        }
    }

    /// Reads the lines of `text[from..until]`, whose first line is line `line`.
    fn lines(&mut self, text: &str, from: usize, until: usize, line: usize) -> Result<()> {
        for (index, raw) in crate::text::lines_inclusive(&text[from..until]).enumerate() {
            let start = raw.as_ptr() as usize - text.as_ptr() as usize;
            let line_text = raw.trim_end_matches(['\n', '\r']);
            self.line(&Line {
                number: u32::try_from(line + index).unwrap_or(u32::MAX),
                start,
                end: start + line_text.len(),
                text: line_text,
            })?;
        }
        Ok(())
    }

    /// Adds the next part of the text, read apart and closed (its projects, when moved out
    /// first, are joined by the caller).
    fn append(&mut self, part: Reader) {
        if self.department_name.is_none() {
            self.department_name = part.department_name;
        }
        self.units.extend(part.units);
        self.projects.extend(part.projects);
        self.notes.extend(part.notes);
        self.accounting.add(&part.accounting);
        self.section = part.section;
        self.owner = part.owner;
    }

    fn note(&mut self, line: u32, severity: Severity, code: &'static str, message: String) {
        self.notes.push(Note {
            line,
            severity,
            code,
            message,
        });
    }

    fn table(&mut self) -> Option<&mut Table> {
        match self.owner {
            Some(Owner::Unit) => self.units.last_mut().map(|u| &mut u.table),
            Some(Owner::Project) => self.projects.last_mut().map(|p| &mut p.table),
            None => None,
        }
    }

    fn line(&mut self, line: &Line<'_>) -> Result<()> {
        let cells = cells(line.text);
        let Some(first) = cells.first() else {
            return Ok(());
        };
        if self.titled && self.title_lines.len() < TITLE_LINES && !line.text.contains('\t') {
            self.title_lines.push(first.text.to_string());
        }
        if furniture_at_sight(&first.text) {
            return Ok(());
        }
        let key = line_key(&first.text);
        if is_page_furniture(&key) {
            return Ok(());
        }
        match &*key {
            "部门(单位)名称" => return self.start_unit(line, &cells),
            "项目(政策)名称" => return self.start_project(line, &cells),
            _ => {}
        }
        if !line.text.contains('\t') {
            // Prose or another table's title: the target tables end here.
            self.close_table();
            self.section = Section::Outside;
            self.accounting.other_lines += 1;
            return Ok(());
        }
        match self.section {
            Section::Outside => {
                self.accounting.other_lines += 1;
                Ok(())
            }
            Section::UnitHead | Section::UnitBudget => self.unit_line(line, &key, &cells),
            Section::Project => self.project_line(line, &key, &cells),
        }
    }

    fn start_unit(&mut self, line: &Line<'_>, cells: &[Cell]) -> Result<()> {
        self.close_table();
        let label = cells.get(1).map(|c| c.text.as_ref()).unwrap_or_default();
        let code: String = label.chars().take_while(char::is_ascii_digit).collect();
        let mut name = label[code.len()..].to_owned();
        // `558001沈阳市工业和信息化局本级-210100000`: the trailing region code is not the name.
        if let Some((head, tail)) = name.rsplit_once('-')
            && !tail.is_empty()
            && tail.chars().all(|c| c.is_ascii_digit())
        {
            name = head.to_owned();
        }
        if code.is_empty() {
            self.note(
                line.number,
                Severity::Warning,
                "unit-code",
                format!("unit `{label}` has no code; one is derived from its name"),
            );
        }
        self.units.push(UnitDraft {
            code,
            name: name.trim().to_owned(),
            source: Some(line.provenance()),
            ..UnitDraft::default()
        });
        self.owner = Some(Owner::Unit);
        self.section = Section::UnitHead;
        Ok(())
    }

    fn start_project(&mut self, line: &Line<'_>, cells: &[Cell]) -> Result<()> {
        self.close_table();
        let name = cells.get(1).map(|c| c.text.to_string()).unwrap_or_default();
        if cells.get(1).is_some_and(|c| c.joined_wrap) {
            self.note(
                line.number,
                Severity::Note,
                "joined-wrap",
                format!("project name broken by a line wrap, read as `{name}`"),
            );
        }
        if name.is_empty() {
            return Err(LocatedError::line(
                self.file,
                line.number as usize,
                line.text,
                "expected a project name after 项目(政策)名称, found an empty cell",
            )
            .into());
        }
        self.projects.push(ProjectDraft {
            name,
            source: Some(line.provenance()),
            ..ProjectDraft::default()
        });
        self.owner = Some(Owner::Project);
        self.section = Section::Project;
        Ok(())
    }

    fn unit_line(&mut self, line: &Line<'_>, key: &str, cells: &[Cell]) -> Result<()> {
        match key {
            "年度主要任务" => {
                self.section = Section::UnitBudget;
                return Ok(());
            }
            "年度绩效目标" => {
                let goal = cells.get(1).map(|c| c.text.to_string());
                if let Some(unit) = self.units.last_mut() {
                    unit.goal = goal;
                }
                self.section = Section::UnitHead;
                return Ok(());
            }
            "年度绩效指标" => return self.header(line, cells),
            _ => {}
        }
        let has_header = self.units.last().is_some_and(|u| u.table.header.is_some());
        if has_header {
            return self.indicator_row(line, cells);
        }
        if self.section == Section::UnitBudget {
            let amount = cells.iter().rev().find_map(|c| amount(&c.text));
            match amount {
                Some(amount) if cells.len() >= 2 => {
                    let name = cells[0].text.to_string();
                    if let Some(unit) = self.units.last_mut() {
                        unit.budget_lines.push(BudgetLine { name, amount });
                    }
                }
                _ => self.note(
                    line.number,
                    Severity::Warning,
                    "budget-line",
                    "a 年度主要任务 row without an amount; not read".to_owned(),
                ),
            }
            return Ok(());
        }
        self.accounting.other_lines += 1;
        Ok(())
    }

    fn project_line(&mut self, line: &Line<'_>, key: &str, cells: &[Cell]) -> Result<()> {
        let next = |i: usize| cells.get(i).map(|c| c.text.to_string());
        match key {
            "主管部门" => {
                let department = next(1);
                let unit = cells
                    .iter()
                    .position(|c| match_key(&c.text) == "实施单位")
                    .and_then(|i| next(i + 1));
                if self.department_name.is_none() {
                    self.department_name = department;
                }
                if let Some(project) = self.projects.last_mut() {
                    project.unit_name = unit;
                }
                Ok(())
            }
            "预算资金情况" => {
                let budget = cells.iter().skip(1).find_map(|c| amount(&c.text));
                if budget.is_none() {
                    self.note(
                        line.number,
                        Severity::Warning,
                        "budget",
                        "预算资金情况 has no amount".to_owned(),
                    );
                }
                if let Some(project) = self.projects.last_mut() {
                    project.budget = budget;
                }
                Ok(())
            }
            "总体目标" => {
                if let Some(project) = self.projects.last_mut() {
                    project.goal = next(1);
                }
                Ok(())
            }
            "绩效指标" => self.header(line, cells),
            _ if self
                .projects
                .last()
                .is_some_and(|p| p.table.header.is_some()) =>
            {
                self.indicator_row(line, cells)
            }
            _ => {
                self.accounting.other_lines += 1;
                Ok(())
            }
        }
    }

    fn header(&mut self, line: &Line<'_>, cells: &[Cell]) -> Result<()> {
        let header = Header::read(cells).ok_or_else(|| {
            LocatedError::line(
                self.file,
                line.number as usize,
                line.text,
                "expected the header of an indicator table (一级指标, 二级指标, 三级指标, 指标值 …), found other columns",
            )
        })?;
        if let Some(table) = self.table() {
            table.header = Some(header);
        }
        Ok(())
    }

    fn indicator_row(&mut self, line: &Line<'_>, cells: &[Cell]) -> Result<()> {
        let Some(header) = self.table().and_then(|t| t.header) else {
            return Ok(());
        };
        self.accounting.rows_seen += 1;
        // The row is read in slices of its cells: copied, a province's million rows each
        // copied their cells twice more.
        let mut cells = cells;
        let deadline = cells.last().and_then(|c| parse_deadline(&c.text));
        if deadline.is_some() {
            cells = &cells[..cells.len() - 1];
        }
        let operator_at = cells
            .iter()
            .enumerate()
            .skip(1)
            .rev()
            .find(|(_, c)| parse_operator(&c.text).is_some())
            .map(|(i, _)| i);
        let (names, target_cells): (&[Cell], &[Cell]) = match operator_at {
            Some(at) => cells.split_at(at),
            None => match cells.last() {
                Some(last)
                    if cells.len() >= 2
                        && (deadline.is_some() || last.column >= header.target_start()) =>
                {
                    let split = if cells.len() >= 3
                        && crate::model::Measure::known(&last.text).is_some()
                        && is_bare_quantity(&cells[cells.len() - 2].text)
                    {
                        cells.len() - 2
                    } else {
                        cells.len() - 1
                    };
                    cells.split_at(split)
                }
                _ => (cells, &[]),
            },
        };

        if names.iter().any(|c| is_leftover_cell(&c.text))
            || target_cells.iter().any(|c| is_leftover_cell(&c.text))
        {
            self.accounting.count(SetAside::TemplateLeftover);
            self.note(
                line.number,
                Severity::Warning,
                "template-row",
                "template text left in the table (指标1:, ……); not an indicator".to_owned(),
            );
            return Ok(());
        }

        if target_cells.is_empty() && deadline.is_none() {
            let categories = names.iter().all(|c| {
                category_level(&c.text).is_some()
                    || matches!(
                        header.slot_of(c.column),
                        Position::Slot(Level::One | Level::Two)
                    )
            });
            if categories {
                return self.category_row(line, names, &header);
            }
        }
        if target_cells.is_empty() || names.is_empty() {
            self.accounting.count(SetAside::NoTarget);
            let what = if names.is_empty() {
                "names"
            } else {
                "a target value"
            };
            self.note(
                line.number,
                Severity::Warning,
                "no-target",
                format!("a row without {what}; not an indicator"),
            );
            return Ok(());
        }

        for cell in names.iter().filter(|c| c.joined_wrap) {
            self.note(
                line.number,
                Severity::Note,
                "joined-wrap",
                format!("name broken by a line wrap, read as `{}`", cell.text),
            );
        }
        let placement = place_names(names, &header);
        for (text, column, level) in &placement.moved {
            self.note(
                line.number,
                Severity::Note,
                "shifted-cell",
                format!(
                    "`{text}` stands in column {} and is read as {} by what it is",
                    column + 1,
                    level.label()
                ),
            );
        }
        for extra in &placement.extras {
            self.note(
                line.number,
                Severity::Warning,
                "extra-cell",
                format!("an extra name cell `{extra}` beyond the 三级指标 is ignored"),
            );
        }

        let (op_text, value_cell, unit_text, rest) = match operator_at {
            Some(_) => (
                target_cells[0].text.as_ref(),
                target_cells.get(1),
                target_cells.get(2).map(|c| c.text.as_ref()),
                target_cells.get(3..).unwrap_or_default(),
            ),
            None => (
                "",
                target_cells.first(),
                target_cells.get(1).map(|c| c.text.as_ref()),
                target_cells.get(2..).unwrap_or_default(),
            ),
        };
        for cell in rest {
            self.note(
                line.number,
                Severity::Warning,
                "extra-cell",
                format!("an extra cell `{}` after the target is ignored", cell.text),
            );
        }
        let Some(value_cell) = value_cell else {
            self.accounting.count(SetAside::NoTarget);
            self.note(
                line.number,
                Severity::Warning,
                "no-target",
                "an operator without a value; not an indicator".to_owned(),
            );
            return Ok(());
        };
        let parsed = parse_split(op_text, &value_cell.text, unit_text.unwrap_or_default())
            .map_err(|e| {
                let offset = value_cell.offset + e.offset;
                LocatedError::at(
                    self.file,
                    line.number as usize,
                    line.text,
                    offset,
                    value_cell.text.len().saturating_sub(e.offset),
                    e.to_string(),
                )
            })?;
        for note in &parsed.notes {
            self.note(
                line.number,
                Severity::Warning,
                super::target_note_code(note),
                note.to_string(),
            );
        }
        let target = match parsed.cell {
            TargetCell::Target(target) => target,
            TargetCell::Leftover => {
                self.accounting.count(SetAside::TemplateLeftover);
                self.note(
                    line.number,
                    Severity::Warning,
                    "template-row",
                    "template text left in the table (……); not an indicator".to_owned(),
                );
                return Ok(());
            }
        };
        if matches!(target, Target::NotApplicable) {
            self.note(
                line.number,
                Severity::Note,
                "not-applicable",
                "a row marked not applicable (不适用): kept, and it carries no weight (scoring.md S3)".to_owned(),
            );
        }
        self.indicator(line, placement, target, deadline);
        Ok(())
    }

    /// Resolves names against the rows above and records the indicator.
    fn indicator(
        &mut self,
        line: &Line<'_>,
        placement: Placement,
        target: Target,
        deadline: Option<Deadline>,
    ) {
        let mut notes = Vec::new();
        let placed1 = placement.level1.map(|t| self.names.name(t));
        let placed2 = placement.level2.map(|t| self.names.name(t));
        let Some(table) = self.table() else { return };
        let new_level1 = placed1.is_some();
        let level1 = placed1.or_else(|| table.level1.clone());
        let level2 = placed2.or_else(|| {
            if new_level1 {
                None
            } else {
                table.level2.clone()
            }
        });
        let level1 = level1.unwrap_or_else(|| {
            notes.push((
                Severity::Warning,
                "missing-category",
                "no 一级指标 on this row or above it".to_owned(),
            ));
            Name::from("")
        });
        let (level2, name) = match (level2, placement.name) {
            (Some(l2), Some(name)) => (l2, name.to_owned()),
            (Some(l2), None) => {
                notes.push((
                    Severity::Warning,
                    "missing-name",
                    format!("no 三级指标; the row takes its 二级指标 `{l2}` as its name"),
                ));
                let name = l2.to_string();
                (l2, name)
            }
            (None, Some(name)) => {
                notes.push((
                    Severity::Warning,
                    "missing-category",
                    format!("no 二级指标 on this row or above it; `{level1}` stands for it"),
                ));
                (level1.clone(), name.to_owned())
            }
            (None, None) => {
                notes.push((
                    Severity::Warning,
                    "missing-name",
                    format!(
                        "only the 一级指标 `{level1}` is given; it stands for the 二级 and 三级指标"
                    ),
                ));
                (level1.clone(), level1.to_string())
            }
        };
        let falls_under = |p: &PendingCategory| {
            p.level1 == level1 && p.level2.as_ref().is_none_or(|l2| *l2 == level2)
        };
        let resolved = table.pending.take().map(|p| (falls_under(&p), p));
        table.level1 = Some(level1.clone());
        table.level2 = Some(level2.clone());
        table.rows.push(RowDraft {
            level1,
            level2,
            name,
            target,
            deadline,
            source: line.provenance(),
        });
        if let Some((heading, pending)) = resolved {
            self.resolve_pending(pending, heading);
        }
        for (severity, code, message) in notes {
            self.note(line.number, severity, code, message);
        }
        self.accounting.indicators += 1;
    }

    fn category_row(&mut self, line: &Line<'_>, names: &[Cell], header: &Header) -> Result<()> {
        let placement = place_names(names, header);
        let placed1 = placement.level1.map(|t| self.names.name(t));
        // A lone name in the 三级指标 column would not be a category; placement of category
        // names yields levels one and two only.
        let level2 = placement
            .level2
            .or(placement.name)
            .map(|t| self.names.name(t));
        let Some(table) = self.table() else {
            return Ok(());
        };
        let previous = table.pending.take();
        let new_level1 = placed1.is_some();
        if let Some(level1) = placed1 {
            table.level1 = Some(level1);
        }
        table.level2 = if new_level1 {
            level2.clone()
        } else {
            level2.or(table.level2.take())
        };
        let pending = PendingCategory {
            level1: table.level1.as_deref().unwrap_or_default().to_owned(),
            level2: table.level2.as_deref().map(str::to_owned),
            source: line.provenance(),
        };
        table.pending = Some(pending);
        if let Some(previous) = previous {
            self.resolve_pending(previous, false);
        }
        Ok(())
    }

    /// A category row is a heading when indicators follow under it, else an empty category.
    fn resolve_pending(&mut self, pending: PendingCategory, heading: bool) {
        if heading {
            self.accounting.count(SetAside::CategoryHeading);
            self.note(
                pending.source.line,
                Severity::Note,
                "category-heading",
                "a category name on a row of its own; the rows below it carry it".to_owned(),
            );
            return;
        }
        self.accounting.count(SetAside::EmptyCategory);
        let label = match &pending.level2 {
            Some(l2) => format!("{} / {l2}", pending.level1),
            None => pending.level1.clone(),
        };
        self.note(
            pending.source.line,
            Severity::Warning,
            "empty-category",
            format!("category `{label}` has no indicator under it (scoring.md S2: 指标不完整)"),
        );
        if let Some(table) = self.table() {
            table.empty_categories.push(Category {
                level1: pending.level1,
                level2: pending.level2,
                source: Some(pending.source),
            });
        }
    }

    fn close_table(&mut self) {
        let pending = self.table().and_then(|t| t.pending.take());
        if let Some(pending) = pending {
            self.resolve_pending(pending, false);
        }
        let inferred = self.table().map(infer_deadlines).unwrap_or_default();
        for (line, deadline) in inferred {
            let message = match deadline {
                Some(d) => format!(
                    "no 完成时限; took {d}, the deadline the other rows of this table share"
                ),
                None => "no 完成时限, and the other rows of this table share none".to_owned(),
            };
            self.note(line, Severity::Warning, "missing-deadline", message);
        }
        let uncrossed = self.table().map(uncross_names).unwrap_or_default();
        for (line, other, name) in uncrossed {
            self.note(
                line,
                Severity::Warning,
                "crossed-names",
                format!(
                    "names crossed with line {other} (each row's 三级指标 is the other's 二级指标); the row takes its 二级指标 `{name}` as its name"
                ),
            );
        }
        self.owner = None;
    }

    /// The model of the tables read; a project's indicators are built on up to `jobs` threads.
    fn finish(mut self, jobs: Option<NonZeroUsize>) -> Result<Imported> {
        self.close_table();
        if self.units.is_empty() && self.projects.is_empty() {
            return Err(crate::Error::Input {
                file: self.file.to_owned(),
                message: "expected performance-target tables (表16 部门（单位）整体绩效目标表 or 表17 项目（政策）绩效目标表), found none".to_owned(),
                help: Some("a disclosure names each table with 部门（单位）名称 or 项目(政策)名称 in its first column; a spec starts with `kpi-spec 1`".to_owned()),
            });
        }
        let (name, year) = self.title();
        let mut department = Department {
            name: self.department_name.take().or(name).unwrap_or_default(),
            year,
            units: Vec::new(),
            projects: Vec::new(),
            allow: Default::default(),
        };
        let mut notes = std::mem::take(&mut self.notes);
        let mut ids = IndicatorIds::default();
        for draft in std::mem::take(&mut self.units) {
            let code = if draft.code.is_empty() {
                derived_unit_code(&draft.name)
            } else {
                draft.code
            };
            let indicators = indicators(draft.table.rows, |row| {
                ids.unit(&code, &row.level1, &row.level2, &row.name)
            });
            department.units.push(Unit {
                code,
                name: draft.name,
                goal: draft.goal,
                budget_lines: draft.budget_lines,
                indicators,
                empty_categories: draft.table.empty_categories,
                allow: Default::default(),
                source: draft.source,
            });
        }
        let mut project_ids = IdAllocator::default();
        let mut unit_codes: HashMap<String, String> = HashMap::new();
        for unit in &department.units {
            unit_codes
                .entry(match_key(&unit.name).into_owned())
                .or_insert_with(|| unit.code.clone());
        }
        // Units and project ids depend on the projects before; a project's indicators only on
        // its own rows, and they are built on every core (a province has a million).
        let mut named = Vec::with_capacity(self.projects.len());
        for draft in std::mem::take(&mut self.projects) {
            let unit_code =
                self.unit_code_for(&mut department, &mut unit_codes, &draft, &mut notes);
            let project_id = project_ids.unique(id::project_id(&unit_code, &draft.name));
            named.push((draft, unit_code, project_id));
        }
        department.projects = crate::jobs::map_in_shares(
            named,
            jobs,
            PROJECTS_PER_SHARE,
            IndicatorIds::default,
            |ids, (draft, unit_code, project_id)| {
                let indicators = indicators(draft.table.rows, |row| {
                    ids.project(&project_id, &row.level1, &row.level2, &row.name)
                });
                Project {
                    id: project_id,
                    name: draft.name,
                    unit: unit_code,
                    budget: draft.budget,
                    goal: draft.goal,
                    indicators,
                    empty_categories: draft.table.empty_categories,
                    allow: Default::default(),
                    source: draft.source,
                }
            },
        );
        notes.sort_by_key(|n| n.line);
        Ok(Imported {
            department,
            notes,
            accounting: self.accounting,
            budget_table: None,
            places: None,
        })
    }

    /// The code of the unit a project's 实施单位 names; a unit without 表16 is added.
    fn unit_code_for(
        &self,
        department: &mut Department,
        unit_codes: &mut HashMap<String, String>,
        draft: &ProjectDraft,
        notes: &mut Vec<Note>,
    ) -> String {
        let line = draft.source.map(|s| s.line).unwrap_or_default();
        let Some(unit_name) = &draft.unit_name else {
            notes.push(Note {
                line,
                severity: Severity::Warning,
                code: "unknown-unit",
                message: format!("project `{}` names no 实施单位", draft.name),
            });
            return String::new();
        };
        let key = match_key(unit_name);
        if let Some(code) = unit_codes.get(&*key) {
            return code.clone();
        }
        let code = derived_unit_code(unit_name);
        notes.push(Note {
            line,
            severity: Severity::Warning,
            code: "unknown-unit",
            message: format!(
                "实施单位 `{unit_name}` has no 表16 table; it is given the code {code}"
            ),
        });
        department.units.push(Unit {
            code: code.clone(),
            name: unit_name.clone(),
            ..Unit::default()
        });
        unit_codes.insert(key.into_owned(), code.clone());
        code
    }

    /// The department's name and year from the title lines (`沈阳市工业和信息化局` / `2024 年部门预算`).
    fn title(&self) -> (Option<String>, Option<i32>) {
        for (i, line) in self.title_lines.iter().enumerate() {
            let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            if let Some(year) = compact
                .strip_suffix("年部门预算")
                .and_then(|y| y.parse::<i32>().ok())
            {
                let name = i.checked_sub(1).map(|j| self.title_lines[j].clone());
                return (name, Some(year));
            }
        }
        (None, None)
    }
}

/// The key of a line's first cell as [`Reader::line`] compares it, or `""` when it cannot be one
/// it looks for: an indicator row's name, led by an ideograph none of them starts with and ended
/// by one other than `表`, is not keyed (a fifth of reading a table went there).
fn line_key(first: &str) -> Cow<'_, str> {
    let looked_for =
        |lead| LINE_KEY_LEADS.contains(&lead) || key_end(first).is_none_or(|end| end == '表');
    if key_lead(first).is_some_and(|lead| !looked_for(lead)) {
        return Cow::Borrowed("");
    }
    match_key(first)
}

/// The first characters of the keys [`Reader::line`] looks for: 单位:, 表 (page furniture),
/// 部门(单位)名称, 项目(政策)名称, 年度主要任务 …, 主管部门, 预算资金情况, 总体目标, 绩效指标.
/// Page furniture may also end with `表` (…绩效目标表).
const LINE_KEY_LEADS: [char; 9] = ['单', '表', '部', '项', '年', '主', '预', '总', '绩'];

/// Lines that repeat on every page: table titles, `表 17`, `单位：万元`.
fn is_page_furniture(key: &str) -> bool {
    key.starts_with("单位:")
        || key.ends_with("绩效目标表")
        || key
            .strip_prefix('表')
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// Page furniture as published, told by the first cell as written: a table's title
/// (…绩效目标表), `单位：万元`, `表 17`. Its key is furniture too ([`is_page_furniture`]); keyed,
/// these were a tenth of a page's lines and each had its key copied (full-width, spaced).
fn furniture_at_sight(first: &str) -> bool {
    first.ends_with("绩效目标表")
        || first.starts_with("单位：")
        || first.starts_with("单位:")
        || first.strip_prefix('表').is_some_and(|rest| {
            rest.trim_start_matches(' ')
                .starts_with(|c: char| c.is_ascii_digit())
        })
}

/// An amount in 万元 as published (`3,494.91`).
fn amount(text: &str) -> Option<Decimal> {
    let folded = crate::text::fold(text);
    match number_text(folded.trim()) {
        Ok(("", number)) => decimal(number).ok(),
        _ => None,
    }
}

fn derived_unit_code(name: &str) -> String {
    format!(
        "u{:06x}",
        xxhash_rust::xxh3::xxh3_64(match_key(name).as_bytes()) & 0xff_ffff
    )
}

/// Two neighbouring rows whose names stand crossed — row a (二级 x, 三级 y) above row b (二级 y,
/// 三级 x), as the PDF text of 表16 of 558001 has them (lines 967–968) — are the rows x/x and y/y
/// that the same table of every other unit shows. Returns (line, other line, name taken).
fn uncross_names(table: &mut Table) -> Vec<(u32, u32, String)> {
    let mut fixed = Vec::new();
    for i in 1..table.rows.len() {
        let (before, after) = table.rows.split_at_mut(i);
        let (a, b) = (&mut before[i - 1], &mut after[0]);
        let crossed = a.level1 == b.level1
            && a.level2 != a.name
            && same_key_led(&a.level2, &b.name)
            && same_key_led(&b.level2, &a.name);
        if crossed {
            a.name = a.level2.to_string();
            b.name = b.level2.to_string();
            fixed.push((a.source.line, b.source.line, a.name.clone()));
            fixed.push((b.source.line, a.source.line, b.name.clone()));
        }
    }
    fixed
}

/// Whether `a` and `b` share a key; two names led by different ideographs (nearly every pair of
/// neighbouring rows) are told apart by their leads without keying them.
fn same_key_led(a: &str, b: &str) -> bool {
    let told_apart = key_lead(a).zip(key_lead(b)).is_some_and(|(x, y)| x != y);
    !told_apart && match_key(a) == match_key(b)
}

/// Fills missing deadlines with the one the other rows share most; returns (line, deadline taken).
fn infer_deadlines(table: &mut Table) -> Vec<(u32, Option<Deadline>)> {
    let shared = super::shared_deadline(table.rows.iter().filter_map(|r| r.deadline));
    let mut inferred = Vec::new();
    for row in table.rows.iter_mut().filter(|r| r.deadline.is_none()) {
        row.deadline = shared;
        inferred.push((row.source.line, shared));
    }
    inferred
}

/// A 指标值 cell without an operator before it: a number or a range (`10-15`) and nothing else,
/// so that a name such as `5G基站` is never taken for a value.
fn is_bare_quantity(text: &str) -> bool {
    parse_cell(text).is_ok_and(|parsed| {
        matches!(
            parsed.cell,
            TargetCell::Target(
                Target::Compare { measure: None, .. } | Target::Range { measure: None, .. }
            )
        )
    })
}

/// A table's rows as indicators, each with the id `derive` gives it, made unique in the table.
fn indicators(rows: Vec<RowDraft>, mut derive: impl FnMut(&RowDraft) -> String) -> Vec<Indicator> {
    // A table of a few dozen rows (nearly every one) looks for an id among its indicators so
    // far: a set hashed and copied every id and grew twice a table.
    if rows.len() > SEARCHED_TABLE_ROWS {
        let mut ids = IdAllocator::default();
        return rows
            .into_iter()
            .map(|row| {
                let id = ids.unique(derive(&row));
                indicator(id, row)
            })
            .collect();
    }
    let mut made: Vec<Indicator> = Vec::with_capacity(rows.len());
    for row in rows {
        let id = id::unique_among(derive(&row), |id| made.iter().any(|i| &*i.id == id));
        made.push(indicator(id, row));
    }
    made
}

/// Tables of up to this many rows find their ids' duplicates by searching ([`indicators`]).
const SEARCHED_TABLE_ROWS: usize = 64;

fn indicator(id: String, row: RowDraft) -> Indicator {
    Indicator {
        id: id.into(),
        level1: row.level1,
        level2: row.level2,
        name: row.name.into(),
        target: row.target,
        deadline: row.deadline,
        direction: None,
        weight: None,
        allow: Default::default(),
        source: Some(row.source),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What reading `text` in one piece gives, as text to compare.
    fn whole(text: &str) -> String {
        let mut reader = Reader::new("d.txt", true);
        reader
            .lines(text, 0, text.len(), 1)
            .expect("the text reads");
        format!("{:#?}", reader.finish(None).expect("the text has tables"))
    }

    fn in_parts(text: &str, starts: &[usize]) -> String {
        let reader =
            read_in_parts("d.txt", text, starts, NonZeroUsize::new(2)).expect("the parts read");
        format!("{:#?}", reader.finish(None).expect("the text has tables"))
    }

    /// Every line of the text where a project's table starts.
    fn project_lines(text: &str) -> Vec<usize> {
        text.split_inclusive('\n')
            .scan(0, |at, line| {
                let start = *at;
                *at += line.len();
                Some((start, line))
            })
            .filter(|(_, line)| starts_a_project(line.trim_end_matches('\n')))
            .map(|(start, _)| start)
            .collect()
    }

    #[test]
    fn the_seed_split_before_any_project_reads_as_in_one_piece() {
        let seed = crate::embedded::DISCLOSURE;
        let starts = project_lines(seed);
        assert_eq!(starts.len(), 57);
        let expected = whole(seed);
        for (at, &start) in starts.iter().enumerate() {
            assert_eq!(
                in_parts(seed, &[0, start]),
                expected,
                "split at byte {start}"
            );
            if let Some(&next) = starts.get(at + 5) {
                assert_eq!(
                    in_parts(seed, &[0, start, next]),
                    expected,
                    "{start}, {next}"
                );
            }
        }
    }

    #[test]
    fn a_generated_disclosure_read_in_four_parts_is_the_same() {
        let model = crate::generate::department(&crate::generate::Options::new(60, 5));
        let mut text = Vec::new();
        crate::generate::disclosure_text(&model, &mut text).expect("writing into memory");
        let text = String::from_utf8(text).expect("UTF-8");
        let starts = crate::jobs::part_starts(&text, 0, 4, starts_a_project);
        assert_eq!(starts.len(), 4, "{starts:?}");
        assert_eq!(in_parts(&text, &starts), whole(&text));
    }

    #[test]
    fn a_part_in_error_is_read_again_in_one_piece() {
        let seed = crate::embedded::DISCLOSURE;
        let starts = project_lines(seed);
        // A project without a name in the second part.
        let broken = format!("{seed}\n项目(政策)名称\t\n");
        assert!(read_in_parts("d.txt", &broken, &[0, starts[30]], NonZeroUsize::new(2)).is_none());
        // Read in parts of a byte on two threads, it is read again in one piece.
        let read = import_in_parts_of("d.txt", &broken, NonZeroUsize::new(2), 1);
        let whole = import_in_parts_of("d.txt", &broken, NonZeroUsize::new(1), 1);
        assert!(read.is_err());
        assert_eq!(format!("{read:?}"), format!("{whole:?}"));
    }

    fn row(line: &str) -> Vec<Cell<'_>> {
        cells(line)
    }

    /// The cells of `line` split at tabs and each tidied by `clean_cell`, as `cells` has them.
    fn cells_one_by_one(line: &str) -> Vec<Cell<'_>> {
        let mut offset = 0;
        let mut out = Vec::new();
        for (column, raw) in line.split('\t').enumerate() {
            let cleaned = clean_cell(raw);
            if !cleaned.text.is_empty() {
                out.push(Cell {
                    column,
                    offset: offset + raw.len() - trim_start(raw).len(),
                    text: cleaned.text,
                    joined_wrap: cleaned.joined_wrap,
                });
            }
            offset += raw.len() + 1;
        }
        out
    }

    proptest::proptest! {
        /// Found in one pass, the cells are those each tab-separated piece tidied gives: with
        /// white space of every lead byte (ASCII blanks; U+0085 and U+00A0; U+1680; U+2000,
        /// U+2003, U+200A, U+2028, U+2029, U+202F, U+205F; U+3000) and characters that share
        /// those lead bytes (`©`, `Ḁ`, `“…—`, `ー`); characters of two and four bytes (`é`, `þ`,
        /// an emoji, an ideograph beyond the BMP), which the split steps over whole.
        #[test]
        fn cells_are_the_tidied_pieces_between_tabs(
            line in "[\t\t a-z0-9中文产出、\u{b}\u{1f600}\u{20000}\u{e9}\u{fe}\u{c}\u{85}\u{a0}\u{a9}\u{1680}\u{1e00}\u{2000}\u{2003}\u{200a}\u{2014}\u{201c}\u{2026}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{30fc}\r]{0,40}",
        ) {
            proptest::prop_assert_eq!(cells(&line), cells_one_by_one(&line));
        }
    }

    fn header() -> Header {
        Header::read(&cells(
            "绩效指标\t一级指标\t二级指标\t三级指标\t运算符号\t指标值\t度量单位\t完成时限",
        ))
        .unwrap()
    }

    #[test]
    fn regular_rows_are_read_by_position() {
        let cells = row("\t产出指标\t数量指标\t组织活动次数\t>=\t1\t次\t2024-12");
        let p = place_names(&cells[..3], &header());
        assert_eq!(p.level1, Some("产出指标"));
        assert_eq!(p.level2, Some("数量指标"));
        assert_eq!(p.name, Some("组织活动次数"));
        assert!(p.moved.is_empty());
    }

    #[test]
    fn a_level2_in_the_first_column_is_placed_by_what_it_is() {
        // 表16 line 987.
        let cells = row("创新驱动发展\t\t保障政策的持续性\t\t保障持续\t\t2024-12\t");
        let p = place_names(&cells[..2], &header());
        assert_eq!(p.level1, None);
        assert_eq!(p.level2, Some("创新驱动发展"));
        assert_eq!(p.name, Some("保障政策的持续性"));
        assert_eq!(p.moved.len(), 2);
    }

    #[test]
    fn known_categories_in_wrong_columns() {
        // 表17 line 1406: 效益指标 in the 二级指标 column.
        let cells = row("\t\t效益指标\t社会效益指标\t产品创新、替代进口程度提升\t\t提升\t");
        let p = place_names(&cells[..3], &header());
        assert_eq!(p.level1, Some("效益指标"));
        assert_eq!(p.level2, Some("社会效益指标"));
        assert_eq!(p.name, Some("产品创新、替代进口程度提升"));
        // 表17 line 1310: 时效指标 in the 三级指标 column.
        let cells = row("\t\t\t时效指标\t资金拨付及时率\t=\t100\t%");
        let p = place_names(&cells[..2], &header());
        assert_eq!(p.level2, Some("时效指标"));
        assert_eq!(p.name, Some("资金拨付及时率"));
    }

    #[test]
    fn an_extra_cell_beyond_the_level3_column_is_not_a_name() {
        // 表16 line 964.
        let cells = row("\t\t整体工作完成情况\t工作完成及时率\t工作质量达标率\t=\t100\t%\t2024-12");
        let p = place_names(&cells[..3], &header());
        assert_eq!(p.level2, Some("整体工作完成情况"));
        assert_eq!(p.name, Some("工作完成及时率"));
        assert_eq!(p.extras, vec!["工作质量达标率".to_owned()]);
    }

    #[test]
    fn a_range_without_an_operator_is_a_target_in_split_columns() {
        let row = "\t产出指标\t数量指标\t组织活动次数\t>=\t1\t次\t2024-12\t";
        assert!(crate::embedded::DISCLOSURE.contains(row));
        for (value, expected) in [("10-15", "10~15 次"), ("12", "= 12 次")] {
            let edited = row.replace(">=\t1", &format!("\t{value}"));
            let text = crate::embedded::DISCLOSURE.replace(row, &edited);
            let imported = import("d.txt", &text, None).unwrap();
            let indicator = imported
                .department
                .projects
                .iter()
                .flat_map(|p| &p.indicators)
                .find(|i| &*i.name == "组织活动次数")
                .unwrap();
            assert_eq!(indicator.target.to_string(), expected, "{value}");
        }
        // A name that starts with a number stays a name.
        assert!(!is_bare_quantity("5G基站"));
        assert!(!is_bare_quantity("2023-2025"));
        assert!(is_bare_quantity("10～15"));
    }

    /// Every key [`Reader::line`], `unit_line` and `project_line` compare a first cell's key with.
    const LINE_KEYS: [&str; 9] = [
        "部门(单位)名称",
        "项目(政策)名称",
        "年度主要任务",
        "年度绩效目标",
        "年度绩效指标",
        "主管部门",
        "预算资金情况",
        "总体目标",
        "绩效指标",
    ];

    #[test]
    fn the_keys_looked_for_start_with_their_leads() {
        for key in LINE_KEYS
            .iter()
            .chain(&["单位:", "表17", "部门预算项目(政策)绩效目标表"])
        {
            let lead = key.chars().next().expect("a key");
            assert!(LINE_KEY_LEADS.contains(&lead), "{key}");
        }
    }

    proptest::proptest! {
        /// A first cell left unkeyed is none of the keys looked for and no page furniture, as
        /// its key says: keys with other text around them, in other widths and broken by spaces.
        #[test]
        fn line_keys_find_what_match_keys_find(
            before in "[产出单表年总\u{2f00}\u{f900}a ]{0,2}",
            key in proptest::sample::select(LINE_KEYS.to_vec()),
            after in "[指标表率 a（）:：\u{3099}]{0,2}",
            other in "[\u{4e00}-\u{4e10}单表部项年主预总绩效目标名称（）() :：\u{2f00}-\u{2f10}\u{f900}1]{0,8}",
        ) {
            let spaced = key.replace('(', "（").replacen('位', "位 ", 1);
            for text in [format!("{before}{key}{after}"), format!("{before}{spaced}"), other] {
                let (fast, slow) = (line_key(&text), match_key(&text));
                proptest::prop_assert!(fast == slow || fast.is_empty(), "{text}");
                for key in LINE_KEYS {
                    proptest::prop_assert_eq!(fast == key, slow == key, "{}", text);
                }
                proptest::prop_assert_eq!(is_page_furniture(&fast), is_page_furniture(&slow));
            }
        }
    }

    proptest::proptest! {
        /// Names told apart by their leads have different keys.
        #[test]
        fn names_led_apart_have_different_keys(
            a in "[\u{4e00}-\u{4e03}a \u{2f00}\u{f900}（(][\u{4e00}-\u{4e03}a \u{3099}（(]{0,3}",
            b in "[\u{4e00}-\u{4e03}a \u{2f00}\u{f900}（(][\u{4e00}-\u{4e03}a \u{3099}（(]{0,3}",
        ) {
            proptest::prop_assert_eq!(same_key_led(&a, &b), match_key(&a) == match_key(&b));
        }
    }

    proptest::proptest! {
        /// What is furniture at sight is furniture by the key [`Reader::line`] makes (`line_key`):
        /// titles, units and table numbers with other text, spaces, widths and marks around them.
        #[test]
        fn furniture_at_sight_is_furniture_by_key(
            head in "(单位：|单位:|单位|表 {0,2}|　表|)",
            middle in "[1１ 　a表单位：:（）\u{338}\u{3099}\u{301}]{0,4}",
            tail in "(绩效目标表|目标表|)",
        ) {
            let text = format!("{head}{middle}{tail}");
            if furniture_at_sight(&text) {
                proptest::prop_assert!(is_page_furniture(&line_key(&text)), "{}", text);
            }
        }
    }

    #[test]
    fn page_furniture_is_recognised() {
        for line in [
            "表 17",
            "表17",
            "单位：万元",
            "部门预算项目（政策）绩效目标表",
        ] {
            assert!(furniture_at_sight(line), "{line}");
        }
        for line in [
            "表 17",
            "表17",
            "单位：万元",
            "部门预算项目（政策）绩效目标表",
        ] {
            assert!(is_page_furniture(&match_key(line)), "{line}");
        }
        assert!(!is_page_furniture(&match_key("绩效指标")));
    }
}
