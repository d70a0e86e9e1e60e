//! One self-contained HTML page (no network, no external assets) that a CI job keeps as an
//! artifact: totals per rule and per file, each file's findings with their code frames,
//! filters by rule and severity, and each contract's roles and revenue flows with the
//! amounts they evaluate to. Files are written as they arrive; the summaries, which need
//! every file, come last in the document and are shown first by the page's layout.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{Frame, Reporter, escape_markup as escape, summary_line};
use crate::finding::{Finding, Severity};
use crate::flows;
use crate::run::{FileResult, Summary};
use crate::trades::is_log;

const STYLE: &str = include_str!("html/page.css");
const FILTER: &str = include_str!("html/filter.js");

#[derive(Default)]
pub struct Html {
    opened: bool,
    /// Per rule: (errors, warnings) listed.
    rules: BTreeMap<String, (usize, usize)>,
    /// Per file: its name, errors and warnings (counted, listed or not).
    files: Vec<(String, usize, usize)>,
}

impl Html {
    fn open(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.opened {
            return Ok(());
        }
        self.opened = true;
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>deg-contracts report</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n\
             <header><h1>deg-contracts report</h1></header>\n\
             <section id=\"filters\"><label><input type=\"checkbox\" id=\"show-error\" checked> errors</label>\
             <label><input type=\"checkbox\" id=\"show-warning\" checked> warnings</label>\
             <label>rule <select id=\"rule\"><option value=\"\">every rule</option></select></label>\
             <span id=\"shown\"></span></section>\n"
        )
    }
}

impl Reporter for Html {
    fn file(&mut self, result: &FileResult, out: &mut dyn Write) -> io::Result<()> {
        self.open(out)?;
        let index = self.files.len();
        let name = escape(&result.name);
        writeln!(
            out,
            "<section class=\"file\" id=\"file-{index}\">\n<h2>{name}</h2>"
        )?;
        let report = match &result.outcome {
            Ok(report) => report,
            Err(error) => {
                self.files.push((result.name.clone(), 1, 0));
                let error = escape(&error.to_string());
                return writeln!(
                    out,
                    "<p class=\"error\">cannot read: {error}</p>\n</section>"
                );
            }
        };
        let (errors, warnings) = (
            report.count(Severity::Error),
            report.count(Severity::Warning),
        );
        self.files.push((result.name.clone(), errors, warnings));
        writeln!(
            out,
            "<p class=\"counts\"><span class=\"error\">{errors} errors</span>, \
             <span class=\"warning\">{warnings} warnings</span>, {} objects</p>",
            report.objects
        )?;
        if report.findings.is_empty() {
            writeln!(out, "<p class=\"none\">no findings</p>")?;
        } else {
            writeln!(out, "<ol class=\"findings\">")?;
            for finding in &report.findings {
                let counts = self.rules.entry(finding.rule.id()).or_default();
                match finding.severity {
                    Severity::Error => counts.0 += 1,
                    Severity::Warning => counts.1 += 1,
                }
                write_finding(finding, out)?;
            }
            writeln!(out, "</ol>")?;
        }
        write_contracts(&result.name, out)?;
        writeln!(out, "</section>")
    }

    fn finish(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        self.open(out)?;
        writeln!(
            out,
            "<section id=\"summary\">\n<p class=\"totals\">{}</p>",
            escape(&summary_line(summary))
        )?;
        writeln!(
            out,
            "<table class=\"rules\"><tr><th>rule</th><th>errors</th><th>warnings</th></tr>"
        )?;
        for (rule, (errors, warnings)) in &self.rules {
            let summary = crate::catalogue::find(rule).map_or("", |rule| rule.summary());
            writeln!(
                out,
                "<tr data-rule=\"{rule}\"><td title=\"{summary}\">{rule}</td><td class=\"n\">{errors}</td><td class=\"n\">{warnings}</td></tr>",
                rule = escape(rule),
                summary = escape(summary)
            )?;
        }
        writeln!(
            out,
            "</table>\n<table class=\"files\"><tr><th>file</th><th>errors</th><th>warnings</th></tr>"
        )?;
        for (index, (name, errors, warnings)) in self.files.iter().enumerate() {
            writeln!(
                out,
                "<tr><td><a href=\"#file-{index}\">{}</a></td><td class=\"n\">{errors}</td><td class=\"n\">{warnings}</td></tr>",
                escape(name)
            )?;
        }
        writeln!(
            out,
            "</table>\n</section>\n</main>\n<script>\n{FILTER}</script>\n</body>\n</html>"
        )
    }
}

fn write_finding(finding: &Finding, out: &mut dyn Write) -> io::Result<()> {
    let severity = finding.severity.as_str();
    let (line, column) = finding.position.map_or((1, 1), |p| (p.line, p.column));
    writeln!(
        out,
        "<li class=\"finding\" data-rule=\"{rule}\" data-severity=\"{severity}\">\
         <div class=\"where\">{line}:{column} {pointer}</div>\
         <div class=\"message\"><span class=\"{severity}\" title=\"{summary}\">{severity}[{rule}]</span> {message}</div>",
        rule = escape(&finding.rule.id()),
        summary = escape(finding.rule.summary()),
        pointer = escape(&finding.pointer),
        message = escape(&finding.message),
    )?;
    if let Some(frame) = Frame::of(finding) {
        let gutter = frame.line.to_string().len();
        writeln!(
            out,
            "<pre class=\"frame\">{line} | {}\n{:gutter$} | {}^</pre>",
            escape(&frame.text),
            "",
            " ".repeat(frame.caret),
            line = frame.line
        )?;
    }
    writeln!(out, "</li>")
}

/// Each contract's roles and flows, read again from the file (a log's many messages, and
/// standard input, are not); a file that no longer parses has none to show.
fn write_contracts(name: &str, out: &mut dyn Write) -> io::Result<()> {
    let path = std::path::Path::new(name);
    if is_log(path) || !path.is_file() {
        return Ok(());
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(());
    };
    let Ok(described) = flows::describe_source(&text) else {
        return Ok(());
    };
    if described.starts_with("no contract") {
        return Ok(());
    }
    writeln!(
        out,
        "<div class=\"contracts\"><h3>contracts</h3><pre>{}</pre></div>",
        escape(&described)
    )
}
