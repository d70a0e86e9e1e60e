//! Lowers loaded schemas into the IR: one module per file, one type per component, nested
//! types for inline objects and enums, role unions for anyOfs that can be dispatched.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use crate::dispatch;
use crate::error::{SchemaError, SourceLocation, Warning};
use crate::ir::{
    AdditionalRule, Bounds, Contains, Crate, Field, InputType, Location, MemberRules, Module, Node,
    PartType, RoleObject, Shape, StringRules, Struct, TypeDef, TypeKind, TypeRef,
};
use crate::load::SchemaSet;
use crate::merge::Resolver;
use crate::model::{Additional, JsonType, Schema};
use crate::naming;
use crate::resolve::Target;
use crate::roles::{self, FILLED, FILLED_BY, INPUTS, ROLE_INPUT};

/// The lowered crate with what went wrong on the way.
pub struct Lowered {
    pub krate: Crate,
    pub errors: Vec<SchemaError>,
    pub warnings: Vec<Warning>,
}

/// Lowers every component of every loaded file.
pub fn lower(set: &SchemaSet) -> Lowered {
    let mut lowerer = Lowerer {
        resolver: Resolver { set },
        set,
        modules: IndexMap::new(),
        defined: BTreeMap::new(),
        inline: BTreeMap::new(),
        registry: BTreeMap::new(),
        extends: BTreeMap::new(),
        replaced: BTreeMap::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        interior: Vec::new(),
        alternatives: BTreeMap::new(),
    };
    let mut files: Vec<&String> = set.files.keys().collect();
    files.sort();
    for file in &files {
        lowerer.modules.insert(
            (*file).clone(),
            Module {
                source: (*file).clone(),
                name: naming::module_name(file),
                types: Vec::new(),
            },
        );
    }
    // Plain components first, so their nested types are defined where they are written
    // before the allOf merges that reuse them.
    for merged in [false, true] {
        for file in &files {
            for (name, schema) in &set.files[*file].components {
                if schema.all_of.is_empty() != merged {
                    lowerer.lower_component(file, name, schema);
                }
            }
        }
    }
    lowerer.define_alternatives();
    let mut modules: Vec<Module> = lowerer.modules.into_values().collect();
    modules.sort_by(|a, b| a.name.cmp(&b.name));
    let mut krate = Crate {
        modules,
        registry: lowerer
            .registry
            .into_iter()
            .map(|(name, (ty, _))| (name, ty))
            .collect(),
        extends: lowerer.extends,
        replaced: lowerer.replaced,
    };
    roles::annotate(&mut krate);
    Lowered {
        krate,
        errors: lowerer.errors,
        warnings: lowerer.warnings,
    }
}

struct Lowerer<'a> {
    resolver: Resolver<'a>,
    set: &'a SchemaSet,
    modules: IndexMap<String, Module>,
    /// Every type defined so far, with its location, to catch duplicates.
    defined: BTreeMap<TypeRef, Location>,
    /// Inline schemas already given a type, by location, so a merged allOf reuses the
    /// base's nested types instead of generating copies.
    inline: BTreeMap<Location, Vec<(Schema, TypeRef)>>,
    registry: BTreeMap<String, (TypeRef, Location)>,
    extends: BTreeMap<String, Vec<String>>,
    replaced: BTreeMap<String, String>,
    errors: Vec<SchemaError>,
    warnings: Vec<Warning>,
    /// The schemas inside components being lowered through a reference to them, to catch a
    /// reference back into one (it has no type of its own to stand for it).
    interior: Vec<Target>,
    /// `@type`s two components of one file share, with each component's type.
    alternatives: BTreeMap<String, Vec<TypeRef>>,
}

/// Where a node sits: its file's module, the struct that owns it, and a name for nested types.
#[derive(Clone)]
struct Context {
    module_file: String,
    owner: String,
    hint: String,
}

