//! A message log, one message per line: read in batches on one thread, each batch checked on
//! any worker, and the reports merged in order on the calling thread, which feeds the ledger,
//! so reading, checking and the transaction checks overlap. Memory stays bounded by the
//! batches in flight, not by the length of the log.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use super::Options;
use crate::check::{Keep, MessageReport, check_bytes_counting, count_not_kept};
use crate::finding::{Finding, Rule, Severity};
use crate::run::{self, FileResult, Input, Limits};
use crate::source::Position;
use crate::transaction::{Ledger, Source};

/// Lines checked together: enough that a hand-off between threads is rare, few enough that
/// the batches in flight stay small and every worker gets many.
const BATCH: usize = 64;

/// The most text a batch reads before it is handed on, however few its lines.
const BATCH_BYTES: usize = 64 * 1024;

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
    /// Where it lies in its batch's text, its line break included.
    text: Range<usize>,
}

/// Consecutive lines, read into one buffer (one allocation a batch, not one a line), and
/// the lines among them too long to check.
#[derive(Default)]
struct Batch {
    text: Vec<u8>,
    lines: Vec<Line>,
    too_long: Vec<Finding>,
}

impl Batch {
    fn text(&self, line: &Line) -> &[u8] {
        &self.text[line.text.clone()]
    }
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
    // Batches of a log are alike in length: each starts with room for the last one.
    let mut last_len = 0;
    loop {
        let mut batch = Batch {
            text: Vec::with_capacity(last_len),
            ..Batch::default()
        };
        while batch.lines.len() < BATCH && batch.text.len() < BATCH_BYTES {
            let start = batch.text.len();
            let read = read_line(&mut lines, limit.saturating_add(1), &mut batch.text)?;
            if read == 0 {
                break;
            }
            let offset = consumed;
            consumed += read as u64;
            number += 1;
            let text = start..batch.text.len();
            if read as u64 > limit && !batch.text.ends_with(b"\n") {
                batch.text.truncate(start);
                batch.too_long.push(line_too_long(number, limit));
                consumed += lines.skip_until(b'\n')? as u64;
                continue;
            }
            if batch.text[text.clone()].trim_ascii().is_empty() {
                batch.text.truncate(start);
            } else {
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
        // With an eighth more, so that a batch a little longer than the last is not copied
        // as it grows; no more than a few reads' worth after a batch of huge lines.
        last_len = (batch.text.len() + batch.text.len() / 8).min(4 * READ_BUFFER);
        if !on(batch) {
            return Ok(());
        }
    }
}

/// Appends to `text` the reader's bytes up to and including the next line break, but no
/// more than `room` of them; how many it appended (0 at the end). The break is looked for
/// with `memchr`'s vector search, several times faster than the word-at-a-time one
/// `BufRead::read_until` uses, on the thread every batch waits for.
fn read_line(reader: &mut impl BufRead, room: u64, text: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut read = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let left = room - read as u64;
        let allowed = &available[..available
            .len()
            .min(usize::try_from(left).unwrap_or(usize::MAX))];
        let (used, ended) = match memchr::memchr(b'\n', allowed) {
            Some(at) => (at + 1, true),
            None => (
                allowed.len(),
                allowed.is_empty() || allowed.len() as u64 == left,
            ),
        };
        text.extend_from_slice(&allowed[..used]);
        reader.consume(used);
        read += used;
        if ended {
            return Ok(read);
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
        .map(|line| run::isolated(|| check_bytes_counting(batch.text(line).trim_ascii(), keep)))
        .collect()
}

impl Log<'_> {
    /// Adds a batch's reports to the log's, at the log's line numbers, and its messages to
    /// the ledger.
    fn merge(&self, batch: Batch, reports: Vec<MessageReport>, report: &mut MessageReport) {
        // A line too long to read is reported in its place among the lines around it.
        let mut too_long = batch.too_long.into_iter().peekable();
        for (line, mut checked) in batch.lines.iter().zip(reports) {
            while let Some(finding) =
                too_long.next_if(|finding| finding_line(finding) < line.number)
            {
                self.keep(report, finding);
            }
            let text = &batch.text[line.text.clone()];
            let shift = line.number - 1;
            let indent = text.len() - text.trim_ascii_start().len();
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
                        len: text.len(),
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
            report.not_kept.0 += checked.not_kept.0;
            report.not_kept.1 += checked.not_kept.1;
            for finding in checked.findings {
                self.keep(report, finding);
            }
        }
        for finding in too_long {
            self.keep(report, finding);
        }
        self.checking
            .kept
            .store(report.findings.len(), Ordering::Relaxed);
    }

    /// Lists a finding while the log has room for it, and counts it by severity after.
    fn keep(&self, report: &mut MessageReport, finding: Finding) {
        if report.findings.len() < self.checking.limits.max_findings {
            report.findings.push(finding);
        } else {
            count_not_kept(&mut report.not_kept, finding.severity);
        }
    }
}

fn finding_line(finding: &Finding) -> usize {
    finding
        .position
        .as_ref()
        .map_or(0, |position| position.line)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out its bytes a few at a time, as a pipe may.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let count = self.0.len().min(self.1).min(out.len());
            out[..count].copy_from_slice(&self.0[..count]);
            self.0 = &self.0[count..];
            Ok(count)
        }
    }

