//! The `kpi` binary: parse the command line, run, print, map errors to exit codes.

mod cli;

// A province's run allocates millions of small strings; mimalloc keeps that cheap.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