impl Lowerer<'_> {
    fn source(&self, schema: &Schema) -> SourceLocation {
        self.set.source_location(&schema.location())
    }

    fn type_ref(&self, module_file: &str, name: &str) -> TypeRef {
        TypeRef {
            module: naming::module_name(module_file),
            name: name.to_owned(),
        }
    }

    fn lower_component(&mut self, file: &str, name: &str, schema: &Schema) {
        let type_name = naming::type_name(name);
        let context = Context {
            module_file: file.to_owned(),
            owner: type_name.clone(),
            hint: type_name.clone(),
        };
        let flat = if schema.all_of.is_empty() {
            schema.clone()
        } else {
            match self.resolver.flatten(schema) {
                Ok(flat) => flat,
                Err(error) => {
                    self.errors.push(error);
                    return;
                }
            }
        };
        if let Some(jsonld_type) = &flat.jsonld_type {
            let ty = self.type_ref(file, &type_name);
            let here = schema.location();
            if let Some((first, other)) = self.registry.get(jsonld_type) {
                let (first, other) = (first.clone(), other.clone());
                if other.file == here.file {
                    // Two designs of one `@type` in a file: an object may take either.
                    self.warnings.push(Warning {
                        location: self.source(schema),
                        message: format!(
                            "`@type {jsonld_type}` is also the type of {}: an object of this \
                             type passes if it satisfies either, and is reported against the closer",
                            first.name
                        ),
                    });
                    self.alternatives
                        .entry(jsonld_type.clone())
                        .or_insert_with(|| vec![first])
                        .push(ty);
                } else {
                    self.errors.push(SchemaError::DuplicateName {
                        location: self.source(schema),
                        name: format!("@type {jsonld_type}"),
                        other: Box::new(self.source_location(&other)),
                    });
                }
            } else {
                self.registry.insert(jsonld_type.clone(), (ty, here));
                let mut bases = Vec::new();
                self.jsonld_bases(schema, &mut bases, 0);
                bases.retain(|base| base != jsonld_type);
                self.extends.insert(jsonld_type.clone(), bases);
            }
            for retired in &schema.replaces {
                if let Some(other) = self.replaced.get(retired) {
                    self.errors.push(SchemaError::Invalid {
                        location: self.source(schema),
                        message: format!(
                            "`{retired}` is already replaced by `{other}` (x-replaces)"
                        ),
                    });
                } else {
                    self.replaced.insert(retired.clone(), jsonld_type.clone());
                }
            }
        } else if !schema.replaces.is_empty() {
            self.errors.push(SchemaError::Invalid {
                location: self.source(schema),
                message: "x-replaces needs the schema's own `x-jsonld` @type, which replaces them"
                    .to_owned(),
            });
        }
        let kind = if Schema::is_plain_reference(schema) {
            TypeKind::Alias(self.lower_node(&context, schema))
        } else {
            self.type_kind(&context, &flat)
        };
        self.define(&context, schema, kind);
    }

    /// The `@type`s of the components a schema's `allOf` reaches, nearest first.
    fn jsonld_bases(&self, schema: &Schema, bases: &mut Vec<String>, depth: usize) {
        const MAX_DEPTH: usize = 32;
        if depth > MAX_DEPTH {
            return;
        }
        for branch in &schema.all_of {
            let Some(component) = self.resolver.referenced(branch) else {
                self.jsonld_bases(branch, bases, depth + 1);
                continue;
            };
            if let Some(base) = &component.jsonld_type
                && !bases.contains(base)
            {
                bases.push(base.clone());
            }
            self.jsonld_bases(component, bases, depth + 1);
        }
    }

    /// A location with its line and column, when its file was read.
    fn source_location(&self, location: &Location) -> SourceLocation {
        self.set.source_location(location)
    }

    /// The kind of a named type for a flattened schema.
    fn type_kind(&mut self, context: &Context, flat: &Schema) -> TypeKind {
        if is_object(flat) {
            return TypeKind::Struct(if is_map(flat) {
                self.map_struct(context, flat)
            } else {
                self.lower_struct(context, flat)
            });
        }
        if let Some(values) = flat.string_enum() {
            return TypeKind::Enum(values);
        }
        if let Some(union) = dispatch::discriminated(&self.resolver, flat) {
            return TypeKind::RoleUnion(union);
        }
        if !flat.any_of.is_empty()
            && let Some(union) = dispatch::role_union(&self.resolver, flat)
        {
            return TypeKind::RoleUnion(union);
        }
        TypeKind::Alias(self.lower_node(context, flat))
    }

    /// For each `@type` two components share, a type that takes either (`<Type>Either`, an
    /// anyOf of the two), which the registry names for the `@type`.
    fn define_alternatives(&mut self) {
        for (jsonld_type, types) in std::mem::take(&mut self.alternatives) {
            let Some((first, location)) = self.registry.get(&jsonld_type).cloned() else {
                continue;
            };
            let module_file = self
                .modules
                .iter()
                .find(|(_, module)| module.name == first.module)
                .map(|(file, _)| file.clone())
                .unwrap_or_default();
            let branches = types
                .into_iter()
                .map(|ty| Node {
                    location: location.clone(),
                    nullable: false,
                    shape: Shape::Named(ty),
                })
                .collect();
            let either = self.type_ref(&module_file, &format!("{}Either", first.name));
            if let Some(module) = self.modules.get_mut(&module_file) {
                module.types.push(TypeDef {
                    name: either.name.clone(),
                    doc: Some(format!(
                        "An object of `@type {jsonld_type}`, in either of its designs."
                    )),
                    location: location.clone(),
                    kind: TypeKind::Alias(Node {
                        location: location.clone(),
                        nullable: false,
                        shape: Shape::AnyOf(branches),
                    }),
                });
            }
            self.registry.insert(jsonld_type, (either, location));
        }
    }

    /// The type an identical inline schema was already given.
    fn reuse(&self, schema: &Schema) -> Option<TypeRef> {
        self.inline
            .get(&schema.location())?
            .iter()
            .find(|(seen, _)| seen == schema)
            .map(|(_, ty)| ty.clone())
    }

    /// Adds a named type to its module, unless the name is taken.
    fn define(&mut self, context: &Context, schema: &Schema, kind: TypeKind) -> TypeRef {
        let ty = self.type_ref(&context.module_file, &context.hint);
        let location = schema.location();
        self.inline
            .entry(location.clone())
            .or_default()
            .push((schema.clone(), ty.clone()));
        if let Some(other) = self.defined.get(&ty) {
            let other = self.source_location(&other.clone());
            self.errors.push(SchemaError::DuplicateName {
                location: self.source(schema),
                name: ty.name.clone(),
                other: Box::new(other),
            });
            return ty;
        }
        self.defined.insert(ty.clone(), location.clone());
        let module = self
            .modules
            .get_mut(&context.module_file)
            .expect("modules are created before their types");
        module.types.push(TypeDef {
            name: ty.name.clone(),
            doc: schema.doc(),
            location,
            kind,
        });
        ty
    }

    fn lower_struct(&mut self, context: &Context, flat: &Schema) -> Struct {
        let owner = context.hint.clone();
        let filled_inputs = self.filled_inputs(flat);
        let mut fields = Vec::new();
        for (name, property) in &flat.properties {
            let child = Context {
                module_file: context.module_file.clone(),
                owner: owner.clone(),
                hint: naming::nested(&owner, name),
            };
            let node = if filled_inputs.is_some() && name == INPUTS {
                self.lower_role_inputs(&child, property)
            } else {
                self.lower_property(&child, name, property, flat)
            };
            fields.push(Field {
                json_name: name.clone(),
                doc: property.doc(),
                required: required_at(flat, name),
                node,
            });
        }
        for name in &flat.required {
            if !flat.properties.contains_key(name) {
                fields.push(Field {
                    json_name: name.clone(),
                    doc: None,
                    required: required_at(flat, name),
                    node: Node {
                        location: flat.location(),
                        nullable: true,
                        shape: Shape::Any,
                    },
                });
            }
        }
        let additional = match &flat.additional {
            Some(Additional::Allowed(false)) => AdditionalRule::Forbidden,
            Some(Additional::Schema(schema)) => {
                let child = Context {
                    module_file: context.module_file.clone(),
                    owner: owner.clone(),
                    hint: format!("{owner}Value"),
                };
                AdditionalRule::Typed(Box::new(self.lower_node(&child, schema)))
            }
            _ => AdditionalRule::Allowed,
        };
        Struct {
            additional,
            additional_location: flat
                .additional_from
                .clone()
                .unwrap_or_else(|| flat.location().join("additionalProperties")),
            jsonld_type: flat.jsonld_type.clone(),
            role: self.role_object(flat, &fields, filled_inputs).map(Box::new),
            roles: None,
            fields,
            min_properties: flat.min_properties,
            max_properties: flat.max_properties,
            members: Box::new(self.member_rules(context, flat)),
        }
    }

    /// The role structure of an object with `filled` and `roleInputs` members.
    fn role_object(
        &self,
        flat: &Schema,
        fields: &[Field],
        required_inputs: Option<(Vec<String>, Location)>,
    ) -> Option<RoleObject> {
        flat.properties.get(FILLED)?;
        flat.properties.get(INPUTS)?;
        let inputs_type = fields
            .iter()
            .find(|field| field.json_name == INPUTS)
            .and_then(|field| match &field.node.shape {
                Shape::Named(ty) => Some(ty.clone()),
                _ => None,
            });
        let discriminator = flat
            .properties
            .iter()
            .find(|(_, property)| {
                self.resolver
                    .flatten(property)
                    .ok()
                    .and_then(|flat| flat.string_enum())
                    .is_some()
            })
            .map(|(name, _)| name.clone());
        Some(RoleObject {
            discriminator,
            filled: FILLED.to_owned(),
            filled_by: flat
                .properties
                .contains_key(FILLED_BY)
                .then(|| FILLED_BY.to_owned()),
            inputs: INPUTS.to_owned(),
            inputs_type,
            required_inputs,
        })
    }

    /// A role object (with `filled` and typed `roleInputs`) requires its inputs only once
    /// filled: the list moves from the inputs object to the role.
    fn filled_inputs(&mut self, flat: &Schema) -> Option<(Vec<String>, Location)> {
        flat.properties.get(FILLED)?;
        let inputs = flat.properties.get(INPUTS)?;
        let inputs = self.resolver.flatten(inputs).ok()?;
        let all_role_inputs = !inputs.properties.is_empty()
            && inputs
                .properties
                .values()
                .all(|input| self.is_role_input_reference(input));
        all_role_inputs.then(|| {
            let at = inputs.required_from.first().cloned();
            let at = at.unwrap_or_else(|| inputs.location().join("required"));
            (inputs.required.clone(), at)
        })
    }

    fn lower_role_inputs(&mut self, context: &Context, property: &Schema) -> Node {
        let mut flat = match self.resolver.flatten(property) {
            Ok(flat) => flat,
            Err(error) => {
                self.errors.push(error);
                return any_node(property);
            }
        };
        flat.required.clear();
        flat.required_from.clear();
        let nullable = flat.nullable;
        if let Some(ty) = self.reuse(&flat) {
            return Node {
                location: flat.location(),
                nullable,
                shape: Shape::Named(ty),
            };
        }
        let kind = TypeKind::Struct(self.lower_struct(context, &flat));
        let ty = self.define(context, &flat, kind);
        Node {
            location: flat.location(),
            nullable,
            shape: Shape::Named(ty),
        }
    }

    fn is_role_input_reference(&self, schema: &Schema) -> bool {
        self.resolver
            .target(schema)
            .is_some_and(|target| target.is_component() && target.name == ROLE_INPUT)
    }

    /// A property: a role input when it refers to RoleInput, otherwise an ordinary node.
    fn lower_property(
        &mut self,
        context: &Context,
        name: &str,
        property: &Schema,
        owner: &Schema,
    ) -> Node {
        if !self.is_role_input_reference(property) {
            return self.lower_node(context, property);
        }
        let declared = match &property.role_input_type {
            Some(declared) => Some(declared.clone()),
            None => self.declared_by_example(name, property, owner),
        };
        let Some(declared) = declared else {
            // Upstream leaves some inputs untyped; they take any value, and stay required
            // where the schema requires them.
            self.warnings.push(Warning {
                location: self.source(property),
                message: format!(
                    "role input `{name}` has no declared type, so any value is accepted: add \
                     `x-role-input-type`, or a `type` for it in the role's `example`"
                ),
            });
            return Node {
                location: property.location(),
                nullable: true,
                shape: Shape::RoleInput(InputType::Any),
            };
        };
        let Some(declared_type) = InputType::from_name(&declared) else {
            let known: Vec<&str> = InputType::ALL.iter().map(|t| t.as_str()).collect();
            self.errors.push(SchemaError::Invalid {
                location: self.source(property),
                message: format!(
                    "role input `{name}` declares type `{declared}`, not one of {}",
                    known.join(", ")
                ),
            });
            return any_node(property);
        };
        Node {
            location: property.location(),
            nullable: true,
            shape: Shape::RoleInput(declared_type),
        }
    }

    /// Upstream files state an input's type only in the role's example block.
    fn declared_by_example(
        &mut self,
        name: &str,
        property: &Schema,
        owner: &Schema,
    ) -> Option<String> {
        let stated = owner.example.as_ref()?.get(name)?.get("type")?.as_str()?;
        if stated == "DATETIME" {
            self.warnings.push(Warning {
                location: self.source(property),
                message: format!(
                    "role input `{name}` is typed `DATETIME` in the example; read as `DATE_TIME`"
                ),
            });
            return Some(InputType::DateTime.as_str().to_owned());
        }
        Some(stated.to_owned())
    }

    fn lower_node(&mut self, context: &Context, schema: &Schema) -> Node {
        let location = schema.location();
        let nullable = schema.nullable;
        let node = |shape| Node {
            location: location.clone(),
            nullable,
            shape,
        };
        if schema.never {
            return node(Shape::Never);
        }
        if Schema::is_plain_reference(schema) {
            return match self.resolver.target(schema) {
                Some(target) if target.is_component() => Node {
                    // A component that allows null (`type: [object, "null"]`, `nullable`)
                    // allows it wherever it is referred to; its type holds only the rest.
                    nullable: nullable
                        || self
                            .resolver
                            .component(&target)
                            .and_then(|component| self.resolver.flatten(component).ok())
                            .is_some_and(|flat| flat.nullable),
                    ..node(Shape::Named(TypeRef {
                        module: naming::module_name(&target.file),
                        name: naming::type_name(&target.name),
                    }))
                },
                Some(target) => self.lower_interior(schema, target),
                None => any_node(schema),
            };
        }
        if !schema.all_of.is_empty() || schema.reference.is_some() {
            let flat = match self.resolver.flatten(schema) {
                Ok(flat) => flat,
                Err(error) => {
                    self.errors.push(error);
                    return any_node(schema);
                }
            };
            return self.lower_node(context, &flat);
        }
        if let Some(ty) = self.reuse(schema) {
            return node(Shape::Named(ty));
        }
        if !schema.not.is_empty() || !schema.conditionals.is_empty() {
            return self.lower_applicators(context, schema);
        }
        if let Some(discriminator) = &schema.discriminator {
            // The branches' own schemas say what the object is; `type: object` beside adds
            // nothing to them.
            if let Some(union) = dispatch::discriminated(&self.resolver, schema) {
                let union_context = Context {
                    hint: naming::nested(&context.owner, &discriminator.property),
                    ..context.clone()
                };
                let ty = self.define(&union_context, schema, TypeKind::RoleUnion(union));
                return node(Shape::Named(ty));
            }
            self.errors.push(SchemaError::Unsupported {
                location: self.source(schema),
                keyword: "discriminator other than over an anyOf or oneOf of component $refs"
                    .to_owned(),
            });
            return any_node(schema);
        }
        if !schema.any_of.is_empty() || !schema.one_of.is_empty() {
            if beside_union(schema).is_some() {
                return self.lower_beside_union(context, schema);
            }
            if !schema.types.is_empty() {
                return self.lower_node(context, &types_into_branches(schema));
            }
        }
        if !schema.any_of.is_empty() {
            if let Some(union) = dispatch::role_union(&self.resolver, schema) {
                let union_context = Context {
                    hint: naming::nested(&context.owner, &union.discriminator),
                    ..context.clone()
                };
                let ty = self.define(&union_context, schema, TypeKind::RoleUnion(union));
                return node(Shape::Named(ty));
            }
            let branches = self.lower_branches(context, &schema.any_of);
            return node(Shape::AnyOf(branches));
        }
        if !schema.one_of.is_empty() {
            let branches = self.lower_branches(context, &schema.one_of);
            return node(Shape::OneOf(branches));
        }
        if let Some(values) = &schema.values {
            // Only the values of the declared type (or null, where allowed) can ever pass.
            let allowed: Vec<serde_json::Value> = values
                .iter()
                .filter(|value| of_types(value, &schema.types, schema.nullable))
                .cloned()
                .collect();
            return node(Shape::Values(allowed));
        }
        if schema.types.len() > 1 {
            // One branch per type, each with the keywords for its type.
            let branches: Vec<Schema> = schema
                .types
                .iter()
                .map(|json_type| for_type(schema, *json_type))
                .collect();
            let branches = self.lower_branches(context, &branches);
            return node(Shape::AnyOf(branches));
        }
        if is_object(schema) {
            let kind = TypeKind::Struct(if is_map(schema) {
                self.map_struct(context, schema)
            } else {
                self.lower_struct(context, schema)
            });
            return node(Shape::Named(self.define(context, schema, kind)));
        }
        if let Some(values) = schema.string_enum() {
            return node(Shape::Named(self.define(
                context,
                schema,
                TypeKind::Enum(values),
            )));
        }
        if schema.types.is_empty() && schema.types_from.is_some() && schema.nullable {
            // `type: null` and nothing else: a keyword for another type could never apply.
            if let Some((keyword, types)) = stray_keyword(schema) {
                self.errors.push(SchemaError::Invalid {
                    location: self.source(schema),
                    message: format!(
                        "`{keyword}` constrains {types}, and this schema's type is null"
                    ),
                });
                return any_node(schema);
            }
            return Node {
                location: schema.location(),
                nullable: false,
                shape: Shape::Null,
            };
        }
        if schema.types.is_empty() && stray_keyword(schema).is_some() {
            return node(Shape::Typeless(self.typeless_parts(context, schema)));
        }
        if let Some((keyword, types)) = stray_keyword(schema) {
            self.errors.push(SchemaError::Invalid {
                location: self.source(schema),
                message: format!(
                    "`{keyword}` constrains {types}, and this schema does not declare that type: \
                     add the `type` it constrains (a schema of several types is not supported, \
                     and no keyword is dropped silently)"
                ),
            });
            return any_node(schema);
        }
        let bounds = bounds_of(schema);
        match schema.types.first() {
            Some(JsonType::String) => node(Shape::String(StringRules {
                format: schema.format,
                min_length: schema.min_length,
                max_length: schema.max_length,
                pattern: schema.pattern.clone(),
            })),
            Some(JsonType::Number) => node(Shape::Number(bounds)),
            Some(JsonType::Integer) => node(Shape::Integer(bounds)),
            Some(JsonType::Boolean) => node(Shape::Boolean),
            Some(JsonType::Array) => {
                let items = match &schema.items {
                    Some(items) => {
                        let child = Context {
                            hint: format!("{}Item", context.hint),
                            ..context.clone()
                        };
                        self.lower_node(&child, items)
                    }
                    None => any_node(schema),
                };
                node(self.array(context, schema, items))
            }
            _ => node(Shape::Any),
        }
    }

    /// A reference to a schema inside a component (`#/components/schemas/A/properties/b`,
    /// `…/$defs/c`): that schema, lowered where it is written, so two references to it share
    /// its types.
    fn lower_interior(&mut self, schema: &Schema, target: Target) -> Node {
        let Some(inner) = self.resolver.component(&target) else {
            return any_node(schema);
        };
        if self.interior.contains(&target) {
            self.errors.push(SchemaError::Cycle {
                location: self.source(schema),
                chain: format!(
                    "{}#/components/schemas/{}/{} refers back into itself; make it a component \
                     of its own",
                    target.file,
                    target.name,
                    target.path.join("/")
                ),
            });
            return any_node(schema);
        }
        let inner_context = Context {
            module_file: target.file.clone(),
            owner: naming::type_name(&target.name),
            hint: naming::type_name(&format!("{}_{}", target.name, target.path.join("_"))),
        };
        self.interior.push(target);
        let mut node = self.lower_node(&inner_context, inner);
        self.interior.pop();
        node.nullable |= schema.nullable;
        node
    }

    /// A schema with keywords beside its anyOf or oneOf (or both unions): the other keywords
    /// (named `<hint>Base` when they make a type) and each union, all of which must hold.
    fn lower_beside_union(&mut self, context: &Context, schema: &Schema) -> Node {
        let child = |suffix: &str| Context {
            hint: format!("{}{suffix}", context.hint),
            ..context.clone()
        };
        let rest = Schema {
            any_of: Vec::new(),
            one_of: Vec::new(),
            ..schema.clone()
        };
        let union = |any_of: &[Schema], one_of: &[Schema]| Schema {
            file: schema.file.clone(),
            pointer: schema.pointer.clone(),
            any_of: any_of.to_vec(),
            one_of: one_of.to_vec(),
            ..Schema::default()
        };
        let mut parts = vec![self.lower_node(&child("Base"), &rest)];
        if !schema.any_of.is_empty() {
            parts.push(self.lower_node(&child("AnyOf"), &union(&schema.any_of, &[])));
        }
        if !schema.one_of.is_empty() {
            parts.push(self.lower_node(&child("OneOf"), &union(&[], &schema.one_of)));
        }
        Node {
            location: schema.location(),
            nullable: false,
            shape: Shape::All(parts),
        }
    }

    /// A schema with `not` or `if`: its other keywords (named `<hint>Base` when they make a
    /// type) and each applicator, all of which must hold.
    fn lower_applicators(&mut self, context: &Context, schema: &Schema) -> Node {
        let child = |suffix: &str| Context {
            hint: format!("{}{suffix}", context.hint),
            ..context.clone()
        };
        let rest = Schema {
            not: Vec::new(),
            conditionals: Vec::new(),
            ..schema.clone()
        };
        let mut parts = Vec::new();
        let base = self.lower_node(&child("Base"), &rest);
        if !matches!(base.shape, Shape::Any) {
            parts.push(base);
        }
        for (index, not) in schema.not.iter().enumerate() {
            let inner = self.lower_node(&child(&format!("Not{index}")), not);
            parts.push(Node {
                location: not.location(),
                nullable: false,
                shape: Shape::Not(Box::new(inner)),
            });
        }
        for (index, conditional) in schema.conditionals.iter().enumerate() {
            let mut branch = |schema: &Schema, part: &str| {
                Box::new(self.lower_node(&child(&format!("{part}{index}")), schema))
            };
            let condition = branch(&conditional.condition, "If");
            let then = conditional.then.as_deref().map(|then| branch(then, "Then"));
            let otherwise = conditional
                .otherwise
                .as_deref()
                .map(|otherwise| branch(otherwise, "Else"));
            parts.push(Node {
                location: schema.location(),
                nullable: false,
                shape: Shape::Conditional {
                    condition,
                    then,
                    otherwise,
                },
            });
        }
        match parts.len() {
            1 => parts.remove(0),
            _ => Node {
                location: schema.location(),
                nullable: false,
                shape: Shape::All(parts),
            },
        }
    }

    /// The per-type parts of a schema without `type`: each keyword applies to values of the
    /// type it constrains, and a value of another type passes it.
    fn typeless_parts(&mut self, context: &Context, schema: &Schema) -> Vec<Node> {
        let mut parts = Vec::new();
        let part = |shape| Node {
            location: schema.location(),
            nullable: false,
            shape,
        };
        let string = StringRules {
            format: schema.format,
            min_length: schema.min_length,
            max_length: schema.max_length,
            pattern: schema.pattern.clone(),
        };
        if string.format.is_some()
            || string.min_length.is_some()
            || string.max_length.is_some()
            || string.pattern.is_some()
        {
            parts.push(part(Shape::String(string)));
        }
        let bounds = bounds_of(schema);
        if bounds.minimum.is_some() || bounds.maximum.is_some() || bounds.has_more_than_range() {
            parts.push(part(Shape::Number(bounds)));
        }
        if schema.items.is_some()
            || schema.min_items.is_some()
            || schema.max_items.is_some()
            || schema.unique_items
            || !schema.prefix_items.is_empty()
            || schema.contains.is_some()
        {
            let items = match &schema.items {
                Some(items) => {
                    let child = Context {
                        hint: format!("{}Item", context.hint),
                        ..context.clone()
                    };
                    self.lower_node(&child, items)
                }
                None => any_node(schema),
            };
            parts.push(part(self.array(context, schema, items)));
        }
        parts
    }

    /// The rules on an object's members beyond its declared properties.
    fn member_rules(&mut self, context: &Context, schema: &Schema) -> MemberRules {
        let child = |suffix: String| Context {
            hint: format!("{}{suffix}", context.hint),
            ..context.clone()
        };
        let patterns = schema
            .pattern_properties
            .iter()
            .enumerate()
            .map(|(i, (pattern, property))| {
                (
                    pattern.clone(),
                    self.lower_node(&child(format!("Pattern{i}")), property),
                )
            })
            .collect();
        let names = schema
            .property_names
            .as_deref()
            .map(|names| self.lower_node(&child("Name".to_owned()), names));
        let dependent_required = schema
            .dependent_required
            .iter()
            .map(|(name, required)| {
                let at = schema.location().join("dependentRequired").join(name);
                (name.clone(), required.clone(), at)
            })
            .collect();
        let dependent_schemas = schema
            .dependent_schemas
            .iter()
            .enumerate()
            .map(|(i, (name, dependent))| {
                (
                    name.clone(),
                    self.lower_node(&child(format!("Dependent{i}")), dependent),
                )
            })
            .collect();
        MemberRules {
            patterns,
            names,
            dependent_required,
            dependent_schemas,
        }
    }

    /// An array's shape, its `items` already lowered.
    fn array(&mut self, context: &Context, schema: &Schema, items: Node) -> Shape {
        let child = |suffix: String| Context {
            hint: format!("{}{suffix}", context.hint),
            ..context.clone()
        };
        let prefix_items = schema
            .prefix_items
            .iter()
            .enumerate()
            .map(|(i, item)| self.lower_node(&child(format!("Item{i}")), item))
            .collect();
        let contains = schema.contains.as_deref().map(|contained| {
            Box::new(Contains {
                node: self.lower_node(&child("Contained".to_owned()), contained),
                min: schema.min_contains.unwrap_or(1),
                max: schema.max_contains,
                location: contained.location(),
            })
        });
        Shape::Array {
            items: Box::new(items),
            min_items: schema.min_items,
            max_items: schema.max_items,
            unique_items: schema.unique_items,
            prefix_items,
            contains,
        }
    }

    /// An object with no declared properties is a map, typed by `additionalProperties`.
    fn map_struct(&mut self, context: &Context, schema: &Schema) -> Struct {
        let rule = match &schema.additional {
            Some(Additional::Schema(values)) => {
                let child = Context {
                    hint: format!("{}Value", context.hint),
                    ..context.clone()
                };
                AdditionalRule::Typed(Box::new(self.lower_node(&child, values)))
            }
            _ => AdditionalRule::Allowed,
        };
        Struct {
            fields: Vec::new(),
            additional: rule,
            additional_location: schema
                .additional_from
                .clone()
                .unwrap_or_else(|| schema.location().join("additionalProperties")),
            jsonld_type: schema.jsonld_type.clone(),
            role: None,
            roles: None,
            min_properties: schema.min_properties,
            max_properties: schema.max_properties,
            members: Box::new(self.member_rules(context, schema)),
        }
    }

    fn lower_branches(&mut self, context: &Context, branches: &[Schema]) -> Vec<Node> {
        branches
            .iter()
            .enumerate()
            .map(|(i, branch)| {
                let child = Context {
                    hint: format!("{}Variant{i}", context.hint),
                    ..context.clone()
                };
                self.lower_node(&child, branch)
            })
            .collect()
    }
}

