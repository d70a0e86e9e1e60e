//! The DEG schema pipeline as a library: load `<Name>/<version>/attributes.yaml` files and the
//! closure of their `$ref`s, resolve, merge `allOf`, dispatch role unions, and lower everything
//! into the IR that every backend reads (the Rust emitter and the JSON Schema bundler in xtask,
//! and run-time validation in the CLI). It works in memory once the files are read, and never
//! looks at generated code.

pub mod dispatch;
pub mod error;
pub mod interpret;
pub mod ir;
pub mod load;
pub mod lower;
pub mod merge;
pub mod model;
pub mod naming;
pub mod resolve;
pub mod role_rule;
pub mod roles;
pub mod yaml;

use std::path::Path;

use error::{SchemaError, SchemaErrors, Warning};
use ir::Crate;
use load::SchemaSet;

/// A schema set lowered to the IR, with what was worked around on the way.
#[derive(Debug)]
pub struct Lowered {
    /// The files read, for backends that need the source (the bundler, error positions).
    pub set: SchemaSet,
    /// The IR.
    pub krate: Crate,
    /// What the schema author should know about.
    pub warnings: Vec<Warning>,
}

/// Every error found, and the warnings seen on the way.
#[derive(Debug)]
pub struct Failure {
    /// Each problem, with its place.
    pub errors: SchemaErrors,
    /// What was worked around before the errors stopped the run.
    pub warnings: Vec<Warning>,
}

impl From<SchemaError> for Failure {
    fn from(error: SchemaError) -> Self {
        Failure {
            errors: error.into(),
            warnings: Vec::new(),
        }
    }
}

/// Loads `entries` (`<Name>/<version>`; every file under `root` when empty) and lowers them.
pub fn lower_schemas(root: &Path, entries: &[String]) -> Result<Lowered, Failure> {
    lower_schemas_mapped(root, entries, &resolve::UrlMap::default())
}

/// As [`lower_schemas`], absolute `$ref` URLs looked up in `urls` first.
pub fn lower_schemas_mapped(
    root: &Path,
    entries: &[String],
    urls: &resolve::UrlMap,
) -> Result<Lowered, Failure> {
    let entries = if entries.is_empty() {
        load::discover_entries(root)?
    } else {
        entries
            .iter()
            .map(|entry| load::entry_file(root, entry))
            .collect::<Result<_, _>>()?
    };
    let loaded = load::load_mapped(root, entries, urls);
    let mut warnings = loaded.warnings;
    if !loaded.errors.is_empty() {
        return Err(Failure {
            errors: SchemaErrors(loaded.errors),
            warnings,
        });
    }
    let lowered = lower::lower(&loaded.set);
    warnings.extend(lowered.warnings);
    if !lowered.errors.is_empty() {
        return Err(Failure {
            errors: SchemaErrors(lowered.errors),
            warnings,
        });
    }
    Ok(Lowered {
        set: loaded.set,
        krate: lowered.krate,
        warnings,
    })
}

/// What [`lower_schemas_keeping`] could lower, and what it left out.
#[derive(Debug)]
pub struct Kept {
    /// The entries that lower, lowered together; `None` when none does.
    pub lowered: Option<Lowered>,
    /// Each entry left out (`<Name>/<version>`), with why.
    pub left_out: Vec<(String, Failure)>,
}

/// As [`lower_schemas`], but a broken file costs only the entries that depend on it: when the
/// whole set fails, each entry is lowered alone, and those that lower are lowered again
/// together (so shared files are lowered once, as one crate).
pub fn lower_schemas_keeping(
    root: &Path,
    entries: &[String],
    urls: &resolve::UrlMap,
) -> Result<Kept, Failure> {
    if let Ok(lowered) = lower_schemas_mapped(root, entries, urls) {
        return Ok(Kept {
            lowered: Some(lowered),
            left_out: Vec::new(),
        });
    }
    let entries: Vec<String> = if entries.is_empty() {
        load::discover_entries(root)?
            .iter()
            .map(|file| role_rule::entry_of(file).to_owned())
            .collect()
    } else {
        entries.to_vec()
    };
    let mut good = Vec::new();
    let mut left_out = Vec::new();
    for entry in entries {
        match lower_schemas_mapped(root, std::slice::from_ref(&entry), urls) {
            Ok(_) => good.push(entry),
            Err(failure) => left_out.push((entry, failure)),
        }
    }
    if good.is_empty() {
        return Ok(Kept {
            lowered: None,
            left_out,
        });
    }
    // Entries that lower alone may still clash together (one `@type` in two of them).
    Ok(Kept {
        lowered: Some(lower_schemas_mapped(root, &good, urls)?),
        left_out,
    })
}
