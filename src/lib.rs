//! `kpi`: a performance-indicator evaluation engine for Chinese budget performance targets
//! (绩效目标表).
//!
//! Data flows one way: [`syntax`] (text → targets) → [`model`] (department, units, projects,
//! indicators) → [`import`] (documents → model) → evaluation → [`report`] → the CLI. [`text`] holds
//! the normalisation every layer compares names with.

pub mod actuals;
pub mod embedded;
pub mod error;
pub mod eval;
pub mod import;
pub mod model;
pub mod profile;
pub mod report;
pub mod syntax;
pub mod text;

pub use error::{Error, Result};
