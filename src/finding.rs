//! What the gate reports: one finding per problem, with a stable rule id, a severity, the
//! JSON pointer it is about, and (once mapped onto the source) its line and column.

use std::fmt;

use crate::source::Position;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Every rule the gate applies, each with a stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// The file is not valid JSON (or not UTF-8).
    JsonSyntax,
    /// An object repeats a key; JSON parsers silently keep one of them.
    DuplicateKey,
    /// A schema violation, by kind (`schema/missing-role-input`, `schema/enum`, ...).
    Schema(&'static str),
    /// The contracted quantity exceeds the grid operator's remaining caps.
    TradeCap,
    /// A trade cap is below the current total it bounds.
    CapBelowTotal,
    /// The trade window does not start before it ends.
    TradeWindow,
    /// The quantity is outside the seller's minimum and maximum.
    QuantityBounds,
    /// A revenue-flow formula does not parse.
    FormulaSyntax,
    /// A formula names a role or input the contract's schema does not declare.
    FormulaReference,
    /// A flow or formula names a role the contract does not list yet.
    RoleNotListed,
    /// `filled` and `filledBy` disagree.
    FilledBy,
    /// A kind of role appears twice (SELLER and PROSUMER are one kind, as are BUYER and CONSUMER).
    DuplicateRole,
    /// An ACTIVE or COMPLETED contract has an open role.
    OpenRole,
    /// The contract status does not fit the message's action.
    StatusAction,
    /// A currency is not an active ISO 4217 code.
    Currency,
    /// A settled cycle's amount or breakdown differs from the revenue flows.
    Settlement,
    /// Decimal arithmetic on the contract's numbers leaves the decimal range.
    ArithmeticOverflow,
    /// The check itself failed on this file: a bug in deg-contracts, to be reported.
    InternalError,
    /// The file is larger than the gate will read (`--max-file-size`).
    FileTooLarge,
    /// The file has more findings than the gate keeps for one file (`--max-findings`).
    FindingsLimit,
    /// A quantity or price not above zero, or a charge, cap or total below it.
    PositiveTerms,
    /// A revenue flow the seed defines is missing or computes something else.
    SeedFlows,
    /// Revenue flows declared not to net to zero.
    NetZero,
    /// A contract from its confirm on that does not list a kind of role its schema defines.
    RequiredRoles,
    /// A COMPLETED contract with no SETTLED settlement cycle.
    CompletedSettled,
    /// A SETTLED cycle while the delivery is not COMPLETED.
    SettledDelivery,
    /// A settlement cycle in another currency than the contract's.
    SettlementCurrency,
    /// The seller's validity window is not {start, end}, or the trade window leaves it.
    ValidityWindow,
    /// The seller's certification is not {status, certificates[]}.
    Certification,
    /// A meter reading's energyFlow is not the difference of its meter's readings.
    EnergyFlow,
    /// The settlement cycles do not cover the trade window, or one lies outside it.
    SettlementPeriod,
    /// The order's items, quote or offer price contradict the contract.
    OrderTerms,
    /// An object of a retired design, which a current schema replaces.
    LegacyForm,
    /// A schema file that codegen cannot generate from (`deg-contracts schema`).
    SchemaDefinition,
    /// What codegen works around in a schema file (`deg-contracts schema`).
    SchemaAdvice,
    /// More delivered than contracted, beyond the tolerance.
    DeliveredQuantity,
    /// A check across the messages of one trade.
    Transaction(TransactionRule),
    /// What `deg-contracts migrate` could not do on its own.
    Migration(MigrationRule),
}

/// What `deg-contracts migrate` reports, each `migration/<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MigrationRule {
    /// A value the new form needs that no legacy message carries.
    Missing,
    /// Legacy messages that disagree on one value.
    Conflict,
    /// An input that is not a legacy energy-trade Beckn message.
    Input,
}

impl MigrationRule {
    pub const ALL: [MigrationRule; 3] = [
        MigrationRule::Missing,
        MigrationRule::Conflict,
        MigrationRule::Input,
    ];

