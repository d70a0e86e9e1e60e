//! What `validate --schema DIR` pays before the first message: reading, resolving, merging
//! and lowering a schema directory, then compiling it for the interpreter. Our directory and
//! the upstream corpus's (which has broken files, so it is loaded entry by entry, as
//! `--keep-going` does). Run with `cargo bench -p deg-contracts-benches --bench schema_load`.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use deg_contracts::schemas::{self, SchemaDir};
use deg_contracts_ir::interpret::Program;

fn schema_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("schema load");
    let ours = Path::new("../schema");
    group.bench_function("ours: lower schema/", |b| {
        b.iter(|| black_box(deg_contracts_ir::lower_schemas(ours, &[]).is_ok()))
    });
    group.bench_function("ours: lower and compile schema/", |b| {
        b.iter(|| {
            let lowered = deg_contracts_ir::lower_schemas(ours, &[]).expect("schema/ lowers");
            black_box(Program::new(&lowered.krate))
        })
    });
    let corpus = PathBuf::from("../../shared/deg-corpus/schema");
    if corpus.is_dir() {
        let dirs = [SchemaDir {
            dir: corpus,
            prefix: None,
        }];
        group.bench_function("corpus: load with --keep-going", |b| {
            b.iter(|| black_box(schemas::load(&dirs, true).is_ok()))
        });
    } else {
        eprintln!("no corpus beside the checkout: its load is not measured");
    }
    group.finish();
}

criterion_group!(benches, schema_load);
criterion_main!(benches);
