//! The generated runtime's building blocks: pointers, formats, role-input forms, collectors.

use deg_contracts_runtime::json::Value;
use deg_contracts_runtime::{
    Collector, DateTime, ErrorKind, Format, InputType, Location, check_format, check_role_input,
    is_iso8601_duration, is_verbose_role_input, role_input_is_provided,
};
use serde_json::json;

/// A `serde_json` value as the validators read it; its arena lives as long as the tests.
fn dom(value: &serde_json::Value) -> Value<'_> {
    Value::from_serde(value, Box::leak(Box::default()))
}

#[test]
fn locations_become_escaped_pointers() {
    let root = Location::ROOT;
    let roles = root.key("roles");
    let first = roles.index(0);
    let odd = first.key("a/b~c");
    assert_eq!(root.to_pointer(), "");
    assert_eq!(first.to_pointer(), "/roles/0");
    assert_eq!(odd.to_pointer(), "/roles/0/a~1b~0c");
}

#[test]
fn durations_follow_iso_8601() {
    for good in ["PT15M", "P1D", "P1DT2H", "P2W", "PT0.5S", "P1Y2M3DT4H5M6S"] {
        assert!(is_iso8601_duration(good), "{good}");
    }
    for bad in [
        "", "P", "PT", "15M", "P1H", "PT1D", "P1M1Y", "PT1H1H", "P-1D", "pt1h",
    ] {
        assert!(!is_iso8601_duration(bad), "{bad}");
    }
}

fn format_error(value: &str, format: &str) -> Option<ErrorKind> {
    let format = Format::from_name(format).unwrap();
    let mut out = Collector::all();
    check_format(value, format, &Location::ROOT, "test#", &mut out);
    out.finish().err().map(|errors| errors.0[0].kind.clone())
}

#[test]
fn formats_are_checked_by_their_rfcs() {
    assert_eq!(format_error("2025-06-14T10:00:00+05:30", "date-time"), None);
    assert_eq!(format_error("2025-06-14t10:00:00.5z", "date-time"), None);
    for bad in [
        "2025-06-14T10:00:00",
        "2025-06-14 10:00:00Z",
        "2025-02-30T10:00:00Z",
        "14/06/2025",
    ] {
        assert!(
            matches!(
                format_error(bad, "date-time"),
                Some(ErrorKind::Format {
                    format: Format::DateTime,
                    ..
                })
            ),
            "{bad}"
        );
    }
    assert_eq!(format_error("https://example.org/a?b#c", "uri"), None);
    assert_eq!(format_error("urn:isbn:0451450523", "uri"), None);
    assert!(format_error("http://exa mple.org", "uri").is_some());
    assert_eq!(format_error("ops@grid.example", "email"), None);
    assert!(format_error("ops.grid.example", "email").is_some());
}

#[test]
fn lengths_count_characters_not_bytes() {
    let length = |text: &str, min, max| {
        let mut out = Collector::all();
        deg_contracts_runtime::check_length(text, min, max, &Location::ROOT, "test#", &mut out);
        out.finish().err().map(|errors| errors.0[0].kind.code())
    };
    assert_eq!(
        length("éééé", Some(4), Some(4)),
        None,
        "8 bytes, 4 characters"
    );
    assert_eq!(length("ééé", Some(4), None), Some("min-length"));
    assert_eq!(length("ééééé", None, Some(4)), Some("max-length"));
    assert_eq!(length("", Some(1), None), Some("min-length"));
    assert_eq!(length("abcdefgh", Some(2), Some(8)), None);
}

#[test]
fn date_times_keep_their_offset_and_text() {
    let time = DateTime::parse("2025-06-14T10:00:00.250+05:30").unwrap();
    assert_eq!(time.as_str(), "2025-06-14T10:00:00.250+05:30");
    assert_eq!(time.instant().offset().whole_minutes(), 330);
    assert_eq!(
        serde_json::to_value(&time).unwrap(),
        json!("2025-06-14T10:00:00.250+05:30")
    );
    assert!(DateTime::parse("2025-06-14T10:00:00").is_err());
}

#[test]
fn verbose_form_needs_a_known_type_and_a_boolean_required() {
    assert!(is_verbose_role_input(&dom(
        &json!({"type": "NUMBER", "required": true})
    )));
    assert!(!is_verbose_role_input(&dom(&json!({"type": "NUMBER"}))));
    assert!(!is_verbose_role_input(&dom(
        &json!({"type": "DATETIME", "required": true})
    )));
    assert!(!is_verbose_role_input(&dom(
        &json!({"type": "NUMBER", "required": "yes"})
    )));
    assert!(!is_verbose_role_input(&dom(
        &json!({"status": "certified", "required": true})
    )));
}

