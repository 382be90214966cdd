//! How many threads a stage runs on. Stages split their work into contiguous shares and join
//! them in order, so their output is the same bytes whatever the count.

use std::num::NonZeroUsize;

/// At most this many threads by default: beyond it, writing the output is the bottleneck.
const DEFAULT_MAX: usize = 8;

/// The threads for `tasks` independent pieces of work: `requested`, or one per core (at most 8)
/// when none is; never more than there are tasks, at least one.
pub fn workers(requested: Option<NonZeroUsize>, tasks: usize) -> usize {
    let threads = requested.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get().min(DEFAULT_MAX)),
        NonZeroUsize::get,
    );
    threads.min(tasks).max(1)
}

/// `first()` and `second()`, at once on two threads unless `requested` is one thread (then one
/// after the other); `second` is the caller's when it panics.
pub fn both<A, B: Send>(
    requested: Option<NonZeroUsize>,
    first: impl FnOnce() -> A,
    second: impl FnOnce() -> B + Send,
) -> (A, B) {
    if workers(requested, 2) < 2 {
        let a = first();
        return (a, second());
    }
    std::thread::scope(|scope| {
        let running = scope.spawn(second);
        let a = first();
        let b = running
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (a, b)
    })
}

/// A rayon pool of `threads` threads; none for one thread (or when the system gives none).
fn pool(threads: usize) -> Option<rayon::ThreadPool> {
    (threads > 1)
        .then(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .ok()
        })
        .flatten()
}

/// Elements a thread moves at least when joining parts: below it a thread costs more.
const MOVES_PER_THREAD: usize = 1 << 16;

/// `first` with each of `rest` appended, in order, the moves spread over up to `requested`
/// threads (rayon writes each element into its place in `first`'s spare room). Joining a
/// province's parts moves a hundred megabytes into memory the system has yet to hand over, page
/// by page: on one thread that was a tenth of a run.
pub(crate) fn concat<T: Send>(
    mut first: Vec<T>,
    rest: Vec<Vec<T>>,
    requested: Option<NonZeroUsize>,
) -> Vec<T> {
    use rayon::iter::ParallelExtend;
    let moves: usize = rest.iter().map(Vec::len).sum();
    first.reserve(moves);
    match pool(workers(requested, moves / MOVES_PER_THREAD)) {
        Some(pool) => pool.install(|| {
            for part in rest {
                first.par_extend(part);
            }
        }),
        None => {
            for part in rest {
                first.extend(part);
            }
        }
    }
    first
}

/// `f` over `items` on up to `requested` threads, in contiguous shares of at least `per_thread`
/// items (a few a thread, which a thread that is done takes from the others, as parts of a text
/// are), each share with its own state from `init`; the results in the items' order.
pub(crate) fn map_in_shares<T: Send, S, U: Send>(
    mut items: Vec<T>,
    requested: Option<NonZeroUsize>,
    per_thread: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, T) -> U + Sync,
) -> Vec<U> {
    let most = items.len() / per_thread.max(1);
    let threads = workers(requested, most);
    let wanted = match threads {
        1 => 1,
        threads => (threads * PARTS_PER_THREAD).min(most).max(threads),
    };
    let share = items.len().div_ceil(wanted).max(1);
    // Shares of `share` items, the last one shorter: never an empty one.
    let count = items.len().div_ceil(share).max(1);
    let mut shares = Vec::with_capacity(count);
    for k in (1..count).rev() {
        shares.push(items.split_off(k * share));
    }
    shares.push(items);
    shares.reverse();
    let (init, f) = (&init, &f);
    let map = move |share: Vec<T>| -> Vec<U> {
        let mut state = init();
        share.into_iter().map(|item| f(&mut state, item)).collect()
    };
    let mut mapped: Vec<Vec<U>> = map_each(pool(threads.min(count)).as_ref(), shares, map);
    let rest = mapped.split_off(1.min(mapped.len()));
    let first = mapped.pop().unwrap_or_default();
    concat(first, rest, requested)
}

