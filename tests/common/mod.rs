//! Helpers shared by the integration tests: where things are, and reading examples.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub mod hostile;

use serde_json::Value;

/// The command line, run from the workspace root, without colour.
pub fn deg() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("deg-contracts").unwrap();
    command.current_dir(root()).env("NO_COLOR", "1");
    command
}

/// Runs a command and returns (exit code, stdout, stderr).
pub fn run(command: &mut assert_cmd::Command) -> (i32, String, String) {
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// Each line of JSON Lines output, parsed.
pub fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// The file name (without its directory) a JSON finding is reported on.
pub fn finding_file(finding: &Value) -> String {
    let file = finding["file"].as_str().unwrap_or_default();
    file.rsplit('/').next().unwrap_or(file).to_owned()
}

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Our example messages, sorted by path.
pub fn example_files() -> Vec<PathBuf> {
    json_files(&root().join("schema/examples"))
}

/// The message of one step of the example transaction (`10_on_confirm`).
pub fn step_file(step: &str) -> PathBuf {
    let dir = root().join("schema/examples/p2p_trading").join(step);
    json_files(&dir)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no message in {}", dir.display()))
}

/// Every `*.json` below `dir`, sorted.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    deg_contracts::run::json_files(dir).unwrap_or_else(|e| panic!("{e}"))
}

/// Reads and parses a JSON file, naming it on failure.
pub fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The third-party corpus beside the checkout, if present. Under CI (CI=true) its absence is a
/// failure; elsewhere the caller skips and says so.
pub fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/deg-corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!(
            "CI=true but the third-party corpus is missing at {}",
            dir.display()
        );
    }
    eprintln!("skipped: no third-party corpus at {}", dir.display());
    None
}

/// Every object in a message whose `@type` is `type_name`, with its pointer.
pub fn objects_of_type(message: &Value, type_name: &str) -> Vec<(String, Value)> {
    let mut skipped = Vec::new();
    let text = message.to_string();
    let arena = deg_contracts_runtime::json::Arena::new();
    let message =
        deg_contracts_runtime::json::parse(&text, &arena).expect("a serde_json value's text");
    deg_contracts::discover::typed_objects(&message, &mut skipped)
        .into_iter()
        .filter(|object| object.type_name == type_name)
        .map(|object| (object.pointer, object.value.to_serde()))
        .collect()
}

/// JSON text with every object's `role` member first, as Beckn messages write roles, so the
/// streaming verdict dispatches without buffering.
pub fn role_first(value: &Value) -> String {
    match value {
        Value::Object(object) => {
            let mut keys: Vec<&String> = object.keys().collect();
            keys.sort_by_key(|key| *key != "role");
            let members: Vec<String> = keys
                .iter()
                .map(|key| {
                    format!(
                        "{}:{}",
                        Value::String((*key).clone()),
                        role_first(&object[*key])
                    )
                })
                .collect();
            format!("{{{}}}", members.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(role_first).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// Our schema directory, read and compiled for the run-time interpreter, once per test binary.
pub fn interpreted() -> &'static deg_contracts_ir::interpret::Program {
    static PROGRAM: std::sync::OnceLock<deg_contracts_ir::interpret::Program> =
        std::sync::OnceLock::new();
    PROGRAM.get_or_init(|| {
        let lowered = deg_contracts_ir::lower_schemas(&root().join("schema"), &[])
            .unwrap_or_else(|failure| panic!("schema/ does not lower: {:?}", failure.errors));
        deg_contracts_ir::interpret::Program::new(&lowered.krate)
    })
}

/// The interpreter's errors for `value` against the schema whose `@type` is `type_name`.
pub fn interpreted_validate(
    type_name: &str,
    value: &Value,
) -> Result<(), deg_contracts::schema::ValidationErrors> {
    let program = interpreted();
    let schema = program
        .schemas()
        .iter()
        .find(|schema| schema.type_name == type_name)
        .unwrap_or_else(|| panic!("the interpreter has no schema `{type_name}`"));
    program.validate(schema, value)
}
