//! `cargo xtask codegen`: the command line over [`xtask::codegen`].

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Build tasks for deg-contracts")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Generate Rust role types and validators from the OpenAPI schemas.
    Codegen {
        /// The schema root, holding <Name>/<version>/attributes.yaml files.
        #[arg(long, value_name = "DIR")]
        schema: Option<PathBuf>,
        /// Where to write the generated crate.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Generate only these <Name>/<version> files and what they reference.
        #[arg(long = "entry", value_name = "NAME/VERSION")]
        entries: Vec<String>,
        /// Write nothing; fail if any generated file is stale.
        #[arg(long)]
        check: bool,
        /// Print the generated type names.
        #[arg(long)]
        list_types: bool,
        /// Generate what does not depend on a broken file and report the rest (exit 1);
        /// without it, one error writes nothing.
        #[arg(long)]
        keep_going: bool,
        /// Make every warning an error, for schema authors.
        #[arg(long)]
        deny_warnings: bool,
        /// Resolve a `$ref` to a URL starting with URL_PREFIX to the file the rest of its
        /// path names in DIR, under the schema root. Repeatable.
        #[arg(long = "schema-map", value_name = "URL_PREFIX=DIR")]
        schema_maps: Vec<String>,
    },
    /// Write synthetic Beckn messages, varied from the examples, for measuring the gate.
    Synth {
        /// How many messages.
        #[arg(long, default_value_t = 10_000)]
        count: usize,
        /// Where to write them.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Make every Nth message defective (0: none).
        #[arg(long, default_value_t = 50)]
        broken_every: usize,
        /// Make every Nth trade change its terms after the confirm (0: none).
        #[arg(long, default_value_t = 50)]
        broken_trade_every: usize,
        /// Write one JSON Lines log, messages.jsonl, instead of a file per message.
        #[arg(long)]
        jsonl: bool,
    },
    /// Build the gate optimised with a profile of its own run, as target/pgo/deg-contracts
    /// (needs `rustup component add llvm-tools`; builds the binary twice).
    Pgo {
        /// How many synthetic messages to train on, as files and again as a log.
        #[arg(long, default_value_t = 2_000)]
        messages: usize,
    },
}

fn main() -> ExitCode {
    match Cli::parse().task {
        Task::Codegen {
            schema,
            out,
            entries,
            check,
            list_types,
            keep_going,
            deny_warnings,
            schema_maps,
        } => {
            let root = workspace_root();
            let schema = schema.unwrap_or_else(|| root.join("schema"));
            let urls: Result<Vec<(String, String)>, String> = schema_maps
                .iter()
                .map(|spec| deg_contracts_ir::resolve::UrlMap::mapping(&schema, spec))
                .collect();
            let urls = match urls {
                Ok(urls) => deg_contracts_ir::resolve::UrlMap(urls),
                Err(error) => {
                    eprintln!("error: {error}");
                    return ExitCode::FAILURE;
                }
            };
            let options = xtask::Options {
                schema,
                out: out.unwrap_or_else(|| root.join("generated")),
                entries,
                check,
                runtime: xtask::workspace_runtime(),
                keep_going,
                deny_warnings,
                urls,
            };
            codegen(&options, list_types)
        }
        Task::Synth {
            count,
            out,
            broken_every,
            broken_trade_every,
            jsonl,
        } => {
            let examples = workspace_root().join("schema/examples");
            let plan = xtask::synth::Plan {
                count,
                broken_every,
                broken_trade_every,
                log: jsonl,
            };
            match xtask::synth::synth(&examples, &out, plan) {
                Ok(files) => {
                    let into = match files.as_slice() {
                        [log] if jsonl => format!("one log, {}", log.display()),
                        _ => format!("{} files in {}", files.len(), out.display()),
                    };
                    eprintln!("synth: {count} messages as {into}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        Task::Pgo { messages } => match xtask::pgo::build(&workspace_root(), messages) {
            Ok(binary) => {
                eprintln!("pgo: {}", binary.display());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
    }
}

fn codegen(options: &xtask::Options, list_types: bool) -> ExitCode {
    let check = options.check;
    match xtask::codegen(options) {
        Ok(outcome) => {
            for warning in &outcome.warnings {
                eprintln!("{warning}");
            }
            if list_types {
                for (module, types) in &outcome.types {
                    println!("{module}: {}", types.join(", "));
                }
            }
            let report = &outcome.report;
            if check && !report.is_fresh() {
                for file in &report.changed {
                    eprintln!("stale: {}", options.out.join(file).display());
                }
                for file in &report.removed {
                    eprintln!("no longer generated: {}", options.out.join(file).display());
                }
                eprintln!("error: generated code is stale; run `cargo xtask codegen`");
                return ExitCode::FAILURE;
            }
            let verb = if check { "fresh" } else { "up to date" };
            eprintln!(
                "codegen: {} {verb} ({} written, {} removed)",
                options.out.display(),
                if check { 0 } else { report.changed.len() },
                if check { 0 } else { report.removed.len() },
            );
            if outcome.left_out.is_empty() {
                return ExitCode::SUCCESS;
            }
            for (entry, errors) in &outcome.left_out {
                eprintln!("{errors}");
                eprintln!("codegen: left out {entry}: {} error(s)", errors.0.len());
            }
            ExitCode::FAILURE
        }
        Err(failure) => {
            for warning in &failure.warnings {
                eprintln!("{warning}");
            }
            eprintln!("{}", failure.errors);
            eprintln!(
                "codegen: {} error(s); nothing written",
                failure.errors.0.len()
            );
            ExitCode::FAILURE
        }
    }
}

/// The workspace root, so defaults hold from any directory.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
