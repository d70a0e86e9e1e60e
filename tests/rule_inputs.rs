//! The rules read role inputs through generated accessors; this holds every input they read
//! against the schema the rules apply to, read from the YAML at test time, so an input renamed
//! in the schema fails here even before codegen is rerun (and after it, the rules stop
//! compiling).

use std::path::Path;

use deg_contracts::rules::role_inputs_read;
use deg_contracts::schema::energy_contract_p2p_trade_v1::EnergyContractP2PTrade;
use deg_contracts_ir::ir::{Struct, TypeKind};

/// Each (kind, input) the rules read that the schema under `root` does not declare for
/// that kind of role on the P2P trade contract.
fn undeclared(root: &Path) -> Vec<String> {
    let lowered = deg_contracts_ir::lower_schemas(root, &[])
        .unwrap_or_else(|failure| panic!("{}", failure.errors));
    let contract: Option<&Struct> = lowered
        .krate
        .modules
        .iter()
        .flat_map(|module| &module.types)
        .find_map(|def| match &def.kind {
            TypeKind::Struct(object)
                if object.jsonld_type.as_deref() == Some(EnergyContractP2PTrade::TYPE_NAME) =>
            {
                Some(object)
            }
            _ => None,
        });
    let roles = contract
        .and_then(|contract| contract.roles.as_ref())
        .expect("the P2P trade schema declares its roles");
    role_inputs_read()
        .into_iter()
        .filter(|(names, input)| {
            let kind = roles.kinds.iter().find(|kind| {
                names
                    .iter()
                    .all(|name| kind.values.iter().any(|v| v == name))
            });
            !kind
                .and_then(|kind| kind.inputs.as_ref())
                .is_some_and(|inputs| inputs.iter().any(|declared| declared.name == *input))
        })
        .map(|(names, input)| format!("{}.{input}", names[0]))
        .collect()
}

fn schema_root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema")
}

#[test]
fn every_role_input_a_rule_reads_is_declared_by_its_schema() {
    let reads = role_inputs_read();
    assert!(reads.len() >= 10, "{reads:?}");
    assert_eq!(undeclared(&schema_root()), Vec::<String>::new());
}

#[test]
fn renaming_an_input_in_the_schema_fails_the_check() {
    let copy = tempfile::tempdir().unwrap();
    for entry in [
        "EnergyContract/v1",
        "EnergyContractP2PTrade/v1",
        "EnergyTradeDelivery/v1",
    ] {
        let from = schema_root().join(entry).join("attributes.yaml");
        let to = copy.path().join(entry).join("attributes.yaml");
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        let text = std::fs::read_to_string(from).unwrap();
        std::fs::write(to, text.replace("buyer_trade_cap", "buyer_cap")).unwrap();
    }
    assert_eq!(undeclared(copy.path()), ["GRID_OPERATOR.buyer_trade_cap"]);
}
