//! The rule catalogue, from the one source the gate reports with ([`Rule`]): `deg-contracts
//! rules` prints it, README's rule tables are it (a test fails when they drift), and SARIF's
//! rule metadata carries the same text.

use std::fmt::Write as _;

use crate::finding::{MigrationRule, Rule, TransactionRule};

/// The schema family's row stands for every `schema/<kind>`.
const SCHEMA_ROW: Rule = Rule::Schema("<kind>");

/// The rules that look at one message, in catalogue order (the schema family second).
pub fn per_message() -> Vec<Rule> {
    let mut rules = Rule::PER_MESSAGE.to_vec();
    rules.insert(2, SCHEMA_ROW);
    rules
}

/// The rules across a trade's messages.
pub fn transaction() -> Vec<Rule> {
    TransactionRule::ALL.map(Rule::Transaction).to_vec()
}

/// What `deg-contracts migrate` reports.
pub fn migration() -> Vec<Rule> {
    MigrationRule::ALL.map(Rule::Migration).to_vec()
}

/// A Markdown table of `rules`, with their severities unless every one is an error by
/// nature (the transaction rules).
pub fn markdown(rules: &[Rule], severities: bool) -> String {
    let mut table = if severities {
        String::from("| rule | severity | what it checks |\n| --- | --- | --- |\n")
    } else {
        String::from("| rule | what it checks |\n| --- | --- |\n")
    };
    for rule in rules {
        let _ = if severities {
            writeln!(
                table,
                "| `{}` | {} | {} |",
                rule.id(),
                rule.severity().as_str(),
                rule.summary()
            )
        } else {
            writeln!(table, "| `{}` | {} |", rule.id(), rule.summary())
        };
    }
    table
}

