//! `kpi eval`: score year-end actuals against targets and report.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use kpi::eval::{Evaluation, Options};
use kpi::profile::Profile;
use kpi::report::eval::Report;
use kpi::{Error, Result};
use rust_decimal::Decimal;

use super::output::{self, Color, use_color};
use super::progress::Progress;

/// Score year-end actuals (实际完成值) against their targets by the rules of specs/scoring.md and
/// report per indicator, project, unit and the department.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kpi eval examples/actuals-2024.csv\n  kpi eval actuals.csv --targets disclosure.txt --format json -o report.json\n  kpi eval actuals.csv --as-of 2024-06-30 --profile hubei\n  kpi eval actuals.csv --strict --fail-under 80"
)]
pub struct Args {
    /// The actuals: a CSV with a header row (see `kpi template`).
    actuals: PathBuf,
    /// The targets: a disclosure text, a spec or the JSON model; the embedded 2024 targets when
    /// left out.
    #[arg(long, value_name = "FILE")]
    targets: Option<PathBuf>,
    /// The scoring profile: national, hubei, or a profile file (specs/profiles/README.md).
    #[arg(long, default_value = "national", value_name = "NAME|FILE")]
    profile: String,
    /// The evaluation date for mid-year monitoring (S11); the end of the evaluated year by default.
    #[arg(long, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// The evaluated year; the targets' year by default.
    #[arg(long)]
    year: Option<i32>,
    /// Let a claimed score with a note replace the rule score (S16).
    #[arg(long)]
    accept_claimed: bool,
    /// The report's format.
    /// [default: by the extension of -o (.md .json .csv .html .xlsx), else text]
    #[arg(long, short, value_enum)]
    format: Option<Format>,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when a project scores below N.
    #[arg(long, value_name = "N")]
    fail_under: Option<Decimal>,
    /// Exit with 1 when any row is 未填报 or 需说明.
    #[arg(long)]
    strict: bool,
    /// Threads for reading the targets and the actuals, scoring and writing JSON; one per core
    /// (at most 8) by default, and 1 for a run on one thread. The report is the same whatever
    /// the number.
    #[arg(long, short, value_name = "N")]
    jobs: Option<std::num::NonZeroUsize>,
    /// The actuals' encoding: utf-8, gbk or gb18030 (detected when left out).
    #[arg(long, value_name = "NAME")]
    encoding: Option<String>,
    /// Colour the text report: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Do not print warnings.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// A readable table per project, then units and the department.
    Text,
    /// The same as Markdown.
    Md,
    /// JSON (specs/report.schema.json).
    Json,
    /// One row per indicator and per budget execution.
    Csv,
    /// One self-contained web page with charts (no network needed to open it).
    Html,
    /// A workbook in the layout of the 项目支出绩效自评表: a summary, a sheet per project and per
    /// unit (needs -o, or a pipe).
    Xlsx,
}

pub(super) fn profile(name: &str) -> Result<Profile> {
    if let Some(profile) = Profile::builtin(name) {
        return Ok(profile);
    }
    let path = PathBuf::from(name);
    if !path.exists() {
        return Err(Error::Input {
            file: name.to_owned(),
            message: "expected a profile: national, hubei, or a profile file; found neither"
                .to_owned(),
            help: Some("see specs/profiles/README.md for the file format".to_owned()),
        });
    }
    let text = output::read_text(&path)?;
    Profile::parse(&text).map_err(|e| match e.line {
        Some(line) => Error::At {
            file: name.to_owned(),
            line,
            message: e.message,
            help: None,
        },
        None => Error::Input {
            file: name.to_owned(),
            message: e.message,
            help: None,
        },
    })
}

fn encoding(name: Option<&str>) -> Result<Option<&'static encoding_rs::Encoding>> {
    let Some(name) = name else {
        return Ok(None);
    };
    encoding_rs::Encoding::for_label(name.as_bytes())
        .map(Some)
        .ok_or_else(|| Error::Input {
            file: "--encoding".to_owned(),
            message: format!("expected an encoding such as utf-8, gbk or gb18030, found `{name}`"),
            help: None,
        })
}

