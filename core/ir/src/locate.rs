//! Finds the line and column of a JSON pointer in block-style YAML text, so errors about a
//! parsed schema can point at its source. Best effort: flow-style nodes map to their parent.

/// A key or sequence item as it appears on a line.
#[derive(Debug)]
struct Entry<'a> {
    line: usize,
    column: usize,
    kind: EntryKind<'a>,
}

#[derive(Debug, PartialEq)]
enum EntryKind<'a> {
    Key(&'a str),
    Item,
}

/// The 1-based line and column of the node at `pointer` (RFC 6901, without `#`).
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let entries = entries(text);
    let mut scope = 0..entries.len();
    let mut parent_column: Option<usize> = None;
    let mut found = None;
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let children: Vec<usize> = scope
            .clone()
            .filter(|&i| parent_column.is_none_or(|column| entries[i].column > column))
            .collect();
        let child_column = children.iter().map(|&i| entries[i].column).min()?;
        let siblings = children
            .into_iter()
            .filter(|&i| entries[i].column == child_column);
        let index = match segment.parse::<usize>() {
            Ok(n)
                if entries[scope.start..scope.end]
                    .iter()
                    .any(|e| e.kind == EntryKind::Item && e.column == child_column) =>
            {
                siblings
                    .filter(|&i| entries[i].kind == EntryKind::Item)
                    .nth(n)?
            }
            _ => {
                let mut siblings = siblings;
                siblings.find(|&i| entries[i].kind == EntryKind::Key(segment.as_str()))?
            }
        };
        let end = (index + 1..scope.end)
            .find(|&i| entries[i].column <= entries[index].column)
            .unwrap_or(scope.end);
        scope = index + 1..end;
        parent_column = Some(entries[index].column);
        found = Some((entries[index].line, entries[index].column));
    }
    found
}

/// Every key and sequence item of the text, in order, with 1-based positions.
fn entries(text: &str) -> Vec<Entry<'_>> {
    let mut entries = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let mut column = line.len() - line.trim_start().len();
        let mut rest = line.trim_start();
        if rest.starts_with('#') || rest.is_empty() {
            continue;
        }
        while let Some(after) =
            rest.strip_prefix("- ")
                .or(if rest == "-" { Some("") } else { None })
        {
            entries.push(Entry {
                line: number + 1,
                column: column + 1,
                kind: EntryKind::Item,
            });
            let trimmed = after.trim_start();
            column += 2 + (after.len() - trimmed.len());
            rest = trimmed;
        }
        if let Some(key) = key_of(rest) {
            entries.push(Entry {
                line: number + 1,
                column: column + 1,
                kind: EntryKind::Key(key),
            });
        }
    }
    entries
}

/// The mapping key a line starts with, without quotes.
fn key_of(rest: &str) -> Option<&str> {
    for quote in ['"', '\''] {
        if let Some(inner) = rest.strip_prefix(quote) {
            let end = inner.find(quote)?;
            return inner[end + 1..].starts_with(':').then(|| &inner[..end]);
        }
    }
    let colon = rest
        .find(": ")
        .or_else(|| rest.ends_with(':').then(|| rest.len() - 1))?;
    let key = &rest[..colon];
    (!key.contains(['{', '[', '#'])).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::locate;

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
          required: [x]
";

    #[test]
    fn finds_nested_keys_quoted_keys_and_sequence_items() {
        assert_eq!(locate(TEXT, "/components/schemas/Thing/type"), Some((4, 7)));
        assert_eq!(
            locate(TEXT, "/components/schemas/Thing/properties/@id"),
            Some((6, 9))
        );
        assert_eq!(
            locate(TEXT, "/components/schemas/Thing/allOf/0/$ref"),
            Some((9, 11))
        );
        assert_eq!(
            locate(TEXT, "/components/schemas/Thing/allOf/1/required"),
            Some((11, 11))
        );
    }

    #[test]
    fn unknown_pointer_has_no_position() {
        assert_eq!(locate(TEXT, "/components/schemas/Other"), None);
        assert_eq!(locate(TEXT, "/components/schemas/Thing/allOf/5"), None);
    }
}
