//! The `kpi` binary: parse the command line, run, print, map errors to exit codes.

mod cli;

// A province's run allocates millions of small strings; mimalloc keeps that cheap. Heap
// profilers (heaptrack) see the system allocator only: build with `--features system-alloc`.
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: 15 in both its v2 and v3 option enums, between the
/// `eager_commit_delay` (14) and `use_numa_nodes` (16) that the bindings name.
#[cfg(not(feature = "system-alloc"))]
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // Freed memory goes back to the system after 10 ms (mimalloc v2's default) instead of v3's
    // second (ten for a whole arena): a province's run frees its index and parsed text while
    // its results grow, and held on, they were 15 MB of its peak (BENCHMARKS.md). 0 gave back
    // 12 MB more for a tenth more time.
    // A delay set in the environment is mimalloc's own and stays.
    #[cfg(not(feature = "system-alloc"))]
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets an option before any other thread runs; mimalloc reads it as it purges.
        unsafe {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 10);
        }
    }
    cli::main()
}
