//! A table of targets (CSV or TSV) → model: how users copy published tables into a spreadsheet.
//!
//! The columns are those of an actuals form (`syntax/columns.rs`): 单位, 项目名称, 一级指标,
//! 二级指标, 三级指标, and the target either in one cell (年度指标值: `≥50个`) or split into
//! 运算符号 | 指标值 | 度量单位, with 完成时限. An empty 一级指标 or 二级指标 means "as above", as merged
//! cells read. A row with `kind` = budget (or named 预算执行率 with no categories) gives its
//! project's 预算资金情况. Such a table may also carry actuals: then `kpi eval` reads it on its own.

use std::collections::HashMap;
use std::num::NonZeroUsize;

use rust_decimal::Decimal;

use super::{Accounting, Imported, Note, SetAside, Severity, shared_deadline};
use crate::model::id::{self, IdAllocator};
use crate::model::{
    Deadline, Department, Indicator, Measure, Names, Project, Provenance, Target, Unit,
};
use crate::syntax::columns::{Field, Header};
use crate::syntax::table::{Record, TableSource};
use crate::syntax::target::{
    TargetCell, decimal, number_text, parse_cell, parse_deadline, parse_split,
};
use crate::text::{clean_cell, fold, match_key};
use crate::{Error, Result};

/// Whether `text` is a table whose header names targets (a target column and the indicator's
/// name) and no ids: a table that brings its own targets.
pub fn carries_targets(text: &str) -> bool {
    header_of(text).is_some_and(|h| {
        h.columns.has(Field::Target) && h.columns.has(Field::Indicator) && !h.columns.has(Field::Id)
    })
}

/// Whether `text` is a table of targets at all (with or without ids).
pub fn is_target_table(text: &str) -> bool {
    header_of(text).is_some_and(|h| h.columns.has(Field::Target) && h.columns.has(Field::Indicator))
}

fn header_of(text: &str) -> Option<Header> {
    let text = text.trim_start_matches('\u{feff}');
    let line = text.lines().find(|l| !l.trim().is_empty())?;
    let delimiter = if line.contains('\t') && !line.contains(',') {
        '\t'
    } else {
        ','
    };
    let cells: Vec<&str> = line
        .split(delimiter)
        .map(|c| c.trim().trim_matches('"'))
        .collect();
    Header::parse(&cells).ok()
}

/// Reads a table of targets. `file` names it in messages.
pub fn import(file: &str, text: &str) -> Result<Imported> {
    read(TableSource::new(file, text.trim_start_matches('\u{feff}')))
}

/// Reads a table of targets from a file's bytes: a spreadsheet, or text (`forced` overrides
/// the detected encoding).
pub fn import_bytes(
    file: &str,
    bytes: &[u8],
    forced: Option<&'static encoding_rs::Encoding>,
) -> Result<Imported> {
    // On one thread, as before `load` took jobs: these have no `--jobs` to follow.
    let loaded = crate::syntax::table::load(file, bytes, forced, NonZeroUsize::new(1))?;
    let mut imported = read(loaded.source(file))?;
    imported.places = loaded.places();
    Ok(imported)
}

/// Whether a file's bytes are a spreadsheet or text whose table carries its own targets.
pub fn bytes_carry_targets(bytes: &[u8], forced: Option<&'static encoding_rs::Encoding>) -> bool {
    crate::syntax::table::load("", bytes, forced, NonZeroUsize::new(1))
        .is_ok_and(|loaded| carries_targets(&loaded.text))
}

fn read(source: TableSource<'_>) -> Result<Imported> {
    let mut reader = TableReader {
        source,
        header: None,
        department: None,
        units: Vec::new(),
        projects: Vec::new(),
        project_at: HashMap::new(),
        notes: Vec::new(),
        accounting: Accounting::default(),
    };
    if let Err(error) = source.records(|record| reader.record(record)) {
        let mut so_far = reader.accounting.clone();
        so_far.rows_seen = so_far.rows_seen.saturating_sub(1);
        return Err(error.counted(format!("{}: before the error, {so_far}", source.file)));
    }
    reader.finish()
}

struct Draft {
    level1: String,
    level2: String,
    name: String,
    target: Target,
    deadline: Option<Deadline>,
    weight: Option<Decimal>,
    source: Provenance,
}

