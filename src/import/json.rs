//! The JSON model (`kpi import --format json`) → model.

use std::str::FromStr;

use rust_decimal::Decimal;

use serde::Deserialize;
use serde::de::{Deserializer, SeqAccess, Visitor};

use crate::model::json::{CategoryDoc, DepartmentDoc, IndicatorDoc, ProjectDoc, UnitDoc};
use crate::model::{
    BudgetLine, Category, Deadline, Department, Direction, Indicator, Measure, Names, Operator,
    Project, Target, Unit,
};
use crate::syntax::target::{parse_deadline, parse_operator};

fn unit(u: UnitDoc, names: &mut Names) -> Result<Unit, String> {
    let budget_lines = u
        .budget_lines
        .into_iter()
        .map(|line| {
            Ok(BudgetLine {
                amount: Decimal::from_str(&line.amount).map_err(|_| {
                    format!(
                        "unit {}: budget line amount is not a number: {:?}",
                        u.code, line.amount
                    )
                })?,
                name: line.name,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(Unit {
        code: u.code,
        name: u.name,
        goal: u.goal,
        budget_lines,
        indicators: indicators(u.indicators, names)?,
        empty_categories: u.empty_categories.into_iter().map(category).collect(),
        allow: u.allow.into(),
        source: None,
    })
}

fn project(p: ProjectDoc, names: &mut Names) -> Result<Project, String> {
    let budget = match &p.budget {
        Some(text) => Some(
            Decimal::from_str(text)
                .map_err(|_| format!("project {}: budget is not a number: {text:?}", p.id))?,
        ),
        None => None,
    };
    Ok(Project {
        id: p.id,
        name: p.name,
        unit: p.unit,
        budget,
        goal: p.goal,
        indicators: indicators(p.indicators, names)?,
        empty_categories: p.empty_categories.into_iter().map(category).collect(),
        allow: p.allow.into(),
        source: None,
    })
}

/// The JSON model as read by the importer: each project becomes the model's as soon as it is
/// read, so a province's document never stands in memory beside its model. An element that is
/// wrong is reported after the document is read, as the first wrong element, by its id: serde
/// knows where an element ends, not where it starts.
#[derive(Deserialize)]
pub struct ModelIn {
    department: DepartmentDoc,
    units: Vec<UnitDoc>,
    projects: ProjectsIn,
}

impl ModelIn {
    /// The model the document describes; an error names the element that is wrong, units
    /// before projects.
    pub fn department(self) -> Result<Department, String> {
        let mut names = Names::default();
        let units = self
            .units
            .into_iter()
            .map(|u| unit(u, &mut names))
            .collect::<Result<_, _>>()?;
        if let Some(message) = self.projects.error {
            return Err(message);
        }
        Ok(Department {
            name: self.department.name,
            year: self.department.year,
            allow: self.department.allow.into(),
            units,
            projects: self.projects.projects,
        })
    }
}

/// The document with its projects as raw JSON, each parsed and converted later on its own.
#[derive(Deserialize)]
struct ModelRaw<'a> {
    department: DepartmentDoc,
    units: Vec<UnitDoc>,
    #[serde(borrow)]
    projects: Vec<&'a serde_json::value::RawValue>,
}

/// Fewer projects than this a thread are parsed on one thread.
const PROJECTS_PER_SHARE: usize = 2000;

/// The model of a JSON document, its projects parsed and converted on up to `jobs` threads (a
/// province's document is a quarter of a gigabyte, and serde reads it on one). `None` when
/// anything in it is wrong: [`ModelIn`], read on one thread, then says what and where, as it
/// always has.
pub fn read_in_shares(text: &str, jobs: Option<std::num::NonZeroUsize>) -> Option<Department> {
    read_in_parts_of(text, jobs, crate::jobs::PART_BYTES)
        .or_else(|| read_in_shares_of(text, jobs, PROJECTS_PER_SHARE))
}

/// The document up to a part's start, closed: its projects so far, with what comes before them.
#[derive(Deserialize)]
struct Head {
    department: DepartmentDoc,
    units: Vec<UnitDoc>,
    projects: Vec<ProjectDoc>,
}

/// What follows the projects: nothing [`ModelIn`] reads, or it would have found a key twice.
#[derive(Deserialize)]
struct Tail {
    department: Option<serde::de::IgnoredAny>,
    units: Option<serde::de::IgnoredAny>,
    projects: Option<serde::de::IgnoredAny>,
}

/// What a part of the document reads: the head (the first part), and its projects.
type PartRead = (Option<(DepartmentDoc, Vec<Unit>)>, Vec<Project>);

/// The document read in parts at once, each part from the comma before a project on (the first
/// from the start), without reading the whole document first to find where its projects are.
/// Each part is read as what it must be in its place: the first, closed after its last project,
/// as a document; the others as projects separated by commas, each part ending exactly where the
/// next starts, and the last followed by the end of the list and keys [`ModelIn`] does not read.
/// JSON read so is the document read in one piece, since a part can be read in its place only
/// if it is there; where one is not (a start inside a string, a key after the projects), `None`.
fn read_in_parts_of(
    text: &str,
    jobs: Option<std::num::NonZeroUsize>,
    part_bytes: usize,
) -> Option<Department> {
    let parts = crate::jobs::parts_for(jobs, text.len(), part_bytes);
    if parts < 2 {
        return None;
    }
    let mut starts = vec![0];
    for k in 1..parts {
        let share = text.len() * k / parts;
        let last = starts[starts.len() - 1];
        let Some(comma) = project_after(text, share.max(last + 1)) else {
            break;
        };
        // A share that starts between a comma and its project finds that comma again.
        if comma > last {
            starts.push(comma);
        }
    }
    if starts.len() < 2 {
        return None;
    }
    let ends: Vec<usize> = starts[1..].iter().copied().chain([text.len()]).collect();
    let states: Vec<usize> = ends;
    let read = crate::jobs::in_parts(states, text, &starts, jobs, |end, part| {
        if part.start == 0 {
            read_head(text, end)
        } else {
            read_projects(text, part.start, end)
        }
    });
    let mut read = read
        .into_iter()
        .collect::<Option<Vec<PartRead>>>()?
        .into_iter();
    let (head, first) = read.next()?;
    let (department, units) = head?;
    let rest = read.map(|(_, projects)| projects).collect();
    Some(Department {
        name: department.name,
        year: department.year,
        allow: department.allow.into(),
        units,
        projects: crate::jobs::concat(first, rest, jobs),
    })
}

/// The first comma at or after `from` that stands between two projects: `}`, `,`, `{` and the
/// key `"id"` (white space between any of them) where what follows the comma reads as a project.
fn project_after(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let skip_back = |mut at: usize| {
        while at > 0 && bytes[at - 1].is_ascii_whitespace() {
            at -= 1;
        }
        at
    };
    for key in memchr::memmem::find_iter(bytes.get(from..)?, b"\"id\"") {
        let key = from + key;
        let brace = skip_back(key);
        if brace == 0 || bytes[brace - 1] != b'{' {
            continue;
        }
        let comma = skip_back(brace - 1);
        if comma == 0 || bytes[comma - 1] != b',' {
            continue;
        }
        let before = skip_back(comma - 1);
        if before == 0 || bytes[before - 1] != b'}' {
            continue;
        }
        // An indicator starts so too; it has no `unit` and no `indicators`.
        if one_project(text, brace - 1).is_some() {
            return Some(comma - 1);
        }
    }
    None
}

/// The project that starts at `at` and where it ends.
fn one_project(text: &str, at: usize) -> Option<(ProjectDoc, usize)> {
    let mut stream = serde_json::Deserializer::from_str(&text[at..]).into_iter::<ProjectDoc>();
    let doc = stream.next()?.ok()?;
    Some((doc, at + stream.byte_offset()))
}

/// The first part: the document up to `end` (a comma before a project) closed there.
fn read_head(text: &str, end: usize) -> Option<PartRead> {
    let closed = format!("{}]}}", &text[..end]);
    let head: Head = serde_json::from_str(&closed).ok()?;
    let mut names = Names::default();
    let units = head
        .units
        .into_iter()
        .map(|u| unit(u, &mut names))
        .collect::<Result<_, _>>()
        .ok()?;
    let projects = head
        .projects
        .into_iter()
        .map(|p| project(p, &mut names))
        .collect::<Result<_, _>>()
        .ok()?;
    Some((Some((head.department, units)), projects))
}

/// A later part: the projects after the comma at `start`, up to the comma at `end` or, in the
/// last part (`end` is the text's end), to the end of the list and the document.
fn read_projects(text: &str, start: usize, end: usize) -> Option<PartRead> {
    let bytes = text.as_bytes();
    let mut names = Names::default();
    let mut projects = Vec::new();
    let mut at = start + 1;
    loop {
        let (doc, after) = one_project(text, at)?;
        projects.push(project(doc, &mut names).ok()?);
        let next = after
            + bytes[after..]
                .iter()
                .position(|b| !b.is_ascii_whitespace())?;
        match bytes[next] {
            b',' if next == end => return Some((None, projects)),
            b',' if next < end => at = next + 1,
            b']' if end == text.len() => {
                let tail: Tail =
                    serde_json::from_str(&format!("{{\"_\":0{}", &text[next + 1..])).ok()?;
                let read_twice =
                    tail.department.is_some() || tail.units.is_some() || tail.projects.is_some();
                return (!read_twice).then_some((None, projects));
            }
            _ => return None,
        }
    }
}

fn read_in_shares_of(
    text: &str,
    jobs: Option<std::num::NonZeroUsize>,
    per_share: usize,
) -> Option<Department> {
    let raw: ModelRaw<'_> = serde_json::from_str(text).ok()?;
    let mut names = Names::default();
    let units = raw
        .units
        .into_iter()
        .map(|u| unit(u, &mut names))
        .collect::<Result<_, _>>()
        .ok()?;
    let projects = crate::jobs::map_in_shares(
        raw.projects,
        jobs,
        per_share,
        Names::default,
        |names, raw| {
            let doc: ProjectDoc = serde_json::from_str(raw.get()).ok()?;
            project(doc, names).ok()
        },
    );
    Some(Department {
        name: raw.department.name,
        year: raw.department.year,
        allow: raw.department.allow.into(),
        units,
        projects: projects.into_iter().collect::<Option<_>>()?,
    })
}

struct ProjectsIn {
    projects: Vec<Project>,
    /// The first project that could not be converted; the rest of the document is still read, so
    /// that a syntax error after it is reported first.
    error: Option<String>,
}

impl<'de> Deserialize<'de> for ProjectsIn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Projects;
        impl<'de> Visitor<'de> for Projects {
            type Value = ProjectsIn;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of projects")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ProjectsIn, A::Error> {
                let mut projects = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                let mut error = None;
                let mut names = Names::default();
                while let Some(doc) = seq.next_element::<ProjectDoc>()? {
                    if error.is_none() {
                        match project(doc, &mut names) {
                            Ok(project) => projects.push(project),
                            Err(message) => error = Some(message),
                        }
                    }
                }
                Ok(ProjectsIn { projects, error })
            }
        }
        deserializer.deserialize_seq(Projects)
    }
}

