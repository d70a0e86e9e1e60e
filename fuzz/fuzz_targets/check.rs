//! Any bytes through the whole gate (parse, schemas, rules, positions), the flows command and
//! the migration (as a file and as a log): whatever the input, none may panic, and every
//! finding must be placed in the file. The gate's own JSON reader must take exactly what
//! `serde_json` takes, and read it as `serde_json` does.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = deg_contracts::check::check_bytes(data);
    for finding in &report.findings {
        assert!(finding.position.is_some(), "{finding:?} has no position");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let arena = deg_contracts::schema::runtime::json::Arena::new();
        let ours = deg_contracts::schema::runtime::json::parse(text, &arena);
        let theirs = serde_json::from_str::<serde_json::Value>(text);
        assert_eq!(ours.is_ok(), theirs.is_ok(), "{ours:?} / {theirs:?}");
        if let (Ok(ours), Ok(theirs)) = (&ours, &theirs) {
            assert_eq!(&ours.to_serde(), theirs);
        }
        let _ = deg_contracts::flows::describe_source(text);
        for log in [false, true] {
            let migration = deg_contracts::migrate::migrate(&[deg_contracts::migrate::Input {
                name: "fuzz.json".to_owned(),
                relative: "fuzz.json".into(),
                text: text.to_owned(),
                log,
                unreadable: None,
            }]);
            for finding in &migration.reports[0].findings {
                assert!(finding.position.is_some(), "{finding:?} has no position");
            }
        }
    }
});
