//! Parsing: text → typed values. The target grammar (`grammar/target.ebnf`) and the spec format
//! (`grammar/spec.md`).

pub mod spec;
pub mod target;
