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
    let dir = common::workspace().join("../shared/json-schema-test-suite/tests/draft2020-12");
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
    /// Judged: each case's verdict, run time, and the indices of the wrong ones.
    Judged {
        verdicts: Vec<bool>,
        wrong: Vec<usize>,
    },
}

/// A group's schema as the component `name`: `$schema` names the suite's dialect, which an
/// OpenAPI 3.1 component has already, and a reference into the suite's root document is one
/// into the component that holds it now.
fn offered(group: &Value, name: &str) -> Value {
    let mut schema = group["schema"].clone();
    if let Some(object) = schema.as_object_mut() {
        object.remove("$schema");
    }
    rebase_references(&mut schema, &format!("/components/schemas/{name}"));
    schema
}

/// An entry `Suite/v1` holding `components` under `root`.
fn write_entry(root: &Path, components: &[(String, Value)]) {
    let entry = root.join("Suite/v1");
    std::fs::create_dir_all(&entry).unwrap();
    let mut text = String::from(
        "openapi: 3.1.0\ninfo: {title: suite, version: '1'}\ncomponents:\n  schemas:\n",
    );
    for (name, schema) in components {
        let _ = writeln!(text, "    {name}: {schema}");
    }
    std::fs::write(entry.join("attributes.yaml"), text).unwrap();
}

fn judge_group(group: &Value, scratch: &Path) -> Outcome {
    write_entry(scratch, &[("Case".to_owned(), offered(group, "Case"))]);
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
    let verdicts: Vec<bool> = cases
        .iter()
        .map(|case| {
            let judged = program.validate(&schema, &case["data"]).is_ok();
            assert_eq!(
                judged,
                program.is_valid(&schema, &case["data"]),
                "every error and fail fast disagree"
            );
            judged
        })
        .collect();
    let wrong = cases
        .iter()
        .zip(&verdicts)
        .enumerate()
        .filter(|(_, (case, judged))| case["valid"].as_bool() != Some(**judged))
        .map(|(index, _)| index)
        .collect();
    Outcome::Judged { verdicts, wrong }
}

/// Rewrites every local `$ref` (`#`, `#/$defs/x`) to point into `component`, where the
/// schema is offered.
fn rebase_references(schema: &mut Value, component: &str) {
    match schema {
        Value::Object(object) => {
            for (key, value) in object.iter_mut() {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) if reference.starts_with('#') => {
                        *reference = format!("#{component}{}", &reference[1..]);
                    }
                    // Values, not schemas.
                    ("enum" | "const" | "default" | "examples", _) => {}
                    (_, value) => rebase_references(value, component),
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rebase_references(item, component)),
        _ => {}
    }
}