fn indicator(doc: IndicatorDoc, names: &mut Names) -> Result<Indicator, String> {
    let this = doc;
    let at = |field: &str| format!("indicator {}: {field}", this.id);
    let number = |field: &str, value: &Option<String>| -> Result<Decimal, String> {
        let text = value
            .as_deref()
            .ok_or_else(|| format!("{} is missing", at(field)))?;
        Decimal::from_str(text).map_err(|_| format!("{} is not a number: {text:?}", at(field)))
    };
    let measure = this.measure.as_deref().map(Measure::parse);
    let target = match this.kind.as_str() {
        "compare" => {
            let op_text = this.operator.as_deref().unwrap_or_default();
            let op: Operator = parse_operator(op_text)
                .ok_or_else(|| format!("{} is not an operator: {op_text:?}", at("operator")))?;
            Target::Compare {
                op,
                value: number("value", &this.value)?,
                measure,
            }
        }
        "range" => Target::Range {
            low: number("value", &this.value)?,
            high: number("high", &this.high)?,
            measure,
        },
        "qualitative" => Target::Qualitative(this.value.clone().unwrap_or_default()),
        "not_applicable" => Target::NotApplicable,
        other => {
            return Err(format!(
                "{} must be compare, range, qualitative or not_applicable, not {other:?}",
                at("kind")
            ));
        }
    };
    let deadline: Option<Deadline> = match &this.deadline {
        Some(text) => Some(
            parse_deadline(text)
                .ok_or_else(|| format!("{} is not a deadline: {text:?}", at("deadline")))?,
        ),
        None => None,
    };
    let weight = match &this.weight {
        Some(_) => Some(number("weight", &this.weight)?),
        None => None,
    };
    let direction = match &this.direction {
        Some(text) => Some(
            Direction::from_keyword(text)
                .ok_or_else(|| format!("{} must be higher, lower or exact", at("direction")))?,
        ),
        None => None,
    };
    Ok(Indicator {
        id: this.id.into(),
        level1: names.name(&this.level1),
        level2: names.name(&this.level2),
        name: this.name.into(),
        target,
        deadline,
        direction,
        weight,
        allow: this.allow.into(),
        source: None,
    })
}

