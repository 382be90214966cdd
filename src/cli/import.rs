//! `kpi import`: a targets document → the model, as a summary, JSON or a spec.

use std::path::PathBuf;
use std::process::ExitCode;

use kpi::Result;

use super::output;

/// Read a budget disclosure (or a spec, or the JSON model) and show the targets it holds.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kpi import\n  kpi import disclosure.txt --format json -o model.json\n  kpi import disclosure.txt --format spec > targets.kpi"
)]
pub struct Args {
    /// The document; the embedded 2024 disclosure when left out.
    file: Option<PathBuf>,
    /// What to write.
    #[arg(long, short, value_enum, default_value_t = Format::Summary)]
    format: Format,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Do not list what the importer repaired, row by row.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Counts and row accounting, for people.
    Summary,
    /// The model as JSON (specs/model.schema.json).
    Json,
    /// The canonical spec (grammar/spec.md).
    Spec,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let targets = output::read_targets(
        args.file.as_deref(),
        (kpi::embedded::DISCLOSURE_NAME, kpi::embedded::DISCLOSURE),
        None,
    )?;
    let (name, imported) = (&targets.name, &targets.imported);
    if !args.quiet {
        for note in &imported.notes {
            output::warn(&note.render_in(name, imported.places.as_ref()));
        }
    }
    let content = match args.format {
        Format::Summary => kpi::report::import::summary(imported),
        Format::Json => kpi::report::import::json(imported, targets.text()?.as_deref()),
        Format::Spec => kpi::syntax::spec::print(&imported.department),
    };
    output::write(args.output.as_deref(), &content)?;
    Ok(ExitCode::SUCCESS)
}
