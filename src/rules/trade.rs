//! The trade's numbers: the quantity within the grid operator's caps and the seller's bounds,
//! caps not below their totals, and a trade window that starts before it ends. P2P trade
//! contracts only: these are the inputs that schema declares.

use deg_contracts_runtime::view::Input;
use deg_contracts_schema::energy_contract_p2p_trade_v1::views::{
    EnergyContractP2PTradeRoleView as Kinds, P2PTradeBuyerRoleInputsView as BuyerInputs,
    P2PTradeGridOperatorRoleInputsView as GridInputs, P2PTradeSellerRoleInputsView as SellerInputs,
};
use rust_decimal::Decimal;

use crate::contract::Contract;
use crate::exact;
use crate::finding::{Finding, Rule};

/// Every input these rules read, as (the role kind's names, the input), for the test that
/// the schema they apply to declares each one.
pub const READS: &[(&[&str], &str)] = &[
    (Kinds::BUYER, BuyerInputs::CONTRACTED_QUANTITY),
    (Kinds::BUYER, BuyerInputs::TRADE_START_TIME),
    (Kinds::BUYER, BuyerInputs::TRADE_END_TIME),
    (Kinds::SELLER, SellerInputs::MINIMUM_QUANTITY),
    (Kinds::SELLER, SellerInputs::MAXIMUM_QUANTITY),
    (Kinds::GRID_OPERATOR, GridInputs::BUYER_TRADE_CAP),
    (Kinds::GRID_OPERATOR, GridInputs::CURRENT_BUYER_TRADES_TOTAL),
    (Kinds::GRID_OPERATOR, GridInputs::SELLER_TRADE_CAP),
    (Kinds::GRID_OPERATOR, GridInputs::CURRENT_SELLER_TRADE_TOTAL),
];

pub fn check(contract: &Contract<'_>, out: &mut Vec<Finding>) {
    let buyer = contract.buyer().and_then(|buyer| buyer.role_inputs());
    let quantity = buyer
        .as_ref()
        .and_then(BuyerInputs::contracted_quantity)
        .and_then(|input| Some((input.decimal()?, input)));
    let grid = contract
        .grid_operator()
        .filter(|grid| grid.filled().and_then(|filled| filled.as_bool()) == Some(true))
        .and_then(|grid| grid.role_inputs());
    if let Some(grid) = &grid {
        caps(grid, quantity.as_ref(), out);
    }
    let seller = contract.seller().and_then(|seller| seller.role_inputs());
    if let (Some(seller), Some(quantity)) = (&seller, &quantity) {
        bounds(seller, quantity, out);
    }
    if let Some(buyer) = &buyer {
        window(buyer, out);
    }
}

/// A cap and the total it limits.
struct Headroom {
    room: Decimal,
    cap: &'static str,
    total: &'static str,
}

fn caps(grid: &GridInputs<'_>, quantity: Option<&(Decimal, Input<'_>)>, out: &mut Vec<Finding>) {
    let pairs = [
        (
            grid.buyer_trade_cap(),
            GridInputs::BUYER_TRADE_CAP,
            grid.current_buyer_trades_total(),
            GridInputs::CURRENT_BUYER_TRADES_TOTAL,
        ),
        (
            grid.seller_trade_cap(),
            GridInputs::SELLER_TRADE_CAP,
            grid.current_seller_trade_total(),
            GridInputs::CURRENT_SELLER_TRADE_TOTAL,
        ),
    ];
    let mut headroom = Vec::new();
    for (cap_input, cap, total_input, total) in pairs {
        let Some(cap_input) = cap_input else { continue };
        let (Some(cap_value), Some(total_value)) = (
            cap_input.decimal(),
            total_input.and_then(|input| input.decimal()),
        ) else {
            continue;
        };
        if cap_value < total_value {
            out.push(Finding::new(
                Rule::CapBelowTotal,
                cap_input.pointer(),
                format!("{cap} {cap_value} is below {total} {total_value}"),
            ));
        }
        let room = match exact::sub(cap_value, total_value) {
            Ok(room) => room,
            Err(beyond) => {
                out.push(Finding::new(
                    Rule::ArithmeticOverflow,
                    cap_input.pointer(),
                    format!("{cap} {cap_value} − {total} {total_value} {beyond}"),
                ));
                continue;
            }
        };
        headroom.push(Headroom { room, cap, total });
    }
    let (Some((quantity, at)), [_, _]) = (quantity, headroom.as_slice()) else {
        return;
    };
    let Some(tightest) = headroom.iter().min_by_key(|headroom| headroom.room) else {
        return;
    };
    if *quantity > tightest.room {
        out.push(Finding::new(
            Rule::TradeCap,
            at.pointer(),
            format!(
                "{} {quantity} exceeds the grid operator's remaining capacity {} ({} − {})",
                BuyerInputs::CONTRACTED_QUANTITY,
                tightest.room,
                tightest.cap,
                tightest.total
            ),
        ));
    }
}

fn bounds(
    seller: &SellerInputs<'_>,
    (quantity, at): &(Decimal, Input<'_>),
    out: &mut Vec<Finding>,
) {
    let quantity_name = BuyerInputs::CONTRACTED_QUANTITY;
    if let Some(minimum) = seller
        .minimum_quantity()
        .and_then(|input| input.decimal())
        .filter(|minimum| quantity < minimum)
    {
        out.push(Finding::new(
            Rule::QuantityBounds,
            at.pointer(),
            format!(
                "{quantity_name} {quantity} is below the seller's {} {minimum}",
                SellerInputs::MINIMUM_QUANTITY
            ),
        ));
    }
    if let Some(maximum) = seller
        .maximum_quantity()
        .and_then(|input| input.decimal())
        .filter(|maximum| quantity > maximum)
    {
        out.push(Finding::new(
            Rule::QuantityBounds,
            at.pointer(),
            format!(
                "{quantity_name} {quantity} is above the seller's {} {maximum}",
                SellerInputs::MAXIMUM_QUANTITY
            ),
        ));
    }
}

fn window(buyer: &BuyerInputs<'_>, out: &mut Vec<Finding>) {
    let (Some(start), Some(end_input)) = (
        buyer.trade_start_time().and_then(|input| input.date_time()),
        buyer.trade_end_time(),
    ) else {
        return;
    };
    let Some(end) = end_input.date_time() else {
        return;
    };
    if start.instant() >= end.instant() {
        out.push(Finding::new(
            Rule::TradeWindow,
            end_input.pointer(),
            format!(
                "{} {} is not after {} {}",
                BuyerInputs::TRADE_END_TIME,
                end.as_str(),
                BuyerInputs::TRADE_START_TIME,
                start.as_str()
            ),
        ));
    }
}
