//! The checks across a trade's messages, each rule with a passing and a failing trade, run
//! as a directory of messages and as one JSON Lines log; and a cross-message finding in every
//! output format.

mod common;

use std::path::Path;

use common::{deg, json_files, read_json, root, run};
use serde_json::{Value, json};

const CONTRACT: &str = "/message/order/beckn:orderAttributes";

/// The example trade, step by step: (step folder, file name, message).
fn trade() -> Vec<(String, String, Value)> {
    json_files(&root().join("schema/examples/p2p_trading"))
        .into_iter()
        .map(|path| {
            let step = path.parent().unwrap().file_name().unwrap();
            let name = path.file_name().unwrap();
            (
                step.to_string_lossy().into_owned(),
                name.to_string_lossy().into_owned(),
                read_json(&path),
            )
        })
        .collect()
}

fn message<'a>(trade: &'a mut [(String, String, Value)], step: &str) -> &'a mut Value {
    &mut trade
        .iter_mut()
        .find(|(name, _, _)| name == step)
        .unwrap_or_else(|| panic!("no step {step}"))
        .2
}

fn set(trade: &mut [(String, String, Value)], step: &str, pointer: &str, value: Value) {
    *message(trade, step)
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{step}: no {pointer}")) = value;
}

/// A transaction finding: (step, rule, pointer, message).
type Found = (String, String, String, String);

/// Writes the trade as a directory and as a log, checks both, and returns the transaction
/// findings of each, with the log's line numbers turned back into steps.
fn check(trade: &[(String, String, Value)]) -> (Vec<Found>, Vec<Found>) {
    let dir = tempfile::tempdir().unwrap();
    let mut log = String::new();
    for (step, name, message) in trade {
        let folder = dir.path().join("trade").join(step);
        std::fs::create_dir_all(&folder).unwrap();
        let text = serde_json::to_string_pretty(message).unwrap();
        std::fs::write(folder.join(name), text).unwrap();
        log.push_str(&serde_json::to_string(message).unwrap());
        log.push('\n');
    }
    let log_path = dir.path().join("trade.jsonl");
    std::fs::write(&log_path, &log).unwrap();
    // Standard input is placed as it is read, a log file only where a finding needs it:
    // every finding, position and message agrees.
    let (_, from_file, _) = run(deg().args(["validate", "--format", "json"]).arg(&log_path));
    let (_, from_stdin, _) = run(deg()
        .args(["validate", "--format", "json", "--jsonl", "-"])
        .write_stdin(log));
    assert_eq!(
        placed_findings(&from_file, &log_path.display().to_string()),
        placed_findings(&from_stdin, "<stdin>")
    );
    let from_dir = transaction_findings(&dir.path().join("trade"), |finding| {
        let file = finding["file"].as_str().unwrap();
        Path::new(file)
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    });
    let from_log = transaction_findings(&log_path, |finding| {
        let line = finding["line"].as_u64().unwrap() as usize;
        trade[line - 1].0.clone()
    });
    (from_dir, from_log)
}

/// The findings of the transaction checks in a run's JSON Lines output.
fn trade_findings(stdout: &str) -> impl Iterator<Item = Value> + '_ {
    common::json_lines(stdout).into_iter().filter(|finding| {
        finding["rule"]
            .as_str()
            .is_some_and(|rule| rule.starts_with("transaction/"))
    })
}

