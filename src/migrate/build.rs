//! One migrated message: its legacy contract replaced, in the same place, by the trade's
//! `EnergyContractP2PTrade` as of this message, and its settlement moved into the
//! fulfillment's `EnergyTradeDelivery`; every written value recorded with where it came from.

use deg_contracts_runtime::{JSONLD_CONTEXT, JSONLD_TYPE, RoleSpec, pointer};
use deg_contracts_schema::energy_contract_p2p_trade_v1::EnergyContractP2PTrade;
use deg_contracts_schema::energy_contract_p2p_trade_v1::views::{
    EnergyContractP2PTradeView as Contract, P2PTradeBuyerRoleInputsView as Buyer,
    P2PTradeGridOperatorRoleInputsView as Grid, P2PTradeSellerRoleInputsView as Seller,
};
use deg_contracts_schema::energy_contract_v1::views::{
    ContractRoleView as Role, RevenueFlowLogicView, RevenueFlowView,
};
use deg_contracts_schema::energy_trade_delivery_v1::EnergyTradeDelivery;
use deg_contracts_schema::energy_trade_delivery_v1::views::EnergyTradeDeliveryView as Delivery;
use deg_contracts_schema::registry;

use super::legacy::{self, contract, core};
use super::read::{self, LegacyContract, Message, Said, quoted};
use super::terms::{Terms, Trade};
use super::text::{self, Edit, Layout};
use super::{Kind, MigrationRule, Noted, Origin, Place, Record};
use crate::beckn;
use crate::formula::Reference;

/// What building one message needs of the run.
pub struct Context<'a> {
    pub messages: &'a [Message],
    pub said: &'a [Said],
    pub trade: &'a Trade,
    pub terms: &'a Terms,
    pub specs: &'a [RoleSpec],
}

/// A message's migrated text and what it records.
pub struct Built {
    pub text: String,
    pub records: Vec<Record>,
}

/// Migrates message `m`.
pub fn build(m: usize, context: &Context<'_>, findings: &mut Vec<Noted>) -> Built {
    let message = &context.messages[m];
    let said = &context.said[m];
    let layout = Layout::of(&message.text);
    let mut edits = Vec::new();
    let mut records = Vec::new();
    for legacy_contract in &said.contracts {
        let Some(span) = crate::source::span(&message.text, &legacy_contract.pointer) else {
            continue;
        };
        let json = new_contract(m, legacy_contract, context, &mut records, findings);
        let indent = text::indent_at(&message.text, span.start);
        edits.push(Edit {
            range: span,
            text: text::layout(&json, layout, indent),
        });
    }
    deliveries(message, m, said, &mut edits, &mut records, findings);
    Built {
        text: text::apply(&message.text, edits),
        records,
    }
}

