//! The contract's business rules, beyond what the schema can say. Each rule has a stable id
//! (see [`crate::finding::Rule`]) and works on whatever the schema check let through.

mod currency;
mod delivery;
pub mod flows;
mod offer;
mod order;
mod roles;
mod seed;
pub(crate) mod settlement;
pub mod trade;

use deg_contracts_schema::energy_trade_delivery_v1::views::EnergyTradeDeliveryView;

use deg_contracts_runtime::json::Value;

use crate::contract::Contract;
use crate::finding::Finding;
use crate::settings::Settings;

/// Every role input the rules read by its generated name, as (the role kind's names, the
/// input), so a test can hold them against the schema the rules apply to.
pub fn role_inputs_read() -> Vec<(&'static [&'static str], &'static str)> {
    let mut reads = trade::READS.to_vec();
    reads.extend(seed::READS);
    reads.extend(delivery::READS);
    reads.extend(currency::READS);
    reads.extend(offer::READS);
    reads.extend(order::READS);
    reads
}

/// Every rule that looks at one contract.
pub fn check_contract(contract: &Contract<'_>, action: Option<&str>, out: &mut Vec<Finding>) {
    roles::check(contract, action, out);
    if contract.p2p.is_some() {
        trade::check(contract, out);
        seed::check(contract, out);
        offer::check(contract, out);
    }
    flows::check(contract, out);
    currency::check_contract(contract, out);
}

/// Every rule that holds a contract against the Beckn order or offer around it in `message`.
pub fn check_order(contract: &Contract<'_>, message: &Value<'_>, out: &mut Vec<Finding>) {
    order::check(contract, message, out);
}

/// Every rule that looks at one delivery, with the message's contract when it has one.
pub fn check_delivery(
    delivery: &EnergyTradeDeliveryView<'_>,
    contract: Option<&Contract<'_>>,
    settings: &Settings,
    out: &mut Vec<Finding>,
) {
    currency::check_delivery(delivery, out);
    delivery::check(delivery, contract, settings, out);
    if let Some(contract) = contract {
        settlement::check(contract, delivery, settings.basis, out);
    }
}

/// Every rule that looks at a contract with all the message's deliveries; `unread_delivery`
/// when the message also has one of a version this build cannot read, whose cycles the
/// rules therefore cannot see.
pub fn check_fulfilment(
    contract: &Contract<'_>,
    deliveries: &[EnergyTradeDeliveryView<'_>],
    unread_delivery: bool,
    out: &mut Vec<Finding>,
) {
    if !unread_delivery {
        delivery::check_completed(contract, deliveries, out);
    }
}
