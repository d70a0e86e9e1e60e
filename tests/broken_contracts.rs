//! One change at a time to a valid contract or delivery, and exactly the error it must cause:
//! its kind and its instance path. Then the valid edge cases that must not be rejected.

mod common;

use common::{objects_of_type, read_json, role_first, root};
use deg_contracts::schema::energy_contract_p2p_trade_v1::EnergyContractP2PTrade;
use deg_contracts::schema::energy_trade_delivery_v1::EnergyTradeDelivery;
use serde_json::{Value, json};

fn example_object(step_file: &str, type_name: &str) -> Value {
    let message = read_json(&root().join("schema/examples/p2p_trading").join(step_file));
    objects_of_type(&message, type_name).remove(0).1.clone()
}

/// The ACTIVE contract: every role filled.
fn active() -> Value {
    example_object(
        "10_on_confirm/on-confirm-p2p-trade.json",
        "EnergyContractP2PTrade",
    )
}

fn completed_delivery() -> Value {
    example_object(
        "13_on_status_completed/on-status-completed.json",
        "EnergyTradeDelivery",
    )
}

type Validator = fn(&Value) -> Result<(), deg_contracts::schema::ValidationErrors>;

/// (kind, instance path) of every error, sorted.
fn findings(validate: Validator, value: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = match validate(value) {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .iter()
            .map(|e| (e.kind.code().to_owned(), e.instance_path.clone()))
            .collect(),
    };
    found.sort();
    found
}

/// The value at `pointer`; a missing last member of an object is added as null first.
fn at<'a>(value: &'a mut Value, pointer: &str) -> &'a mut Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    if value.pointer(pointer).is_none() {
        let parent = value
            .pointer_mut(parent)
            .unwrap_or_else(|| panic!("no {parent} in the base"));
        parent
            .as_object_mut()
            .unwrap_or_else(|| panic!("{pointer}: parent is no object"))
            .insert(key.to_owned(), Value::Null);
    }
    value.pointer_mut(pointer).unwrap()
}

fn remove(value: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = value.pointer_mut(parent).and_then(Value::as_object_mut);
    parent
        .and_then(|object| object.remove(key))
        .unwrap_or_else(|| panic!("no {pointer}"));
}

struct Case {
    name: &'static str,
    change: fn(&mut Value),
    expected: &'static [(&'static str, &'static str)],
}

const SELLER_REQUIRED: &[(&str, &str)] = &[
    ("missing-role-input", "/roles/0/roleInputs"),
    ("missing-role-input", "/roles/0/roleInputs"),
    ("missing-role-input", "/roles/0/roleInputs"),
    ("missing-role-input", "/roles/0/roleInputs"),
];

