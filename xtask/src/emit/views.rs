//! Read-only views (`…View<'a>`) over untyped JSON, one per struct and role union, with one
//! accessor per member the schema declares. They tolerate invalid data (an accessor answers
//! `None`), so the business rules can read any object the schema check let through, and a
//! member renamed in the schema renames its accessor, which the rules then fail to compile
//! against instead of silently reading nothing.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Kinds;
use super::types::Names;
use deg_contracts_ir::ir::{Module, RoleUnion, Shape, Struct, TypeDef, TypeKind, TypeRef};
use deg_contracts_ir::naming;

/// The `views` submodule of one generated module.
pub fn emit(module: &Module, kinds: &Kinds<'_>) -> TokenStream {
    let views = module.types.iter().filter_map(|def| match &def.kind {
        TypeKind::Struct(object) => Some(struct_view(def, object, kinds)),
        TypeKind::RoleUnion(union) => Some(union_view(def, union)),
        _ => None,
    });
    quote! {
        /// Read-only views that tolerate invalid data, for rules over validated or
        /// unvalidated objects alike.
        pub mod views {
            #(#views)*
        }
    }
}

/// The path of a type's view.
fn view_path(ty: &TypeRef) -> TokenStream {
    let module = format_ident!("{}", ty.module);
    let name = format_ident!("{}View", ty.name);
    quote! { crate::#module::views::#name }
}

/// Whether a type has a view.
fn has_view(ty: &TypeRef, kinds: &Kinds<'_>) -> bool {
    matches!(
        kinds.get(ty),
        Some(TypeKind::Struct(_) | TypeKind::RoleUnion(_))
    )
}

fn header(def: &TypeDef) -> (proc_macro2::Ident, TokenStream) {
    let name = format_ident!("{}View", def.name);
    let doc = format!(
        " A read-only view of a [`{}`](super::{}).",
        def.name, def.name
    );
    let common = quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct #name<'a>(::deg_contracts_runtime::view::Node<'a>);

        impl<'a> ::std::convert::From<::deg_contracts_runtime::view::Node<'a>> for #name<'a> {
            fn from(node: ::deg_contracts_runtime::view::Node<'a>) -> Self {
                #name(node)
            }
        }
    };
    (name, common)
}

fn struct_view(def: &TypeDef, object: &Struct, kinds: &Kinds<'_>) -> TokenStream {
    let (name, common) = header(def);
    let mut names = Names::reserving(&["node"]);
    let mut accessors: Vec<TokenStream> = object
        .fields
        .iter()
        .map(|field| {
            let json = &field.json_name;
            let ident = names.take(&naming::field_name(json));
            let doc = format!(" The `{json}` member.");
            let (ty, read) = accessor(&field.node.shape, json, kinds);
            let constant = constant_name(&ident);
            let constant_doc = format!(" The `{json}` member's name.");
            quote! {
                #[doc = #constant_doc]
                pub const #constant: &'static str = #json;

                #[doc = #doc]
                pub fn #ident(&self) -> #ty {
                    #read
                }
            }
        })
        .collect();
    if let Some(roles) = &object.roles {
        accessors.extend(role_shortcuts(object, &roles.field, kinds, &mut names));
    }
    quote! {
        #common

        impl<'a> #name<'a> {
            /// The viewed value and where it sits.
            pub fn node(&self) -> &::deg_contracts_runtime::view::Node<'a> {
                &self.0
            }

            #(#accessors)*
        }
    }
}

