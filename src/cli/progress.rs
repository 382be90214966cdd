//! A progress bar on stderr for long runs: only on a terminal, never in pipes, files or tests.

use std::borrow::Cow;
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Stages done out of stages to do, with what is being done now.
pub struct Progress(ProgressBar);

impl Progress {
    /// A bar of `stages` stages; hidden when `quiet` or when stderr is not a terminal.
    pub fn new(stages: u64, quiet: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress(ProgressBar::hidden());
        }
        let bar = ProgressBar::with_draw_target(Some(stages), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{elapsed:>4} [{bar:24}] {pos}/{len} {msg}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress(bar)
    }

    /// Starts the next stage (the first call starts the first).
    pub fn stage(&self, doing: impl Into<Cow<'static, str>>) {
        if self.0.message().is_empty() {
            self.0.set_message(doing);
            return;
        }
        self.0.inc(1);
        self.0.set_message(doing);
    }

    /// Runs `print` with the bar cleared, so that lines on stderr are not drawn over.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        self.0.suspend(print)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
