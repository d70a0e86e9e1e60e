//! JUnit XML: a test case per file, failing with its errors; warnings go to system-out.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::Reporter;
use crate::finding::Severity;
use crate::run::{FileResult, Summary};

#[derive(Default)]
pub struct Junit {
    cases: String,
    failures: usize,
}

/// XML character data and attribute values. A character XML 1.0 cannot hold even as a
/// reference (controls other than tab and line breaks, U+FFFE, U+FFFF) is spelled `\u{…}`, so
/// the report stays well-formed and still says what was there.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                let _ = write!(escaped, "\\u{{{:X}}}", c as u32);
            }
            c => escaped.push(c),
        }
    }
    escaped
}

impl Reporter for Junit {
    fn file(&mut self, result: &FileResult, _out: &mut dyn Write) -> io::Result<()> {
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
        let _ = write!(
            self.cases,
            "    <testcase name=\"{name}\" classname=\"deg-contracts.validate\">"
        );
        if !failures.is_empty() {
            self.failures += 1;
            let _ = write!(
                self.cases,
                "\n      <failure message=\"{} error(s)\" type=\"deg-contracts\">{}</failure>",
                failures.len(),
                escape(&failures.join("\n"))
            );
        }
        if !warnings.is_empty() {
            let _ = write!(
                self.cases,
                "\n      <system-out>{}</system-out>",
                escape(&warnings.join("\n"))
            );
        }
        if failures.is_empty() && warnings.is_empty() {
            self.cases.push_str("</testcase>\n");
        } else {
            self.cases.push_str("\n    </testcase>\n");
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        let failures = self.failures;
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"deg-contracts\" tests=\"{files}\" failures=\"{failures}\">\n  <testsuite name=\"deg-contracts validate\" tests=\"{files}\" failures=\"{failures}\">\n{}  </testsuite>\n</testsuites>\n",
            self.cases,
            files = summary.files,
        )
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
