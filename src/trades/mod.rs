//! A run with the transaction checks: every input checked as [`crate::run`] does (files in
//! parallel), message logs (`.jsonl`, `.ndjson`, or standard input with `--jsonl`) read line
//! by line on the reporting thread so that their messages stream into the [`Ledger`], and
//! each trade's findings attached to the message they are about before its input is
//! reported. An input is reported once every trade of its messages is checked.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;

use crate::check::MessageReport;
use crate::finding::{Finding, Rule, Severity};
use crate::run::{self, FileResult, Input, Limits};
use crate::transaction::{InputFindings, Ledger, Source};

mod log;

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
    run::has_extension(path, "jsonl") || run::has_extension(path, "ndjson")
}

/// Checks every input and every trade across them, and hands each input's result (with the
/// trade findings about its messages) to `deliver` in input order. A result goes out as soon
/// as no open trade holds one of its messages, so that output streams and memory stays
/// bounded by the trades still open; without the trade checks nothing waits at all.
pub fn check(inputs: &[Input], options: Options, mut deliver: impl FnMut(FileResult)) {
    if !options.transactions {
        each_result(inputs, options, None, |_, result| deliver(result));
        return;
    }
    let limit = options.limits.max_findings;
    let ledger = RefCell::new(Ledger::keeping(options.window_seconds, limit));
    // Results in input order, waiting for the trades of their messages to close.
    let mut waiting: VecDeque<(usize, FileResult)> = VecDeque::new();
    each_result(inputs, options, Some(&ledger), |input, mut result| {
        let mut ledger = ledger.borrow_mut();
        if let Ok(report) = &mut result.outcome
            && !report.facts.is_empty()
        {
            let name: Arc<str> = Arc::from(result.name.as_str());
            let source = match inputs[input].path() {
                Some(path) => Source::File(Arc::from(path)),
                None => Source::Placed,
            };
            for facts in std::mem::take(&mut report.facts) {
                ledger.add(input, &name, source.clone(), facts);
            }
        }
        waiting.push_back((input, result));
        deliver_settled(&mut waiting, &mut ledger, limit, &mut deliver);
    });
    let mut ledger = ledger.into_inner();
    ledger.close_all();
    deliver_settled(&mut waiting, &mut ledger, limit, &mut deliver);
}

/// Hands on, in order, every waiting result whose messages' trades are all checked.
fn deliver_settled(
    waiting: &mut VecDeque<(usize, FileResult)>,
    ledger: &mut Ledger,
    limit: usize,
    deliver: &mut impl FnMut(FileResult),
) {
    while waiting
        .front()
        .is_some_and(|(input, _)| ledger.settled(*input))
        && let Some((input, mut result)) = waiting.pop_front()
    {
        if let Ok(report) = &mut result.outcome {
            attach(report, ledger.take(input), limit);
        }
        deliver(result);
    }
}

/// Adds an input's trade findings to its report, within the report's limit of `limit`
/// listed findings (the rest counted in its note), and sorts them all by position.
fn attach(report: &mut MessageReport, found: InputFindings, limit: usize) {
    let (mut errors, mut warnings) = found.beyond;
    let mut listed = report.findings.iter().filter(|f| !is_limit_note(f)).count();
    for finding in found.kept {
        if listed < limit {
            report.findings.push(finding);
            listed += 1;
        } else if finding.severity == Severity::Error {
            errors += 1;
        } else {
            warnings += 1;
        }
    }
    if errors + warnings > 0 {
        // The input's note, if it has one, is made again with the trade findings counted.
        let first_line = report
            .findings
            .iter()
            .position(is_limit_note)
            .and_then(|at| report.findings.remove(at).line_text);
        report.not_kept.0 += errors;
        report.not_kept.1 += warnings;
        report.note_findings_limit(limit, first_line);
    }
    report.findings.sort_by_key(|finding| finding.position);
}

fn is_limit_note(finding: &Finding) -> bool {
    finding.rule == Rule::FindingsLimit
}

/// Whether an input is read as a log.
fn is_log_input(input: &Input, options: Options) -> bool {
    match input.path() {
        Some(path) => is_log(path),
        None => options.stdin_is_log,
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
            on(start, log::check(&inputs[start], options, start, ledger));
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
