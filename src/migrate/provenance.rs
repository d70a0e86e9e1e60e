//! Where each migrated value came from, for people (`migrate --explain`) and for tools (the
//! provenance file, JSON). Values the migration copied untouched (Beckn core, the offer's and
//! resource's own attributes) are not listed: they are where the input had them.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Migration, Origin, Record};

/// The provenance of one output message.
#[derive(Debug, Serialize)]
struct Message<'a> {
    file: String,
    line: usize,
    values: &'a [Record],
}

/// The provenance of every output, as pretty JSON: `{"messages": [{file, line, values:
/// [{pointer, json, origin: {"read": [place]} or {"derived": {rule, from: [place]}}}]}]}`.
pub fn json(migration: &Migration) -> Result<String, serde_json::Error> {
    #[derive(Serialize)]
    struct File<'a> {
        messages: Vec<Message<'a>>,
    }
    let messages = messages(migration);
    let mut text = serde_json::to_string_pretty(&File { messages })?;
    text.push('\n');
    Ok(text)
}

/// The provenance as text: each output message, then each value and its source.
pub fn explain(migration: &Migration) -> String {
    let mut out = String::new();
    for message in messages(migration) {
        if message.values.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{}:{}", message.file, message.line);
        for record in message.values {
            if record.json.is_empty() {
                let _ = writeln!(out, "  {}", record.pointer);
            } else {
                let _ = writeln!(out, "  {} = {}", record.pointer, record.json);
            }
            match &record.origin {
                Origin::Read(places) => {
                    for place in places {
                        let _ = writeln!(out, "      from {place} {}", place.pointer);
                    }
                }
                Origin::Derived { rule, from } => {
                    let _ = writeln!(out, "      {rule}");
                    for place in from {
                        let _ = writeln!(out, "        from {place} {}", place.pointer);
                    }
                }
            }
        }
    }
    out
}

fn messages(migration: &Migration) -> Vec<Message<'_>> {
    migration
        .outputs
        .iter()
        .flatten()
        .flat_map(|output| {
            output.records.iter().map(|(line, values)| Message {
                file: output.relative.display().to_string(),
                line: *line,
                values,
            })
        })
        .collect()
}
