//! The gate's floor: read every message and parse it to `serde_json::Value` on `--jobs`
//! threads, nothing else. `deg-contracts validate` is timed against it in the same run
//! (README's Performance section), so a slower host moves both.
//!
//! `parse-floor [--jobs N] [--read-only] PATH...`: directories (every `*.json` below), files,
//! and message logs (`*.jsonl`, a message per line). `--read-only` reads every message and
//! parses none: what any tool pays to open and read the same files.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use deg_contracts::run::{Input, expand};
use deg_contracts::trades::is_log;

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
    let read_only = args.first().map(String::as_str) == Some("--read-only");
    if read_only {
        args.remove(0);
    }
    let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    let (inputs, errors) = expand(&paths);
    if let Some(error) = errors.first() {
        eprintln!("parse-floor: {error}");
        std::process::exit(2);
    }
    let files: Vec<PathBuf> = inputs
        .into_iter()
        .filter_map(|input| match input {
            Input::File(path) => Some(path),
            Input::Stdin => None,
        })
        .collect();
    let (logs, files): (Vec<PathBuf>, Vec<PathBuf>) =
        files.into_iter().partition(|path| is_log(path));
    let parsed = AtomicUsize::new(0);
    let parse = |message: &[u8]| {
        if read_only || serde_json::from_slice::<serde_json::Value>(message).is_ok() {
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
    let done = if read_only { "read" } else { "parsed" };
    println!("{} messages {done}", parsed.load(Ordering::Relaxed));
}
