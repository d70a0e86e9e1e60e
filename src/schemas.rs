//! The schemas the gate judges objects by: the ones compiled in (the generated crate), or
//! schema directories read at run time (`validate --schema DIR`) and interpreted from the same
//! IR. Either way an object's schema is one [`Known`], found by `@type` and `@context`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use deg_contracts_ir::interpret::{Program, Schema};
use deg_contracts_ir::resolve::UrlMap;
use deg_contracts_runtime::BoundedErrors;
use deg_contracts_runtime::json::Value;

use crate::run::FileResult;

/// Where the schemas come from. Copied freely: a loaded set lives for the rest of the process.
#[derive(Debug, Clone, Copy, Default)]
pub enum Schemas {
    /// The schemas compiled into this build.
    #[default]
    Compiled,
    /// Schema directories read at run time.
    Loaded(&'static Loaded),
}

/// Two sets are the same when they are the same load.
impl PartialEq for Schemas {
    fn eq(&self, other: &Schemas) -> bool {
        match (self, other) {
            (Schemas::Compiled, Schemas::Compiled) => true,
            (Schemas::Loaded(a), Schemas::Loaded(b)) => std::ptr::eq(*a, *b),
            _ => false,
        }
    }
}

impl Eq for Schemas {}

/// One schema an object can be judged by.
#[derive(Debug)]
pub struct Known {
    pub schema: Schema,
    /// The program that interprets it; `None` for a compiled schema.
    program: Option<&'static Program>,
    /// Which of the run's schema directories it comes from.
    source: usize,
}

impl Known {
    /// The object's errors against this schema: the first `limit` kept, the rest counted.
    pub fn validate_at_most(&self, value: &Value<'_>, limit: usize) -> BoundedErrors {
        match self.program {
            Some(program) => program.validate_at_most(&self.schema, value, limit),
            None => deg_contracts_schema::validate_at_most(self.schema.type_name, value, limit)
                .unwrap_or_default(),
        }
    }
}

/// Schema directories read at run time.
#[derive(Debug, Default)]
pub struct Loaded {
    known: Vec<Known>,
    /// `@context` URL prefixes, each with the directory whose schemas alone judge an object
    /// whose context starts with it.
    prefixes: Vec<(String, usize)>,
    replaced: Vec<(&'static str, &'static str)>,
    /// Entries that could not be loaded (`--keep-going`), with why.
    unloaded: Vec<Unloaded>,
}

/// A schema entry left out of the run because it, or a file it refers to, is broken.
#[derive(Debug, Clone)]
pub struct Unloaded {
    /// `<Name>/<version>`.
    pub entry: String,
    /// The first error, as the schema lint reports it.
    pub reason: String,
}

impl Schemas {
    /// Every schema, in `@type` order within each source.
    pub fn all(self) -> &'static [Known] {
        match self {
            Schemas::Compiled => compiled(),
            Schemas::Loaded(loaded) => &loaded.known,
        }
    }

    /// The schemas whose `@type` is `type_name`, one per entry that defines it.
    pub fn named(self, type_name: &str) -> impl Iterator<Item = &'static Known> {
        self.all()
            .iter()
            .filter(move |known| known.schema.type_name == type_name)
    }

    /// The schemas named `type_name` that may judge an object whose `@context` lists
    /// `urls`: those of the directory mapped to a prefix of one of them, if one is; else all.
    pub fn for_context<'u>(
        self,
        type_name: &'u str,
        urls: &[&str],
    ) -> impl Iterator<Item = &'static Known> + 'u {
        let mapped = match self {
            Schemas::Compiled => None,
            Schemas::Loaded(loaded) => loaded
                .prefixes
                .iter()
                .find(|(prefix, _)| urls.iter().any(|url| url.starts_with(prefix.as_str())))
                .map(|(_, source)| *source),
        };
        self.named(type_name)
            .filter(move |known| mapped.is_none_or(|source| known.source == source))
    }

    /// The `@type`s the schema named `type_name` extends (in the first entry defining it).
    pub fn extends(self, type_name: &str) -> &'static [&'static str] {
        self.named(type_name)
            .next()
            .map_or(&[], |known| known.schema.extends)
    }

    /// The `@type` that replaces the retired `type_name`, if one does.
    pub fn replaced_by(self, type_name: &str) -> Option<&'static str> {
        let replaced = match self {
            Schemas::Compiled => deg_contracts_schema::registry::REPLACED,
            Schemas::Loaded(loaded) => &loaded.replaced,
        };
        replaced
            .iter()
            .find(|(retired, _)| *retired == type_name)
            .map(|(_, current)| *current)
    }

    /// The entries that could not be loaded.
    pub fn unloaded(self) -> &'static [Unloaded] {
        match self {
            Schemas::Compiled => &[],
            Schemas::Loaded(loaded) => &loaded.unloaded,
        }
    }
}

