//! Reads schema files: the entries and, through their `$ref`s, every file they reach.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use crate::error::{SchemaError, SourceLocation};
use crate::ir::Location;
use crate::model::{self, ReadProblem, Schema};
use crate::resolve::{self, Resolution, ResolveError, Target};
use crate::yaml::Document;

/// One parsed schema file.
#[derive(Debug)]
pub struct SchemaFile {
    /// Path relative to the schema root, with `/` separators.
    pub path: String,
    /// The parsed document, with every node's position, for locating errors.
    pub document: Document,
    /// Its component schemas, in file order.
    pub components: IndexMap<String, Schema>,
}

impl SchemaFile {
    /// The source location of a pointer into this file.
    pub fn location(&self, pointer: &str) -> SourceLocation {
        SourceLocation {
            file: self.path.clone(),
            pointer: pointer.to_owned(),
            line_column: self.document.position(pointer),
        }
    }
}

/// Every file reachable from the entries, keyed by relative path, in load order.
#[derive(Debug)]
pub struct SchemaSet {
    /// The schema root the files are relative to.
    pub root: PathBuf,
    /// The files, by relative path, in load order.
    pub files: IndexMap<String, SchemaFile>,
    /// The entries' relative paths.
    pub entries: Vec<String>,
    /// Where each `$ref` leads, by referring file and then the reference as written: resolved
    /// once while loading, so merging and lowering never look at the disk.
    pub references: BTreeMap<String, BTreeMap<String, Target>>,
}

impl SchemaSet {
    /// A place with its line and column, when its file was read.
    pub fn source_location(&self, location: &Location) -> SourceLocation {
        match self.files.get(&location.file) {
            Some(file) => file.location(&location.pointer),
            None => SourceLocation {
                file: location.file.clone(),
                pointer: location.pointer.clone(),
                line_column: None,
            },
        }
    }

    /// The component a `$ref` written in `file` names, when it resolved.
    pub fn target(&self, file: &str, reference: &str) -> Option<&Target> {
        self.references.get(file)?.get(reference)
    }
}

/// The relative path of every `<Name>/<version>/attributes.yaml` under `root`, sorted.
pub fn discover_entries(root: &Path) -> Result<Vec<String>, SchemaError> {
    let io = |source| SchemaError::Io {
        path: root.to_owned(),
        source,
    };
    let mut entries = BTreeSet::new();
    for name in std::fs::read_dir(root).map_err(io)? {
        let name = name.map_err(io)?.path();
        if !name.is_dir() {
            continue;
        }
        for version in std::fs::read_dir(&name).map_err(io)? {
            let version = version.map_err(io)?.path();
            if version.join("attributes.yaml").is_file() {
                let relative = version.strip_prefix(root).unwrap_or(&version);
                let relative = relative.to_string_lossy().replace('\\', "/");
                entries.insert(format!("{relative}/attributes.yaml"));
            }
        }
    }
    Ok(entries.into_iter().collect())
}

/// The relative file of an entry given as `<Name>/<version>`.
pub fn entry_file(root: &Path, entry: &str) -> Result<String, SchemaError> {
    let relative = format!("{}/attributes.yaml", entry.trim_end_matches('/'));
    let path = root.join(&relative);
    if path.is_file() {
        Ok(relative)
    } else {
        Err(SchemaError::UnknownEntry {
            entry: entry.to_owned(),
            path,
        })
    }
}

/// What loading produced: the files that parsed, and every problem on the way.
pub struct Loaded {
    pub set: SchemaSet,
    pub errors: Vec<SchemaError>,
    pub warnings: Vec<crate::error::Warning>,
}

/// Loads the entries and the closure of their references, collecting every error.
pub fn load(root: &Path, entries: Vec<String>) -> Loaded {
    load_mapped(root, entries, &resolve::UrlMap::default())
}

