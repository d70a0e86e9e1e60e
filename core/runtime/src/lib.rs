//! What code generated from the DEG schemas calls at run time: validation errors and their
//! locations, the collector that validators report into, string formats, and the two forms of a
//! role input. It is an ordinary crate, compiled and tested where it is edited; generated crates
//! depend on it rather than carrying a copy.

#![deny(missing_docs)]

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use json::{Kind, Value};

/// One step of an instance path.
#[derive(Debug, Clone, Copy)]
pub enum Segment<'a> {
    /// A member of an object.
    Key(&'a str),
    /// An element of an array.
    Index(usize),
}

/// Where a validator stands in the instance, as a linked list on the stack, so the happy path
/// never allocates; it becomes an RFC 6901 pointer only when an error is reported.
#[derive(Debug, Clone, Copy)]
pub struct Location<'a> {
    parent: Option<&'a Location<'a>>,
    segment: Option<Segment<'a>>,
}

impl<'a> Location<'a> {
    /// The root of the instance.
    pub const ROOT: Location<'static> = Location {
        parent: None,
        segment: None,
    };

    /// The location of member `key` below this one.
    pub fn key(&'a self, key: &'a str) -> Location<'a> {
        Location {
            parent: Some(self),
            segment: Some(Segment::Key(key)),
        }
    }

    /// The location of element `index` below this one.
    pub fn index(&'a self, index: usize) -> Location<'a> {
        Location {
            parent: Some(self),
            segment: Some(Segment::Index(index)),
        }
    }

    /// The location as an RFC 6901 JSON pointer.
    pub fn to_pointer(&self) -> String {
        let mut segments = Vec::new();
        let mut current = Some(self);
        while let Some(location) = current {
            if let Some(segment) = location.segment {
                segments.push(segment);
            }
            current = location.parent;
        }
        let mut pointer = String::new();
        for segment in segments.iter().rev() {
            pointer.push('/');
            match segment {
                Segment::Key(key) => pointer.push_str(&crate::pointer::escape(key)),
                Segment::Index(index) => pointer.push_str(&index.to_string()),
            }
        }
        pointer
    }
}

/// The declared type of a role input, from the RoleInput `type` enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InputType {
    /// `true` or `false`.
    Boolean,
    /// A JSON number.
    Number,
    /// An RFC 3339 date-time string with an offset.
    DateTime,
    /// An ISO 8601 duration string such as `PT15M`.
    Duration,
    /// An offer curve, as an object or an array of points.
    OfferCurve,
    /// A string.
    String,
    /// A route, as an object or an array of stops.
    Route,
    /// A JSON object.
    Object,
    /// Anything: an input the schema leaves untyped (codegen warns, and still requires it
    /// where the schema does). No schema can declare it by name.
    Any,
}

impl InputType {
    /// Every type a schema can declare, in schema order.
    pub const ALL: [InputType; 8] = [
        InputType::Boolean,
        InputType::Number,
        InputType::DateTime,
        InputType::Duration,
        InputType::OfferCurve,
        InputType::String,
        InputType::Route,
        InputType::Object,
    ];

    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            InputType::Boolean => "BOOLEAN",
            InputType::Number => "NUMBER",
            InputType::DateTime => "DATE_TIME",
            InputType::Duration => "DURATION",
            InputType::OfferCurve => "OFFER_CURVE",
            InputType::String => "STRING",
            InputType::Route => "ROUTE",
            InputType::Object => "OBJECT",
            InputType::Any => "ANY",
        }
    }

    /// The type named `name` in JSON, if any.
    pub fn from_name(name: &str) -> Option<InputType> {
        InputType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// What a value of this type looks like, for messages.
    pub fn expectation(self) -> &'static str {
        match self {
            InputType::Boolean => "a boolean",
            InputType::Number => "a number",
            InputType::DateTime => "an RFC 3339 date-time string",
            InputType::Duration => "an ISO 8601 duration string",
            InputType::OfferCurve => "an offer curve (object or array)",
            InputType::String => "a string",
            InputType::Route => "a route (object or array)",
            InputType::Object => "an object",
            InputType::Any => "any JSON value",
        }
    }
}

