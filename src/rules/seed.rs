//! What the seed's P2P contract promises beyond its schema: terms of the right sign, the two
//! revenue flows it defines (BUYER → SELLER = contractedQuantity × pricePerKWh, and BUYER →
//! GRID_OPERATOR = contractedQuantity × wheelingCharges once the grid operator is a party),
//! and flows that net to zero. Names come from the generated views, so a renamed member
//! renames what these rules read.

use deg_contracts_runtime::view::Input;
use deg_contracts_schema::energy_contract_p2p_trade_v1::views::{
    EnergyContractP2PTradeRoleView as Kinds, P2PTradeBuyerRoleInputsView as BuyerInputs,
    P2PTradeGridOperatorRoleInputsView as GridInputs, P2PTradeSellerRoleInputsView as SellerInputs,
};
use rust_decimal::Decimal;

use super::flows::{Flow, flows};
use crate::contract::Contract;
use crate::finding::{Finding, Rule};
use crate::formula::{Expr, Op, Reference};

/// Every input these rules read, for the test that the schema declares each.
pub const READS: &[(&[&str], &str)] = &[
    (Kinds::BUYER, BuyerInputs::CONTRACTED_QUANTITY),
    (Kinds::SELLER, SellerInputs::PRICE_PER_KWH),
    (Kinds::GRID_OPERATOR, GridInputs::WHEELING_CHARGES),
];

pub fn check(contract: &Contract<'_>, out: &mut Vec<Finding>) {
    signs(contract, out);
    expected_flows(contract, out);
    net_zero(contract, out);
}

/// Quantities and prices above zero; charges, caps and totals not below it.
fn signs(contract: &Contract<'_>, out: &mut Vec<Finding>) {
    let buyer = contract.buyer().and_then(|role| role.role_inputs());
    let seller = contract.seller().and_then(|role| role.role_inputs());
    let grid = contract.grid_operator().and_then(|role| role.role_inputs());
    let positive = [
        (
            buyer.as_ref().and_then(BuyerInputs::contracted_quantity),
            BuyerInputs::CONTRACTED_QUANTITY,
        ),
        (
            seller.as_ref().and_then(SellerInputs::price_per_kwh),
            SellerInputs::PRICE_PER_KWH,
        ),
    ];
    let not_negative = [
        (
            grid.as_ref().and_then(GridInputs::wheeling_charges),
            GridInputs::WHEELING_CHARGES,
        ),
        (
            grid.as_ref().and_then(GridInputs::buyer_trade_cap),
            GridInputs::BUYER_TRADE_CAP,
        ),
        (
            grid.as_ref().and_then(GridInputs::seller_trade_cap),
            GridInputs::SELLER_TRADE_CAP,
        ),
        (
            grid.as_ref()
                .and_then(GridInputs::current_buyer_trades_total),
            GridInputs::CURRENT_BUYER_TRADES_TOTAL,
        ),
        (
            grid.as_ref()
                .and_then(GridInputs::current_seller_trade_total),
            GridInputs::CURRENT_SELLER_TRADE_TOTAL,
        ),
    ];
    let mut report =
        |input: Option<Input<'_>>, name: &str, bad: fn(Decimal) -> bool, what: &str| {
            let Some(input) = input else { return };
            let Some(value) = input.decimal() else { return };
            if bad(value) {
                out.push(Finding::new(
                    Rule::PositiveTerms,
                    input.pointer(),
                    format!("{name} {} must be {what}", value.normalize()),
                ));
            }
        };
    for (input, name) in positive {
        report(input, name, |value| value <= Decimal::ZERO, "above zero");
    }
    for (input, name) in not_negative {
        report(input, name, |value| value < Decimal::ZERO, "zero or more");
    }
}

/// The flows the seed defines: each payer → payee pair, with the product it must compute.
fn expected_flows(contract: &Contract<'_>, out: &mut Vec<Finding>) {
    let flows = flows(contract);
    let quantity = (Kinds::BUYER[0], BuyerInputs::CONTRACTED_QUANTITY);
    let mut expected = vec![(
        Kinds::BUYER[0],
        Kinds::SELLER[0],
        [quantity, (Kinds::SELLER[0], SellerInputs::PRICE_PER_KWH)],
    )];
    if contract.lists(Kinds::GRID_OPERATOR[0]) {
        expected.push((
            Kinds::BUYER[0],
            Kinds::GRID_OPERATOR[0],
            [
                quantity,
                (Kinds::GRID_OPERATOR[0], GridInputs::WHEELING_CHARGES),
            ],
        ));
    }
    let at = || {
        contract.base.revenue_flows().map_or_else(
            || contract.pointer.to_owned(),
            |logic| logic.node().pointer(),
        )
    };
    for (payer, payee, factors) in expected {
        let flow = flows.iter().find(|flow| {
            flow.payer()
                .is_some_and(|from| contract.same_kind(from, payer))
                && flow.payee().is_some_and(|to| contract.same_kind(to, payee))
        });
        let Some(flow) = flow else {
            let reversed = flows.iter().any(|flow| {
                flow.payer()
                    .is_some_and(|from| contract.same_kind(from, payee))
                    && flow.payee().is_some_and(|to| contract.same_kind(to, payer))
            });
            let why = if reversed { ", only the reverse" } else { "" };
            out.push(Finding::new(
                Rule::SeedFlows,
                at(),
                format!("no revenue flow from {payer} to {payee}{why}"),
            ));
            continue;
        };
        if !computes(contract, flow, factors) {
            out.push(Finding::new(
                Rule::SeedFlows,
                flow.formula.pointer(),
                format!(
                    "the {payer} → {payee} flow must be {0}.{1} × {2}.{3}, not `{4}`",
                    factors[0].0,
                    factors[0].1,
                    factors[1].0,
                    factors[1].1,
                    flow.text()
                ),
            ));
        }
    }
}

/// Whether the flow's formula is the product of the two role inputs, in either order.
fn computes(contract: &Contract<'_>, flow: &Flow<'_>, factors: [(&str, &str); 2]) -> bool {
    let Ok(Expr::Binary {
        op: Op::Multiply,
        left,
        right,
    }) = &*flow.parsed
    else {
        // A formula that does not parse is formula-syntax's finding, not this one's.
        return flow.parsed.is_err();
    };
    let names = |expr: &Expr, (role, input): (&str, &str)| match expr {
        Expr::Reference {
            reference:
                Reference::RoleInput {
                    role: named,
                    input: read,
                },
            ..
        } => contract.same_kind(named, role) && read == input,
        _ => false,
    };
    (names(left, factors[0]) && names(right, factors[1]))
        || (names(left, factors[1]) && names(right, factors[0]))
}

/// Flows that declare whether they net to zero must.
fn net_zero(contract: &Contract<'_>, out: &mut Vec<Finding>) {
    let Some(logic) = contract.base.revenue_flows() else {
        return;
    };
    if let Some(flag) = logic.net_zero()
        && flag.as_bool() == Some(false)
    {
        out.push(Finding::new(
            Rule::NetZero,
            flag.pointer(),
            "the revenue flows must net to zero: every amount a payer pays, a payee receives",
        ));
    }
}