/// A text is read in parts of at least this many bytes: below it a part costs more than it
/// saves.
pub(crate) const PART_BYTES: usize = 1 << 18;

/// Parts a thread reads at least, when there are more threads than one: a thread that is done
/// takes the next part left, where with a part a thread the stage waited for the slower one (a
/// tenth of a second, one core idle, at a million rows: the cores of this kind of machine do not
/// run at one speed).
const PARTS_PER_THREAD: usize = 4;

/// A part of a large text is about this long, so that the last part read, with the other threads
/// done, is short (some 30 ms).
const PART_TARGET_BYTES: usize = 4 << 20;

/// The parts to read `len` bytes in, on at most `requested` threads.
pub(crate) fn parts_for(requested: Option<NonZeroUsize>, len: usize, part_bytes: usize) -> usize {
    let most = len / part_bytes.max(1);
    match workers(requested, most) {
        1 => 1,
        threads => (threads * PARTS_PER_THREAD)
            .max(len / PART_TARGET_BYTES)
            .min(most),
    }
}

/// Where the parts of `text[from..]` start: `from`, then, for each further part, the first line
/// from its share of the bytes on that `starts_part` accepts (given the line without its `\n`).
/// Fewer starts than `parts` when there are fewer such lines. Shares are counted in bytes, which
/// costs nothing: counting lines took a pass over the whole text before any part could start.
pub(crate) fn part_starts(
    text: &str,
    from: usize,
    parts: usize,
    starts_part: impl Fn(&str) -> bool,
) -> Vec<usize> {
    let bytes = text.as_bytes();
    starts_at_shares(bytes.len(), from, parts, |share| {
        // The first line that begins at or after the share's first byte.
        let mut at = if share == 0 || bytes[share - 1] == b'\n' {
            share
        } else {
            memchr::memchr(b'\n', &bytes[share..]).map_or(bytes.len(), |i| share + i + 1)
        };
        while at < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
            if starts_part(&text[at..end]) {
                return Some(at);
            }
            at = end + 1;
        }
        None
    })
}

/// Where the parts of `len` bytes from `from` start: `from`, then, for each further part, the
/// start `first_start` finds from its share of the bytes on (and past the start before it),
/// unless that is no later than the start before; fewer starts once it finds none.
pub(crate) fn starts_at_shares(
    len: usize,
    from: usize,
    parts: usize,
    first_start: impl Fn(usize) -> Option<usize>,
) -> Vec<usize> {
    let mut starts = vec![from];
    let from = from.min(len);
    for k in 1..parts.max(1) {
        let last = starts[starts.len() - 1];
        let share = from + (len - from) * k / parts;
        if share.max(last + 1) >= len {
            break;
        }
        match first_start(share.max(last + 1)) {
            Some(at) if at > last => starts.push(at),
            Some(_) => {}
            None => break,
        }
    }
    starts
}

/// The shard of a hash among `shards`, by bits hashbrown uses for neither a bucket (the low ones)
/// nor a tag (the top seven), so that each shard's table sees hashes as spread as one table would.
pub(crate) fn shard_of(hash: u64, shards: usize) -> usize {
    (hash >> 32) as usize % shards
}

/// One part of a text, as [`in_parts`] hands it to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Part {
    /// Its bytes, `start..end` (whole lines where the text is read by lines).
    pub start: usize,
    pub end: usize,
    /// The 1-based line of `start`.
    pub line: usize,
    /// The line breaks in it.
    pub breaks: usize,
}