/// As [`load`], absolute URLs looked up in `urls` first.
pub fn load_mapped(root: &Path, entries: Vec<String>, urls: &resolve::UrlMap) -> Loaded {
    let mut set = SchemaSet {
        root: root.to_owned(),
        files: IndexMap::new(),
        entries: entries.clone(),
        references: BTreeMap::new(),
    };
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut pending: Vec<String> = entries;
    pending.reverse();
    let mut seen: BTreeSet<String> = pending.iter().cloned().collect();
    // One warning per file and misplaced path, at its first use, however often it recurs.
    let mut fallbacks: BTreeMap<(String, String, String), (SourceLocation, usize)> =
        BTreeMap::new();
    while let Some(path) = pending.pop() {
        let Some(file) = read_file(root, &path, &mut errors) else {
            continue;
        };
        for (pointer, reference) in references(&file) {
            match resolve::resolve_mapped(root, &file.path, &reference, urls) {
                Ok(Resolution { target, fell_back }) => {
                    if fell_back {
                        let path = reference.split('#').next().unwrap_or_default();
                        let key = (file.path.clone(), path.to_owned(), target.file.clone());
                        fallbacks
                            .entry(key)
                            .or_insert_with(|| (file.location(&format!("{pointer}/$ref")), 0))
                            .1 += 1;
                    }
                    if seen.insert(target.file.clone()) {
                        pending.insert(0, target.file.clone());
                    }
                    set.references
                        .entry(file.path.clone())
                        .or_default()
                        .insert(reference, target);
                }
                Err(reason) => errors.push(SchemaError::DanglingRef {
                    location: file.location(&format!("{pointer}/$ref")),
                    reference,
                    reason: Box::new(reason),
                }),
            }
        }
        set.files.insert(path, file);
    }
    for ((_, path, target), (location, uses)) in fallbacks {
        let more = match uses {
            1 => String::new(),
            n => format!(" ({n} references)"),
        };
        warnings.push(crate::error::Warning {
            location,
            message: format!(
                "`{path}` does not exist relative to this file; resolved against the schema \
                 root as {target}{more}"
            ),
        });
    }
    // Components must exist too; checked once every file is in.
    for file in set.files.values() {
        for (pointer, reference) in references(file) {
            let Some(target) = set.target(&file.path, &reference) else {
                continue;
            };
            let Some(other) = set.files.get(&target.file) else {
                continue;
            };
            let reason = match other.components.get(&target.name) {
                None => ResolveError::NoComponent {
                    file: target.file.clone(),
                    name: target.name.clone(),
                },
                Some(component) if component.at(&target.path).is_none() => {
                    ResolveError::NoSchemaAt {
                        file: target.file.clone(),
                        name: target.name.clone(),
                        pointer: target.path.iter().fold(String::new(), |pointer, segment| {
                            deg_contracts_runtime::pointer::join(&pointer, segment)
                        }),
                    }
                }
                Some(_) => continue,
            };
            errors.push(SchemaError::DanglingRef {
                location: file.location(&format!("{pointer}/$ref")),
                reference,
                reason: Box::new(reason),
            });
        }
    }
    Loaded {
        set,
        errors,
        warnings,
    }
}

fn read_file(root: &Path, path: &str, errors: &mut Vec<SchemaError>) -> Option<SchemaFile> {
    let full = root.join(path);
    let text = match std::fs::read_to_string(&full) {
        Ok(text) => text,
        Err(source) => {
            errors.push(SchemaError::Io { path: full, source });
            return None;
        }
    };
    let document = match Document::parse(&text) {
        Ok(document) => document,
        Err(error) => {
            errors.push(SchemaError::Yaml {
                location: SourceLocation {
                    file: path.to_owned(),
                    pointer: String::new(),
                    line_column: error.line_column,
                },
                source: Box::new(error),
            });
            return None;
        }
    };
    let (components, problems) = model::read_components(&document.value, path);
    let file = SchemaFile {
        path: path.to_owned(),
        document,
        components,
    };
    for problem in problems {
        errors.push(match problem {
            ReadProblem::Unsupported { pointer, keyword } => SchemaError::Unsupported {
                location: file.location(&pointer),
                keyword,
            },
            ReadProblem::Invalid { pointer, message } => SchemaError::Invalid {
                location: file.location(&pointer),
                message,
            },
        });
    }
    Some(file)
}

/// Every `$ref` in a file, as (pointer of the schema holding it, reference).
pub fn references(file: &SchemaFile) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for schema in file.components.values() {
        collect_references(schema, &mut found);
    }
    found
}

fn collect_references(schema: &Schema, found: &mut Vec<(String, String)>) {
    if let Some(reference) = &schema.reference {
        found.push((schema.pointer.clone(), reference.clone()));
    }
    for child in children(schema) {
        collect_references(child, found);
    }
}

/// The schemas directly inside a schema.
pub fn children(schema: &Schema) -> impl Iterator<Item = &Schema> {
    let additional = match &schema.additional {
        Some(model::Additional::Schema(inner)) => Some(inner.as_ref()),
        _ => None,
    };
    let conditionals = schema.conditionals.iter().flat_map(|conditional| {
        std::iter::once(conditional.condition.as_ref())
            .chain(conditional.then.as_deref())
            .chain(conditional.otherwise.as_deref())
    });
    schema
        .properties
        .values()
        .chain(schema.items.as_deref())
        .chain(additional)
        .chain(&schema.all_of)
        .chain(&schema.any_of)
        .chain(&schema.one_of)
        .chain(&schema.not)
        .chain(schema.pattern_properties.iter().map(|(_, schema)| schema))
        .chain(schema.property_names.as_deref())
        .chain(schema.dependent_schemas.iter().map(|(_, schema)| schema))
        .chain(&schema.prefix_items)
        .chain(schema.contains.as_deref())
        .chain(conditionals)
        .chain(schema.defs.values())
}
