//! The legacy v2 P2P design as its messages spell it. No schema of ours describes it (it is
//! retired; only its `@type` survives, in `x-replaces`), so its names are written here once,
//! as `beckn.rs` writes Beckn core's, and read nowhere else.

use deg_contracts_runtime::{JSONLD_CONTEXT, JSONLD_TYPE, pointer};
use serde_json::Value;

/// The legacy catalog item's attributes: the seller's resource.
pub const RESOURCE: &str = "EnergyResource";
/// The legacy offer's attributes: the seller's terms.
pub const OFFER: &str = "EnergyTradeOffer";

/// Members of the legacy contract (`EnergyTradeContract`).
pub mod contract {
    pub const STATUS: &str = "contractStatus";
    pub const SOURCE_METER_ID: &str = "sourceMeterId";
    pub const TARGET_METER_ID: &str = "targetMeterId";
    pub const INVERTER_ID: &str = "inverterId";
    pub const CONTRACTED_QUANTITY: &str = "contractedQuantity";
    pub const TRADE_START_TIME: &str = "tradeStartTime";
    pub const TRADE_END_TIME: &str = "tradeEndTime";
    pub const SOURCE_TYPE: &str = "sourceType";
    pub const CERTIFICATION: &str = "certification";
    pub const SETTLEMENT_CYCLES: &str = "settlementCycles";
    pub const LAST_UPDATED: &str = "lastUpdated";
}

/// Members of the legacy resource (`EnergyResource`).
pub mod resource {
    pub const METER_ID: &str = "meterId";
    pub const SOURCE_TYPE: &str = "sourceType";
    pub const INVERTER_ID: &str = "inverterId";
    pub const CERTIFICATION_STATUS: &str = "certificationStatus";
    pub const CERTIFICATES: &str = "/sourceVerification/certificates";
}

/// Members of the legacy offer terms (`EnergyTradeOffer`).
pub mod offer {
    pub const PRICING_MODEL: &str = "pricingModel";
    pub const SETTLEMENT_TYPE: &str = "settlementType";
    pub const WHEELING_CHARGES: &str = "wheelingCharges";
    pub const WHEELING_AMOUNT: &str = "/wheelingCharges/amount";
    pub const WHEELING_CURRENCY: &str = "/wheelingCharges/currency";
    pub const MINIMUM_QUANTITY: &str = "minimumQuantity";
    pub const MAXIMUM_QUANTITY: &str = "maximumQuantity";
    pub const VALIDITY_WINDOW: &str = "validityWindow";
}

/// The legacy Beckn core the migration reads (the draft v2 core the examples were written in).
pub mod core {
    /// The domain every DEG message names somewhere in `context.domain`.
    pub const ENERGY_DOMAIN: &str = "energy";
    pub const DOMAIN: &str = "/context/domain";
    pub const CONTEXT: &str = "/context";
    pub const MESSAGE: &str = "/message";
    /// The order's items, each with its quantity.
    pub const ORDER_ITEMS: &str = "/message/order/beckn:items";
    pub const ITEM_QUANTITY: &str = "/quantity/count";
    pub const FULFILLMENTS: &str = "/message/order/beckn:fulfillments";
    pub const STOPS: &str = "beckn:stops";
    pub const STOP_TYPE: &str = "beckn:type";
    /// The stop the energy leaves from: the seller's meter.
    pub const START: &str = "START";
    /// The stop the energy arrives at: the buyer's meter.
    pub const END: &str = "END";
    pub const STOP_METER: &str = "/beckn:location/beckn:address";
    pub const STOP_FROM: &str = "/beckn:time/beckn:range/start";
    pub const STOP_UNTIL: &str = "/beckn:time/beckn:range/end";
    /// Where a legacy fulfillment kept its delivery.
    pub const FULFILLMENT_ATTRIBUTES: &str = "beckn:attributes";
    /// Where the current design keeps it.
    pub const DELIVERY_ATTRIBUTES: &str = "beckn:deliveryAttributes";
    /// An offer's place in a catalog.
    pub const CATALOG_OFFERS: &str = "beckn:offers";
}

/// Every object in `message` whose `@type` is `type_name`, with its pointer, in document
/// order.
pub fn objects_of_type<'a>(message: &'a Value, type_name: &str) -> Vec<(String, &'a Value)> {
    let mut found = Vec::new();
    let mut pending = vec![(String::new(), message)];
    while let Some((at, value)) = pending.pop() {
        let children: Vec<(String, &Value)> = match value {
            Value::Object(object) => {
                if has_type(value, type_name) {
                    found.push((at.clone(), value));
                }
                object
                    .iter()
                    .map(|(key, child)| {
                        let mut child_at = at.clone();
                        pointer::push(&mut child_at, key);
                        (child_at, child)
                    })
                    .collect()
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(index, child)| (format!("{at}/{index}"), child))
                .collect(),
            _ => Vec::new(),
        };
        pending.extend(children.into_iter().rev());
    }
    found
}

/// Whether `value`'s `@type` (a string or an array of strings) is `type_name`.
pub fn has_type(value: &Value, type_name: &str) -> bool {
    match value.get(JSONLD_TYPE) {
        Some(Value::String(name)) => name == type_name,
        Some(Value::Array(names)) => names.iter().any(|name| name == type_name),
        _ => false,
    }
}

/// `@context` rewritten to name `entry` (`<Name>/<version>`) in place of the legacy entry it
/// names (`…/<Name>/<version>/context.jsonld`), on the same host; `None` when it names none.
pub fn context_for(legacy: &Value, entry: &str) -> Option<String> {
    let context = legacy.get(JSONLD_CONTEXT)?.as_str()?;
    let rest = context.strip_suffix("/context.jsonld")?;
    let version_at = rest.rfind('/')?;
    let name_at = rest[..version_at].rfind('/')?;
    Some(format!("{}/{entry}/context.jsonld", &rest[..name_at]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_are_found_by_type_in_document_order() {
        let message =
            json!({"a": [{"@type": "X", "b": {"@type": ["Y", "X"]}}], "c": {"@type": "X"}});
        let found: Vec<String> = objects_of_type(&message, "X")
            .into_iter()
            .map(|(at, _)| at)
            .collect();
        assert_eq!(found, ["/a/0", "/a/0/b", "/c"]);
    }

    #[test]
    fn a_context_is_moved_to_the_new_entry_on_its_own_host() {
        let legacy =
            json!({"@context": "https://h.example/schema/EnergyTradeContract/v0.2/context.jsonld"});
        assert_eq!(
            context_for(&legacy, "EnergyContractP2PTrade/v1").as_deref(),
            Some("https://h.example/schema/EnergyContractP2PTrade/v1/context.jsonld")
        );
        assert_eq!(
            context_for(&json!({"@context": "https://h.example/x.jsonld"}), "A/v1"),
            None
        );
        assert_eq!(context_for(&json!({}), "A/v1"), None);
    }
}
