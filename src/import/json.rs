//! The JSON model (`kpi import --format json`) → model.

use std::str::FromStr;

use rust_decimal::Decimal;

use serde::Deserialize;
use serde::de::{Deserializer, SeqAccess, Visitor};

use crate::model::json::{CategoryDoc, DepartmentDoc, Text, read};
use crate::model::{
    BudgetLine, Category, Deadline, Department, Direction, Indicator, Measure, Name, Names,
    Operator, Project, Target, Unit,
};
use crate::syntax::target::{parse_deadline, parse_operator};

fn unit(u: read::UnitDoc<'_>, seen: &mut Seen) -> Result<Unit, String> {
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
        indicators: indicators(u.indicators, seen)?,
        empty_categories: u.empty_categories.into_iter().map(category).collect(),
        allow: u.allow.into(),
        source: None,
    })
}

fn project(p: read::ProjectDoc<'_>, seen: &mut Seen) -> Result<Project, String> {
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
        indicators: indicators(p.indicators, seen)?,
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
pub struct ModelIn<'a> {
    department: DepartmentDoc,
    #[serde(borrow)]
    units: Vec<read::UnitDoc<'a>>,
    projects: ProjectsIn,
}

impl ModelIn<'_> {
    /// The model the document describes; an error names the element that is wrong, units
    /// before projects.
    pub fn department(self) -> Result<Department, String> {
        let units = units(self.units, &mut Seen::default())?;
        if let Some(message) = self.projects.error {
            return Err(message);
        }
        Ok(department(self.department, units, self.projects.projects))
    }
}

/// The document with its projects as raw JSON, each parsed and converted later on its own.
#[derive(Deserialize)]
struct ModelRaw<'a> {
    department: DepartmentDoc,
    #[serde(borrow)]
    units: Vec<read::UnitDoc<'a>>,
    #[serde(borrow)]
    projects: Vec<&'a serde_json::value::RawValue>,
}

/// Fewer projects than this a thread are parsed on one thread.
const PROJECTS_PER_SHARE: usize = 2000;

/// The model of a JSON document, read in parts on up to `jobs` threads where it can be (a
/// province's document is a quarter of a gigabyte, and serde reads it on one), or with its
/// projects parsed and converted in shares. `None` when anything in it is wrong: [`ModelIn`],
/// read on one thread, then says what and where, as it always has.
pub fn read_in_shares(text: &str, jobs: Option<std::num::NonZeroUsize>) -> Option<Department> {
    read_in_parts_of(text, jobs, crate::jobs::PART_BYTES)
        .or_else(|| read_in_shares_of(text, jobs, PROJECTS_PER_SHARE))
}

/// The document up to a part's start, closed: its projects so far, with what comes before them.
/// `projects` must be its last key: the `]}` that closes it then closes the projects and the
/// document, and not some other list that follows them.
struct Head<'a> {
    department: DepartmentDoc,
    units: Vec<read::UnitDoc<'a>>,
    projects: Vec<read::ProjectDoc<'a>>,
}

impl<'de> Deserialize<'de> for Head<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = Head<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("the JSON model up to one of its projects")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Head<'de>, A::Error> {
                use serde::de::Error;
                let (mut department, mut units, mut projects) = (None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    if projects.is_some() {
                        return Err(A::Error::custom("a key after the projects"));
                    }
                    let twice = match key.as_str() {
                        "department" => department.replace(map.next_value()?).is_some(),
                        "units" => units.replace(map.next_value()?).is_some(),
                        "projects" => projects.replace(map.next_value()?).is_some(),
                        _ => map.next_value::<serde::de::IgnoredAny>().map(|_| false)?,
                    };
                    if twice {
                        return Err(A::Error::custom(format!("`{key}` twice")));
                    }
                }
                Ok(Head {
                    department: department.ok_or_else(|| A::Error::missing_field("department"))?,
                    units: units.ok_or_else(|| A::Error::missing_field("units"))?,
                    projects: projects.ok_or_else(|| A::Error::missing_field("projects"))?,
                })
            }
        }
        deserializer.deserialize_map(Keys)
    }
}

