//! YAML documents read with positions: the document as JSON, and the line and column of every
//! node by its JSON pointer, taken from the parser's own marks, so flow-style nodes
//! (`required: [a, b]`, `{type: string}`) are placed exactly, not at their parent.

use std::collections::HashMap;

use deg_contracts_runtime::pointer;
use indexmap::IndexMap;
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::Number;

/// A 1-based line and column.
pub type LineColumn = (usize, usize);

/// A YAML node as JSON sees it, with mappings in document order (which `serde_json::Map`
/// keeps only under a feature that would change every `Value` in the workspace).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer or a finite float.
    Number(Number),
    /// Any other scalar.
    String(String),
    /// A sequence.
    Array(Vec<Value>),
    /// A mapping, in document order.
    Object(IndexMap<String, Value>),
}

impl Value {
    /// The member `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// A boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The items of a sequence.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members of a mapping.
    pub fn as_object(&self) -> Option<&IndexMap<String, Value>> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// A non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(number) => number.as_u64(),
            _ => None,
        }
    }

    /// Any number, as f64 (schema bounds; never money).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(number) => number.as_f64(),
            _ => None,
        }
    }

    /// The same value as `serde_json` holds it.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(value) => serde_json::Value::Bool(*value),
            Value::Number(number) => serde_json::Value::Number(number.clone()),
            Value::String(text) => serde_json::Value::String(text.clone()),
            Value::Array(items) => items.iter().map(Value::to_json).collect(),
            Value::Object(members) => members
                .iter()
                .map(|(key, value)| (key.clone(), value.to_json()))
                .collect(),
        }
    }
}

/// A parsed YAML document.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The document's root node (YAML 1.2 core schema scalars).
    pub value: Value,
    /// Where each node starts: a mapping member at its key, a sequence item at its value.
    positions: HashMap<String, LineColumn>,
}

/// Why a text is not a YAML document we can read as JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// Where the parser stopped, or the node that cannot be JSON.
    pub line_column: Option<LineColumn>,
    /// What is wrong.
    pub message: String,
}

impl Document {
    /// Parses the first document of `text`; an empty text is `null`.
    pub fn parse(text: &str) -> Result<Document, YamlError> {
        let documents = MarkedYaml::load_from_str(text).map_err(|error| YamlError {
            line_column: Some((error.marker().line(), error.marker().col() + 1)),
            message: error.info().to_owned(),
        })?;
        let mut document = Document::default();
        if let Some(root) = documents.first() {
            document.positions.insert(String::new(), start(root));
            document.value = document.convert(root, &mut String::new())?;
        }
        Ok(document)
    }

    /// The line and column of the node at `pointer` (RFC 6901, without `#`).
    pub fn position(&self, pointer: &str) -> Option<LineColumn> {
        self.positions.get(pointer).copied()
    }

    fn convert(&mut self, node: &MarkedYaml<'_>, at: &mut String) -> Result<Value, YamlError> {
        let unsupported = |what: &str| YamlError {
            line_column: Some(start(node)),
            message: format!("{what} cannot be read as JSON"),
        };
        Ok(match &node.data {
            YamlData::Value(scalar) => {
                scalar_value(scalar).ok_or_else(|| unsupported("a NaN or infinite number"))?
            }
            YamlData::Representation(text, ..) => Value::String(text.to_string()),
            YamlData::Sequence(items) => {
                let mut array = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    let length = at.len();
                    at.push('/');
                    at.push_str(&index.to_string());
                    self.positions.insert(at.clone(), start(item));
                    array.push(self.convert(item, at)?);
                    at.truncate(length);
                }
                Value::Array(array)
            }
            YamlData::Mapping(members) => {
                let mut object = IndexMap::new();
                for (key, value) in members {
                    let name = key_text(key).ok_or_else(|| YamlError {
                        line_column: Some(start(key)),
                        message: "a mapping key must be a scalar".to_owned(),
                    })?;
                    let length = at.len();
                    at.push('/');
                    at.push_str(&pointer::escape(&name));
                    self.positions.insert(at.clone(), start(key));
                    let value = self.convert(value, at)?;
                    at.truncate(length);
                    object.insert(name, value);
                }
                Value::Object(object)
            }
            YamlData::Tagged(_, inner) => self.convert(inner, at)?,
            // The loader expands aliases itself; one it could not is an unknown anchor.
            YamlData::Alias(_) => return Err(unsupported("an unresolved YAML alias")),
            YamlData::BadValue => return Err(unsupported("a value that does not fit its tag")),
        })
    }
}

fn start(node: &MarkedYaml<'_>) -> LineColumn {
    (node.span.start.line(), node.span.start.col() + 1)
}

fn scalar_value(scalar: &Scalar<'_>) -> Option<Value> {
    Some(match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(value) => Value::Bool(*value),
        Scalar::Integer(value) => Value::Number((*value).into()),
        Scalar::FloatingPoint(value) => Value::Number(Number::from_f64(value.into_inner())?),
        Scalar::String(text) => Value::String(text.to_string()),
    })
}

