//! The contract's business rules, beyond what the schema can say. Each rule has a stable id
//! (see [`crate::finding::Rule`]) and works on whatever the schema check let through.

mod currency;
pub mod flows;
mod roles;
mod settlement;
mod trade;

use serde_json::Value;

use crate::contract::Contract;
use crate::finding::Finding;

/// Every rule that looks at one contract.
pub fn check_contract(contract: &Contract<'_>, action: Option<&str>, out: &mut Vec<Finding>) {
    roles::check(contract, action, out);
    trade::check(contract, out);
    flows::check(contract, out);
    currency::check_contract(contract, out);
}

/// Every rule that looks at one delivery, with the message's contract when it has one.
pub fn check_delivery(
    delivery: &Value,
    pointer: &str,
    contract: Option<&Contract<'_>>,
    out: &mut Vec<Finding>,
) {
    currency::check_delivery(delivery, pointer, out);
    if let Some(contract) = contract {
        settlement::check(contract, delivery, pointer, out);
    }
}