impl fmt::Display for InputType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is none of an enum's values, from a generated enum's `FromStr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// The string given.
    pub value: String,
    /// The values the enum has.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not one of {}",
            self.value,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownValue {}

/// What is wrong, with the data the message needs; one variant per rule.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    /// The value has the wrong JSON type.
    Type {
        /// The JSON type the schema asks for.
        expected: &'static str,
    },
    /// A required property is absent.
    Required {
        /// The absent property.
        property: &'static str,
    },
    /// A property the schema does not declare, where additional properties are forbidden.
    UnknownProperty {
        /// The undeclared property.
        property: String,
    },
    /// A string outside the schema's enum.
    Enum {
        /// The value found.
        found: String,
        /// The values allowed.
        allowed: &'static [&'static str],
    },
    /// An array with too few items.
    MinItems {
        /// The least number of items.
        min: u64,
        /// The number found.
        actual: usize,
    },
    /// An array with too many items.
    MaxItems {
        /// The greatest number of items.
        max: u64,
        /// The number found.
        actual: usize,
    },
    /// A number below the minimum.
    Minimum {
        /// The least value allowed.
        limit: f64,
    },
    /// A number above the maximum.
    Maximum {
        /// The greatest value allowed.
        limit: f64,
    },
    /// A value where the schema is `false`.
    Never,
    /// A value that matches the schema of a `not`.
    Not,
    /// A value that is none of the values an `enum` or `const` of JSON values allows.
    Value {
        /// The value found, as JSON.
        found: String,
        /// The values allowed, as JSON.
        allowed: &'static str,
    },
    /// Too few, or too many, items that match a `contains`.
    Contains {
        /// The least number of matching items.
        min: u64,
        /// The most, if bounded.
        max: Option<u64>,
        /// How many match.
        found: usize,
    },
    /// Two equal items in an array that must not repeat.
    UniqueItems {
        /// The index of the first.
        first: usize,
        /// The index of the one that repeats it.
        second: usize,
    },
    /// An object with fewer members than allowed.
    MinProperties {
        /// The least number of members.
        min: u64,
        /// How many it has.
        actual: usize,
    },
    /// An object with more members than allowed.
    MaxProperties {
        /// The most members.
        max: u64,
        /// How many it has.
        actual: usize,
    },
    /// A number not above an exclusive lower bound.
    ExclusiveMinimum {
        /// The bound.
        limit: f64,
    },
    /// A number not below an exclusive upper bound.
    ExclusiveMaximum {
        /// The bound.
        limit: f64,
    },
    /// A number that is not a multiple of the divisor.
    MultipleOf {
        /// The divisor.
        divisor: f64,
    },
    /// A string shorter than allowed.
    MinLength {
        /// The least length, in characters.
        min: u64,
    },
    /// A string longer than allowed.
    MaxLength {
        /// The greatest length, in characters.
        max: u64,
    },
    /// A string that does not match the schema's `pattern`.
    Pattern {
        /// The regular expression, as the schema writes it.
        pattern: &'static str,
    },
    /// A string that does not have its declared format.
    Format {
        /// The format, such as `date-time`.
        format: Format,
        /// Why the string is not of that format.
        reason: String,
    },
    /// No branch of an anyOf or oneOf accepts the value; the errors of the branch that came
    /// closest (fewest errors, the first of equals) follow.
    NoBranchMatched {
        /// How many branches were tried.
        branches: usize,
        /// The closest branch, counting from 1.
        closest: usize,
    },
    /// More than one branch of a oneOf accepts the value.
    MultipleBranchesMatched {
        /// How many branches accepted it.
        matched: usize,
    },
    /// A verbose role input states a type other than the one the schema declares.
    RoleInputTypeMismatch {
        /// The type the schema declares for the input.
        declared: InputType,
        /// The type the verbose object states.
        stated: String,
    },
    /// A role input's value does not have the input's declared type.
    RoleInputValue {
        /// The type the schema declares for the input.
        declared: InputType,
    },
    /// A filled role lacks one of its required inputs, or gives it as null.
    MissingRoleInput {
        /// The input that is missing.
        input: &'static str,
    },
    /// `@type` does not name this schema.
    JsonLdType {
        /// The name `@type` must give.
        expected: &'static str,
    },
}

impl ErrorKind {
    /// A stable, machine-readable name for the kind.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::Type { .. } => "type",
            ErrorKind::Required { .. } => "required",
            ErrorKind::UnknownProperty { .. } => "unknown-property",
            ErrorKind::Enum { .. } => "enum",
            ErrorKind::MinItems { .. } => "min-items",
            ErrorKind::MaxItems { .. } => "max-items",
            ErrorKind::Minimum { .. } => "minimum",
            ErrorKind::Maximum { .. } => "maximum",
            ErrorKind::Value { .. } => "enum",
            ErrorKind::Not => "not",
            ErrorKind::Never => "never",
            ErrorKind::Contains { .. } => "contains",
            ErrorKind::UniqueItems { .. } => "unique-items",
            ErrorKind::MinProperties { .. } => "min-properties",
            ErrorKind::MaxProperties { .. } => "max-properties",
            ErrorKind::ExclusiveMinimum { .. } => "exclusive-minimum",
            ErrorKind::ExclusiveMaximum { .. } => "exclusive-maximum",
            ErrorKind::MultipleOf { .. } => "multiple-of",
            ErrorKind::MinLength { .. } => "min-length",
            ErrorKind::MaxLength { .. } => "max-length",
            ErrorKind::Pattern { .. } => "pattern",
            ErrorKind::Format { .. } => "format",
            ErrorKind::NoBranchMatched { .. } => "no-branch-matched",
            ErrorKind::MultipleBranchesMatched { .. } => "multiple-branches-matched",
            ErrorKind::RoleInputTypeMismatch { .. } => "role-input-type-mismatch",
            ErrorKind::RoleInputValue { .. } => "role-input-value",
            ErrorKind::MissingRoleInput { .. } => "missing-role-input",
            ErrorKind::JsonLdType { .. } => "jsonld-type",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Type { expected } => write!(f, "expected {expected}"),
            ErrorKind::Required { property } => {
                write!(f, "required property `{property}` is missing")
            }
            ErrorKind::UnknownProperty { property } => {
                write!(f, "property `{property}` is not allowed here")
            }
            ErrorKind::Enum { found, allowed } => {
                write!(f, "`{found}` is not one of {}", allowed.join(", "))
            }
            ErrorKind::MinItems { min, actual } => {
                write!(f, "expected at least {min} items, found {actual}")
            }
            ErrorKind::MaxItems { max, actual } => {
                write!(f, "expected at most {max} items, found {actual}")
            }
            ErrorKind::Minimum { limit } => write!(f, "must be at least {limit}"),
            ErrorKind::Maximum { limit } => write!(f, "must be at most {limit}"),
            ErrorKind::Value { found, allowed } => write!(f, "`{found}` is not one of {allowed}"),
            ErrorKind::Not => f.write_str("matches a schema it must not match"),
            ErrorKind::Never => f.write_str("no value is allowed here (the schema is `false`)"),
            ErrorKind::Contains { min, max, found } => match max {
                Some(max) => write!(
                    f,
                    "must contain between {min} and {max} items matching its `contains`, has {found}"
                ),
                None => write!(
                    f,
                    "must contain at least {min} items matching its `contains`, has {found}"
                ),
            },
            ErrorKind::UniqueItems { first, second } => {
                write!(
                    f,
                    "items {first} and {second} are equal; they must be unique"
                )
            }
            ErrorKind::MinProperties { min, actual } => {
                write!(f, "must have at least {min} members, has {actual}")
            }
            ErrorKind::MaxProperties { max, actual } => {
                write!(f, "must have at most {max} members, has {actual}")
            }
            ErrorKind::ExclusiveMinimum { limit } => write!(f, "must be greater than {limit}"),
            ErrorKind::ExclusiveMaximum { limit } => write!(f, "must be less than {limit}"),
            ErrorKind::MultipleOf { divisor } => write!(f, "must be a multiple of {divisor}"),
            ErrorKind::MinLength { min } => write!(f, "must be at least {min} characters long"),
            ErrorKind::MaxLength { max } => write!(f, "must be at most {max} characters long"),
            ErrorKind::Pattern { pattern } => write!(f, "does not match the pattern `{pattern}`"),
            ErrorKind::Format { format, reason } => write!(f, "not a valid {format}: {reason}"),
            ErrorKind::NoBranchMatched { branches, closest } => write!(
                f,
                "matches none of the {branches} allowed shapes; the closest is shape {closest}, \
                 whose errors follow"
            ),
            ErrorKind::MultipleBranchesMatched { matched } => {
                write!(f, "matches {matched} shapes where exactly one is allowed")
            }
            ErrorKind::RoleInputTypeMismatch { declared, stated } => {
                write!(f, "input is declared {declared} but states type `{stated}`")
            }
            ErrorKind::RoleInputValue { declared } => {
                write!(
                    f,
                    "expected {} for a {declared} input",
                    declared.expectation()
                )
            }
            ErrorKind::MissingRoleInput { input } => {
                write!(f, "filled role must provide input `{input}`")
            }
            ErrorKind::JsonLdType { expected } => write!(f, "`@type` must name `{expected}`"),
        }
    }
}

/// One validation failure: where in the instance, which schema rule, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// RFC 6901 pointer to the offending value.
    pub instance_path: String,
    /// The rule that failed, as `file#pointer`.
    pub schema_location: &'static str,
    /// What failed.
    pub kind: ErrorKind,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.instance_path.is_empty() {
            "(root)"
        } else {
            &self.instance_path
        };
        write!(f, "{path}: {}", self.kind)
    }
}

