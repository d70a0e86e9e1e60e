//! The generator end to end: freshness of generated/, determinism, every error path with its
//! message and location, and the upstream corpus.

mod common;

use std::path::{Path, PathBuf};

use common::{cargo_in, workspace};
use xtask::error::{CodegenError, SchemaError};
use xtask::{Options, codegen};

/// A schema root in a temporary directory, from (relative path, YAML) pairs.
fn schema_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn options(schema: &Path, out: &Path) -> Options {
    Options {
        schema: schema.to_owned(),
        out: out.to_owned(),
        entries: Vec::new(),
        check: false,
        runtime: xtask::workspace_runtime(),
        keep_going: false,
        deny_warnings: false,
        urls: Default::default(),
    }
}

/// Runs codegen on the files and returns its errors as text; asserts nothing was written.
fn errors_for(files: &[(&str, &str)]) -> Vec<String> {
    let schema = schema_dir(files);
    let out = tempfile::tempdir().unwrap();
    let failure = codegen(&options(schema.path(), out.path())).expect_err("codegen should fail");
    let written: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
    assert!(written.is_empty(), "a failed run wrote {written:?}");
    failure.errors.0.iter().map(ToString::to_string).collect()
}

#[test]
fn generated_crate_is_fresh() {
    let root = workspace();
    let mut check = options(&root.join("schema"), &root.join("generated"));
    check.check = true;
    let outcome = codegen(&check).unwrap_or_else(|failure| panic!("{}", failure.errors));
    assert!(
        outcome.report.is_fresh(),
        "generated/ is stale, run `cargo xtask codegen`: {:?}",
        outcome.report
    );
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
}

#[test]
fn two_runs_write_byte_identical_output() {
    let schema = workspace().join("schema");
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    codegen(&options(&schema, a.path())).unwrap();
    codegen(&options(&schema, b.path())).unwrap();
    let mut files = 0;
    for relative in [
        "Cargo.toml",
        "src/lib.rs",
        "src/energy_contract_p2p_trade_v1.rs",
        "bundled/EnergyContractP2PTrade.v1.schema.json",
    ] {
        let left = std::fs::read(a.path().join(relative)).unwrap();
        let right = std::fs::read(b.path().join(relative)).unwrap();
        assert_eq!(left, right, "{relative} differs between runs");
        files += 1;
    }
    assert_eq!(files, 4);
}

/// Every file below `dir`, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn codegen_restores_a_deleted_generated_src_byte_for_byte() {
    let root = workspace();
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("generated");
    std::fs::create_dir_all(&out).unwrap();
    // generated/ without src/: only the manifest, which codegen does not read either.
    std::fs::copy(root.join("generated/Cargo.toml"), out.join("Cargo.toml")).unwrap();
    let mut asked = options(&root.join("schema"), &out);
    asked.runtime = scratch.path().join("core/runtime");
    codegen(&asked).unwrap_or_else(|failure| panic!("{}", failure.errors));
    let expected = files_under(&root.join("generated"));
    let restored = files_under(&out);
    let relative = |files: &[PathBuf], base: &Path| -> Vec<PathBuf> {
        files
            .iter()
            .map(|file| file.strip_prefix(base).unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        relative(&restored, &out),
        relative(&expected, &root.join("generated"))
    );
    for (restored, expected) in restored.iter().zip(&expected) {
        assert!(
            std::fs::read(restored).unwrap() == std::fs::read(expected).unwrap(),
            "{} differs from {}",
            restored.display(),
            expected.display()
        );
    }
}

#[test]
fn xtask_never_depends_on_the_generated_crate() {
    let manifest = std::fs::read_to_string(workspace().join("xtask/Cargo.toml")).unwrap();
    for forbidden in ["deg-contracts-schema", "../generated"] {
        assert!(
            !manifest.contains(forbidden),
            "xtask/Cargo.toml names the generated crate ({forbidden})"
        );
    }
}

#[test]
fn generated_files_carry_the_header() {
    let generated = workspace().join("generated/src");
    let files = files_under(&generated);
    // lib, registry and one module per schema file; the runtime is a crate of its own.
    assert_eq!(files.len(), 5, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("// @generated by cargo xtask codegen from "),
            "{} lacks the header",
            path.display()
        );
        assert!(text.lines().next().unwrap().ends_with("; do not edit"));
    }
}

