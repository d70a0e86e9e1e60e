//! Verdict-only validation while parsing: seeds over serde's data model that build no
//! `Value` and stop at the first problem. Generated types compose them; what one pass cannot decide
//! (a role object whose `role` is not its first member, an anyOf or oneOf) is buffered into a
//! `Value` and checked the ordinary way, so the verdict never differs from `is_valid` except
//! that a repeated key is checked each time it appears.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{Check, Collector, InputType, Location};

/// The error every seed fails with; the verdict needs no more.
pub fn reject<E: Error>() -> E {
    E::custom("rejected")
}

/// Runs a `Value` check in fail-fast mode.
pub fn passes(check: Check, value: &Value) -> bool {
    let mut out = Collector::fail_fast();
    check(
        &crate::json::Value::from_serde(value, &crate::json::Arena::new()),
        &Location::ROOT,
        &mut out,
    );
    !out.failed()
}

/// A map key, borrowed from the input when it has no escapes.
pub struct Key<'de>(pub Cow<'de, str>);

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: Error>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(value)))
            }
            fn visit_str<E: Error>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value.to_owned())))
            }
            fn visit_string<E: Error>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Anything at all.
pub const ANY: PhantomData<IgnoredAny> = PhantomData;

/// `true` or `false`.
#[derive(Clone, Copy)]
pub struct BoolSeed;

impl<'de> DeserializeSeed<'de> for BoolSeed {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        bool::deserialize(deserializer).map(drop)
    }
}

/// A number within bounds; an integer when `integer`.
#[derive(Clone, Copy)]
pub struct NumberSeed {
    /// The inclusive lower bound.
    pub minimum: Option<f64>,
    /// The inclusive upper bound.
    pub maximum: Option<f64>,
    /// Whether the number must be an integer.
    pub integer: bool,
}

impl<'de> DeserializeSeed<'de> for NumberSeed {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl NumberSeed {
    fn check<E: Error>(self, number: f64) -> Result<(), E> {
        let fits = self.minimum.is_none_or(|minimum| number >= minimum)
            && self.maximum.is_none_or(|maximum| number <= maximum)
            && (!self.integer || number.fract() == 0.0);
        if fits { Ok(()) } else { Err(reject()) }
    }
}

impl<'de> Visitor<'de> for NumberSeed {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_u64<E: Error>(self, value: u64) -> Result<(), E> {
        self.check(value as f64)
    }
    fn visit_i64<E: Error>(self, value: i64) -> Result<(), E> {
        self.check(value as f64)
    }
    fn visit_f64<E: Error>(self, value: f64) -> Result<(), E> {
        self.check(value)
    }
}

/// A string with an optional format and length bounds.
#[derive(Clone, Copy)]
pub struct StrSeed {
    /// The format the string must have.
    pub format: Option<super::Format>,
    /// The least number of characters.
    pub min_length: Option<u64>,
    /// The most characters.
    pub max_length: Option<u64>,
    /// The pattern it must match.
    pub pattern: Option<&'static super::Pattern>,
}

impl<'de> DeserializeSeed<'de> for StrSeed {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for StrSeed {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: Error>(self, value: &str) -> Result<(), E> {
        let mut out = Collector::fail_fast();
        if let Some(format) = self.format {
            super::check_format(value, format, &Location::ROOT, "", &mut out);
        }
        if self.min_length.is_some() || self.max_length.is_some() {
            super::check_length(
                value,
                self.min_length,
                self.max_length,
                &Location::ROOT,
                "",
                &mut out,
            );
        }
        if let Some(pattern) = self.pattern {
            super::check_pattern(value, pattern, &Location::ROOT, "", &mut out);
        }
        if out.failed() { Err(reject()) } else { Ok(()) }
    }
}

/// One of a string enum's values.
#[derive(Clone, Copy)]
pub struct EnumSeed(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for EnumSeed {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for EnumSeed {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: Error>(self, value: &str) -> Result<(), E> {
        if self.0.contains(&value) {
            Ok(())
        } else {
            Err(reject())
        }
    }
}

/// Null, or a value of the inner seed.
#[derive(Clone, Copy)]
pub struct NullableSeed<S>(pub S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for NullableSeed<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for NullableSeed<S> {
    type Value = Option<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or a value")
    }
    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(deserializer).map(Some)
    }
}

/// An array of items, with bounds on its length.
#[derive(Clone, Copy)]
pub struct ArraySeed<S> {
    /// The seed each element must pass.
    pub items: S,
    /// The least number of elements.
    pub min_items: Option<u64>,
    /// The most elements.
    pub max_items: Option<u64>,
}

impl<'de, S: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for ArraySeed<S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for ArraySeed<S> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut count = 0u64;
        while seq.next_element_seed(self.items)?.is_some() {
            count += 1;
        }
        let fits = self.min_items.is_none_or(|min| count >= min)
            && self.max_items.is_none_or(|max| count <= max);
        if fits { Ok(()) } else { Err(reject()) }
    }
}

/// `@type`: a string naming the schema, or an array of strings with that name among them.
#[derive(Clone, Copy)]
pub struct JsonLdTypeSeed(pub &'static str);

impl<'de> DeserializeSeed<'de> for JsonLdTypeSeed {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonLdTypeSeed {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an array of strings")
    }
    fn visit_str<E: Error>(self, value: &str) -> Result<(), E> {
        if value == self.0 {
            Ok(())
        } else {
            Err(reject())
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut named = false;
        while let Some(name) = seq.next_element::<Key<'de>>()? {
            named |= name.as_str() == self.0;
        }
        if named { Ok(()) } else { Err(reject()) }
    }
}

/// Any value, buffered and checked the ordinary way.
#[derive(Clone, Copy)]
pub struct ValueSeed(pub Check);

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let value = Value::deserialize(deserializer)?;
        if passes(self.0, &value) {
            Ok(())
        } else {
            Err(reject())
        }
    }
}