    /// Every batch's lines as (number, offset, text), and the lines reported too long.
    fn batches(log: &[u8], limit: u64, chunk: usize) -> (Vec<(usize, u64, String)>, Vec<usize>) {
        let mut lines = Vec::new();
        let mut too_long = Vec::new();
        read_batches(Trickle(log, chunk), limit, |batch| {
            for line in &batch.lines {
                let text = String::from_utf8(batch.text(line).to_vec()).unwrap();
                lines.push((line.number, line.offset, text));
            }
            too_long.extend(
                batch
                    .too_long
                    .iter()
                    .map(|finding| finding.position.unwrap().line),
            );
            true
        })
        .unwrap();
        (lines, too_long)
    }

    #[test]
    fn lines_keep_their_numbers_offsets_and_breaks_whatever_the_reads() {
        let log = b"{\"a\":1}\n\n  \r\n{\"b\":2}\r\n{\"c\":3}";
        for chunk in [1, 2, 3, 7, 64] {
            let (lines, too_long) = batches(log, 1_000, chunk);
            assert_eq!(
                lines,
                [
                    (1, 0, "{\"a\":1}\n".to_owned()),
                    (4, 13, "{\"b\":2}\r\n".to_owned()),
                    (5, 22, "{\"c\":3}".to_owned()),
                ],
                "read {chunk} bytes at a time"
            );
            assert!(too_long.is_empty());
        }
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_to_its_break_and_the_next_is_read() {
        // The limit counts the line's bytes before its break: 6 fits, 7 does not.
        let log = b"123456\n1234567\nabc\n12345678";
        for chunk in [1, 4, 64] {
            let (lines, too_long) = batches(log, 6, chunk);
            assert_eq!(
                lines,
                [(1, 0, "123456\n".to_owned()), (3, 15, "abc\n".to_owned())],
                "read {chunk} bytes at a time"
            );
            assert_eq!(too_long, [2, 4]);
        }
    }

    #[test]
    fn many_lines_come_in_batches_in_order() {
        let log: String = (0..BATCH * 2 + 5)
            .map(|at| format!("{{\"n\":{at}}}\n"))
            .collect();
        let mut sizes = Vec::new();
        let mut numbers = Vec::new();
        read_batches(log.as_bytes(), 1_000, |batch| {
            sizes.push(batch.lines.len());
            numbers.extend(batch.lines.iter().map(|line| line.number));
            true
        })
        .unwrap();
        assert_eq!(sizes, [BATCH, BATCH, 5]);
        assert_eq!(numbers, (1..=BATCH * 2 + 5).collect::<Vec<_>>());
    }

    #[test]
    fn a_batch_of_long_lines_is_handed_on_once_it_holds_enough_text() {
        let line = format!("{{\"x\":\"{}\"}}\n", "a".repeat(10 * 1024));
        let log = line.repeat(20);
        let mut sizes = Vec::new();
        read_batches(log.as_bytes(), 1 << 20, |batch| {
            sizes.push(batch.lines.len());
            true
        })
        .unwrap();
        // Seven lines are the first to pass the batch's bytes; twenty lines make three.
        let per_batch = BATCH_BYTES.div_ceil(line.len());
        assert_eq!(per_batch, 7);
        assert_eq!(sizes, [7, 7, 6]);
    }

    #[test]
    fn a_read_error_is_returned() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("the disk went away"))
            }
        }
        let error = read_batches(Broken, 1_000, |_| true).unwrap_err();
        assert_eq!(error.to_string(), "the disk went away");
    }
}
