//! GitHub Actions workflow commands (`::error file=..,line=..,col=..,title=..::message`),
//! escaped as the runner expects, and a summary line.

use std::io::{self, Write};

use super::{Reporter, summary_line};
use crate::run::{FileResult, Summary};

pub struct Github;

/// Escapes command data: `%`, CR and LF.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: data escapes plus `:` and `,`.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

impl Reporter for Github {
    fn file(&mut self, result: &FileResult, out: &mut dyn Write) -> io::Result<()> {
        let file = property(&result.name);
        let findings = match &result.outcome {
            Ok(report) => &report.findings,
            Err(error) => {
                return writeln!(
                    out,
                    "::error file={file},title=io::{}",
                    data(&format!("cannot read: {error}"))
                );
            }
        };
        for finding in findings {
            let (line, column) = finding.position.map_or((1, 1), |p| (p.line, p.column));
            writeln!(
                out,
                "::{} file={file},line={line},col={column},title={}::{}",
                finding.severity.as_str(),
                property(&finding.rule.id()),
                data(&format!("{}{}", finding.message, finding.pointer_note())),
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "deg-contracts: {}", summary_line(summary))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_expects() {
        assert_eq!(data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
