//! A message's JSON as the rules read it: borrowed from the text (a string without escapes
//! is a slice of it, a number is its written digits), members in the order written, and
//! every value knowing the bytes it spans, so that a DEG object can be handed to a streaming
//! verdict and a number read exactly. Its arrays and objects are copied into an [`Arena`]
//! as they close, so building one allocates only when the arena grows, and dropping one is
//! free; a `serde_json::Value` costs an allocation per string and a tree node per member.
//!
//! The parser accepts exactly what `serde_json` accepts. Where the grammar alone cannot tell
//! (an escaped string, a number near the edge of `f64`) it asks `serde_json` about that one
//! token; anything it rejects is [`NotParsed`], and the caller asks `serde_json` for the
//! error it reports.

use std::ops::Range;

use rust_decimal::Decimal;
use serde_json::Number;

/// Where a parsed message's arrays, objects and decoded strings live: freed all at once
/// when it is dropped (or reset), so a tree costs nothing to drop and a gate worker reuses
/// one arena's memory for message after message.
pub use bumpalo::Bump as Arena;

/// A JSON value and the bytes it spans in its text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Value<'a> {
    kind: Kind<'a>,
    start: u32,
    end: u32,
}

/// What a value is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number as written.
    Number(&'a str),
    /// A string, decoded.
    String(&'a str),
    /// An array's elements.
    Array(&'a [Value<'a>]),
    /// An object's members.
    Object(Object<'a>),
}

/// An object's members in the order written. A key written twice is answered as
/// `serde_json` answers it: the last one written wins.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Object<'a> {
    members: &'a [(&'a str, Value<'a>)],
    /// For an object that repeats a key, whether each member is shadowed by a later one of
    /// the same key (worked out once, as it is read); empty for the usual object.
    shadowed: &'a [bool],
}

impl<'a> Object<'a> {
    /// The value of `key`: the last one written, should it repeat.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.members
            .iter()
            .rev()
            .find(|(name, _)| same_key(name, key))
            .map(|(_, value)| value)
    }

    /// Every member as written, a repeated key each time.
    pub fn written(&self) -> &'a [(&'a str, Value<'a>)] {
        self.members
    }

    /// Whether the object has the member `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.members.iter().any(|(name, _)| *name == key)
    }

    /// The members in the order written, each key once (with its last value).
    pub fn iter(&self) -> Members<'_, 'a> {
        Members {
            members: self.members,
            front: 0,
            back: self.members.len(),
            shadowed: self.shadowed,
        }
    }

    /// How many distinct keys the object has.
    pub fn len(&self) -> usize {
        self.members.len() - self.shadowed.iter().filter(|shadowed| **shadowed).count()
    }

    /// Whether the object has no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Whether some key is written more than once.
    pub fn repeats_a_key(&self) -> bool {
        !self.shadowed.is_empty()
    }
}

impl<'o, 'a> IntoIterator for &'o Object<'a> {
    type Item = (&'o str, &'o Value<'a>);
    type IntoIter = Members<'o, 'a>;

    fn into_iter(self) -> Members<'o, 'a> {
        self.iter()
    }
}

/// An object's members in the order written, each key once.
#[derive(Debug, Clone)]
pub struct Members<'o, 'a> {
    members: &'o [(&'a str, Value<'a>)],
    front: usize,
    back: usize,
    shadowed: &'o [bool],
}

impl<'o, 'a> Members<'o, 'a> {
    /// Whether the member at `at` is the one its key answers with: the last written.
    fn answers(&self, at: usize) -> bool {
        !self.shadowed.get(at).copied().unwrap_or(false)
    }

    fn member(&self, at: usize) -> (&'o str, &'o Value<'a>) {
        let (key, value) = &self.members[at];
        (key, value)
    }
}

impl<'o, 'a> Iterator for Members<'o, 'a> {
    type Item = (&'o str, &'o Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        while self.front < self.back {
            let at = self.front;
            self.front += 1;
            if self.answers(at) {
                return Some(self.member(at));
            }
        }
        None
    }
}

impl DoubleEndedIterator for Members<'_, '_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        while self.front < self.back {
            self.back -= 1;
            if self.answers(self.back) {
                return Some(self.member(self.back));
            }
        }
        None
    }
}

impl<'a> Value<'a> {
    /// A value with no text of its own (its span is empty): a `propertyNames` check makes
    /// one of each key.
    pub fn new(kind: Kind<'a>) -> Value<'a> {
        Value {
            kind,
            start: 0,
            end: 0,
        }
    }

    /// A `serde_json::Value` as one of these, in `arena`, borrowing its strings; nothing of
    /// it has a span.
    pub fn from_serde(value: &'a serde_json::Value, arena: &'a Arena) -> Value<'a> {
        use serde_json::Value as Serde;
        Value::new(match value {
            Serde::Null => Kind::Null,
            Serde::Bool(value) => Kind::Bool(*value),
            Serde::Number(number) => Kind::Number(arena.alloc_str(&number.to_string())),
            Serde::String(text) => Kind::String(text),
            Serde::Array(items) => Kind::Array(
                arena
                    .alloc_slice_fill_iter(items.iter().map(|item| Value::from_serde(item, arena))),
            ),
            Serde::Object(object) => Kind::Object(Object {
                members: arena.alloc_slice_fill_iter(
                    object
                        .iter()
                        .map(|(key, value)| (key.as_str(), Value::from_serde(value, arena))),
                ),
                shadowed: &[],
            }),
        })
    }

