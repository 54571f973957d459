//! Project automation, run as `cargo xtask <command>` (see `.cargo/config.toml`).
//!
//! - `codegen [--check]`: regenerate `generated/` from `specs/` (or check it is current)
//! - `generate <DOCUMENT> --out <DIR> [--name <NAME>] [--overlay <FILE>]`: a standalone crate for any document
//! - `corpus [--no-check]`: generate and `cargo check` every document of the corpus
//! - `examples [DOCUMENT…] [--specs] [--corpus]`: every example checked against its
//!   schema and round-tripped through its generated type
//! - `conformance [DOCUMENT…] [--specs] [--corpus]`: every operation called through its
//!   generated method against a real request validator (Prism, else openapi-core)

mod codegen;
mod conformance;
mod corpus;
mod examples;
mod standalone;
mod workspace;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen::run(codegen::Mode::Write),
        ["codegen", "--check"] => codegen::run(codegen::Mode::Check),
        ["generate", rest @ ..] => standalone::run(rest),
        ["corpus", rest @ ..] => corpus::run(rest),
        ["examples", rest @ ..] => examples::run(rest),
        ["conformance", rest @ ..] => conformance::run(rest),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage:
  cargo xtask codegen [--check]
  cargo xtask generate <DOCUMENT> --out <DIR> [--name <NAME>] [--overlay <FILE>]
  cargo xtask corpus [--no-check]
  cargo xtask examples [DOCUMENT…] [--overlay <FILE>] [--specs] [--corpus]
  cargo xtask conformance [DOCUMENT…] [--overlay <FILE>] [--specs] [--corpus]";
