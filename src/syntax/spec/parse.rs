//! Spec text → model. Errors carry file, line, column, what was expected and what was found.

use hashbrown::HashSet;
use std::borrow::Cow;
use std::num::NonZeroUsize;

use nom::Parser;
use nom::character::complete::space0;
use nom::sequence::terminated;
use rust_decimal::Decimal;

use super::MAGIC;
use crate::error::LocatedError;
use crate::model::id::{self, IdAllocator};
use crate::model::{
    BudgetLine, Category, Department, Direction, Indicator, Measure, Name, Names, Project,
    Provenance, Target, Unit,
};
use crate::syntax::target::{
    decimal, describe_found, number_text, operator, parse_deadline, raw_offset,
};
use crate::text::{fold, trim, trim_start};

/// Something a spec says that deserves a warning (an unknown unit), with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecNote {
    pub line: u32,
    pub code: &'static str,
    pub message: String,
}

/// Whether `text` is a spec: its first statement is `kpi-spec`.
pub fn looks_like_spec(text: &str) -> bool {
    // The first line with more than a comment decides, by its first word; only a line that
    // starts with a keyword is read whole (a JSON model written on one line is a quarter of a
    // gigabyte, and starts with `{`).
    let Some(line) = text
        .trim_start_matches('\u{feff}')
        .lines()
        .find(|l| !trim_start(l).is_empty() && !trim_start(l).starts_with('#'))
    else {
        return false;
    };
    // A comment starts after white space, so it never cuts the first word.
    let keyword = matches!(
        line.split_whitespace().next(),
        Some("kpi-spec" | "department" | "year" | "unit" | "project")
    );
    // A file that starts like a spec is read as one, so a missing `kpi-spec 1` is reported as
    // such rather than read as a disclosure with no tables.
    keyword && !strip_comment(line).trim().contains('\t')
}

/// The first line as the parser reads lines: every `\r` before its `\n` is dropped.
fn first_line(text: &str) -> &str {
    text.split('\n')
        .next()
        .unwrap_or_default()
        .trim_end_matches('\r')
}

/// Reads a spec. `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<(Department, Vec<SpecNote>), Box<LocatedError>> {
    parse_with_jobs(file, text, None)
}

/// [`parse`] on at most `jobs` threads (one per core, at most 8, when none is given); the model is the
/// same whatever the number.
pub fn parse_with_jobs(
    file: &str,
    text: &str,
    jobs: Option<NonZeroUsize>,
) -> Result<(Department, Vec<SpecNote>), Box<LocatedError>> {
    parse_in_parts_of(file, text, jobs, crate::jobs::PART_BYTES)
}

fn parse_in_parts_of(
    file: &str,
    text: &str,
    jobs: Option<NonZeroUsize>,
    part_bytes: usize,
) -> Result<(Department, Vec<SpecNote>), Box<LocatedError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let parts = crate::jobs::parts_for(jobs, text.len(), part_bytes);
    if parts > 1
        && let Some(parsed) = parse_in_parts(file, text, parts, jobs)
    {
        return Ok(parsed);
    }
    parse_whole(file, text)
}

/// Reads the spec on one thread, line after line.
fn parse_whole(file: &str, text: &str) -> Result<(Department, Vec<SpecNote>), Box<LocatedError>> {
    let mut parser = SpecParser::new(file, false);
    parser.lines(text, 0, text.len(), 1)?;
    parser.finish(text)
}

/// Reads `text` in `parts` parts on up to `jobs` threads, each part starting at a `project`
/// statement, and joins them in order. `None` when one reading must say what the spec holds: a
/// part in error, an id written twice, or a `department` or `year` statement after the first
/// part.
fn parse_in_parts(
    file: &str,
    text: &str,
    parts: usize,
    jobs: Option<NonZeroUsize>,
) -> Option<(Department, Vec<SpecNote>)> {
    let starts = crate::jobs::part_starts(text, 0, parts, is_project_statement);
    if starts.len() < 2 {
        return None;
    }
    let hasher = hashbrown::DefaultHashBuilder::default();
    // Only the first part holds `kpi-spec 1`.
    let parsers = starts
        .iter()
        .map(|&start| SpecParser::with_ids(file, start > 0, ExplicitIds::parted(&hasher)))
        .collect();
    let parsed = crate::jobs::in_parts(parsers, text, &starts, jobs, |mut parser, part| {
        let read = parser.lines(text, part.start, part.end, part.line);
        read.ok().map(|()| parser)
    });
    let mut parsed: Vec<SpecParser> = parsed.into_iter().collect::<Option<_>>()?;
    if !ExplicitIds::unique_in(&parsed, jobs) {
        return None;
    }
    let rest = parsed.split_off(1);
    let mut joined = parsed.pop()?;
    joined.append(rest, jobs)?;
    joined.finish(text).ok()
}