    fn id(self) -> &'static str {
        match self {
            MigrationRule::Missing => "migration/missing",
            MigrationRule::Conflict => "migration/conflict",
            MigrationRule::Input => "migration/input",
        }
    }

    fn summary(self) -> &'static str {
        match self {
            MigrationRule::Missing => {
                "every required input of the new contract comes from some legacy message; what none carries (the grid operator's trade caps and current totals) stays absent and its role open"
            }
            MigrationRule::Conflict => {
                "legacy messages of one trade agree on each value; when they do not, the finding names both places and which one the migration used"
            }
            MigrationRule::Input => {
                "each input is a Beckn message (`context` and `message`) of an energy domain, with a transaction id"
            }
        }
    }
}

/// The checks across a trade's messages, each `transaction/<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransactionRule {
    /// A message id used twice.
    MessageId,
    /// A transaction's contract, order or fulfillment id, or a contract's main transaction id,
    /// changes mid-way.
    Identity,
    /// A callback comes before the request it answers.
    Callback,
    /// A contract's `createdAt` is after the first message that carries it.
    CreatedAt,
    /// A negotiation message after the confirmation.
    Lifecycle,
    /// A cascaded init or confirm is not nested inside the main one.
    Cascade,
    /// A contract's status moves backwards.
    Status,
    /// A role input, a role or its `filledBy` changes or disappears after it was set.
    Terms,
    /// A sender carries another party's input no earlier message gave it.
    Provenance,
    /// A role's `filledBy` is not the subscriber that filled it.
    FilledBy,
    /// The revenue flows change after the confirmation.
    RevenueFlows,
    /// The buyer is settled on another amount than it was last quoted before confirming.
    Quote,
}

impl TransactionRule {
    /// Every transaction rule.
    pub const ALL: [TransactionRule; 12] = [
        TransactionRule::MessageId,
        TransactionRule::Identity,
        TransactionRule::Callback,
        TransactionRule::CreatedAt,
        TransactionRule::Lifecycle,
        TransactionRule::Cascade,
        TransactionRule::Status,
        TransactionRule::Terms,
        TransactionRule::Provenance,
        TransactionRule::FilledBy,
        TransactionRule::RevenueFlows,
        TransactionRule::Quote,
    ];

    fn id(self) -> &'static str {
        match self {
            TransactionRule::MessageId => "transaction/message-id",
            TransactionRule::Identity => "transaction/identity",
            TransactionRule::Callback => "transaction/callback",
            TransactionRule::CreatedAt => "transaction/created-at",
            TransactionRule::Lifecycle => "transaction/lifecycle",
            TransactionRule::Cascade => "transaction/cascade",
            TransactionRule::Status => "transaction/status",
            TransactionRule::Terms => "transaction/terms",
            TransactionRule::Provenance => "transaction/provenance",
            TransactionRule::FilledBy => "transaction/filled-by",
            TransactionRule::RevenueFlows => "transaction/revenue-flows",
            TransactionRule::Quote => "transaction/quote",
        }
    }

    fn summary(self) -> &'static str {
        match self {
            TransactionRule::MessageId => {
                "each `message_id` is used once (Beckn v2 gives every request and callback its own)"
            }
            TransactionRule::Identity => {
                "one contract id, order id and fulfillment id per transaction, and one transaction id for a contract's main flow"
            }
            TransactionRule::Callback => {
                "a callback comes after the request it answers, in the same exchange (when that request is in the input)"
            }
            TransactionRule::CreatedAt => {
                "a contract's `createdAt` is not after the first message that carries it"
            }
            TransactionRule::Lifecycle => {
                "no discover, select or init (or their callbacks) after the exchange's confirm"
            }
            TransactionRule::Cascade => {
                "the cascaded init and confirm happen between the main request and its callback: the seller's platform answers the buyer only once the grid operator has answered it"
            }
            TransactionRule::Status => {
                "a contract's status only moves forward: PENDING → ACTIVE → COMPLETED or TERMINATED"
            }
            TransactionRule::Terms => {
                "a role input, once set, changes only when the party that filled the role revises it before the confirm (a select, an init, or its own callbacks); after the confirm nothing changes, not even in an `update`, because the confirmed terms are what each party settles on; no input or role a sender has seen disappears from what it sends; `filledBy` never changes"
            }
            TransactionRule::Provenance => {
                "a sender carries another party's input only after a message it took part in gave it that input (the BAP cannot confirm a wheeling charge the grid operator only told the seller's platform)"
            }
            TransactionRule::FilledBy => {
                "when a trade shows a role being filled, its `filledBy` is the sender of that message"
            }
            TransactionRule::RevenueFlows => "the revenue flows do not change after the confirm",
            TransactionRule::Quote => {
                "every settled amount equals the last quote (`beckn:quote`) the buyer got before confirming, in decimal"
            }
        }
    }
}

