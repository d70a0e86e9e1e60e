//! The gate's floor: read every message and parse it to `serde_json::Value` on `--jobs`
//! threads, nothing else. `deg-contracts validate` is timed against it in the same run
//! (README's Performance section), so a slower host moves both.
//!
//! `parse-floor [--jobs N] [--read-only | --ignored] PATH...`: directories (every `*.json`
//! below), files, and message logs (`*.jsonl`, a message per line). `--read-only` reads every
//! message and parses none: what any tool pays to open and read the same files. `--ignored`
//! parses each to `serde::de::IgnoredAny`, checking the grammar and building nothing: the
//! lowest cost of reading JSON at all, which the parse-floor issue's goal is set against.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use deg_contracts::run::{Input, expand};
use deg_contracts::trades::is_log;
use serde::de::IgnoredAny;

/// The gate's own allocator, so that the floor differs from it only in the work.
#[global_allocator]
static ALLOCATOR: deg_contracts::allocator::MiMalloc = deg_contracts::allocator::MiMalloc;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut jobs = 2;
    if args.first().map(String::as_str) == Some("--jobs") {
        jobs = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(2);
        args.drain(..2);
    }
    let depth = match args.first().map(String::as_str) {
        Some("--read-only") => Depth::Read,
        Some("--ignored") => Depth::Grammar,
        _ => Depth::Tree,
    };
    if depth != Depth::Tree {
        args.remove(0);
    }
    let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    let (inputs, errors) = expand(&paths);
    if let Some(error) = errors.first() {
        eprintln!("parse-floor: {error}");
        std::process::exit(2);
    }
    let files: Vec<PathBuf> = inputs.into_iter().filter_map(Input::into_path).collect();
    let (logs, files): (Vec<PathBuf>, Vec<PathBuf>) =
        files.into_iter().partition(|path| is_log(path));
    let parsed = AtomicUsize::new(0);
    let parse = |message: &[u8]| {
        let read = match depth {
            Depth::Read => true,
            Depth::Grammar => serde_json::from_slice::<IgnoredAny>(message).is_ok(),
            Depth::Tree => serde_json::from_slice::<serde_json::Value>(message).is_ok(),
        };
        if read {
            parsed.fetch_add(1, Ordering::Relaxed);
        }
    };
    // Files: each worker reads and parses the next one.
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                while let Some(path) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if let Ok(bytes) = std::fs::read(path) {
                        parse(&bytes);
                    }
                }
            });
        }
    });
    // Logs: read whole, their lines parsed by every worker.
    for log in &logs {
        let Ok(bytes) = std::fs::read(log) else {
            continue;
        };
        let lines: Vec<&[u8]> = bytes.split(|byte| *byte == b'\n').collect();
        let next = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..jobs {
                scope.spawn(|| {
                    while let Some(line) = lines.get(next.fetch_add(1, Ordering::Relaxed)) {
                        parse(line);
                    }
                });
            }
        });
    }
    let done = if depth == Depth::Read {
        "read"
    } else {
        "parsed"
    };
    println!("{} messages {done}", parsed.load(Ordering::Relaxed));
}

/// How far each message is taken.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Depth {
    /// Read, not parsed.
    Read,
    /// Parsed to `IgnoredAny`: the grammar checked, nothing built.
    Grammar,
    /// Parsed to `serde_json::Value`.
    Tree,
}
