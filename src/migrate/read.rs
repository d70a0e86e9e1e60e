//! What one legacy message says about the trade: each value it gives a role input of the new
//! contract (with where it is written), the flat wheeling charges it quotes, and its own
//! contract's status and settlement. Nothing here decides between messages; [`super::terms`]
//! does.

use deg_contracts_runtime::{DateTime, Decimal, pointer};
use deg_contracts_schema::energy_contract_p2p_trade_v1::views::{
    CertificationView, P2PTradeBuyerRoleInputsView as Buyer, P2PTradeSellerRoleInputsView as Seller,
};
use serde_json::Value;

use super::legacy::{self, contract, core, offer, resource};
use super::{Kind, Place};
use crate::beckn;
use crate::source;

/// One message of the input, parsed.
#[derive(Debug)]
pub struct Message {
    /// The input it is in.
    pub input: usize,
    /// Its first line in that input, from 0 (a log's line; 0 for a file).
    pub line: usize,
    /// The input's name, for places.
    pub name: String,
    pub text: String,
    pub value: Value,
}

impl Message {
    /// Where the value at `at` is written.
    pub fn place(&self, at: &str) -> Place {
        let position = source::locate(&self.text, at);
        Place {
            file: self.name.clone(),
            line: position.line + self.line,
            column: position.column,
            pointer: at.to_owned(),
        }
    }

    /// The string at `at`.
    pub fn str_at(&self, at: &str) -> Option<&str> {
        pointer::get(&self.value, at)?.as_str()
    }

    /// The exact source text of the value at `at`, without layout.
    pub fn raw(&self, at: &str) -> Option<String> {
        pointer::get(&self.value, at)?;
        let span = source::span(&self.text, at)?;
        Some(super::text::compact(&self.text[span]))
    }

    /// The number at `at`, exactly as written.
    pub fn decimal(&self, at: &str) -> Option<Decimal> {
        if !pointer::get(&self.value, at)?.is_number() {
            return None;
        }
        let raw = self.raw(at)?;
        Decimal::from_str_exact(&raw)
            .or_else(|_| Decimal::from_scientific(&raw))
            .ok()
    }

    pub fn action(&self) -> Option<&str> {
        self.str_at(beckn::ACTION)
    }

    pub fn transaction(&self) -> Option<&str> {
        self.str_at(beckn::TRANSACTION_ID)
    }

    pub fn time(&self) -> Option<DateTime> {
        DateTime::parse(self.str_at(beckn::TIMESTAMP)?).ok()
    }

    /// Whether its order lists catalog items: a cascade to the grid operator orders none.
    pub fn orders_items(&self) -> bool {
        pointer::get(&self.value, core::ORDER_ITEMS)
            .and_then(Value::as_array)
            .is_some_and(|items| !items.is_empty())
    }
}

/// A value one message gives a role input.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub kind: Kind,
    pub input: &'static str,
    /// The value as compact JSON, its bytes as written.
    pub json: String,
    pub from: Vec<Place>,
    /// How it was made from what the message says, when it is not copied as is.
    pub rule: Option<String>,
}

/// A flat (per-trade) wheeling charge a message quotes.
#[derive(Debug, Clone)]
pub struct Flat {
    pub amount: Decimal,
    pub currency: String,
    pub amount_at: Place,
    pub currency_at: Place,
    /// Whether the grid operator quoted it itself (its quote), not the seller's offer.
    pub by_grid: bool,
}

/// The legacy contract a message carries.
#[derive(Debug, Clone)]
pub struct LegacyContract {
    pub pointer: String,
    pub value: Value,
}

/// Everything one message says.
#[derive(Debug, Default)]
pub struct Said {
    pub proposals: Vec<Proposal>,
    pub flats: Vec<Flat>,
    pub contracts: Vec<LegacyContract>,
}

/// Reads what `message` says; `retired` is the legacy contract's `@type`.
pub fn read(message: &Message, retired: &str) -> Said {
    let mut said = Said::default();
    resources(message, &mut said);
    offers(message, &mut said);
    order(message, &mut said);
    for (at, value) in legacy::objects_of_type(&message.value, retired) {
        // One inside another is replaced with it.
        if said
            .contracts
            .iter()
            .any(|outer| inside(&at, &outer.pointer))
        {
            continue;
        }
        contract_terms(message, &at, &mut said);
        said.contracts.push(LegacyContract {
            pointer: at,
            value: value.clone(),
        });
    }
    grid_quote(message, &mut said);
    said
}

