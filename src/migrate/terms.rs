//! The trade's terms, decided once from every message of the trade: which transactions form
//! one trade (the main flow and its cascade to the grid operator), which value each role input
//! takes when messages disagree, the per-kWh wheeling charge, and what no message carries.
//!
//! Precedence, stated in every conflict finding: the main flow's value over the cascade's
//! (the buyer and the seller's platform agreed it between themselves), then the earlier
//! message's; for the wheeling charge, one in the contract's currency over one in another,
//! then the grid operator's own quote over the seller's offer.

use deg_contracts_runtime::{DateTime, Decimal, RoleSpec};
use deg_contracts_schema::energy_contract_p2p_trade_v1::views::{
    P2PTradeBuyerRoleInputsView as Buyer, P2PTradeGridOperatorRoleInputsView as Grid,
    P2PTradeSellerRoleInputsView as Seller,
};
use foldhash::{HashMap, HashMapExt};
use serde_json::Value;

use super::read::{Flat, LegacyContract, Message, Proposal, Said};
use super::{Kind, MigrationRule, Noted, Place};

/// The messages of one trade.
#[derive(Debug, Clone)]
pub struct Trade {
    /// The main flow's transaction id.
    pub transaction: String,
    /// Its messages, main flow and cascade, in the order they happened (message time, ties
    /// in input order), as indices into the run's messages.
    pub messages: Vec<usize>,
    /// Which of them belong to a cascade.
    pub cascade: Vec<usize>,
    /// For a cascade joined to no main flow, how many main flows it matched (none, or more
    /// than one).
    pub unjoined: Option<usize>,
}

impl Trade {
    /// The first of its messages (in time order) that carries a legacy contract, and that
    /// contract: where the trade's own findings are reported, and its `createdAt`.
    pub fn first_carrier<'s>(&self, said: &'s [Said]) -> Option<(usize, &'s LegacyContract)> {
        self.messages
            .iter()
            .find_map(|&m| said[m].contracts.first().map(|contract| (m, contract)))
    }
}

/// A role input's value for the whole trade, and where it came from.
#[derive(Debug, Clone)]
pub struct Settled {
    pub kind: Kind,
    pub input: &'static str,
    pub json: String,
    pub from: Vec<Place>,
    pub rule: Option<String>,
}

/// The trade's terms and what deciding them found.
#[derive(Debug, Default)]
pub struct Terms {
    pub inputs: Vec<Settled>,
    pub findings: Vec<Noted>,
}

impl Terms {
    pub fn get(&self, kind: Kind, input: &str) -> Option<&Settled> {
        self.inputs
            .iter()
            .find(|settled| settled.kind == kind && settled.input == input)
    }
}

/// Groups messages into trades: by transaction id, with each cascade (a transaction that
/// orders no catalog item but carries a contract) joined to the one main flow that trades to
/// the same buyer meter over the same window. A cascade that matches none, or several, stays
/// a trade of its own.
pub fn trades(messages: &[Message], said: &[Said]) -> Vec<Trade> {
    // Transactions in the order they first appear, found by id in one map.
    let mut transactions: Vec<(String, Vec<usize>)> = Vec::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (index, message) in messages.iter().enumerate() {
        let Some(id) = message.transaction() else {
            continue;
        };
        match by_id.get(id) {
            Some(&at) => transactions[at].1.push(index),
            None => {
                by_id.insert(id, transactions.len());
                transactions.push((id.to_owned(), vec![index]));
            }
        }
    }
    let is_main = |members: &[usize]| members.iter().any(|&m| messages[m].orders_items());
    let carries = |members: &[usize]| members.iter().any(|&m| !said[m].contracts.is_empty());
    let (kept, cascades): (Vec<_>, Vec<_>) = transactions
        .into_iter()
        .partition(|(_, members)| is_main(members) || !carries(members));
    let mut trades: Vec<Trade> = Vec::with_capacity(kept.len() + cascades.len());
    // The main flows by what a cascade is joined on, worked out once each.
    let mut mains: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
    for (id, members) in kept {
        if is_main(&members)
            && let Some(key) = buyer_key(&members, said)
        {
            mains.entry(key).or_default().push(trades.len());
        }
        trades.push(Trade {
            transaction: id,
            messages: members,
            cascade: Vec::new(),
            unjoined: None,
        });
    }
    for (id, members) in cascades {
        let matching = buyer_key(&members, said)
            .and_then(|key| mains.get(&key))
            .map_or(&[][..], Vec::as_slice);
        match matching {
            [only] => {
                let trade = &mut trades[*only];
                trade.messages.extend(&members);
                trade.cascade.extend(&members);
            }
            several => trades.push(Trade {
                transaction: id,
                unjoined: Some(several.len()),
                cascade: members.clone(),
                messages: members,
            }),
        }
    }
    for trade in &mut trades {
        trade
            .messages
            .sort_by_key(|&m| (messages[m].time().map(|t| t.instant()), m));
        trade.messages.dedup();
    }
    trades
}

