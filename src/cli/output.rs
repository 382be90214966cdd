//! Reading inputs and writing outputs at the edge.

use std::io::Write;
use std::path::{Path, PathBuf};

use kpi::{Error, Result};

/// Writes a line to standard error. A closed stderr (`kpi … 2>&1 | head`) is not worth a panic:
/// the line is dropped.
pub fn warn(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
}

/// A file's text, decoded from UTF-8 or GB18030.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    let (text, _) = kpi::text::decode(&bytes, None).map_err(|e| Error::Input {
        file: path.display().to_string(),
        message: e.to_string(),
        help: Some("save the file as UTF-8, or as GB18030/GBK".to_owned()),
    })?;
    Ok(text.into_owned())
}

/// Writes `content` to `path` through a temporary file and a rename, so an error never leaves a
/// partial file nor overwrites a good one; to stdout without a path.
pub fn write(path: Option<&Path>, content: &str) -> Result<()> {
    let Some(path) = path else {
        let mut stdout = std::io::stdout().lock();
        return match stdout
            .write_all(content.as_bytes())
            .and_then(|()| stdout.flush())
        {
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
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    file.write_all(content.as_bytes()).map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    file.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}