/// Every validation failure of one instance, in document order.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl ValidationErrors {
    /// The failures.
    pub fn iter(&self) -> std::slice::Iter<'_, ValidationError> {
        self.0.iter()
    }

    /// How many failures there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a ValidationError;
    type IntoIter = std::slice::Iter<'a, ValidationError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Why a typed parse failed.
#[derive(Debug)]
pub enum ParseError {
    /// The bytes are not JSON.
    Json(serde_json::Error),
    /// The JSON does not satisfy the schema.
    Invalid(ValidationErrors),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Json(error) => write!(f, "invalid JSON: {error}"),
            ParseError::Invalid(errors) => write!(f, "schema violations:\n{errors}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Receives what validators find: every error, or only whether there was one.
#[derive(Debug)]
pub struct Collector {
    errors: Vec<ValidationError>,
    fail_fast: bool,
    failed: bool,
    /// The most errors kept; the rest are only counted.
    limit: usize,
    beyond: usize,
}

/// What a bounded collection found: the first errors with their paths, and how many more.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoundedErrors {
    /// The errors kept, in document order.
    pub kept: Vec<ValidationError>,
    /// How many errors came after the limit, counted but not kept.
    pub beyond: usize,
}

impl Collector {
    /// Collects every error with its paths.
    pub fn all() -> Collector {
        Collector::at_most(usize::MAX)
    }

