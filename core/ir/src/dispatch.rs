//! Role dispatch for anyOf: when every branch is a component that owns a set of values of one
//! string-enum property (`role`), the anyOf is a tagged union; at most one generic branch may
//! cover the others' values and takes only the values no specialised branch claims.

use crate::ir::{RoleUnion, TypeRef, Variant};
use crate::merge::Resolver;
use crate::model::Schema;
use crate::naming;

/// An anyOf over component references whose branches each own a set of values of one
/// string-enum property, except at most one generic branch whose set covers theirs.
pub fn role_union(resolver: &Resolver<'_>, schema: &Schema) -> Option<RoleUnion> {
    let mut branches = Vec::new();
    for branch in &schema.any_of {
        if !branch.is_plain_reference() {
            return None;
        }
        let target = resolver
            .target(branch)
            .filter(|target| target.is_component())?;
        let flat = resolver.flatten(resolver.component(&target)?).ok()?;
        branches.push((target, flat));
    }
    let (_, first) = branches.first()?;
    for (discriminator, _) in &first.properties {
        let sets: Option<Vec<Vec<String>>> = branches
            .iter()
            .map(|(_, flat)| {
                flat.properties
                    .get(discriminator)
                    .and_then(Schema::string_enum)
            })
            .collect();
        let Some(sets) = sets else { continue };
        let Some(fallback) = fallback_index(&sets) else {
            continue;
        };
        let mut variants = Vec::new();
        let mut fallback_ty = None;
        for (i, (target, _)) in branches.iter().enumerate() {
            let ty = TypeRef {
                module: naming::module_name(&target.file),
                name: naming::type_name(&target.name),
            };
            if Some(i) == fallback {
                fallback_ty = Some(ty);
                continue;
            }
            variants.push(Variant {
                name: naming::camel(&sets[i][0]),
                accessor: naming::field_name(&sets[i][0]),
                values: sets[i].clone(),
                ty,
            });
        }
        return Some(RoleUnion {
            discriminator: discriminator.clone(),
            variants,
            fallback: fallback_ty,
        });
    }
    None
}

/// OpenAPI's `discriminator` over an anyOf or oneOf of component references: each branch takes
/// the values its `mapping` gives it, or its component's name when the mapping names it not.
/// `None` when a branch is not a plain component reference.
pub fn discriminated(resolver: &Resolver<'_>, schema: &Schema) -> Option<RoleUnion> {
    let discriminator = schema.discriminator.as_ref()?;
    let branches = if schema.one_of.is_empty() {
        &schema.any_of
    } else {
        &schema.one_of
    };
    let mut variants = Vec::new();
    for branch in branches {
        if !branch.is_plain_reference() {
            return None;
        }
        let target = resolver
            .target(branch)
            .filter(|target| target.is_component())?;
        resolver.component(&target)?;
        // A mapping's target is a `$ref` or a bare component name; its last segment names it.
        let names_target =
            |reference: &String| reference.rsplit('/').next() == Some(target.name.as_str());
        let mut values: Vec<String> = discriminator
            .mapping
            .iter()
            .filter(|(_, reference)| names_target(reference))
            .map(|(value, _)| value.clone())
            .collect();
        if values.is_empty() {
            values.push(target.name.clone());
        }
        variants.push(Variant {
            name: naming::type_name(&target.name),
            accessor: naming::field_name(&target.name),
            values,
            ty: TypeRef {
                module: naming::module_name(&target.file),
                name: naming::type_name(&target.name),
            },
        });
    }
    Some(RoleUnion {
        discriminator: discriminator.property.clone(),
        variants,
        fallback: None,
    })
}

/// Which branch is the generic one: Some(None) when the sets are disjoint, Some(Some(i))
/// when branch i overlaps only by covering others that are disjoint among themselves, and
/// None when the sets cannot dispatch.
fn fallback_index(sets: &[Vec<String>]) -> Option<Option<usize>> {
    let overlap = |a: &Vec<String>, b: &Vec<String>| a.iter().any(|value| b.contains(value));
    let overlapping: Vec<(usize, usize)> = (0..sets.len())
        .flat_map(|i| (i + 1..sets.len()).map(move |j| (i, j)))
        .filter(|&(i, j)| overlap(&sets[i], &sets[j]))
        .collect();
    if overlapping.is_empty() {
        return Some(None);
    }
    let covers = |wide: usize| {
        overlapping.iter().all(|&(i, j)| {
            let narrow = if i == wide {
                j
            } else if j == wide {
                i
            } else {
                return false;
            };
            sets[narrow].iter().all(|value| sets[wide].contains(value))
        })
    };
    let candidates: Vec<usize> = (0..sets.len()).filter(|&i| covers(i)).collect();
    match candidates.as_slice() {
        [only] => Some(Some(*only)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::fallback_index;

    fn sets(values: &[&[&str]]) -> Vec<Vec<String>> {
        values
            .iter()
            .map(|set| set.iter().map(|v| (*v).to_owned()).collect())
            .collect()
    }

    #[test]
    fn disjoint_sets_dispatch_without_a_fallback() {
        assert_eq!(fallback_index(&sets(&[&["A"], &["B", "C"]])), Some(None));
    }

    #[test]
    fn one_set_covering_the_others_is_the_fallback() {
        let p2p = sets(&[
            &["SELLER", "PROSUMER"],
            &["BUYER", "CONSUMER"],
            &["GRID_OPERATOR"],
            &[
                "BUYER",
                "SELLER",
                "PROSUMER",
                "CONSUMER",
                "AGGREGATOR",
                "GRID_OPERATOR",
            ],
        ]);
        assert_eq!(fallback_index(&p2p), Some(Some(3)));
    }

    #[test]
    fn overlaps_no_single_set_covers_cannot_dispatch() {
        assert_eq!(fallback_index(&sets(&[&["A", "B"], &["B", "C"]])), None);
        assert_eq!(
            fallback_index(&sets(&[&["A", "B"], &["A", "B"], &["A"]])),
            None
        );
    }
}
