//! Reading inputs and writing outputs at the edge.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use kpi::{Error, Result};

/// Writes a line to standard error. A closed stderr (`kpi … 2>&1 | head`) is not worth a panic:
/// the line is dropped.
pub fn warn(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
}

/// Targets read from a file (or the embedded default), with the name messages use and what
/// they were read from.
pub struct Targets {
    pub name: String,
    pub imported: kpi::import::Imported,
    source: Source,
}

/// What targets were read from.
enum Source {
    Embedded(&'static str),
    Text(FileBytes),
    Workbook,
}

impl Targets {
    /// The name and what was imported. A mapped text is unmapped on a thread of its own unless
    /// `jobs` is 1: unmapping a province's quarter of a gigabyte kept the main thread 40 ms
    /// while the other core had nothing to do.
    pub fn into_imported(
        self,
        jobs: Option<std::num::NonZeroUsize>,
    ) -> (String, kpi::import::Imported) {
        if let Source::Text(FileBytes::Mapped(map)) = self.source
            && jobs.is_none_or(|jobs| jobs.get() > 1)
        {
            // Should no thread start, the closure and the map are dropped here instead.
            let _ = std::thread::Builder::new().spawn(move || drop(map));
        }
        (self.name, self.imported)
    }

    /// The text the targets were read from (none for a spreadsheet), decoded again: only
    /// `kpi import --format json` asks for it, so a run keeps no second copy.
    pub fn text(&self) -> Result<Option<std::borrow::Cow<'_, str>>> {
        match &self.source {
            Source::Embedded(text) => Ok(Some((*text).into())),
            Source::Text(bytes) => decode(&self.name, bytes, None).map(Some),
            Source::Workbook => Ok(None),
        }
    }
}

/// Reads a targets document of any kind `kpi` knows, decided by its content; `default` is the
/// embedded (name, text) used without a file. A large text is read on `jobs` threads (one per
/// core, at most 8, when none is given).
pub fn read_targets(
    path: Option<&Path>,
    default: (&str, &'static str),
    jobs: Option<std::num::NonZeroUsize>,
) -> Result<Targets> {
    let Some(path) = path else {
        let (name, text) = default;
        return Ok(Targets {
            name: name.to_owned(),
            imported: kpi::import::import(name, text)?,
            source: Source::Embedded(text),
        });
    };
    let name = path.display().to_string();
    let bytes = read_bytes(path)?;
    if kpi::syntax::workbook::is_workbook(&bytes) {
        return Ok(Targets {
            imported: kpi::import::import_bytes(&name, &bytes)?,
            name,
            source: Source::Workbook,
        });
    }
    let imported = kpi::import::import_with_jobs(&name, &decode(&name, &bytes, jobs)?, jobs)?;
    Ok(Targets {
        name,
        imported,
        source: Source::Text(bytes),
    })
}

/// A file's bytes: mapped from the page cache when the file is large, read otherwise.
pub enum FileBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(map) => map,
            FileBytes::Read(bytes) => bytes,
        }
    }
}

impl AsRef<[u8]> for FileBytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl FileBytes {
    /// Gives back the memory of `range` once it has been read, when the bytes are mapped: the
    /// pages are dropped from the process and read again from the page cache if they are
    /// needed again. Read bytes are kept.
    pub fn release(&self, range: std::ops::Range<usize>) {
        if let FileBytes::Mapped(map) = self
            && range.start < range.end
            && range.end <= map.len()
        {
            // SAFETY: the map is a private read-only mapping of a file kpi never writes to, so
            // its pages hold the file's bytes and nothing else: MADV_DONTNEED drops them and a
            // later read maps the same bytes again (see `read_bytes` on why the file must not
            // change meanwhile). Failing to advise only keeps the pages.
            let _ = unsafe {
                map.unchecked_advise_range(
                    memmap2::UncheckedAdvice::DontNeed,
                    range.start,
                    range.len(),
                )
            };
        }
    }
}

