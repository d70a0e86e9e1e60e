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
pub fn index(token: &str) -> Option<usize> {
    let canonical = token == "0" || (!token.starts_with('0') && !token.starts_with('+'));
    canonical.then(|| token.parse().ok()).flatten()
}

/// The unescaped reference tokens of `pointer`; none for the whole document (`""`).
pub fn tokens(pointer: &str) -> impl Iterator<Item = Cow<'_, str>> {
    pointer.split('/').skip(1).map(unescape)
}

#[cfg(test)]
mod tests {
    use super::{escape, get, join, tokens, unescape};
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
    fn pointers_join_and_split_back() {
        let pointer = join(&join("", "roles"), "a/b");
        assert_eq!(pointer, "/roles/a~1b");
        assert_eq!(tokens(&pointer).collect::<Vec<_>>(), ["roles", "a/b"]);
        assert_eq!(tokens("").count(), 0);
        assert_eq!(tokens("/").collect::<Vec<_>>(), [""]);
    }
}
