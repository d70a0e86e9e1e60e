//! Runs one candidate over every contract sample a fixed number of times, for instruction
//! counts under `valgrind --tool=callgrind`, which unlike wall time do not depend on what else
//! the machine is doing. `instructions none` measures the set-up alone, to subtract. `json`
//! is the gate's own reading of a message (a borrowed tree), `json-validate` that and every
//! error, as the gate validates.

use deg_contracts::schema::energy_contract_p2p_trade_v1::EnergyContractP2PTrade;
use deg_contracts::schema::runtime::json;
use deg_contracts_benches::contracts;

const ROUNDS: usize = 200;

fn main() {
    let candidate = std::env::args().nth(1).unwrap_or_default();
    let samples = contracts();
    let mut accepted = 0usize;
    // One arena for every sample, reset before each, as a gate worker keeps one.
    let mut arena = json::Arena::new();
    for _ in 0..ROUNDS {
        for sample in &samples {
            let ok = match candidate.as_str() {
                "none" => false,
                "ignored-any" => {
                    serde_json::from_slice::<serde::de::IgnoredAny>(&sample.bytes).is_ok()
                }
                "value" => serde_json::from_slice::<serde_json::Value>(&sample.bytes).is_ok(),
                "json" => {
                    arena.reset();
                    std::str::from_utf8(&sample.bytes)
                        .is_ok_and(|text| json::parse(text, &arena).is_ok())
                }
                "json-validate" => {
                    arena.reset();
                    std::str::from_utf8(&sample.bytes)
                        .ok()
                        .and_then(|text| json::parse(text, &arena).ok())
                        .is_some_and(|value| EnergyContractP2PTrade::validate_json(&value).is_ok())
                }
                "verdict" => EnergyContractP2PTrade::verdict(&sample.bytes),
                "is-valid" => EnergyContractP2PTrade::is_valid(&sample.value),
                "validate" => EnergyContractP2PTrade::validate(&sample.value).is_ok(),
                other => {
                    eprintln!(
                        "usage: instructions none|ignored-any|value|json|json-validate|verdict|is-valid|validate (not `{other}`)"
                    );
                    std::process::exit(2);
                }
            };
            accepted += usize::from(ok);
        }
    }
    let bytes: usize = samples.iter().map(|sample| sample.bytes.len()).sum();
    println!(
        "{candidate}: {} runs over {} contracts ({} bytes each on average), {accepted} accepted",
        ROUNDS * samples.len(),
        samples.len(),
        bytes / samples.len().max(1)
    );
}
