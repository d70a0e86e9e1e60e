//! Finds the objects in a Beckn message that a generated schema describes, wherever they sit:
//! an order's or an offer's attributes, a fulfillment's attributes, or the message root. An
//! object's schema is chosen by its `@type` and its `@context` together: a context that names
//! a schema entry (`…/<Name>/<version>/context.jsonld`) must name the one the type is defined
//! in, so an object of another version is skipped, not judged by ours. A context that names no
//! entry (or none at all) leaves the choice to the type.

use deg_contracts_runtime::json::{Kind, Object, Value};
use deg_contracts_runtime::{JSONLD_CONTEXT, JSONLD_TYPE};

use crate::schemas::{Known, Schemas, Unloaded};

/// An object whose `@type` names a schema.
#[derive(Debug, Clone)]
pub struct TypedObject<'a> {
    /// RFC 6901 pointer to the object within the message.
    pub pointer: String,
    /// The schema's `@type` name.
    pub type_name: &'static str,
    /// The schema that judges it.
    pub schema: &'static Known,
    pub value: &'a Value<'a>,
}

/// An object with a `@type` no schema judges: where it is and the type it names.
#[derive(Debug, Clone)]
pub struct Skipped<'a> {
    pub value: &'a Value<'a>,
    pub type_name: String,
}

/// Every object in `message` whose `@type` (a string, or an array of strings) names a
/// compiled schema, in document order. Objects of other types are walked into but not
/// returned; `skipped` receives their pointers and type names.
pub fn typed_objects<'a>(
    message: &'a Value<'a>,
    skipped: &mut Vec<(String, String)>,
) -> Vec<TypedObject<'a>> {
    let mut passed = Vec::new();
    let found = typed_objects_noting(message, Schemas::Compiled, &mut passed, &mut Vec::new());
    skipped.extend(
        passed
            .into_iter()
            .map(|object| (message.pointer_to(object.value), object.type_name)),
    );
    found
}

/// As [`typed_objects`] against `schemas`, noting in `other_versions` the type of each object
/// skipped because its context names a version of the schema we do not have: a rule that
/// would miss what such an object says can then keep silent instead of claiming it is absent.
/// A skipped object's pointer is left to the caller that shows it.
pub fn typed_objects_noting<'a>(
    message: &'a Value<'a>,
    schemas: Schemas,
    skipped: &mut Vec<Skipped<'a>>,
    other_versions: &mut Vec<&'static str>,
) -> Vec<TypedObject<'a>> {
    let mut sorting = Sorting::new(message, schemas, skipped, other_versions);
    // Depth-first with an explicit stack, so a deeply nested message cannot overflow.
    let mut pending: Vec<&'a Value<'a>> = vec![message];
    while let Some(value) = pending.pop() {
        match value.kind() {
            Kind::Object(object) => {
                sorting.consider(value);
                let children = object.iter().rev().map(|(_, child)| child);
                pending.extend(children.filter(|child| is_container(child)));
            }
            Kind::Array(items) => {
                pending.extend(items.iter().rev().filter(|child| is_container(child)));
            }
            _ => {}
        }
    }
    sorting.found
}

/// As [`typed_objects_noting`], for a message whose parse noted where its typed objects start
/// ([`Parsed::typed`](deg_contracts_runtime::json::Parsed::typed)): only those objects are
/// looked at, not every one.
pub fn noted_objects<'a>(
    message: &'a Value<'a>,
    typed: &[u32],
    schemas: Schemas,
    skipped: &mut Vec<Skipped<'a>>,
    other_versions: &mut Vec<&'static str>,
) -> Vec<TypedObject<'a>> {
    let mut sorting = Sorting::new(message, schemas, skipped, other_versions);
    for &start in typed {
        if let Some(value) = message.container_at(start) {
            sorting.consider(value);
        }
    }
    sorting.found
}

/// The objects of a message found so far, and the ones skipped.
struct Sorting<'a, 'o> {
    message: &'a Value<'a>,
    schemas: Schemas,
    found: Vec<TypedObject<'a>>,
    skipped: &'o mut Vec<Skipped<'a>>,
    other_versions: &'o mut Vec<&'static str>,
}

