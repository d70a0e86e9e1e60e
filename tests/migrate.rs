//! `deg-contracts migrate`: each mapping rule, each conflict and missing finding, bad inputs,
//! and the upstream legacy corpus migrated, snapshotted and validated again.

mod common;

use std::path::{Path, PathBuf};

use common::{deg, root, run};
use deg_contracts::migrate::{self, Input, Migration, Origin};
use serde_json::Value;

/// Our own legacy trade, one message per line: on_discover (resource, offer), init (stops,
/// item), the cascaded init and on_init (the grid operator's quote), on_init, on_confirm
/// (settlement opened) and on_status (a legacy delivery, settled).
fn fixture() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/migrate/trade.jsonl")).unwrap()
}

/// The fixture with `from` replaced by `to` on line `line` (from 1) only.
fn edited(line: usize, from: &str, to: &str) -> String {
    let mut lines: Vec<String> = fixture().lines().map(str::to_owned).collect();
    assert!(lines[line - 1].contains(from), "line {line} has no {from}");
    lines[line - 1] = lines[line - 1].replacen(from, to, 1);
    lines.join("\n") + "\n"
}

/// Migrates `text` alone, as the input `name` (a log or a file).
fn migrate_one(name: &str, text: &str, log: bool) -> Migration {
    migrate::migrate(&[Input {
        name: name.to_owned(),
        relative: PathBuf::from(name),
        text: text.to_owned(),
        log,
        unreadable: None,
    }])
}

fn migrate_log(text: &str) -> Migration {
    migrate_one("trade.jsonl", text, true)
}

/// Line `line` (from 1) of the migrated log, parsed.
fn output_line(migration: &Migration, line: usize) -> Value {
    let output = migration.outputs[0].as_ref().expect("an output");
    serde_json::from_str(output.text.lines().nth(line - 1).unwrap()).unwrap()
}

fn contract(message: &Value) -> &Value {
    &message["message"]["order"]["beckn:orderAttributes"]
}

fn inputs(message: &Value, role: usize) -> &Value {
    &contract(message)["roles"][role]["roleInputs"]
}

/// Each finding as `rule line: message`.
fn findings(migration: &Migration) -> Vec<String> {
    migration.reports[0]
        .findings
        .iter()
        .map(|finding| {
            format!(
                "{} {}: {}",
                finding.rule,
                finding.position.map_or(0, |p| p.line),
                finding.message
            )
        })
        .collect()
}

/// Where the value at `pointer` of output line `line` came from.
fn origin(migration: &Migration, line: usize, pointer: &str) -> Origin {
    let output = migration.outputs[0].as_ref().unwrap();
    let (_, records) = output.records.iter().find(|(at, _)| *at == line).unwrap();
    records
        .iter()
        .find(|record| record.pointer == pointer)
        .unwrap_or_else(|| panic!("no record of {pointer} on line {line}"))
        .origin
        .clone()
}

/// The places an origin names, as `line pointer`.
fn sources(origin: &Origin) -> Vec<String> {
    let places = match origin {
        Origin::Read(places) | Origin::Derived { from: places, .. } => places,
    };
    places
        .iter()
        .map(|place| format!("{} {}", place.line, place.pointer))
        .collect()
}

const ROLES: &str = "/message/order/beckn:orderAttributes/roles";