const CONTRACT_CASES: &[Case] = &[
    Case {
        name: "contractId removed",
        change: |v| remove(v, "/contractId"),
        expected: &[("required", "")],
    },
    Case {
        name: "contractId a number",
        change: |v| *at(v, "/contractId") = json!(42),
        expected: &[("type", "/contractId")],
    },
    Case {
        name: "contractId empty",
        change: |v| *at(v, "/contractId") = json!(""),
        expected: &[("min-length", "/contractId")],
    },
    Case {
        name: "status unknown",
        change: |v| *at(v, "/status") = json!("DRAFT"),
        expected: &[("enum", "/status")],
    },
    Case {
        name: "createdAt with a space",
        change: |v| *at(v, "/createdAt") = json!("2025-06-14 08:45:00+05:30"),
        expected: &[("format", "/createdAt")],
    },
    Case {
        name: "createdAt without offset",
        change: |v| *at(v, "/createdAt") = json!("2025-06-14T08:45:00"),
        expected: &[("format", "/createdAt")],
    },
    Case {
        name: "roles empty",
        change: |v| *at(v, "/roles") = json!([]),
        expected: &[("min-items", "/roles")],
    },
    Case {
        name: "roles an object",
        change: |v| *at(v, "/roles") = json!({}),
        expected: &[("type", "/roles")],
    },
    Case {
        name: "unknown contract property",
        change: |v| v["price"] = json!(1),
        expected: &[("unknown-property", "/price")],
    },
    Case {
        name: "@type names the base",
        change: |v| v["@type"] = json!("EnergyContract"),
        expected: &[("jsonld-type", "/@type")],
    },
    Case {
        name: "@type a number",
        change: |v| v["@type"] = json!(5),
        expected: &[("type", "/@type")],
    },
    Case {
        name: "@type array without the name",
        change: |v| v["@type"] = json!(["beckn:Contract"]),
        expected: &[("jsonld-type", "/@type")],
    },
    Case {
        name: "flow from an unknown role",
        change: |v| *at(v, "/revenueFlows/flows/0/from") = json!("BANK"),
        expected: &[("enum", "/revenueFlows/flows/0/from")],
    },
    Case {
        name: "flow without formula",
        change: |v| remove(v, "/revenueFlows/flows/0/formula"),
        expected: &[("required", "/revenueFlows/flows/0")],
    },
    Case {
        name: "flow formula empty",
        change: |v| *at(v, "/revenueFlows/flows/1/formula") = json!(""),
        expected: &[("min-length", "/revenueFlows/flows/1/formula")],
    },
    Case {
        name: "netZero a string",
        change: |v| *at(v, "/revenueFlows/netZero") = json!("yes"),
        expected: &[("type", "/revenueFlows/netZero")],
    },
    Case {
        name: "unknown revenueFlows property",
        change: |v| *at(v, "/revenueFlows/total") = json!(3),
        expected: &[("unknown-property", "/revenueFlows/total")],
    },
    Case {
        name: "inputParameters an array",
        change: |v| *at(v, "/inputParameters") = json!([]),
        expected: &[("type", "/inputParameters")],
    },
    Case {
        name: "telemetry source without type",
        change: |v| v["telemetrySources"] = json!([{ "sourceId": "m" }]),
        expected: &[("required", "/telemetrySources/0")],
    },
    Case {
        name: "signal endpoint not a URI",
        change: |v| v["inputSignals"] = json!([{ "signalId": "p", "signalType": "PRICE", "source": { "endpoint": "not a uri" } }]),
        expected: &[("format", "/inputSignals/0/source/endpoint")],
    },
    Case {
        name: "filled seller without price",
        change: |v| remove(v, "/roles/0/roleInputs/pricePerKWh"),
        expected: &[("missing-role-input", "/roles/0/roleInputs")],
    },
    Case {
        name: "filled seller price null",
        change: |v| *at(v, "/roles/0/roleInputs/pricePerKWh") = Value::Null,
        expected: &[("missing-role-input", "/roles/0/roleInputs")],
    },
    Case {
        name: "filled seller verbose price with null value",
        change: |v| {
            *at(v, "/roles/0/roleInputs/pricePerKWh") =
                json!({ "type": "NUMBER", "required": true, "value": null })
        },
        expected: &[("missing-role-input", "/roles/0/roleInputs")],
    },
    Case {
        name: "price a string",
        change: |v| *at(v, "/roles/0/roleInputs/pricePerKWh") = json!("6.4"),
        expected: &[("role-input-value", "/roles/0/roleInputs/pricePerKWh")],
    },
    Case {
        name: "verbose price states STRING",
        change: |v| {
            *at(v, "/roles/0/roleInputs/pricePerKWh") =
                json!({ "type": "STRING", "required": true, "value": 6.4 })
        },
        expected: &[(
            "role-input-type-mismatch",
            "/roles/0/roleInputs/pricePerKWh/type",
        )],
    },
    Case {
        name: "verbose price value a string",
        change: |v| {
            *at(v, "/roles/0/roleInputs/pricePerKWh") =
                json!({ "type": "NUMBER", "required": true, "value": "abc" })
        },
        expected: &[("role-input-value", "/roles/0/roleInputs/pricePerKWh/value")],
    },
    Case {
        name: "verbose price with an extra member",
        change: |v| {
            *at(v, "/roles/0/roleInputs/pricePerKWh") =
                json!({ "type": "NUMBER", "required": true, "value": 6.4, "unit": "INR" })
        },
        expected: &[("unknown-property", "/roles/0/roleInputs/pricePerKWh/unit")],
    },
    Case {
        name: "misspelled verbose type is not verbose",
        change: |v| {
            *at(v, "/roles/1/roleInputs/tradeStartTime") =
                json!({ "type": "DATETIME", "required": true, "value": "2025-06-14T10:00:00Z" })
        },
        expected: &[("role-input-value", "/roles/1/roleInputs/tradeStartTime")],
    },
    Case {
        name: "seller sets the wheeling charge",
        change: |v| *at(v, "/roles/0/roleInputs/wheelingCharges") = json!(0.8),
        expected: &[("unknown-property", "/roles/0/roleInputs/wheelingCharges")],
    },
    Case {
        name: "role without filled",
        change: |v| remove(v, "/roles/0/filled"),
        expected: &[("required", "/roles/0")],
    },
    Case {
        name: "filled a string",
        change: |v| *at(v, "/roles/0/filled") = json!("yes"),
        expected: &[("type", "/roles/0/filled")],
    },
    Case {
        name: "filledBy a number",
        change: |v| *at(v, "/roles/0/filledBy") = json!(7),
        expected: &[("type", "/roles/0/filledBy")],
    },
    Case {
        name: "unknown role property",
        change: |v| *at(v, "/roles/0/rating") = json!(5),
        expected: &[("unknown-property", "/roles/0/rating")],
    },
    Case {
        name: "filled seller without roleInputs",
        change: |v| remove(v, "/roles/0/roleInputs"),
        expected: &[
            ("missing-role-input", "/roles/0"),
            ("missing-role-input", "/roles/0"),
            ("missing-role-input", "/roles/0"),
            ("missing-role-input", "/roles/0"),
        ],
    },
    Case {
        name: "filled seller with empty roleInputs",
        change: |v| *at(v, "/roles/0/roleInputs") = json!({}),
        expected: SELLER_REQUIRED,
    },
    Case {
        name: "trade start not a date-time",
        change: |v| *at(v, "/roles/1/roleInputs/tradeStartTime") = json!("tomorrow"),
        expected: &[("format", "/roles/1/roleInputs/tradeStartTime")],
    },
    Case {
        name: "trade end a number",
        change: |v| *at(v, "/roles/1/roleInputs/tradeEndTime") = json!(1718000000),
        expected: &[("role-input-value", "/roles/1/roleInputs/tradeEndTime")],
    },
    Case {
        name: "quantity a boolean",
        change: |v| *at(v, "/roles/1/roleInputs/contractedQuantity") = json!(true),
        expected: &[("role-input-value", "/roles/1/roleInputs/contractedQuantity")],
    },
    Case {
        name: "preferred certification a string",
        change: |v| *at(v, "/roles/1/roleInputs/preferredCertification") = json!("green"),
        expected: &[(
            "role-input-value",
            "/roles/1/roleInputs/preferredCertification",
        )],
    },
    Case {
        name: "grid operator without a cap",
        change: |v| remove(v, "/roles/2/roleInputs/buyer_trade_cap"),
        expected: &[("missing-role-input", "/roles/2/roleInputs")],
    },
    Case {
        name: "grid operator cap a string",
        change: |v| *at(v, "/roles/2/roleInputs/seller_trade_cap") = json!("60"),
        expected: &[("role-input-value", "/roles/2/roleInputs/seller_trade_cap")],
    },
    Case {
        name: "PROSUMER follows the seller rules",
        change: |v| {
            *at(v, "/roles/0/role") = json!("PROSUMER");
            remove(v, "/roles/0/roleInputs/sourceMeterId");
        },
        expected: &[("missing-role-input", "/roles/0/roleInputs")],
    },
    Case {
        name: "CONSUMER follows the buyer rules",
        change: |v| *at(v, "/roles/1/roleInputs/contractedQuantity") = json!("12.5"),
        expected: &[("role-input-value", "/roles/1/roleInputs/contractedQuantity")],
    },
    Case {
        name: "unknown role name",
        change: |v| *at(v, "/roles/0/role") = json!("BANKER"),
        expected: &[("enum", "/roles/0/role")],
    },
    Case {
        name: "role name missing",
        change: |v| remove(v, "/roles/0/role"),
        expected: &[("required", "/roles/0")],
    },
    Case {
        name: "generic role with an unknown property",
        change: |v| {
            at(v, "/roles")
                .as_array_mut()
                .unwrap()
                .push(json!({ "role": "AGGREGATOR", "filled": false, "share": 1 }))
        },
        expected: &[("unknown-property", "/roles/3/share")],
    },
    Case {
        name: "role inputs of the wrong role",
        change: |v| *at(v, "/roles/1/roleInputs/pricePerKWh") = json!(6.4),
        expected: &[("unknown-property", "/roles/1/roleInputs/pricePerKWh")],
    },
];

