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
    // No transparent huge pages: mimalloc asks for them on its arenas, and a huge page is
    // zeroed whole on its first touch and again after a purge of any part of it. On the
    // million rows that was twice the system time (2.2 against 0.9 s) and 20 MB more peak
    // (BENCHMARKS.md). The process flag, not mimalloc's option: its first arena is mapped
    // before `main`, and the kernel checks the flag at each fault. Its result is ignored: a
    // kernel without it keeps huge pages, which cost time, not correctness.
    #[cfg(all(target_os = "linux", not(feature = "system-alloc")))]
    // SAFETY: a plain system call on the calling process with integer arguments.
    unsafe {
        // The kernel reads each argument as an unsigned long.
        let (set, on, unused): (libc::c_int, libc::c_ulong, libc::c_ulong) =
            (libc::PR_SET_THP_DISABLE, 1, 0);
        libc::prctl(set, on, unused, unused, unused);
    }
    cli::main()
}
