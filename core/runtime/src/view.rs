//! Read-only views over untyped JSON, for code that must read objects whether or not they
//! passed validation (the business rules): every accessor answers `None` where a value is
//! absent, null or of the wrong type, and every node knows its RFC 6901 pointer, so a finding
//! can say where it is. Generated `…View` types wrap [`Node`] with one accessor per member the
//! schema declares, so a renamed member is a compile error, not a rule that stops firing.

use std::fmt;

use rust_decimal::Decimal;

use crate::json::{Kind, Value};
use crate::{DateTime, is_verbose_role_input, pointer};

/// A value and where it sits, relative to the object the view was made for. Moving about
/// the tree costs nothing: the pointer is worked out only when asked for, from the root the
/// view was made for down to the value, by the bytes each value spans.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    value: &'a Value<'a>,
    /// The value the view was made for, and where it sits.
    root: &'a Value<'a>,
    base: &'a str,
}

impl<'a> Node<'a> {
    /// A view of `value`, which sits at `pointer`.
    pub fn new(value: &'a Value<'a>, pointer: &'a str) -> Node<'a> {
        Node {
            value,
            root: value,
            base: pointer,
        }
    }

    fn child(&self, value: &'a Value<'a>) -> Node<'a> {
        Node { value, ..*self }
    }

    /// The value itself.
    pub fn value(&self) -> &'a Value<'a> {
        self.value
    }

    /// Where the value sits.
    pub fn pointer(&self) -> String {
        // Room for the usual few levels below the view's root, so the path is not regrown.
        let mut pointer = String::with_capacity(self.base.len() + 96);
        pointer.push_str(self.base);
        self.root.path_to(self.value, &mut pointer);
        pointer
    }

    /// Where the value sits, for a caller that keeps it beyond the view.
    pub fn into_pointer(self) -> String {
        self.pointer()
    }

    /// The value at `pointer` below this one (RFC 6901, relative to this node).
    pub fn find(&self, pointer: &str) -> Option<Node<'a>> {
        Some(self.child(self.value.pointer(pointer)?))
    }

    /// The value below this one (or this one) whose text starts at byte `offset`.
    pub fn value_at(&self, offset: usize) -> Option<Node<'a>> {
        let mut value = self.value;
        while value.span().start != offset {
            let holds = |child: &Value<'_>| child.span().end <= offset;
            value = match value.kind() {
                Kind::Object(object) => {
                    let members = object.written();
                    &members
                        .get(members.partition_point(|(_, child)| holds(child)))?
                        .1
                }
                Kind::Array(items) => items.get(items.partition_point(holds))?,
                _ => return None,
            };
            if !value.span().contains(&offset) {
                return None;
            }
        }
        Some(self.child(value))
    }

    /// The member `name`, unless absent or null.
    pub fn member(&self, name: &str) -> Option<Node<'a>> {
        let value = self.value.get(name).filter(|value| !value.is_null())?;
        Some(self.child(value))
    }

    /// The members of an object that are not null, in order; none for anything else.
    pub fn members(&self) -> impl Iterator<Item = (&'a str, Node<'a>)> + use<'a> {
        let parent = *self;
        self.value
            .as_object()
            .into_iter()
            .flat_map(|object| object.iter())
            .filter(|(_, value)| !value.is_null())
            .map(move |(name, value)| (name, parent.child(value)))
    }

    /// The elements of an array; none for anything else.
    pub fn items(&self) -> impl Iterator<Item = Node<'a>> + use<'a> {
        let parent = *self;
        self.value
            .as_array()
            .into_iter()
            .flatten()
            .map(move |value| parent.child(value))
    }

    /// The elements of the array member `name`.
    pub fn items_of(&self, name: &str) -> impl Iterator<Item = Node<'a>> + use<'a> {
        self.member(name).into_iter().flat_map(|node| node.items())
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&'a str> {
        self.value.as_str()
    }

    /// A boolean.
    pub fn as_bool(&self) -> Option<bool> {
        self.value.as_bool()
    }

    /// A number as an exact decimal, read from its JSON text; `None` for a number a decimal
    /// cannot hold.
    pub fn decimal(&self) -> Option<Decimal> {
        self.value.decimal()
    }

    /// An RFC 3339 date-time string.
    pub fn date_time(&self) -> Option<DateTime> {
        DateTime::parse(self.as_str()?).ok()
    }

    /// Whether this is the string `expected` (an enum value, say).
    pub fn is(&self, expected: &str) -> bool {
        self.as_str() == Some(expected)
    }
}

/// A role input in either form: the direct value, or a verbose object carrying the value
/// with its declared type.
#[derive(Debug, Clone, PartialEq)]
pub struct Input<'a> {
    node: Node<'a>,
}

impl<'a> Input<'a> {
    /// The input written at `node`.
    pub fn new(node: Node<'a>) -> Input<'a> {
        Input { node }
    }

    /// The input's value, unless it is null or missing from its verbose form.
    pub fn value(&self) -> Option<Node<'a>> {
        if is_verbose_role_input(self.node.value) {
            self.node.member(VERBOSE_VALUE)
        } else {
            Some(self.node)
        }
    }

