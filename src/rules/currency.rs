//! Currencies must be active ISO 4217 codes.

use iso_currency::Currency;
use serde_json::Value;

use crate::contract::Contract;
use crate::finding::{Finding, Rule};

fn check_code(value: &Value, pointer: String, out: &mut Vec<Finding>) {
    let Some(code) = value.as_str() else { return };
    if Currency::from_code(code).is_none() {
        out.push(Finding::new(
            Rule::Currency,
            pointer,
            format!("`{code}` is not an active ISO 4217 currency code"),
        ));
    }
}

/// Every role input named `currency`.
pub fn check_contract(contract: &Contract<'_>, out: &mut Vec<Finding>) {
    for role in contract.roles() {
        if let Some(value) = role.input("currency") {
            check_code(
                value,
                contract.pointer(&role.input_pointer("currency")),
                out,
            );
        }
    }
}

/// Every settlement cycle's currency.
pub fn check_delivery(delivery: &Value, pointer: &str, out: &mut Vec<Finding>) {
    let cycles = delivery.get("settlementCycles").and_then(Value::as_array);
    for (index, cycle) in cycles.into_iter().flatten().enumerate() {
        if let Some(value) = cycle.get("currency") {
            check_code(
                value,
                format!("{pointer}/settlementCycles/{index}/currency"),
                out,
            );
        }
    }
}
