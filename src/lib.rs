//! `kpi`: a performance-indicator evaluation engine for Chinese budget performance targets
//! (绩效目标表).
//!
//! Data flows one way: [`syntax`] (text → targets) → [`model`] (department, units, projects,
//! indicators) → [`import`] (documents → model) → evaluation → [`report`] → the CLI.

pub mod model;
pub mod syntax;
