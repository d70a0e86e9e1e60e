//! What the transaction checks need from one message, read while the message is checked and
//! kept after its text is gone: the envelope (who, what, which transaction), the order's ids
//! and quote, and each contract's status, roles, inputs, flows and settled amounts, every one
//! with the byte it starts at. Its pointer and line and column are worked out only for the
//! few values a finding names, from the message read again (or, for a message that cannot
//! be read again, as it is checked).

use std::fmt;

use deg_contracts_runtime::json;
use deg_contracts_runtime::view::{Input, Node};
use deg_contracts_runtime::{DateTime, Decimal};
use deg_contracts_schema::energy_trade_delivery_v1::SettlementCycleStatus;
use deg_contracts_schema::energy_trade_delivery_v1::views::EnergyTradeDeliveryView;

use crate::beckn;
use crate::contract::Contract;
use crate::rules::flows::{Flow, flows};
use crate::source::{self, Position};

/// A short text kept without an allocation of its own: most names, ids and values of a
/// message are 24 bytes or less, and a kept message has dozens.
pub type Text = compact_str::CompactString;

/// A located value's pointer, and its line and column.
pub type Place = (String, Position);

/// A value and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    /// The byte of the message's text the value starts at.
    pub offset: usize,
    /// Its pointer and position, once placed ([`place`]): boxed, since a kept message has
    /// many located values and few are ever placed.
    pub placed: Option<Box<Place>>,
}

impl<T> Located<T> {
    /// Where the value is, without it.
    pub fn place(&self) -> Located<()> {
        Located {
            value: (),
            offset: self.offset,
            placed: self.placed.clone(),
        }
    }

    pub(crate) fn new(value: T, offset: usize) -> Located<T> {
        Located {
            value,
            offset,
            placed: None,
        }
    }

    /// Where it was placed, or the message's start when it was not.
    pub fn position(&self) -> Position {
        self.placed
            .as_ref()
            .map_or(Position { line: 1, column: 1 }, |placed| placed.1)
    }

    /// The value read from `node`, where it is written.
    fn at(value: T, node: &Node<'_>) -> Located<T> {
        Located::new(value, node.value().span().start)
    }
}

/// A role input's value, compared as the contract means it: numbers as exact decimals (so
/// `15.0` is `15`), strings as themselves, anything else by the value its JSON text spells (so
/// two texts that differ only in spacing, key order or how a number is written are equal).
/// Each is shown as compact JSON, as `serde_json` writes it.
#[derive(Debug, Clone)]
pub enum Term {
    Number(Decimal),
    String(Text),
    /// An object or array, as written: copied as it is, and made compact only to compare it
    /// with one written otherwise or to show it, since most are never either.
    Json(Box<str>),
}

impl Term {
    /// The term of `value`, written in the message `text` (empty when it has none).
    fn of(value: &json::Value<'_>, text: &str) -> Term {
        if let Some(number) = value.decimal() {
            Term::Number(number)
        } else if let Some(string) = value.as_str() {
            Term::String(string.into())
        } else {
            match text.get(value.span()).filter(|written| !written.is_empty()) {
                Some(written) => Term::Json(written.into()),
                None => Term::Json(compact(value).into_boxed_str()),
            }
        }
    }
}

/// A value's compact JSON text, keys sorted.
fn compact(value: &json::Value<'_>) -> String {
    // Its compact text is about as long as the text it is written in.
    let mut text = String::with_capacity(value.span().len());
    value.write_compact(&mut text);
    text
}

/// The compact form of JSON text a term keeps (it was read from a message, so it parses).
fn compact_text(written: &str) -> String {
    match json::parse(written, &json::Arena::new()) {
        Ok(value) => compact(&value),
        Err(_) => written.to_owned(),
    }
}

