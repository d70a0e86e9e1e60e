//! The `deg-contracts` command line: `validate` gates Beckn messages in CI, `flows` explains a
//! contract's money. Exit codes: 0 no errors, 1 errors found, 2 usage or I/O errors.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The gate allocates many small, short-lived values per message (each parse, each finding,
/// each trade's facts); mimalloc serves them faster than the system allocator (measured in
/// README's Performance section).
#[global_allocator]
static ALLOCATOR: deg_contracts::allocator::MiMalloc = deg_contracts::allocator::MiMalloc;
use deg_contracts::config::{Config, ConfigError};
use deg_contracts::lint;
use deg_contracts::report::{self, Format};
use deg_contracts::run::{self, Summary};
use deg_contracts::schemas::{self, SchemaDir, Schemas};
use deg_contracts::{catalogue, trades};
use deg_contracts_ir::resolve::UrlMap;

#[derive(Parser)]
#[command(
    name = "deg-contracts",
    version,
    about = "Schema-compliance gate for DEG energy-trading contracts in Beckn messages"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Which findings fail the run.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    Error,
    Warning,
}

#[derive(Subcommand)]
enum Command {
    /// Check Beckn messages: every object a DEG schema describes, and the contract's rules.
    Validate {
        /// Files, directories (every *.json below, sorted) or `-` for standard input.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// How to print findings.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Also list objects whose @type no schema describes.
        #[arg(long, short)]
        verbose: bool,
        /// Worker threads (default: one per core).
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// The largest file, in bytes, to read; larger ones get a file-too-large finding.
        #[arg(long, value_name = "BYTES", default_value_t = run::Limits::default().max_file_size)]
        max_file_size: u64,
        /// The most findings to list for one file; the rest are counted (at least 1).
        #[arg(long, value_name = "N", default_value_t = run::Limits::default().max_findings as u64,
              value_parser = clap::value_parser!(u64).range(1..))]
        max_findings: u64,
        /// Check each message alone, without the checks across a trade's messages (for a
        /// directory of unrelated fixtures, or a pre-commit run on the changed files only).
        #[arg(long)]
        per_message: bool,
        /// Read standard input (`-`) as a message log, one JSON message per line.
        #[arg(long)]
        jsonl: bool,
        /// Check a trade once its last message is this much older (in message time) than the
        /// newest seen, then forget it: `24h`, `90m`, `2d`.
        #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = humantime::parse_duration)]
        transaction_window: std::time::Duration,
        /// The rule levels to use (default: the nearest deg-contracts.toml at or above the
        /// current directory, if any).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Set one rule (or family: schema, transaction) to error, warning or off; wins over
        /// the file. Repeatable.
        #[arg(long = "rule", value_name = "ID=LEVEL")]
        rules: Vec<String>,
        /// Exit 1 on errors only (default), or on warnings too.
        #[arg(long, value_enum, default_value = "error")]
        fail_on: FailOn,
        /// Judge objects by the schemas in this directory (`<Name>/<version>/attributes.yaml`
        /// below it), read now, instead of those compiled in. Repeatable; each object's
        /// `@context` and `@type` pick its schema.
        #[arg(long = "schema", value_name = "DIR")]
        schema_dirs: Vec<PathBuf>,
        /// Judge objects whose `@context` URL starts with URL_PREFIX by the schemas in DIR
        /// alone (as `[schemas]` in deg-contracts.toml). Repeatable.
        #[arg(long = "schema-map", value_name = "URL_PREFIX=DIR")]
        schema_maps: Vec<String>,
        /// With --schema, leave out only the schemas a broken file breaks (and report each
        /// object that needed one) instead of stopping before any message is judged.
        #[arg(long)]
        keep_going: bool,
    },
    /// Check a schema directory on its own: every error and warning codegen would give, at
    /// its file, line and column.
    Schema {
        /// The schema root (`<Name>/<version>/attributes.yaml` below it).
        dir: PathBuf,
        /// Only these entries (`<Name>/<version>`) and what they refer to; every file when none.
        entries: Vec<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail on warnings too.
        #[arg(long, value_enum, default_value_t = FailOn::Error)]
        fail_on: FailOn,
        /// Resolve a `$ref` to a URL starting with URL_PREFIX to the file the rest of its path
        /// names in DIR, under the schema root, as codegen's `--schema-map`. Repeatable.
        #[arg(long = "schema-map", value_name = "URL_PREFIX=DIR")]
        schema_maps: Vec<String>,
    },
    /// What one rule checks, why, where it comes from, and what it reports.
    Explain {
        /// The rule's id, as `deg-contracts rules` lists it.
        rule: String,
    },
    /// List every rule: its id, default severity and what it checks.
    Rules {
        /// Print README's Markdown tables instead.
        #[arg(long)]
        markdown: bool,
    },
    /// Move legacy v2 P2P messages to the EnergyContractP2PTrade form: one output per input,
    /// under DIR with the same relative name. Exit 0 when every message migrated completely,
    /// 1 with findings, 2 on usage or I/O errors.
    Migrate {
        /// Message files, directories (every *.json, *.jsonl and *.ndjson below) or logs.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Where to write the migrated messages; never inside an input directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// How to print findings.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Print where each migrated value came from (before the findings).
        #[arg(long)]
        explain: bool,
        /// Write the same provenance as JSON to FILE.
        #[arg(long, value_name = "FILE")]
        provenance: Option<PathBuf>,
        /// The largest file, in bytes, to read; larger ones get a file-too-large finding.
        #[arg(long, value_name = "BYTES", default_value_t = run::Limits::default().max_file_size)]
        max_file_size: u64,
    },
    /// Show each contract's revenue flows with values substituted, and its maximum trade volume.
    Flows {
        /// Message files, or `-` for standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Validate {
            paths,
            format,
            verbose,
            jobs,
            max_file_size,
            max_findings,
            per_message,
            jsonl,
            transaction_window,
            config,
            rules,
            fail_on,
            schema_dirs,
            schema_maps,
            keep_going,
        } => {
            let config = match rule_levels(config.as_deref(), &rules) {
                Ok(config) => config,
                Err(error) => {
                    eprintln!("deg-contracts: {error}");
                    return ExitCode::from(2);
                }
            };
            let dirs = match schema_sources(&schema_dirs, &schema_maps, &config) {
                Ok(dirs) => dirs,
                Err(error) => {
                    eprintln!("deg-contracts: {error}");
                    return ExitCode::from(2);
                }
            };
            if keep_going && dirs.is_empty() {
                eprintln!(
                    "deg-contracts: --keep-going needs schemas read at run time: --schema, \
                     --schema-map or [schemas] in deg-contracts.toml"
                );
                return ExitCode::from(2);
            }
            let (schemas, broken) = match load_schemas(&dirs, keep_going, verbose) {
                Ok(loaded) => loaded,
                Err(reports) => {
                    // The schemas' own errors, as `deg-contracts schema` gives them; no
                    // message is judged against a schema set that is not whole.
                    if !reports.is_empty() {
                        report_all(reports, format, fail_on);
                    }
                    return ExitCode::from(2);
                }
            };
            let limits = run::Limits {
                schemas,
                max_file_size,
                max_findings: usize::try_from(max_findings).unwrap_or(usize::MAX),
                facts: !per_message,
                settings: config.settings,
                // Only a verbose report shows them.
                skipped: verbose,
            };
            let jobs =
                jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
            let options = trades::Options {
                limits,
                jobs,
                stdin_is_log: jsonl,
                window_seconds: transaction_window.as_secs(),
                transactions: !per_message,
            };
            validate(&paths, broken, format, verbose, options, &config, fail_on)
        }
        Command::Flows { files } => flows(&files),
        Command::Migrate {
            paths,
            out,
            format,
            explain,
            provenance,
            max_file_size,
        } => migrate(
            &paths,
            &out,
            format,
            explain,
            provenance.as_deref(),
            max_file_size,
        ),
        Command::Schema {
            dir,
            entries,
            format,
            fail_on,
            schema_maps,
        } => lint_schemas(&dir, &entries, &schema_maps, format, fail_on),
        Command::Explain { rule } => match catalogue::find(&rule) {
            Some(found) => {
                print!("{}", catalogue::explain(found));
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("deg-contracts: unknown rule `{rule}`; `deg-contracts rules` lists them");
                ExitCode::from(2)
            }
        },
        Command::Rules { markdown } => {
            if markdown {
                print!(
                    "{}\n{}\n{}",
                    catalogue::markdown(&catalogue::per_message(), true),
                    catalogue::markdown(&catalogue::transaction(), false),
                    catalogue::markdown(&catalogue::migration(), true)
                );
            } else {
                print!("{}", catalogue::text());
            }
            ExitCode::SUCCESS
        }
    }
}

