//! Generated validators against the parsing floors and against jsonschema-rs on the same
//! contract objects, valid and broken. Run with `cargo bench -p deg-contracts-benches`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use deg_contracts::schema::energy_contract_p2p_trade_v1::EnergyContractP2PTrade;
use deg_contracts_benches::{Sample, broken, bundled_schema, contracts};
use deg_contracts_ir::interpret::{Program, Schema};
use serde::de::IgnoredAny;
use serde_json::Value;

/// jsonschema-rs's compile-time validator for the same bundled schema.
#[jsonschema::validator(
    path = "../generated/bundled/EnergyContractP2PTrade.v1.schema.json",
    draft = Draft202012,
    validate_formats = true
)]
struct CompiledPeer;

fn peer() -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&bundled_schema())
        .expect("the bundled schema compiles")
}

/// Our schema directory, compiled for the run-time interpreter (`validate --schema schema/`).
fn interpreted() -> (Program, Schema) {
    let lowered = deg_contracts_ir::lower_schemas(std::path::Path::new("../schema"), &[])
        .expect("schema/ lowers");
    let program = Program::new(&lowered.krate);
    let schema = program
        .schemas()
        .iter()
        .find(|schema| schema.type_name == EnergyContractP2PTrade::TYPE_NAME)
        .expect("the interpreter has the P2P contract")
        .clone();
    (program, schema)
}

fn valid_contracts(c: &mut Criterion) {
    let samples = contracts();
    let peer = peer();
    let (program, schema) = interpreted();
    for sample in &samples {
        assert!(
            EnergyContractP2PTrade::is_valid(&sample.value),
            "{}",
            sample.name
        );
        assert!(
            program.is_valid(&schema, &sample.value),
            "the interpreter rejects {}",
            sample.name
        );
        assert!(
            peer.is_valid(&sample.value),
            "the peer rejects {}",
            sample.name
        );
        assert!(
            CompiledPeer::is_valid(&sample.value),
            "the compile-time peer rejects {}",
            sample.name
        );
        assert!(
            EnergyContractP2PTrade::verdict(&sample.bytes),
            "{}",
            sample.name
        );
    }
    let mut group = c.benchmark_group("valid");
    group.throughput(Throughput::Elements(samples.len() as u64));
    group.bench_function("floor: from_slice::<IgnoredAny>", |b| {
        b.iter(|| {
            samples.iter().for_each(|s| {
                let _ = black_box(serde_json::from_slice::<IgnoredAny>(&s.bytes));
            })
        })
    });
    group.bench_function("floor: from_slice::<Value>", |b| {
        b.iter(|| {
            samples.iter().for_each(|s| {
                let _ = black_box(serde_json::from_slice::<Value>(&s.bytes));
            })
        })
    });
    group.bench_function("ours: validate (all errors)", |b| {
        b.iter(|| {
            samples.iter().for_each(|s| {
                let _ = black_box(EnergyContractP2PTrade::validate(&s.value));
            })
        })
    });
    group.bench_function("ours: is_valid", |b| {
        b.iter(|| {
            samples.iter().for_each(|s| {
                let _ = black_box(EnergyContractP2PTrade::is_valid(&s.value));
            })
        })
    });
    group.bench_function("ours: bytes to verdict", |b| {
        b.iter(|| {
            samples.iter().for_each(|s| {
                let _ = black_box(EnergyContractP2PTrade::verdict(&s.bytes));
            })
        })
    });
    group.bench_function("peer: is_valid", |b| {
        b.iter(|| {
            samples.iter().for_each(|s| {
                let _ = black_box(peer.is_valid(&s.value));
            })
        })
    });
    group.bench_function("peer (compile-time): is_valid", |b| {
        b.iter(|| {
            samples.iter().for_each(|s| {
                let _ = black_box(CompiledPeer::is_valid(&s.value));
            })
        })
    });
    group.bench_function("peer (compile-time): iter_errors (all errors)", |b| {
        b.iter(|| {
            samples.iter().for_each(|s| {
                let _ = black_box(CompiledPeer::iter_errors(&s.value).count());
            })
        })
    });
    group.bench_function("peer: iter_errors (all errors)", |b| {
        b.iter(|| {
            samples.iter().for_each(|s| {
                let _ = black_box(peer.iter_errors(&s.value).count());
            })
        })
    });
    group.bench_function("ours (run-time): validate (all errors)", |b| {
        b.iter(|| {
            samples.iter().for_each(|s| {
                let _ = black_box(program.validate(&schema, &s.value));
            })
        })
    });
    group.bench_function("ours (run-time): is_valid", |b| {
        b.iter(|| {
            samples.iter().for_each(|s| {
                let _ = black_box(program.is_valid(&schema, &s.value));
            })
        })
    });
    group.finish();
}

/// The streaming verdict against parsing to `Value`, on our contracts and on the upstream
/// corpus's apart, since their shapes differ (the corpus's carry more, and more nested, text).
fn verdict_by_source(c: &mut Criterion) {
    let samples = contracts();
    let (corpus, ours): (Vec<&Sample>, Vec<&Sample>) = samples
        .iter()
        .partition(|sample| sample.name.contains("deg-corpus"));
    for (source, samples) in [("ours", ours), ("corpus", corpus)] {
        if samples.is_empty() {
            eprintln!("no {source} contracts: not measured");
            continue;
        }
        let mut group = c.benchmark_group(format!("verdict ({source})"));
        group.throughput(Throughput::Elements(samples.len() as u64));
        group.bench_function("floor: from_slice::<Value>", |b| {
            b.iter(|| {
                samples.iter().for_each(|s| {
                    let _ = black_box(serde_json::from_slice::<Value>(&s.bytes));
                })
            })
        });
        group.bench_function("ours: bytes to verdict", |b| {
            b.iter(|| {
                samples.iter().for_each(|s| {
                    let _ = black_box(EnergyContractP2PTrade::verdict(&s.bytes));
                })
            })
        });
        group.finish();
    }
}

fn broken_contracts(c: &mut Criterion) {
    let samples = contracts();
    let broken = broken(&samples);
    let peer = peer();
    for value in &broken {
        assert!(!EnergyContractP2PTrade::is_valid(value));
        assert!(!peer.is_valid(value));
        assert!(!CompiledPeer::is_valid(value));
    }
    let mut group = c.benchmark_group("broken");
    group.throughput(Throughput::Elements(broken.len() as u64));
    group.bench_function("ours: validate (all errors)", |b| {
        b.iter(|| {
            broken.iter().for_each(|v| {
                let _ = black_box(EnergyContractP2PTrade::validate(v));
            })
        })
    });
    group.bench_function("peer: iter_errors (all errors)", |b| {
        b.iter(|| {
            broken.iter().for_each(|v| {
                let _ = black_box(peer.iter_errors(v).count());
            })
        })
    });
    let (program, schema) = interpreted();
    group.bench_function("ours (run-time): validate (all errors)", |b| {
        b.iter(|| {
            broken.iter().for_each(|v| {
                let _ = black_box(program.validate(&schema, v));
            })
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    valid_contracts,
    verdict_by_source,
    broken_contracts
);
criterion_main!(benches);