/// From this size on a file is mapped rather than read: a province's files are hundreds of
/// megabytes, and reading them copies every page into memory new to the process, which on the
/// benchmarks' machine was a third of the run's page zeroing (BENCHMARKS.md). Small files are
/// read, as ripgrep reads them, since a mapping has a fixed cost of its own.
const MAP_FROM: u64 = 1 << 22;

/// A file's bytes: mapped from [`MAP_FROM`] on when the file is a regular file and the system
/// maps it, read otherwise (pipes, small files, file systems that do not map).
pub fn read_bytes(path: &Path) -> Result<FileBytes> {
    let failed = |source| Error::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(failed)?;
    let metadata = file.metadata().map_err(failed)?;
    if metadata.is_file() && metadata.len() >= MAP_FROM {
        // SAFETY: kpi only reads the map and never writes to its inputs, but a map is only as
        // sound as the file is still: another program truncating the file during the run ends
        // it with SIGBUS (so does an I/O error of the disk), and one rewriting it would change
        // bytes after their UTF-8 check, which the text borrowed from them relies on. Inputs
        // must not change while kpi runs (README); they are files prepared for the run.
        if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
            return Ok(FileBytes::Mapped(map));
        }
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    std::io::Read::read_to_end(&mut &file, &mut bytes).map_err(failed)?;
    Ok(FileBytes::Read(bytes))
}

/// A file's text; a large one checked on up to `jobs` threads.
fn decode<'a>(
    name: &str,
    bytes: &'a [u8],
    jobs: Option<std::num::NonZeroUsize>,
) -> Result<std::borrow::Cow<'a, str>> {
    let (text, _) = kpi::text::decode_with_jobs(bytes, None, jobs).map_err(|e| Error::Input {
        file: name.to_owned(),
        message: e.to_string(),
        help: Some("save the file as UTF-8, or as GB18030/GBK".to_owned()),
    })?;
    Ok(text)
}

/// A file's text, decoded from UTF-8 or GB18030.
pub fn read_text(path: &Path) -> Result<String> {
    decode(&path.display().to_string(), &read_bytes(path)?, None).map(std::borrow::Cow::into_owned)
}

/// Writes `content` to `path` through a temporary file and a rename, so an error never leaves a
/// partial file nor overwrites a good one; to stdout without a path.
pub fn write(path: Option<&Path>, content: impl AsRef<[u8]>) -> Result<()> {
    write_with(path, |out| out.write_all(content.as_ref()))
}

/// Like [`write`], for content written as it is made: to a temporary file beside `path` that
/// replaces `path` only once complete, so a failure leaves no partial report.
///
/// The file is not synced to disk: a report is made again from its inputs in seconds, and
/// waiting for the disk was about a sixth of a province's run for a new report (BENCHMARKS.md;
/// ext4 still writes a file renamed over another out at the rename). Whatever
/// `kpi` meets (an error, a panic, being stopped), `path` holds the old report or the whole new
/// one, never a part; after the system itself crashes, it holds what the filesystem kept.
pub fn write_with(
    path: Option<&Path>,
    content: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    // Small pieces (a text report's cells) are gathered; a piece this large or larger, such as
    // a JSON report's chunk of rendered projects, goes straight through instead of being copied
    // into the buffer first (863 MB a million rows).
    const BUFFER: usize = 64 << 10;
    let Some(path) = path else {
        let mut stdout = std::io::BufWriter::with_capacity(BUFFER, std::io::stdout().lock());
        return match content(&mut stdout).and_then(|()| stdout.flush()) {
            // A reader that stopped early (`kpi eval … | head`) is not an error of ours.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            result => result.map_err(|source| Error::Write {
                path: PathBuf::from("<stdout>"),
                source,
            }),
        };
    };
    let failed = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // A report is an ordinary file: 0o666 less the umask, as any program would create it (a
    // temporary file alone would be 0o600); an existing file keeps its permissions.
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    let permissions = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o666))
    };
    #[cfg(unix)]
    builder.permissions(permissions);
    let file = builder.tempfile_in(dir).map_err(failed)?;
    let mut writer = std::io::BufWriter::with_capacity(BUFFER, file);
    content(&mut writer)
        .and_then(|()| writer.flush())
        .map_err(failed)?;
    let (file, temporary) = writer
        .into_inner()
        .map_err(|e| failed(e.into_error()))?
        .into_parts();
    close(file).map_err(failed)?;
    temporary.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

