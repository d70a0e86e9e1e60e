//! One input per class of hostile message the hostile-input issue found, at the sizes it
//! reported, each with the finding the gate must give. The regression test runs them all in
//! one run beside a valid message; the adversarial and memory benches measure them. Shared
//! by path so that the tests and the benches cannot drift apart.

use serde_json::{Value, json};

/// Where the example's contract sits in its message.
const CONTRACT: &str = "/message/order/beckn:orderAttributes";
/// Where the completed example's delivery sits.
const DELIVERY: &str = "/message/order/beckn:fulfillment/beckn:deliveryAttributes";

/// One hostile input.
pub struct Hostile {
    /// What it is, for reports.
    pub name: &'static str,
    /// The file it is written to: the class number first, so runs list them in order.
    pub file: &'static str,
    pub bytes: Vec<u8>,
    /// The rule (or rule family, such as `schema`) that must report it, and where (line,
    /// column) when the class is about the position.
    pub rule: &'static str,
    pub at: Option<(usize, usize)>,
}

fn set(message: &mut Value, pointer: &str, value: Value) {
    *message
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}")) = value;
}

fn get<'a>(message: &'a Value, pointer: &str) -> &'a Value {
    message
        .pointer(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"))
}

/// Pads a pretty-printed object of repeated keys to about `size` bytes.
fn duplicate_keys(size: usize, separator: &str) -> Vec<u8> {
    let member = format!("\"k\": 1{separator}");
    let count = size / member.len();
    let body: Vec<&str> = std::iter::repeat_n("\"k\": 1", count).collect();
    format!("{{{}}}", body.join(separator)).into_bytes()
}