/// The format an output file's extension names: `report.xlsx` is a workbook.
fn by_extension(path: Option<&std::path::Path>) -> Format {
    let extension = path
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("md" | "markdown") => Format::Md,
        Some("json") => Format::Json,
        Some("csv") => Format::Csv,
        Some("html" | "htm") => Format::Html,
        Some("xlsx") => Format::Xlsx,
        _ => Format::Text,
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let profile = profile(&args.profile)?;
    let actuals_name = args.actuals.display().to_string();
    let progress = Progress::new(if args.targets.is_some() { 4 } else { 5 }, args.quiet);
    let read_options = kpi::actuals::ReadOptions {
        encoding: encoding(args.encoding.as_deref())?,
        jobs: args.jobs,
    };
    // What the file is decided by its columns: a table that names its own targets (and no ids)
    // is read on its own unless --targets is given. Given targets are imported while the
    // actuals' bytes are read (one after the other on one thread); an error in the targets is
    // the one reported.
    let (targets_name, imported, bytes) = match &args.targets {
        Some(path) => {
            progress.stage(format!("reading the targets and {actuals_name}"));
            let (targets, bytes) = kpi::jobs::both(
                args.jobs,
                || output::read_targets(Some(path), ("", ""), args.jobs),
                || output::read_bytes(&args.actuals),
            );
            let (name, imported) = targets?.into_imported(args.jobs);
            (name, imported, bytes?)
        }
        None => {
            progress.stage(format!("reading {actuals_name}"));
            let bytes = output::read_bytes(&args.actuals)?;
            progress.stage("reading the targets");
            if kpi::import::table::bytes_carry_targets(&bytes, read_options.encoding) {
                let imported =
                    kpi::import::table::import_bytes(&actuals_name, &bytes, read_options.encoding)?;
                (actuals_name.clone(), imported, bytes)
            } else {
                let imported = kpi::import::import(kpi::embedded::SPEC_NAME, kpi::embedded::SPEC)?;
                (kpi::embedded::SPEC_NAME.to_owned(), imported, bytes)
            }
        }
    };
    let model = imported.department;
    progress.stage(format!("matching {actuals_name} to {targets_name}"));
    // The bytes are handed over: freed as soon as the rows are read.
    let actuals = kpi::actuals::read_releasing(
        &actuals_name,
        bytes,
        output::FileBytes::release,
        &model,
        &profile,
        &read_options,
    )?;

    let mut options = Options::new(profile, &targets_name);
    options.year = args.year;
    options.as_of = args.as_of;
    options.accept_claimed = args.accept_claimed;
    options.jobs = args.jobs;
    progress.stage("scoring");
    let evaluation = kpi::eval::evaluate(&model, &actuals, &options)?;

    if !args.quiet {
        for note in &evaluation.notes {
            progress
                .suspend(|| output::warn(&note.render_in(&actuals_name, actuals.places.as_ref())));
        }
        let warnings = imported
            .notes
            .iter()
            .filter(|n| n.severity == kpi::import::Severity::Warning)
            .count();
        if warnings > 0 {
            progress.suspend(|| output::warn(&format!(
                "{targets_name}: {warnings} warnings while reading the targets (see `kpi import {targets_name}`)"
            )));
        }
    }

    let report = Report {
        model: &model,
        evaluation: &evaluation,
        actuals: &actuals,
        targets: &targets_name,
    };
    let format = args
        .format
        .unwrap_or_else(|| by_extension(args.output.as_deref()));
    progress.stage("writing the report");
    let path = args.output.as_deref();
    let rendered: Vec<u8> = match format {
        Format::Text => {
            let color = args.output.is_none() && use_color(args.color);
            kpi::report::eval::text(&report, color).into_bytes()
        }
        Format::Md => kpi::report::eval::markdown(&report).into_bytes(),
        // The largest format is written as it is built.
        Format::Json => Vec::new(),
        Format::Csv => kpi::report::eval::csv(&report).into_bytes(),
        Format::Html => kpi::report::eval::html(&report).into_bytes(),
        Format::Xlsx => {
            if args.output.is_none() && std::io::stdout().is_terminal() {
                return Err(Error::Input {
                    file: "--format xlsx".to_owned(),
                    message: "expected a file to write the workbook to, found a terminal"
                        .to_owned(),
                    help: Some("add -o report.xlsx".to_owned()),
                });
            }
            kpi::report::eval::xlsx(&report)?
        }
    };
    output::write_with(path, |out| match format {
        Format::Json => kpi::report::eval::write_json(&report, out, args.jobs),
        _ => out.write_all(&rendered),
    })?;
    let code = exit_code(&model, &evaluation, args.fail_under, args.strict);
    // The process ends next: freeing a province's million rows one by one would take a
    // sizeable part of a second for nothing.
    std::mem::forget((model, evaluation, actuals));
    Ok(code)
}

/// 0 when the report is written; 1 when `--fail-under` or `--strict` finds what they look for,
/// saying on stderr what it found.
fn exit_code(
    model: &kpi::model::Department,
    evaluation: &Evaluation,
    fail_under: Option<Decimal>,
    strict: bool,
) -> ExitCode {
    let mut failed = false;
    if let Some(n) = fail_under {
        let below: Vec<String> = evaluation
            .projects
            .iter()
            .filter(|p| p.table.total < n)
            .map(|p| format!("{} ({:.2})", model.projects[p.project].name, p.table.total))
            .collect();
        if !below.is_empty() {
            failed = true;
            output::warn(&format!(
                "--fail-under {n}: {} projects score below {n}: {}",
                below.len(),
                below.join(", ")
            ));
        }
    }
    // Counted only when asked for: a pass over a province's million rows.
    let strict_failures = if strict {
        evaluation.strict_failures()
    } else {
        0
    };
    if strict_failures > 0 {
        failed = true;
        output::warn(&format!(
            "--strict: {strict_failures} rows are 未填报 or 需说明 (see the report's 状态 and 标记)"
        ));
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