impl Said {
    /// A value copied as written at `at`, if there is one.
    fn copy(&mut self, message: &Message, kind: Kind, input: &'static str, at: &str) {
        if let Some(json) = message.raw(at) {
            self.proposals.push(Proposal {
                kind,
                input,
                json,
                from: vec![message.place(at)],
                rule: None,
            });
        }
    }
}

/// The catalog's resources: the seller's meter, source, inverter and certification.
fn resources(message: &Message, said: &mut Said) {
    for (at, _) in legacy::objects_of_type(&message.value, legacy::RESOURCE) {
        let field = |name: &str| pointer::join(&at, name);
        said.copy(
            message,
            Kind::Seller,
            Seller::SOURCE_METER_ID,
            &field(resource::METER_ID),
        );
        said.copy(
            message,
            Kind::Seller,
            Seller::SOURCE_TYPE,
            &field(resource::SOURCE_TYPE),
        );
        said.copy(
            message,
            Kind::Seller,
            Seller::INVERTER_ID,
            &field(resource::INVERTER_ID),
        );
        let status_at = field(resource::CERTIFICATION_STATUS);
        let certificates_at = format!("{at}{}", resource::CERTIFICATES);
        if let (Some(status), Some(certificates)) =
            (message.raw(&status_at), message.raw(&certificates_at))
        {
            said.proposals.push(Proposal {
                kind: Kind::Seller,
                input: Seller::CERTIFICATION,
                json: format!(
                    "{{{}:{status},{}:{certificates}}}",
                    quoted(CertificationView::STATUS),
                    quoted(CertificationView::CERTIFICATES)
                ),
                from: vec![message.place(&status_at), message.place(&certificates_at)],
                rule: Some(format!(
                    "{} from the resource's {} and {}",
                    Seller::CERTIFICATION,
                    resource::CERTIFICATION_STATUS,
                    resource::CERTIFICATES
                        .trim_start_matches('/')
                        .replace('/', ".")
                )),
            });
        }
    }
}

/// The offers' terms and prices.
fn offers(message: &Message, said: &mut Said) {
    for (at, _) in legacy::objects_of_type(&message.value, legacy::OFFER) {
        let field = |name: &str| pointer::join(&at, name);
        for (input, name) in [
            (Seller::PRICING_MODEL, offer::PRICING_MODEL),
            (Seller::SETTLEMENT_TYPE, offer::SETTLEMENT_TYPE),
            (Seller::MINIMUM_QUANTITY, offer::MINIMUM_QUANTITY),
            (Seller::MAXIMUM_QUANTITY, offer::MAXIMUM_QUANTITY),
            (Seller::VALIDITY_WINDOW, offer::VALIDITY_WINDOW),
        ] {
            said.copy(message, Kind::Seller, input, &field(name));
        }
        let amount_at = format!("{at}{}", offer::WHEELING_AMOUNT);
        let currency_at = format!("{at}{}", offer::WHEELING_CURRENCY);
        if let (Some(amount), Some(currency)) =
            (message.decimal(&amount_at), message.str_at(&currency_at))
        {
            said.flats.push(Flat {
                amount,
                currency: currency.to_owned(),
                amount_at: message.place(&amount_at),
                currency_at: message.place(&currency_at),
                by_grid: false,
            });
        }
        // The offer whose attributes these are states the price.
        if let Some(offer_at) = at.strip_suffix(&format!("/{}", beckn::OFFER_ATTRIBUTES)) {
            said.copy(
                message,
                Kind::Seller,
                Seller::PRICE_PER_KWH,
                &format!("{offer_at}{}", beckn::OFFER_PRICE),
            );
            said.copy(
                message,
                Kind::Seller,
                Seller::CURRENCY,
                &format!("{offer_at}{}", beckn::OFFER_CURRENCY),
            );
        }
    }
}