/// Where `required` lists `name`, if it does.
fn required_at(schema: &Schema, name: &str) -> Option<Location> {
    let index = schema
        .required
        .iter()
        .position(|required| required == name)?;
    schema.required_from.get(index).cloned()
}

fn any_node(schema: &Schema) -> Node {
    Node {
        location: schema.location(),
        nullable: true,
        shape: Shape::Any,
    }
}

/// Whether a schema is read as one object type: `type: object` alone, or no `type` with
/// object keywords (DEG writes objects so; a strict reading would let non-objects pass). Not
/// with anyOf or oneOf beside it, which the union's lowering takes with it.
fn is_object(schema: &Schema) -> bool {
    let declared = schema.types == [JsonType::Object]
        || (schema.types.is_empty()
            && (!schema.properties.is_empty()
                || !schema.required.is_empty()
                || schema.additional.is_some()
                || schema.min_properties.is_some()
                || schema.max_properties.is_some()
                || !schema.pattern_properties.is_empty()
                || schema.property_names.is_some()
                || !schema.dependent_required.is_empty()
                || !schema.dependent_schemas.is_empty()));
    declared
        && schema.any_of.is_empty()
        && schema.one_of.is_empty()
        && schema.not.is_empty()
        && schema.conditionals.is_empty()
}

