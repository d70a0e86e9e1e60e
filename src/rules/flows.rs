//! Revenue flows: every formula parses, names only roles and inputs the contract's schema
//! declares, and (a warning) roles the contract already lists. Also evaluates the flows for
//! the settlement rule and the `flows` command.

use foldhash::{HashMap, HashMapExt};
use std::cell::RefCell;
use std::rc::Rc;

use deg_contracts_runtime::view::Node;
use rust_decimal::Decimal;

use crate::contract::Contract;
use crate::finding::{Finding, Rule};
use crate::formula::{self, Expr, Reference, SyntaxError};

/// One revenue flow as written, with its parsed formula.
pub struct Flow<'a> {
    pub index: usize,
    /// The payer's role, and where it is written.
    pub from: Option<Node<'a>>,
    /// The payee's role, and where it is written.
    pub to: Option<Node<'a>>,
    /// The formula, and where it is written.
    pub formula: Node<'a>,
    /// Shared with the parse cache: every rule that asks reads the same tree.
    pub parsed: Rc<Result<Expr, SyntaxError>>,
}

impl<'a> Flow<'a> {
    /// The payer's role name.
    pub fn payer(&self) -> Option<&'a str> {
        self.from.as_ref()?.as_str()
    }

    /// The payee's role name.
    pub fn payee(&self) -> Option<&'a str> {
        self.to.as_ref()?.as_str()
    }

    /// The formula's text.
    pub fn text(&self) -> &'a str {
        self.formula.as_str().unwrap_or_default()
    }
}

/// The contract's revenue flows, in order, read once per contract however many rules ask.
pub fn flows<'c, 'a>(contract: &'c Contract<'a>) -> &'c [Flow<'a>] {
    contract.flows()
}

/// Reads the contract's revenue flows, each with its parsed formula.
pub(crate) fn read<'a>(contract: &Contract<'a>) -> Vec<Flow<'a>> {
    let logic = contract.base.revenue_flows();
    logic
        .iter()
        .flat_map(|logic| logic.flows())
        .enumerate()
        .filter_map(|(index, flow)| {
            let formula = flow.formula()?;
            let parsed = parse_cached(formula.as_str()?);
            Some(Flow {
                index,
                from: flow.from(),
                to: flow.to(),
                formula,
                parsed,
            })
        })
        .collect()
}

/// Formulas repeat from message to message, so each thread keeps the ones it has parsed.
fn parse_cached(formula: &str) -> Rc<Result<Expr, SyntaxError>> {
    const CAPACITY: usize = 256;
    thread_local! {
        static PARSED: RefCell<HashMap<String, Rc<Result<Expr, SyntaxError>>>> = RefCell::new(HashMap::new());
    }
    PARSED.with_borrow_mut(|parsed| {
        if let Some(known) = parsed.get(formula) {
            return Rc::clone(known);
        }
        if parsed.len() >= CAPACITY {
            parsed.clear();
        }
        let result = Rc::new(formula::parse(formula));
        parsed.insert(formula.to_owned(), Rc::clone(&result));
        result
    })
}

/// The value of a reference in this contract: role inputs by role kind, and input parameters.
/// Telemetry and signals are not part of a message, so they have none.
pub fn lookup(contract: &Contract<'_>, reference: &Reference) -> Option<Decimal> {
    match reference {
        Reference::RoleInput { role, input } => contract.role_of_kind(role)?.decimal(input),
        Reference::InputParameter { path } => {
            let mut node = *contract.base.input_parameters()?.node();
            for segment in path {
                node = node.member(segment)?;
            }
            node.decimal()
        }
        Reference::Telemetry { .. } | Reference::Signal { .. } => None,
    }
}

pub fn check(contract: &Contract<'_>, out: &mut Vec<Finding>) {
    for flow in flows(contract) {
        let formula_at = || flow.formula.pointer();
        for party in [&flow.from, &flow.to].into_iter().flatten() {
            if let Some(role) = party.as_str().filter(|role| !contract.lists(role)) {
                out.push(Finding::new(
                    Rule::RoleNotListed,
                    party.pointer(),
                    format!("{role} is not listed in the contract yet"),
                ));
            }
        }
        let expr = match &*flow.parsed {
            Ok(expr) => expr,
            Err(error) => {
                let mut finding = Finding::new(
                    Rule::FormulaSyntax,
                    formula_at(),
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
        expr.each_reference(&mut |reference, column| {
            let Reference::RoleInput { role, input } = reference else {
                return;
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
                Some(message) => Finding::new(Rule::FormulaReference, formula_at(), message),
                None if !contract.lists(role)
                    && !warned.contains(role)
                    && flow.payer() != Some(role.as_str())
                    && flow.payee() != Some(role.as_str()) =>
                {
                    warned.push(role.clone());
                    Finding::new(
                        Rule::RoleNotListed,
                        formula_at(),
                        format!(
                            "the formula reads {role}, which is not listed in the contract yet"
                        ),
                    )
                }
                None => return,
            };
            out.push(Finding {
                column_in_value: Some(column),
                ..finding
            });
        });
    }
}
