//! A settled cycle's amount must equal the sum of the evaluated revenue flows, and each part
//! of its breakdown the flow it names, in exact decimal arithmetic. Pending cycles carry
//! provisional amounts and are not checked. The flows read the contracted quantity (the
//! seed), or the delivered one with `[settlement] basis = "delivered"`.

use std::borrow::Cow;

use deg_contracts_runtime::view::Node;
use deg_contracts_schema::energy_contract_p2p_trade_v1::views::{
    EnergyContractP2PTradeRoleView as Kinds, P2PTradeBuyerRoleInputsView as BuyerInputs,
};
use deg_contracts_schema::energy_trade_delivery_v1::SettlementCycleStatus;
use deg_contracts_schema::energy_trade_delivery_v1::views::{
    EnergyTradeDeliveryView, SettlementBreakdownView as Breakdown,
};
use rust_decimal::Decimal;

use super::flows::{flows, lookup};
use crate::contract::{Contract, FlowValues};
use crate::exact;
use crate::finding::{Finding, Rule};
use crate::formula::Reference;
use crate::settings::Basis;

/// Which flow each breakdown member accounts for, by the kind of role it pays.
fn breakdown_parts<'a>(
    breakdown: &Breakdown<'a>,
) -> [(&'static str, Option<Node<'a>>, &'static [&'static str]); 2] {
    [
        (
            Breakdown::ENERGY_COST,
            breakdown.energy_cost(),
            Kinds::SELLER,
        ),
        (
            Breakdown::WHEELING_CHARGES,
            breakdown.wheeling_charges(),
            Kinds::GRID_OPERATOR,
        ),
    ]
}

pub fn check(
    contract: &Contract<'_>,
    delivery: &EnergyTradeDeliveryView<'_>,
    basis: Basis,
    out: &mut Vec<Finding>,
) {
    let settled_status = SettlementCycleStatus::Settled.as_str();
    let settled: Vec<_> = delivery
        .settlement_cycles()
        .filter(|cycle| {
            cycle
                .status()
                .is_some_and(|status| status.is(settled_status))
        })
        .filter_map(|cycle| {
            let amount = cycle.amount()?;
            let value = amount.decimal()?;
            Some((cycle, amount, value))
        })
        .collect();
    let Some((_, first, _)) = settled.first() else {
        return;
    };
    let delivered = match basis {
        Basis::Contracted => None,
        Basis::Delivered => match delivery.delivered_quantity().and_then(|q| q.decimal()) {
            Some(delivered) => Some(delivered),
            None => {
                out.push(Finding::new(
                    Rule::Settlement,
                    first.pointer(),
                    format!(
                        "cannot check the settled amount: settlement is on the delivered quantity \
                         ([settlement] basis = \"delivered\") and the delivery states no {}",
                        EnergyTradeDeliveryView::DELIVERED_QUANTITY
                    ),
                ));
                return;
            }
        },
    };
    // On the contracted quantity the contract's own values serve; on the delivered, they
    // are computed for this delivery.
    let values: Cow<'_, FlowValues> = match delivered {
        None => Cow::Borrowed(contract.flow_values()),
        Some(_) => Cow::Owned(evaluate(contract, delivered)),
    };
    let values = match values.as_ref() {
        Ok(values) => values,
        Err(reason) => {
            out.push(Finding::new(
                Rule::Settlement,
                first.pointer(),
                format!("cannot check the settled amount: {reason}"),
            ));
            return;
        }
    };
    for (cycle, amount_at, amount) in &settled {
        let total = match exact::sum(values.iter().map(|(_, value)| *value)) {
            Ok(total) => total,
            Err(beyond) => {
                out.push(Finding::new(
                    Rule::ArithmeticOverflow,
                    amount_at.pointer(),
                    format!("the revenue flows' total {beyond}"),
                ));
                continue;
            }
        };
        if *amount != total {
            out.push(Finding::new(
                Rule::Settlement,
                amount_at.pointer(),
                format!(
                    "amount {amount} differs from the revenue flows' total {}",
                    total.normalize()
                ),
            ));
        }
        let Some(breakdown) = cycle.breakdown() else {
            continue;
        };
        for (member, part, payees) in breakdown_parts(&breakdown) {
            let Some((part, given)) = part.and_then(|part| {
                let given = part.decimal()?;
                Some((part, given))
            }) else {
                continue;
            };
            let expected = exact::sum(
                values
                    .iter()
                    .filter(|(to, _)| to.as_deref().is_some_and(|to| payees.contains(&to)))
                    .map(|(_, value)| *value),
            );
            let expected = match expected {
                Ok(expected) => expected,
                Err(beyond) => {
                    out.push(Finding::new(
                        Rule::ArithmeticOverflow,
                        part.pointer(),
                        format!("the total of the flows {member} accounts for {beyond}"),
                    ));
                    continue;
                }
            };
            if given != expected {
                out.push(Finding::new(
                    Rule::Settlement,
                    part.pointer(),
                    format!(
                        "{member} {given} differs from the flow it accounts for, {}",
                        expected.normalize()
                    ),
                ));
            }
        }
    }
}

/// Each flow's payee and value, or why they cannot all be computed; with `delivered`, the
/// flows read it wherever they read the buyer's contracted quantity.
pub fn evaluate(contract: &Contract<'_>, delivered: Option<Decimal>) -> FlowValues {
    let read = |reference: &Reference| match (reference, delivered) {
        (Reference::RoleInput { role, input }, Some(delivered))
            if input == BuyerInputs::CONTRACTED_QUANTITY
                && contract.same_kind(role, Kinds::BUYER[0]) =>
        {
            Some(delivered)
        }
        _ => lookup(contract, reference),
    };
    let mut values = Vec::new();
    for flow in flows(contract) {
        let expr = (*flow.parsed)
            .as_ref()
            .map_err(|error| format!("flow {} does not parse: {error}", flow.index))?;
        let value = expr
            .evaluate(&read)
            .map_err(|error| format!("flow {}: {error}", flow.index))?;
        values.push((flow.payee().map(str::to_owned), value));
    }
    Ok(values)
}