/// What identifies a trade across transactions: the buyer's meter and trade window.
fn buyer_key(members: &[usize], said: &[Said]) -> Option<Vec<String>> {
    [
        Buyer::TARGET_METER_ID,
        Buyer::TRADE_START_TIME,
        Buyer::TRADE_END_TIME,
    ]
    .iter()
    .map(|input| {
        members
            .iter()
            .flat_map(|&m| &said[m].proposals)
            .find(|p| p.kind == Kind::Buyer && p.input == *input)
            .map(|p| comparable(&p.json).to_string())
    })
    .collect()
}

/// A value as it is compared: numbers exactly, date-times as instants, the rest as JSON.
fn comparable(json: &str) -> Value {
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Number(_)) => match Decimal::from_str_exact(json) {
            Ok(number) => Value::String(number.normalize().to_string()),
            Err(_) => Value::String(json.to_owned()),
        },
        Ok(Value::String(text)) => match DateTime::parse(&text) {
            Ok(time) => Value::String(time.instant().unix_timestamp_nanos().to_string()),
            Err(_) => Value::String(text),
        },
        Ok(other) => other,
        Err(_) => Value::String(json.to_owned()),
    }
}

/// Decides the trade's terms from what each of its messages said.
pub fn decide(trade: &Trade, said: &[Said], specs: &[RoleSpec]) -> Terms {
    let mut terms = Terms::default();
    let main = trade.messages.iter().filter(|m| !trade.cascade.contains(m));
    let cascade = trade.messages.iter().filter(|m| trade.cascade.contains(m));
    for &m in main.chain(cascade) {
        for proposal in &said[m].proposals {
            propose(&mut terms, proposal, m, trade.cascade.contains(&m));
        }
    }
    wheeling(&mut terms, trade, said);
    missing(&mut terms, trade, said, specs);
    if let Some(matched) = trade.unjoined {
        unjoined(&mut terms, trade, said, matched);
    }
    terms
}

/// A cascade that no single main flow of the input trades with: migrated as a trade of its
/// own, which the gate will not join to its main flow.
fn unjoined(terms: &mut Terms, trade: &Trade, said: &[Said], matched: usize) {
    let Some((m, contract)) = trade.first_carrier(said) else {
        return;
    };
    let why = if matched == 0 {
        "no main flow in the input trades".to_owned()
    } else {
        format!("{matched} main flows in the input trade")
    };
    terms.findings.push(Noted::new(
        m,
        MigrationRule::Missing,
        contract.pointer.clone(),
        format!(
            "{why} to this cascade's buyer meter over its trade window: it is migrated as a trade of its own, contract-{}, with BUYER open",
            trade.transaction
        ),
    ));
}

/// Takes `proposal` unless the input is decided already; a different value is a conflict.
fn propose(terms: &mut Terms, proposal: &Proposal, message: usize, in_cascade: bool) {
    let Some(settled) = terms.get(proposal.kind, proposal.input) else {
        terms.inputs.push(Settled {
            kind: proposal.kind,
            input: proposal.input,
            json: proposal.json.clone(),
            from: proposal.from.clone(),
            rule: proposal.rule.clone(),
        });
        return;
    };
    if comparable(&settled.json) == comparable(&proposal.json) {
        return;
    }
    let why = if in_cascade {
        "the main flow's value is used, not the cascade's"
    } else {
        "the earlier message's value is used"
    };
    let message_text = format!(
        "{}.{} is {} here but {} at {}: {why}",
        proposal.kind.role(),
        proposal.input,
        proposal.json,
        settled.json,
        settled.from[0]
    );
    let at = proposal.from[0].pointer.clone();
    terms.findings.push(Noted::new(
        message,
        MigrationRule::Conflict,
        at,
        message_text,
    ));
}

