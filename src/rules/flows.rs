//! Revenue flows: every formula parses, names only roles and inputs the contract's schema
//! declares, and (a warning) roles the contract already lists. Also evaluates the flows for
//! the settlement rule and the `flows` command.

use std::cell::RefCell;
use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::contract::{Contract, decimal};
use crate::finding::{Finding, Rule};
use crate::formula::{self, Expr, Reference, SyntaxError};

/// One revenue flow as written, with its parsed formula.
pub struct Flow<'a> {
    pub index: usize,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub formula: &'a str,
    pub parsed: Result<Expr, SyntaxError>,
}

/// The contract's revenue flows, in order.
pub fn flows<'a>(contract: &Contract<'a>) -> Vec<Flow<'a>> {
    let flows = contract
        .value
        .pointer("/revenueFlows/flows")
        .and_then(Value::as_array);
    flows
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(index, flow)| {
            let formula = flow.get("formula")?.as_str()?;
            Some(Flow {
                index,
                from: flow.get("from").and_then(Value::as_str),
                to: flow.get("to").and_then(Value::as_str),
                formula,
                parsed: parse_cached(formula),
            })
        })
        .collect()
}

/// Formulas repeat from message to message, so each thread keeps the ones it has parsed.
fn parse_cached(formula: &str) -> Result<Expr, SyntaxError> {
    const CAPACITY: usize = 256;
    thread_local! {
        static PARSED: RefCell<HashMap<String, Result<Expr, SyntaxError>>> = RefCell::new(HashMap::new());
    }
    PARSED.with_borrow_mut(|parsed| {
        if let Some(known) = parsed.get(formula) {
            return known.clone();
        }
        if parsed.len() >= CAPACITY {
            parsed.clear();
        }
        let result = formula::parse(formula);
        parsed.insert(formula.to_owned(), result.clone());
        result
    })
}

/// The value of a reference in this contract: role inputs by role kind, and input parameters.
/// Telemetry and signals are not part of a message, so they have none.
pub fn lookup(contract: &Contract<'_>, reference: &Reference) -> Option<Decimal> {
    match reference {
        Reference::RoleInput { role, input } => contract
            .roles()
            .find(|listed| contract.same_kind(listed.name, role))?
            .decimal(input),
        Reference::InputParameter { path } => {
            let mut value = contract.value.get("inputParameters")?;
            for segment in path {
                value = value.get(segment)?;
            }
            decimal(value)
        }
        Reference::Telemetry { .. } | Reference::Signal { .. } => None,
    }
}

pub fn check(contract: &Contract<'_>, out: &mut Vec<Finding>) {
    for flow in flows(contract) {
        let at = |member: &str| {
            contract.pointer(&format!("/revenueFlows/flows/{}/{member}", flow.index))
        };
        for (member, role) in [("from", flow.from), ("to", flow.to)] {
            if let Some(role) = role.filter(|role| !contract.lists(role)) {
                out.push(Finding::new(
                    Rule::RoleNotListed,
                    at(member),
                    format!("{role} is not listed in the contract yet"),
                ));
            }
        }
        let expr = match &flow.parsed {
            Ok(expr) => expr,
            Err(error) => {
                let mut finding = Finding::new(
                    Rule::FormulaSyntax,
                    at("formula"),
                    format!(
                        "formula does not parse at column {}: {}",
                        error.column, error.message
                    ),
                );
                finding.column_in_value = Some(error.column);
                out.push(finding);
                continue;
            }
        };
        let mut warned = Vec::new();
        for (reference, column) in expr.references() {
            let Reference::RoleInput { role, input } = reference else {
                continue;
            };
            let problem = match contract.spec(role) {
                None => Some(format!(
                    "`{reference}` names role {role}, which the contract's schema does not declare"
                )),
                Some(spec) if spec.inputs.is_some() && spec.input(input).is_none() => Some(
                    format!("`{reference}` names input {input}, which {role} does not declare"),
                ),
                Some(_) => None,
            };
            let finding = match problem {
                Some(message) => Finding::new(Rule::FormulaReference, at("formula"), message),
                None if !contract.lists(role)
                    && !warned.contains(role)
                    && flow.from != Some(role)
                    && flow.to != Some(role) =>
                {
                    warned.push(role.clone());
                    Finding::new(
                        Rule::RoleNotListed,
                        at("formula"),
                        format!(
                            "the formula reads {role}, which is not listed in the contract yet"
                        ),
                    )
                }
                None => continue,
            };
            out.push(Finding {
                column_in_value: Some(column),
                ..finding
            });
        }
    }
}