/// Every rule on one line each, for a terminal: id, default severity, what it checks.
pub fn text() -> String {
    let rules: Vec<Rule> = per_message()
        .into_iter()
        .chain(transaction())
        .chain(migration())
        .collect();
    let width = rules.iter().map(|rule| rule.id().len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in rules {
        let _ = writeln!(
            out,
            "{:width$}  {:7}  {}",
            rule.id(),
            rule.severity().as_str(),
            rule.summary()
        );
    }
    out
}

/// What `deg-contracts explain RULE` prints beyond the rule's one line.
pub struct Explanation {
    /// Why the rule matters.
    pub why: &'static str,
    /// Where the rule comes from: the seed's plan, the DEG schemas, Beckn, or our own.
    pub source: &'static str,
    /// A fragment the rule reports.
    pub failing: &'static str,
    /// The same fragment, fixed.
    pub passing: &'static str,
}

/// The explanation of `rule`.
pub fn explanation(rule: Rule) -> Explanation {
    use TransactionRule as T;
    let (why, source, failing, passing) = match rule {
        Rule::JsonSyntax => (
            "A message that is not JSON cannot be read by any party; the gate says where parsing stopped.",
            "JSON (RFC 8259), UTF-8 (RFC 3629)",
            r#"{"status": "ACTIVE",}"#,
            r#"{"status": "ACTIVE"}"#,
        ),
        Rule::DuplicateKey => (
            "Parsers keep one of two repeated keys, and not all the same one, so two parties can read different contracts from the same bytes.",
            "RFC 8259 §4 (names SHOULD be unique); our own",
            r#"{"pricePerKWh": 6.4, "pricePerKWh": 4.6}"#,
            r#"{"pricePerKWh": 6.4}"#,
        ),
        Rule::Schema(_) => (
            "Each DEG object must satisfy its schema: types, required members, enums, formats, role inputs typed by their declared type.",
            "the DEG schemas in schema/ (generated validators)",
            r#"{"role": "SELLER", "filled": true, "roleInputs": {"pricePerKWh": "cheap"}}"#,
            r#"{"role": "SELLER", "filled": true, "roleInputs": {"pricePerKWh": 6.4}}"#,
        ),
        Rule::TradeCap => (
            "The grid operator caps what a buyer and a seller may still trade; a contract above the caps cannot be wheeled.",
            "the seed: max trade volume = min(buyer_trade_cap − current_buyer_trades_total, seller_trade_cap − current_seller_trade_total)",
            r#"contractedQuantity 30 with caps 40 − 15 and 60 − 30"#,
            r#"contractedQuantity 12.5 with caps 40 − 15 and 60 − 30"#,
        ),
        Rule::CapBelowTotal => (
            "A cap below the total it bounds leaves negative room: the operator's figures contradict each other.",
            "the seed's trade-cap inputs; our own",
            r#"{"buyer_trade_cap": 10, "current_buyer_trades_total": 15}"#,
            r#"{"buyer_trade_cap": 40, "current_buyer_trades_total": 15}"#,
        ),
        Rule::TradeWindow => (
            "Energy is delivered between the trade's start and end; an empty or reversed window delivers nothing.",
            "the seed's BUYER inputs tradeStartTime, tradeEndTime",
            r#"{"tradeStartTime": "2025-06-14T16:00:00+05:30", "tradeEndTime": "2025-06-14T10:00:00+05:30"}"#,
            r#"{"tradeStartTime": "2025-06-14T10:00:00+05:30", "tradeEndTime": "2025-06-14T16:00:00+05:30"}"#,
        ),
        Rule::QuantityBounds => (
            "The seller sells between its minimum and maximum quantity.",
            "the seed's SELLER inputs minimumQuantity, maximumQuantity",
            r#"contractedQuantity 50 with maximumQuantity 40"#,
            r#"contractedQuantity 12.5 with maximumQuantity 40"#,
        ),
        Rule::FormulaSyntax => (
            "Revenue flows are computed from their formulas; one that does not parse cannot be settled.",
            "the base EnergyContract's revenue flows",
            r#""formula": "roles.BUYER.roleInputs.contractedQuantity ×""#,
            r#""formula": "roles.BUYER.roleInputs.contractedQuantity × roles.SELLER.roleInputs.pricePerKWh""#,
        ),
        Rule::FormulaReference => (
            "A formula naming a role or input the schema does not declare can never be evaluated.",
            "the contract schema's roles and their declared inputs",
            r#""formula": "roles.BUYER.roleInputs.quantity × 2""#,
            r#""formula": "roles.BUYER.roleInputs.contractedQuantity × 2""#,
        ),
        Rule::RoleNotListed => (
            "Roles join as the transaction goes on (the grid operator at the cascaded init), so a flow may name a role not listed yet; a warning.",
            "the seed's lifecycle",
            r#"flows BUYER → GRID_OPERATOR in an on_select without GRID_OPERATOR"#,
            r#"the same flow once GRID_OPERATOR is listed"#,
        ),
        Rule::FilledBy => (
            "A filled role says who filled it; an open one says no one has.",
            "the base ContractRole's filled and filledBy",
            r#"{"role": "BUYER", "filled": true}"#,
            r#"{"role": "BUYER", "filled": true, "filledBy": "bap.sunrise-homes.example"}"#,
        ),
        Rule::DuplicateRole => (
            "One party per kind of role: two sellers make the flows ambiguous.",
            "the seed's three roles (SELLER ≡ PROSUMER, BUYER ≡ CONSUMER)",
            r#"roles SELLER and PROSUMER in one contract"#,
            r#"roles SELLER, BUYER, GRID_OPERATOR"#,
        ),
        Rule::OpenRole => (
            "An ACTIVE contract binds every party; a role still open has no one bound to it.",
            "the seed: roles are filled before confirmation",
            r#"status ACTIVE with GRID_OPERATOR "filled": false"#,
            r#"status ACTIVE with every role filled"#,
        ),
        Rule::StatusAction => (
            "Each Beckn action moves the contract to a known status: PENDING while negotiating, ACTIVE from on_confirm.",
            "the seed's lifecycle; Beckn's actions",
            r#"action on_confirm with status PENDING"#,
            r#"action on_confirm with status ACTIVE"#,
        ),
        Rule::Currency => (
            "Amounts are paid in a currency every party recognises.",
            "ISO 4217",
            r#""currency": "RUPEE""#,
            r#""currency": "INR""#,
        ),
        Rule::Settlement => (
            "What is settled is what the contract's flows compute, in exact decimals.",
            "the seed: BUYER→SELLER = contractedQuantity × pricePerKWh, BUYER→GRID_OPERATOR = contractedQuantity × wheelingCharges",
            r#"SETTLED amount 80.00 with flows 80.00 + 10.00"#,
            r#"SETTLED amount 90.00 with flows 80.00 + 10.00"#,
        ),
        Rule::ArithmeticOverflow => (
            "Money is never rounded or overflowed silently: a computation beyond a decimal's range or digits is reported at the value.",
            "our own",
            r#"buyer_trade_cap 7e28 and current_buyer_trades_total -7e28"#,
            r#"buyer_trade_cap 40 and current_buyer_trades_total 15"#,
        ),
        Rule::InternalError => (
            "A bug in the gate on one file is reported on that file, and every other file's report is kept.",
            "our own",
            "(no fragment: report the file)",
            "(no fragment)",
        ),
        Rule::FileTooLarge => (
            "The gate reads at most --max-file-size bytes of one file (or log line), so no input can exhaust its memory.",
            "our own",
            "a 100 MB message with the default 64 MiB limit",
            "the same with --max-file-size 200000000",
        ),
        Rule::FindingsLimit => (
            "A file broken everywhere lists its first --max-findings findings and counts the rest, so output and memory stay bounded.",
            "our own",
            "20,000 repeated keys with the default limit of 1000",
            "the same with --max-findings 20000",
        ),
        Rule::PositiveTerms => (
            "A trade of zero or negative energy, or at a negative price, pays the wrong way; a negative charge or cap is not a charge or a cap.",
            "the seed's terms; DEG's P2P validation rules (positive quantities, prices and charges)",
            r#""contractedQuantity": -5"#,
            r#""contractedQuantity": 12.5"#,
        ),
        Rule::SeedFlows => (
            "The seed defines who pays whom and how much; a contract without those flows, or with another formula, settles something else.",
            "the seed: BUYER→SELLER = contractedQuantity × pricePerKWh; BUYER→GRID_OPERATOR = contractedQuantity × wheelingCharges",
            r#"{"from": "SELLER", "to": "BUYER", "formula": "roles.BUYER.roleInputs.contractedQuantity × roles.SELLER.roleInputs.pricePerKWh"}"#,
            r#"{"from": "BUYER", "to": "SELLER", "formula": "roles.BUYER.roleInputs.contractedQuantity × roles.SELLER.roleInputs.pricePerKWh"}"#,
        ),
        Rule::NetZero => (
            "Money only moves between the parties: a P2P trade's flows net to zero.",
            "the base EnergyContract's revenue flows; DEG's P2P validation rules",
            r#""netZero": false"#,
            r#""netZero": true"#,
        ),
        Rule::RequiredRoles => (
            "A confirmed P2P trade has a seller, a buyer and a grid operator; a contract confirmed without one has no party to hold it to its terms.",
            "the seed's three roles; DEG's P2P validation rules (roles filled before confirmation)",
            r#"status ACTIVE with roles SELLER and GRID_OPERATOR only"#,
            r#"status ACTIVE with roles SELLER, BUYER and GRID_OPERATOR"#,
        ),
        Rule::CompletedSettled => (
            "A contract ends COMPLETED when the trade has been paid; without a settled cycle it has not.",
            "DEG's P2P validation rules (COMPLETED ⇒ settled)",
            r#"status COMPLETED with every cycle PENDING"#,
            r#"status COMPLETED with a cycle SETTLED"#,
        ),
        Rule::SettledDelivery => (
            "Energy is paid for once it is delivered.",
            "the seed's settlement cycles in the fulfillment attributes; our own",
            r#"deliveryStatus IN_PROGRESS with a cycle SETTLED"#,
            r#"deliveryStatus COMPLETED with a cycle SETTLED"#,
        ),
        Rule::SettlementCurrency => (
            "A trade priced in one currency is settled in it.",
            "DEG's P2P validation rules (currencies); the seed",
            r#"SELLER currency INR, cycle currency USD"#,
            r#"SELLER currency INR, cycle currency INR"#,
        ),
        Rule::DeliveredQuantity => (
            "A delivery far above the contracted quantity is energy nobody agreed to buy; a tolerance (10 % unless `[settlement] delivery-tolerance` says otherwise) allows for metering and losses.",
            "the DEG P2P implementation guide (a delivery tolerance); the tolerance is our documented default",
            r#"contractedQuantity 12.5, deliveredQuantity 50"#,
            r#"contractedQuantity 12.5, deliveredQuantity 12.5"#,
        ),
        Rule::ValidityWindow => (
            "An offer stands only within its validity window; a trade outside it was never offered, and a window without a start and end bounds nothing.",
            "the seed (SELLER validityWindow: {start, end}), as the `ValidityWindow` shape in our schema; trade window inside it: the DEG P2P implementation guide",
            r#"validityWindow {"foo": 1}; or {"start": "…T06:00", "end": "…T18:00"} with tradeEndTime "…T20:00""#,
            r#"validityWindow {"start": "…T06:00", "end": "…T18:00"}, trade 10:00–16:00"#,
        ),
        Rule::Certification => (
            "A buyer pays for certified energy on the strength of the certificates; a certification with no status or no certificates certifies nothing.",
            "the seed (certification: {status, certificates[]}), as the `Certification` shape in our schema",
            r#"certification {}"#,
            r#"certification {"status": "Green Energy Certified", "certificates": ["https://…/gec.pdf"]}"#,
        ),
        Rule::EnergyFlow => (
            "The energy flow is what the meters measured; one that is not the change in the readings settles energy nobody metered. Upstream's example agrees with the buyer's meter for three intervals and with neither for the last, so which meter counts is a setting.",
            "the upstream EnergyTradeDelivery schema (energyFlow: energy between readings, positive towards the target); the meter is our documented default",
            r#"targetReading 990.3 then 990.8 with energyFlow 0.7"#,
            r#"targetReading 990.3 then 990.8 with energyFlow 0.5"#,
        ),
        Rule::SettlementPeriod => (
            "Every hour of the trade is billed in some cycle, and no cycle bills a period with no trade in it.",
            "the seed (settlement cycles in the fulfillment attributes) and the DEG P2P implementation guide (cycles over the trade window)",
            r#"trade 10:00–16:00, one cycle 10:00–12:00"#,
            r#"trade 10:00–16:00, one cycle 10:00–16:00"#,
        ),
        Rule::SchemaDefinition => (
            "A schema edit should fail where it is written, before anyone runs codegen and rebuilds the gate.",
            "our codegen pipeline (deg-contracts-ir), as `cargo xtask codegen` reports it",
            r#"properties: {codes: {type: array, $anchor: codes}}   # unsupported keyword `$anchor`"#,
            r#"properties: {codes: {type: array, items: {type: string, enum: [A]}, minItems: 1}}"#,
        ),
        Rule::SchemaAdvice => (
            "What codegen accepts but reads one way of several deserves a look from the schema's author.",
            "our codegen pipeline (deg-contracts-ir)",
            r#"a role input typed "DATETIME" in the role's example"#,
            r#"x-role-input-type: DATE_TIME"#,
        ),
        Rule::LegacyForm => (
            "A gate that skips what it does not know passes a legacy message without a word; a design the schemas replace is named, with what replaces it.",
            "the seed (the migration plan: the legacy contract's fields move into the P2P roles); our schema's `x-replaces`",
            r#"{"@type": "EnergyTradeContract", "contractStatus": "PENDING", …}"#,
            r#"{"@type": "EnergyContractP2PTrade", "roles": […], …}"#,
        ),
        Rule::OrderTerms => (
            "The Beckn order around the contract must say what the contract says: the quantity ordered, the price quoted, the offer's price.",
            "the DEG P2P implementation guide (the order's items and quote carry the trade); our own",
            r#"contractedQuantity 12.5 with an order item of 15 kWh; quote 80.00 with flows 80.00 + 10.00"#,
            r#"an order item of 12.5 kWh; quote 90.00"#,
        ),
        Rule::Transaction(T::MessageId) => (
            "Beckn v2 gives every request and callback its own message id; a reused id makes two messages indistinguishable.",
            "Beckn v2 context; DEG's examples",
            r#"init and select both "message_id": "msg-03""#,
            r#"init "msg-05", select "msg-03""#,
        ),
        Rule::Transaction(T::Identity) => (
            "A transaction trades one contract under one order; a changed id mid-way is another trade.",
            "Beckn context.transaction_id; the seed",
            r#"on_status with "beckn:id": "order-9999" after "order-0042""#,
            r#"every message with "beckn:id": "order-0042""#,
        ),
        Rule::Transaction(T::Callback) => (
            "A callback answers a request, so it cannot come before it.",
            "Beckn's request/callback pairs",
            "on_select at 08:45:30 for a select at 08:46:00",
            "on_select at 08:46:03 for a select at 08:46:00",
        ),
        Rule::Transaction(T::CreatedAt) => (
            "A contract cannot have been created after it was sent.",
            "our own",
            "createdAt 08:45:00 in an on_discover sent at 08:40:04",
            "createdAt 08:40:02 in an on_discover sent at 08:40:04",
        ),
        Rule::Transaction(T::Lifecycle) => (
            "Once confirmed, a trade is fulfilled, not renegotiated.",
            "Beckn's lifecycle: discover → select → init → confirm → status",
            "a select after the on_confirm",
            "a status after the on_confirm",
        ),
        Rule::Transaction(T::Cascade) => (
            "The seller's platform can tell the buyer the grid operator's terms only after the grid operator has given them.",
            "the seed: GRID_OPERATOR is filled during the cascaded init and confirm",
            "on_init to the BAP at 08:48:04, cascaded init at 08:48:06",
            "cascaded on_init at 08:48:09, on_init to the BAP at 08:48:12",
        ),
        Rule::Transaction(T::Status) => (
            "A contract moves forward: PENDING → ACTIVE → COMPLETED or TERMINATED.",
            "the base EnergyContract's status",
            "ACTIVE after COMPLETED",
            "COMPLETED after ACTIVE",
        ),
        Rule::Transaction(T::Terms) => (
            "Confirmed terms are what every party settles on; before the confirm only the party holding a role revises its inputs.",
            "the seed; our own policy (no change after confirm, not even in an update)",
            "pricePerKWh 7.1 in an on_status after 6.4 was confirmed",
            "pricePerKWh 6.4 throughout",
        ),
        Rule::Transaction(T::Provenance) => (
            "A sender can only repeat values it was given; the BAP cannot know a wheeling charge only the seller's platform heard.",
            "our own, from the seed's message flow",
            "the BAP's confirm carries wheelingCharges no on_init gave it",
            "the on_init gives the BAP the grid operator's terms first",
        ),
        Rule::Transaction(T::FilledBy) => (
            "The party that fills a role is the one that says so.",
            "the base ContractRole's filledBy",
            r#"BUYER filled in the BAP's init with "filledBy": "bpp.rooftop-coop.example""#,
            r#"BUYER filled in the BAP's init with "filledBy": "bap.sunrise-homes.example""#,
        ),
        Rule::Transaction(T::RevenueFlows) => (
            "The flows are how the confirmed trade is paid; changing them after the confirm changes the deal.",
            "the seed's revenue flows",
            "an on_status with a wheeling flow × 2",
            "the flows as confirmed",
        ),
        Rule::Migration(MigrationRule::Missing) => (
            "A migration that fills a gap with a guess hides it: the grid operator's caps and totals exist only with the grid operator, so the role stays open until it supplies them.",
            "the seed (GRID_OPERATOR filled during the cascaded init and confirm); our own: a migration never invents a value",
            "a legacy trade: GRID_OPERATOR's buyer_trade_cap, seller_trade_cap and current totals in no message",
            "the grid operator's cascaded on_init gives them",
        ),
        Rule::Migration(MigrationRule::Conflict) => (
            "Two legacy messages that disagree cannot both be migrated; choosing one silently would move a contradiction into the new form unseen.",
            "our own; the precedence (main flow over cascade, earlier over later, the contract's currency first) is documented in README",
            r#"sourceMeterId "92982739" in the cascaded init, "100200300" in the catalog"#,
            "one seller meter in every message",
        ),
        Rule::Migration(MigrationRule::Input) => (
            "Only a Beckn message of an energy trade can be migrated; anything else is named, not copied or skipped in silence.",
            "Beckn v2 context; the DEG energy domains",
            r#"{"context": {"domain": "mobility", …}, "message": {…}}"#,
            r#"{"context": {"domain": "energy-trade", "transaction_id": "txn-1", …}, "message": {…}}"#,
        ),
        Rule::Transaction(T::Quote) => (
            "The buyer pays what it was quoted before confirming.",
            "Beckn quote; the seed's settlement",
            "quoted 80.00 in on_init, settled 90.00",
            "quoted 90.00 in on_init, settled 90.00",
        ),
    };
    Explanation {
        why,
        source,
        failing,
        passing,
    }
}

/// The rule named `id` (any `schema/<kind>` is the schema family).
pub fn find(id: &str) -> Option<Rule> {
    if id.starts_with("schema/") || id == "schema" {
        return Some(SCHEMA_ROW);
    }
    per_message()
        .into_iter()
        .chain(transaction())
        .chain(migration())
        .find(|rule| rule.id() == id)
}

/// `deg-contracts explain RULE`'s text.
pub fn explain(rule: Rule) -> String {
    let explanation = explanation(rule);
    let nack = match crate::nack::nack(rule) {
        Some(nack) => format!("{} {} ({})", nack.kind, nack.code, nack.message),
        None => "none: the finding is about this run, not the message".to_owned(),
    };
    format!(
        "{} ({})\n\n{}\n\n{}\n\nsource: {}\n\nBeckn NACK: {nack}\n\nreported:\n    {}\naccepted:\n    {}\n",
        rule.id(),
        rule.severity().as_str(),
        rule.summary(),
        explanation.why,
        explanation.source,
        explanation.failing,
        explanation.passing
    )
}
