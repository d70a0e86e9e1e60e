//! The checks over one trade, its messages in time order. Each finding is reported on the
//! later message, at the value that changed, and names the earlier message and value it
//! contradicts. A trade missing messages is checked on what is there; nothing is inferred.

use foldhash::{HashMap, HashMapExt};

use deg_contracts_runtime::Decimal;
use deg_contracts_schema::energy_contract_v1::EnergyContractStatus as ContractStatus;

use super::facts::{ContractFacts, Located, MessageFacts, RoleFacts, Term, Text};
use super::{Entry, Placed, finding};
use crate::beckn::{self, Stage};
use crate::finding::TransactionRule as R;

pub fn check(entries: &[Entry], out: &mut Vec<Placed>) {
    identity(entries, out);
    callbacks(entries, out);
    lifecycle(entries, out);
    cascade(entries, out);
    for id in contract_ids(entries) {
        let carrying: Vec<(&Entry, &ContractFacts)> = entries
            .iter()
            .flat_map(|entry| {
                entry
                    .facts
                    .contracts
                    .iter()
                    .filter(|contract| contract.id.as_ref().map(|id| &id.value) == Some(id))
                    .map(move |contract| (entry, contract))
            })
            .collect();
        created_at(&carrying, out);
        status(&carrying, out);
        Terms {
            seller_platform: seller_platform(entries),
            ..Terms::default()
        }
        .check(&carrying, out);
        flows_and_quote(entries, &carrying, out);
    }
}

fn action(facts: &MessageFacts) -> Option<&str> {
    Some(facts.action.as_ref()?.value.as_str())
}

/// The subscriber whose requests open the trade: the BAP of its first message.
fn main_bap(entries: &[Entry]) -> Option<&str> {
    entries
        .iter()
        .find_map(|entry| entry.facts.bap_id.as_deref())
}

/// Whether a message belongs to the main flow (BAP ↔ seller's BPP), not the cascade.
fn is_main(entry: &Entry, main: Option<&str>) -> bool {
    entry.facts.bap_id.as_deref() == main
}

/// The seller's platform in a trade with a cascade: the main flow's BPP, and the BAP it
/// runs the cascade under when that is another subscriber id (Beckn registers a platform's
/// BAP and BPP separately). Within the trade, both ids are one party.
fn seller_platform(entries: &[Entry]) -> Option<(&str, &str)> {
    let main = main_bap(entries);
    let bpp = entries
        .iter()
        .filter(|entry| is_main(entry, main))
        .find_map(|entry| entry.facts.bpp_id.as_deref())?;
    let cascade_bap = entries
        .iter()
        .filter(|entry| !is_main(entry, main))
        .find_map(|entry| entry.facts.bap_id.as_deref())?;
    (cascade_bap != bpp).then_some((cascade_bap, bpp))
}

fn contract_ids(entries: &[Entry]) -> Vec<&Text> {
    let mut ids: Vec<&Text> = Vec::new();
    for entry in entries {
        for contract in &entry.facts.contracts {
            if let Some(id) = &contract.id
                && !ids.contains(&&id.value)
            {
                ids.push(&id.value);
            }
        }
    }
    ids
}

/// One contract, order and fulfillment id per transaction; one transaction id for the main flow.
fn identity(entries: &[Entry], out: &mut Vec<Placed>) {
    type Seen<'a> = HashMap<(&'a str, &'static str), (&'a Entry, &'a Located<Text>)>;
    let mut seen: Seen<'_> = HashMap::new();
    let main = main_bap(entries);
    let mut main_transaction: Option<(&Entry, &Located<Text>)> = None;
    for entry in entries {
        let Some(transaction) = &entry.facts.transaction_id else {
            continue;
        };
        if is_main(entry, main) {
            match main_transaction {
                Some((first, id)) if id.value != transaction.value => out.push(finding(
                    R::Identity,
                    entry,
                    transaction,
                    format!(
                        "the trade's transaction id changed to `{}`: was `{}` at {}",
                        transaction.value,
                        id.value,
                        first.at(id)
                    ),
                )),
                Some(_) => {}
                None => main_transaction = Some((entry, transaction)),
            }
        }
        let facts = &entry.facts;
        let ids = facts
            .contracts
            .iter()
            .filter_map(|contract| contract.id.as_ref())
            .map(|id| ("contract id", id))
            .chain(facts.order_id.iter().map(|id| ("order id", id)))
            .chain(facts.fulfillment_id.iter().map(|id| ("fulfillment id", id)));
        for (what, id) in ids {
            match seen.get(&(transaction.value.as_str(), what)) {
                Some((first, earlier)) if earlier.value != id.value => out.push(finding(
                    R::Identity,
                    entry,
                    id,
                    format!(
                        "transaction `{}` has a second {what} `{}`: was `{}` at {}",
                        transaction.value,
                        id.value,
                        earlier.value,
                        first.at(earlier)
                    ),
                )),
                Some(_) => {}
                None => {
                    seen.insert((transaction.value.as_str(), what), (entry, id));
                }
            }
        }
    }
}