    /// Collects the first `limit` errors with their paths and counts the rest, so that a
    /// message with a hundred thousand errors costs the memory of `limit`.
    pub fn at_most(limit: usize) -> Collector {
        Collector {
            errors: Vec::new(),
            fail_fast: false,
            failed: false,
            limit,
            beyond: 0,
        }
    }

    /// Records only that something failed, building no paths or messages.
    pub fn fail_fast() -> Collector {
        Collector {
            fail_fast: true,
            ..Collector::all()
        }
    }

    /// Reports a failure; `kind` is built only when errors are collected.
    #[inline]
    pub fn push(
        &mut self,
        location: &Location<'_>,
        schema_location: &'static str,
        kind: impl FnOnce() -> ErrorKind,
    ) {
        self.failed = true;
        if self.fail_fast {
            return;
        }
        if self.errors.len() >= self.limit {
            self.beyond += 1;
        } else {
            self.errors.push(ValidationError {
                instance_path: location.to_pointer(),
                schema_location,
                kind: kind(),
            });
        }
    }

    /// Whether anything failed.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Whether a fail-fast collector has its answer, so validation can stop.
    #[inline]
    pub fn should_stop(&self) -> bool {
        self.fail_fast && self.failed
    }

    /// The verdict.
    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.failed {
            Err(ValidationErrors(self.errors))
        } else {
            Ok(())
        }
    }

    /// The errors kept and the count of those beyond the limit.
    pub fn finish_bounded(self) -> BoundedErrors {
        BoundedErrors {
            kept: self.errors,
            beyond: self.beyond,
        }
    }
}

/// A validator of one shape, as generated code passes it to [`any_of`] and [`one_of`].
pub type Check = fn(&Value<'_>, &Location<'_>, &mut Collector);

/// The branches of an anyOf or oneOf: [`Check`]s in generated code, the schema's own nodes in
/// the run-time interpreter.
pub trait Branches {
    /// How many branches there are.
    fn count(&self) -> usize;
    /// Checks `value` against branch `index`.
    fn check(&self, index: usize, value: &Value<'_>, location: &Location<'_>, out: &mut Collector);
}

impl<B: Fn(&Value<'_>, &Location<'_>, &mut Collector)> Branches for [B] {
    fn count(&self) -> usize {
        self.len()
    }

    fn check(&self, index: usize, value: &Value<'_>, location: &Location<'_>, out: &mut Collector) {
        self[index](value, location, out)
    }
}

impl<B: Fn(&Value<'_>, &Location<'_>, &mut Collector), const N: usize> Branches for [B; N] {
    fn count(&self) -> usize {
        N
    }

    fn check(&self, index: usize, value: &Value<'_>, location: &Location<'_>, out: &mut Collector) {
        self[index](value, location, out)
    }
}

/// The anyOf rule: some branch must accept the value; when none does, each branch's errors are
/// reported after a [`ErrorKind::NoBranchMatched`].
pub fn any_of<B: Branches + ?Sized>(
    value: &Value<'_>,
    location: &Location<'_>,
    schema_location: &'static str,
    branches: &B,
    out: &mut Collector,
) {
    if (0..branches.count()).any(|index| accepts(branches, index, value, location)) {
        return;
    }
    report_branches(value, location, schema_location, branches, out);
}

/// The oneOf rule: exactly one branch must accept the value.
pub fn one_of<B: Branches + ?Sized>(
    value: &Value<'_>,
    location: &Location<'_>,
    schema_location: &'static str,
    branches: &B,
    out: &mut Collector,
) {
    let matched = (0..branches.count())
        .filter(|index| accepts(branches, *index, value, location))
        .count();
    match matched {
        1 => {}
        0 => report_branches(value, location, schema_location, branches, out),
        _ => out.push(location, schema_location, || {
            ErrorKind::MultipleBranchesMatched { matched }
        }),
    }
}

fn accepts<B: Branches + ?Sized>(
    branches: &B,
    index: usize,
    value: &Value<'_>,
    location: &Location<'_>,
) -> bool {
    let mut probe = Collector::fail_fast();
    branches.check(index, value, location, &mut probe);
    !probe.failed()
}