    /// What the value is.
    pub fn kind(&self) -> &Kind<'a> {
        &self.kind
    }

    /// The bytes of the text the value spans.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.as_object()?.get(key)
    }

    /// The value at an RFC 6901 `pointer`, as `serde_json::Value::pointer` finds it.
    pub fn pointer<'v>(&'v self, pointer: &str) -> Option<&'v Value<'a>> {
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return None;
        }
        let step = |value: &'v Value<'a>, token: &str| match &value.kind {
            Kind::Object(object) => object.get(token),
            Kind::Array(items) => crate::pointer::index(token).and_then(|at| items.get(at)),
            _ => None,
        };
        // The usual pointer escapes nothing: its tokens are slices of it, found by a plain
        // scan (a pointer's tokens are too short to pay for a vectorised search each); one
        // with an escape is read again token by token.
        let mut value = self;
        let mut rest = pointer;
        while let Some(after) = rest.strip_prefix('/') {
            let end = after
                .bytes()
                .position(|byte| byte == b'/' || byte == b'~')
                .unwrap_or(after.len());
            if after.as_bytes().get(end) == Some(&b'~') {
                return crate::pointer::tokens(pointer)
                    .try_fold(self, |value, token| step(value, &token));
            }
            value = step(value, &after[..end])?;
            rest = &after[end..];
        }
        Some(value)
    }

    /// Appends to `pointer` the path from this value down to `target`, one of its descendants
    /// (or itself); `false` when `target` is not in it. Each value spans bytes inside its parent's
    /// and after its earlier siblings', so the path is found by halving at each level; a tree
    /// with no text behind it (made from a `serde_json::Value`) is searched whole.
    pub fn path_to(&self, target: &Value<'_>, pointer: &mut String) -> bool {
        let at = target.span();
        if at.is_empty() {
            return self.search_for(target, pointer);
        }
        let here = pointer.len();
        let mut value = self;
        while !std::ptr::eq(value, target) {
            let next = match value.kind() {
                Kind::Object(object) => {
                    let members = object.written();
                    let index = members.partition_point(|(_, child)| child.span().end <= at.start);
                    members.get(index).map(|(key, child)| {
                        crate::pointer::push(pointer, key);
                        child
                    })
                }
                Kind::Array(items) => {
                    let index = items.partition_point(|child| child.span().end <= at.start);
                    items.get(index).inspect(|_| push_index(pointer, index))
                }
                _ => None,
            };
            match next {
                Some(child) => value = child,
                None => {
                    pointer.truncate(here);
                    return false;
                }
            }
        }
        true
    }

    /// The object or array among this value and its descendants that starts at byte `start`
    /// of the text, found by halving at each level as [`Value::path_to`] does; `None` when
    /// none starts there. Only for a tree parsed from text: one made from a
    /// `serde_json::Value` has no spans.
    pub fn container_at(&self, start: u32) -> Option<&Value<'a>> {
        let mut value = self;
        loop {
            if value.start == start && matches!(value.kind, Kind::Object(_) | Kind::Array(_)) {
                return Some(value);
            }
            let child = match value.kind() {
                Kind::Object(object) => {
                    let members = object.written();
                    let index = members.partition_point(|(_, child)| child.end <= start);
                    members.get(index).map(|(_, child)| child)
                }
                Kind::Array(items) => items.get(items.partition_point(|child| child.end <= start)),
                _ => None,
            }?;
            if child.start > start {
                return None;
            }
            value = child;
        }
    }

    /// [`Value::path_to`] for a target without a span: every branch is tried.
    fn search_for(&self, target: &Value<'_>, pointer: &mut String) -> bool {
        if std::ptr::eq(self, target) {
            return true;
        }
        let here = pointer.len();
        let found = match self.kind() {
            Kind::Object(object) => object.written().iter().any(|(key, child)| {
                pointer.truncate(here);
                crate::pointer::push(pointer, key);
                child.search_for(target, pointer)
            }),
            Kind::Array(items) => items.iter().enumerate().any(|(index, child)| {
                pointer.truncate(here);
                push_index(pointer, index);
                child.search_for(target, pointer)
            }),
            _ => false,
        };
        if !found {
            pointer.truncate(here);
        }
        found
    }

    /// The pointer of `target`, one of this value's descendants, from this value.
    pub fn pointer_to(&self, target: &Value<'_>) -> String {
        // Room for a Beckn message's usual depth, so that the path is not regrown.
        let mut pointer = String::with_capacity(96);
        self.path_to(target, &mut pointer);
        pointer
    }

    /// The value at `pointer`, or its nearest ancestor there is: where a finding about a
    /// missing member is shown.
    pub fn nearest(&self, pointer: &str) -> &Value<'a> {
        let mut value = self;
        for token in crate::pointer::tokens(pointer) {
            let next = match &value.kind {
                Kind::Object(object) => object.get(&token),
                Kind::Array(items) => crate::pointer::index(&token).and_then(|at| items.get(at)),
                _ => None,
            };
            match next {
                Some(next) => value = next,
                None => break,
            }
        }
        value
    }

    /// The members of an object.
    pub fn as_object(&self) -> Option<&Object<'a>> {
        match &self.kind {
            Kind::Object(object) => Some(object),
            _ => None,
        }
    }

    /// The elements of an array.
    pub fn as_array(&self) -> Option<&[Value<'a>]> {
        match &self.kind {
            Kind::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(text) => Some(text),
            _ => None,
        }
    }

    /// A boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(value) => Some(value),
            _ => None,
        }
    }

    /// A number's text, as written.
    pub fn as_number(&self) -> Option<&str> {
        match &self.kind {
            Kind::Number(text) => Some(text),
            _ => None,
        }
    }

    /// A number as the `f64` `serde_json` reads it as.
    pub fn as_f64(&self) -> Option<f64> {
        let text = self.as_number()?;
        match text.parse::<i64>() {
            Ok(integer) => Some(integer as f64),
            Err(_) => serde_number(text)?.as_f64(),
        }
    }

    /// A number as `serde_json` reads it.
    pub fn as_serde_number(&self) -> Option<Number> {
        serde_number(self.as_number()?)
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self.kind, Kind::String(_))
    }

    /// Whether this is a number.
    pub fn is_number(&self) -> bool {
        matches!(self.kind, Kind::Number(_))
    }

    /// Whether this is `true` or `false`.
    pub fn is_boolean(&self) -> bool {
        matches!(self.kind, Kind::Bool(_))
    }

    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        matches!(self.kind, Kind::Array(_))
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self.kind, Kind::Object(_))
    }

    /// A number as an exact decimal, as [`decimal_of`] reads its text.
    pub fn decimal(&self) -> Option<Decimal> {
        decimal_of(self.as_number()?)
    }

    /// The same value as a `serde_json::Value`, for the validators that read one.
    pub fn to_serde(&self) -> serde_json::Value {
        use serde_json::Value as Serde;
        match &self.kind {
            Kind::Null => Serde::Null,
            Kind::Bool(value) => Serde::Bool(*value),
            Kind::Number(text) => serde_number(text).map_or(Serde::Null, Serde::Number),
            Kind::String(text) => Serde::String((*text).to_owned()),
            Kind::Array(items) => Serde::Array(items.iter().map(Value::to_serde).collect()),
            Kind::Object(object) => Serde::Object(
                object
                    .members
                    .iter()
                    .map(|(key, value)| ((*key).to_owned(), value.to_serde()))
                    .collect(),
            ),
        }
    }
}

