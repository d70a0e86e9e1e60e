//! Writes every P2P contract object of some Beckn messages to a file of its own, for timing
//! `deg-contracts validate` against a generic JSON Schema CLI on the same bare contracts
//! (`benches/scripts/vs-jsonschema.sh`).
//!
//! `extract-contracts IN_DIR OUT_DIR`: every `*.json` below IN_DIR; writes OUT_DIR/NNNNN.json.

use std::path::Path;
use std::process::ExitCode;

use deg_contracts::discover::typed_objects;
use deg_contracts::schema::energy_contract_p2p_trade_v1::EnergyContractP2PTrade;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: extract-contracts IN_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    match extract(Path::new(input), Path::new(output)) {
        Ok(count) => {
            eprintln!("extract-contracts: {count} contracts in {output}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("extract-contracts: {error}");
            ExitCode::FAILURE
        }
    }
}

fn extract(input: &Path, output: &Path) -> Result<usize, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(output)?;
    let mut count = 0;
    for file in deg_contracts::run::json_files(input)? {
        let text = std::fs::read_to_string(&file)?;
        let arena = deg_contracts::schema::runtime::json::Arena::new();
        let Ok(message) = deg_contracts::schema::runtime::json::parse(&text, &arena) else {
            continue;
        };
        for object in typed_objects(&message, &mut Vec::new()) {
            if object.type_name == EnergyContractP2PTrade::TYPE_NAME {
                count += 1;
                // The object as the message writes it, members in their written order.
                let written = &text[object.value.span()];
                std::fs::write(output.join(format!("{count:05}.json")), written)?;
            }
        }
    }
    Ok(count)
}