    /// Where the value is (or would be) written: inside the verbose form when the input has it.
    pub fn pointer(&self) -> String {
        let pointer = self.node.pointer();
        if is_verbose_role_input(self.node.value) {
            pointer::join(&pointer, VERBOSE_VALUE)
        } else {
            pointer
        }
    }

    /// A numeric value as an exact decimal.
    pub fn decimal(&self) -> Option<Decimal> {
        self.value()?.decimal()
    }

    /// A string value.
    pub fn as_str(&self) -> Option<&'a str> {
        self.value()?.as_str()
    }

    /// A date-time value.
    pub fn date_time(&self) -> Option<DateTime> {
        self.value()?.date_time()
    }
}

/// Two nodes are equal when they view equal values at the same place.
impl PartialEq for Node<'_> {
    fn eq(&self, other: &Node<'_>) -> bool {
        self.value == other.value && self.pointer() == other.pointer()
    }
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("pointer", &self.pointer())
            .field("value", self.value)
            .finish()
    }
}

/// The member of a verbose role input that holds its value.
const VERBOSE_VALUE: &str = "value";

#[cfg(test)]
mod tests {
    use super::{Input, Node};
    use crate::json::{Value, parse};

    /// A test's JSON; its arena lives as long as the tests.
    fn json(text: &str) -> Value<'_> {
        parse(text, Box::leak(Box::default())).unwrap()
    }

    #[test]
    fn members_and_items_carry_escaped_pointers_and_skip_nulls() {
        let value = json(r#"{"a/b": {"c": [1, null, "x"]}, "n": null}"#);
        let root = Node::new(&value, "/at");
        let inner = root.member("a/b").unwrap();
        assert_eq!(inner.pointer(), "/at/a~1b");
        let items: Vec<String> = inner
            .items_of("c")
            .map(|n| n.pointer().to_owned())
            .collect();
        assert_eq!(items, ["/at/a~1b/c/0", "/at/a~1b/c/1", "/at/a~1b/c/2"]);
        assert!(root.member("n").is_none());
        let members: Vec<(&str, String)> = root
            .members()
            .map(|(name, node)| (name, node.pointer().to_owned()))
            .collect();
        assert_eq!(members, [("a/b", "/at/a~1b".to_owned())]);
        assert!(root.member("missing").is_none());
        assert_eq!(root.items().count(), 0);
    }

    #[test]
    fn a_value_is_found_by_the_byte_it_starts_at() {
        let text = r#"{"a": [10, {"b": "x"}], "c": null}"#;
        let value = json(text);
        let root = Node::new(&value, "/m");
        let at = |needle: &str| text.find(needle).unwrap();
        let x = root.value_at(at("\"x\"")).unwrap();
        assert_eq!(
            (x.pointer(), x.as_str()),
            ("/m/a/1/b".to_owned(), Some("x"))
        );
        assert_eq!(root.value_at(at("10")).unwrap().pointer(), "/m/a/0");
        assert_eq!(root.value_at(0).unwrap().pointer(), "/m");
        assert_eq!(root.value_at(at("null")).unwrap().pointer(), "/m/c");
        // Inside a value, on a key or past the end: no value starts there.
        assert!(root.value_at(at("10") + 1).is_none());
        assert!(root.value_at(at("\"b\"")).is_none());
        assert!(root.value_at(text.len() + 5).is_none());
        assert_eq!(root.find("/a/1").unwrap().pointer(), "/m/a/1");
        assert!(root.find("/a/7").is_none());
    }

    #[test]
    fn decimals_are_exact_and_wrong_types_are_none() {
        let value = json(r#"{"p": 6.4, "big": 1e40, "s": "6.4"}"#);
        let root = Node::new(&value, "");
        assert_eq!(
            root.member("p").unwrap().decimal().unwrap().to_string(),
            "6.4"
        );
        assert_eq!(root.member("big").unwrap().decimal(), None);
        assert_eq!(root.member("s").unwrap().decimal(), None);
    }

    #[test]
    fn long_numbers_are_read_exactly_down_the_tree() {
        let value = json(
            r#"{"roles": [{"price": 1.00000000000000001, "cap": 1.0000000000000000000000000000001, "short": 1.0}]}"#,
        );
        let role = Node::new(&value, "/c").items_of("roles").next().unwrap();
        let price = role.member("price").unwrap().decimal().unwrap();
        assert_eq!(price.to_string(), "1.00000000000000001");
        assert_eq!(role.member("cap").unwrap().decimal(), None);
        let short = role.member("short").unwrap().decimal().unwrap();
        assert_eq!(short.to_string(), "1.0");
    }

    #[test]
    fn inputs_read_both_forms_and_point_at_the_value() {
        let value = json(
            r#"{
                "direct": 12.5,
                "verbose": {"type": "NUMBER", "required": true, "value": 6.4},
                "pending": {"type": "NUMBER", "required": true, "value": null}
            }"#,
        );
        let root = Node::new(&value, "/inputs");
        let input = |name| Input::new(root.member(name).unwrap());
        assert_eq!(input("direct").decimal().unwrap().to_string(), "12.5");
        assert_eq!(input("direct").pointer(), "/inputs/direct");
        assert_eq!(input("verbose").decimal().unwrap().to_string(), "6.4");
        assert_eq!(input("verbose").pointer(), "/inputs/verbose/value");
        assert_eq!(input("pending").value(), None);
    }
}