/// An object that declares no properties and does not forbid others.
fn is_map(schema: &Schema) -> bool {
    schema.properties.is_empty()
        && schema.required.is_empty()
        && schema.jsonld_type.is_none()
        && !matches!(schema.additional, Some(Additional::Allowed(false)))
}

/// The kinds of value a keyword constrains.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Constrains {
    Strings,
    Numbers,
    Arrays,
    Objects,
}

/// Each keyword that constrains one kind of value, whether the schema has it, and the kind.
fn typed_keywords(s: &Schema) -> [(&'static str, bool, Constrains); 21] {
    use Constrains::{Arrays, Numbers, Objects, Strings};
    [
        ("format", s.format.is_some(), Strings),
        ("minLength", s.min_length.is_some(), Strings),
        ("maxLength", s.max_length.is_some(), Strings),
        ("pattern", s.pattern.is_some(), Strings),
        ("minimum", s.minimum.is_some(), Numbers),
        ("maximum", s.maximum.is_some(), Numbers),
        ("exclusiveMinimum", s.exclusive_minimum.is_some(), Numbers),
        ("exclusiveMaximum", s.exclusive_maximum.is_some(), Numbers),
        ("multipleOf", s.multiple_of.is_some(), Numbers),
        ("items", s.items.is_some(), Arrays),
        ("minItems", s.min_items.is_some(), Arrays),
        ("maxItems", s.max_items.is_some(), Arrays),
        ("uniqueItems", s.unique_items, Arrays),
        ("prefixItems", !s.prefix_items.is_empty(), Arrays),
        ("contains", s.contains.is_some(), Arrays),
        ("minProperties", s.min_properties.is_some(), Objects),
        ("maxProperties", s.max_properties.is_some(), Objects),
        (
            "patternProperties",
            !s.pattern_properties.is_empty(),
            Objects,
        ),
        ("propertyNames", s.property_names.is_some(), Objects),
        (
            "dependentRequired",
            !s.dependent_required.is_empty(),
            Objects,
        ),
        ("dependentSchemas", !s.dependent_schemas.is_empty(), Objects),
    ]
}

/// A keyword that constrains values of a type the schema does not declare (its `type` is
/// another, or absent), which the IR cannot hold: the keyword and the type it is for. Object
/// keywords without `type` make an object (see [`is_object`]), so only a declared other type
/// strays them.
fn stray_keyword(schema: &Schema) -> Option<(&'static str, &'static str)> {
    let declared = schema.types.first().copied();
    let is = |types: &[JsonType]| declared.is_some_and(|declared| types.contains(&declared));
    let applies = |kind: Constrains| match kind {
        Constrains::Strings => is(&[JsonType::String]),
        Constrains::Numbers => is(&[JsonType::Number, JsonType::Integer]),
        Constrains::Arrays => is(&[JsonType::Array]),
        Constrains::Objects => declared.is_none() || is(&[JsonType::Object]),
    };
    let plural = |kind: Constrains| match kind {
        Constrains::Strings => PartType::String.plural(),
        Constrains::Numbers => PartType::Number.plural(),
        Constrains::Arrays => PartType::Array.plural(),
        Constrains::Objects => "objects",
    };
    typed_keywords(schema)
        .into_iter()
        .find(|(_, present, kind)| *present && !applies(*kind))
        .map(|(keyword, _, kind)| (keyword, plural(kind)))
}

/// A keyword beside a schema's anyOf or oneOf other than `type` and annotations (or the other
/// union), which makes the schema the conjunction of its parts, if there is one.
fn beside_union(schema: &Schema) -> Option<&'static str> {
    let untyped = [
        (
            "oneOf",
            !schema.any_of.is_empty() && !schema.one_of.is_empty(),
        ),
        ("properties", !schema.properties.is_empty()),
        ("required", !schema.required.is_empty()),
        ("additionalProperties", schema.additional.is_some()),
        ("enum", schema.enum_values.is_some()),
    ];
    let typed = typed_keywords(schema).map(|(keyword, present, _)| (keyword, present));
    untyped
        .into_iter()
        .chain(typed)
        .find(|(_, present)| *present)
        .map(|(keyword, _)| keyword)
}

