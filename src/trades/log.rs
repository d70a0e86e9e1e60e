//! A message log, one message per line: read in batches on one thread, each batch checked on
//! any worker, and the reports merged in order on the calling thread, which feeds the ledger,
//! so reading, checking and the transaction checks overlap. Memory stays bounded by the
//! batches in flight, not by the length of the log.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use super::Options;
use crate::check::{Keep, MessageReport, check_bytes_counting};
use crate::finding::{Finding, Rule, Severity};
use crate::run::{self, FileResult, Input, Limits};
use crate::source::Position;
use crate::transaction::{Ledger, Source};

/// Lines checked together: enough that a hand-off between threads is rare, few enough that
/// the batches in flight stay small and every worker gets many.
const BATCH: usize = 64;

/// Batches each worker may have waiting, read or checked: enough that a slow batch holding
/// up the in-order merge leaves the other workers busy rather than blocked.
const IN_FLIGHT: usize = 8;

/// How much of the log is read at once.
const READ_BUFFER: usize = 256 * 1024;

/// One message line of a log.
struct Line {
    /// Its line number, from 1.
    number: usize,
    /// Where it starts in the log, in bytes.
    offset: u64,
    text: Vec<u8>,
}

/// Consecutive lines, and the lines among them too long to check.
#[derive(Default)]
struct Batch {
    lines: Vec<Line>,
    too_long: Vec<Finding>,
}

/// What the merge needs to know of the log while it runs.
struct Log<'a> {
    index: usize,
    name: Arc<str>,
    /// The log's path, for reading a line again; none for standard input.
    path: Option<Arc<Path>>,
    ledger: Option<&'a RefCell<Ledger>>,
    checking: Checking,
}

/// What the workers need to know of the log.
struct Checking {
    limits: Limits,
    /// How many findings the report keeps so far, for the workers to keep no more.
    kept: AtomicUsize,
    /// Whether the facts must be placed now, the line being unreadable later.
    place_facts: bool,
}

/// Checks a log, one message per line, with its findings at the log's own line numbers, and
/// adds each message to `ledger` in order.
pub(super) fn check(
    input: &Input,
    options: Options,
    index: usize,
    ledger: Option<&RefCell<Ledger>>,
) -> FileResult {
    let name = input.name();
    let log = Log {
        index,
        name: Arc::from(name.as_str()),
        path: input.path().map(Arc::from),
        ledger,
        checking: Checking {
            limits: options.limits,
            kept: AtomicUsize::new(0),
            // Standard input cannot be read again: its facts are placed now.
            place_facts: matches!(input, Input::Stdin),
        },
    };
    let reader: Result<Box<dyn Read + Send>, std::io::Error> = match input.path() {
        Some(path) => std::fs::File::open(path).map(|file| Box::new(file) as Box<dyn Read + Send>),
        None => Ok(Box::new(std::io::stdin())),
    };
    let outcome = reader.and_then(|reader| {
        let mut report = MessageReport::default();
        if options.jobs <= 1 {
            read_batches(reader, options.limits.max_file_size, |batch| {
                let reports = check_batch(&batch, &log.checking);
                log.merge(batch, reports, &mut report);
                true
            })?;
        } else {
            in_parallel(reader, &log, options.jobs, &mut report)?;
        }
        report.note_findings_limit(options.limits.max_findings, None);
        Ok(report)
    });
    FileResult { name, outcome }
}

