//! Currencies must be active ISO 4217 codes: every role input named as the P2P seller's
//! currency is (on whichever role carries one), and every settlement cycle's.

use deg_contracts_runtime::view::Node;
use deg_contracts_schema::energy_contract_p2p_trade_v1::views::{
    EnergyContractP2PTradeRoleView as Kinds, P2PTradeSellerRoleInputsView as SellerInputs,
};
use deg_contracts_schema::energy_trade_delivery_v1::views::EnergyTradeDeliveryView;
use iso_currency::Currency;

use crate::contract::Contract;
use crate::finding::{Finding, Rule};

/// `pointer` is worked out only for a finding: most codes are fine.
fn check_code(value: &Node<'_>, pointer: impl FnOnce() -> String, out: &mut Vec<Finding>) {
    let Some(code) = value.as_str() else { return };
    if Currency::from_code(code).is_none() {
        out.push(Finding::new(
            Rule::Currency,
            pointer(),
            format!("`{code}` is not an active ISO 4217 currency code"),
        ));
    }
}

/// The input this rule reads, by the P2P kind that declares it.
pub const READS: &[(&[&str], &str)] = &[(Kinds::SELLER, SellerInputs::CURRENCY)];

/// Every role's currency input.
pub fn check_contract(contract: &Contract<'_>, out: &mut Vec<Finding>) {
    for role in contract.roles() {
        if let Some(input) = role.input(SellerInputs::CURRENCY)
            && let Some(value) = input.value()
        {
            check_code(&value, || input.pointer(), out);
        }
    }
}

/// Every settlement cycle's currency.
pub fn check_delivery(delivery: &EnergyTradeDeliveryView<'_>, out: &mut Vec<Finding>) {
    for cycle in delivery.settlement_cycles() {
        if let Some(currency) = cycle.currency() {
            check_code(&currency, || currency.pointer(), out);
        }
    }
}
