//! The command line (clap). Each subcommand is glue: read input, call the library, write output.

mod check;
mod eval;
mod generate;
mod import;
mod lint;
mod output;
mod progress;
mod template;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Exit codes: 0 done, 1 a check failed (`--fail-under`, `--strict`), 2 bad input.
pub const EXIT_BAD_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "kpi",
    version,
    about = "Score performance targets (绩效目标) of Chinese budget disclosures",
    long_about = "kpi reads the performance-target tables of a budget disclosure (表16 部门（单位）整体绩效目标表, \
表17 项目（政策）绩效目标表) into typed targets, and scores year-end actuals against them (绩效自评) by the \
official rules.",
    after_help = "Examples:\n  kpi eval examples/actuals-2024.csv    score actuals against the embedded 2024 targets\n  kpi template -o actuals.csv           the form to fill in\n  kpi import disclosure.txt --format spec -o targets.kpi\n  kpi check targets.kpi\n  kpi lint disclosure.txt"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Eval(eval::Args),
    Import(import::Args),
    Template(template::Args),
    Check(check::Args),
    Lint(lint::Args),
    /// Write a generated data set for benchmarks.
    #[command(hide = true)]
    Generate(generate::Args),
    /// Print a shell completion script.
    #[command(after_help = "Example:\n  kpi completions bash > /etc/bash_completion.d/kpi")]
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Eval(args) => eval::run(args),
        Command::Import(args) => import::run(args),
        Command::Template(args) => template::run(args),
        Command::Check(args) => check::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "kpi", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            let accounting = match &error {
                kpi::Error::Counted { accounting, .. } => Some(accounting.clone()),
                _ => None,
            };
            output::warn(&format!("{:?}", miette::Report::new(error)));
            if let Some(accounting) = accounting {
                output::warn(&accounting);
            }
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}