fn report_branches<B: Branches + ?Sized>(
    value: &Value<'_>,
    location: &Location<'_>,
    schema_location: &'static str,
    branches: &B,
    out: &mut Collector,
) {
    if out.fail_fast {
        out.push(location, schema_location, || ErrorKind::NoBranchMatched {
            branches: branches.count(),
            closest: 1,
        });
        return;
    }
    let errors = |index: usize| {
        let mut probe = Collector::all();
        branches.check(index, value, location, &mut probe);
        probe.errors.len()
    };
    let closest = (0..branches.count())
        .min_by_key(|index| errors(*index))
        .unwrap_or(0);
    out.push(location, schema_location, || ErrorKind::NoBranchMatched {
        branches: branches.count(),
        closest: closest + 1,
    });
    branches.check(closest, value, location, out);
}

/// The boolean schema `false`: whatever `_value` is, it is not allowed.
pub fn check_never(
    _value: &Value<'_>,
    location: &Location<'_>,
    schema_location: &'static str,
    out: &mut Collector,
) {
    out.push(location, schema_location, || ErrorKind::Never);
}

/// A check of one value, as `not` and `if` take their schemas.
pub type Dyn<'c> = &'c dyn Fn(&Value<'_>, &Location<'_>, &mut Collector);

/// The `not` rule: the value must fail `inner`.
pub fn check_not(
    value: &Value<'_>,
    location: &Location<'_>,
    schema_location: &'static str,
    inner: Dyn<'_>,
    out: &mut Collector,
) {
    let mut probe = Collector::fail_fast();
    inner(value, location, &mut probe);
    if !probe.failed() {
        out.push(location, schema_location, || ErrorKind::Not);
    }
}

/// The `contains` rule: between `min` and `max` of the items match `matches`.
pub fn check_contains(
    items: &[Value<'_>],
    location: &Location<'_>,
    schema_location: &'static str,
    (min, max): (u64, Option<u64>),
    matches: Dyn<'_>,
    out: &mut Collector,
) {
    let found = items
        .iter()
        .enumerate()
        .filter(|(index, item)| {
            let mut probe = Collector::fail_fast();
            matches(item, &location.index(*index), &mut probe);
            !probe.failed()
        })
        .count();
    if (found as u64) < min || max.is_some_and(|max| found as u64 > max) {
        out.push(location, schema_location, || ErrorKind::Contains {
            min,
            max,
            found,
        });
    }
}

/// The `if` rule: a value `condition` accepts is held to `then`, any other to `otherwise`; the
/// branch's own errors are reported.
pub fn check_conditional(
    value: &Value<'_>,
    location: &Location<'_>,
    condition: Dyn<'_>,
    then: Option<Dyn<'_>>,
    otherwise: Option<Dyn<'_>>,
    out: &mut Collector,
) {
    let mut probe = Collector::fail_fast();
    condition(value, location, &mut probe);
    let branch = if probe.failed() { otherwise } else { then };
    if let Some(branch) = branch {
        branch(value, location, out);
    }
}

/// Reports a type error unless `ok`; generated code passes the type test it needs.
#[inline]
pub fn expect_type(
    ok: bool,
    location: &Location<'_>,
    schema_location: &'static str,
    expected: &'static str,
    out: &mut Collector,
) {
    if !ok {
        out.push(location, schema_location, || ErrorKind::Type { expected });
    }
}

/// Checks a string's `format`, reporting why it does not match.
pub fn check_format(
    value: &str,
    format: Format,
    location: &Location<'_>,
    schema_location: &'static str,
    out: &mut Collector,
) {
    if let Err(FormatError { format, reason }) = format.check(value) {
        out.push(location, schema_location, || ErrorKind::Format {
            format,
            reason,
        });
    }
}

/// Whether `value` is an ISO 8601 duration such as `P1DT2H` or `PT15M` (or `P2W`).
pub fn is_iso8601_duration(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('P') else {
        return false;
    };
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (rest, None),
    };
    let date_ok = duration_part(date, &['Y', 'M', 'W', 'D']);
    let time_ok = time.is_none_or(|time| !time.is_empty() && duration_part(time, &['H', 'M', 'S']));
    date_ok && time_ok && !(date.is_empty() && time.is_none())
}

/// Numbers each followed by a designator, the designators in the given order, none twice.
fn duration_part(part: &str, designators: &[char]) -> bool {
    let mut next = 0;
    let mut digits = 0;
    for c in part.chars() {
        if c.is_ascii_digit() || (c == '.' && digits > 0) {
            digits += 1;
        } else {
            let Some(offset) = designators[next..].iter().position(|d| *d == c) else {
                return false;
            };
            if digits == 0 {
                return false;
            }
            next += offset + 1;
            digits = 0;
        }
    }
    digits == 0
}

/// Whether an input value is in verbose RoleInput form: an object with a string `type` from
/// the RoleInput enum and a boolean `required`.
pub fn is_verbose_role_input(value: &Value<'_>) -> bool {
    value.as_object().is_some_and(|object| {
        object
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|name| InputType::from_name(name).is_some())
            && object.get("required").is_some_and(Value::is_boolean)
    })
}

