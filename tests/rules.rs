//! Every business rule with a message that passes it and one that fails it, asserting the
//! rule id, severity and pointer of what is reported.

mod common;

use common::{read_json, step_file};
use deg_contracts::check::{Keep, check_bytes, check_bytes_keeping, check_message};
use deg_contracts::finding::Severity;
use deg_contracts::settings::{Basis, Meter, Settings};
use rust_decimal::Decimal;
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

/// Sets the contracted quantity, and the order item's with it, as a consistent order would.
fn set_quantity(message: &mut Value, value: Value) {
    set(
        message,
        &format!("{CONTRACT}/roles/1/roleInputs/contractedQuantity"),
        value.clone(),
    );
    set(
        message,
        "/message/order/beckn:orderItems/0/beckn:quantity/unitQuantity",
        value,
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
    set_quantity(&mut at_limit, json!(25));
    assert_eq!(errors(&at_limit), []);
    let mut over = confirmed();
    set_quantity(&mut over, json!(25.01));
    expect(&over, "trade-cap", &quantity);
    let mut seller_bound = confirmed();
    set(
        &mut seller_bound,
        &format!("{CONTRACT}/roles/2/roleInputs/current_seller_trade_total"),
        json!(50),
    );
    set_quantity(&mut seller_bound, json!(10.5));
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
    set_quantity(&mut at_minimum, json!(2.0));
    assert_eq!(errors(&at_minimum), []);
    let mut below = example("05_init");
    set_quantity(&mut below, json!(1.5));
    expect(&below, "quantity-bounds", &quantity);
    let mut above = example("05_init");
    set_quantity(&mut above, json!(40.5));
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
    let text = deg_contracts::flows::describe(&caps).unwrap();
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
        let text = deg_contracts::flows::describe(&message).unwrap();
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
        set_quantity(&mut over, json!(25.01));
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

const SELLER_INPUTS: &str = "/message/order/beckn:orderAttributes/roles/0/roleInputs";
const BUYER_INPUTS: &str = "/message/order/beckn:orderAttributes/roles/1/roleInputs";

/// (rule, pointer) of every error, with the rules reading `settings`.
fn errors_with(message: &Value, settings: Settings) -> Vec<(String, String)> {
    let bytes = serde_json::to_vec(message).unwrap();
    let keep = Keep {
        findings: usize::MAX,
        facts: false,
        place_facts: false,
        settings,
        schemas: Default::default(),
        skipped: false,
    };
    check_bytes_keeping(&bytes, keep)
        .findings
        .into_iter()
        .filter(|finding| finding.severity == Severity::Error)
        .map(|finding| (finding.rule.id(), finding.pointer))
        .collect()
}

#[test]
fn the_trade_lies_inside_a_validity_window_shaped_as_the_schema_says() {
    let window = format!("{SELLER_INPUTS}/validityWindow");
    assert_eq!(errors(&confirmed()), []);
    let mut foo = confirmed();
    set(&mut foo, &window, json!({"foo": 1}));
    let found = errors(&foo);
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|(rule, pointer)| rule == "validity-window" && pointer.starts_with(&window)),
        "{found:?}"
    );
    // The verbose form is checked at its value.
    let mut verbose = confirmed();
    set(
        &mut verbose,
        &window,
        json!({"type": "OBJECT", "required": false, "value": {"start": "2025-06-14T06:00:00+05:30"}}),
    );
    expect(&verbose, "validity-window", &format!("{window}/value"));
    let mut late = confirmed();
    set(
        &mut late,
        &format!("{BUYER_INPUTS}/tradeEndTime"),
        json!("2025-06-14T20:00:00+05:30"),
    );
    expect(
        &late,
        "validity-window",
        &format!("{BUYER_INPUTS}/tradeEndTime"),
    );
    let mut early = confirmed();
    set(
        &mut early,
        &format!("{BUYER_INPUTS}/tradeStartTime"),
        json!("2025-06-14T05:00:00+05:30"),
    );
    expect(
        &early,
        "validity-window",
        &format!("{BUYER_INPUTS}/tradeStartTime"),
    );
    let mut reversed = confirmed();
    set(
        &mut reversed,
        &format!("{window}/end"),
        json!("2025-06-14T05:00:00+05:30"),
    );
    expect(&reversed, "validity-window", &format!("{window}/end"));
}

#[test]
fn a_certification_has_a_status_and_certificates() {
    let certification = format!("{SELLER_INPUTS}/certification");
    let mut empty = confirmed();
    set(&mut empty, &certification, json!({}));
    let found = errors(&empty);
    assert_eq!(found.len(), 2, "status and certificates: {found:?}");
    assert!(
        found
            .iter()
            .all(|(rule, pointer)| rule == "certification" && *pointer == certification)
    );
    let mut not_a_list = confirmed();
    set(
        &mut not_a_list,
        &format!("{certification}/certificates"),
        json!("cert.pdf"),
    );
    expect(
        &not_a_list,
        "certification",
        &format!("{certification}/certificates"),
    );
}

