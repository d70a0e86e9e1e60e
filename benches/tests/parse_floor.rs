//! The floor the gate is timed against parses what it says it does: a floor that skipped
//! messages would make every ratio in README's Performance section look better than it is.

use std::path::Path;
use std::process::Command;

/// What `parse-floor ARGS` prints, and its exit code.
fn floor(args: &[&str], path: &Path) -> (String, Option<i32>) {
    let output = Command::new(env!("CARGO_BIN_EXE_parse-floor"))
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    let said = if output.status.success() {
        output.stdout
    } else {
        output.stderr
    };
    (String::from_utf8(said).unwrap(), output.status.code())
}

#[test]
fn each_depth_counts_the_messages_it_reads_and_parses() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir_all(files.join("nested")).unwrap();
    std::fs::write(files.join("a.json"), r#"{"a": [1, 2.5, "x"]}"#).unwrap();
    std::fs::write(files.join("nested/b.json"), "[]").unwrap();
    std::fs::write(files.join("broken.json"), r#"{"a": "#).unwrap();
    std::fs::write(files.join("ignored.txt"), "{}").unwrap();
    for (args, said) in [
        (&[][..], "2 messages parsed\n"),
        (&["--ignored"][..], "2 messages parsed\n"),
        (&["--read-only"][..], "3 messages read\n"),
        (&["--jobs", "1", "--ignored"][..], "2 messages parsed\n"),
    ] {
        assert_eq!(floor(args, &files), (said.to_owned(), Some(0)), "{args:?}");
    }
    let log = dir.path().join("messages.jsonl");
    std::fs::write(&log, "{\"a\": 1}\n[1, 2]\nnot json\n{}").unwrap();
    for (args, said) in [
        (&[][..], "3 messages parsed\n"),
        (&["--ignored"][..], "3 messages parsed\n"),
        (&["--read-only"][..], "4 messages read\n"),
    ] {
        assert_eq!(floor(args, &log), (said.to_owned(), Some(0)), "{args:?}");
    }
}

#[test]
fn a_path_that_is_not_there_is_named_and_nothing_is_timed() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let (said, code) = floor(&[], &missing);
    assert_eq!(code, Some(2));
    assert!(said.starts_with("parse-floor: "), "{said}");
    assert!(said.contains(&missing.display().to_string()), "{said}");
}
