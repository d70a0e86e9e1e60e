//! Peak heap per hostile class, as a multiple of the input's size: the gate checks the file
//! and renders its findings in every output format, as `validate` does, while a counting
//! allocator records the high-water mark. The hostile-input issue bounds it at 10× the
//! input plus a constant. Run with `cargo bench -p deg-contracts-benches --bench memory`.

use deg_contracts::report::{Format, reporter};
use deg_contracts::run::{FileResult, Input, Limits, Summary, check_all};
use deg_contracts_benches::hostile_classes;
use peak_alloc::PeakAlloc;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

const FORMATS: [Format; 5] = [
    Format::Human,
    Format::Json,
    Format::Github,
    Format::Sarif,
    Format::Junit,
];

/// The constant the bound allows beyond ten times the input: the schemas' tables, the
/// reporters' buffers, one formula's parse at the depth limit.
const CONSTANT: usize = 1 << 20;

/// The peak heap above what was live before, while `path` is checked and reported in the
/// format that needs most.
fn peak_while_checking(path: &std::path::Path) -> usize {
    let inputs = [Input::File(path.to_owned())];
    let mut worst = 0;
    for format in FORMATS {
        let before = HEAP.current_usage();
        HEAP.reset_peak_usage();
        let mut out = std::io::sink();
        let mut reporter = reporter(format, false);
        let mut summary = Summary::default();
        check_all(&inputs, 1, Limits::default(), |result: FileResult| {
            summary.add(&result);
            reporter
                .file(&result, &mut out)
                .expect("a sink takes anything");
        });
        reporter
            .finish(&summary, &mut out)
            .expect("a sink takes anything");
        let peak = HEAP.peak_usage().saturating_sub(before);
        worst = worst.max(peak);
    }
    worst
}

fn main() {
    let dir = tempfile::tempdir().expect("a scratch directory");
    println!(
        "{:<52} {:>9} {:>11} {:>7}  10× input + 1 MiB",
        "class", "input", "peak heap", "ratio"
    );
    for class in hostile_classes() {
        let path = dir.path().join(class.file);
        std::fs::write(&path, &class.bytes).expect("the class's file");
        let peak = peak_while_checking(&path);
        let bound = 10 * class.bytes.len() + CONSTANT;
        println!(
            "{:<52} {:>7} B {:>9} B {:>6.1}×  {}",
            class.name,
            class.bytes.len(),
            peak,
            peak as f64 / class.bytes.len() as f64,
            if peak <= bound { "within" } else { "OVER" }
        );
    }
}
