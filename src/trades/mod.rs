//! A run with the transaction checks: every input checked as [`crate::run`] does (files in
//! parallel), message logs (`.jsonl`, `.ndjson`, or standard input with `--jsonl`) read line
//! by line on the reporting thread so that their messages stream into the [`Ledger`], and
//! each trade's findings attached to the message they are about before anything is reported.

use std::cell::RefCell;
use std::path::Path;
use std::sync::Arc;

use crate::finding::{Finding, Rule, Severity};
use crate::run::{self, FileResult, Input, Limits};
use crate::transaction::{Ledger, Source};

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

/// Checks every input, then every trade across them, and hands each input's result (with
/// the trade findings about its messages) to `deliver` in input order. Without the trade
/// checks nothing waits for later messages, so each result is delivered as it arrives.
pub fn check(inputs: &[Input], options: Options, mut deliver: impl FnMut(FileResult)) {
    if !options.transactions {
        each_result(inputs, options, None, |_, result| deliver(result));
        return;
    }
    let limit = options.limits.max_findings;
    let ledger = RefCell::new(Ledger::keeping(options.window_seconds, limit));
    let mut results: Vec<FileResult> = Vec::with_capacity(inputs.len());
    each_result(inputs, options, Some(&ledger), |input, mut result| {
        if let Ok(report) = &mut result.outcome
            && !report.facts.is_empty()
        {
            let name: Arc<str> = Arc::from(result.name.as_str());
            let source = match &inputs[input] {
                Input::File(path) => Source::File(Arc::from(path.as_path())),
                Input::Stdin => Source::Placed,
            };
            let mut ledger = ledger.borrow_mut();
            for facts in std::mem::take(&mut report.facts) {
                ledger.add(input, &name, source.clone(), facts);
            }
        }
        results.push(result);
    });
    let found = ledger.into_inner().finish();
    let mut beyond = found.beyond;
    for (input, finding) in found.kept {
        let counted = beyond.entry(input).or_default();
        if let Some(Ok(report)) = results.get_mut(input).map(|result| &mut result.outcome) {
            let listed = report.findings.iter().filter(|f| !is_limit_note(f)).count();
            if listed < limit {
                report.findings.push(finding);
            } else if finding.severity == Severity::Error {
                counted.0 += 1;
            } else {
                counted.1 += 1;
            }
        }
    }
    for (input, (errors, warnings)) in beyond {
        if errors + warnings == 0 {
            continue;
        }
        if let Some(Ok(report)) = results.get_mut(input).map(|result| &mut result.outcome) {
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
    }
    for mut result in results {
        if let Ok(report) = &mut result.outcome {
            report.findings.sort_by_key(|finding| finding.position);
        }
        deliver(result);
    }
}

fn is_limit_note(finding: &Finding) -> bool {
    finding.rule == Rule::FindingsLimit
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
