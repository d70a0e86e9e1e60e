//! Maps JSON pointers back onto the source text (line and column for reports) and finds
//! duplicate keys, which serde_json silently resolves to the last one. One scanner, [`walk`],
//! does both over text serde_json has already accepted: a single pass, without recursion, so
//! nesting depth cannot overflow, that tells a visitor where each value and key starts.

use foldhash::{HashMap, HashSet};
use std::borrow::Cow;
use std::fmt::Write as _;

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
    position(text, offsets_all(text, &[pointer])[0])
}

/// The byte range of the value at `pointer`, if it exists.
pub fn span(text: &str, pointer: &str) -> Option<std::ops::Range<usize>> {
    let mut trie = Trie::default();
    let end = trie.insert(pointer);
    let root = skip_space(text.as_bytes(), 0);
    trie.nodes[0].offset = Some(root);
    if trie.unfound > 0 {
        trie.descend(text, root, 0);
    }
    let start = trie.nodes[end].offset?;
    Some(start..skip_value(text.as_bytes(), start)?)
}

/// Where each of many pointers is, in one pass over the text instead of one pass each, so a
/// file with thousands of findings costs no more than one scan. A pointer into a missing
/// member maps, as with [`locate`], to its nearest existing parent.
pub fn locate_all(text: &str, pointers: &[&str]) -> Vec<Position> {
    positions(text, &offsets_all(text, pointers))
}

/// The byte offset where each pointer's value starts (or its nearest existing parent's), in
/// one pass that descends only into members some pointer leads through and skips the rest
/// (Beckn core subtrees, other objects) at the speed of a byte search.
pub fn offsets_all(text: &str, pointers: &[&str]) -> Vec<usize> {
    if pointers.is_empty() {
        return Vec::new();
    }
    let mut trie = Trie::default();
    let ends: Vec<usize> = pointers
        .iter()
        .map(|pointer| trie.insert(pointer))
        .collect();
    let bytes = text.as_bytes();
    let root = skip_space(bytes, 0);
    trie.nodes[0].offset = Some(root);
    if trie.unfound > 0 {
        trie.descend(text, root, 0);
    }
    ends.iter().map(|&end| trie.nearest(end)).collect()
}

/// The wanted pointers as a tree of their tokens; each node a prefix, with where its value
/// starts once found.
#[derive(Default)]
struct Trie<'p> {
    nodes: Vec<TrieNode<'p>>,
    /// How many nodes are still to be found: at none, the descent stops, and the rest of
    /// the text (most of it, for a finding near the top) is never scanned.
    unfound: usize,
}

#[derive(Default)]
struct TrieNode<'p> {
    children: Vec<(Cow<'p, str>, usize)>,
    /// The children by name, once there are too many to search one by one (ten thousand
    /// findings in one array).
    index: Option<HashMap<Cow<'p, str>, usize>>,
    parent: usize,
    offset: Option<usize>,
}

/// How many children a node searches in order before it indexes them.
const SEARCHED_CHILDREN: usize = 16;

impl<'p> Trie<'p> {
    /// Adds a pointer; returns its node.
    fn insert(&mut self, pointer: &'p str) -> usize {
        if self.nodes.is_empty() {
            self.nodes.push(TrieNode::default());
        }
        let mut node = 0;
        for token in pointer::tokens(pointer) {
            let existing = self.child(node, &token);
            node = match existing {
                Some(child) => child,
                None => {
                    self.nodes.push(TrieNode {
                        parent: node,
                        ..TrieNode::default()
                    });
                    let child = self.nodes.len() - 1;
                    self.unfound += 1;
                    let parent = &mut self.nodes[node];
                    if let Some(index) = &mut parent.index {
                        index.insert(token.clone(), child);
                    } else if parent.children.len() >= SEARCHED_CHILDREN {
                        let mut index: HashMap<Cow<'p, str>, usize> =
                            parent.children.iter().cloned().collect();
                        index.insert(token.clone(), child);
                        parent.index = Some(index);
                    }
                    parent.children.push((token, child));
                    child
                }
            };
        }
        node
    }

    /// Where `node`'s value starts, or its nearest found parent's (the root always is).
    fn nearest(&self, mut node: usize) -> usize {
        loop {
            if let Some(offset) = self.nodes[node].offset {
                return offset;
            }
            if node == 0 {
                return 0;
            }
            node = self.nodes[node].parent;
        }
    }

