//! `kpi check`: validate a spec (or any targets document).

use std::path::PathBuf;
use std::process::ExitCode;

use kpi::Result;

use super::output;

/// Validate a targets file: a spec, the JSON model or a disclosure. Exit 0 when it reads, 2 when
/// it does not, with the place and the reason.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  kpi check examples/targets-2024.kpi")]
pub struct Args {
    /// The file to check.
    file: PathBuf,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let targets = output::read_targets(Some(&args.file), ("", ""), None)?;
    let (name, imported) = (&targets.name, &targets.imported);
    for note in &imported.notes {
        output::warn(&note.render_in(name, imported.places.as_ref()));
    }
    let d = &imported.department;
    output::write(
        None,
        format!(
            "{name}: ok: {} units, {} projects, {} indicators\n",
            d.units.len(),
            d.projects.len(),
            d.indicator_count()
        ),
    )?;
    Ok(ExitCode::SUCCESS)
}
