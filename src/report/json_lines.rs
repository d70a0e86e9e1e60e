//! JSON Lines: one object per finding, keys file, line, column, pointer, schema_location,
//! rule, severity, message, and beckn_error (the Beckn error type and code a receiver would
//! NACK the message with, or null). The summary goes to standard error, keeping the stream pure.

use std::io::{self, Write};

use serde_json::json;

use super::{Reporter, summary_line};
use crate::nack::nack;
use crate::run::{FileResult, Summary};

pub struct JsonLines;

impl Reporter for JsonLines {
    fn file(&mut self, result: &FileResult, out: &mut dyn Write) -> io::Result<()> {
        let findings = match &result.outcome {
            Ok(report) => &report.findings,
            Err(error) => {
                let line = json!({
                    "file": result.name, "line": null, "column": null, "pointer": null,
                    "schema_location": null, "rule": "io", "severity": "error",
                    "message": format!("cannot read: {error}"), "beckn_error": null,
                });
                return writeln!(out, "{line}");
            }
        };
        for finding in findings {
            let line = json!({
                "file": result.name,
                "line": finding.position.map(|p| p.line),
                "column": finding.position.map(|p| p.column),
                "pointer": finding.pointer,
                "schema_location": finding.schema_location,
                "rule": finding.rule.id(),
                "severity": finding.severity.as_str(),
                "message": finding.message,
                "beckn_error": nack(finding.rule).map(|nack| json!({
                    "type": nack.kind, "code": nack.code, "message": nack.message,
                })),
            });
            writeln!(out, "{line}")?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary, _out: &mut dyn Write) -> io::Result<()> {
        eprintln!("{}", summary_line(summary));
        Ok(())
    }
}