struct UnitDraft {
    /// The cell as written: a code or a name.
    label: String,
    rows: Vec<Draft>,
    last: (String, String),
}

struct ProjectDraft {
    unit: usize,
    name: String,
    budget: Option<Decimal>,
    rows: Vec<Draft>,
    last: (String, String),
    source: Provenance,
}

struct TableReader<'t> {
    source: TableSource<'t>,
    header: Option<Header>,
    /// 主管部门, from the first row that names it.
    department: Option<String>,
    units: Vec<UnitDraft>,
    projects: Vec<ProjectDraft>,
    /// Unit → project name → index into `projects`.
    project_at: HashMap<usize, HashMap<String, usize>>,
    notes: Vec<Note>,
    accounting: Accounting,
}

impl TableReader<'_> {
    fn project_at(&self, unit: usize, name: &str) -> Option<usize> {
        self.project_at.get(&unit)?.get(name).copied()
    }
}

impl TableReader<'_> {
    fn column(&self, field: Field) -> Option<usize> {
        self.header.as_ref().and_then(|h| h.columns.get(field))
    }

    fn cell<'r>(&self, record: &'r Record, field: Field) -> &'r str {
        record.cell(self.column(field))
    }

    /// An error at a field's cell of the record.
    fn error(&self, record: &Record, field: Field, message: String, help: Option<String>) -> Error {
        match self.column(field) {
            Some(column) => {
                let (start, end) = record.span(column);
                self.source.at(start, end, message, help)
            }
            None => self.source.line(record.start, message, help),
        }
    }

    fn provenance(&self, record: &Record) -> Provenance {
        let (_, text, line_start) = self.source.line_of(record.start);
        Provenance {
            line: u32::try_from(record.line).unwrap_or(u32::MAX),
            start: u32::try_from(line_start).unwrap_or(u32::MAX),
            end: u32::try_from(line_start + text.len()).unwrap_or(u32::MAX),
        }
    }

    fn record(&mut self, record: &Record) -> Result<()> {
        if self.header.is_none() {
            let cells: Vec<&str> = record.cells.iter().map(|c| &**c).collect();
            let header = Header::parse(&cells)
                .map_err(|e| self.source.line(record.start, e.message, e.help))?;
            for field in [Field::Indicator, Field::Target] {
                if !header.columns.has(field) {
                    return Err(self.source.line(
                        record.start,
                        format!("expected a table of targets with a `{}` column, found none", field.described()),
                        Some("a table of targets names 三级指标 and 年度指标值 (or 运算符号, 指标值, 度量单位)".to_owned()),
                    ));
                }
            }
            self.header = Some(header);
            return Ok(());
        }
        if record.is_blank() {
            return Ok(());
        }
        self.accounting.rows_seen += 1;
        let cleaned = |field| clean_cell(self.cell(record, field)).text.into_owned();
        let department = self
            .department
            .is_none()
            .then(|| cleaned(Field::Department));
        let (project_name, indicator) = (cleaned(Field::Project), cleaned(Field::Indicator));
        let (level1, level2) = (cleaned(Field::Level1), cleaned(Field::Level2));
        if let Some(name) = department.filter(|n| !n.is_empty()) {
            self.department = Some(name);
        }
        let unit = self.unit_index(self.cell(record, Field::Unit));
        let kind = match_key(self.cell(record, Field::Kind));
        let budget_row = kind == "budget"
            || (kind.is_empty()
                && match_key(&indicator) == "预算执行率"
                && level1.is_empty()
                && level2.is_empty());
        if budget_row {
            return self.budget_row(record, unit, &project_name);
        }
        let parsed = self.target(record)?;
        let target = match parsed {
            TargetCell::Target(target) => target,
            TargetCell::Leftover => {
                self.accounting.count(SetAside::TemplateLeftover);
                self.notes.push(Note {
                    line: line_u32(record.line),
                    severity: Severity::Warning,
                    code: "template-row",
                    message: "template text left in the table (……); not an indicator".to_owned(),
                });
                return Ok(());
            }
        };
        let deadline = match self.cell(record, Field::Deadline) {
            "" => None,
            cell => Some(parse_deadline(cell).ok_or_else(|| {
                self.error(
                    record,
                    Field::Deadline,
                    format!("expected a deadline (2024-12, 2024-12-31, 2024年底), found `{cell}`"),
                    None,
                )
            })?),
        };
        let weight = match self.cell(record, Field::Weight) {
            "" => None,
            cell => Some(points(cell).ok_or_else(|| {
                self.error(
                    record,
                    Field::Weight,
                    format!("expected a 分值 (weight) such as 10, found `{cell}`"),
                    None,
                )
            })?),
        };
        let provenance = self.provenance(record);
        let last = if project_name.is_empty() {
            &mut self.units[unit].last
        } else {
            let p = self.project_index(unit, &project_name, provenance);
            &mut self.projects[p].last
        };
        // Merged cells read as empty: an empty category is the one above it.
        let level1 = if level1.is_empty() {
            last.0.clone()
        } else {
            level1
        };
        let level2 = if level2.is_empty() && level1 == last.0 {
            last.1.clone()
        } else {
            level2
        };
        *last = (level1.clone(), level2.clone());
        let mut notes = Vec::new();
        let name = if indicator.is_empty() {
            notes.push((
                "missing-name",
                format!("no 三级指标; the row takes its 二级指标 `{level2}` as its name"),
            ));
            level2.clone()
        } else {
            indicator
        };
        if level1.is_empty() || level2.is_empty() {
            return Err(self.error(
                record,
                if level1.is_empty() { Field::Level1 } else { Field::Level2 },
                format!("expected the 一级指标 and 二级指标 of `{name}`, found none on this row or above it"),
                None,
            ));
        }
        for (code, message) in notes {
            self.notes.push(Note {
                line: line_u32(record.line),
                severity: Severity::Warning,
                code,
                message,
            });
        }
        let draft = Draft {
            level1,
            level2,
            name,
            target,
            deadline,
            weight,
            source: provenance,
        };
        match self.project_at(unit, &project_name) {
            Some(p) if !project_name.is_empty() => self.projects[p].rows.push(draft),
            _ => self.units[unit].rows.push(draft),
        }
        self.accounting.indicators += 1;
        Ok(())
    }

    /// The target of a row: one cell, or split into 运算符号 | 指标值 | 度量单位.
    fn target(&mut self, record: &Record) -> Result<TargetCell> {
        let value = self.cell(record, Field::Target);
        let parsed = if self.column(Field::Operator).is_some() {
            parse_split(
                self.cell(record, Field::Operator),
                value,
                self.cell(record, Field::Measure),
            )
        } else {
            parse_cell(value)
        };
        let parsed = parsed.map_err(|e| {
            let field = Field::Target;
            match self.column(field) {
                Some(column) => {
                    let (start, end) = record.span(column);
                    let quoted = usize::from(self.source.text[start..end].starts_with('"'));
                    let at = (start + quoted + e.offset).min(end);
                    self.source.at(at, end, e.to_string(), None)
                }
                None => self.source.line(record.start, e.to_string(), None),
            }
        })?;
        for note in &parsed.notes {
            self.notes.push(Note {
                line: line_u32(record.line),
                severity: Severity::Warning,
                code: super::target_note_code(note),
                message: note.to_string(),
            });
        }
        Ok(parsed.cell)
    }

    fn budget_row(&mut self, record: &Record, unit: usize, project: &str) -> Result<()> {
        if project.is_empty() {
            return Err(self.error(
                record,
                Field::Project,
                "expected the project of a budget execution row, found none".to_owned(),
                None,
            ));
        }
        let provenance = self.provenance(record);
        let p = self.project_index(unit, project, provenance);
        let cell = self.cell(record, Field::Target);
        if !cell.is_empty() {
            let amount = wan(cell).ok_or_else(|| {
                self.error(
                    record,
                    Field::Target,
                    format!("expected the project's budget (预算资金情况) such as `35.88 万元`, found `{cell}`"),
                    None,
                )
            })?;
            self.projects[p].budget = Some(amount);
        }
        self.accounting.count(SetAside::Budget);
        Ok(())
    }

    fn unit_index(&mut self, label: &str) -> usize {
        let key = match_key(label);
        if let Some(i) = self.units.iter().position(|u| match_key(&u.label) == key) {
            return i;
        }
        self.units.push(UnitDraft {
            label: label.trim().to_owned(),
            rows: Vec::new(),
            last: Default::default(),
        });
        self.units.len() - 1
    }

    fn project_index(&mut self, unit: usize, name: &str, source: Provenance) -> usize {
        if let Some(i) = self.project_at(unit, name) {
            return i;
        }
        self.project_at
            .entry(unit)
            .or_default()
            .insert(name.to_owned(), self.projects.len());
        self.projects.push(ProjectDraft {
            unit,
            name: name.to_owned(),
            budget: None,
            rows: Vec::new(),
            last: Default::default(),
            source,
        });
        self.projects.len() - 1
    }

    fn finish(mut self) -> Result<Imported> {
        let mut names = Names::default();
        if self.header.is_none() {
            return Err(Error::Input {
                file: self.source.file.to_owned(),
                message: "expected a table of targets, found an empty file".to_owned(),
                help: None,
            });
        }
        let mut department = Department {
            name: self.department.take().unwrap_or_default(),
            ..Department::default()
        };
        let mut codes: HashMap<usize, String> = HashMap::new();
        for (i, unit) in self.units.iter().enumerate() {
            let is_code =
                !unit.label.is_empty() && unit.label.chars().all(|c| c.is_ascii_alphanumeric());
            let code = if is_code {
                unit.label.clone()
            } else {
                format!(
                    "u{:06x}",
                    xxhash_rust::xxh3::xxh3_64(match_key(&unit.label).as_bytes()) & 0xff_ffff
                )
            };
            codes.insert(i, code.clone());
            department.units.push(Unit {
                name: if is_code {
                    String::new()
                } else {
                    unit.label.clone()
                },
                code,
                ..Unit::default()
            });
        }
        let mut all_deadlines: Vec<Deadline> = Vec::new();
        for (i, unit) in std::mem::take(&mut self.units).into_iter().enumerate() {
            let code = codes[&i].clone();
            let rows = self.fill_deadlines(unit.rows);
            all_deadlines.extend(rows.iter().filter_map(|r| r.deadline));
            let mut ids = IdAllocator::default();
            department.units[i].indicators = rows
                .into_iter()
                .map(|r| {
                    let id =
                        ids.unique(id::unit_indicator_id(&code, &r.level1, &r.level2, &r.name));
                    indicator(id, r, &mut names)
                })
                .collect();
        }
        let mut project_ids = IdAllocator::default();
        for draft in std::mem::take(&mut self.projects) {
            let unit = codes[&draft.unit].clone();
            let project_id = project_ids.unique(id::project_id(&unit, &draft.name));
            let rows = self.fill_deadlines(draft.rows);
            all_deadlines.extend(rows.iter().filter_map(|r| r.deadline));
            let mut ids = IdAllocator::default();
            let indicators = rows
                .into_iter()
                .map(|r| {
                    let id = ids.unique(id::project_indicator_id(
                        &project_id,
                        &r.level1,
                        &r.level2,
                        &r.name,
                    ));
                    indicator(id, r, &mut names)
                })
                .collect();
            department.projects.push(Project {
                id: project_id,
                name: draft.name,
                unit,
                budget: draft.budget,
                goal: None,
                indicators,
                empty_categories: Vec::new(),
                allow: Default::default(),
                source: Some(draft.source),
            });
        }
        // The year is the one the deadlines share.
        department.year = shared_deadline(all_deadlines.iter().copied()).and_then(|d| d.year());
        self.notes.sort_by_key(|n| n.line);
        Ok(Imported {
            department,
            notes: self.notes,
            accounting: self.accounting,
            budget_table: None,
            places: None,
        })
    }

    /// A row without a deadline takes the one the other rows of its table share (warned).
    fn fill_deadlines(&mut self, mut rows: Vec<Draft>) -> Vec<Draft> {
        let shared = shared_deadline(rows.iter().filter_map(|r| r.deadline));
        for row in rows.iter_mut().filter(|r| r.deadline.is_none()) {
            row.deadline = shared;
            let message = match shared {
                Some(d) => format!(
                    "no 完成时限; took {d}, the deadline the other rows of this table share"
                ),
                None => "no 完成时限, and the other rows of this table share none".to_owned(),
            };
            self.notes.push(Note {
                line: row.source.line,
                severity: Severity::Warning,
                code: "missing-deadline",
                message,
            });
        }
        rows
    }
}

