//! allOf as the DEG schemas mean it: the union of the branches' properties and required
//! lists, with `additionalProperties: false` applying to that union. A property defined in
//! several branches must satisfy each, and takes the most specific definition.

use crate::error::SchemaError;
use crate::ir::{Format, Location};
use crate::load::SchemaSet;
use crate::model::{Additional, JsonType, Schema};
use crate::resolve::Target;

/// How deep references and merges may nest before we call it a cycle.
const MAX_DEPTH: usize = 32;

/// Ref and component lookups over a loaded schema set.
#[derive(Clone, Copy)]
pub struct Resolver<'a> {
    pub set: &'a SchemaSet,
}

impl<'a> Resolver<'a> {
    /// The component a schema's `$ref` names, if it has one that resolved while loading.
    pub fn target(&self, schema: &Schema) -> Option<Target> {
        let reference = schema.reference.as_ref()?;
        self.set.target(&schema.file, reference).cloned()
    }

    /// A component schema, or the schema a pointer below one names.
    pub fn component(&self, target: &Target) -> Option<&'a Schema> {
        self.set
            .files
            .get(&target.file)?
            .components
            .get(&target.name)?
            .at(&target.path)
    }

    /// The component a schema's `$ref` names.
    pub fn referenced(&self, schema: &Schema) -> Option<&'a Schema> {
        self.component(&self.target(schema)?)
    }

    fn error_location(&self, schema: &Schema) -> crate::error::SourceLocation {
        self.set.source_location(&schema.location())
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
                    reason: Box::new(crate::resolve::ResolveError::Unresolved),
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

    /// Merges two flattened schemas, one keyword group at a time; `at` is the allOf being
    /// merged, for errors.
    fn merge(&self, a: &Schema, b: &Schema, at: &Schema) -> Result<Schema, SchemaError> {
        let conflict = |message: String| SchemaError::Conflict {
            location: self.error_location(at),
            message,
        };
        let mut merged = a.clone();
        (merged.types, merged.types_from) = types(a, b).map_err(conflict)?;
        merged.nullable = nullable(a, b);
        for (name, property) in &b.properties {
            let combined = match a.properties.get(name) {
                Some(existing) => self.merge_property(existing, property, at)?,
                None => property.clone(),
            };
            merged.properties.insert(name.clone(), combined);
        }
        (merged.required, merged.required_from) = required(a, b);
        (merged.additional, merged.additional_from) =
            additional(a, b, |x, y| self.merge_property(x, y, at))?;
        merged.enum_values = enum_values(a, b).map_err(conflict)?;
        merged.values = json_values(a, b).map_err(conflict)?;
        merged.format = format(a, b).map_err(conflict)?;
        merged.pattern = pattern(a, b).map_err(conflict)?;
        merged.multiple_of = multiple_of(a, b).map_err(conflict)?;
        merged.items = match (&a.items, &b.items) {
            (Some(x), Some(y)) => Some(Box::new(self.merge_property(x, y, at)?)),
            (x, y) => y.clone().or_else(|| x.clone()),
        };
        bounds(&mut merged, a, b);
        (merged.any_of, merged.one_of) = unions(a, b).map_err(conflict)?;
        merged.never = a.never || b.never;
        let one_side = |keyword: &str, both: bool| {
            if both {
                Err(conflict(format!(
                    "two branches each have a `{keyword}`, which one value cannot be held to here"
                )))
            } else {
                Ok(())
            }
        };
        one_side(
            "prefixItems",
            !a.prefix_items.is_empty() && !b.prefix_items.is_empty(),
        )?;
        one_side("contains", a.contains.is_some() && b.contains.is_some())?;
        if merged.prefix_items.is_empty() {
            merged.prefix_items = b.prefix_items.clone();
        }
        if merged.contains.is_none() {
            merged.contains = b.contains.clone();
            merged.min_contains = b.min_contains;
            merged.max_contains = b.max_contains;
        }
        // Each must hold, wherever it was written.
        merged.not.extend(b.not.iter().cloned());
        merged.conditionals.extend(b.conditionals.iter().cloned());
        annotations(&mut merged, a, b);
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

/// `type`: the types both branches allow (an integer is a number), with where the narrower
/// `type` is written; none in common is a conflict. A branch without `type` allows every type.
pub fn types(a: &Schema, b: &Schema) -> Result<(Vec<JsonType>, Option<Location>), String> {
    if a.types.is_empty() {
        return Ok((b.types.clone(), b.types_from.clone()));
    }
    if b.types.is_empty() {
        return Ok((a.types.clone(), a.types_from.clone()));
    }
    let mut common = Vec::new();
    for x in &a.types {
        for y in &b.types {
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
    let written = |schema: &Schema| {
        schema
            .types_from
            .clone()
            .unwrap_or_else(|| schema.location())
    };
    if common.is_empty() {
        return Err(format!(
            "type {:?} at {} against {:?} at {}",
            a.types,
            written(a),
            b.types,
            written(b)
        ));
    }
    let from = if common == b.types { b } else { a };
    Ok((common, from.types_from.clone()))
}

/// `null` is allowed when both branches allow it; a branch without `type` allows it.
pub fn nullable(a: &Schema, b: &Schema) -> bool {
    match (a.types.is_empty(), b.types.is_empty()) {
        (true, true) => a.nullable || b.nullable,
        (true, false) => b.nullable,
        (false, true) => a.nullable,
        (false, false) => a.nullable && b.nullable,
    }
}

/// `required`: the union, in order of first mention, each name with where it was required.
pub fn required(a: &Schema, b: &Schema) -> (Vec<String>, Vec<Location>) {
    let mut names = a.required.clone();
    let mut from = a.required_from.clone();
    for (name, at) in b.required.iter().zip(&b.required_from) {
        if !names.contains(name) {
            names.push(name.clone());
            from.push(at.clone());
        }
    }
    (names, from)
}

/// `additionalProperties`, with where the rule that wins is written: `false` on either side
/// wins; two schemas are merged with `merge_schemas`, so an undeclared member must satisfy
/// both; otherwise the more specific side.
pub fn additional<E>(
    a: &Schema,
    b: &Schema,
    merge_schemas: impl FnOnce(&Schema, &Schema) -> Result<Schema, E>,
) -> Result<(Option<Additional>, Option<Location>), E> {
    let a_side = || (a.additional.clone(), a.additional_from.clone());
    let b_side = || (b.additional.clone(), b.additional_from.clone());
    Ok(match (&a.additional, &b.additional) {
        (Some(Additional::Allowed(false)), _) => a_side(),
        (_, Some(Additional::Allowed(false))) => b_side(),
        (Some(Additional::Schema(x)), Some(Additional::Schema(y))) => (
            Some(Additional::Schema(Box::new(merge_schemas(x, y)?))),
            b.additional_from.clone(),
        ),
        (_, Some(Additional::Schema(_))) => b_side(),
        (Some(Additional::Schema(_)), _) => a_side(),
        (_, Some(_)) => b_side(),
        (_, None) => a_side(),
    })
}

/// `enum` (and `const`): the values both allow, in `b`'s order; none in common is a conflict.
pub fn enum_values(a: &Schema, b: &Schema) -> Result<Option<Vec<String>>, String> {
    match (&a.enum_values, &b.enum_values) {
        (Some(a_values), Some(b_values)) => {
            let common: Vec<String> = b_values
                .iter()
                .filter(|value| a_values.contains(value))
                .cloned()
                .collect();
            if common.is_empty() {
                return Err(format!(
                    "enums at {} and {} have no value in common",
                    a.location(),
                    b.location()
                ));
            }
            Ok(Some(common))
        }
        (a_values, b_values) => Ok(b_values.clone().or_else(|| a_values.clone())),
    }
}

/// An `enum` or `const` of JSON values: from one side; two such lists, or one beside a string
/// enum, cannot be held together here.
pub fn json_values(a: &Schema, b: &Schema) -> Result<Option<Vec<serde_json::Value>>, String> {
    let lists = [a, b]
        .iter()
        .filter(|side| side.values.is_some() || side.enum_values.is_some())
        .count();
    if lists > 1 && (a.values.is_some() || b.values.is_some()) {
        return Err(format!(
            "the enums at {} and {} cannot be combined here: give one of them all the values",
            a.location(),
            b.location()
        ));
    }
    Ok(b.values.clone().or_else(|| a.values.clone()))
}

/// `format`: one format, or the same on both sides.
pub fn format(a: &Schema, b: &Schema) -> Result<Option<Format>, String> {
    match (&a.format, &b.format) {
        (Some(x), Some(y)) if x != y => Err(format!(
            "format `{x}` at {} against `{y}` at {}",
            a.location(),
            b.location()
        )),
        (x, y) => Ok(y.or(*x)),
    }
}

/// `pattern`: one pattern, or the same on both sides.
pub fn pattern(a: &Schema, b: &Schema) -> Result<Option<String>, String> {
    match (&a.pattern, &b.pattern) {
        (Some(x), Some(y)) if x != y => Err(format!(
            "pattern `{x}` at {} against `{y}` at {}: one value cannot be held to two patterns here",
            a.location(),
            b.location()
        )),
        (x, y) => Ok(y.clone().or_else(|| x.clone())),
    }
}

/// `multipleOf`: one divisor, or the same on both sides.
pub fn multiple_of(a: &Schema, b: &Schema) -> Result<Option<f64>, String> {
    match (a.multiple_of, b.multiple_of) {
        (Some(x), Some(y)) if x != y => Err(format!(
            "multipleOf {x} at {} against {y} at {}: one value cannot be held to two divisors here",
            a.location(),
            b.location()
        )),
        (x, y) => Ok(y.or(x)),
    }
}

/// Numeric, length and size bounds: the stricter of each.
pub fn bounds(merged: &mut Schema, a: &Schema, b: &Schema) {
    merged.minimum = stricter(a.minimum, b.minimum, f64::max);
    merged.maximum = stricter(a.maximum, b.maximum, f64::min);
    merged.unique_items = a.unique_items || b.unique_items;
    merged.min_properties = stricter(a.min_properties, b.min_properties, u64::max);
    merged.max_properties = stricter(a.max_properties, b.max_properties, u64::min);
    merged.exclusive_minimum = stricter(a.exclusive_minimum, b.exclusive_minimum, f64::max);
    merged.exclusive_maximum = stricter(a.exclusive_maximum, b.exclusive_maximum, f64::min);
    merged.min_items = stricter(a.min_items, b.min_items, u64::max);
    merged.max_items = stricter(a.max_items, b.max_items, u64::min);
    merged.min_length = stricter(a.min_length, b.min_length, u64::max);
    merged.max_length = stricter(a.max_length, b.max_length, u64::min);
}

/// `anyOf` and `oneOf`: at most one branch may bring each.
pub fn unions(a: &Schema, b: &Schema) -> Result<(Vec<Schema>, Vec<Schema>), String> {
    let pick = |x: &Vec<Schema>, y: &Vec<Schema>, keyword: &str| match (x.is_empty(), y.is_empty())
    {
        (false, false) => Err(format!("two branches each have an {keyword}")),
        (true, _) => Ok(y.clone()),
        (false, true) => Ok(x.clone()),
    };
    Ok((
        pick(&a.any_of, &b.any_of, "anyOf")?,
        pick(&a.one_of, &b.one_of, "oneOf")?,
    ))
}

/// Annotations and extensions: `b`'s where it has one (the later branch is the more specific),
/// except the description, which stays the first one written.
pub fn annotations(merged: &mut Schema, a: &Schema, b: &Schema) {
    merged.jsonld_type = b.jsonld_type.clone().or_else(|| a.jsonld_type.clone());
    merged.role_input_type = b
        .role_input_type
        .clone()
        .or_else(|| a.role_input_type.clone());
    merged.example = b.example.clone().or_else(|| a.example.clone());
    merged.description = a.description.clone().or_else(|| b.description.clone());
    if merged.annotations == crate::model::Annotations::default() {
        merged.annotations = b.annotations.clone();
    }
}

fn stricter<T: Copy>(a: Option<T>, b: Option<T>, pick: fn(T, T) -> T) -> Option<T> {
    match (a, b) {
        (Some(x), Some(y)) => Some(pick(x, y)),
        (x, y) => x.or(y),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use indexmap::IndexMap;

    use super::*;
    use crate::load::{SchemaFile, SchemaSet};
    use crate::model::read;
    use crate::yaml::Document;

    /// A schema read from YAML, as written at `t.yaml#/s`.
    fn schema(yaml: &str) -> Schema {
        let mut problems = Vec::new();
        let document = Document::parse(yaml).unwrap();
        let schema = read(&document.value, "t.yaml", "/s", &mut problems);
        assert_eq!(problems, []);
        schema
    }

    /// A one-file set whose components are given as YAML.
    fn set(components: &[(&str, &str)]) -> SchemaSet {
        let mut problems = Vec::new();
        let components: IndexMap<String, Schema> = components
            .iter()
            .map(|(name, yaml)| {
                let document = Document::parse(yaml).unwrap();
                let pointer = format!("/components/schemas/{name}");
                let schema = read(&document.value, "t.yaml", &pointer, &mut problems);
                (name.to_string(), schema)
            })
            .collect();
        let references = components
            .keys()
            .map(|name| {
                let target = Target {
                    file: "t.yaml".to_owned(),
                    name: name.clone(),
                    path: Vec::new(),
                };
                (format!("#/components/schemas/{name}"), target)
            })
            .collect();
        let file = SchemaFile {
            path: "t.yaml".to_owned(),
            document: Document::default(),
            components,
        };
        SchemaSet {
            root: PathBuf::new(),
            files: IndexMap::from([("t.yaml".to_owned(), file)]),
            entries: vec!["t.yaml".to_owned()],
            references: BTreeMap::from([("t.yaml".to_owned(), references)]),
        }
    }

    fn flatten(yaml: &str) -> Result<Schema, SchemaError> {
        let set = set(&[]);
        Resolver { set: &set }.flatten(&schema(yaml))
    }

    #[test]
    fn stricter_bounds_win() {
        let merged = flatten(
            "allOf: [{minimum: 1, maximum: 10, maxLength: 8}, {minimum: 3, maximum: 20, minLength: 2, maxLength: 5}]",
        )
        .unwrap();
        assert_eq!((merged.minimum, merged.maximum), (Some(3.0), Some(10.0)));
        assert_eq!((merged.min_length, merged.max_length), (Some(2), Some(5)));
    }

    #[test]
    fn required_is_the_union_in_order_of_first_mention() {
        let a = schema("required: [a, b]");
        let b = schema("required: [b, c]");
        let (names, from) = required(&a, &b);
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(
            from,
            [
                Location::new("t.yaml", "/s/required"),
                Location::new("t.yaml", "/s/required"),
                Location::new("t.yaml", "/s/required")
            ]
        );
    }

    #[test]
    fn enums_intersect_and_disjoint_enums_conflict() {
        let a = schema("enum: [SELLER, BUYER, GRID_OPERATOR]");
        let b = schema("enum: [GRID_OPERATOR, SELLER, PROSUMER]");
        assert_eq!(
            enum_values(&a, &b).unwrap(),
            Some(vec!["GRID_OPERATOR".to_owned(), "SELLER".to_owned()])
        );
        let c = schema("const: BUYER");
        let error = enum_values(&b, &c).unwrap_err();
        assert_eq!(
            error,
            "enums at t.yaml#/s and t.yaml#/s have no value in common"
        );
    }

    #[test]
    fn two_typed_additional_properties_are_merged_recursively() {
        let merged = flatten(
            "allOf: [{additionalProperties: {type: number, minimum: 0}}, {additionalProperties: {maximum: 100}}]",
        )
        .unwrap();
        let Some(Additional::Schema(rule)) = merged.additional else {
            panic!("{:?}", merged.additional);
        };
        assert_eq!(rule.types, [JsonType::Number]);
        assert_eq!((rule.minimum, rule.maximum), (Some(0.0), Some(100.0)));
    }

    #[test]
    fn forbidden_additional_properties_win_over_a_typed_rule() {
        let a = schema("additionalProperties: {type: string}");
        let b = schema("additionalProperties: false");
        let never = |_: &Schema, _: &Schema| -> Result<Schema, ()> { unreachable!() };
        for (x, y) in [(&a, &b), (&b, &a)] {
            let (rule, _) = additional(x, y, never).unwrap();
            assert_eq!(rule, Some(Additional::Allowed(false)));
        }
    }

    #[test]
    fn null_is_allowed_only_when_both_typed_branches_allow_it() {
        let nullable_string = schema("type: [string, 'null']");
        let string = schema("type: string");
        let untyped = schema("description: anything");
        assert!(nullable(
            &nullable_string,
            &schema("type: string\nnullable: true")
        ));
        assert!(!nullable(&nullable_string, &string));
        assert!(nullable(&untyped, &nullable_string));
        assert!(!nullable(&untyped, &string));
    }

    #[test]
    fn an_integer_is_a_number_and_a_branch_without_type_allows_any() {
        let integer = schema("type: integer");
        let number = schema("type: [number, string]");
        assert_eq!(types(&integer, &number).unwrap().0, [JsonType::Integer]);
        assert_eq!(
            types(&schema("minimum: 1"), &number).unwrap(),
            (
                vec![JsonType::Number, JsonType::String],
                Some(Location::new("t.yaml", "/s/type"))
            )
        );
    }

    #[test]
    fn conflicting_types_are_an_error_naming_both_locations() {
        let set = set(&[("Text", "type: string"), ("Count", "type: integer")]);
        let both = schema(
            "allOf: [{$ref: '#/components/schemas/Text'}, {$ref: '#/components/schemas/Count'}]",
        );
        let error = Resolver { set: &set }.flatten(&both).unwrap_err();
        assert_eq!(
            error.to_string(),
            "t.yaml #/s: conflicting allOf branches: type [String] at t.yaml#/components/schemas/Text/type against [Integer] at t.yaml#/components/schemas/Count/type"
        );
    }

    #[test]
    fn different_formats_conflict_and_one_format_is_kept() {
        let uri = schema("format: uri");
        assert_eq!(
            format(&uri, &schema("type: string")).unwrap(),
            Some(Format::Uri)
        );
        assert_eq!(
            format(&uri, &schema("format: email")).unwrap_err(),
            "format `uri` at t.yaml#/s against `email` at t.yaml#/s"
        );
    }

    #[test]
    fn only_one_branch_may_bring_an_any_of() {
        let a = schema("anyOf: [{type: string}]");
        let b = schema("anyOf: [{type: number}]");
        assert_eq!(
            unions(&a, &b).unwrap_err(),
            "two branches each have an anyOf"
        );
        let (any_of, one_of) = unions(&a, &schema("type: string")).unwrap();
        assert_eq!((any_of.len(), one_of.len()), (1, 0));
    }

    #[test]
    fn properties_union_and_a_property_in_both_satisfies_both() {
        let merged = flatten(
            "allOf: [{properties: {a: {type: number, minimum: 0}, b: {type: string}}}, {properties: {a: {maximum: 9}, c: {type: boolean}}}]",
        )
        .unwrap();
        let names: Vec<&String> = merged.properties.keys().collect();
        assert_eq!(names, ["a", "b", "c"]);
        let a = &merged.properties["a"];
        assert_eq!((a.minimum, a.maximum), (Some(0.0), Some(9.0)));
    }

    #[test]
    fn a_reference_back_into_itself_is_a_cycle() {
        let set = set(&[("Loop", "allOf: [{$ref: '#/components/schemas/Loop'}]")]);
        let component = &set.files["t.yaml"].components["Loop"];
        let error = Resolver { set: &set }.flatten(component).unwrap_err();
        assert!(error.to_string().contains("Loop → Loop"), "{error}");
    }

    #[test]
    fn the_first_description_is_kept_and_the_later_extension_wins() {
        let mut merged = schema("description: first");
        let a = merged.clone();
        let mut b = schema("description: second");
        b.jsonld_type = Some("Later".to_owned());
        annotations(&mut merged, &a, &b);
        assert_eq!(merged.description.as_deref(), Some("first"));
        assert_eq!(merged.jsonld_type.as_deref(), Some("Later"));
    }
}