const HEAD: &str = "openapi: 3.1.1\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n";

#[test]
fn invalid_yaml_is_reported_with_file_line_and_column() {
    let text = format!("{HEAD}    Thing:\n      type: object\n      description: a: b\n");
    let errors = errors_for(&[("Thing/v1/attributes.yaml", &text)]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("Thing/v1/attributes.yaml:7:"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains("invalid YAML: mapping values are not allowed"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_dangling_ref_names_file_pointer_line_and_target() {
    let text = format!(
        "{HEAD}    Thing:\n      type: object\n      properties:\n        part:\n          $ref: '#/components/schemas/Part'\n        other:\n          $ref: '../../Nope/v1/attributes.yaml#/components/schemas/X'\n"
    );
    let errors = errors_for(&[("Thing/v1/attributes.yaml", &text)]);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with(
        "Thing/v1/attributes.yaml:11:11 #/components/schemas/Thing/properties/other/$ref: dangling $ref `../../Nope/v1/attributes.yaml#/components/schemas/X`: no file"
    )), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with(
        "Thing/v1/attributes.yaml:9:11 #/components/schemas/Thing/properties/part/$ref: dangling $ref `#/components/schemas/Part`: Thing/v1/attributes.yaml has no component schema `Part`"
    )), "{errors:?}");
}

#[test]
fn errors_in_flow_style_yaml_point_at_the_node_itself() {
    let text = format!(
        "{HEAD}    Thing:\n      type: object\n      properties: {{code: {{type: string, $anchor: '^A$'}}, n: {{type: integer, minimum: x}}}}\n      required: [code, {{a: 1}}]\n"
    );
    let errors = errors_for(&[("Thing/v1/attributes.yaml", &text)]);
    assert_eq!(
        errors,
        [
            "Thing/v1/attributes.yaml:7:41 #/components/schemas/Thing/properties/code/$anchor: unsupported keyword `$anchor`",
            "Thing/v1/attributes.yaml:7:77 #/components/schemas/Thing/properties/n/minimum: invalid schema: expected a number",
            "Thing/v1/attributes.yaml:8:24 #/components/schemas/Thing/required/1: invalid schema: required must list strings",
        ]
    );
}

#[test]
fn a_format_we_do_not_check_is_an_error_at_its_place() {
    let text = format!(
        "{HEAD}    Thing:\n      type: object\n      properties:\n        ip: {{type: string, format: ipv5}}\n        at: {{type: string, format: date}}\n"
    );
    let errors = errors_for(&[("Thing/v1/attributes.yaml", &text)]);
    assert_eq!(
        errors,
        [
            "Thing/v1/attributes.yaml:8:28 #/components/schemas/Thing/properties/ip/format: invalid schema: format `ipv5` is not one we check (date-time, date, time, uri, email, uuid, uri-reference, iri, iri-reference, hostname, idn-hostname, idn-email, ipv4, ipv6, duration, json-pointer, relative-json-pointer, uri-template, regex)",
        ]
    );
}

#[test]
fn errors_keep_their_sources() {
    let text = format!(
        "{HEAD}    Thing:\n      type: object\n      properties:\n        part: {{$ref: '#/components/schemas/Part'}}\n"
    );
    let schema = schema_dir(&[("Thing/v1/attributes.yaml", &text)]);
    let out = tempfile::tempdir().unwrap();
    let failure = codegen(&options(schema.path(), out.path())).unwrap_err();
    let source = std::error::Error::source(&failure.errors.0[0]).map(ToString::to_string);
    assert_eq!(
        source.as_deref(),
        Some("Thing/v1/attributes.yaml has no component schema `Part`")
    );
    let schema = schema_dir(&[("Bad/v1/attributes.yaml", "a: [1, 2\n")]);
    let failure = codegen(&options(schema.path(), out.path())).unwrap_err();
    assert!(std::error::Error::source(&failure.errors.0[0]).is_some());
}

#[test]
fn an_unsupported_keyword_is_an_error_not_ignored() {
    let text = format!(
        "{HEAD}    Thing:\n      type: object\n      properties:\n        code:\n          type: string\n          $anchor: code\n      unevaluatedProperties: false\n"
    );
    let errors = errors_for(&[("Thing/v1/attributes.yaml", &text)]);
    assert_eq!(
        errors,
        [
            "Thing/v1/attributes.yaml:10:11 #/components/schemas/Thing/properties/code/$anchor: unsupported keyword `$anchor`",
            "Thing/v1/attributes.yaml:11:7 #/components/schemas/Thing/unevaluatedProperties: unsupported keyword `unevaluatedProperties`",
        ]
    );
}

#[test]
fn conflicting_all_of_branches_are_an_error() {
    let text = format!(
        "{HEAD}    Base:\n      type: object\n      properties:\n        size: {{type: string}}\n    Thing:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          properties:\n            size: {{type: number}}\n"
    );
    let errors = errors_for(&[("Thing/v1/attributes.yaml", &text)]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("Thing/v1/attributes.yaml:9:5 #/components/schemas/Thing: conflicting allOf branches: type [String]"), "{}", errors[0]);
}

#[test]
fn an_enum_conflict_in_all_of_is_an_error() {
    let text = format!(
        "{HEAD}    Base:\n      type: object\n      properties:\n        role: {{type: string, enum: [A, B]}}\n    Thing:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - properties:\n            role: {{type: string, enum: [C]}}\n"
    );
    let errors = errors_for(&[("Thing/v1/attributes.yaml", &text)]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("conflicting allOf branches: enums at"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains("have no value in common"),
        "{}",
        errors[0]
    );
}

#[test]
fn duplicate_names_are_an_error() {
    // The inline enum of Thing.status would be named ThingStatus, which a component already is.
    let text = format!(
        "{HEAD}    ThingStatus:\n      type: string\n    Thing:\n      type: object\n      properties:\n        status: {{type: string, enum: [ON, OFF]}}\n"
    );
    let errors = errors_for(&[("Thing/v1/attributes.yaml", &text)]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("Thing/v1/attributes.yaml:10:9 #/components/schemas/Thing/properties/status: duplicate name `ThingStatus`, also defined at Thing/v1/attributes.yaml:5:5"),
        "{}",
        errors[0]
    );
}

#[test]
fn two_schemas_with_one_json_ld_type_are_an_error() {
    let a = format!("{HEAD}    A:\n      type: object\n      x-jsonld: {{\"@type\": Same}}\n");
    let b = format!("{HEAD}    B:\n      type: object\n      x-jsonld: {{\"@type\": Same}}\n");
    let errors = errors_for(&[("A/v1/attributes.yaml", &a), ("B/v1/attributes.yaml", &b)]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("B/v1/attributes.yaml:5:5 #/components/schemas/B: duplicate name `@type Same`, also defined at A/v1/attributes.yaml:5:5"), "{}", errors[0]);
}

#[test]
fn a_reference_cycle_without_a_type_between_is_an_error() {
    let text =
        format!("{HEAD}    Loop:\n      allOf:\n        - $ref: '#/components/schemas/Loop'\n");
    let errors = errors_for(&[("Loop/v1/attributes.yaml", &text)]);
    assert_eq!(
        errors,
        [
            "Loop/v1/attributes.yaml:7:11 #/components/schemas/Loop/allOf/0: reference cycle that cannot be represented: Loop → Loop"
        ]
    );
}

#[test]
fn a_role_input_of_an_unknown_type_is_an_error() {
    let text = format!(
        "{HEAD}    RoleInput:\n      type: object\n    Role:\n      type: object\n      properties:\n        filled: {{type: boolean}}\n        roleInputs:\n          type: object\n          properties:\n            volume:\n              $ref: '#/components/schemas/RoleInput'\n              x-role-input-type: KILOS\n"
    );
    let errors = errors_for(&[("Role/v1/attributes.yaml", &text)]);
    assert_eq!(
        errors,
        [
            "Role/v1/attributes.yaml:14:13 #/components/schemas/Role/properties/roleInputs/properties/volume: invalid schema: role input `volume` declares type `KILOS`, not one of BOOLEAN, NUMBER, DATE_TIME, DURATION, OFFER_CURVE, STRING, ROUTE, OBJECT",
        ]
    );
}

/// Upstream leaves some role inputs untyped: codegen warns where, accepts any value for them,
/// and still requires them once the role is filled.
#[test]
fn a_role_input_without_a_declared_type_takes_any_value_and_stays_required() {
    let text = format!(
        "{HEAD}    RoleInput:\n      type: object\n    Role:\n      type: object\n      x-jsonld: {{\"@type\": Role}}\n      properties:\n        filled: {{type: boolean}}\n        roleInputs:\n          type: object\n          required: [price]\n          properties:\n            price:\n              $ref: '#/components/schemas/RoleInput'\n"
    );
    let schema = schema_dir(&[("Role/v1/attributes.yaml", &text)]);
    let lowered = deg_contracts_ir::lower_schemas(schema.path(), &[])
        .unwrap_or_else(|failure| panic!("{}", failure.errors));
    let warnings: Vec<String> = lowered.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "warning: Role/v1/attributes.yaml:16:13 #/components/schemas/Role/properties/roleInputs/properties/price: role input `price` has no declared type, so any value is accepted: add `x-role-input-type`, or a `type` for it in the role's `example`"
        ]
    );
    let program = deg_contracts_ir::interpret::Program::new(&lowered.krate);
    let role = &program.schemas()[0];
    let kinds = |value: serde_json::Value| -> Vec<&'static str> {
        match program.validate(role, &value) {
            Ok(()) => Vec::new(),
            Err(errors) => errors.iter().map(|error| error.kind.code()).collect(),
        }
    };
    for price in [
        serde_json::json!(6.4),
        serde_json::json!("cheap"),
        serde_json::json!({"per": "kWh"}),
        serde_json::json!({"type": "NUMBER", "required": true, "value": "any"}),
    ] {
        let role = serde_json::json!({"filled": true, "roleInputs": {"price": price}});
        assert_eq!(kinds(role), Vec::<&str>::new(), "{price}");
    }
    assert_eq!(
        kinds(serde_json::json!({"filled": true, "roleInputs": {}})),
        ["missing-role-input"]
    );
    // The codegen run itself succeeds with the warning, and writes the crate.
    let out = tempfile::tempdir().unwrap();
    let outcome = codegen(&options(schema.path(), out.path()))
        .unwrap_or_else(|failure| panic!("{}", failure.errors));
    assert_eq!(outcome.warnings.len(), 1);
    let module = std::fs::read_to_string(out.path().join("src/role_v1.rs")).unwrap();
    assert!(
        module.contains("RoleInputSlot<::serde_json::Value>"),
        "an untyped input is a JSON value in Rust"
    );
}

