//! The verdict fast path: for every type, a seed that validates while serde_json parses, so
//! `verdict(bytes)` needs no `Value`. Shapes that cannot be checked in one pass (anyOf,
//! oneOf, a role object whose discriminator is not its first member) buffer a `Value` and use
//! the ordinary validator; so does any struct this module cannot stream.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::Kinds;
use deg_contracts_ir::ir::{
    AdditionalRule, Module, Node, RoleUnion, Shape, Struct, TypeDef, TypeKind, TypeRef,
};
use deg_contracts_ir::role_rule::declared_inputs;

fn seed_path(ty: &TypeRef) -> TokenStream {
    let module = format_ident!("{}", ty.module);
    let name = format_ident!("{}", ty.name);
    quote! { crate::#module::seeds::#name }
}

fn state_path(ty: &TypeRef) -> TokenStream {
    let module = format_ident!("{}", ty.module);
    let name = format_ident!("{}State", ty.name);
    quote! { crate::#module::seeds::#name }
}

fn option(value: Option<u64>) -> TokenStream {
    match value {
        Some(value) => quote! { ::std::option::Option::Some(#value) },
        None => quote! { ::std::option::Option::None },
    }
}

fn option_f64(value: Option<f64>) -> TokenStream {
    match value {
        Some(value) => {
            let value = Literal::f64_unsuffixed(value);
            quote! { ::std::option::Option::Some(#value) }
        }
        None => quote! { ::std::option::Option::None },
    }
}

/// The seed expression for a node.
fn seed(node: &Node, check: &dyn Fn(&Node) -> TokenStream) -> TokenStream {
    let fast = quote! { ::deg_contracts_runtime::fast };
    let inner = match &node.shape {
        Shape::Any => return quote! { #fast::ANY },
        Shape::RoleInput(declared) => {
            let declared = super::input_type_path(*declared);
            return quote! { #fast::RoleInputSeed(#declared) };
        }
        Shape::Boolean => quote! { #fast::BoolSeed },
        Shape::Number(bounds) | Shape::Integer(bounds) if !bounds.has_more_than_range() => {
            let (minimum, maximum) = (option_f64(bounds.minimum), option_f64(bounds.maximum));
            let integer = matches!(node.shape, Shape::Integer(_));
            quote! { #fast::NumberSeed { minimum: #minimum, maximum: #maximum, integer: #integer } }
        }
        Shape::String(rules) => {
            let format = match &rules.format {
                Some(format) => {
                    let format = super::format_path(*format);
                    quote! { ::std::option::Option::Some(#format) }
                }
                None => quote! { ::std::option::Option::None },
            };
            let (min, max) = (option(rules.min_length), option(rules.max_length));
            let pattern = match &rules.pattern {
                Some(pattern) => {
                    let pattern = super::pattern_static(pattern);
                    quote! { ::std::option::Option::Some(#pattern) }
                }
                None => quote! { ::std::option::Option::None },
            };
            quote! { #fast::StrSeed { format: #format, min_length: #min, max_length: #max, pattern: #pattern } }
        }
        Shape::Named(ty) => seed_path(ty),
        Shape::Array {
            items,
            min_items,
            max_items,
            unique_items: false,
            prefix_items,
            contains: None,
        } if prefix_items.is_empty() => {
            let items = seed(items, check);
            let (min, max) = (option(*min_items), option(*max_items));
            quote! { #fast::ArraySeed { items: #items, min_items: #min, max_items: #max } }
        }
        Shape::Null
        | Shape::Never
        | Shape::Values(_)
        | Shape::Not(_)
        | Shape::Conditional { .. }
        | Shape::All(_)
        | Shape::Array { .. }
        | Shape::Number(_)
        | Shape::Integer(_)
        | Shape::AnyOf(_)
        | Shape::OneOf(_)
        | Shape::Typeless(_) => {
            let body = check(&Node {
                nullable: false,
                ..node.clone()
            });
            quote! {
                #fast::ValueSeed(|value: &::deg_contracts_runtime::json::Value<'_>, location: &::deg_contracts_runtime::Location<'_>, out: &mut ::deg_contracts_runtime::Collector| { #body })
            }
        }
    };
    if node.nullable {
        quote! { #fast::NullableSeed(#inner) }
    } else {
        inner
    }
}

/// The `seeds` module of one generated module.
pub fn emit(
    module: &Module,
    kinds: &Kinds<'_>,
    role_inputs: &BTreeSet<TypeRef>,
    check: &dyn Fn(&Node) -> TokenStream,
) -> TokenStream {
    let items = module.types.iter().map(|def| {
        let ty = TypeRef {
            module: module.name.clone(),
            name: def.name.clone(),
        };
        emit_type(def, &ty, kinds, role_inputs, check)
    });
    quote! {
        /// Verdict-only validators that check while parsing; see `::deg_contracts_runtime::fast`.
        pub(crate) mod seeds {
            #(#items)*
        }
    }
}

fn emit_type(
    def: &TypeDef,
    ty: &TypeRef,
    kinds: &Kinds<'_>,
    role_inputs: &BTreeSet<TypeRef>,
    check: &dyn Fn(&Node) -> TokenStream,
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let fast = quote! { ::deg_contracts_runtime::fast };
    let unit_seed = |body: TokenStream| {
        quote! {
            #[derive(Clone, Copy)]
            pub struct #name;
            impl<'de> ::serde::de::DeserializeSeed<'de> for #name {
                type Value = ();
                fn deserialize<D: ::serde::Deserializer<'de>>(self, deserializer: D) -> ::std::result::Result<(), D::Error> {
                    #body
                }
            }
        }
    };
    match &def.kind {
        TypeKind::Enum(_) => {
            unit_seed(quote! { #fast::EnumSeed(super::#name::VALUES).deserialize(deserializer) })
        }
        TypeKind::Alias(node) => {
            let inner = seed(node, check);
            unit_seed(
                quote! { ::serde::de::DeserializeSeed::deserialize(#inner, deserializer).map(drop) },
            )
        }
        TypeKind::RoleUnion(union) => emit_union(&name, union),
        TypeKind::Struct(object) => {
            let dispatched = kinds.values().any(|kind| match kind {
                TypeKind::RoleUnion(union) => union.variants.iter().any(|v| &v.ty == ty),
                _ => false,
            });
            let seed = emit_struct(
                &name,
                object,
                role_inputs.contains(ty),
                dispatched,
                kinds,
                check,
            );
            match seed {
                Some(tokens) => tokens,
                None => unit_seed(
                    quote! { #fast::ValueSeed(super::#name::check).deserialize(deserializer) },
                ),
            }
        }
    }
}

/// A streaming struct: a state that takes one member at a time, and the seed that drives it.
/// None when the struct needs the `Value` path.
fn emit_struct(
    name: &proc_macro2::Ident,
    object: &Struct,
    reports_inputs: bool,
    dispatched: bool,
    kinds: &Kinds<'_>,
    check: &dyn Fn(&Node) -> TokenStream,
) -> Option<TokenStream> {
    if object.min_properties.is_some()
        || object.max_properties.is_some()
        || !object.members.is_empty()
    {
        // Counting members needs them all: the `Value` path.
        return None;
    }
    let fast = quote! { ::deg_contracts_runtime::fast };
    let state = format_ident!("{}State", name);
    let count = object.fields.len();
    let mut arms = Vec::new();
    // The filled-role rule: which of the inputs struct's fields must be provided.
    let filled_rule = match declared_inputs(object) {
        Some((inputs_ty, required, role)) => {
            let Some(TypeKind::Struct(inputs)) = kinds.get(inputs_ty) else {
                return None;
            };
            let indices: Option<Vec<usize>> = required
                .iter()
                .map(|input| {
                    inputs
                        .fields
                        .iter()
                        .position(|field| &field.json_name == input)
                })
                .collect();
            Some((indices?, inputs.fields.len(), role))
        }
        None => None,
    };
    for (index, field) in object.fields.iter().enumerate() {
        let json = &field.json_name;
        let read = if filled_rule
            .as_ref()
            .is_some_and(|(.., role)| *json == role.inputs)
        {
            let seed = seed(
                &Node {
                    nullable: false,
                    ..field.node.clone()
                },
                check,
            );
            if field.node.nullable {
                quote! { self.inputs = map.next_value_seed(#fast::NullableSeed(#seed))?; }
            } else {
                quote! { self.inputs = ::std::option::Option::Some(map.next_value_seed(#seed)?); }
            }
        } else if filled_rule
            .as_ref()
            .is_some_and(|(.., role)| *json == role.filled)
        {
            if !matches!(field.node.shape, Shape::Boolean) || field.node.nullable {
                return None;
            }
            quote! { self.filled = map.next_value::<bool>()?; }
        } else if reports_inputs && matches!(field.node.shape, Shape::RoleInput(_)) {
            let seed = seed(&field.node, check);
            quote! { self.provided[#index] = map.next_value_seed(#seed)?; }
        } else {
            let seed = seed(&field.node, check);
            quote! { map.next_value_seed(#seed)?; }
        };
        arms.push(quote! { #json => { self.seen[#index] = true; #read } });
    }
    if let Some(jsonld) = &object.jsonld_type {
        if !object
            .fields
            .iter()
            .any(|field| field.json_name == "@context")
        {
            arms.push(quote! { "@context" => { map.next_value_seed(#fast::ANY)?; } });
        }
        if !object.fields.iter().any(|field| field.json_name == "@type") {
            arms.push(
                quote! { "@type" => { map.next_value_seed(#fast::JsonLdTypeSeed(#jsonld))?; } },
            );
        }
    }
    let otherwise = match &object.additional {
        AdditionalRule::Forbidden => quote! { return ::std::result::Result::Err(#fast::reject()); },
        AdditionalRule::Allowed => quote! { map.next_value_seed(#fast::ANY)?; },
        AdditionalRule::Typed(node) => {
            let seed = seed(node, check);
            quote! { map.next_value_seed(#seed)?; }
        }
    };
    let names: Vec<&String> = object.fields.iter().map(|field| &field.json_name).collect();
    let dispatch = if arms.is_empty() {
        quote! {
            let _ = key;
            #otherwise
        }
    } else {
        quote! {
            match key {
                #(#arms)*
                _ => { #otherwise }
            }
        }
    };
    let required: Vec<usize> = object
        .fields
        .iter()
        .enumerate()
        .filter(|(_, field)| field.required.is_some())
        .map(|(index, _)| index)
        .collect();
    let (inputs_field, inputs_init, filled_check) = match &filled_rule {
        Some((indices, inputs, _)) => (
            quote! { inputs: ::std::option::Option<[bool; #inputs]>, filled: bool, },
            quote! { inputs: ::std::option::Option::None, filled: false, },
            quote! {
                if self.filled {
                    let provided = self.inputs.unwrap_or([false; #inputs]);
                    const REQUIRED_INPUTS: &[usize] = &[#(#indices),*];
                    if REQUIRED_INPUTS.iter().any(|&index| !provided[index]) {
                        return ::std::result::Result::Err(#fast::reject());
                    }
                }
            },
        ),
        None => (quote! {}, quote! {}, quote! {}),
    };
    let (provided_field, provided_init, result_type, result) = if reports_inputs {
        (
            quote! { provided: [bool; #count], },
            quote! { provided: [false; #count], },
            quote! { [bool; #count] },
            quote! { self.provided },
        )
    } else {
        (quote! {}, quote! {}, quote! { () }, quote! { () })
    };
    // Only a union's variants are handed a member their caller already read.
    let mark_seen = dispatched.then(|| {
        quote! {
            /// Records a member its caller has already read and checked.
            pub fn mark_seen(&mut self, key: &str) {
                const FIELDS: &[&str] = &[#(#names),*];
                if let ::std::option::Option::Some(index) = FIELDS.iter().position(|field| *field == key) {
                    self.seen[index] = true;
                }
            }
        }
    });
    Some(quote! {
        #[derive(Clone, Copy)]
        pub struct #name;

        /// Members seen so far while streaming one object.
        pub struct #state {
            seen: [bool; #count],
            #inputs_field
            #provided_field
        }

        impl #state {
            pub fn new() -> Self {
                Self { seen: [false; #count], #inputs_init #provided_init }
            }

            #mark_seen

            /// Reads and checks the value of member `key`.
            pub fn entry<'de, A: ::serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> ::std::result::Result<(), A::Error> {
                #dispatch
                ::std::result::Result::Ok(())
            }

            /// Checks what the members together must satisfy.
            pub fn finish<E: ::serde::de::Error>(self) -> ::std::result::Result<#result_type, E> {
                const REQUIRED: &[usize] = &[#(#required),*];
                if REQUIRED.iter().any(|&index| !self.seen[index]) {
                    return ::std::result::Result::Err(#fast::reject());
                }
                #filled_check
                ::std::result::Result::Ok(#result)
            }
        }

        impl ::std::default::Default for #state {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<'de> ::serde::de::DeserializeSeed<'de> for #name {
            type Value = #result_type;
            fn deserialize<D: ::serde::Deserializer<'de>>(self, deserializer: D) -> ::std::result::Result<Self::Value, D::Error> {
                deserializer.deserialize_map(self)
            }
        }

        impl<'de> ::serde::de::Visitor<'de> for #name {
            type Value = #result_type;
            fn expecting(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str("an object")
            }
            fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<Self::Value, A::Error> {
                let mut state = #state::new();
                while let ::std::option::Option::Some(key) = map.next_key::<#fast::Key<'de>>()? {
                    state.entry(key.as_str(), &mut map)?;
                }
                state.finish()
            }
        }
    })
}

/// A role union streams the variant its first member names; anything else is buffered.
fn emit_union(name: &proc_macro2::Ident, union: &RoleUnion) -> TokenStream {
    let fast = quote! { ::deg_contracts_runtime::fast };
    let discriminator = &union.discriminator;
    let arms = union.variants.iter().map(|variant| {
        let values = &variant.values;
        let state = state_path(&variant.ty);
        quote! {
            #(#values)|* => {
                let mut state = #state::new();
                state.mark_seen(#discriminator);
                while let ::std::option::Option::Some(key) = map.next_key::<#fast::Key<'de>>()? {
                    state.entry(key.as_str(), &mut map)?;
                }
                return state.finish();
            }
        }
    });
    quote! {
        #[derive(Clone, Copy)]
        pub struct #name;

        impl<'de> ::serde::de::DeserializeSeed<'de> for #name {
            type Value = ();
            fn deserialize<D: ::serde::Deserializer<'de>>(self, deserializer: D) -> ::std::result::Result<(), D::Error> {
                deserializer.deserialize_map(self)
            }
        }

        impl<'de> ::serde::de::Visitor<'de> for #name {
            type Value = ();
            fn expecting(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str("a role object")
            }
            fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<(), A::Error> {
                let ::std::option::Option::Some(key) = map.next_key::<#fast::Key<'de>>()? else {
                    let empty = ::serde_json::Value::Object(::serde_json::Map::new());
                    return if #fast::passes(super::#name::check, &empty) { ::std::result::Result::Ok(()) } else { ::std::result::Result::Err(#fast::reject()) };
                };
                let first = if key.as_str() == #discriminator {
                    // Nearly always a string: borrow it, and stream the variant it names.
                    let role = map.next_value::<#fast::Key<'de>>()?;
                    match role.as_str() {
                        #(#arms)*
                        _ => {}
                    }
                    ::serde_json::Value::String(role.0.into_owned())
                } else {
                    map.next_value::<::serde_json::Value>()?
                };
                let value = #fast::rest_of_map((key.0.into_owned(), first), &mut map)?;
                if #fast::passes(super::#name::check, &value) { ::std::result::Result::Ok(()) } else { ::std::result::Result::Err(#fast::reject()) }
            }
        }
    }
}