/// The keys that may follow the projects: none that [`ModelIn`] reads, whatever their values
/// (a second `units`, even `null`, is a key one reading finds twice).
fn tail_is_unread(tail: &str) -> bool {
    serde_json::from_str::<std::collections::BTreeMap<String, serde::de::IgnoredAny>>(tail)
        .is_ok_and(|keys| {
            ["department", "units", "projects"]
                .iter()
                .all(|read| !keys.contains_key(*read))
        })
}

/// White space as JSON has it: not a form feed, which `u8::is_ascii_whitespace` takes.
fn is_json_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// What a part of the document reads: the head (the first part), and its projects.
type PartRead = (Option<(DepartmentDoc, Vec<Unit>)>, Vec<Project>);

/// The document read in parts at once, each part from the comma before a project on (the first
/// from the start), without reading the whole document first to find where its projects are.
/// Each part is read as what it must be in its place: the first, closed after its last project,
/// as a document; the others as projects separated by commas, each part ending exactly where the
/// next starts, and the last followed by the end of the list and keys [`ModelIn`] does not read.
/// With the head's last key the projects, every part is read where it stands in the document,
/// and JSON read so is the document read in one piece; anything else (a start inside a string or
/// a nested object, a key after the projects, a wrong value) is `None`.
fn read_in_parts_of(
    text: &str,
    jobs: Option<std::num::NonZeroUsize>,
    part_bytes: usize,
) -> Option<Department> {
    let parts = crate::jobs::parts_for(jobs, text.len(), part_bytes);
    if parts < 2 {
        return None;
    }
    // A share that starts between a comma and its project finds that comma again: no new start.
    let starts =
        crate::jobs::starts_at_shares(text.len(), 0, parts, |share| project_after(text, share));
    if starts.len() < 2 {
        return None;
    }
    let states = vec![(); starts.len()];
    let read = crate::jobs::in_parts(states, text, &starts, jobs, |(), part| {
        if part.start == 0 {
            read_head(text, part.end)
        } else {
            read_projects(text, part.start, part.end)
        }
    });
    let mut read = read
        .into_iter()
        .collect::<Option<Vec<PartRead>>>()?
        .into_iter();
    let (head, first) = read.next()?;
    let (doc, units) = head?;
    let rest = read.map(|(_, projects)| projects).collect();
    Some(department(
        doc,
        units,
        crate::jobs::concat(first, rest, jobs),
    ))
}