#[test]
fn an_unknown_entry_is_an_error() {
    let out = tempfile::tempdir().unwrap();
    let mut asked = options(&workspace().join("schema"), out.path());
    asked.entries = vec!["NoSuch/v1".to_owned()];
    let failure = codegen(&asked).unwrap_err();
    assert!(matches!(
        failure.errors.0[0],
        CodegenError::Schema(SchemaError::UnknownEntry { .. })
    ));
    assert!(
        failure
            .errors
            .to_string()
            .contains("no schema file for entry `NoSuch/v1`")
    );
}

#[test]
fn check_mode_names_stale_files_and_writes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let schema = workspace().join("schema");
    codegen(&options(&schema, out.path())).unwrap();
    let module = out.path().join("src/energy_trade_delivery_v1.rs");
    std::fs::write(&module, "// edited by hand\n").unwrap();
    let mut check = options(&schema, out.path());
    check.check = true;
    let report = codegen(&check).unwrap().report;
    assert_eq!(report.changed, ["src/energy_trade_delivery_v1.rs"]);
    assert_eq!(
        std::fs::read_to_string(&module).unwrap(),
        "// edited by hand\n"
    );
}

#[test]
fn small_schemas_generate_the_expected_code_which_compiles_and_behaves() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let out = tempfile::tempdir().unwrap();
    let outcome = codegen(&options(&fixtures.join("small"), out.path()))
        .unwrap_or_else(|failure| panic!("{}", failure.errors));
    let warnings: Vec<String> = outcome.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings, Vec::<String>::new());
    for module in ["lib", "registry", "base_v1", "device_v1"] {
        let text = std::fs::read_to_string(out.path().join(format!("src/{module}.rs"))).unwrap();
        insta::assert_snapshot!(format!("small_{module}"), text);
    }
    let bundle = std::fs::read_to_string(out.path().join("bundled/Device.v1.schema.json")).unwrap();
    insta::assert_snapshot!("small_bundle", bundle);
    std::fs::create_dir_all(out.path().join("tests")).unwrap();
    std::fs::copy(
        fixtures.join("small_behaviour.rs"),
        out.path().join("tests/behaviour.rs"),
    )
    .unwrap();
    cargo_in(out.path(), &["test", "--quiet"]);
}