/// Whether two JSON texts are the same but for the blanks between their tokens: the same
/// object or array written at another indent, as a trade's messages copy it, told without
/// parsing either.
fn same_but_blanks(a: &str, b: &str) -> bool {
    let blank = |byte: &&u8| matches!(byte, b' ' | b'\t' | b'\n' | b'\r');
    let (mut a, mut b) = (a.as_bytes().iter(), b.as_bytes().iter());
    let (mut in_string, mut escaped) = (false, false);
    loop {
        let (x, y) = if in_string {
            (a.next(), b.next())
        } else {
            (a.find(|byte| !blank(byte)), b.find(|byte| !blank(byte)))
        };
        match (x, y) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y => match (in_string, escaped, *x) {
                (true, true, _) => escaped = false,
                (true, false, b'\\') => escaped = true,
                (_, false, b'"') => in_string = !in_string,
                _ => {}
            },
            _ => return false,
        }
    }
}

impl PartialEq for Term {
    fn eq(&self, other: &Term) -> bool {
        match (self, other) {
            (Term::Number(a), Term::Number(b)) => a == b,
            (Term::String(a), Term::String(b)) => a == b,
            (Term::Json(a), Term::Json(b)) => {
                a == b || same_but_blanks(a, b) || compact_text(a) == compact_text(b)
            }
            _ => false,
        }
    }
}

impl Eq for Term {}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Number(number) => write!(f, "{}", number.normalize()),
            Term::String(text) => write!(f, "{}", serde_json::Value::from(&**text)),
            Term::Json(written) => f.write_str(&compact_text(written)),
        }
    }
}

/// One listed role.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleFacts {
    /// The role's name as written (`SELLER`), and where.
    pub name: Located<Text>,
    /// Its kind: the first name of the kind it belongs to (`SELLER` for `PROSUMER`).
    pub kind: Text,
    pub filled: bool,
    pub filled_by: Option<Located<Text>>,
    /// Where the inputs object is (or, when absent, the role).
    pub inputs_at: Located<()>,
    /// Each input that carries a value.
    pub inputs: Vec<(Text, Located<Term>)>,
}

/// One contract in a message.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractFacts {
    pub id: Option<Located<Text>>,
    pub status: Option<Located<Text>>,
    pub created_at: Option<Located<DateTime>>,
    /// Its roles, as the message's sender states them; none when the sender is unknown.
    pub roles: Vec<RoleFacts>,
    /// The revenue flows, one `FROM → TO: formula` line each, and where they are.
    pub flows: Located<String>,
    /// Every settled cycle's amount.
    pub settled: Vec<Located<Decimal>>,
}

/// One message, as the transaction checks see it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessageFacts {
    pub action: Option<Located<Text>>,
    pub transaction_id: Option<Located<Text>>,
    pub message_id: Option<Located<Text>>,
    pub timestamp: Option<Located<DateTime>>,
    pub bap_id: Option<Text>,
    pub bpp_id: Option<Text>,
    pub order_id: Option<Located<Text>>,
    pub fulfillment_id: Option<Located<Text>>,
    pub quote: Option<Located<Decimal>>,
    pub contracts: Vec<ContractFacts>,
}

impl MessageFacts {
    /// The subscriber that sent the message: the BAP for a request, the BPP for a callback.
    pub fn sender(&self) -> Option<&str> {
        let action = &self.action.as_ref()?.value;
        if beckn::is_callback(action) {
            self.bpp_id.as_deref()
        } else {
            self.bap_id.as_deref()
        }
    }

    /// Whether `party` took part in the exchange, as either end.
    pub fn involves(&self, party: &str) -> bool {
        self.bap_id.as_deref() == Some(party) || self.bpp_id.as_deref() == Some(party)
    }