/// The rule levels: the file given, or the nearest one found, then the command line's.
fn rule_levels(file: Option<&Path>, rules: &[String]) -> Result<Config, ConfigError> {
    let found = match file {
        Some(file) => Some(file.to_owned()),
        None => std::env::current_dir()
            .ok()
            .and_then(|dir| Config::find(&dir)),
    };
    let mut config = match found {
        Some(path) => Config::load(&path)?,
        None => Config::default(),
    };
    for rule in rules {
        config.set_from_argument(rule)?;
    }
    Ok(config)
}

/// The schema directories to read at run time: `--schema`'s, `--schema-map`'s, then the
/// configuration's `[schemas]`.
fn schema_sources(
    dirs: &[PathBuf],
    maps: &[String],
    config: &Config,
) -> Result<Vec<SchemaDir>, String> {
    let mut sources: Vec<SchemaDir> = dirs
        .iter()
        .map(|dir| SchemaDir {
            dir: dir.clone(),
            prefix: None,
        })
        .collect();
    for map in maps {
        let (prefix, dir) = map
            .split_once('=')
            .ok_or_else(|| format!("--schema-map {map}: expected URL_PREFIX=DIR"))?;
        let source = deg_contracts::config::schema_map(prefix, dir, Path::new(""))
            .map_err(|(_, message)| format!("--schema-map {map}: {message}"))?;
        sources.push(source);
    }
    sources.extend(config.schemas.iter().cloned());
    if let Some(missing) = sources.iter().find(|source| !source.dir.is_dir()) {
        return Err(format!("{}: not a schema directory", missing.dir.display()));
    }
    Ok(sources)
}