/// Every class of wrong verdict the JSON-Schema-Test-Suite found has a case here, judged by the
/// generated validators (every error, fail fast, streaming) and by the run-time interpreter.
#[test]
fn keyword_regressions_are_judged_alike_by_generated_code_and_the_interpreter() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let cases: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(fixtures.join("keywords_cases.json")).unwrap(),
    )
    .unwrap();
    let lowered = deg_contracts_ir::lower_schemas(&fixtures.join("keywords"), &[])
        .unwrap_or_else(|failure| panic!("{}", failure.errors));
    let program = deg_contracts_ir::interpret::Program::new(&lowered.krate);
    for case in &cases {
        let name = case["type"].as_str().unwrap();
        let schema = program
            .schemas()
            .iter()
            .find(|schema| schema.type_name == name)
            .unwrap_or_else(|| panic!("no schema {name}"));
        let expected = case["valid"].as_bool().unwrap();
        assert_eq!(
            program.validate(schema, &case["data"]).is_ok(),
            expected,
            "{name}: {}",
            case["data"]
        );
    }
    let out = tempfile::tempdir().unwrap();
    let outcome = codegen(&options(&fixtures.join("keywords"), out.path()))
        .unwrap_or_else(|failure| panic!("{}", failure.errors));
    let warnings: Vec<String> = outcome.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("#/components/schemas/OfferByTariff: `@type Offer` is also the type of OfferByPrice: an object of this type passes if it satisfies either"),
        "{warnings:?}"
    );
    // Annotations become rustdoc.
    let module = std::fs::read_to_string(out.path().join("src/keywords_v1.rs")).unwrap();
    for line in [
        "/// A tariff",
        "/// The price per kWh.",
        "/// Deprecated. Read-only: sent by the server, not by clients. Default: `5`. Example: `6.4`.",
    ] {
        assert!(module.contains(line), "no `{line}` in the generated module");
    }
    std::fs::create_dir_all(out.path().join("tests")).unwrap();
    for (from, to) in [
        ("keywords_behaviour.rs", "tests/behaviour.rs"),
        ("keywords_cases.json", "tests/keywords_cases.json"),
    ] {
        std::fs::copy(fixtures.join(from), out.path().join(to)).unwrap();
    }
    cargo_in(out.path(), &["test", "--quiet"]);
    cargo_in(
        out.path(),
        &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"],
    );
}