impl Rule {
    /// Every rule, for documentation and SARIF rule metadata (schema kinds aside).
    pub fn all() -> impl Iterator<Item = Rule> {
        Rule::PER_MESSAGE
            .into_iter()
            .chain(TransactionRule::ALL.map(Rule::Transaction))
            .chain(MigrationRule::ALL.map(Rule::Migration))
    }

    /// Every rule that looks at one message.
    pub const PER_MESSAGE: [Rule; 35] = [
        Rule::JsonSyntax,
        Rule::DuplicateKey,
        Rule::TradeCap,
        Rule::CapBelowTotal,
        Rule::TradeWindow,
        Rule::QuantityBounds,
        Rule::FormulaSyntax,
        Rule::FormulaReference,
        Rule::RoleNotListed,
        Rule::FilledBy,
        Rule::DuplicateRole,
        Rule::OpenRole,
        Rule::RequiredRoles,
        Rule::StatusAction,
        Rule::Currency,
        Rule::Settlement,
        Rule::PositiveTerms,
        Rule::SeedFlows,
        Rule::NetZero,
        Rule::CompletedSettled,
        Rule::SettledDelivery,
        Rule::SettlementCurrency,
        Rule::DeliveredQuantity,
        Rule::ValidityWindow,
        Rule::Certification,
        Rule::EnergyFlow,
        Rule::SettlementPeriod,
        Rule::OrderTerms,
        Rule::LegacyForm,
        Rule::SchemaDefinition,
        Rule::SchemaAdvice,
        Rule::ArithmeticOverflow,
        Rule::InternalError,
        Rule::FileTooLarge,
        Rule::FindingsLimit,
    ];

    /// The stable id.
    pub fn id(self) -> String {
        match self {
            Rule::Schema(kind) => format!("schema/{kind}"),
            Rule::Transaction(rule) => rule.id().to_owned(),
            Rule::Migration(rule) => rule.id().to_owned(),
            other => other.static_id().to_owned(),
        }
    }

