//! `deg-contracts flows`: for each contract, its roles and who filled them, who pays whom and
//! how much, the formula with its values substituted, and the largest trade the grid
//! operator's caps allow. Missing inputs
//! are named, never guessed.

use std::fmt::Write as _;

use deg_contracts_runtime::json::{self, Value};
use deg_contracts_schema::energy_contract_p2p_trade_v1::views::{
    EnergyContractP2PTradeRoleView as Kinds, EnergyContractP2PTradeView,
    P2PTradeGridOperatorRoleInputsView as GridInputs,
};
use rust_decimal::Decimal;

use crate::contract::Contract;
use crate::discover::typed_objects;
use crate::exact;
use crate::rules::flows::{flows, lookup};
use crate::schema;

/// The flows of every contract in a message's text, with every number as written.
pub fn describe_source(text: &str) -> Result<String, serde_json::Error> {
    match json::parse(text, &json::Arena::new()) {
        Ok(message) => Ok(describe_parsed(&message)),
        Err(_) => Err(json::why_not(text)),
    }
}

/// The flows of every contract in a parsed message, as text: the message's JSON text, read
/// as [`describe_source`] reads it.
pub fn describe(message: &serde_json::Value) -> Result<String, serde_json::Error> {
    describe_source(&message.to_string())
}

fn describe_parsed(message: &Value<'_>) -> String {
    let mut text = String::new();
    let mut skipped = Vec::new();
    for object in typed_objects(message, &mut skipped) {
        let Some(specs) = schema::roles(object.type_name) else {
            continue;
        };
        let contract = Contract::new(object.value, &object.pointer, object.type_name, specs);
        describe_contract(&contract, &mut text);
    }
    if text.is_empty() {
        text.push_str("no contract in this message\n");
    }
    text
}

fn describe_contract(contract: &Contract<'_>, text: &mut String) {
    let id = contract.base.contract_id();
    let id = id.as_ref().and_then(|id| id.as_str()).unwrap_or("?");
    let at = if contract.pointer.is_empty() {
        "the root"
    } else {
        contract.pointer
    };
    let _ = writeln!(
        text,
        "contract {id} ({}) at {at}",
        contract.status().unwrap_or("?")
    );
    let roles: Vec<String> = contract
        .roles()
        .map(|role| {
            match role
                .view
                .filled_by()
                .and_then(|by| by.as_str())
                .filter(|_| role.filled())
            {
                Some(by) => format!("{} filled by {by}", role.name),
                None => format!("{} open", role.name),
            }
        })
        .collect();
    if roles.is_empty() {
        let _ = writeln!(text, "  no roles");
    } else {
        let _ = writeln!(text, "  roles: {}", roles.join("; "));
    }
    let currency = contract
        .seller()
        .and_then(|seller| seller.role_inputs()?.currency()?.as_str());
    let flows = flows(contract);
    if flows.is_empty() {
        let _ = writeln!(text, "  no revenue flows");
    }
    for flow in flows {
        let payer = flow.payer().unwrap_or("?");
        let payee = flow.payee().unwrap_or("?");
        let _ = write!(text, "  {payer} → {payee}: ");
        match &*flow.parsed {
            Err(error) => {
                let _ = writeln!(
                    text,
                    "formula does not parse at column {}: {}",
                    error.column, error.message
                );
                let _ = writeln!(text, "      {}", flow.text());
            }
            Ok(expr) => {
                let values = |reference: &_| lookup(contract, reference);
                match expr.evaluate(&values) {
                    Ok(amount) => {
                        let _ = writeln!(text, "{}", money(amount, currency));
                    }
                    Err(error) => {
                        let _ = writeln!(text, "not computable: {error}");
                    }
                }
                let _ = writeln!(text, "      {}", flow.text());
                let _ = writeln!(text, "    = {}", expr.substitute(&values));
            }
        }
    }
    if let Some(p2p) = &contract.p2p {
        let _ = writeln!(text, "  max trade volume: {}", max_trade_volume(p2p));
    }
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
fn max_trade_volume(contract: &EnergyContractP2PTradeView<'_>) -> String {
    let Some(grid) = contract.grid_operator() else {
        return format!(
            "unknown: the contract lists no {} yet",
            Kinds::GRID_OPERATOR.join(" or ")
        );
    };
    let inputs = grid.role_inputs();
    let read = |input: Option<deg_contracts_runtime::view::Input<'_>>| input?.decimal();
    let terms = [
        (
            GridInputs::BUYER_TRADE_CAP,
            read(inputs.as_ref().and_then(GridInputs::buyer_trade_cap)),
        ),
        (
            GridInputs::CURRENT_BUYER_TRADES_TOTAL,
            read(
                inputs
                    .as_ref()
                    .and_then(GridInputs::current_buyer_trades_total),
            ),
        ),
        (
            GridInputs::SELLER_TRADE_CAP,
            read(inputs.as_ref().and_then(GridInputs::seller_trade_cap)),
        ),
        (
            GridInputs::CURRENT_SELLER_TRADE_TOTAL,
            read(
                inputs
                    .as_ref()
                    .and_then(GridInputs::current_seller_trade_total),
            ),
        ),
    ];
    let missing: Vec<&str> = terms
        .iter()
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        return format!(
            "unknown: missing {} {}",
            grid.role().and_then(|role| role.as_str()).unwrap_or("?"),
            missing.join(", ")
        );
    }
    let [buyer_cap, buyer_total, seller_cap, seller_total] =
        terms.map(|(_, value)| value.unwrap_or_default());
    let rooms = exact::sub(buyer_cap, buyer_total)
        .and_then(|buyer| Ok((buyer, exact::sub(seller_cap, seller_total)?)));
    let (buyer_room, seller_room) = match rooms {
        Ok(rooms) => rooms,
        Err(beyond) => return format!("unknown: a cap minus its total {beyond}"),
    };
    let volume = buyer_room.min(seller_room);
    format!(
        "{} kWh = min({} − {}, {} − {})",
        volume.normalize(),
        buyer_cap.normalize(),
        buyer_total.normalize(),
        seller_cap.normalize(),
        seller_total.normalize()
    )
}
