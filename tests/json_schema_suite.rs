//! The official JSON-Schema-Test-Suite (draft 2020-12) through our pipeline: each group's
//! schema is offered to codegen's library as a component, lowered, and every case is judged by
//! the run-time interpreter (which the differential tests hold equal to the generated
//! validators). The outcome, group by group, is a snapshot: the groups the pipeline refuses,
//! with its reason, and the cases it judges wrongly. Any change in either (a keyword newly
//! supported, a verdict fixed or broken) fails the test until the snapshot is reviewed.
//! Only indices and our own messages are recorded, never the suite's text.

mod common;

use std::fmt::Write as _;
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
    // `$schema` names the suite's dialect, which an OpenAPI 3.1 component has already.
    let mut schema = group["schema"].clone();
    if let Some(object) = schema.as_object_mut() {
        object.remove("$schema");
    }
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
            .find(|def| def.location.pointer == COMPONENT)
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
    let (mut refused_cases, mut judged_cases, mut wrong_cases) = (0, 0, 0);
    let mut report = String::new();
    for file in &files {
        let name = file.strip_prefix(&suite).unwrap().display().to_string();
        let groups: Vec<Value> = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        for (index, group) in groups.iter().enumerate() {
            let scratch = tempfile::tempdir().unwrap();
            match judge_group(group, scratch.path()) {
                Outcome::Refused(reason) => {
                    refused_cases += group["tests"].as_array().map_or(0, Vec::len);
                    let _ = writeln!(report, "{name} {index}: refused: {reason}");
                }
                Outcome::Judged { wrong, cases } => {
                    judged_cases += cases;
                    wrong_cases += wrong.len();
                    if !wrong.is_empty() {
                        let _ =
                            writeln!(report, "{name} {index}: wrong verdict in cases {wrong:?}");
                    }
                }
            }
        }
    }
    let summary = format!(
        "{} cases: {refused_cases} refused, {judged_cases} judged, {wrong_cases} of them wrongly\n",
        refused_cases + judged_cases
    );
    assert!(judged_cases > 500, "{summary}\n{report}");
    insta::assert_snapshot!(format!("{summary}\n{report}"));
}
