//! The command line as a user meets it: every output format on a mixed directory, standard
//! input, hostile inputs, and every exit code.

mod common;

use common::{deg, root, run};

const MIXED: &str = "tests/fixtures/cli";

#[test]
fn human_output_on_a_mixed_directory() {
    let (code, stdout, stderr) = run(deg().args(["validate", "--per-message", MIXED]));
    assert_eq!(code, 1);
    assert_eq!(stderr, "");
    insta::assert_snapshot!("human", stdout);
}

#[test]
fn json_lines_output_on_a_mixed_directory() {
    let (code, stdout, stderr) =
        run(deg().args(["validate", "--per-message", "--format", "json", MIXED]));
    assert_eq!(code, 1);
    assert_eq!(stderr, "8 files, 7 objects: 13 errors, 1 warning\n");
    for line in stdout.lines() {
        let finding: serde_json::Value = serde_json::from_str(line).unwrap();
        let keys: Vec<&String> = finding.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "beckn_error",
                "column",
                "file",
                "line",
                "message",
                "pointer",
                "rule",
                "schema_location",
                "severity"
            ]
        );
        // Schema findings NACK as Beckn's JSON-SCHEMA-ERROR; every finding here has a code.
        let nack = &finding["beckn_error"];
        assert!(
            nack["code"].as_str().is_some_and(|code| code.len() == 5),
            "{line}"
        );
        if finding["rule"].as_str().unwrap().starts_with("schema/") {
            assert_eq!(nack["type"], "JSON-SCHEMA-ERROR", "{line}");
        }
    }
    insta::assert_snapshot!("json", stdout);
}

#[test]
fn github_output_on_a_mixed_directory() {
    let (code, stdout, _) =
        run(deg().args(["validate", "--per-message", "--format", "github", MIXED]));
    assert_eq!(code, 1);
    insta::assert_snapshot!("github", stdout);
}

#[test]
fn sarif_output_on_a_mixed_directory() {
    let (code, stdout, _) =
        run(deg().args(["validate", "--per-message", "--format", "sarif", MIXED]));
    assert_eq!(code, 1);
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 14);
    insta::assert_snapshot!("sarif", stdout);
}

#[test]
fn junit_output_on_a_mixed_directory() {
    let (code, stdout, _) =
        run(deg().args(["validate", "--per-message", "--format", "junit", MIXED]));
    assert_eq!(code, 1);
    let document = roxmltree::Document::parse(&stdout).unwrap_or_else(|e| panic!("{e}"));
    let suites: Vec<_> = document
        .descendants()
        .filter(|node| node.has_tag_name("testsuite"))
        .collect();
    let count = |attribute| -> usize {
        suites
            .iter()
            .map(|suite| {
                suite
                    .attribute(attribute)
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
            })
            .sum()
    };
    assert_eq!((suites.len(), count("tests"), count("failures")), (8, 8, 6));
    insta::assert_snapshot!("junit", stdout);
}

