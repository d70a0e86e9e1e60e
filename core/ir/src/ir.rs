//! The Rust-facing shapes codegen lowers schemas into and emits from. Ordered collections
//! only, so output never depends on hashing.

/// The declared types a role input may have, as the RoleInput `type` enum lists them.
pub const INPUT_TYPES: [&str; 8] = [
    "BOOLEAN",
    "NUMBER",
    "DATE_TIME",
    "DURATION",
    "OFFER_CURVE",
    "STRING",
    "ROUTE",
    "OBJECT",
];

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
    /// `file#pointer` of the schema.
    pub location: String,
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
    pub additional: AdditionalRule,
    /// `file#pointer` of the rule on undeclared members.
    pub additional_location: String,

    /// `@type` name, when the object is JSON-LD typed.
    pub jsonld_type: Option<String>,
    /// Role inputs required once the role is filled, and where that list is written.
    pub filled_inputs: Option<(Vec<String>, String)>,
}

#[derive(Debug)]
pub struct Field {
    pub json_name: String,
    pub doc: Option<String>,
    /// `file#pointer` of the `required` that lists the field, when one does.
    pub required: Option<String>,
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
    pub location: String,
    pub nullable: bool,
    pub shape: Shape,
}

#[derive(Debug, Clone)]
pub enum Shape {
    Any,
    Boolean,
    Integer(Bounds),
    Number(Bounds),
    String(StringRules),
    Named(TypeRef),
    Array {
        items: Box<Node>,
        min_items: Option<u64>,
        max_items: Option<u64>,
    },
    AnyOf(Vec<Node>),
    OneOf(Vec<Node>),
    /// A role input of the named declared type (`NUMBER`, `DATE_TIME`, ...).
    RoleInput(String),
}

#[derive(Debug, Clone, Default)]
pub struct Bounds {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
}

#[derive(Debug, Clone, Default)]
pub struct StringRules {
    pub format: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
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
