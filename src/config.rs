//! `deg-contracts.toml`: a team tunes the rule set without forking it, the way linters allow.
//! Each rule (or a whole family, `schema` or `transaction`) can be made an error, a warning or
//! `off`; `--rule ID=LEVEL` on the command line wins over the file. The file is validated
//! itself, every mistake reported at its line and column.
//!
//! ```toml
//! [rules]
//! role-not-listed = "off"
//! "transaction/quote" = "warning"
//!
//! [settlement]
//! basis = "delivered"           # contracted (the default, the seed's) | delivered
//! delivery-tolerance = "10%"
//!
//! [delivery]
//! energy-flow = "target"        # the meter an energyFlow is read on: target | source
//!
//! [schemas]                     # @context URL prefix → schema directory (relative to the file)
//! "https://schemas.example.org/deg/" = "vendor/deg-schemas"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::catalogue;
use crate::check::MessageReport;
use crate::finding::{Finding, Severity};
use crate::schemas::SchemaDir;
use crate::settings::{Basis, Meter, Settings, parse_percent};
use crate::source;

/// The file looked for in the current directory and its parents.
pub const FILE_NAME: &str = "deg-contracts.toml";

/// The families a level may be set for as a whole.
const FAMILIES: [&str; 2] = ["schema", "transaction"];

/// What a rule is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Off,
}

impl Level {
    fn parse(text: &str) -> Option<Level> {
        match text {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "off" => Some(Level::Off),
            _ => None,
        }
    }
}

/// A configuration that cannot be used, and where.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("--rule {spec}: {message}")]
    Argument { spec: String, message: String },
}

/// The rule levels and the settings in force.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    levels: BTreeMap<String, Level>,
    pub settings: Settings,
    /// Schema directories read at run time, each for the objects whose `@context` starts
    /// with its prefix.
    pub schemas: Vec<SchemaDir>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    settlement: SettlementSection,
    #[serde(default)]
    delivery: DeliverySection,
    #[serde(default)]
    schemas: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct SettlementSection {
    basis: Option<Spanned<String>>,
    delivery_tolerance: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct DeliverySection {
    energy_flow: Option<Spanned<String>>,
}

impl Config {
    /// The nearest `deg-contracts.toml` at or above `dir`.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        dir.ancestors()
            .map(|dir| dir.join(FILE_NAME))
            .find(|path| path.is_file())
    }

    /// Reads and validates the file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_owned(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Validates `text`, the contents of `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |at: usize, message: String| {
            let position = source::position(text, at);
            ConfigError::Invalid {
                path: path.to_owned(),
                line: position.line,
                column: position.column,
                message,
            }
        };
        let file: File = toml::from_str(text).map_err(|error| {
            let at = error.span().map_or(0, |span| span.start);
            invalid(at, error.message().trim().to_owned())
        })?;
        let mut config = Config::default();
        for (id, level) in file.rules {
            if let Err(message) = config.set(id.get_ref(), level.get_ref()) {
                let at = if message.starts_with("level") {
                    level.span().start
                } else {
                    id.span().start
                };
                return Err(invalid(at, message));
            }
        }
        let setting = |value: &Spanned<String>, message: &str| {
            invalid(
                value.span().start,
                format!("`{}` {message}", value.get_ref()),
            )
        };
        if let Some(basis) = &file.settlement.basis {
            config.settings.basis = Basis::parse(basis.get_ref())
                .ok_or_else(|| setting(basis, "is not a basis: contracted or delivered"))?;
        }
        if let Some(tolerance) = &file.settlement.delivery_tolerance {
            config.settings.delivery_tolerance = parse_percent(tolerance.get_ref())
                .ok_or_else(|| setting(tolerance, "is not a percentage from 0% to 1000%"))?;
        }
        if let Some(meter) = &file.delivery.energy_flow {
            config.settings.energy_flow = Meter::parse(meter.get_ref())
                .ok_or_else(|| setting(meter, "is not a meter: target or source"))?;
        }
        let base = path.parent().unwrap_or(Path::new(""));
        for (prefix, dir) in file.schemas {
            config
                .schemas
                .push(schema_map(prefix.get_ref(), dir.get_ref(), base).map_err(
                    |(on_prefix, message)| {
                        let at = if on_prefix { prefix.span() } else { dir.span() };
                        invalid(at.start, message)
                    },
                )?);
        }
        Ok(config)
    }

    /// Applies one `--rule ID=LEVEL`.
    pub fn set_from_argument(&mut self, spec: &str) -> Result<(), ConfigError> {
        let argument = |message: String| ConfigError::Argument {
            spec: spec.to_owned(),
            message,
        };
        let (id, level) = spec
            .split_once('=')
            .ok_or_else(|| argument("expected ID=LEVEL".to_owned()))?;
        self.set(id.trim(), level.trim()).map_err(argument)
    }

    fn set(&mut self, id: &str, level: &str) -> Result<(), String> {
        if !known(id) {
            return Err(format!(
                "unknown rule `{id}`; `deg-contracts rules` lists them (families: {})",
                FAMILIES.join(", ")
            ));
        }
        let level = Level::parse(level).ok_or_else(|| {
            format!("level `{level}` for `{id}` is not one of error, warning, off")
        })?;
        self.levels.insert(id.to_owned(), level);
        Ok(())
    }

    /// The level set for a rule: its own, else its family's.
    pub fn level(&self, id: &str) -> Option<Level> {
        self.levels.get(id).copied().or_else(|| {
            let family = id.split_once('/')?.0;
            self.levels.get(family).copied()
        })
    }

    /// Applies the levels to a report: rules turned off are dropped, the others take their
    /// set severity.
    pub fn apply(&self, report: &mut MessageReport) {
        if self.levels.is_empty() {
            return;
        }
        report.findings.retain_mut(
            |finding: &mut Finding| match self.level(&finding.rule.id()) {
                Some(Level::Off) => false,
                Some(Level::Error) => {
                    finding.severity = Severity::Error;
                    true
                }
                Some(Level::Warning) => {
                    finding.severity = Severity::Warning;
                    true
                }
                None => true,
            },
        );
    }
}

