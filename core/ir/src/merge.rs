//! allOf as the DEG schemas mean it: the union of the branches' properties and required
//! lists, with `additionalProperties: false` applying to that union. A property defined in
//! several branches must satisfy each, and takes the most specific definition.

use crate::error::SchemaError;
use crate::load::SchemaSet;
use crate::model::{Additional, JsonType, Schema};
use crate::resolve::{self, Target};

/// How deep references and merges may nest before we call it a cycle.
const MAX_DEPTH: usize = 32;

/// Ref and component lookups over a loaded schema set.
#[derive(Clone, Copy)]
pub struct Resolver<'a> {
    pub set: &'a SchemaSet,
}

impl<'a> Resolver<'a> {
    /// The component a schema's `$ref` names, if it has one that resolves.
    pub fn target(&self, schema: &Schema) -> Option<Target> {
        let reference = schema.reference.as_ref()?;
        resolve::resolve(&self.set.root, &schema.file, reference)
            .ok()
            .map(|resolution| resolution.target)
    }

    /// A component schema.
    pub fn component(&self, target: &Target) -> Option<&'a Schema> {
        self.set
            .files
            .get(&target.file)?
            .components
            .get(&target.name)
    }

    /// The component a schema's `$ref` names.
    pub fn referenced(&self, schema: &Schema) -> Option<&'a Schema> {
        self.component(&self.target(schema)?)
    }

    fn error_location(&self, schema: &Schema) -> crate::error::SourceLocation {
        match self.set.files.get(&schema.file) {
            Some(file) => file.location(&schema.pointer),
            None => crate::error::SourceLocation {
                file: schema.file.clone(),
                pointer: schema.pointer.clone(),
                line_column: None,
            },
        }
    }

    /// The schema with its `$ref` followed and its allOf merged, so that what remains
    /// constrains the value directly. Keywords next to a `$ref` are merged in as well.
    pub fn flatten(&self, schema: &Schema) -> Result<Schema, SchemaError> {
        self.flatten_along(schema, &mut Vec::new())
    }

    /// `chain` holds the components being flattened, to catch a reference back into one.
    fn flatten_along(
        &self,
        schema: &Schema,
        chain: &mut Vec<Target>,
    ) -> Result<Schema, SchemaError> {
        let mut own = schema.clone();
        own.all_of.clear();
        let mut merged = match own.reference.take() {
            Some(reference) => {
                let dangling = || SchemaError::DanglingRef {
                    location: self.error_location(schema),
                    reference: reference.clone(),
                    reason: "does not resolve".to_owned(),
                };
                let target = self.target(schema).ok_or_else(dangling)?;
                if chain.contains(&target) || chain.len() > MAX_DEPTH {
                    let names: Vec<&str> = chain
                        .iter()
                        .chain([&target])
                        .map(|target| target.name.as_str())
                        .collect();
                    return Err(SchemaError::Cycle {
                        location: self.error_location(schema),
                        chain: names.join(" → "),
                    });
                }
                let component = self.component(&target).ok_or_else(dangling)?;
                chain.push(target);
                let flattened = self.flatten_along(component, chain);
                chain.pop();
                self.merge(&flattened?, &own, schema)?
            }
            None => own,
        };
        for branch in &schema.all_of {
            let branch = self.flatten_along(branch, chain)?;
            merged = self.merge(&merged, &branch, schema)?;
        }
        merged.file = schema.file.clone();
        merged.pointer = schema.pointer.clone();
        if schema.description.is_some() {
            merged.description = schema.description.clone();
        }
        Ok(merged)
    }

    /// Merges two flattened schemas; `at` is the allOf being merged, for errors.
    fn merge(&self, a: &Schema, b: &Schema, at: &Schema) -> Result<Schema, SchemaError> {
        let conflict = |message: String| SchemaError::Conflict {
            location: self.error_location(at),
            message,
        };
        let mut merged = a.clone();
        merged.types = match (a.types.is_empty(), b.types.is_empty()) {
            (true, _) => b.types.clone(),
            (_, true) => a.types.clone(),
            _ => {
                let common = common_types(&a.types, &b.types);
                if common.is_empty() {
                    return Err(conflict(format!(
                        "type {:?} at {} against {:?} at {}",
                        a.types,
                        a.location(),
                        b.types,
                        b.location()
                    )));
                }
                common
            }
        };
        merged.nullable = match (a.types.is_empty(), b.types.is_empty()) {
            (true, _) => b.nullable || (b.types.is_empty() && a.nullable),
            (_, true) => a.nullable,
            _ => a.nullable && b.nullable,
        };
        for (name, property) in &b.properties {
            let combined = match a.properties.get(name) {
                Some(existing) => self.merge_property(existing, property, at)?,
                None => property.clone(),
            };
            merged.properties.insert(name.clone(), combined);
        }
        for (name, from) in b.required.iter().zip(&b.required_from) {
            if !merged.required.contains(name) {
                merged.required.push(name.clone());
                merged.required_from.push(from.clone());
            }
        }
        let (additional, from_b) = merge_additional(&a.additional, &b.additional);
        merged.additional = additional;
        if from_b {
            merged.additional_from = b.additional_from.clone();
        }
        merged.enum_values = match (&a.enum_values, &b.enum_values) {
            (Some(a_values), Some(b_values)) => {
                let common: Vec<String> = b_values
                    .iter()
                    .filter(|value| a_values.contains(value))
                    .cloned()
                    .collect();
                if common.is_empty() {
                    return Err(conflict(format!(
                        "enums at {} and {} have no value in common",
                        a.location(),
                        b.location()
                    )));
                }
                Some(common)
            }
            (a_values, b_values) => b_values.clone().or_else(|| a_values.clone()),
        };
        merged.format = match (&a.format, &b.format) {
            (Some(x), Some(y)) if x != y => {
                return Err(conflict(format!(
                    "format `{x}` at {} against `{y}` at {}",
                    a.location(),
                    b.location()
                )));
            }
            (x, y) => y.clone().or_else(|| x.clone()),
        };
        merged.items = match (&a.items, &b.items) {
            (Some(x), Some(y)) => Some(Box::new(self.merge_property(x, y, at)?)),
            (x, y) => y.clone().or_else(|| x.clone()),
        };
        merged.minimum = stricter(a.minimum, b.minimum, f64::max);
        merged.maximum = stricter(a.maximum, b.maximum, f64::min);
        merged.min_items = stricter(a.min_items, b.min_items, u64::max);
        merged.max_items = stricter(a.max_items, b.max_items, u64::min);
        merged.min_length = stricter(a.min_length, b.min_length, u64::max);
        merged.max_length = stricter(a.max_length, b.max_length, u64::min);
        if !b.any_of.is_empty() {
            if !a.any_of.is_empty() {
                return Err(conflict("two branches each have an anyOf".to_owned()));
            }
            merged.any_of = b.any_of.clone();
        }
        if !b.one_of.is_empty() {
            if !a.one_of.is_empty() {
                return Err(conflict("two branches each have a oneOf".to_owned()));
            }
            merged.one_of = b.one_of.clone();
        }
        merged.jsonld_type = b.jsonld_type.clone().or_else(|| a.jsonld_type.clone());
        merged.role_input_type = b
            .role_input_type
            .clone()
            .or_else(|| a.role_input_type.clone());
        merged.example = b.example.clone().or_else(|| a.example.clone());
        merged.description = a.description.clone().or_else(|| b.description.clone());
        Ok(merged)
    }

    /// A property defined by two branches: the narrower one when one narrows the other,
    /// otherwise the structural merge of both.
    fn merge_property(&self, a: &Schema, b: &Schema, at: &Schema) -> Result<Schema, SchemaError> {
        if self.narrows(b, a, 0) {
            return Ok(b.clone());
        }
        if self.narrows(a, b, 0) {
            return Ok(a.clone());
        }
        let a_flat = self.flatten(a)?;
        let b_flat = self.flatten(b)?;
        let mut merged = self.merge(&a_flat, &b_flat, at)?;
        merged.file = b.file.clone();
        merged.pointer = b.pointer.clone();
        Ok(merged)
    }

    /// Whether every value `narrow` accepts is accepted by the component `wide` refers to:
    /// the same reference, an allOf that includes it, or an anyOf/oneOf of such.
    fn narrows(&self, narrow: &Schema, wide: &Schema, depth: usize) -> bool {
        let Some(wide_target) = self.target(wide) else {
            return false;
        };
        if depth > MAX_DEPTH {
            return false;
        }
        if self.target(narrow).as_ref() == Some(&wide_target) {
            return true;
        }
        if let Some(component) = self.referenced(narrow)
            && self.narrows(component, wide, depth + 1)
        {
            return true;
        }
        if narrow
            .all_of
            .iter()
            .any(|branch| self.narrows(branch, wide, depth + 1))
        {
            return true;
        }
        let union = if narrow.any_of.is_empty() {
            &narrow.one_of
        } else {
            &narrow.any_of
        };
        !union.is_empty()
            && union
                .iter()
                .all(|branch| self.narrows(branch, wide, depth + 1))
    }
}

