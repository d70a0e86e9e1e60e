//! For people: `file:line:col: severity[rule]: message`, a code frame, and a summary.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::Frame;
use super::{Reporter, summary_line};
use crate::finding::{Finding, Rule, Severity};
use crate::run::{FileResult, Summary};

pub struct Human {
    pub verbose: bool,
}

const BOLD: Style = Style::new().bold();
const BLUE: Style = AnsiColor::Blue.on_default().bold();

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
    }
}

impl Reporter for Human {
    fn file(&mut self, result: &FileResult, out: &mut dyn Write) -> io::Result<()> {
        let report = match &result.outcome {
            Ok(report) => report,
            Err(error) => {
                let style = severity_style(Severity::Error);
                return writeln!(
                    out,
                    "{BOLD}{}{BOLD:#}: {style}error{style:#}: cannot read: {error}",
                    result.name
                );
            }
        };
        for finding in &report.findings {
            write_finding(&result.name, finding, out)?;
        }
        if self.verbose {
            for (pointer, type_name) in &report.skipped {
                writeln!(
                    out,
                    "{}: skipped {type_name} at {}",
                    result.name,
                    display_pointer(pointer)
                )?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{BOLD}{}{BOLD:#}", summary_line(summary))
    }
}

fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "the root"
    } else {
        pointer
    }
}

fn write_finding(file: &str, finding: &Finding, out: &mut dyn Write) -> io::Result<()> {
    let style = severity_style(finding.severity);
    let (line, column) = finding.position.map_or((1, 1), |p| (p.line, p.column));
    writeln!(
        out,
        "{BOLD}{file}:{line}:{column}{BOLD:#}: {style}{}[{}]{style:#}: {}",
        finding.severity.as_str(),
        finding.rule,
        finding.message
    )?;
    let Some(frame) = Frame::of(finding) else {
        return Ok(());
    };
    let gutter = line.to_string().len();
    let caret = " ".repeat(frame.caret);
    writeln!(out, "{BLUE}{:gutter$} |{BLUE:#}", "")?;
    writeln!(out, "{BLUE}{line} |{BLUE:#} {}", frame.text)?;
    let label = if finding.rule == Rule::JsonSyntax {
        ""
    } else {
        display_pointer(&finding.pointer)
    };
    writeln!(
        out,
        "{BLUE}{:gutter$} |{BLUE:#} {caret}{style}^{style:#} {label}",
        ""
    )
}