/// Reads each part `starts[k]..` of `text` (to the next start, the last to the end), each with
/// its `state`, on up to `requested` threads, each taking the next part left; the results in the
/// parts' order. The line breaks of each part are counted first, on the same threads, so that no
/// part counts the lines before it. A panic in a part is the caller's.
pub(crate) fn in_parts<S: Send, T: Send>(
    states: Vec<S>,
    text: &str,
    starts: &[usize],
    requested: Option<NonZeroUsize>,
    read: impl Fn(S, Part) -> T + Sync,
) -> Vec<T> {
    let ranges: Vec<(usize, usize)> = starts
        .iter()
        .copied()
        .zip(starts.iter().skip(1).copied().chain([text.len()]))
        .collect();
    let count =
        |&(start, end): &(usize, usize)| crate::text::line_breaks(&text.as_bytes()[start..end]);
    debug_assert_eq!(states.len(), starts.len(), "a state for each part");
    let pool = pool(workers(requested, ranges.len()));
    let breaks: Vec<usize> = map_each(pool.as_ref(), ranges.clone(), |range| count(&range));
    let mut line = starts
        .first()
        .map_or(1, |&first| crate::text::line_at(text, first));
    let mut parts = Vec::with_capacity(ranges.len());
    for (&(start, end), &breaks) in ranges.iter().zip(&breaks) {
        parts.push(Part {
            start,
            end,
            line,
            breaks,
        });
        line += breaks;
    }
    let work: Vec<(S, Part)> = states.into_iter().zip(parts).collect();
    map_each(pool.as_ref(), work, |(state, part)| read(state, part))
}

/// `f` of each of `items`, in order: on `pool` one item a task, so that a thread that is done
/// takes the next item left; on the calling thread without one.
fn map_each<T: Send, U: Send>(
    pool: Option<&rayon::ThreadPool>,
    items: Vec<T>,
    f: impl Fn(T) -> U + Sync,
) -> Vec<U> {
    use rayon::prelude::*;
    match pool {
        Some(pool) => pool.install(|| items.into_par_iter().with_max_len(1).map(&f).collect()),
        None => items.into_iter().map(f).collect(),
    }
}