const DELIVERY_CASES: &[Case] = &[
    Case {
        name: "negative delivered quantity",
        change: |v| *at(v, "/deliveredQuantity") = json!(-1),
        expected: &[("minimum", "/deliveredQuantity")],
    },
    Case {
        name: "delivery status unknown",
        change: |v| *at(v, "/deliveryStatus") = json!("DONE"),
        expected: &[("enum", "/deliveryStatus")],
    },
    Case {
        name: "delivery end not a date-time",
        change: |v| *at(v, "/deliveryEndTime") = json!("later"),
        expected: &[("format", "/deliveryEndTime")],
    },
    Case {
        name: "meter reading without timestamp",
        change: |v| remove(v, "/meterReadings/0/timestamp"),
        expected: &[("required", "/meterReadings/0")],
    },
    Case {
        name: "telemetry metric unknown",
        change: |v| *at(v, "/telemetry/0/metrics/0/name") = json!("HEAT"),
        expected: &[("enum", "/telemetry/0/metrics/0/name")],
    },
    Case {
        name: "breakdown with an unknown part",
        change: |v| *at(v, "/settlementCycles/0/breakdown/tax") = json!(1),
        expected: &[("unknown-property", "/settlementCycles/0/breakdown/tax")],
    },
    Case {
        name: "negative settlement amount",
        change: |v| *at(v, "/settlementCycles/0/amount") = json!(-5),
        expected: &[("minimum", "/settlementCycles/0/amount")],
    },
    Case {
        name: "delivery @type of another schema",
        change: |v| v["@type"] = json!("EnergyContract"),
        expected: &[("jsonld-type", "/@type")],
    },
];

