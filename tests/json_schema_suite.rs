//! The official JSON-Schema-Test-Suite (draft 2020-12) through our pipeline: each group's
//! schema is offered to codegen's library as a component, lowered, and every case is judged by
//! the run-time interpreter (which the differential tests hold equal to the generated
//! validators). Every wrong verdict must be one of [`EXPECTED_FAILURES`], each a documented
//! deviation with its reason, and every expected failure must still fail; the groups the
//! pipeline refuses, with its reason, are a reviewed snapshot, so a keyword newly supported or
//! newly refused shows. Only indices and our own words are recorded, never the suite's text.

mod common;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use deg_contracts_ir::interpret::Program;
use deg_contracts_ir::ir::TypeRef;
use serde_json::Value;

/// Where the component is written in the schema file the harness makes.
const COMPONENT: &str = "/components/schemas/Case";

fn suite() -> Option<PathBuf> {
    let dir = common::root().join("../shared/json-schema-test-suite/tests/draft2020-12");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        !std::env::var("CI").is_ok_and(|ci| ci == "true"),
        "CI=true but the JSON-Schema-Test-Suite is missing at {}",
        dir.display()
    );
    None
}

/// Why we judge a case otherwise than the suite, by design.
const FORMATS_ASSERTED: &str = "formats are asserted, not annotations: a gate that lets a malformed date-time pass is no gate (as jsonschema-rs with validate_formats)";
const RUST_REGEX: &str = "patterns run on Rust's `regex`, whose \\d, \\w and \\s are Unicode-aware where ECMA-262's are ASCII";
const MERGED_ALL_OF: &str = "allOf merges: additionalProperties applies to the union of the branches' properties (DEVELOPERS.md, decided)";
const OBJECT_WITHOUT_TYPE: &str = "object keywords (properties, required, patternProperties, propertyNames, dependentRequired, …) without `type` are read as an object, as DEG writes objects, so a non-object fails";

const NO_IDNA: &str = "host names are checked label by label (letters, digits, hyphens), not against IDNA: A-labels are not decoded, contextual rules not applied";
const EMAIL_SYNTAX: &str = "an address's local part is checked by the email_address crate, which refuses some characters RFC 6531 allows (non-NFC text, C1 controls, noncharacters)";

