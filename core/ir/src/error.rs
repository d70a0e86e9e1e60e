//! Schema errors and warnings, each with the place in the schema it is about.

use std::fmt;
use std::path::PathBuf;

/// A place in a schema file: the file (relative to the schema root), a JSON pointer into it,
/// and the line and column when the source text can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// The file, relative to the schema root, with `/` separators.
    pub file: String,
    /// RFC 6901 pointer into the file's document.
    pub pointer: String,
    /// 1-based line and column.
    pub line_column: Option<(usize, usize)>,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, column)) = self.line_column {
            write!(f, ":{line}:{column}")?;
        }
        if self.pointer.is_empty() {
            Ok(())
        } else {
            write!(f, " #{}", self.pointer)
        }
    }
}

/// Why a schema set cannot be lowered.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid YAML.
    #[error("{location}: invalid YAML: {source}")]
    Yaml {
        /// Where the parser stopped.
        location: SourceLocation,
        /// What the parser said.
        #[source]
        source: Box<crate::yaml::YamlError>,
    },
    /// A `$ref` names a file or pointer that does not exist.
    #[error("{location}: dangling $ref `{reference}`: {reason}")]
    DanglingRef {
        /// Where the `$ref` is written.
        location: SourceLocation,
        /// The reference as written.
        reference: String,
        /// What is missing.
        #[source]
        reason: Box<crate::resolve::ResolveError>,
    },
    /// A keyword this generator does not implement.
    #[error("{location}: unsupported keyword `{keyword}`")]
    Unsupported {
        /// Where the keyword is written.
        location: SourceLocation,
        /// The keyword.
        keyword: String,
    },
    /// A keyword with a value of the wrong shape.
    #[error("{location}: invalid schema: {message}")]
    Invalid {
        /// Where the value is written.
        location: SourceLocation,
        /// What is wrong with it.
        message: String,
    },
    /// allOf branches that no value could satisfy together.
    #[error("{location}: conflicting allOf branches: {message}")]
    Conflict {
        /// The allOf schema.
        location: SourceLocation,
        /// Which property conflicts and how.
        message: String,
    },
    /// Two schemas that would become the same Rust or registry name.
    #[error("{location}: duplicate name `{name}`, also defined at {other}")]
    DuplicateName {
        /// The second definition.
        location: SourceLocation,
        /// The name.
        name: String,
        /// The first definition.
        other: Box<SourceLocation>,
    },
    /// A chain of references or allOf merges that leads back to itself without a type between.
    #[error("{location}: reference cycle that cannot be represented: {chain}")]
    Cycle {
        /// Where the cycle closes.
        location: SourceLocation,
        /// The schemas on the cycle.
        chain: String,
    },
    /// An entry named on the command line that is not under the schema root.
    #[error("no schema file for entry `{entry}` (looked for {})", path.display())]
    UnknownEntry {
        /// The entry as given.
        entry: String,
        /// The file it should be.
        path: PathBuf,
    },
}

impl SchemaError {
    /// Where in a schema file the error is, for the errors that have a place (not an I/O
    /// failure, nor an entry named on the command line that does not exist).
    pub fn location(&self) -> Option<&SourceLocation> {
        match self {
            SchemaError::Yaml { location, .. }
            | SchemaError::DanglingRef { location, .. }
            | SchemaError::Unsupported { location, .. }
            | SchemaError::Invalid { location, .. }
            | SchemaError::Conflict { location, .. }
            | SchemaError::DuplicateName { location, .. }
            | SchemaError::Cycle { location, .. } => Some(location),
            SchemaError::Io { .. } | SchemaError::UnknownEntry { .. } => None,
        }
    }
}

/// Several errors, all reported at once.
#[derive(Debug)]
pub struct SchemaErrors(pub Vec<SchemaError>);

impl fmt::Display for SchemaErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_errors(f, &self.0)
    }
}

/// Errors one per line, each as `error: …`, the way the command lines print them.
pub fn write_errors<E: fmt::Display>(f: &mut fmt::Formatter<'_>, errors: &[E]) -> fmt::Result {
    for (i, error) in errors.iter().enumerate() {
        if i > 0 {
            f.write_str("\n")?;
        }
        write!(f, "error: {error}")?;
    }
    Ok(())
}

impl std::error::Error for SchemaErrors {}

impl From<SchemaError> for SchemaErrors {
    fn from(error: SchemaError) -> Self {
        SchemaErrors(vec![error])
    }
}

/// Something the pipeline worked around and the schema author should know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where.
    pub location: SourceLocation,
    /// What.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}: {}", self.location, self.message)
    }
}