    fn child(&self, node: usize, name: &str) -> Option<usize> {
        let node = &self.nodes[node];
        if let Some(index) = &node.index {
            return index.get(name).copied();
        }
        node.children
            .iter()
            .find(|(token, _)| token == name)
            .map(|(_, child)| *child)
    }

    /// Records the wanted members of the value at `at` (the trie's `node`) and descends into
    /// those that lead further; returns where the value ends, or `None` once every node is
    /// found (or the text ends early). Recursion is as deep as the longest pointer, never
    /// deeper than the text's nesting.
    fn descend(&mut self, text: &str, at: usize, node: usize) -> Option<usize> {
        let bytes = text.as_bytes();
        if self.nodes[node].children.is_empty() {
            return skip_value(bytes, at);
        }
        let (close, is_object) = match bytes.get(at)? {
            b'{' => (b'}', true),
            b'[' => (b']', false),
            _ => return skip_value(bytes, at),
        };
        let mut cursor = skip_space(bytes, at + 1);
        let mut index = 0usize;
        let mut name = String::new();
        loop {
            if *bytes.get(cursor)? == close {
                return Some(cursor + 1);
            }
            let child = if is_object {
                let end = skip_string(bytes, cursor)?;
                let key = key_text(text, cursor, end);
                cursor = skip_space(bytes, skip_space(bytes, end) + 1);
                self.child(node, &key)
            } else {
                name.clear();
                let _ = write!(name, "{index}");
                index += 1;
                self.child(node, &name)
            };
            let end = match child {
                Some(child) if self.nodes[child].offset.is_none() => {
                    self.nodes[child].offset = Some(cursor);
                    self.unfound -= 1;
                    if self.unfound == 0 {
                        return None;
                    }
                    self.descend(text, cursor, child)?
                }
                _ => skip_value(bytes, cursor)?,
            };
            cursor = skip_space(bytes, end);
            if bytes.get(cursor) == Some(&b',') {
                cursor = skip_space(bytes, cursor + 1);
            }
        }
    }
}