/// One `@context` prefix mapped to a schema directory, `dir` read relative to `base`; the
/// error says whether the prefix (`true`) or the directory is wrong, and why.
pub fn schema_map(prefix: &str, dir: &str, base: &Path) -> Result<SchemaDir, (bool, String)> {
    if fluent_uri::Uri::parse(prefix).is_err() {
        return Err((
            true,
            format!("`{prefix}` is not an absolute URL to match `@context` against"),
        ));
    }
    let dir = base.join(dir);
    if !dir.is_dir() {
        return Err((
            false,
            format!("`{}` is not a schema directory", dir.display()),
        ));
    }
    Ok(SchemaDir {
        dir,
        prefix: Some(prefix.to_owned()),
    })
}

/// Whether `id` names a rule or a family of rules.
fn known(id: &str) -> bool {
    if FAMILIES.contains(&id) {
        return true;
    }
    if let Some(kind) = id.strip_prefix("schema/") {
        return !kind.is_empty();
    }
    catalogue::per_message()
        .into_iter()
        .chain(catalogue::transaction())
        .any(|rule| rule.id() == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("deg-contracts.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn levels_apply_to_rules_and_families() {
        let config = parse(
            "[rules]\nrole-not-listed = \"off\"\ntransaction = \"warning\"\n\"transaction/quote\" = \"error\"\n",
        )
        .unwrap();
        assert_eq!(config.level("role-not-listed"), Some(Level::Off));
        assert_eq!(config.level("transaction/terms"), Some(Level::Warning));
        assert_eq!(config.level("transaction/quote"), Some(Level::Error));
        assert_eq!(config.level("trade-cap"), None);
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn mistakes_are_reported_at_their_line_and_column() {
        assert_eq!(
            parse("[rules]\nrole-not-listed = \"loud\"\n").unwrap_err(),
            "deg-contracts.toml:2:19: level `loud` for `role-not-listed` is not one of error, warning, off"
        );
        assert_eq!(
            parse("[rules]\n\ntrade-caps = \"off\"\n").unwrap_err(),
            "deg-contracts.toml:3:1: unknown rule `trade-caps`; `deg-contracts rules` lists them (families: schema, transaction)"
        );
        let unknown = parse("[schema]\n\"https://x/\" = \"schema/\"\n").unwrap_err();
        assert!(
            unknown.starts_with("deg-contracts.toml:1:2: unknown field `schema`"),
            "{unknown}"
        );
        let unknown =
            parse("[settlement]\nbasis = \"delivered\"\ntolerance = \"5%\"\n").unwrap_err();
        assert!(
            unknown.starts_with("deg-contracts.toml:3:1: unknown field `tolerance`"),
            "{unknown}"
        );
        let syntax = parse("[rules\n").unwrap_err();
        assert!(syntax.starts_with("deg-contracts.toml:1:"), "{syntax}");
        let typed = parse("[rules]\ncurrency = 3\n").unwrap_err();
        assert!(typed.starts_with("deg-contracts.toml:2:12: "), "{typed}");
    }

    #[test]
    fn schema_directories_are_mapped_to_context_prefixes_relative_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("vendor")).unwrap();
        let path = dir.path().join("deg-contracts.toml");
        let config = Config::parse(
            "[schemas]\n\"https://schemas.example.org/deg/\" = \"vendor\"\n",
            &path,
        )
        .unwrap();
        assert_eq!(
            config.schemas,
            [SchemaDir {
                dir: dir.path().join("vendor"),
                prefix: Some("https://schemas.example.org/deg/".to_owned()),
            }]
        );
        assert_eq!(
            parse("[schemas]\n\"not a url\" = \"schema\"\n").unwrap_err(),
            "deg-contracts.toml:2:1: `not a url` is not an absolute URL to match `@context` against"
        );
        assert_eq!(
            parse("[schemas]\n\"https://x.example/\" = \"no/such/dir\"\n").unwrap_err(),
            "deg-contracts.toml:2:24: `no/such/dir` is not a schema directory"
        );
    }

    #[test]
    fn settings_are_read_and_checked_where_they_are_written() {
        let config = parse(
            "[settlement]\nbasis = \"delivered\"\ndelivery-tolerance = \"2.5%\"\n[delivery]\nenergy-flow = \"source\"\n",
        )
        .unwrap();
        assert_eq!(
            config.settings,
            Settings {
                basis: Basis::Delivered,
                delivery_tolerance: rust_decimal::Decimal::new(25, 1),
                energy_flow: Meter::Source,
            }
        );
        assert_eq!(parse("").unwrap().settings, Settings::default());
        assert_eq!(
            parse("[settlement]\nbasis = \"metered\"\n").unwrap_err(),
            "deg-contracts.toml:2:9: `metered` is not a basis: contracted or delivered"
        );
        assert_eq!(
            parse("[settlement]\ndelivery-tolerance = \"10\"\n").unwrap_err(),
            "deg-contracts.toml:2:22: `10` is not a percentage from 0% to 1000%"
        );
        assert_eq!(
            parse("[delivery]\nenergy-flow = \"grid\"\n").unwrap_err(),
            "deg-contracts.toml:2:15: `grid` is not a meter: target or source"
        );
    }

    #[test]
    fn command_line_levels_are_checked_too() {
        let mut config = Config::default();
        config.set_from_argument("currency=warning").unwrap();
        assert_eq!(config.level("currency"), Some(Level::Warning));
        assert_eq!(
            config
                .set_from_argument("currency")
                .unwrap_err()
                .to_string(),
            "--rule currency: expected ID=LEVEL"
        );
        assert!(config.set_from_argument("nope=off").is_err());
        assert!(config.set_from_argument("schema/enum=off").is_ok());
    }
}
