//! Validation against schemas read at run time: the IR compiled once into a tree of checks
//! that makes, error for error, the same judgements as the validators the emitter generates
//! from the same IR (same kinds, instance paths, schema locations and order), so a schema
//! author sees the gate's answer without codegen or a rebuild.
//!
//! Findings hold their schema locations as `&'static str`, as generated code's do; a program
//! therefore keeps its text for the rest of the process. Load a schema set once per run.

use std::collections::{BTreeMap, HashMap};

use deg_contracts_runtime::json::{self, Kind, Value};
use deg_contracts_runtime::{
    self as runtime, BoundedErrors, Branches, Collector, ErrorKind, Format, InputSpec, InputType,
    Location, Pattern, RoleSpec, ValidationErrors, Values,
};

use crate::ir::{self, AdditionalRule, Crate, PartType, Shape, TypeKind, TypeRef};
use crate::role_rule::{self, Kinds, RoleRule};

/// One JSON-LD typed schema a program judges objects by.
#[derive(Debug, Clone)]
pub struct Schema {
    /// Its `@type`.
    pub type_name: &'static str,
    /// The entry (`<Name>/<version>`) that defines it.
    pub entry: &'static str,
    /// The `@type`s it extends through `allOf`, nearest first.
    pub extends: &'static [&'static str],
    /// The kinds of role it declares, when it is a contract.
    pub roles: Option<&'static [RoleSpec]>,
    /// Where it is written, as `file#pointer`.
    pub location: &'static str,
    /// Its type's place in the program that judges it.
    pub index: usize,
}

/// A schema set compiled for validation at run time.
#[derive(Debug)]
pub struct Program {
    /// Each type's name, by its place in `types`.
    names: Vec<TypeRef>,
    types: Vec<Type>,
    schemas: Vec<Schema>,
    replaced: Vec<(&'static str, &'static str)>,
}

#[derive(Debug)]
enum Type {
    Object(Box<Object>),
    Enum {
        values: &'static [&'static str],
        location: &'static str,
        enum_location: &'static str,
    },
    Union(Union),
    Alias(Check),
}

