//! Edits on a message's own text, so that everything the migration does not touch (Beckn core,
//! key order, number spellings, layout) stays byte for byte what the sender wrote: a new value
//! replaces an old one's span, a member is added before its object's closing brace, a key is
//! renamed in place. New values are built as compact JSON and laid out like their surroundings.

use std::ops::Range;

/// One change to the text: `range` (empty for an insertion) becomes `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// `text` with every edit applied, in order; an edit that starts inside one already applied
/// (callers never make one) is left out rather than corrupting the text.
pub fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out =
        String::with_capacity(text.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut at = 0;
    for edit in edits {
        if edit.range.start < at {
            continue;
        }
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.text);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// How a message is laid out: one line (a log's), or indented by some unit per level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Compact,
    Indented(usize),
}

impl Layout {
    /// The layout of `text`: indented by the first indented line's indentation, compact when
    /// it has no line breaks.
    pub fn of(text: &str) -> Layout {
        let unit = text
            .lines()
            .skip(1)
            .map(|line| line.len() - line.trim_start_matches(' ').len())
            .find(|&indent| indent > 0);
        match unit {
            Some(unit) => Layout::Indented(unit),
            None => Layout::Compact,
        }
    }
}

/// The indentation (in spaces) of the line `offset` is on.
pub fn indent_at(text: &str, offset: usize) -> usize {
    let start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
    text[start..].len() - text[start..].trim_start_matches(' ').len()
}

/// `json` (compact, as [`compact`] gives it) laid out for a value that starts on a line
/// indented by `indent`.
pub fn layout(json: &str, layout: Layout, indent: usize) -> String {
    let Layout::Indented(unit) = layout else {
        return json.to_owned();
    };
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = indent;
    let mut at = 0;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', depth));
    };
    while at < bytes.len() {
        let byte = bytes[at];
        match byte {
            b'"' => {
                let end = string_end(bytes, at);
                out.push_str(&json[at..end]);
                at = end;
                continue;
            }
            b'{' | b'[' => {
                let close = if byte == b'{' { b'}' } else { b']' };
                if bytes.get(at + 1) == Some(&close) {
                    out.push(byte as char);
                    out.push(close as char);
                    at += 2;
                    continue;
                }
                out.push(byte as char);
                depth += unit;
                newline(&mut out, depth);
            }
            b'}' | b']' => {
                depth -= unit;
                newline(&mut out, depth);
                out.push(byte as char);
            }
            b',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            b':' => out.push_str(": "),
            _ => out.push(byte as char),
        }
        at += 1;
    }
    out
}

/// `raw` JSON text without the whitespace between tokens (strings, numbers and everything
/// else kept byte for byte).
pub fn compact(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                let end = string_end(bytes, at);
                out.push_str(&raw[at..end]);
                at = end;
            }
            b' ' | b'\t' | b'\n' | b'\r' => at += 1,
            _ => {
                let start = at;
                while at < bytes.len() && !matches!(bytes[at], b'"' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    at += 1;
                }
                out.push_str(&raw[start..at]);
            }
        }
    }
    out
}

/// The offset just past the string that opens at `quote`.
fn string_end(bytes: &[u8], quote: usize) -> usize {
    let mut at = quote + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// The span of the key (with its quotes) of the member whose value starts at `value_start`.
pub fn key_span(text: &str, value_start: usize) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let before = text[..value_start].trim_end();
    let colon = before
        .len()
        .checked_sub(1)
        .filter(|&at| bytes[at] == b':')?;
    let key_end = text[..colon].trim_end().len();
    if key_end == 0 || bytes[key_end - 1] != b'"' {
        return None;
    }
    let mut at = key_end - 1;
    loop {
        at = text[..at].rfind('"')?;
        let escapes = text[..at].bytes().rev().take_while(|&b| b == b'\\').count();
        if escapes % 2 == 0 {
            return Some(at..key_end);
        }
    }
}

