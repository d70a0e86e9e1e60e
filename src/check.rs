//! Checks one Beckn message: JSON syntax and duplicate keys, every object a generated schema
//! describes (found by `@type`), and the business rules; then maps findings onto the source.

use deg_contracts_runtime::pointer;
use deg_contracts_runtime::view::{ExactNumbers, Node};
use deg_contracts_schema::energy_trade_delivery_v1::EnergyTradeDelivery;
use serde_json::Value;

use crate::contract::Contract;
use crate::discover::typed_objects;
use crate::finding::{Finding, Rule, clipped_line};
use crate::parse;
use crate::rules;
use crate::schema;
use crate::source::{self, Position};

/// Everything found in one message.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MessageReport {
    pub findings: Vec<Finding>,
    /// How many typed objects were checked.
    pub objects: usize,
    /// Objects whose `@type` no schema describes: (pointer, type).
    pub skipped: Vec<(String, String)>,
}

/// Checks a message's raw bytes; findings carry line, column and source line.
pub fn check_bytes(bytes: &[u8]) -> MessageReport {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default();
            let mut finding = Finding::new(
                Rule::JsonSyntax,
                "",
                format!(
                    "not valid UTF-8: byte {:#04x} at offset {}",
                    bytes[error.valid_up_to()],
                    error.valid_up_to()
                ),
            );
            finding.position = Some(source::position(valid, valid.len()));
            return MessageReport {
                findings: vec![finding],
                ..MessageReport::default()
            };
        }
    };
    let parsed = match parse::parse(text) {
        Ok(parsed) => parsed,
        Err(error) => {
            let mut finding = Finding::new(Rule::JsonSyntax, "", json_error_message(&error));
            finding.position = Some(Position {
                line: error.line().max(1),
                column: error.column().max(1),
            });
            finding.line_text = line_of(text, error.line());
            return MessageReport {
                findings: vec![finding],
                ..MessageReport::default()
            };
        }
    };
    let message = parsed.value;
    let mut report = MessageReport::default();
    let duplicates = if parsed.has_duplicate_keys {
        source::duplicate_keys(text)
    } else {
        Vec::new()
    };
    for duplicate in duplicates {
        let mut finding = Finding::new(
            Rule::DuplicateKey,
            &duplicate.pointer,
            format!(
                "key `{}` appears more than once in this object; parsers keep only one",
                last_segment(&duplicate.pointer)
            ),
        );
        finding.position = Some(duplicate.position);
        report.findings.push(finding);
    }
    let checked = check_parsed(&message, &source::exact_numbers(text));
    report.objects = checked.objects;
    report.skipped = checked.skipped;
    report.findings.extend(checked.findings);
    let unplaced: Vec<&str> = report
        .findings
        .iter()
        .filter(|finding| finding.position.is_none())
        .map(|finding| finding.pointer.as_str())
        .collect();
    let mut offsets = source::offsets_all(text, &unplaced).into_iter();
    let placed: Vec<usize> = report
        .findings
        .iter()
        .filter(|finding| finding.position.is_none())
        .map(|finding| {
            let offset = offsets.next().unwrap_or_default();
            match finding.column_in_value {
                Some(column) => source::offset_in_string(text, offset, column),
                None => offset,
            }
        })
        .collect();
    let mut positions = source::positions(text, &placed).into_iter();
    let lines = source::LineIndex::new(text);
    for finding in &mut report.findings {
        if finding.position.is_none() {
            finding.position = Some(positions.next().unwrap_or(Position { line: 1, column: 1 }));
        }
        if finding.line_text.is_none() {
            finding.line_text = finding
                .position
                .and_then(|position| lines.line(text, position.line))
                .map(clipped_line);
        }
    }
    report.findings.sort_by_key(|finding| finding.position);
    report
}

/// Checks a parsed message; findings carry pointers only. Numbers with more digits than an
/// `f64` keeps have already lost them in the parse: [`check_bytes`] reads those exactly.
pub fn check_message(message: &Value) -> MessageReport {
    check_parsed(message, &ExactNumbers::default())
}

fn check_parsed(message: &Value, exact: &ExactNumbers) -> MessageReport {
    let mut report = MessageReport::default();
    let objects = typed_objects(message, &mut report.skipped);
    report.objects = objects.len();
    for object in &objects {
        let Some(Err(errors)) = schema::validate(object.type_name, object.value) else {
            continue;
        };
        for error in errors.iter() {
            report.findings.push(Finding {
                schema_location: Some(error.schema_location),
                ..Finding::new(
                    Rule::Schema(error.kind.code()),
                    format!("{}{}", object.pointer, error.instance_path),
                    error.kind.to_string(),
                )
            });
        }
    }
    let action = message.pointer("/context/action").and_then(Value::as_str);
    let contracts: Vec<Contract<'_>> = objects
        .iter()
        .filter_map(|object| {
            Some(Contract::new(
                object.value,
                &object.pointer,
                object.type_name,
                schema::roles(object.type_name)?,
                exact,
            ))
        })
        .collect();
    for contract in &contracts {
        rules::check_contract(contract, action, &mut report.findings);
    }
    let deliveries = objects
        .iter()
        .filter(|object| object.type_name == EnergyTradeDelivery::TYPE_NAME);
    for delivery in deliveries {
        let view = Node::new(delivery.value, delivery.pointer.as_str())
            .with_exact(exact)
            .into();
        rules::check_delivery(&view, contracts.first(), &mut report.findings);
    }
    report
}

/// serde_json's message for input nested deeper than it will go (128 levels).
const RECURSION_LIMIT: &str = "recursion limit exceeded";

/// serde_json's message without the position it appends, which the finding carries itself;
/// the suffix is rebuilt from the error's own line and column, not searched for.
fn json_error_message(error: &serde_json::Error) -> String {
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let text = full.strip_suffix(&suffix).unwrap_or(&full);
    if text == RECURSION_LIMIT {
        "nested more than 128 levels deep".to_owned()
    } else {
        format!("not valid JSON: {text}")
    }
}

fn last_segment(pointer: &str) -> String {
    pointer::tokens(pointer)
        .last()
        .map(|token| token.into_owned())
        .unwrap_or_default()
}

fn line_of(text: &str, line: usize) -> Option<String> {
    text.lines()
        .nth(line.checked_sub(1)?)
        .map(|line| clipped_line(line.trim_end_matches('\r')))
}
