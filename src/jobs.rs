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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_more_threads_than_tasks_and_at_least_one() {
        let four = NonZeroUsize::new(4);
        assert_eq!(workers(four, 10), 4);
        assert_eq!(workers(four, 3), 3);
        assert_eq!(workers(four, 0), 1);
        assert!((1..=DEFAULT_MAX).contains(&workers(None, 100)));
    }
}
