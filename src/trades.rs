//! A run with the transaction checks: every input checked as [`crate::run`] does (files in
//! parallel), message logs (`.jsonl`, `.ndjson`, or standard input with `--jsonl`) read line
//! by line on the reporting thread so that their messages stream into the [`Ledger`], and
//! each trade's findings attached to the message they are about before anything is reported.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use crate::check::{Keep, MessageReport, check_bytes_keeping};
use crate::finding::{Finding, Rule, Severity, clipped_line};
use crate::run::{self, FileResult, Input, Limits};
use crate::source::{self, Position};
use crate::transaction::Ledger;

/// How the run reads and groups messages.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub limits: Limits,
    pub jobs: usize,
    /// Read standard input as a log, one message per line.
    pub stdin_is_log: bool,
    /// Close a trade this many seconds (of message time) after its last message.
    pub window_seconds: u64,
    /// Whether to check trades across messages at all (`--per-message` turns it off).
    pub transactions: bool,
}

/// Whether a file is a message log, by its name.
pub fn is_log(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "jsonl" || ext == "ndjson")
}

/// Checks every input, then every trade across them, and hands each input's result (with
/// the trade findings about its messages) to `deliver` in input order. Without the trade
/// checks nothing waits for later messages, so each result is delivered as it arrives.
pub fn check(inputs: &[Input], options: Options, mut deliver: impl FnMut(FileResult)) {
    if !options.transactions {
        each_result(inputs, options, None, |_, result| deliver(result));
        return;
    }
    let ledger = RefCell::new(Ledger::new(options.window_seconds));
    let mut results: Vec<FileResult> = Vec::with_capacity(inputs.len());
    each_result(inputs, options, Some(&ledger), |input, mut result| {
        if let Ok(report) = &mut result.outcome
            && !report.facts.is_empty()
        {
            let name: Arc<str> = Arc::from(result.name.as_str());
            let mut ledger = ledger.borrow_mut();
            for facts in std::mem::take(&mut report.facts) {
                ledger.add(input, &name, facts);
            }
        }
        results.push(result);
    });
    let mut framed: Vec<usize> = Vec::new();
    for (input, finding) in ledger.into_inner().finish() {
        if let Some(Ok(report)) = results.get_mut(input).map(|result| &mut result.outcome) {
            report.findings.push(finding);
            framed.push(input);
        }
    }
    framed.sort_unstable();
    framed.dedup();
    for input in framed {
        if let (Some(Input::File(path)), Some(Ok(report))) = (
            inputs.get(input),
            results.get_mut(input).map(|r| &mut r.outcome),
        ) {
            add_line_text(path, report);
        }
    }
    for mut result in results {
        if let Ok(report) = &mut result.outcome {
            report.findings.sort_by_key(|finding| finding.position);
        }
        deliver(result);
    }
}

/// Whether an input is read as a log.
fn is_log_input(input: &Input, options: Options) -> bool {
    match input {
        Input::File(path) => is_log(path),
        Input::Stdin => options.stdin_is_log,
    }
}

/// Checks every input in order, files in parallel between logs, and hands each result and
/// its index to `on`; a log's lines go to `ledger` as they are read.
fn each_result(
    inputs: &[Input],
    options: Options,
    ledger: Option<&RefCell<Ledger>>,
    mut on: impl FnMut(usize, FileResult),
) {
    let mut start = 0;
    while start < inputs.len() {
        if is_log_input(&inputs[start], options) {
            on(start, check_log(&inputs[start], options, start, ledger));
            start += 1;
            continue;
        }
        let end = (start..inputs.len())
            .find(|&i| is_log_input(&inputs[i], options))
            .unwrap_or(inputs.len());
        let mut index = start;
        run::check_all(
            &inputs[start..end],
            options.jobs,
            options.limits,
            |result| {
                on(index, result);
                index += 1;
            },
        );
        start = end;
    }
}

