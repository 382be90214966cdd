//! `kpi generate` (hidden from the help): a deterministic data set for benchmarks — the targets
//! as a spec, as the JSON model and as a disclosure text, and a matching actuals form.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use kpi::generate::{self, Options};
use kpi::{Error, Result};

use super::output;

/// Write a generated department: DIR/targets.kpi, DIR/targets.json, DIR/disclosure.txt and
/// DIR/actuals.csv. The same seed gives the same files, byte for byte.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  kpi generate --projects 100000 --seed 1 --out /tmp/province   # about 1M indicator rows"
)]
pub struct Args {
    /// Projects to generate, each with 8–12 indicator rows.
    #[arg(long, value_name = "N")]
    projects: usize,
    /// The seed of the model and of the actuals.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Budget units (表16 tables) [default: projects / 50, at least 1].
    #[arg(long, value_name = "U")]
    units: Option<usize>,
    /// The folder to write the four files into (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let options = Options {
        projects: args.projects,
        seed: args.seed,
        units: args
            .units
            .unwrap_or_else(|| Options::default_units(args.projects)),
    };
    std::fs::create_dir_all(&args.out).map_err(|source| Error::Write {
        path: args.out.clone(),
        source,
    })?;
    let started = Instant::now();
    let model = generate::department(&options);
    let unit_rows: usize = model.units.iter().map(|u| u.indicators.len()).sum();
    output::warn(&format!(
        "model: {} units, {} projects, {} indicator rows ({} of projects, {} of units) in {:.2} s",
        model.units.len(),
        model.projects.len(),
        model.indicator_count(),
        model.indicator_count() - unit_rows,
        unit_rows,
        started.elapsed().as_secs_f64()
    ));
    let dir = &args.out;
    write(&dir.join("targets.kpi"), |out| {
        generate::spec_text(&model, out)
    })?;
    write(&dir.join("targets.json"), |out| {
        generate::json_model(&model, out)
    })?;
    write(&dir.join("disclosure.txt"), |out| {
        generate::disclosure_text(&model, out)
    })?;
    let lines = write(&dir.join("actuals.csv"), |out| {
        generate::actuals_csv(&model, options.seed, out)
    })?;
    output::warn(&format!(
        "actuals: {} rows ({} indicator rows and budget rows of {} projects, some left out)",
        lines.saturating_sub(1),
        model.indicator_count(),
        model.projects.len()
    ));
    output::warn(&format!("done in {:.2} s", started.elapsed().as_secs_f64()));
    Ok(ExitCode::SUCCESS)
}

/// Writes one file through a buffer and reports its size, lines and time; returns its lines.
fn write(
    path: &Path,
    content: impl FnOnce(&mut Counting<BufWriter<File>>) -> io::Result<()>,
) -> Result<usize> {
    let failed = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    let started = Instant::now();
    let file = File::create(path).map_err(failed)?;
    let mut out = Counting {
        inner: BufWriter::with_capacity(1 << 20, file),
        bytes: 0,
        lines: 0,
    };
    content(&mut out).map_err(failed)?;
    out.flush().map_err(failed)?;
    output::warn(&format!(
        "{}: {:.1} MB, {} lines in {:.2} s",
        path.display(),
        out.bytes as f64 / 1e6,
        out.lines,
        started.elapsed().as_secs_f64()
    ));
    Ok(out.lines)
}

/// A writer that counts the bytes and lines through it.
struct Counting<W> {
    inner: W,
    bytes: usize,
    lines: usize,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.bytes += written;
        self.lines += buf[..written].iter().filter(|&&b| b == b'\n').count();
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