/// `type` beside anyOf or oneOf, moved into each branch (`{type: T, anyOf: [A, B]}` is
/// `{anyOf: [{type: T, allOf: [A]}, {type: T, allOf: [B]}]}`), so that no branch accepts a
/// value of another type.
fn types_into_branches(schema: &Schema) -> Schema {
    let typed = |branch: &Schema| Schema {
        file: branch.file.clone(),
        pointer: branch.pointer.clone(),
        types: schema.types.clone(),
        types_from: schema.types_from.clone(),
        all_of: vec![branch.clone()],
        ..Schema::default()
    };
    Schema {
        types: Vec::new(),
        types_from: None,
        any_of: schema.any_of.iter().map(typed).collect(),
        one_of: schema.one_of.iter().map(typed).collect(),
        ..schema.clone()
    }
}

/// A number's bounds, as the schema writes them.
fn bounds_of(schema: &Schema) -> Bounds {
    Bounds {
        minimum: schema.minimum,
        maximum: schema.maximum,
        exclusive_minimum: schema.exclusive_minimum,
        exclusive_maximum: schema.exclusive_maximum,
        multiple_of: schema.multiple_of,
    }
}

/// Whether a JSON value is of one of `types` (any when there are none), or null where allowed.
fn of_types(value: &serde_json::Value, types: &[JsonType], nullable: bool) -> bool {
    use serde_json::Value;
    if types.is_empty() {
        return true;
    }
    match value {
        Value::Null => nullable,
        Value::Bool(_) => types.contains(&JsonType::Boolean),
        Value::Number(number) => {
            types.contains(&JsonType::Number)
                || (types.contains(&JsonType::Integer)
                    && number.as_f64().is_some_and(|n| n.fract() == 0.0))
        }
        Value::String(_) => types.contains(&JsonType::String),
        Value::Array(_) => types.contains(&JsonType::Array),
        Value::Object(_) => types.contains(&JsonType::Object),
    }
}

