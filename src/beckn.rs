//! The Beckn core envelope the transaction checks read: where a message says who sent it,
//! what it does and which transaction it belongs to, and the order's own ids and quote. These
//! are Beckn protocol names, not DEG schema members, so no generated view carries them; they
//! are spelled here once.

/// The context: who sent the message, what it does, which transaction it belongs to.
pub const CONTEXT: &str = "/context";
/// `context.action`.
pub const ACTION: &str = "/context/action";
/// `context.transaction_id`.
pub const TRANSACTION_ID: &str = "/context/transaction_id";
/// `context.message_id`.
pub const MESSAGE_ID: &str = "/context/message_id";
/// `context.timestamp`.
pub const TIMESTAMP: &str = "/context/timestamp";
/// `context.bap_id`: the buyer-side platform of this exchange.
pub const BAP_ID: &str = "/context/bap_id";
/// `context.bpp_id`: the provider-side platform of this exchange.
pub const BPP_ID: &str = "/context/bpp_id";
/// The order's id.
pub const ORDER_ID: &str = "/message/order/beckn:id";
/// The order's fulfillment id.
pub const FULFILLMENT_ID: &str = "/message/order/beckn:fulfillment/beckn:id";
/// The price the provider quotes for the order.
pub const QUOTED_PRICE: &str = "/message/order/beckn:quote/beckn:price/schema:price";

/// The price's currency in the quote.
pub const QUOTED_CURRENCY: &str = "/message/order/beckn:quote/beckn:price/schema:priceCurrency";
/// The order.
pub const ORDER: &str = "/message/order";
/// The order's items.
pub const ORDER_ITEMS: &str = "/message/order/beckn:orderItems";
/// Where an order item says how much, from the item.
pub const ITEM_QUANTITY: &str = "/beckn:quantity/unitQuantity";
/// The member of an offer that carries its contract.
pub const OFFER_ATTRIBUTES: &str = "beckn:offerAttributes";
/// Where an offer states its unit price, from the offer.
pub const OFFER_PRICE: &str = "/beckn:price/schema:price";
/// Where an offer states its price's currency, from the offer.
pub const OFFER_CURRENCY: &str = "/beckn:price/schema:priceCurrency";

/// The prefix that makes an action a callback (`on_init` answers `init`).
const CALLBACK: &str = "on_";

/// Whether `action` answers a request.
pub fn is_callback(action: &str) -> bool {
    action.starts_with(CALLBACK)
}

/// The request a callback answers, or the action itself.
pub fn request_of(action: &str) -> &str {
    action.strip_prefix(CALLBACK).unwrap_or(action)
}

/// Where an action stands in a trade's lifecycle: discovery, negotiation, confirmation,
/// then everything after it (status, update, cancel, ...), which may interleave.
pub fn stage(action: &str) -> Stage {
    match request_of(action) {
        "discover" => Stage::Discover,
        "select" => Stage::Select,
        "init" => Stage::Init,
        "confirm" => Stage::Confirm,
        _ => Stage::Fulfil,
    }
}

/// A lifecycle stage, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Discover,
    Select,
    Init,
    Confirm,
    Fulfil,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks_answer_their_request_and_stages_are_ordered() {
        assert!(is_callback("on_init") && !is_callback("init"));
        assert_eq!(request_of("on_confirm"), "confirm");
        assert_eq!(request_of("status"), "status");
        assert!(stage("on_select") < stage("init"));
        assert!(stage("confirm") < stage("on_status"));
        assert_eq!(stage("on_cancel"), Stage::Fulfil);
    }
}
