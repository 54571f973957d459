//! Embeds the runtime (`../runtime`) in the generator, so that a crate it writes can
//! carry its own copy of the runtime (`vendor/auth-runtime/`) and build anywhere: an
//! installed binary has no path of this repository in it.
//!
//! The copy is the runtime's manifest and one `src/lib.rs`: each `mod name;` replaced
//! by `mod name { … }` holding that module's file, as rustc would read it. Creating
//! files is most of what writing a crate costs (a small document's whole run took 7.1
//! ms with the runtime's 30 files, 5.1 ms without them), and the module tree, names
//! and documentation stay the same.

use std::path::{Path, PathBuf};

fn main() {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let mut read = Vec::new();
    let lib = flattened(&runtime, &runtime.join("src/lib.rs"), &mut read);
    let lib_path = out_dir.join("auth-runtime-lib.rs");
    std::fs::write(&lib_path, lib).expect("write the flattened runtime");
    let manifest = runtime.join("Cargo.toml");
    read.push(manifest.clone());
    for file in &read {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    println!("cargo:rerun-if-changed={}", runtime.join("src").display());
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let out = format!(
        "/// The vendored runtime's files, by path relative to its directory.\n\
         pub const RUNTIME_FILES: &[(&str, &str)] = &[\n    \
         (\"Cargo.toml\", include_str!({:?})),\n    \
         (\"src/lib.rs\", include_str!({:?})),\n];\n\
         /// This repository's lock file: the versions the runtime is tested with.\n\
         pub const LOCK_FILE: &str = include_str!({:?});\n",
        manifest.display().to_string(),
        lib_path.display().to_string(),
        lock.display().to_string()
    );
    std::fs::write(out_dir.join("runtime_files.rs"), out).expect("write runtime_files.rs");
}

/// The module file `file` (below `root`) with every out-of-line `mod name;` made
/// inline, recursively; `read` gathers the files read.
fn flattened(root: &Path, file: &Path, read: &mut Vec<PathBuf>) -> String {
    let text =
        std::fs::read_to_string(file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
    read.push(file.to_path_buf());
    // A module's children live beside it (`lib.rs`, `mod.rs`) or in a directory named
    // after it (`error.rs` → `error/`).
    let children_dir = match file.file_name().and_then(|n| n.to_str()) {
        Some("lib.rs" | "mod.rs") => file.parent().expect("a directory").to_path_buf(),
        _ => file.with_extension(""),
    };
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        match out_of_line_module(line) {
            Some(name) => {
                let single = children_dir.join(format!("{name}.rs"));
                let child = if single.exists() {
                    single
                } else {
                    children_dir.join(name).join("mod.rs")
                };
                let shown = child.strip_prefix(root).unwrap_or(&child).display();
                out.push_str(&format!("{} {{\n// {shown}\n", line.trim_end_matches(';')));
                out.push_str(&flattened(root, &child, read));
                out.push_str("}\n");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// `name` for a line that is just `mod name;` (with `pub` or `pub(…)` before it).
fn out_of_line_module(line: &str) -> Option<&str> {
    let rest = line.strip_suffix(';')?;
    let rest = match rest.strip_prefix("pub") {
        Some(after) if after.starts_with('(') => after.split_once(") ")?.1,
        Some(after) => after.strip_prefix(' ')?,
        None => rest,
    };
    let name = rest.strip_prefix("mod ")?;
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        .then_some(name)
}