/// A role input of a declared type; the value says whether it carries a value.
#[derive(Clone, Copy)]
pub struct RoleInputSeed(pub InputType);

impl<'de> DeserializeSeed<'de> for RoleInputSeed {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl RoleInputSeed {
    /// A direct value of the kind tested: given when it has the declared type (or any).
    fn expect<E: Error>(self, declared: bool) -> Result<bool, E> {
        if declared || self.0 == InputType::Any {
            Ok(true)
        } else {
            Err(reject())
        }
    }
}

impl<'de> Visitor<'de> for RoleInputSeed {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a role input")
    }
    fn visit_unit<E: Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_none<E: Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_bool<E: Error>(self, _: bool) -> Result<bool, E> {
        self.expect(self.0 == InputType::Boolean)
    }
    fn visit_u64<E: Error>(self, _: u64) -> Result<bool, E> {
        self.expect(self.0 == InputType::Number)
    }
    fn visit_i64<E: Error>(self, _: i64) -> Result<bool, E> {
        self.expect(self.0 == InputType::Number)
    }
    fn visit_f64<E: Error>(self, _: f64) -> Result<bool, E> {
        self.expect(self.0 == InputType::Number)
    }
    fn visit_str<E: Error>(self, value: &str) -> Result<bool, E> {
        match self.0 {
            InputType::String | InputType::Any => Ok(true),
            InputType::DateTime => self.expect(super::format::date_time(value).is_ok()),
            InputType::Duration => self.expect(super::is_iso8601_duration(value)),
            _ => Err(reject()),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        if !matches!(
            self.0,
            InputType::OfferCurve | InputType::Route | InputType::Any
        ) {
            return Err(reject());
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(true)
    }
    /// An object is the verbose form, or a direct OBJECT, OFFER_CURVE or ROUTE value. Which
    /// one is known only at the end, so each member is checked for both and judged then.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut stated: Option<Option<InputType>> = None;
        let mut required_is_bool = false;
        let mut description_ok = true;
        let mut value: Option<(bool, bool)> = None;
        let mut others = false;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "type" => {
                    stated = map
                        .next_value::<Value>()?
                        .as_str()
                        .map(InputType::from_name)
                }
                "required" => required_is_bool = map.next_value::<Value>()?.is_boolean(),
                "description" => description_ok = map.next_value::<Value>()?.is_string(),
                "value" => value = Some(map.next_value_seed(DirectValueSeed(self.0))?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    others = true;
                }
            }
        }
        let verbose = matches!(stated, Some(Some(_))) && required_is_bool;
        if !verbose {
            return self.expect(matches!(
                self.0,
                InputType::Object | InputType::OfferCurve | InputType::Route
            ));
        }
        let (null, typed) = value.unwrap_or((true, true));
        let stated_ok = self.0 == InputType::Any || stated == Some(Some(self.0));
        let valid = stated_ok && !others && description_ok && (null || typed);
        if valid { Ok(!null) } else { Err(reject()) }
    }
}

/// A verbose input's `value`: (whether it is null, whether it has the declared type).
#[derive(Clone, Copy)]
struct DirectValueSeed(InputType);

impl<'de> DeserializeSeed<'de> for DirectValueSeed {
    type Value = (bool, bool);
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(bool, bool), D::Error> {
        let value = Value::deserialize(deserializer)?;
        let typed = match self.0 {
            InputType::Any => true,
            InputType::Boolean => value.is_boolean(),
            InputType::Number => value.is_number(),
            InputType::String => value.is_string(),
            InputType::Object => value.is_object(),
            InputType::OfferCurve | InputType::Route => value.is_object() || value.is_array(),
            InputType::Duration => value.as_str().is_some_and(super::is_iso8601_duration),
            InputType::DateTime => value
                .as_str()
                .is_some_and(|text| super::format::date_time(text).is_ok()),
        };
        Ok((value.is_null(), typed))
    }
}

/// Reads what is left of a map into a `Value` object, after a first entry already read.
pub fn rest_of_map<'de, A: MapAccess<'de>>(
    first: (String, Value),
    map: &mut A,
) -> Result<Value, A::Error> {
    let mut object = serde_json::Map::new();
    object.insert(first.0, first.1);
    while let Some((key, value)) = map.next_entry::<String, Value>()? {
        object.insert(key, value);
    }
    Ok(Value::Object(object))
}
