//! The one reporting layer: renders findings as text for people, JSON Lines, GitHub Actions
//! annotations, SARIF 2.1.0, JUnit XML or one self-contained HTML page.

mod github;
mod html;
mod human;
mod json_lines;
mod junit;
mod sarif;

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::finding::{Finding, LINE_TEXT_LIMIT};
use crate::run::{FileResult, Summary};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `file:line:col: error[RULE]: message` with a code frame; colour on a terminal.
    Human,
    /// One JSON object per finding per line.
    Json,
    /// GitHub Actions workflow commands, which annotate the pull request.
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// JUnit XML, a test case per file.
    Junit,
    /// One self-contained HTML page: summaries, findings with code frames, filters, and each
    /// contract's roles and revenue flows.
    Html,
}

/// Renders results as they arrive, then the totals.
pub trait Reporter {
    fn file(&mut self, result: &FileResult, out: &mut dyn Write) -> io::Result<()>;
    fn finish(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()>;
}

/// The reporter for a format; `verbose` lists skipped objects where the format has room.
pub fn reporter(format: Format, verbose: bool) -> Box<dyn Reporter> {
    match format {
        Format::Human => Box::new(human::Human { verbose }),
        Format::Json => Box::new(json_lines::JsonLines::default()),
        Format::Github => Box::new(github::Github),
        Format::Sarif => Box::new(sarif::Sarif::default()),
        Format::Junit => Box::new(junit::Junit::default()),
        Format::Html => Box::new(html::Html::default()),
    }
}

/// The totals in words.
pub fn summary_line(summary: &Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "{}, {}: {}, {}",
        plural(summary.files, "file"),
        plural(summary.objects, "object"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
    );
    if summary.unreadable > 0 {
        line.push_str(&format!(", {} unreadable", summary.unreadable));
    }
    line
}

/// The line a finding is on, as a code frame shows it: its number, its text (the first
/// [`LINE_TEXT_LIMIT`] characters) and how many characters precede the caret.
struct Frame {
    line: usize,
    text: String,
    caret: usize,
}

impl Frame {
    fn of(finding: &Finding) -> Option<Frame> {
        let text = finding.line_text.as_ref()?;
        let (line, column) = finding.position.map_or((1, 1), |p| (p.line, p.column));
        let shown: String = text.chars().take(LINE_TEXT_LIMIT).collect();
        let caret = column.saturating_sub(1).min(shown.chars().count());
        Some(Frame {
            line,
            text: shown,
            caret,
        })
    }
}

/// Text for XML or HTML character data and attribute values. A character XML 1.0 cannot hold
/// even as a reference (controls other than tab and line breaks, U+FFFE, U+FFFF) is spelled
/// `\u{…}`, so the document stays well-formed and still says what was there.
fn escape_markup(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                let _ = write!(escaped, "\\u{{{:X}}}", c as u32);
            }
            c => escaped.push(c),
        }
    }
    escaped
}