fn indicators(docs: Vec<IndicatorDoc>, names: &mut Names) -> Result<Vec<Indicator>, String> {
    // A vector of its own: collecting `docs.into_iter()` would reuse the documents' allocation,
    // which is larger (an `IndicatorDoc` is bigger than an `Indicator`) and would stay the
    // model's for the run: 300 MB on a province's million indicators.
    let mut indicators = Vec::with_capacity(docs.len());
    for doc in docs {
        indicators.push(indicator(doc, names)?);
    }
    Ok(indicators)
}

fn category(doc: CategoryDoc) -> Category {
    Category {
        level1: doc.level1,
        level2: doc.level2,
        source: None,
    }
}

#[cfg(test)]
mod tests {
    use crate::Error;
    use std::num::NonZeroUsize;

    fn seed_json() -> String {
        let imported =
            crate::import::import(crate::embedded::SPEC_NAME, crate::embedded::SPEC).unwrap();
        crate::report::import::json(&imported, None)
    }

    #[test]
    fn the_model_reads_back_project_by_project() {
        let json = seed_json();
        let back = crate::import::import("m.json", &json).unwrap().department;
        let original = crate::import::import(crate::embedded::SPEC_NAME, crate::embedded::SPEC)
            .unwrap()
            .department;
        assert_eq!(back.projects.len(), 57);
        let names = |d: &crate::model::Department| -> Vec<(String, usize)> {
            d.projects
                .iter()
                .map(|p| (p.id.clone(), p.indicators.len()))
                .collect()
        };
        assert_eq!(names(&back), names(&original));
    }

