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

/// Writes `bytes` to `path` atomically: into a temporary file beside it, then renamed over it,
/// so that a reader never sees a half-written file and a failure leaves nothing behind.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    let err = |source: std::io::Error| IoError::File {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".tinct-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
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
