//! What the generator's integration tests share: where the workspace is, and building a
//! generated crate.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Builds a generated crate in place with the workspace's lock file, sharing one target
/// directory across tests, and runs `cargo test` (or `cargo clippy`) in it.
pub fn cargo_in(out: &Path, args: &[&str]) {
    std::fs::copy(workspace().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let (command, rest) = args.split_first().unwrap();
    let output = std::process::Command::new(cargo)
        .args([command, "--offline"])
        .args(rest)
        .current_dir(out)
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target/generated-builds"),
        )
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo {args:?} in {} failed:\n{}\n{}",
        out.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
