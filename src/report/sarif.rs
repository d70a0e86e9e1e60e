//! SARIF 2.1.0: one run, the rules as tool metadata, a result per finding with its physical
//! location and the JSON pointer as a logical location.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::Reporter;
use crate::finding::{Rule, Severity};
use crate::run::{FileResult, Summary};

#[derive(Default)]
pub struct Sarif {
    results: Vec<Value>,
}

impl Reporter for Sarif {
    fn file(&mut self, result: &FileResult, _out: &mut dyn Write) -> io::Result<()> {
        let location = |line: usize, column: usize, pointer: &str| {
            json!([{
                "physicalLocation": {
                    "artifactLocation": { "uri": result.name.replace('\\', "/") },
                    "region": { "startLine": line, "startColumn": column }
                },
                "logicalLocations": [{ "fullyQualifiedName": pointer, "kind": "member" }]
            }])
        };
        let findings = match &result.outcome {
            Ok(report) => &report.findings,
            Err(error) => {
                self.results.push(json!({
                    "ruleId": "io", "level": "error",
                    "message": { "text": format!("cannot read: {error}") },
                    "locations": location(1, 1, ""),
                }));
                return Ok(());
            }
        };
        for finding in findings {
            let (line, column) = finding.position.map_or((1, 1), |p| (p.line, p.column));
            let mut entry = json!({
                "ruleId": finding.rule.id(),
                "level": match finding.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": { "text": finding.message },
                "locations": location(line, column, &finding.pointer),
            });
            if let Some(schema) = finding.schema_location {
                entry["properties"] = json!({ "schemaLocation": schema });
            }
            self.results.push(entry);
        }
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        let rules: Vec<Value> = Rule::ALL
            .iter()
            .chain([&Rule::Schema("*")])
            .map(|rule| {
                json!({
                    "id": rule.id(),
                    "shortDescription": { "text": rule.summary() },
                    "defaultConfiguration": { "level": rule.severity().as_str() }
                })
            })
            .collect();
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "deg-contracts",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules
                }},
                "results": std::mem::take(&mut self.results)
            }]
        });
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}
