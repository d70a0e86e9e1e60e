//! The gate's throughput on adversarial messages, one class each, in bytes per second: the
//! classes the hostile-input issue found (the same inputs its regression test runs), through
//! the whole check and, for the flows-heavy one, the `flows` command. Run with
//! `cargo bench -p deg-contracts-benches --bench adversarial`; compare each against the
//! 5 MB/s floor the issue sets.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use deg_contracts::check::{check_bytes, check_bytes_at_most};
use deg_contracts::flows::describe_source;
use deg_contracts::run::Limits;
use deg_contracts_benches::hostile_classes;

fn adversarial(c: &mut Criterion) {
    let mut group = c.benchmark_group("adversarial");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let limit = Limits::default().max_findings;
    for class in hostile_classes() {
        group.throughput(Throughput::Bytes(class.bytes.len() as u64));
        // As `validate` checks a file: its first findings listed, the rest counted.
        group.bench_function(class.name, |b| {
            b.iter(|| black_box(check_bytes_at_most(&class.bytes, limit)))
        });
        if class.file.starts_with("3-") {
            // As the library checks one for a caller that asked for every finding.
            group.bench_function(format!("every finding: {}", class.name), |b| {
                b.iter(|| black_box(check_bytes(&class.bytes)))
            });
        }
        if class.file.contains("flows") {
            let text = String::from_utf8(class.bytes.clone()).expect("UTF-8");
            group.bench_function(format!("flows command: {}", class.name), |b| {
                b.iter(|| black_box(describe_source(&text)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, adversarial);
criterion_main!(benches);