/// The schemas read now (the compiled ones when none is named), and the reports of the broken
/// files left out under `--keep-going`.
fn load_schemas(
    dirs: &[SchemaDir],
    keep_going: bool,
    verbose: bool,
) -> Result<(Schemas, Vec<run::FileResult>), Vec<run::FileResult>> {
    if dirs.is_empty() {
        return Ok((Schemas::Compiled, Vec::new()));
    }
    let (schemas, broken) = schemas::load(dirs, keep_going).map_err(|failure| failure.reports)?;
    if verbose {
        for note in schemas::rule_gaps(schemas) {
            eprintln!("deg-contracts: note: {note}");
        }
    }
    Ok((schemas, broken))
}

fn validate(
    paths: &[PathBuf],
    broken_schemas: Vec<run::FileResult>,
    format: Format,
    verbose: bool,
    options: trades::Options,
    config: &Config,
    fail_on: FailOn,
) -> ExitCode {
    let (inputs, bad_paths) = run::expand(paths);
    for error in &bad_paths {
        eprintln!("deg-contracts: {error}");
    }
    let mut reporter = report::reporter(format, verbose);
    // Colour (and its stripping when stdout is no terminal) only where people read the output.
    let mut out: Box<dyn Write> = match format {
        Format::Human => Box::new(BufWriter::new(anstream::stdout().lock())),
        _ => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let mut summary = Summary::default();
    let mut write_failed = false;
    for result in &broken_schemas {
        summary.add(result);
        write_failed |= reporter.file(result, &mut out).is_err();
    }
    trades::check(&inputs, options, |mut result| {
        if let Ok(report) = &mut result.outcome {
            config.apply(report);
        }
        summary.add(&result);
        write_failed |= reporter.file(&result, &mut out).is_err();
    });
    write_failed |= reporter.finish(&summary, &mut out).is_err();
    write_failed |= out.flush().is_err();
    if write_failed || !bad_paths.is_empty() || summary.unreadable > 0 {
        ExitCode::from(2)
    } else if summary.errors > 0 || (fail_on == FailOn::Warning && summary.warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn lint_schemas(
    dir: &Path,
    entries: &[String],
    maps: &[String],
    format: Format,
    fail_on: FailOn,
) -> ExitCode {
    if !dir.is_dir() {
        eprintln!("deg-contracts: {}: not a schema directory", dir.display());
        return ExitCode::from(2);
    }
    let urls: Result<Vec<(String, String)>, String> =
        maps.iter().map(|spec| UrlMap::mapping(dir, spec)).collect();
    let urls = match urls {
        Ok(urls) => UrlMap(urls),
        Err(error) => {
            eprintln!("deg-contracts: {error}");
            return ExitCode::from(2);
        }
    };
    let results = lint::lint_mapped(dir, entries, &urls);
    report_all(results, format, fail_on)
}

/// Writes `results` in `format` and exits as `validate` does: 1 on errors (or warnings, with
/// `--fail-on warning`), 2 when the report could not be written.
fn report_all(results: Vec<run::FileResult>, format: Format, fail_on: FailOn) -> ExitCode {
    let mut reporter = report::reporter(format, false);
    let mut out: Box<dyn Write> = match format {
        Format::Human => Box::new(BufWriter::new(anstream::stdout().lock())),
        _ => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let mut summary = Summary::default();
    let mut write_failed = false;
    for result in &results {
        summary.add(result);
        write_failed |= reporter.file(result, &mut out).is_err();
    }
    write_failed |= reporter.finish(&summary, &mut out).is_err();
    write_failed |= out.flush().is_err();
    if write_failed {
        ExitCode::from(2)
    } else if summary.errors > 0 || (fail_on == FailOn::Warning && summary.warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn migrate(
    paths: &[PathBuf],
    out: &Path,
    format: Format,
    explain: bool,
    provenance: Option<&Path>,
    max_file_size: u64,
) -> ExitCode {
    use deg_contracts::migrate::{self, files};
    let inputs = match files::gather(paths, out, max_file_size) {
        Ok(inputs) => inputs,
        Err(error) => {
            eprintln!("deg-contracts: {error}");
            return ExitCode::from(2);
        }
    };
    let migration = migrate::migrate(&inputs);
    let provenance_json = match provenance.map(|_| migrate::provenance::json(&migration)) {
        Some(Err(error)) => {
            eprintln!("deg-contracts: the provenance cannot be written as JSON: {error}");
            return ExitCode::from(2);
        }
        Some(Ok(text)) => Some(text),
        None => None,
    };
    let written =
        files::write(out, &migration).and_then(|_| match (provenance, &provenance_json) {
            (Some(file), Some(text)) => files::write_atomically(file, text.as_bytes()),
            _ => Ok(()),
        });
    if let Err(error) = written {
        eprintln!("deg-contracts: {error}");
        return ExitCode::from(2);
    }
    if explain {
        print!("{}", migrate::provenance::explain(&migration));
    }
    let results: Vec<run::FileResult> = inputs
        .iter()
        .zip(migration.reports.iter().cloned())
        .map(|(input, report)| run::FileResult {
            name: input.name.clone(),
            outcome: Ok(report),
        })
        .collect();
    // Every finding counts: the migration is complete only without any.
    report_all(results, format, FailOn::Warning)
}

fn flows(files: &[PathBuf]) -> ExitCode {
    let (inputs, bad_paths) = run::expand(files);
    let mut code = if bad_paths.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    };
    for error in &bad_paths {
        eprintln!("deg-contracts: {error}");
    }
    for input in &inputs {
        let name = input.name();
        let bytes = match input.path() {
            Some(path) => std::fs::read(path),
            None => {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map(|_| bytes)
            }
        };
        let described = match bytes {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => deg_contracts::flows::describe_source(&text),
                Err(error) => {
                    eprintln!(
                        "deg-contracts: {name}: not valid UTF-8 at byte offset {}",
                        error.utf8_error().valid_up_to()
                    );
                    code = ExitCode::from(1);
                    continue;
                }
            },
            Err(error) => {
                eprintln!("deg-contracts: {name}: {error}");
                code = ExitCode::from(2);
                continue;
            }
        };
        match described {
            Ok(text) => print!("{name}: {text}"),
            Err(error) => {
                eprintln!(
                    "deg-contracts: {name}:{}:{}: not valid JSON: {error}",
                    error.line(),
                    error.column()
                );
                code = ExitCode::from(1);
            }
        }
    }
    code
}
