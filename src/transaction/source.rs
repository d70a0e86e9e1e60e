//! Where a message can be read again. The transaction checks place a message's facts (give
//! them lines and columns) only when a finding is about its trade: most trades have none, and
//! placing every value of every message costs about as much as parsing it again.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use super::facts::{self, MessageFacts};
use crate::source::{self as text, Position};

/// Where a message's text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Nowhere to read it again (standard input): its facts were placed as it was checked.
    Placed,
    /// A file of its own.
    File(Arc<Path>),
    /// One line of a log: where the line starts, how long it is, and its number.
    Line {
        log: Arc<Path>,
        offset: u64,
        len: usize,
        number: usize,
    },
}

/// A message's text read again, and how far it sits from the start of its input.
struct Reread {
    text: String,
    lines_before: usize,
    indent: usize,
}

impl Source {
    /// Places every value of `facts`. A message that changed or vanished since it was checked
    /// keeps the positions it has (its first line), rather than wrong ones.
    pub fn place(&self, facts: &mut MessageFacts) {
        let Some(reread) = self.reread() else {
            return;
        };
        facts::place(&reread.text, std::slice::from_mut(facts));
        facts.shift(reread.lines_before, reread.indent);
    }

    /// Where the value at `pointer` is in the message, when it can be read again.
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        let reread = self.reread()?;
        let mut position = text::locate(&reread.text, pointer);
        if position.line == 1 {
            position.column += reread.indent;
        }
        position.line += reread.lines_before;
        Some(position)
    }

    fn reread(&self) -> Option<Reread> {
        match self {
            Source::Placed => None,
            Source::File(path) => Some(Reread {
                text: std::fs::read_to_string(path).ok()?,
                lines_before: 0,
                indent: 0,
            }),
            Source::Line {
                log,
                offset,
                len,
                number,
            } => {
                let mut file = std::fs::File::open(log).ok()?;
                file.seek(SeekFrom::Start(*offset)).ok()?;
                let mut bytes = vec![0; *len];
                file.read_exact(&mut bytes).ok()?;
                let line = String::from_utf8(bytes).ok()?;
                let indent = line.len() - line.trim_ascii_start().len();
                Some(Reread {
                    text: line.trim_ascii().to_owned(),
                    lines_before: number.saturating_sub(1),
                    indent,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::facts::Located;

    fn facts_with_id() -> MessageFacts {
        MessageFacts {
            message_id: Some(Located::new("m-1".to_owned(), "/context/message_id")),
            ..MessageFacts::default()
        }
    }

    fn id_position(facts: &MessageFacts) -> Position {
        facts.message_id.as_ref().map(|id| id.position).unwrap()
    }

    #[test]
    fn a_line_of_a_log_is_read_again_at_its_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        let first = "{\"a\": 1}\n";
        let second = "   {\"context\": {\"message_id\": \"m-1\"}}\n";
        std::fs::write(&path, format!("{first}{second}")).unwrap();
        let source = Source::Line {
            log: Arc::from(path.as_path()),
            offset: first.len() as u64,
            len: second.len(),
            number: 2,
        };
        let mut facts = facts_with_id();
        source.place(&mut facts);
        let at = Position {
            line: 2,
            column: 31,
        };
        assert_eq!(id_position(&facts), at);
        assert_eq!(source.locate("/context/message_id"), Some(at));
    }

    #[test]
    fn a_message_that_vanished_keeps_the_positions_it_has() {
        let dir = tempfile::tempdir().unwrap();
        let gone = Source::File(Arc::from(dir.path().join("gone.json").as_path()));
        let mut facts = facts_with_id();
        gone.place(&mut facts);
        assert_eq!(id_position(&facts), Position { line: 1, column: 1 });
        assert_eq!(gone.locate("/context/message_id"), None);
        let path = dir.path().join("short.jsonl");
        std::fs::write(&path, "{}\n").unwrap();
        let cut = Source::Line {
            log: Arc::from(path.as_path()),
            offset: 0,
            len: 100,
            number: 1,
        };
        assert_eq!(cut.locate("/context/message_id"), None);
        assert_eq!(Source::Placed.locate("/context/message_id"), None);
    }
}