/// Whether `line` is a `project` statement, which closes what the lines before it opened.
fn is_project_statement(line: &str) -> bool {
    trim_start(line)
        .strip_prefix("project")
        .is_some_and(|rest| rest.starts_with([' ', '\t']))
}

/// A `#` comment starts at the line start or after white space, outside strings.
fn strip_comment(line: &str) -> &str {
    if memchr::memchr(b'#', line.as_bytes()).is_none() {
        return line;
    }
    let mut in_string = false;
    let mut escaped = false;
    let mut previous_space = true;
    for (i, c) in line.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '#' && previous_space {
            return &line[..i];
        }
        previous_space = c.is_whitespace();
    }
    line
}

#[derive(Debug, Clone, Copy)]
enum Block {
    None,
    Unit(usize),
    Project(usize),
}

struct OpenCategory {
    level1: Name,
    level2: Option<Name>,
    used: bool,
    source: Provenance,
}

struct SpecParser<'a> {
    file: &'a str,
    department: Department,
    block: Block,
    category: Option<OpenCategory>,
    notes: Vec<SpecNote>,
    seen_magic: bool,
    /// Set by a `department` or `year` statement.
    named: bool,
    /// Ids written in the spec, borrowed from its text.
    explicit_ids: ExplicitIds<'a>,
    /// Those of the parts appended to this one.
    appended_ids: Vec<ExplicitIds<'a>>,
    /// (block, indicator index) of indicators written without an id.
    pending_ids: Vec<(Block, usize)>,
    /// The categories' names, each held once for all the indicators under them.
    names: Names,
}

/// A position inside one line, for reading a statement token by token.
struct Cursor<'a> {
    file: &'a str,
    number: usize,
    /// The whole line, as errors show it.
    line: &'a str,
    /// The line without its comment: a prefix of `line`, so offsets into it are offsets into `line`.
    body: &'a str,
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn offset(&self) -> usize {
        self.body.len() - self.rest.len()
    }

    fn error(&self, expected: &str) -> Box<LocatedError> {
        let token = self.rest.split_whitespace().next().unwrap_or_default();
        LocatedError::at(
            self.file,
            self.number,
            self.line,
            self.offset(),
            token.len(),
            format!("expected {expected}, found {}", describe_found(token)),
        )
    }

    fn skip_space(&mut self) {
        self.rest = trim_start(self.rest);
    }

    fn at_end(&self) -> bool {
        trim(self.rest).is_empty()
    }

    fn end(&mut self) -> Result<(), Box<LocatedError>> {
        if self.at_end() {
            Ok(())
        } else {
            self.skip_space();
            Err(self.error("the end of the statement"))
        }
    }

    /// A run of characters up to white space.
    fn token(&mut self, expected: &str) -> Result<&'a str, Box<LocatedError>> {
        self.skip_space();
        let end = crate::text::find_white_space(self.rest).unwrap_or(self.rest.len());
        if end == 0 {
            return Err(self.error(expected));
        }
        let (token, rest) = self.rest.split_at(end);
        self.rest = rest;
        Ok(token)
    }

    fn peek_token(&self) -> Option<&'a str> {
        self.rest.split_whitespace().next()
    }

    /// A quoted string with `\"`, `\\`, `\n`, `\t`, `\r` escapes.
    fn string(&mut self, expected: &str) -> Result<String, Box<LocatedError>> {
        self.skip_space();
        let Some(body) = self.rest.strip_prefix('"') else {
            return Err(self.error(expected));
        };
        // Most strings have no escape: copied at once.
        if let Some(end) = memchr::memchr2(b'"', b'\\', body.as_bytes())
            && body.as_bytes()[end] == b'"'
        {
            self.rest = &body[end + 1..];
            return Ok(body[..end].to_owned());
        }
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.rest = &body[i + 1..];
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, 'r')) => out.push('\r'),
                    Some((_, '"')) => out.push('"'),
                    Some((_, '\\')) => out.push('\\'),
                    Some((j, other)) => {
                        self.rest = &body[j..];
                        return Err(self.error(&format!(
                            "an escape (\\\" \\\\ \\n \\t \\r) after the backslash, not `{other}`"
                        )));
                    }
                    None => break,
                },
                c => out.push(c),
            }
        }
        let opening = self.offset();
        Err(LocatedError::at(
            self.file,
            self.number,
            self.line,
            opening,
            1,
            "expected a closing `\"` before the end of the line, found a string that runs to the end of the line",
        ))
    }

    fn decimal(&mut self, expected: &str) -> Result<Decimal, Box<LocatedError>> {
        self.skip_space();
        let folded = fold(self.rest);
        match number_text(&folded) {
            Ok((after, text)) => {
                let value = decimal(text).map_err(|e| self.error(&e))?;
                let consumed = match folded {
                    // Nothing folded: the offsets are the text's own.
                    Cow::Borrowed(_) => folded.len() - after.len(),
                    Cow::Owned(_) => raw_offset(self.rest, folded.len() - after.len()),
                };
                self.rest = &self.rest[consumed..];
                Ok(value)
            }
            Err(_) => Err(self.error(expected)),
        }
    }
}

