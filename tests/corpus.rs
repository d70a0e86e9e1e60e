//! Third-party conformance: every P2P contract and delivery object in the upstream DEG
//! examples validates against our schemas, and reads through the typed API without loss.

mod common;

use common::{corpus, json_files, objects_of_type, read_json};
use deg_contracts::schema::energy_contract_p2p_trade_v1::EnergyContractP2PTrade;
use deg_contracts::schema::energy_trade_delivery_v1::EnergyTradeDelivery;

#[test]
fn upstream_p2p_examples_validate_with_zero_errors() {
    let Some(corpus) = corpus() else { return };
    let mut counts = (0, 0);
    for file in json_files(&corpus.join("examples/p2p_trading")) {
        let message = read_json(&file);
        for (pointer, contract) in &objects_of_type(&message, "EnergyContractP2PTrade") {
            if let Err(errors) = EnergyContractP2PTrade::validate(contract) {
                panic!("{}#{pointer}:\n{errors}", file.display());
            }
            assert!(
                EnergyContractP2PTrade::verdict(&serde_json::to_vec(contract).unwrap()),
                "{}",
                file.display()
            );
            let typed = EnergyContractP2PTrade::parse(contract).unwrap();
            assert_eq!(
                &serde_json::to_value(&typed).unwrap(),
                contract,
                "{}",
                file.display()
            );
            counts.0 += 1;
        }
        // The gate skips these (their context names EnergyTradeDelivery v0.2); the library's
        // v1 schema still reads them without loss, which this keeps visible.
        for (pointer, delivery) in objects_typed_as(&message, "EnergyTradeDelivery", "") {
            if let Err(errors) = EnergyTradeDelivery::validate(delivery) {
                panic!("{}#{pointer}:\n{errors}", file.display());
            }
            let typed = EnergyTradeDelivery::parse(delivery).unwrap();
            assert_eq!(
                &serde_json::to_value(&typed).unwrap(),
                delivery,
                "{}",
                file.display()
            );
            counts.1 += 1;
        }
    }
    assert_eq!(
        counts,
        (11, 2),
        "(contracts, deliveries) found in the corpus"
    );
}

/// Every object below `value` whose `@type` is `type_name`, whatever its `@context`.
fn objects_typed_as<'a>(
    value: &'a serde_json::Value,
    type_name: &str,
    at: &str,
) -> Vec<(String, &'a serde_json::Value)> {
    let mut found = Vec::new();
    match value {
        serde_json::Value::Object(members) => {
            if members.get("@type").and_then(|t| t.as_str()) == Some(type_name) {
                found.push((at.to_owned(), value));
            }
            for (key, child) in members {
                found.extend(objects_typed_as(child, type_name, &format!("{at}/{key}")));
            }
        }
        serde_json::Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                found.extend(objects_typed_as(child, type_name, &format!("{at}/{index}")));
            }
        }
        _ => {}
    }
    found
}

#[test]
fn upstream_contracts_expose_their_roles_through_the_accessors() {
    let Some(corpus) = corpus() else { return };
    let file = corpus
        .join("examples/p2p_trading/13_on_status_completed/on-status-p2p-trade-completed.json");
    let message = read_json(&file);
    let (_, contract) = objects_of_type(&message, "EnergyContractP2PTrade").remove(0);
    let contract = EnergyContractP2PTrade::parse(&contract).unwrap();
    let seller = contract.seller().expect("a seller");
    let inputs = seller.role_inputs.as_ref().unwrap();
    assert_eq!(
        inputs
            .price_per_kwh
            .as_ref()
            .unwrap()
            .value()
            .unwrap()
            .as_f64(),
        Some(0.15)
    );
    assert_eq!(
        inputs
            .source_meter_id
            .as_ref()
            .unwrap()
            .value()
            .map(String::as_str),
        Some("100200300")
    );
    let buyer = contract
        .buyer()
        .expect("a buyer")
        .role_inputs
        .as_ref()
        .unwrap();
    let start = buyer.trade_start_time.as_ref().unwrap().value().unwrap();
    assert_eq!(start.instant().hour(), 10);
    let grid = contract
        .grid_operator()
        .expect("a grid operator")
        .role_inputs
        .as_ref()
        .unwrap();
    assert_eq!(
        grid.wheeling_charges
            .as_ref()
            .unwrap()
            .value()
            .unwrap()
            .as_f64(),
        Some(0.025)
    );
}

/// The gate finds a message's typed objects from the offsets its parse noted; a walk over the
/// whole tree must find exactly the same ones (found and skipped, in the same order) in every
/// upstream file and every bundled example.
#[test]
fn the_typed_objects_a_parse_notes_are_the_ones_a_walk_finds() {
    use deg_contracts::discover::{noted_objects, typed_objects_noting};
    use deg_contracts::schemas::Schemas;
    use deg_contracts_runtime::json::{Arena, parse_noting};
    let Some(corpus) = corpus() else { return };
    let mut files = json_files(&corpus);
    files.extend(common::example_files());
    let (mut found, mut skipped) = (0, 0);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let arena = Arena::new();
        let Ok(parsed) = parse_noting(&text, &arena) else {
            continue;
        };
        let message = &parsed.value;
        let mut walked = (Vec::new(), Vec::new());
        let mut noted = (Vec::new(), Vec::new());
        let by_walk =
            typed_objects_noting(message, Schemas::Compiled, &mut walked.0, &mut walked.1);
        let by_note = noted_objects(
            message,
            &parsed.typed,
            Schemas::Compiled,
            &mut noted.0,
            &mut noted.1,
        );
        let kept = |objects: &[deg_contracts::discover::TypedObject<'_>]| {
            objects
                .iter()
                .map(|object| (object.pointer.clone(), object.type_name))
                .collect::<Vec<_>>()
        };
        let passed = |objects: &[deg_contracts::discover::Skipped<'_>]| {
            objects
                .iter()
                .map(|object| (message.pointer_to(object.value), object.type_name.clone()))
                .collect::<Vec<_>>()
        };
        let name = file.display();
        assert_eq!(kept(&by_note), kept(&by_walk), "{name}");
        assert_eq!(passed(&noted.0), passed(&walked.0), "{name}");
        assert_eq!(noted.1, walked.1, "{name}");
        found += by_walk.len();
        skipped += walked.0.len();
    }
    assert!(files.len() > 40, "{} files", files.len());
    assert!(
        found > 20 && skipped > 100,
        "{found} found, {skipped} skipped"
    );
}