/// The first comma between two projects before a key `"id"` at or after `from` (the comma may
/// come before `from`): `}`, `,`, `{` and the key, white space between any of them, where what
/// follows the comma reads as a project.
fn project_after(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let skip_back = |mut at: usize| {
        while at > 0 && is_json_space(bytes[at - 1]) {
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
fn one_project(text: &str, at: usize) -> Option<(read::ProjectDoc<'_>, usize)> {
    let mut stream =
        serde_json::Deserializer::from_str(&text[at..]).into_iter::<read::ProjectDoc<'_>>();
    let doc = stream.next()?.ok()?;
    Some((doc, at + stream.byte_offset()))
}

/// The first part: the document up to `end` (a comma before a project) closed there.
fn read_head(text: &str, end: usize) -> Option<PartRead> {
    let closed = format!("{}]}}", &text[..end]);
    let head: Head = serde_json::from_str(&closed).ok()?;
    let mut seen = Seen::default();
    let units = units(head.units, &mut seen).ok()?;
    let projects = head
        .projects
        .into_iter()
        .map(|p| project(p, &mut seen))
        .collect::<Result<_, _>>()
        .ok()?;
    Some((Some((head.department, units)), projects))
}

/// A later part: the projects after the comma at `start`, up to the comma at `end` or, in the
/// last part (`end` is the text's end), to the end of the list and the document.
fn read_projects(text: &str, start: usize, end: usize) -> Option<PartRead> {
    let bytes = text.as_bytes();
    let mut seen = Seen::default();
    let mut projects = Vec::new();
    let mut at = start + 1;
    loop {
        let (doc, after) = one_project(text, at)?;
        projects.push(project(doc, &mut seen).ok()?);
        let next = after + bytes[after..].iter().position(|&b| !is_json_space(b))?;
        match bytes[next] {
            b',' if next == end => return Some((None, projects)),
            b',' if next < end => at = next + 1,
            b']' if end == text.len() => {
                let tail = format!("{{\"_\":0{}", &text[next + 1..]);
                return tail_is_unread(&tail).then_some((None, projects));
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
    let units = units(raw.units, &mut Seen::default()).ok()?;
    let projects =
        crate::jobs::map_in_shares(raw.projects, jobs, per_share, Seen::default, |seen, raw| {
            let doc: read::ProjectDoc<'_> = serde_json::from_str(raw.get()).ok()?;
            project(doc, seen).ok()
        });
    let projects = projects.into_iter().collect::<Option<_>>()?;
    Some(department(raw.department, units, projects))
}

/// The department a document describes, from its parts once converted.
fn department(doc: DepartmentDoc, units: Vec<Unit>, projects: Vec<Project>) -> Department {
    Department {
        name: doc.name,
        year: doc.year,
        allow: doc.allow.into(),
        units,
        projects,
    }
}

/// A document's units, converted in order; the first that cannot be is the error.
fn units(docs: Vec<read::UnitDoc<'_>>, seen: &mut Seen) -> Result<Vec<Unit>, String> {
    docs.into_iter().map(|u| unit(u, seen)).collect()
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
                let mut seen = Seen::default();
                while let Some(doc) = seq.next_element::<read::ProjectDoc<'de>>()? {
                    if error.is_none() {
                        match project(doc, &mut seen) {
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

fn indicator(doc: read::IndicatorDoc<'_>, seen: &mut Seen) -> Result<Indicator, String> {
    let this = doc;
    let at = |field: &str| format!("indicator {}: {field}", this.id);
    let number = |field: &str, value: &Option<Text<'_>>| -> Result<Decimal, String> {
        let text = value
            .as_deref()
            .ok_or_else(|| format!("{} is missing", at(field)))?;
        Decimal::from_str(text).map_err(|_| format!("{} is not a number: {text:?}", at(field)))
    };
    let measure = this
        .measure
        .as_deref()
        .and_then(|text| seen.measure.read(text, |text| Some(Measure::parse(text))));
    let target = match &*this.kind {
        "compare" => {
            let op_text = this.operator.as_deref().unwrap_or_default();
            let op: Operator = seen
                .operator
                .read(op_text, parse_operator)
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
        "qualitative" => {
            Target::Qualitative(this.value.clone().map(String::from).unwrap_or_default())
        }
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
            seen.deadline
                .read(text, parse_deadline)
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
        id: this.id.0.into(),
        level1: Seen::name(&mut seen.level1, &mut seen.names, &this.level1),
        level2: Seen::name(&mut seen.level2, &mut seen.names, &this.level2),
        name: this.name.0.into(),
        target,
        deadline,
        direction,
        weight,
        allow: this.allow.into(),
        source: None,
    })
}

fn indicators(
    docs: Vec<read::IndicatorDoc<'_>>,
    seen: &mut Seen,
) -> Result<Vec<Indicator>, String> {
    // A vector of its own: collecting `docs.into_iter()` would reuse the documents' allocation,
    // which is larger (an `IndicatorDoc` is bigger than an `Indicator`) and would stay the
    // model's for the run: 300 MB on a province's million indicators.
    let mut indicators = Vec::with_capacity(docs.len());
    for doc in docs {
        indicators.push(indicator(doc, seen)?);
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

/// What converting keeps from one indicator to the next: the names read so far, and the last
/// names, measure, operator and deadline read, which the next indicator most often repeats: a
/// text compared costs less than one hashed or parsed again.
#[derive(Default)]
struct Seen {
    names: Names,
    level1: Option<Name>,
    level2: Option<Name>,
    measure: Last<Measure>,
    operator: Last<Operator>,
    deadline: Last<Deadline>,
}

impl Seen {
    /// The name of `text` from `names`, by way of the last one read in its place.
    fn name(last: &mut Option<Name>, names: &mut Names, text: &str) -> Name {
        match last {
            Some(name) if name.as_str() == text => name.clone(),
            _ => last.insert(names.name(text)).clone(),
        }
    }
}

/// The last text read and what it read as.
struct Last<T> {
    text: String,
    value: Option<T>,
}

impl<T> Default for Last<T> {
    fn default() -> Self {
        Last {
            text: String::new(),
            value: None,
        }
    }
}

impl<T: Clone> Last<T> {
    /// What `read` reads `text` as: the last value again if `text` is the last text.
    fn read(&mut self, text: &str, read: impl FnOnce(&str) -> Option<T>) -> Option<T> {
        if let Some(value) = &self.value
            && self.text == text
        {
            return Some(value.clone());
        }
        let value = read(text)?;
        self.text.clear();
        self.text.push_str(text);
        self.value = Some(value.clone());
        Some(value)
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
        // A project's end and the next one's start, in the middle of the document.
        let between = json.len() / 2
            + json[json.len() / 2..]
                .find("}]},{\"id\"")
                .expect("a project");
        let compared = "\"operator\":\">=\",\"value\":\"";
        let middle_value = json.len() / 2
            + json[json.len() / 2..].find(compared).expect("a value")
            + compared.len();
        let wrong = [
            // A value that does not convert, a value of the wrong type, a document cut short.
            json.replacen("\"value\":\"1\"", "\"value\":\"x1\"", 1),
            json.replacen("\"name\":\"", "\"name\":5,\"x\":\"", 3),
            json[..json.len() - 10].to_owned(),
            // The same in the middle of the document, where a later part reads it.
            format!("{}x{}", &json[..middle_value], &json[middle_value..]),
            // A key after the projects that one reading would find twice, whatever its value.
            format!("{},\"units\":[]}}", &json[..close + 1]),
            format!("{},\"units\":null}}", &json[..close + 1]),
            // A form feed, which JSON does not take for white space, between two projects.
            format!("{}\u{c}{}", &json[..between + 3], &json[between + 3..]),
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
        // Projects under a key after the projects are no projects, however many there are and
        // wherever the parts start.
        let archived = json.replacen("\"projects\":[", "\"projects\":[],\"archive\":[", 1);
        let whole = serde_json::from_str::<super::ModelIn>(&archived)
            .unwrap()
            .department()
            .unwrap();
        assert!(whole.projects.is_empty());
        let read = parts(&archived);
        assert!(read.is_none() || read == Some(whole));
    }

    proptest::proptest! {
        /// The last value read is what reading its text again reads, and a name the name
        /// `Names` holds, whatever texts come in whatever order.
        #[test]
        fn what_was_seen_reads_as_reading_again(
            texts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "2024-12", "2024-12-31", "2024年底", "2024-13", "x", "", ">=", "≥", "不低于",
                    "<", "%", "万户", "个", "ab",
                ]),
                0..40,
            )
        ) {
            let mut seen = super::Seen::default();
            for text in texts {
                proptest::prop_assert_eq!(
                    seen.deadline.read(text, super::parse_deadline),
                    super::parse_deadline(text)
                );
                proptest::prop_assert_eq!(
                    seen.operator.read(text, super::parse_operator),
                    super::parse_operator(text)
                );
                let measure = seen.measure.read(text, |t| Some(crate::model::Measure::parse(t)));
                proptest::prop_assert_eq!(measure, Some(crate::model::Measure::parse(text)));
                let name = super::Seen::name(&mut seen.level1, &mut seen.names, text);
                proptest::prop_assert!(std::ptr::eq(name.as_str(), seen.names.name(text).as_str()));
            }
        }
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
