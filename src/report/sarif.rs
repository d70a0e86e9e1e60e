//! SARIF 2.1.0: one run, the rules as tool metadata, a result per finding with its physical
//! location and the JSON pointer as a logical location. Results are written as they arrive,
//! so a run of many files holds one file's results at a time, not the whole log.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::Reporter;
use crate::catalogue;
use crate::finding::{Rule, Severity};
use crate::nack::nack;
use crate::run::{FileResult, Summary};

/// Where the log stands: nothing written, or the opening and some results.
#[derive(Default)]
pub struct Sarif {
    opened: bool,
    results: usize,
}

/// The indentation of a result inside `runs[0].results`.
const RESULT_INDENT: &str = "        ";

impl Sarif {
    /// Writes everything up to the first result: the log's header and the tool with its
    /// rules, which do not depend on the findings.
    fn open(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.opened {
            return Ok(());
        }
        self.opened = true;
        let rules: Vec<Value> = Rule::all()
            .chain([Rule::Schema("*")])
            .map(|rule| {
                let explanation = catalogue::explanation(rule);
                json!({
                    "id": rule.id(),
                    "shortDescription": { "text": rule.summary() },
                    "fullDescription": { "text": explanation.why },
                    "help": { "text": format!(
                        "Source: {}. Reported: {}. Accepted: {}. See `deg-contracts explain {}`.",
                        explanation.source, explanation.failing, explanation.passing, rule.id()
                    )},
                    "defaultConfiguration": { "level": rule.severity().as_str() }
                })
            })
            .collect();
        let tool = json!({ "driver": {
            "name": "deg-contracts",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules
        }});
        writeln!(out, "{{")?;
        writeln!(
            out,
            "  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\","
        )?;
        writeln!(out, "  \"version\": \"2.1.0\",")?;
        writeln!(out, "  \"runs\": [")?;
        writeln!(out, "    {{")?;
        write!(out, "      \"tool\": ")?;
        write_indented(out, &tool, "      ")?;
        writeln!(out, ",")?;
        write!(out, "      \"results\": [")
    }

    fn result(&mut self, entry: &Value, out: &mut dyn Write) -> io::Result<()> {
        let separator = if self.results == 0 { "\n" } else { ",\n" };
        self.results += 1;
        write!(out, "{separator}{RESULT_INDENT}")?;
        write_indented(out, entry, RESULT_INDENT)
    }
}

/// `value` pretty-printed, its lines after the first indented by `indent`.
fn write_indented(out: &mut dyn Write, value: &Value, indent: &str) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            write!(out, "\n{indent}")?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

impl Reporter for Sarif {
    fn file(&mut self, result: &FileResult, out: &mut dyn Write) -> io::Result<()> {
        self.open(out)?;
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
                let entry = json!({
                    "ruleId": "io", "level": "error",
                    "message": { "text": format!("cannot read: {error}") },
                    "locations": location(1, 1, ""),
                });
                return self.result(&entry, out);
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
            let mut properties = serde_json::Map::new();
            if let Some(schema) = finding.schema_location {
                properties.insert("schemaLocation".to_owned(), json!(schema));
            }
            if let Some(nack) = nack(finding.rule) {
                properties.insert(
                    "becknError".to_owned(),
                    json!({ "type": nack.kind, "code": nack.code, "message": nack.message }),
                );
            }
            if !properties.is_empty() {
                entry["properties"] = serde_json::Value::Object(properties);
            }
            self.result(&entry, out)?;
        }
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        self.open(out)?;
        let close = if self.results == 0 { "]" } else { "\n      ]" };
        writeln!(out, "{close}\n    }}\n  ]\n}}")
    }
}