/// Whether a role input carries a value: present, not null, and in verbose form a non-null `value`.
pub fn role_input_is_provided(value: Option<&Value<'_>>) -> bool {
    match value {
        None => false,
        Some(value) if value.is_null() => false,
        Some(value) if is_verbose_role_input(value) => {
            value.get("value").is_some_and(|inner| !inner.is_null())
        }
        Some(_) => true,
    }
}

/// Checks a role input in either form against its declared type, and says whether it carries
/// a value (the filled-role rule needs that). Null means "not yet given".
pub fn check_role_input(
    value: &Value<'_>,
    declared: InputType,
    location: &Location<'_>,
    schema_location: &'static str,
    out: &mut Collector,
) -> bool {
    if value.is_null() {
        return false;
    }
    if !is_verbose_role_input(value) {
        check_input_value(value, declared, location, schema_location, out);
        return true;
    }
    let Some(object) = value.as_object() else {
        return false;
    };
    let mut provided = false;
    for (key, member) in object {
        let member_location = location.key(key);
        match key {
            "type" => {
                let stated = member.as_str().unwrap_or_default();
                if declared != InputType::Any && stated != declared.as_str() {
                    out.push(&member_location, schema_location, || {
                        ErrorKind::RoleInputTypeMismatch {
                            declared,
                            stated: stated.to_owned(),
                        }
                    });
                }
            }
            "required" => {}
            "description" => {
                if !member.is_string() {
                    out.push(&member_location, schema_location, || ErrorKind::Type {
                        expected: "string",
                    });
                }
            }
            "value" => {
                provided = !member.is_null();
                if provided {
                    check_input_value(member, declared, &member_location, schema_location, out);
                }
            }
            _ => out.push(&member_location, schema_location, || {
                ErrorKind::UnknownProperty {
                    property: key.to_owned(),
                }
            }),
        }
    }
    provided
}

fn check_input_value(
    value: &Value<'_>,
    declared: InputType,
    location: &Location<'_>,
    schema_location: &'static str,
    out: &mut Collector,
) {
    let ok = match declared {
        InputType::Any => true,
        InputType::Boolean => value.is_boolean(),
        InputType::Number => value.is_number(),
        InputType::String => value.is_string(),
        InputType::Object => value.is_object(),
        InputType::OfferCurve | InputType::Route => value.is_object() || value.is_array(),
        InputType::Duration => value.as_str().is_some_and(is_iso8601_duration),
        InputType::DateTime => match value.as_str() {
            Some(text) => {
                if let Err(format::Reason(reason)) = format::date_time(text) {
                    out.push(location, schema_location, || ErrorKind::Format {
                        format: Format::DateTime,
                        reason,
                    });
                }
                true
            }
            None => false,
        },
    };
    if !ok {
        out.push(location, schema_location, || ErrorKind::RoleInputValue {
            declared,
        });
    }
}

/// A kind of role a contract schema declares: the `role` values that select it and the inputs
/// it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleSpec {
    /// The `role` values of this kind, such as SELLER and PROSUMER.
    pub values: &'static [&'static str],
    /// The declared inputs; `None` when the role's inputs are free-form.
    pub inputs: Option<&'static [InputSpec]>,
}

/// One declared role input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputSpec {
    /// The input's name in `roleInputs`.
    pub name: &'static str,
    /// Its declared type.
    pub declared: InputType,
    /// Whether a filled role must provide it.
    pub required: bool,
}

impl RoleSpec {
    /// The declared input `name`, if the role declares inputs and this is one of them.
    pub fn input(&self, name: &str) -> Option<&'static InputSpec> {
        self.inputs?.iter().find(|input| input.name == name)
    }
}

/// `@type` on a JSON-LD object: a string or an array of strings, one of which names the schema.
pub fn check_jsonld_type(
    value: &Value<'_>,
    expected: &'static str,
    location: &Location<'_>,
    schema_location: &'static str,
    out: &mut Collector,
) {
    let names = match value.kind() {
        Kind::String(name) => *name == expected,
        Kind::Array(items) => {
            if !items.iter().all(Value::is_string) {
                out.push(location, schema_location, || ErrorKind::Type {
                    expected: "a string or an array of strings",
                });
                return;
            }
            items.iter().any(|item| item.as_str() == Some(expected))
        }
        _ => {
            out.push(location, schema_location, || ErrorKind::Type {
                expected: "a string or an array of strings",
            });
            return;
        }
    };
    if !names {
        out.push(location, schema_location, || ErrorKind::JsonLdType {
            expected,
        });
    }
}

