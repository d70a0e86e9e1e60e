//! The subset of OpenAPI 3.1 schema objects we support, read from parsed YAML. Anything
//! outside the subset is reported with its location rather than ignored.

use crate::ir::{Format, Location};
use crate::yaml::Value as Yaml;
use deg_contracts_runtime::pointer::escape;
use indexmap::IndexMap;

/// A JSON type named by `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    Object,
    Array,
    String,
    Number,
    Integer,
    Boolean,
    Null,
}

impl Schema {
    /// A `$ref` with nothing but annotations beside it.
    pub fn is_plain_reference(&self) -> bool {
        self.reference.is_some()
            && self.types.is_empty()
            && self.properties.is_empty()
            && self.required.is_empty()
            && self.additional.is_none()
            && self.items.is_none()
            && self.all_of.is_empty()
            && self.any_of.is_empty()
            && self.one_of.is_empty()
            && self.not.is_empty()
            && self.conditionals.is_empty()
            && !self.never
            && self.enum_values.is_none()
            && self.values.is_none()
            && self.format.is_none()
            && self.minimum.is_none()
            && self.maximum.is_none()
            && self.min_items.is_none()
            && self.max_items.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.pattern.is_none()
            && self.exclusive_minimum.is_none()
            && self.exclusive_maximum.is_none()
            && self.multiple_of.is_none()
            && !self.unique_items
            && self.prefix_items.is_empty()
            && self.contains.is_none()
            && self.min_properties.is_none()
            && self.max_properties.is_none()
            && self.pattern_properties.is_empty()
            && self.property_names.is_none()
            && self.dependent_required.is_empty()
            && self.dependent_schemas.is_empty()
    }

    /// The values of a string enum (or const), if the schema is one.
    pub fn string_enum(&self) -> Option<Vec<String>> {
        let string_typed = self.types.is_empty() || self.types == [JsonType::String];
        self.enum_values.clone().filter(|_| string_typed)
    }

    /// Where the schema is written.
    pub fn location(&self) -> Location {
        Location::new(&self.file, &self.pointer)
    }
}

impl Schema {
    /// The schema at `path` (pointer segments) below this one, where the model keeps one.
    pub fn at(&self, path: &[String]) -> Option<&Schema> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        let index = || rest.first()?.parse::<usize>().ok();
        let key = || rest.first();
        let (child, used) = match first.as_str() {
            "properties" => (self.properties.get(key()?)?, 1),
            "$defs" => (self.defs.get(key()?)?, 1),
            "allOf" => (self.all_of.get(index()?)?, 1),
            "anyOf" => (self.any_of.get(index()?)?, 1),
            "oneOf" => (self.one_of.get(index()?)?, 1),
            "items" => (self.items.as_deref()?, 0),
            "prefixItems" => (self.prefix_items.get(index()?)?, 1),
            "contains" => (self.contains.as_deref()?, 0),
            "propertyNames" => (self.property_names.as_deref()?, 0),
            "patternProperties" => (
                &self
                    .pattern_properties
                    .iter()
                    .find(|(p, _)| Some(p) == key())?
                    .1,
                1,
            ),
            "dependentSchemas" => (
                &self
                    .dependent_schemas
                    .iter()
                    .find(|(n, _)| Some(n) == key())?
                    .1,
                1,
            ),
            "additionalProperties" => match &self.additional {
                Some(Additional::Schema(inner)) => (inner.as_ref(), 0),
                _ => return None,
            },
            "not" => (self.not.first()?, 0),
            "if" => (self.conditionals.first()?.condition.as_ref(), 0),
            "then" => (self.conditionals.first()?.then.as_deref()?, 0),
            "else" => (self.conditionals.first()?.otherwise.as_deref()?, 0),
            _ => return None,
        };
        child.at(&rest[used..])
    }
}

impl JsonType {
    fn from_name(name: &str) -> Option<JsonType> {
        Some(match name {
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "string" => JsonType::String,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "boolean" => JsonType::Boolean,
            "null" => JsonType::Null,
            _ => return None,
        })
    }
}

