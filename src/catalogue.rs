//! The rule catalogue, from the one source the gate reports with ([`Rule`]): `deg-contracts
//! rules` prints it, README's rule tables are it (a test fails when they drift), and SARIF's
//! rule metadata carries the same text.

use std::fmt::Write as _;

use crate::finding::{Rule, TransactionRule};

/// The schema family's row stands for every `schema/<kind>`.
const SCHEMA_ROW: Rule = Rule::Schema("<kind>");

/// The rules that look at one message, in catalogue order (the schema family second).
pub fn per_message() -> Vec<Rule> {
    let mut rules = Rule::PER_MESSAGE.to_vec();
    rules.insert(2, SCHEMA_ROW);
    rules
}

/// The rules across a trade's messages.
pub fn transaction() -> Vec<Rule> {
    TransactionRule::ALL.map(Rule::Transaction).to_vec()
}

/// A Markdown table of `rules`, with their severities unless every one is an error by
/// nature (the transaction rules).
pub fn markdown(rules: &[Rule], severities: bool) -> String {
    let mut table = if severities {
        String::from("| rule | severity | what it checks |\n| --- | --- | --- |\n")
    } else {
        String::from("| rule | what it checks |\n| --- | --- |\n")
    };
    for rule in rules {
        let _ = if severities {
            writeln!(
                table,
                "| `{}` | {} | {} |",
                rule.id(),
                rule.severity().as_str(),
                rule.summary()
            )
        } else {
            writeln!(table, "| `{}` | {} |", rule.id(), rule.summary())
        };
    }
    table
}

/// Every rule on one line each, for a terminal: id, default severity, what it checks.
pub fn text() -> String {
    let rules: Vec<Rule> = per_message().into_iter().chain(transaction()).collect();
    let width = rules.iter().map(|rule| rule.id().len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in rules {
        let _ = writeln!(
            out,
            "{:width$}  {:7}  {}",
            rule.id(),
            rule.severity().as_str(),
            rule.summary()
        );
    }
    out
}