/// The exchange a message belongs to: its transaction and its two ends.
fn exchange(facts: &MessageFacts) -> Exchange<'_> {
    (
        facts.transaction_id.as_ref().map(|id| id.value.as_str()),
        facts.bap_id.as_deref(),
        facts.bpp_id.as_deref(),
    )
}

/// Each callback after the request it answers, when that request is in the input.
fn callbacks(entries: &[Entry], out: &mut Vec<Placed>) {
    for (index, entry) in entries.iter().enumerate() {
        let Some(callback) = action(&entry.facts).filter(|action| beckn::is_callback(action))
        else {
            continue;
        };
        let request = beckn::request_of(callback);
        let same = |other: &&Entry| {
            exchange(&other.facts) == exchange(&entry.facts)
                && action(&other.facts) == Some(request)
        };
        if entries[..index].iter().any(|other| same(&other)) {
            continue;
        }
        let Some(later) = entries[index + 1..].iter().find(same) else {
            continue;
        };
        let (Some(at), Some(request_at)) = (&entry.facts.action, &later.facts.action) else {
            continue;
        };
        let request_at = later
            .facts
            .timestamp
            .as_ref()
            .map_or_else(|| later.at(request_at), |time| later.at(time));
        out.push(finding(
            R::Callback,
            entry,
            &entry
                .facts
                .timestamp
                .as_ref()
                .map_or_else(|| at.place(), Located::place),
            format!("{callback} is earlier than the {request} it answers, at {request_at}"),
        ));
    }
}

/// No discovery or negotiation after the confirm, in each exchange.
/// A transaction and its two ends.
type Exchange<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

fn lifecycle(entries: &[Entry], out: &mut Vec<Placed>) {
    let mut confirmed: HashMap<Exchange<'_>, &Entry> = HashMap::new();
    for entry in entries {
        let Some(action_at) = &entry.facts.action else {
            continue;
        };
        let stage = beckn::stage(&action_at.value);
        let key = exchange(&entry.facts);
        if let Some(confirm) = confirmed.get(&key)
            && stage < Stage::Confirm
        {
            let at = confirm
                .facts
                .action
                .as_ref()
                .map(|a| confirm.at(a))
                .unwrap_or_default();
            out.push(finding(
                R::Lifecycle,
                entry,
                action_at,
                format!("{} after the trade was confirmed at {at}", action_at.value),
            ));
        }
        if stage >= Stage::Confirm {
            confirmed.entry(key).or_insert(entry);
        }
    }
}

/// The cascaded init and confirm between the main request and the main callback.
fn cascade(entries: &[Entry], out: &mut Vec<Placed>) {
    let main = main_bap(entries);
    for stage in [Stage::Init, Stage::Confirm] {
        let of_stage = |entry: &&Entry| {
            action(&entry.facts).is_some_and(|action| beckn::stage(action) == stage)
        };
        let main_request = entries.iter().filter(of_stage).find(|entry| {
            is_main(entry, main) && !action(&entry.facts).is_some_and(beckn::is_callback)
        });
        let main_callback = entries.iter().filter(of_stage).find(|entry| {
            is_main(entry, main) && action(&entry.facts).is_some_and(beckn::is_callback)
        });
        for cascaded in entries
            .iter()
            .filter(of_stage)
            .filter(|entry| !is_main(entry, main))
        {
            let (Some(time), Some(action_at)) = (cascaded.time(), &cascaded.facts.action) else {
                continue;
            };
            let place = cascaded
                .facts
                .timestamp
                .as_ref()
                .map_or_else(|| action_at.place(), Located::place);
            let before = main_request.filter(|request| request.time().is_some_and(|t| time < t));
            let after = main_callback.filter(|callback| callback.time().is_some_and(|t| time > t));
            let (other, relation) = match (before, after) {
                (Some(request), _) => (request, "before the main"),
                (None, Some(callback)) => (callback, "after the main"),
                (None, None) => continue,
            };
            let other_action = other
                .facts
                .action
                .as_ref()
                .map_or("?", |a| a.value.as_str());
            let other_at = other
                .facts
                .timestamp
                .as_ref()
                .map(|t| other.at(t))
                .unwrap_or_default();
            let message = format!(
                "the cascaded {} is {relation} {other_action} at {other_at}: the cascade runs inside the main exchange, so every value reaches each party before it sends it",
                action_at.value
            );
            out.push(finding(R::Cascade, cascaded, &place, message));
        }
    }
}