    fn static_id(self) -> &'static str {
        match self {
            Rule::JsonSyntax => "json-syntax",
            Rule::DuplicateKey => "duplicate-key",
            Rule::Schema(_) => "schema",
            Rule::TradeCap => "trade-cap",
            Rule::CapBelowTotal => "cap-below-total",
            Rule::TradeWindow => "trade-window",
            Rule::QuantityBounds => "quantity-bounds",
            Rule::FormulaSyntax => "formula-syntax",
            Rule::FormulaReference => "formula-reference",
            Rule::RoleNotListed => "role-not-listed",
            Rule::FilledBy => "filled-by",
            Rule::DuplicateRole => "duplicate-role",
            Rule::OpenRole => "open-role",
            Rule::StatusAction => "status-action",
            Rule::Currency => "currency",
            Rule::Settlement => "settlement",
            Rule::ArithmeticOverflow => "arithmetic-overflow",
            Rule::InternalError => "internal-error",
            Rule::FileTooLarge => "file-too-large",
            Rule::FindingsLimit => "findings-limit",
            Rule::PositiveTerms => "positive-terms",
            Rule::SeedFlows => "seed-flows",
            Rule::NetZero => "net-zero",
            Rule::RequiredRoles => "required-roles",
            Rule::CompletedSettled => "completed-settled",
            Rule::SettledDelivery => "settled-delivery",
            Rule::SettlementCurrency => "settlement-currency",
            Rule::DeliveredQuantity => "delivered-quantity",
            Rule::ValidityWindow => "validity-window",
            Rule::Certification => "certification",
            Rule::EnergyFlow => "energy-flow",
            Rule::SettlementPeriod => "settlement-period",
            Rule::OrderTerms => "order-terms",
            Rule::LegacyForm => "legacy-form",
            Rule::SchemaDefinition => "schema-definition",
            Rule::SchemaAdvice => "schema-advice",
            Rule::Transaction(rule) => rule.id(),
            Rule::Migration(rule) => rule.id(),
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Rule::RoleNotListed
            | Rule::FindingsLimit
            | Rule::SchemaAdvice
            | Rule::Migration(MigrationRule::Missing) => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// One line on what the rule checks: README's rule tables and SARIF's rule metadata are
    /// made from it.
    pub fn summary(self) -> &'static str {
        match self {
            Rule::Schema(_) => {
                "the object satisfies its schema; `<kind>` is `required`, `enum`, `missing-role-input`, `role-input-value`, ..."
            }
            Rule::JsonSyntax => {
                "the file is UTF-8 JSON (reported at the line and column where parsing stopped)"
            }
            Rule::DuplicateKey => {
                "no object repeats a key (serde_json and most parsers silently keep one)"
            }
            Rule::TradeCap => {
                "with GRID_OPERATOR filled, contractedQuantity ≤ min(buyer_trade_cap − current_buyer_trades_total, seller_trade_cap − current_seller_trade_total)"
            }
            Rule::CapBelowTotal => "each trade cap is at least its current total",
            Rule::TradeWindow => {
                "tradeStartTime is before tradeEndTime (instants compared; offsets may differ)"
            }
            Rule::QuantityBounds => {
                "the seller's minimumQuantity ≤ contractedQuantity ≤ maximumQuantity, where given"
            }
            Rule::FormulaSyntax => {
                "every revenue-flow formula parses (the message gives the column inside the formula)"
            }
            Rule::FormulaReference => {
                "formulas name roles the contract's schema declares, and inputs declared for them (generic roles take any input)"
            }
            Rule::RoleNotListed => {
                "a flow's from/to, or a role a formula reads, is not listed in the contract yet (the GRID_OPERATOR joins at the cascaded init)"
            }
            Rule::FilledBy => "a role is filled exactly when `filledBy` is set",
            Rule::DuplicateRole => {
                "each kind of role appears once (SELLER ≡ PROSUMER, BUYER ≡ CONSUMER)"
            }
            Rule::OpenRole => {
                "a confirm, an on_confirm, and ACTIVE and COMPLETED contracts have every listed role filled"
            }
            Rule::StatusAction => {
                "the status fits `context.action`: PENDING for on_discover, select, on_select, init, on_init, confirm; ACTIVE for on_confirm; ACTIVE, COMPLETED or TERMINATED for on_status; TERMINATED for on_cancel"
            }
            Rule::Currency => {
                "role-input currencies and settlement-cycle currencies are active ISO 4217 codes"
            }
            Rule::Settlement => {
                "a SETTLED cycle's amount equals the sum of the evaluated revenue flows, and its breakdown (`energyCost`, `wheelingCharges`) each flow, in decimal arithmetic"
            }
            Rule::ArithmeticOverflow => {
                "a cap minus its total, or a sum of flows, stays within the exact decimal range (about ±7.9e28) and its 28 significant digits, reported at the value instead of a crash or a rounded amount"
            }
            Rule::InternalError => {
                "the check ran to completion: a panic (a bug) in one file's check is reported on that file, and every other file's report is kept"
            }
            Rule::FileTooLarge => {
                "the input is at most `--max-file-size` bytes (default 64 MiB); a larger one is reported, not read"
            }
            Rule::FindingsLimit => {
                "a file has at most `--max-findings` findings (default 1000); the first are listed, the rest counted in the summary and in this warning, so a file broken everywhere costs bounded memory and output"
            }
            Rule::PositiveTerms => {
                "contractedQuantity and pricePerKWh are above zero; the wheeling charge, trade caps and current totals are not below it"
            }
            Rule::SeedFlows => {
                "the P2P contract has the seed's flows: BUYER → SELLER = contractedQuantity × pricePerKWh and, once GRID_OPERATOR is listed, BUYER → GRID_OPERATOR = contractedQuantity × wheelingCharges"
            }
            Rule::NetZero => {
                "revenue flows do not declare `netZero: false`: what payers pay, payees receive"
            }
            Rule::RequiredRoles => {
                "from the confirm on (a confirm or on_confirm, or an ACTIVE or COMPLETED contract), every kind of role the contract's schema defines is listed"
            }
            Rule::CompletedSettled => "a COMPLETED contract comes with a SETTLED settlement cycle",
            Rule::SettledDelivery => {
                "a settlement cycle is SETTLED only once the delivery is COMPLETED"
            }
            Rule::SettlementCurrency => {
                "settlement cycles are in the contract's currency (the SELLER's `currency`)"
            }
            Rule::DeliveredQuantity => {
                "deliveredQuantity is at most the contracted quantity plus the delivery tolerance (`[settlement] delivery-tolerance`, default 10 %)"
            }
            Rule::ValidityWindow => {
                "the seller's validityWindow is a `ValidityWindow` ({start, end} date-times, start before end), and the trade window lies inside it"
            }
            Rule::Certification => {
                "the seller's certification is a `Certification`: a status and the certificates' URIs"
            }
            Rule::EnergyFlow => {
                "each meter reading after the first has energyFlow equal to the change in its meter's reading since the previous one, in decimal (the buyer's meter, or the seller's with `[delivery] energy-flow = \"source\"`)"
            }
            Rule::SettlementPeriod => {
                "the settlement cycles, taken together, span the trade window, and none lies wholly outside it"
            }
            Rule::SchemaDefinition => {
                "(`deg-contracts schema`) a schema file codegen can generate from: YAML, `$ref`s that resolve, supported keywords, allOf branches that agree, unique names and `@type`s, role inputs of a known type"
            }
            Rule::SchemaAdvice => {
                "(`deg-contracts schema`) what codegen works around in a schema file, such as a role input typed only by its example, or `DATETIME` for `DATE_TIME`"
            }
            Rule::LegacyForm => {
                "no object is of a retired design that a current schema replaces (the v2 P2P examples' `EnergyTradeContract`, replaced by `EnergyContractP2PTrade`): it would otherwise pass unchecked"
            }
            Rule::OrderTerms => {
                "the order items' quantities add up to contractedQuantity, the quote equals the evaluated revenue flows in the seller's currency, and an offer's price is the seller's pricePerKWh"
            }
            Rule::Transaction(rule) => rule.summary(),
            Rule::Migration(rule) => rule.summary(),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id())
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// RFC 6901 pointer into the file's JSON.
    pub pointer: String,
    /// The schema rule, as `file#pointer`, for schema violations.
    pub schema_location: Option<&'static str>,
    pub message: String,
    /// A column inside the string value at `pointer`, such as a formula's (1-based).
    pub column_in_value: Option<usize>,
    /// Where in the file, once mapped.
    pub position: Option<Position>,
    /// The source line, for code frames: its first [`LINE_TEXT_LIMIT`] characters, so that
    /// thousands of findings on one minified line do not each hold a copy of it.
    pub line_text: Option<String>,
}

/// How much of a source line a finding keeps (and a code frame shows).
pub const LINE_TEXT_LIMIT: usize = 160;

/// The start of a source line, as a finding keeps it.
pub fn clipped_line(line: &str) -> String {
    let end = line
        .char_indices()
        .nth(LINE_TEXT_LIMIT)
        .map_or(line.len(), |(at, _)| at);
    line[..end].to_owned()
}

impl Finding {
    /// ` (at /pointer)` for messages that stand alone, or nothing for the root.
    pub fn pointer_note(&self) -> String {
        if self.pointer.is_empty() {
            String::new()
        } else {
            format!(" (at {})", self.pointer)
        }
    }

    /// A business-rule finding at `pointer`.
    pub fn new(rule: Rule, pointer: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity: rule.severity(),
            pointer: pointer.into(),
            schema_location: None,
            message: message.into(),
            column_in_value: None,
            position: None,
            line_text: None,
        }
    }
}