fn compiled() -> &'static [Known] {
    static COMPILED: OnceLock<Vec<Known>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        deg_contracts_schema::TYPE_NAMES
            .iter()
            .enumerate()
            .map(|(index, type_name)| Known {
                schema: Schema {
                    type_name,
                    entry: deg_contracts_schema::entry(type_name).unwrap_or_default(),
                    extends: deg_contracts_schema::extends(type_name),
                    roles: deg_contracts_schema::roles(type_name),
                    location: deg_contracts_schema::schema_location(type_name).unwrap_or_default(),
                    index,
                },
                program: None,
                source: 0,
            })
            .collect()
    })
}

/// Why a schema directory could not be used: the schema lint's report of it, in the usual
/// output formats.
#[derive(Debug)]
pub struct LoadFailure {
    pub reports: Vec<FileResult>,
}

/// A schema directory to read, and the `@context` URL prefix it answers for, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaDir {
    pub dir: PathBuf,
    pub prefix: Option<String>,
}

/// Reads, lowers and compiles every schema directory. A directory with an error fails the
/// load with the lint's report of every directory that has one; with `keep_going`, only the
/// entries that depend on a broken file are left out (each listed in
/// [`Schemas::unloaded`]), and the report of what was broken is returned beside the set.
pub fn load(
    dirs: &[SchemaDir],
    keep_going: bool,
) -> Result<(Schemas, Vec<FileResult>), LoadFailure> {
    let mut loaded = Loaded::default();
    let mut broken = Vec::new();
    for (source, SchemaDir { dir, prefix }) in dirs.iter().enumerate() {
        if let Some(prefix) = prefix {
            loaded.prefixes.push((prefix.clone(), source));
        }
        // A directory answering for a prefix holds what `$ref`s under that prefix name.
        let urls = UrlMap(
            prefix
                .iter()
                .map(|prefix| (prefix.clone(), String::new()))
                .collect(),
        );
        if let Ok(lowered) = deg_contracts_ir::lower_schemas_mapped(dir, &[], &urls) {
            loaded.add(Program::new(&lowered.krate), source);
            continue;
        }
        broken.extend(broken_files(dir, &urls));
        if !keep_going {
            continue;
        }
        // When the entries that lower alone clash together, nothing of this directory loads,
        // and the lint's report above says why.
        if let Ok(kept) = deg_contracts_ir::lower_schemas_keeping(dir, &[], &urls) {
            if let Some(lowered) = kept.lowered {
                loaded.add(Program::new(&lowered.krate), source);
            }
            loaded
                .unloaded
                .extend(kept.left_out.into_iter().map(|(entry, failure)| Unloaded {
                    entry,
                    reason: first_error(&failure),
                }));
        }
    }
    if !broken.is_empty() && !keep_going {
        return Err(LoadFailure { reports: broken });
    }
    let loaded: &'static Loaded = Box::leak(Box::new(loaded));
    Ok((Schemas::Loaded(loaded), broken))
}

/// The lint's reports of the files in `dir` with an error.
fn broken_files(dir: &Path, urls: &UrlMap) -> Vec<FileResult> {
    crate::lint::lint_mapped(dir, &[], urls)
        .into_iter()
        .filter(|file| {
            file.outcome.as_ref().is_ok_and(|report| {
                report
                    .findings
                    .iter()
                    .any(|finding| finding.severity == crate::finding::Severity::Error)
            })
        })
        .collect()
}

fn first_error(failure: &deg_contracts_ir::Failure) -> String {
    failure
        .errors
        .0
        .first()
        .map(ToString::to_string)
        .unwrap_or_default()
}

impl Loaded {
    /// Adds a program's schemas; a schema already known from the same directory and entry is
    /// not added twice.
    fn add(&mut self, program: Program, source: usize) {
        let program: &'static Program = Box::leak(Box::new(program));
        for schema in program.schemas() {
            let known = self.known.iter().any(|known| {
                known.source == source
                    && known.schema.type_name == schema.type_name
                    && known.schema.entry == schema.entry
            });
            if !known {
                self.known.push(Known {
                    schema: schema.clone(),
                    program: Some(program),
                    source,
                });
            }
        }
        for replaced in program.replaced() {
            if !self.replaced.contains(replaced) {
                self.replaced.push(*replaced);
            }
        }
    }
}

/// What `--verbose` says about a loaded P2P contract schema whose roles do not carry the
/// names the rules read: each rule that reads a missing role or input cannot apply.
pub fn rule_gaps(schemas: Schemas) -> Vec<String> {
    use deg_contracts_schema::energy_contract_p2p_trade_v1::EnergyContractP2PTrade;
    let mut notes = Vec::new();
    for known in schemas.named(EnergyContractP2PTrade::TYPE_NAME) {
        let Some(roles) = known.schema.roles else {
            continue;
        };
        for (kinds, input) in crate::rules::role_inputs_read() {
            let role = roles
                .iter()
                .find(|role| role.values.iter().any(|value| kinds.contains(value)));
            let gap = match role {
                None => format!("declares no {} role", kinds[0]),
                Some(role) if role.inputs.is_some() && role.input(input).is_none() => {
                    format!("declares no input `{input}` on {}", kinds[0])
                }
                Some(_) => continue,
            };
            let note = format!(
                "{} ({}) {gap}: the rules that read it do not apply",
                known.schema.type_name, known.schema.entry
            );
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    notes
}