/// `createdAt` not after the first message that carries the contract.
fn created_at(carrying: &[(&Entry, &ContractFacts)], out: &mut Vec<Placed>) {
    let Some((first, _)) = carrying.first() else {
        return;
    };
    let Some(sent) = &first.facts.timestamp else {
        return;
    };
    for (entry, contract) in carrying {
        let Some(created) = &contract.created_at else {
            continue;
        };
        if created.value.instant() > sent.value.instant() {
            out.push(finding(
                R::CreatedAt,
                entry,
                created,
                format!(
                    "createdAt {} is after {}, when the contract was first sent, at {}",
                    created.value.as_str(),
                    sent.value.as_str(),
                    first.at(sent)
                ),
            ));
            return;
        }
    }
}

/// Where a status stands; the two ends share a rank.
fn status_rank(status: &str) -> Option<u8> {
    let rank = [
        (ContractStatus::Pending, 0),
        (ContractStatus::Active, 1),
        (ContractStatus::Completed, 2),
        (ContractStatus::Terminated, 2),
    ];
    rank.iter()
        .find(|(known, _)| known.as_str() == status)
        .map(|(_, rank)| *rank)
}

/// Status only forward.
fn status(carrying: &[(&Entry, &ContractFacts)], out: &mut Vec<Placed>) {
    let mut last: Option<(&Entry, &Located<Text>, u8)> = None;
    for (entry, contract) in carrying {
        let Some(status) = &contract.status else {
            continue;
        };
        let Some(rank) = status_rank(&status.value) else {
            continue;
        };
        if let Some((before, was, was_rank)) = last
            && (rank < was_rank || (rank == was_rank && rank == 2 && was.value != status.value))
        {
            out.push(finding(
                R::Status,
                entry,
                status,
                format!(
                    "status moved back to {} from {} at {}",
                    status.value,
                    was.value,
                    before.at(was)
                ),
            ));
            continue;
        }
        last = Some((entry, status, rank));
    }
}

/// What one party has seen of a role input: the value and where.
#[derive(Clone, Copy)]
struct Known<'a> {
    value: &'a Term,
    entry: &'a Entry,
    at: &'a Located<Term>,
}

/// The inputs of one role kind one party has seen, in the order first seen. A role has a
/// dozen or so, so a scan that tells names apart by length and first byte beats hashing or
/// ordering them.
#[derive(Default)]
struct SeenInputs<'a>(Vec<(&'a str, Known<'a>)>);

impl<'a> SeenInputs<'a> {
    fn get(&self, name: &str) -> Option<&Known<'a>> {
        self.0
            .iter()
            .find(|(seen, _)| same_name(seen, name))
            .map(|(_, known)| known)
    }

    fn insert(&mut self, name: &'a str, known: Known<'a>) {
        match self.0.iter_mut().find(|(seen, _)| same_name(seen, name)) {
            Some((_, last)) => *last = known,
            None => self.0.push((name, known)),
        }
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// The terms, who says what, and who filled each role.
#[derive(Default)]
struct Terms<'a> {
    /// Per party, per role kind, per input, the last value it has seen.
    known: HashMap<&'a str, HashMap<&'a str, SeenInputs<'a>>>,
    /// Per role kind, the subscriber that filled it and where that was said.
    fillers: HashMap<&'a str, (&'a str, &'a Entry, &'a Located<Text>)>,
    /// Role kinds seen open (or not yet listed) in an earlier message: only for these is the
    /// message that fills them in the input, so only for these can the filler be told.
    seen_open: Vec<&'a str>,
    /// Whether an earlier message carried the contract.
    seen: bool,
    confirmed: bool,
    /// The cascade's BAP id, and the main flow's BPP id it stands for.
    seller_platform: Option<(&'a str, &'a str)>,
}

