//! Finds the objects in a Beckn message that a generated schema describes, wherever they sit:
//! an order's or an offer's attributes, a fulfillment's attributes, or the message root.

use deg_contracts_runtime::{JSONLD_TYPE, pointer};
use serde_json::Value;

/// An object whose `@type` names a generated schema.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedObject<'a> {
    /// RFC 6901 pointer to the object within the message.
    pub pointer: String,
    /// The schema's `@type` name.
    pub type_name: &'static str,
    pub value: &'a Value,
}

/// Every object in `message` whose `@type` (a string, or an array of strings) names a
/// registered schema, in document order. Objects of other types are walked into but not
/// returned; `skipped` receives their pointers and type names.
pub fn typed_objects<'a>(
    message: &'a Value,
    skipped: &mut Vec<(String, String)>,
) -> Vec<TypedObject<'a>> {
    let mut found = Vec::new();
    // Depth-first with an explicit stack, so a deeply nested message cannot overflow; one path
    // buffer is truncated to each entry's parent, so pointers cost nothing until one is kept.
    let mut pending: Vec<(&'a Value, usize, Segment<'a>)> = vec![(message, 0, Segment::Root)];
    let mut path = String::new();
    while let Some((value, parent, segment)) = pending.pop() {
        path.truncate(parent);
        segment.push_to(&mut path);
        match value {
            Value::Object(object) => {
                if let Some(names) = object.get(JSONLD_TYPE) {
                    match registered(names) {
                        Some(type_name) => found.push(TypedObject {
                            pointer: path.clone(),
                            type_name,
                            value,
                        }),
                        None => {
                            if let Some(name) = first_name(names) {
                                skipped.push((path.clone(), name.to_owned()));
                            }
                        }
                    }
                }
                let here = path.len();
                for (key, child) in object.iter().rev() {
                    if child.is_object() || child.is_array() {
                        pending.push((child, here, Segment::Key(key)));
                    }
                }
            }
            Value::Array(items) => {
                let here = path.len();
                for (index, child) in items.iter().enumerate().rev() {
                    if child.is_object() || child.is_array() {
                        pending.push((child, here, Segment::Index(index)));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// One step of a pointer.
enum Segment<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl Segment<'_> {
    fn push_to(&self, path: &mut String) {
        use std::fmt::Write as _;
        match self {
            Segment::Root => {}
            Segment::Key(key) => pointer::push(path, key),
            Segment::Index(index) => {
                let _ = write!(path, "/{index}");
            }
        }
    }
}

/// The registered schema `@type` name, as a string or among an array's strings; of several,
/// the most specific (one no other listed type extends), whatever their order.
fn registered(names: &Value) -> Option<&'static str> {
    let lookup = |name: &str| {
        deg_contracts_schema::TYPE_NAMES
            .iter()
            .copied()
            .find(|known| *known == name)
    };
    match names {
        Value::String(name) => lookup(name),
        Value::Array(items) => {
            let listed: Vec<&'static str> = items
                .iter()
                .filter_map(Value::as_str)
                .filter_map(lookup)
                .collect();
            let extended = |name: &str| {
                listed
                    .iter()
                    .any(|other| deg_contracts_schema::extends(other).contains(&name))
            };
            listed
                .iter()
                .copied()
                .find(|name| !extended(name))
                .or_else(|| listed.first().copied())
        }
        _ => None,
    }
}

fn first_name(names: &Value) -> Option<&str> {
    match names {
        Value::String(name) => Some(name),
        Value::Array(items) => items.iter().find_map(Value::as_str),
        _ => None,
    }
}
