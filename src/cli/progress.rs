//! A progress bar on stderr for long runs: only on a terminal, never in pipes, files or tests.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Stages done out of stages to do, with what is being done now.
pub struct Progress {
    bar: ProgressBar,
    /// With `KPI_TIMINGS` set, each stage's name and start, printed to stderr at the end: how
    /// BENCHMARKS.md splits a whole run into its stages.
    timings: Option<RefCell<Vec<Started>>>,
}

/// A stage, when it started, and the memory and CPU time before it.
type Started = (Cow<'static, str>, Instant, Option<String>);

impl Progress {
    /// A bar of `stages` stages; hidden when `quiet` or when stderr is not a terminal.
    pub fn new(stages: u64, quiet: bool) -> Progress {
        let timings = std::env::var_os("KPI_TIMINGS").map(|_| RefCell::new(Vec::new()));
        if quiet || !std::io::stderr().is_terminal() {
            return Progress {
                bar: ProgressBar::hidden(),
                timings,
            };
        }
        let bar = ProgressBar::with_draw_target(Some(stages), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{elapsed:>4} [{bar:24}] {pos}/{len} {msg}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar, timings }
    }

    /// Starts the next stage (the first call starts the first).
    pub fn stage(&self, doing: impl Into<Cow<'static, str>>) {
        let doing = doing.into();
        if let Some(timings) = &self.timings {
            timings
                .borrow_mut()
                .push((doing.clone(), Instant::now(), peak_memory()));
        }
        if self.bar.message().is_empty() {
            self.bar.set_message(doing);
            return;
        }
        self.bar.inc(1);
        self.bar.set_message(doing);
    }

    /// Runs `print` with the bar cleared, so that lines on stderr are not drawn over.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        self.bar.suspend(print)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
        if let Some(timings) = self.timings.take() {
            let timings = timings.into_inner();
            let ends = timings
                .iter()
                .skip(1)
                .map(|(_, start, peak)| (*start, peak.clone()));
            let last = (Instant::now(), peak_memory());
            for ((stage, start, _), (end, peak)) in timings.iter().zip(ends.chain([last])) {
                let peak = peak
                    .map(|p| format!("  (peak {p} after it)"))
                    .unwrap_or_default();
                eprintln!("{:>8.3} s  {stage}{peak}", (end - *start).as_secs_f64());
            }
        }
    }
}

/// The process's peak and current resident memory and its CPU time so far, where the system
/// says (Linux: `VmHWM`, `VmRSS`, [`cpu_time`]).
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name))?;
        Some(line[name.len()..].trim().to_owned())
    };
    Some(format!(
        "{}, resident {}{}",
        field("VmHWM:")?,
        field("VmRSS:")?,
        cpu_time()
            .map(|t| format!(", cpu {t:.2} s"))
            .unwrap_or_default()
    ))
}

/// The process's user and system time so far, where the system says (Linux: `/proc/self/stat`,
/// in ticks of 1/100 s), so that a stage's cores in use can be read off its wall time.
fn cpu_time() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command's name may hold spaces; the fields after it are numbers.
    let mut fields = stat.get(stat.rfind(')')? + 2..)?.split(' ');
    let user: u64 = fields.nth(11)?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / 100.0)
}