impl<'a, 'o> Sorting<'a, 'o> {
    fn new(
        message: &'a Value<'a>,
        schemas: Schemas,
        skipped: &'o mut Vec<Skipped<'a>>,
        other_versions: &'o mut Vec<&'static str>,
    ) -> Self {
        Sorting {
            message,
            schemas,
            found: Vec::new(),
            skipped,
            other_versions,
        }
    }

    /// Puts `value` with the objects found when it is an object whose `@type` names a schema
    /// that judges it, and with the skipped ones when that names none or another version.
    fn consider(&mut self, value: &'a Value<'a>) {
        let Kind::Object(object) = value.kind() else {
            return;
        };
        let Some(names) = object.get(JSONLD_TYPE) else {
            return;
        };
        let schemas = self.schemas;
        let Some(type_name) = registered(schemas, names) else {
            if let Some(name) = first_name(names) {
                self.skipped.push(Skipped {
                    value,
                    type_name: name.to_owned(),
                });
            }
            return;
        };
        match judge(schemas, object.get(JSONLD_CONTEXT), type_name) {
            Some(schema) => self.found.push(TypedObject {
                // An object's pointer is worked out only when it is kept.
                pointer: self.message.pointer_to(value),
                type_name,
                schema,
                value,
            }),
            None => {
                self.skipped.push(Skipped {
                    value,
                    type_name: versioned(schemas, object, type_name),
                });
                self.other_versions.push(type_name);
            }
        }
    }
}

fn is_container(value: &Value<'_>) -> bool {
    value.is_object() || value.is_array()
}

