//! The DEG role convention, written down once: a role object has a boolean `filled` and a
//! `roleInputs` object whose members all refer to the `RoleInput` component; a contract lists
//! such objects in an array. Lowering recognises role objects here, and [`annotate`] records,
//! on each contract struct, where its roles are and which kinds it declares, so that emitters,
//! the bundler and the rules read the structure from the IR instead of rediscovering it.

use std::collections::BTreeMap;

use crate::ir::{Crate, RoleInputDecl, RoleKind, Roles, Shape, Struct, TypeKind, TypeRef};

/// The component whose references are role inputs.
pub const ROLE_INPUT: &str = "RoleInput";
/// The member that says a role is filled.
pub const FILLED: &str = "filled";
/// The member that holds a role's inputs.
pub const INPUTS: &str = "roleInputs";
/// The member naming the subscriber that filled a role.
pub const FILLED_BY: &str = "filledBy";

/// Records the role structure on every contract struct of `krate`: a struct with an array
/// member whose items are role objects, or a union of them.
pub fn annotate(krate: &mut Crate) {
    let found: Vec<(usize, usize, Roles)> = {
        let kinds: BTreeMap<TypeRef, &TypeKind> = krate
            .modules
            .iter()
            .flat_map(|module| {
                module.types.iter().map(|def| {
                    let ty = TypeRef {
                        module: module.name.clone(),
                        name: def.name.clone(),
                    };
                    (ty, &def.kind)
                })
            })
            .collect();
        let mut found = Vec::new();
        for (m, module) in krate.modules.iter().enumerate() {
            for (t, def) in module.types.iter().enumerate() {
                if let TypeKind::Struct(object) = &def.kind
                    && let Some(roles) = contract_roles(object, &kinds)
                {
                    found.push((m, t, roles));
                }
            }
        }
        found
    };
    for (m, t, roles) in found {
        if let TypeKind::Struct(object) = &mut krate.modules[m].types[t].kind {
            object.roles = Some(Box::new(roles));
        }
    }
}

fn contract_roles(object: &Struct, kinds: &BTreeMap<TypeRef, &TypeKind>) -> Option<Roles> {
    object.fields.iter().find_map(|field| {
        let Shape::Array { items, .. } = &field.node.shape else {
            return None;
        };
        let Shape::Named(item) = &items.shape else {
            return None;
        };
        let (discriminator, kinds) = role_kinds(item, kinds)?;
        Some(Roles {
            field: field.json_name.clone(),
            discriminator,
            kinds,
        })
    })
}

/// The kinds of role an array item type dispatches to, and the member that names them.
fn role_kinds(
    item: &TypeRef,
    kinds: &BTreeMap<TypeRef, &TypeKind>,
) -> Option<(String, Vec<RoleKind>)> {
    match kinds.get(item)? {
        TypeKind::RoleUnion(union) => {
            let mut claimed: Vec<String> = Vec::new();
            let mut found = Vec::new();
            for variant in &union.variants {
                claimed.extend(variant.values.iter().cloned());
                found.push(role_kind(variant.values.clone(), &variant.ty, kinds)?);
            }
            if let Some(fallback) = &union.fallback {
                let rest = role_values(fallback, &union.discriminator, kinds)
                    .into_iter()
                    .filter(|value| !claimed.contains(value))
                    .collect();
                found.push(role_kind(rest, fallback, kinds)?);
            }
            Some((union.discriminator.clone(), found))
        }
        TypeKind::Struct(object) => {
            let discriminator = object.role.as_ref()?.discriminator.clone()?;
            let values = role_values(item, &discriminator, kinds);
            Some((discriminator, vec![role_kind(values, item, kinds)?]))
        }
        _ => None,
    }
}

/// The values of a role type's discriminating enum.
fn role_values(
    role: &TypeRef,
    discriminator: &str,
    kinds: &BTreeMap<TypeRef, &TypeKind>,
) -> Vec<String> {
    let Some(TypeKind::Struct(object)) = kinds.get(role) else {
        return Vec::new();
    };
    let field = object
        .fields
        .iter()
        .find(|field| field.json_name == discriminator);
    match field.map(|field| &field.node.shape) {
        Some(Shape::Named(ty)) => match kinds.get(ty) {
            Some(TypeKind::Enum(values)) => values.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn role_kind(
    values: Vec<String>,
    ty: &TypeRef,
    kinds: &BTreeMap<TypeRef, &TypeKind>,
) -> Option<RoleKind> {
    let Some(TypeKind::Struct(object)) = kinds.get(ty) else {
        return None;
    };
    let role = object.role.as_ref()?;
    let required: &[String] = match &role.required_inputs {
        Some((required, _)) => required,
        None => &[],
    };
    let inputs_type = role.inputs_type.as_ref();
    let inputs = match inputs_type.and_then(|ty| kinds.get(ty)) {
        Some(TypeKind::Struct(inputs)) if !inputs.fields.is_empty() => Some(
            inputs
                .fields
                .iter()
                .filter_map(|field| match field.node.shape {
                    Shape::RoleInput(declared) => Some(RoleInputDecl {
                        name: field.json_name.clone(),
                        declared,
                        required: required.contains(&field.json_name),
                    }),
                    _ => None,
                })
                .collect(),
        ),
        _ => None,
    };
    Some(RoleKind {
        values,
        ty: ty.clone(),
        inputs,
    })
}
