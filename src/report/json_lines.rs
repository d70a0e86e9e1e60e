//! JSON Lines: one object per finding, keys file, line, column, pointer, schema_location,
//! rule, severity, message, and beckn_error (the Beckn error type and code a receiver would
//! NACK the message with, or null). The summary goes to standard error, keeping the stream pure.

use std::io::{self, Write};

use serde::Serialize;

use super::{Reporter, summary_line};
use crate::nack::{Nack, nack};
use crate::run::{FileResult, Summary};

#[derive(Default)]
pub struct JsonLines {
    /// Where each line is serialized before it is written, kept from line to line.
    text: Vec<u8>,
}

/// One line, its keys in sorted order (as a `serde_json` map would write them), written
/// straight to the output.
#[derive(Serialize)]
struct Line<'a> {
    beckn_error: Option<BecknError>,
    column: Option<usize>,
    file: &'a str,
    line: Option<usize>,
    message: &'a str,
    pointer: Option<&'a str>,
    rule: &'a str,
    schema_location: Option<&'static str>,
    severity: &'a str,
}

/// The NACK a receiver would send, its keys sorted too.
#[derive(Serialize)]
struct BecknError {
    code: &'static str,
    message: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

impl From<Nack> for BecknError {
    fn from(nack: Nack) -> BecknError {
        BecknError {
            code: nack.code,
            message: nack.message,
            kind: nack.kind,
        }
    }
}

/// Writes one line, serialized whole first: each of its dozens of tokens written straight
/// to `out` would be a call through the trait object.
fn write_line(out: &mut dyn Write, text: &mut Vec<u8>, line: &Line<'_>) -> io::Result<()> {
    text.clear();
    serde_json::to_writer(&mut *text, line)?;
    text.push(b'\n');
    out.write_all(text)
}

impl Reporter for JsonLines {
    fn file(&mut self, result: &FileResult, out: &mut dyn Write) -> io::Result<()> {
        let findings = match &result.outcome {
            Ok(report) => &report.findings,
            Err(error) => {
                let message = format!("cannot read: {error}");
                return write_line(
                    out,
                    &mut Vec::new(),
                    &Line {
                        beckn_error: None,
                        column: None,
                        file: &result.name,
                        line: None,
                        message: &message,
                        pointer: None,
                        rule: "io",
                        schema_location: None,
                        severity: "error",
                    },
                );
            }
        };
        let text = &mut self.text;
        for finding in findings {
            let rule = finding.rule.id();
            let line = Line {
                beckn_error: nack(finding.rule).map(BecknError::from),
                column: finding.position.map(|p| p.column),
                file: &result.name,
                line: finding.position.map(|p| p.line),
                message: &finding.message,
                pointer: Some(&finding.pointer),
                rule: &rule,
                schema_location: finding.schema_location,
                severity: finding.severity.as_str(),
            };
            write_line(out, text, &line)?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary, _out: &mut dyn Write) -> io::Result<()> {
        eprintln!("{}", summary_line(summary));
        Ok(())
    }
}