impl<'a> Terms<'a> {
    /// The party `id` is in this trade.
    fn party(&self, id: &'a str) -> &'a str {
        match self.seller_platform {
            Some((cascade_bap, bpp)) if id == cascade_bap => bpp,
            _ => id,
        }
    }

    fn check(mut self, carrying: &[(&'a Entry, &'a ContractFacts)], out: &mut Vec<Placed>) {
        for &(entry, contract) in carrying {
            let Some(sender) = entry.facts.sender().map(|id| self.party(id)) else {
                continue;
            };
            for role in &contract.roles {
                self.filled_by(entry, sender, role, out);
                self.inputs(entry, sender, role, out);
            }
            self.missing_roles(entry, sender, contract, out);
            self.seen = true;
            for role in &contract.roles {
                if !role.filled && !self.seen_open.contains(&role.kind.as_str()) {
                    self.seen_open.push(role.kind.as_str());
                }
            }
            for party in [&entry.facts.bap_id, &entry.facts.bpp_id]
                .into_iter()
                .flatten()
            {
                let party = self.party(party.as_str());
                let seen = self.known.entry(party).or_default();
                for role in &contract.roles {
                    let inputs = seen.entry(role.kind.as_str()).or_default();
                    for (name, at) in &role.inputs {
                        let known = Known {
                            value: &at.value,
                            entry,
                            at,
                        };
                        inputs.insert(name.as_str(), known);
                    }
                }
            }
            if action(&entry.facts).is_some_and(|a| beckn::stage(a) >= Stage::Confirm) {
                self.confirmed = true;
            }
        }
    }

    fn filled_by(
        &mut self,
        entry: &'a Entry,
        sender: &'a str,
        role: &'a RoleFacts,
        out: &mut Vec<Placed>,
    ) {
        let Some(by) = role.filled_by.as_ref().filter(|_| role.filled) else {
            return;
        };
        match self.fillers.get(role.kind.as_str()) {
            None => {
                // The fill is witnessed when the role was open, or not yet listed, before.
                let witnessed = self.seen_open.contains(&role.kind.as_str())
                    || (self.seen && !self.known_kind(role.kind.as_str()));
                if witnessed && by.value != sender {
                    out.push(finding(
                        R::FilledBy,
                        entry,
                        by,
                        format!(
                            "{} is filled by `{}`, but the message that filled it was sent by `{sender}`",
                            role.name.value, by.value
                        ),
                    ));
                }
                self.fillers.insert(role.kind.as_str(), (sender, entry, by));
            }
            Some((_, first, first_by)) if first_by.value != by.value => out.push(finding(
                R::Terms,
                entry,
                by,
                format!(
                    "{} is now filled by `{}`: was `{}` at {}",
                    role.name.value,
                    by.value,
                    first_by.value,
                    first.at(first_by)
                ),
            )),
            Some(_) => {}
        }
    }

    /// Whether any party has seen an input of `kind`.
    fn known_kind(&self, kind: &str) -> bool {
        self.known
            .values()
            .any(|seen| seen.get(kind).is_some_and(|inputs| !inputs.is_empty()))
    }

    /// Whether `sender` may revise the inputs of `role` in `entry`: only its own, only
    /// before the confirm (the confirm repeats what was agreed, and nothing changes after it).
    fn may_revise(&self, entry: &Entry, sender: &str, role: &RoleFacts) -> bool {
        let own = self
            .fillers
            .get(role.kind.as_str())
            .is_none_or(|(filler, _, _)| *filler == sender);
        let before_confirm = !self.confirmed
            && action(&entry.facts).is_none_or(|a| beckn::stage(a) < Stage::Confirm);
        own && before_confirm
    }

    fn inputs(
        &mut self,
        entry: &'a Entry,
        sender: &'a str,
        role: &'a RoleFacts,
        out: &mut Vec<Placed>,
    ) {
        let seen = self
            .known
            .get(sender)
            .and_then(|seen| seen.get(role.kind.as_str()));
        // How many of what the sender has seen of this role are still here.
        let mut still_here = 0;
        for (name, at) in &role.inputs {
            let known = seen.and_then(|seen| seen.get(name.as_str()));
            still_here += usize::from(known.is_some());
            match known {
                Some(known)
                    if known.value != &at.value && !self.may_revise(entry, sender, role) =>
                {
                    out.push(finding(
                        R::Terms,
                        entry,
                        at,
                        format!(
                            "{}.{name} changed to {}: was {} at {}",
                            role.name.value,
                            at.value,
                            known.value,
                            known.entry.at(known.at)
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    let filler = self.fillers.get(role.kind.as_str());
                    if let Some((filler, _, _)) = filler
                        && *filler != sender
                    {
                        out.push(finding(
                            R::Provenance,
                            entry,
                            at,
                            format!(
                                "`{sender}` sends {}.{name} {}, which `{filler}` sets and no earlier message gave `{sender}`",
                                role.name.value, at.value
                            ),
                        ));
                    }
                }
            }
        }
        let Some(seen) = seen.filter(|seen| seen.len() > still_here) else {
            return;
        };
        let mut gone: Vec<&(&str, Known<'a>)> = seen
            .0
            .iter()
            .filter(|(name, _)| !role.inputs.iter().any(|(present, _)| present == name))
            .collect();
        gone.sort_unstable_by_key(|(name, _)| *name);
        for (name, known) in gone {
            out.push(finding(
                R::Terms,
                entry,
                &role.inputs_at,
                format!(
                    "{}.{name} is gone: was {} at {}",
                    role.name.value,
                    known.value,
                    known.entry.at(known.at)
                ),
            ));
        }
    }

    /// A role the sender has seen, missing from a later contract it sends.
    fn missing_roles(
        &self,
        entry: &Entry,
        sender: &str,
        contract: &ContractFacts,
        out: &mut Vec<Placed>,
    ) {
        let Some(seen) = self.known.get(sender) else {
            return;
        };
        let mut kinds: Vec<&str> = seen
            .iter()
            .filter(|(_, inputs)| !inputs.is_empty())
            .map(|(kind, _)| *kind)
            .collect();
        kinds.sort_unstable();
        for kind in kinds {
            if contract.roles.iter().any(|role| role.kind == kind) {
                continue;
            }
            let Some(id) = &contract.id else {
                continue;
            };
            let earlier = seen[kind]
                .0
                .iter()
                .map(|(_, known)| known.entry.at(known.at))
                .min()
                .unwrap_or_default();
            out.push(finding(
                R::Terms,
                entry,
                id,
                format!("the contract no longer lists {kind}, which it did at {earlier}"),
            ));
        }
    }
}

/// Flows fixed at the confirm; the settled amount equal to the buyer's last quote.
fn flows_and_quote(
    entries: &[Entry],
    carrying: &[(&Entry, &ContractFacts)],
    out: &mut Vec<Placed>,
) {
    let main = main_bap(entries);
    let mut at_confirm: Option<(&Entry, &Located<String>)> = None;
    let mut quote: Option<(&Entry, &Located<Decimal>)> = None;
    for (entry, contract) in carrying {
        let stage = action(&entry.facts).map(beckn::stage);
        match at_confirm {
            Some((confirm, flows)) if flows.value != contract.flows.value => out.push(finding(
                R::RevenueFlows,
                entry,
                &contract.flows,
                format!(
                    "the revenue flows changed after the confirm: now `{}`, were `{}` at {}",
                    contract.flows.value,
                    flows.value,
                    confirm.at(flows)
                ),
            )),
            Some(_) => {}
            None if stage.is_some_and(|stage| stage >= Stage::Confirm) => {
                at_confirm = Some((entry, &contract.flows));
            }
            None => {}
        }
        let to_buyer = is_main(entry, main)
            && action(&entry.facts).is_some_and(beckn::is_callback)
            && stage.is_some_and(|stage| stage < Stage::Confirm);
        if to_buyer && let Some(quoted) = &entry.facts.quote {
            quote = Some((entry, quoted));
        }
        let Some((quoted_in, quoted)) = quote else {
            continue;
        };
        for amount in &contract.settled {
            if amount.value != quoted.value {
                out.push(finding(
                    R::Quote,
                    entry,
                    amount,
                    format!(
                        "settled {} but the buyer was last quoted {} before confirming, at {}",
                        amount.value.normalize(),
                        quoted.value.normalize(),
                        quoted_in.at(quoted)
                    ),
                ));
            }
        }
    }
}
