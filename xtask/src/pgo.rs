//! `cargo xtask pgo`: the gate's release binary, optimised with a profile of its own run. The
//! gate's path through one message is more code than the instruction cache holds; a profile
//! tells the compiler which branches are taken and which code is cold, so the hot code is laid
//! out together (README, Performance: 12–15 % fewer instructions, 6–10 % less wall time). An
//! opt-in step for a release artifact: it needs `llvm-profdata` from rustup's `llvm-tools`, and
//! builds the binary twice.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::synth::{self, Plan, SynthError};

/// Why a profile-optimised build failed.
#[derive(Debug, thiserror::Error)]
pub enum PgoError {
    /// The toolchain has no `llvm-profdata`.
    #[error(
        "no llvm-profdata at {}: install it with `rustup component add llvm-tools`",
        .0.display()
    )]
    NoProfdata(PathBuf),
    /// A step could not be started or failed.
    #[error("{step} failed: {why}")]
    Step { step: String, why: String },
    /// The training messages could not be written.
    #[error("writing the training messages: {0}")]
    Synth(#[from] SynthError),
    /// A file or directory of the build could not be made.
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where `llvm-profdata` sits in a toolchain's `sysroot` for `host`.
pub fn profdata_in(sysroot: &Path, host: &str) -> Result<PathBuf, PgoError> {
    let path = sysroot
        .join("lib/rustlib")
        .join(host)
        .join("bin/llvm-profdata");
    if path.is_file() {
        Ok(path)
    } else {
        Err(PgoError::NoProfdata(path))
    }
}

/// Runs `command`, named `step` in an error; `accepted` are the exit codes that count as
/// success (the gate exits 1 when it finds something, as it does on the training messages).
pub fn run(step: &str, command: &mut Command, accepted: &[i32]) -> Result<String, PgoError> {
    let failed = |why: String| PgoError::Step {
        step: step.to_owned(),
        why,
    };
    let output = command
        .output()
        .map_err(|error| failed(error.to_string()))?;
    match output.status.code() {
        Some(code) if accepted.contains(&code) => {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        _ => {
            // The end of what it said, where a build or a run says why it stopped.
            let stderr = String::from_utf8_lossy(&output.stderr);
            let lines: Vec<&str> = stderr.lines().collect();
            let last = &lines[lines.len().saturating_sub(8)..];
            Err(failed(format!("{}\n{}", output.status, last.join("\n"))))
        }
    }
}

/// Builds the profile-optimised gate under `root/target/pgo` and returns its path.
pub fn build(root: &Path, training_messages: usize) -> Result<PathBuf, PgoError> {
    let profdata = toolchain_profdata()?;
    let pgo = root.join("target/pgo");
    let profiles = pgo.join("profiles");
    // A profile of an earlier build would describe other code.
    fresh_dir(&profiles)?;
    let instrumented = release_build(
        root,
        &pgo.join("instrumented"),
        &format!("-Cprofile-generate={}", profiles.display()),
    )?;
    train(
        root,
        &instrumented,
        &pgo.join("training"),
        training_messages,
    )?;
    let merged = pgo.join("merged.profdata");
    run(
        "merging the profiles",
        Command::new(&profdata)
            .arg("merge")
            .arg("-o")
            .arg(&merged)
            .arg(&profiles),
        &[0],
    )?;
    let optimised = release_build(
        root,
        &pgo.join("optimised"),
        &format!(
            "-Cprofile-use={} -Cllvm-args=-pgo-warn-missing-function=false",
            merged.display()
        ),
    )?;
    let binary = pgo.join("deg-contracts");
    install(&optimised, &binary)?;
    Ok(binary)
}

/// An empty directory at `path`, whatever was there.
fn fresh_dir(path: &Path) -> Result<(), PgoError> {
    if path.exists() {
        std::fs::remove_dir_all(path).map_err(|source| io(path, source))?;
    }
    std::fs::create_dir_all(path).map_err(|source| io(path, source))
}

/// Puts a copy of `built` at `at`: copied beside it, then renamed over it, so that a reader
/// never sees half a binary.
fn install(built: &Path, at: &Path) -> Result<(), PgoError> {
    let name = at.file_name().unwrap_or_default().to_string_lossy();
    let partial = at.with_file_name(format!(".{name}.partial"));
    std::fs::copy(built, &partial).map_err(|source| io(&partial, source))?;
    std::fs::rename(&partial, at).map_err(|source| {
        // Best effort: the error that matters is the rename's.
        let _ = std::fs::remove_file(&partial);
        io(at, source)
    })
}

/// The running toolchain's `llvm-profdata`.
fn toolchain_profdata() -> Result<PathBuf, PgoError> {
    let sysroot = run(
        "rustc --print sysroot",
        Command::new("rustc").args(["--print", "sysroot"]),
        &[0],
    )?;
    let version = run("rustc -vV", Command::new("rustc").arg("-vV"), &[0])?;
    profdata_in(Path::new(sysroot.trim()), host_of(&version)?)
}

/// The host target `rustc -vV` names.
pub fn host_of(version: &str) -> Result<&str, PgoError> {
    version
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::trim)
        .ok_or_else(|| PgoError::Step {
            step: "rustc -vV".to_owned(),
            why: "it names no host".to_owned(),
        })
}

/// `cargo build --release` of the gate into `target_dir` with `rustflags`; the binary's path.
/// They stand in for any `RUSTFLAGS` of the caller's, so that both builds are made the same
/// way and the profile describes the code it is used on.
fn release_build(root: &Path, target_dir: &Path, rustflags: &str) -> Result<PathBuf, PgoError> {
    run(
        &format!("cargo build --release ({rustflags})"),
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(root)
            .args([
                "build",
                "--release",
                "--bin",
                "deg-contracts",
                "--target-dir",
            ])
            .arg(target_dir)
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env("RUSTFLAGS", rustflags),
        &[0],
    )?;
    Ok(target_dir.join("release/deg-contracts"))
}

/// Runs the instrumented gate over what it meets in use: synthetic messages as files and as a
/// log, with and without the transaction checks, and the bundled examples.
fn train(root: &Path, gate: &Path, training: &Path, count: usize) -> Result<(), PgoError> {
    let examples = root.join("schema/examples");
    let (files, log) = (training.join("files"), training.join("log"));
    for (out, as_log) in [(&files, false), (&log, true)] {
        fresh_dir(out)?;
        let plan = Plan {
            count,
            broken_every: 50,
            broken_trade_every: 50,
            log: as_log,
        };
        synth::synth(&examples, out, plan)?;
    }
    let per_message = OsStr::new("--per-message");
    let runs: [&[&OsStr]; 4] = [
        &[files.as_os_str()],
        &[log.as_os_str()],
        &[per_message, files.as_os_str()],
        &[examples.as_os_str()],
    ];
    for arguments in runs {
        let mut command = Command::new(gate);
        command
            .args(["validate", "--format", "json"])
            .args(arguments);
        let step = format!("the training run `validate {}`", shown(arguments));
        // 0: nothing found; 1: findings, as the training messages have.
        run(&step, &mut command, &[0, 1])?;
    }
    Ok(())
}

fn shown(arguments: &[&OsStr]) -> String {
    let shown: Vec<_> = arguments
        .iter()
        .map(|argument| argument.to_string_lossy())
        .collect();
    shown.join(" ")
}

fn io(path: &Path, source: std::io::Error) -> PgoError {
    PgoError::Io {
        path: path.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llvm_profdata_is_found_in_the_toolchain_or_named_with_how_to_get_it() {
        let sysroot = tempfile::tempdir().unwrap();
        let host = "x86_64-unknown-linux-gnu";
        let missing = profdata_in(sysroot.path(), host).unwrap_err();
        assert!(
            missing
                .to_string()
                .contains("rustup component add llvm-tools"),
            "{missing}"
        );
        let bin = sysroot.path().join("lib/rustlib").join(host).join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("llvm-profdata"), "").unwrap();
        assert_eq!(
            profdata_in(sysroot.path(), host).unwrap(),
            bin.join("llvm-profdata")
        );
    }

    #[test]
    fn a_fresh_directory_is_emptied_or_the_path_that_could_not_be_made_named() {
        let dir = tempfile::tempdir().unwrap();
        let profiles = dir.path().join("profiles");
        std::fs::create_dir_all(profiles.join("old")).unwrap();
        std::fs::write(profiles.join("old/stale.profraw"), "x").unwrap();
        fresh_dir(&profiles).unwrap();
        assert_eq!(std::fs::read_dir(&profiles).unwrap().count(), 0);
        let file = dir.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        let below_a_file = file.join("profiles");
        let error = fresh_dir(&below_a_file).unwrap_err();
        assert!(
            matches!(&error, PgoError::Io { path, .. } if *path == below_a_file),
            "{error}"
        );
        assert!(
            error
                .to_string()
                .starts_with(&below_a_file.display().to_string())
        );
    }

    #[test]
    fn a_binary_is_installed_whole_or_the_copy_that_failed_named() {
        let dir = tempfile::tempdir().unwrap();
        let (built, at) = (dir.path().join("built"), dir.path().join("deg-contracts"));
        std::fs::write(&at, "the old binary").unwrap();
        std::fs::write(&built, "the new binary").unwrap();
        install(&built, &at).unwrap();
        assert_eq!(std::fs::read_to_string(&at).unwrap(), "the new binary");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "no partial copy is left beside it");
        let missing = install(&dir.path().join("not-built"), &at).unwrap_err();
        let partial = dir.path().join(".deg-contracts.partial");
        assert!(
            matches!(&missing, PgoError::Io { path, .. } if *path == partial),
            "{missing}"
        );
        assert_eq!(std::fs::read_to_string(&at).unwrap(), "the new binary");
        // A directory in the way: the rename fails, named, and no partial copy stays.
        let taken = dir.path().join("taken");
        std::fs::create_dir_all(taken.join("inside")).unwrap();
        let blocked = install(&built, &taken).unwrap_err();
        assert!(
            matches!(&blocked, PgoError::Io { path, .. } if *path == taken),
            "{blocked}"
        );
        assert!(!dir.path().join(".taken.partial").exists());
    }

    #[test]
    fn training_without_the_examples_says_it_could_not_write_the_messages() {
        let root = tempfile::tempdir().unwrap();
        let training = root.path().join("training");
        let error = train(root.path(), Path::new("/nonexistent/gate"), &training, 10).unwrap_err();
        assert!(matches!(error, PgoError::Synth(_)), "{error}");
        assert!(
            error
                .to_string()
                .starts_with("writing the training messages: "),
            "{error}"
        );
    }

    #[test]
    fn a_training_run_that_cannot_start_is_named_with_its_arguments() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let training = tempfile::tempdir().unwrap();
        let error = train(root, Path::new("/nonexistent/gate"), training.path(), 10)
            .unwrap_err()
            .to_string();
        let files = training.path().join("files");
        let named = format!("the training run `validate {}` failed: ", files.display());
        assert!(error.starts_with(&named), "{error}");
        let written = std::fs::read_dir(&files).unwrap().count();
        assert_eq!(written, 10, "the messages were written before the run");
    }

    #[test]
    fn the_host_is_read_from_rustc_or_its_absence_said() {
        let version = "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n";
        assert_eq!(host_of(version).unwrap(), "x86_64-unknown-linux-gnu");
        let none = host_of("rustc 1.95.0\nrelease: 1.95.0\n").unwrap_err();
        assert_eq!(none.to_string(), "rustc -vV failed: it names no host");
    }

    #[test]
    fn a_step_fails_on_an_exit_code_it_does_not_accept_and_says_why() {
        let exits = |code: i32, accepted: &[i32]| {
            run(
                "the step",
                Command::new("sh").args(["-c", &format!("echo out; echo why >&2; exit {code}")]),
                accepted,
            )
        };
        assert_eq!(exits(1, &[0, 1]).unwrap(), "out\n");
        let failed = exits(3, &[0, 1]).unwrap_err().to_string();
        assert!(failed.starts_with("the step failed: "), "{failed}");
        assert!(failed.contains("why"), "{failed}");
        let unstartable = run("nothing", &mut Command::new("/nonexistent/tool"), &[0]);
        assert!(
            unstartable
                .unwrap_err()
                .to_string()
                .starts_with("nothing failed: ")
        );
    }
}
