//! Maps JSON pointers back onto the source text (line and column for reports) and finds
//! duplicate keys, which serde_json silently resolves to the last one. Both work on text that
//! serde_json has already accepted, without recursion, so nesting depth cannot overflow.

use std::borrow::Cow;
use std::collections::HashSet;

use deg_contracts_runtime::pointer;

/// A 1-based line and column (in characters) in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The position of a byte offset.
pub fn position(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Position { line, column }
}

/// Where the value at `pointer` (RFC 6901) starts; for a pointer into a missing member, the
/// deepest existing value on the way.
pub fn locate(text: &str, pointer: &str) -> Position {
    position(text, offset_of(text, pointer))
}

/// The byte range of the value at `pointer`, if it exists.
pub fn span(text: &str, pointer: &str) -> Option<std::ops::Range<usize>> {
    let start = offset_of(text, pointer);
    let parent_start = match pointer.rsplit_once('/') {
        Some((parent, _)) => offset_of(text, parent),
        None => return Some(start..skip_value(text.as_bytes(), start)?),
    };
    if start == parent_start {
        return None;
    }
    Some(start..skip_value(text.as_bytes(), start)?)
}

fn offset_of(text: &str, pointer: &str) -> usize {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, 0);
    if pointer.is_empty() {
        return at;
    }
    for segment in pointer::tokens(pointer) {
        let found = match bytes.get(at) {
            Some(b'{') => member(text, at, &segment),
            Some(b'[') => segment
                .parse()
                .ok()
                .and_then(|index| element(bytes, at, index)),
            _ => None,
        };
        match found {
            Some(next) => at = next,
            None => return at,
        }
    }
    at
}

/// The value offset of member `wanted` in the object starting at `at`.
fn member(text: &str, at: usize, wanted: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, at + 1);
    while bytes.get(at) == Some(&b'"') {
        let key_end = skip_string(bytes, at)?;
        let value = skip_space(bytes, skip_space(bytes, key_end) + 1);
        if key_text(text, at, key_end) == wanted {
            return Some(value);
        }
        at = skip_space(bytes, skip_value(bytes, value)?);
        if bytes.get(at) != Some(&b',') {
            return None;
        }
        at = skip_space(bytes, at + 1);
    }
    None
}

/// The offset of element `index` in the array starting at `at`.
fn element(bytes: &[u8], at: usize, index: usize) -> Option<usize> {
    let mut at = skip_space(bytes, at + 1);
    if bytes.get(at) == Some(&b']') {
        return None;
    }
    for _ in 0..index {
        at = skip_space(bytes, skip_value(bytes, at)?);
        if bytes.get(at) != Some(&b',') {
            return None;
        }
        at = skip_space(bytes, at + 1);
    }
    Some(at)
}

/// A key as its decoded string (escapes resolved only when there are any).
fn key_text(text: &str, start: usize, end: usize) -> Cow<'_, str> {
    let raw = &text[start..end];
    if raw.contains('\\') {
        serde_json::from_str::<String>(raw).map_or_else(|_| raw.into(), Into::into)
    } else {
        raw[1..raw.len() - 1].into()
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
        at += 1;
    }
    at
}

/// The offset just past the string starting at `at`.
fn skip_string(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        i += memchr::memchr2(b'"', b'\\', bytes.get(i..)?)?;
        if bytes[i] == b'"' {
            return Some(i + 1);
        }
        i += 2;
    }
}

/// Whether a byte can start or end something the key scanner cares about.
const fn structural(byte: u8) -> bool {
    matches!(byte, b'{' | b'}' | b'[' | b']' | b',' | b'"')
}