/// What codegen says of keywords it cannot hold: never a silent drop.
#[test]
fn keywords_it_cannot_hold_are_errors_where_they_are_written() {
    let text = format!("{HEAD}    Stray:\n      type: string\n      minimum: 3\n");
    let errors = errors_for(&[("Thing/v1/attributes.yaml", &text)]);
    let expected = [
        "Thing/v1/attributes.yaml:5:5 #/components/schemas/Stray: invalid schema: `minimum` constrains numbers, and this schema does not declare that type",
    ];
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    for (error, start) in errors.iter().zip(expected) {
        assert!(error.starts_with(start), "{error}\nexpected {start}");
    }
    let interior = format!(
        "{HEAD}    Tree:\n      type: object\n      $defs:\n        node:\n          type: object\n          properties:\n            next: {{$ref: '#/components/schemas/Tree/$defs/node'}}\n      properties:\n        root: {{$ref: '#/components/schemas/Tree/$defs/node'}}\n        lost: {{$ref: '#/components/schemas/Tree/$defs/gone'}}\n"
    );
    let errors = errors_for(&[("Tree/v1/attributes.yaml", &interior)]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("Tree/v1/attributes.yaml:14:16 #/components/schemas/Tree/properties/lost/$ref: dangling $ref `#/components/schemas/Tree/$defs/gone`: component `Tree` in Tree/v1/attributes.yaml has no schema at `/$defs/gone`"),
        "{}",
        errors[0]
    );
    let cycle = interior.replace(
        "        lost: {$ref: '#/components/schemas/Tree/$defs/gone'}\n",
        "",
    );
    let errors = errors_for(&[("Tree/v1/attributes.yaml", &cycle)]);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("refers back into itself; make it a component of its own"),
        "{}",
        errors[0]
    );
    let lookahead = format!("{HEAD}    Code:\n      type: string\n      pattern: '^(?=a)'\n");
    assert_eq!(
        errors_for(&[("Code/v1/attributes.yaml", &lookahead)]),
        [
            "Code/v1/attributes.yaml:7:7 #/components/schemas/Code/pattern: invalid schema: pattern `^(?=a)` is not one we can run (Rust `regex` syntax, no look-around or back-references): look-around, including look-ahead and look-behind, is not supported"
        ]
    );
}

