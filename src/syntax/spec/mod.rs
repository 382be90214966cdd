//! The spec: `kpi`'s canonical, human-editable targets file (`grammar/spec.md`).
//!
//! One statement a line, keyword first; indentation is for people. [`print`] writes a model as a
//! spec and [`parse`] reads it back to the same model (apart from provenance).

mod parse;
mod print;

pub use parse::{SpecNote, looks_like_spec, parse, parse_with_jobs};
pub use print::print;

/// The first statement of every spec.
pub const MAGIC: &str = "kpi-spec";
pub const VERSION: u32 = 1;