fn transaction_findings(path: &Path, step_of: impl Fn(&Value) -> String) -> Vec<Found> {
    let (code, stdout, stderr) = run(deg().args(["validate", "--format", "json"]).arg(path));
    assert!(code == 0 || code == 1, "{stderr}");
    let mut found: Vec<Found> = trade_findings(&stdout)
        .map(|finding| {
            (
                step_of(&finding),
                finding["rule"].as_str().unwrap().to_owned(),
                finding["pointer"].as_str().unwrap().to_owned(),
                finding["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

/// Checks that the broken trade gets exactly the findings of `rule` at (step, pointer), in a
/// directory and in a log alike, each message naming the earlier place it contradicts.
fn expect(trade: &[(String, String, Value)], rule: &str, at: &[(&str, &str)], says: &str) {
    expect_with(trade, rule, at, says, &[]);
}

/// As [`expect`], where the defect also (rightly) trips the rules in `also`: (step, rule).
fn expect_with(
    trade: &[(String, String, Value)],
    rule: &str,
    at: &[(&str, &str)],
    says: &str,
    also: &[(&str, &str)],
) {
    let (from_dir, from_log) = check(trade);
    let mut others: Vec<(String, String)> = from_dir
        .iter()
        .filter(|(_, found_rule, _, _)| found_rule != rule)
        .map(|(step, found_rule, _, _)| (step.clone(), found_rule.clone()))
        .collect();
    others.dedup();
    let also: Vec<(String, String)> = also
        .iter()
        .map(|(step, rule)| ((*step).to_owned(), (*rule).to_owned()))
        .collect();
    assert_eq!(others, also, "{from_dir:#?}");
    let from_dir: Vec<Found> = from_dir
        .into_iter()
        .filter(|(_, found_rule, _, _)| found_rule == rule)
        .collect();
    let from_log: Vec<Found> = from_log
        .into_iter()
        .filter(|(_, found_rule, _, _)| found_rule == rule)
        .collect();
    let places: Vec<(String, String)> = from_dir
        .iter()
        .map(|(step, _, pointer, _)| (step.clone(), pointer.clone()))
        .collect();
    let mut wanted: Vec<(String, String)> = at
        .iter()
        .map(|(step, pointer)| ((*step).to_owned(), (*pointer).to_owned()))
        .collect();
    wanted.sort();
    assert_eq!(places, wanted, "{from_dir:#?}");
    assert!(
        from_dir
            .iter()
            .all(|(_, _, _, message)| message.contains(says)),
        "{from_dir:#?}"
    );
    let log_places: Vec<(String, String, String)> = from_log
        .iter()
        .map(|(step, rule, pointer, _)| (step.clone(), rule.clone(), pointer.clone()))
        .collect();
    let dir_places: Vec<(String, String, String)> = from_dir
        .iter()
        .map(|(step, rule, pointer, _)| (step.clone(), rule.clone(), pointer.clone()))
        .collect();
    assert_eq!(log_places, dir_places, "the log and the directory agree");
}

#[test]
fn the_example_trade_is_consistent_as_a_directory_and_as_a_log() {
    let (from_dir, from_log) = check(&trade());
    assert_eq!(from_dir, []);
    assert_eq!(from_log, []);
    let (code, _, stderr) = run(deg().args(["validate", "schema/examples"]));
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_message_id_is_used_once() {
    let mut trade = trade();
    set(
        &mut trade,
        "05_init",
        "/context/message_id",
        json!("msg-03-select"),
    );
    expect(
        &trade,
        "transaction/message-id",
        &[("05_init", "/context/message_id")],
        "message id `msg-03-select` is already used at ",
    );
}

#[test]
fn a_transaction_keeps_its_contract_and_the_trade_its_transaction() {
    let mut trade = trade();
    set(
        &mut trade,
        "12_on_status",
        "/message/order/beckn:id",
        json!("order-p2p-9999"),
    );
    expect(
        &trade,
        "transaction/identity",
        &[("12_on_status", "/message/order/beckn:id")],
        "has a second order id `order-p2p-9999`: was `order-p2p-0042` at ",
    );
    let mut moved = self::trade();
    set(
        &mut moved,
        "12_on_status",
        "/context/transaction_id",
        json!("txn-other"),
    );
    expect(
        &moved,
        "transaction/identity",
        &[("12_on_status", "/context/transaction_id")],
        "the trade's transaction id changed to `txn-other`: was `txn-p2p-6b1e2c` at ",
    );
}

#[test]
fn a_callback_comes_after_its_request() {
    let mut trade = trade();
    set(
        &mut trade,
        "04_on_select",
        "/context/timestamp",
        json!("2025-06-14T08:45:30+05:30"),
    );
    expect(
        &trade,
        "transaction/callback",
        &[("04_on_select", "/context/timestamp")],
        "on_select is earlier than the select it answers, at ",
    );
}

#[test]
fn a_contract_is_not_created_after_it_is_first_sent() {
    let mut trade = trade();
    set(
        &mut trade,
        "02_on_discover",
        "/message/catalogs/0/beckn:offers/0/beckn:offerAttributes/createdAt",
        json!("2025-06-14T08:45:00+05:30"),
    );
    expect(
        &trade,
        "transaction/created-at",
        &[(
            "02_on_discover",
            "/message/catalogs/0/beckn:offers/0/beckn:offerAttributes/createdAt",
        )],
        "createdAt 2025-06-14T08:45:00+05:30 is after 2025-06-14T08:40:04+05:30",
    );
}

#[test]
fn no_negotiation_after_the_confirm() {
    let mut trade = trade();
    set(&mut trade, "11_status", "/context/action", json!("select"));
    expect(
        &trade,
        "transaction/lifecycle",
        &[("11_status", "/context/action")],
        "select after the trade was confirmed at ",
    );
}

#[test]
fn the_cascade_runs_inside_the_main_exchange() {
    let mut trade = trade();
    // The seed's order: the BPP answers the BAP before it asks the grid operator, so the
    // BAP's confirm carries grid-operator values no message gave it.
    seed_on_init(&mut trade);
    set(
        &mut trade,
        "06_on_init",
        "/context/timestamp",
        json!("2025-06-14T08:48:04+05:30"),
    );
    expect_with(
        &trade,
        "transaction/cascade",
        &[
            ("07_cascaded_init", "/context/timestamp"),
            ("08_cascaded_on_init", "/context/timestamp"),
        ],
        "after the main on_init at ",
        &[("09_confirm", "transaction/provenance")],
    );
}

#[test]
fn a_status_never_moves_back() {
    let mut trade = trade();
    set(
        &mut trade,
        "12_on_status",
        "/context/timestamp",
        json!("2025-06-14T16:45:00+05:30"),
    );
    expect(
        &trade,
        "transaction/status",
        &[("12_on_status", &format!("{CONTRACT}/status"))],
        "status moved back to ACTIVE from COMPLETED at ",
    );
}

#[test]
fn terms_do_not_change_after_the_confirm() {
    let mut trade = trade();
    let price = format!("{CONTRACT}/roles/0/roleInputs/pricePerKWh");
    set(&mut trade, "12_on_status", &price, json!(7.1));
    expect(
        &trade,
        "transaction/terms",
        &[("12_on_status", &price), ("13_on_status_completed", &price)],
        "SELLER.pricePerKWh changed to ",
    );
    // The buyer asks for 10 kWh in its select, then revises to 12.5 in its init: its own
    // input, before the confirm, so allowed.
    let mut revised = self::trade();
    let quantity = format!("{CONTRACT}/roles/1/roleInputs/contractedQuantity/value");
    set(&mut revised, "03_select", &quantity, json!(10.0));
    set(&mut revised, "04_on_select", &quantity, json!(10.0));
    let (from_dir, from_log) = check(&revised);
    assert_eq!((from_dir, from_log), (vec![], vec![]));
}

#[test]
fn a_role_does_not_disappear() {
    let mut trade = trade();
    let roles = format!("{CONTRACT}/roles");
    let listed = message(&mut trade, "12_on_status")
        .pointer_mut(&roles)
        .unwrap()
        .as_array_mut()
        .unwrap();
    let seller = listed.remove(0);
    assert_eq!(seller["role"], "SELLER");
    let (from_dir, _) = check(&trade);
    let gone: Vec<&Found> = from_dir
        .iter()
        .filter(|(_, _, _, message)| message.starts_with("the contract no longer lists"))
        .collect();
    let [(step, rule, pointer, message)] = gone.as_slice() else {
        panic!("{from_dir:#?}");
    };
    assert_eq!(
        (step.as_str(), rule.as_str(), pointer.as_str()),
        (
            "12_on_status",
            "transaction/terms",
            format!("{CONTRACT}/contractId").as_str()
        )
    );
    assert!(
        message.starts_with("the contract no longer lists SELLER, which it did at "),
        "{message}"
    );
}

#[test]
fn an_input_does_not_disappear() {
    let mut trade = trade();
    let inputs = format!("{CONTRACT}/roles/0/roleInputs");
    message(&mut trade, "12_on_status")
        .pointer_mut(&inputs)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove("inverterId");
    expect(
        &trade,
        "transaction/terms",
        &[("12_on_status", &inputs)],
        "SELLER.inverterId is gone: was \"INV-RT-7731\" at ",
    );
}

/// The terms are matched by name, not by place: with an input gone, the ones after it are
/// written one place earlier, and a change to one of them is still found.
#[test]
fn a_change_is_found_after_an_input_that_is_gone() {
    let mut trade = trade();
    let inputs = format!("{CONTRACT}/roles/0/roleInputs");
    let written = message(&mut trade, "12_on_status")
        .pointer_mut(&inputs)
        .unwrap()
        .as_object_mut()
        .unwrap();
    let names: Vec<&String> = written.keys().collect();
    let (gone_at, price_at) = (
        names.iter().position(|name| *name == "inverterId").unwrap(),
        names
            .iter()
            .position(|name| *name == "pricePerKWh")
            .unwrap(),
    );
    assert!(gone_at < price_at, "{names:?}");
    written.remove("inverterId");
    written.insert("pricePerKWh".into(), json!(7.1));
    let (from_dir, from_log) = check(&trade);
    let price = format!("{inputs}/pricePerKWh");
    // What each terms finding says, up to where it places the earlier value.
    let terms = |found: &[Found]| -> Vec<(String, String, String)> {
        found
            .iter()
            .filter(|(_, rule, _, _)| rule == "transaction/terms")
            .map(|(step, _, pointer, message)| {
                let says = message.split(" at ").next().unwrap_or_default();
                (step.clone(), pointer.clone(), says.to_owned())
            })
            .collect()
    };
    let wanted = [
        (
            "12_on_status",
            &inputs,
            "SELLER.inverterId is gone: was \"INV-RT-7731\"",
        ),
        (
            "12_on_status",
            &price,
            "SELLER.pricePerKWh changed to 7.1: was 6.4",
        ),
        (
            "13_on_status_completed",
            &price,
            "SELLER.pricePerKWh changed to 6.4: was 7.1",
        ),
    ]
    .map(|(step, pointer, says)| (step.to_owned(), pointer.clone(), says.to_owned()));
    assert_eq!(terms(&from_dir), wanted, "{from_dir:#?}");
    assert_eq!(terms(&from_dir), terms(&from_log));
}

#[test]
fn a_sender_carries_only_values_it_was_given() {
    let mut trade = trade();
    // The seed's on_init, sent before the cascade: the BAP never hears the grid operator's
    // terms, yet confirms them.
    seed_on_init(&mut trade);
    set(
        &mut trade,
        "06_on_init",
        "/context/timestamp",
        json!("2025-06-14T08:48:05+05:30"),
    );
    set(
        &mut trade,
        "07_cascaded_init",
        "/context/timestamp",
        json!("2025-06-14T08:48:01+05:30"),
    );
    set(
        &mut trade,
        "08_cascaded_on_init",
        "/context/timestamp",
        json!("2025-06-14T08:48:03+05:30"),
    );
    let grid = |input: &str| format!("{CONTRACT}/roles/2/roleInputs/{input}");
    let wanted: Vec<(&str, String)> = [
        "buyer_trade_cap",
        "current_buyer_trades_total",
        "current_seller_trade_total",
        "seller_trade_cap",
        "wheelingCharges",
    ]
    .iter()
    .map(|input| ("09_confirm", grid(input)))
    .collect();
    let at: Vec<(&str, &str)> = wanted.iter().map(|(s, p)| (*s, p.as_str())).collect();
    // The seller's platform, which did hear them, rightly also drops the role it knew.
    expect_with(
        &trade,
        "transaction/provenance",
        &at,
        "`bap.sunrise-homes.example` sends GRID_OPERATOR.",
        &[("06_on_init", "transaction/terms")],
    );
}

#[test]
fn the_cascade_may_run_under_the_seller_platforms_own_bap_id() {
    // Beckn registers a platform's BAP and BPP separately: the seller's platform runs the
    // cascade as `bap.rooftop-coop.example`, sells as `bpp.rooftop-coop.example`, and is one
    // party for what it has seen and sends.
    let mut trade = trade();
    for step in [
        "07_cascaded_init",
        "08_cascaded_on_init",
        "09a_cascaded_confirm",
        "09b_cascaded_on_confirm",
    ] {
        set(
            &mut trade,
            step,
            "/context/bap_id",
            json!("bap.rooftop-coop.example"),
        );
    }
    let (directory, log) = check(&trade);
    assert_eq!(directory, Vec::<Found>::new());
    assert_eq!(log, Vec::<Found>::new());
    // A cascaded init sent to another grid operator: the real one answers with terms no
    // message gave it, and is caught.
    set(
        &mut trade,
        "07_cascaded_init",
        "/context/bpp_id",
        json!("bpp.other-grid.example"),
    );
    let (directory, _) = check(&trade);
    assert_eq!(directory.len(), 16, "{directory:?}");
    assert!(
        directory
            .iter()
            .all(|(step, rule, _, message)| step == "08_cascaded_on_init"
                && rule == "transaction/provenance"
                && message.starts_with("`bpp.discom-grid.example` sends ")),
        "{directory:?}"
    );
}

/// The seed's on_init: the contract as the init left it, without the grid operator.
fn seed_on_init(trade: &mut [(String, String, Value)]) {
    let before_cascade = message(trade, "05_init").pointer(CONTRACT).unwrap().clone();
    set(trade, "06_on_init", CONTRACT, before_cascade);
}

#[test]
fn a_role_is_filled_by_the_subscriber_that_fills_it() {
    let mut trade = trade();
    let filled_by = format!("{CONTRACT}/roles/1/filledBy");
    for step in [
        "05_init",
        "06_on_init",
        "07_cascaded_init",
        "08_cascaded_on_init",
        "09_confirm",
        "09a_cascaded_confirm",
        "09b_cascaded_on_confirm",
        "10_on_confirm",
        "12_on_status",
        "13_on_status_completed",
    ] {
        set(
            &mut trade,
            step,
            &filled_by,
            json!("bpp.rooftop-coop.example"),
        );
    }
    expect(
        &trade,
        "transaction/filled-by",
        &[("05_init", &filled_by)],
        "BUYER is filled by `bpp.rooftop-coop.example`, but the message that filled it was sent by `bap.sunrise-homes.example`",
    );
}

#[test]
fn the_revenue_flows_are_fixed_at_the_confirm() {
    let mut trade = trade();
    set(
        &mut trade,
        "12_on_status",
        &format!("{CONTRACT}/revenueFlows/flows/1/formula"),
        json!(
            "roles.BUYER.roleInputs.contractedQuantity × roles.GRID_OPERATOR.roleInputs.wheelingCharges × 2"
        ),
    );
    expect(
        &trade,
        "transaction/revenue-flows",
        &[("12_on_status", &format!("{CONTRACT}/revenueFlows"))],
        "the revenue flows changed after the confirm",
    );
}

#[test]
fn the_buyer_is_settled_on_its_last_quote() {
    let mut trade = trade();
    set(
        &mut trade,
        "06_on_init",
        "/message/order/beckn:quote/beckn:price/schema:price",
        json!(80.0),
    );
    expect(
        &trade,
        "transaction/quote",
        &[(
            "13_on_status_completed",
            "/message/order/beckn:fulfillment/beckn:deliveryAttributes/settlementCycles/0/amount",
        )],
        "settled 90 but the buyer was last quoted 80 before confirming, at ",
    );
}

#[test]
fn trades_older_than_the_window_are_checked_and_forgotten() {
    // Two trades reusing a message id a week apart: with a day's window the first trade is
    // closed (and its ids forgotten) before the second starts; with a month's, it is not.
    let mut first = trade();
    let second = a_week_later();
    first.extend(
        second
            .into_iter()
            .map(|(step, name, message)| (format!("z{step}"), name, message)),
    );
    let dir = tempfile::tempdir().unwrap();
    let log: String = first
        .iter()
        .map(|(_, _, message)| format!("{}\n", serde_json::to_string(message).unwrap()))
        .collect();
    let path = dir.path().join("week.ndjson");
    std::fs::write(&path, log).unwrap();
    let rules = |window: &str| -> Vec<String> {
        let (_, stdout, _) = run(deg()
            .args([
                "validate",
                "--format",
                "json",
                "--transaction-window",
                window,
            ])
            .arg(&path));
        stdout
            .lines()
            .map(|line| {
                serde_json::from_str::<Value>(line).unwrap()["rule"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .filter(|rule| rule.starts_with("transaction/"))
            .collect()
    };
    assert_eq!(rules("1d"), Vec::<String>::new());
    let month = rules("30d");
    assert_eq!(month.len(), first.len() / 2, "{month:?}");
    assert!(month.iter().all(|rule| rule == "transaction/message-id"));
    let (code, _, stderr) = run(deg()
        .args(["validate", "--transaction-window", "soon"])
        .arg(&path));
    assert_eq!(code, 2);
    assert!(stderr.contains("--transaction-window"), "{stderr}");
}

/// The example trade again, a week later under ids of its own.
fn a_week_later() -> Vec<(String, String, Value)> {
    let mut second = trade();
    for (_, _, message) in &mut second {
        let stamp = message["context"]["timestamp"]
            .as_str()
            .unwrap()
            .replace("06-14", "06-21");
        message["context"]["timestamp"] = json!(stamp);
        message["context"]["transaction_id"] = json!("txn-second");
        if let Some(contract) = message.pointer_mut(CONTRACT) {
            contract["contractId"] = json!("contract-second");
        }
        if let Some(offer) =
            message.pointer_mut("/message/catalogs/0/beckn:offers/0/beckn:offerAttributes")
        {
            offer["contractId"] = json!("contract-second");
        }
    }
    second
}

#[test]
fn a_report_goes_out_once_its_trades_are_checked_before_later_files_are_read() {
    use deg_contracts::run::{Input, Limits};
    use deg_contracts::trades::{self, Options};
    // Two trades a week apart, one file per message, checked on one worker with a day's
    // window. The first trade closes when the second's first message is read, and its
    // reports go out then: the test removes the last file as the first report arrives, and
    // so finds it unread only if the reports stream.
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (week, messages) in [(1, trade()), (2, a_week_later())] {
        for (step, _, message) in messages {
            let path = dir.path().join(format!("w{week}-{step}.json"));
            std::fs::write(&path, serde_json::to_string_pretty(&message).unwrap()).unwrap();
            paths.push(path);
        }
    }
    let inputs: Vec<Input> = paths.iter().cloned().map(Input::File).collect();
    let options = Options {
        limits: Limits::default(),
        jobs: 1,
        stdin_is_log: false,
        window_seconds: 24 * 60 * 60,
        transactions: true,
    };
    let last = paths.last().unwrap().clone();
    let mut delivered = Vec::new();
    trades::check(&inputs, options, |result| {
        if delivered.is_empty() {
            std::fs::remove_file(&last).unwrap();
        }
        delivered.push((result.name.clone(), result.outcome.is_ok()));
    });
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let in_order: Vec<&String> = delivered.iter().map(|(name, _)| name).collect();
    assert_eq!(in_order, names.iter().collect::<Vec<_>>(), "in input order");
    let unread: Vec<&String> = delivered
        .iter()
        .filter(|(_, read)| !read)
        .map(|(name, _)| name)
        .collect();
    assert_eq!(unread, [&names[names.len() - 1]]);
}

#[test]
fn standard_input_is_a_log_with_jsonl() {
    let mut log = String::new();
    for (_, _, message) in trade() {
        log.push_str(&serde_json::to_string(&message).unwrap());
        log.push_str("\n\n");
    }
    let (code, stdout, stderr) = run(deg()
        .args(["validate", "--format", "json", "--jsonl", "-"])
        .write_stdin(log.replace("msg-05-init", "msg-03-select")));
    assert_eq!(code, 1, "{stderr}");
    let finding: Value = stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .find(|finding| finding["rule"] == "transaction/message-id")
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(finding["file"], "<stdin>");
    // Blank lines count: the fifth message is on line 9.
    assert_eq!(finding["line"], 9);
    assert_eq!(
        stderr.lines().last(),
        Some("1 file, 16 objects: 1 error, 4 warnings")
    );
    let (code, stdout, _) = run(deg()
        .args(["validate", "--format", "json", "--jsonl", "-"])
        .write_stdin("{\"context\": {}}\nnot json\n"));
    assert_eq!(code, 1);
    let finding: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(
        (finding["rule"].as_str(), finding["line"].as_u64()),
        (Some("json-syntax"), Some(2))
    );
}

/// The transaction findings of a run, as (rule, line, column, message), with the input's
/// name written as `<log>`.
fn placed_findings(stdout: &str, name: &str) -> Vec<(String, u64, u64, String)> {
    trade_findings(stdout)
        .map(|finding| {
            (
                finding["rule"].as_str().unwrap().to_owned(),
                finding["line"].as_u64().unwrap(),
                finding["column"].as_u64().unwrap(),
                finding["message"].as_str().unwrap().replace(name, "<log>"),
            )
        })
        .collect()
}

#[test]
fn a_log_read_again_for_its_positions_places_them_as_one_read_once() {
    // A log file's facts are placed only when a finding needs them, by reading the line
    // again; standard input's as they are read. Indented lines test the columns.
    let mut trade = trade();
    set(
        &mut trade,
        "05_init",
        "/context/message_id",
        json!("msg-03-select"),
    );
    set(
        &mut trade,
        "12_on_status",
        &format!("{CONTRACT}/roles/0/roleInputs/pricePerKWh"),
        json!(7.1),
    );
    let log: String = trade
        .iter()
        .map(|(_, _, message)| format!("  {}\n", serde_json::to_string(message).unwrap()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trade.jsonl");
    std::fs::write(&path, &log).unwrap();
    let (_, from_file, _) = run(deg().args(["validate", "--format", "json"]).arg(&path));
    let (_, from_stdin, _) = run(deg()
        .args(["validate", "--format", "json", "--jsonl", "-"])
        .write_stdin(log.clone()));
    let from_file = placed_findings(&from_file, &path.display().to_string());
    let from_stdin = placed_findings(&from_stdin, "<stdin>");
    assert_eq!(from_file, from_stdin);
    let rules: Vec<&str> = from_file.iter().map(|(rule, ..)| rule.as_str()).collect();
    assert!(rules.contains(&"transaction/message-id"), "{from_file:#?}");
    assert!(rules.contains(&"transaction/terms"), "{from_file:#?}");
    // Each finding is at its value: the text there (columns count characters) is the value
    // the message names.
    let lines: Vec<&str> = log.lines().collect();
    for (rule, line, column, message) in &from_file {
        let text: String = lines[*line as usize - 1]
            .chars()
            .skip(*column as usize - 1)
            .collect();
        match rule.as_str() {
            "transaction/message-id" => {
                assert!(text.starts_with("\"msg-03-select\""), "{text}");
                assert!(message.contains("already used at <log>:3:"), "{message}");
            }
            "transaction/terms" => {
                let value = message
                    .split_once("changed to ")
                    .and_then(|(_, rest)| rest.split_once(':'))
                    .map(|(value, _)| value)
                    .unwrap_or_else(|| panic!("{message}"));
                assert!(text.starts_with(value), "{message}: {text}");
            }
            _ => {}
        }
    }
}

/// The example trade with the price changed after the contract is ACTIVE, in a directory,
/// reported in `format` with the directory's path replaced by `<trade>`.
fn price_changed_after_active(format: &str) -> String {
    let mut trade = trade();
    set(
        &mut trade,
        "12_on_status",
        &format!("{CONTRACT}/roles/0/roleInputs/pricePerKWh"),
        json!(7.1),
    );
    let dir = tempfile::tempdir().unwrap();
    for (step, name, message) in &trade {
        let folder = dir.path().join(step);
        std::fs::create_dir_all(&folder).unwrap();
        let text = serde_json::to_string_pretty(message).unwrap() + "\n";
        std::fs::write(folder.join(name), text).unwrap();
    }
    let (code, stdout, _) = run(deg().args(["validate", "--format", format]).arg(dir.path()));
    assert_eq!(code, 1);
    stdout.replace(&dir.path().display().to_string(), "<trade>")
}

#[test]
fn a_cross_message_finding_in_every_output_format() {
    for format in ["human", "json", "github", "sarif", "junit"] {
        let output = price_changed_after_active(format);
        let shown: String = match format {
            // The rule table is the same in every SARIF log: keep the results.
            "sarif" => {
                let log: Value = serde_json::from_str(&output).unwrap();
                serde_json::to_string_pretty(&log["runs"][0]["results"]).unwrap()
            }
            _ => output,
        };
        insta::assert_snapshot!(format!("price_changed_after_active_{format}"), shown);
    }
}

/// A line longer than the 100 bytes `--max-file-size 100` lets the gate read of one message.
fn too_long_line() -> String {
    format!("{{\"pad\": \"{}\"}}", "x".repeat(200))
}

/// The exit code, each JSON finding's rule and line, the JSON output and the summary of a
/// log of `text` checked with `--max-file-size 100` and `args`.
fn check_log_of(text: &str, args: &[&str]) -> (i32, Vec<(String, u64)>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.jsonl");
    std::fs::write(&path, text).unwrap();
    let (code, stdout, stderr) = run(deg()
        .args(["validate", "--format", "json", "--max-file-size", "100"])
        .args(args)
        .arg(&path));
    let found = stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .map(|finding| {
            (
                finding["rule"].as_str().unwrap().to_owned(),
                finding["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (code, found, stdout, stderr)
}

#[test]
fn a_log_line_over_the_size_limit_is_reported_and_the_rest_is_checked() {
    let long = too_long_line();
    let (code, found, stdout, stderr) =
        check_log_of(&format!("{{}}\n{long}\n{{\"a\": 1, \"a\": 2}}\n"), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        found,
        [
            ("file-too-large".to_owned(), 2),
            ("duplicate-key".to_owned(), 3)
        ]
    );
    assert!(
        stdout.contains("line 2 is longer than 100 bytes"),
        "{stdout}"
    );
}

#[test]
fn a_log_line_over_the_size_limit_takes_its_place_under_the_findings_limit() {
    let long = too_long_line();
    let (code, found, stdout, stderr) = check_log_of(
        &format!("{{\"a\": 1, \"a\": 2}}\n{long}\n"),
        &["--max-findings", "1"],
    );
    assert_eq!(code, 1, "{stderr}");
    // Line 1's finding is listed (after the note, which sorts first); line 2's is counted.
    assert_eq!(
        found,
        [
            ("findings-limit".to_owned(), 1),
            ("duplicate-key".to_owned(), 1)
        ],
        "{stdout}"
    );
    assert!(
        stdout.contains("1 more findings in this file are not listed (1 errors, 0 warnings)"),
        "{stdout}"
    );
    assert_eq!(
        stderr.lines().last(),
        Some("1 file, 0 objects: 2 errors, 1 warning")
    );
}

#[test]
fn trade_findings_beyond_the_limit_are_counted_not_listed() {
    // Every message reuses one id: one message-id finding per message after the first.
    let mut trade = trade();
    for (step, _, _) in trade.clone() {
        set(&mut trade, &step, "/context/message_id", json!("msg-same"));
    }
    let repeats = trade.len() - 1;
    let log: String = trade
        .iter()
        .map(|(_, _, message)| serde_json::to_string(message).unwrap() + "\n")
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trade.jsonl");
    std::fs::write(&path, &log).unwrap();
    let run_log = || {
        run(deg()
            .args(["validate", "--format", "json", "--max-findings", "6"])
            .arg(&path))
    };
    let (code, stdout, stderr) = run_log();
    assert_eq!(code, 1, "{stderr}");
    let rules: Vec<String> = stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .map(|finding| finding["rule"].as_str().unwrap().to_owned())
        .collect();
    let ids = rules
        .iter()
        .filter(|rule| *rule == "transaction/message-id");
    // The example's four role-not-listed warnings come first; two repeats fill the six.
    assert_eq!(ids.count(), 2, "{stdout}");
    assert_eq!(
        rules
            .iter()
            .filter(|rule| *rule == "findings-limit")
            .count(),
        1
    );
    let beyond = repeats - 2;
    assert!(
        stdout.contains(&format!(
            "{beyond} more findings in this file are not listed ({beyond} errors, 0 warnings)"
        )),
        "{stdout}"
    );
    // The example's four role-not-listed warnings, the repeats, and the note.
    assert_eq!(
        stderr.lines().last(),
        Some(format!("1 file, 16 objects: {repeats} errors, 5 warnings").as_str())
    );
    assert_eq!(
        run_log(),
        (code, stdout, stderr),
        "the same however the work interleaves"
    );
}

#[test]
fn a_long_log_and_its_files_report_the_same_on_one_worker_as_on_several() {
    // Forty copies of the example trade, each its own transaction, one in five with a message
    // id used twice: many batches per worker, findings spread across them.
    let dir = tempfile::tempdir().unwrap();
    let mut log = String::new();
    for copy in 0..40 {
        for (step, name, message) in trade() {
            let text = serde_json::to_string(&message)
                .unwrap()
                .replace("txn-", &format!("txn-{copy}-"))
                .replace("msg-", &format!("msg-{copy}-"));
            let text = if copy % 5 == 0 {
                text.replace(
                    &format!("msg-{copy}-05-init"),
                    &format!("msg-{copy}-03-select"),
                )
            } else {
                text
            };
            let folder = dir.path().join("files").join(format!("{copy:02}-{step}"));
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join(name), &text).unwrap();
            log.push_str(&text);
            log.push('\n');
        }
    }
    let log_path = dir.path().join("trades.jsonl");
    std::fs::write(&log_path, log).unwrap();
    for input in [log_path, dir.path().join("files")] {
        let report = |jobs: &str| {
            run(deg()
                .args(["validate", "--format", "json", "--jobs", jobs])
                .arg(&input))
        };
        let one = report("1");
        assert_eq!(one.0, 1, "{}", input.display());
        assert_eq!(
            one.1.matches("transaction/message-id").count(),
            8,
            "{}: {}",
            input.display(),
            one.1
        );
        for jobs in ["2", "3"] {
            assert_eq!(report(jobs), one, "{} on {jobs} workers", input.display());
        }
    }
}

#[test]
fn only_a_message_whose_sender_is_known_keeps_its_roles_for_the_trade() {
    use deg_contracts::check::{Keep, check_bytes_keeping};
    let keep = Keep {
        findings: usize::MAX,
        facts: true,
        place_facts: false,
        settings: Default::default(),
        schemas: Default::default(),
        skipped: false,
    };
    let facts = |value: &Value| {
        let bytes = serde_json::to_vec(value).unwrap();
        let mut facts = check_bytes_keeping(&bytes, keep).facts;
        assert_eq!(facts.len(), 1);
        facts.remove(0)
    };
    let mut trade = trade();
    let confirm = message(&mut trade, "09_confirm").clone();
    let sent = facts(&confirm);
    assert!(sent.sender().is_some());
    let [contract] = sent.contracts.as_slice() else {
        panic!("{:?}", sent.contracts);
    };
    assert!(contract.roles.len() >= 2, "{:?}", contract.roles);
    assert!(contract.roles.iter().any(|role| !role.inputs.is_empty()));
    // The contract alone, and the message without its action: no one says these terms.
    let mut unsent = confirm.clone();
    unsent["context"].as_object_mut().unwrap().remove("action");
    for alone in [confirm.pointer(CONTRACT).unwrap().clone(), unsent] {
        let facts = facts(&alone);
        assert_eq!(facts.sender(), None);
        let [bare] = facts.contracts.as_slice() else {
            panic!("{:?}", facts.contracts);
        };
        assert!(bare.roles.is_empty(), "{:?}", bare.roles);
        assert_eq!(
            (&bare.id.as_ref().unwrap().value, &bare.flows.value),
            (&contract.id.as_ref().unwrap().value, &contract.flows.value)
        );
    }
}