/// The new contract, as compact JSON, for the legacy one at `legacy_contract`.
fn new_contract(
    m: usize,
    legacy_contract: &LegacyContract,
    context: &Context<'_>,
    records: &mut Vec<Record>,
    findings: &mut Vec<Noted>,
) -> String {
    let message = &context.messages[m];
    let base = &legacy_contract.pointer;
    let mut members: Vec<String> = Vec::new();
    let mut member = |name: &str, json: String, origin: Origin, records: &mut Vec<Record>| {
        records.push(Record {
            pointer: pointer::join(base, name),
            json: json.clone(),
            origin,
        });
        members.push(format!("{}:{json}", quoted(name)));
    };
    let current = EnergyContractP2PTrade::TYPE_NAME;
    let entry = registry::entry(current).unwrap_or(current);
    let (context_url, context_rule) = match legacy::context_for(&legacy_contract.value, entry) {
        Some(url) => (
            url,
            format!("the legacy `@context` moved to {entry} on its own host"),
        ),
        None => (
            format!("{entry}/context.jsonld"),
            format!("the legacy object names no context entry: {entry}'s own"),
        ),
    };
    member(
        JSONLD_CONTEXT,
        quoted(&context_url),
        Origin::Derived {
            rule: context_rule,
            from: vec![message.place(&pointer::join(base, JSONLD_CONTEXT))],
        },
        records,
    );
    member(
        JSONLD_TYPE,
        quoted(current),
        Origin::Derived {
            rule: format!("the legacy @type, replaced by {current} (x-replaces)"),
            from: vec![message.place(&pointer::join(base, JSONLD_TYPE))],
        },
        records,
    );
    let transaction_at = context
        .trade
        .messages
        .iter()
        .map(|&other| &context.messages[other])
        .find(|other| other.transaction() == Some(context.trade.transaction.as_str()))
        .map(|other| other.place(beckn::TRANSACTION_ID));
    member(
        Contract::CONTRACT_ID,
        quoted(&format!("contract-{}", context.trade.transaction)),
        Origin::Derived {
            rule: "minted from the main flow's transaction id".to_owned(),
            from: transaction_at.into_iter().collect(),
        },
        records,
    );
    let status_at = pointer::join(base, contract::STATUS);
    match message.raw(&status_at) {
        Some(status) => member(
            Contract::STATUS,
            status,
            Origin::Read(vec![message.place(&status_at)]),
            records,
        ),
        None => findings.push(Noted::new(
            m,
            MigrationRule::Missing,
            base.clone(),
            format!(
                "the legacy contract has no {}: the migrated one has no {}",
                contract::STATUS,
                Contract::STATUS
            ),
        )),
    }
    if let Some(first_carrier) = context
        .trade
        .first_carrier(context.said)
        .map(|(other, _)| &context.messages[other])
        && let Some(created) = first_carrier.raw(beckn::TIMESTAMP)
    {
        member(
            Contract::CREATED_AT,
            created,
            Origin::Derived {
                rule: "the time of the first message that carries the contract".to_owned(),
                from: vec![first_carrier.place(beckn::TIMESTAMP)],
            },
            records,
        );
    }
    let roles_at = pointer::join(base, Contract::ROLES);
    let roles: Vec<String> = Kind::ALL
        .iter()
        .enumerate()
        .map(|(index, &kind)| role(kind, &format!("{roles_at}/{index}"), context, records))
        .collect();
    members.push(format!("{}:[{}]", quoted(Contract::ROLES), roles.join(",")));
    let flows_at = pointer::join(base, Contract::REVENUE_FLOWS);
    members.push(format!(
        "{}:{}",
        quoted(Contract::REVENUE_FLOWS),
        revenue_flows(&flows_at, records)
    ));
    format!("{{{}}}", members.join(","))
}

/// One role of the trade, as compact JSON, at `at`.
fn role(kind: Kind, at: &str, context: &Context<'_>, records: &mut Vec<Record>) -> String {
    let spec = kind.spec(context.specs);
    let declared: Vec<&str> = spec
        .and_then(|spec| spec.inputs)
        .unwrap_or(&[])
        .iter()
        .map(|input| input.name)
        .collect();
    let inputs_at = pointer::join(at, Role::ROLE_INPUTS);
    let mut inputs = Vec::new();
    for name in &declared {
        let Some(settled) = context.terms.get(kind, name) else {
            continue;
        };
        records.push(Record {
            pointer: pointer::join(&inputs_at, name),
            json: settled.json.clone(),
            origin: match &settled.rule {
                Some(rule) => Origin::Derived {
                    rule: rule.clone(),
                    from: settled.from.clone(),
                },
                None => Origin::Read(settled.from.clone()),
            },
        });
        inputs.push(format!("{}:{}", quoted(name), settled.json));
    }
    let complete = spec.is_some_and(|spec| {
        spec.inputs
            .unwrap_or(&[])
            .iter()
            .all(|input| !input.required || context.terms.get(kind, input.name).is_some())
    });
    let filler = filler(kind, context);
    let mut members = vec![format!("{}:{}", quoted(Role::ROLE), quoted(kind.role()))];
    match filler.filter(|_| complete) {
        Some((by, place)) => {
            records.push(Record {
                pointer: pointer::join(at, Role::FILLED_BY),
                json: quoted(by),
                origin: Origin::Derived {
                    rule: format!("the {} of the trade", kind.party()),
                    from: vec![place],
                },
            });
            members.push(format!("{}:{}", quoted(Role::FILLED_BY), quoted(by)));
            members.push(format!("{}:true", quoted(Role::FILLED)));
        }
        None => {
            records.push(Record {
                pointer: pointer::join(at, Role::FILLED),
                json: "false".to_owned(),
                origin: Origin::Derived {
                    rule: format!(
                        "open: some of the {}'s required inputs are in no message",
                        kind.party()
                    ),
                    from: Vec::new(),
                },
            });
            members.push(format!("{}:false", quoted(Role::FILLED)));
        }
    }
    members.push(format!(
        "{}:{{{}}}",
        quoted(Role::ROLE_INPUTS),
        inputs.join(",")
    ));
    format!("{{{}}}", members.join(","))
}

