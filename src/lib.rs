//! `kpi`: a performance-indicator evaluation engine for Chinese budget performance targets
//! (绩效目标表).
//!
//! Data flows one way. [`model`] holds the vocabulary (department, units, projects,
//! indicators, typed targets, units of measure); [`syntax`] parses text into those types (the
//! target grammar, the spec format, table columns, spreadsheets); [`import`] builds a model from
//! a document; [`actuals`] reads the year-end actuals against it; [`eval`] scores them by the
//! rules ([`profile`] holds the choices); [`lint`] reviews the targets themselves; [`report`]
//! renders the results. The CLI is a thin layer over these. [`text`] holds the normalisation
//! every layer compares names with.

pub mod actuals;
pub mod embedded;
pub mod error;
pub mod eval;
pub mod generate;
pub mod import;
pub mod jobs;
pub mod lint;
pub mod model;
pub mod profile;
pub mod report;
pub mod syntax;
pub mod text;

pub use error::{Error, Result};
