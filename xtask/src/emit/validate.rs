//! Validators: for each type, `validate` (every error), `is_valid` (fail fast), `parse` (typed,
//! validated first) and the `check` function the others and enclosing types call.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::rust_types::path;

use deg_contracts_ir::ir::{
    AdditionalRule, MemberRules, Node, RoleUnion, Shape, Struct, TypeDef, TypeKind,
};
use deg_contracts_ir::role_rule::RoleRule;

/// The validation impl of one type.
pub fn emit(def: &TypeDef, rule: &RoleRule<'_>) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let location = &def.location.to_string();
    let body = match &def.kind {
        TypeKind::Struct(object) => check_struct(object, location, rule),
        TypeKind::Enum(values) => check_enum(values, location),
        TypeKind::RoleUnion(union) => check_union(union),
        TypeKind::Alias(node) => check_node(node),
    };
    let check_fns = match (rule, &def.kind) {
        (RoleRule::Inputs, TypeKind::Struct(object)) => {
            let count = object.fields.len();
            quote! {
                /// Reports every violation in `value` at `location` into `out`.
                pub(crate) fn check(
                    value: &::deg_contracts_runtime::json::Value<'_>,
                    location: &::deg_contracts_runtime::Location<'_>,
                    out: &mut ::deg_contracts_runtime::Collector,
                ) {
                    let _ = Self::check_inputs(value, location, out);
                }

                /// Checks role inputs, reporting which fields carry a value, for the
                /// filled-role rule of the role that holds them.
                pub(crate) fn check_inputs(
                    value: &::deg_contracts_runtime::json::Value<'_>,
                    location: &::deg_contracts_runtime::Location<'_>,
                    out: &mut ::deg_contracts_runtime::Collector,
                ) -> [bool; #count] {
                    #body
                }
            }
        }
        _ => quote! {
            /// Reports every violation in `value` at `location` into `out`.
            pub(crate) fn check(
                value: &::deg_contracts_runtime::json::Value<'_>,
                location: &::deg_contracts_runtime::Location<'_>,
                out: &mut ::deg_contracts_runtime::Collector,
            ) {
                #body
            }
        },
    };
    quote! {
        impl #name {
            /// Where the schema of this type is written, as `file#pointer`.
            pub const SCHEMA: &'static str = #location;

            /// Validates a JSON value against the schema, collecting every error.
            pub fn validate(value: &::serde_json::Value) -> ::std::result::Result<(), ::deg_contracts_runtime::ValidationErrors> {
                let arena = ::deg_contracts_runtime::json::Arena::new();
                Self::validate_json(&::deg_contracts_runtime::json::Value::from_serde(value, &arena))
            }

            /// Validates JSON read by [`::deg_contracts_runtime::json::parse`], collecting every error.
            pub fn validate_json(value: &::deg_contracts_runtime::json::Value<'_>) -> ::std::result::Result<(), ::deg_contracts_runtime::ValidationErrors> {
                let mut out = ::deg_contracts_runtime::Collector::all();
                Self::check(value, &::deg_contracts_runtime::Location::ROOT, &mut out);
                out.finish()
            }

            /// Whether a JSON value satisfies the schema; stops at the first error.
            pub fn is_valid(value: &::serde_json::Value) -> bool {
                let arena = ::deg_contracts_runtime::json::Arena::new();
                Self::is_valid_json(&::deg_contracts_runtime::json::Value::from_serde(value, &arena))
            }

            /// Whether JSON read by [`::deg_contracts_runtime::json::parse`] satisfies the
            /// schema; stops at the first error.
            pub fn is_valid_json(value: &::deg_contracts_runtime::json::Value<'_>) -> bool {
                let mut out = ::deg_contracts_runtime::Collector::fail_fast();
                Self::check(value, &::deg_contracts_runtime::Location::ROOT, &mut out);
                !out.failed()
            }

            /// Whether JSON bytes parse and satisfy the schema, checked while parsing, without
            /// building a `Value`. A key repeated in one object is checked each time it appears.
            pub fn verdict(bytes: &[u8]) -> bool {
                // One UTF-8 check of the whole input is cheaper than one per string.
                let ::std::result::Result::Ok(text) = ::std::str::from_utf8(bytes) else {
                    return false;
                };
                let mut deserializer = ::serde_json::Deserializer::from_str(text);
                ::serde::de::DeserializeSeed::deserialize(seeds::#name, &mut deserializer).is_ok()
                    && deserializer.end().is_ok()
            }

            /// Validates a JSON value, then reads it into this type.
            pub fn parse(value: &::serde_json::Value) -> ::std::result::Result<Self, ::deg_contracts_runtime::ParseError> {
                Self::validate(value).map_err(::deg_contracts_runtime::ParseError::Invalid)?;
                <Self as ::serde::Deserialize>::deserialize(value).map_err(::deg_contracts_runtime::ParseError::Json)
            }

            /// Parses JSON bytes, validates them, and reads them into this type.
            pub fn from_slice(bytes: &[u8]) -> ::std::result::Result<Self, ::deg_contracts_runtime::ParseError> {
                let value: ::serde_json::Value = ::serde_json::from_slice(bytes).map_err(::deg_contracts_runtime::ParseError::Json)?;
                Self::parse(&value)
            }

            #check_fns
        }
    }
}