/// `additionalProperties`.
#[derive(Debug, Clone, PartialEq)]
pub enum Additional {
    /// `true` or `false`.
    Allowed(bool),
    /// A schema every undeclared member must satisfy.
    Schema(Box<Schema>),
}

/// `if` with its `then` and `else`.
#[derive(Debug, Clone, PartialEq)]
pub struct Conditional {
    pub condition: Box<Schema>,
    pub then: Option<Box<Schema>>,
    pub otherwise: Option<Box<Schema>>,
}

/// One schema object, with the pointer it was read from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// The file the schema is written in, relative to the schema root.
    pub file: String,
    pub pointer: String,
    pub reference: Option<String>,
    /// Non-null types named by `type`; empty means any.
    pub types: Vec<JsonType>,
    /// Where `type` is written, for conflicts.
    pub types_from: Option<Location>,
    /// `nullable: true`, or `null` among the `type` names.
    pub nullable: bool,
    pub format: Option<Format>,
    pub description: Option<String>,
    pub properties: IndexMap<String, Schema>,
    pub required: Vec<String>,
    /// Where each `required` name is written, parallel to `required`.
    pub required_from: Vec<Location>,
    pub additional: Option<Additional>,
    /// Where `additionalProperties` is written.
    pub additional_from: Option<Location>,
    pub items: Option<Box<Schema>>,
    pub all_of: Vec<Schema>,
    pub any_of: Vec<Schema>,
    pub one_of: Vec<Schema>,
    /// The boolean schema `false`: no value is allowed.
    pub never: bool,
    /// Each `not` (one per schema; an allOf merge gathers them).
    pub not: Vec<Schema>,
    /// Each `if` with its `then` and `else` (as `not`).
    pub conditionals: Vec<Conditional>,
    /// `$defs`: schemas kept for references into them, constraining nothing themselves.
    pub defs: IndexMap<String, Schema>,
    /// String values of `enum`, or the one value of `const`.
    pub enum_values: Option<Vec<String>>,
    /// The values of an `enum` or `const` that are not all strings.
    pub values: Option<Vec<serde_json::Value>>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
    pub prefix_items: Vec<Schema>,
    pub contains: Option<Box<Schema>>,
    pub min_contains: Option<u64>,
    pub max_contains: Option<u64>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    /// `patternProperties`: (pattern, schema), each pattern checked to compile when read.
    pub pattern_properties: Vec<(String, Schema)>,
    pub property_names: Option<Box<Schema>>,
    /// `dependentRequired`: a member, and those required when it is present.
    pub dependent_required: Vec<(String, Vec<String>)>,
    /// `dependentSchemas`: a member, and the schema the object must satisfy when it is present.
    pub dependent_schemas: Vec<(String, Schema)>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    /// `multipleOf`, greater than zero.
    pub multiple_of: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// `pattern`, checked to compile when read.
    pub pattern: Option<String>,
    /// The `@type` of `x-jsonld`: the object is JSON-LD typed with this name.
    pub jsonld_type: Option<String>,
    /// Our `x-role-input-type` annotation on a RoleInput reference.
    pub role_input_type: Option<String>,
    /// Our `x-replaces`: the retired `@type`s a JSON-LD typed schema takes over (the legacy
    /// contract a new design replaces), so the gate can say so instead of skipping them.
    pub replaces: Vec<String>,
    pub example: Option<serde_json::Value>,
    /// OpenAPI's `discriminator`: the member whose value picks the anyOf/oneOf branch.
    pub discriminator: Option<Discriminator>,
    /// The annotations that become rustdoc: `title`, `examples`, `default`, `deprecated`,
    /// `readOnly`, `writeOnly`.
    pub annotations: Annotations,
}

/// OpenAPI's `discriminator`.
#[derive(Debug, Clone, PartialEq)]
pub struct Discriminator {
    /// `propertyName`.
    pub property: String,
    /// `mapping`: a value, and the component (`$ref` or bare name) it picks.
    pub mapping: Vec<(String, String)>,
}

