//! `cargo xtask generate <DOCUMENT> --out <DIR> [--name <NAME>] [--overlay <FILE>]`:
//! a standalone crate for any document (see `generator::package` for what may be
//! overwritten).

use std::path::{Path, PathBuf};

use generator::package::{self, Runtime};
use generator::{Options, Output, generate};

struct Args {
    document: PathBuf,
    out: PathBuf,
    name: Option<String>,
    overlay: Option<PathBuf>,
}

pub fn run(args: &[&str]) -> Result<(), String> {
    let args = parse_args(args)?;
    let output = write_crate(
        &args.document,
        args.overlay,
        &args.out,
        args.name.as_deref(),
    )?;
    eprint!("{}", output.warnings);
    println!(
        "wrote {} ({} types, {} operations, {} warnings)",
        args.out.display(),
        output.api.types.len(),
        output.api.operations.len(),
        output.warnings.warnings().count()
    );
    Ok(())
}

const USAGE: &str =
    "usage: cargo xtask generate <DOCUMENT> --out <DIR> [--name <NAME>] [--overlay <FILE>]";

fn parse_args(args: &[&str]) -> Result<Args, String> {
    let (mut document, mut out, mut name, mut overlay) = (None, None, None, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .map(|v| (*v).to_owned())
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match *arg {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--overlay" => overlay = Some(PathBuf::from(value()?)),
            "--name" => name = Some(value()?),
            other if document.is_none() && !other.starts_with('-') => {
                document = Some(PathBuf::from(other));
            }
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    match (document, out) {
        (Some(document), Some(out)) => Ok(Args {
            document,
            out,
            name,
            overlay,
        }),
        _ => Err(USAGE.to_owned()),
    }
}

/// Generates `document` into a crate at `out`, named `name` (else after the directory).
pub fn write_crate(
    document: &Path,
    overlay: Option<PathBuf>,
    out: &Path,
    name: Option<&str>,
) -> Result<Output, String> {
    package::check_output_dir(out).map_err(|e| format!("error: {e}"))?;
    let options = Options {
        overlay,
        ..Options::default()
    };
    let output = generate(document, &options).map_err(|d| d.to_string())?;
    let directory = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let directory = directory.file_name().and_then(|n| n.to_str());
    let package = package::crate_name(name.or(directory).unwrap_or("api"));
    // The runtime is not published yet: the crate depends on this repository's copy.
    let runtime = crate::codegen::workspace_root().join("runtime");
    let runtime = Runtime::Path(runtime.canonicalize().unwrap_or(runtime));
    package::write_crate(out, &output, &package, &runtime).map_err(|e| format!("error: {e}"))?;
    Ok(output)
}
