//! RFC 6901 JSON pointers: the one place segments are escaped and unescaped, for the
//! validators, the schema pipeline and the gate alike.

use std::borrow::Cow;

use serde_json::Value;

/// One reference token, escaped (`~` → `~0`, `/` → `~1`); borrowed when nothing needs escaping.
pub fn escape(segment: &str) -> Cow<'_, str> {
    // A byte scan: both are ASCII, and a char-set pattern costs several times as much.
    if segment.bytes().any(|byte| byte == b'~' || byte == b'/') {
        Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// One reference token, unescaped (`~1` → `/`, then `~0` → `~`, in that order).
pub fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Appends `segment` to `pointer` as one more reference token.
pub fn push(pointer: &mut String, segment: &str) {
    pointer.push('/');
    pointer.push_str(&escape(segment));
}

/// `pointer` with `segment` appended.
pub fn join(pointer: &str, segment: &str) -> String {
    let mut joined = String::with_capacity(pointer.len() + 1 + segment.len());
    joined.push_str(pointer);
    push(&mut joined, segment);
    joined
}

/// The value at `pointer` in `root`, as `Value::pointer` finds it, without allocating for
/// tokens that need no unescaping (all of a Beckn envelope's).
pub fn get<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return None;
    }
    tokens(pointer).try_fold(root, |value, token| match value {
        Value::Object(members) => members.get(token.as_ref()),
        Value::Array(items) => index(&token).and_then(|at| items.get(at)),
        _ => None,
    })
}

/// An array index token as RFC 6901 writes one: digits, no sign, no leading zero.
fn index(token: &str) -> Option<usize> {
    let canonical = token == "0" || (!token.starts_with('0') && !token.starts_with('+'));
    canonical.then(|| token.parse().ok()).flatten()
}

/// The unescaped reference tokens of `pointer`; none for the whole document (`""`).
pub fn tokens(pointer: &str) -> impl Iterator<Item = Cow<'_, str>> {
    pointer.split('/').skip(1).map(unescape)
}

/// How long a pointer [`Built`] keeps without allocating: enough for a contract's deepest
/// member in a Beckn message.
const INLINE: usize = 118;

/// A pointer built a segment at a time, kept inline while it is short, so that walking a
/// message's views allocates nothing until a pointer is kept (most are read and dropped).
#[derive(Clone)]
pub struct Built(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(String),
}

impl Built {
    /// The pointer `pointer`.
    pub fn new(pointer: &str) -> Built {
        let mut built = Built(Repr::Inline {
            len: 0,
            bytes: [0; INLINE],
        });
        built.push_raw(pointer);
        built
    }

    /// This pointer with one more reference token, `segment` (escaped here).
    pub fn joined(&self, segment: &str) -> Built {
        let mut built = self.clone();
        built.push_raw("/");
        built.push_raw(&escape(segment));
        built
    }

    /// This pointer with the array index `index` appended.
    pub fn indexed(&self, index: usize) -> Built {
        let mut built = self.clone();
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = index;
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        built.push_raw("/");
        // Digits are ASCII.
        built.push_raw(std::str::from_utf8(&digits[at..]).unwrap_or_default());
        built
    }

    /// The pointer as text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Only whole `str`s are ever pushed, so the bytes are UTF-8.
            Repr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Repr::Heap(text) => text,
        }
    }

    fn push_raw(&mut self, text: &str) {
        match &mut self.0 {
            Repr::Inline { len, bytes } => {
                let start = usize::from(*len);
                let end = start + text.len();
                if end <= INLINE {
                    bytes[start..end].copy_from_slice(text.as_bytes());
                    *len = end as u8;
                } else {
                    let mut heap = String::with_capacity(end * 2);
                    heap.push_str(std::str::from_utf8(&bytes[..start]).unwrap_or_default());
                    heap.push_str(text);
                    self.0 = Repr::Heap(heap);
                }
            }
            Repr::Heap(heap) => heap.push_str(text),
        }
    }
}

impl From<Built> for String {
    fn from(built: Built) -> String {
        match built.0 {
            Repr::Heap(text) => text,
            inline @ Repr::Inline { .. } => Built(inline).as_str().to_owned(),
        }
    }
}

impl PartialEq for Built {
    fn eq(&self, other: &Built) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::fmt::Debug for Built {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::{Built, INLINE, escape, get, join, tokens, unescape};
    use serde_json::json;

    #[test]
    fn get_finds_what_value_pointer_finds() {
        let value = json!({"a/b": {"~c": [10, {"d": true}]}, "": 1, "e": [0]});
        for pointer in [
            "",
            "/a~1b",
            "/a~1b/~0c",
            "/a~1b/~0c/1/d",
            "/a~1b/~0c/0",
            "/",
            "/e/0",
            "/e/00",
            "/e/+0",
            "/e/-1",
            "/e/1",
            "/a~1b/~0c/x",
            "/missing",
            "a",
            "/e/0/deeper",
        ] {
            assert_eq!(get(&value, pointer), value.pointer(pointer), "{pointer}");
        }
    }

    #[test]
    fn tokens_escape_and_unescape_in_the_rfc_order() {
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert_eq!(unescape("a~1b~0c"), "a/b~c");
        // `~01` is `~1` unescaped, never `/`.
        assert_eq!(unescape("~01"), "~1");
        assert_eq!(escape("plain"), "plain");
    }

    #[test]
    fn a_built_pointer_is_the_joined_one_inline_or_not() {
        let short = Built::new("/order").joined("a/b").indexed(0).indexed(1207);
        assert_eq!(short.as_str(), "/order/a~1b/0/1207");
        assert_eq!(String::from(short.clone()), "/order/a~1b/0/1207");
        let long_name = "x".repeat(INLINE);
        let long = short.joined(&long_name).joined("y");
        assert_eq!(long.as_str(), format!("/order/a~1b/0/1207/{long_name}/y"));
        assert_eq!(String::from(long.clone()), long.as_str());
        assert_eq!(
            Built::new(&long_name).joined("").as_str(),
            format!("{long_name}/")
        );
        assert_eq!(long, long.clone());
        assert_eq!(format!("{short:?}"), r#""/order/a~1b/0/1207""#);
    }

    #[test]
    fn pointers_join_and_split_back() {
        let pointer = join(&join("", "roles"), "a/b");
        assert_eq!(pointer, "/roles/a~1b");
        assert_eq!(tokens(&pointer).collect::<Vec<_>>(), ["roles", "a/b"]);
        assert_eq!(tokens("").count(), 0);
        assert_eq!(tokens("/").collect::<Vec<_>>(), [""]);
    }
}
