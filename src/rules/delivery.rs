//! What a delivery must agree with: the contract's currency, its own progress, the
//! contracted quantity and trade window, and its own meter readings; and a completed
//! contract is a settled one.

use deg_contracts_schema::energy_contract_p2p_trade_v1::views::{
    EnergyContractP2PTradeRoleView as Kinds, P2PTradeBuyerRoleInputsView as BuyerInputs,
    P2PTradeSellerRoleInputsView as SellerInputs,
};
use deg_contracts_schema::energy_contract_v1::EnergyContractStatus;
use deg_contracts_schema::energy_trade_delivery_v1::views::{
    EnergyTradeDeliveryView, MeterReadingView,
};
use deg_contracts_schema::energy_trade_delivery_v1::{
    EnergyTradeDeliveryStatus, SettlementCycleStatus,
};
use rust_decimal::Decimal;

use crate::contract::Contract;
use crate::exact;
use crate::finding::{Finding, Rule};
use crate::settings::{Meter, Settings};

/// The inputs these rules read.
pub const READS: &[(&[&str], &str)] = &[
    (Kinds::SELLER, SellerInputs::CURRENCY),
    (Kinds::BUYER, BuyerInputs::CONTRACTED_QUANTITY),
    (Kinds::BUYER, BuyerInputs::TRADE_START_TIME),
    (Kinds::BUYER, BuyerInputs::TRADE_END_TIME),
];

pub fn check(
    delivery: &EnergyTradeDeliveryView<'_>,
    contract: Option<&Contract<'_>>,
    settings: &Settings,
    out: &mut Vec<Finding>,
) {
    settled_while_delivering(delivery, out);
    energy_flow(delivery, settings.energy_flow, out);
    let Some(contract) = contract else { return };
    currency(delivery, contract, out);
    overdelivery(delivery, contract, settings.delivery_tolerance, out);
    settlement_period(delivery, contract, out);
}

/// Each reading after the first moves its meter by the energy flow it states.
fn energy_flow(delivery: &EnergyTradeDeliveryView<'_>, meter: Meter, out: &mut Vec<Finding>) {
    let (name, read): (&str, fn(&MeterReadingView<'_>) -> Option<Decimal>) = match meter {
        Meter::Target => (MeterReadingView::TARGET_READING, |reading| {
            reading.target_reading()?.decimal()
        }),
        Meter::Source => (MeterReadingView::SOURCE_READING, |reading| {
            reading.source_reading()?.decimal()
        }),
    };
    let readings: Vec<MeterReadingView<'_>> = delivery.meter_readings().collect();
    for pair in readings.windows(2) {
        let [before, after] = pair else { continue };
        let (Some(from), Some(to), Some(flow_at)) =
            (read(before), read(after), after.energy_flow())
        else {
            continue;
        };
        let Some(flow) = flow_at.decimal() else {
            continue;
        };
        let moved = match exact::sub(to, from) {
            Ok(moved) => moved,
            Err(beyond) => {
                out.push(Finding::new(
                    Rule::ArithmeticOverflow,
                    flow_at.pointer(),
                    format!("{name} {to} − {from} {beyond}"),
                ));
                continue;
            }
        };
        if flow != moved {
            out.push(Finding::new(
                Rule::EnergyFlow,
                flow_at.pointer(),
                format!(
                    "{} {} is not the change in {name}, {} − {} = {}",
                    MeterReadingView::ENERGY_FLOW,
                    flow.normalize(),
                    to.normalize(),
                    from.normalize(),
                    moved.normalize()
                ),
            ));
        }
    }
}

/// The cycles together span the trade window, and each overlaps it.
fn settlement_period(
    delivery: &EnergyTradeDeliveryView<'_>,
    contract: &Contract<'_>,
    out: &mut Vec<Finding>,
) {
    let Some(buyer) = contract.buyer().and_then(|buyer| buyer.role_inputs()) else {
        return;
    };
    let (Some(trade_start), Some(trade_end)) = (
        buyer.trade_start_time().and_then(|input| input.date_time()),
        buyer.trade_end_time().and_then(|input| input.date_time()),
    ) else {
        return;
    };
    let (trade_start, trade_end) = (trade_start.instant(), trade_end.instant());
    let mut cycles = Vec::new();
    for cycle in delivery.settlement_cycles() {
        let (Some(start_at), Some(end_at)) = (cycle.start_time(), cycle.end_time()) else {
            continue;
        };
        let (Some(start), Some(end)) = (start_at.date_time(), end_at.date_time()) else {
            continue;
        };
        if end.instant() <= trade_start || start.instant() >= trade_end {
            out.push(Finding::new(
                Rule::SettlementPeriod,
                start_at.pointer(),
                format!(
                    "the cycle {}–{} lies outside the trade window {}–{}",
                    start.as_str(),
                    end.as_str(),
                    trade_start_text(&buyer),
                    trade_end_text(&buyer)
                ),
            ));
        }
        cycles.push((start.instant(), end.instant(), start_at, end_at));
    }
    let first = cycles.iter().min_by_key(|(start, ..)| *start);
    let last = cycles.iter().max_by_key(|(_, end, ..)| *end);
    if let Some((start, _, at, _)) = first
        && *start > trade_start
    {
        out.push(Finding::new(
            Rule::SettlementPeriod,
            at.pointer(),
            format!(
                "no cycle covers the start of the trade: the first begins {}, the trade at {}",
                at.as_str().unwrap_or("?"),
                trade_start_text(&buyer)
            ),
        ));
    }
    if let Some((_, end, _, at)) = last
        && *end < trade_end
    {
        out.push(Finding::new(
            Rule::SettlementPeriod,
            at.pointer(),
            format!(
                "no cycle covers the end of the trade: the last ends {}, the trade at {}",
                at.as_str().unwrap_or("?"),
                trade_end_text(&buyer)
            ),
        ));
    }
}

fn trade_start_text<'a>(buyer: &BuyerInputs<'a>) -> &'a str {
    buyer
        .trade_start_time()
        .and_then(|input| input.as_str())
        .unwrap_or("?")
}

fn trade_end_text<'a>(buyer: &BuyerInputs<'a>) -> &'a str {
    buyer
        .trade_end_time()
        .and_then(|input| input.as_str())
        .unwrap_or("?")
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
        .seller()
        .and_then(|seller| seller.role_inputs()?.currency()?.as_str())
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
    tolerance_percent: Decimal,
    out: &mut Vec<Finding>,
) {
    let (Some(delivered_at), Some(contracted)) = (
        delivery.delivered_quantity(),
        contract
            .buyer()
            .and_then(|buyer| buyer.role_inputs()?.contracted_quantity()?.decimal()),
    ) else {
        return;
    };
    let Some(delivered) = delivered_at.decimal() else {
        return;
    };
    let Ok(tolerance) = exact::add(Decimal::ONE_HUNDRED, tolerance_percent) else {
        return;
    };
    let Ok(most) = exact::mul(contracted, tolerance / Decimal::ONE_HUNDRED) else {
        return;
    };
    if delivered > most {
        out.push(Finding::new(
            Rule::DeliveredQuantity,
            delivered_at.pointer(),
            format!(
                "deliveredQuantity {} exceeds the contracted {} by more than {} %",
                delivered.normalize(),
                contracted.normalize(),
                tolerance_percent.normalize()
            ),
        ));
    }
}
