//! The trade's numbers: the quantity within the grid operator's caps and the seller's bounds,
//! caps not below their totals, and a trade window that starts before it ends.

use rust_decimal::Decimal;

use crate::contract::{BUYER, Contract, GRID_OPERATOR, Role, SELLER};
use crate::finding::{Finding, Rule};
use deg_contracts_runtime::DateTime;

pub fn check(contract: &Contract<'_>, out: &mut Vec<Finding>) {
    let buyer = contract.role(BUYER);
    let quantity = buyer
        .as_ref()
        .and_then(|buyer| buyer.decimal("contractedQuantity"));
    if let Some(grid) = contract.role(GRID_OPERATOR).filter(Role::filled) {
        caps(contract, &grid, quantity, buyer.as_ref(), out);
    }
    if let (Some(seller), Some(buyer), Some(quantity)) =
        (contract.role(SELLER), buyer.as_ref(), quantity)
    {
        bounds(contract, &seller, buyer, quantity, out);
    }
    if let Some(buyer) = &buyer {
        window(contract, buyer, out);
    }
}

fn caps(
    contract: &Contract<'_>,
    grid: &Role<'_>,
    quantity: Option<Decimal>,
    buyer: Option<&Role<'_>>,
    out: &mut Vec<Finding>,
) {
    let mut headroom = Vec::new();
    for (cap, total) in [
        ("buyer_trade_cap", "current_buyer_trades_total"),
        ("seller_trade_cap", "current_seller_trade_total"),
    ] {
        let (Some(cap_value), Some(total_value)) = (grid.decimal(cap), grid.decimal(total)) else {
            continue;
        };
        if cap_value < total_value {
            out.push(Finding::new(
                Rule::CapBelowTotal,
                contract.pointer(&grid.input_pointer(cap)),
                format!("{cap} {cap_value} is below {total} {total_value}"),
            ));
        }
        headroom.push((cap_value - total_value, cap, total));
    }
    let (Some(quantity), Some(buyer), [_, _]) = (quantity, buyer, headroom.as_slice()) else {
        return;
    };
    let (room, cap, total) = headroom
        .iter()
        .min_by_key(|(room, ..)| *room)
        .copied()
        .unwrap_or_default();
    if quantity > room {
        out.push(Finding::new(
            Rule::TradeCap,
            contract.pointer(&buyer.input_pointer("contractedQuantity")),
            format!("contractedQuantity {quantity} exceeds the grid operator's remaining capacity {room} ({cap} − {total})"),
        ));
    }
}

fn bounds(
    contract: &Contract<'_>,
    seller: &Role<'_>,
    buyer: &Role<'_>,
    quantity: Decimal,
    out: &mut Vec<Finding>,
) {
    let at = contract.pointer(&buyer.input_pointer("contractedQuantity"));
    if let Some(minimum) = seller
        .decimal("minimumQuantity")
        .filter(|minimum| quantity < *minimum)
    {
        out.push(Finding::new(
            Rule::QuantityBounds,
            &at,
            format!(
                "contractedQuantity {quantity} is below the seller's minimumQuantity {minimum}"
            ),
        ));
    }
    if let Some(maximum) = seller
        .decimal("maximumQuantity")
        .filter(|maximum| quantity > *maximum)
    {
        out.push(Finding::new(
            Rule::QuantityBounds,
            &at,
            format!(
                "contractedQuantity {quantity} is above the seller's maximumQuantity {maximum}"
            ),
        ));
    }
}

fn window(contract: &Contract<'_>, buyer: &Role<'_>, out: &mut Vec<Finding>) {
    let time = |name| {
        buyer
            .input(name)?
            .as_str()
            .and_then(|text| DateTime::parse(text).ok())
    };
    let (Some(start), Some(end)) = (time("tradeStartTime"), time("tradeEndTime")) else {
        return;
    };
    if start.instant() >= end.instant() {
        out.push(Finding::new(
            Rule::TradeWindow,
            contract.pointer(&buyer.input_pointer("tradeEndTime")),
            format!(
                "tradeEndTime {} is not after tradeStartTime {}",
                end.as_str(),
                start.as_str()
            ),
        ));
    }
}