/// Checks a string value's length in characters.
pub fn check_length(
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
    location: &Location<'_>,
    schema_location: &'static str,
    out: &mut Collector,
) {
    // A string has at most as many characters as bytes, and at least a quarter as many.
    let bytes = value.len() as u64;
    let surely_long = min.is_none_or(|min| bytes / 4 >= min);
    let surely_short = max.is_none_or(|max| bytes <= max);
    if surely_long && surely_short {
        return;
    }
    let length = value.chars().count() as u64;
    if let Some(min) = min.filter(|min| length < *min) {
        out.push(location, schema_location, || ErrorKind::MinLength { min });
    }
    if let Some(max) = max.filter(|max| length > *max) {
        out.push(location, schema_location, || ErrorKind::MaxLength { max });
    }
}

/// The values an `enum` or `const` of JSON values allows, kept as the JSON text codegen wrote
/// and parsed on first use (codegen writes it from parsed values, so it always parses).
#[derive(Debug)]
pub struct Values {
    source: &'static str,
    parsed: std::sync::OnceLock<Option<Value<'static>>>,
}

impl Values {
    /// The values written as the JSON array `source`.
    pub const fn new(source: &'static str) -> Values {
        Values {
            source,
            parsed: std::sync::OnceLock::new(),
        }
    }

    /// Whether `value` equals one of them.
    pub fn contains(&self, value: &Value<'_>) -> bool {
        self.parsed
            .get_or_init(|| {
                // Parsed once for the process, like the static list it is read from.
                let arena: &'static json::Arena = Box::leak(Box::default());
                json::parse(self.source, arena).ok()
            })
            .as_ref()
            .and_then(Value::as_array)
            .unwrap_or_default()
            .iter()
            .any(|allowed| json_equal(allowed, value))
    }
}

/// Checks a value against an `enum` or `const` of JSON values.
pub fn check_values(
    value: &Value<'_>,
    values: &Values,
    location: &Location<'_>,
    schema_location: &'static str,
    out: &mut Collector,
) {
    if !values.contains(value) {
        out.push(location, schema_location, || ErrorKind::Value {
            found: value.to_string(),
            allowed: values.source,
        });
    }
}

/// JSON equality as JSON Schema means it: numbers by value (`1` equals `1.0`), objects by
/// their members whatever the order, arrays item by item.
pub fn json_equal(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a.kind(), b.kind()) {
        (Kind::Number(_), Kind::Number(_)) => {
            let (Some(x), Some(y)) = (a.as_serde_number(), b.as_serde_number()) else {
                return false;
            };
            match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(x), Some(y), ..) => x == y,
                (.., Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Kind::Array(x), Kind::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(x, y)| json_equal(x, y))
        }
        (Kind::Object(x), Kind::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, value)| y.get(key).is_some_and(|other| json_equal(value, other)))
        }
        (Kind::Null, Kind::Null) => true,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::String(x), Kind::String(y)) => x == y,
        _ => false,
    }
}

/// The first pair of equal items, by index, if any.
pub fn first_repeat(items: &[Value<'_>]) -> Option<(usize, usize)> {
    (0..items.len()).find_map(|second| {
        (0..second)
            .find(|first| json_equal(&items[*first], &items[second]))
            .map(|first| (first, second))
    })
}

/// Whether `number` is a whole multiple of `divisor`, to within the precision of an `f64`
/// (`0.3` is a multiple of `0.1`, as JSON Schema means it).
pub fn is_multiple_of(number: f64, divisor: f64) -> bool {
    let quotient = number / divisor;
    if !quotient.is_finite() {
        // Too large to divide: the remainder is still exact.
        return number.is_finite() && number % divisor == 0.0;
    }
    (quotient - quotient.round()).abs() <= quotient.abs().max(1.0) * 4.0 * f64::EPSILON
}

/// A schema's `pattern`, compiled on first use. JSON Schema patterns search (they are not
/// anchored), as `regex` does. Codegen and the schema loader compile every pattern before any
/// value is checked, so one that does not compile never reaches a validator; should a
/// hand-built one, it matches nothing.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    compiled: std::sync::OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    /// The pattern `source`, not compiled yet.
    pub const fn new(source: &'static str) -> Pattern {
        Pattern {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The regular expression as the schema writes it.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `text` has a match.
    pub fn is_match(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| compile_pattern(self.source).ok())
            .as_ref()
            .is_some_and(|regex| regex.is_match(text))
    }
}

/// Compiles a schema's pattern, or says why it cannot be run.
pub fn compile_pattern(source: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(source).map_err(|error| match error {
        regex::Error::Syntax(message) => message
            .lines()
            .last()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_owned(),
        other => other.to_string(),
    })
}

/// Checks a string against a `pattern`.
pub fn check_pattern(
    value: &str,
    pattern: &Pattern,
    location: &Location<'_>,
    schema_location: &'static str,
    out: &mut Collector,
) {
    if !pattern.is_match(value) {
        out.push(location, schema_location, || ErrorKind::Pattern {
            pattern: pattern.source(),
        });
    }
}

/// An RFC 3339 date-time that keeps its offset and its original text, so re-serialising
/// gives back exactly what was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTime {
    /// Shared with the other reads of the same text on this thread.
    text: std::sync::Arc<str>,
    instant: time::OffsetDateTime,
}