/// The subscriber that holds `kind` in the trade: the main flow's BAP buys, its BPP sells, and
/// the cascade's BPP is the grid operator. A cascade with no main flow is sent by the seller's
/// platform (its BAP); its buyer is not in the input.
fn filler<'c>(kind: Kind, context: &'c Context<'_>) -> Option<(&'c str, Place)> {
    let main = main_messages(context);
    let (members, at) = match kind {
        Kind::Buyer => (main, beckn::BAP_ID),
        Kind::Seller if main.is_empty() => (context.trade.cascade.clone(), beckn::BAP_ID),
        Kind::Seller => (main, beckn::BPP_ID),
        Kind::Grid => (context.trade.cascade.clone(), beckn::BPP_ID),
    };
    members.into_iter().find_map(|m| {
        let message = &context.messages[m];
        Some((message.str_at(at)?, message.place(at)))
    })
}

fn main_messages(context: &Context<'_>) -> Vec<usize> {
    context
        .trade
        .messages
        .iter()
        .copied()
        .filter(|m| !context.trade.cascade.contains(m))
        .collect()
}

/// The seed's two revenue flows, as compact JSON, at `at`.
fn revenue_flows(at: &str, records: &mut Vec<Record>) -> String {
    let quantity = reference(Kind::Buyer, Buyer::CONTRACTED_QUANTITY);
    let flows = [
        (Kind::Seller, reference(Kind::Seller, Seller::PRICE_PER_KWH)),
        (Kind::Grid, reference(Kind::Grid, Grid::WHEELING_CHARGES)),
    ];
    let flows_at = pointer::join(at, RevenueFlowLogicView::FLOWS);
    let written: Vec<String> = flows
        .iter()
        .enumerate()
        .map(|(index, (payee, rate))| {
            let formula = format!("{quantity} × {rate}");
            records.push(Record {
                pointer: pointer::join(&format!("{flows_at}/{index}"), RevenueFlowView::FORMULA),
                json: quoted(&formula),
                origin: Origin::Derived {
                    rule: format!("the seed's flow BUYER → {}", payee.role()),
                    from: Vec::new(),
                },
            });
            format!(
                "{{{}:{},{}:{},{}:{}}}",
                quoted(RevenueFlowView::FROM),
                quoted(Kind::Buyer.role()),
                quoted(RevenueFlowView::TO),
                quoted(payee.role()),
                quoted(RevenueFlowView::FORMULA),
                quoted(&formula)
            )
        })
        .collect();
    format!(
        "{{{}:[{}]}}",
        quoted(RevenueFlowLogicView::FLOWS),
        written.join(",")
    )
}

fn reference(kind: Kind, input: &str) -> Reference {
    Reference::RoleInput {
        role: kind.role().to_owned(),
        input: input.to_owned(),
    }
}

