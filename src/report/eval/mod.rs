//! Evaluation results → text, Markdown, JSON, CSV. Renderers format what the evaluator computed;
//! they never recompute a score.

use crate::actuals::Actuals;
use crate::eval::Evaluation;
use crate::model::Department;

/// Everything a report shows.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub model: &'a Department,
    pub evaluation: &'a Evaluation,
    pub actuals: &'a Actuals,
    /// How the targets were named (a file, or the embedded default).
    pub targets: &'a str,
}