/// Gives the trade findings, which are placed after the file's text is gone, their line for
/// the code frame, reading the file once more. A file that changed or vanished since keeps
/// its findings without frames.
fn add_line_text(path: &Path, report: &mut MessageReport) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let lines = source::LineIndex::new(&text);
    for finding in &mut report.findings {
        if finding.line_text.is_none()
            && let Some(position) = finding.position
        {
            finding.line_text = lines.line(&text, position.line).map(clipped_line);
        }
    }
}

/// Lines of a log checked together: enough to keep every worker busy, few enough that a
/// batch's text and reports stay small.
const BATCH: usize = 512;

/// A log, one message per line, each checked alone (a batch at a time, on every worker) and
/// fed to the ledger in order; its findings carry the log's own line numbers.
fn check_log(
    input: &Input,
    options: Options,
    index: usize,
    ledger: Option<&RefCell<Ledger>>,
) -> FileResult {
    let limits = options.limits;
    let name = input.name();
    let shared: Arc<str> = Arc::from(name.as_str());
    let reader: Result<Box<dyn Read>, std::io::Error> = match input {
        Input::File(path) => std::fs::File::open(path).map(|file| Box::new(file) as Box<dyn Read>),
        Input::Stdin => Ok(Box::new(std::io::stdin().lock())),
    };
    let outcome = reader.and_then(|reader| {
        let mut lines = BufReader::new(reader);
        let mut report = MessageReport::default();
        let mut number = 0;
        loop {
            let mut batch: Vec<(usize, Vec<u8>)> = Vec::with_capacity(BATCH);
            while batch.len() < BATCH {
                let mut line = Vec::new();
                let read = (&mut lines)
                    .take(limits.max_file_size.saturating_add(1))
                    .read_until(b'\n', &mut line)?;
                if read == 0 {
                    break;
                }
                number += 1;
                if line.len() as u64 > limits.max_file_size && !line.ends_with(b"\n") {
                    report
                        .findings
                        .push(line_too_long(number, limits.max_file_size));
                    let mut rest = Vec::new();
                    lines.read_until(b'\n', &mut rest)?;
                    continue;
                }
                if !line.trim_ascii().is_empty() {
                    batch.push((number, line));
                }
            }
            if batch.is_empty() {
                break;
            }
            let room = limits
                .max_findings
                .saturating_sub(report.findings.len())
                .max(1);
            for ((number, line), mut checked) in batch.iter().zip(check_lines(
                &batch,
                Keep {
                    findings: room,
                    facts: limits.facts,
                },
                options.jobs,
            )) {
                let shift = number - 1;
                let indent = line.len() - line.trim_ascii_start().len();
                for finding in &mut checked.findings {
                    if let Some(position) = &mut finding.position {
                        position.line += shift;
                        if position.line == *number {
                            position.column += indent;
                        }
                    }
                }
                for mut facts in std::mem::take(&mut checked.facts) {
                    if let Some(ledger) = ledger {
                        facts.shift(shift);
                        ledger.borrow_mut().add(index, &shared, facts);
                    }
                }
                report.objects += checked.objects;
                report.skipped.extend(checked.skipped);
                let room = limits.max_findings.saturating_sub(report.findings.len());
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
        }
        Ok(report)
    });
    FileResult { name, outcome }
}

/// Each line's report, in order, the lines split among `jobs` threads.
fn check_lines(batch: &[(usize, Vec<u8>)], keep: Keep, jobs: usize) -> Vec<MessageReport> {
    let check = |(_, line): &(usize, Vec<u8>)| {
        run::isolated(|| check_bytes_keeping(line.trim_ascii(), keep))
    };
    let jobs = jobs.clamp(1, batch.len().max(1));
    if jobs == 1 {
        return batch.iter().map(check).collect();
    }
    let chunk = batch.len().div_ceil(jobs);
    std::thread::scope(|scope| {
        let workers: Vec<_> = batch
            .chunks(chunk)
            .map(|lines| scope.spawn(move || lines.iter().map(check).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_else(|_| Vec::new()))
            .collect()
    })
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