/// Compact JSON, as `serde_json` writes the same value ([`Value::write_compact`]).
impl std::fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut text = String::new();
        self.write_compact(&mut text);
        f.write_str(&text)
    }
}

impl Value<'_> {
    /// Appends the compact JSON text `serde_json` writes for the same value (keys sorted,
    /// each once, the last written winning), without building that value.
    pub fn write_compact(&self, out: &mut String) {
        match &self.kind {
            Kind::Null => out.push_str("null"),
            Kind::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            // An integer serde_json keeps as one is written as it is; `-0` is a float to it.
            Kind::Number(text) if is_short_integer(text) => out.push_str(text),
            Kind::Number(text) => match serde_number(text) {
                Some(number) => out.push_str(&number.to_string()),
                None => out.push_str("null"),
            },
            Kind::String(text) => write_string(out, text),
            Kind::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    item.write_compact(out);
                }
                out.push(']');
            }
            Kind::Object(object) => {
                let in_order = object
                    .iter()
                    .zip(object.iter().skip(1))
                    .all(|((a, _), (b, _))| a < b);
                out.push('{');
                if in_order {
                    write_members(out, object.iter());
                } else {
                    let mut members: Vec<(&str, &Value<'_>)> = object.iter().collect();
                    members.sort_unstable_by(|a, b| a.0.cmp(b.0));
                    write_members(out, members.into_iter());
                }
                out.push('}');
            }
        }
    }
}

/// Members, already in key order, as `key:value` pairs between commas.
fn write_members<'v, 'a: 'v>(
    out: &mut String,
    members: impl Iterator<Item = (&'v str, &'v Value<'a>)>,
) {
    for (index, (key, value)) in members.enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_string(out, key);
        out.push(':');
        value.write_compact(out);
    }
}

/// Whether a number is an integer `serde_json` reads as one and writes again as written: no
/// point, no exponent, not `-0`, and short enough for an `i64`.
fn is_short_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    digits.len() <= 18
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && !(text.starts_with('-') && digits == "0")
}

/// A string as `serde_json` writes it: as it is when nothing in it needs an escape, and
/// through `serde_json` when something does.
fn write_string(out: &mut String, text: &str) {
    if text
        .bytes()
        .any(|byte| byte < 0x20 || byte == b'"' || byte == b'\\')
    {
        out.push_str(&serde_json::Value::from(text).to_string());
    } else {
        out.push('"');
        out.push_str(text);
        out.push('"');
    }
}

/// The digits an `f64` keeps; a number written with more is read from its text.
const F64_DIGITS: usize = 15;

/// A number's text as the exact decimal the rules compute with: as `serde_json` reads it
/// (through `f64` for a fraction) when an `f64` keeps all its digits, and from the text
/// otherwise; `None` when a decimal cannot hold it without rounding.
pub fn decimal_of(text: &str) -> Option<Decimal> {
    let plain = Plain::read(text);
    if plain.digits > F64_DIGITS {
        return exact_decimal(text);
    }
    plain
        .decimal()
        .or_else(|| crate::decimal(&serde_number(text)?))
}

/// A number's text read in one pass: its digits as an integer, how many there are, how many
/// follow the point, and whether it has an exponent.
struct Plain {
    negative: bool,
    mantissa: u64,
    digits: usize,
    scale: u32,
    fraction: bool,
    exponent: bool,
}