#[test]
fn human_output_is_coloured_when_forced_and_plain_under_no_color() {
    let file = "tests/fixtures/cli/broken/settlement.json";
    let mut forced = assert_cmd::Command::cargo_bin("deg-contracts").unwrap();
    forced
        .current_dir(root())
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR");
    let (_, coloured, _) = run(forced.args(["validate", "--per-message", file]));
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[31merror[settlement]\u{1b}[0m"),
        "{coloured:?}"
    );
    let (_, plain, _) = run(deg().args(["validate", "--per-message", file]));
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
}

#[test]
fn verbose_lists_the_objects_no_schema_describes() {
    let (code, stdout, _) = run(deg().args([
        "validate",
        "--verbose",
        "tests/fixtures/cli/valid/on-confirm.json",
    ]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains(
            "tests/fixtures/cli/valid/on-confirm.json: skipped beckn:Order at /message/order"
        ),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("1 file, 1 object: 0 errors, 0 warnings\n"),
        "{stdout}"
    );
}

#[test]
fn the_bundled_examples_pass_with_exit_zero() {
    let (code, stdout, _) = run(deg().args(["validate", "schema/examples"]));
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.ends_with("15 files, 16 objects: 0 errors, 4 warnings\n"),
        "{stdout}"
    );
}

#[test]
fn the_upstream_corpus_passes_each_message_and_its_trade_inconsistencies_are_reported() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (code, stdout, _) = run(deg()
        .args(["validate", "--format", "json"])
        .arg(corpus.join("examples/p2p_trading")));
    assert_eq!(code, 1, "{stdout}");
    let mut counts = std::collections::BTreeMap::new();
    for line in stdout.lines() {
        let finding: serde_json::Value = serde_json::from_str(line).unwrap();
        let rule = finding["rule"].as_str().unwrap().to_owned();
        if !rule.starts_with("transaction/") {
            assert_eq!(finding["severity"], "warning", "{line}");
        }
        *counts.entry(rule).or_insert(0) += 1;
    }
    // The BAP's confirm carries the grid operator's values no message gave it; the cascade,
    // which the seller's platform runs under another BAP id (one party with its BPP id), drops
    // nine inputs that platform had seen in the init; and seven inputs the seller and buyer
    // set in on_init are gone from every later contract. Per message, the
    // schemas pass. The deliveries are EnergyTradeDelivery v0.2 (this build has v1): skipped,
    // not judged by another version's schema, and said so under --verbose.
    assert_eq!(
        format!("{counts:?}"),
        r#"{"role-not-listed": 5, "transaction/provenance": 5, "transaction/terms": 37}"#
    );
    let (_, verbose, _) = run(deg()
        .args(["validate", "--verbose"])
        .arg(corpus.join("examples/p2p_trading")));
    assert!(
        verbose.contains(
            "skipped EnergyTradeDelivery (EnergyTradeDelivery/v0.2; this build has EnergyTradeDelivery/v1)"
        ),
        "{verbose}"
    );
}

#[test]
fn standard_input_is_checked_as_one_message() {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/cli/broken/settlement.json")).unwrap();
    let (code, stdout, _) = run(deg()
        .args(["validate", "--per-message", "--format", "json", "-"])
        .write_stdin(text));
    assert_eq!(code, 1);
    assert!(
        stdout
            .lines()
            .all(|line| line.contains("\"file\":\"<stdin>\"")),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 2);
    let (code, _, _) = run(deg()
        .args(["validate", "--per-message", "-"])
        .write_stdin("{}"));
    assert_eq!(code, 0);
}

#[test]
fn hostile_inputs_give_findings_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    std::fs::write(dir.path().join("deep.json"), deep).unwrap();
    std::fs::write(
        dir.path().join("huge.json"),
        r#"{"n": 1e999999, "big": 123456789012345678901234567890}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("latin1.json"), b"{\"name\": \"caf\xe9\"}").unwrap();
    let (code, stdout, stderr) = run(deg().args(["validate", "--format", "json"]).arg(dir.path()));
    assert_eq!(code, 1, "{stderr}");
    let messages: Vec<String> = stdout
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .map(|finding| {
            format!(
                "{}:{}:{}: {}",
                common::finding_file(&finding),
                finding["line"],
                finding["column"],
                finding["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            "deep.json:1:128: nested more than 128 levels deep",
            "huge.json:1:14: not valid JSON: number out of range",
            "latin1.json:1:14: not valid UTF-8: byte 0xe9 at offset 13",
        ]
    );
}

#[test]
fn missing_and_unreadable_paths_exit_two() {
    let (code, _, stderr) =
        run(deg().args(["validate", "tests/fixtures/cli/valid", "no/such/file.json"]));
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "deg-contracts: no/such/file.json: No such file or directory (os error 2)\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("dangling.json");
    std::os::unix::fs::symlink(dir.path().join("gone.json"), &link).unwrap();
    let (code, _, stderr) = run(deg().arg("validate").arg(&link));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("dangling.json: No such file or directory"),
        "{stderr}"
    );
    let (code, stdout, _) = run(deg().arg("validate").arg(dir.path()));
    assert_eq!((code, stdout.trim_end()), (2, format!("{}: error: cannot read: No such file or directory (os error 2)\n1 file, 0 objects: 0 errors, 0 warnings, 1 unreadable", link.display()).as_str()));
    let (code, stdout, _) = run(deg().args(["validate", "--format", "json"]).arg(dir.path()));
    let expected = serde_json::json!({
        "beckn_error": null, "column": null, "file": link.display().to_string(), "line": null,
        "message": "cannot read: No such file or directory (os error 2)", "pointer": null,
        "rule": "io", "schema_location": null, "severity": "error",
    });
    assert_eq!((code, stdout), (2, format!("{expected}\n")));
}

#[test]
fn usage_errors_exit_two() {
    for args in [
        vec!["validate"],
        vec!["validate", "--bogus", "x"],
        vec!["validate", "--format", "xml", "x"],
        vec!["frobnicate"],
    ] {
        let (code, _, stderr) = run(deg().args(&args));
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    }
}

#[test]
fn output_order_does_not_depend_on_the_number_of_workers() {
    let (_, one, _) = run(deg().args([
        "validate",
        "--format",
        "json",
        "--jobs",
        "1",
        MIXED,
        "schema/examples",
    ]));
    let (_, many, _) = run(deg().args([
        "validate",
        "--format",
        "json",
        "--jobs",
        "8",
        MIXED,
        "schema/examples",
    ]));
    assert_eq!(one, many);
}

#[test]
fn flows_explains_the_money() {
    let (code, stdout, _) = run(deg().args([
        "flows",
        "schema/examples/p2p_trading/13_on_status_completed/on-status-completed.json",
        "schema/examples/p2p_trading/05_init/init-p2p-trade.json",
        "tests/fixtures/cli/broken/contract-rules.json",
    ]));
    assert_eq!(code, 0);
    insta::assert_snapshot!("flows", stdout);
    let (code, _, stderr) = run(deg().args(["flows", "tests/fixtures/cli/broken/malformed.json"]));
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "deg-contracts: tests/fixtures/cli/broken/malformed.json:2:37: not valid JSON: trailing comma at line 2 column 37\n"
    );
}