/// `f` of each of `items`, each on a thread of its own; the results in the items' order. A
/// panic on a thread is the caller's.
pub(crate) fn each_on_a_thread<T: Send, U: Send>(
    items: Vec<T>,
    f: impl Fn(T) -> U + Sync,
) -> Vec<U> {
    let f = &f;
    std::thread::scope(|scope| {
        let running: Vec<_> = items
            .into_iter()
            .map(|item| scope.spawn(move || f(item)))
            .collect();
        running
            .into_iter()
            .map(|r| r.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_joined_in_order_on_any_threads() {
        let parts = |sizes: &[usize]| -> Vec<Vec<String>> {
            let mut next = 0;
            sizes
                .iter()
                .map(|&n| {
                    next += n;
                    (next - n..next).map(|i| i.to_string()).collect()
                })
                .collect()
        };
        for sizes in [&[3, 0, 5][..], &[0, 200_000, 1, 70_000], &[10]] {
            let expected: Vec<String> = parts(sizes).concat();
            for threads in [1, 2, 3, 8] {
                let mut all = parts(sizes).into_iter();
                let first = all.next().unwrap_or_default();
                let joined = concat(first, all.collect(), NonZeroUsize::new(threads));
                assert!(joined == expected, "{sizes:?} on {threads} threads");
            }
        }
    }

    #[test]
    fn shares_are_mapped_in_order_each_with_its_own_state() {
        let cases = [0, 1, 7, 25, 100, 1001]
            .into_iter()
            .flat_map(|len| [1, 2, 3, 8].map(|threads| (len, threads)))
            .flat_map(|(len, threads)| [1, 3, 10].map(|per| (len, threads, per)));
        for (len, threads, per) in cases {
            let items: Vec<usize> = (0..len).collect();
            // The state counts the items its share has seen.
            let mapped = map_in_shares(
                items,
                NonZeroUsize::new(threads),
                per,
                || 0,
                |seen, item| {
                    *seen += 1;
                    (item, *seen)
                },
            );
            let order: Vec<usize> = mapped.iter().map(|&(item, _)| item).collect();
            assert_eq!(order, (0..len).collect::<Vec<_>>(), "{len} on {threads}");
            // A share counts from one: its items are one run of 1, 2, 3 … None is empty,
            // there are no more than threads, and all but the last have the same length.
            let mut runs: Vec<usize> = Vec::new();
            for &(_, seen) in &mapped {
                if seen == 1 {
                    runs.push(1);
                } else {
                    let last = runs.last_mut().expect("a share starts at one");
                    assert_eq!(seen, *last + 1);
                    *last += 1;
                }
            }
            assert!(
                runs.len() <= (threads * PARTS_PER_THREAD).max(1),
                "{len} on {threads}: {runs:?}"
            );
            // At least `per` items a share, but for the last.
            if let Some((_, whole)) = runs.split_last() {
                assert!(
                    whole.iter().all(|&n| n >= per),
                    "{len} on {threads}: {runs:?}"
                );
            }
            assert_eq!(runs.is_empty(), len == 0);
            if let Some((last, whole)) = runs.split_last() {
                assert!(whole.iter().all(|&n| n == whole[0] && n >= *last));
            }
        }
    }

    #[test]
    fn a_few_parts_a_thread_of_about_four_megabytes_in_large_texts() {
        let two = NonZeroUsize::new(2);
        // One thread reads in one piece; below two parts' bytes there is one part.
        assert_eq!(parts_for(NonZeroUsize::new(1), 100 << 20, PART_BYTES), 1);
        assert_eq!(parts_for(two, PART_BYTES, PART_BYTES), 1);
        // At least four a thread, as far as parts of PART_BYTES go.
        assert_eq!(parts_for(two, 3 * PART_BYTES, PART_BYTES), 3);
        assert_eq!(parts_for(two, 10 * PART_BYTES, PART_BYTES), 8);
        // A large text in parts of about PART_TARGET_BYTES.
        assert_eq!(parts_for(two, 100 * PART_TARGET_BYTES, PART_BYTES), 100);
    }

    #[test]
    fn never_more_threads_than_tasks_and_at_least_one() {
        let four = NonZeroUsize::new(4);
        assert_eq!(workers(four, 10), 4);
        assert_eq!(workers(four, 3), 3);
        assert_eq!(workers(four, 0), 1);
        assert!((1..=DEFAULT_MAX).contains(&workers(None, 100)));
    }

    #[test]
    fn parts_start_at_accepted_lines_after_their_share_in_order() {
        let text = "head\na\nb\nproject 1\nc\nproject 2\nd\n";
        assert_eq!(part_starts(text, 5, 1, |_| true), vec![5]);
        // The 28 bytes from `a` in halves: the second share begins at byte 19, a line's start.
        assert_eq!(part_starts(text, 5, 2, |_| true), vec![5, 19]);
        let project = |line: &str| line.starts_with("project");
        // The 33 bytes from `head` in halves: the share begins inside `project 1`; the next line,
        // `c`, is no project, so the part starts at `project 2`.
        assert_eq!(part_starts(text, 0, 2, project), vec![0, 21]);
        // In thirds: the second share moves to `project 2` too; the third (from `project 2`'s
        // line) has no project after it: fewer parts.
        assert_eq!(part_starts(text, 0, 3, project), vec![0, 21]);
        // In sevenths: shares that move to the same project are one part.
        assert_eq!(part_starts(text, 0, 7, project), vec![0, 9, 21]);
        assert_eq!(part_starts("a\nb\nc\n", 0, 3, |_| false), vec![0]);
        // More parts than lines: each start once, in order.
        assert_eq!(part_starts("a\nb\n", 0, 5, |_| true), vec![0, 2]);
        assert_eq!(part_starts("a", 0, 3, |_| true), vec![0]);
    }

    #[test]
    fn parts_are_read_with_their_lines_in_order_on_any_threads() {
        let text = "head\na\nb\nproject 1\nc\nproject 2\nd\n";
        for threads in [1, 2, 3, 8] {
            let read = in_parts(
                vec!['x', 'y', 'z'],
                text,
                &[5, 9, 21],
                NonZeroUsize::new(threads),
                |state, part| {
                    assert_eq!(part.line, crate::text::line_at(text, part.start));
                    let lines = &text[part.start..part.end];
                    assert_eq!(part.breaks, lines.matches('\n').count());
                    format!("{state}{lines}")
                },
            );
            assert_eq!(read, ["xa\nb\n", "yproject 1\nc\n", "zproject 2\nd\n"]);
        }
    }
}