/// The entry points of one generated type.
struct Api {
    validate: Validator,
    type_name: &'static str,
    is_valid: fn(&Value) -> bool,
    verdict: fn(&[u8]) -> bool,
}

const CONTRACT_API: Api = Api {
    type_name: EnergyContractP2PTrade::TYPE_NAME,
    validate: EnergyContractP2PTrade::validate,
    is_valid: EnergyContractP2PTrade::is_valid,
    verdict: EnergyContractP2PTrade::verdict,
};

const DELIVERY_API: Api = Api {
    type_name: EnergyTradeDelivery::TYPE_NAME,
    validate: EnergyTradeDelivery::validate,
    is_valid: EnergyTradeDelivery::is_valid,
    verdict: EnergyTradeDelivery::verdict,
};

fn run(cases: &[Case], base: fn() -> Value, api: &Api) -> usize {
    let Api {
        type_name,
        validate,
        is_valid,
        verdict,
    } = *api;
    let mut failures = Vec::new();
    for case in cases {
        let mut value = base();
        (case.change)(&mut value);
        let mut expected: Vec<(String, String)> = case
            .expected
            .iter()
            .map(|(k, p)| ((*k).to_owned(), (*p).to_owned()))
            .collect();
        expected.sort();
        let actual = findings(validate, &value);
        if common::interpreted_validate(type_name, &value) != validate(&value) {
            failures.push(format!(
                "{}: the run-time interpreter's errors differ from the compiled ones",
                case.name
            ));
        }
        if actual != expected {
            failures.push(format!(
                "{}: expected {expected:?}, got {actual:?}",
                case.name
            ));
        }
        if is_valid(&value) {
            failures.push(format!("{}: is_valid says valid", case.name));
        }
        for bytes in [
            serde_json::to_vec(&value).unwrap(),
            role_first(&value).into_bytes(),
        ] {
            if verdict(&bytes) {
                failures.push(format!("{}: the streaming verdict says valid", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    cases.len()
}

#[test]
fn each_broken_contract_reports_exactly_its_error() {
    let mut base = active();
    *at(&mut base, "/roles/1/role") = json!("CONSUMER");
    let consumer_case = CONTRACT_CASES
        .iter()
        .find(|c| c.name == "CONSUMER follows the buyer rules")
        .unwrap();
    let mut value = base.clone();
    (consumer_case.change)(&mut value);
    assert_eq!(
        findings(EnergyContractP2PTrade::validate, &value),
        [(
            "role-input-value".to_owned(),
            "/roles/1/roleInputs/contractedQuantity".to_owned()
        )]
    );
    let count = run(CONTRACT_CASES, active, &CONTRACT_API)
        + run(DELIVERY_CASES, completed_delivery, &DELIVERY_API);
    assert!(count >= 40, "{count} broken inputs");
}

#[test]
fn errors_carry_the_schema_location_and_a_message_without_the_path() {
    let mut value = active();
    remove(&mut value, "/roles/0/roleInputs/currency");
    let errors = EnergyContractP2PTrade::validate(&value).unwrap_err();
    let error = errors.iter().next().unwrap();
    assert_eq!(
        error.schema_location,
        "EnergyContractP2PTrade/v1/attributes.yaml#/components/schemas/P2PTradeSellerRole/allOf/1/properties/roleInputs/required"
    );
    assert_eq!(
        error.kind.to_string(),
        "filled role must provide input `currency`"
    );
    assert_eq!(
        error.to_string(),
        "/roles/0/roleInputs: filled role must provide input `currency`"
    );

    let mut value = active();
    *at(&mut value, "/roles/0/rating") = json!(5);
    let errors = EnergyContractP2PTrade::validate(&value).unwrap_err();
    assert_eq!(
        errors.0[0].schema_location,
        "EnergyContract/v1/attributes.yaml#/components/schemas/ContractRole/additionalProperties"
    );

    let mut value = active();
    *at(&mut value, "/status") = json!("DRAFT");
    let errors = EnergyContractP2PTrade::validate(&value).unwrap_err();
    let error = errors.iter().next().unwrap();
    assert_eq!(
        error.schema_location,
        "EnergyContract/v1/attributes.yaml#/components/schemas/EnergyContract/properties/status/enum"
    );
    assert_eq!(
        error.kind.to_string(),
        "`DRAFT` is not one of PENDING, ACTIVE, COMPLETED, TERMINATED"
    );
}

#[test]
fn every_error_in_a_contract_is_reported_not_only_the_first() {
    let mut value = active();
    *at(&mut value, "/status") = json!("DRAFT");
    *at(&mut value, "/roles/0/roleInputs/pricePerKWh") = json!("high");
    remove(&mut value, "/roles/2/roleInputs/wheelingCharges");
    assert_eq!(
        findings(EnergyContractP2PTrade::validate, &value),
        [
            ("enum".to_owned(), "/status".to_owned()),
            (
                "missing-role-input".to_owned(),
                "/roles/2/roleInputs".to_owned()
            ),
            (
                "role-input-value".to_owned(),
                "/roles/0/roleInputs/pricePerKWh".to_owned()
            ),
        ]
    );
}

#[test]
fn pointer_segments_are_escaped() {
    let mut value = active();
    value["a/b~c"] = json!(1);
    assert_eq!(
        findings(EnergyContractP2PTrade::validate, &value),
        [("unknown-property".to_owned(), "/a~1b~0c".to_owned())]
    );
}

fn assert_valid(name: &str, value: &Value) {
    if let Err(errors) = EnergyContractP2PTrade::validate(value) {
        panic!("{name}:\n{errors}");
    }
    assert!(EnergyContractP2PTrade::is_valid(value), "{name}");
    assert!(
        EnergyContractP2PTrade::verdict(&serde_json::to_vec(value).unwrap()),
        "{name}: buffered verdict"
    );
    assert!(
        EnergyContractP2PTrade::verdict(role_first(value).as_bytes()),
        "{name}: streaming verdict"
    );
    let typed = EnergyContractP2PTrade::parse(value).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        &serde_json::to_value(typed).unwrap(),
        value,
        "{name}: round trip"
    );
}

#[test]
fn valid_edge_cases_pass() {
    let mut verbose = active();
    for (role, name, declared) in [
        (0, "sourceMeterId", "STRING"),
        (0, "pricePerKWh", "NUMBER"),
        (0, "validityWindow", "OBJECT"),
        (1, "tradeStartTime", "DATE_TIME"),
        (1, "contractedQuantity", "NUMBER"),
        (2, "wheelingCharges", "NUMBER"),
    ] {
        let slot = at(&mut verbose, &format!("/roles/{role}/roleInputs/{name}"));
        *slot = json!({ "type": declared, "required": true, "description": "given in verbose form", "value": slot.clone() });
    }
    assert_valid("verbose form", &verbose);

    let mut open = active();
    *at(&mut open, "/status") = json!("PENDING");
    *at(&mut open, "/roles/2") =
        json!({ "role": "GRID_OPERATOR", "filledBy": null, "filled": false, "roleInputs": {} });
    assert_valid("unfilled role with empty inputs", &open);
    *at(&mut open, "/roles/2/roleInputs") =
        json!({ "wheelingCharges": null, "buyer_trade_cap": 40 });
    assert_valid("unfilled role with null and some inputs", &open);
    remove(&mut open, "/roles/2/roleInputs");
    assert_valid("unfilled role without inputs", &open);

    let mut renamed = active();
    *at(&mut renamed, "/roles/0/role") = json!("PROSUMER");
    *at(&mut renamed, "/roles/1/role") = json!("CONSUMER");
    assert_valid("PROSUMER and CONSUMER", &renamed);

    let mut extra = active();
    at(&mut extra, "/roles")
        .as_array_mut()
        .unwrap()
        .push(json!({
            "role": "MARKET_CLEARING_AGENT",
            "filledBy": "bpp.clearing.example",
            "filled": true,
            "roleInputs": { "clearingPrice": 6.1, "anything": { "goes": true } }
        }));
    assert_valid("an extra MARKET_CLEARING_AGENT role", &extra);

    let mut offsets = active();
    *at(&mut offsets, "/roles/1/roleInputs/tradeStartTime") = json!("2025-06-14T04:30:00Z");
    *at(&mut offsets, "/roles/1/roleInputs/tradeEndTime") = json!("2025-06-14T16:00:00.250+05:30");
    *at(&mut offsets, "/createdAt") = json!("2025-06-13T23:15:00-08:00");
    assert_valid("mixed offsets and fractions", &offsets);

    let mut typed_array = active();
    typed_array["@type"] = json!(["beckn:Contract", "EnergyContractP2PTrade"]);
    assert_valid("@type as an array", &typed_array);
}

#[test]
fn the_streaming_verdict_buffers_roles_whose_discriminator_comes_late() {
    let mut value = active();
    // serde_json keeps keys sorted here, so `filled` and `filledBy` come before `role`.
    let late: Vec<u8> = serde_json::to_vec(&value).unwrap();
    let text = String::from_utf8(late).unwrap();
    assert!(text.find("\"filled\"").unwrap() < text.find("\"role\"").unwrap());
    assert!(EnergyContractP2PTrade::verdict(text.as_bytes()));
    remove(&mut value, "/roles/0/roleInputs/pricePerKWh");
    assert!(!EnergyContractP2PTrade::verdict(
        &serde_json::to_vec(&value).unwrap()
    ));
}

#[test]
fn the_streaming_verdict_rejects_what_is_not_one_json_value() {
    let bytes = serde_json::to_vec(&active()).unwrap();
    assert!(EnergyContractP2PTrade::verdict(&bytes));
    let mut trailing = bytes.clone();
    trailing.extend_from_slice(b" {}");
    assert!(!EnergyContractP2PTrade::verdict(&trailing));
    assert!(!EnergyContractP2PTrade::verdict(&bytes[..bytes.len() - 1]));
    assert!(!EnergyContractP2PTrade::verdict(b"[]"));
    let deep = format!("{{\"roles\": {}{}}}", "[".repeat(5000), "]".repeat(5000));
    assert!(!EnergyContractP2PTrade::verdict(deep.as_bytes()));
}