#[test]
fn flows_exits_two_for_a_missing_file() {
    let (code, stdout, stderr) = run(deg().args(["flows", "no/such/message.json"]));
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "deg-contracts: no/such/message.json: No such file or directory (os error 2)\n"
    );
}

/// The confirmed example message: its file and its JSON.
fn confirmed_example() -> (std::path::PathBuf, serde_json::Value) {
    let file = common::step_file("10_on_confirm");
    let message = common::read_json(&file);
    (file, message)
}

#[test]
fn a_hostile_formula_or_overflowing_numbers_leave_every_other_report_intact() {
    let (_, message) = confirmed_example();
    let contract = "/message/order/beckn:orderAttributes";
    let dir = tempfile::tempdir().unwrap();
    let mut deep = message.clone();
    *deep
        .pointer_mut(&format!("{contract}/revenueFlows/flows/0/formula"))
        .unwrap() = format!("{}1{}", "(".repeat(20_000), ")".repeat(20_000)).into();
    let mut huge = message.clone();
    *huge
        .pointer_mut(&format!("{contract}/roles/2/roleInputs/buyer_trade_cap"))
        .unwrap() = serde_json::json!(7e28);
    *huge
        .pointer_mut(&format!(
            "{contract}/roles/2/roleInputs/current_buyer_trades_total"
        ))
        .unwrap() = serde_json::json!(-7e28);
    for (name, value) in [
        ("a-deep.json", &deep),
        ("b-good.json", &message),
        ("c-huge.json", &huge),
    ] {
        std::fs::write(dir.path().join(name), value.to_string()).unwrap();
    }
    let (code, stdout, stderr) = run(deg()
        .args(["validate", "--per-message", "--format", "json"])
        .arg(dir.path()));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr.lines().last(),
        Some("3 files, 6 objects: 3 errors, 0 warnings"),
        "{stderr}"
    );
    let rules: Vec<(String, String)> = stdout
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .map(|finding| {
            (
                common::finding_file(&finding),
                finding["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let has = |file: &str, rule: &str| rules.contains(&(file.to_owned(), rule.to_owned()));
    assert!(has("a-deep.json", "formula-syntax"), "{rules:?}");
    assert!(has("c-huge.json", "arithmetic-overflow"), "{rules:?}");
    // A negative current total is also one the grid operator cannot have.
    assert!(has("c-huge.json", "positive-terms"), "{rules:?}");
    assert!(
        rules.iter().all(|(file, _)| file != "b-good.json"),
        "{rules:?}"
    );
    let (code, stdout, _) = run(deg().arg("flows").arg(dir.path().join("c-huge.json")));
    assert_eq!(code, 0);
    assert!(stdout.contains("beyond the decimal range"), "{stdout}");
}

#[test]
fn junit_stays_well_formed_xml_for_characters_xml_forbids() {
    let (example, mut message) = confirmed_example();
    *message
        .pointer_mut("/message/order/beckn:orderAttributes/roles/0/roleInputs/currency")
        .unwrap() = "I\u{1}N\u{FFFF}R\u{0}".into();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("odd.json"), message.to_string()).unwrap();
    std::fs::copy(&example, dir.path().join("plain.json")).unwrap();
    let (code, stdout, _) = run(deg()
        .args(["validate", "--per-message", "--format", "junit"])
        .arg(dir.path()));
    assert_eq!(code, 1);
    let document = roxmltree::Document::parse(&stdout).unwrap_or_else(|e| panic!("{e}\n{stdout}"));
    let cases: Vec<&str> = document
        .descendants()
        .filter(|node| node.has_tag_name("testcase"))
        .filter_map(|node| node.attribute("name"))
        .collect();
    assert_eq!(cases.len(), 2, "{cases:?}");
    let failure = document
        .descendants()
        .find(|node| node.has_tag_name("failure"))
        .and_then(|node| node.text())
        .unwrap_or_default();
    assert!(failure.contains(r"I\u{1}N\u{FFFF}R\u{0}"), "{failure}");
}

#[test]
fn a_file_over_the_size_limit_gets_a_finding_and_the_rest_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-small.json"), "{}").unwrap();
    std::fs::write(
        dir.path().join("b-large.json"),
        format!("[{}0]", "0,".repeat(100)),
    )
    .unwrap();
    let (code, stdout, stderr) = run(deg()
        .args(["validate", "--format", "json", "--max-file-size", "100"])
        .arg(dir.path()));
    assert_eq!(code, 1, "{stderr}");
    let findings = common::json_lines(&stdout);
    assert_eq!(findings.len(), 1, "{stdout}");
    assert_eq!(findings[0]["rule"], "file-too-large");
    assert!(
        findings[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("b-large.json")
    );
    assert_eq!(
        findings[0]["message"],
        "the file is larger than 100 bytes, the most the gate reads; not checked (raise --max-file-size)"
    );
    assert_eq!(stderr, "2 files, 0 objects: 1 error, 0 warnings\n");
    let mut stdin = deg();
    stdin
        .args(["validate", "--format", "json", "--max-file-size", "10", "-"])
        .write_stdin(format!("[{}0]", "0,".repeat(10)));
    let (code, stdout, _) = run(&mut stdin);
    assert_eq!(code, 1);
    assert!(stdout.contains("file-too-large"), "{stdout}");
}

#[test]
fn money_and_energy_keep_every_digit_written() {
    let (example, _) = confirmed_example();
    let text = std::fs::read_to_string(&example).unwrap();
    let long = text
        .replace(
            "\"contractedQuantity\": 12.5",
            "\"contractedQuantity\": 12.50000000000000001",
        )
        .replace(
            "\"unitQuantity\": 12.5",
            "\"unitQuantity\": 12.50000000000000001",
        )
        .replace("\"buyer_trade_cap\": 40.0", "\"buyer_trade_cap\": 27.5");
    assert_ne!(long, text);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-long.json"), &long).unwrap();
    std::fs::copy(&example, dir.path().join("b-plain.json")).unwrap();

    let (code, stdout, _) = run(deg().arg("flows").arg(dir.path().join("a-long.json")));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("BUYER → SELLER: 80.000000000000000064 INR"),
        "{stdout}"
    );
    assert!(stdout.contains("= 12.50000000000000001 × 6.4"), "{stdout}");
    assert!(
        stdout.contains("BUYER → GRID_OPERATOR: 10.000000000000000008 INR"),
        "{stdout}"
    );

    let (code, stdout, stderr) = run(deg()
        .args(["validate", "--per-message", "--format", "json"])
        .arg(dir.path()));
    assert_eq!(code, 1, "{stderr}");
    let findings = common::json_lines(&stdout);
    assert_eq!(findings.len(), 1, "{stdout}");
    assert_eq!(findings[0]["rule"], "trade-cap");
    assert!(
        findings[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("a-long.json"),
        "{stdout}"
    );
    let message = findings[0]["message"].as_str().unwrap();
    assert!(message.contains("12.50000000000000001"), "{message}");
    assert_eq!(
        stderr.lines().last(),
        Some("2 files, 4 objects: 1 error, 0 warnings")
    );
}

#[test]
fn every_hostile_class_is_reported_in_one_run_and_the_valid_file_stays_clean() {
    let (example, confirmed) = confirmed_example();
    let completed = common::read_json(&common::step_file("13_on_status_completed"));
    let classes = common::hostile::classes(&confirmed, &completed);
    let dir = tempfile::tempdir().unwrap();
    for class in &classes {
        std::fs::write(dir.path().join(class.file), &class.bytes).unwrap();
    }
    std::fs::copy(&example, dir.path().join("0-valid.json")).unwrap();
    let (code, stdout, stderr) = run(deg()
        .args(["validate", "--per-message", "--format", "json"])
        .arg(dir.path()));
    assert_eq!(code, 1, "{stderr}");
    let findings = common::json_lines(&stdout);
    let in_file = |file: &str| -> Vec<&serde_json::Value> {
        findings
            .iter()
            .filter(|finding| finding["file"].as_str().unwrap().ends_with(file))
            .collect()
    };
    assert!(in_file("0-valid.json").is_empty(), "{stdout}");
    for class in &classes {
        let found = in_file(class.file);
        let mut rules: Vec<&str> = found
            .iter()
            .map(|finding| finding["rule"].as_str().unwrap())
            .collect();
        rules.dedup();
        let matching: Vec<_> = found
            .iter()
            .filter(|finding| {
                let rule = finding["rule"].as_str().unwrap();
                rule.split('/').next() == Some(class.rule) || rule == class.rule
            })
            .collect();
        assert!(!matching.is_empty(), "{}: {rules:?}", class.name);
        assert!(
            !rules.contains(&"internal-error"),
            "{}: {rules:?}",
            class.name
        );
        if let Some((line, column)) = class.at {
            assert!(
                matching
                    .iter()
                    .any(|finding| finding["line"] == line && finding["column"] == column),
                "{} not at {line}:{column}: {:?}",
                class.name,
                matching.first()
            );
        }
    }
    let summary = stderr.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with(&format!("{} files, ", classes.len() + 1)),
        "{summary}"
    );
    let (code, stdout, _) = run(deg()
        .args(["validate", "--per-message", "--format", "junit"])
        .arg(dir.path()));
    assert_eq!(code, 1);
    let document = roxmltree::Document::parse(&stdout).unwrap_or_else(|e| panic!("{e}"));
    let cases = document
        .descendants()
        .filter(|node| node.has_tag_name("testcase"))
        .count();
    assert_eq!(cases, classes.len() + 1);
    let (code, stdout, _) = run(deg()
        .args(["validate", "--per-message", "--format", "sarif"])
        .arg(dir.path()));
    assert_eq!(code, 1);
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let sarif_run = &log["runs"][0];
    assert_eq!(sarif_run["tool"]["driver"]["name"], "deg-contracts");
    let results = sarif_run["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    for result in results {
        assert!(result["ruleId"].is_string() && result["message"]["text"].is_string());
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1, "{result}");
    }
    let (code, stdout, _) = run(deg()
        .args(["validate", "--per-message", "--format", "github"])
        .arg(dir.path()));
    assert_eq!(code, 1);
    for line in stdout.lines().filter(|line| !line.is_empty()) {
        assert!(
            line.starts_with("::") || line.contains(" files, "),
            "{line}"
        );
    }
}