/// The schema held to one of its several types: that `type`, and only the keywords that
/// constrain it (the others could never apply to a value of this type).
fn for_type(schema: &Schema, json_type: JsonType) -> Schema {
    let mut typed = Schema {
        types: vec![json_type],
        nullable: false,
        ..schema.clone()
    };
    if json_type != JsonType::String {
        typed.format = None;
        typed.min_length = None;
        typed.max_length = None;
        typed.pattern = None;
    }
    if !matches!(json_type, JsonType::Number | JsonType::Integer) {
        typed.minimum = None;
        typed.maximum = None;
        typed.exclusive_minimum = None;
        typed.exclusive_maximum = None;
        typed.multiple_of = None;
    }
    if json_type != JsonType::Array {
        typed.items = None;
        typed.min_items = None;
        typed.max_items = None;
        typed.unique_items = false;
        typed.prefix_items.clear();
        typed.contains = None;
    }
    if json_type != JsonType::Object {
        typed.properties.clear();
        typed.required.clear();
        typed.required_from.clear();
        typed.additional = None;
        typed.min_properties = None;
        typed.max_properties = None;
        typed.pattern_properties.clear();
        typed.property_names = None;
        typed.dependent_required.clear();
        typed.dependent_schemas.clear();
        typed.jsonld_type = None;
    }
    typed
}
