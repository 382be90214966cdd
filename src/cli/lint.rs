//! `kpi lint`: review targets before anyone is scored against them.

use std::path::PathBuf;
use std::process::ExitCode;

use kpi::Result;

use super::output::{self, Color, use_color};

/// Review the targets of a disclosure, a spec or a table: directions that contradict the
/// indicator, shares above 100 %, units that do not fit the name, cost ceilings above the budget,
/// missing or empty categories, vague targets, and for a full disclosure 表9 (项目支出预算表)
/// against 表17. Exit 1 when an error-level finding exists, 0 otherwise, 2 for unreadable input.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Every rule, its severity and how to silence it: specs/lint.md. A spec silences a finding with \
`allow CODE` in its department, unit or project block, or on an indicator row.\n\nExamples:\n  \
kpi lint examples/disclosure-2024.txt\n  kpi lint targets.kpi --format json -o lint.json\n  \
kpi lint disclosure.txt --allow-from targets.kpi"
)]
pub struct Args {
    /// The document: a disclosure text, a spec, a table of targets or the JSON model; the
    /// embedded 2024 disclosure when left out.
    file: Option<PathBuf>,
    /// What to write.
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also silence what this spec's `allow`s silence (matched by project and indicator ids and
    /// unit codes): for a disclosure or table, which cannot carry `allow` itself.
    #[arg(long, value_name = "SPEC")]
    allow_from: Option<PathBuf>,
    /// Colour the text: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Compiler-style diagnostics and a summary line.
    Text,
    /// JSON (specs/lint.schema.json).
    Json,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let targets = output::read_targets(
        args.file.as_deref(),
        (kpi::embedded::DISCLOSURE_NAME, kpi::embedded::DISCLOSURE),
        None,
    )?;
    let allows = match &args.allow_from {
        Some(path) => Some(
            output::read_targets(Some(path), ("", ""), None)?
                .imported
                .department,
        ),
        None => None,
    };
    let lint = kpi::lint::lint(&targets.imported, &targets.name, allows.as_ref());
    let content = match args.format {
        Format::Text => {
            let color = args.output.is_none() && use_color(args.color);
            kpi::report::lint::text(&lint, color)
        }
        Format::Json => kpi::report::lint::json(&lint),
    };
    output::write(args.output.as_deref(), content)?;
    Ok(if lint.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
