//! Finds the objects in a Beckn message that a generated schema describes, wherever they sit:
//! an order's or an offer's attributes, a fulfillment's attributes, or the message root.

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
    // An explicit stack instead of recursion, so a deeply nested message cannot overflow.
    let mut pending: Vec<(String, &'a Value)> = vec![(String::new(), message)];
    while let Some((here, value)) = pending.pop() {
        match value {
            Value::Object(object) => {
                if let Some(names) = object.get("@type") {
                    match registered(names) {
                        Some(type_name) => found.push(TypedObject {
                            pointer: here.clone(),
                            type_name,
                            value,
                        }),
                        None => {
                            if let Some(name) = first_name(names) {
                                skipped.push((here.clone(), name.to_owned()));
                            }
                        }
                    }
                }
                for (key, child) in object.iter().rev() {
                    if child.is_object() || child.is_array() {
                        pending.push((format!("{here}/{}", escape(key)), child));
                    }
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate().rev() {
                    if child.is_object() || child.is_array() {
                        pending.push((format!("{here}/{index}"), child));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The registered schema `@type` names, as a string or among an array's strings.
fn registered(names: &Value) -> Option<&'static str> {
    let lookup = |name: &str| {
        deg_contracts_schema::TYPE_NAMES
            .iter()
            .copied()
            .find(|known| *known == name)
    };
    match names {
        Value::String(name) => lookup(name),
        Value::Array(items) => items.iter().filter_map(Value::as_str).find_map(lookup),
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