#[test]
fn the_seller_inputs_come_from_the_catalogs_resource_and_offer() {
    let migration = migrate_log(&fixture());
    let on_init = output_line(&migration, 5);
    let seller = inputs(&on_init, 0);
    assert_eq!(contract(&on_init)["roles"][0]["role"], "SELLER");
    assert_eq!(
        contract(&on_init)["roles"][0]["filledBy"],
        "bpp.seller.example"
    );
    assert_eq!(seller["sourceMeterId"], "MTR-S-1");
    assert_eq!(seller["sourceType"], "WIND");
    assert_eq!(seller["inverterId"], "INV-9");
    assert_eq!(
        seller["certification"],
        serde_json::json!({"status": "Wind Certified", "certificates": ["https://certs.example/wind-9.pdf"]})
    );
    assert_eq!(seller["pricePerKWh"], 0.12);
    assert_eq!(seller["currency"], "EUR");
    assert_eq!(seller["pricingModel"], "PER_KWH");
    assert_eq!(seller["maximumQuantity"], 50);
    assert_eq!(seller["validityWindow"]["end"], "2025-03-01T23:59:59Z");
    let meter = origin(
        &migration,
        5,
        &format!("{ROLES}/0/roleInputs/sourceMeterId"),
    );
    assert_eq!(
        sources(&meter),
        ["1 /message/catalogs/0/beckn:items/0/beckn:itemAttributes/meterId"]
    );
    let price = origin(&migration, 5, &format!("{ROLES}/0/roleInputs/pricePerKWh"));
    assert_eq!(
        sources(&price),
        ["1 /message/catalogs/0/beckn:offers/0/beckn:price/schema:price"]
    );
    let Origin::Derived { rule, .. } = origin(
        &migration,
        5,
        &format!("{ROLES}/0/roleInputs/certification"),
    ) else {
        panic!("the certification is made, not copied")
    };
    assert!(rule.contains("certificationStatus"), "{rule}");
}

