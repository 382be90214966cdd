//! A deterministic data generator for benchmarks and tests: a department of any size, with its
//! targets as a model, a spec, the JSON model and a disclosure text in the seed's layout, and a
//! matching actuals form.
//!
//! The same options give the same bytes on every machine. The model looks like the seed: about
//! ten rows a project under 产出指标 (数量/质量/时效/成本指标), 效益指标 and, mostly, 满意度指标; every
//! operator and ranges, about one row in five qualitative, every family of units (counts, also
//! with 万; money in 元, 万元 and 亿元; percent; area; durations; mass; energy), a few empty
//! categories and rows not applicable; ids are the ones the importers assign.
//!
//! ```
//! use kpi::generate::{Options, department, disclosure_text};
//!
//! let model = department(&Options::new(20, 7));
//! let mut text = Vec::new();
//! disclosure_text(&model, &mut text).unwrap();
//! let imported = kpi::import::import_disclosure("generated.txt", std::str::from_utf8(&text).unwrap()).unwrap();
//! assert_eq!(imported.department.without_provenance(), model);
//! ```

mod actuals;
mod catalogue;
mod disclosure;
mod model;
mod rng;
mod words;

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::model::Department;
use crate::model::json::ModelDoc;

/// The budget year of every generated department.
const YEAR: i32 = 2024;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Projects (表17 tables), each with 8–12 indicator rows.
    pub projects: usize,
    /// The seed: the same seed gives the same model.
    pub seed: u64,
    /// Budget units (表16 tables); 0 means the default, `projects / 50` and at least 1.
    pub units: usize,
}

impl Options {
    /// `projects` projects from `seed`, with the default number of units.
    pub fn new(projects: usize, seed: u64) -> Options {
        Options {
            projects,
            seed,
            units: Options::default_units(projects),
        }
    }

    /// `projects / 50`, at least 1.
    pub fn default_units(projects: usize) -> usize {
        (projects / 50).max(1)
    }

    fn unit_count(&self) -> usize {
        if self.units == 0 {
            Options::default_units(self.projects)
        } else {
            self.units
        }
    }
}

/// The department `options` describe, with ids assigned as the importers assign them.
pub fn department(options: &Options) -> Department {
    model::department(options)
}

/// The actuals form for `model`, filled in from `seed`: CSV in UTF-8 with a BOM, in the layout
/// of `kpi template` (`crate::report::template::HEADER`), rows matched by id. About nine rows
/// in ten carry an actual; every row is one `crate::actuals::read` accepts.
pub fn actuals_csv(model: &Department, seed: u64, out: &mut impl Write) -> io::Result<()> {
    actuals::write(model, seed, out)
}

/// `model` as a disclosure text in the seed's 表16/表17 layout, which
/// `crate::import::import_disclosure` reads back to the same model (apart from provenance).
pub fn disclosure_text(model: &Department, out: &mut impl Write) -> io::Result<()> {
    disclosure::write(model, out)
}

/// `model` as a spec (`grammar/spec.md`), as `crate::syntax::spec::print` writes it.
pub fn spec_text(model: &Department, out: &mut impl Write) -> io::Result<()> {
    out.write_all(crate::syntax::spec::print(model).as_bytes())
}

/// `model` as the JSON model (`specs/model.schema.json`), compact, with a final newline: what
/// `kpi import targets.kpi --format json` writes, without the indentation.
pub fn json_model(model: &Department, out: &mut impl Write) -> io::Result<()> {
    let indicators = model.indicator_count();
    let doc = JsonModel {
        model: ModelDoc::new(model, None),
        notes: Vec::new(),
        accounting: JsonAccounting {
            rows_seen: indicators,
            indicators,
            set_aside: BTreeMap::new(),
            other_lines: 0,
        },
    };
    serde_json::to_writer(&mut *out, &doc)?;
    out.write_all(b"\n")
}

/// The document `kpi import --format json` writes: the model, the importer's notes (none for a
/// model read from a structured document) and its row accounting.
#[derive(Serialize)]
struct JsonModel {
    #[serde(flatten)]
    model: ModelDoc,
    notes: Vec<()>,
    accounting: JsonAccounting,
}

#[derive(Serialize)]
struct JsonAccounting {
    rows_seen: usize,
    indicators: usize,
    set_aside: BTreeMap<&'static str, usize>,
    other_lines: usize,
}

#[cfg(test)]
mod tests;
