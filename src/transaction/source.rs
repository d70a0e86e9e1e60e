//! Where a message can be read again. The transaction checks place a value (give it a line
//! and column) only when a finding names it: most trades have no finding, and placing every
//! value of every message costs about as much as parsing it again.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use deg_contracts_runtime::json;

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
#[derive(Debug, Clone)]
pub struct Reread {
    /// As read: the whole file, or one line of a log.
    read: String,
    /// The message within it (a log line without its surrounding blanks).
    message: std::ops::Range<usize>,
    lines_before: usize,
}

impl Reread {
    /// Where the value at `pointer` is, in its input's lines and columns.
    pub fn locate(&self, pointer: &str) -> Position {
        self.shifted(text::locate(self.message(), pointer))
    }

    /// Where the value that starts at byte `offset` of the message is, in its input's lines
    /// and columns.
    pub fn position(&self, offset: usize) -> Position {
        self.shifted(text::position(self.message(), offset))
    }

    /// The pointer of the value that starts at byte `offset` of the message; empty when the
    /// message no longer parses (it changed since it was checked).
    pub fn pointer(&self, offset: usize) -> String {
        json::parse(self.message(), &json::Arena::new()).map_or_else(
            |_| String::new(),
            |message| crate::transaction::facts::pointer_at(&message, offset),
        )
    }

    fn message(&self) -> &str {
        &self.read[self.message.clone()]
    }

    /// A position in the message as a position in its input.
    fn shifted(&self, mut position: Position) -> Position {
        if position.line == 1 {
            position.column += self.message.start;
        }
        position.line += self.lines_before;
        position
    }

    /// The text of a line of the input, for a finding's code frame.
    pub fn line(&self, line: usize) -> Option<&str> {
        let within = line.checked_sub(self.lines_before)?.checked_sub(1)?;
        let start = match within.checked_sub(1) {
            None => 0,
            Some(breaks) => memchr::memchr_iter(b'\n', self.read.as_bytes()).nth(breaks)? + 1,
        };
        // As `str::lines` counts them: nothing after a last line break is a line.
        (start < self.read.len()).then(|| text::line_at(&self.read, start))
    }
}

impl Source {
    /// Where the value at `pointer` is in the message, when it can be read again.
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        Some(self.reread()?.locate(pointer))
    }

    /// The message's text, unless it cannot be read again or changed so that it is no longer
    /// text (positions then stay where they are, rather than wrong).
    pub fn reread(&self) -> Option<Reread> {
        match self {
            Source::Placed => None,
            Source::File(path) => {
                let read = std::fs::read_to_string(path).ok()?;
                Some(Reread {
                    message: 0..read.len(),
                    read,
                    lines_before: 0,
                })
            }
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
                let read = String::from_utf8(bytes).ok()?;
                let start = read.len() - read.trim_ascii_start().len();
                Some(Reread {
                    message: start..read.trim_ascii_end().len().max(start),
                    read,
                    lines_before: number.saturating_sub(1),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The second line of a log of two, written in `dir`.
    fn second_line(dir: &tempfile::TempDir, first: &str, second: &str) -> Source {
        let path = dir.path().join("log.jsonl");
        std::fs::write(&path, format!("{first}{second}")).unwrap();
        Source::Line {
            log: Arc::from(path.as_path()),
            offset: first.len() as u64,
            len: second.len(),
            number: 2,
        }
    }

    #[test]
    fn a_line_of_a_log_is_read_again_at_its_offset() {
        let dir = tempfile::tempdir().unwrap();
        let second = "   {\"context\": {\"message_id\": \"m-1\"}}\n";
        let source = second_line(&dir, "{\"a\": 1}\n", second);
        let at = Position {
            line: 2,
            column: 31,
        };
        assert_eq!(source.locate("/context/message_id"), Some(at));
        let reread = source.reread().unwrap();
        assert_eq!(reread.line(2), Some(second.trim_end()));
        assert_eq!(reread.line(1), None);
    }

    #[test]
    fn a_value_read_again_is_placed_by_the_byte_it_starts_at() {
        let dir = tempfile::tempdir().unwrap();
        let second = "  {\"context\": {\"message_id\": \"m-1\"}}\n";
        let reread = second_line(&dir, "{}\n", second).reread().unwrap();
        // Offsets are the message's own, without the line's leading blanks.
        let at = second.trim_start().find("\"m-1\"").unwrap();
        assert_eq!(reread.pointer(at), "/context/message_id");
        assert_eq!(
            reread.position(at),
            Position {
                line: 2,
                column: 30
            }
        );
        // A byte where no value starts has no pointer.
        assert_eq!(reread.pointer(at + 1), "");
        // A file that no longer parses places nothing by pointer.
        let changed = dir.path().join("changed.json");
        std::fs::write(&changed, "{\"context\": ").unwrap();
        let file = Source::File(Arc::from(changed.as_path())).reread().unwrap();
        assert_eq!(file.pointer(0), "");
    }

    #[test]
    fn a_file_read_again_gives_each_line_as_str_lines_does() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        for text in [
            "",
            "{}",
            "{\r\n  \"a\": 1\r\n}\r\n",
            "{\n\n  \"a\": 1}",
            "{}\n\n",
        ] {
            std::fs::write(&path, text).unwrap();
            let reread = Source::File(Arc::from(path.as_path())).reread().unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for line in 0..lines.len() + 2 {
                let expected = line.checked_sub(1).and_then(|at| lines.get(at)).copied();
                assert_eq!(reread.line(line), expected, "line {line} of {text:?}");
            }
        }
    }

    #[test]
    fn a_message_that_vanished_places_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let gone = Source::File(Arc::from(dir.path().join("gone.json").as_path()));
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