/// The byte offset of the `column`-th (1-based) character of the JSON string whose opening
/// quote is at `quote`, counting each escape (`\n`, `\u00d7`, a surrogate pair) as the one
/// character it decodes to, so a column inside a formula lands on its source character.
pub fn offset_in_string(text: &str, quote: usize, column: usize) -> usize {
    let bytes = text.as_bytes();
    if bytes.get(quote) != Some(&b'"') {
        return quote;
    }
    let mut at = quote + 1;
    for _ in 1..column {
        match bytes.get(at) {
            None | Some(b'"') => break,
            Some(b'\\') => {
                let unicode = bytes.get(at + 1) == Some(&b'u');
                at += if unicode { 6 } else { 2 };
                let high = unicode
                    && text
                        .get(at - 4..at)
                        .and_then(|hex| u16::from_str_radix(hex, 16).ok())
                        .is_some_and(|unit| (0xD800..0xDC00).contains(&unit));
                if high && text.get(at..at + 2) == Some("\\u") {
                    at += 6;
                }
            }
            Some(_) => {
                at += text[at..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    at.min(text.len())
}

/// The positions of many byte offsets in one pass over the text, in the order given, so that
/// thousands of findings on one long (minified) line cost one count of its characters, not one
/// each.
pub fn positions(text: &str, offsets: &[usize]) -> Vec<Position> {
    placements(text, offsets)
        .into_iter()
        .map(|placed| placed.position)
        .collect()
}

/// Where a byte offset is: its line and column, and the byte its line starts at, so that the
/// line's text is at hand without an index of every line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub position: Position,
    pub line_start: usize,
}

impl Placement {
    /// The text's first byte.
    pub const START: Placement = Placement {
        position: Position { line: 1, column: 1 },
        line_start: 0,
    };
}

/// As [`positions`], each with the byte its line starts at.
pub fn placements(text: &str, offsets: &[usize]) -> Vec<Placement> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut found = vec![Placement::START; offsets.len()];
    let (mut line, mut column, mut line_start, mut at) = (1, 1, 0, 0);
    for i in order {
        let target = offsets[i].min(text.len());
        // Offsets fall on character boundaries in what the scanner reports; a stray one is
        // counted up to the boundary before it.
        let mut end = target;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if end > at {
            // Lines by a byte search, columns by counting only the last line's characters.
            let segment = &text[at..end];
            match memchr::memrchr(b'\n', segment.as_bytes()) {
                Some(last) => {
                    line += memchr::memchr_iter(b'\n', segment.as_bytes()).count();
                    column = segment[last + 1..].chars().count() + 1;
                    line_start = at + last + 1;
                }
                None => column += segment.chars().count(),
            }
            at = end;
        }
        found[i] = Placement {
            position: Position { line, column },
            line_start,
        };
    }
    found
}

/// The text of the line that starts at byte `start`, without its line break.
pub fn line_at(text: &str, start: usize) -> &str {
    let rest = text.get(start..).unwrap_or_default();
    let end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
    rest[..end].trim_end_matches('\r')
}

/// Every repeated key, in document order.
pub fn duplicate_keys(text: &str) -> Vec<DuplicateKey> {
    duplicate_keys_at_most(text, usize::MAX).0
}

/// The first `limit` repeated keys, in document order, and how many more there are.
pub fn duplicate_keys_at_most(text: &str, limit: usize) -> (Vec<DuplicateKey>, usize) {
    /// Each repeated member's pointer and the offset of its key, up to the limit.
    struct Repeats {
        kept: Vec<(String, usize)>,
        limit: usize,
        beyond: usize,
    }
    impl<'a> Visit<'a> for Repeats {
        const KEYS: bool = true;

        fn key(&mut self, path: &Path<'a>, at: usize, repeated: bool) {
            if !repeated {
                return;
            }
            if self.kept.len() < self.limit {
                self.kept.push((path.pointer(), at));
            } else {
                self.beyond += 1;
            }
        }
    }
    let mut repeats = Repeats {
        kept: Vec::new(),
        limit,
        beyond: 0,
    };
    walk(text, &mut repeats);
    let offsets: Vec<usize> = repeats.kept.iter().map(|(_, at)| *at).collect();
    let found = repeats
        .kept
        .into_iter()
        .zip(positions(text, &offsets))
        .map(|((pointer, _), position)| DuplicateKey { pointer, position })
        .collect();
    (found, repeats.beyond)
}

/// What [`walk`] tells as it goes.
trait Visit<'a> {
    /// Whether the walk tracks each object's keys, to say which repeat.
    const KEYS: bool = false;

    /// A value starts at byte `at`, at `path`; `true` stops the walk.
    fn value(&mut self, path: &Path<'a>, at: usize) -> bool {
        let _ = (path, at);
        false
    }

    /// A member's key starts at byte `at`; `path` leads to the member.
    fn key(&mut self, path: &Path<'a>, at: usize, repeated: bool) {
        let _ = (path, at, repeated);
    }
}

/// The path from the root to where the walk stands.
#[derive(Default)]
struct Path<'a>(Vec<Frame<'a>>);

enum Frame<'a> {
    Object {
        /// Tracked only when the visitor asks for repeats.
        keys: Option<KeySet<'a>>,
        current: Cow<'a, str>,
    },
    Array {
        index: usize,
    },
}

impl Path<'_> {
    fn pointer(&self) -> String {
        let mut text = String::new();
        self.write_pointer(&mut text);
        text
    }

    /// Spells the pointer into `text`, replacing what it held.
    fn write_pointer(&self, text: &mut String) {
        text.clear();
        for frame in &self.0 {
            match frame {
                Frame::Object { current, .. } => pointer::push(text, current),
                Frame::Array { index } => {
                    text.push('/');
                    let _ = write!(text, "{index}");
                }
            }
        }
    }
}

