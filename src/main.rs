//! The `kpi` binary: parse the command line, run, print, map errors to exit codes.

mod cli;

// A province's run allocates millions of small strings; mimalloc keeps that cheap. Heap
// profilers (heaptrack) see the system allocator only: build with `--features system-alloc`.
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