/// What a schema says of its values without constraining them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Annotations {
    pub title: Option<String>,
    pub examples: Vec<serde_json::Value>,
    pub default: Option<serde_json::Value>,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
}

impl Schema {
    /// The schema's rustdoc: its title and description, then what its annotations say.
    pub fn doc(&self) -> Option<String> {
        let notes = &self.annotations;
        let mut parts: Vec<String> = notes
            .title
            .iter()
            .chain(&self.description)
            .map(|text| text.trim().to_owned())
            .collect();
        let mut facts = Vec::new();
        if notes.deprecated {
            facts.push("Deprecated.".to_owned());
        }
        match (notes.read_only, notes.write_only) {
            (true, _) => facts.push("Read-only: sent by the server, not by clients.".to_owned()),
            (_, true) => facts.push("Write-only: sent by clients, not returned.".to_owned()),
            _ => {}
        }
        if let Some(default) = &notes.default {
            facts.push(format!("Default: `{default}`."));
        }
        // Short examples only: a long one belongs in the schema, not on every field.
        let examples: Vec<String> = self
            .example
            .iter()
            .chain(&notes.examples)
            .map(ToString::to_string)
            .filter(|text| text.len() <= 80)
            .map(|text| format!("`{text}`"))
            .collect();
        if !examples.is_empty() {
            facts.push(format!("Example: {}.", examples.join(", ")));
        }
        if !facts.is_empty() {
            parts.push(facts.join(" "));
        }
        (!parts.is_empty()).then(|| parts.join("\n\n"))
    }
}

/// A problem found while reading, with the JSON pointer of the offending keyword.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadProblem {
    Unsupported { pointer: String, keyword: String },
    Invalid { pointer: String, message: String },
}

/// Keywords that only annotate and never constrain.
const ANNOTATIONS: &[&str] = &[
    "title",
    // Annotations in 2020-12, which validators do not assert by default.
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
];

/// Reads the component schemas of a parsed OpenAPI document.
pub fn read_components(
    document: &Yaml,
    file: &str,
) -> (IndexMap<String, Schema>, Vec<ReadProblem>) {
    let mut problems = Vec::new();
    let mut components = IndexMap::new();
    let schemas = document
        .get("components")
        .and_then(|components| components.get("schemas"));
    match schemas {
        Some(Yaml::Object(mapping)) => {
            for (name, value) in mapping {
                let pointer = format!("/components/schemas/{}", escape(name));
                components.insert(name.to_owned(), read(value, file, &pointer, &mut problems));
            }
        }
        Some(_) => problems.push(invalid("/components/schemas", "expected a mapping")),
        None => problems.push(invalid("", "no components.schemas in this file")),
    }
    (components, problems)
}

fn invalid(pointer: &str, message: &str) -> ReadProblem {
    ReadProblem::Invalid {
        pointer: pointer.to_owned(),
        message: message.to_owned(),
    }
}