#[test]
fn findings_beyond_the_per_file_limit_are_counted_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    let members: Vec<&str> = std::iter::repeat_n("\"k\": 1", 12).collect();
    std::fs::write(
        dir.path().join("a-repeats.json"),
        format!("{{{}}}", members.join(",\n")),
    )
    .unwrap();
    std::fs::write(dir.path().join("b-repeat.json"), r#"{"k": 1, "k": 2}"#).unwrap();
    let (code, stdout, stderr) = run(deg()
        .args(["validate", "--format", "json", "--max-findings", "3"])
        .arg(dir.path()));
    assert_eq!(code, 1, "{stderr}");
    let findings: Vec<(String, String, String)> = stdout
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .map(|finding| {
            (
                common::finding_file(&finding),
                finding["rule"].as_str().unwrap().to_owned(),
                format!("{}:{}", finding["line"], finding["column"]),
            )
        })
        .collect();
    let listed = |file: &str, rule: &str| {
        findings
            .iter()
            .filter(|(f, r, _)| f == file && r == rule)
            .count()
    };
    assert_eq!(listed("a-repeats.json", "duplicate-key"), 3, "{stdout}");
    assert_eq!(listed("a-repeats.json", "findings-limit"), 1, "{stdout}");
    assert_eq!(listed("b-repeat.json", "duplicate-key"), 1, "{stdout}");
    assert_eq!(listed("b-repeat.json", "findings-limit"), 0, "{stdout}");
    assert!(stdout.contains(
        "8 more findings in this file are not listed (8 errors, 0 warnings): the gate lists the first 3 of a file (raise --max-findings)"
    ));
    // Every repeat is still counted, and the limit's own note is a warning.
    assert_eq!(
        stderr.lines().last(),
        Some("2 files, 0 objects: 12 errors, 1 warning")
    );
    let (code, _, stderr) = run(deg().args(["validate", "--max-findings", "0", "-"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("--max-findings"), "{stderr}");
}

#[test]
fn readme_rule_tables_are_the_catalogue() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let (code, markdown, _) = run(deg().args(["rules", "--markdown"]));
    assert_eq!(code, 0);
    let between = |marker: &str| -> String {
        let start = readme.find(marker).unwrap_or_else(|| panic!("no {marker}"));
        let body = &readme[start..];
        let body = &body[body.find('\n').unwrap() + 1..];
        body[..body.find("<!-- rules:end -->").unwrap()].to_owned()
    };
    let tables = format!(
        "{}\n{}\n{}",
        between("<!-- rules:per-message"),
        between("<!-- rules:transaction"),
        between("<!-- rules:migration")
    );
    assert_eq!(
        tables, markdown,
        "README's rule tables drifted from `deg-contracts rules --markdown`"
    );
    let (code, text, _) = run(deg().arg("rules"));
    assert_eq!(code, 0);
    assert_eq!(
        text.lines().count(),
        markdown.lines().count() - 8,
        "three headers of two lines and two blank lines"
    );
    assert!(
        text.lines()
            .any(|line| line.starts_with("transaction/quote "))
    );
}

#[test]
fn rule_levels_come_from_the_nearest_config_and_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    let examples = root().join("schema/examples");
    // Without a file: four role-not-listed warnings, exit 0; failing on warnings: exit 1.
    let (code, stdout, _) = run(deg().current_dir(&nested).arg("validate").arg(&examples));
    assert_eq!(
        (code, stdout.lines().last()),
        (0, Some("15 files, 16 objects: 0 errors, 4 warnings"))
    );
    let (code, _, _) = run(deg()
        .current_dir(&nested)
        .args(["validate", "--fail-on", "warning"])
        .arg(&examples));
    assert_eq!(code, 1);
    // A file two levels up turns the warnings into errors; the command line turns them off.
    std::fs::write(
        dir.path().join("deg-contracts.toml"),
        "[rules]\nrole-not-listed = \"error\"\n",
    )
    .unwrap();
    let (code, stdout, _) = run(deg()
        .current_dir(&nested)
        .args(["validate", "--format", "json"])
        .arg(&examples));
    assert_eq!(code, 1);
    let findings = common::json_lines(&stdout);
    assert_eq!(findings.len(), 4);
    assert!(
        findings
            .iter()
            .all(|f| f["severity"] == "error" && f["rule"] == "role-not-listed")
    );
    let (code, stdout, _) = run(deg()
        .current_dir(&nested)
        .args([
            "validate",
            "--format",
            "json",
            "--rule",
            "role-not-listed=off",
        ])
        .arg(&examples));
    assert_eq!((code, stdout.as_str()), (0, ""));
    // A broken file or argument is a usage error, at its place.
    std::fs::write(
        dir.path().join("deg-contracts.toml"),
        "[rules]\nrole-not-listed = \"loud\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run(deg().current_dir(&nested).arg("validate").arg(&examples));
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("deg-contracts: ")
            && stderr.contains("deg-contracts.toml:2:19: level `loud`"),
        "{stderr}"
    );
    let (code, _, stderr) =
        run(deg().args(["validate", "--config", "no/such.toml", "schema/examples"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("no/such.toml"), "{stderr}");
    let (code, _, stderr) = run(deg().args(["validate", "--rule", "bogus=off", "schema/examples"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--rule bogus=off: unknown rule `bogus`"),
        "{stderr}"
    );
}

#[test]
fn the_pre_commit_hook_runs_the_gate_on_the_files_it_is_given() {
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let entry = hooks
        .lines()
        .find_map(|line| line.trim().strip_prefix("entry: "))
        .expect("an entry");
    let mut words = entry.split_whitespace();
    assert_eq!(words.next(), Some("deg-contracts"));
    let args: Vec<&str> = words.collect();
    let (code, _, _) = run(deg()
        .args(&args)
        .arg("schema/examples/p2p_trading/10_on_confirm/on-confirm-p2p-trade.json"));
    assert_eq!(code, 0);
    let (code, stdout, _) = run(deg()
        .args(&args)
        .arg("tests/fixtures/cli/broken/settlement.json"));
    assert_eq!(code, 1, "{stdout}");
}

#[test]
fn explain_says_what_each_rule_checks_and_why() {
    let (_, listed, _) = run(deg().arg("rules"));
    for id in listed
        .lines()
        .map(|line| line.split_whitespace().next().unwrap())
    {
        let (code, text, stderr) = run(deg().args(["explain", id]));
        assert_eq!(code, 0, "{id}: {stderr}");
        assert!(text.starts_with(&format!("{id} (")), "{text}");
        assert!(
            text.contains("\nsource: ") && text.contains("\nreported:\n    "),
            "{text}"
        );
    }
    let (code, text, _) = run(deg().args(["explain", "schema/enum"]));
    assert_eq!(code, 0);
    assert!(text.starts_with("schema/<kind> (error)"), "{text}");
    let (code, _, stderr) = run(deg().args(["explain", "trade-caps"]));
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "deg-contracts: unknown rule `trade-caps`; `deg-contracts rules` lists them\n"
    );
}

#[test]
fn settlement_settings_come_from_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let completed = common::step_file("13_on_status_completed");
    let text = std::fs::read_to_string(&completed).unwrap();
    let short = text.replace("\"deliveredQuantity\": 12.5", "\"deliveredQuantity\": 10");
    assert_ne!(short, text);
    std::fs::write(dir.path().join("completed.json"), short).unwrap();
    let check = || {
        let (code, stdout, stderr) = run(deg().current_dir(dir.path()).args([
            "validate",
            "--per-message",
            "--format",
            "json",
            "completed.json",
        ]));
        let rules: Vec<String> = common::json_lines(&stdout)
            .iter()
            .map(|finding| finding["rule"].as_str().unwrap().to_owned())
            .collect();
        (code, rules, stderr)
    };
    // The seed settles on the contracted quantity: 90 for 12.5 kWh, whatever was delivered.
    let (code, rules, _) = check();
    assert_eq!((code, rules.as_slice()), (0, &[][..]));
    std::fs::write(
        dir.path().join("deg-contracts.toml"),
        "[settlement]\nbasis = \"delivered\"\n",
    )
    .unwrap();
    let (code, rules, _) = check();
    assert_eq!(code, 1);
    assert!(
        rules.iter().all(|rule| rule == "settlement") && !rules.is_empty(),
        "{rules:?}"
    );
    std::fs::write(
        dir.path().join("deg-contracts.toml"),
        "[settlement]\ndelivery-tolerance = \"ten\"\n",
    )
    .unwrap();
    let (code, _, stderr) = check();
    assert_eq!(code, 2);
    assert!(
        stderr.contains("deg-contracts.toml:2:22: `ten` is not a percentage"),
        "{stderr}"
    );
}

#[test]
fn the_legacy_p2p_contract_is_named_not_skipped() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let legacy = corpus.join("examples/v2_P2P_Trading_legacy");
    let (code, stdout, _) = run(deg().args(["validate", "--format", "json"]).arg(&legacy));
    assert_eq!(code, 1, "{stdout}");
    let findings = common::json_lines(&stdout);
    let legacy_forms: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|finding| finding["rule"] == "legacy-form")
        .collect();
    assert_eq!(legacy_forms.len(), 6, "one per EnergyTradeContract");
    for finding in &legacy_forms {
        assert_eq!(finding["severity"], "error");
        assert!(finding["line"].as_u64().is_some());
        assert!(
            finding["message"]
                .as_str()
                .unwrap()
                .contains("replaced by `EnergyContractP2PTrade`"),
            "{finding}"
        );
    }
    // Offers and resources are not legacy by themselves: listed as skipped, not reported.
    let (_, verbose, _) = run(deg().args(["validate", "--verbose"]).arg(&legacy));
    assert!(verbose.contains("skipped EnergyTradeOffer at"), "{verbose}");
    assert!(verbose.contains("skipped EnergyResource at"), "{verbose}");
    assert!(
        !verbose.contains("skipped EnergyTradeContract"),
        "{verbose}"
    );
    // The rule's level is the team's.
    let (_, stdout, _) = run(deg()
        .args(["validate", "--format", "json", "--rule", "legacy-form=off"])
        .arg(&legacy));
    assert!(!stdout.contains("legacy-form"), "{stdout}");
}

