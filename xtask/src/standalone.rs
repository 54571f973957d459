//! `cargo xtask generate <DOCUMENT> --out <DIR>`: a standalone crate for any document.

use std::path::{Path, PathBuf};

use generator::{Options, Output, generate};

pub fn run(args: &[&str]) -> Result<(), String> {
    let (document, out, overlay) = parse_args(args)?;
    let output = write_crate(&document, overlay, &out)?;
    eprint!("{}", output.warnings);
    println!(
        "wrote {} ({} types, {} operations, {} warnings)",
        out.display(),
        output.api.types.len(),
        output.api.operations.len(),
        output.warnings.warnings().count()
    );
    Ok(())
}

fn parse_args(args: &[&str]) -> Result<(PathBuf, PathBuf, Option<PathBuf>), String> {
    let usage =
        || "usage: cargo xtask generate <DOCUMENT> --out <DIR> [--overlay <FILE>]".to_owned();
    let (mut document, mut out, mut overlay) = (None, None, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--out" => out = Some(PathBuf::from(args.next().ok_or_else(usage)?)),
            "--overlay" => overlay = Some(PathBuf::from(args.next().ok_or_else(usage)?)),
            other if document.is_none() && !other.starts_with("--") => {
                document = Some(PathBuf::from(other))
            }
            _ => return Err(usage()),
        }
    }
    Ok((document.ok_or_else(usage)?, out.ok_or_else(usage)?, overlay))
}

/// Generates `document` into a crate at `out`: `Cargo.toml`, `src/lib.rs` and the
/// module's other files. The crate is named after the directory.
pub fn write_crate(
    document: &Path,
    overlay: Option<PathBuf>,
    out: &Path,
) -> Result<Output, String> {
    let output = generate(
        document,
        &Options {
            overlay,
            ..Options::default()
        },
    )
    .map_err(|d| d.to_string())?;
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("api");
    let package = generator::names::snake(name).replace('_', "-");
    // The runtime is not published yet: the crate depends on this repository's copy.
    let runtime = crate::codegen::workspace_root().join("runtime");
    let runtime = runtime.canonicalize().unwrap_or(runtime);
    let manifest = format!(
        "[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nauth-runtime = {{ path = {runtime:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n"
    );
    let src = out.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    write(&out.join("Cargo.toml"), &manifest)?;
    for (file, text) in &output.files {
        let file = if file == "mod.rs" {
            "lib.rs"
        } else {
            file.as_str()
        };
        write(&src.join(file), text)?;
    }
    Ok(output)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
