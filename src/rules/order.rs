//! The Beckn order and offer around a contract say what the contract says: the order's items
//! add up to the contracted quantity, its quote is what the revenue flows compute, in the
//! seller's currency, and an offer's price is the seller's price per kWh.

use deg_contracts_runtime::json::Value;
use deg_contracts_runtime::view::Node;
use deg_contracts_schema::energy_contract_p2p_trade_v1::views::{
    EnergyContractP2PTradeRoleView as Kinds, P2PTradeBuyerRoleInputsView as BuyerInputs,
    P2PTradeSellerRoleInputsView as SellerInputs,
};
use rust_decimal::Decimal;

use crate::beckn;
use crate::contract::Contract;
use crate::exact;
use crate::finding::{Finding, Rule};

/// The inputs these rules read.
pub const READS: &[(&[&str], &str)] = &[
    (Kinds::BUYER, BuyerInputs::CONTRACTED_QUANTITY),
    (Kinds::SELLER, SellerInputs::PRICE_PER_KWH),
    (Kinds::SELLER, SellerInputs::CURRENCY),
];

pub fn check(contract: &Contract<'_>, message: &Value<'_>, out: &mut Vec<Finding>) {
    if contract.p2p.is_none() {
        return;
    }
    let seller = contract.seller().and_then(|seller| seller.role_inputs());
    let currency = seller
        .as_ref()
        .and_then(|seller| seller.currency()?.as_str());
    if contract.pointer.starts_with(beckn::ORDER) {
        let quantity = contract
            .buyer()
            .and_then(|buyer| buyer.role_inputs()?.contracted_quantity()?.decimal());
        if let Some(quantity) = quantity {
            items(message, quantity, out);
        }
        quote(contract, message, currency, out);
    }
    if let Some(offer) = contract
        .pointer
        .strip_suffix(beckn::OFFER_ATTRIBUTES)
        .and_then(|offer| offer.strip_suffix('/'))
    {
        let price = seller
            .as_ref()
            .and_then(|seller| seller.price_per_kwh()?.decimal());
        offer_price(message, offer, price, currency, out);
    }
}

/// A number at `at` below `from`, read through a view so that long numbers stay exact.
fn number<'a>(from: &Node<'a>, at: &str) -> Option<(Node<'a>, Decimal)> {
    let node = from.find(at)?;
    let value = node.decimal()?;
    Some((node, value))
}

fn text<'a>(message: &'a Value<'_>, at: &str) -> Option<&'a str> {
    message.pointer(at)?.as_str()
}

/// The items' quantities add up to the contracted quantity.
fn items(message: &Value<'_>, contracted: Decimal, out: &mut Vec<Finding>) {
    let Some(items) = Node::new(message, "").find(beckn::ORDER_ITEMS) else {
        return;
    };
    let quantities: Vec<(Node<'_>, Decimal)> = items
        .items()
        .filter_map(|item| number(&item, beckn::ITEM_QUANTITY))
        .collect();
    let Some((first, _)) = quantities.first() else {
        return;
    };
    let Ok(total) = exact::sum(quantities.iter().map(|(_, quantity)| *quantity)) else {
        return;
    };
    if total != contracted {
        out.push(Finding::new(
            Rule::OrderTerms,
            first.pointer(),
            format!(
                "the order's items come to {} but the contract's {} is {}",
                total.normalize(),
                BuyerInputs::CONTRACTED_QUANTITY,
                contracted.normalize()
            ),
        ));
    }
}

/// The quote is the flows' total, in the contract's currency, once every flow can be computed.
/// A provider that fills a role other than the seller's (the grid operator, answering the
/// cascade) quotes only the flows paid to that role.
fn quote(
    contract: &Contract<'_>,
    message: &Value<'_>,
    currency: Option<&str>,
    out: &mut Vec<Finding>,
) {
    if let (Some(quoted), Some(expected)) = (text(message, beckn::QUOTED_CURRENCY), currency)
        && quoted != expected
    {
        out.push(Finding::new(
            Rule::OrderTerms,
            beckn::QUOTED_CURRENCY,
            format!("the quote is in {quoted}, the contract in {expected}"),
        ));
    }
    let Some((at, quoted)) = number(&Node::new(message, ""), beckn::QUOTED_PRICE) else {
        return;
    };
    let Ok(values) = contract.flow_values() else {
        return;
    };
    let provider = text(message, beckn::BPP_ID);
    let quoting = contract.roles().find(|role| {
        provider.is_some()
            && role.view.filled_by().and_then(|by| by.as_str()) == provider
            && !role.is_kind(Kinds::SELLER[0])
    });
    let owed: Vec<Decimal> = values
        .iter()
        .filter(|(payee, _)| match quoting {
            Some(role) => payee
                .as_deref()
                .is_some_and(|payee| contract.same_kind(payee, role.name)),
            None => true,
        })
        .map(|(_, value)| *value)
        .collect();
    let Ok(total) = exact::sum(owed.iter().copied()) else {
        return;
    };
    if owed.is_empty() || quoted == total {
        return;
    }
    let what = match quoting {
        Some(role) => format!("the revenue flows to {}", role.name),
        None => "the revenue flows' total".to_owned(),
    };
    out.push(Finding::new(
        Rule::OrderTerms,
        at.pointer(),
        format!(
            "the quote {} differs from {what}, {}",
            quoted.normalize(),
            total.normalize()
        ),
    ));
}

/// An offer's price and currency are the seller's.
fn offer_price(
    message: &Value<'_>,
    offer: &str,
    price: Option<Decimal>,
    currency: Option<&str>,
    out: &mut Vec<Finding>,
) {
    // The offer is found once; its price and currency are read below it.
    let Some(offer_node) = Node::new(message, "").find(offer) else {
        return;
    };
    if let (Some((at, offered)), Some(price)) = (number(&offer_node, beckn::OFFER_PRICE), price)
        && offered != price
    {
        out.push(Finding::new(
            Rule::OrderTerms,
            at.pointer(),
            format!(
                "the offer's price {} is not the seller's {} {}",
                offered.normalize(),
                SellerInputs::PRICE_PER_KWH,
                price.normalize()
            ),
        ));
    }
    let offered_currency = offer_node
        .find(beckn::OFFER_CURRENCY)
        .and_then(|at| at.as_str());
    if let (Some(offered), Some(expected)) = (offered_currency, currency)
        && offered != expected
    {
        out.push(Finding::new(
            Rule::OrderTerms,
            format!("{offer}{}", beckn::OFFER_CURRENCY),
            format!("the offer is priced in {offered}, the contract in {expected}"),
        ));
    }
}