/// A `$ref` to a schema published at a URL that does not end in
/// `<Name>/<version>/attributes.yaml` resolves through `--schema-map`, never fetched.
#[test]
fn a_schema_map_resolves_urls_to_files_under_the_root() {
    let thing = format!(
        "{HEAD}    Thing:\n      type: object\n      properties:\n        node: {{$ref: 'https://schemas.example.org/deg/shared/node.yaml#/components/schemas/Node'}}\n"
    );
    let node = format!("{HEAD}    Node:\n      type: object\n      required: [id]\n");
    let schema = schema_dir(&[
        ("Thing/v1/attributes.yaml", &thing),
        ("vendor/shared/node.yaml", &node),
    ]);
    let out = tempfile::tempdir().unwrap();
    let failure = codegen(&options(schema.path(), out.path())).unwrap_err();
    assert!(
        failure
            .errors
            .to_string()
            .contains("through a schema map (--schema-map URL_PREFIX=DIR)"),
        "{}",
        failure.errors
    );
    let mut mapped = options(schema.path(), out.path());
    mapped.urls = deg_contracts_ir::resolve::UrlMap(vec![
        deg_contracts_ir::resolve::UrlMap::mapping(
            schema.path(),
            &format!(
                "https://schemas.example.org/deg/={}",
                schema.path().join("vendor").display()
            ),
        )
        .unwrap(),
    ]);
    let outcome = codegen(&mapped).unwrap_or_else(|failure| panic!("{}", failure.errors));
    let modules: Vec<&str> = outcome
        .types
        .iter()
        .map(|(module, _)| module.as_str())
        .collect();
    assert_eq!(modules, ["thing_v1", "vendor_shared"]);
    for (spec, complaint) in [
        ("https://x.example/", "expected URL_PREFIX=DIR"),
        ("https://x.example/=/", "is not under the schema root"),
    ] {
        let error = deg_contracts_ir::resolve::UrlMap::mapping(schema.path(), spec).unwrap_err();
        assert!(error.contains(complaint), "{spec}: {error}");
    }
}

#[test]
fn the_upstream_p2p_entry_generates_a_crate_that_builds_lint_free() {
    let Some(corpus) = corpus_schema() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let mut asked = options(&corpus, out.path());
    asked.entries = vec!["EnergyContractP2PTrade/v1".to_owned()];
    let outcome = codegen(&asked).unwrap_or_else(|failure| panic!("{}", failure.errors));
    // The upstream refs are one directory off: resolved from the root, with a warning each.
    let fallbacks: Vec<String> = outcome
        .warnings
        .iter()
        .filter(|w| w.message.contains("resolved against the schema root"))
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        fallbacks,
        [
            "warning: EnergyContract/v1/attributes.yaml:100:11 #/components/schemas/EnergyContract/properties/credentials/$ref: `../EnergyCredentials/v1/attributes.yaml` does not exist relative to this file; resolved against the schema root as EnergyCredentials/v1/attributes.yaml",
            "warning: EnergyContractP2PTrade/v1/attributes.yaml:20:11 #/components/schemas/EnergyContractP2PTrade/allOf/0/$ref: `../EnergyContract/v1/attributes.yaml` does not exist relative to this file; resolved against the schema root as EnergyContract/v1/attributes.yaml (27 references)",
        ]
    );
    let datetime = outcome
        .warnings
        .iter()
        .filter(|w| w.message.contains("typed `DATETIME` in the example"))
        .count();
    assert_eq!(datetime, 2, "{:?}", outcome.warnings);
    let modules: Vec<&str> = outcome
        .types
        .iter()
        .map(|(module, _)| module.as_str())
        .collect();
    assert_eq!(
        modules,
        [
            "energy_contract_p2p_trade_v1",
            "energy_contract_v1",
            "energy_credentials_v1"
        ]
    );
    cargo_in(out.path(), &["clippy", "--quiet", "--", "-D", "warnings"]);
}