#[test]
fn an_input_is_provided_only_with_a_value() {
    assert!(!role_input_is_provided(None));
    assert!(!role_input_is_provided(Some(&dom(&json!(null)))));
    assert!(!role_input_is_provided(Some(&dom(
        &json!({"type": "NUMBER", "required": true})
    ))));
    assert!(!role_input_is_provided(Some(&dom(
        &json!({"type": "NUMBER", "required": true, "value": null})
    ))));
    assert!(role_input_is_provided(Some(&dom(
        &json!({"type": "NUMBER", "required": true, "value": 0})
    ))));
    assert!(role_input_is_provided(Some(&dom(&json!(0)))));
    assert!(role_input_is_provided(Some(&dom(&json!(false)))));
}

#[test]
fn role_inputs_are_typed_in_both_forms() {
    let check = |value, declared| {
        let mut out = Collector::all();
        check_role_input(&dom(&value), declared, &Location::ROOT, "test#", &mut out);
        out.finish().err().map(|errors| {
            errors
                .iter()
                .map(|e| (e.kind.code(), e.instance_path.clone()))
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(check(json!(true), InputType::Boolean), None);
    assert_eq!(check(json!("PT15M"), InputType::Duration), None);
    assert_eq!(check(json!([{"price": 1}]), InputType::OfferCurve), None);
    assert_eq!(check(json!({"stops": []}), InputType::Route), None);
    assert_eq!(
        check(json!("15 minutes"), InputType::Duration),
        Some(vec![("role-input-value", String::new())])
    );
    assert_eq!(
        check(json!("yes"), InputType::Boolean),
        Some(vec![("role-input-value", String::new())])
    );
    assert_eq!(
        check(
            json!({"type": "BOOLEAN", "required": false, "description": 7, "value": 1}),
            InputType::Boolean
        ),
        Some(vec![
            ("type", "/description".to_owned()),
            ("role-input-value", "/value".to_owned())
        ])
    );
}

/// An untyped input (`Any`) takes every value in either form, in the full check and in the
/// streaming seed alike, and says whether it carries one.
#[test]
fn an_untyped_role_input_takes_any_value_in_both_forms() {
    use serde::de::DeserializeSeed;
    let streamed = |text: &str| {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        deg_contracts_runtime::fast::RoleInputSeed(InputType::Any)
            .deserialize(&mut deserializer)
            .ok()
    };
    for (text, given) in [
        ("true", true),
        ("6.4", true),
        ("\"cheap\"", true),
        ("[1, 2]", true),
        ("{\"per\": \"kWh\"}", true),
        (
            "{\"type\": \"NUMBER\", \"required\": true, \"value\": \"any\"}",
            true,
        ),
        (
            "{\"type\": \"STRING\", \"required\": false, \"value\": null}",
            false,
        ),
        ("null", false),
    ] {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut out = Collector::all();
        let provided = check_role_input(
            &dom(&value),
            InputType::Any,
            &Location::ROOT,
            "test#",
            &mut out,
        );
        assert!(out.finish().is_ok(), "{text}");
        assert_eq!(provided, given, "{text}");
        assert_eq!(streamed(text), Some(given), "{text}");
    }
    // The verbose form's own members are still checked.
    let verbose = json!({"type": "NUMBER", "required": true, "value": 1, "unit": "kWh"});
    let mut out = Collector::all();
    check_role_input(
        &dom(&verbose),
        InputType::Any,
        &Location::ROOT,
        "test#",
        &mut out,
    );
    assert_eq!(out.finish().unwrap_err().len(), 1);
    assert_eq!(streamed(&verbose.to_string()), None);
    assert!(
        InputType::from_name("ANY").is_none(),
        "no schema declares it"
    );
}

#[test]
fn a_fail_fast_collector_records_no_errors_and_says_stop() {
    let mut out = Collector::fail_fast();
    assert!(!out.should_stop());
    out.push(&Location::ROOT, "test#", || {
        panic!("kinds are not built when failing fast")
    });
    assert!(out.failed() && out.should_stop());
    assert_eq!(out.finish().unwrap_err().len(), 0);
}
