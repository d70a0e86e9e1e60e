//! The generated API as a Rust user meets it: role-input accessors that hide the encodings of
//! "not given", enums that print and parse, views that tolerate invalid data.

use std::str::FromStr;

use deg_contracts::schema::energy_contract_p2p_trade_v1::views::EnergyContractP2PTradeView;
use deg_contracts::schema::energy_contract_p2p_trade_v1::{
    EnergyContractP2PTrade, P2PTradeSellerRoleKind,
};
use deg_contracts::schema::energy_contract_v1::EnergyContractStatus;
use deg_contracts_runtime::view::Node;
use rust_decimal::Decimal;
use serde_json::{Value, json};

fn contract(seller_inputs: Value) -> Value {
    json!({
        "@type": EnergyContractP2PTrade::TYPE_NAME,
        "contractId": "c-1",
        "status": "PENDING",
        "createdAt": "2025-06-14T10:00:00+05:30",
        "roles": [
            {"role": "SELLER", "filled": false, "filledBy": null, "roleInputs": seller_inputs}
        ],
        "revenueFlows": {"flows": []}
    })
}

#[test]
fn role_input_accessors_hide_every_way_of_not_giving_an_input() {
    let price = |inputs: Value| {
        let value = contract(inputs);
        let parsed = EnergyContractP2PTrade::parse(&value).unwrap_or_else(|e| panic!("{e}"));
        let seller = parsed.seller().expect("a seller");
        seller
            .role_inputs
            .as_ref()
            .and_then(|inputs| inputs.price_per_kwh())
    };
    assert_eq!(
        price(json!({"pricePerKWh": 6.4})),
        Some(Decimal::new(64, 1))
    );
    assert_eq!(
        price(json!({"pricePerKWh": {"type": "NUMBER", "required": true, "value": 6.4}})),
        Some(Decimal::new(64, 1))
    );
    assert_eq!(price(json!({"pricePerKWh": null})), None);
    assert_eq!(
        price(json!({"pricePerKWh": {"type": "NUMBER", "required": true, "value": null}})),
        None
    );
    assert_eq!(price(json!({})), None);
}

#[test]
fn enums_print_and_parse_their_json_values() {
    assert_eq!(EnergyContractStatus::Active.to_string(), "ACTIVE");
    assert_eq!(
        EnergyContractStatus::from_str("COMPLETED"),
        Ok(EnergyContractStatus::Completed)
    );
    let error = EnergyContractStatus::from_str("DONE").unwrap_err();
    assert_eq!(
        error.to_string(),
        "`DONE` is not one of PENDING, ACTIVE, COMPLETED, TERMINATED"
    );
    // The role enum of a specialised role is its kind, not `…RoleRole`.
    assert_eq!(P2PTradeSellerRoleKind::VALUES, ["SELLER", "PROSUMER"]);
}

#[test]
fn views_read_invalid_objects_and_know_where_each_value_is() {
    let value = json!({
        "status": 7,
        "roles": [
            "not a role",
            {"role": "GRID_OPERATOR", "roleInputs": {"buyer_trade_cap": {"type": "NUMBER", "required": true, "value": 40}}},
            {"role": "CONSUMER", "roleInputs": {"contractedQuantity": "lots"}}
        ]
    });
    let text = value.to_string();
    let arena = deg_contracts_runtime::json::Arena::new();
    let value = deg_contracts_runtime::json::parse(&text, &arena).unwrap();
    let view: EnergyContractP2PTradeView<'_> = Node::new(&value, "/message/order").into();
    assert_eq!(view.status().and_then(|status| status.as_str()), None);
    let grid = view.grid_operator().and_then(|grid| grid.role_inputs());
    let cap = grid.and_then(|inputs| inputs.buyer_trade_cap()).unwrap();
    assert_eq!(cap.decimal(), Some(Decimal::from(40)));
    assert_eq!(
        cap.pointer(),
        "/message/order/roles/1/roleInputs/buyer_trade_cap/value"
    );
    let buyer = view.buyer().expect("CONSUMER is a buyer");
    let quantity = buyer
        .role_inputs()
        .and_then(|inputs| inputs.contracted_quantity());
    assert_eq!(quantity.and_then(|input| input.decimal()), None);
    assert!(view.seller().is_none());
}
