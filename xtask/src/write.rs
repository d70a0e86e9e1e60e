//! Writes the generated files: all or nothing, each atomically (temporary file and rename),
//! only when its content changed; in check mode, writes nothing and lists what is stale.

use std::path::{Path, PathBuf};

use crate::error::CodegenError;

/// A file to write, relative to the output directory, with `\n` line endings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub contents: String,
}

impl OutputFile {
    pub fn new(path: &str, contents: String) -> OutputFile {
        OutputFile {
            path: path.to_owned(),
            contents: contents.replace("\r\n", "\n"),
        }
    }
}

/// What a write or a check found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Files whose content differs from what codegen produces (written, or stale in check mode).
    pub changed: Vec<String>,
    /// Generated files codegen no longer produces (removed, or stale in check mode).
    pub removed: Vec<String>,
}

impl Report {
    pub fn is_fresh(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }
}

/// The directories codegen owns, with the file extension it writes there.
const OWNED: &[(&str, &str)] = &[("src", "rs"), ("src/runtime", "rs"), ("bundled", "json")];

/// Compares `files` with `out`; unless `check`, makes `out` equal to them.
pub fn write(out: &Path, files: &[OutputFile], check: bool) -> Result<Report, CodegenError> {
    let mut report = Report::default();
    for file in files {
        let path = out.join(&file.path);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() != Some(file.contents.as_str()) {
            report.changed.push(file.path.clone());
        }
    }
    for (dir, extension) in OWNED {
        let Ok(entries) = std::fs::read_dir(out.join(dir)) else {
            continue;
        };
        let mut stale: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                let relative = format!("{dir}/{name}");
                let ours = name.ends_with(&format!(".{extension}"));
                (ours && !files.iter().any(|file| file.path == relative)).then_some(relative)
            })
            .collect();
        stale.sort();
        report.removed.extend(stale);
    }
    if check {
        return Ok(report);
    }
    for file in files
        .iter()
        .filter(|file| report.changed.contains(&file.path))
    {
        write_atomically(&out.join(&file.path), &file.contents)?;
    }
    for relative in &report.removed {
        let path = out.join(relative);
        std::fs::remove_file(&path).map_err(|source| CodegenError::Io { path, source })?;
    }
    Ok(report)
}

/// Writes to a temporary file beside `path`, then renames it over `path`, so a reader never
/// sees a half-written file.
fn write_atomically(path: &Path, contents: &str) -> Result<(), CodegenError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| CodegenError::Io { path, source }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary: PathBuf = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, contents).map_err(io(&temporary))?;
    std::fs::rename(&temporary, path).map_err(|source| {
        let _ = std::fs::remove_file(&temporary);
        CodegenError::Io {
            path: path.to_owned(),
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<OutputFile> {
        vec![
            OutputFile::new("Cargo.toml", "[package]\n".to_owned()),
            OutputFile::new("src/lib.rs", "pub mod a;\n".to_owned()),
        ]
    }

    #[test]
    fn writes_then_reports_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let first = write(dir.path(), &files(), false).unwrap();
        assert_eq!(first.changed, ["Cargo.toml", "src/lib.rs"]);
        let second = write(dir.path(), &files(), true).unwrap();
        assert!(second.is_fresh(), "{second:?}");
    }

    #[test]
    fn check_names_stale_and_leftover_files_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &files(), false).unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "edited by hand\n").unwrap();
        std::fs::write(dir.path().join("src/old.rs"), "\n").unwrap();
        let report = write(dir.path(), &files(), true).unwrap();
        assert_eq!(report.changed, ["src/lib.rs"]);
        assert_eq!(report.removed, ["src/old.rs"]);
        let still = std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap();
        assert_eq!(still, "edited by hand\n");
    }

    #[test]
    fn write_removes_leftovers_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/old.rs"), "\n").unwrap();
        std::fs::write(dir.path().join("src/notes.txt"), "kept\n").unwrap();
        write(dir.path(), &files(), false).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path().join("src"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["lib.rs", "notes.txt"]);
    }
}
