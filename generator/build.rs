//! Embeds the runtime's sources (`../runtime`) in the generator, so that a crate it
//! writes can carry its own copy of the runtime (`vendor/auth-runtime/`) and build
//! anywhere: an installed binary has no path of this repository in it.

use std::path::{Path, PathBuf};

fn main() {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let mut files = vec![runtime.join("Cargo.toml")];
    collect(&runtime.join("src"), &mut files);
    files.sort();
    let mut out = String::from(
        "/// The runtime crate's files, by path relative to its directory.\npub const RUNTIME_FILES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let relative = file.strip_prefix(&runtime).expect("below the runtime");
        let relative = relative.to_string_lossy().replace('\\', "/");
        out.push_str(&format!(
            "    ({relative:?}, include_str!({:?})),\n",
            file.display().to_string()
        ));
        println!("cargo:rerun-if-changed={}", file.display());
    }
    out.push_str("];\n");
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    out.push_str(&format!(
        "/// This repository's lock file: the versions the runtime is tested with.\npub const LOCK_FILE: &str = include_str!({:?});\n",
        lock.display().to_string()
    ));
    println!("cargo:rerun-if-changed={}", runtime.join("src").display());
    let target =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("runtime_files.rs");
    std::fs::write(target, out).expect("write runtime_files.rs");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}
