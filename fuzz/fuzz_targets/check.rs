//! Any bytes through the whole gate (parse, schemas, rules, positions) and the flows command:
//! whatever the input, neither may panic, and every finding must be placed in the file.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = deg_contracts::check::check_bytes(data);
    for finding in &report.findings {
        assert!(finding.position.is_some(), "{finding:?} has no position");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = deg_contracts::flows::describe_source(text);
    }
});