    #[test]
    fn projects_read_in_shares_are_the_model_read_on_one_thread() {
        let json = seed_json();
        let whole = serde_json::from_str::<super::ModelIn>(&json)
            .unwrap()
            .department()
            .unwrap();
        for jobs in [1, 2, 3, 8] {
            let shares = super::read_in_shares_of(&json, std::num::NonZeroUsize::new(jobs), 1);
            assert!(shares.as_ref() == Some(&whole), "--jobs {jobs}");
        }
        // Anything wrong is left to the reading on one thread, which says what and where.
        let wrong_value = json.replacen("\"value\": \"1\"", "\"value\": \"x1\"", 1);
        let wrong_type = json.replacen("\"name\": \"", "\"name\": 5, \"x\": \"", 1);
        let cut = &json[..json.len() - 10];
        for wrong in [wrong_value.as_str(), &wrong_type, cut] {
            assert!(super::read_in_shares_of(wrong, std::num::NonZeroUsize::new(2), 1).is_none());
        }
    }

    /// A generated department as the JSON model, written as `kpi generate` writes it (compact).
    fn generated_json(projects: usize) -> String {
        let model = crate::generate::department(&crate::generate::Options::new(projects, 7));
        let mut json = Vec::new();
        crate::generate::json_model(&model, &mut json).expect("writing into memory");
        String::from_utf8(json).expect("UTF-8")
    }

