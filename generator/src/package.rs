//! A generated API as a standalone crate: its files (the runtime vendored in, so it
//! builds anywhere), its name, and where it may be written. Writing is careful: an output directory must be missing, empty, or a crate
//! written here before (it holds [`MARKER`]); anything else, a workspace root or `/`
//! included, is refused, so a typo never overwrites someone's code.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::Output;

/// Left in every crate written by [`write_crate`]; its presence allows writing there again.
pub const MARKER: &str = ".generated-crate";

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/runtime_files.rs"));
}

/// Where the vendored runtime goes inside a generated crate.
pub const VENDORED_RUNTIME: &str = "vendor/auth-runtime";

/// How the crate depends on the runtime (`auth-runtime`).
#[derive(Debug, Clone)]
pub enum Runtime {
    /// A copy of the runtime inside the crate (`vendor/auth-runtime/`), so that the
    /// crate builds anywhere, with nothing but crates.io: the default.
    Vendored,
    /// A path dependency on a runtime elsewhere (a checkout of this repository, for
    /// working on both).
    Path(PathBuf),
}

/// The crate's files, relative to its directory: the marker, `Cargo.toml`, a lock file,
/// `src/`, and the vendored runtime. Texts are borrowed where they are written as they
/// are (most of them): copying Stripe's 12 MB of code again cost fresh memory.
pub fn crate_files<'a>(
    output: &'a Output,
    package: &str,
    runtime: &Runtime,
) -> Vec<(PathBuf, Cow<'a, str>)> {
    let runtime_dependency = match runtime {
        Runtime::Vendored => format!("{{ path = {VENDORED_RUNTIME:?} }}"),
        Runtime::Path(path) => format!("{{ path = {:?} }}", path.display().to_string()),
    };
    let manifest = format!(
        "[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nauth-runtime = {runtime_dependency}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n{}",
        features_section(&output.features)
    );
    let mut files = vec![
        (
            PathBuf::from(MARKER),
            "This crate was generated; generating into this directory again replaces Cargo.toml, src/ and vendor/.\n"
                .into(),
        ),
        (PathBuf::from("Cargo.toml"), manifest.into()),
        (PathBuf::from("Cargo.lock"), embedded::LOCK_FILE.into()),
    ];
    for (file, text) in &output.files {
        let (file, text) = if file == "mod.rs" {
            let root = format!("{}{REEXPORTS}", with_recursion_limit(text));
            ("lib.rs", Cow::Owned(root))
        } else {
            (file.as_str(), Cow::Borrowed(text.as_str()))
        };
        files.push((Path::new("src").join(file), text));
    }
    if let Runtime::Vendored = runtime {
        files.extend(vendored_runtime());
    }
    files
}

