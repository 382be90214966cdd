//! Parsing: text → typed values. The target grammar (`grammar/target.ebnf`), the spec format
//! (`grammar/spec.md`), and the column names of tables (actuals forms, target tables).

pub(crate) mod columns;
pub(crate) mod forms;
pub mod spec;
pub mod table;
pub mod target;
pub mod workbook;
