//! How each struct takes part in the filled-role rule, worked out once from the IR so that
//! the emitter and the run-time interpreter read it the same way.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Crate, Location, RoleObject, Struct, TypeKind, TypeRef};

/// What kind of type each reference names.
pub type Kinds<'a> = BTreeMap<TypeRef, &'a TypeKind>;

/// Every type of `krate`, by reference.
pub fn kinds(krate: &Crate) -> Kinds<'_> {
    krate
        .modules
        .iter()
        .flat_map(|module| {
            module.types.iter().map(|def| {
                (
                    TypeRef {
                        module: module.name.clone(),
                        name: def.name.clone(),
                    },
                    &def.kind,
                )
            })
        })
        .collect()
}

/// The structs that hold a role's declared inputs.
pub fn role_input_structs(kinds: &Kinds<'_>) -> BTreeSet<TypeRef> {
    kinds
        .values()
        .filter_map(|kind| match kind {
            TypeKind::Struct(object) => declared_inputs(object).map(|(ty, ..)| ty.clone()),
            _ => None,
        })
        .collect()
}

/// A role object's inputs struct and the inputs required once filled, when every input is a
/// declared role input.
pub fn declared_inputs(object: &Struct) -> Option<(&TypeRef, &[String], &RoleObject)> {
    let role = object.role.as_ref()?;
    let (required, _) = role.required_inputs.as_ref()?;
    Some((role.inputs_type.as_ref()?, required, role))
}

/// How a struct takes part in the filled-role rule.
pub enum RoleRule<'a> {
    /// Not at all.
    None,
    /// A role: once `filled`, these inputs (by index in the inputs struct) must be provided.
    Role {
        role: &'a RoleObject,
        inputs: &'a Struct,
        required: Vec<(usize, &'a String)>,
        at: &'a Location,
    },
    /// A role's inputs: the check reports which fields carry a value.
    Inputs,
}

/// The role rule of the struct `object`, named `ty`, from the other types it refers to.
pub fn role_rule<'a>(
    object: &'a Struct,
    ty: &TypeRef,
    kinds: &Kinds<'a>,
    role_inputs: &BTreeSet<TypeRef>,
) -> RoleRule<'a> {
    if role_inputs.contains(ty) {
        return RoleRule::Inputs;
    }
    let Some(role) = &object.role else {
        return RoleRule::None;
    };
    let Some((names, at)) = &role.required_inputs else {
        return RoleRule::None;
    };
    let inputs = role
        .inputs_type
        .as_ref()
        .and_then(|ty| match kinds.get(ty) {
            Some(TypeKind::Struct(inputs)) => Some(inputs),
            _ => None,
        });
    let Some(inputs) = inputs else {
        return RoleRule::None;
    };
    let required: Option<Vec<(usize, &String)>> = names
        .iter()
        .map(|name| {
            Some((
                inputs
                    .fields
                    .iter()
                    .position(|field| &field.json_name == name)?,
                name,
            ))
        })
        .collect();
    match required {
        Some(required) => RoleRule::Role {
            role,
            inputs,
            required,
            at,
        },
        None => RoleRule::None,
    }
}

/// The schema entry (`<Name>/<version>`) a module's source file sits in.
pub fn entry_of(source: &str) -> &str {
    source.rsplit_once('/').map_or(source, |(dir, _)| dir)
}