#[test]
fn a_schema_directory_is_checked_on_its_own() {
    // Ours generates cleanly.
    let (code, stdout, stderr) = run(deg().args(["schema", "schema"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.ends_with("3 files, 0 objects: 0 errors, 0 warnings\n"),
        "{stdout}"
    );
    // An edit codegen would refuse is reported at its place, in any format.
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("Thing/v1");
    std::fs::create_dir_all(&entry).unwrap();
    std::fs::write(
        entry.join("attributes.yaml"),
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        code:\n          type: string\n          $anchor: '^A'\n",
    )
    .unwrap();
    let (code, stdout, _) = run(deg().args(["schema", "--format", "json"]).arg(dir.path()));
    assert_eq!(code, 1, "{stdout}");
    let findings = common::json_lines(&stdout);
    assert_eq!(findings.len(), 1, "{stdout}");
    assert_eq!(findings[0]["rule"], "schema-definition");
    assert_eq!(
        (findings[0]["line"].as_u64(), findings[0]["column"].as_u64()),
        (Some(10), Some(11))
    );
    assert_eq!(findings[0]["message"], "unsupported keyword `$anchor`");
    assert_eq!(
        findings[0]["pointer"],
        "/components/schemas/Thing/properties/code/$anchor"
    );
    assert!(
        findings[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("Thing/v1/attributes.yaml")
    );
    // An entry that is not there is a finding on the directory.
    let (code, stdout, _) = run(deg().args(["schema", "--format", "json", "schema", "Nope/v1"]));
    assert_eq!(code, 1);
    assert!(
        stdout.contains("no schema file for entry `Nope/v1`"),
        "{stdout}"
    );
    // A file that cannot be read as text is a finding on it; an empty directory is one too.
    let unreadable = tempfile::tempdir().unwrap();
    let file = unreadable.path().join("X/v1/attributes.yaml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, b"\xff\xfe").unwrap();
    let (code, stdout, _) = run(deg()
        .args(["schema", "--format", "json"])
        .arg(unreadable.path()));
    assert_eq!(code, 1);
    let findings = common::json_lines(&stdout);
    assert_eq!(findings.len(), 1, "{stdout}");
    assert!(
        findings[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("X/v1/attributes.yaml")
    );
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("valid UTF-8"),
        "{stdout}"
    );
    let empty = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run(deg().args(["schema", "--format", "json"]).arg(empty.path()));
    assert_eq!(code, 1);
    assert!(stdout.contains("no schema file here"), "{stdout}");
    // Not a directory: a usage error.
    let (code, _, stderr) = run(deg().args(["schema", "no/such/dir"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("not a schema directory"), "{stderr}");
}

#[test]
fn the_upstream_schemas_get_their_codegen_errors_and_warnings() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (code, stdout, _) = run(deg()
        .args(["schema", "--format", "json"])
        .arg(corpus.join("schema")));
    assert_eq!(code, 1, "{stdout}");
    let findings = common::json_lines(&stdout);
    let count = |rule: &str| findings.iter().filter(|f| f["rule"] == rule).count();
    assert!(
        count("schema-definition") > 0 && count("schema-advice") > 0,
        "{stdout}"
    );
    // Every one is placed in a file that exists.
    for finding in &findings {
        let file = finding["file"].as_str().unwrap();
        assert!(std::path::Path::new(file).is_file(), "{finding}");
        assert!(
            finding["line"].as_u64().is_some_and(|line| line >= 1),
            "{finding}"
        );
    }
}
