//! What the commands that build generated crates share: the documents named on the
//! command line, and a Cargo workspace of generated crates under `target/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codegen::{specs, workspace_root};

/// One document: a label, where it is, and its overlay.
pub struct Document {
    pub label: String,
    pub path: PathBuf,
    pub overlay: Option<PathBuf>,
}

/// `DOCUMENT… [--overlay FILE] [--specs] [--corpus]`: the documents named, the specs (with
/// their overlays), the corpus.
pub fn parse_documents(args: &[&str], usage: &str) -> Result<Vec<Document>, String> {
    let root = workspace_root();
    let mut documents = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--specs" => documents.extend(specs(&root)?.into_iter().map(|spec| Document {
                label: spec.name.clone(),
                path: spec.document,
                overlay: spec.overlay,
            })),
            "--corpus" => documents.extend(crate::corpus::documents()?.into_iter().map(
                |(label, path)| Document {
                    label,
                    path,
                    overlay: None,
                },
            )),
            "--overlay" => {
                let overlay = args.next().ok_or(usage)?;
                let last = documents
                    .last_mut()
                    .ok_or("--overlay follows its document")?;
                last.overlay = Some(PathBuf::from(overlay));
            }
            "--help" | "-h" => return Err(usage.to_owned()),
            other if !other.starts_with('-') => documents.push(Document {
                label: other.to_owned(),
                path: PathBuf::from(other),
                overlay: None,
            }),
            other => return Err(format!("unexpected argument `{other}`\n{usage}")),
        }
    }
    if documents.is_empty() {
        return Err(usage.to_owned());
    }
    Ok(documents)
}

/// A workspace of the generated crates in `out`, locked like this repository.
pub fn write_workspace(root: &Path, out: &Path, crates: &[String]) -> Result<(), String> {
    let members: Vec<String> = crates.iter().map(|c| format!("{c:?}")).collect();
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(out.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).map_err(|e| e.to_string())?;
    Ok(())
}

/// `cargo <args>` in `dir`, with its own target directory.
pub fn cargo(dir: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))
}