#[test]
fn the_whole_upstream_directory_fails_with_both_known_errors_and_writes_nothing() {
    let Some(corpus) = corpus_schema() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let failure =
        codegen(&options(&corpus, out.path())).expect_err("the upstream directory has errors");
    let errors: Vec<String> = failure.errors.0.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "GridNode/v1/attributes.yaml:76:86: invalid YAML: mapping values are not allowed"
        ),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with("EnergyOffer/v1/attributes.yaml:71:13 #/components/schemas/EnergyOffer/properties/expectedInputs/items/$ref: dangling $ref `../EnergyContract/v1/attributes.yaml#/components/schemas/ExpectedRoleInput`"),
        "{}",
        errors[1]
    );
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

#[test]
fn with_keep_going_the_upstream_directory_generates_all_but_its_broken_entries_and_builds() {
    let Some(corpus) = corpus_schema() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let mut asked = options(&corpus, out.path());
    asked.keep_going = true;
    let outcome = codegen(&asked).unwrap_or_else(|failure| panic!("{}", failure.errors));
    let left_out: Vec<(&str, String)> = outcome
        .left_out
        .iter()
        .map(|(entry, errors)| (entry.as_str(), errors.to_string()))
        .collect();
    assert_eq!(left_out.len(), 2, "{left_out:?}");
    assert_eq!(left_out[0].0, "EnergyOffer/v1");
    assert!(
        left_out[0]
            .1
            .contains("EnergyOffer/v1/attributes.yaml:71:13"),
        "{}",
        left_out[0].1
    );
    assert_eq!(left_out[1].0, "GridNode/v1");
    assert!(
        left_out[1]
            .1
            .contains("GridNode/v1/attributes.yaml:76:86: invalid YAML"),
        "{}",
        left_out[1].1
    );
    let modules: Vec<&str> = outcome
        .types
        .iter()
        .map(|(module, _)| module.as_str())
        .collect();
    for expected in [
        "energy_contract_p2p_trade_v1",
        "energy_resource_v0_2",
        "energy_trade_delivery_v0_2",
    ] {
        assert!(modules.contains(&expected), "{modules:?}");
    }
    assert!(
        !modules
            .iter()
            .any(|module| module.starts_with("grid_node") || module.starts_with("energy_offer"))
    );
    cargo_in(out.path(), &["clippy", "--quiet", "--", "-D", "warnings"]);
}

#[test]
fn deny_warnings_makes_each_warning_an_error_and_writes_nothing() {
    let Some(corpus) = corpus_schema() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let mut asked = options(&corpus, out.path());
    asked.entries = vec!["EnergyContractP2PTrade/v1".to_owned()];
    asked.deny_warnings = true;
    let failure = codegen(&asked).expect_err("the upstream entry has warnings");
    let errors: Vec<String> = failure.errors.0.iter().map(ToString::to_string).collect();
    assert!(errors.len() >= 4, "{errors:?}");
    assert!(
        errors
            .iter()
            .all(|error| error.ends_with("(denied by --deny-warnings)")),
        "{errors:?}"
    );
    assert!(
        errors[0].starts_with("warning: EnergyContract"),
        "{}",
        errors[0]
    );
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

/// The upstream schemas beside the checkout; their absence fails only under CI=true.
fn corpus_schema() -> Option<PathBuf> {
    let dir = workspace().join("../shared/deg-corpus/schema");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").map_or(true, |ci| ci != "true"),
        "CI=true but the corpus is missing at {}",
        dir.display()
    );
    eprintln!("skipped: no corpus at {}", dir.display());
    None
}

#[test]
fn malformed_keyword_values_are_reported_each_at_its_place() {
    let text = format!(
        "{HEAD}    Thing:\n      type: frob\n      required: yes\n      minimum: lots\n      properties: [a, b]\n    Multi:\n      type: [string, number]\n    Deep:\n      $ref: '#/components/schemas/Thing/properties/a'\n"
    );
    let errors = errors_for(&[("Thing/v1/attributes.yaml", &text)]);
    assert_eq!(
        errors,
        [
            "Thing/v1/attributes.yaml:6:7 #/components/schemas/Thing/type: invalid schema: unknown type `frob`",
            "Thing/v1/attributes.yaml:7:7 #/components/schemas/Thing/required: invalid schema: required must be a list",
            "Thing/v1/attributes.yaml:8:7 #/components/schemas/Thing/minimum: invalid schema: expected a number",
            "Thing/v1/attributes.yaml:9:7 #/components/schemas/Thing/properties: invalid schema: properties must be a mapping",
            "Thing/v1/attributes.yaml:13:7 #/components/schemas/Deep/$ref: dangling $ref `#/components/schemas/Thing/properties/a`: component `Thing` in Thing/v1/attributes.yaml has no schema at `/properties/a`",
        ]
    );
}

