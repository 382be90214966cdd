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
/// reads its Chinese; with `-o FILE.xlsx` it is a workbook whose cells to fill are marked and
/// whose qualitative rows offer the tier words in a drop-down list.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kpi template -o actuals-2024.csv\n  kpi template -o actuals-2024.xlsx\n  kpi template --targets targets.kpi -o actuals.csv"
)]
pub struct Args {
    /// The targets: a spec, the JSON model or a disclosure; the embedded 2024 spec when left out.
    #[arg(long, value_name = "FILE")]
    targets: Option<PathBuf>,
    /// Write to this file (atomically) instead of standard output; a workbook when it ends in
    /// .xlsx.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The scoring profile whose tier words the workbook's drop-down lists offer.
    #[arg(long, default_value = "national", value_name = "NAME|FILE")]
    profile: String,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let targets = output::read_targets(
        args.targets.as_deref(),
        (kpi::embedded::SPEC_NAME, kpi::embedded::SPEC),
        None,
    )?;
    let (name, imported) = (&targets.name, &targets.imported);
    for note in &imported.notes {
        output::warn(&note.render_in(name, imported.places.as_ref()));
    }
    let workbook = args
        .output
        .as_ref()
        .and_then(|p| p.extension())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if workbook {
        let profile = super::eval::profile(&args.profile)?;
        let bytes = kpi::report::template_xlsx::template_xlsx(&imported.department, &profile)?;
        output::write(args.output.as_deref(), bytes)?;
        return Ok(ExitCode::SUCCESS);
    }
    // The BOM tells Excel the file is UTF-8; `kpi` reads the form with or without it.
    let content = format!(
        "\u{feff}{}",
        kpi::report::template::template(&imported.department)
    );
    output::write(args.output.as_deref(), &content)?;
    Ok(ExitCode::SUCCESS)
}