/// A mapping key as JSON would spell it: scalars by their text (`200: ...` is `"200"`).
fn key_text(key: &MarkedYaml<'_>) -> Option<String> {
    match &key.data {
        YamlData::Value(Scalar::String(text)) | YamlData::Representation(text, ..) => {
            Some(text.to_string())
        }
        YamlData::Value(Scalar::Null) => Some("null".to_owned()),
        YamlData::Value(scalar) => scalar_value(scalar).map(|value| value.to_json().to_string()),
        YamlData::Tagged(_, inner) => key_text(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Document;

    fn json(text: &str) -> serde_json::Value {
        Document::parse(text).unwrap().value.to_json()
    }

    const TEXT: &str = "\
components:
  schemas:
    Thing:
      type: object
      properties:
        \"@id\":
          type: string
      allOf:
        - $ref: '#/a'
        - type: object
          required: [x, 'y']
          items: {type: string, minLength: 2}
";

    #[test]
    fn block_style_nodes_are_placed_at_their_keys_and_items() {
        let document = Document::parse(TEXT).unwrap();
        let at = |pointer| document.position(pointer);
        assert_eq!(at(""), Some((1, 1)));
        assert_eq!(at("/components/schemas/Thing/type"), Some((4, 7)));
        assert_eq!(at("/components/schemas/Thing/properties/@id"), Some((6, 9)));
        assert_eq!(at("/components/schemas/Thing/allOf/0/$ref"), Some((9, 11)));
        assert_eq!(at("/components/schemas/Thing/allOf/1"), Some((10, 11)));
        assert_eq!(
            at("/components/schemas/Thing/allOf/1/required"),
            Some((11, 11))
        );
    }

    #[test]
    fn flow_style_nodes_are_placed_at_themselves() {
        let document = Document::parse(TEXT).unwrap();
        let at = |pointer| document.position(pointer);
        assert_eq!(
            at("/components/schemas/Thing/allOf/1/required/0"),
            Some((11, 22))
        );
        assert_eq!(
            at("/components/schemas/Thing/allOf/1/required/1"),
            Some((11, 25))
        );
        assert_eq!(
            at("/components/schemas/Thing/allOf/1/items/minLength"),
            Some((12, 33))
        );
    }

    #[test]
    fn unknown_pointers_have_no_position() {
        let document = Document::parse(TEXT).unwrap();
        assert_eq!(document.position("/components/schemas/Other"), None);
        assert_eq!(document.position("/components/schemas/Thing/allOf/5"), None);
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        assert_eq!(
            json("a: 1\nb: 2.5\nc: true\nd: ~\ne: '1'\nf: text\n200: ok\n"),
            json!({"a": 1, "b": 2.5, "c": true, "d": null, "e": "1", "f": "text", "200": "ok"})
        );
    }

    #[test]
    fn mappings_keep_document_order() {
        let document = Document::parse("z: 1\na: 2\nm: {y: 3, b: 4}\n").unwrap();
        let keys = |value: &super::Value| -> Vec<String> {
            value.as_object().unwrap().keys().cloned().collect()
        };
        assert_eq!(keys(&document.value), ["z", "a", "m"]);
        assert_eq!(keys(document.value.get("m").unwrap()), ["y", "b"]);
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_say_where() {
        let error = Document::parse("a:\n  b: [1, 2\n").unwrap_err();
        assert!(error.line_column.is_some(), "{error:?}");
        let error = Document::parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(
            error.line_column.map(|(line, _)| line),
            Some(3),
            "{error:?}"
        );
        assert!(error.message.contains("duplicate"), "{error:?}");
    }

    #[test]
    fn aliases_expand_and_complex_keys_are_refused_at_their_node() {
        assert_eq!(
            json("a: &x {type: string}\nb: *x\n"),
            json!({"a": {"type": "string"}, "b": {"type": "string"}})
        );
        let error = Document::parse("x: 1\n? [a, b]\n: 1\n").unwrap_err();
        assert_eq!(error.message, "a mapping key must be a scalar");
        assert_eq!(error.line_column.map(|(line, _)| line), Some(2));
    }

    #[test]
    fn values_json_cannot_hold_are_refused_at_their_node() {
        for (text, message) in [
            (
                "a: !!int abc\n",
                "a value that does not fit its tag cannot be read as JSON",
            ),
            (
                "a: .nan\n",
                "a NaN or infinite number cannot be read as JSON",
            ),
            (
                "a: 1e400\n",
                "a NaN or infinite number cannot be read as JSON",
            ),
            ("a: *nope\n", "while parsing node, found unknown anchor"),
        ] {
            let error = Document::parse(text).unwrap_err();
            assert_eq!(
                (error.message.as_str(), error.line_column),
                (message, Some((1, 4)))
            );
        }
    }
}