/// The order: its items' quantity and its fulfillment's stops.
fn order(message: &Message, said: &mut Said) {
    if let Some(items) = pointer::get(&message.value, core::ORDER_ITEMS).and_then(Value::as_array) {
        let quantities: Vec<(String, Decimal)> = (0..items.len())
            .filter_map(|index| {
                let at = format!("{}/{index}{}", core::ORDER_ITEMS, core::ITEM_QUANTITY);
                message.decimal(&at).map(|quantity| (at, quantity))
            })
            .collect();
        match quantities.as_slice() {
            [] => {}
            [(at, _)] => said.copy(message, Kind::Buyer, Buyer::CONTRACTED_QUANTITY, at),
            several => {
                let total: Decimal = several.iter().map(|(_, quantity)| *quantity).sum();
                said.proposals.push(Proposal {
                    kind: Kind::Buyer,
                    input: Buyer::CONTRACTED_QUANTITY,
                    json: total.to_string(),
                    from: several.iter().map(|(at, _)| message.place(at)).collect(),
                    rule: Some(format!(
                        "{} as the sum of the order items' quantities",
                        Buyer::CONTRACTED_QUANTITY
                    )),
                });
            }
        }
    }
    let Some(fulfillments) =
        pointer::get(&message.value, core::FULFILLMENTS).and_then(Value::as_array)
    else {
        return;
    };
    for (index, fulfillment) in fulfillments.iter().enumerate() {
        let Some(stops) = fulfillment.get(core::STOPS).and_then(Value::as_array) else {
            continue;
        };
        for (stop_index, stop) in stops.iter().enumerate() {
            let at = format!(
                "{}/{index}/{}/{stop_index}",
                core::FULFILLMENTS,
                core::STOPS
            );
            match stop.get(core::STOP_TYPE).and_then(Value::as_str) {
                Some(core::START) => {
                    let meter = format!("{at}{}", core::STOP_METER);
                    said.copy(message, Kind::Seller, Seller::SOURCE_METER_ID, &meter);
                }
                Some(core::END) => {
                    let meter = format!("{at}{}", core::STOP_METER);
                    said.copy(message, Kind::Buyer, Buyer::TARGET_METER_ID, &meter);
                    let from = format!("{at}{}", core::STOP_FROM);
                    said.copy(message, Kind::Buyer, Buyer::TRADE_START_TIME, &from);
                    let until = format!("{at}{}", core::STOP_UNTIL);
                    said.copy(message, Kind::Buyer, Buyer::TRADE_END_TIME, &until);
                }
                _ => {}
            }
        }
    }
}

/// The legacy contract's own terms, moved to the roles.
fn contract_terms(message: &Message, at: &str, said: &mut Said) {
    let field = |name: &str| pointer::join(at, name);
    for (kind, input, name) in [
        (
            Kind::Seller,
            Seller::SOURCE_METER_ID,
            contract::SOURCE_METER_ID,
        ),
        (Kind::Seller, Seller::SOURCE_TYPE, contract::SOURCE_TYPE),
        (Kind::Seller, Seller::INVERTER_ID, contract::INVERTER_ID),
        (Kind::Seller, Seller::CERTIFICATION, contract::CERTIFICATION),
        (
            Kind::Buyer,
            Buyer::TARGET_METER_ID,
            contract::TARGET_METER_ID,
        ),
        (
            Kind::Buyer,
            Buyer::CONTRACTED_QUANTITY,
            contract::CONTRACTED_QUANTITY,
        ),
        (
            Kind::Buyer,
            Buyer::TRADE_START_TIME,
            contract::TRADE_START_TIME,
        ),
        (Kind::Buyer, Buyer::TRADE_END_TIME, contract::TRADE_END_TIME),
    ] {
        said.copy(message, kind, input, &field(name));
    }
}

/// The grid operator's own quote, in its answer to the cascaded init: the wheeling charge
/// for the whole trade.
fn grid_quote(message: &Message, said: &mut Said) {
    let is_answer = message.action().is_some_and(beckn::is_callback);
    if !is_answer || message.orders_items() || said.contracts.is_empty() {
        return;
    }
    if let (Some(amount), Some(currency)) = (
        message.decimal(beckn::QUOTED_PRICE),
        message.str_at(beckn::QUOTED_CURRENCY),
    ) {
        said.flats.push(Flat {
            amount,
            currency: currency.to_owned(),
            amount_at: message.place(beckn::QUOTED_PRICE),
            currency_at: message.place(beckn::QUOTED_CURRENCY),
            by_grid: true,
        });
    }
}

/// Whether `pointer` lies strictly inside the value at `outer`.
pub fn inside(pointer: &str, outer: &str) -> bool {
    pointer
        .strip_prefix(outer)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// `name` as a JSON string.
pub fn quoted(name: &str) -> String {
    serde_json::to_string(name).unwrap_or_default()
}