/// Closes `file` and says how that went: a network filesystem may write the data back only as
/// the file closes and report a failure there, which dropping a `File` ignores.
fn close(file: std::fs::File) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::IntoRawFd;
        // SAFETY: the descriptor was `file`'s own, and is closed once, here.
        if unsafe { libc::close(file.into_raw_fd()) } == -1 {
            let error = std::io::Error::last_os_error();
            // Linux closes the descriptor even when interrupted: nothing is left to do then.
            if error.kind() != std::io::ErrorKind::Interrupted {
                return Err(error);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    drop(file);
    Ok(())
}

/// When to colour a report: `--color auto|always|never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Whether to colour: only on a terminal and never with NO_COLOR (https://no-color.org).
pub fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_files_are_mapped_and_small_ones_read_with_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let size = usize::try_from(MAP_FROM).unwrap();
        for (len, mapped) in [(size - 1, false), (size, true)] {
            let path = dir.path().join(format!("{len}.csv"));
            let bytes: Vec<u8> = (0..len).map(|i| b"id,actual\n"[i % 10]).collect();
            std::fs::write(&path, &bytes).unwrap();
            let read = read_bytes(&path).unwrap();
            assert_eq!(matches!(read, FileBytes::Mapped(_)), mapped, "{len} bytes");
            assert!(*read == *bytes, "{len} bytes");
            // Given back, read or mapped, the bytes read the same; a range outside or empty is
            // ignored.
            for range in [3..5000, 0..len, 4096..8192, len - 10..len + 10, 7..7] {
                read.release(range);
            }
            assert!(*read == *bytes, "{len} bytes after release");
        }
    }

    #[test]
    fn a_file_written_in_pieces_holds_every_byte_and_a_failure_leaves_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        let bytes: Vec<u8> = (0..5 << 20)
            .map(|i: u32| b"{\"a\": 1}\n"[i as usize % 9])
            .collect();
        // Pieces smaller and larger than the buffer.
        write_with(Some(&path), |out| {
            bytes[..1 << 20]
                .chunks(1000)
                .chain(bytes[1 << 20..].chunks(300 << 10))
                .try_for_each(|c| out.write_all(c))
        })
        .unwrap();
        assert!(std::fs::read(&path).unwrap() == bytes);
        // A failure half-way leaves the report before it as it was, and nothing beside it.
        let failed = write_with(Some(&path), |out| {
            out.write_all(&bytes[..3 << 20])?;
            Err(std::io::Error::other("rendering failed"))
        });
        assert!(matches!(failed, Err(Error::Write { .. })));
        assert!(std::fs::read(&path).unwrap() == bytes);
        // And where there was no report, there is none.
        let failing = dir.path().join("failing.json");
        let failed = write_with(Some(&failing), |out| {
            out.write_all(&bytes)?;
            Err(std::io::Error::other("rendering failed"))
        });
        assert!(matches!(failed, Err(Error::Write { .. })));
        assert!(!failing.exists());
        // A render that panics: the panic goes on, no file is left.
        let panicking = dir.path().join("panicking.json");
        let panicked = std::panic::catch_unwind(|| {
            write_with(Some(&panicking), |out| {
                out.write_all(&bytes)?;
                panic!("rendering panicked")
            })
        });
        assert!(panicked.is_err());
        assert!(!panicking.exists());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "only the first report is left: {names:?}");
    }
}
