//! The Rust type that holds a value of each IR shape.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use deg_contracts_ir::ir::{Format, InputType, Node, Shape, TypeRef};

/// The path of a generated type.
pub fn path(ty: &TypeRef) -> TokenStream {
    let module = format_ident!("{}", ty.module);
    let name = format_ident!("{}", ty.name);
    quote! { crate::#module::#name }
}

/// The Rust type of a node, without the nullability wrapper.
pub fn value_type(node: &Node) -> TokenStream {
    match &node.shape {
        Shape::Any
        | Shape::Null
        | Shape::Never
        | Shape::Values(_)
        | Shape::Not(_)
        | Shape::Conditional { .. }
        | Shape::All(_)
        | Shape::AnyOf(_)
        | Shape::OneOf(_)
        | Shape::Typeless(_) => {
            quote! { ::serde_json::Value }
        }
        Shape::Boolean => quote! { bool },
        Shape::Integer(_) | Shape::Number(_) => quote! { ::serde_json::Number },
        Shape::String(rules) if rules.format == Some(Format::DateTime) => {
            quote! { ::deg_contracts_runtime::DateTime }
        }
        Shape::String(_) => quote! { ::std::string::String },
        Shape::Named(ty) => path(ty),
        Shape::Array { items, .. } => {
            let item = field_type(items);
            quote! { ::std::vec::Vec<#item> }
        }
        Shape::RoleInput(declared) => {
            let inner = match declared {
                InputType::Number => quote! { ::serde_json::Number },
                InputType::String => quote! { ::std::string::String },
                InputType::DateTime => quote! { ::deg_contracts_runtime::DateTime },
                InputType::Boolean => quote! { bool },
                InputType::Duration
                | InputType::OfferCurve
                | InputType::Route
                | InputType::Object
                | InputType::Any => quote! { ::serde_json::Value },
            };
            quote! { ::deg_contracts_runtime::RoleInputSlot<#inner> }
        }
    }
}

/// Whether the value type already represents null itself.
pub fn holds_null(node: &Node) -> bool {
    matches!(
        node.shape,
        Shape::Any
            | Shape::Null
            | Shape::Never
            | Shape::Values(_)
            | Shape::Not(_)
            | Shape::Conditional { .. }
            | Shape::All(_)
            | Shape::AnyOf(_)
            | Shape::OneOf(_)
            | Shape::RoleInput(_)
            | Shape::Typeless(_)
    )
}

/// The type of a present value: nullable shapes that cannot hold null are wrapped.
pub fn field_type(node: &Node) -> TokenStream {
    let value = value_type(node);
    if node.nullable && !holds_null(node) {
        quote! { ::deg_contracts_runtime::Nullable<#value> }
    } else {
        value
    }
}