/// A new member `"key": value` (value as compact JSON) for the object spanning `object`:
/// added after its last member, on a line of its own when the text is indented.
pub fn add_member(text: &str, object: &Range<usize>, key: &str, value: &str) -> Edit {
    let layout_of = Layout::of(text);
    let close = object.end - 1;
    let last = text[object.start + 1..close].trim_end().len() + object.start + 1;
    let empty = last == object.start + 1;
    let member_indent = match layout_of {
        Layout::Indented(unit) => indent_at(text, object.start) + unit,
        Layout::Compact => 0,
    };
    let key = serde_json::to_string(key).unwrap_or_default();
    let value = layout(value, layout_of, member_indent);
    let separator = if empty { "" } else { "," };
    let text = match layout_of {
        Layout::Indented(_) => {
            let spaces = " ".repeat(member_indent);
            if empty {
                let closing = " ".repeat(indent_at(text, object.start));
                format!("\n{spaces}{key}: {value}\n{closing}")
            } else {
                format!("{separator}\n{spaces}{key}: {value}")
            }
        }
        Layout::Compact => format!("{separator}{key}:{value}"),
    };
    let range = if empty {
        object.start + 1..close
    } else {
        last..last
    };
    Edit { range, text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_keeps_strings_and_numbers_byte_for_byte() {
        let raw = "{\n  \"a b\": [1.50, \"x \\\" y\"],\n  \"c\": {}\n}";
        assert_eq!(compact(raw), r#"{"a b":[1.50,"x \" y"],"c":{}}"#);
    }

    #[test]
    fn layout_indents_from_the_line_the_value_starts_on() {
        let json = r#"{"a":[1,{"b":"}"}],"e":[]}"#;
        assert_eq!(
            layout(json, Layout::Indented(2), 4),
            "{\n      \"a\": [\n        1,\n        {\n          \"b\": \"}\"\n        }\n      ],\n      \"e\": []\n    }"
        );
        assert_eq!(layout(json, Layout::Compact, 4), json);
    }

    #[test]
    fn an_edit_inside_one_already_applied_is_left_out() {
        let text = r#"{"a":{"b":1}}"#;
        let edits = vec![
            Edit {
                range: 5..12,
                text: "2".to_owned(),
            },
            Edit {
                range: 10..11,
                text: "3".to_owned(),
            },
        ];
        assert_eq!(apply(text, edits), r#"{"a":2}"#);
    }

    #[test]
    fn a_layout_is_read_from_the_first_indented_line() {
        assert_eq!(Layout::of("{\n    \"a\": 1\n}"), Layout::Indented(4));
        assert_eq!(Layout::of(r#"{"a":1}"#), Layout::Compact);
    }

    #[test]
    fn a_key_is_found_before_its_value_even_with_escaped_quotes() {
        let text = r#"{"k\"ey" : 1}"#;
        let value = text.find('1').unwrap();
        assert_eq!(&text[key_span(text, value).unwrap()], r#""k\"ey""#);
        assert_eq!(key_span("[1]", 1), None);
    }

    #[test]
    fn members_are_added_after_the_last_one_or_into_an_empty_object() {
        let text = "{\n  \"a\": {\n    \"b\": 1\n  },\n  \"e\": {}\n}";
        let a = 8..text.find('}').unwrap() + 1;
        let added = apply(text, vec![add_member(text, &a, "c", r#"[2]"#)]);
        assert_eq!(
            added,
            "{\n  \"a\": {\n    \"b\": 1,\n    \"c\": [\n      2\n    ]\n  },\n  \"e\": {}\n}"
        );
        let e = text.rfind("{}").unwrap();
        let added = apply(text, vec![add_member(text, &(e..e + 2), "f", "1")]);
        assert!(added.ends_with("\"e\": {\n    \"f\": 1\n  }\n}"), "{added}");
        let compact = r#"{"a":{"b":1}}"#;
        let added = apply(compact, vec![add_member(compact, &(5..12), "c", "2")]);
        assert_eq!(added, r#"{"a":{"b":1,"c":2}}"#);
    }
}
