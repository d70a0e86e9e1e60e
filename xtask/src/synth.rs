//! `cargo xtask synth`: writes N synthetic Beckn messages for measuring the gate at scale.
//! They form whole trades: the example transaction's messages in order, again and again, each
//! trade with its own transaction, contract, order and fulfillment ids. Every
//! `broken_every`-th message also carries a defect, cycling through a schema error, a rule
//! error and invalid JSON, and every `broken_trade_every`-th trade one across its messages
//! (the seller's price changes after the contract is ACTIVE).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Why synthesis stopped.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// A template or output file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// A template message is not JSON.
    #[error("{}: not a JSON message: {source}", path.display())]
    Template {
        /// The template.
        path: PathBuf,
        /// Where and why serde_json stopped.
        #[source]
        source: serde_json::Error,
    },
}

/// The template messages: every example under `examples`, sorted.
fn templates(examples: &Path) -> Result<Vec<Value>, SynthError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| SynthError::Io { path, source }
    };
    let mut files = Vec::new();
    let mut pending = vec![examples.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
            let path = entry.map_err(io(&dir))?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).map_err(io(file))?;
            serde_json::from_str(&text).map_err(|source| SynthError::Template {
                path: file.clone(),
                source,
            })
        })
        .collect()
}

/// Replaces every string equal to `from` with `to`, anywhere in the message.
fn rename(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::String(text) if text == from => *text = to.to_owned(),
        Value::Array(items) => items.iter_mut().for_each(|item| rename(item, from, to)),
        Value::Object(object) => object.values_mut().for_each(|item| rename(item, from, to)),
        _ => {}
    }
}

/// The contract object of a message, if it has one.
fn contract(message: &mut Value) -> Option<&mut Value> {
    for pointer in [
        "/message/order/beckn:orderAttributes",
        "/message/catalogs/0/beckn:offers/0/beckn:offerAttributes",
    ] {
        if message.pointer(pointer).is_some() {
            return message.pointer_mut(pointer);
        }
    }
    None
}

/// What to write.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// How many messages.
    pub count: usize,
    /// Every this many messages, one is defective (0: none).
    pub broken_every: usize,
    /// Every this many trades, one changes its terms after the confirm (0: none).
    pub broken_trade_every: usize,
    /// Write one JSON Lines log, `messages.jsonl`, instead of a file per message.
    pub log: bool,
}

/// How far apart trades start, in message time: a log of many trades spans weeks, so the
/// gate's window closes the old ones as it reads.
const TRADE_SPACING: time::Duration = time::Duration::hours(1);

/// Moves the message's `context.timestamp` `by` later, keeping its offset.
fn shift_timestamp(message: &mut Value, by: time::Duration) {
    use time::format_description::well_known::Rfc3339;
    let Some(stamp) = message.pointer_mut("/context/timestamp") else {
        return;
    };
    let Some(moved) = stamp
        .as_str()
        .and_then(|text| time::OffsetDateTime::parse(text, &Rfc3339).ok())
        .and_then(|instant| (instant + by).format(&Rfc3339).ok())
    else {
        return;
    };
    *stamp = Value::String(moved);
}

/// The template's value at `pointer`, as a string.
fn text_at(message: &Value, pointer: &str) -> Option<String> {
    message.pointer(pointer)?.as_str().map(str::to_owned)
}