#[test]
fn an_energy_flow_is_the_change_in_its_meters_readings() {
    let readings = format!("{DELIVERY}/meterReadings");
    let completed = example("13_on_status_completed");
    assert_eq!(errors(&completed), []);
    let mut wrong = completed.clone();
    set(&mut wrong, &format!("{readings}/2/energyFlow"), json!(6.3));
    expect(&wrong, "energy-flow", &format!("{readings}/2/energyFlow"));
    // On the seller's meter instead: there the target meter moves by more than stated.
    let mut lossy = completed;
    set(
        &mut lossy,
        &format!("{readings}/2/sourceReading"),
        json!(5132.9),
    );
    assert_eq!(errors(&lossy), [], "the buyer's meter counts by default");
    let source = Settings {
        energy_flow: Meter::Source,
        ..Settings::default()
    };
    assert_eq!(
        errors_with(&lossy, source),
        [("energy-flow".to_owned(), format!("{readings}/2/energyFlow"))]
    );
}

#[test]
fn the_settlement_cycles_cover_the_trade() {
    let cycle = format!("{DELIVERY}/settlementCycles/0");
    let mut short = example("13_on_status_completed");
    set(
        &mut short,
        &format!("{cycle}/endTime"),
        json!("2025-06-14T12:00:00+05:30"),
    );
    expect(&short, "settlement-period", &format!("{cycle}/endTime"));
    let mut late = example("13_on_status_completed");
    set(
        &mut late,
        &format!("{cycle}/startTime"),
        json!("2025-06-14T11:00:00+05:30"),
    );
    expect(&late, "settlement-period", &format!("{cycle}/startTime"));
    let mut elsewhere = example("13_on_status_completed");
    set(
        &mut elsewhere,
        &format!("{cycle}/startTime"),
        json!("2025-06-15T00:00:00+05:30"),
    );
    set(
        &mut elsewhere,
        &format!("{cycle}/endTime"),
        json!("2025-06-15T23:59:59+05:30"),
    );
    let found = errors(&elsewhere);
    assert!(
        found.iter().all(|(rule, _)| rule == "settlement-period") && found.len() == 2,
        "outside, and so the trade's start uncovered: {found:?}"
    );
}

#[test]
fn settlement_follows_the_configured_basis_and_tolerance() {
    let quantity = format!("{DELIVERY}/deliveredQuantity");
    let mut short = example("13_on_status_completed");
    set(&mut short, &quantity, json!(10));
    assert_eq!(
        errors(&short),
        [],
        "the seed settles on the contracted quantity"
    );
    let delivered = Settings {
        basis: Basis::Delivered,
        ..Settings::default()
    };
    let amount = format!("{DELIVERY}/settlementCycles/0/amount");
    let found = errors_with(&short, delivered);
    assert!(
        found.contains(&("settlement".to_owned(), amount.clone())),
        "{found:?}"
    );
    // 10 kWh × (6.4 + 0.8) = 72: settled so, the delivered basis accepts it.
    set(&mut short, &amount, json!(72));
    set(
        &mut short,
        &format!("{DELIVERY}/settlementCycles/0/breakdown/energyCost"),
        json!(64),
    );
    set(
        &mut short,
        &format!("{DELIVERY}/settlementCycles/0/breakdown/wheelingCharges"),
        json!(8),
    );
    assert_eq!(errors_with(&short, delivered), []);
    let mut none = example("13_on_status_completed");
    none.pointer_mut(DELIVERY)
        .and_then(Value::as_object_mut)
        .unwrap()
        .remove("deliveredQuantity");
    assert_eq!(
        errors_with(&none, delivered),
        [("settlement".to_owned(), amount)],
        "nothing to settle on is said, not guessed"
    );
    let mut over = example("13_on_status_completed");
    set(&mut over, &quantity, json!(13.75));
    let strict = Settings {
        delivery_tolerance: Decimal::ZERO,
        ..Settings::default()
    };
    assert_eq!(
        errors_with(&over, strict),
        [("delivered-quantity".to_owned(), quantity)]
    );
}

#[test]
fn the_order_and_offer_say_what_the_contract_says() {
    let item = "/message/order/beckn:orderItems/0/beckn:quantity/unitQuantity";
    let mut more = confirmed();
    set(&mut more, item, json!(15));
    expect(&more, "order-terms", item);
    let quote = "/message/order/beckn:quote/beckn:price/schema:price";
    let quoted = example("06_on_init");
    assert_eq!(errors(&quoted), []);
    let mut cheap = quoted.clone();
    set(&mut cheap, quote, json!(80));
    expect(&cheap, "order-terms", quote);
    let currency = "/message/order/beckn:quote/beckn:price/schema:priceCurrency";
    let mut dollars = quoted;
    set(&mut dollars, currency, json!("USD"));
    expect(&dollars, "order-terms", currency);
    // The grid operator, answering the cascade, quotes its own flow only.
    let cascade = example("08_cascaded_on_init");
    assert_eq!(errors(&cascade), []);
    let mut whole = cascade;
    set(&mut whole, quote, json!(90));
    expect(&whole, "order-terms", quote);
    // An offer's price is the seller's.
    let offer = "/message/catalogs/0/beckn:offers/0/beckn:price/schema:price";
    let catalog = example("02_on_discover");
    assert_eq!(errors(&catalog), []);
    let mut dearer = catalog.clone();
    set(&mut dearer, offer, json!(7));
    expect(&dearer, "order-terms", offer);
    let offer_currency = "/message/catalogs/0/beckn:offers/0/beckn:price/schema:priceCurrency";
    let mut dollars = catalog;
    set(&mut dollars, offer_currency, json!("USD"));
    expect(&dollars, "order-terms", offer_currency);
}
