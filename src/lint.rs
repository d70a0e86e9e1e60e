//! `deg-contracts schema DIR`: checks a schema directory on its own, for the people who edit
//! DEG schemas. It runs the same pipeline codegen does (the `deg-contracts-ir` library) and
//! reports every error that would stop codegen and every warning it would print, each at its
//! file, line and column, as findings in the usual output formats.

use std::collections::BTreeMap;
use std::path::Path;

use deg_contracts_ir::error::{SchemaError, SourceLocation};
use deg_contracts_ir::resolve::UrlMap;

use crate::check::MessageReport;
use crate::finding::{Finding, Rule, clipped_line};
use crate::run::FileResult;
use crate::source::{LineIndex, Position};

/// Every schema file's findings: the files the pipeline read, in order, and any file an
/// error names. `entries` (`<Name>/<version>`) narrows the check, as it does codegen's.
pub fn lint(root: &Path, entries: &[String]) -> Vec<FileResult> {
    lint_mapped(root, entries, &UrlMap::default())
}

/// As [`lint`], absolute `$ref` URLs looked up in `urls` first.
pub fn lint_mapped(root: &Path, entries: &[String], urls: &UrlMap) -> Vec<FileResult> {
    let mut files: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    let (errors, warnings) = match deg_contracts_ir::lower_schemas_mapped(root, entries, urls) {
        Ok(lowered) => {
            for file in lowered.set.files.keys() {
                files.entry(file.clone()).or_default();
            }
            (Vec::new(), lowered.warnings)
        }
        Err(failure) => (failure.errors.0, failure.warnings),
    };
    for error in &errors {
        let (file, finding) = error_finding(root, error);
        files.entry(file).or_default().push(finding);
    }
    for warning in &warnings {
        let finding = located(
            Rule::SchemaAdvice,
            &warning.location,
            warning.message.clone(),
        );
        files
            .entry(warning.location.file.clone())
            .or_default()
            .push(finding);
    }
    if files.is_empty() {
        // A directory with nothing to check is a mistake to say, not a clean pass.
        let mut finding = Finding::new(
            Rule::SchemaDefinition,
            "",
            "no schema file here: codegen reads `<Name>/<version>/attributes.yaml` below the root",
        );
        finding.position = Some(Position { line: 1, column: 1 });
        files.insert(String::new(), vec![finding]);
    }
    files
        .into_iter()
        .map(|(file, mut findings)| {
            let path = root.join(&file);
            add_line_text(&path, &mut findings);
            findings.sort_by_key(|finding| finding.position);
            FileResult {
                name: path.display().to_string(),
                outcome: Ok(MessageReport {
                    findings,
                    ..MessageReport::default()
                }),
            }
        })
        .collect()
}

/// A finding at a place in a schema file.
fn located(rule: Rule, location: &SourceLocation, message: String) -> Finding {
    let mut finding = Finding::new(rule, &location.pointer, message);
    let (line, column) = location.line_column.unwrap_or((1, 1));
    finding.position = Some(Position { line, column });
    finding
}

/// The file an error is about, and the finding, its message without the place it names.
fn error_finding(root: &Path, error: &SchemaError) -> (String, Finding) {
    let text = error.to_string();
    match error.location() {
        Some(location) => {
            let prefix = format!("{location}: ");
            let message = text.strip_prefix(&prefix).unwrap_or(&text).to_owned();
            (
                location.file.clone(),
                located(Rule::SchemaDefinition, location, message),
            )
        }
        None => {
            let file = match error {
                SchemaError::Io { path, .. } => path
                    .strip_prefix(root)
                    .unwrap_or(path)
                    .display()
                    .to_string(),
                _ => String::new(),
            };
            let mut finding = Finding::new(Rule::SchemaDefinition, "", text);
            finding.position = Some(Position { line: 1, column: 1 });
            (file, finding)
        }
    }
}

fn add_line_text(path: &Path, findings: &mut [Finding]) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let lines = LineIndex::new(&text);
    for finding in findings {
        if let Some(position) = finding.position {
            finding.line_text = lines.line(&text, position.line).map(clipped_line);
        }
    }
}