/// Every class, built from the confirmed (`10_on_confirm`) and completed
/// (`13_on_status_completed`) example messages.
pub fn classes(confirmed: &Value, completed: &Value) -> Vec<Hostile> {
    let mut classes = Vec::new();

    // 1. A formula nested thousands of levels deep.
    let mut deep = confirmed.clone();
    let formula = format!("{CONTRACT}/revenueFlows/flows/0/formula");
    set(
        &mut deep,
        &formula,
        json!(format!("{}1{}", "(".repeat(5_000), ")".repeat(5_000))),
    );
    classes.push(Hostile {
        name: "a formula 5,000 levels deep",
        file: "1-deep-formula.json",
        bytes: serde_json::to_vec_pretty(&deep).unwrap(),
        rule: "formula-syntax",
        at: None,
    });
    let mut unary = confirmed.clone();
    set(
        &mut unary,
        &formula,
        json!(format!("{}1", "-".repeat(5_000))),
    );
    classes.push(Hostile {
        name: "5,000 unary minus signs",
        file: "1-unary-chain.json",
        bytes: serde_json::to_vec_pretty(&unary).unwrap(),
        rule: "formula-syntax",
        at: None,
    });

    // 2. Decimal overflow: caps near ±7e28, settlement amounts whose sum leaves the range.
    let mut caps = confirmed.clone();
    set(
        &mut caps,
        &format!("{CONTRACT}/roles/2/roleInputs/buyer_trade_cap"),
        json!(7e28),
    );
    set(
        &mut caps,
        &format!("{CONTRACT}/roles/2/roleInputs/current_buyer_trades_total"),
        json!(-7e28),
    );
    classes.push(Hostile {
        name: "trade caps near ±7e28",
        file: "2-caps.json",
        bytes: serde_json::to_vec_pretty(&caps).unwrap(),
        rule: "arithmetic-overflow",
        at: None,
    });
    let mut sums = completed.clone();
    for input in [
        "roles/0/roleInputs/pricePerKWh",
        "roles/2/roleInputs/wheelingCharges",
    ] {
        set(&mut sums, &format!("{CONTRACT}/{input}"), json!(4e27));
    }
    classes.push(Hostile {
        name: "settlement amounts summing beyond the range",
        file: "2-settlement-sum.json",
        bytes: serde_json::to_vec_pretty(&sums).unwrap(),
        rule: "arithmetic-overflow",
        at: None,
    });

    // 3. Inputs that were super-linear: duplicate keys pretty and minified, ten thousand
    // findings on one line, many roles × flows × settlement cycles.
    classes.push(Hostile {
        name: "210 KB of duplicate keys, one per line",
        file: "3-duplicates-pretty.json",
        bytes: duplicate_keys(210_000, ",\n  "),
        rule: "duplicate-key",
        at: Some((2, 3)),
    });
    classes.push(Hostile {
        name: "96 KB of duplicate keys, minified",
        file: "3-duplicates-minified.json",
        bytes: duplicate_keys(96_000, ","),
        rule: "duplicate-key",
        at: Some((1, 9)),
    });
    // Ten thousand roles that are each a wrong-typed string, about 84 KB on one line.
    let mut findings = confirmed.clone();
    set(
        &mut findings,
        &format!("{CONTRACT}/roles"),
        Value::Array(vec![json!("SELLER"); 10_000]),
    );
    classes.push(Hostile {
        name: "84 KB on one line with 10,000 findings",
        file: "3-findings-one-line.json",
        bytes: serde_json::to_vec(&findings).unwrap(),
        rule: "schema",
        at: None,
    });
    let mut many = completed.clone();
    let roles: Vec<Value> = get(&many, &format!("{CONTRACT}/roles"))
        .as_array()
        .unwrap()
        .clone();
    let flows = get(&many, &format!("{CONTRACT}/revenueFlows/flows")).clone();
    let cycles = get(&many, &format!("{DELIVERY}/settlementCycles")).clone();
    let times = 40;
    set(
        &mut many,
        &format!("{CONTRACT}/roles"),
        Value::Array(
            roles
                .iter()
                .cycle()
                .take(roles.len() * times)
                .cloned()
                .collect(),
        ),
    );
    let flows = flows.as_array().unwrap();
    set(
        &mut many,
        &format!("{CONTRACT}/revenueFlows/flows"),
        Value::Array(
            flows
                .iter()
                .cycle()
                .take(flows.len() * times)
                .cloned()
                .collect(),
        ),
    );
    let cycles = cycles.as_array().unwrap();
    set(
        &mut many,
        &format!("{DELIVERY}/settlementCycles"),
        Value::Array(
            cycles
                .iter()
                .cycle()
                .take(cycles.len() * times)
                .cloned()
                .collect(),
        ),
    );
    classes.push(Hostile {
        name: "many roles × flows × settlement cycles",
        file: "3-roles-flows-cycles.json",
        bytes: serde_json::to_vec(&many).unwrap(),
        rule: "duplicate-role",
        at: None,
    });

    // 4. Characters XML 1.0 forbids, which a JUnit report must still carry.
    let mut controls = confirmed.clone();
    set(
        &mut controls,
        &format!("{CONTRACT}/roles/0/roleInputs/currency"),
        json!("I\u{1}N\u{FFFF}R\u{0}"),
    );
    classes.push(Hostile {
        name: "characters XML forbids",
        file: "4-xml-forbidden.json",
        bytes: serde_json::to_vec_pretty(&controls).unwrap(),
        rule: "currency",
        at: None,
    });

    // 5. Legal but unusual: an @type array listing the base first, a repeated key deep in a
    // message (reported at the repetition), a formula with escapes before an error.
    let mut base_first = confirmed.clone();
    set(
        &mut base_first,
        &format!("{CONTRACT}/@type"),
        json!(["EnergyContract", "EnergyContractP2PTrade"]),
    );
    set(
        &mut base_first,
        &format!("{CONTRACT}/roles/1/roleInputs/contractedQuantity"),
        json!(25.01),
    );
    classes.push(Hostile {
        name: "an @type array listing the base type first",
        file: "5-type-array.json",
        bytes: serde_json::to_vec_pretty(&base_first).unwrap(),
        rule: "trade-cap",
        at: None,
    });
    let pretty = String::from_utf8(serde_json::to_vec_pretty(confirmed).unwrap()).unwrap();
    let repeated = pretty.replacen(
        "\"currency\": \"INR\",",
        "\"currency\": \"INR\",\n            \"currency\": \"INR\",",
        1,
    );
    let line = pretty
        .lines()
        .position(|line| line.contains("\"currency\": \"INR\","))
        .unwrap();
    classes.push(Hostile {
        name: "a repeated key",
        file: "5-repeated-key.json",
        at: Some((line + 2, 13)),
        bytes: repeated.into_bytes(),
        rule: "duplicate-key",
    });
    let mut escaped = confirmed.clone();
    set(
        &mut escaped,
        &formula,
        json!("roles.BUYER.roleInputs.contractedQuantity × \"x\""),
    );
    let one_line = serde_json::to_string(&escaped)
        .unwrap()
        .replace('×', "\\u00d7");
    let column = one_line[..one_line.find("\\\"x\\\"").unwrap()]
        .chars()
        .count()
        + 1;
    classes.push(Hostile {
        name: "an escaped formula with an error after the escapes",
        file: "5-escaped-formula.json",
        bytes: one_line.into_bytes(),
        rule: "formula-syntax",
        at: Some((1, column)),
    });

    // 6. A number with more digits than an f64 keeps.
    let text = String::from_utf8(serde_json::to_vec_pretty(confirmed).unwrap()).unwrap();
    let long = text.replace(
        "\"contractedQuantity\": 12.5",
        "\"contractedQuantity\": 25.00000000000000001",
    );
    assert_ne!(long, text, "the confirmed example's quantity moved");
    classes.push(Hostile {
        name: "a quantity with more digits than an f64 keeps",
        file: "6-long-number.json",
        bytes: long.into_bytes(),
        rule: "trade-cap",
        at: None,
    });
    classes
}
