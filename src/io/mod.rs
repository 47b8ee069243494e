//! Table input and output behind the command-line tool: the batch colour-difference CSV, the
//! spectra CSV, and atomic file writing. Errors name the file line, the column and the value.

mod pairs;
mod spectra;

pub use pairs::delta_e_csv;
pub use spectra::{read_spectra_csv, spectra_to_csv, SpectraTable, SpectrumRow};

use std::io::Write;
use std::path::Path;

/// Why a table could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// The content is wrong (exit code 2 in the CLI).
    #[error(transparent)]
    Input(#[from] crate::error::InputError),
    /// The file system refused (exit code 2 for inputs, 1 for outputs in the CLI).
    #[error("{path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

/// Reads a whole file, naming it in the error.
pub fn read_file(path: &Path) -> Result<Vec<u8>, IoError> {
    std::fs::read(path).map_err(|source| IoError::File {
        path: path.display().to_string(),
        source,
    })
}

/// Refuses an output path that is one of the inputs (inputs are never overwritten).
pub fn check_not_input(output: &Path, inputs: &[&Path]) -> Result<(), crate::error::InputError> {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    if let Some(out) = canon(output) {
        for input in inputs {
            if canon(input).as_deref() == Some(out.as_path()) {
                return Err(crate::error::InputError::Invalid {
                    field: "output".into(),
                    message: format!(
                        "{} is an input file; tinct never overwrites its inputs",
                        output.display()
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` whole or not at all: into a new file beside it, then renamed over
/// it, so that a reader never sees a half-written file and a failure leaves nothing behind.
///
/// - A new file gets the mode the umask gives (it is created as `File::create` would create
///   it); a file that is replaced keeps its mode.
/// - A path that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a pipe) is
///   written directly, never renamed over: renaming would replace the device node.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    let err = |source: std::io::Error| IoError::File {
        path: path.display().to_string(),
        source,
    };
    let existing = std::fs::metadata(path).ok();
    if let Some(m) = &existing {
        if !m.is_file() {
            if m.is_dir() {
                return Err(err(std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "is a directory",
                )));
            }
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(err)?;
            f.write_all(bytes).map_err(err)?;
            return f.flush().map_err(err);
        }
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // A fresh name beside the target, created as `File::create` creates files (mode from the
    // umask), never over an existing file.
    let mut attempt = 0u32;
    let (tmp_path, mut file) = loop {
        let name = format!(
            ".tinct-{}-{}-{attempt}.tmp",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos())
        );
        let candidate = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(f) => break (candidate, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(err(e)),
        }
    };
    let result = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Some(m) = &existing {
            std::fs::set_permissions(&tmp_path, m.permissions())?;
        }
        drop(file);
        std::fs::rename(&tmp_path, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp_path);
        return Err(err(e));
    }
    Ok(())
}

/// A CSV parser's error as a one-line input error naming the line.
pub(crate) fn csv_error(e: csv::Error) -> crate::error::InputError {
    crate::error::InputError::Invalid {
        field: e
            .position()
            .map(|p| format!("line {}", p.line()))
            .unwrap_or_else(|| "input".into()),
        message: format!("not valid CSV ({e})"),
    }
}

/// Shortest text that parses back to the same f64.
pub(crate) fn fmt_f64(v: f64, buf: &mut ryu::Buffer) -> &str {
    buf.format_finite(v)
}
