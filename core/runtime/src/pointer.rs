//! RFC 6901 JSON pointers: the one place segments are escaped and unescaped, for the
//! validators, the schema pipeline and the gate alike.

use std::borrow::Cow;

/// One reference token, escaped (`~` → `~0`, `/` → `~1`); borrowed when nothing needs escaping.
pub fn escape(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
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
    let mut joined = pointer.to_owned();
    push(&mut joined, segment);
    joined
}

/// The unescaped reference tokens of `pointer`; none for the whole document (`""`).
pub fn tokens(pointer: &str) -> impl Iterator<Item = Cow<'_, str>> {
    pointer.split('/').skip(1).map(unescape)
}

#[cfg(test)]
mod tests {
    use super::{escape, join, tokens, unescape};

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
