//! The `kpi` binary: parse the command line, run, print, map errors to exit codes.

mod cli;

// A province's run allocates millions of small strings; mimalloc keeps that cheap. Heap
// profilers (heaptrack) see the system allocator only: build with `--features system-alloc`.
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOCATOR: Mimalloc = Mimalloc;

/// mimalloc, asked for its plain `mi_malloc` where that is aligned enough. The `mimalloc` crate
/// asks `mi_malloc_aligned` for every allocation, which looks for a block of the alignment
/// first; a province's run makes some 30 million allocations, nearly all aligned to 8 bytes or
/// less.
#[cfg(not(feature = "system-alloc"))]
struct Mimalloc;

/// Whether mimalloc's plain entry points align a block as `layout` asks: every mimalloc block is
/// a multiple of a word (8 bytes) from a word-aligned start, and mimalloc's own aligned
/// reallocation takes its plain path up to that alignment. (Not so in a mimalloc built with its
/// `MI_GUARDED` debugging and precise guards, which this build never asks for.)
#[cfg(not(feature = "system-alloc"))]
fn plain(layout: std::alloc::Layout) -> bool {
    layout.align() <= std::mem::size_of::<usize>()
}

// SAFETY: every block comes from mimalloc and goes back to `mi_free`, which takes blocks from
// either entry point. Which entry point serves a block depends on its alignment alone, which a
// reallocation keeps: a block aligned beyond a word is only ever resized by the aligned
// `mi_realloc_aligned`, never by `mi_realloc`, which would not keep that alignment.
#[cfg(not(feature = "system-alloc"))]
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if plain(layout) {
            // SAFETY: a plain allocation; mimalloc aligns it as `plain` requires.
            unsafe { libmimalloc_sys::mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: as `mimalloc::MiMalloc` does.
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if plain(layout) {
            // SAFETY: as in `alloc`.
            unsafe { libmimalloc_sys::mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: as `mimalloc::MiMalloc` does.
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from mimalloc.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if plain(layout) {
            // SAFETY: `ptr` came from mimalloc; the new block is plain as well.
            unsafe { libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            // SAFETY: as `mimalloc::MiMalloc` does.
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

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

#[cfg(all(test, not(feature = "system-alloc")))]
mod tests {
    use std::alloc::{GlobalAlloc, Layout};

    use super::Mimalloc;

    /// A block of `layout` from `Mimalloc`, checked for its alignment and filled with its
    /// offsets' low bytes.
    ///
    /// # Safety
    /// `layout` has a size above zero.
    unsafe fn filled(layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout; written within its size.
        unsafe {
            let block = Mimalloc.alloc(layout);
            assert!(!block.is_null());
            assert_eq!(block as usize % layout.align(), 0, "{layout:?}");
            for i in 0..layout.size() {
                block.add(i).write(i as u8);
            }
            block
        }
    }

    /// Every block is aligned as asked, by either entry point, and keeps its bytes when it
    /// grows or shrinks.
    #[test]
    fn blocks_are_aligned_as_asked_and_keep_their_bytes_when_resized() {
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            // Small, medium and large blocks, and a huge one (beyond 512 KiB) of its own.
            for size in [1, 3, 7, 8, 9, 15, 16, 24, 40, 100, 1000, 70_000, 600_000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                for new_size in [size.div_ceil(2), size * 3] {
                    // SAFETY: sizes above zero; each block is read within its size and freed
                    // once, with its layout.
                    unsafe {
                        let resized = Mimalloc.realloc(filled(layout), layout, new_size);
                        assert!(!resized.is_null());
                        assert_eq!(resized as usize % align, 0, "{layout:?} → {new_size}");
                        let kept = size.min(new_size);
                        assert!((0..kept).all(|i| resized.add(i).read() == i as u8));
                        Mimalloc
                            .dealloc(resized, Layout::from_size_align(new_size, align).unwrap());
                    }
                }
                // SAFETY: as above.
                unsafe {
                    // A block just written and freed is the likeliest to come back.
                    Mimalloc.dealloc(filled(layout), layout);
                    let zeroed = Mimalloc.alloc_zeroed(layout);
                    assert!(!zeroed.is_null());
                    assert_eq!(zeroed as usize % align, 0, "{layout:?}");
                    assert!((0..size).all(|i| zeroed.add(i).read() == 0));
                    Mimalloc.dealloc(zeroed, layout);
                }
            }
        }
    }
}
