//! The one reporting layer: renders findings as text for people, JSON Lines, GitHub Actions
//! annotations, SARIF 2.1.0 or JUnit XML.

mod github;
mod human;
mod json_lines;
mod junit;
mod sarif;

use std::io::{self, Write};

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
        Format::Json => Box::new(json_lines::JsonLines),
        Format::Github => Box::new(github::Github),
        Format::Sarif => Box::new(sarif::Sarif::default()),
        Format::Junit => Box::new(junit::Junit::default()),
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