/// The cases we judge otherwise than the suite: (file, group, cases, why).
const EXPECTED_FAILURES: &[(&str, usize, &[usize], &str)] = &[
    ("additionalProperties.json", 5, &[0], MERGED_ALL_OF),
    ("items.json", 6, &[0], MERGED_ALL_OF),
    ("format.json", 0, &[6], FORMATS_ASSERTED),
    ("format.json", 7, &[6], FORMATS_ASSERTED),
    ("format.json", 8, &[6], FORMATS_ASSERTED),
    ("format.json", 9, &[6], FORMATS_ASSERTED),
    ("format.json", 14, &[6], FORMATS_ASSERTED),
    ("format.json", 17, &[6], FORMATS_ASSERTED),
    ("optional/ecmascript-regex.json", 4, &[1, 2], RUST_REGEX),
    ("optional/ecmascript-regex.json", 5, &[1, 2], RUST_REGEX),
    ("optional/ecmascript-regex.json", 6, &[1], RUST_REGEX),
    ("optional/ecmascript-regex.json", 7, &[1], RUST_REGEX),
    ("optional/ecmascript-regex.json", 8, &[5], RUST_REGEX),
    ("optional/ecmascript-regex.json", 9, &[5], RUST_REGEX),
    ("optional/ecmascript-regex.json", 11, &[1, 2], RUST_REGEX),
    ("optional/ecmascript-regex.json", 13, &[2], RUST_REGEX),
    ("maxProperties.json", 0, &[3, 4, 5], OBJECT_WITHOUT_TYPE),
    (
        "minProperties.json",
        0,
        &[3, 4, 5, 6, 7],
        OBJECT_WITHOUT_TYPE,
    ),
    ("properties.json", 0, &[4, 5], OBJECT_WITHOUT_TYPE),
    ("properties.json", 5, &[0, 1], OBJECT_WITHOUT_TYPE),
    ("ref.json", 0, &[0, 1], OBJECT_WITHOUT_TYPE),
    ("required.json", 0, &[2, 3, 4, 5, 6], OBJECT_WITHOUT_TYPE),
    ("required.json", 4, &[0, 1], OBJECT_WITHOUT_TYPE),
    (
        "additionalProperties.json",
        0,
        &[2, 3, 4],
        OBJECT_WITHOUT_TYPE,
    ),
    ("dependentRequired.json", 0, &[4, 5, 6], OBJECT_WITHOUT_TYPE),
    ("dependentRequired.json", 1, &[2], OBJECT_WITHOUT_TYPE),
    ("dependentSchemas.json", 0, &[5, 6, 7], OBJECT_WITHOUT_TYPE),
    ("optional/ecmascript-regex.json", 16, &[1, 2], RUST_REGEX),
    ("optional/ecmascript-regex.json", 18, &[2], RUST_REGEX),
    ("patternProperties.json", 0, &[4, 5, 6], OBJECT_WITHOUT_TYPE),
    (
        "propertyNames.json",
        0,
        &[3, 4, 5, 6, 7],
        OBJECT_WITHOUT_TYPE,
    ),
    ("format.json", 2, &[6], FORMATS_ASSERTED),
    ("format.json", 3, &[6], FORMATS_ASSERTED),
    ("format.json", 4, &[6], FORMATS_ASSERTED),
    ("format.json", 6, &[6], FORMATS_ASSERTED),
    ("format.json", 10, &[6], FORMATS_ASSERTED),
    ("format.json", 11, &[6], FORMATS_ASSERTED),
    ("format.json", 12, &[6], FORMATS_ASSERTED),
    ("format.json", 13, &[6], FORMATS_ASSERTED),
    ("format.json", 15, &[6], FORMATS_ASSERTED),
    ("format.json", 16, &[6], FORMATS_ASSERTED),
    ("format.json", 18, &[6], FORMATS_ASSERTED),
    ("optional/format/ecmascript-regex.json", 0, &[0], RUST_REGEX),
    ("optional/format/ecmascript-regex.json", 1, &[0], RUST_REGEX),
    (
        "optional/format/ecmascript-regex.json",
        2,
        &[0, 1],
        RUST_REGEX,
    ),
    ("optional/format/ecmascript-regex.json", 3, &[1], RUST_REGEX),
    ("optional/format/ecmascript-regex.json", 4, &[0], RUST_REGEX),
    (
        "optional/format/ecmascript-regex.json",
        5,
        &[0, 1, 2],
        RUST_REGEX,
    ),
    (
        "optional/format/hostname.json",
        1,
        &[
            0, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 15, 16, 18, 19, 21, 22, 24, 25, 29, 32, 33, 37,
        ],
        NO_IDNA,
    ),
    (
        "optional/dependencies-compatibility.json",
        0,
        &[4, 5, 6],
        OBJECT_WITHOUT_TYPE,
    ),
    (
        "optional/dependencies-compatibility.json",
        1,
        &[2],
        OBJECT_WITHOUT_TYPE,
    ),
    (
        "optional/dependencies-compatibility.json",
        4,
        &[5, 6, 7],
        OBJECT_WITHOUT_TYPE,
    ),
    ("format.json", 1, &[6], FORMATS_ASSERTED),
    (
        "optional/format/idn-email.json",
        0,
        &[10, 11, 12, 13, 14],
        EMAIL_SYNTAX,
    ),
    (
        "optional/format/idn-hostname.json",
        0,
        &[
            7, 8, 13, 14, 18, 19, 20, 23, 24, 25, 26, 27, 28, 30, 31, 33, 34, 36, 37, 39, 40, 44,
            47, 48, 58, 59, 60, 61, 62, 63, 64, 69,
        ],
        NO_IDNA,
    ),
    (
        "optional/format/idn-hostname.json",
        1,
        &[16, 17, 18, 19],
        NO_IDNA,
    ),
];

/// What became of one group.
enum Outcome {
    /// The pipeline refused the schema: its first error, without the place.
    Refused(String),
    /// Judged: the indices of the cases with the wrong verdict, and how many there were.
    Judged { wrong: Vec<usize>, cases: usize },
}