impl Plain {
    fn read(text: &str) -> Plain {
        let mut plain = Plain {
            negative: text.starts_with('-'),
            mantissa: 0,
            digits: 0,
            scale: 0,
            fraction: false,
            exponent: false,
        };
        for byte in text.bytes() {
            match byte {
                b'0'..=b'9' => {
                    plain.digits += 1;
                    if !plain.exponent {
                        plain.mantissa = plain
                            .mantissa
                            .wrapping_mul(10)
                            .wrapping_add(u64::from(byte - b'0'));
                        plain.scale += u32::from(plain.fraction);
                    }
                }
                b'.' => plain.fraction = true,
                b'e' | b'E' => plain.exponent = true,
                _ => {}
            }
        }
        plain
    }

    /// The decimal of a number of at most [`F64_DIGITS`] digits written without an exponent:
    /// an integer exactly; a fraction as the `f64` `serde_json` reads would be written again,
    /// its digits without trailing zeros and one decimal place for a whole number (`100.00` is
    /// `100.0`). An `f64` keeps every such decimal, so no shorter decimal names the same
    /// `f64`. `None` for the rest, and for a zero fraction, which keeps its sign only the
    /// slow way.
    fn decimal(&self) -> Option<Decimal> {
        if self.exponent {
            return None;
        }
        let (mut mantissa, mut scale) = (self.mantissa, self.scale);
        if self.fraction {
            if mantissa == 0 {
                return None;
            }
            while scale > 0 && mantissa % 10 == 0 {
                mantissa /= 10;
                scale -= 1;
            }
            if scale == 0 {
                mantissa *= 10;
                scale = 1;
            }
        }
        let magnitude = i64::try_from(mantissa).ok()?;
        let signed = if self.negative { -magnitude } else { magnitude };
        Some(Decimal::new(signed, scale))
    }
}

fn serde_number(text: &str) -> Option<Number> {
    serde_json::from_str(text).ok()
}

/// A JSON number's exact value, or `None` when a decimal would have to round it: the value
/// is kept only if it has exactly the digits written.
pub fn exact_decimal(number: &str) -> Option<Decimal> {
    let (mantissa, scientific) = match number.find(['e', 'E']) {
        Some(at) => (&number[..at], true),
        None => (number, false),
    };
    let value = if scientific {
        Decimal::from_scientific(number).ok()?
    } else {
        number.parse::<Decimal>().ok()?
    };
    (significant_digits(mantissa) == significant_digits(&value.to_string())).then_some(value)
}

/// A number's digits without its sign, point, and leading or trailing zeros.
fn significant_digits(number: &str) -> String {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    digits.trim_matches('0').to_owned()
}

/// The text is not JSON this parser vouches for; `serde_json` says why (or, for a nesting
/// it allows but this parser does not, what it makes of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not parsed at byte {at}")]
pub struct NotParsed {
    /// The byte where reading stopped.
    pub at: usize,
}

/// `serde_json`'s error for text [`parse`] did not take; should `serde_json` take it (the two
/// disagree, a bug), an error that says so.
pub fn why_not(text: &str) -> serde_json::Error {
    // A `Value`, not `IgnoredAny`: skipping a number does not check that an `f64` holds it.
    match serde_json::from_str::<serde_json::Value>(text) {
        Err(error) => error,
        Ok(_) => serde::de::Error::custom(
            "this JSON is read differently by deg-contracts and serde_json; please report it",
        ),
    }
}

/// How deep `serde_json` lets arrays and objects nest.
const MAX_DEPTH: usize = 127;

/// Parses JSON text into `arena`.
pub fn parse<'a>(text: &'a str, arena: &'a Arena) -> Result<Value<'a>, NotParsed> {
    parse_noting(text, arena).map(|parsed| parsed.value)
}

/// A parsed message, and what the parse noticed on the way.
#[derive(Debug)]
pub struct Parsed<'a> {
    /// The tree.
    pub value: Value<'a>,
    /// Whether some object writes a key twice.
    pub repeats_a_key: bool,
    /// Where each object with a [`JSONLD_TYPE`](crate::JSONLD_TYPE) member starts, in text
    /// order: the objects a schema may describe, found without walking the tree again.
    pub typed: Vec<u32>,
}

/// Parses JSON text into `arena`, noting repeated keys and the typed objects.
pub fn parse_noting<'a>(text: &'a str, arena: &'a Arena) -> Result<Parsed<'a>, NotParsed> {
    if text.len() > u32::MAX as usize {
        return Err(NotParsed { at: 0 });
    }
    let mut parser = Parser {
        text,
        arena,
        bytes: text.as_bytes(),
        at: 0,
        // Room for a message's usual nesting, so that the first objects do not regrow it.
        items: Vec::with_capacity(32),
        members: Vec::with_capacity(64),
        depth: 0,
        repeats_a_key: false,
        typed: Vec::new(),
    };
    parser.blank();
    let value = parser.value()?;
    parser.blank();
    if parser.at != parser.bytes.len() {
        return Err(parser.fail());
    }
    // Noted as each object closed, inner ones first; by where they start is text order.
    parser.typed.sort_unstable();
    Ok(Parsed {
        value,
        repeats_a_key: parser.repeats_a_key,
        typed: parser.typed,
    })
}

struct Parser<'a> {
    text: &'a str,
    arena: &'a Arena,
    bytes: &'a [u8],
    at: usize,
    /// Elements of the arrays being read, innermost last: each array copies its own off the
    /// end into the arena when it closes.
    items: Vec<Value<'a>>,
    /// Members of the objects being read, likewise.
    members: Vec<(&'a str, Value<'a>)>,
    depth: usize,
    /// Whether some object so far wrote a key twice.
    repeats_a_key: bool,
    /// Where the typed objects closed so far start.
    typed: Vec<u32>,
}