impl DateTime {
    /// Parses RFC 3339 text, which must carry an offset.
    pub fn parse(text: &str) -> Result<DateTime, FormatError> {
        let (text, instant) =
            format::read_date_time(text).map_err(|format::Reason(reason)| FormatError {
                format: Format::DateTime,
                reason,
            })?;
        Ok(DateTime { text, instant })
    }

    /// The instant, in the offset it was written with.
    pub fn instant(&self) -> time::OffsetDateTime {
        self.instant
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<DateTime, D::Error> {
        let text = String::deserialize(deserializer)?;
        DateTime::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A member that is present and may be null; `Option<Nullable<T>>` tells absent, null and a
/// value apart, so re-serialising keeps an explicit null.
#[derive(Debug, Clone, PartialEq)]
pub enum Nullable<T> {
    /// Present as `null`.
    Null,
    /// Present with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, if not null.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(value) => Some(value),
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Null => serializer.serialize_none(),
            Nullable::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Nullable<T>, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Nullable::Value(value),
            None => Nullable::Null,
        })
    }
}

/// Deserialises a member that is present, even as null, into `Some`; serde's own `Option`
/// would read a null as absent.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// A role input as written: null, a direct value, or the verbose RoleInput form.
#[derive(Debug, Clone, PartialEq)]
pub enum RoleInputSlot<T> {
    /// Not provided yet.
    Null,
    /// The value itself, such as `"pricePerKWh": 0.15`.
    Direct(T),
    /// The verbose form, which states type and requirement next to the value.
    Verbose(VerboseRoleInput<T>),
}

impl<T> RoleInputSlot<T> {
    /// The input's value, whichever form carries it.
    pub fn value(&self) -> Option<&T> {
        match self {
            RoleInputSlot::Null => None,
            RoleInputSlot::Direct(value) => Some(value),
            RoleInputSlot::Verbose(verbose) => verbose.value.as_ref().and_then(Nullable::as_ref),
        }
    }
}

/// The verbose RoleInput object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: Deserialize<'de>"))]
pub struct VerboseRoleInput<T> {
    /// The stated type; validation makes it equal the declared one.
    #[serde(rename = "type")]
    pub input_type: InputType,
    /// Whether the role must provide the input.
    pub required: bool,
    /// What the input means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The value; absent, null while not given, or present.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub value: Option<Nullable<T>>,
}

impl<T: Serialize> Serialize for RoleInputSlot<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RoleInputSlot::Null => serializer.serialize_none(),
            RoleInputSlot::Direct(value) => value.serialize(serializer),
            RoleInputSlot::Verbose(verbose) => verbose.serialize(serializer),
        }
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for RoleInputSlot<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RoleInputSlot<T>, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if value.is_null() {
            Ok(RoleInputSlot::Null)
        } else if is_verbose_role_input(&Value::from_serde(&value, &json::Arena::new())) {
            serde_json::from_value(value)
                .map(RoleInputSlot::Verbose)
                .map_err(serde::de::Error::custom)
        } else {
            serde_json::from_value(value)
                .map(RoleInputSlot::Direct)
                .map_err(serde::de::Error::custom)
        }
    }
}

/// Verdict-only validation while parsing, for `verdict(&[u8])`.
pub mod fast;
mod format;
pub mod json;
pub mod pointer;
pub mod view;

pub use format::{Format, FormatError};

/// The JSON-LD keyword that names an object's type, and so its schema.
pub const JSONLD_TYPE: &str = "@type";
/// The JSON-LD keyword that names an object's context: with its type, which schema (and
/// which version of it) describes the object.
pub const JSONLD_CONTEXT: &str = "@context";
pub use rust_decimal::Decimal;

/// A JSON number as an exact decimal, from its text and never through `f64`; `None` when a
/// decimal cannot hold it.
pub fn decimal(number: &serde_json::Number) -> Option<Decimal> {
    use std::str::FromStr;
    if let Some(integer) = number.as_i64() {
        return Some(Decimal::from(integer));
    }
    if let Some(integer) = number.as_u64() {
        return Some(Decimal::from(integer));
    }
    let text = number.to_string();
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::{Decimal, decimal};
    use std::str::FromStr;

    #[test]
    fn numbers_become_the_decimals_they_write() {
        for (json, expected) in [
            ("0", "0"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("18446744073709551615", "18446744073709551615"),
            ("12.5", "12.5"),
            ("0.1", "0.1"),
            ("-6.4", "-6.4"),
            ("1e3", "1000"),
            ("2.5E-3", "0.0025"),
        ] {
            let number: serde_json::Number = serde_json::from_str(json).unwrap();
            assert_eq!(
                decimal(&number),
                Some(Decimal::from_str(expected).unwrap()),
                "{json}"
            );
        }
        let huge: serde_json::Number = serde_json::from_str("1e300").unwrap();
        assert_eq!(decimal(&huge), None);
    }
}
