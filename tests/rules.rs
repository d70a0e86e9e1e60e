//! Every business rule with a message that passes it and one that fails it, asserting the
//! rule id, severity and pointer of what is reported.

mod common;

use common::{read_json, step_file};
use deg_contracts::check::{check_bytes, check_message};
use deg_contracts::finding::Severity;
use serde_json::{Value, json};

const CONTRACT: &str = "/message/order/beckn:orderAttributes";
const DELIVERY: &str = "/message/order/beckn:fulfillment/beckn:deliveryAttributes";

fn example(step: &str) -> Value {
    read_json(&step_file(step))
}

fn set(message: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = message
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    match parent {
        Value::Object(object) => {
            object.insert(key.to_owned(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        _ => panic!("{pointer}: parent is a scalar"),
    }
}

/// (rule, severity, pointer) of every finding that is not a schema violation.
fn rule_findings(message: &Value) -> Vec<(String, Severity, String)> {
    check_message(message)
        .findings
        .into_iter()
        .filter(|finding| !finding.rule.id().starts_with("schema/"))
        .map(|finding| (finding.rule.id(), finding.severity, finding.pointer))
        .collect()
}

fn errors(message: &Value) -> Vec<(String, String)> {
    rule_findings(message)
        .into_iter()
        .filter(|(_, severity, _)| *severity == Severity::Error)
        .map(|(rule, _, pointer)| (rule, pointer))
        .collect()
}

fn expect(message: &Value, rule: &str, pointer: &str) {
    let found = errors(message);
    assert_eq!(
        found,
        [(rule.to_owned(), pointer.to_owned())],
        "expected exactly {rule} at {pointer}"
    );
}

fn confirmed() -> Value {
    example("10_on_confirm")
}

/// The confirmed contract with a third BUYER → SELLER flow (`flows/2`) to vary, so the seed's
/// own two flows stay as the seed-flows rule wants them.
fn with_third_flow() -> Value {
    let mut message = confirmed();
    message
        .pointer_mut(&format!("{CONTRACT}/revenueFlows/flows"))
        .and_then(Value::as_array_mut)
        .unwrap()
        .push(json!({"from": "BUYER", "to": "SELLER", "formula": "0"}));
    message
}

#[test]
fn trade_cap() {
    let quantity = format!("{CONTRACT}/roles/1/roleInputs/contractedQuantity");
    let mut at_limit = confirmed();
    set(&mut at_limit, &quantity, json!(25));
    assert_eq!(errors(&at_limit), []);
    let mut over = confirmed();
    set(&mut over, &quantity, json!(25.01));
    expect(&over, "trade-cap", &quantity);
    let mut seller_bound = confirmed();
    set(
        &mut seller_bound,
        &format!("{CONTRACT}/roles/2/roleInputs/current_seller_trade_total"),
        json!(50),
    );
    set(&mut seller_bound, &quantity, json!(10.5));
    expect(&seller_bound, "trade-cap", &quantity);
}

#[test]
fn caps_are_not_below_their_totals() {
    let cap = format!("{CONTRACT}/roles/2/roleInputs/buyer_trade_cap");
    let mut equal = confirmed();
    set(&mut equal, &cap, json!(27.5));
    assert_eq!(errors(&equal), []);
    let mut below = confirmed();
    set(&mut below, &cap, json!(10));
    let found = errors(&below);
    assert!(
        found.contains(&("cap-below-total".to_owned(), cap)),
        "{found:?}"
    );
}

#[test]
fn trade_window() {
    let end = format!("{CONTRACT}/roles/1/roleInputs/tradeEndTime");
    let mut other_offset = confirmed();
    set(&mut other_offset, &end, json!("2025-06-14T04:30:01Z"));
    assert_eq!(errors(&other_offset), []);
    let mut same_instant = confirmed();
    set(&mut same_instant, &end, json!("2025-06-14T04:30:00Z"));
    expect(&same_instant, "trade-window", &end);
}

#[test]
fn seller_quantity_bounds() {
    let quantity = format!("{CONTRACT}/roles/1/roleInputs/contractedQuantity");
    let mut at_minimum = example("05_init");
    set(&mut at_minimum, &quantity, json!(2.0));
    assert_eq!(errors(&at_minimum), []);
    let mut below = example("05_init");
    set(&mut below, &quantity, json!(1.5));
    expect(&below, "quantity-bounds", &quantity);
    let mut above = example("05_init");
    set(&mut above, &quantity, json!(40.5));
    expect(&above, "quantity-bounds", &quantity);
}

#[test]
fn formula_syntax_and_references() {
    let formula = format!("{CONTRACT}/revenueFlows/flows/2/formula");
    let mut bracketed = with_third_flow();
    set(
        &mut bracketed,
        &formula,
        json!(
            "roles[BUYER].roleInputs[contractedQuantity].value * roles[SELLER].roleInputs[pricePerKWh]"
        ),
    );
    assert_eq!(errors(&bracketed), []);
    let mut free_form = with_third_flow();
    set(
        &mut free_form,
        &formula,
        json!("roles.BUYER.roleInputs.contractedQuantity × roles.AGGREGATOR.roleInputs.anyInput"),
    );
    assert_eq!(errors(&free_form), [], "generic roles take any input");
    let mut broken = with_third_flow();
    set(
        &mut broken,
        &formula,
        json!("roles.BUYER.roleInputs.contractedQuantity ×"),
    );
    expect(&broken, "formula-syntax", &formula);
    let finding = check_message(&broken)
        .findings
        .into_iter()
        .find(|f| f.rule.id() == "formula-syntax")
        .unwrap();
    assert_eq!(finding.column_in_value, Some(44));
    assert_eq!(
        finding.message,
        "formula does not parse at column 44: expected a number, a reference or `(`"
    );
    let mut undeclared_input = with_third_flow();
    set(
        &mut undeclared_input,
        &formula,
        json!(
            "roles.BUYER.roleInputs.contractedQuantity × roles.SELLER.roleInputs.wheelingCharges"
        ),
    );
    expect(&undeclared_input, "formula-reference", &formula);
    let mut undeclared_role = with_third_flow();
    set(
        &mut undeclared_role,
        &formula,
        json!("roles.BANK.roleInputs.rate × 2"),
    );
    expect(&undeclared_role, "formula-reference", &formula);
}

#[test]
fn roles_not_yet_listed_are_warnings() {
    let findings = rule_findings(&example("05_init"));
    assert_eq!(
        findings,
        [(
            "role-not-listed".to_owned(),
            Severity::Warning,
            format!("{CONTRACT}/revenueFlows/flows/1/to")
        )]
    );
    assert_eq!(rule_findings(&confirmed()), []);
    let mut read_only = with_third_flow();
    set(
        &mut read_only,
        &format!("{CONTRACT}/revenueFlows/flows/2/formula"),
        json!("roles.BUYER.roleInputs.contractedQuantity × roles.AGGREGATOR.roleInputs.bonus"),
    );
    assert_eq!(
        rule_findings(&read_only),
        [(
            "role-not-listed".to_owned(),
            Severity::Warning,
            format!("{CONTRACT}/revenueFlows/flows/2/formula")
        )]
    );
}

#[test]
fn filled_agrees_with_filled_by() {
    let mut filled_anonymously = confirmed();
    set(
        &mut filled_anonymously,
        &format!("{CONTRACT}/roles/2/filledBy"),
        Value::Null,
    );
    expect(
        &filled_anonymously,
        "filled-by",
        &format!("{CONTRACT}/roles/2"),
    );
    let mut open_but_claimed = example("07_cascaded_init");
    set(
        &mut open_but_claimed,
        &format!("{CONTRACT}/roles/2/filledBy"),
        json!("bpp.discom-grid.example"),
    );
    expect(
        &open_but_claimed,
        "filled-by",
        &format!("{CONTRACT}/roles/2/filledBy"),
    );
    assert_eq!(errors(&example("07_cascaded_init")), []);
}

#[test]
fn one_role_per_kind() {
    let mut prosumer_too = confirmed();
    let mut roles = prosumer_too
        .pointer(&format!("{CONTRACT}/roles"))
        .unwrap()
        .clone();
    let mut second = roles[0].clone();
    second["role"] = json!("PROSUMER");
    roles.as_array_mut().unwrap().push(second);
    set(&mut prosumer_too, &format!("{CONTRACT}/roles"), roles);
    expect(
        &prosumer_too,
        "duplicate-role",
        &format!("{CONTRACT}/roles/3/role"),
    );
    let mut clearing_agent = confirmed();
    let mut roles = clearing_agent
        .pointer(&format!("{CONTRACT}/roles"))
        .unwrap()
        .clone();
    roles.as_array_mut().unwrap().push(json!({"role": "MARKET_CLEARING_AGENT", "filledBy": "bpp.clearing.example", "filled": true}));
    set(&mut clearing_agent, &format!("{CONTRACT}/roles"), roles);
    assert_eq!(errors(&clearing_agent), []);
}

#[test]
fn active_contracts_have_every_role_filled() {
    let mut open = confirmed();
    set(
        &mut open,
        &format!("{CONTRACT}/roles/2/filled"),
        json!(false),
    );
    set(
        &mut open,
        &format!("{CONTRACT}/roles/2/filledBy"),
        Value::Null,
    );
    expect(&open, "open-role", &format!("{CONTRACT}/roles/2/filled"));
    assert_eq!(
        errors(&example("07_cascaded_init")),
        [],
        "a PENDING contract may have open roles"
    );
}

#[test]
fn status_fits_the_action() {
    let mut pending_confirmation = confirmed();
    set(
        &mut pending_confirmation,
        &format!("{CONTRACT}/status"),
        json!("PENDING"),
    );
    expect(
        &pending_confirmation,
        "status-action",
        &format!("{CONTRACT}/status"),
    );
    let mut active_init = example("05_init");
    set(
        &mut active_init,
        &format!("{CONTRACT}/status"),
        json!("ACTIVE"),
    );
    let found = errors(&active_init);
    assert!(
        found.contains(&("status-action".to_owned(), format!("{CONTRACT}/status"))),
        "{found:?}"
    );
    let mut terminated = example("12_on_status");
    set(
        &mut terminated,
        &format!("{CONTRACT}/status"),
        json!("TERMINATED"),
    );
    assert_eq!(errors(&terminated), []);
    let mut no_action = confirmed();
    set(&mut no_action, "/context", json!({}));
    set(
        &mut no_action,
        &format!("{CONTRACT}/status"),
        json!("PENDING"),
    );
    assert_eq!(errors(&no_action), []);
}

#[test]
fn currencies_are_active_iso_4217_codes() {
    let currency = format!("{CONTRACT}/roles/0/roleInputs/currency");
    for code in ["EUR", "USD", "JPY"] {
        let mut message = confirmed();
        set(&mut message, &currency, json!(code));
        // The opened settlement cycle stays in INR, which settlement-currency reports.
        let found: Vec<_> = errors(&message)
            .into_iter()
            .filter(|(rule, _)| rule == "currency")
            .collect();
        assert_eq!(found, [], "{code}");
    }
    for code in ["inr", "RUPEE", "XYZ"] {
        let mut message = confirmed();
        set(&mut message, &currency, json!(code));
        expect(&message, "currency", &currency);
    }
    let mut verbose = confirmed();
    set(
        &mut verbose,
        &currency,
        json!({"type": "STRING", "required": true, "value": "EURO"}),
    );
    expect(&verbose, "currency", &format!("{currency}/value"));
    let mut cycle = example("13_on_status_completed");
    set(
        &mut cycle,
        &format!("{DELIVERY}/settlementCycles/0/currency"),
        json!("RS"),
    );
    expect(
        &cycle,
        "currency",
        &format!("{DELIVERY}/settlementCycles/0/currency"),
    );
}

#[test]
fn settlement_matches_the_revenue_flows() {
    assert_eq!(errors(&example("13_on_status_completed")), []);
    let amount = format!("{DELIVERY}/settlementCycles/0/amount");
    let mut off_by_a_paisa = example("13_on_status_completed");
    set(&mut off_by_a_paisa, &amount, json!(90.01));
    expect(&off_by_a_paisa, "settlement", &amount);
    let mut exact_in_another_scale = example("13_on_status_completed");
    set(&mut exact_in_another_scale, &amount, json!(90.000));
    assert_eq!(errors(&exact_in_another_scale), []);
    let breakdown = format!("{DELIVERY}/settlementCycles/0/breakdown/energyCost");
    let mut wrong_part = example("13_on_status_completed");
    set(&mut wrong_part, &breakdown, json!(79));
    expect(&wrong_part, "settlement", &breakdown);
    let mut no_grid_operator = example("13_on_status_completed");
    let roles = no_grid_operator
        .pointer_mut(&format!("{CONTRACT}/roles"))
        .unwrap();
    roles.as_array_mut().unwrap().pop();
    set(
        &mut no_grid_operator,
        &format!("{CONTRACT}/status"),
        json!("ACTIVE"),
    );
    let found = errors(&no_grid_operator);
    assert!(
        found.contains(&("settlement".to_owned(), amount.clone())),
        "{found:?}"
    );
    let finding = check_message(&no_grid_operator)
        .findings
        .into_iter()
        .find(|f| f.rule.id() == "settlement")
        .unwrap();
    assert_eq!(
        finding.message,
        "cannot check the settled amount: flow 1: missing roles.GRID_OPERATOR.roleInputs.wheelingCharges"
    );
    let mut pending = example("13_on_status_completed");
    set(
        &mut pending,
        &format!("{DELIVERY}/settlementCycles/0/status"),
        json!("PENDING"),
    );
    set(&mut pending, &amount, json!(1));
    assert_eq!(
        errors(&pending)
            .into_iter()
            .filter(|(rule, _)| rule == "settlement")
            .collect::<Vec<_>>(),
        [],
        "pending cycles carry provisional amounts"
    );
}

#[test]
fn json_syntax_and_duplicate_keys() {
    let report = check_bytes(b"{\"a\": 1, \"a\": 2}");
    let found: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| (f.rule.id(), f.pointer.clone()))
        .collect();
    assert_eq!(found, [("duplicate-key".to_owned(), "/a".to_owned())]);
    assert!(check_bytes(b"{\"a\": 1, \"b\": 2}").findings.is_empty());
    let broken = check_bytes(b"{\"a\": }");
    assert_eq!(broken.findings[0].rule.id(), "json-syntax");
    assert_eq!(
        broken.findings[0].position.map(|p| (p.line, p.column)),
        Some((1, 7))
    );
}

#[test]
fn many_findings_in_one_file_each_get_their_own_line() {
    let mut message = confirmed();
    let contract = message
        .pointer_mut(CONTRACT)
        .unwrap()
        .as_object_mut()
        .unwrap();
    for i in 0..2000 {
        contract.insert(format!("extra{i:04}"), json!(i));
    }
    let text = serde_json::to_string_pretty(&message).unwrap();
    let report = check_bytes(text.as_bytes());
    let unknown: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.id() == "schema/unknown-property")
        .collect();
    assert_eq!(unknown.len(), 2000);
    for finding in unknown {
        let key = finding.pointer.rsplit('/').next().unwrap();
        let line = finding.line_text.as_deref().unwrap();
        assert!(
            line.trim_start().starts_with(&format!("\"{key}\": ")),
            "{key} at {line:?}"
        );
        let position = finding.position.unwrap();
        assert_eq!(text.lines().nth(position.line - 1).unwrap(), line);
    }
}

#[test]
fn decimal_overflow_is_a_finding_at_the_value_not_a_crash() {
    // A cap minus its total beyond ±7.9e28.
    let cap = format!("{CONTRACT}/roles/2/roleInputs/buyer_trade_cap");
    let mut caps = confirmed();
    set(&mut caps, &cap, json!(7e28));
    set(
        &mut caps,
        &format!("{CONTRACT}/roles/2/roleInputs/current_buyer_trades_total"),
        json!(-7e28),
    );
    let found = errors(&caps);
    assert!(
        found.contains(&("arithmetic-overflow".to_owned(), cap)),
        "{found:?}"
    );
    // Two flows whose sum leaves the range.
    let mut settled = example("13_on_status_completed");
    for input in [
        "roles/0/roleInputs/pricePerKWh",
        "roles/2/roleInputs/wheelingCharges",
    ] {
        set(&mut settled, &format!("{CONTRACT}/{input}"), json!(4e27));
    }
    let amount = format!("{DELIVERY}/settlementCycles/0/amount");
    let found = errors(&settled);
    assert!(
        found.contains(&("arithmetic-overflow".to_owned(), amount)),
        "{found:?}"
    );
    let text = deg_contracts::flows::describe(&caps);
    assert!(
        text.contains(
            "max trade volume: unknown: a cap minus its total is beyond the decimal range"
        ),
        "{text}"
    );
}

#[test]
fn formulas_nested_too_deep_are_syntax_findings() {
    let formula = format!("{CONTRACT}/revenueFlows/flows/0/formula");
    for deep in [
        format!("{}1{}", "(".repeat(5_000), ")".repeat(5_000)),
        format!("{}1", "-".repeat(5_000)),
        vec!["1"; 5_000].join(" + "),
        format!("{}1{}", "min(".repeat(2_000), ")".repeat(2_000)),
    ] {
        let mut message = confirmed();
        set(&mut message, &formula, json!(deep));
        let report = check_message(&message);
        let finding = report
            .findings
            .iter()
            .find(|finding| finding.rule.id() == "formula-syntax")
            .unwrap_or_else(|| panic!("{:?}", report.findings));
        assert_eq!(finding.pointer, formula);
        assert!(
            finding
                .message
                .ends_with("nested more than 100 levels deep"),
            "{}",
            finding.message
        );
        // The flows command says so too, and does not overflow either.
        let text = deg_contracts::flows::describe(&message);
        assert!(text.contains("nested more than 100 levels deep"), "{text}");
    }
}

#[test]
fn a_type_array_listing_the_base_first_is_checked_as_the_specific_type() {
    let quantity = format!("{CONTRACT}/roles/1/roleInputs/contractedQuantity");
    for types in [
        json!(["EnergyContract", "EnergyContractP2PTrade"]),
        json!(["EnergyContractP2PTrade", "EnergyContract"]),
    ] {
        let mut over = confirmed();
        set(&mut over, &format!("{CONTRACT}/@type"), types.clone());
        set(&mut over, &quantity, json!(25.01));
        expect(&over, "trade-cap", &quantity);
    }
}

#[test]
fn a_column_inside_an_escaped_formula_lands_on_its_source_character() {
    let formula = format!("{CONTRACT}/revenueFlows/flows/0/formula");
    let mut message = confirmed();
    set(
        &mut message,
        &formula,
        json!("roles.BUYER.roleInputs.contractedQuantity × \"x\" + roles.NOBODY.roleInputs.q"),
    );
    // One line, with `×` written as `\u00d7` and the quotes escaped.
    let text = serde_json::to_string(&message)
        .unwrap()
        .replace('×', "\\u00d7");
    let report = check_bytes(text.as_bytes());
    let finding = report
        .findings
        .iter()
        .find(|finding| {
            finding.rule.id() == "formula-syntax" || finding.rule.id() == "formula-reference"
        })
        .unwrap_or_else(|| panic!("{:?}", report.findings));
    let expected = text.find("\\\"x\\\"").unwrap();
    let position = finding.position.unwrap();
    assert_eq!(position.line, 1);
    assert_eq!(
        position.column,
        text[..expected].chars().count() + 1,
        "{}",
        finding.message
    );
}

#[test]
fn quantities_and_prices_are_positive_and_charges_not_negative() {
    assert_eq!(errors(&confirmed()), []);
    for (input, value) in [
        ("roles/1/roleInputs/contractedQuantity", json!(-5)),
        ("roles/0/roleInputs/pricePerKWh", json!(0)),
        ("roles/2/roleInputs/wheelingCharges", json!(-0.1)),
        ("roles/2/roleInputs/current_seller_trade_total", json!(-1)),
    ] {
        let pointer = format!("{CONTRACT}/{input}");
        let mut message = confirmed();
        set(&mut message, &pointer, value);
        let found: Vec<(String, String)> = errors(&message)
            .into_iter()
            .filter(|(rule, _)| rule == "positive-terms")
            .collect();
        assert_eq!(
            found,
            [("positive-terms".to_owned(), pointer.clone())],
            "{input}"
        );
    }
    // Zero is a fine wheeling charge.
    let mut free = confirmed();
    set(
        &mut free,
        &format!("{CONTRACT}/roles/2/roleInputs/wheelingCharges"),
        json!(0),
    );
    assert_eq!(errors(&free), []);
}

#[test]
fn the_contract_has_the_seeds_two_flows() {
    let flows = format!("{CONTRACT}/revenueFlows");
    // No flows at all: neither is there.
    let mut none = confirmed();
    set(&mut none, &format!("{flows}/flows"), json!([]));
    assert_eq!(
        errors(&none),
        [
            ("seed-flows".to_owned(), flows.clone()),
            ("seed-flows".to_owned(), flows.clone())
        ]
    );
    // The grid operator's flow missing while it is a party.
    let mut no_wheeling = confirmed();
    let list = no_wheeling
        .pointer_mut(&format!("{flows}/flows"))
        .and_then(Value::as_array_mut)
        .unwrap();
    list.truncate(1);
    expect(&no_wheeling, "seed-flows", &flows);
    // Paying the wrong way.
    let mut reversed = confirmed();
    set(
        &mut reversed,
        &format!("{flows}/flows/0/from"),
        json!("SELLER"),
    );
    set(
        &mut reversed,
        &format!("{flows}/flows/0/to"),
        json!("BUYER"),
    );
    let found = errors(&reversed);
    assert_eq!(
        found,
        [("seed-flows".to_owned(), flows.clone())],
        "{found:?}"
    );
    // Another formula; the factors in the other order are the same product.
    let formula = format!("{flows}/flows/0/formula");
    let mut other = confirmed();
    set(
        &mut other,
        &formula,
        json!(
            "roles.BUYER.roleInputs.contractedQuantity × roles.GRID_OPERATOR.roleInputs.wheelingCharges"
        ),
    );
    expect(&other, "seed-flows", &formula);
    let mut swapped = confirmed();
    set(
        &mut swapped,
        &formula,
        json!("roles.SELLER.roleInputs.pricePerKWh * roles.BUYER.roleInputs.contractedQuantity"),
    );
    assert_eq!(errors(&swapped), []);
    // Before the grid operator joins, only the seller's flow is required.
    assert_eq!(errors(&example("05_init")), []);
}

#[test]
fn flows_net_to_zero() {
    let mut message = confirmed();
    let flag = format!("{CONTRACT}/revenueFlows/netZero");
    set(&mut message, &flag, json!(false));
    expect(&message, "net-zero", &flag);
    set(&mut message, &flag, json!(true));
    assert_eq!(errors(&message), []);
}

#[test]
fn a_completed_contract_is_settled() {
    let completed = example("13_on_status_completed");
    assert_eq!(errors(&completed), []);
    let mut pending = completed.clone();
    set(
        &mut pending,
        &format!("{DELIVERY}/settlementCycles/0/status"),
        json!("PENDING"),
    );
    expect(&pending, "completed-settled", &format!("{CONTRACT}/status"));
    let mut bare = completed;
    bare["message"]["order"]
        .as_object_mut()
        .unwrap()
        .remove("beckn:fulfillment");
    expect(&bare, "completed-settled", &format!("{CONTRACT}/status"));
}

#[test]
fn a_cycle_is_settled_only_once_delivered() {
    let mut early = example("13_on_status_completed");
    set(
        &mut early,
        &format!("{DELIVERY}/deliveryStatus"),
        json!("IN_PROGRESS"),
    );
    let found = errors(&early);
    assert!(
        found.contains(&(
            "settled-delivery".to_owned(),
            format!("{DELIVERY}/settlementCycles/0/status")
        )),
        "{found:?}"
    );
}

#[test]
fn settlement_is_in_the_contracts_currency() {
    let mut dollars = example("13_on_status_completed");
    let currency = format!("{DELIVERY}/settlementCycles/0/currency");
    set(&mut dollars, &currency, json!("USD"));
    expect(&dollars, "settlement-currency", &currency);
}

#[test]
fn delivery_stays_within_the_tolerance_above_the_contract() {
    let quantity = format!("{DELIVERY}/deliveredQuantity");
    let mut within = example("13_on_status_completed");
    set(&mut within, &quantity, json!(13.75));
    assert_eq!(errors(&within), [], "10 % over 12.5 is allowed");
    let mut four_times = example("13_on_status_completed");
    set(&mut four_times, &quantity, json!(50));
    expect(&four_times, "delivered-quantity", &quantity);
}

#[test]
fn from_the_confirm_on_every_role_is_listed_and_filled() {
    let roles = format!("{CONTRACT}/roles");
    // ACTIVE without a BUYER.
    let mut no_buyer = confirmed();
    no_buyer
        .pointer_mut(&roles)
        .and_then(Value::as_array_mut)
        .unwrap()
        .remove(1);
    let found: Vec<(String, String)> = errors(&no_buyer)
        .into_iter()
        .filter(|(rule, _)| rule == "required-roles")
        .collect();
    assert_eq!(found, [("required-roles".to_owned(), roles.clone())]);
    // A confirm whose grid operator is still open.
    let mut open = example("09_confirm");
    assert_eq!(errors(&open), []);
    set(&mut open, &format!("{roles}/2/filled"), json!(false));
    set(&mut open, &format!("{roles}/2/filledBy"), Value::Null);
    expect(&open, "open-role", &format!("{roles}/2/filled"));
    // Before the confirm, roles join as they come.
    assert_eq!(errors(&example("05_init")), []);
}