/// Every group of the suite, by file (relative to the suite) and index.
fn groups(suite: &Path) -> Vec<(String, usize, Value)> {
    let mut files = Vec::new();
    json_files(suite, &mut files);
    files.sort();
    files
        .iter()
        .flat_map(|file| {
            let name = file.strip_prefix(suite).unwrap().display().to_string();
            let groups: Vec<Value> = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
            groups
                .into_iter()
                .enumerate()
                .map(move |(index, group)| (name.clone(), index, group))
        })
        .collect()
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
    let (mut refused_cases, mut passed, mut expected) = (0, 0, 0);
    let mut unexpected = Vec::new();
    let mut refusals = String::new();
    let mut judged_groups = Vec::new();
    for (name, index, group) in groups(&suite) {
        let scratch = tempfile::tempdir().unwrap();
        match judge_group(&group, scratch.path()) {
            Outcome::Refused(reason) => {
                refused_cases += group["tests"].as_array().map_or(0, Vec::len);
                let _ = writeln!(refusals, "{name} {index}: {reason}");
            }
            Outcome::Judged { verdicts, wrong } => {
                judged_groups.push((name.clone(), index));
                let allowed: &[usize] = EXPECTED_FAILURES
                    .iter()
                    .find(|(file, group, ..)| *file == name && *group == index)
                    .map_or(&[], |(_, _, cases, _)| cases);
                for case in 0..verdicts.len() {
                    match (wrong.contains(&case), allowed.contains(&case)) {
                        (false, false) => passed += 1,
                        (true, true) => expected += 1,
                        (true, false) => {
                            unexpected.push(format!("{name} {index} case {case}: wrong verdict"))
                        }
                        (false, true) => unexpected.push(format!(
                            "{name} {index} case {case}: expected to fail, now passes; remove it from EXPECTED_FAILURES"
                        )),
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

/// The compiled path: every group the pipeline takes, each as its own component of one schema
/// file, generated into one crate and built once; its validators (every error, fail fast and
/// the streaming verdict) must judge each case exactly as the run-time path does, so both
/// paths share the expected failures above.
#[test]
fn the_generated_validators_judge_the_suite_as_the_run_time_path_does() {
    let Some(suite) = suite() else {
        eprintln!("skipped: no JSON-Schema-Test-Suite beside the checkout");
        return;
    };
    let mut components = Vec::new();
    let mut cases = Vec::new();
    for (_, _, group) in groups(&suite) {
        let scratch = tempfile::tempdir().unwrap();
        let Outcome::Judged { verdicts, .. } = judge_group(&group, scratch.path()) else {
            continue;
        };
        let name = format!("Case{}", components.len());
        components.push((name.clone(), offered(&group, &name)));
        let tests = group["tests"].as_array().unwrap();
        for (test, verdict) in tests.iter().zip(verdicts) {
            cases.push(serde_json::json!({"case": name, "data": test["data"], "valid": verdict}));
        }
    }
    assert!(components.len() > 250, "only {} groups", components.len());
    let schema = tempfile::tempdir().unwrap();
    write_entry(schema.path(), &components);
    let out = tempfile::tempdir().unwrap();
    let options = xtask::Options {
        schema: schema.path().to_owned(),
        out: out.path().to_owned(),
        entries: Vec::new(),
        check: false,
        runtime: xtask::workspace_runtime(),
        keep_going: false,
        deny_warnings: false,
        urls: Default::default(),
    };
    xtask::codegen(&options).unwrap_or_else(|failure| panic!("{}", failure.errors));
    let checks: String = components
        .iter()
        .map(|(name, _)| {
            format!("    (\"{name}\", suite_v1::{name}::validate, suite_v1::{name}::is_valid, suite_v1::{name}::verdict),\n")
        })
        .collect();
    let harness = format!(
        r#"//! Written by the suite test: each case against the generated validators.
use deg_contracts_schema::{{suite_v1, ValidationErrors}};
use serde_json::Value;

type Validate = fn(&Value) -> Result<(), ValidationErrors>;

const CHECKS: &[(&str, Validate, fn(&Value) -> bool, fn(&[u8]) -> bool)] = &[
{checks}];

#[test]
fn every_case_as_the_run_time_path_judges_it() {{
    let cases: Vec<Value> = serde_json::from_str(include_str!("cases.json")).unwrap();
    let mut disagreements = Vec::new();
    for case in &cases {{
        let name = case["case"].as_str().unwrap();
        let (_, validate, is_valid, verdict) = CHECKS.iter().find(|(n, ..)| *n == name).unwrap();
        let expected = case["valid"].as_bool().unwrap();
        let data = &case["data"];
        let judged = [validate(data).is_ok(), is_valid(data), verdict(data.to_string().as_bytes())];
        if judged != [expected; 3] {{
            disagreements.push(format!("{{name}} {{data}}: run time {{expected}}, generated {{judged:?}}"));
        }}
    }}
    assert!(disagreements.is_empty(), "{{}}", disagreements.join("\n"));
}}
"#
    );
    std::fs::create_dir_all(out.path().join("tests")).unwrap();
    std::fs::write(out.path().join("tests/suite.rs"), harness).unwrap();
    std::fs::write(
        out.path().join("tests/cases.json"),
        serde_json::to_string(&cases).unwrap(),
    )
    .unwrap();
    common::cargo_in(out.path(), &["test", "--quiet"]);
    let _ = writeln!(
        std::io::stderr(),
        "JSON-Schema-Test-Suite, generated validators: {} cases of {} groups judged as the run-time path judges them",
        cases.len(),
        components.len()
    );
}