#[test]
fn the_buyer_inputs_come_from_the_inits_stops_and_item() {
    let migration = migrate_log(&fixture());
    let on_init = output_line(&migration, 5);
    let buyer = inputs(&on_init, 1);
    assert_eq!(
        contract(&on_init)["roles"][1]["filledBy"],
        "bap.buyer.example"
    );
    assert_eq!(buyer["targetMeterId"], "MTR-T-2");
    assert_eq!(buyer["tradeStartTime"], "2025-03-01T09:00:00Z");
    assert_eq!(buyer["tradeEndTime"], "2025-03-01T15:00:00Z");
    // The quantity keeps its bytes: 8.0, not 8.
    let output = migration.outputs[0].as_ref().unwrap();
    assert!(
        output
            .text
            .lines()
            .nth(4)
            .unwrap()
            .contains(r#""contractedQuantity":8.0"#),
        "{}",
        output.text
    );
    let quantity = origin(
        &migration,
        5,
        &format!("{ROLES}/1/roleInputs/contractedQuantity"),
    );
    assert_eq!(
        sources(&quantity),
        ["2 /message/order/beckn:items/0/quantity/count"]
    );
    let meter = origin(
        &migration,
        5,
        &format!("{ROLES}/1/roleInputs/targetMeterId"),
    );
    assert_eq!(
        sources(&meter),
        ["2 /message/order/beckn:fulfillments/0/beckn:stops/1/beckn:location/beckn:address"]
    );
}

#[test]
fn several_order_items_add_up_to_the_contracted_quantity() {
    let two_items = r#""beckn:items": [{"beckn:id": "item-wind-1", "quantity": {"count": 5.5, "unit": "kWh"}}, {"beckn:id": "item-wind-2", "quantity": {"count": 2.5, "unit": "kWh"}}]"#;
    let text = edited(
        2,
        r#""beckn:items": [{"beckn:id": "item-wind-1", "quantity": {"count": 8.0, "unit": "kWh"}}]"#,
        two_items,
    );
    let migration = migrate_log(&text);
    assert!(
        findings(&migration).iter().all(|f| !f.contains("conflict")),
        "{:?}",
        findings(&migration)
    );
    let Origin::Derived { rule, from } = origin(
        &migration,
        5,
        &format!("{ROLES}/1/roleInputs/contractedQuantity"),
    ) else {
        panic!("a sum is derived")
    };
    assert!(rule.contains("sum"), "{rule}");
    assert_eq!(from.len(), 2);
    assert_eq!(
        inputs(&output_line(&migration, 5), 1)["contractedQuantity"],
        8.0
    );
}

#[test]
fn a_flat_wheeling_charge_becomes_the_grid_operators_charge_per_kwh() {
    let migration = migrate_log(&fixture());
    let on_init = output_line(&migration, 5);
    assert_eq!(inputs(&on_init, 2)["wheelingCharges"], 0.2);
    assert_eq!(
        contract(&output_line(&migration, 5))["roles"][2]["filled"],
        false
    );
    let Origin::Derived { rule, from } = origin(
        &migration,
        5,
        &format!("{ROLES}/2/roleInputs/wheelingCharges"),
    ) else {
        panic!("the charge per kWh is derived")
    };
    assert_eq!(rule, "per kWh: the flat 1.6 EUR ÷ contractedQuantity 8");
    // The grid operator's own quote, its currency, and the quantity.
    assert_eq!(from[0].line, 4);
    assert_eq!(from[2].line, 2);
}

#[test]
fn a_charge_that_does_not_divide_exactly_says_it_was_rounded() {
    let mut text = fixture().replace(r#""count": 8.0"#, r#""count": 3"#);
    text = text.replace(r#""contractedQuantity": 8.0"#, r#""contractedQuantity": 3"#);
    let migration = migrate_log(&text);
    let Origin::Derived { rule, .. } = origin(
        &migration,
        5,
        &format!("{ROLES}/2/roleInputs/wheelingCharges"),
    ) else {
        panic!("derived")
    };
    assert!(
        rule.ends_with("(rounded to 28 significant digits)"),
        "{rule}"
    );
    let charge = inputs(&output_line(&migration, 5), 2)["wheelingCharges"].to_string();
    assert!(charge.starts_with("0.53333"), "{charge}");
}

#[test]
fn ids_time_status_and_flows_are_minted_or_moved() {
    let migration = migrate_log(&fixture());
    for line in [3, 4, 5, 6, 7] {
        let contract = contract(&output_line(&migration, line)).clone();
        assert_eq!(contract["@type"], "EnergyContractP2PTrade", "line {line}");
        assert_eq!(
            contract["@context"],
            "https://legacy.deg-contracts.example/schema/EnergyContractP2PTrade/v1/context.jsonld"
        );
        assert_eq!(contract["contractId"], "contract-txn-m-1", "line {line}");
        // The cascaded init is the first message that carries the contract.
        assert_eq!(contract["createdAt"], "2025-03-01T08:10:02Z");
        assert_eq!(
            contract["revenueFlows"]["flows"].as_array().unwrap().len(),
            2
        );
        assert!(contract.get("contractStatus").is_none());
    }
    assert_eq!(contract(&output_line(&migration, 6))["status"], "ACTIVE");
    assert_eq!(contract(&output_line(&migration, 7))["status"], "COMPLETED");
    let id = origin(
        &migration,
        3,
        "/message/order/beckn:orderAttributes/contractId",
    );
    assert_eq!(sources(&id), ["1 /context/transaction_id"]);
    // The id comes from the main flow's transaction even when the cascade speaks first.
    let mut text = edited(1, "2025-03-01T08:00:04Z", "2025-03-01T08:20:00Z");
    text = text.replacen("2025-03-01T08:10:00Z", "2025-03-01T08:20:01Z", 1);
    let migration = migrate_log(&text);
    let id = origin(
        &migration,
        3,
        "/message/order/beckn:orderAttributes/contractId",
    );
    assert_eq!(sources(&id), ["5 /context/transaction_id"]);
    assert_eq!(
        contract(&output_line(&migration, 3))["contractId"],
        "contract-txn-m-1"
    );
}

#[test]
fn settlement_moves_into_the_fulfillments_delivery() {
    let migration = migrate_log(&fixture());
    // on_confirm: no delivery yet, so one is made for the cycles.
    let confirmed = output_line(&migration, 6);
    let delivery =
        &confirmed["message"]["order"]["beckn:fulfillments"][0]["beckn:deliveryAttributes"];
    assert_eq!(delivery["@type"], "EnergyTradeDelivery");
    assert_eq!(
        delivery["@context"],
        "https://legacy.deg-contracts.example/schema/EnergyTradeDelivery/v1/context.jsonld"
    );
    assert_eq!(delivery["settlementCycles"][0]["cycleId"], "cy-1");
    assert!(contract(&confirmed).get("settlementCycles").is_none());
    // on_status: the legacy delivery is renamed, moved to v1, and given the cycles.
    let settled = output_line(&migration, 7);
    let fulfillment = &settled["message"]["order"]["beckn:fulfillments"][0];
    assert!(fulfillment.get("beckn:attributes").is_none());
    let delivery = &fulfillment["beckn:deliveryAttributes"];
    assert!(
        delivery["@context"]
            .as_str()
            .unwrap()
            .ends_with("/EnergyTradeDelivery/v1/context.jsonld")
    );
    assert_eq!(delivery["deliveryStatus"], "COMPLETED");
    assert_eq!(delivery["settlementCycles"][0]["amount"], 2.56);
    let cycles = origin(
        &migration,
        7,
        "/message/order/beckn:fulfillments/0/beckn:deliveryAttributes/settlementCycles",
    );
    assert_eq!(
        sources(&cycles),
        ["7 /message/order/beckn:orderAttributes/settlementCycles"]
    );
}

#[test]
fn only_the_grid_operators_caps_and_totals_are_missing() {
    let migration = migrate_log(&fixture());
    assert_eq!(
        findings(&migration),
        [
            "migration/missing 3: no legacy message gives GRID_OPERATOR's current_buyer_trades_total, current_seller_trade_total, buyer_trade_cap, seller_trade_cap: only the grid operator can supply them, so the migrated contract lists GRID_OPERATOR open"
        ]
    );
    assert!(!migration.complete());
    assert_eq!(
        migration.reports[0].count(deg_contracts::finding::Severity::Warning),
        1
    );
}

#[test]
fn a_seller_meter_the_cascade_disagrees_on_is_a_conflict_the_main_flow_wins() {
    let text = edited(
        3,
        r#""sourceMeterId": "MTR-S-1""#,
        r#""sourceMeterId": "MTR-S-77""#,
    );
    let migration = migrate_log(&text);
    let conflicts: Vec<String> = findings(&migration)
        .into_iter()
        .filter(|f| f.starts_with("migration/conflict"))
        .collect();
    assert_eq!(
        conflicts,
        [
            r#"migration/conflict 3: SELLER.sourceMeterId is "MTR-S-77" here but "MTR-S-1" at trade.jsonl:1:593: the main flow's value is used, not the cascade's"#
        ]
    );
    assert_eq!(
        inputs(&output_line(&migration, 3), 0)["sourceMeterId"],
        "MTR-S-1"
    );
}

#[test]
fn two_main_flow_messages_that_disagree_keep_the_earlier_value() {
    let text = edited(5, r#""sourceType": "WIND""#, r#""sourceType": "SOLAR""#);
    let migration = migrate_log(&text);
    assert!(
        findings(&migration).iter().any(|f| f.starts_with("migration/conflict 5: SELLER.sourceType is \"SOLAR\" here but \"WIND\" at trade.jsonl:1:")
            && f.ends_with("the earlier message's value is used")),
        "{:?}",
        findings(&migration)
    );
    assert_eq!(inputs(&output_line(&migration, 7), 0)["sourceType"], "WIND");
}

#[test]
fn a_wheeling_charge_in_another_currency_is_a_conflict_the_contracts_currency_wins() {
    let text = edited(
        4,
        r#""schema:priceCurrency": "EUR""#,
        r#""schema:priceCurrency": "INR""#,
    );
    let migration = migrate_log(&text);
    assert!(
        findings(&migration).contains(&"migration/conflict 4: the flat wheeling charge is 1.6 INR here but 1.6 EUR at trade.jsonl:1:1095: the one in the contract's currency is used".to_owned()),
        "{:?}",
        findings(&migration)
    );
    let charge = origin(
        &migration,
        5,
        &format!("{ROLES}/2/roleInputs/wheelingCharges"),
    );
    assert_eq!(
        sources(&charge)[0],
        "1 /message/catalogs/0/beckn:offers/0/beckn:offerAttributes/wheelingCharges/amount"
    );
}

#[test]
fn a_wheeling_amount_the_offer_and_the_grid_disagree_on_keeps_the_grids_quote() {
    let text = edited(1, r#""amount": 1.6"#, r#""amount": 2.4"#);
    let migration = migrate_log(&text);
    assert!(
        findings(&migration).iter().any(|f| f.starts_with("migration/conflict 1: the flat wheeling charge is 2.4 EUR here but 1.6 EUR at trade.jsonl:4:")
            && f.ends_with("the grid operator's own quote is used")),
        "{:?}",
        findings(&migration)
    );
    assert_eq!(
        inputs(&output_line(&migration, 5), 2)["wheelingCharges"],
        0.2
    );
}

#[test]
fn without_a_quantity_the_wheeling_charge_cannot_be_made_per_kwh() {
    let text: String = fixture()
        .lines()
        .map(|line| {
            line.replace(r#""contractedQuantity": 8.0, "#, "").replace(
                r#""quantity": {"count": 8.0, "unit": "kWh"}"#,
                r#""quantity": {"unit": "kWh"}"#,
            ) + "\n"
        })
        .collect();
    let migration = migrate_log(&text);
    let all = findings(&migration);
    assert!(
        all.iter().any(|f| f.starts_with(
            "migration/missing 4: the flat wheeling charge 1.6 EUR cannot be made per kWh"
        )),
        "{all:?}"
    );
    assert!(
        all.iter().any(|f| f.contains("BUYER's contractedQuantity")),
        "{all:?}"
    );
    assert!(
        inputs(&output_line(&migration, 5), 2)
            .get("wheelingCharges")
            .is_none()
    );
    assert_eq!(
        contract(&output_line(&migration, 5))["roles"][1]["filled"],
        false
    );
}

#[test]
fn a_cascade_that_matches_no_main_flow_is_a_trade_of_its_own() {
    let mut text = edited(
        3,
        r#""targetMeterId": "MTR-T-2""#,
        r#""targetMeterId": "MTR-T-9""#,
    );
    let lines: Vec<&str> = text.lines().collect();
    let changed = lines[3].replace(
        r#""targetMeterId": "MTR-T-2""#,
        r#""targetMeterId": "MTR-T-9""#,
    );
    let mut lines: Vec<String> = lines.iter().map(|line| (*line).to_owned()).collect();
    lines[3] = changed;
    // Its stops name the other meter too.
    lines[2] = lines[2].replace(
        r#""beckn:address": "MTR-T-2""#,
        r#""beckn:address": "MTR-T-9""#,
    );
    text = lines.join("\n") + "\n";
    let migration = migrate_log(&text);
    assert!(
        findings(&migration).contains(&"migration/missing 3: no main flow in the input trades to this cascade's buyer meter over its trade window: it is migrated as a trade of its own, contract-txn-c-1, with BUYER open".to_owned()),
        "{:?}",
        findings(&migration)
    );
    let cascade = contract(&output_line(&migration, 3)).clone();
    assert_eq!(cascade["contractId"], "contract-txn-c-1");
    let id = origin(
        &migration,
        3,
        "/message/order/beckn:orderAttributes/contractId",
    );
    assert_eq!(
        sources(&id),
        ["3 /context/transaction_id"],
        "the cascade's own id"
    );
    // Without the catalog, the cascade does not say the seller's price.
    assert_eq!(cascade["roles"][0]["filled"], false);
    assert!(
        findings(&migration)
            .iter()
            .any(|f| f.contains("SELLER's pricePerKWh, currency")),
        "{:?}",
        findings(&migration)
    );
    assert_eq!(cascade["roles"][1]["filled"], false);
    assert_eq!(
        contract(&output_line(&migration, 5))["contractId"],
        "contract-txn-m-1"
    );
}

#[test]
fn a_delivery_that_disagrees_with_the_legacy_contracts_last_update_is_a_conflict() {
    let text = edited(
        7,
        r#""deliveredQuantity": 8.0, "lastUpdated": "2025-03-01T16:00:00Z""#,
        r#""deliveredQuantity": 8.0, "lastUpdated": "2025-03-01T17:00:00Z""#,
    );
    let migration = migrate_log(&text);
    assert!(
        findings(&migration).iter().any(|f| f.starts_with("migration/conflict 7: the legacy contract's lastUpdated is \"2025-03-01T16:00:00Z\" but the delivery's is \"2025-03-01T17:00:00Z\"")),
        "{:?}",
        findings(&migration)
    );
}

#[test]
fn a_delivery_already_in_its_current_slot_stays_there_and_gets_the_cycles() {
    let text = edited(7, r#""beckn:attributes""#, r#""beckn:deliveryAttributes""#);
    let migration = migrate_log(&text);
    let fulfillment =
        output_line(&migration, 7)["message"]["order"]["beckn:fulfillments"][0].clone();
    let delivery = &fulfillment["beckn:deliveryAttributes"];
    assert_eq!(delivery["settlementCycles"][0]["status"], "SETTLED");
    assert!(
        delivery["@context"]
            .as_str()
            .unwrap()
            .ends_with("/EnergyTradeDelivery/v1/context.jsonld")
    );
    let output = migration.outputs[0].as_ref().unwrap();
    let (_, records) = output.records.iter().find(|(line, _)| *line == 7).unwrap();
    assert!(
        records.iter().all(|record| !matches!(&record.origin, Origin::Derived { rule, .. } if rule.contains("is now"))),
        "no rename is recorded"
    );
}

#[test]
fn a_legacy_contract_without_a_context_gets_the_current_entrys_own() {
    let text = edited(
        5,
        r#""@context": "https://legacy.deg-contracts.example/schema/EnergyTradeContract/v0.2/context.jsonld", "#,
        "",
    );
    let migration = migrate_log(&text);
    assert_eq!(
        contract(&output_line(&migration, 5))["@context"],
        "EnergyContractP2PTrade/v1/context.jsonld"
    );
    let Origin::Derived { rule, .. } = origin(
        &migration,
        5,
        "/message/order/beckn:orderAttributes/@context",
    ) else {
        panic!("derived")
    };
    assert!(rule.contains("names no context entry"), "{rule}");
}

#[test]
fn cycles_without_a_fulfillment_to_hold_them_are_reported() {
    let text = edited(6, r#""beckn:fulfillments": [{"beckn:id": "f-1"}], "#, "");
    let migration = migrate_log(&text);
    assert!(
        findings(&migration).iter().any(|f| f.starts_with("migration/missing 6: the order has no fulfillment whose delivery could hold the settlementCycles")),
        "{:?}",
        findings(&migration)
    );
}

#[test]
fn a_legacy_contract_without_a_status_is_reported() {
    let text = edited(6, r#""contractStatus": "ACTIVE", "#, "");
    let migration = migrate_log(&text);
    assert!(
        findings(&migration).contains(&"migration/missing 6: the legacy contract has no contractStatus: the migrated one has no status".to_owned()),
        "{:?}",
        findings(&migration)
    );
}

#[test]
fn a_log_stays_a_log_and_its_untouched_lines_stay_byte_for_byte() {
    let migration = migrate_log(&fixture());
    let output = migration.outputs[0].as_ref().unwrap();
    assert_eq!(output.text.lines().count(), 7);
    // The init carries no legacy contract: nothing in it changes.
    assert_eq!(output.text.lines().nth(1), fixture().lines().nth(1));
    assert_eq!(output.records.len(), 7);
}

#[test]
fn inputs_the_migration_cannot_read_are_findings_and_are_not_written() {
    let cases = [
        ("{\"context\": \n", "json-syntax", "not valid JSON"),
        (r#"{"a": 1}"#, "migration/input", "not a Beckn message"),
        (
            r#"{"context": {"domain": "mobility", "transaction_id": "t"}, "message": {}}"#,
            "migration/input",
            "another domain (`mobility`)",
        ),
        (
            r#"{"context": {"domain": "energy-trade", "action": "init"}, "message": {}}"#,
            "migration/input",
            "no context.transaction_id",
        ),
    ];
    for (text, rule, message) in cases {
        let migration = migrate_one("bad.json", text, false);
        assert!(migration.outputs[0].is_none(), "{text}");
        let finding = &migration.reports[0].findings[0];
        assert_eq!(finding.rule.to_string(), rule, "{text}");
        assert!(finding.message.contains(message), "{}", finding.message);
        assert!(finding.position.is_some());
    }
}

#[test]
fn bad_files_are_findings_with_exit_one_and_nothing_written_for_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("a-broken.json"), "{\"context\": [1,,]}").unwrap();
    std::fs::write(input.join("b-latin1.json"), b"{\"a\": \"\xe9\"}").unwrap();
    std::fs::write(
        input.join("c-other.json"),
        r#"{"context": {"domain": "mobility"}, "message": {}}"#,
    )
    .unwrap();
    let (code, stdout, stderr) = run(deg()
        .args(["migrate", "--format", "json", "--out"])
        .arg(dir.path().join("out"))
        .arg(&input));
    assert_eq!(code, 1, "{stdout}{stderr}");
    let rules: Vec<String> = common::json_lines(&stdout)
        .iter()
        .map(|finding| {
            format!(
                "{} {}",
                common::finding_file(finding),
                finding["rule"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            "a-broken.json json-syntax",
            "b-latin1.json json-syntax",
            "c-other.json migration/input"
        ]
    );
    assert!(stdout.contains("not UTF-8 (at byte offset 7)"), "{stdout}");
    // A file beyond --max-file-size is not read.
    let (code, stdout, _) = run(deg()
        .args([
            "migrate",
            "--format",
            "json",
            "--max-file-size",
            "10",
            "--out",
        ])
        .arg(dir.path().join("out2"))
        .arg(input.join("c-other.json")));
    assert_eq!(code, 1);
    assert_eq!(common::json_lines(&stdout)[0]["rule"], "file-too-large");
    assert!(!dir.path().join("out2/c-other.json").exists());
    assert!(!dir.path().join("out/a-broken.json").exists());
    assert!(!dir.path().join("out/b-latin1.json").exists());
}

#[test]
fn no_hostile_input_makes_the_migration_panic_and_every_finding_is_placed() {
    let confirmed = common::read_json(&common::step_file("10_on_confirm"));
    let completed = common::read_json(&common::step_file("13_on_status_completed"));
    for class in common::hostile::classes(&confirmed, &completed) {
        let text = String::from_utf8_lossy(&class.bytes).into_owned();
        for log in [false, true] {
            let migration = std::panic::catch_unwind(|| migrate_one(class.file, &text, log))
                .unwrap_or_else(|_| panic!("{} (log: {log}) made migrate panic", class.name));
            for finding in &migration.reports[0].findings {
                assert!(finding.position.is_some(), "{}: {finding:?}", class.name);
            }
            if let Some(output) = &migration.outputs[0] {
                for line in output.text.lines().filter(|_| log) {
                    serde_json::from_str::<Value>(line)
                        .unwrap_or_else(|e| panic!("{}: {e}", class.name));
                }
            }
        }
    }
}

#[test]
fn a_legacy_object_inside_another_is_replaced_with_it() {
    let nested = r#""contractStatus": "PENDING", "nested": {"@type": "EnergyTradeContract", "contractStatus": "ACTIVE", "x": {"@type": "EnergyTradeDelivery", "deliveryStatus": "PENDING"}}, "#;
    let text = edited(5, r#""contractStatus": "PENDING", "#, nested);
    let migration = migrate_log(&text);
    let on_init = output_line(&migration, 5);
    assert_eq!(contract(&on_init)["status"], "PENDING");
    assert!(contract(&on_init).get("nested").is_none());
    assert_eq!(migration.reports[0].objects, 5);
}

/// A scratch directory holding the fixture log.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::fs::write(dir.path().join("in/trade.jsonl"), fixture()).unwrap();
    dir
}

#[test]
fn the_cli_writes_each_output_and_never_touches_its_inputs() {
    let dir = scratch();
    let (code, stdout, stderr) = run(deg()
        .args(["migrate", "--format", "json", "--out"])
        .arg(dir.path().join("out"))
        .arg(dir.path().join("in")));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(common::json_lines(&stdout).len(), 1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("in/trade.jsonl")).unwrap(),
        fixture()
    );
    let written = std::fs::read_to_string(dir.path().join("out/trade.jsonl")).unwrap();
    assert_eq!(
        written,
        migrate_log(&fixture()).outputs[0].as_ref().unwrap().text
    );
    let names: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["trade.jsonl"], "no temporary file is left");
}

#[test]
fn a_message_with_nothing_to_migrate_is_copied_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let text = fixture().lines().nth(1).unwrap().to_owned();
    std::fs::write(dir.path().join("init.json"), &text).unwrap();
    let (code, stdout, _) = run(deg()
        .args(["migrate", "--out"])
        .arg(dir.path().join("out"))
        .arg(dir.path().join("init.json")));
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/init.json")).unwrap(),
        text
    );
}

#[test]
fn usage_and_io_errors_exit_two_with_a_reason() {
    let dir = scratch();
    let input = dir.path().join("in");
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::create_dir(dir.path().join("again")).unwrap();
    std::fs::write(dir.path().join("again/trade.jsonl"), fixture()).unwrap();
    let cases: Vec<(Vec<PathBuf>, PathBuf, &str)> = vec![
        (
            vec![dir.path().join("empty")],
            dir.path().join("o1"),
            "no messages to migrate",
        ),
        (
            vec![input.clone()],
            input.join("out"),
            "is inside the input directory",
        ),
        (
            vec![input.join("trade.jsonl")],
            input.clone(),
            "would be written over its own input",
        ),
        (
            vec![input.clone(), dir.path().join("again")],
            dir.path().join("o2"),
            "would both be written to trade.jsonl",
        ),
        (
            vec![PathBuf::from("-")],
            dir.path().join("o3"),
            "not standard input",
        ),
        (
            vec![dir.path().join("nowhere")],
            dir.path().join("o4"),
            "nowhere",
        ),
    ];
    for (paths, out, reason) in cases {
        let (code, _, stderr) = run(deg().args(["migrate", "--out"]).arg(&out).args(&paths));
        assert_eq!(code, 2, "{paths:?}: {stderr}");
        assert!(stderr.contains(reason), "{paths:?}: {stderr}");
        assert!(!out.join("trade.jsonl").exists() || out == input);
    }
    assert_eq!(
        std::fs::read_to_string(input.join("trade.jsonl")).unwrap(),
        fixture()
    );
}

/// Every file below `dir`, as (relative name, text), sorted.
fn tree(dir: &Path) -> Vec<(String, String)> {
    common::json_files(dir)
        .into_iter()
        .map(|file| {
            let name = file.strip_prefix(dir).unwrap().display().to_string();
            (name, std::fs::read_to_string(&file).unwrap())
        })
        .collect()
}

#[test]
fn the_legacy_corpus_migrates_and_validates_with_only_the_documented_errors() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let examples = corpus.join("examples");
    let dir = tempfile::tempdir().unwrap();
    let migrate_to = |out: &Path| {
        run(deg()
            .current_dir(&examples)
            .args(["migrate", "--explain", "--out"])
            .arg(out)
            .arg("--provenance")
            .arg(out.with_extension("provenance.json"))
            .arg("v2_P2P_Trading_legacy"))
    };
    let first = dir.path().join("first");
    let (code, stdout, stderr) = migrate_to(&first);
    assert_eq!(code, 1, "{stderr}");
    let (explain, report) = stdout.split_at(stdout.find("\nv2_P2P_Trading_legacy/").unwrap() + 1);
    insta::assert_snapshot!("corpus_provenance", explain);
    insta::assert_snapshot!("corpus_findings", report);
    let outputs = tree(&first);
    assert_eq!(outputs.len(), 13);
    let joined: String = outputs
        .iter()
        .map(|(name, text)| format!("=== {name}\n{text}\n"))
        .collect();
    insta::assert_snapshot!("corpus_outputs", joined);
    let provenance: Value = serde_json::from_str(
        &std::fs::read_to_string(first.with_extension("provenance.json")).unwrap(),
    )
    .unwrap();
    let with_values = provenance["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|message| !message["values"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(
        with_values, 6,
        "the six legacy contracts, and the delivery they feed"
    );
    // Same input, same bytes.
    let second = dir.path().join("second");
    let (code, again, _) = migrate_to(&second);
    assert_eq!((code, again), (1, stdout.clone()));
    assert_eq!(tree(&second), outputs);
    assert_eq!(
        std::fs::read(second.with_extension("provenance.json")).unwrap(),
        std::fs::read(first.with_extension("provenance.json")).unwrap()
    );
    // The round trip: what remains is what the legacy data cannot give or gets wrong.
    let (code, validated, _) = run(deg().args(["validate", "--format", "json"]).arg(&first));
    assert_eq!(code, 1);
    let mut counts = std::collections::BTreeMap::new();
    for finding in common::json_lines(&validated) {
        *counts
            .entry(finding["rule"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    assert_eq!(
        format!("{counts:?}"),
        r#"{"energy-flow": 3, "open-role": 3, "order-terms": 2}"#
    );
}

#[test]
fn the_gate_names_migrate_on_a_legacy_contract() {
    let dir = scratch();
    let (code, stdout, _) = run(deg()
        .args(["validate", "--per-message"])
        .arg(dir.path().join("in/trade.jsonl")));
    assert_eq!(code, 1);
    assert!(
        stdout.contains("`deg-contracts migrate` moves it"),
        "{stdout}"
    );
}
