//! JUnit XML: a test suite of one test case per file, failing with its errors; warnings go
//! to system-out. Each file's suite is written as its result arrives (with its own counts), so
//! a run of many files holds one file's text at a time.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{Reporter, escape_markup as escape};
use crate::finding::Severity;
use crate::run::{FileResult, Summary};

#[derive(Default)]
pub struct Junit {
    opened: bool,
}

impl Junit {
    fn open(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.opened {
            self.opened = true;
            writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
            writeln!(out, "<testsuites name=\"deg-contracts\">")?;
        }
        Ok(())
    }
}

impl Reporter for Junit {
    fn file(&mut self, result: &FileResult, out: &mut dyn Write) -> io::Result<()> {
        self.open(out)?;
        let name = escape(&result.name);
        let mut failures = Vec::new();
        let mut warnings = Vec::new();
        match &result.outcome {
            Ok(report) => {
                for finding in &report.findings {
                    let (line, column) = finding.position.map_or((1, 1), |p| (p.line, p.column));
                    let text = format!(
                        "{}:{line}:{column}: {}[{}]: {}{}",
                        result.name,
                        finding.severity.as_str(),
                        finding.rule,
                        finding.message,
                        finding.pointer_note()
                    );
                    match finding.severity {
                        Severity::Error => failures.push(text),
                        Severity::Warning => warnings.push(text),
                    }
                }
            }
            Err(error) => failures.push(format!("{}: cannot read: {error}", result.name)),
        }
        let failed = usize::from(!failures.is_empty());
        let mut case = format!(
            "  <testsuite name=\"{name}\" tests=\"1\" failures=\"{failed}\">\n    <testcase name=\"{name}\" classname=\"deg-contracts.validate\">"
        );
        if !failures.is_empty() {
            let _ = write!(
                case,
                "\n      <failure message=\"{} error(s)\" type=\"deg-contracts\">{}</failure>",
                failures.len(),
                escape(&failures.join("\n"))
            );
        }
        if !warnings.is_empty() {
            let _ = write!(
                case,
                "\n      <system-out>{}</system-out>",
                escape(&warnings.join("\n"))
            );
        }
        if failures.is_empty() && warnings.is_empty() {
            case.push_str("</testcase>\n");
        } else {
            case.push_str("\n    </testcase>\n");
        }
        case.push_str("  </testsuite>\n");
        out.write_all(case.as_bytes())
    }

    fn finish(&mut self, _summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        self.open(out)?;
        writeln!(out, "</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_spells_out_characters_xml_cannot_hold() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}\u{FFFF}\té"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\\u{1}\\u{FFFF}\té"
        );
    }
}