/// Writes the plan's messages into `out` as `msg-00000.json`... (or one log); returns the
/// files written.
pub fn synth(examples: &Path, out: &Path, plan: Plan) -> Result<Vec<PathBuf>, SynthError> {
    let Plan {
        count,
        broken_every,
        broken_trade_every,
        log,
    } = plan;
    let templates = templates(examples)?;
    std::fs::create_dir_all(out).map_err(|source| SynthError::Io {
        path: out.to_owned(),
        source,
    })?;
    let mut written = Vec::with_capacity(count);
    let mut lines = String::new();
    for i in 0..count {
        let (trade, step) = (i / templates.len(), i % templates.len());
        let mut message = templates[step].clone();
        for (pointer, kind) in [
            ("/context/transaction_id", "txn"),
            ("/message/order/beckn:id", "order"),
            ("/message/order/beckn:fulfillment/beckn:id", "fulfillment"),
        ] {
            if let Some(id) = text_at(&message, pointer) {
                rename(&mut message, &id, &format!("{kind}-synth-{trade:06}"));
            }
        }
        if let Some(id) = message.pointer_mut("/context/message_id") {
            *id = Value::String(format!("msg-synth-{i:06}"));
        }
        shift_timestamp(&mut message, TRADE_SPACING * trade as u32);
        let active = contract(&mut message).is_some_and(|contract| {
            contract["contractId"] = Value::String(format!("contract-synth-{trade:06}"));
            contract["status"] == "ACTIVE"
        });
        let mut text = if log {
            serde_json::to_string(&message).unwrap_or_default()
        } else {
            serde_json::to_string_pretty(&message).unwrap_or_default()
        };
        let space = if log { "" } else { " " };
        if broken_trade_every > 0 && trade % broken_trade_every == broken_trade_every - 1 && active
        {
            text = text.replacen(
                &format!("\"pricePerKWh\":{space}6.4"),
                &format!("\"pricePerKWh\":{space}7.1"),
                1,
            );
        }
        if broken_every > 0 && i % broken_every == broken_every - 1 {
            match (i / broken_every) % 3 {
                0 => {
                    text = text.replacen(
                        &format!("\"contractedQuantity\":{space}12.5"),
                        &format!("\"contractedQuantity\":{space}\"12.5\""),
                        1,
                    )
                }
                1 => {
                    text = text.replacen(
                        &format!("\"currency\":{space}\"INR\""),
                        &format!("\"currency\":{space}\"RUPEE\""),
                        1,
                    )
                }
                _ => text.truncate(text.len() / 2),
            }
        }
        if log {
            lines.push_str(&text);
            lines.push('\n');
            continue;
        }
        let path = out.join(format!("msg-{i:05}.json"));
        write(&path, &text)?;
        written.push(path);
    }
    if log {
        let path = out.join("messages.jsonl");
        write(&path, &lines)?;
        written.push(path);
    }
    Ok(written)
}

fn write(path: &Path, text: &str) -> Result<(), SynthError> {
    std::fs::write(path, text).map_err(|source| SynthError::Io {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_varied_messages_with_periodic_defects() {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/examples");
        let out = tempfile::tempdir().unwrap();
        let plan = Plan {
            count: 30,
            broken_every: 10,
            broken_trade_every: 1,
            log: false,
        };
        let files = synth(&examples, out.path(), plan).unwrap();
        assert_eq!(files.len(), 30);
        let first: Value =
            serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
        assert_eq!(first["context"]["transaction_id"], "txn-synth-000000");
        let texts: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        let unparsable = texts
            .iter()
            .filter(|t| serde_json::from_str::<Value>(t).is_err())
            .count();
        assert_eq!(unparsable, 1, "the third defect truncates the message");
        assert!(texts[19].contains("\"currency\": \"RUPEE\""));
        // Whole trades: the second begins after the first's fifteen messages.
        let second: Value = serde_json::from_str(&texts[15]).unwrap();
        assert_eq!(second["context"]["transaction_id"], "txn-synth-000001");
        assert_eq!(second["context"]["action"], "discover");
        assert_eq!(second["context"]["timestamp"], "2025-06-14T09:40:00+05:30");
        let changed = texts
            .iter()
            .filter(|text| text.contains("\"pricePerKWh\": 7.1"))
            .count();
        assert_eq!(changed, 2 * 3, "every ACTIVE message of each broken trade");
        let log = tempfile::tempdir().unwrap();
        let files = synth(&examples, log.path(), Plan { log: true, ..plan }).unwrap();
        let text = std::fs::read_to_string(&files[0]).unwrap();
        assert_eq!(text.lines().count(), 30);
        assert!(text.contains("\"pricePerKWh\":7.1"));
    }

    #[test]
    fn a_template_that_is_not_json_and_a_missing_directory_are_errors() {
        let templates = tempfile::tempdir().unwrap();
        std::fs::write(templates.path().join("bad.json"), "{not json").unwrap();
        let out = tempfile::tempdir().unwrap();
        let plan = Plan {
            count: 1,
            broken_every: 0,
            broken_trade_every: 0,
            log: false,
        };
        let error = synth(templates.path(), out.path(), plan).unwrap_err();
        assert!(matches!(error, SynthError::Template { .. }), "{error}");
        assert!(
            error.to_string().contains("bad.json: not a JSON message"),
            "{error}"
        );
        let missing = templates.path().join("nowhere");
        let error = synth(&missing, out.path(), plan).unwrap_err();
        assert!(matches!(error, SynthError::Io { .. }), "{error}");
    }
}
