//! `validate --schema DIR`: schemas read at run time judge exactly as the compiled ones do, a
//! broken schema stops the run before any message (or, with `--keep-going`, leaves out only
//! what it breaks), and the rules apply wherever the loaded schema carries their names.

mod common;

use std::path::Path;

use common::{corpus, deg, example_files, finding_file, json_lines, root, run};
use serde_json::Value;

const FORMATS: [&str; 6] = ["human", "json", "github", "sarif", "junit", "html"];

/// A copy of our schema directory (without its examples) that a test may edit.
fn schema_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("schema"), dir.path());
    std::fs::remove_dir_all(dir.path().join("examples")).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// Our examples as one message log, for standard input.
fn example_log() -> String {
    example_files()
        .iter()
        .map(|file| {
            let value: Value = common::read_json(file);
            format!("{value}\n")
        })
        .collect()
}

#[test]
fn our_schemas_read_at_run_time_print_exactly_what_the_compiled_gate_prints() {
    let fixtures = root().join("tests/fixtures/cli");
    let mut cases: Vec<Vec<String>> = vec![
        vec!["schema/examples".into()],
        vec!["--per-message".into(), fixtures.display().to_string()],
    ];
    if let Some(corpus) = corpus() {
        cases.push(vec![
            "--per-message".into(),
            corpus.join("examples").display().to_string(),
        ]);
    }
    let mut findings = 0;
    for format in FORMATS {
        for case in &cases {
            let compiled = run(deg().args(["validate", "--format", format]).args(case));
            let interpreted = run(deg()
                .args(["validate", "--format", format, "--schema", "schema"])
                .args(case));
            assert_eq!(interpreted, compiled, "--format {format} {case:?}");
            findings += compiled.1.matches("schema/").count();
        }
        let log = example_log();
        let compiled = run(deg()
            .args(["validate", "--jsonl", "--format", format, "-"])
            .write_stdin(log.clone()));
        let interpreted = run(deg()
            .args([
                "validate", "--jsonl", "--format", format, "--schema", "schema", "-",
            ])
            .write_stdin(log));
        assert_eq!(interpreted, compiled, "--format {format}, a log on stdin");
    }
    assert!(findings > 20, "only {findings} schema findings compared");
}

#[test]
fn a_broken_schema_stops_the_run_before_any_message_is_judged() {
    let schemas = schema_copy();
    let delivery = schemas
        .path()
        .join("EnergyTradeDelivery/v1/attributes.yaml");
    edit(&delivery, "type: object", "type: [object");
    let (code, stdout, _) = run(deg()
        .args(["validate", "--schema"])
        .arg(schemas.path())
        .arg("schema/examples"));
    assert_eq!(code, 2, "{stdout}");
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.contains("EnergyTradeDelivery/v1/attributes.yaml:")
            && first.contains("error[schema-definition]"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("schema/examples"),
        "a message was judged: {stdout}"
    );
    let (code, lint, _) = run(deg().args(["schema"]).arg(schemas.path()));
    assert_eq!(code, 1);
    assert_eq!(
        lint.lines().next(),
        stdout.lines().next(),
        "reported as the schema lint reports it"
    );
}