/// The return type and body of a member's accessor.
fn accessor(shape: &Shape, json: &str, kinds: &Kinds<'_>) -> (TokenStream, TokenStream) {
    let node = quote! { ::deg_contracts_runtime::view::Node<'a> };
    match shape {
        Shape::Named(ty) if has_view(ty, kinds) => {
            let view = view_path(ty);
            (
                quote! { ::std::option::Option<#view<'a>> },
                quote! { self.0.member(#json).map(::std::convert::Into::into) },
            )
        }
        Shape::Array { items, .. } => match &items.shape {
            Shape::Named(ty) if has_view(ty, kinds) => {
                let view = view_path(ty);
                (
                    quote! { impl ::std::iter::Iterator<Item = #view<'a>> + use<'a> },
                    quote! { self.0.items_of(#json).map(::std::convert::Into::into) },
                )
            }
            _ => (
                quote! { impl ::std::iter::Iterator<Item = #node> + use<'a> },
                quote! { self.0.items_of(#json) },
            ),
        },
        Shape::RoleInput(_) => (
            quote! { ::std::option::Option<::deg_contracts_runtime::view::Input<'a>> },
            quote! { self.0.member(#json).map(::deg_contracts_runtime::view::Input::new) },
        ),
        _ => (
            quote! { ::std::option::Option<#node> },
            quote! { self.0.member(#json) },
        ),
    }
}

/// On a contract: the first listed role of each specialised kind (`seller()`), through the
/// role union's dispatch.
fn role_shortcuts(
    object: &Struct,
    roles_field: &str,
    kinds: &Kinds<'_>,
    names: &mut Names,
) -> Vec<TokenStream> {
    let union = object
        .fields
        .iter()
        .find(|field| field.json_name == roles_field)
        .and_then(|field| match &field.node.shape {
            Shape::Array { items, .. } => match &items.shape {
                Shape::Named(ty) => match kinds.get(ty) {
                    Some(TypeKind::RoleUnion(union)) => Some((ty, union)),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        });
    let Some((union_ty, union)) = union else {
        return Vec::new();
    };
    let union_view = view_path(union_ty);
    union
        .variants
        .iter()
        .map(|variant| {
            let ident = names.take(&variant.accessor);
            let accessor = format_ident!("{}", variant.accessor);
            let view = view_path(&variant.ty);
            let doc = format!(
                " The first listed role that is a {}, if any.",
                variant.values.join(" or ")
            );
            quote! {
                #[doc = #doc]
                pub fn #ident(&self) -> ::std::option::Option<#view<'a>> {
                    self.0.items_of(#roles_field).find_map(|role| {
                        ::std::convert::Into::<#union_view<'a>>::into(role).#accessor()
                    })
                }
            }
        })
        .collect()
}

fn union_view(def: &TypeDef, union: &RoleUnion) -> TokenStream {
    let (name, common) = header(def);
    let discriminator = &union.discriminator;
    let variants = union.variants.iter().map(|variant| {
        let accessor = format_ident!("{}", variant.accessor);
        let view = view_path(&variant.ty);
        let values = &variant.values;
        let doc = format!(
            " The role as a {}, when it is one.",
            variant.values.join(" or ")
        );
        let constant = constant_name(&accessor);
        let constant_doc = format!(" The names of this kind of role: {}.", values.join(", "));
        quote! {
            #[doc = #constant_doc]
            pub const #constant: &'static [&'static str] = &[#(#values),*];

            #[doc = #doc]
            pub fn #accessor(&self) -> ::std::option::Option<#view<'a>> {
                matches!(self.kind(), ::std::option::Option::Some(#(#values)|*))
                    .then(|| ::std::convert::Into::<#view<'a>>::into(self.0))
            }
        }
    });
    let claimed: Vec<&String> = union
        .variants
        .iter()
        .flat_map(|variant| &variant.values)
        .collect();
    let generic = union.fallback.as_ref().map(|fallback| {
        let view = view_path(fallback);
        quote! {
            /// The role as the generic kind, when no specialised kind claims its name.
            pub fn generic(&self) -> ::std::option::Option<#view<'a>> {
                match self.kind() {
                    ::std::option::Option::Some(#(#claimed)|*) => ::std::option::Option::None,
                    _ => ::std::option::Option::Some(::std::convert::Into::<#view<'a>>::into(self.0)),
                }
            }
        }
    });
    let kind_doc = format!(" The role's kind: its `{discriminator}` member.");
    quote! {
        #common

        impl<'a> #name<'a> {
            /// The viewed value and where it sits.
            pub fn node(&self) -> &::deg_contracts_runtime::view::Node<'a> {
                &self.0
            }

            #[doc = #kind_doc]
            pub fn kind(&self) -> ::std::option::Option<&'a str> {
                self.0.member(#discriminator)?.as_str()
            }

            #(#variants)*
            #generic
        }
    }
}

/// `price_per_kwh` → `PRICE_PER_KWH`, `r#type` → `TYPE`.
fn constant_name(accessor: &proc_macro2::Ident) -> proc_macro2::Ident {
    let name = accessor.to_string();
    format_ident!("{}", name.trim_start_matches("r#").to_uppercase())
}