/// The registered schema `@type` name, as a string or among an array's strings; of several,
/// the most specific (one no other listed type extends), whatever their order.
fn registered(schemas: Schemas, names: &Value<'_>) -> Option<&'static str> {
    let lookup = |name: &str| {
        schemas
            .named(name)
            .next()
            .map(|known| known.schema.type_name)
    };
    match names.kind() {
        Kind::String(name) => lookup(name),
        Kind::Array(items) => {
            let listed: Vec<&'static str> = items
                .iter()
                .filter_map(Value::as_str)
                .filter_map(lookup)
                .collect();
            let extended = |name: &str| {
                listed
                    .iter()
                    .any(|other| schemas.extends(other).contains(&name))
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

/// The file every schema entry's JSON-LD context is published as.
const CONTEXT_FILE: &str = "/context.jsonld";

/// The schema entry (`<Name>/<version>`) a context URL names, if it names one.
fn named_entry(context: &str) -> Option<&str> {
    let dir = context.strip_suffix(CONTEXT_FILE)?;
    let mut parts = dir.rsplitn(3, '/');
    let version = parts.next().filter(|version| !version.is_empty())?;
    let name = parts.next().filter(|name| !name.is_empty())?;
    parts.next()?;
    Some(&dir[dir.len() - version.len() - 1 - name.len()..])
}

/// The schema named `type_name` that judges an object with this context: the first whose
/// entry (or a base's) the context names, or the first of all when the context names no
/// entry; `None` when it names only entries we do not have.
fn judge(schemas: Schemas, context: Option<&Value<'_>>, type_name: &str) -> Option<&'static Known> {
    let urls = context_urls(context);
    let named: Vec<&str> = urls.iter().filter_map(|url| named_entry(url)).collect();
    let mut candidates = schemas.for_context(type_name, &urls);
    if named.is_empty() {
        return candidates.next();
    }
    candidates.find(|known| {
        std::iter::once(known.schema.entry)
            .chain(
                known
                    .schema
                    .extends
                    .iter()
                    .flat_map(|base| schemas.named(base).map(|base| base.schema.entry)),
            )
            .any(|entry| named.contains(&entry))
    })
}

/// The URLs of an object's `@context`: one, or an array's strings.
fn context_urls<'v>(context: Option<&'v Value<'_>>) -> Vec<&'v str> {
    match context.map(Value::kind) {
        Some(Kind::String(url)) => vec![*url],
        Some(Kind::Array(urls)) => urls.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The schema entries an object's `@context` names.
fn context_entries<'v>(context: Option<&'v Value<'_>>) -> Vec<&'v str> {
    context_urls(context)
        .into_iter()
        .filter_map(named_entry)
        .collect()
}

/// The entry left out of the run (`--keep-going`) that would have judged `object`: one its
/// `@context` names, or one named after its `@type` (DEG names each entry after its type).
pub fn unloaded_for(schemas: Schemas, object: &Value<'_>) -> Option<&'static Unloaded> {
    let unloaded = schemas.unloaded();
    if unloaded.is_empty() {
        return None;
    }
    let named = context_entries(object.get(JSONLD_CONTEXT));
    let type_name = object.get(JSONLD_TYPE).and_then(first_name);
    unloaded.iter().find(|broken| {
        named.contains(&broken.entry.as_str()) || broken.entry.split('/').next() == type_name
    })
}

/// How a skipped object of a version we do not have is listed: its type and the entry its
/// context names.
fn versioned(schemas: Schemas, object: &Object<'_>, type_name: &str) -> String {
    let entry = object
        .get(JSONLD_CONTEXT)
        .and_then(Value::as_str)
        .and_then(named_entry);
    let ours: Vec<&str> = schemas
        .named(type_name)
        .map(|known| known.schema.entry)
        .collect();
    match entry {
        Some(entry) => format!(
            "{type_name} ({entry}; this build has {})",
            if ours.is_empty() {
                "another version".to_owned()
            } else {
                ours.join(", ")
            }
        ),
        None => type_name.to_owned(),
    }
}

fn first_name<'v>(names: &'v Value<'_>) -> Option<&'v str> {
    match names.kind() {
        Kind::String(name) => Some(name),
        Kind::Array(items) => items.iter().find_map(Value::as_str),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deg_contracts_runtime::json::{Arena, parse};
    use serde_json::json;

    #[test]
    fn a_context_names_the_entry_before_its_file() {
        let url = "https://example.org/schema/EnergyTradeDelivery/v0.2/context.jsonld";
        assert_eq!(named_entry(url), Some("EnergyTradeDelivery/v0.2"));
        assert_eq!(named_entry("/A/v1/context.jsonld"), Some("A/v1"));
        for none in [
            "https://example.org/context.jsonld",
            "v1/context.jsonld",
            "https://example.org/A/v1/other.jsonld",
            "https://example.org//v1/context.jsonld",
        ] {
            assert_eq!(named_entry(none), None, "{none}");
        }
    }

    #[test]
    fn an_object_of_a_version_we_do_not_have_is_skipped_not_judged() {
        let arena = Arena::new();
        let at = |context: serde_json::Value| json!({"message": {"delivery": {"@context": context, "@type": "EnergyTradeDelivery"}}});
        let ours = at(json!(
            "https://x.example/EnergyTradeDelivery/v1/context.jsonld"
        ));
        let theirs = at(json!(
            "https://x.example/EnergyTradeDelivery/v0.2/context.jsonld"
        ));
        let unversioned = at(json!("https://x.example/context.jsonld"));
        let listed = at(json!([
            "https://x.example/core/v2/context.jsonld",
            "https://x.example/EnergyTradeDelivery/v1/context.jsonld"
        ]));
        let listed_other = at(json!([
            "https://x.example/core/v2/context.jsonld",
            "https://x.example/EnergyTradeDelivery/v0.2/context.jsonld"
        ]));
        for (message, judged) in [
            (&ours, true),
            (&theirs, false),
            (&unversioned, true),
            (&listed, true),
            (&listed_other, false),
        ] {
            let mut skipped = Vec::new();
            let text = message.to_string();
            let message = parse(&text, &arena).unwrap();
            let found = typed_objects(&message, &mut skipped);
            assert_eq!(found.len() == 1, judged, "{text}");
            assert_eq!(skipped.len() == 1, !judged, "{text}");
        }
        let mut skipped = Vec::new();
        let theirs = theirs.to_string();
        typed_objects(&parse(&theirs, &arena).unwrap(), &mut skipped);
        assert_eq!(
            skipped[0].1,
            "EnergyTradeDelivery (EnergyTradeDelivery/v0.2; this build has EnergyTradeDelivery/v1)"
        );
    }
}