#[test]
fn keep_going_leaves_out_only_what_a_broken_schema_breaks_and_says_so_per_object() {
    let schemas = schema_copy();
    let delivery = schemas
        .path()
        .join("EnergyTradeDelivery/v1/attributes.yaml");
    edit(&delivery, "type: object", "type: [object");
    let (code, stdout, _) = run(deg()
        .args(["validate", "--format", "json", "--keep-going", "--schema"])
        .arg(schemas.path())
        .arg("schema/examples"));
    assert_eq!(code, 1, "{stdout}");
    let findings = json_lines(&stdout);
    let broken: Vec<&Value> = findings
        .iter()
        .filter(|finding| finding["rule"] == "schema-definition")
        .collect();
    assert_eq!(broken.len(), 1, "{stdout}");
    assert!(
        broken[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("EnergyTradeDelivery/v1/attributes.yaml")
    );
    let unloaded: Vec<&Value> = findings
        .iter()
        .filter(|finding| finding["rule"] == "schema/unloaded")
        .collect();
    // Every delivery in the examples, each reported at its place and never passed silently.
    let deliveries = example_files()
        .iter()
        .map(|file| common::objects_of_type(&common::read_json(file), "EnergyTradeDelivery").len())
        .sum::<usize>();
    assert!(deliveries > 0);
    assert_eq!(unloaded.len(), deliveries, "{stdout}");
    for finding in &unloaded {
        assert!(
            finding["line"].as_u64().is_some_and(|line| line > 1),
            "{finding}"
        );
        let message = finding["message"].as_str().unwrap();
        assert!(
            message.contains("EnergyTradeDelivery/v1") && message.contains("could not be loaded"),
            "{message}"
        );
    }
    // The contracts, whose schemas do not depend on the broken file, are still judged.
    let (_, compiled, _) = run(deg().args(["validate", "--format", "json", "schema/examples"]));
    let contract_findings = |all: &[Value]| -> Vec<Value> {
        all.iter()
            .filter(|finding| {
                finding["pointer"]
                    .as_str()
                    .is_some_and(|pointer| pointer.contains("beckn:orderAttributes"))
            })
            .cloned()
            .collect()
    };
    let expected = contract_findings(&json_lines(&compiled));
    assert!(!expected.is_empty());
    assert_eq!(contract_findings(&findings), expected);
}

#[test]
fn a_schema_directory_that_is_not_one_is_a_usage_error() {
    let (code, stdout, stderr) =
        run(deg().args(["validate", "--schema", "no/such/dir", "schema/examples"]));
    assert_eq!(code, 2);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("no/such/dir: not a schema directory"),
        "{stderr}"
    );
    let (code, _, stderr) = run(deg().args(["validate", "--keep-going", "schema/examples"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("--schema"), "{stderr}");
}

#[test]
fn the_rules_read_a_loaded_schema_and_verbose_says_which_names_it_lacks() {
    let schemas = schema_copy();
    let contract = schemas
        .path()
        .join("EnergyContractP2PTrade/v1/attributes.yaml");
    edit(&contract, "wheelingCharges", "wheelingFee");
    let (code, stdout, stderr) = run(deg()
        .args(["validate", "--verbose", "--format", "json", "--schema"])
        .arg(schemas.path())
        .arg("schema/examples/p2p_trading/10_on_confirm"));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stderr.contains(
            "EnergyContractP2PTrade (EnergyContractP2PTrade/v1) declares no input `wheelingCharges` on GRID_OPERATOR"
        ),
        "{stderr}"
    );
    let findings = json_lines(&stdout);
    let rules: Vec<&str> = findings
        .iter()
        .filter_map(|finding| finding["rule"].as_str())
        .collect();
    // The loaded schema's roles decide: the renamed input is required, the old one unknown,
    // and a formula naming the old one names an input the role no longer declares.
    for rule in [
        "schema/missing-role-input",
        "schema/unknown-property",
        "formula-reference",
    ] {
        assert!(rules.contains(&rule), "{rule} missing in {rules:?}");
    }
    assert!(
        findings
            .iter()
            .all(|finding| finding_file(finding) == "on-confirm-p2p-trade.json")
    );
}

#[test]
fn the_corpus_schemas_judge_the_corpus_deliveries_and_report_each_broken_file_once() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: no corpus beside the checkout");
        return;
    };
    let examples = corpus.join("examples/p2p_trading");
    let (_, stdout, _) = run(deg()
        .args(["validate", "--format", "json", "--keep-going", "--schema"])
        .arg(corpus.join("schema"))
        .arg(&examples));
    let findings = json_lines(&stdout);
    for broken in ["GridNode", "EnergyOffer"] {
        let errors = findings
            .iter()
            .filter(|finding| {
                finding["rule"] == "schema-definition"
                    && finding["file"]
                        .as_str()
                        .is_some_and(|file| file.contains(&format!("/{broken}/")))
            })
            .count();
        assert_eq!(errors, 1, "{broken}: {stdout}");
    }
    let judged_by_v02 = |findings: &[Value]| {
        findings
            .iter()
            .filter(|finding| {
                finding["schema_location"]
                    .as_str()
                    .is_some_and(|at| at.starts_with("EnergyTradeDelivery/v0.2/"))
            })
            .count()
    };
    assert!(judged_by_v02(&findings) > 0, "{stdout}");
    // The compiled gate has only v1 of the delivery, so it skips the corpus's v0.2 ones.
    let (_, compiled, _) = run(deg().args(["validate", "--format", "json"]).arg(&examples));
    assert_eq!(judged_by_v02(&json_lines(&compiled)), 0);
}

