//! Parsing: text → typed values. The target grammar (`grammar/target.ebnf`), the spec format
//! (`grammar/spec.md`), and the normalisation every comparison of names goes through.

pub mod normalize;
pub mod target;
