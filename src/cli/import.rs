//! `kpi import`: a targets document → the model, as a summary, JSON or a spec.

use std::path::PathBuf;
use std::process::ExitCode;

use kpi::Result;
use kpi::import::Imported;

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

/// The named file, or the embedded disclosure; with the name messages use.
pub fn source(file: Option<&std::path::Path>) -> Result<(String, String)> {
    match file {
        Some(path) => Ok((path.display().to_string(), output::read_text(path)?)),
        None => Ok((
            kpi::embedded::DISCLOSURE_NAME.to_owned(),
            kpi::embedded::DISCLOSURE.to_owned(),
        )),
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let (name, text) = source(args.file.as_deref())?;
    let imported: Imported = kpi::import::import(&name, &text)?;
    if !args.quiet {
        for note in &imported.notes {
            output::warn(&note.render(&name));
        }
    }
    let content = match args.format {
        Format::Summary => kpi::report::import::summary(&imported),
        Format::Json => kpi::report::import::json(&imported, Some(&text)),
        Format::Spec => kpi::syntax::spec::print(&imported.department),
    };
    output::write(args.output.as_deref(), &content)?;
    Ok(ExitCode::SUCCESS)
}
