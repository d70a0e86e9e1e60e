//! `deg-contracts flows`: for each contract, who pays whom and how much, the formula with its
//! values substituted, and the largest trade the grid operator's caps allow. Missing inputs
//! are named, never guessed.

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::contract::{Contract, GRID_OPERATOR, SELLER};
use crate::discover::typed_objects;
use crate::rules::flows::{flows, lookup};
use crate::schema;

/// The flows of every contract in a message, as text.
pub fn describe(message: &Value) -> String {
    let mut text = String::new();
    let mut skipped = Vec::new();
    for object in typed_objects(message, &mut skipped) {
        let Some(specs) = schema::roles(object.type_name) else {
            continue;
        };
        let contract = Contract {
            value: object.value,
            pointer: &object.pointer,
            specs,
        };
        describe_contract(&contract, &mut text);
    }
    if text.is_empty() {
        text.push_str("no contract in this message\n");
    }
    text
}

fn describe_contract(contract: &Contract<'_>, text: &mut String) {
    let field = |name: &str| {
        contract
            .value
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or("?")
    };
    let at = if contract.pointer.is_empty() {
        "the root"
    } else {
        contract.pointer
    };
    let _ = writeln!(
        text,
        "contract {} ({}) at {at}",
        field("contractId"),
        field("status")
    );
    let currency = contract
        .role(SELLER)
        .and_then(|seller| seller.input("currency")?.as_str().map(str::to_owned));
    let flows = flows(contract);
    if flows.is_empty() {
        let _ = writeln!(text, "  no revenue flows");
    }
    for flow in flows {
        let payer = flow.from.unwrap_or("?");
        let payee = flow.to.unwrap_or("?");
        let _ = write!(text, "  {payer} → {payee}: ");
        match &flow.parsed {
            Err(error) => {
                let _ = writeln!(
                    text,
                    "formula does not parse at column {}: {}",
                    error.column, error.message
                );
                let _ = writeln!(text, "      {}", flow.formula);
            }
            Ok(expr) => {
                let values = |reference: &_| lookup(contract, reference);
                match expr.evaluate(&values) {
                    Ok(amount) => {
                        let _ = writeln!(text, "{}", money(amount, currency.as_deref()));
                    }
                    Err(error) => {
                        let _ = writeln!(text, "not computable: {error}");
                    }
                }
                let _ = writeln!(text, "      {}", flow.formula);
                let _ = writeln!(text, "    = {}", expr.substitute(&values));
            }
        }
    }
    let _ = writeln!(text, "  max trade volume: {}", max_trade_volume(contract));
}

/// An amount in its currency's minor units when that loses nothing, such as `80.00 INR`.
fn money(amount: Decimal, currency: Option<&str>) -> String {
    let Some(code) = currency else {
        return amount.normalize().to_string();
    };
    let places = iso_currency::Currency::from_code(code).and_then(|currency| currency.exponent());
    let shown = match places {
        Some(places) if amount.round_dp(u32::from(places)) == amount => {
            let mut rounded = amount.normalize();
            rounded.rescale(u32::from(places));
            rounded
        }
        _ => amount.normalize(),
    };
    format!("{shown} {code}")
}

/// min(buyer_trade_cap − current_buyer_trades_total, seller_trade_cap − current_seller_trade_total).
fn max_trade_volume(contract: &Contract<'_>) -> String {
    let Some(grid) = contract.role(GRID_OPERATOR) else {
        return "unknown: the contract lists no GRID_OPERATOR yet".to_owned();
    };
    let names = [
        "buyer_trade_cap",
        "current_buyer_trades_total",
        "seller_trade_cap",
        "current_seller_trade_total",
    ];
    let values: Vec<Option<Decimal>> = names.iter().map(|name| grid.decimal(name)).collect();
    let missing: Vec<&str> = names
        .iter()
        .zip(&values)
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        return format!("unknown: missing GRID_OPERATOR {}", missing.join(", "));
    }
    let [buyer_cap, buyer_total, seller_cap, seller_total] =
        [values[0], values[1], values[2], values[3]].map(Option::unwrap_or_default);
    let volume = (buyer_cap - buyer_total).min(seller_cap - seller_total);
    format!(
        "{} kWh = min({} − {}, {} − {})",
        volume.normalize(),
        buyer_cap.normalize(),
        buyer_total.normalize(),
        seller_cap.normalize(),
        seller_total.normalize()
    )
}
