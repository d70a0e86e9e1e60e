//! Type definitions: structs, string enums and role unions, with serde and role accessors.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Kinds;
use super::rust_types::{field_type, holds_null, path};
use deg_contracts_ir::ir::{
    AdditionalRule, InputType, Node, RoleUnion, Shape, Struct, TypeDef, TypeKind, TypeRef,
};
use deg_contracts_ir::naming;

/// The definition of one type.
pub fn emit(def: &TypeDef, kinds: &Kinds<'_>) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let doc = doc_attrs(def.doc.as_deref(), &def.location.to_string());
    let owner = kinds
        .iter()
        .find(|(_, kind)| std::ptr::eq(**kind, &def.kind))
        .map(|(ty, _)| ty.clone());
    let boxed = |node: &Node, ty: TokenStream| match &owner {
        Some(owner) if holds_directly(node, owner, kinds, &mut BTreeSet::new()) => {
            quote! { ::std::boxed::Box<#ty> }
        }
        _ => ty,
    };
    match &def.kind {
        TypeKind::Struct(fields) => {
            let taken = |candidate: &str| {
                owner.as_ref().is_some_and(|owner| {
                    kinds
                        .keys()
                        .any(|ty| ty.module == owner.module && ty.name == candidate)
                })
            };
            emit_struct(&name, &doc, fields, kinds, &boxed, &taken)
        }
        TypeKind::Enum(values) => emit_enum(&name, &doc, values),
        TypeKind::RoleUnion(union) => emit_union(&name, &doc, union),
        TypeKind::Alias(node) if distinct_branches(node, kinds).is_some() => {
            emit_untagged(&name, &doc, node, kinds, &boxed)
        }
        TypeKind::Alias(node) => {
            let target = boxed(node, field_type(node));
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
    }
}

/// The JSON kind each branch of an anyOf or oneOf accepts, when every branch accepts a kind of
/// its own (so the value's kind alone says which branch it is): a Rust enum then holds it
/// exactly. `None` for anything else.
fn distinct_branches(node: &Node, kinds: &Kinds<'_>) -> Option<Vec<&'static str>> {
    let (Shape::AnyOf(branches) | Shape::OneOf(branches)) = &node.shape else {
        return None;
    };
    let found: Option<Vec<&'static str>> = branches
        .iter()
        .map(|branch| json_kind(branch, kinds, 0))
        .collect();
    let found = found?;
    let distinct = found
        .iter()
        .enumerate()
        .all(|(i, kind)| !found[..i].contains(kind));
    (distinct && !node.nullable && branches.iter().all(|branch| !branch.nullable)).then_some(found)
}

/// The one JSON kind a node accepts, if it accepts only one.
fn json_kind(node: &Node, kinds: &Kinds<'_>, depth: usize) -> Option<&'static str> {
    match &node.shape {
        Shape::Boolean => Some("boolean"),
        Shape::Integer(_) | Shape::Number(_) => Some("number"),
        Shape::String(_) => Some("string"),
        Shape::Array { .. } => Some("array"),
        Shape::Null => Some("null"),
        Shape::Named(ty) if depth < 8 => match kinds.get(ty)? {
            TypeKind::Struct(_) => Some("object"),
            TypeKind::Enum(_) => Some("string"),
            TypeKind::Alias(inner) => json_kind(inner, kinds, depth + 1),
            TypeKind::RoleUnion(_) => Some("object"),
        },
        _ => None,
    }
}

/// A union whose branches take distinct JSON kinds, as an untagged Rust enum: one variant per
/// branch, named by the kind it takes.
fn emit_untagged(
    name: &proc_macro2::Ident,
    doc: &TokenStream,
    node: &Node,
    kinds: &Kinds<'_>,
    boxed: &dyn Fn(&Node, TokenStream) -> TokenStream,
) -> TokenStream {
    let (Shape::AnyOf(branches) | Shape::OneOf(branches)) = &node.shape else {
        unreachable!("only unions are emitted as untagged enums")
    };
    let found = distinct_branches(node, kinds).unwrap_or_default();
    let variants = branches.iter().zip(found).map(|(branch, kind)| {
        let variant = format_ident!("{}", naming::camel(kind));
        let ty = boxed(branch, field_type(branch));
        let what = format!(" A value of the branch that takes {kind}s.");
        quote! {
            #[doc = #what]
            #variant(#ty),
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// Whether a value of `node` holds an `owner` in place, through its own fields (not through a
/// `Vec` or a JSON value, which hold theirs on the heap): a type that holds itself so needs a
/// `Box` to have a size.
fn holds_directly(
    node: &Node,
    owner: &TypeRef,
    kinds: &Kinds<'_>,
    seen: &mut BTreeSet<TypeRef>,
) -> bool {
    let Shape::Named(ty) = &node.shape else {
        return false;
    };
    if ty == owner {
        return true;
    }
    if !seen.insert(ty.clone()) {
        return false;
    }
    match kinds.get(ty) {
        Some(TypeKind::Struct(object)) => object
            .fields
            .iter()
            .any(|field| holds_directly(&field.node, owner, kinds, seen)),
        Some(TypeKind::Alias(inner)) => holds_directly(inner, owner, kinds, seen),
        Some(TypeKind::RoleUnion(union)) => union
            .variants
            .iter()
            .map(|variant| &variant.ty)
            .chain(&union.fallback)
            .any(|variant| {
                let node = Node {
                    location: node.location.clone(),
                    nullable: false,
                    shape: Shape::Named(variant.clone()),
                };
                holds_directly(&node, owner, kinds, seen)
            }),
        _ => false,
    }
}

/// Rustdoc from the schema's description, and where the schema is.
pub fn doc_attrs(description: Option<&str>, location: &str) -> TokenStream {
    let mut lines: Vec<String> = description
        .map(|text| {
            text.trim()
                .lines()
                .map(|line| format!(" {}", line.trim()))
                .collect()
        })
        .unwrap_or_default();
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(format!(" Schema: `{location}`"));
    quote! { #(#[doc = #lines])* }
}

/// Rust names for a struct's members, unique within the struct.
pub(super) struct Names(BTreeSet<String>);

impl Names {
    /// Names, with `taken` already in use.
    pub(super) fn reserving(taken: &[&str]) -> Names {
        Names(taken.iter().map(|name| (*name).to_owned()).collect())
    }

    pub(super) fn take(&mut self, wanted: &str) -> proc_macro2::Ident {
        let mut name = wanted.to_owned();
        let mut n = 2;
        while !self.0.insert(name.clone()) {
            name = format!("{wanted}_{n}");
            n += 1;
        }
        match name.strip_prefix("r#") {
            Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
            None => format_ident!("{}", name),
        }
    }
}

fn emit_struct(
    name: &proc_macro2::Ident,
    doc: &TokenStream,
    def: &Struct,
    kinds: &Kinds<'_>,
    boxed: &dyn Fn(&Node, TokenStream) -> TokenStream,
    taken: &dyn Fn(&str) -> bool,
) -> TokenStream {
    let mut names = Names(BTreeSet::new());
    let mut fields = Vec::new();
    let mut accessors = Vec::new();
    // Members that are unions of distinct JSON kinds get an enum of their own, named after
    // the struct and the member (unless a type of that name exists, when they stay a Value).
    let mut unions = Vec::new();
    for field in &def.fields {
        let ident = names.take(&naming::field_name(&field.json_name));
        let json = &field.json_name;
        // The union is the member itself, or each item of an array member.
        let (union_node, union_name) = match &field.node.shape {
            Shape::Array { items, .. } => (
                items.as_ref(),
                format!("{name}{}Item", naming::type_name(json)),
            ),
            _ => (&field.node, format!("{name}{}", naming::type_name(json))),
        };
        let own_enum = distinct_branches(union_node, kinds).is_some() && !taken(&union_name);
        let union_ident = format_ident!("{union_name}");
        if own_enum {
            let union_doc = doc_attrs(field.doc.as_deref(), &union_node.location.to_string());
            unions.push(emit_untagged(
                &union_ident,
                &union_doc,
                union_node,
                kinds,
                boxed,
            ));
        }
        let field_doc = doc_attrs(field.doc.as_deref(), &field.node.location.to_string());
        let ty = match (own_enum, &field.node.shape) {
            (true, Shape::Array { .. }) if field.node.nullable => {
                quote! { ::deg_contracts_runtime::Nullable<::std::vec::Vec<#union_ident>> }
            }
            (true, Shape::Array { .. }) => quote! { ::std::vec::Vec<#union_ident> },
            (true, _) => quote! { #union_ident },
            (false, _) => boxed(&field.node, field_type(&field.node)),
        };
        let can_be_null = field.node.nullable || holds_null(&field.node);
        fields.push(if field.required.is_some() {
            quote! {
                #field_doc
                #[serde(rename = #json)]
                pub #ident: #ty,
            }
        } else if can_be_null {
            quote! {
                #field_doc
                #[serde(
                    rename = #json,
                    default,
                    skip_serializing_if = "Option::is_none",
                    deserialize_with = "::deg_contracts_runtime::present"
                )]
                pub #ident: ::std::option::Option<#ty>,
            }
        } else {
            quote! {
                #field_doc
                #[serde(rename = #json, default, skip_serializing_if = "Option::is_none")]
                pub #ident: ::std::option::Option<#ty>,
            }
        });
        if let Some(union) = role_union_items(&field.node.shape, kinds) {
            accessors.extend(role_accessors(&ident, field.required.is_some(), union));
        }
        if let Shape::RoleInput(declared) = field.node.shape {
            accessors.push(role_input_accessor(
                &ident,
                json,
                declared,
                field.required.is_some(),
            ));
        }
    }
    if def.jsonld_type.is_some() {
        for (json, wanted, what) in [
            ("@context", "context", "The JSON-LD context, as written."),
            ("@type", "jsonld_type", "The JSON-LD type, as written."),
        ] {
            if def.fields.iter().any(|field| field.json_name == json) {
                continue;
            }
            let ident = names.take(wanted);
            fields.push(quote! {
                #[doc = #what]
                #[serde(
                    rename = #json,
                    default,
                    skip_serializing_if = "Option::is_none",
                    deserialize_with = "::deg_contracts_runtime::present"
                )]
                pub #ident: ::std::option::Option<::serde_json::Value>,
            });
        }
    }
    match &def.additional {
        AdditionalRule::Forbidden => {}
        AdditionalRule::Allowed => {
            let ident = names.take("additional_properties");
            fields.push(quote! {
                /// Members the schema does not declare, kept as written.
                #[serde(flatten)]
                pub #ident: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            });
        }
        AdditionalRule::Typed(node) => {
            let ident = names.take("additional_properties");
            let ty = field_type(node);
            fields.push(quote! {
                /// Members the schema does not declare, each of the type it gives them.
                #[serde(flatten)]
                pub #ident: ::std::collections::BTreeMap<::std::string::String, #ty>,
            });
        }
    }
    if let Some(type_name) = &def.jsonld_type {
        accessors.insert(
            0,
            quote! {
                /// The JSON-LD `@type` that selects this schema.
                pub const TYPE_NAME: &'static str = #type_name;
            },
        );
    }
    let accessors = (!accessors.is_empty()).then(|| {
        quote! {
            impl #name {
                #(#accessors)*
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }
        #accessors
        #(#unions)*
    }
}

/// The role union an array field's items are, if any.
fn role_union_items<'k>(shape: &Shape, kinds: &Kinds<'k>) -> Option<(&'k RoleUnion, TypeRef)> {
    let Shape::Array { items, .. } = shape else {
        return None;
    };
    let Shape::Named(ty) = &items.shape else {
        return None;
    };
    match kinds.get(ty) {
        Some(TypeKind::RoleUnion(union)) => Some((union, ty.clone())),
        _ => None,
    }
}

fn role_accessors(
    field: &proc_macro2::Ident,
    required: bool,
    (union, union_ty): (&RoleUnion, TypeRef),
) -> Vec<TokenStream> {
    let union_path = path(&union_ty);
    let roles = if required {
        quote! { self.#field.iter() }
    } else {
        quote! { self.#field.iter().flatten() }
    };
    union
        .variants
        .iter()
        .map(|variant| {
            let accessor = format_ident!("{}", variant.accessor);
            let variant_name = format_ident!("{}", variant.name);
            let ty = path(&variant.ty);
            let doc = format!(
                " The first role of kind {}, if the contract lists one.",
                variant.values.join(" or ")
            );
            quote! {
                #[doc = #doc]
                pub fn #accessor(&self) -> ::std::option::Option<&#ty> {
                    #roles.find_map(|role| match role {
                        #union_path::#variant_name(inner) => ::std::option::Option::Some(inner),
                        _ => ::std::option::Option::None,
                    })
                }
            }
        })
        .collect()
}

/// Rust variant names for enum values, unique within the enum.
pub fn variant_names(values: &[String]) -> Vec<proc_macro2::Ident> {
    let mut seen = BTreeSet::new();
    values
        .iter()
        .map(|value| {
            let base = match naming::camel(value) {
                camel if camel == "Unnamed" => "Empty".to_owned(),
                camel => camel,
            };
            let mut name = base.clone();
            let mut n = 2;
            while !seen.insert(name.clone()) {
                name = format!("{base}{n}");
                n += 1;
            }
            format_ident!("{}", name)
        })
        .collect()
}

fn emit_enum(name: &proc_macro2::Ident, doc: &TokenStream, values: &[String]) -> TokenStream {
    let variants = variant_names(values);
    // Each variant's doc is its JSON value; rustdoc has no empty line to show for `""`.
    let docs = values.iter().map(|value| {
        if value.is_empty() {
            "The empty string.".to_owned()
        } else {
            value.clone()
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        pub enum #name {
            #(
                #[doc = #docs]
                #[serde(rename = #values)]
                #variants,
            )*
        }

        impl #name {
            /// Every value, as written in JSON.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as written in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    #(Self::#variants => #values,)*
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::deg_contracts_runtime::UnknownValue;

            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                match text {
                    #(#values => ::std::result::Result::Ok(Self::#variants),)*
                    _ => ::std::result::Result::Err(::deg_contracts_runtime::UnknownValue {
                        value: text.to_owned(),
                        expected: Self::VALUES,
                    }),
                }
            }
        }
    }
}

fn emit_union(name: &proc_macro2::Ident, doc: &TokenStream, union: &RoleUnion) -> TokenStream {
    let discriminator = &union.discriminator;
    let variant_idents: Vec<_> = union
        .variants
        .iter()
        .map(|variant| format_ident!("{}", variant.name))
        .collect();
    let variant_types: Vec<_> = union
        .variants
        .iter()
        .map(|variant| path(&variant.ty))
        .collect();
    let variant_docs: Vec<String> = union
        .variants
        .iter()
        .map(|variant| {
            format!(
                " A role whose `{discriminator}` is {}.",
                variant.values.join(" or ")
            )
        })
        .collect();
    let patterns: Vec<TokenStream> = union
        .variants
        .iter()
        .map(|variant| {
            let values = &variant.values;
            quote! { #(#values)|* }
        })
        .collect();
    let (other_variant, other_serialize, other_deserialize) = match &union.fallback {
        Some(fallback) => {
            let ty = path(fallback);
            (
                quote! {
                    /// A role no specialised variant claims.
                    Other(#ty),
                },
                quote! { Self::Other(inner) => inner.serialize(serializer), },
                quote! { _ => ::serde_json::from_value(value).map(Self::Other), },
            )
        }
        None => (
            quote! {},
            quote! {},
            quote! {
                _ => ::std::result::Result::Err(<::serde_json::Error as ::serde::de::Error>::custom(
                    "no variant for this role",
                )),
            },
        ),
    };
    quote! {
        #doc
        // Roles differ in size by design; boxing them would only complicate matching.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variant_idents(#variant_types),
            )*
            #other_variant
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(Self::#variant_idents(inner) => inner.serialize(serializer),)*
                    #other_serialize
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let parsed = match value.get(#discriminator).and_then(::serde_json::Value::as_str) {
                    #(::std::option::Option::Some(#patterns) => ::serde_json::from_value(value).map(Self::#variant_idents),)*
                    #other_deserialize
                };
                parsed.map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    }
}

/// One accessor per role input that hides the ways of not giving it (absent, null, verbose
/// without a value, verbose with a null value), typed by its declared type: numbers as exact
/// decimals, never `f64`.
fn role_input_accessor(
    ident: &proc_macro2::Ident,
    json: &str,
    declared: InputType,
    required: bool,
) -> TokenStream {
    let slot = if required {
        quote! { self.#ident.value() }
    } else {
        quote! { self.#ident.as_ref()?.value() }
    };
    let (ty, read) = match declared {
        InputType::Number => (
            quote! { ::deg_contracts_runtime::Decimal },
            quote! { #slot.and_then(::deg_contracts_runtime::decimal) },
        ),
        InputType::String => (
            quote! { &str },
            quote! { #slot.map(::std::string::String::as_str) },
        ),
        InputType::DateTime => (
            quote! { &::deg_contracts_runtime::DateTime },
            quote! { #slot },
        ),
        InputType::Boolean => (quote! { bool }, quote! { #slot.copied() }),
        InputType::Duration
        | InputType::OfferCurve
        | InputType::Route
        | InputType::Object
        | InputType::Any => (quote! { &::serde_json::Value }, quote! { #slot }),
    };
    let doc = format!(" `{json}`, in whichever form it is given; `None` when it is not.");
    quote! {
        #[doc = #doc]
        pub fn #ident(&self) -> ::std::option::Option<#ty> {
            #read
        }
    }
}