fn type_error(location: &str, expected: &str) -> TokenStream {
    quote! {
        out.push(location, #location, || ::deg_contracts_runtime::ErrorKind::Type { expected: #expected })
    }
}

fn check_struct(object: &Struct, location: &str, rule: &RoleRule<'_>) -> TokenStream {
    let not_object = type_error(location, "an object");
    let required: Vec<(usize, String, &String)> = object
        .fields
        .iter()
        .filter_map(|field| Some((field.required.as_ref()?, &field.json_name)))
        .enumerate()
        .map(|(slot, (at, name))| (slot, at.to_string(), name))
        .collect();
    let slot_of = |name: &String| {
        required
            .iter()
            .find(|(_, _, n)| *n == name)
            .map(|(slot, ..)| *slot)
    };
    let mut arms = Vec::new();
    let mut uses_value = false;
    for (index, field) in object.fields.iter().enumerate() {
        let json = &field.json_name;
        let mut check = check_node(&field.node);
        match rule {
            RoleRule::Role { role, .. } if *json == role.filled => {
                check.extend(
                    quote! { filled = value.as_bool() == ::std::option::Option::Some(true); },
                );
            }
            RoleRule::Role { role, .. } if *json == role.inputs => {
                let Shape::Named(ty) = &field.node.shape else {
                    unreachable!("role inputs are a named struct")
                };
                let ty = path(ty);
                check = quote! {
                    inputs_object = value.is_object();
                    provided = #ty::check_inputs(value, location, out);
                };
            }
            RoleRule::Inputs => {
                if let Shape::RoleInput(declared) = &field.node.shape {
                    let declared = super::input_type_path(*declared);
                    let at = field.node.location.to_string();
                    check = quote! {
                        provided[#index] = ::deg_contracts_runtime::check_role_input(value, #declared, location, #at, out);
                    };
                }
            }
            _ => {}
        }
        uses_value |= !check.is_empty();
        if let Some(slot) = slot_of(json) {
            check.extend(quote! { seen[#slot] = true; });
        }
        arms.push((quote! { #json }, check));
    }
    if let Some(jsonld_type) = &object.jsonld_type {
        if !object
            .fields
            .iter()
            .any(|field| field.json_name == "@context")
        {
            arms.push((quote! { "@context" }, quote! {}));
        }
        if !object.fields.iter().any(|field| field.json_name == "@type") {
            uses_value = true;
            arms.push((
                quote! { "@type" },
                quote! { ::deg_contracts_runtime::check_jsonld_type(value, #jsonld_type, location, #location, out); },
            ));
        }
    }
    let additional_location = object.additional_location.to_string();
    let otherwise = match &object.additional {
        AdditionalRule::Forbidden => Some(quote! {
            out.push(location, #additional_location, || ::deg_contracts_runtime::ErrorKind::UnknownProperty {
                property: key.to_owned(),
            })
        }),
        AdditionalRule::Allowed => None,
        AdditionalRule::Typed(node) => {
            let check = check_node(node);
            uses_value |= !check.is_empty();
            (!check.is_empty()).then_some(check)
        }
    };
    let early = match rule {
        RoleRule::Inputs => quote! { provided },
        _ => quote! {},
    };
    let members = if !uses_value
        && otherwise.is_none()
        && required.is_empty()
        && object.members.patterns.is_empty()
        && object.members.names.is_none()
    {
        quote! {}
    } else {
        let dispatch = match (arms.as_slice(), &otherwise) {
            ([], Some(otherwise)) => quote! { #otherwise; },
            // One member and nothing for the rest: an `if`, as clippy would have it.
            ([(json, check)], None) => quote! {
                if key == #json { #check }
            },
            (arms, otherwise) => {
                let otherwise = otherwise.clone().unwrap_or_default();
                let arms = arms
                    .iter()
                    .map(|(json, check)| quote! { #json => { #check } });
                quote! {
                    match key {
                        #(#arms)*
                        _ => { #otherwise }
                    }
                }
            }
        };
        let rules = &object.members;
        let dispatch = if rules.patterns.is_empty() && rules.names.is_none() {
            dispatch
        } else {
            member_patterns(&arms, otherwise.as_ref(), rules)
        };
        let uses_value = uses_value || !rules.patterns.is_empty();
        let value_pattern = if uses_value {
            quote! { value }
        } else {
            quote! { _ }
        };
        // Only checks that report need the member's location.
        let member_location = (uses_value || otherwise.is_some() || rules.names.is_some())
            .then(|| quote! { let location = &location.key(key); });
        quote! {
            for (key, #value_pattern) in object {
                #member_location
                #dispatch
                if out.should_stop() {
                    return #early;
                }
            }
        }
    };
    let required_count = required.len();
    let required_checks = required.iter().map(|(slot, at, name)| {
        quote! {
            if !seen[#slot] {
                out.push(location, #at, || ::deg_contracts_runtime::ErrorKind::Required { property: #name });
            }
        }
    });
    let seen = (required_count > 0).then(|| quote! { let mut seen = [false; #required_count]; });
    let (state, filled_check) = match rule {
        RoleRule::Role {
            role,
            inputs,
            required,
            at,
        } => {
            let count = inputs.fields.len();
            let at = at.to_string();
            let inputs_member = &role.inputs;
            let checks = required.iter().map(|(index, name)| {
                quote! {
                    if !provided[#index] {
                        out.push(reported_at, #at, || ::deg_contracts_runtime::ErrorKind::MissingRoleInput { input: #name });
                    }
                }
            });
            (
                quote! {
                    let mut filled = false;
                    let mut inputs_object = false;
                    let mut provided = [false; #count];
                },
                quote! {
                    if filled {
                        let inputs_location = location.key(#inputs_member);
                        let reported_at = if inputs_object { &inputs_location } else { location };
                        #(#checks)*
                    }
                },
            )
        }
        RoleRule::Inputs => {
            let count = object.fields.len();
            (quote! { let mut provided = [false; #count]; }, quote! {})
        }
        RoleRule::None => (quote! {}, quote! {}),
    };
    let result = match rule {
        RoleRule::Inputs => quote! { provided },
        _ => quote! {},
    };
    let binding = if members.is_empty()
        && required.is_empty()
        && object.members.is_empty()
        && object.min_properties.is_none()
        && object.max_properties.is_none()
        && !matches!(rule, RoleRule::Role { .. })
    {
        quote! {
            ::deg_contracts_runtime::expect_type(value.is_object(), location, #location, "an object", out);
        }
    } else {
        quote! {
            let ::std::option::Option::Some(object) = value.as_object() else {
                #not_object;
                return #result;
            };
        }
    };
    let sizes = property_counts(object, location);
    let dependents = dependents(&object.members);
    quote! {
        #state
        #binding
        #seen
        #members
        #sizes
        #(#required_checks)*
        #dependents
        #filled_check
        #result
    }
}

/// A member's checks when patterns or `propertyNames` apply too: its declared arm, then every
/// pattern it matches, then the rule on undeclared members if neither took it, then its name.
fn member_patterns(
    arms: &[(TokenStream, TokenStream)],
    otherwise: Option<&TokenStream>,
    rules: &MemberRules,
) -> TokenStream {
    let declared = if arms.is_empty() {
        quote! { let declared = false; }
    } else {
        let arms = arms
            .iter()
            .map(|(json, check)| quote! { #json => { #check true } });
        quote! {
            let declared = match key {
                #(#arms)*
                _ => false,
            };
        }
    };
    let patterns = rules.patterns.iter().map(|(pattern, node)| {
        let pattern = super::pattern_static(pattern);
        let check = check_node(node);
        quote! {
            if #pattern.is_match(key) {
                matched = true;
                #check
            }
        }
    });
    let otherwise = otherwise.map(|otherwise| quote! { if !declared && !matched { #otherwise; } });
    let names = rules.names.as_ref().map(|node| {
        let check = check_node(node);
        quote! {
            {
                let value = &::deg_contracts_runtime::json::Value::new(
                    ::deg_contracts_runtime::json::Kind::String(key),
                );
                #check
            }
        }
    });
    let matched = if rules.patterns.is_empty() {
        quote! { let matched = false; }
    } else {
        quote! { let mut matched = false; }
    };
    quote! {
        #declared
        #matched
        #(#patterns)*
        #otherwise
        #names
    }
}

/// `dependentRequired` and `dependentSchemas` on an object bound as `object`.
fn dependents(rules: &MemberRules) -> TokenStream {
    let required = rules.dependent_required.iter().flat_map(|(name, required, at)| {
        let at = at.to_string();
        required.iter().map(move |required| {
            quote! {
                if object.contains_key(#name) && !object.contains_key(#required) {
                    out.push(location, #at, || ::deg_contracts_runtime::ErrorKind::Required { property: #required });
                }
            }
        })
    });
    let schemas = rules.dependent_schemas.iter().map(|(name, node)| {
        let check = check_node(node);
        quote! {
            if object.contains_key(#name) {
                #check
            }
        }
    });
    quote! { #(#required)* #(#schemas)* }
}

/// `minProperties` and `maxProperties` on an object bound as `object`.
fn property_counts(object: &Struct, location: &str) -> TokenStream {
    let mut checks = Vec::new();
    if let Some(min) = object.min_properties {
        let at = format!("{location}/minProperties");
        checks.push(quote! {
            if (object.len() as u64) < #min {
                out.push(location, #at, || ::deg_contracts_runtime::ErrorKind::MinProperties { min: #min, actual: object.len() });
            }
        });
    }
    if let Some(max) = object.max_properties {
        let at = format!("{location}/maxProperties");
        checks.push(quote! {
            if (object.len() as u64) > #max {
                out.push(location, #at, || ::deg_contracts_runtime::ErrorKind::MaxProperties { max: #max, actual: object.len() });
            }
        });
    }
    quote! { #(#checks)* }
}

fn check_enum(values: &[String], location: &str) -> TokenStream {
    let enum_location = format!("{location}/enum");
    let not_string = type_error(location, "a string");
    quote! {
        match value.as_str() {
            ::std::option::Option::Some(#(#values)|*) => {}
            ::std::option::Option::Some(found) => out.push(location, #enum_location, || ::deg_contracts_runtime::ErrorKind::Enum {
                found: found.to_owned(),
                allowed: Self::VALUES,
            }),
            ::std::option::Option::None => #not_string,
        }
    }
}

fn check_union(union: &RoleUnion) -> TokenStream {
    let discriminator = &union.discriminator;
    let arms = union.variants.iter().map(|variant| {
        let values = &variant.values;
        let ty = path(&variant.ty);
        quote! { ::std::option::Option::Some(#(#values)|*) => #ty::check(value, location, out), }
    });
    let fallback = match &union.fallback {
        Some(fallback) => {
            let ty = path(fallback);
            quote! { _ => #ty::check(value, location, out), }
        }
        None => {
            let allowed: Vec<&String> = union.variants.iter().flat_map(|v| &v.values).collect();
            quote! {
                _ => out.push(location, Self::SCHEMA, || ::deg_contracts_runtime::ErrorKind::Enum {
                    found: value.get(#discriminator).map(::std::string::ToString::to_string).unwrap_or_default(),
                    allowed: &[#(#allowed),*],
                }),
            }
        }
    };
    quote! {
        match value.get(#discriminator).and_then(::deg_contracts_runtime::json::Value::as_str) {
            #(#arms)*
            #fallback
        }
    }
}

/// The checks of one node, over `value` at `location`; empty when anything goes.
pub(super) fn check_node(node: &Node) -> TokenStream {
    let location = &node.location.to_string();
    match (shape_check(node), node.nullable) {
        (Check::Nothing, _) => quote! {},
        (Check::Test(test, expected), false) => quote! {
            ::deg_contracts_runtime::expect_type(#test, location, #location, #expected, out);
        },
        (Check::Test(test, expected), true) => quote! {
            ::deg_contracts_runtime::expect_type(value.is_null() || #test, location, #location, #expected, out);
        },
        (Check::Code(code), false) => code,
        (Check::Code(code), true) => quote! {
            match value.kind() {
                ::deg_contracts_runtime::json::Kind::Null => {}
                _ => { #code }
            }
        },
    }
}

/// What a shape needs: nothing, a bare type test, or code of its own.
enum Check {
    Nothing,
    Test(TokenStream, &'static str),
    Code(TokenStream),
}

fn shape_check(node: &Node) -> Check {
    let location = &node.location.to_string();
    match &node.shape {
        Shape::Any => Check::Nothing,
        Shape::Null => Check::Test(quote! { value.is_null() }, "null"),
        Shape::Never => Check::Code(quote! {
            ::deg_contracts_runtime::check_never(value, location, #location, out);
        }),
        Shape::Values(values) => {
            let source = serde_json::Value::Array(values.clone()).to_string();
            Check::Code(quote! {
                ::deg_contracts_runtime::check_values(
                    value,
                    {
                        static VALUES: ::deg_contracts_runtime::Values = ::deg_contracts_runtime::Values::new(#source);
                        &VALUES
                    },
                    location,
                    #location,
                    out,
                );
            })
        }
        Shape::Boolean => Check::Test(quote! { value.is_boolean() }, "a boolean"),
        Shape::Number(bounds) | Shape::Integer(bounds) => {
            let integer = matches!(node.shape, Shape::Integer(_));
            let expected = if integer { "an integer" } else { "a number" };
            let mut limits = Vec::new();
            if let Some(minimum) = bounds.minimum {
                let limit = Literal::f64_unsuffixed(minimum);
                let at = node.location.join("minimum").to_string();
                limits.push(quote! {
                    if number < #limit {
                        out.push(location, #at, || ::deg_contracts_runtime::ErrorKind::Minimum { limit: #limit });
                    }
                });
            }
            if let Some(maximum) = bounds.maximum {
                let limit = Literal::f64_unsuffixed(maximum);
                let at = node.location.join("maximum").to_string();
                limits.push(quote! {
                    if number > #limit {
                        out.push(location, #at, || ::deg_contracts_runtime::ErrorKind::Maximum { limit: #limit });
                    }
                });
            }
            let more = [
                (bounds.exclusive_minimum, "exclusiveMinimum"),
                (bounds.exclusive_maximum, "exclusiveMaximum"),
                (bounds.multiple_of, "multipleOf"),
            ];
            for (bound, keyword) in more {
                let Some(bound) = bound else { continue };
                let literal = Literal::f64_unsuffixed(bound);
                let at = node.location.join(keyword).to_string();
                limits.push(match keyword {
                    "exclusiveMinimum" => quote! {
                        if number <= #literal {
                            out.push(location, #at, || ::deg_contracts_runtime::ErrorKind::ExclusiveMinimum { limit: #literal });
                        }
                    },
                    "exclusiveMaximum" => quote! {
                        if number >= #literal {
                            out.push(location, #at, || ::deg_contracts_runtime::ErrorKind::ExclusiveMaximum { limit: #literal });
                        }
                    },
                    _ => quote! {
                        if !::deg_contracts_runtime::is_multiple_of(number, #literal) {
                            out.push(location, #at, || ::deg_contracts_runtime::ErrorKind::MultipleOf { divisor: #literal });
                        }
                    },
                });
            }
            if limits.is_empty() && !integer {
                return Check::Test(quote! { value.is_number() }, expected);
            }
            let error = type_error(location, expected);
            let guard = integer.then(|| quote! { if number.fract() == 0.0 });
            Check::Code(quote! {
                match value.as_f64() {
                    ::std::option::Option::Some(number) #guard => { #(#limits)* }
                    _ => #error,
                }
            })
        }
        Shape::String(rules) => {
            let mut checks = Vec::new();
            if let Some(format) = rules.format {
                let at = node.location.join("format").to_string();
                let format = super::format_path(format);
                checks.push(quote! {
                    ::deg_contracts_runtime::check_format(text, #format, location, #at, out);
                });
            }
            if rules.min_length.is_some() || rules.max_length.is_some() {
                let min = option_literal(rules.min_length);
                let max = option_literal(rules.max_length);
                checks.push(quote! {
                    ::deg_contracts_runtime::check_length(text, #min, #max, location, #location, out);
                });
            }
            if let Some(pattern) = &rules.pattern {
                let at = node.location.join("pattern").to_string();
                let pattern = super::pattern_static(pattern);
                checks.push(quote! {
                    ::deg_contracts_runtime::check_pattern(text, #pattern, location, #at, out);
                });
            }
            if checks.is_empty() {
                return Check::Test(quote! { value.is_string() }, "a string");
            }
            let error = type_error(location, "a string");
            Check::Code(quote! {
                match value.as_str() {
                    ::std::option::Option::Some(text) => { #(#checks)* }
                    ::std::option::Option::None => #error,
                }
            })
        }
        Shape::Named(ty) => {
            let ty = path(ty);
            Check::Code(quote! { #ty::check(value, location, out); })
        }
        Shape::Array {
            items,
            min_items,
            max_items,
            unique_items,
            prefix_items,
            contains,
        } => {
            let mut counts = Vec::new();
            if let Some(min) = min_items {
                let at = node.location.join("minItems").to_string();
                counts.push(quote! {
                    if (items.len() as u64) < #min {
                        out.push(location, #at, || ::deg_contracts_runtime::ErrorKind::MinItems { min: #min, actual: items.len() });
                    }
                });
            }
            if let Some(max) = max_items {
                let at = node.location.join("maxItems").to_string();
                counts.push(quote! {
                    if (items.len() as u64) > #max {
                        out.push(location, #at, || ::deg_contracts_runtime::ErrorKind::MaxItems { max: #max, actual: items.len() });
                    }
                });
            }
            if *unique_items {
                let at = node.location.join("uniqueItems").to_string();
                counts.push(quote! {
                    if let ::std::option::Option::Some((first, second)) = ::deg_contracts_runtime::first_repeat(items) {
                        out.push(location, #at, || ::deg_contracts_runtime::ErrorKind::UniqueItems { first, second });
                    }
                });
            }
            if let Some(contains) = contains {
                let at = contains.location.to_string();
                let matches = closure(&contains.node);
                let (min, max) = (contains.min, option_literal(contains.max));
                counts.push(quote! {
                    ::deg_contracts_runtime::check_contains(items, location, #at, (#min, #max), &#matches, out);
                });
            }
            let item_check = check_node(items);
            let prefix: Vec<TokenStream> = prefix_items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    let check = check_node(item);
                    quote! { #index => { #check } }
                })
                .collect();
            let each = (!item_check.is_empty() || !prefix.is_empty()).then(|| {
                let check = if prefix.is_empty() {
                    item_check
                } else {
                    quote! {
                        match index {
                            #(#prefix)*
                            _ => { #item_check }
                        }
                    }
                };
                quote! {
                    for (index, value) in items.iter().enumerate() {
                        let location = &location.index(index);
                        #check
                        if out.should_stop() {
                            return;
                        }
                    }
                }
            });
            if counts.is_empty() && each.is_none() {
                return Check::Test(quote! { value.is_array() }, "an array");
            }
            let error = type_error(location, "an array");
            Check::Code(quote! {
                match value.as_array() {
                    ::std::option::Option::Some(items) => {
                        #(#counts)*
                        #each
                    }
                    ::std::option::Option::None => #error,
                }
            })
        }
        Shape::AnyOf(branches) | Shape::OneOf(branches) => {
            let rule = if matches!(node.shape, Shape::AnyOf(_)) {
                quote! { ::deg_contracts_runtime::any_of }
            } else {
                quote! { ::deg_contracts_runtime::one_of }
            };
            let count = branches.len();
            let closures = branches.iter().map(|branch| {
                let check = check_node(branch);
                if check.is_empty() {
                    return quote! { |_, _, _| {} };
                }
                quote! {
                    |value: &::deg_contracts_runtime::json::Value<'_>, location: &::deg_contracts_runtime::Location<'_>, out: &mut ::deg_contracts_runtime::Collector| {
                        #check
                    }
                }
            });
            Check::Code(quote! {
                let branches: [::deg_contracts_runtime::Check; #count] = [#(#closures),*];
                #rule(value, location, #location, &branches, out);
            })
        }
        Shape::RoleInput(declared) => {
            let declared = super::input_type_path(*declared);
            Check::Code(quote! {
                ::deg_contracts_runtime::check_role_input(value, #declared, location, #location, out);
            })
        }
        Shape::Not(inner) => {
            let inner = closure(inner);
            Check::Code(quote! {
                ::deg_contracts_runtime::check_not(value, location, #location, &#inner, out);
            })
        }
        Shape::Conditional {
            condition,
            then,
            otherwise,
        } => {
            let condition = closure(condition);
            let branch = |node: &Option<Box<Node>>| match node {
                Some(node) => {
                    let check = closure(node);
                    quote! { ::std::option::Option::Some(&#check) }
                }
                None => quote! { ::std::option::Option::None },
            };
            let (then, otherwise) = (branch(then), branch(otherwise));
            Check::Code(quote! {
                ::deg_contracts_runtime::check_conditional(value, location, &#condition, #then, #otherwise, out);
            })
        }
        Shape::All(parts) => {
            let parts = parts.iter().map(check_node);
            Check::Code(quote! { #(#parts)* })
        }
        Shape::Typeless(parts) => {
            let parts = parts.iter().filter_map(|part| {
                let test = quote::format_ident!("{}", part.shape.part_type()?.test_method());
                let check = check_node(part);
                Some(quote! { if value.#test() { #check } })
            });
            Check::Code(quote! { #(#parts)* })
        }
    }
}

/// A node's checks as a closure over `value`, `location` and `out`, for the rules that run a
/// schema on the side (`not`, `if`).
fn closure(node: &Node) -> TokenStream {
    let check = check_node(node);
    if check.is_empty() {
        return quote! { |_: &::deg_contracts_runtime::json::Value<'_>, _: &::deg_contracts_runtime::Location<'_>, _: &mut ::deg_contracts_runtime::Collector| {} };
    }
    quote! {
        |value: &::deg_contracts_runtime::json::Value<'_>, location: &::deg_contracts_runtime::Location<'_>, out: &mut ::deg_contracts_runtime::Collector| { #check }
    }
}

fn option_literal(value: Option<u64>) -> TokenStream {
    match value {
        Some(value) => quote! { ::std::option::Option::Some(#value) },
        None => quote! { ::std::option::Option::None },
    }
}