/// Keywords that end a target's unit.
const ATTRIBUTES: [&str; 4] = ["by", "weight", "direction", "allow"];

/// Shards of the ids of a spec read in parts.
const ID_SHARDS: usize = 64;

/// The ids a spec writes, borrowed from its text.
enum ExplicitIds<'a> {
    /// Read in one piece: an id written twice is an error where it is written again.
    Own(HashSet<&'a str>),
    /// Read in parts: a part keeps its ids with their hashes, in shards by hash, and
    /// [`ExplicitIds::unique_in`] checks the parts' shards on every core once all are read. Both
    /// ways cost more: looking up each part's ids in the sets of the parts before it took a tenth
    /// of a second on one thread; one set shared by the parts took more than the parsing, its
    /// memory moving from core to core with each id.
    Parted {
        hasher: hashbrown::DefaultHashBuilder,
        shards: Vec<Vec<(u64, &'a str)>>,
    },
}

impl<'a> ExplicitIds<'a> {
    fn parted(hasher: &hashbrown::DefaultHashBuilder) -> ExplicitIds<'a> {
        ExplicitIds::Parted {
            hasher: hasher.clone(),
            shards: vec![Vec::new(); ID_SHARDS],
        }
    }

    /// Adds `id`; false when it is known to be there already (read in parts, that is found out
    /// later).
    fn insert(&mut self, id: &'a str) -> bool {
        match self {
            ExplicitIds::Own(ids) => ids.insert(id),
            ExplicitIds::Parted { hasher, shards } => {
                let hash = std::hash::BuildHasher::hash_one(&*hasher, id);
                shards[crate::jobs::shard_of(hash, ID_SHARDS)].push((hash, id));
                true
            }
        }
    }

    fn all(&self) -> Box<dyn Iterator<Item = &'a str> + '_> {
        match self {
            ExplicitIds::Own(ids) => Box::new(ids.iter().copied()),
            ExplicitIds::Parted { shards, .. } => {
                Box::new(shards.iter().flatten().map(|&(_, id)| id))
            }
        }
    }

    /// The ids of shard `k`, read in parts.
    fn shard(&self, k: usize) -> &[(u64, &'a str)] {
        match self {
            ExplicitIds::Parted { shards, .. } => &shards[k],
            ExplicitIds::Own(_) => &[],
        }
    }

    /// Whether no id is written twice in `parts`, in one or in two; a shard a thread.
    fn unique_in(parts: &[SpecParser<'a>], jobs: Option<NonZeroUsize>) -> bool {
        let unique = crate::jobs::map_in_shares(
            (0..ID_SHARDS).collect(),
            jobs,
            1,
            || (),
            |(), k| {
                let len = parts.iter().map(|p| p.explicit_ids.shard(k).len()).sum();
                let mut seen = hashbrown::HashTable::with_capacity(len);
                for &(hash, id) in parts.iter().flat_map(|p| p.explicit_ids.shard(k)) {
                    match seen.entry(hash, |&(_, other)| other == id, |&(h, _)| h) {
                        hashbrown::hash_table::Entry::Occupied(_) => return false,
                        hashbrown::hash_table::Entry::Vacant(room) => {
                            room.insert((hash, id));
                        }
                    }
                }
                true
            },
        );
        unique.into_iter().all(|u| u)
    }
}

impl<'a> SpecParser<'a> {
    fn new(file: &'a str, seen_magic: bool) -> SpecParser<'a> {
        SpecParser::with_ids(file, seen_magic, ExplicitIds::Own(HashSet::new()))
    }

    fn with_ids(file: &'a str, seen_magic: bool, explicit_ids: ExplicitIds<'a>) -> SpecParser<'a> {
        SpecParser {
            file,
            department: Department::default(),
            block: Block::None,
            category: None,
            notes: Vec::new(),
            seen_magic,
            named: false,
            explicit_ids,
            appended_ids: Vec::new(),
            pending_ids: Vec::new(),
            names: Names::default(),
        }
    }

    /// Reads the statements of `text[from..until]`, whose first line is line `line`.
    fn lines(
        &mut self,
        text: &'a str,
        from: usize,
        until: usize,
        line: usize,
    ) -> Result<(), Box<LocatedError>> {
        let mut start = from;
        for (index, raw) in crate::text::lines_inclusive(&text[from..until]).enumerate() {
            let body = raw.trim_end_matches(['\n', '\r']);
            let source = Provenance {
                line: u32::try_from(line + index).unwrap_or(u32::MAX),
                start: u32::try_from(start).unwrap_or(u32::MAX),
                end: u32::try_from(start + body.len()).unwrap_or(u32::MAX),
            };
            start += raw.len();
            self.statement(line + index, body, source)?;
        }
        Ok(())
    }

    /// The department, once every line is read.
    fn finish(mut self, text: &str) -> Result<(Department, Vec<SpecNote>), Box<LocatedError>> {
        if !self.seen_magic {
            return Err(LocatedError::line(
                self.file,
                1,
                first_line(text),
                format!("expected `{MAGIC} 1` as the first statement, found none"),
            ));
        }
        self.close_category();
        self.assign_ids();
        Ok((self.department, self.notes))
    }

    /// Adds the parts after this one, read apart, as if read after it; `None` when they cannot
    /// be. Their ids are checked before ([`ExplicitIds::unique_in`]).
    fn append(&mut self, parts: Vec<SpecParser<'a>>, jobs: Option<NonZeroUsize>) -> Option<()> {
        let mut units = Vec::with_capacity(parts.len());
        let mut projects = Vec::with_capacity(parts.len());
        let (mut unit_count, mut project_count) =
            (self.department.units.len(), self.department.projects.len());
        // Each part's first statement, a project, closes the category open before it: here, and
        // in each part but the last, before its blocks move.
        self.close_category();
        let last = parts.len().saturating_sub(1);
        for (k, mut part) in parts.into_iter().enumerate() {
            if part.named {
                return None;
            }
            if k < last {
                part.close_category();
            }
            let (units_before, projects_before) = (unit_count, project_count);
            let moved = move |block| match block {
                Block::None => Block::None,
                Block::Unit(i) => Block::Unit(units_before + i),
                Block::Project(i) => Block::Project(projects_before + i),
            };
            unit_count += part.department.units.len();
            project_count += part.department.projects.len();
            units.push(std::mem::take(&mut part.department.units));
            projects.push(std::mem::take(&mut part.department.projects));
            self.notes.append(&mut part.notes);
            self.appended_ids.push(part.explicit_ids);
            self.pending_ids.extend(
                part.pending_ids
                    .into_iter()
                    .map(|(block, at)| (moved(block), at)),
            );
            // What is open at the last part's end is open here, at the joined indices.
            self.block = moved(part.block);
            self.category = part.category;
        }
        let department = &mut self.department;
        department.units.extend(units.into_iter().flatten());
        department.projects =
            crate::jobs::concat(std::mem::take(&mut department.projects), projects, jobs);
        Some(())
    }

    fn statement(
        &mut self,
        number: usize,
        line: &'a str,
        source: Provenance,
    ) -> Result<(), Box<LocatedError>> {
        let body = strip_comment(line);
        if trim(body).is_empty() {
            return Ok(());
        }
        let mut c = Cursor {
            file: self.file,
            number,
            line,
            body,
            rest: body,
        };
        let keyword = c.token("a statement")?;
        if !self.seen_magic {
            if keyword != MAGIC {
                c.rest = trim_start(body);
                return Err(c.error(&format!("`{MAGIC} 1` as the first statement")));
            }
            let version = c.token("the spec version 1")?;
            if version != "1" {
                c.rest = &body[body.find(version).unwrap_or(0)..];
                return Err(c.error("the spec version 1"));
            }
            self.seen_magic = true;
            return c.end();
        }
        match keyword {
            "department" => {
                self.named = true;
                self.department.name = c.string("the department's name in quotes")?;
                c.end()
            }
            "year" => {
                self.named = true;
                let token = c.token("a year such as 2024")?;
                self.department.year = Some(token.parse().map_err(|_| {
                    c.rest = &body[body.find(token).unwrap_or(0)..];
                    c.error("a year such as 2024")
                })?);
                c.end()
            }
            "unit" => self.unit(&mut c, source),
            "project" => self.project(&mut c, source),
            "goal" => {
                let goal = c.string("the goal in quotes")?;
                c.end()?;
                match self.block {
                    Block::Unit(i) => self.department.units[i].goal = Some(goal),
                    Block::Project(i) => self.department.projects[i].goal = Some(goal),
                    Block::None => return Err(misplaced(&c, "goal")),
                }
                Ok(())
            }
            "line" => {
                let Block::Unit(i) = self.block else {
                    return Err(misplaced(&c, "line"));
                };
                let name = c.string("the budget line's name in quotes")?;
                let amount = c.decimal("an amount in 万元")?;
                c.end()?;
                self.department.units[i]
                    .budget_lines
                    .push(BudgetLine { name, amount });
                Ok(())
            }
            "budget" => {
                let Block::Project(i) = self.block else {
                    return Err(misplaced(&c, "budget"));
                };
                let amount = c.decimal("the project's budget in 万元")?;
                c.end()?;
                self.department.projects[i].budget = Some(amount);
                Ok(())
            }
            "category" => {
                if matches!(self.block, Block::None) {
                    return Err(misplaced(&c, "category"));
                }
                let level1 = c.string("the 一级指标 in quotes")?;
                let level2 = if c.at_end() {
                    None
                } else {
                    Some(c.string("the 二级指标 in quotes")?)
                };
                c.end()?;
                self.close_category();
                self.category = Some(OpenCategory {
                    level1: self.names.name(&level1),
                    level2: level2.map(|l| self.names.name(&l)),
                    used: false,
                    source,
                });
                Ok(())
            }
            "indicator" => self.indicator(&mut c, source),
            "allow" => {
                let mut codes = Vec::new();
                while !c.at_end() {
                    codes.push(c.token("a lint code")?.to_owned());
                }
                if codes.is_empty() {
                    return Err(c.error("a lint code to silence, such as capped-share"));
                }
                let allow = match self.block {
                    Block::None => &mut self.department.allow,
                    Block::Unit(i) => &mut self.department.units[i].allow,
                    Block::Project(i) => &mut self.department.projects[i].allow,
                };
                allow.extend(codes);
                Ok(())
            }
            _ => {
                c.rest = trim_start(body);
                Err(c.error(
                    "a statement (department, year, unit, project, goal, line, budget, category, indicator, allow)",
                ))
            }
        }
    }

    fn unit(&mut self, c: &mut Cursor<'_>, source: Provenance) -> Result<(), Box<LocatedError>> {
        let code = c.token("a unit code such as 558001")?.to_owned();
        if c.at_end() {
            // `unit 558001` inside a project: its implementing unit.
            let Block::Project(i) = self.block else {
                return Err(c.error("the unit's name in quotes"));
            };
            self.department.projects[i].unit = code;
            return Ok(());
        }
        let name = c.string("the unit's name in quotes")?;
        c.end()?;
        self.close_category();
        self.department.units.push(Unit {
            code,
            name,
            source: Some(source),
            ..Unit::default()
        });
        self.block = Block::Unit(self.department.units.len() - 1);
        Ok(())
    }

    fn project(&mut self, c: &mut Cursor<'a>, source: Provenance) -> Result<(), Box<LocatedError>> {
        c.skip_space();
        let id = if c.rest.starts_with('"') {
            String::new()
        } else {
            let at = c.offset();
            let id = c.token("a project id or the project's name in quotes")?;
            self.reserve(c, at, id)?;
            id.to_owned()
        };
        let name = c.string("the project's name in quotes")?;
        c.end()?;
        self.close_category();
        // A province's spec holds 100 000 projects: the one before is complete, so its
        // indicators give back what their growth reserved.
        if let Some(previous) = self.department.projects.last_mut() {
            crate::model::exact(&mut previous.indicators);
        }
        self.department.projects.push(Project {
            id,
            name,
            source: Some(source),
            ..Project::default()
        });
        self.block = Block::Project(self.department.projects.len() - 1);
        Ok(())
    }

    fn reserve(&mut self, c: &Cursor<'_>, at: usize, id: &'a str) -> Result<(), Box<LocatedError>> {
        if self.explicit_ids.insert(id) {
            Ok(())
        } else {
            Err(LocatedError::at(
                self.file,
                c.number,
                c.line,
                at,
                id.len(),
                format!("expected a new id, found `{id}`, which an earlier statement has"),
            )
            .with_help("ids are unique in a spec; remove the id to have one derived"))
        }
    }

    fn indicator(
        &mut self,
        c: &mut Cursor<'a>,
        source: Provenance,
    ) -> Result<(), Box<LocatedError>> {
        let block = self.block;
        if matches!(block, Block::None) {
            return Err(misplaced(c, "indicator"));
        }
        let Some(category) = self.category.as_mut() else {
            return Err(misplaced(c, "indicator")
                .with_help("write `category \"一级指标\" \"二级指标\"` above it"));
        };
        let Some(level2) = category.level2.clone() else {
            return Err(c.error("a category with a 二级指标 above this indicator"));
        };
        category.used = true;
        let level1 = category.level1.clone();
        c.skip_space();
        let id = if c.rest.starts_with('"') {
            None
        } else {
            let at = c.offset();
            let id = c.token("an indicator id or the indicator's name in quotes")?;
            self.reserve(c, at, id)?;
            Some(id)
        };
        let name = c.string("the indicator's name in quotes")?;
        let target = self.target(c)?;
        let mut indicator = Indicator {
            id: id.unwrap_or_default().into(),
            level1,
            level2,
            name: name.into(),
            target,
            deadline: None,
            direction: None,
            weight: None,
            allow: Default::default(),
            source: Some(source),
        };
        self.attributes(c, &mut indicator)?;
        let indicators = match block {
            Block::Unit(i) => &mut self.department.units[i].indicators,
            Block::Project(i) => &mut self.department.projects[i].indicators,
            Block::None => unreachable!("checked above"),
        };
        indicators.push(indicator);
        if id.is_none() {
            self.pending_ids.push((block, indicators.len() - 1));
        }
        Ok(())
    }

    fn target(&mut self, c: &mut Cursor<'_>) -> Result<Target, Box<LocatedError>> {
        c.skip_space();
        if c.rest.starts_with('"') {
            return Ok(Target::Qualitative(c.string("a target")?));
        }
        if let Some(token) = c.peek_token()
            && matches!(fold(token).as_ref(), "不适用" | "/")
        {
            c.token("a target")?;
            return Ok(Target::NotApplicable);
        }
        let expected = "a target: an operator and a value (>= 100 %), a range (10~15 个), a quoted text or 不适用";
        let folded = fold(c.rest);
        let advance = |c: &mut Cursor<'_>, after: &str| {
            let consumed = raw_offset(c.rest, folded.len() - after.len());
            c.rest = &c.rest[consumed..];
        };
        let op = match terminated(operator, space0).parse(&folded) {
            Ok((after, op)) => {
                advance(c, after);
                Some(op)
            }
            Err(_) => None,
        };
        let low = c.decimal(if op.is_some() {
            "a value after the operator"
        } else {
            expected
        })?;
        let folded = fold(c.rest);
        let high = match (space0::<&str, nom::error::Error<&str>>, range_separator).parse(&folded) {
            Ok((after, _)) if op.is_none() => {
                let consumed = raw_offset(c.rest, folded.len() - after.len());
                c.rest = c.rest[consumed..].trim_start();
                let at = c.rest;
                let high = c.decimal("the upper bound of the range")?;
                if high < low {
                    c.rest = at;
                    return Err(c.error(&format!(
                        "a range whose upper bound is at least its lower bound {low}"
                    )));
                }
                Some(high)
            }
            _ => None,
        };
        let measure = match c.peek_token() {
            Some(token) if !ATTRIBUTES.contains(&token) => {
                let token = c.token("a unit")?;
                let measure = Measure::parse(&fold(token));
                if !measure.is_known() {
                    self.notes.push(SpecNote {
                        line: u32::try_from(c.number).unwrap_or(u32::MAX),
                        code: "unknown-unit-of-measure",
                        message: format!("unknown unit of measure `{token}`, kept as written"),
                    });
                }
                Some(measure)
            }
            _ => None,
        };
        Ok(match (op, high) {
            (Some(op), _) => Target::Compare {
                op,
                value: low,
                measure,
            },
            (None, Some(high)) => Target::Range { low, high, measure },
            (None, None) => return Err(c.error(expected)),
        })
    }

    fn attributes(
        &mut self,
        c: &mut Cursor<'_>,
        indicator: &mut Indicator,
    ) -> Result<(), Box<LocatedError>> {
        while !c.at_end() {
            let keyword = c.token("an attribute")?;
            match keyword {
                "by" => {
                    c.skip_space();
                    let at = c.offset();
                    let token = c.token("a deadline such as 2024-12")?;
                    indicator.deadline = Some(parse_deadline(token).ok_or_else(|| {
                        LocatedError::at(
                            self.file,
                            c.number,
                            c.line,
                            at,
                            token.len(),
                            format!("expected a deadline (2024-12, 2024-12-31, 2024年底), found `{token}`"),
                        )
                    })?);
                }
                "weight" => indicator.weight = Some(c.decimal("a weight (分值) such as 10")?),
                "direction" => {
                    c.skip_space();
                    let at = c.offset();
                    let token = c.token("higher, lower or exact")?;
                    indicator.direction =
                        Some(Direction::from_keyword(token).ok_or_else(|| {
                            LocatedError::at(
                                self.file,
                                c.number,
                                c.line,
                                at,
                                token.len(),
                                format!("expected higher, lower or exact, found `{token}`"),
                            )
                        })?);
                }
                "allow" => indicator.allow.push(c.token("a lint code")?.to_owned()),
                other => {
                    c.rest = &c.body[c.offset() - other.len()..];
                    return Err(c.error(
                        "an attribute (by, weight, direction, allow) or the end of the statement",
                    ));
                }
            }
        }
        Ok(())
    }

    fn close_category(&mut self) {
        let Some(category) = self.category.take() else {
            return;
        };
        if category.used {
            return;
        }
        let empty = Category {
            level1: category.level1.into(),
            level2: category.level2.map(String::from),
            source: Some(category.source),
        };
        match self.block {
            Block::Unit(i) => self.department.units[i].empty_categories.push(empty),
            Block::Project(i) => self.department.projects[i].empty_categories.push(empty),
            Block::None => {}
        }
    }

    /// Derives the ids a spec leaves out, as the importers would.
    fn assign_ids(&mut self) {
        let unnamed = self.department.projects.iter().any(|p| p.id.is_empty());
        if !unnamed && self.pending_ids.is_empty() {
            return;
        }
        let appended = self.appended_ids.iter().flat_map(ExplicitIds::all);
        let mut project_ids = IdAllocator::taking(self.explicit_ids.all().chain(appended));
        for project in &mut self.department.projects {
            if project.id.is_empty() {
                project.id = project_ids.unique(id::project_id(&project.unit, &project.name));
            }
        }
        for (block, index) in std::mem::take(&mut self.pending_ids) {
            let (derived, indicator) = match block {
                Block::Unit(i) => {
                    let unit = &mut self.department.units[i];
                    let ind = &unit.indicators[index];
                    (
                        id::unit_indicator_id(&unit.code, &ind.level1, &ind.level2, &ind.name),
                        &mut unit.indicators[index],
                    )
                }
                Block::Project(i) => {
                    let project = &mut self.department.projects[i];
                    let ind = &project.indicators[index];
                    (
                        id::project_indicator_id(&project.id, &ind.level1, &ind.level2, &ind.name),
                        &mut project.indicators[index],
                    )
                }
                Block::None => continue,
            };
            indicator.id = project_ids.unique(derived).into();
        }
    }
}

fn range_separator(i: &str) -> nom::IResult<&str, &str> {
    nom::branch::alt((
        nom::bytes::complete::tag("~"),
        nom::bytes::complete::tag("〜"),
        nom::bytes::complete::tag("-"),
        nom::bytes::complete::tag("至"),
    ))
    .parse(i)
}

fn misplaced(c: &Cursor<'_>, keyword: &str) -> Box<LocatedError> {
    let at = c.body.find(keyword).unwrap_or(0);
    let message = match keyword {
        "line" => "expected `line` inside a unit block, found it outside one".to_owned(),
        "budget" => "expected `budget` inside a project block, found it outside one".to_owned(),
        "indicator" => {
            "expected a `category` before this `indicator` in its unit or project block, found none"
                .to_owned()
        }
        _ => format!("expected `{keyword}` inside a unit or project block, found it outside one"),
    };
    LocatedError::at(c.file, c.number, c.line, at, keyword.len(), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(projects: usize) -> String {
        let model = crate::generate::department(&crate::generate::Options::new(projects, 3));
        let mut spec = Vec::new();
        crate::generate::spec_text(&model, &mut spec).expect("writing into memory");
        String::from_utf8(spec).expect("a spec is UTF-8")
    }

    /// The spec read in `parts` parts, which must join, is the spec read in one piece.
    fn same_in_parts(text: &str, parts: usize) {
        let whole = parse_whole("t.kpi", text).expect("the spec reads");
        let joined =
            parse_in_parts("t.kpi", text, parts, NonZeroUsize::new(2)).expect("the parts join");
        assert!(joined == whole, "{parts} parts");
    }

    /// A category left empty at the end of each part is closed as one reading closes it, at the
    /// joined project's place, and nothing else moves.
    #[test]
    fn empty_categories_at_the_parts_ends_are_kept_in_their_projects() {
        let mut text = String::from("kpi-spec 1\n");
        for p in 0..12 {
            text.push_str(&format!(
                "project \"项目{p}\"\n  category \"产出指标\" \"数量指标\"\n    indicator \"指标{p}\" >= {p} 个\n  category \"效益指标\" \"空{p}\"\n"
            ));
        }
        let (whole, _) = parse_whole("t.kpi", &text).expect("the spec reads");
        assert_eq!(whole.projects[11].empty_categories.len(), 1);
        for parts in [2, 5, 12] {
            same_in_parts(&text, parts);
        }
    }

    #[test]
    fn a_spec_read_in_parts_is_the_spec_read_whole() {
        let text = generated(40);
        for parts in [2, 3, 7] {
            same_in_parts(&text, parts);
        }
        // Open categories at the parts' ends, indicators and projects without ids.
        let without_ids: String = text
            .lines()
            .map(|line| {
                let indent = &line[..line.len() - line.trim_start().len()];
                let mut words = line[indent.len()..].splitn(3, ' ');
                match (words.next(), words.next(), words.next()) {
                    (Some(keyword @ ("indicator" | "project")), Some(id), Some(rest))
                        if !id.starts_with('"') =>
                    {
                        format!("{indent}{keyword} {rest}\n")
                    }
                    _ => format!("{line}\n"),
                }
            })
            .collect();
        assert!(!without_ids.contains("indicator 5"), "ids were taken out");
        let empty = format!("{without_ids}  category \"产出指标\" \"数量指标\"\n");
        for parts in [2, 5] {
            same_in_parts(&empty, parts);
        }
        let (model, _) = parse_whole("t.kpi", &empty).expect("the spec reads");
        assert!(model.projects.iter().all(|p| !p.id.is_empty()));
        assert!(
            model
                .projects
                .last()
                .is_some_and(|p| !p.empty_categories.is_empty())
        );
    }

    #[test]
    fn a_spec_is_known_by_its_first_line_however_long() {
        let long = "名".repeat(3000);
        assert!(looks_like_spec(&format!(
            "\u{feff}# comment\n\nproject \"{long}\"\n"
        )));
        assert!(looks_like_spec("kpi-spec 1\n"));
        assert!(!looks_like_spec(&format!(
            "{{\"department\": {{\"name\": \"{long}\"}}}}"
        )));
        assert!(!looks_like_spec("project\t名称\n"));
        assert!(!looks_like_spec(""));
        // A tab far into the line, and a keyword after long indentation.
        let a = "a".repeat(4100);
        assert!(!looks_like_spec(&format!("project {a}\tx\n")));
        assert!(looks_like_spec(&format!(
            "project {a} # a\ttab in a comment\n"
        )));
        assert!(looks_like_spec(&format!(
            "{}kpi-spec 1\n",
            " ".repeat(5000)
        )));
        assert!(looks_like_spec(
            "  # only a comment\n\t\nyear 2024 # 年度\n"
        ));
    }

    #[test]
    fn parts_that_cannot_be_read_apart_are_read_whole() {
        let text = generated(40);
        // An id in two parts, an error in a later part, a department named after the first.
        let first_id = text
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("indicator "))
            .and_then(|rest| rest.split_once(' '))
            .map(|(id, _)| id.to_owned())
            .expect("an indicator with an id");
        let repeated = format!(
            "{text}project \"重复\"\n  category \"产出指标\" \"数量指标\"\n    indicator {first_id} \"重复\" >= 1 个\n"
        );
        let broken = format!("{text}project \"错误\"\n  nonsense\n");
        let renamed = format!("{text}department \"另一个部门\"\n");
        for (text, error) in [(&repeated, true), (&broken, true), (&renamed, false)] {
            assert!(parse_in_parts("t.kpi", text, 2, NonZeroUsize::new(2)).is_none());
            // Read in parts of a byte on two threads, it is read again in one piece.
            let read = parse_in_parts_of("t.kpi", text, NonZeroUsize::new(2), 1);
            assert_eq!(read.is_err(), error);
            assert_eq!(
                format!("{read:?}"),
                format!("{:?}", parse_whole("t.kpi", text))
            );
        }
        // An id repeated between two later parts (neither is the first) is found too.
        let lines: Vec<&str> = text.lines().collect();
        let middle_id = lines[lines.len() * 3 / 5..]
            .iter()
            .find_map(|l| l.trim_start().strip_prefix("indicator "))
            .and_then(|rest| rest.split_once(' '))
            .map(|(id, _)| id.to_owned())
            .expect("an indicator with an id after the first parts");
        let repeated_later = format!(
            "{text}project \"重复\"\n  category \"产出指标\" \"数量指标\"\n    indicator {middle_id} \"重复\" >= 1 个\n"
        );
        for parts in [3, 5] {
            assert!(
                parse_in_parts("t.kpi", &repeated_later, parts, NonZeroUsize::new(2)).is_none()
            );
            let read = parse_in_parts_of("t.kpi", &repeated_later, NonZeroUsize::new(parts), 1);
            assert!(read.is_err());
            assert_eq!(
                format!("{read:?}"),
                format!("{:?}", parse_whole("t.kpi", &repeated_later))
            );
        }
        // An id written twice within one part, the last: its own shard finds it.
        let twice_in_last = format!(
            "{text}project \"重复\"\n  category \"产出指标\" \"数量指标\"\n    indicator dup-1 \"一\" >= 1 个\n    indicator dup-1 \"二\" >= 1 个\n"
        );
        assert!(parse_in_parts("t.kpi", &twice_in_last, 2, NonZeroUsize::new(2)).is_none());
        assert!(parse_in_parts_of("t.kpi", &twice_in_last, NonZeroUsize::new(2), 1).is_err());
        let renamed = parse_in_parts_of("t.kpi", &renamed, NonZeroUsize::new(2), 1);
        assert_eq!(
            renamed.map(|(d, _)| d.name).ok().as_deref(),
            Some("另一个部门")
        );
    }
}