#[test]
fn a_file_without_component_schemas_is_an_error() {
    let errors = errors_for(&[(
        "Empty/v1/attributes.yaml",
        "openapi: 3.1.1\ninfo: {title: t, version: '1'}\n",
    )]);
    assert_eq!(
        errors,
        ["Empty/v1/attributes.yaml:1:1: invalid schema: no components.schemas in this file"]
    );
}

#[test]
fn an_output_directory_that_cannot_be_written_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-directory");
    std::fs::write(&blocker, "a file where the crate should go").unwrap();
    let failure = codegen(&options(&workspace().join("schema"), &blocker))
        .expect_err("cannot write into a file");
    let message = failure.errors.to_string();
    assert!(
        matches!(failure.errors.0[0], CodegenError::Io { .. }),
        "{message}"
    );
    assert!(message.contains("not-a-directory"), "{message}");
    assert_eq!(
        std::fs::read_to_string(&blocker).unwrap(),
        "a file where the crate should go"
    );
}

#[test]
fn a_missing_schema_directory_is_an_io_error_naming_it() {
    let out = tempfile::tempdir().unwrap();
    let missing = out.path().join("no-schemas-here");
    let failure = codegen(&options(&missing, out.path())).expect_err("no schema root");
    let message = failure.errors.to_string();
    assert!(
        message.starts_with(&format!(
            "error: {}: No such file or directory",
            missing.display()
        )),
        "{message}"
    );
}

#[test]
fn x_replaces_needs_a_json_ld_type_and_names_each_retired_type_once() {
    let untyped = format!("{HEAD}    A:\n      type: object\n      x-replaces: [Old]\n");
    let errors = errors_for(&[("A/v1/attributes.yaml", &untyped)]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("x-replaces needs the schema's own `x-jsonld` @type"),
        "{}",
        errors[0]
    );
    let a = format!(
        "{HEAD}    A:\n      type: object\n      x-replaces: [Old]\n      x-jsonld: {{\"@type\": A}}\n"
    );
    let b = format!(
        "{HEAD}    B:\n      type: object\n      x-replaces: [Old]\n      x-jsonld: {{\"@type\": B}}\n"
    );
    let errors = errors_for(&[("A/v1/attributes.yaml", &a), ("B/v1/attributes.yaml", &b)]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("`Old` is already replaced by `A`"),
        "{}",
        errors[0]
    );
    let listed = format!(
        "{HEAD}    A:\n      type: object\n      x-replaces: Old\n      x-jsonld: {{\"@type\": A}}\n"
    );
    let errors = errors_for(&[("A/v1/attributes.yaml", &listed)]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("expected a list of @type names"),
        "{}",
        errors[0]
    );
}

#[test]
fn an_absolute_url_ref_is_the_local_file_it_names_or_an_error_at_its_place() {
    let base = format!(
        "{HEAD}    Base:\n      type: object\n      properties:\n        id: {{type: string}}\n"
    );
    let derived = format!(
        "{HEAD}    Derived:\n      $ref: 'https://raw.githubusercontent.com/org/repo/main/schema/Base/v1/attributes.yaml#/components/schemas/Base'\n"
    );
    let schema = schema_dir(&[
        ("Base/v1/attributes.yaml", &base),
        ("Derived/v1/attributes.yaml", &derived),
    ]);
    let out = tempfile::tempdir().unwrap();
    codegen(&options(schema.path(), out.path())).expect("the URL resolves to Base/v1");
    let elsewhere = format!(
        "{HEAD}    Derived:\n      $ref: 'https://example.org/schema/Gone/v1/attributes.yaml#/components/schemas/Base'\n"
    );
    let errors = errors_for(&[
        ("Base/v1/attributes.yaml", &base),
        ("Derived/v1/attributes.yaml", &elsewhere),
    ]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("Derived/v1/attributes.yaml:6:"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("is not fetched"), "{}", errors[0]);
}
