//! What the commands that build generated crates share: the documents named on the
//! command line, and a Cargo workspace of generated crates under `target/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use generator::package::{self, Runtime};
use generator::{Options, Output, generate};

use crate::codegen::{specs, workspace_root};

/// The workspace where `examples` and `conformance` build their drivers: one crate per
/// document serves both (generated with samples, which change no code), and files are
/// rewritten only when they change, so the second command builds only its drivers.
pub fn drivers_dir() -> PathBuf {
    workspace_root().join("target/drivers")
}

/// The build profile of the generated workspaces (mirrored in `.ci/portable`).
const PROFILE: &str = "[profile.dev]\ndebug = false\nincremental = false\n";

/// What the drivers need besides the crate's own dependencies.
const DRIVER_DEPENDENCIES: &str =
    "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n";

/// Generates the crate of `document` in [`drivers_dir`]: its name, directory and output.
/// Its types derive both serde traits, since the examples round-trip every value.
pub fn driver_crate(document: &Document) -> Result<(String, PathBuf, Output), String> {
    let options = Options {
        overlay: document.overlay.clone(),
        samples: true,
        both_directions: true,
        ..Options::default()
    };
    let output = generate(&document.path, &options).map_err(|d| d.to_string())?;
    let name = package::crate_name(&format!("api-{}", document.label));
    let dir = drivers_dir().join(&name);
    let runtime = Runtime::Path(workspace_root().join("runtime"));
    package::write_crate_with(&dir, &output, &name, &runtime, DRIVER_DEPENDENCIES)?;
    Ok((name, dir, output))
}

/// One document: a label, where it is, and its overlay.
pub struct Document {
    pub label: String,
    pub path: PathBuf,
    pub overlay: Option<PathBuf>,
}

/// `[DOCUMENT…] [--overlay FILE] [--specs] [--corpus]`: which documents a command reads.
#[derive(clap::Args)]
pub struct DocumentArgs {
    /// OpenAPI documents.
    documents: Vec<PathBuf>,
    /// An OpenAPI Overlay applied to the document (with one document only).
    #[arg(long, value_name = "FILE")]
    overlay: Option<PathBuf>,
    /// Every document in specs/, with its overlay.
    #[arg(long)]
    specs: bool,
    /// Every document of the corpus (../shared/corpus/MANIFEST.tsv).
    #[arg(long)]
    corpus: bool,
}

impl DocumentArgs {
    /// The documents named, the specs, the corpus, in that order.
    pub fn resolve(self) -> Result<Vec<Document>, String> {
        if self.overlay.is_some() && self.documents.len() != 1 {
            return Err("error: --overlay needs exactly one DOCUMENT".into());
        }
        let mut documents: Vec<Document> = self
            .documents
            .iter()
            .map(|path| Document {
                label: path.display().to_string(),
                path: path.clone(),
                overlay: self.overlay.clone(),
            })
            .collect();
        if self.specs {
            documents.extend(specs(&workspace_root())?.into_iter().map(|spec| Document {
                label: spec.name.clone(),
                path: spec.document,
                overlay: spec.overlay,
            }));
        }
        if self.corpus {
            documents.extend(
                crate::corpus::documents()?
                    .into_iter()
                    .map(|(label, path)| Document {
                        label,
                        path,
                        overlay: None,
                    }),
            );
        }
        if documents.is_empty() {
            return Err("error: name a DOCUMENT, or --specs or --corpus (see --help)".into());
        }
        Ok(documents)
    }
}

/// A workspace of the generated crates in `out`, locked like this repository. Its builds
/// are run once and thrown away, so they skip debug info and incremental caches;
/// `.ci/portable` builds with the same settings so that it can reuse what they compiled.
pub fn write_workspace(root: &Path, out: &Path, crates: &[String]) -> Result<(), String> {
    let members: Vec<String> = crates.iter().map(|c| format!("{c:?}")).collect();
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n{PROFILE}",
        members.join(", ")
    );
    std::fs::write(out.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).map_err(|e| e.to_string())?;
    Ok(())
}

/// The cargo that runs this command (`$CARGO`), else the one on the path.
pub fn cargo_program() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// `cargo <args>` in `dir`, with its own target directory.
pub fn cargo(dir: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new(cargo_program())
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))
}
