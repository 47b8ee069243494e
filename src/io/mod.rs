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

/// A file that cannot be read is bad input to a job that takes it by name (an exposure
/// profile, a kit): the same one-line message, `path: reason`.
impl From<IoError> for crate::error::InputError {
    fn from(e: IoError) -> Self {
        match e {
            IoError::Input(e) => e,
            IoError::File { path, source } => crate::error::InputError::Invalid {
                field: path,
                message: source.to_string(),
            },
        }
    }
}

/// Reads a whole file, naming it in the error; `-` is standard input.
pub fn read_file(path: &Path) -> Result<Vec<u8>, IoError> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map_err(|source| {
            IoError::File {
                path: "standard input".into(),
                source,
            }
        })?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|source| IoError::File {
        path: path.display().to_string(),
        source,
    })
}

/// Reads a whole file as UTF-8 text (`-` is standard input), naming it in the error.
pub fn read_text(path: &Path) -> Result<String, IoError> {
    String::from_utf8(read_file(path)?).map_err(|_| {
        IoError::Input(crate::error::InputError::Invalid {
            field: path.display().to_string(),
            message: "not UTF-8 text".into(),
        })
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
    write_all_atomic(&[(path, bytes)])
}

/// Writes several outputs of one command together: every file is first written in full beside
/// its target, and only when all of them are written are they renamed into place, so that a
/// failure leaves none of them (as [`write_atomic`] for each).
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> Result<(), IoError> {
    let err = |path: &Path, source: std::io::Error| IoError::File {
        path: path.display().to_string(),
        source,
    };
    let mut staged: Vec<(std::path::PathBuf, &Path)> = Vec::new();
    let mut direct: Vec<(&Path, &[u8])> = Vec::new();
    let unstage = |staged: &[(std::path::PathBuf, &Path)]| {
        for (tmp, _) in staged {
            let _ = std::fs::remove_file(tmp);
        }
    };
    for (path, bytes) in files {
        match stage(path, bytes) {
            Ok(Some(tmp)) => staged.push((tmp, path)),
            Ok(None) => direct.push((path, bytes)),
            Err(e) => {
                unstage(&staged);
                return Err(err(path, e));
            }
        }
    }
    for (path, bytes) in direct {
        let written = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(bytes).and_then(|()| f.flush()));
        if let Err(e) = written {
            unstage(&staged);
            return Err(err(path, e));
        }
    }
    for (i, (tmp, path)) in staged.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, path) {
            unstage(&staged[i..]);
            return Err(err(path, e));
        }
    }
    Ok(())
}

/// Writes `bytes` into a new file beside `path` with the mode `path` will have, and returns
/// it; `None` for a target that is not a regular file (written directly instead).
fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<Option<std::path::PathBuf>> {
    let existing = std::fs::metadata(path).ok();
    if let Some(m) = &existing {
        if m.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "is a directory",
            ));
        }
        if !m.is_file() {
            return Ok(None);
        }
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // A fresh name beside the target, created as `File::create` creates files (mode from the
    // umask), never over an existing file.
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
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
            Err(e) => return Err(e),
        }
    };
    let written = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Some(m) = &existing {
            std::fs::set_permissions(&tmp, m.permissions())?;
        }
        Ok(())
    })();
    match written {
        Ok(()) => Ok(Some(tmp)),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
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