    #[test]
    fn the_model_read_in_parts_is_the_model_read_on_one_thread() {
        for json in [seed_json(), generated_json(40)] {
            let whole = serde_json::from_str::<super::ModelIn>(&json)
                .unwrap()
                .department()
                .unwrap();
            for (jobs, part_bytes) in [(2, 1), (3, 500), (8, 1), (2, json.len() / 3)] {
                let parts = super::read_in_parts_of(&json, NonZeroUsize::new(jobs), part_bytes);
                assert!(
                    parts.is_some(),
                    "--jobs {jobs}, parts of {part_bytes}: none"
                );
                assert!(
                    parts.as_ref() == Some(&whole),
                    "--jobs {jobs}, parts of {part_bytes}"
                );
            }
        }
    }

    #[test]
    fn a_model_that_cannot_be_read_in_its_parts_is_left_to_one_thread() {
        let json = generated_json(30);
        let parts = |text: &str| super::read_in_parts_of(text, NonZeroUsize::new(3), 1);
        assert!(parts(&json).is_some());
        let close = json.rfind("],\"notes\"").expect("the projects' end");
        let wrong = [
            // A value that does not convert, a value of the wrong type, a document cut short.
            json.replacen("\"value\":\"1\"", "\"value\":\"x1\"", 1),
            json.replacen("\"name\":\"", "\"name\":5,\"x\":\"", 3),
            json[..json.len() - 10].to_owned(),
            // A key after the projects that one reading would find twice.
            format!("{},\"units\":[]}}", &json[..close + 1]),
            // Something after the document.
            format!("{json} x"),
        ];
        for wrong in &wrong {
            assert!(
                parts(wrong).is_none(),
                "{}",
                &wrong[wrong.len().saturating_sub(80)..]
            );
            let whole = serde_json::from_str::<super::ModelIn>(wrong).map(|m| m.department());
            assert!(!matches!(whole, Ok(Ok(_))), "one reading rejects it too");
        }
        // A project inside a project (under a key the model does not read) is no part's start:
        // read from there, the part before would not end where it starts.
        let decoy = json.replace(
            ",\"indicators\":[",
            ",\"extra\":[{\"x\":1},{\"id\":\"d\",\"name\":\"d\",\"unit\":\"u\",\"indicators\":[]}],\"indicators\":[",
        );
        let whole = serde_json::from_str::<super::ModelIn>(&decoy)
            .unwrap()
            .department()
            .unwrap();
        let read = parts(&decoy);
        assert!(read.is_none() || read == Some(whole));
        // A name that looks like a project's start is only text.
        let quoted = json.replacen("\"name\":\"", "\"name\":\"},{\\\"id\\\":\\\"x\\\" ", 5);
        let whole = serde_json::from_str::<super::ModelIn>(&quoted)
            .unwrap()
            .department()
            .unwrap();
        assert!(parts(&quoted) == Some(whole));
    }

    #[test]
    fn a_wrong_element_is_named_by_its_id_and_a_later_syntax_error_comes_first() {
        let json = seed_json().replacen("\"value\": \"1\"", "\"value\": \"x1\"", 1);
        let Err(Error::Input { message, .. }) = crate::import::import("m.json", &json) else {
            panic!("a wrong value is an input error");
        };
        assert!(
            message.contains("value is not a number: \"x1\""),
            "{message}"
        );
        assert!(message.starts_with("indicator "), "{message}");
        // The same document cut short: its syntax error is the one reported.
        let cut = &json[..json.len() - 10];
        assert!(matches!(
            crate::import::import("m.json", cut),
            Err(Error::Located(_))
        ));
    }
}