/// The offset just past the value starting at `at`.
fn skip_value(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => skip_string(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'"' => {
                        i = skip_string(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            let mut i = at;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            Some(i)
        }
    }
}

/// Where each of many pointers is, in one pass over the text instead of one pass each, so a
/// file with thousands of findings costs no more than a few scans. A pointer into a missing
/// member maps, as with [`locate`], to its nearest existing parent.
pub fn locate_all(text: &str, pointers: &[&str]) -> Vec<Position> {
    // A few pointers are cheaper one at a time: each scan stops at its target.
    const FEW: usize = 8;
    if pointers.len() <= FEW {
        return pointers
            .iter()
            .map(|pointer| locate(text, pointer))
            .collect();
    }
    let wanted: HashSet<&str> = pointers.iter().copied().collect();
    // Only values at the depth of some wanted pointer need their pointer spelled out.
    let depths: HashSet<usize> = pointers
        .iter()
        .map(|pointer| pointer.matches('/').count())
        .collect();
    let mut offsets: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let bytes = text.as_bytes();
    let mut stack: Vec<Step<'_>> = Vec::new();
    let mut note = |stack: &[Step<'_>], at: usize| {
        if !depths.contains(&stack.len()) {
            return;
        }
        let pointer = steps_pointer(stack);
        if wanted.contains(pointer.as_str()) {
            offsets.entry(pointer).or_insert(at);
        }
    };
    let mut at = skip_space(bytes, 0);
    note(&stack, at);
    while at < bytes.len() {
        match bytes[at] {
            b'{' => {
                stack.push(Step::Key(Cow::Borrowed("")));
                at += 1;
            }
            b'[' => {
                stack.push(Step::Index(0));
                at = skip_space(bytes, at + 1);
                if bytes.get(at) != Some(&b']') {
                    note(&stack, at);
                }
            }
            b'}' | b']' => {
                stack.pop();
                at += 1;
            }
            b',' => {
                at = skip_space(bytes, at + 1);
                if let Some(Step::Index(index)) = stack.last_mut() {
                    *index += 1;
                    note(&stack, at);
                }
            }
            b'"' => {
                let Some(end) = skip_string(bytes, at) else {
                    break;
                };
                let colon = skip_space(bytes, end);
                if bytes.get(colon) == Some(&b':') && matches!(stack.last(), Some(Step::Key(_))) {
                    if let Some(last) = stack.last_mut() {
                        *last = Step::Key(key_text(text, at, end));
                    }
                    at = skip_space(bytes, colon + 1);
                    note(&stack, at);
                } else {
                    at = end;
                }
            }
            _ => {
                at += bytes[at..]
                    .iter()
                    .position(|&byte| structural(byte))
                    .unwrap_or(bytes.len() - at);
            }
        }
    }
    let lines = LineIndex::new(text);
    pointers
        .iter()
        .map(|pointer| match offsets.get(*pointer) {
            Some(offset) => lines.position(text, *offset),
            None => locate(text, pointer),
        })
        .collect()
}

/// One step of the path to the value being scanned.
enum Step<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

fn steps_pointer(stack: &[Step<'_>]) -> String {
    let mut pointer = String::new();
    for step in stack {
        pointer.push('/');
        match step {
            Step::Key(key) => pointer.push_str(&pointer::escape(key)),
            Step::Index(index) => pointer.push_str(&index.to_string()),
        }
    }
    pointer
}

/// Where each line starts, for turning many offsets into positions and finding lines fast.
pub struct LineIndex(Vec<usize>);

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts =
            std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex(starts.collect())
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line<'a>(&self, text: &'a str, line: usize) -> Option<&'a str> {
        let start = *self.0.get(line.checked_sub(1)?)?;
        let end = self.0.get(line).map_or(text.len(), |next| next - 1);
        text.get(start..end).map(|line| line.trim_end_matches('\r'))
    }

    fn position(&self, text: &str, offset: usize) -> Position {
        let line = self.0.partition_point(|start| *start <= offset);
        let start = self.0[line - 1];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |prefix| prefix.chars().count())
            + 1;
        Position { line, column }
    }
}

/// A key that appears twice in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// Pointer to the second occurrence's member.
    pub pointer: String,
    /// Where the second occurrence's key is.
    pub position: Position,
}

enum Frame<'a> {
    Object {
        keys: KeySet<'a>,
        current: Cow<'a, str>,
    },
    Array {
        index: usize,
    },
}

/// The keys seen in one object: a short list scanned linearly, which beats hashing for the
/// handful of keys most objects have, and a hash set once an object grows large.
#[derive(Default)]
struct KeySet<'a> {
    few: Vec<Cow<'a, str>>,
    many: HashSet<Cow<'a, str>>,
}

impl<'a> KeySet<'a> {
    const FEW: usize = 16;

    /// Adds a key; false when it was already there.
    fn insert(&mut self, key: Cow<'a, str>) -> bool {
        if self.many.is_empty() {
            if self.few.contains(&key) {
                return false;
            }
            if self.few.len() < Self::FEW {
                self.few.push(key);
                return true;
            }
            self.many.extend(self.few.drain(..));
        }
        self.many.insert(key)
    }
}

/// Every repeated key, in document order.
pub fn duplicate_keys(text: &str) -> Vec<DuplicateKey> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'{' => {
                stack.push(Frame::Object {
                    keys: KeySet::default(),
                    current: Cow::Borrowed(""),
                });
                at += 1;
            }
            b'[' => {
                stack.push(Frame::Array { index: 0 });
                at += 1;
            }
            b'}' | b']' => {
                stack.pop();
                at += 1;
            }
            b',' => {
                if let Some(Frame::Array { index }) = stack.last_mut() {
                    *index += 1;
                }
                at += 1;
            }
            b'"' => {
                let Some(end) = skip_string(bytes, at) else {
                    break;
                };
                let is_key = bytes.get(skip_space(bytes, end)) == Some(&b':')
                    && matches!(stack.last(), Some(Frame::Object { .. }));
                if is_key {
                    let key = key_text(text, at, end);
                    if let Some(Frame::Object { keys, current }) = stack.last_mut() {
                        *current = key.clone();
                        if !keys.insert(key) {
                            found.push(DuplicateKey {
                                pointer: pointer_of(&stack),
                                position: position(text, at),
                            });
                        }
                    }
                }
                at = end;
            }
            _ => {
                at += bytes[at..]
                    .iter()
                    .position(|&byte| structural(byte))
                    .unwrap_or(bytes.len() - at);
            }
        }
    }
    found
}