/// Reads on one thread and checks on `jobs`, this one among them: between batches of its own
/// it merges, in order, the batches the others have checked.
fn in_parallel(
    reader: Box<dyn Read + Send>,
    log: &Log<'_>,
    jobs: usize,
    report: &mut MessageReport,
) -> std::io::Result<()> {
    let limit = log.checking.limits.max_file_size;
    let checking = &log.checking;
    let (work, batches) = mpsc::sync_channel::<(usize, Batch)>(jobs * IN_FLIGHT);
    let batches = Mutex::new(batches);
    let next_batch = || batches.lock().ok().and_then(|batches| batches.recv().ok());
    std::thread::scope(|scope| {
        let (done, checked) =
            mpsc::sync_channel::<(usize, Batch, Vec<MessageReport>)>(jobs * IN_FLIGHT);
        let reading = scope.spawn(move || {
            let mut number = 0;
            read_batches(reader, limit, |batch| {
                number += 1;
                work.send((number - 1, batch)).is_ok()
            })
        });
        for _ in 1..jobs {
            let done = done.clone();
            let next_batch = &next_batch;
            scope.spawn(move || {
                while let Some((number, batch)) = next_batch() {
                    let reports = check_batch(&batch, checking);
                    if done.send((number, batch, reports)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done);
        let mut waiting = std::collections::BTreeMap::new();
        let mut expected = 0;
        let mut merge = |waiting: &mut std::collections::BTreeMap<_, _>| {
            while let Some((batch, reports)) = waiting.remove(&expected) {
                log.merge(batch, reports, report);
                expected += 1;
            }
        };
        while let Some((number, batch)) = next_batch() {
            let reports = check_batch(&batch, checking);
            waiting.insert(number, (batch, reports));
            while let Ok((number, batch, reports)) = checked.try_recv() {
                waiting.insert(number, (batch, reports));
            }
            merge(&mut waiting);
        }
        for (number, batch, reports) in checked {
            waiting.insert(number, (batch, reports));
            merge(&mut waiting);
        }
        reading
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the log reader failed")))
    })
}

/// Reads the log a batch at a time and hands each to `on` until it returns false; a line
/// longer than `limit` is skipped (read past, never held) and reported.
fn read_batches(
    reader: impl Read,
    limit: u64,
    mut on: impl FnMut(Batch) -> bool,
) -> std::io::Result<()> {
    let mut lines = BufReader::with_capacity(READ_BUFFER, reader);
    let mut number = 0;
    let mut consumed: u64 = 0;
    // Lines of a log are alike in length: each starts with room for the last one.
    let mut last_len = 0;
    loop {
        let mut batch = Batch::default();
        while batch.lines.len() < BATCH {
            let mut text = Vec::with_capacity(last_len + 1);
            let read = (&mut lines)
                .take(limit.saturating_add(1))
                .read_until(b'\n', &mut text)?;
            if read == 0 {
                break;
            }
            let offset = consumed;
            consumed += read as u64;
            number += 1;
            last_len = text.len().min(READ_BUFFER);
            if text.len() as u64 > limit && !text.ends_with(b"\n") {
                batch.too_long.push(line_too_long(number, limit));
                let mut rest = Vec::new();
                consumed += lines.read_until(b'\n', &mut rest)? as u64;
                continue;
            }
            if !text.trim_ascii().is_empty() {
                batch.lines.push(Line {
                    number,
                    offset,
                    text,
                });
            }
        }
        if batch.lines.is_empty() && batch.too_long.is_empty() {
            return Ok(());
        }
        if !on(batch) {
            return Ok(());
        }
    }
}

/// Each line's report, keeping no more findings than the log may still have room for. The
/// room a worker sees is never less than the line's true room (the merge runs in order), so
/// which findings are listed, and every count, is the same however the batches interleave.
fn check_batch(batch: &Batch, checking: &Checking) -> Vec<MessageReport> {
    let room = checking
        .limits
        .max_findings
        .saturating_sub(checking.kept.load(Ordering::Relaxed))
        .max(1);
    let keep = Keep {
        findings: room,
        facts: checking.limits.facts,
        place_facts: checking.place_facts,
        settings: checking.limits.settings,
        schemas: checking.limits.schemas,
        skipped: checking.limits.skipped,
    };
    batch
        .lines
        .iter()
        .map(|line| run::isolated(|| check_bytes_counting(line.text.trim_ascii(), keep)))
        .collect()
}

impl Log<'_> {
    /// Adds a batch's reports to the log's, at the log's line numbers, and its messages to
    /// the ledger.
    fn merge(&self, batch: Batch, reports: Vec<MessageReport>, report: &mut MessageReport) {
        report.findings.extend(batch.too_long);
        for (line, mut checked) in batch.lines.into_iter().zip(reports) {
            let shift = line.number - 1;
            let indent = line.text.len() - line.text.trim_ascii_start().len();
            for finding in &mut checked.findings {
                if let Some(position) = &mut finding.position {
                    if position.line == 1 {
                        position.column += indent;
                    }
                    position.line += shift;
                }
            }
            if let Some(ledger) = self.ledger {
                let source = match &self.path {
                    Some(log) => Source::Line {
                        log: Arc::clone(log),
                        offset: line.offset,
                        len: line.text.len(),
                        number: line.number,
                    },
                    None => Source::Placed,
                };
                for mut facts in std::mem::take(&mut checked.facts) {
                    if source == Source::Placed {
                        facts.shift(shift, indent);
                    }
                    ledger
                        .borrow_mut()
                        .add(self.index, &self.name, source.clone(), facts);
                }
            }
            report.objects += checked.objects;
            report.skipped.extend(checked.skipped);
            let room = self
                .checking
                .limits
                .max_findings
                .saturating_sub(report.findings.len());
            let kept = checked.findings.len().min(room);
            for finding in checked.findings.drain(kept..) {
                match finding.severity {
                    Severity::Error => report.not_kept.0 += 1,
                    Severity::Warning => report.not_kept.1 += 1,
                }
            }
            report.not_kept.0 += checked.not_kept.0;
            report.not_kept.1 += checked.not_kept.1;
            report.findings.extend(checked.findings);
        }
        self.checking
            .kept
            .store(report.findings.len(), Ordering::Relaxed);
    }
}

fn line_too_long(line: usize, limit: u64) -> Finding {
    let mut finding = Finding::new(
        Rule::FileTooLarge,
        "",
        format!(
            "line {line} is longer than {limit} bytes, the most the gate reads of one message; not checked (raise --max-file-size)"
        ),
    );
    finding.position = Some(Position { line, column: 1 });
    debug_assert_eq!(finding.severity, Severity::Error);
    finding
}
