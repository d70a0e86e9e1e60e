//! Our schema files and example transaction: well-formed, resolvable, valid against the
//! generated validators, and in agreement with the seed plan's rules.

mod common;

use std::collections::BTreeMap;
use std::str::FromStr;

use common::{example_files, objects_of_type, read_json, root};
use deg_contracts::schema::energy_contract_p2p_trade_v1::EnergyContractP2PTrade;
use deg_contracts::schema::energy_trade_delivery_v1::EnergyTradeDelivery;
use rust_decimal::Decimal;
use serde_json::Value;

/// The seed's thirteen steps, and the cascaded confirm and its answer between the seller's
/// platform and the grid operator (`09a`, `09b`), which the seed's plan implies.
const STEPS: [&str; 15] = [
    "01_discover",
    "02_on_discover",
    "03_select",
    "04_on_select",
    "05_init",
    "06_on_init",
    "07_cascaded_init",
    "08_cascaded_on_init",
    "09_confirm",
    "09a_cascaded_confirm",
    "09b_cascaded_on_confirm",
    "10_on_confirm",
    "11_status",
    "12_on_status",
    "13_on_status_completed",
];

/// The example messages, one per step, in step order.
fn steps() -> Vec<(String, Value)> {
    let files = example_files();
    assert_eq!(files.len(), STEPS.len(), "one message per step: {files:?}");
    files
        .iter()
        .zip(STEPS)
        .map(|(path, step)| {
            let folder = path
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy();
            assert_eq!(folder, step, "{}", path.display());
            (step.to_owned(), read_json(path))
        })
        .collect()
}

fn contract(message: &Value) -> Option<Value> {
    let mut found = objects_of_type(message, "EnergyContractP2PTrade");
    assert!(found.len() <= 1, "at most one contract per message");
    found.pop().map(|(_, value)| value)
}

fn delivery(message: &Value) -> Option<Value> {
    objects_of_type(message, "EnergyTradeDelivery")
        .into_iter()
        .next()
        .map(|(_, value)| value)
}

/// The text of a step's object of `type_name`, exactly as the example file writes it.
fn as_written(step: &str, type_name: &str) -> String {
    let file = example_files()
        .into_iter()
        .find(|file| file.parent().unwrap().ends_with(step))
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let message: Value = serde_json::from_str(&text).unwrap();
    let (pointer, _) = objects_of_type(&message, type_name).remove(0);
    let range = deg_contracts::source::span(&text, &pointer).unwrap();
    text[range].to_owned()
}

fn role<'a>(contract: &'a Value, name: &str) -> Option<&'a Value> {
    contract["roles"]
        .as_array()?
        .iter()
        .find(|role| role["role"] == name)
}

/// A role input's value, in either form.
fn input<'a>(contract: &'a Value, role_name: &str, input: &str) -> Option<&'a Value> {
    let value = role(contract, role_name)?.get("roleInputs")?.get(input)?;
    let value = match value.get("required") {
        Some(Value::Bool(_)) if value.get("type").is_some_and(Value::is_string) => {
            value.get("value")?
        }
        _ => value,
    };
    (!value.is_null()).then_some(value)
}

fn decimal(value: &Value) -> Decimal {
    Decimal::from_str(&value.as_number().expect("a number").to_string()).expect("a decimal")
}