impl<'a> Parser<'a> {
    fn fail(&self) -> NotParsed {
        NotParsed { at: self.at }
    }

    fn blank(&mut self) {
        const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
            // A run of spaces (a pretty-printed line's indent), eight bytes at a time: the
            // lowest byte of a word that is not a space ends it.
            while let Some(chunk) = self.bytes.get(self.at..self.at + 8) {
                let others = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ SPACES;
                if others != 0 {
                    self.at += (others.trailing_zeros() / 8) as usize;
                    break;
                }
                self.at += 8;
            }
        }
    }

    fn made(&self, kind: Kind<'a>, start: usize) -> Value<'a> {
        Value {
            kind,
            start: start as u32,
            end: self.at as u32,
        }
    }

    fn value(&mut self) -> Result<Value<'a>, NotParsed> {
        let start = self.at;
        let kind = match self.bytes.get(self.at) {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b't') => self.literal(b"true", Kind::Bool(true))?,
            Some(b'f') => self.literal(b"false", Kind::Bool(false))?,
            Some(b'n') => self.literal(b"null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => Kind::Number(self.number()?),
            _ => return Err(self.fail()),
        };
        Ok(self.made(kind, start))
    }

    fn literal(&mut self, word: &[u8], kind: Kind<'a>) -> Result<Kind<'a>, NotParsed> {
        if self.bytes[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(kind)
        } else {
            Err(self.fail())
        }
    }

    fn enter(&mut self) -> Result<(), NotParsed> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.fail());
        }
        self.at += 1;
        self.blank();
        Ok(())
    }

    // Out of line, as `object` is, so that `value`, which recurses, stays small.
    #[inline(never)]
    fn array(&mut self) -> Result<Kind<'a>, NotParsed> {
        self.enter()?;
        let first = self.items.len();
        self.elements(b']', |parser| {
            let item = parser.value()?;
            parser.items.push(item);
            Ok(())
        })?;
        let items = self.arena.alloc_slice_copy(&self.items[first..]);
        self.items.truncate(first);
        Ok(Kind::Array(items))
    }

    #[inline(never)]
    fn object(&mut self) -> Result<Kind<'a>, NotParsed> {
        let start = self.at;
        self.enter()?;
        let first = self.members.len();
        let mut typed = false;
        self.elements(b'}', |parser| {
            if parser.bytes.get(parser.at) != Some(&b'"') {
                return Err(parser.fail());
            }
            let key = parser.string()?;
            typed |= key == crate::JSONLD_TYPE;
            parser.blank();
            if parser.bytes.get(parser.at) != Some(&b':') {
                return Err(parser.fail());
            }
            parser.at += 1;
            parser.blank();
            let value = parser.value()?;
            parser.members.push((key, value));
            Ok(())
        })?;
        let members = self.arena.alloc_slice_copy(&self.members[first..]);
        self.members.truncate(first);
        let shadowed = shadowed(members, self.arena);
        self.repeats_a_key |= !shadowed.is_empty();
        if typed {
            self.typed.push(start as u32);
        }
        Ok(Kind::Object(Object { members, shadowed }))
    }

    /// The comma-separated elements of an array or object up to its `close`, each read by
    /// `element`; then the container is left.
    fn elements(
        &mut self,
        close: u8,
        mut element: impl FnMut(&mut Parser<'a>) -> Result<(), NotParsed>,
    ) -> Result<(), NotParsed> {
        if self.bytes.get(self.at) != Some(&close) {
            loop {
                element(self)?;
                self.blank();
                match self.bytes.get(self.at) {
                    Some(b',') => {
                        self.at += 1;
                        self.blank();
                    }
                    Some(&byte) if byte == close => break,
                    _ => return Err(self.fail()),
                }
            }
        }
        self.at += 1;
        self.depth -= 1;
        Ok(())
    }

    /// A string token, borrowed when it has no escapes; one with escapes is decoded by
    /// `serde_json`, whose rules for surrogates it then follows.
    // Inlined where a key or a string value is read: most of a message's tokens are strings.
    #[inline(always)]
    fn string(&mut self) -> Result<&'a str, NotParsed> {
        let start = self.at;
        self.at += 1;
        let mut escaped = false;
        loop {
            self.skip_plain();
            match self.bytes.get(self.at) {
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    self.at += 2;
                }
                _ => return Err(self.fail()),
            }
        }
        self.at += 1;
        if !escaped {
            return Ok(&self.text[start + 1..self.at - 1]);
        }
        self.decoded(start)
    }

    /// The string token from `start` to here, which has escapes, decoded into the arena.
    #[cold]
    #[inline(never)]
    fn decoded(&self, start: usize) -> Result<&'a str, NotParsed> {
        serde_json::from_str::<String>(&self.text[start..self.at])
            .map(|decoded| &*self.arena.alloc_str(&decoded))
            .map_err(|_| NotParsed { at: start })
    }

    /// Moves past string bytes that are neither a quote, a backslash nor a control
    /// character, eight at a time where it can: the lowest flagged byte of a word is exactly
    /// the first such byte (a flag's borrow only ever reaches higher bytes).
    fn skip_plain(&mut self) {
        const ONES: u64 = u64::from_le_bytes([0x01; 8]);
        const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
        let zero_bytes = |word: u64| word.wrapping_sub(ONES) & !word & HIGH;
        while let Some(chunk) = self.bytes.get(self.at..self.at + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            let flagged = (word.wrapping_sub(ONES * 0x20) & !word & HIGH)
                | zero_bytes(word ^ (ONES * u64::from(b'"')))
                | zero_bytes(word ^ (ONES * u64::from(b'\\')));
            if flagged != 0 {
                self.at += (flagged.trailing_zeros() / 8) as usize;
                return;
            }
            self.at += 8;
        }
        while let Some(&byte) = self.bytes.get(self.at) {
            if byte == b'"' || byte == b'\\' || byte < 0x20 {
                return;
            }
            self.at += 1;
        }
    }

    /// A number token by JSON's grammar; one whose value might be beyond an `f64` (an
    /// exponent, or more digits than one holds) is confirmed by `serde_json`.
    fn number(&mut self) -> Result<&'a str, NotParsed> {
        let start = self.at;
        self.at += usize::from(self.bytes[self.at] == b'-');
        match self.bytes.get(self.at) {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.fail()),
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            self.required_digits()?;
        }
        let mut exponent = false;
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            exponent = true;
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            self.required_digits()?;
        }
        let text = &self.text[start..self.at];
        if (exponent || text.len() > 300) && serde_number(text).is_none() {
            return Err(NotParsed { at: start });
        }
        Ok(text)
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn required_digits(&mut self) -> Result<(), NotParsed> {
        let start = self.at;
        self.digits();
        if self.at == start {
            Err(self.fail())
        } else {
            Ok(())
        }
    }
}

