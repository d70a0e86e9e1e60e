//! `deg-contracts migrate`: legacy v2 P2P messages moved to the `EnergyContractP2PTrade`
//! form. The migration is stateful: a trade's terms are decided once from all its messages
//! (the catalog's resource and offer, the init's stops and items, every legacy contract, the
//! cascade's quote), then each message that carried a legacy contract carries the new one in
//! its place. Every value written says where it came from ([`Record`]); what no message gives
//! stays absent, and a disagreement between messages is a finding, never a silent choice.
//!
//! The library does no I/O: [`migrate`] takes the inputs' text and gives the outputs' text,
//! the findings and the provenance; the CLI reads and writes.

mod build;
pub mod files;
pub mod legacy;
pub mod provenance;
mod read;
mod terms;
pub mod text;

use std::fmt;
use std::path::PathBuf;

use deg_contracts_runtime::{RoleSpec, pointer};
use deg_contracts_schema::energy_contract_p2p_trade_v1::EnergyContractP2PTrade;
use deg_contracts_schema::energy_contract_p2p_trade_v1::views::EnergyContractP2PTradeRoleView as Kinds;
use deg_contracts_schema::registry;
use serde::Serialize;
use serde_json::Value;

use crate::check::MessageReport;
use crate::finding::{Finding, MigrationRule, Rule, clipped_line};
use crate::source::{LineIndex, Position};
use read::Message;

/// One input: a message file, or a log of one message per line.
#[derive(Debug, Clone)]
pub struct Input {
    /// How findings and provenance name it.
    pub name: String,
    /// Where its output goes, under the output directory.
    pub relative: PathBuf,
    pub text: String,
    /// Whether it is a log (`.jsonl`, `.ndjson`).
    pub log: bool,
    /// Why it could not be read as text, if it could not (its `text` is then empty).
    pub unreadable: Option<Unreadable>,
}

/// Why an input's bytes are not text the migration reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// Not UTF-8 from this byte offset on.
    NotUtf8(usize),
    /// Larger than this many bytes, the most the migration reads (as the gate's
    /// `--max-file-size` default).
    TooLarge(u64),
}

/// What the migration made of one input.
#[derive(Debug, Clone)]
pub struct Output {
    pub relative: PathBuf,
    pub text: String,
    /// Per message (a file has one, a log one per line), its line in the output (from 1) and
    /// where each value written into it came from.
    pub records: Vec<(usize, Vec<Record>)>,
}

/// The result of a run.
#[derive(Debug)]
pub struct Migration {
    /// Per input, its output; none when a message of it could not be migrated (nothing is
    /// half-written).
    pub outputs: Vec<Option<Output>>,
    /// Per input, its findings.
    pub reports: Vec<MessageReport>,
}

impl Migration {
    /// Whether every message migrated completely.
    pub fn complete(&self) -> bool {
        self.reports.iter().all(|report| report.findings.is_empty())
    }
}

/// A place in an input: file, line and column, and the JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub pointer: String,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Where a written value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Copied as written at these places.
    Read(Vec<Place>),
    /// Made by `rule` from these places.
    Derived { rule: String, from: Vec<Place> },
}

/// One value the migration wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// Where, in the output message.
    pub pointer: String,
    /// The value as compact JSON; empty for a member renamed or added as a whole.
    pub json: String,
    pub origin: Origin,
}

/// A role of the P2P contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Seller,
    Buyer,
    Grid,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Seller, Kind::Buyer, Kind::Grid];

    /// The `role` values of this kind.
    fn names(self) -> &'static [&'static str] {
        match self {
            Kind::Seller => Kinds::SELLER,
            Kind::Buyer => Kinds::BUYER,
            Kind::Grid => Kinds::GRID_OPERATOR,
        }
    }

    /// The `role` the migration writes.
    pub fn role(self) -> &'static str {
        self.names()[0]
    }

    /// Who holds it, in prose.
    fn party(self) -> &'static str {
        match self {
            Kind::Seller => "seller",
            Kind::Buyer => "buyer",
            Kind::Grid => "grid operator",
        }
    }

    /// The contract schema's spec of this kind.
    fn spec(self, specs: &[RoleSpec]) -> Option<&RoleSpec> {
        specs.iter().find(|spec| spec.values == self.names())
    }
}

/// A finding on one message, before it is placed.
#[derive(Debug, Clone)]
pub struct Noted {
    message: usize,
    rule: Rule,
    pointer: String,
    text: String,
}

impl Noted {
    fn new(message: usize, rule: MigrationRule, pointer: String, text: String) -> Noted {
        Noted {
            message,
            rule: Rule::Migration(rule),
            pointer,
            text,
        }
    }
}

