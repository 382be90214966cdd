//! `kpi template`: the actuals form to fill for a set of targets.

use std::path::PathBuf;
use std::process::ExitCode;

use kpi::Result;

use super::output;

/// Write the actuals form (实际完成值) to fill for a set of targets.
///
/// One row per indicator and one budget execution row per project, with the targets for
/// reference. Fill `actual` (and `note`, `completed`, `budget`, `score` where they apply) and
/// give the file to `kpi eval`. The form is CSV in UTF-8 with a byte-order mark, so that Excel
/// reads its Chinese.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kpi template -o actuals-2024.csv\n  kpi template --targets targets.kpi -o actuals.csv"
)]
pub struct Args {
    /// The targets: a spec, the JSON model or a disclosure; the embedded 2024 spec when left out.
    #[arg(long, value_name = "FILE")]
    targets: Option<PathBuf>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let targets = output::read_targets(
        args.targets.as_deref(),
        (kpi::embedded::SPEC_NAME, kpi::embedded::SPEC),
    )?;
    let (name, imported) = (&targets.name, &targets.imported);
    for note in &imported.notes {
        output::warn(&note.render(name));
    }
    // The BOM tells Excel the file is UTF-8; `kpi` reads the form with or without it.
    let content = format!(
        "\u{feff}{}",
        kpi::report::template::template(&imported.department)
    );
    output::write(args.output.as_deref(), &content)?;
    Ok(ExitCode::SUCCESS)
}
