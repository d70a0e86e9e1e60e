//! Thousands of seeded random mutations of valid contracts and deliveries: the three entry
//! points (every error, fail fast, and the streaming verdict) must always agree, the run-time
//! interpreter of the same schemas must give exactly the compiled validators' errors, and the
//! gate must never panic. A deterministic generator keeps every failure reproducible.

mod common;

use common::{example_files, objects_of_type, read_json, role_first};
use deg_contracts::schema::energy_contract_p2p_trade_v1::EnergyContractP2PTrade;
use deg_contracts::schema::energy_trade_delivery_v1::EnergyTradeDelivery;
use deg_contracts_runtime::pointer;
use serde_json::{Value, json};

/// A small linear congruential generator: reproducible without a dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Every pointer in a value, containers and leaves.
fn pointers(value: &Value, here: String, out: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                pointers(child, pointer::join(&here, key), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{here}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(here);
}

const REPLACEMENTS: &[fn() -> Value] = &[
    || json!(null),
    || json!(true),
    || json!(0),
    || json!(-1.5),
    || json!(""),
    || json!("SELLER"),
    || json!("2025-06-14T10:00:00+05:30"),
    || json!("not a date"),
    || json!("PT15M"),
    || json!([]),
    || json!({}),
    || json!({"type": "NUMBER", "required": true, "value": 1}),
    || json!({"type": "STRING", "required": false, "value": null}),
    || json!({"type": "DATE_TIME", "required": true}),
];

fn mutate(value: &mut Value, rng: &mut Lcg) {
    let mut all = Vec::new();
    pointers(value, String::new(), &mut all);
    let target = all[rng.below(all.len())].clone();
    match rng.below(3) {
        0 => {
            if let Some(slot) = value.pointer_mut(&target) {
                *slot = REPLACEMENTS[rng.below(REPLACEMENTS.len())]();
            }
        }
        1 => {
            if let Some((parent, key)) = target.rsplit_once('/') {
                match value.pointer_mut(parent) {
                    Some(Value::Object(object)) => {
                        object.remove(pointer::unescape(key).as_ref());
                    }
                    Some(Value::Array(items)) if !items.is_empty() => {
                        items.remove(key.parse::<usize>().unwrap_or(0).min(items.len() - 1));
                    }
                    _ => {}
                }
            }
        }
        _ => {
            if let Some(Value::Object(object)) = value.pointer_mut(&target) {
                let key = ["role", "filled", "extra", "value", "@type", "roleInputs"][rng.below(6)];
                object.insert(
                    key.to_owned(),
                    REPLACEMENTS[rng.below(REPLACEMENTS.len())](),
                );
            }
        }
    }
}

fn seeds(type_name: &str) -> Vec<Value> {
    example_files()
        .iter()
        .flat_map(|file| {
            let message = read_json(file);
            objects_of_type(&message, type_name)
                .into_iter()
                .map(|(_, value)| value.clone())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every placed finding's line and column is where its pointer's value is written: read from
/// there, the text parses to exactly that value.
fn findings_sit_at_their_values(round: usize, message: &Value) -> usize {
    let mut checked = 0;
    let text = serde_json::to_string_pretty(message).unwrap();
    let report = deg_contracts::check::check_bytes(text.as_bytes());
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect();
    for finding in &report.findings {
        let (Some(position), Some(expected)) =
            (finding.position, message.pointer(&finding.pointer))
        else {
            continue;
        };
        if finding.column_in_value.is_some() || finding.rule.id() == "duplicate-key" {
            continue;
        }
        let line = &text[starts[position.line - 1]..];
        let offset: usize = line
            .chars()
            .take(position.column - 1)
            .map(char::len_utf8)
            .sum();
        let mut stream = serde_json::Deserializer::from_str(&line[offset..]).into_iter::<Value>();
        let found = stream.next().and_then(Result::ok);
        assert_eq!(
            found.as_ref(),
            Some(expected),
            "round {round}: {} at {}:{} is not where {} is",
            finding.rule,
            position.line,
            position.column,
            finding.pointer
        );
        checked += 1;
    }
    checked
}

fn agree<T>(
    type_name: &str,
    validate: fn(&Value) -> Result<(), deg_contracts::schema::ValidationErrors>,
    is_valid: fn(&Value) -> bool,
    verdict: fn(&[u8]) -> bool,
    parse: fn(&Value) -> Result<T, deg_contracts::schema::ParseError>,
) {
    let seeds = seeds(type_name);
    let mut rng = Lcg(0x5eed_0000 ^ type_name.len() as u64);
    let (mut valid, mut invalid, mut placed) = (0, 0, 0);
    for round in 0..3000 {
        let mut value = seeds[round % seeds.len()].clone();
        for _ in 0..=rng.below(3) {
            mutate(&mut value, &mut rng);
        }
        let errors = validate(&value);
        let interpreted = common::interpreted_validate(type_name, &value);
        assert_eq!(
            interpreted,
            errors,
            "round {round}: the run-time interpreter disagrees with the compiled validator\n{}",
            serde_json::to_string_pretty(&value).unwrap()
        );
        let full = errors.is_ok();
        let fast = is_valid(&value);
        let streamed = verdict(role_first(&value).as_bytes());
        let buffered = verdict(&serde_json::to_vec(&value).unwrap());
        assert!(
            full == fast && fast == streamed && streamed == buffered,
            "round {round}: validate {full}, is_valid {fast}, verdict {streamed} (role first) {buffered} (sorted)\n{}",
            serde_json::to_string_pretty(&value).unwrap()
        );
        if full {
            assert!(
                parse(&value).is_ok(),
                "round {round}: valid but does not parse"
            );
        }
        let message = json!({"context": {"action": "on_status"}, "message": {"order": {"beckn:orderAttributes": value}}});
        if round % 10 == 0 {
            placed += findings_sit_at_their_values(round, &message);
        }
        if full { valid += 1 } else { invalid += 1 }
    }
    assert!(
        valid > 100 && invalid > 1000,
        "a useful mix: {valid} valid, {invalid} invalid"
    );
    assert!(
        placed > 100,
        "only {placed} findings were placed and checked"
    );
}

#[test]
fn contract_entry_points_agree_on_random_mutations() {
    agree(
        "EnergyContractP2PTrade",
        EnergyContractP2PTrade::validate,
        EnergyContractP2PTrade::is_valid,
        EnergyContractP2PTrade::verdict,
        EnergyContractP2PTrade::parse,
    );
}

#[test]
fn delivery_entry_points_agree_on_random_mutations() {
    agree(
        "EnergyTradeDelivery",
        EnergyTradeDelivery::validate,
        EnergyTradeDelivery::is_valid,
        EnergyTradeDelivery::verdict,
        EnergyTradeDelivery::parse,
    );
}

/// Whole example messages, mutated: the command line, with the transaction checks, over a
/// directory of them and over one log of them, always answers with exit code 0, 1 or 2,
/// never an internal error, and every finding parses and is placed on a line.
#[test]
fn the_command_line_survives_mutated_trades() {
    let trade: Vec<Value> = example_files().iter().map(|file| read_json(file)).collect();
    let mut rng = Lcg(0x0c11_5eed);
    let dir = tempfile::tempdir().unwrap();
    let mut log = String::new();
    for round in 0..300 {
        let mut message = trade[round % trade.len()].clone();
        for _ in 0..=rng.below(3) {
            mutate(&mut message, &mut rng);
        }
        let text = serde_json::to_string(&message).unwrap();
        std::fs::write(dir.path().join(format!("m{round:04}.json")), &text).unwrap();
        log.push_str(&text);
        log.push('\n');
    }
    let log_path = dir.path().join("all.ndjson");
    std::fs::write(&log_path, log).unwrap();
    for (path, files) in [(dir.path(), 301), (log_path.as_path(), 1)] {
        let (code, stdout, stderr) = common::run(
            common::deg()
                .args(["validate", "--format", "json", "--max-findings", "100000"])
                .arg(path),
        );
        assert!((0..=2).contains(&code), "exit {code}: {stderr}");
        assert!(
            stderr
                .lines()
                .last()
                .unwrap_or_default()
                .starts_with(&format!("{files} file")),
            "{stderr}"
        );
        let findings = common::json_lines(&stdout);
        assert!(!findings.is_empty());
        for finding in findings {
            assert_ne!(finding["rule"], "internal-error", "{finding}");
            assert!(finding["line"].as_u64().unwrap() >= 1, "{finding}");
        }
    }
}