fn indicator(id: String, draft: Draft, names: &mut Names) -> Indicator {
    Indicator {
        id: id.into(),
        level1: names.name(&draft.level1),
        level2: names.name(&draft.level2),
        name: draft.name.into(),
        target: draft.target,
        deadline: draft.deadline,
        direction: None,
        weight: draft.weight,
        allow: Default::default(),
        source: Some(draft.source),
    }
}

fn line_u32(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// Points as written in a 分值 cell: `10`, `10分`.
fn points(cell: &str) -> Option<Decimal> {
    let folded = fold(cell.trim());
    let body = folded.trim().trim_end_matches('分').trim();
    match number_text(body) {
        Ok(("", text)) => decimal(text).ok().filter(|d| *d >= Decimal::ZERO),
        _ => None,
    }
}

/// A budget in 万元: `35.88`, `35.88 万元`, `358,800元`.
fn wan(cell: &str) -> Option<Decimal> {
    let folded = fold(cell.trim());
    let (rest, text) = number_text(folded.trim()).ok()?;
    let value = decimal(text).ok()?;
    let unit = rest.trim();
    if unit.is_empty() {
        return Some(value);
    }
    let measure = Measure::known(unit)?;
    measure.convert(value, &Measure::known("万元")?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const SPLIT: &str = "单位,项目名称,一级指标,二级指标,三级指标,运算符号,指标值,度量单位,完成时限\n\
558001,老干部特需专项经费,产出指标,数量指标,组织活动次数,>=,1,次,2024-12\n\
558001,老干部特需专项经费,,,全年走访慰问老干部人数,<=,280,人,2024-12\n\
558001,老干部特需专项经费,,质量指标,组织活动完成率,=,100,%,\n\
558001,老干部特需专项经费,效益指标,社会效益指标,维护社会稳定,,确保稳定,,2024-12\n\
558001,老干部特需专项经费,,,预算执行率,budget,35.88 万元,,\n";

    #[test]
    fn split_targets_with_merged_cells() {
        let text = SPLIT.replace(",budget,35.88 万元,,", ",,35.88 万元,,");
        assert!(carries_targets(&text));
        let imported = import("t.csv", &text).unwrap();
        let d = imported.department;
        assert_eq!(d.units.len(), 1);
        assert_eq!(d.units[0].code, "558001");
        let p = &d.projects[0];
        assert_eq!(p.indicators.len(), 4);
        assert_eq!(p.indicators[1].level1, "产出指标");
        assert_eq!(p.indicators[1].level2, "数量指标");
        assert_eq!(p.indicators[2].level2, "质量指标");
        assert_eq!(p.indicators[0].target.to_string(), ">= 1 次");
        assert_eq!(
            p.indicators[3].target,
            Target::Qualitative("确保稳定".into())
        );
        // The budget row is the project's 预算资金情况, not an indicator.
        assert_eq!(p.budget, Some(dec!(35.88)));
        assert_eq!(d.year, Some(2024));
        // The row without a deadline takes the shared one, with a warning.
        assert_eq!(
            p.indicators[2].deadline.map(|d| d.to_string()).as_deref(),
            Some("2024-12")
        );
        assert!(
            imported
                .notes
                .iter()
                .any(|n| n.code == "missing-deadline" && n.line == 4)
        );
        assert!(imported.accounting.balances());
        assert_eq!(imported.accounting.indicators, 4);
    }

    #[test]
    fn one_cell_targets() {
        let text = "项目名称,一级指标,二级指标,三级指标,年度指标值,完成时限\n项目,产出指标,数量指标,培训次数,≥50个,2024年12月\n";
        let d = import("t.csv", text).unwrap().department;
        assert_eq!(d.projects[0].indicators[0].target.to_string(), ">= 50 个");
    }

    #[test]
    fn a_bad_target_is_located_at_its_cell() {
        let text = "项目名称,一级指标,二级指标,三级指标,年度指标值\n项目,产出指标,数量指标,培训次数,>=1e40次\n";
        let err = import("t.csv", text).unwrap_err().to_string();
        assert!(
            err.starts_with("t.csv:2:21: expected a number within"),
            "{err}"
        );
    }

    #[test]
    fn tables_with_ids_do_not_carry_their_own_targets() {
        assert!(!carries_targets("id,indicator,target,actual\n"));
        assert!(is_target_table("id,indicator,target,actual\n"));
        assert!(!carries_targets("project,indicator,actual\n"));
    }
}
