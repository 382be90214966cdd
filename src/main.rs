//! The `kpi` binary: parse the command line, run, print, map errors to exit codes.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
