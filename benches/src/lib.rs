//! The inputs the benchmarks share: every contract object of our examples and, when it is
//! beside the checkout, of the upstream corpus, as bytes and as parsed values; and broken
//! variants of them.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// The hostile inputs, one per class, that the regression test also runs.
#[path = "../../tests/common/hostile.rs"]
pub mod hostile;

/// Every hostile class, built from the example transaction.
pub fn hostile_classes() -> Vec<hostile::Hostile> {
    hostile::classes(
        &step_message("10_on_confirm"),
        &step_message("13_on_status_completed"),
    )
}

/// One contract object.
pub struct Sample {
    pub name: String,
    pub bytes: Vec<u8>,
    pub value: Value,
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Every `EnergyContractP2PTrade` object under the examples and the corpus (when present).
pub fn contracts() -> Vec<Sample> {
    let mut samples = Vec::new();
    let dirs = [
        root().join("schema/examples"),
        root().join("../shared/deg-corpus/examples/p2p_trading"),
    ];
    for file in dirs
        .iter()
        .flat_map(|dir| deg_contracts::run::json_files(dir).unwrap_or_default())
    {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let arena = deg_contracts::schema::runtime::json::Arena::new();
        let Ok(message) = deg_contracts::schema::runtime::json::parse(&text, &arena) else {
            continue;
        };
        let mut skipped = Vec::new();
        for object in deg_contracts::discover::typed_objects(&message, &mut skipped) {
            if object.type_name != "EnergyContractP2PTrade" {
                continue;
            }
            samples.push(Sample {
                name: format!("{}#{}", file.display(), object.pointer),
                // The object's text as the file writes it, members in their written order.
                bytes: text.as_bytes()[object.value.span()].to_vec(),
                value: object.value.to_serde(),
            });
        }
    }
    samples
}

/// Contracts with one defect each, cycling through kinds of error.
pub fn broken(samples: &[Sample]) -> Vec<Value> {
    samples
        .iter()
        .enumerate()
        .map(|(i, sample)| {
            let mut value = sample.value.clone();
            match i % 4 {
                0 => value["roles"][0]["roleInputs"]["pricePerKWh"] = json!("cheap"),
                1 => value["status"] = json!("DRAFT"),
                2 => value["roles"][0]["rating"] = json!(5),
                _ => {
                    value["roles"][0]["roleInputs"] = json!({});
                }
            }
            value
        })
        .collect()
}

/// The message of one step of the example transaction (`10_on_confirm`).
pub fn step_message(step: &str) -> Value {
    let dir = root().join("schema/examples/p2p_trading").join(step);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the example step")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    let file = files.first().expect("a message in the step");
    serde_json::from_slice(&std::fs::read(file).expect("the message")).expect("JSON")
}

/// The bundled JSON Schema codegen writes for the P2P contract.
pub fn bundled_schema() -> Value {
    let path = root().join("generated/bundled/EnergyContractP2PTrade.v1.schema.json");
    serde_json::from_slice(&std::fs::read(path).expect("the bundled schema")).expect("JSON")
}
