//! Emits the generated crate: its manifest, the registry in `lib.rs`, and one module of types
//! and validators per schema file, each formatted by prettyplease.

mod fast;
mod registry;
mod rust_types;
mod types;
mod validate;
mod views;

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::CodegenError;
use crate::write::OutputFile;
use deg_contracts_ir::ir::{Crate, Format, InputType, TypeKind, TypeRef};
use deg_contracts_ir::role_rule;

/// What kind of type each reference names, for code that depends on it (role accessors).
pub(crate) use deg_contracts_ir::role_rule::Kinds;

/// The generated crate's package name.
pub const PACKAGE: &str = "deg-contracts-schema";

/// What the crate root and registry are generated from.
const SOURCES: &str = "the schemas under schema/";

/// Every file of the generated crate.
/// `runtime` is the path of the runtime crate, relative to the generated crate.
pub fn emit(krate: &Crate, runtime: &str) -> Result<Vec<OutputFile>, CodegenError> {
    let kinds = role_rule::kinds(krate);
    let role_inputs = role_rule::role_input_structs(&kinds);
    let mut files = vec![
        OutputFile::new("Cargo.toml", manifest(runtime)),
        OutputFile::new(
            "src/lib.rs",
            rust_file(SOURCES, registry::emit_root(krate), "src/lib.rs")?,
        ),
        OutputFile::new(
            "src/registry.rs",
            rust_file(SOURCES, registry::emit(krate, &kinds), "src/registry.rs")?,
        ),
    ];
    for module in &krate.modules {
        let mut tokens = TokenStream::new();
        let doc = format!(" Types and validators for `{}`.", module.source);
        tokens.extend(quote! { #![doc = #doc] });
        let mut validators = TokenStream::new();
        for def in &module.types {
            let ty = TypeRef {
                module: module.name.clone(),
                name: def.name.clone(),
            };
            let rule = match &def.kind {
                TypeKind::Struct(object) => role_rule::role_rule(object, &ty, &kinds, &role_inputs),
                _ => role_rule::RoleRule::None,
            };
            tokens.extend(types::emit(def, &kinds));
            validators.extend(validate::emit(def, &rule));
        }
        tokens.extend(quote! {
            /// `validate`, `is_valid`, `verdict` and `parse` for every type above, kept apart so
            /// the definitions read cleanly.
            mod validators {
                #[allow(unused_imports)]
                use super::*;
                #validators
            }
        });
        tokens.extend(fast::emit(
            module,
            &kinds,
            &role_inputs,
            &validate::check_node,
        ));
        tokens.extend(views::emit(module, &kinds));
        let path = format!("src/{}.rs", module.name);
        files.push(OutputFile::new(
            &path,
            rust_file(&module.source, tokens, &path)?,
        ));
    }
    Ok(files)
}

/// `::deg_contracts_runtime::Format::<variant>`; a new format fails to compile here first.
pub(crate) fn format_path(format: Format) -> TokenStream {
    let variant = match format {
        Format::DateTime => quote! { DateTime },
        Format::Date => quote! { Date },
        Format::Time => quote! { Time },
        Format::Uri => quote! { Uri },
        Format::Email => quote! { Email },
        Format::Uuid => quote! { Uuid },
        Format::UriReference => quote! { UriReference },
        Format::Iri => quote! { Iri },
        Format::IriReference => quote! { IriReference },
        Format::Hostname => quote! { Hostname },
        Format::IdnHostname => quote! { IdnHostname },
        Format::IdnEmail => quote! { IdnEmail },
        Format::Ipv4 => quote! { Ipv4 },
        Format::Ipv6 => quote! { Ipv6 },
        Format::Duration => quote! { Duration },
        Format::JsonPointer => quote! { JsonPointer },
        Format::RelativeJsonPointer => quote! { RelativeJsonPointer },
        Format::UriTemplate => quote! { UriTemplate },
        Format::Regex => quote! { Regex },
    };
    quote! { ::deg_contracts_runtime::Format::#variant }
}

/// A `&'static Pattern` for `source`, compiled on first use: a block holding its own static,
/// so each place a pattern is checked needs no name for it.
pub(crate) fn pattern_static(source: &str) -> TokenStream {
    quote! {
        {
            static PATTERN: ::deg_contracts_runtime::Pattern = ::deg_contracts_runtime::Pattern::new(#source);
            &PATTERN
        }
    }
}

/// `::deg_contracts_runtime::InputType::<variant>`.
pub(crate) fn input_type_path(declared: InputType) -> TokenStream {
    let variant = match declared {
        InputType::Boolean => quote! { Boolean },
        InputType::Number => quote! { Number },
        InputType::DateTime => quote! { DateTime },
        InputType::Duration => quote! { Duration },
        InputType::OfferCurve => quote! { OfferCurve },
        InputType::String => quote! { String },
        InputType::Route => quote! { Route },
        InputType::Object => quote! { Object },
        InputType::Any => quote! { Any },
    };
    quote! { ::deg_contracts_runtime::InputType::#variant }
}

/// Formats tokens as a Rust file with the @generated header.
fn rust_file(source: &str, tokens: TokenStream, path: &str) -> Result<String, CodegenError> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|error| CodegenError::Emit {
        file: path.to_owned(),
        source: error,
    })?;
    // A member named with a carriage return reaches rustdoc raw, and rustc refuses a bare CR
    // in a doc comment; string literals are printed escaped, so only comments can hold one.
    let text = prettyplease::unparse(&file).replace('\r', "\\r");
    Ok(format!(
        "// @generated by cargo xtask codegen from {source}; do not edit\n\n{text}"
    ))
}

fn manifest(runtime: &str) -> String {
    format!(
        r#"# @generated by cargo xtask codegen; do not edit

[package]
name = "{PACKAGE}"
version = "0.1.0"
description = "Rust types and validators generated from the DEG energy contract schemas"
edition = "2024"
rust-version = "1.88"
license = "MIT OR Apache-2.0"
publish = false

[dependencies]
deg-contracts-runtime = {{ path = "{runtime}" }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"

# Generated code is safe Rust, documented, and held to clippy like hand-written code.
[lints.rust]
unsafe_code = "forbid"
missing_docs = "warn"
"#
    )
}
