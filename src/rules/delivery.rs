//! What a delivery must agree with: the contract's currency, its own progress and the
//! contracted quantity; and a completed contract is a settled one.

use deg_contracts_schema::energy_contract_p2p_trade_v1::views::{
    EnergyContractP2PTradeRoleView as Kinds, P2PTradeBuyerRoleInputsView as BuyerInputs,
    P2PTradeSellerRoleInputsView as SellerInputs,
};
use deg_contracts_schema::energy_contract_v1::EnergyContractStatus;
use deg_contracts_schema::energy_trade_delivery_v1::views::EnergyTradeDeliveryView;
use deg_contracts_schema::energy_trade_delivery_v1::{
    EnergyTradeDeliveryStatus, SettlementCycleStatus,
};
use rust_decimal::Decimal;

use crate::contract::Contract;
use crate::exact;
use crate::finding::{Finding, Rule};

/// How far a delivered quantity may exceed the contracted one before it is reported: meters
/// and losses make a delivery overshoot a little (a documented default, not yet a setting).
pub const DELIVERY_TOLERANCE_PERCENT: u32 = 10;

/// The inputs these rules read.
pub const READS: &[(&[&str], &str)] = &[
    (Kinds::SELLER, SellerInputs::CURRENCY),
    (Kinds::BUYER, BuyerInputs::CONTRACTED_QUANTITY),
];

pub fn check(
    delivery: &EnergyTradeDeliveryView<'_>,
    contract: Option<&Contract<'_>>,
    out: &mut Vec<Finding>,
) {
    settled_while_delivering(delivery, out);
    let Some(contract) = contract else { return };
    currency(delivery, contract, out);
    overdelivery(delivery, contract, out);
}

/// A contract COMPLETED in a message with no SETTLED cycle in any of its deliveries.
pub fn check_completed(
    contract: &Contract<'_>,
    deliveries: &[EnergyTradeDeliveryView<'_>],
    out: &mut Vec<Finding>,
) {
    let Some(status) = contract.base.status() else {
        return;
    };
    if !status.is(EnergyContractStatus::Completed.as_str()) {
        return;
    }
    let settled = deliveries
        .iter()
        .flat_map(|delivery| delivery.settlement_cycles())
        .any(|cycle| {
            cycle
                .status()
                .is_some_and(|status| status.is(SettlementCycleStatus::Settled.as_str()))
        });
    if !settled {
        out.push(Finding::new(
            Rule::CompletedSettled,
            status.pointer(),
            "the contract is COMPLETED but no settlement cycle in this message is SETTLED",
        ));
    }
}

fn settled_while_delivering(delivery: &EnergyTradeDeliveryView<'_>, out: &mut Vec<Finding>) {
    let Some(progress) = delivery.delivery_status() else {
        return;
    };
    if progress.is(EnergyTradeDeliveryStatus::Completed.as_str()) {
        return;
    }
    for cycle in delivery.settlement_cycles() {
        if let Some(status) = cycle
            .status()
            .filter(|status| status.is(SettlementCycleStatus::Settled.as_str()))
        {
            out.push(Finding::new(
                Rule::SettledDelivery,
                status.pointer(),
                format!(
                    "a cycle is SETTLED while the delivery is {}",
                    progress.as_str().unwrap_or("?")
                ),
            ));
        }
    }
}

/// Settlement cycles in the contract's currency.
fn currency(
    delivery: &EnergyTradeDeliveryView<'_>,
    contract: &Contract<'_>,
    out: &mut Vec<Finding>,
) {
    let Some(expected) = contract
        .p2p
        .as_ref()
        .and_then(|p2p| p2p.seller()?.role_inputs()?.currency()?.as_str())
    else {
        return;
    };
    if iso_currency::Currency::from_code(expected).is_none() {
        // Not a currency at all (nor below, a cycle's): the currency rule says so, and
        // comparing with it says nothing more.
        return;
    }
    for cycle in delivery.settlement_cycles() {
        if let Some(currency) = cycle.currency()
            && let Some(code) = currency.as_str()
            && code != expected
            && iso_currency::Currency::from_code(code).is_some()
        {
            out.push(Finding::new(
                Rule::SettlementCurrency,
                currency.pointer(),
                format!("the cycle is settled in {code}, the contract in {expected}"),
            ));
        }
    }
}

/// A delivered quantity within the tolerance above the contracted one.
fn overdelivery(
    delivery: &EnergyTradeDeliveryView<'_>,
    contract: &Contract<'_>,
    out: &mut Vec<Finding>,
) {
    let (Some(delivered_at), Some(contracted)) = (
        delivery.delivered_quantity(),
        contract
            .p2p
            .as_ref()
            .and_then(|p2p| p2p.buyer()?.role_inputs()?.contracted_quantity()?.decimal()),
    ) else {
        return;
    };
    let Some(delivered) = delivered_at.decimal() else {
        return;
    };
    let tolerance = Decimal::from(100 + DELIVERY_TOLERANCE_PERCENT) / Decimal::from(100);
    let Ok(most) = exact::mul(contracted, tolerance) else {
        return;
    };
    if delivered > most {
        out.push(Finding::new(
            Rule::DeliveredQuantity,
            delivered_at.pointer(),
            format!(
                "deliveredQuantity {} exceeds the contracted {} by more than {DELIVERY_TOLERANCE_PERCENT} %",
                delivered.normalize(),
                contracted.normalize()
            ),
        ));
    }
}