/// Reads one schema object; problems are collected and reading carries on.
pub fn read(value: &Yaml, file: &str, pointer: &str, problems: &mut Vec<ReadProblem>) -> Schema {
    let mut schema = Schema {
        file: file.to_owned(),
        pointer: pointer.to_owned(),
        ..Schema::default()
    };
    let mapping = match value {
        Yaml::Object(mapping) => mapping,
        // The boolean schemas: `true` allows everything, `false` nothing.
        Yaml::Bool(allows) => {
            schema.never = !allows;
            return schema;
        }
        _ => {
            problems.push(invalid(pointer, "a schema must be a mapping or a boolean"));
            return schema;
        }
    };
    let (mut condition, mut then, mut otherwise) = (None, None, None);
    for (key, value) in mapping {
        let key = key.as_str();
        let here = format!("{pointer}/{}", escape(key));
        let mut messages: Vec<String> = Vec::new();
        let mut bad = |message: &str| messages.push(message.to_owned());
        match key {
            "$ref" => match value.as_str() {
                Some(reference) => schema.reference = Some(reference.to_owned()),
                None => bad("$ref must be a string"),
            },
            "type" => {
                schema.types_from = Some(Location::new(file, &here));
                read_type(value, &mut schema, &mut bad);
            }
            "nullable" => match value.as_bool() {
                Some(nullable) => schema.nullable |= nullable,
                None => bad("nullable must be a boolean"),
            },
            "format" => {
                schema.format = string(value, &mut bad).and_then(|name| {
                    let format = Format::from_name(&name);
                    if format.is_none() {
                        let known: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                        bad(&format!(
                            "format `{name}` is not one we check ({})",
                            known.join(", ")
                        ));
                    }
                    format
                })
            }
            "description" => schema.description = string(value, &mut bad),
            "required" => match value.as_array() {
                Some(names) => {
                    for (index, name) in names.iter().enumerate() {
                        match name.as_str() {
                            Some(name) => {
                                schema.required.push(name.to_owned());
                                schema.required_from.push(Location::new(file, &here));
                            }
                            None => problems.push(invalid(
                                &format!("{here}/{index}"),
                                "required must list strings",
                            )),
                        }
                    }
                }
                None => bad("required must be a list"),
            },
            "properties" => match value.as_object() {
                Some(properties) => {
                    for (name, property) in properties {
                        let property_pointer = format!("{here}/{}", escape(name));
                        let property = read(property, file, &property_pointer, problems);
                        schema.properties.insert(name.to_owned(), property);
                    }
                }
                None => bad("properties must be a mapping"),
            },
            "additionalProperties" => {
                schema.additional_from = Some(Location::new(file, &here));
                schema.additional = Some(match value {
                    Yaml::Bool(allowed) => Additional::Allowed(*allowed),
                    _ => Additional::Schema(Box::new(read(value, file, &here, problems))),
                })
            }
            "items" => schema.items = Some(Box::new(read(value, file, &here, problems))),
            "not" => schema.not.push(read(value, file, &here, problems)),
            "$defs" => match value.as_object() {
                Some(defs) => {
                    for (name, def) in defs {
                        let def_pointer = format!("{here}/{}", escape(name));
                        schema
                            .defs
                            .insert(name.to_owned(), read(def, file, &def_pointer, problems));
                    }
                }
                None => bad("$defs must be a mapping"),
            },
            "if" => condition = Some(Box::new(read(value, file, &here, problems))),
            "then" => then = Some(Box::new(read(value, file, &here, problems))),
            "else" => otherwise = Some(Box::new(read(value, file, &here, problems))),
            "allOf" | "anyOf" | "oneOf" => {
                let branches = match value.as_array() {
                    Some(branches) if !branches.is_empty() => branches
                        .iter()
                        .enumerate()
                        .map(|(i, branch)| read(branch, file, &format!("{here}/{i}"), problems))
                        .collect(),
                    _ => {
                        problems.push(invalid(&here, "expected a non-empty list of schemas"));
                        Vec::new()
                    }
                };
                match key {
                    "allOf" => schema.all_of = branches,
                    "anyOf" => schema.any_of = branches,
                    _ => schema.one_of = branches,
                }
            }
            "enum" => match value.as_array() {
                // Nothing equals a value of no list.
                Some(values) if values.is_empty() => schema.never = true,
                Some(values) => {
                    let strings: Option<Vec<String>> = values
                        .iter()
                        .map(|v| v.as_str().map(str::to_owned))
                        .collect();
                    match strings {
                        Some(strings) => schema.enum_values = Some(strings),
                        None => schema.values = Some(values.iter().map(Yaml::to_json).collect()),
                    }
                }
                None => bad("enum must be a list"),
            },
            "const" => match value.as_str() {
                Some(value) => schema.enum_values = Some(vec![value.to_owned()]),
                None => schema.values = Some(vec![value.to_json()]),
            },
            "minItems" => schema.min_items = count(value, &mut bad),
            "uniqueItems" => match value.as_bool() {
                Some(unique) => schema.unique_items = unique,
                None => bad("uniqueItems must be a boolean"),
            },
            "prefixItems" => match value.as_array() {
                Some(items) => {
                    schema.prefix_items = items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| read(item, file, &format!("{here}/{i}"), problems))
                        .collect()
                }
                None => bad("prefixItems must be a list of schemas"),
            },
            "contains" => schema.contains = Some(Box::new(read(value, file, &here, problems))),
            "minContains" => schema.min_contains = count(value, &mut bad),
            "maxContains" => schema.max_contains = count(value, &mut bad),
            "patternProperties" => match value.as_object() {
                Some(patterns) => {
                    for (pattern, property) in patterns {
                        let at = format!("{here}/{}", escape(pattern));
                        match deg_contracts_runtime::compile_pattern(pattern) {
                            Ok(_) => schema
                                .pattern_properties
                                .push((pattern.to_owned(), read(property, file, &at, problems))),
                            Err(reason) => problems.push(invalid(
                                &at,
                                &format!("pattern `{pattern}` is not one we can run: {reason}"),
                            )),
                        }
                    }
                }
                None => bad("patternProperties must be a mapping"),
            },
            "propertyNames" => {
                schema.property_names = Some(Box::new(read(value, file, &here, problems)))
            }
            // The draft-07 keyword both split into: a list is dependentRequired, a schema
            // dependentSchemas.
            "dependencies" => match value.as_object() {
                Some(dependencies) => {
                    for (name, dependency) in dependencies {
                        let at = format!("{here}/{}", escape(name));
                        let names = string_list(dependency);
                        match names {
                            Some(names) => schema.dependent_required.push((name.to_owned(), names)),
                            None => schema
                                .dependent_schemas
                                .push((name.to_owned(), read(dependency, file, &at, problems))),
                        }
                    }
                }
                None => bad("dependencies must be a mapping"),
            },
            "dependentRequired" => match value.as_object() {
                Some(dependencies) => {
                    for (name, required) in dependencies {
                        let names = string_list(required);
                        match names {
                            Some(names) => schema.dependent_required.push((name.to_owned(), names)),
                            None => problems.push(invalid(
                                &format!("{here}/{}", escape(name)),
                                "dependentRequired must list member names",
                            )),
                        }
                    }
                }
                None => bad("dependentRequired must be a mapping"),
            },
            "dependentSchemas" => match value.as_object() {
                Some(dependencies) => {
                    for (name, dependent) in dependencies {
                        let at = format!("{here}/{}", escape(name));
                        schema
                            .dependent_schemas
                            .push((name.to_owned(), read(dependent, file, &at, problems)));
                    }
                }
                None => bad("dependentSchemas must be a mapping"),
            },
            "minProperties" => schema.min_properties = count(value, &mut bad),
            "maxProperties" => schema.max_properties = count(value, &mut bad),
            "maxItems" => schema.max_items = count(value, &mut bad),
            "minLength" => schema.min_length = count(value, &mut bad),
            "maxLength" => schema.max_length = count(value, &mut bad),
            "pattern" => {
                schema.pattern = string(value, &mut bad).filter(|pattern| {
                    match deg_contracts_runtime::compile_pattern(pattern) {
                        Ok(_) => true,
                        Err(reason) => {
                            bad(&format!(
                                "pattern `{pattern}` is not one we can run (Rust `regex` syntax, \
                                 no look-around or back-references): {reason}"
                            ));
                            false
                        }
                    }
                })
            }
            "minimum" => schema.minimum = number(value, &mut bad),
            "maximum" => schema.maximum = number(value, &mut bad),
            "exclusiveMinimum" => schema.exclusive_minimum = number(value, &mut bad),
            "exclusiveMaximum" => schema.exclusive_maximum = number(value, &mut bad),
            "multipleOf" => {
                schema.multiple_of = number(value, &mut bad).filter(|divisor| {
                    let positive = *divisor > 0.0;
                    if !positive {
                        bad("multipleOf must be greater than 0");
                    }
                    positive
                })
            }
            "x-jsonld" => {
                schema.jsonld_type = value.get("@type").and_then(Yaml::as_str).map(str::to_owned)
            }
            "x-role-input-type" => schema.role_input_type = string(value, &mut bad),
            "x-replaces" => match value.as_array() {
                Some(names) => {
                    for (index, name) in names.iter().enumerate() {
                        match name.as_str() {
                            Some(name) => schema.replaces.push(name.to_owned()),
                            None => problems.push(invalid(
                                &format!("{here}/{index}"),
                                "x-replaces must list @type names",
                            )),
                        }
                    }
                }
                None => bad("expected a list of @type names"),
            },
            "example" => schema.example = Some(value.to_json()),
            "title" => schema.annotations.title = string(value, &mut bad),
            "discriminator" => {
                let property = value.get("propertyName").and_then(Yaml::as_str);
                let mapping: Option<Vec<(String, String)>> = match value.get("mapping") {
                    None => Some(Vec::new()),
                    Some(mapping) => mapping.as_object().and_then(|entries| {
                        entries
                            .iter()
                            .map(|(key, target)| {
                                Some((key.to_owned(), target.as_str()?.to_owned()))
                            })
                            .collect()
                    }),
                };
                match (property, mapping) {
                    (Some(property), Some(mapping)) => {
                        schema.discriminator = Some(Discriminator {
                            property: property.to_owned(),
                            mapping,
                        })
                    }
                    _ => {
                        bad("discriminator needs a propertyName and a mapping of values to schemas")
                    }
                }
            }
            "examples" => match value.as_array() {
                Some(examples) => {
                    schema.annotations.examples = examples.iter().map(Yaml::to_json).collect()
                }
                None => bad("examples must be a list"),
            },
            "default" => schema.annotations.default = Some(value.to_json()),
            "deprecated" => schema.annotations.deprecated = value.as_bool() == Some(true),
            "readOnly" => schema.annotations.read_only = value.as_bool() == Some(true),
            "writeOnly" => schema.annotations.write_only = value.as_bool() == Some(true),
            _ if key.starts_with("x-") || ANNOTATIONS.contains(&key) => {}
            _ => problems.push(ReadProblem::Unsupported {
                pointer: here.clone(),
                keyword: key.to_owned(),
            }),
        }
        problems.extend(messages.iter().map(|message| invalid(&here, message)));
    }
    // `then` and `else` without `if` have no effect, as JSON Schema says.
    if let Some(condition) = condition {
        schema.conditionals.push(Conditional {
            condition,
            then,
            otherwise,
        });
    }
    schema
}