fn common_types(a: &[JsonType], b: &[JsonType]) -> Vec<JsonType> {
    let mut common = Vec::new();
    for x in a {
        for y in b {
            let meet = match (x, y) {
                _ if x == y => Some(*x),
                (JsonType::Integer, JsonType::Number) | (JsonType::Number, JsonType::Integer) => {
                    Some(JsonType::Integer)
                }
                _ => None,
            };
            if let Some(meet) = meet.filter(|meet| !common.contains(meet)) {
                common.push(meet);
            }
        }
    }
    common
}

/// The stricter `additionalProperties`, and whether it is `b`'s.
fn merge_additional(a: &Option<Additional>, b: &Option<Additional>) -> (Option<Additional>, bool) {
    let forbids = |x: &Option<Additional>| matches!(x, Some(Additional::Allowed(false)));
    let typed = |x: &Option<Additional>| matches!(x, Some(Additional::Schema(_)));
    let take_b = if forbids(a) {
        false
    } else if forbids(b) || typed(b) {
        true
    } else if typed(a) {
        false
    } else {
        b.is_some()
    };
    if take_b {
        (b.clone(), true)
    } else {
        (a.clone(), false)
    }
}

fn stricter<T: Copy>(a: Option<T>, b: Option<T>, pick: fn(T, T) -> T) -> Option<T> {
    match (a, b) {
        (Some(x), Some(y)) => Some(pick(x, y)),
        (x, y) => x.or(y),
    }
}