fn pointer_of(stack: &[Frame]) -> String {
    let mut pointer = String::new();
    for frame in stack {
        pointer.push('/');
        match frame {
            Frame::Object { current, .. } => pointer.push_str(&pointer::escape(current)),
            Frame::Array { index } => pointer.push_str(&index.to_string()),
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"a\": {\"b\": [10, {\"c\": \"x\\\"y\"}, 30]},\n  \"é/~\": 1,\n  \"k\\u0065y\": true\n}";

    #[test]
    fn locates_members_elements_and_escaped_keys() {
        assert_eq!(locate(TEXT, ""), Position { line: 1, column: 1 });
        assert_eq!(locate(TEXT, "/a"), Position { line: 2, column: 8 });
        assert_eq!(
            locate(TEXT, "/a/b/0"),
            Position {
                line: 2,
                column: 15
            }
        );
        assert_eq!(
            locate(TEXT, "/a/b/1/c"),
            Position {
                line: 2,
                column: 25
            }
        );
        assert_eq!(
            locate(TEXT, "/a/b/2"),
            Position {
                line: 2,
                column: 34
            }
        );
        assert_eq!(
            locate(TEXT, "/é~1~0"),
            Position {
                line: 3,
                column: 10
            }
        );
        assert_eq!(
            locate(TEXT, "/key"),
            Position {
                line: 4,
                column: 15
            }
        );
    }

    #[test]
    fn a_missing_member_maps_to_its_nearest_existing_parent() {
        assert_eq!(locate(TEXT, "/a/missing"), Position { line: 2, column: 8 });
        assert_eq!(
            locate(TEXT, "/a/b/7"),
            Position {
                line: 2,
                column: 14
            }
        );
    }

    #[test]
    fn spans_cover_exactly_the_value() {
        assert_eq!(
            span(TEXT, "/a/b").map(|range| &TEXT[range]),
            Some("[10, {\"c\": \"x\\\"y\"}, 30]")
        );
        assert_eq!(
            span(TEXT, "/a/b/1/c").map(|range| &TEXT[range]),
            Some("\"x\\\"y\"")
        );
        assert_eq!(span(TEXT, "/a/missing"), None);
        assert_eq!(span(TEXT, "").map(|range| range.len()), Some(TEXT.len()));
    }

    #[test]
    fn finds_duplicate_keys_with_their_pointer() {
        let text = "{\"a\": 1, \"b\": [{\"x\": 1, \"x\": 2}], \"a\": {\"y\": \"\\\"a\\\": 1\"}}";
        let found = duplicate_keys(text);
        assert_eq!(
            found,
            [
                DuplicateKey {
                    pointer: "/b/0/x".into(),
                    position: Position {
                        line: 1,
                        column: 25
                    }
                },
                DuplicateKey {
                    pointer: "/a".into(),
                    position: Position {
                        line: 1,
                        column: 35
                    }
                },
            ]
        );
        assert!(duplicate_keys(TEXT).is_empty());
    }

    #[test]
    fn locating_many_pointers_at_once_agrees_with_one_at_a_time() {
        let pointers = [
            "",
            "/a",
            "/a/b",
            "/a/b/0",
            "/a/b/1",
            "/a/b/1/c",
            "/a/b/2",
            "/é~1~0",
            "/key",
            "/a/missing",
            "/a/b/7",
        ];
        let one_by_one: Vec<Position> = pointers
            .iter()
            .map(|pointer| locate(TEXT, pointer))
            .collect();
        assert_eq!(locate_all(TEXT, &pointers), one_by_one);
        let empty = "{\"a\": [], \"b\": [ 1 ,2]}";
        let pointers = ["/a", "/b/0", "/b/1", "/a/0", "/b", "", "/b/1", "/a", "/b/0"];
        let one_by_one: Vec<Position> = pointers
            .iter()
            .map(|pointer| locate(empty, pointer))
            .collect();
        assert_eq!(locate_all(empty, &pointers), one_by_one);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(duplicate_keys(&text).is_empty());
        assert_eq!(locate(&text, "/0/0/0").line, 1);
        let many = ["/0/0/0"; 9];
        assert_eq!(locate_all(&text, &many)[0], locate(&text, "/0/0/0"));
    }
}