fn read_type(value: &Yaml, schema: &mut Schema, bad: &mut impl FnMut(&str)) {
    let names: Vec<&str> = match value {
        Yaml::String(name) => vec![name.as_str()],
        Yaml::Array(names) => names.iter().filter_map(Yaml::as_str).collect(),
        _ => {
            bad("type must be a string or a list of strings");
            return;
        }
    };
    for name in names {
        match JsonType::from_name(name) {
            Some(JsonType::Null) => schema.nullable = true,
            Some(json_type) => schema.types.push(json_type),
            None => bad(&format!("unknown type `{name}`")),
        }
    }
}

/// A list of strings, if the value is one.
fn string_list(value: &Yaml) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect()
}

fn string(value: &Yaml, bad: &mut impl FnMut(&str)) -> Option<String> {
    let text = value.as_str().map(str::to_owned);
    if text.is_none() {
        bad("expected a string");
    }
    text
}

fn count(value: &Yaml, bad: &mut impl FnMut(&str)) -> Option<u64> {
    // JSON Schema counts `2.0` as the integer it is.
    let whole = || {
        value
            .as_f64()
            .filter(|n| *n >= 0.0 && n.fract() == 0.0 && *n <= u64::MAX as f64)
            .map(|n| n as u64)
    };
    let count = value.as_u64().or_else(whole);
    if count.is_none() {
        bad("expected a non-negative integer");
    }
    count
}

fn number(value: &Yaml, bad: &mut impl FnMut(&str)) -> Option<f64> {
    let number = value.as_f64();
    if number.is_none() {
        bad("expected a number");
    }
    number
}