/// The `[features]` of a crate whose code is gated by `features` (none: no section);
/// `default` turns on every feature but the internal ones (`_…`), which the others
/// turn on.
fn features_section(features: &[(String, Vec<String>)]) -> String {
    if features.is_empty() {
        return String::new();
    }
    let quoted = |names: &mut dyn Iterator<Item = &String>| {
        names
            .map(|f| format!("{f:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let public = quoted(
        &mut features
            .iter()
            .map(|(f, _)| f)
            .filter(|f| !f.starts_with('_')),
    );
    let mut section = format!(
        "\n[features]\n# One per group of operations (the document's tags, or its resource paths when it does\n\
         # not tag every operation): each compiles its operations and the types they reach.\n\
         # An app that needs a few: `default-features = false, features = [\"…\"]`.\n\
         default = [{public}]\n"
    );
    for (feature, enables) in features {
        section.push_str(&format!("{feature} = [{}]\n", quoted(&mut enables.iter())));
    }
    section
}

/// The crate root with a higher `recursion_limit` after its documentation: rustdoc's
/// auto-trait checks on deeply recursive APIs (Stripe's) overflow the default of 128.
fn with_recursion_limit(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let after_docs = lines
        .iter()
        .rposition(|l| l.starts_with("//!"))
        .map_or(1, |i| i + 1);
    lines.insert(after_docs.min(lines.len()), "#![recursion_limit = \"256\"]");
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// What an app needs besides the crate, re-exported so that it needs one dependency.
const REEXPORTS: &str =
    "/// The runtime the generated code runs on: `Http`, token managers, errors, secrets.
pub use auth_runtime;
/// The HTTP client the runtime uses, at the same version.
pub use auth_runtime::reqwest;
";

/// The runtime's files under [`VENDORED_RUNTIME`]: its sources and its manifest without
/// what only its own repository builds (dev-dependencies, benchmarks).
fn vendored_runtime() -> Vec<(PathBuf, Cow<'static, str>)> {
    embedded::RUNTIME_FILES
        .iter()
        .map(|(path, text)| {
            let text = if *path == "Cargo.toml" {
                let end = text.find("\n[dev-dependencies]").unwrap_or(text.len());
                Cow::Owned(format!("{}\n", text[..end].trim_end()))
            } else {
                Cow::Borrowed(*text)
            };
            (Path::new(VENDORED_RUNTIME).join(path), text)
        })
        .collect()
}

/// Writes the crate into `out` (checked with [`check_output_dir`] first). Files whose
/// content is unchanged are left as they are, so that Cargo rebuilds nothing when the
/// API did not change; files an earlier run wrote in `src/` or `vendor/` that are no
/// longer generated are removed, so no stale module survives.
pub fn write_crate(
    out: &Path,
    output: &Output,
    package: &str,
    runtime: &Runtime,
) -> Result<(), String> {
    write_crate_with(out, output, package, runtime, "")
}

/// [`write_crate`] with more text at the end of `Cargo.toml` (a tool's dev-dependencies).
pub fn write_crate_with(
    out: &Path,
    output: &Output,
    package: &str,
    runtime: &Runtime,
    manifest_extra: &str,
) -> Result<(), String> {
    check_output_dir(out)?;
    // Nothing to compare with or remove in a new or empty directory.
    let fresh = std::fs::read_dir(out).map_or(true, |mut entries| entries.next().is_none());
    let mut files = crate_files(output, package, runtime);
    if let Some((_, manifest)) = files.iter_mut().find(|(p, _)| p == Path::new("Cargo.toml")) {
        manifest.to_mut().push_str(manifest_extra);
    }
    let wanted: std::collections::HashSet<PathBuf> =
        files.iter().map(|(p, _)| out.join(p)).collect();
    for generated in ["src", "vendor"] {
        for stale in files_below(&out.join(generated))
            .into_iter()
            .filter(|f| !wanted.contains(f))
        {
            std::fs::remove_file(&stale).map_err(|e| format!("{}: {e}", stale.display()))?;
            remove_empty_parents(&stale, out);
        }
    }
    let mut made: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    for (path, text) in files {
        let path = out.join(path);
        if !fresh && std::fs::read(&path).is_ok_and(|old| old == text.as_bytes()) {
            continue;
        }
        if let Some(parent) = path.parent().filter(|p| !made.contains(*p)) {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            made.insert(parent.to_path_buf());
        }
        std::fs::write(&path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Removes the directories from `removed`'s up to (not including) `out` that are left
/// empty (an earlier layout's, such as the runtime's module directories).
fn remove_empty_parents(removed: &Path, out: &Path) {
    for dir in removed.ancestors().skip(1).take_while(|dir| *dir != out) {
        // Fails, and stops the walk, at the first directory that still holds something.
        if std::fs::remove_dir(dir).is_err() {
            break;
        }
    }
}

/// Every file below `dir` (none when it does not exist).
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// `out` is missing, empty, or holds a crate written here before (its marker).
pub fn check_output_dir(out: &Path) -> Result<(), String> {
    let refuse = |why: &str| {
        Err(format!(
            "refusing to write into {}: {why}; choose a new or empty directory",
            out.display()
        ))
    };
    let Ok(entries) = std::fs::read_dir(out) else {
        return match out.exists() {
            true => refuse("it is not a readable directory"),
            false => Ok(()),
        };
    };
    if out.canonicalize().is_ok_and(|p| p.parent().is_none()) {
        return refuse("it is the file system's root");
    }
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if names.is_empty() || names.iter().any(|n| n == MARKER) {
        return Ok(());
    }
    names.sort();
    let shown = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    let more = if names.len() > 5 { ", …" } else { "" };
    refuse(&format!(
        "it holds files that were not generated ({shown}{more})"
    ))
}

/// A valid package name: lower-case ASCII letters, digits, `-` and `_`, starting with
/// a letter (`123` → `api-123`, `My API!` → `my-api`, `Größe` → `grosse`).
pub fn crate_name(raw: &str) -> String {
    let raw = if raw.is_ascii() {
        raw.to_owned()
    } else {
        crate::names::snake(raw)
    };
    let mut name = String::new();
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '_' {
            name.push(c);
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_matches('-').to_owned();
    match name.chars().next() {
        None => "api".to_owned(),
        Some(c) if c.is_ascii_alphabetic() => name,
        Some(_) => format!("api-{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_valid() {
        assert_eq!(crate_name("123"), "api-123");
        assert_eq!(crate_name("My API!"), "my-api");
        assert_eq!(crate_name("petstore_v2"), "petstore_v2");
        assert_eq!(crate_name("---"), "api");
        assert_eq!(crate_name("Größe"), "grosse");
    }

    #[test]
    fn only_empty_or_generated_directories_are_written() {
        let dir = std::env::temp_dir().join(format!("generator-out-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(check_output_dir(&dir).is_ok(), "a missing directory");
        std::fs::create_dir_all(&dir).unwrap();
        assert!(check_output_dir(&dir).is_ok(), "an empty directory");
        std::fs::write(dir.join("Cargo.toml"), "[workspace]").unwrap();
        let refused = check_output_dir(&dir).unwrap_err();
        assert!(refused.contains("Cargo.toml"), "{refused}");
        std::fs::write(dir.join(MARKER), "").unwrap();
        assert!(check_output_dir(&dir).is_ok(), "a crate written before");
        let root = check_output_dir(Path::new("/")).unwrap_err();
        assert!(root.contains('/'), "{root}");
        let workspace_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        assert!(check_output_dir(&workspace_root).is_err());
        // This repository's hand-written `generated/src/lib.rs` lives there: no marker.
        for hand_written in ["generated", "generated/src"] {
            assert!(
                check_output_dir(&workspace_root.join(hand_written)).is_err(),
                "{hand_written}"
            );
        }
        // A directory holding only `src/` is somebody's work too.
        let src_only = dir.join("src-only");
        std::fs::create_dir_all(src_only.join("src")).unwrap();
        assert!(check_output_dir(&src_only).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