/// The one scanner: walks JSON text serde_json accepted, telling `visitor` where every value
/// and key starts, with the path to it.
fn walk<'a, V: Visit<'a>>(text: &'a str, visitor: &mut V) {
    let bytes = text.as_bytes();
    let mut path = Path::default();
    let mut at = skip_space(bytes, 0);
    if visitor.value(&path, at) {
        return;
    }
    while at < bytes.len() {
        match bytes[at] {
            b'{' => {
                path.0.push(Frame::Object {
                    keys: V::KEYS.then(KeySet::default),
                    current: Cow::Borrowed(""),
                });
                at += 1;
            }
            b'[' => {
                path.0.push(Frame::Array { index: 0 });
                at = skip_space(bytes, at + 1);
                if bytes.get(at) != Some(&b']') && visitor.value(&path, at) {
                    return;
                }
            }
            b'}' | b']' => {
                path.0.pop();
                at += 1;
            }
            b',' => {
                at = skip_space(bytes, at + 1);
                if let Some(Frame::Array { index }) = path.0.last_mut() {
                    *index += 1;
                    if visitor.value(&path, at) {
                        return;
                    }
                }
            }
            b'"' => {
                let Some(end) = skip_string(bytes, at) else {
                    return;
                };
                let colon = skip_space(bytes, end);
                let is_key = bytes.get(colon) == Some(&b':')
                    && matches!(path.0.last(), Some(Frame::Object { .. }));
                if !is_key {
                    at = end;
                    continue;
                }
                let key = key_text(text, at, end);
                let mut repeated = false;
                if let Some(Frame::Object { keys, current }) = path.0.last_mut() {
                    if let Some(keys) = keys {
                        repeated = !keys.insert(key.clone());
                    }
                    *current = key;
                }
                visitor.key(&path, at, repeated);
                at = skip_space(bytes, colon + 1);
                if visitor.value(&path, at) {
                    return;
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
}

/// A key that appears twice in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// Pointer to the second occurrence's member.
    pub pointer: String,
    /// Where the second occurrence's key is.
    pub position: Position,
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

    #[test]
    fn positions_in_one_pass_agree_with_one_at_a_time() {
        let text = "{\"é\": [1,\n  \"ü\", {\"k\": 2}],\r\n \"z\": 3}";
        let offsets: Vec<usize> = text.char_indices().map(|(at, _)| at).rev().collect();
        let expected: Vec<Position> = offsets.iter().map(|&at| position(text, at)).collect();
        assert_eq!(positions(text, &offsets), expected);
        assert_eq!(
            positions(text, &[text.len() + 5])[0],
            position(text, text.len())
        );
    }

    #[test]
    fn each_placement_starts_its_line_where_the_index_of_lines_does() {
        let text = "{\"a\": 1,\r\n  \"é\": [2,\n\n   3]}\n";
        let lines = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&at| text.is_char_boundary(at))
            .collect();
        for (placement, at) in placements(text, &offsets).into_iter().zip(offsets) {
            assert_eq!(placement.position, position(text, at));
            assert_eq!(
                Some(line_at(text, placement.line_start)),
                lines.line(text, placement.position.line),
                "the line of byte {at}"
            );
        }
        assert_eq!(line_at(text, 0), "{\"a\": 1,");
        assert_eq!(line_at(text, text.len()), "");
        assert_eq!(line_at(text, text.len() + 3), "");
    }

    #[test]
    fn thousands_of_repeated_keys_on_one_line_are_each_placed() {
        let members: Vec<String> = (0..5_000).map(|i| format!("\"k\": {i}")).collect();
        let text = format!("{{{}}}", members.join(","));
        let found = duplicate_keys(&text);
        assert_eq!(found.len(), 4_999);
        let last = found.last().unwrap();
        assert_eq!(last.pointer, "/k");
        assert_eq!(last.position, position(&text, text.rfind("\"k\"").unwrap()));
    }

    #[test]
    fn string_columns_count_each_escape_as_one_character() {
        let text = r#"{"f": "a\u00d7\n\ud83d\ude00é\"z"}"#;
        let quote = text.find(": \"").unwrap() + 2;
        let at = |column| &text[offset_in_string(text, quote, column)..];
        assert!(at(1).starts_with('a'));
        assert!(at(2).starts_with("\\u00d7"));
        assert!(at(3).starts_with("\\n"));
        assert!(at(4).starts_with("\\ud83d\\ude00"));
        assert!(at(5).starts_with('é'));
        assert!(at(6).starts_with("\\\"z"));
        assert!(at(7).starts_with('z'));
        // Past the end of the string it stops at the closing quote.
        assert!(at(40).starts_with("\"}"));
    }
}
