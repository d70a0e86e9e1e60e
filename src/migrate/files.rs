//! The migration's inputs and outputs on disk: which files a run reads (and under which
//! relative name each is written), and writing every output atomically, so that an
//! interrupted run leaves each file either as it was or whole.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{Input, Migration, Unreadable};
use crate::run;

/// Why a run cannot start.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("{path}: {source}", path = .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: no messages to migrate (no *.json, *.jsonl or *.ndjson below it)", .0.display())]
    Empty(PathBuf),
    #[error("the output directory {} is inside the input directory {}: its outputs would become inputs", .out.display(), .input.display())]
    OutInsideInput { out: PathBuf, input: PathBuf },
    #[error("{} would be written over its own input", .0.display())]
    OverInput(PathBuf),
    #[error("{} and {} would both be written to {}", .first.display(), .second.display(), .relative.display())]
    SameOutput {
        first: PathBuf,
        second: PathBuf,
        relative: PathBuf,
    },
    #[error("migrate reads files and directories, not standard input")]
    Stdin,
}

/// Every input below `paths` (a directory's files keep their path below it; a file is named
/// by its file name), read, for writing under `out`. A file that is not UTF-8, or larger than
/// `max_size` bytes (not read), is kept as such, for the migration to report.
pub fn gather(paths: &[PathBuf], out: &Path, max_size: u64) -> Result<Vec<Input>, FilesError> {
    let out_abs = absolute(out)?;
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            return Err(FilesError::Stdin);
        }
        let meta = std::fs::metadata(path).map_err(|source| FilesError::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            let dir_abs = absolute(path)?;
            if out_abs.starts_with(&dir_abs) {
                return Err(FilesError::OutInsideInput {
                    out: out.to_owned(),
                    input: path.clone(),
                });
            }
            let files = run::json_files(path).map_err(|error| FilesError::Io {
                path: error.path,
                source: error.source,
            })?;
            if files.is_empty() {
                return Err(FilesError::Empty(path.clone()));
            }
            for file in files {
                let relative = file.strip_prefix(path).unwrap_or(&file).to_owned();
                found.push((file, relative));
            }
        } else {
            let relative = PathBuf::from(path.file_name().unwrap_or(path.as_os_str()));
            found.push((path.clone(), relative));
        }
    }
    let mut inputs = Vec::with_capacity(found.len());
    for (index, (file, relative)) in found.iter().enumerate() {
        if let Some((first, _)) = found[..index].iter().find(|(_, other)| other == relative) {
            return Err(FilesError::SameOutput {
                first: first.clone(),
                second: file.clone(),
                relative: relative.clone(),
            });
        }
        if absolute(&out.join(relative))? == absolute(file)? {
            return Err(FilesError::OverInput(file.clone()));
        }
        let io = |source| FilesError::Io {
            path: file.clone(),
            source,
        };
        let size = std::fs::metadata(file).map_err(io)?.len();
        let (text, unreadable) = if size > max_size {
            (String::new(), Some(Unreadable::TooLarge(max_size)))
        } else {
            match String::from_utf8(std::fs::read(file).map_err(io)?) {
                Ok(text) => (text, None),
                Err(error) => (
                    String::new(),
                    Some(Unreadable::NotUtf8(error.utf8_error().valid_up_to())),
                ),
            }
        };
        inputs.push(Input {
            name: file.display().to_string(),
            relative: relative.clone(),
            text,
            log: crate::trades::is_log(file),
            unreadable,
        });
    }
    Ok(inputs)
}

/// Writes every output under `out`, each file atomically (a temporary file beside it,
/// renamed into place).
pub fn write(out: &Path, migration: &Migration) -> Result<(), FilesError> {
    for output in migration.outputs.iter().flatten() {
        write_atomically(&out.join(&output.relative), output.text.as_bytes())?;
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically, creating its directory.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FilesError> {
    let io = |source| FilesError::Io {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.persist(path).map_err(|error| io(error.error))?;
    Ok(())
}

/// `path` made absolute and without `.` or `..`, whether or not it exists.
fn absolute(path: &Path) -> Result<PathBuf, FilesError> {
    let absolute = std::path::absolute(path).map_err(|source| FilesError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut clean = PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::ParentDir => {
                clean.pop();
            }
            std::path::Component::CurDir => {}
            other => clean.push(other),
        }
    }
    Ok(clean)
}
