//! The gate's throughput on adversarial messages, one class each, in bytes per second: the
//! classes the hostile-input issue found super-linear. Run with
//! `cargo bench -p deg-contracts-benches --bench adversarial`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use deg_contracts::check::check_bytes;
use deg_contracts_benches::step_message;
use serde_json::{Value, json};

/// The confirmed example message, as every class's starting point.
fn confirmed() -> Value {
    step_message("10_on_confirm")
}

const CONTRACT: &str = "/message/order/beckn:orderAttributes";

fn classes() -> Vec<(&'static str, Vec<u8>)> {
    let members: Vec<String> = (0..10_000).map(|i| format!("\"k\": {i}")).collect();
    let duplicate_keys = format!("{{{}}}", members.join(",")).into_bytes();
    // A one-line message with ten thousand findings: every role repeated with a bad input.
    let mut findings = confirmed();
    let roles = findings.pointer_mut(&format!("{CONTRACT}/roles")).unwrap();
    let role = roles[0].clone();
    let mut bad = role.clone();
    bad["roleInputs"]["pricePerKWh"] = json!("cheap");
    *roles = Value::Array(vec![bad; 5_000]);
    let many_findings = serde_json::to_vec(&findings).unwrap();
    let mut deep = confirmed();
    *deep
        .pointer_mut(&format!("{CONTRACT}/revenueFlows/flows/0/formula"))
        .unwrap() = json!(format!("{}1{}", "(".repeat(30_000), ")".repeat(30_000)));
    let deep_formula = serde_json::to_vec(&deep).unwrap();
    let mut flows = confirmed();
    let list = flows
        .pointer_mut(&format!("{CONTRACT}/revenueFlows/flows"))
        .unwrap();
    let flow = list[0].clone();
    *list = Value::Array(vec![flow; 500]);
    let many_flows = serde_json::to_vec(&flows).unwrap();
    vec![
        ("duplicate keys, minified", duplicate_keys),
        ("10,000 findings on one line", many_findings),
        ("a formula 30,000 levels deep", deep_formula),
        ("500 revenue flows", many_flows),
    ]
}

fn adversarial(c: &mut Criterion) {
    let mut group = c.benchmark_group("adversarial");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3));
    for (name, bytes) in classes() {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| b.iter(|| black_box(check_bytes(&bytes))));
    }
    group.finish();
}

criterion_group!(benches, adversarial);
criterion_main!(benches);
