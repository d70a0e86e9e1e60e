//! A settled cycle's amount must equal the sum of the evaluated revenue flows, and each part
//! of its breakdown the flow it names, in exact decimal arithmetic. Pending cycles carry
//! provisional amounts and are not checked.

use rust_decimal::Decimal;
use serde_json::Value;

use super::flows::{flows, lookup};
use crate::contract::{Contract, GRID_OPERATOR, SELLER, decimal};
use crate::finding::{Finding, Rule};

/// Which flow each breakdown member accounts for, by the kind of role it pays.
const BREAKDOWN: &[(&str, &[&str])] = &[("energyCost", SELLER), ("wheelingCharges", GRID_OPERATOR)];

pub fn check(contract: &Contract<'_>, delivery: &Value, pointer: &str, out: &mut Vec<Finding>) {
    let cycles = delivery.get("settlementCycles").and_then(Value::as_array);
    let settled: Vec<(usize, &Value, Decimal)> = cycles
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, cycle)| cycle.get("status").and_then(Value::as_str) == Some("SETTLED"))
        .filter_map(|(index, cycle)| Some((index, cycle, cycle.get("amount").and_then(decimal)?)))
        .collect();
    let Some((first, ..)) = settled.first() else {
        return;
    };
    let values = match evaluate(contract) {
        Ok(values) => values,
        Err(reason) => {
            out.push(Finding::new(
                Rule::Settlement,
                format!("{pointer}/settlementCycles/{first}/amount"),
                format!("cannot check the settled amount: {reason}"),
            ));
            return;
        }
    };
    for (index, cycle, amount) in settled {
        let at = |member: &str| format!("{pointer}/settlementCycles/{index}/{member}");
        let total: Decimal = values.iter().map(|(_, value)| value).sum();
        if amount != total {
            out.push(Finding::new(
                Rule::Settlement,
                at("amount"),
                format!(
                    "amount {amount} differs from the revenue flows' total {}",
                    total.normalize()
                ),
            ));
        }
        let breakdown = cycle.get("breakdown").and_then(Value::as_object);
        for (member, payees) in BREAKDOWN {
            let Some(given) = breakdown
                .and_then(|parts| parts.get(*member))
                .and_then(decimal)
            else {
                continue;
            };
            let expected: Decimal = values
                .iter()
                .filter(|(to, _)| to.as_deref().is_some_and(|to| payees.contains(&to)))
                .map(|(_, value)| value)
                .sum();
            if given != expected {
                out.push(Finding::new(
                    Rule::Settlement,
                    at(&format!("breakdown/{member}")),
                    format!(
                        "{member} {given} differs from the flow it accounts for, {}",
                        expected.normalize()
                    ),
                ));
            }
        }
    }
}

/// Each flow's payee and value, or why they cannot all be computed.
fn evaluate(contract: &Contract<'_>) -> Result<Vec<(Option<String>, Decimal)>, String> {
    let mut values = Vec::new();
    for flow in flows(contract) {
        let expr = flow
            .parsed
            .as_ref()
            .map_err(|error| format!("flow {} does not parse: {error}", flow.index))?;
        let value = expr
            .evaluate(&|reference| lookup(contract, reference))
            .map_err(|error| format!("flow {}: {error}", flow.index))?;
        values.push((flow.to.map(str::to_owned), value));
    }
    Ok(values)
}
