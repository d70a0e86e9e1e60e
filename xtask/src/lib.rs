//! `cargo xtask codegen`: lowers the OpenAPI schemas to the IR with `deg-contracts-ir`, then
//! emits Rust role types and validators and the bundled JSON Schemas, and writes them.

pub mod bundle;
pub mod emit;
pub mod error;
pub mod pgo;
pub mod synth;
pub mod write;

use std::path::{Component, Path, PathBuf};

use deg_contracts_ir::error::Warning;
use error::{CodegenError, CodegenErrors};
use write::Report;

/// What `cargo xtask codegen` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The schema root.
    pub schema: PathBuf,
    /// The generated crate's directory.
    pub out: PathBuf,
    /// `<Name>/<version>` entries; empty for every file under the root.
    pub entries: Vec<String>,
    /// Compare only; write nothing.
    pub check: bool,
    /// The `deg-contracts-runtime` crate the generated crate depends on.
    pub runtime: PathBuf,
    /// Generate what does not depend on a broken file, and report the rest.
    pub keep_going: bool,
    /// Make every warning an error.
    pub deny_warnings: bool,
    /// URL prefixes mapped to directories under the schema root, for `$ref`s to published
    /// schemas (`--schema-map URL_PREFIX=DIR`).
    pub urls: deg_contracts_ir::resolve::UrlMap,
}

/// This workspace's runtime crate, the default dependency of generated crates.
pub fn workspace_runtime() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/runtime")
}

/// A successful run.
#[derive(Debug)]
pub struct Outcome {
    pub warnings: Vec<Warning>,
    /// With `keep_going`, the entries left out (`<Name>/<version>`) and why.
    pub left_out: Vec<(String, CodegenErrors)>,
    pub report: Report,
    /// The generated type names, per module, for the summary.
    pub types: Vec<(String, Vec<String>)>,
}

/// A failed run: every error found, and the warnings seen on the way.
#[derive(Debug)]
pub struct Failure {
    pub errors: CodegenErrors,
    pub warnings: Vec<Warning>,
}

impl From<CodegenError> for Failure {
    fn from(error: CodegenError) -> Self {
        Failure {
            errors: error.into(),
            warnings: Vec::new(),
        }
    }
}

/// load → resolve → lower → emit → format → write. Nothing is written unless every step
/// succeeds for every file.
pub fn codegen(options: &Options) -> Result<Outcome, Failure> {
    let (lowered, left_out) = lower(options)?;
    if options.deny_warnings && !lowered.warnings.is_empty() {
        return Err(Failure {
            errors: CodegenErrors(
                lowered
                    .warnings
                    .into_iter()
                    .map(CodegenError::Denied)
                    .collect(),
            ),
            warnings: Vec::new(),
        });
    }
    let warnings = lowered.warnings;
    let fail = |error: CodegenError, warnings: &Vec<Warning>| Failure {
        errors: error.into(),
        warnings: warnings.clone(),
    };
    let runtime = relative_path(&options.out, &options.runtime);
    let mut files = emit::emit(&lowered.krate, &runtime).map_err(|error| fail(error, &warnings))?;
    files.extend(bundle::bundle(&lowered.krate, &lowered.set));
    let report = write::write(&options.out, &files, options.check)
        .map_err(|error| fail(error, &warnings))?;
    let types = lowered
        .krate
        .modules
        .iter()
        .map(|module| {
            let names = module.types.iter().map(|def| def.name.clone()).collect();
            (module.name.clone(), names)
        })
        .collect();
    Ok(Outcome {
        warnings,
        left_out,
        report,
        types,
    })
}

/// The schemas lowered: all of them, or with `keep_going` those that lower, and the entries
/// left out.
fn lower(
    options: &Options,
) -> Result<(deg_contracts_ir::Lowered, Vec<(String, CodegenErrors)>), Failure> {
    let failed = |failure: deg_contracts_ir::Failure| Failure {
        errors: errors_of(failure.errors),
        warnings: failure.warnings,
    };
    if !options.keep_going {
        let lowered = deg_contracts_ir::lower_schemas_mapped(
            &options.schema,
            &options.entries,
            &options.urls,
        )
        .map_err(failed)?;
        return Ok((lowered, Vec::new()));
    }
    let kept =
        deg_contracts_ir::lower_schemas_keeping(&options.schema, &options.entries, &options.urls)
            .map_err(failed)?;
    let left_out: Vec<(String, CodegenErrors)> = kept
        .left_out
        .into_iter()
        .map(|(entry, failure)| (entry, errors_of(failure.errors)))
        .collect();
    match kept.lowered {
        Some(lowered) => Ok((lowered, left_out)),
        None => Err(Failure {
            errors: CodegenErrors(
                left_out
                    .into_iter()
                    .flat_map(|(_, errors)| errors.0)
                    .collect(),
            ),
            warnings: Vec::new(),
        }),
    }
}

fn errors_of(errors: deg_contracts_ir::error::SchemaErrors) -> CodegenErrors {
    CodegenErrors(errors.0.into_iter().map(Into::into).collect())
}

/// `target` as a path relative to `base`, with `/` separators, so a manifest written under
/// `base` names it the same way on every machine. Falls back to the absolute path when the two
/// share no root (another drive).
fn relative_path(base: &Path, target: &Path) -> String {
    let (Ok(base), Ok(target)) = (std::path::absolute(base), std::path::absolute(target)) else {
        return target.to_string_lossy().replace('\\', "/");
    };
    let (base, target) = (normalise(&base), normalise(&target));
    if base.first() != target.first() {
        return target
            .iter()
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
    }
    let common = base.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".into(), base.len() - common);
    let downs = target[common..]
        .iter()
        .map(|part| part.as_os_str().to_string_lossy());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

/// The path's components with `.` dropped and `..` applied.
fn normalise(path: &Path) -> Vec<Component<'_>> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::relative_path;
    use std::path::Path;

    #[test]
    fn relative_paths_climb_to_the_common_ancestor() {
        assert_eq!(
            relative_path(
                Path::new("/w/generated"),
                Path::new("/w/xtask/../core/runtime")
            ),
            "../core/runtime"
        );
        assert_eq!(
            relative_path(Path::new("/tmp/a/b"), Path::new("/w/core")),
            "../../../w/core"
        );
        assert_eq!(relative_path(Path::new("/w"), Path::new("/w/core")), "core");
    }
}
