//! Why codegen stops: a schema problem, found by the pipeline with its place, or a problem of
//! its own in emitting and writing the generated crate.

use std::fmt;
use std::path::PathBuf;

pub use deg_contracts_ir::error::{SchemaError, SourceLocation, Warning};

/// Why codegen cannot produce output.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// The schemas cannot be lowered.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// An output file could not be written or removed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// A warning, with `--deny-warnings`.
    #[error("{0} (denied by --deny-warnings)")]
    Denied(Warning),
    /// Generated Rust that does not parse; a bug in the generator.
    #[error("generated code for {file} does not parse: {source}")]
    Emit {
        /// The output file.
        file: String,
        /// What syn said.
        #[source]
        source: syn::Error,
    },
}

/// Several errors, all reported at once.
#[derive(Debug)]
pub struct CodegenErrors(pub Vec<CodegenError>);

impl fmt::Display for CodegenErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        deg_contracts_ir::error::write_errors(f, &self.0)
    }
}

impl std::error::Error for CodegenErrors {}

impl From<CodegenError> for CodegenErrors {
    fn from(error: CodegenError) -> Self {
        CodegenErrors(vec![error])
    }
}