/// Appends an array index to a pointer.
fn push_index(pointer: &mut String, index: usize) {
    pointer.push('/');
    pointer.push_str(itoa::Buffer::new().format(index));
}

/// Whether two keys are the same: length and first byte first, which tell most apart
/// without a call to compare the rest.
fn same_key(name: &str, key: &str) -> bool {
    name.len() == key.len() && name.as_bytes().first() == key.as_bytes().first() && name == key
}

/// For members that repeat a key, which ones a later member of the same key shadows; empty
/// (and no allocation) when no key repeats. Sorted once, so a hostile object of many keys
/// costs n log n here and nothing more each time it is iterated.
fn shadowed<'a>(members: &[(&str, Value<'_>)], arena: &'a Arena) -> &'a [bool] {
    if !repeats_a_key(members) {
        return &[];
    }
    let mut order: Vec<usize> = (0..members.len()).collect();
    // Stable: members of one key stay in written order, the last written last.
    order.sort_by(|a, b| members[*a].0.cmp(members[*b].0));
    let shadowed = arena.alloc_slice_fill_copy(members.len(), false);
    for pair in order.windows(2) {
        if members[pair[0]].0 == members[pair[1]].0 {
            shadowed[pair[0]] = true;
        }
    }
    shadowed
}

/// Whether some key of `members` is written twice: pairwise for the usual small object,
/// sorted for a large one, so that a hostile object of many keys costs n log n.
fn repeats_a_key(members: &[(&str, Value<'_>)]) -> bool {
    if members.len() <= 12 {
        return members
            .iter()
            .enumerate()
            .any(|(at, (key, _))| members[at + 1..].iter().any(|(other, _)| other == key));
    }
    let mut keys: Vec<&str> = members.iter().map(|(key, _)| key.as_ref()).collect();
    keys.sort_unstable();
    keys.windows(2).any(|pair| pair[0] == pair[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts_as_serde_does(text: &str) {
        let arena = Arena::new();
        let ours = parse(text, &arena);
        let theirs = serde_json::from_str::<serde_json::Value>(text);
        assert_eq!(
            ours.is_ok(),
            theirs.is_ok(),
            "{text:?}: {ours:?} / {theirs:?}"
        );
        if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
            assert_eq!(ours.to_serde(), theirs, "{text:?}");
        }
    }

    #[test]
    fn accepts_and_reads_exactly_what_serde_json_does() {
        for text in [
            "{}",
            "[]",
            " {\"a\" : [1, -2, 3.5e2, -0, 0.25, \"x\", null, true, false, {\"b\": {}}]} ",
            "\"esc\\u00e9\\n\\\"\\/\"",
            "\"\\ud83d\\ude00\"",
            "\"\\ud83d\"",
            "\"\\ud83dx\"",
            "1e400",
            "-1e-400",
            "18446744073709551616",
            &"9".repeat(400),
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{1: 2}",
            "[1 2]",
            "tru",
            "nul",
            "\"tab\there\"",
            "\"\\x\"",
            "\"unterminated",
            "{} x",
            "",
            "   ",
            "\u{feff}{}",
            "[\"é ünïcödé €\"]",
            "{\"a\": 1, \"a\": 2}",
            "[1,        2,         3,\n\t        \r\n  4]",
            "{\"a\":                x}",
            "{\"a\":        \"b\"        ,\"c\"         :       [        ]       }",
        ] {
            accepts_as_serde_does(text);
        }
    }

    #[test]
    fn a_string_ends_escapes_or_fails_at_every_place_a_word_can_put_it() {
        // Each stop byte at every offset of a word and past it, the string ending right
        // there or further on, so that the word scan, its first-hit arithmetic and the
        // byte-by-byte tail are each where the stop is found.
        for before in 0..20 {
            for stop in ["\"", "\\n", "\\u00e9", "\u{1}", "\t", "\u{7f}", "é"] {
                for after in ["", "x", "abcdefghij"] {
                    let plain = "p".repeat(before);
                    accepts_as_serde_does(&format!("\"{plain}{stop}{after}\""));
                    accepts_as_serde_does(&format!("[\"{plain}{stop}{after}\", 1]"));
                }
            }
        }
    }

    #[test]
    fn blanks_of_every_length_and_mix_are_skipped() {
        for length in 0..20 {
            for blank in [" ", "\n", "\t", "\r\n", "\n  "] {
                let run = blank.repeat(length);
                accepts_as_serde_does(&format!(
                    "{run}{{{run}\"a\"{run}:{run}[{run}1{run},{run}2{run}]{run}}}{run}"
                ));
                accepts_as_serde_does(&format!("[1,{run}x]"));
            }
        }
    }

    #[test]
    fn nests_as_deep_as_serde_json_and_no_deeper() {
        for depth in [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 2] {
            let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            accepts_as_serde_does(&arrays);
            let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
            accepts_as_serde_does(&objects);
        }
    }

    #[test]
    fn a_parse_notes_where_each_typed_object_starts_in_text_order() {
        let text = r#"{"a": [{"@type": "X", "in": {"\u0040type": "Y"}}, "@type"],
            "b": {"@type": "Z", "@type": "W"}, "c": {"type": "@type"}, "d": [[{"@type": 1}]]}"#;
        let arena = Arena::new();
        let parsed = parse_noting(text, &arena).unwrap();
        let starts: Vec<usize> = parsed.typed.iter().map(|&at| at as usize).collect();
        let expected: Vec<usize> = [
            r#"{"@type": "X""#,
            r#"{"\u0040"#,
            r#"{"@type": "Z""#,
            r#"{"@type": 1"#,
        ]
        .iter()
        .map(|object| text.find(object).unwrap())
        .collect();
        assert_eq!(starts, expected, "outer before inner, an escaped key too");
        assert!(parsed.repeats_a_key);
        let root = &parsed.value;
        for (start, pointer) in starts.iter().zip(["/a/0", "/a/0/in", "/b", "/d/0/0"]) {
            let found = root.container_at(*start as u32).unwrap();
            assert!(
                std::ptr::eq(found, root.pointer(pointer).unwrap()),
                "{pointer}"
            );
        }
        let array = text.find("[[").unwrap() as u32;
        assert!(std::ptr::eq(
            root.container_at(array).unwrap(),
            root.pointer("/d").unwrap()
        ));
        assert!(std::ptr::eq(root.container_at(0).unwrap(), root));
        // A string, a key, the space between members, and past the end are no container.
        let between = text.find(r#""b""#).unwrap() - 1;
        for not in [r#""X""#, r#""in""#] {
            assert_eq!(
                root.container_at(text.find(not).unwrap() as u32),
                None,
                "{not}"
            );
        }
        assert_eq!(root.container_at(between as u32), None);
        assert_eq!(root.container_at(text.len() as u32), None);
    }

    #[test]
    fn values_know_their_span_and_repeated_keys_answer_the_last() {
        let arena = Arena::new();
        let text = r#"{"a": [1, "two"], "b": {"c": 1, "c": 2}, "n": 12.50}"#;
        let value = parse(text, &arena).unwrap();
        let two = value.pointer("/a/1").unwrap();
        assert_eq!(&text[two.span()], "\"two\"");
        assert_eq!(two.as_str(), Some("two"));
        let b = value.get("b").unwrap().as_object().unwrap();
        assert!(b.repeats_a_key());
        assert_eq!(b.len(), 1);
        assert_eq!(b.get("c").and_then(Value::as_number), Some("2"));
        let members: Vec<_> = b
            .iter()
            .map(|(key, value)| (key, value.as_number()))
            .collect();
        assert_eq!(members, [("c", Some("2"))]);
        assert_eq!(value.get("n").unwrap().as_number(), Some("12.50"));
        assert!(value.pointer("a").is_none());
        assert_eq!(value.nearest("/a/1/x").span(), two.span());
        assert_eq!(value.nearest("/b/c").as_number(), Some("2"));
        assert_eq!(value.nearest("/missing").span(), value.span());
        assert!(value.pointer("/a/01").is_none());
        let keys: Vec<&str> = value.as_object().unwrap().iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["a", "b", "n"]);
    }

    #[test]
    fn values_are_written_as_serde_json_writes_them() {
        let arena = Arena::new();
        for text in [
            r#"{"b": [1, -0.0, 2.50, 1e2, 12345678901234567890], "a": {"z": null, "y": true}}"#,
            r#"{"k": 1, "j": "x", "k": 2}"#,
            r#"["tab\there", "quote \" and \\", "\u0001", "é", "\ud83d\ude00", ""]"#,
            r#"{"": false, "é": [], "e": {}, "E": [[]]}"#,
            r#"{"a": 1, "b": {"c": -0, "d": 0}, "e": [-12, 123456789012345678, 1234567890123456789]}"#,
            r#"[-0, 0, -1, 10, 1.0, -9223372036854775808, 18446744073709551615]"#,
            "123.456e-7",
        ] {
            let value = parse(text, &arena).unwrap();
            let serde: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(value.to_string(), serde.to_string(), "{text}");
        }
    }

    #[test]
    fn what_serde_json_takes_too_is_named_a_disagreement() {
        assert!(
            why_not("{} x")
                .to_string()
                .starts_with("trailing characters")
        );
        assert!(
            why_not("1e400")
                .to_string()
                .starts_with("number out of range")
        );
        assert!(
            why_not("{}")
                .to_string()
                .contains("read differently by deg-contracts and serde_json")
        );
    }

    #[test]
    fn pointers_are_found_with_spans_and_without() {
        let arena = Arena::new();
        let text = r#"{"a": [1, {"b/c": [true]}], "a": {"x": null}, "d": "e"}"#;
        let value = parse(text, &arena).unwrap();
        let deep = value.pointer("/a/x").unwrap();
        assert_eq!(value.pointer_to(deep), "/a/x");
        // The earlier `a`, which a lookup no longer answers, is still placed by its span.
        let Kind::Object(object) = value.kind() else {
            panic!("an object")
        };
        let earlier = &object.written()[0].1;
        let inner = earlier.pointer("/1/b~1c/0").unwrap();
        assert_eq!(value.pointer_to(inner), "/a/1/b~1c/0");
        // A tree made from a `serde_json::Value` has no spans and is searched whole.
        let serde: serde_json::Value =
            serde_json::from_str(r#"{"a": [1, {"b/c": [true]}]}"#).unwrap();
        let made = Value::from_serde(&serde, &arena);
        let target = made.pointer("/a/1/b~1c/0").unwrap();
        assert_eq!(made.pointer_to(target), "/a/1/b~1c/0");
        let stranger = parse("true", &arena).unwrap();
        assert_eq!(made.pointer_to(&stranger), "");
        assert_eq!(value.pointer_to(&stranger), "");
    }

    #[test]
    fn an_object_of_many_repeated_keys_yields_each_key_once_with_its_last_value() {
        let arena = Arena::new();
        let members: Vec<String> = (0..3000)
            .map(|at| format!("\"k{}\": {at}", at % 1000))
            .collect();
        let text = format!("{{{}}}", members.join(","));
        let value = parse(&text, &arena).unwrap();
        let object = value.as_object().unwrap();
        assert!(object.repeats_a_key());
        assert_eq!(object.len(), 1000);
        let read: Vec<(&str, Option<&str>)> = object
            .iter()
            .map(|(key, value)| (key, value.as_number()))
            .collect();
        assert_eq!(read.len(), 1000);
        assert_eq!(read[0], ("k0", Some("2000")));
        assert_eq!(read[999], ("k999", Some("2999")));
        assert_eq!(
            object.iter().next_back(),
            Some(read[999]).map(|(key, _)| (key, object.get(key).unwrap()))
        );
        assert_eq!(object.get("k5").and_then(Value::as_number), Some("2005"));
    }

    #[test]
    fn many_keys_are_checked_for_repeats_in_n_log_n() {
        let arena = Arena::new();
        let keys: Vec<String> = (0..20).map(|at| format!("\"k{at}\": {at}")).collect();
        let distinct = format!("{{{}}}", keys.join(","));
        let distinct = parse(&distinct, &arena).unwrap();
        assert!(!distinct.as_object().unwrap().repeats_a_key());
        let repeated = format!("{{{}, \"k3\": 0}}", keys.join(","));
        let repeated = parse(&repeated, &arena).unwrap();
        assert!(repeated.as_object().unwrap().repeats_a_key());
        assert_eq!(repeated.get("k3").and_then(Value::as_number), Some("0"));
    }

    #[test]
    fn plain_numbers_read_as_through_serde_json() {
        let mut texts: Vec<String> = [
            "100.0",
            "100.00",
            "-100.50",
            "0.5",
            "0.000001",
            "0.0000015",
            "-0.00001",
            "12345678901234.5",
            "99999999999999.9",
            "1.10",
            "0.1",
            "0.30",
            "0.0",
            "-0.0",
            "0",
            "7",
            "-42",
            "123456789012345",
            "-999999999999999",
        ]
        .map(str::to_owned)
        .to_vec();
        // Every digit count and decimal place up to what an `f64` keeps.
        for digits in 1..=15u32 {
            for places in 1..=digits {
                let mantissa = 10u64.pow(digits) - 7;
                let text = mantissa.to_string();
                let (whole, fraction) = text.split_at((digits - places) as usize);
                let whole = if whole.is_empty() { "0" } else { whole };
                texts.push(format!("{whole}.{fraction}"));
                texts.push(format!("-{whole}.{fraction}0"));
            }
        }
        // A number written with more digits is read exactly instead.
        texts.retain(|text| text.bytes().filter(u8::is_ascii_digit).count() <= F64_DIGITS);
        for text in texts {
            let through_serde = crate::decimal(&serde_number(&text).unwrap());
            assert_eq!(
                decimal_of(&text).map(|d| d.to_string()),
                through_serde.map(|d| d.to_string()),
                "{text}"
            );
        }
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them_or_exactly_when_longer() {
        let read = |text: &str| decimal_of(text).map(|number| number.to_string());
        assert_eq!(read("12.5").as_deref(), Some("12.5"));
        assert_eq!(read("12.50").as_deref(), Some("12.5"));
        assert_eq!(read("-7").as_deref(), Some("-7"));
        assert_eq!(read("1e2").as_deref(), Some("100.0"));
        assert_eq!(
            read("1.00000000000000001").as_deref(),
            Some("1.00000000000000001")
        );
        assert_eq!(
            read("-12345678901234567.5e-3").as_deref(),
            Some("-12345678901234.5675")
        );
        assert_eq!(read("1234567890123456789012345678901234567890"), None);
        assert_eq!(read("1e40"), None);
        assert_eq!(read("0.1000000000000000000000000000001"), None);
    }
}