/// Moves the legacy contract's settlement cycles and last update into the fulfillment's
/// delivery: the legacy delivery (in `beckn:attributes`) renamed to its current slot and
/// version, or a new one where the fulfillment has none.
fn deliveries(
    message: &Message,
    m: usize,
    said: &Said,
    edits: &mut Vec<Edit>,
    records: &mut Vec<Record>,
    findings: &mut Vec<Noted>,
) {
    let moved: Vec<(&str, &str, String)> = said
        .contracts
        .iter()
        .flat_map(|legacy_contract| {
            [
                (contract::SETTLEMENT_CYCLES, Delivery::SETTLEMENT_CYCLES),
                (contract::LAST_UPDATED, Delivery::LAST_UPDATED),
            ]
            .into_iter()
            .map(|(from, to)| (from, to, pointer::join(&legacy_contract.pointer, from)))
        })
        .filter(|(_, _, at)| message.raw(at).is_some())
        .collect();
    let delivery_type = EnergyTradeDelivery::TYPE_NAME;
    let entry = registry::entry(delivery_type).unwrap_or(delivery_type);
    // A delivery inside a legacy contract goes with the contract it is replaced with.
    let existing: Vec<_> = legacy::objects_of_type(&message.value, delivery_type)
        .into_iter()
        .filter(|(at, _)| {
            !said
                .contracts
                .iter()
                .any(|legacy_contract| read::inside(at, &legacy_contract.pointer))
        })
        .collect();
    for (at, value) in &existing {
        let Some(span) = crate::source::span(&message.text, at) else {
            continue;
        };
        // A legacy fulfillment's delivery moves to the current slot; one elsewhere stays put.
        let legacy_slot = at.strip_suffix(&format!("/{}", core::FULFILLMENT_ATTRIBUTES));
        let key = legacy_slot.and_then(|_| text::key_span(&message.text, span.start));
        let new_at = match (legacy_slot, key) {
            (Some(parent), Some(key)) => {
                let new_at = pointer::join(parent, core::DELIVERY_ATTRIBUTES);
                edits.push(Edit {
                    range: key,
                    text: quoted(core::DELIVERY_ATTRIBUTES),
                });
                records.push(Record {
                    pointer: new_at.clone(),
                    json: String::new(),
                    origin: Origin::Derived {
                        rule: format!(
                            "the fulfillment's {} is now {}",
                            core::FULFILLMENT_ATTRIBUTES,
                            core::DELIVERY_ATTRIBUTES
                        ),
                        from: vec![message.place(at)],
                    },
                });
                new_at
            }
            _ => at.clone(),
        };
        let context_at = pointer::join(at, JSONLD_CONTEXT);
        if let (Some(url), Some(context_span)) = (
            legacy::context_for(value, entry),
            crate::source::span(&message.text, &context_at),
        ) && message.str_at(&context_at) != Some(url.as_str())
        {
            edits.push(Edit {
                range: context_span,
                text: quoted(&url),
            });
            records.push(Record {
                pointer: pointer::join(&new_at, JSONLD_CONTEXT),
                json: quoted(&url),
                origin: Origin::Derived {
                    rule: format!("the delivery's `@context` moved to {entry}, which holds the settlement cycles"),
                    from: vec![message.place(&context_at)],
                },
            });
        }
        for (_, to, from_at) in &moved {
            let json = message.raw(from_at).unwrap_or_default();
            match message.raw(&pointer::join(at, to)) {
                None => {
                    edits.push(text::add_member(&message.text, &span, to, &json));
                    records.push(Record {
                        pointer: pointer::join(&new_at, to),
                        json,
                        origin: Origin::Read(vec![message.place(from_at)]),
                    });
                }
                Some(present) if present == json => {}
                Some(present) => findings.push(Noted::new(
                    m,
                    MigrationRule::Conflict,
                    from_at.clone(),
                    format!(
                        "the legacy contract's {to} is {json} but the delivery's is {present} at {}: the delivery's is kept",
                        message.place(&pointer::join(at, to))
                    ),
                )),
            }
        }
    }
    if !existing.is_empty() || moved.is_empty() {
        return;
    }
    let fulfillment_at = format!("{}/0", core::FULFILLMENTS);
    let Some(fulfillment) = crate::source::span(&message.text, &fulfillment_at)
        .filter(|_| pointer::get(&message.value, &fulfillment_at).is_some_and(|v| v.is_object()))
    else {
        for (_, to, from_at) in &moved {
            findings.push(Noted::new(
                m,
                MigrationRule::Missing,
                from_at.clone(),
                format!(
                    "the order has no fulfillment whose delivery could hold the {to}: they are left out"
                ),
            ));
        }
        return;
    };
    let context_url = said
        .contracts
        .first()
        .and_then(|legacy_contract| legacy::context_for(&legacy_contract.value, entry))
        .unwrap_or_else(|| format!("{entry}/context.jsonld"));
    let delivery_at = pointer::join(&fulfillment_at, core::DELIVERY_ATTRIBUTES);
    let mut members = vec![
        format!("{}:{}", quoted(JSONLD_CONTEXT), quoted(&context_url)),
        format!("{}:{}", quoted(JSONLD_TYPE), quoted(delivery_type)),
    ];
    records.push(Record {
        pointer: delivery_at.clone(),
        json: String::new(),
        origin: Origin::Derived {
            rule: format!("a new {delivery_type} for the settlement the legacy contract carried"),
            from: moved.iter().map(|(_, _, at)| message.place(at)).collect(),
        },
    });
    for (_, to, from_at) in &moved {
        let json = message.raw(from_at).unwrap_or_default();
        records.push(Record {
            pointer: pointer::join(&delivery_at, to),
            json: json.clone(),
            origin: Origin::Read(vec![message.place(from_at)]),
        });
        members.push(format!("{}:{json}", quoted(to)));
    }
    edits.push(text::add_member(
        &message.text,
        &fulfillment,
        core::DELIVERY_ATTRIBUTES,
        &format!("{{{}}}", members.join(",")),
    ));
}