    /// Every located value, so that all can be placed in one pass over the text.
    fn located_mut(&mut self) -> Vec<(usize, &mut Option<Box<Place>>)> {
        let mut all: Vec<(usize, &mut Option<Box<Place>>)> = Vec::new();
        macro_rules! add {
            ($located:expr) => {
                if let Some(located) = $located {
                    all.push((located.offset, &mut located.placed));
                }
            };
        }
        add!(&mut self.action);
        add!(&mut self.transaction_id);
        add!(&mut self.message_id);
        add!(&mut self.timestamp);
        add!(&mut self.order_id);
        add!(&mut self.fulfillment_id);
        add!(&mut self.quote);
        for contract in &mut self.contracts {
            add!(&mut contract.id);
            add!(&mut contract.status);
            add!(&mut contract.created_at);
            add!(Some(&mut contract.flows));
            for amount in &mut contract.settled {
                add!(Some(amount));
            }
            for role in &mut contract.roles {
                add!(Some(&mut role.name));
                add!(Some(&mut role.inputs_at));
                add!(&mut role.filled_by);
                for (_, input) in &mut role.inputs {
                    add!(Some(input));
                }
            }
        }
        all
    }

    /// Moves every placed position down by `lines` and, on the message's first line, right
    /// by `indent`: for a message that is one line of a log, read without its leading blanks.
    pub fn shift(&mut self, lines: usize, indent: usize) {
        for (_, placed) in self.located_mut() {
            if let Some(placed) = placed {
                let position = &mut placed.1;
                if position.line == 1 {
                    position.column += indent;
                }
                position.line += lines;
            }
        }
    }
}

/// Gives every located value of `facts` its pointer and its line and column in `text`, the
/// message they were read from (`message` is its JSON).
pub fn place(text: &str, message: &json::Value<'_>, facts: &mut [MessageFacts]) {
    let mut all: Vec<(usize, &mut Option<Box<Place>>)> = facts
        .iter_mut()
        .flat_map(MessageFacts::located_mut)
        .collect();
    let offsets: Vec<usize> = all.iter().map(|(offset, _)| *offset).collect();
    for ((offset, placed), position) in all.iter_mut().zip(source::positions(text, &offsets)) {
        **placed = Some(Box::new((pointer_at(message, *offset), position)));
    }
}

/// The pointer of the value that starts at byte `offset` of the text `message` was read from.
pub fn pointer_at(message: &json::Value<'_>, offset: usize) -> String {
    Node::new(message, "")
        .value_at(offset)
        .map_or_else(String::new, |node| node.pointer())
}

