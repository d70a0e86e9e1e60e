//! Beckn's error vocabulary: for each rule, the error a BPP (or a BAP, for a callback) would
//! NACK the message with, so a team can map our findings onto the responses it will see.
//! Types are Beckn's error types; codes are the BPP error codes of Beckn's BECKN-005 draft
//! (30xxx invalid request, 40xxx business, 50xxx policy). A finding about our run rather than
//! the message (`internal-error`, `findings-limit`) has none.

use crate::finding::{Rule, TransactionRule as T};

/// The error a receiver would answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nack {
    /// Beckn's error type: `JSON-SCHEMA-ERROR`, `CONTEXT-ERROR`, `CORE-ERROR`,
    /// `DOMAIN-ERROR` or `POLICY-ERROR`.
    pub kind: &'static str,
    pub code: &'static str,
    /// The code's message in BECKN-005.
    pub message: &'static str,
}

const SCHEMA: Nack = Nack {
    kind: "JSON-SCHEMA-ERROR",
    code: "30000",
    message: "Invalid request error",
};
const CONTEXT: Nack = Nack {
    kind: "CONTEXT-ERROR",
    code: "30000",
    message: "Invalid request error",
};
const CORE: Nack = Nack {
    kind: "CORE-ERROR",
    code: "30000",
    message: "Invalid request error",
};
const UPDATE: Nack = Nack {
    kind: "CORE-ERROR",
    code: "30013",
    message: "Update inconsistency",
};
const BUSINESS: Nack = Nack {
    kind: "DOMAIN-ERROR",
    code: "40000",
    message: "Business Error",
};
const QUANTITY: Nack = Nack {
    kind: "DOMAIN-ERROR",
    code: "40002",
    message: "Item quantity unavailable",
};
const QUOTE: Nack = Nack {
    kind: "DOMAIN-ERROR",
    code: "40003",
    message: "Quote unavailable",
};
const POLICY: Nack = Nack {
    kind: "POLICY-ERROR",
    code: "50000",
    message: "Policy Error",
};

/// The error a receiver would NACK a message with for a finding of `rule`.
pub fn nack(rule: Rule) -> Option<Nack> {
    Some(match rule {
        Rule::JsonSyntax
        | Rule::DuplicateKey
        | Rule::Schema(_)
        | Rule::FileTooLarge
        | Rule::LegacyForm => SCHEMA,
        Rule::TradeCap | Rule::QuantityBounds | Rule::DeliveredQuantity => QUANTITY,
        Rule::OrderTerms | Rule::Transaction(T::Quote) => QUOTE,
        Rule::Transaction(T::Terms | T::RevenueFlows) => UPDATE,
        Rule::Transaction(T::MessageId | T::Identity | T::Callback | T::CreatedAt | T::Cascade) => {
            CONTEXT
        }
        Rule::StatusAction
        | Rule::Transaction(T::Lifecycle | T::Status)
        | Rule::FilledBy
        | Rule::DuplicateRole
        | Rule::OpenRole
        | Rule::RequiredRoles
        | Rule::Transaction(T::FilledBy | T::Provenance)
        | Rule::FormulaSyntax
        | Rule::FormulaReference
        | Rule::RoleNotListed => CORE,
        Rule::Certification | Rule::ValidityWindow | Rule::NetZero | Rule::SeedFlows => POLICY,
        Rule::CapBelowTotal
        | Rule::TradeWindow
        | Rule::PositiveTerms
        | Rule::Currency
        | Rule::Settlement
        | Rule::SettlementCurrency
        | Rule::SettledDelivery
        | Rule::CompletedSettled
        | Rule::SettlementPeriod
        | Rule::EnergyFlow
        | Rule::ArithmeticOverflow => BUSINESS,
        Rule::InternalError
        | Rule::FindingsLimit
        | Rule::SchemaDefinition
        | Rule::SchemaAdvice
        | Rule::Migration(_) => {
            return None;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue;

    #[test]
    fn every_rule_about_a_message_has_a_beckn_error() {
        let rules = catalogue::per_message()
            .into_iter()
            .chain(catalogue::transaction());
        for rule in rules {
            let expected = !matches!(
                rule,
                Rule::InternalError
                    | Rule::FindingsLimit
                    | Rule::SchemaDefinition
                    | Rule::SchemaAdvice
            );
            assert_eq!(nack(rule).is_some(), expected, "{}", rule.id());
        }
        assert_eq!(nack(Rule::TradeCap).map(|n| n.code), Some("40002"));
        assert_eq!(
            nack(Rule::Transaction(T::Terms)).map(|n| (n.kind, n.code)),
            Some(("CORE-ERROR", "30013"))
        );
    }
}