#[derive(Debug)]
struct Object {
    location: &'static str,
    members: Members,
    /// The required members, in field order, with where each is listed.
    required: Vec<(&'static str, &'static str)>,
    otherwise: Otherwise,
    part: Part,
    /// `minProperties` and `maxProperties`, each with where it is written.
    min_properties: Option<(u64, &'static str)>,
    max_properties: Option<(u64, &'static str)>,
    rules: Rules,
}

/// What else an object's members are held to (the IR's `MemberRules`).
#[derive(Debug, Default)]
struct Rules {
    patterns: Vec<(&'static Pattern, Check)>,
    names: Option<Check>,
    dependent_required: Vec<(&'static str, Vec<&'static str>, &'static str)>,
    dependent_schemas: Vec<(&'static str, Check)>,
}

/// An object's members by name: searched in order when few (most DEG objects), hashed when
/// many.
#[derive(Debug, Default)]
struct Members {
    list: Vec<(&'static str, Member)>,
    index: Option<HashMap<&'static str, usize>>,
}

/// Beyond this many members a lookup hashes.
const SEARCHED: usize = 16;

impl Members {
    fn insert_if_absent(&mut self, name: &'static str, member: impl FnOnce() -> Member) {
        if self.list.iter().all(|(known, _)| *known != name) {
            self.list.push((name, member()));
        }
    }

    fn seal(&mut self) {
        if self.list.len() > SEARCHED {
            self.index = Some(
                self.list
                    .iter()
                    .enumerate()
                    .map(|(at, (name, _))| (*name, at))
                    .collect(),
            );
        }
    }

    fn get(&self, name: &str) -> Option<&Member> {
        let at = match &self.index {
            Some(index) => *index.get(name)?,
            None => self.list.iter().position(|(known, _)| *known == name)?,
        };
        Some(&self.list[at].1)
    }
}

/// Which of an object's members were seen, or a role's inputs provided: bits while they fit.
enum Flags {
    Bits(u64),
    Many(Vec<bool>),
}

impl Flags {
    fn new(count: usize) -> Flags {
        if count <= 64 {
            Flags::Bits(0)
        } else {
            Flags::Many(vec![false; count])
        }
    }

    fn set(&mut self, index: usize, on: bool) {
        match self {
            Flags::Bits(bits) if on => *bits |= 1 << index,
            Flags::Bits(bits) => *bits &= !(1 << index),
            Flags::Many(flags) => flags[index] = on,
        }
    }

    fn get(&self, index: usize) -> bool {
        match self {
            Flags::Bits(bits) => bits & (1 << index) != 0,
            Flags::Many(flags) => flags[index],
        }
    }
}

/// What an object's member is checked by.
#[derive(Debug)]
enum Member {
    Field {
        check: Check,
        /// Its slot among the required members.
        required: Option<usize>,
        role: RolePart,
    },
    /// `@context` on a JSON-LD object that does not declare it.
    Context,
    /// `@type` on a JSON-LD object that does not declare it.
    JsonLdType(&'static str),
}

/// What a field contributes to the filled-role rule.
#[derive(Debug)]
enum RolePart {
    None,
    /// The role's `filled` flag.
    Filled,
    /// The role's inputs, checked by the inputs struct.
    Inputs(usize),
    /// One declared input of an inputs struct, at this index.
    Input {
        index: usize,
        declared: InputType,
        location: &'static str,
    },
}

/// How an object takes part in the filled-role rule.
#[derive(Debug)]
enum Part {
    None,
    Role {
        inputs_member: &'static str,
        inputs_count: usize,
        required: Vec<(usize, &'static str)>,
        at: &'static str,
    },
    Inputs {
        count: usize,
    },
}

#[derive(Debug)]
enum Otherwise {
    Forbidden(&'static str),
    Allowed,
    Typed(Check),
}

#[derive(Debug)]
struct Union {
    location: &'static str,
    discriminator: &'static str,
    variants: Vec<(&'static [&'static str], usize)>,
    fallback: Option<usize>,
    allowed: &'static [&'static str],
}

/// The checks of one value.
#[derive(Debug)]
struct Check {
    location: &'static str,
    nullable: bool,
    shape: CheckShape,
}

#[derive(Debug)]
enum CheckShape {
    Any,
    Never,
    Null,
    Values(&'static Values),
    Boolean,
    Number {
        integer: bool,
        minimum: Option<(f64, &'static str)>,
        maximum: Option<(f64, &'static str)>,
        exclusive_minimum: Option<(f64, &'static str)>,
        exclusive_maximum: Option<(f64, &'static str)>,
        multiple_of: Option<(f64, &'static str)>,
    },
    String {
        format: Option<(Format, &'static str)>,
        length: Option<(Option<u64>, Option<u64>)>,
        pattern: Option<(&'static Pattern, &'static str)>,
    },
    Named(usize),
    Array {
        items: Box<Check>,
        min: Option<(u64, &'static str)>,
        max: Option<(u64, &'static str)>,
        unique: Option<&'static str>,
        prefix: Vec<Check>,
        contains: Option<(Box<Check>, u64, Option<u64>, &'static str)>,
    },
    AnyOf(Vec<Check>),
    OneOf(Vec<Check>),
    RoleInput(InputType),
    /// Each part checked on values of its type.
    Typeless(Vec<(PartType, Check)>),
    Not(Box<Check>),
    Conditional {
        condition: Box<Check>,
        then: Option<Box<Check>>,
        otherwise: Option<Box<Check>>,
    },
    All(Vec<Check>),
}

fn keep(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn keep_all<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

fn keep_strings<'a>(items: impl IntoIterator<Item = &'a String>) -> &'static [&'static str] {
    keep_all(items.into_iter().map(|item| keep(item.clone())).collect())
}

impl Program {
    /// Compiles `krate` for validation.
    pub fn new(krate: &Crate) -> Program {
        let kinds = role_rule::kinds(krate);
        let defs: BTreeMap<TypeRef, &ir::TypeDef> = krate
            .modules
            .iter()
            .flat_map(|module| {
                module.types.iter().map(move |def| {
                    let ty = TypeRef {
                        module: module.name.clone(),
                        name: def.name.clone(),
                    };
                    (ty, def)
                })
            })
            .collect();
        let index: HashMap<&TypeRef, usize> =
            defs.keys().enumerate().map(|(at, ty)| (ty, at)).collect();
        let role_inputs = role_rule::role_input_structs(&kinds);
        let compiler = Compiler { index: &index };
        let types = defs
            .iter()
            .map(|(ty, def)| match &def.kind {
                TypeKind::Struct(object) => {
                    let rule = role_rule::role_rule(object, ty, &kinds, &role_inputs);
                    Type::Object(Box::new(compiler.object(object, &def.location, &rule)))
                }
                TypeKind::Enum(values) => {
                    let location = def.location.to_string();
                    Type::Enum {
                        values: keep_strings(values),
                        enum_location: keep(format!("{location}/enum")),
                        location: keep(location),
                    }
                }
                TypeKind::RoleUnion(union) => Type::Union(Union {
                    location: keep(def.location.to_string()),
                    discriminator: keep(union.discriminator.clone()),
                    variants: union
                        .variants
                        .iter()
                        .map(|variant| (keep_strings(&variant.values), index[&variant.ty]))
                        .collect(),
                    fallback: union.fallback.as_ref().map(|ty| index[ty]),
                    allowed: keep_strings(
                        union.variants.iter().flat_map(|variant| &variant.values),
                    ),
                }),
                TypeKind::Alias(node) => Type::Alias(compiler.check(node)),
            })
            .collect();
        let schemas = krate
            .registry
            .iter()
            .map(|(name, ty)| Schema {
                type_name: keep(name.clone()),
                entry: keep(
                    role_rule::entry_of(
                        krate
                            .modules
                            .iter()
                            .find(|module| module.name == ty.module)
                            .map_or("", |module| module.source.as_str()),
                    )
                    .to_owned(),
                ),
                extends: keep_strings(krate.extends.get(name).into_iter().flatten()),
                roles: role_specs(ty, &kinds),
                location: keep(defs[ty].location.to_string()),
                index: index[ty],
            })
            .collect();
        let replaced = krate
            .replaced
            .iter()
            .map(|(retired, current)| (keep(retired.clone()), keep(current.clone())))
            .collect();
        Program {
            names: defs.into_keys().collect(),
            types,
            schemas,
            replaced,
        }
    }

    /// The typed schemas, in `@type` order.
    pub fn schemas(&self) -> &[Schema] {
        &self.schemas
    }

    /// The type `ty`, JSON-LD typed or not, as a schema to validate against directly (a test
    /// suite's component, say); its registry fields are empty.
    pub fn schema_of(&self, ty: &TypeRef) -> Option<Schema> {
        let index = self.names.iter().position(|name| name == ty)?;
        Some(Schema {
            type_name: "",
            entry: "",
            extends: &[],
            roles: None,
            location: "",
            index,
        })
    }

    /// The retired `@type`s, each with the one that replaces it.
    pub fn replaced(&self) -> &[(&'static str, &'static str)] {
        &self.replaced
    }

    /// Validates `value` against `schema` (one of [`Program::schemas`]), keeping the first
    /// `limit` errors and counting the rest.
    pub fn validate_at_most(
        &self,
        schema: &Schema,
        value: &Value<'_>,
        limit: usize,
    ) -> BoundedErrors {
        let mut out = Collector::at_most(limit);
        self.check_type(schema.index, value, &Location::ROOT, &mut out);
        out.finish_bounded()
    }

    /// Validates `value` against `schema`, collecting every error.
    pub fn validate(
        &self,
        schema: &Schema,
        value: &serde_json::Value,
    ) -> Result<(), ValidationErrors> {
        let mut out = Collector::all();
        let arena = json::Arena::new();
        let value = Value::from_serde(value, &arena);
        self.check_type(schema.index, &value, &Location::ROOT, &mut out);
        out.finish()
    }

    /// Whether `value` satisfies `schema`; stops at the first error.
    pub fn is_valid(&self, schema: &Schema, value: &serde_json::Value) -> bool {
        let mut out = Collector::fail_fast();
        let arena = json::Arena::new();
        let value = Value::from_serde(value, &arena);
        self.check_type(schema.index, &value, &Location::ROOT, &mut out);
        !out.failed()
    }

    fn check_type(
        &self,
        ty: usize,
        value: &Value<'_>,
        location: &Location<'_>,
        out: &mut Collector,
    ) {
        match &self.types[ty] {
            Type::Object(object) => {
                self.check_object(object, value, location, out);
            }
            Type::Enum {
                values,
                location: at,
                enum_location,
            } => match value.as_str() {
                Some(found) if values.contains(&found) => {}
                Some(found) => out.push(location, enum_location, || ErrorKind::Enum {
                    found: found.to_owned(),
                    allowed: values,
                }),
                None => type_error(location, at, "a string", out),
            },
            Type::Union(union) => {
                let kind = value.get(union.discriminator).and_then(Value::as_str);
                let chosen = kind
                    .and_then(|kind| {
                        union
                            .variants
                            .iter()
                            .find(|(values, _)| values.contains(&kind))
                    })
                    .map(|(_, ty)| *ty)
                    .or(union.fallback);
                match chosen {
                    Some(ty) => self.check_type(ty, value, location, out),
                    None => out.push(location, union.location, || ErrorKind::Enum {
                        found: value
                            .get(union.discriminator)
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                        allowed: union.allowed,
                    }),
                }
            }
            Type::Alias(check) => self.check(check, value, location, out),
        }
    }

    /// Checks an object; for a role's inputs, says which declared inputs carry a value.
    fn check_object(
        &self,
        object: &Object,
        value: &Value<'_>,
        location: &Location<'_>,
        out: &mut Collector,
    ) -> Flags {
        let mut filled = false;
        let mut inputs_object = false;
        let mut provided = Flags::new(match &object.part {
            Part::None => 0,
            Part::Role { inputs_count, .. } => *inputs_count,
            Part::Inputs { count } => *count,
        });
        let Some(members) = value.as_object() else {
            type_error(location, object.location, "an object", out);
            return provided;
        };
        let mut seen = Flags::new(object.required.len());
        for (key, value) in members {
            let location = &location.key(key);
            let declared = match object.members.get(key) {
                Some(Member::Field {
                    check,
                    required,
                    role,
                }) => {
                    match role {
                        RolePart::None => self.check(check, value, location, out),
                        RolePart::Filled => {
                            self.check(check, value, location, out);
                            filled = value.as_bool() == Some(true);
                        }
                        RolePart::Inputs(ty) => {
                            inputs_object = value.is_object();
                            provided = match &self.types[*ty] {
                                Type::Object(inputs) => {
                                    self.check_object(inputs, value, location, out)
                                }
                                _ => unreachable!("role inputs are a struct"),
                            };
                        }
                        RolePart::Input {
                            index,
                            declared,
                            location: at,
                        } => {
                            let given =
                                runtime::check_role_input(value, *declared, location, at, out);
                            provided.set(*index, given);
                        }
                    }
                    if let Some(slot) = required {
                        seen.set(*slot, true);
                    }
                    true
                }
                Some(Member::Context) => true,
                Some(Member::JsonLdType(expected)) => {
                    runtime::check_jsonld_type(value, expected, location, object.location, out);
                    true
                }
                None => false,
            };
            let mut matched = false;
            for (pattern, check) in &object.rules.patterns {
                if pattern.is_match(key) {
                    matched = true;
                    self.check(check, value, location, out);
                }
            }
            if !declared && !matched {
                match &object.otherwise {
                    Otherwise::Forbidden(at) => {
                        out.push(location, at, || ErrorKind::UnknownProperty {
                            property: key.to_owned(),
                        })
                    }
                    Otherwise::Allowed => {}
                    Otherwise::Typed(check) => self.check(check, value, location, out),
                }
            }
            if let Some(names) = &object.rules.names {
                let name = Value::new(Kind::String(key));
                self.check(names, &name, location, out);
            }
            if out.should_stop() {
                return provided;
            }
        }
        let count = members.len();
        if let Some((min, at)) = object.min_properties
            && (count as u64) < min
        {
            out.push(location, at, || ErrorKind::MinProperties {
                min,
                actual: count,
            });
        }
        if let Some((max, at)) = object.max_properties
            && (count as u64) > max
        {
            out.push(location, at, || ErrorKind::MaxProperties {
                max,
                actual: count,
            });
        }
        for (slot, (property, at)) in object.required.iter().enumerate() {
            if !seen.get(slot) {
                out.push(location, at, || ErrorKind::Required { property });
            }
        }
        for (name, required, at) in &object.rules.dependent_required {
            if members.contains_key(name) {
                for property in required {
                    if !members.contains_key(property) {
                        out.push(location, at, || ErrorKind::Required { property });
                    }
                }
            }
        }
        for (name, check) in &object.rules.dependent_schemas {
            if members.contains_key(name) {
                self.check(check, value, location, out);
            }
        }
        if let Part::Role {
            inputs_member,
            required,
            at,
            ..
        } = &object.part
            && filled
        {
            let inputs_location = location.key(inputs_member);
            let reported_at = if inputs_object {
                &inputs_location
            } else {
                location
            };
            for (index, input) in required {
                if !provided.get(*index) {
                    out.push(reported_at, at, || ErrorKind::MissingRoleInput { input });
                }
            }
        }
        provided
    }

    fn check(
        &self,
        check: &Check,
        value: &Value<'_>,
        location: &Location<'_>,
        out: &mut Collector,
    ) {
        if check.nullable && value.is_null() {
            return;
        }
        let at = check.location;
        match &check.shape {
            CheckShape::Any => {}
            CheckShape::Never => runtime::check_never(value, location, at, out),
            CheckShape::Null => runtime::expect_type(value.is_null(), location, at, "null", out),
            CheckShape::Values(values) => runtime::check_values(value, values, location, at, out),
            CheckShape::Boolean => {
                runtime::expect_type(value.is_boolean(), location, at, "a boolean", out)
            }
            CheckShape::Number {
                integer,
                minimum,
                maximum,
                exclusive_minimum,
                exclusive_maximum,
                multiple_of,
            } => {
                let expected = if *integer { "an integer" } else { "a number" };
                match value.as_f64() {
                    Some(number) if !*integer || number.fract() == 0.0 => {
                        if let Some((limit, at)) = minimum
                            && number < *limit
                        {
                            out.push(location, at, || ErrorKind::Minimum { limit: *limit });
                        }
                        if let Some((limit, at)) = maximum
                            && number > *limit
                        {
                            out.push(location, at, || ErrorKind::Maximum { limit: *limit });
                        }
                        if let Some((limit, at)) = exclusive_minimum
                            && number <= *limit
                        {
                            out.push(location, at, || ErrorKind::ExclusiveMinimum {
                                limit: *limit,
                            });
                        }
                        if let Some((limit, at)) = exclusive_maximum
                            && number >= *limit
                        {
                            out.push(location, at, || ErrorKind::ExclusiveMaximum {
                                limit: *limit,
                            });
                        }
                        if let Some((divisor, at)) = multiple_of
                            && !runtime::is_multiple_of(number, *divisor)
                        {
                            out.push(location, at, || ErrorKind::MultipleOf { divisor: *divisor });
                        }
                    }
                    _ => type_error(location, at, expected, out),
                }
            }
            CheckShape::String {
                format,
                length,
                pattern,
            } => match value.as_str() {
                Some(text) => {
                    if let Some((format, format_at)) = format {
                        runtime::check_format(text, *format, location, format_at, out);
                    }
                    if let Some((min, max)) = length {
                        runtime::check_length(text, *min, *max, location, at, out);
                    }
                    if let Some((pattern, pattern_at)) = pattern {
                        runtime::check_pattern(text, pattern, location, pattern_at, out);
                    }
                }
                None => type_error(location, at, "a string", out),
            },
            CheckShape::Named(ty) => self.check_type(*ty, value, location, out),
            CheckShape::Array {
                items,
                min,
                max,
                unique,
                prefix,
                contains,
            } => {
                let Some(elements) = value.as_array() else {
                    return type_error(location, at, "an array", out);
                };
                let count = elements.len();
                if let Some((min, at)) = min
                    && (count as u64) < *min
                {
                    out.push(location, at, || ErrorKind::MinItems {
                        min: *min,
                        actual: count,
                    });
                }
                if let Some((max, at)) = max
                    && (count as u64) > *max
                {
                    out.push(location, at, || ErrorKind::MaxItems {
                        max: *max,
                        actual: count,
                    });
                }
                if let Some(at) = unique
                    && let Some((first, second)) = runtime::first_repeat(elements)
                {
                    out.push(location, at, || ErrorKind::UniqueItems { first, second });
                }
                if let Some((contained, min, max, at)) = contains {
                    let matches =
                        |value: &Value<'_>, location: &Location<'_>, out: &mut Collector| {
                            self.check(contained, value, location, out)
                        };
                    runtime::check_contains(elements, location, at, (*min, *max), &matches, out);
                }
                if matches!(items.shape, CheckShape::Any) && prefix.is_empty() {
                    return;
                }
                for (index, element) in elements.iter().enumerate() {
                    let check = prefix.get(index).unwrap_or(items);
                    self.check(check, element, &location.index(index), out);
                    if out.should_stop() {
                        return;
                    }
                }
            }
            CheckShape::AnyOf(checks) => {
                let branches = Alternatives {
                    program: self,
                    checks,
                };
                runtime::any_of(value, location, at, &branches, out)
            }
            CheckShape::OneOf(checks) => {
                let branches = Alternatives {
                    program: self,
                    checks,
                };
                runtime::one_of(value, location, at, &branches, out)
            }
            CheckShape::RoleInput(declared) => {
                runtime::check_role_input(value, *declared, location, at, out);
            }
            CheckShape::Not(inner) => {
                let inner = |value: &Value<'_>, location: &Location<'_>, out: &mut Collector| {
                    self.check(inner, value, location, out)
                };
                runtime::check_not(value, location, at, &inner, out);
            }
            CheckShape::Conditional {
                condition,
                then,
                otherwise,
            } => {
                let run = |check: &Check,
                           value: &Value<'_>,
                           location: &Location<'_>,
                           out: &mut Collector| {
                    self.check(check, value, location, out)
                };
                let condition =
                    |value: &Value<'_>, location: &Location<'_>, out: &mut Collector| {
                        run(condition, value, location, out)
                    };
                let then = then.as_deref().map(|then| {
                    move |value: &Value<'_>, location: &Location<'_>, out: &mut Collector| {
                        run(then, value, location, out)
                    }
                });
                let otherwise = otherwise.as_deref().map(|otherwise| {
                    move |value: &Value<'_>, location: &Location<'_>, out: &mut Collector| {
                        run(otherwise, value, location, out)
                    }
                });
                runtime::check_conditional(
                    value,
                    location,
                    &condition,
                    then.as_ref().map(|then| then as runtime::Dyn<'_>),
                    otherwise
                        .as_ref()
                        .map(|otherwise| otherwise as runtime::Dyn<'_>),
                    out,
                );
            }
            CheckShape::All(parts) => {
                for part in parts {
                    self.check(part, value, location, out);
                    if out.should_stop() {
                        return;
                    }
                }
            }
            CheckShape::Typeless(parts) => {
                for (applies, part) in parts {
                    if applies.holds(value) {
                        self.check(part, value, location, out);
                    }
                }
            }
        }
    }
}

/// An anyOf's or oneOf's branches, checked by the program.
struct Alternatives<'p> {
    program: &'p Program,
    checks: &'p [Check],
}

impl Branches for Alternatives<'_> {
    fn count(&self) -> usize {
        self.checks.len()
    }

    fn check(&self, index: usize, value: &Value<'_>, location: &Location<'_>, out: &mut Collector) {
        self.program
            .check(&self.checks[index], value, location, out)
    }
}

fn type_error(
    location: &Location<'_>,
    at: &'static str,
    expected: &'static str,
    out: &mut Collector,
) {
    out.push(location, at, || ErrorKind::Type { expected });
}

/// The role specs of a contract type, as the generated registry gives them.
fn role_specs(contract: &TypeRef, kinds: &Kinds<'_>) -> Option<&'static [RoleSpec]> {
    let Some(TypeKind::Struct(object)) = kinds.get(contract) else {
        return None;
    };
    let roles = object.roles.as_ref()?;
    Some(keep_all(
        roles
            .kinds
            .iter()
            .map(|kind| RoleSpec {
                values: keep_strings(&kind.values),
                inputs: kind.inputs.as_ref().map(|inputs| {
                    keep_all(
                        inputs
                            .iter()
                            .map(|input| InputSpec {
                                name: keep(input.name.clone()),
                                declared: input.declared,
                                required: input.required,
                            })
                            .collect(),
                    )
                }),
            })
            .collect(),
    ))
}

/// Compiles IR nodes into checks.
struct Compiler<'c> {
    index: &'c HashMap<&'c TypeRef, usize>,
}

impl Compiler<'_> {
    fn object(&self, object: &ir::Struct, location: &ir::Location, rule: &RoleRule<'_>) -> Object {
        let mut members = Members::default();
        let mut required = Vec::new();
        for (index, field) in object.fields.iter().enumerate() {
            let name = keep(field.json_name.clone());
            let slot = field.required.as_ref().map(|at| {
                required.push((name, keep(at.to_string())));
                required.len() - 1
            });
            let role = match rule {
                RoleRule::Role { role, .. } if field.json_name == role.filled => RolePart::Filled,
                RoleRule::Role { role, .. } if field.json_name == role.inputs => {
                    let Shape::Named(ty) = &field.node.shape else {
                        unreachable!("role inputs are a named struct")
                    };
                    RolePart::Inputs(self.index[ty])
                }
                RoleRule::Inputs => match &field.node.shape {
                    Shape::RoleInput(declared) => RolePart::Input {
                        index,
                        declared: *declared,
                        location: keep(field.node.location.to_string()),
                    },
                    _ => RolePart::None,
                },
                _ => RolePart::None,
            };
            members.insert_if_absent(name, || Member::Field {
                check: self.check(&field.node),
                required: slot,
                role,
            });
        }
        if let Some(jsonld_type) = &object.jsonld_type {
            members.insert_if_absent(runtime::JSONLD_CONTEXT, || Member::Context);
            members.insert_if_absent(runtime::JSONLD_TYPE, || {
                Member::JsonLdType(keep(jsonld_type.clone()))
            });
        }
        members.seal();
        let otherwise = match &object.additional {
            AdditionalRule::Forbidden => {
                Otherwise::Forbidden(keep(object.additional_location.to_string()))
            }
            AdditionalRule::Allowed => Otherwise::Allowed,
            AdditionalRule::Typed(node) => Otherwise::Typed(self.check(node)),
        };
        let part = match rule {
            RoleRule::None => Part::None,
            RoleRule::Role {
                role,
                inputs,
                required,
                at,
            } => Part::Role {
                inputs_member: keep(role.inputs.clone()),
                inputs_count: inputs.fields.len(),
                required: required
                    .iter()
                    .map(|(index, name)| (*index, keep((*name).clone())))
                    .collect(),
                at: keep(at.to_string()),
            },
            RoleRule::Inputs => Part::Inputs {
                count: object.fields.len(),
            },
        };
        let bound = |count: Option<u64>, keyword: &str| {
            count.map(|count| (count, keep(location.join(keyword).to_string())))
        };
        Object {
            location: keep(location.to_string()),
            members,
            required,
            otherwise,
            part,
            min_properties: bound(object.min_properties, "minProperties"),
            max_properties: bound(object.max_properties, "maxProperties"),
            rules: self.rules(&object.members),
        }
    }

    fn rules(&self, rules: &ir::MemberRules) -> Rules {
        Rules {
            patterns: rules
                .patterns
                .iter()
                .map(|(pattern, node)| {
                    let pattern: &'static Pattern =
                        Box::leak(Box::new(Pattern::new(keep(pattern.clone()))));
                    (pattern, self.check(node))
                })
                .collect(),
            names: rules.names.as_ref().map(|node| self.check(node)),
            dependent_required: rules
                .dependent_required
                .iter()
                .map(|(name, required, at)| {
                    (
                        keep(name.clone()),
                        required.iter().map(|name| keep(name.clone())).collect(),
                        keep(at.to_string()),
                    )
                })
                .collect(),
            dependent_schemas: rules
                .dependent_schemas
                .iter()
                .map(|(name, node)| (keep(name.clone()), self.check(node)))
                .collect(),
        }
    }

    fn check(&self, node: &ir::Node) -> Check {
        let here = &node.location;
        let at = |keyword: &str| keep(here.join(keyword).to_string());
        let shape = match &node.shape {
            Shape::Any => CheckShape::Any,
            Shape::Null => CheckShape::Null,
            Shape::Never => CheckShape::Never,
            Shape::Values(values) => CheckShape::Values(Box::leak(Box::new(Values::new(keep(
                serde_json::Value::Array(values.clone()).to_string(),
            ))))),
            Shape::Boolean => CheckShape::Boolean,
            Shape::Integer(bounds) | Shape::Number(bounds) => CheckShape::Number {
                integer: matches!(node.shape, Shape::Integer(_)),
                minimum: bounds.minimum.map(|limit| (limit, at("minimum"))),
                maximum: bounds.maximum.map(|limit| (limit, at("maximum"))),
                exclusive_minimum: bounds
                    .exclusive_minimum
                    .map(|limit| (limit, at("exclusiveMinimum"))),
                exclusive_maximum: bounds
                    .exclusive_maximum
                    .map(|limit| (limit, at("exclusiveMaximum"))),
                multiple_of: bounds
                    .multiple_of
                    .map(|divisor| (divisor, at("multipleOf"))),
            },
            Shape::String(rules) => CheckShape::String {
                format: rules.format.map(|format| (format, at("format"))),
                length: (rules.min_length.is_some() || rules.max_length.is_some())
                    .then_some((rules.min_length, rules.max_length)),
                pattern: rules.pattern.as_ref().map(|source| {
                    let pattern: &'static Pattern =
                        Box::leak(Box::new(Pattern::new(keep(source.clone()))));
                    (pattern, at("pattern"))
                }),
            },
            Shape::Named(ty) => CheckShape::Named(self.index[ty]),
            Shape::Array {
                items,
                min_items,
                max_items,
                unique_items,
                prefix_items,
                contains,
            } => CheckShape::Array {
                prefix: prefix_items.iter().map(|item| self.check(item)).collect(),
                contains: contains.as_deref().map(|contains| {
                    (
                        Box::new(self.check(&contains.node)),
                        contains.min,
                        contains.max,
                        keep(contains.location.to_string()),
                    )
                }),
                unique: unique_items.then(|| at("uniqueItems")),
                items: Box::new(self.check(items)),
                min: min_items.map(|min| (min, at("minItems"))),
                max: max_items.map(|max| (max, at("maxItems"))),
            },
            Shape::AnyOf(branches) => {
                CheckShape::AnyOf(branches.iter().map(|branch| self.check(branch)).collect())
            }
            Shape::OneOf(branches) => {
                CheckShape::OneOf(branches.iter().map(|branch| self.check(branch)).collect())
            }
            Shape::RoleInput(declared) => CheckShape::RoleInput(*declared),
            Shape::Not(inner) => CheckShape::Not(Box::new(self.check(inner))),
            Shape::Conditional {
                condition,
                then,
                otherwise,
            } => CheckShape::Conditional {
                condition: Box::new(self.check(condition)),
                then: then.as_deref().map(|then| Box::new(self.check(then))),
                otherwise: otherwise
                    .as_deref()
                    .map(|otherwise| Box::new(self.check(otherwise))),
            },
            Shape::All(parts) => {
                CheckShape::All(parts.iter().map(|part| self.check(part)).collect())
            }
            Shape::Typeless(parts) => CheckShape::Typeless(
                parts
                    .iter()
                    .filter_map(|part| Some((part.shape.part_type()?, self.check(part))))
                    .collect(),
            ),
        };
        Check {
            location: keep(here.to_string()),
            nullable: node.nullable,
            shape,
        }
    }
}