/// Migrates every message of `inputs`, as one run: a trade's messages may be in several.
pub fn migrate(inputs: &[Input]) -> Migration {
    let mut reports: Vec<MessageReport> = vec![MessageReport::default(); inputs.len()];
    let mut unreadable = vec![false; inputs.len()];
    let mut messages = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        if let Some(why) = input.unreadable {
            unreadable[index] = true;
            let mut finding = match why {
                Unreadable::NotUtf8(offset) => Finding::new(
                    Rule::JsonSyntax,
                    "",
                    format!("not UTF-8 (at byte offset {offset}): not migrated"),
                ),
                Unreadable::TooLarge(limit) => Finding::new(
                    Rule::FileTooLarge,
                    "",
                    format!(
                        "the file is larger than {limit} bytes, the most migrate reads: not migrated"
                    ),
                ),
            };
            finding.position = Some(Position { line: 1, column: 1 });
            reports[index].findings.push(finding);
            continue;
        }
        for (line, text) in split(input) {
            match admit(index, line, &input.name, text) {
                Ok(message) => messages.push(message),
                Err(finding) => {
                    unreadable[index] = true;
                    reports[index].findings.push(*finding);
                }
            }
        }
    }
    let retired = registry::REPLACED
        .iter()
        .find(|(_, current)| *current == EnergyContractP2PTrade::TYPE_NAME)
        .map_or("", |(retired, _)| *retired);
    let said: Vec<read::Said> = messages
        .iter()
        .map(|message| read::read(message, retired))
        .collect();
    let specs = registry::roles(EnergyContractP2PTrade::TYPE_NAME).unwrap_or(&[]);
    let mut noted = Vec::new();
    let mut built: Vec<Option<build::Built>> = (0..messages.len()).map(|_| None).collect();
    for trade in terms::trades(&messages, &said) {
        let decided = terms::decide(&trade, &said, specs);
        noted.extend(decided.findings.iter().cloned());
        let context = build::Context {
            messages: &messages,
            said: &said,
            trade: &trade,
            terms: &decided,
            specs,
        };
        for &m in &trade.messages {
            built[m] = Some(build::build(m, &context, &mut noted));
        }
    }
    for (m, message) in messages.iter().enumerate() {
        if built[m].is_none() {
            // Only a message without a transaction id is in no trade.
            noted.push(Noted::new(
                m,
                MigrationRule::Input,
                crate::beckn::TRANSACTION_ID.to_owned(),
                "the message has no context.transaction_id, so it belongs to no trade: not migrated"
                    .to_owned(),
            ));
            unreadable[message.input] = true;
        }
    }
    // Each input's messages, in order, so that no input walks every message of the run.
    let mut of_input: Vec<Vec<usize>> = vec![Vec::new(); inputs.len()];
    for (m, message) in messages.iter().enumerate() {
        of_input[message.input].push(m);
    }
    for note in noted {
        let message = &messages[note.message];
        let place = message.place(&note.pointer);
        let line_text = message.text.lines().nth(place.line - message.line - 1);
        let mut finding = Finding::new(note.rule, note.pointer, note.text);
        finding.position = Some(Position {
            line: place.line,
            column: place.column,
        });
        finding.line_text = line_text.map(clipped_line);
        reports[message.input].findings.push(finding);
    }
    for (index, report) in reports.iter_mut().enumerate() {
        report
            .findings
            .sort_by_key(|finding| (finding.position, finding.rule.id()));
        report.objects = of_input[index]
            .iter()
            .filter(|&&m| !said[m].contracts.is_empty())
            .count();
    }
    let outputs = inputs
        .iter()
        .enumerate()
        .map(|(index, input)| {
            if unreadable[index] {
                return None;
            }
            let mut text = String::new();
            let mut records = Vec::new();
            for &m in &of_input[index] {
                let message = &messages[m];
                let built = built[m].take()?;
                records.push((message.line + 1, built.records));
                text.push_str(&built.text);
                if input.log {
                    text.push('\n');
                }
            }
            Some(Output {
                relative: input.relative.clone(),
                text,
                records,
            })
        })
        .collect();
    Migration { outputs, reports }
}

/// The messages of an input, each with its first line (from 0).
fn split(input: &Input) -> Vec<(usize, String)> {
    if !input.log {
        return vec![(0, input.text.clone())];
    }
    input
        .text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(line, text)| (line, text.to_owned()))
        .collect()
}

/// A message the migration can read: JSON, a Beckn message (context and message), of the
/// energy domain.
fn admit(input: usize, line: usize, name: &str, text: String) -> Result<Message, Box<Finding>> {
    let value: Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(error) => {
            let mut finding = Finding::new(
                Rule::JsonSyntax,
                "",
                format!("not valid JSON: {error}: not migrated"),
            );
            finding.position = Some(Position {
                line: error.line() + line,
                column: error.column(),
            });
            finding.line_text = LineIndex::new(&text)
                .line(&text, error.line())
                .map(clipped_line);
            return Err(Box::new(finding));
        }
    };
    let message = Message {
        input,
        line,
        name: name.to_owned(),
        text,
        value,
    };
    let envelope = [legacy::core::CONTEXT, legacy::core::MESSAGE]
        .iter()
        .all(|at| pointer::get(&message.value, at).is_some_and(Value::is_object));
    let refuse = |at: &str, text: String| {
        let place = message.place(at);
        let mut finding = Finding::new(Rule::Migration(MigrationRule::Input), at, text);
        finding.position = Some(Position {
            line: place.line,
            column: place.column,
        });
        finding.line_text = message
            .text
            .lines()
            .nth(place.line - line - 1)
            .map(clipped_line);
        finding
    };
    if !envelope {
        return Err(Box::new(refuse(
            "",
            "not a Beckn message (no `context` and `message` objects): not migrated".to_owned(),
        )));
    }
    if let Some(domain) = message.str_at(legacy::core::DOMAIN)
        && !domain
            .to_ascii_lowercase()
            .contains(legacy::core::ENERGY_DOMAIN)
    {
        return Err(Box::new(refuse(
            legacy::core::DOMAIN,
            format!("a message of another domain (`{domain}`), not an energy trade: not migrated"),
        )));
    }
    Ok(message)
}
