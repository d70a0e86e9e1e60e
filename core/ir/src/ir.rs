//! The Rust-facing shapes codegen lowers schemas into and emits from. Ordered collections
//! only, so output never depends on hashing.

pub use deg_contracts_runtime::{Format, InputType};

/// A place in a schema file: the file, relative to the schema root, and an RFC 6901 pointer
/// into its document. Displayed as `file#pointer`, the form validators report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The file, relative to the schema root, with `/` separators.
    pub file: String,
    /// The pointer into the file's document.
    pub pointer: String,
}

impl Location {
    /// The place at `pointer` in `file`.
    pub fn new(file: &str, pointer: &str) -> Location {
        Location {
            file: file.to_owned(),
            pointer: pointer.to_owned(),
        }
    }

    /// The member `segment` below this place.
    pub fn join(&self, segment: &str) -> Location {
        Location {
            file: self.file.clone(),
            pointer: deg_contracts_runtime::pointer::join(&self.pointer, segment),
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.file, self.pointer)
    }
}

/// A generated type, named by its module and its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeRef {
    pub module: String,
    pub name: String,
}

/// Everything the generated crate holds.
#[derive(Debug, Default)]
pub struct Crate {
    pub modules: Vec<Module>,
    /// JSON-LD typed schemas, by their `@type`, for the registry.
    pub registry: Vec<(String, TypeRef)>,
    /// For each `@type`, the `@type`s its schema extends through `allOf`, so an object that
    /// lists several can be checked against the most specific one.
    pub extends: std::collections::BTreeMap<String, Vec<String>>,
    /// Retired `@type`s (`x-replaces`), each with the `@type` that replaces it.
    pub replaced: std::collections::BTreeMap<String, String>,
}

/// The types of one schema file.
#[derive(Debug)]
pub struct Module {
    /// The schema file, relative to the schema root.
    pub source: String,
    pub name: String,
    pub types: Vec<TypeDef>,
}

/// One named type.
#[derive(Debug)]
pub struct TypeDef {
    pub name: String,
    pub doc: Option<String>,
    /// Where the schema is written.
    pub location: Location,
    pub kind: TypeKind,
}

#[derive(Debug)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum, its values in schema order.
    Enum(Vec<String>),
    RoleUnion(RoleUnion),
    /// A type that is not an object: an array, a primitive or a generic union.
    Alias(Node),
}

/// An object type.
#[derive(Debug)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// `minProperties` and `maxProperties`, with where the schema is written.
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    /// What else the object's members are held to.
    pub members: Box<MemberRules>,
    pub additional: AdditionalRule,
    /// Where the rule on undeclared members is written (or would be).
    pub additional_location: Location,

    /// `@type` name, when the object is JSON-LD typed.
    pub jsonld_type: Option<String>,
    /// The role structure, when this struct is a role object.
    pub role: Option<Box<RoleObject>>,
    /// Where the roles are listed and what kinds they are, when this struct is a contract.
    pub roles: Option<Box<Roles>>,
}

/// The rules on an object's members beyond their declared properties.
#[derive(Debug, Default)]
pub struct MemberRules {
    /// `patternProperties`: a member whose name matches the pattern satisfies the node, and is
    /// not additional.
    pub patterns: Vec<(String, Node)>,
    /// `propertyNames`: every member's name, as a string, satisfies the node.
    pub names: Option<Node>,
    /// `dependentRequired`: when the member is present, these are required; where written.
    pub dependent_required: Vec<(String, Vec<String>, Location)>,
    /// `dependentSchemas`: when the member is present, the object satisfies the node.
    pub dependent_schemas: Vec<(String, Node)>,
}

impl MemberRules {
    /// Whether any rule is set.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
            && self.names.is_none()
            && self.dependent_required.is_empty()
            && self.dependent_schemas.is_empty()
    }
}

/// A role object: a party fills it, and once filled its declared inputs must be given.
/// Emitters read the members' names from here, never from the schema's spelling.
#[derive(Debug, Clone)]
pub struct RoleObject {
    /// The string-enum member naming the kind of role, when there is one.
    pub discriminator: Option<String>,
    /// The boolean member that says the role is filled.
    pub filled: String,
    /// The member naming the subscriber that filled the role, when declared.
    pub filled_by: Option<String>,
    /// The member that holds the inputs.
    pub inputs: String,
    /// The inputs' struct, when they have one.
    pub inputs_type: Option<TypeRef>,
    /// When every input is a declared role input: those required once the role is filled,
    /// and where that list is written.
    pub required_inputs: Option<(Vec<String>, Location)>,
}

/// Where a contract lists its roles, and each kind of role it declares.
#[derive(Debug, Clone)]
pub struct Roles {
    /// The array member holding the roles.
    pub field: String,
    /// The member of each role that names its kind.
    pub discriminator: String,
    /// The kinds, specialised ones first, then the generic kind if any.
    pub kinds: Vec<RoleKind>,
}

/// One kind of role a contract declares.
#[derive(Debug, Clone)]
pub struct RoleKind {
    /// The discriminator values it claims (`SELLER`, `PROSUMER`).
    pub values: Vec<String>,
    /// Its generated type.
    pub ty: TypeRef,
    /// Its declared inputs; `None` for a generic kind, which takes any input.
    pub inputs: Option<Vec<RoleInputDecl>>,
}