/// The facts of a message (written as `written`) whose contracts and deliveries the
/// per-message check found.
pub fn extract(
    message: &json::Value<'_>,
    written: &str,
    contracts: &[Contract<'_>],
    deliveries: &[EnergyTradeDeliveryView<'_>],
) -> MessageFacts {
    // Most envelope values sit under the context or the order, each looked up once (a bare
    // contract has neither).
    let (context, order) = (
        Parent::of(message, beckn::CONTEXT),
        Parent::of(message, beckn::ORDER),
    );
    let text = |parent: &Parent<'_, '_>, pointer: &'static str| {
        let value = parent.at(pointer)?;
        Some(Located::new(Text::new(value.as_str()?), value.span().start))
    };
    let quote = order
        .at(beckn::QUOTED_PRICE)
        .and_then(|value| Some(Located::new(value.decimal()?, value.span().start)));
    let timestamp = text(&context, beckn::TIMESTAMP).and_then(|located| {
        let value = DateTime::parse(&located.value).ok()?;
        Some(Located::new(value, located.offset))
    });
    let settled: Vec<Located<Decimal>> = deliveries
        .iter()
        .flat_map(|delivery| delivery.settlement_cycles())
        .filter(|cycle| {
            cycle
                .status()
                .is_some_and(|status| status.is(SettlementCycleStatus::Settled.as_str()))
        })
        .filter_map(|cycle| {
            let amount = cycle.amount()?;
            Some(Located::at(amount.decimal()?, &amount))
        })
        .collect();
    let mut facts = MessageFacts {
        action: text(&context, beckn::ACTION),
        transaction_id: text(&context, beckn::TRANSACTION_ID),
        message_id: text(&context, beckn::MESSAGE_ID),
        timestamp,
        bap_id: text(&context, beckn::BAP_ID).map(|located| located.value),
        bpp_id: text(&context, beckn::BPP_ID).map(|located| located.value),
        order_id: text(&order, beckn::ORDER_ID),
        fulfillment_id: text(&order, beckn::FULFILLMENT_ID),
        quote,
        contracts: Vec::new(),
    };
    // The roles are what each party says of the terms; a message with no known sender says
    // them for no one, so they are not kept (a bare contract has dozens of inputs).
    let roles = facts.sender().is_some();
    facts.contracts = contracts
        .iter()
        .map(|contract| contract_facts(contract, written, &settled, roles))
        .collect();
    facts
}

/// A value that some of the envelope's pointers start from, looked up once.
struct Parent<'v, 'a> {
    pointer: &'static str,
    value: Option<&'v json::Value<'a>>,
}

impl<'v, 'a> Parent<'v, 'a> {
    fn of(message: &'v json::Value<'a>, pointer: &'static str) -> Self {
        Parent {
            pointer,
            value: message.pointer(pointer),
        }
    }

    /// The value at `pointer` in the message, which starts with this parent's pointer.
    fn at(&self, pointer: &'static str) -> Option<&'v json::Value<'a>> {
        let below = pointer.strip_prefix(self.pointer);
        debug_assert!(below.is_some(), "{pointer} is not below {}", self.pointer);
        self.value?.pointer(below?)
    }
}

fn located_str(node: Option<Node<'_>>) -> Option<Located<Text>> {
    let node = node?;
    Some(Located::at(Text::new(node.as_str()?), &node))
}

fn contract_facts(
    contract: &Contract<'_>,
    written: &str,
    settled: &[Located<Decimal>],
    with_roles: bool,
) -> ContractFacts {
    let base = &contract.base;
    let created_at = base.created_at().and_then(|node| {
        let value = node.date_time()?;
        Some(Located::at(value, &node))
    });
    let listed = if with_roles {
        contract.roles()
    } else {
        [].iter()
    };
    let roles = listed
        .map(|role| {
            let view = &role.view;
            let inputs_node = view.role_inputs();
            let members = inputs_node
                .iter()
                .flat_map(|inputs| inputs.node().members());
            // Sized for every member, so that the list is not regrown as it is read.
            let mut inputs = Vec::with_capacity(inputs_node.map_or(0, |inputs| {
                inputs
                    .node()
                    .value()
                    .as_object()
                    .map_or(0, |object| object.len())
            }));
            inputs.extend(members.filter_map(|(name, node)| {
                // The value's node sits where the input's value is written, in either form.
                let value = Input::new(node).value()?;
                Some((
                    Text::new(name),
                    Located::at(Term::of(value.value(), written), &value),
                ))
            }));
            let kind = contract
                .spec(role.name)
                .filter(|spec| spec.inputs.is_some())
                .and_then(|spec| spec.values.first())
                .map_or(role.name, |first| first);
            RoleFacts {
                kind: Text::new(kind),
                name: Located::at(
                    Text::new(role.name),
                    view.role().as_ref().unwrap_or(view.node()),
                ),
                filled: role.filled(),
                filled_by: located_str(view.filled_by()),
                inputs_at: Located::at(
                    (),
                    inputs_node
                        .as_ref()
                        .map_or(view.node(), |inputs| inputs.node()),
                ),
                inputs,
            }
        })
        .collect();
    let flows_at = base
        .revenue_flows()
        .map_or(*base.node(), |logic| *logic.node());
    fn parts<'f>(flow: &'f Flow<'_>) -> [&'f str; 5] {
        [
            flow.payer().unwrap_or("?"),
            " → ",
            flow.payee().unwrap_or("?"),
            ": ",
            flow.text(),
        ]
    }
    let flows = flows(contract);
    // Sized exactly: a run of bare contracts keeps one of these for each until its end.
    let length: usize = flows
        .iter()
        .map(|flow| parts(flow).iter().map(|part| part.len()).sum::<usize>())
        .sum::<usize>()
        + "; ".len() * flows.len().saturating_sub(1);
    let mut flows_text = String::with_capacity(length);
    for (index, flow) in flows.iter().enumerate() {
        if index > 0 {
            flows_text.push_str("; ");
        }
        parts(flow)
            .iter()
            .for_each(|part| flows_text.push_str(part));
    }
    ContractFacts {
        id: located_str(base.contract_id()),
        status: located_str(base.status()),
        created_at,
        roles,
        flows: Located::at(flows_text, &flows_at),
        settled: settled.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Term, same_but_blanks};
    use deg_contracts_runtime::json::{Arena, Value, parse};

    fn term(text: &str) -> Term {
        Term::of(&parse(text, &Arena::new()).unwrap(), text)
    }

    #[test]
    fn terms_compare_as_the_contract_means_them_and_show_as_json() {
        assert_eq!(term("15.0"), term("15"));
        assert_ne!(term("15"), term("\"15\""));
        assert_eq!(
            term(r#"{"b": [1, 2.50], "a": null}"#),
            term(r#"{"a":null,"b":[1,2.5]}"#)
        );
        assert_ne!(term(r#"{"a": 1}"#), term(r#"{"a": 2}"#));
        assert_ne!(term(r#"{"a": 1}"#), term(r#"{"a": 1, "b": 2}"#));
        assert_ne!(term(r#"["a b"]"#), term(r#"["ab"]"#));
        assert_ne!(term(r#"["a\" b"]"#), term(r#"["a\"b"]"#));
        assert_eq!(term(r#"["a\" b", 1]"#), term("[\n  \"a\\\" b\",\n  1\n]"));
        for (text, shown) in [
            ("15.0", "15"),
            ("\"INV \\\"7\\\"\"", "\"INV \\\"7\\\"\""),
            (
                r#"{"b": [1, 2.50], "a": null}"#,
                r#"{"a":null,"b":[1,2.5]}"#,
            ),
            ("true", "true"),
        ] {
            assert_eq!(term(text).to_string(), shown, "{text}");
        }
    }

    #[test]
    fn texts_are_the_same_but_for_blanks_only_outside_their_strings() {
        let pretty = "{\n  \"a\": [1, \"x \\\" y\"],\r\n\t\"b\": {}\n}";
        assert!(same_but_blanks(pretty, r#"{"a":[1,"x \" y"],"b":{}}"#));
        assert!(same_but_blanks("", " \n"));
        for other in [
            r#"{"a":[1,"x \"y"],"b":{}}"#,
            r#"{"a":[1,"x \" y"],"b":{}"#,
            r#"{"a":[1,"x \" y"],"b":{},}"#,
            r#"{"b":{},"a":[1,"x \" y"]}"#,
        ] {
            assert!(!same_but_blanks(pretty, other), "{other}");
        }
    }

    #[test]
    fn a_term_is_read_from_where_it_is_written_or_from_its_value_when_it_has_no_text() {
        let arena = Arena::new();
        let text = r#"{"x": {"b": [1,  2.50], "a": null}, "y": 1}"#;
        let message = parse(text, &arena).unwrap();
        let written = Term::of(message.get("x").unwrap(), text);
        assert!(
            matches!(&written, Term::Json(kept) if &**kept == r#"{"b": [1,  2.50], "a": null}"#)
        );
        let serde = serde_json::json!({"b": [1, 2.5], "a": null});
        let unwritten = Term::of(&Value::from_serde(&serde, &arena), "");
        assert_eq!(written, unwritten);
        assert_eq!(unwritten.to_string(), r#"{"a":null,"b":[1,2.5]}"#);
        assert_eq!(written.to_string(), unwritten.to_string());
        assert_ne!(written, term(r#"{"a": null, "b": [1, 2.51]}"#));
        assert_ne!(written, term("[1, 2.5]"));
    }
}
