//! `cargo xtask synth`: writes N synthetic Beckn messages for measuring the gate at scale.
//! Each is one of the example messages with its ids varied; every `broken_every`-th one also
//! carries a defect, cycling through a schema error, a rule error and invalid JSON.

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

/// Writes `count` messages into `out` as `msg-00000.json`...; returns the files written.
pub fn synth(
    examples: &Path,
    out: &Path,
    count: usize,
    broken_every: usize,
) -> Result<Vec<PathBuf>, SynthError> {
    let templates = templates(examples)?;
    std::fs::create_dir_all(out).map_err(|source| SynthError::Io {
        path: out.to_owned(),
        source,
    })?;
    let mut written = Vec::with_capacity(count);
    for i in 0..count {
        let mut message = templates[i % templates.len()].clone();
        let transaction = message
            .pointer("/context/transaction_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        rename(&mut message, &transaction, &format!("txn-synth-{i:06}"));
        if let Some(id) = message.pointer_mut("/context/message_id") {
            *id = Value::String(format!("msg-synth-{i:06}"));
        }
        if let Some(contract) = contract(&mut message) {
            contract["contractId"] = Value::String(format!("contract-synth-{i:06}"));
        }
        let mut text = serde_json::to_string_pretty(&message).unwrap_or_default();
        if broken_every > 0 && i % broken_every == broken_every - 1 {
            match (i / broken_every) % 3 {
                0 => {
                    text = text.replacen(
                        "\"contractedQuantity\": 12.5",
                        "\"contractedQuantity\": \"12.5\"",
                        1,
                    )
                }
                1 => text = text.replacen("\"currency\": \"INR\"", "\"currency\": \"RUPEE\"", 1),
                _ => text.truncate(text.len() / 2),
            }
        }
        let path = out.join(format!("msg-{i:05}.json"));
        std::fs::write(&path, text).map_err(|source| SynthError::Io {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_varied_messages_with_periodic_defects() {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/examples");
        let out = tempfile::tempdir().unwrap();
        let files = synth(&examples, out.path(), 30, 10).unwrap();
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
    }

    #[test]
    fn a_template_that_is_not_json_and_a_missing_directory_are_errors() {
        let templates = tempfile::tempdir().unwrap();
        std::fs::write(templates.path().join("bad.json"), "{not json").unwrap();
        let out = tempfile::tempdir().unwrap();
        let error = synth(templates.path(), out.path(), 1, 0).unwrap_err();
        assert!(matches!(error, SynthError::Template { .. }), "{error}");
        assert!(
            error.to_string().contains("bad.json: not a JSON message"),
            "{error}"
        );
        let missing = templates.path().join("nowhere");
        let error = synth(&missing, out.path(), 1, 0).unwrap_err();
        assert!(matches!(error, SynthError::Io { .. }), "{error}");
    }
}