/// An input a kind of role declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleInputDecl {
    /// Its member name under the role's inputs.
    pub name: String,
    /// Its declared type.
    pub declared: InputType,
    /// Whether it must be given once the role is filled.
    pub required: bool,
}

#[derive(Debug)]
pub struct Field {
    pub json_name: String,
    pub doc: Option<String>,
    /// Where the `required` that lists the field is written, when one does.
    pub required: Option<Location>,
    pub node: Node,
}

#[derive(Debug)]
pub enum AdditionalRule {
    Forbidden,
    Allowed,
    Typed(Box<Node>),
}

/// A value's shape and where its schema is written.
#[derive(Debug, Clone)]
pub struct Node {
    pub location: Location,
    pub nullable: bool,
    pub shape: Shape,
}

#[derive(Debug, Clone)]
pub enum Shape {
    Any,
    /// `type: null` alone: only null.
    Null,
    /// The boolean schema `false`: nothing.
    Never,
    /// An `enum` or `const` of JSON values, not all strings: one of them, by JSON equality.
    Values(Vec<serde_json::Value>),
    Boolean,
    Integer(Bounds),
    Number(Bounds),
    String(StringRules),
    Named(TypeRef),
    Array {
        items: Box<Node>,
        min_items: Option<u64>,
        max_items: Option<u64>,
        /// `uniqueItems: true`.
        unique_items: bool,
        /// `prefixItems`: the first items' own schemas; `items` holds for those after them.
        prefix_items: Vec<Node>,
        /// `contains` with `minContains` and `maxContains`.
        contains: Option<Box<Contains>>,
    },
    AnyOf(Vec<Node>),
    OneOf(Vec<Node>),
    /// A role input of its declared type.
    RoleInput(InputType),
    /// `not`: the value must fail the node.
    Not(Box<Node>),
    /// `if`/`then`/`else`: a value the condition accepts must satisfy `then`, any other `else`.
    Conditional {
        condition: Box<Node>,
        then: Option<Box<Node>>,
        otherwise: Option<Box<Node>>,
    },
    /// Every node must hold: a schema's own keywords beside its `not` or `if`.
    All(Vec<Node>),
    /// A schema without `type` whose keywords constrain some types: a value of any type,
    /// held to each part (a string, number or array shape) when it is of that part's type.
    Typeless(Vec<Node>),
}

/// The JSON type a part of [`Shape::Typeless`] applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartType {
    String,
    Number,
    Array,
}

impl PartType {
    /// The `serde_json::Value` method that tests for the type, for generated code.
    pub fn test_method(self) -> &'static str {
        match self {
            PartType::String => "is_string",
            PartType::Number => "is_number",
            PartType::Array => "is_array",
        }
    }

    /// The type's values, for messages.
    pub fn plural(self) -> &'static str {
        match self {
            PartType::String => "strings",
            PartType::Number => "numbers",
            PartType::Array => "arrays",
        }
    }

    /// Whether `value` is of the type.
    pub fn holds(self, value: &deg_contracts_runtime::json::Value<'_>) -> bool {
        match self {
            PartType::String => value.is_string(),
            PartType::Number => value.is_number(),
            PartType::Array => value.is_array(),
        }
    }
}

impl Shape {
    /// The type a shape can be a typeless schema's part for.
    pub fn part_type(&self) -> Option<PartType> {
        match self {
            Shape::String(_) => Some(PartType::String),
            Shape::Number(_) | Shape::Integer(_) => Some(PartType::Number),
            Shape::Array { .. } => Some(PartType::Array),
            _ => None,
        }
    }
}

/// `contains`: how many items must match `node`.
#[derive(Debug, Clone)]
pub struct Contains {
    pub node: Node,
    /// `minContains` (1 when absent).
    pub min: u64,
    /// `maxContains`.
    pub max: Option<u64>,
    /// Where `contains` is written.
    pub location: Location,
}

#[derive(Debug, Clone, Default)]
pub struct Bounds {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    pub multiple_of: Option<f64>,
}

impl Bounds {
    /// Whether any keyword beyond `minimum` and `maximum` is set, which the streaming seeds
    /// leave to the buffered validator.
    pub fn has_more_than_range(&self) -> bool {
        self.exclusive_minimum.is_some()
            || self.exclusive_maximum.is_some()
            || self.multiple_of.is_some()
    }
}

#[derive(Debug, Clone, Default)]
pub struct StringRules {
    pub format: Option<Format>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// A regular expression the string must match somewhere (unanchored, as JSON Schema's).
    pub pattern: Option<String>,
}

/// An anyOf of role schemas, dispatched on a discriminating property.
#[derive(Debug)]
pub struct RoleUnion {
    pub discriminator: String,
    pub variants: Vec<Variant>,
    /// The generic branch, for values no variant claims.
    pub fallback: Option<TypeRef>,
}

#[derive(Debug)]
pub struct Variant {
    /// The Rust variant, from its first value (`SELLER` → `Seller`).
    pub name: String,
    /// The accessor on containing structs (`seller`).
    pub accessor: String,
    pub values: Vec<String>,
    pub ty: TypeRef,
}