/// The declared inputs of each P2P role, read from our schema: role name → (input → required).
fn declared_inputs() -> BTreeMap<String, BTreeMap<String, bool>> {
    let text =
        std::fs::read_to_string(root().join("schema/EnergyContractP2PTrade/v1/attributes.yaml"))
            .unwrap();
    let document: Value = yaml_serde::from_str(&text).unwrap();
    let mut roles = BTreeMap::new();
    for schema in [
        "P2PTradeSellerRole",
        "P2PTradeBuyerRole",
        "P2PTradeGridOperatorRole",
    ] {
        let own = &document["components"]["schemas"][schema]["allOf"][1]["properties"];
        let inputs = &own["roleInputs"];
        let required: Vec<&str> = inputs["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let declared: BTreeMap<String, bool> = inputs["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(|name| (name.clone(), required.contains(&name.as_str())))
            .collect();
        for name in own["role"]["enum"].as_array().unwrap() {
            roles.insert(name.as_str().unwrap().to_owned(), declared.clone());
        }
    }
    roles
}

#[test]
fn every_example_is_json_and_the_transaction_has_its_fifteen_steps() {
    let steps = steps();
    let actions: Vec<&str> = steps
        .iter()
        .map(|(_, m)| m["context"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "discover",
            "on_discover",
            "select",
            "on_select",
            "init",
            "on_init",
            "init",
            "on_init",
            "confirm",
            "confirm",
            "on_confirm",
            "on_confirm",
            "status",
            "on_status",
            "on_status"
        ]
    );
}

#[test]
fn every_schema_file_is_yaml_and_every_ref_resolves_to_a_file_and_pointer() {
    let schema_root = root().join("schema");
    let mut checked = 0;
    for name in std::fs::read_dir(&schema_root).unwrap() {
        let name = name.unwrap().path();
        for version in std::fs::read_dir(&name).into_iter().flatten() {
            let file = version.unwrap().path().join("attributes.yaml");
            if !file.is_file() {
                continue;
            }
            let document: Value = yaml_serde::from_str(&std::fs::read_to_string(&file).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let mut refs = Vec::new();
            collect_refs(&document, &mut refs);
            for reference in refs {
                let (path, pointer) = reference.split_once('#').unwrap_or((&reference, ""));
                let target = if path.is_empty() {
                    file.clone()
                } else {
                    file.parent().unwrap().join(path)
                };
                assert!(
                    target.is_file(),
                    "{}: $ref {reference} names a missing file",
                    file.display()
                );
                let target_doc: Value =
                    yaml_serde::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
                assert!(
                    target_doc.pointer(pointer).is_some(),
                    "{}: $ref {reference} names a missing pointer",
                    file.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "only {checked} refs checked");
}

fn collect_refs(value: &Value, refs: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                refs.push(reference.clone());
            }
            object.values().for_each(|child| collect_refs(child, refs));
        }
        Value::Array(items) => items.iter().for_each(|child| collect_refs(child, refs)),
        _ => {}
    }
}

#[test]
fn every_contract_and_delivery_validates_and_round_trips_through_the_typed_api() {
    let mut contracts = 0;
    let mut deliveries = 0;
    for (step, message) in steps() {
        if let Some(contract) = &contract(&message) {
            EnergyContractP2PTrade::validate(contract).unwrap_or_else(|e| panic!("{step}: {e}"));
            assert!(
                EnergyContractP2PTrade::verdict(
                    as_written(&step, "EnergyContractP2PTrade").as_bytes()
                ),
                "{step}: streaming verdict"
            );
            let typed =
                EnergyContractP2PTrade::parse(contract).unwrap_or_else(|e| panic!("{step}: {e}"));
            assert_eq!(
                &serde_json::to_value(&typed).unwrap(),
                contract,
                "{step}: round trip"
            );
            contracts += 1;
        }
        if let Some(delivery) = &delivery(&message) {
            assert!(
                EnergyTradeDelivery::verdict(as_written(&step, "EnergyTradeDelivery").as_bytes()),
                "{step}: streaming verdict"
            );
            let typed =
                EnergyTradeDelivery::parse(delivery).unwrap_or_else(|e| panic!("{step}: {e}"));
            assert_eq!(
                &serde_json::to_value(&typed).unwrap(),
                delivery,
                "{step}: round trip"
            );
            deliveries += 1;
        }
    }
    assert_eq!((contracts, deliveries), (13, 3));
}

#[test]
fn every_contract_and_delivery_object_carries_context_and_type() {
    for (step, message) in steps() {
        for object in &contract(&message)
            .into_iter()
            .chain(delivery(&message))
            .collect::<Vec<_>>()
        {
            assert!(object["@context"].is_string(), "{step}: @context");
            assert!(object["@type"].is_string(), "{step}: @type");
        }
    }
}

#[test]
fn the_lifecycle_fills_roles_step_by_step() {
    // step → (status, SELLER, BUYER, GRID_OPERATOR filled); None = role not listed.
    type Stage<'a> = (&'a str, Option<bool>, Option<bool>, Option<bool>);
    let expected: BTreeMap<&str, Stage> = [
        ("02_on_discover", ("PENDING", Some(true), Some(false), None)),
        ("03_select", ("PENDING", Some(true), Some(false), None)),
        ("04_on_select", ("PENDING", Some(true), Some(false), None)),
        ("05_init", ("PENDING", Some(true), Some(true), None)),
        (
            "06_on_init",
            ("PENDING", Some(true), Some(true), Some(true)),
        ),
        (
            "07_cascaded_init",
            ("PENDING", Some(true), Some(true), Some(false)),
        ),
        (
            "08_cascaded_on_init",
            ("PENDING", Some(true), Some(true), Some(true)),
        ),
        (
            "09_confirm",
            ("PENDING", Some(true), Some(true), Some(true)),
        ),
        (
            "09a_cascaded_confirm",
            ("PENDING", Some(true), Some(true), Some(true)),
        ),
        (
            "09b_cascaded_on_confirm",
            ("ACTIVE", Some(true), Some(true), Some(true)),
        ),
        (
            "10_on_confirm",
            ("ACTIVE", Some(true), Some(true), Some(true)),
        ),
        (
            "12_on_status",
            ("ACTIVE", Some(true), Some(true), Some(true)),
        ),
        (
            "13_on_status_completed",
            ("COMPLETED", Some(true), Some(true), Some(true)),
        ),
    ]
    .into_iter()
    .collect();
    for (step, message) in steps() {
        let Some(contract) = &contract(&message) else {
            assert!(
                !expected.contains_key(step.as_str()),
                "{step}: contract expected"
            );
            continue;
        };
        let filled = |name: &str| role(contract, name).map(|role| role["filled"] == true);
        let actual = (
            contract["status"].as_str().unwrap(),
            filled("SELLER"),
            filled("BUYER"),
            filled("GRID_OPERATOR"),
        );
        assert_eq!(Some(&actual), expected.get(step.as_str()), "{step}");
    }
}

#[test]
fn open_roles_advertise_their_inputs_in_verbose_form_with_null_values() {
    let (_, on_discover) = &steps()[1];
    let offered = contract(on_discover).unwrap();
    let buyer = role(&offered, "BUYER").unwrap();
    let inputs = buyer["roleInputs"].as_object().unwrap();
    for required in [
        "targetMeterId",
        "contractedQuantity",
        "tradeStartTime",
        "tradeEndTime",
    ] {
        let advertised = &inputs[required];
        assert_eq!(advertised["required"], true, "{required}");
        assert!(advertised["type"].is_string(), "{required}");
        assert!(advertised["value"].is_null(), "{required}");
    }
}

#[test]
fn filled_roles_provide_their_required_inputs_and_only_declared_ones() {
    let declared = declared_inputs();
    for (step, message) in steps() {
        let Some(contract) = &contract(&message) else {
            continue;
        };
        for role in contract["roles"].as_array().unwrap() {
            let name = role["role"].as_str().unwrap();
            let inputs = &declared[name];
            for given in role["roleInputs"].as_object().unwrap().keys() {
                assert!(
                    inputs.contains_key(given),
                    "{step}: {name} gives undeclared input {given}"
                );
            }
            if role["filled"] == true {
                for (input_name, _) in inputs.iter().filter(|(_, required)| **required) {
                    assert!(
                        input(contract, name, input_name).is_some(),
                        "{step}: filled {name} lacks {input_name}"
                    );
                }
            }
        }
    }
}

#[test]
fn formulas_name_declared_inputs_of_declared_roles() {
    let declared = declared_inputs();
    let mut references = 0;
    for (step, message) in steps() {
        let Some(contract) = &contract(&message) else {
            continue;
        };
        for flow in contract["revenueFlows"]["flows"].as_array().unwrap() {
            let formula = flow["formula"].as_str().unwrap();
            for term in formula
                .split(['×', '*', '+', '-', '/', '(', ')', ' '])
                .filter(|t| t.starts_with("roles."))
            {
                let parts: Vec<&str> = term.split('.').collect();
                assert_eq!(parts[2], "roleInputs", "{step}: {term}");
                let inputs = declared
                    .get(parts[1])
                    .unwrap_or_else(|| panic!("{step}: unknown role in {term}"));
                assert!(
                    inputs.contains_key(parts[3]),
                    "{step}: {term} names an undeclared input"
                );
                references += 1;
            }
        }
    }
    assert_eq!(
        references,
        4 * 13,
        "two flows of two references in each of thirteen contracts"
    );
}

#[test]
fn the_trade_stays_the_same_from_first_message_to_last() {
    let mut seen: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (_, message) in steps() {
        seen.entry("transaction")
            .or_default()
            .push(message["context"]["transaction_id"].to_string());
        let Some(contract) = &contract(&message) else {
            continue;
        };
        seen.entry("contract")
            .or_default()
            .push(contract["contractId"].to_string());
        seen.entry("source meter").or_default().push(
            input(contract, "SELLER", "sourceMeterId")
                .unwrap()
                .to_string(),
        );
        seen.entry("price").or_default().push(
            input(contract, "SELLER", "pricePerKWh")
                .unwrap()
                .to_string(),
        );
        if let Some(quantity) = input(contract, "BUYER", "contractedQuantity") {
            seen.entry("quantity")
                .or_default()
                .push(quantity.to_string());
            seen.entry("target meter").or_default().push(
                input(contract, "BUYER", "targetMeterId")
                    .unwrap()
                    .to_string(),
            );
        }
    }
    for (what, values) in seen {
        assert!(
            values.windows(2).all(|pair| pair[0] == pair[1]),
            "{what} changes: {values:?}"
        );
    }
}

#[test]
fn the_quantity_is_within_the_grid_operators_remaining_caps() {
    let mut checked = 0;
    for (step, message) in steps() {
        let Some(contract) = &contract(&message) else {
            continue;
        };
        let Some(grid) = role(contract, "GRID_OPERATOR").filter(|role| role["filled"] == true)
        else {
            continue;
        };
        let cap = |name: &str| decimal(input(contract, "GRID_OPERATOR", name).unwrap());
        let headroom = (cap("buyer_trade_cap") - cap("current_buyer_trades_total"))
            .min(cap("seller_trade_cap") - cap("current_seller_trade_total"));
        let quantity = decimal(input(contract, "BUYER", "contractedQuantity").unwrap());
        assert!(
            quantity <= headroom,
            "{step}: {quantity} kWh exceeds {headroom} kWh"
        );
        assert!(grid["filledBy"].is_string(), "{step}");
        checked += 1;
    }
    assert_eq!(checked, 8);
}

#[test]
fn the_settled_amount_equals_the_two_revenue_flows() {
    let (_, completed) = steps().pop().unwrap();
    let contract = &contract(&completed).unwrap();
    let quantity = decimal(input(contract, "BUYER", "contractedQuantity").unwrap());
    let energy = quantity * decimal(input(contract, "SELLER", "pricePerKWh").unwrap());
    let wheeling = quantity * decimal(input(contract, "GRID_OPERATOR", "wheelingCharges").unwrap());
    let delivered = delivery(&completed).unwrap();
    let cycles = delivered["settlementCycles"].as_array().unwrap();
    let settled: Vec<&Value> = cycles
        .iter()
        .filter(|cycle| cycle["status"] == "SETTLED")
        .collect();
    assert_eq!(settled.len(), 1);
    let cycle = settled[0];
    assert_eq!(decimal(&cycle["amount"]), energy + wheeling);
    assert_eq!(decimal(&cycle["breakdown"]["energyCost"]), energy);
    assert_eq!(decimal(&cycle["breakdown"]["wheelingCharges"]), wheeling);
    assert_eq!(
        cycle["currency"],
        *input(contract, "SELLER", "currency").unwrap()
    );
}
