//! `cargo xtask codegen`: every document in `specs/` → a module of `generated/src/`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use generator::{Options, generate};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    /// Change nothing; fail when a checked-in file differs from the generator's output.
    Check,
}

/// One API: a document in `specs/`, with its overlay when `specs/<name>.overlay.yaml` exists.
pub struct Spec {
    pub name: String,
    pub document: PathBuf,
    pub overlay: Option<PathBuf>,
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The documents in `specs/`, sorted by name (overlays are not documents).
pub fn specs(root: &Path) -> Result<Vec<Spec>, String> {
    let dir = root.join("specs");
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut specs: Vec<Spec> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .filter(|path| !path.to_string_lossy().contains(".overlay."))
        .filter_map(|document| {
            let name = document.file_stem()?.to_str()?.to_owned();
            let overlay = dir.join(format!("{name}.overlay.yaml"));
            Some(Spec {
                name,
                overlay: overlay.exists().then_some(overlay),
                document,
            })
        })
        .collect();
    specs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(specs)
}

/// Every generated file (path relative to the root, content) for the specs.
pub fn expected_files(root: &Path, report: bool) -> Result<Vec<(PathBuf, String)>, String> {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    for spec in specs(root)? {
        let started = Instant::now();
        let options = Options {
            overlay: spec.overlay.clone(),
            ..Options::default()
        };
        match generate(&spec.document, &options) {
            Ok(output) => {
                if report {
                    let warnings = output.warnings.warnings().count();
                    println!(
                        "{:<8} {:>4} types {:>3} operations {:>3} warnings {:>5} ms",
                        spec.name,
                        output.api.types.len(),
                        output.api.operations.len(),
                        warnings,
                        started.elapsed().as_millis()
                    );
                    print!("{}", output.warnings);
                }
                let dir = Path::new("generated/src").join(&spec.name);
                files.extend(
                    output
                        .files
                        .into_iter()
                        .map(|(name, text)| (dir.join(name), text)),
                );
            }
            Err(diagnostics) => failures.push(format!("{}:\n{diagnostics}", spec.name)),
        }
    }
    if failures.is_empty() {
        Ok(files)
    } else {
        Err(failures.join("\n"))
    }
}

pub fn run(mode: Mode) -> Result<(), String> {
    let root = workspace_root();
    let files = expected_files(&root, mode == Mode::Write)?;
    match mode {
        Mode::Write => write_all(&root, &files),
        Mode::Check => {
            let stale = stale_files(&root, &files);
            if stale.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "generated code is out of date:\n{}\nrun `cargo xtask codegen` and commit the result",
                    stale
                        .iter()
                        .map(|p| format!("  {}", p.display()))
                        .collect::<Vec<_>>()
                        .join("\n")
                ))
            }
        }
    }
}

fn write_all(root: &Path, files: &[(PathBuf, String)]) -> Result<(), String> {
    for (path, text) in files {
        let path = root.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Files whose content differs from (or are missing compared to) the expected output.
pub fn stale_files(root: &Path, files: &[(PathBuf, String)]) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|(path, text)| {
            std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(text)
        })
        .map(|(path, _)| path.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    /// `cargo test` fails when `generated/` is stale, naming the command that fixes it.
    #[test]
    fn generated_code_is_fresh() {
        let root = super::workspace_root();
        let files = super::expected_files(&root, false).expect("specs generate");
        let stale = super::stale_files(&root, &files);
        assert!(
            stale.is_empty(),
            "stale generated files {stale:?}: run `cargo xtask codegen`"
        );
    }
}
