//! Project automation, run as `cargo xtask <command>` (see `.cargo/config.toml`); every
//! command has `--help`. Generating a crate for any document is the `openapi-rust` tool's
//! job (`cli/`); these commands serve this repository.

mod codegen;
mod compile_time;
mod conformance;
mod corpus;
mod examples;
mod versus;
mod workspace;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "This repository's automation",
    version
)]
#[command(after_help = "Exit codes: 0 done, 1 failed, 2 usage.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated/ from the documents in specs/ (with their overlays).
    Codegen {
        /// Change nothing; fail, naming the stale files, when generated/ is not current.
        #[arg(long)]
        check: bool,
    },
    /// Generate every corpus document (../shared/corpus) into a crate under
    /// target/corpus and run clippy on each.
    Corpus {
        /// Generate only; no clippy.
        #[arg(long)]
        no_check: bool,
    },
    /// Check every example of the documents against its schema and round-trip it
    /// through its generated type.
    Examples {
        #[command(flatten)]
        documents: workspace::DocumentArgs,
        /// Fail when an example its schema accepts does not round-trip.
        #[arg(long)]
        strict: bool,
    },
    /// Call every operation of the documents once through its generated method against
    /// a real request validator (Prism, else openapi-core).
    Conformance {
        #[command(flatten)]
        documents: workspace::DocumentArgs,
        /// Fail when fewer than this percentage of operations are conformant.
        #[arg(long, value_name = "PERCENT")]
        require: Option<f64>,
    },
    /// Measure a generated crate's clean `cargo check`: CPU time and peak memory.
    CompileTime(compile_time::Args),
    /// Generation time side by side with progenitor 0.15.1, on every document both
    /// accept (installs it under target/progenitor the first time).
    VersusProgenitor(versus::Args),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Codegen { check: false } => codegen::run(codegen::Mode::Write),
        Command::Codegen { check: true } => codegen::run(codegen::Mode::Check),
        Command::Corpus { no_check } => corpus::run(!no_check),
        Command::Examples { documents, strict } => {
            documents.resolve().and_then(|d| examples::run(&d, strict))
        }
        Command::Conformance { documents, require } => documents
            .resolve()
            .and_then(|d| conformance::run(&d, require)),
        Command::CompileTime(args) => compile_time::run(&args),
        Command::VersusProgenitor(args) => versus::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{}", message.trim_end());
            ExitCode::FAILURE
        }
    }
}