/// The grid operator's per-kWh wheeling charge, from the flat charges quoted for the trade.
fn wheeling(terms: &mut Terms, trade: &Trade, said: &[Said]) {
    let currency = terms
        .get(Kind::Seller, Seller::CURRENCY)
        .and_then(|settled| serde_json::from_str::<String>(&settled.json).ok());
    let mut flats: Vec<(usize, &Flat)> = trade
        .messages
        .iter()
        .flat_map(|&m| said[m].flats.iter().map(move |flat| (m, flat)))
        .collect();
    let in_currency = |flat: &Flat| currency.as_deref() == Some(flat.currency.as_str());
    // Stable: ties keep the trade's order.
    flats.sort_by_key(|(_, flat)| (!in_currency(flat), !flat.by_grid));
    let Some(&(chosen_message, chosen)) = flats.first() else {
        return;
    };
    for &(m, other) in &flats[1..] {
        if other.amount == chosen.amount && other.currency == chosen.currency {
            continue;
        }
        let why = if in_currency(chosen) && !in_currency(other) {
            "the one in the contract's currency is used"
        } else if chosen.by_grid {
            "the grid operator's own quote is used"
        } else {
            "the earlier quote is used"
        };
        let at = if other.currency == chosen.currency {
            &other.amount_at
        } else {
            &other.currency_at
        };
        terms.findings.push(Noted::new(
            m,
            MigrationRule::Conflict,
            at.pointer.clone(),
            format!(
                "the flat wheeling charge is {} {} here but {} {} at {}: {why}",
                other.amount.normalize(),
                other.currency,
                chosen.amount.normalize(),
                chosen.currency,
                chosen.amount_at
            ),
        ));
    }
    let quantity = terms.get(Kind::Buyer, Buyer::CONTRACTED_QUANTITY).cloned();
    let per_kwh = quantity.as_ref().and_then(|quantity| {
        let kwh = Decimal::from_str_exact(&quantity.json).ok()?;
        Some((chosen.amount.checked_div(kwh)?, kwh, quantity))
    });
    let Some((per_kwh, kwh, quantity)) = per_kwh else {
        terms.findings.push(Noted::new(
            chosen_message,
            MigrationRule::Missing,
            chosen.amount_at.pointer.clone(),
            format!(
                "the flat wheeling charge {} {} cannot be made per kWh: no message gives {} (or it is zero)",
                chosen.amount.normalize(),
                chosen.currency,
                Buyer::CONTRACTED_QUANTITY
            ),
        ));
        return;
    };
    let exact = per_kwh * kwh == chosen.amount;
    terms.inputs.push(Settled {
        kind: Kind::Grid,
        input: Grid::WHEELING_CHARGES,
        json: per_kwh.normalize().to_string(),
        from: vec![
            chosen.amount_at.clone(),
            chosen.currency_at.clone(),
            quantity.from[0].clone(),
        ],
        rule: Some(format!(
            "per kWh: the flat {} {} ÷ {} {}{}",
            chosen.amount.normalize(),
            chosen.currency,
            Buyer::CONTRACTED_QUANTITY,
            kwh.normalize(),
            if exact {
                ""
            } else {
                " (rounded to 28 significant digits)"
            }
        )),
    });
}

/// One finding per role whose required inputs no message carries.
fn missing(terms: &mut Terms, trade: &Trade, said: &[Said], specs: &[RoleSpec]) {
    let Some((m, contract)) = trade.first_carrier(said) else {
        return;
    };
    for kind in Kind::ALL {
        let Some(spec) = kind.spec(specs) else {
            continue;
        };
        let absent: Vec<&str> = spec
            .inputs
            .unwrap_or(&[])
            .iter()
            .filter(|input| input.required && terms.get(kind, input.name).is_none())
            .map(|input| input.name)
            .collect();
        if absent.is_empty() {
            continue;
        }
        terms.findings.push(Noted::new(
            m,
            MigrationRule::Missing,
            contract.pointer.clone(),
            format!(
                "no legacy message gives {}'s {}: only the {} can supply {}, so the migrated contract lists {} open",
                kind.role(),
                absent.join(", "),
                kind.party(),
                if absent.len() == 1 { "it" } else { "them" },
                kind.role()
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_compare_as_the_contract_means_them() {
        assert_eq!(comparable("10.0"), comparable("10"));
        assert_eq!(
            comparable(r#""2024-10-04T10:00:00Z""#),
            comparable(r#""2024-10-04T15:30:00+05:30""#)
        );
        assert_ne!(comparable(r#""100200300""#), comparable(r#""92982739""#));
        assert_eq!(comparable(r#"{"a":1}"#), serde_json::json!({"a": 1}));
    }
}