#[test]
fn a_context_prefix_mapped_to_a_directory_is_judged_by_that_directory_alone() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: no corpus beside the checkout");
        return;
    };
    // The corpus's v0.2 delivery schema alone, beside our schemas.
    let v02 = tempfile::tempdir().unwrap();
    copy_dir(
        &corpus.join("schema/EnergyTradeDelivery/v0.2"),
        &v02.path().join("EnergyTradeDelivery/v0.2"),
    );
    let message = corpus.join("examples/p2p_trading/12_on_status");
    let delivery_findings = |stdout: &str| {
        json_lines(stdout)
            .into_iter()
            .filter(|finding| {
                finding["schema_location"]
                    .as_str()
                    .is_some_and(|at| at.starts_with("EnergyTradeDelivery/"))
            })
            .count()
    };
    let (_, both, _) = run(deg()
        .args([
            "validate",
            "--per-message",
            "--format",
            "json",
            "--schema",
            "schema",
            "--schema",
        ])
        .arg(v02.path())
        .arg(&message));
    assert!(
        delivery_findings(&both) > 0,
        "the v0.2 delivery is judged: {both}"
    );
    // Mapping the upstream prefix to our directory leaves only our v1 for those objects: the
    // v0.2 delivery is skipped, not judged by the other directory.
    let (_, mapped, _) = run(deg()
        .args([
            "validate",
            "--per-message",
            "--format",
            "json",
            "--schema-map",
        ])
        .arg("https://raw.githubusercontent.com/beckn/=schema")
        .arg("--schema")
        .arg(v02.path())
        .arg(&message));
    assert_eq!(delivery_findings(&mapped), 0, "{mapped}");
    // The same map, from the configuration file, relative to it.
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("deg-contracts.toml"),
        format!(
            "[schemas]\n\"https://raw.githubusercontent.com/beckn/\" = \"{}\"\n",
            root().join("schema").display()
        ),
    )
    .unwrap();
    let (_, configured, _) = run(deg()
        .args(["validate", "--per-message", "--format", "json", "--config"])
        .arg(config.path().join("deg-contracts.toml"))
        .arg("--schema")
        .arg(v02.path())
        .arg(&message));
    assert_eq!(configured, mapped);
}

#[test]
fn our_examples_under_a_map_to_our_directory_print_what_the_compiled_gate_prints() {
    let compiled = run(deg().args(["validate", "--format", "json", "schema/examples"]));
    let mapped = run(deg().args([
        "validate",
        "--format",
        "json",
        "--schema-map",
        "https://schemas.deg-contracts.example/=schema",
        "schema/examples",
    ]));
    assert_eq!(mapped, compiled);
    for (map, complaint) in [
        ("schema", "expected URL_PREFIX=DIR"),
        ("not a url=schema", "is not an absolute URL"),
        (
            "https://x.example/=no/such/dir",
            "is not a schema directory",
        ),
    ] {
        let (code, _, stderr) =
            run(deg().args(["validate", "--schema-map", map, "schema/examples"]));
        assert_eq!(code, 2, "{map}");
        assert!(stderr.contains(complaint), "{map}: {stderr}");
    }
}

/// Under `--schema-map`, the directory answers for its prefix in `$ref`s too: a schema
/// published at `<prefix>shared/node.yaml` is the file `shared/node.yaml` there, never fetched.
#[test]
fn a_mapped_directory_resolves_the_refs_under_its_prefix() {
    let head = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n";
    let schemas = tempfile::tempdir().unwrap();
    let write = |path: &str, text: String| {
        let path = schemas.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "Thing/v1/attributes.yaml",
        format!(
            "{head}    Thing:\n      type: object\n      x-jsonld: {{\"@type\": Thing}}\n      properties:\n        node: {{$ref: 'https://schemas.example.org/deg/shared/node.yaml#/components/schemas/Node'}}\n"
        ),
    );
    write(
        "shared/node.yaml",
        format!("{head}    Node:\n      type: object\n      required: [id]\n"),
    );
    let message = schemas.path().join("message.json");
    std::fs::write(
        &message,
        r#"{"context": {"action": "on_status"}, "message": {"thing": {"@context": "https://schemas.example.org/deg/Thing/v1/context.jsonld", "@type": "Thing", "node": {}}}}"#,
    )
    .unwrap();
    let (code, stdout, _) = run(deg()
        .args([
            "validate",
            "--per-message",
            "--format",
            "json",
            "--schema-map",
        ])
        .arg(format!(
            "https://schemas.example.org/deg/={}",
            schemas.path().display()
        ))
        .arg(&message));
    assert_eq!(code, 1, "{stdout}");
    let findings = json_lines(&stdout);
    assert_eq!(findings.len(), 1, "{stdout}");
    assert_eq!(findings[0]["rule"], "schema/required");
    assert_eq!(findings[0]["pointer"], "/message/thing/node");
    // Read without the map, the reference leads nowhere, and the run stops on it.
    let (code, stdout, _) = run(deg()
        .args(["validate", "--per-message", "--schema"])
        .arg(schemas.path())
        .arg(&message));
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.contains("--schema-map URL_PREFIX=DIR"), "{stdout}");
    // The schema lint takes the same map as codegen.
    let (code, stdout, _) = run(deg().arg("schema").arg(schemas.path()));
    assert_eq!(code, 1, "{stdout}");
    let (code, stdout, _) = run(deg()
        .arg("schema")
        .arg(schemas.path())
        .arg("--schema-map")
        .arg(format!(
            "https://schemas.example.org/deg/={}",
            schemas.path().display()
        )));
    assert_eq!(code, 0, "{stdout}");
    let (code, _, stderr) = run(deg()
        .arg("schema")
        .arg(schemas.path())
        .args(["--schema-map", "https://schemas.example.org/deg/=/"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("is not under the schema root"), "{stderr}");
}