fn judge_group(group: &Value, scratch: &Path) -> Outcome {
    let entry = scratch.join("Suite/v1");
    std::fs::create_dir_all(&entry).unwrap();
    // `$schema` names the suite's dialect, which an OpenAPI 3.1 component has already; a
    // reference into the suite's root document is one into the component that holds it now.
    let mut schema = group["schema"].clone();
    if let Some(object) = schema.as_object_mut() {
        object.remove("$schema");
    }
    rebase_references(&mut schema);
    let text = format!(
        "openapi: 3.1.0\ninfo: {{title: suite, version: '1'}}\ncomponents:\n  schemas:\n    Case: {schema}\n"
    );
    std::fs::write(entry.join("attributes.yaml"), text).unwrap();
    let lowered = match deg_contracts_ir::lower_schemas(scratch, &[]) {
        Ok(lowered) => lowered,
        Err(failure) => {
            let error = failure.errors.0.first().map_or_else(String::new, |error| {
                let text = error.to_string();
                match error.location() {
                    Some(at) => text
                        .strip_prefix(&format!("{at}: "))
                        .unwrap_or(&text)
                        .to_owned(),
                    None => text,
                }
            });
            return Outcome::Refused(error);
        }
    };
    let ty = lowered.krate.modules.iter().find_map(|module| {
        module
            .types
            .iter()
            .find(|def| def.location.pointer == COMPONENT && def.name == "Case")
            .map(|def| TypeRef {
                module: module.name.clone(),
                name: def.name.clone(),
            })
    });
    let program = Program::new(&lowered.krate);
    let Some(schema) = ty.and_then(|ty| program.schema_of(&ty)) else {
        return Outcome::Refused("the component lowers to no type".to_owned());
    };
    let cases = group["tests"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let wrong = cases
        .iter()
        .enumerate()
        .filter(|(_, case)| {
            let expected = case["valid"].as_bool().unwrap();
            let judged = program.validate(&schema, &case["data"]).is_ok();
            assert_eq!(
                judged,
                program.is_valid(&schema, &case["data"]),
                "every error and fail fast disagree"
            );
            judged != expected
        })
        .map(|(index, _)| index)
        .collect();
    Outcome::Judged {
        wrong,
        cases: cases.len(),
    }
}

/// Rewrites every local `$ref` (`#`, `#/$defs/x`) to point into the component the schema is
/// offered as.
fn rebase_references(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            for (key, value) in object.iter_mut() {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) if reference.starts_with('#') => {
                        *reference = format!("#{COMPONENT}{}", &reference[1..]);
                    }
                    // Values, not schemas.
                    ("enum" | "const" | "default" | "examples", _) => {}
                    (_, value) => rebase_references(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rebase_references),
        _ => {}
    }
}

/// Every `*.json` below `dir`, the optional tests and formats included.
fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
}

#[test]
fn the_json_schema_test_suite_through_the_run_time_path() {
    let Some(suite) = suite() else {
        eprintln!("skipped: no JSON-Schema-Test-Suite beside the checkout");
        return;
    };
    let mut files = Vec::new();
    json_files(&suite, &mut files);
    files.sort();
    let (mut refused_cases, mut passed, mut expected) = (0, 0, 0);
    let mut unexpected = Vec::new();
    let mut refusals = String::new();
    let mut judged_groups = Vec::new();
    for file in &files {
        let name = file.strip_prefix(&suite).unwrap().display().to_string();
        let groups: Vec<Value> = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        for (index, group) in groups.iter().enumerate() {
            let scratch = tempfile::tempdir().unwrap();
            match judge_group(group, scratch.path()) {
                Outcome::Refused(reason) => {
                    refused_cases += group["tests"].as_array().map_or(0, Vec::len);
                    let _ = writeln!(refusals, "{name} {index}: {reason}");
                }
                Outcome::Judged { wrong, cases } => {
                    judged_groups.push((name.clone(), index));
                    let allowed: &[usize] = EXPECTED_FAILURES
                        .iter()
                        .find(|(file, group, ..)| *file == name && *group == index)
                        .map_or(&[], |(_, _, cases, _)| cases);
                    for case in 0..cases {
                        match (wrong.contains(&case), allowed.contains(&case)) {
                            (false, false) => passed += 1,
                            (true, true) => expected += 1,
                            (true, false) => unexpected.push(format!("{name} {index} case {case}: wrong verdict")),
                            (false, true) => unexpected.push(format!("{name} {index} case {case}: expected to fail, now passes; remove it from EXPECTED_FAILURES")),
                        }
                    }
                }
            }
        }
    }
    for (file, group, _, _) in EXPECTED_FAILURES {
        if !judged_groups
            .iter()
            .any(|(name, index)| name == file && index == group)
        {
            unexpected.push(format!(
                "{file} {group}: expected failures in a group no longer judged"
            ));
        }
    }
    // Written to the terminal itself, past the harness's capture, so `cargo test` shows it.
    let _ = writeln!(
        std::io::stderr(),
        "JSON-Schema-Test-Suite: {passed} passed, {expected} expected failures, {} unexpected ({refused_cases} cases in groups the pipeline refuses)",
        unexpected.len()
    );
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
    assert!(passed > 500, "only {passed} cases passed");
    insta::assert_snapshot!(refusals);
}
