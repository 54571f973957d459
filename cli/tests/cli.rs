//! The `openapi-rust` binary as a user runs it: help and version on every command,
//! documented exit codes, a crate that depends on nothing of this repository.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-rust"))
        .args(args)
        .output()
        .expect("runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn petstore() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/oai-petstore-expanded-3.0.yaml")
        .display()
        .to_string()
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("openapi-rust-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn help_and_version_everywhere() {
    for args in [
        &["--help"][..],
        &["generate", "--help"],
        &["check", "--help"],
        &["--version"],
        &["generate", "--version"],
    ] {
        let output = tool(args);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", text(&output));
        assert!(
            text(&output).contains("openapi-rust") || text(&output).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["generate", "--chek", "x"][..],
        &["nonsense"],
        &["generate"],
        &[],
    ] {
        assert_eq!(tool(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn document_problems_exit_1_with_their_location() {
    let dir = fresh_dir("broken");
    std::fs::create_dir_all(&dir).unwrap();
    let document = dir.join("broken.yaml");
    std::fs::write(&document, "openapi: 3.1.0\ninfo: {title: x, version: '1'}\ncomponents:\n  schemas:\n    A: {$ref: '#/nowhere'}\n").unwrap();
    let output = tool(&["check", document.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let shown = text(&output);
    assert!(
        shown.contains("broken.yaml:5:") && shown.contains("#/components/schemas/A/$ref"),
        "{shown}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn generate_writes_a_portable_crate_and_refuses_others_files() {
    let out = fresh_dir("crate").join("123");
    let output = tool(&["generate", &petstore(), "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"api-123\""), "{manifest}");
    assert!(
        manifest.contains("auth-runtime = { path = \"vendor/auth-runtime\" }"),
        "{manifest}"
    );
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .canonicalize()
        .unwrap();
    assert!(
        !manifest.contains(repository.to_str().unwrap()),
        "{manifest}"
    );
    assert!(out.join("vendor/auth-runtime/src/lib.rs").exists());
    assert!(out.join("Cargo.lock").exists());
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(
        lib.contains("pub use auth_runtime;") && lib.contains("pub use auth_runtime::reqwest;"),
        "{lib}"
    );
    // Generating again into it is allowed (the marker), and what an earlier version
    // wrote there that is no longer generated goes, its emptied directories too; into
    // someone's directory it is not.
    let earlier = out.join("vendor/auth-runtime/src/api/mod.rs");
    std::fs::create_dir_all(earlier.parent().unwrap()).unwrap();
    std::fs::write(&earlier, "// an earlier layout").unwrap();
    assert_eq!(
        tool(&[
            "generate",
            &petstore(),
            "--out",
            out.to_str().unwrap(),
            "--name",
            "pets"
        ])
        .status
        .code(),
        Some(0)
    );
    assert!(!out.join("vendor/auth-runtime/src/api").exists());
    assert!(out.join("vendor/auth-runtime/src/lib.rs").exists());
    let theirs = fresh_dir("theirs");
    std::fs::create_dir_all(theirs.join("src")).unwrap();
    std::fs::write(theirs.join("Cargo.toml"), "[package]").unwrap();
    let refused = tool(&["generate", &petstore(), "--out", theirs.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused).starts_with("error: refusing to write into"),
        "{}",
        text(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(theirs.join("Cargo.toml")).unwrap(),
        "[package]"
    );
    let root = tool(&["generate", &petstore(), "--out", "/"]);
    assert_eq!(root.status.code(), Some(1), "{}", text(&root));
    std::fs::remove_dir_all(out.parent().unwrap()).unwrap();
    std::fs::remove_dir_all(theirs).unwrap();
}

#[test]
fn types_derive_by_direction_unless_both_are_asked_for() {
    // Petstore sends `NewPet` and receives `Error`.
    let petstore_path = petstore();
    let derives = |flag: Option<&str>, name: &str| {
        let out = fresh_dir(name);
        let mut args = vec!["generate", &petstore_path, "--out", out.to_str().unwrap()];
        args.extend(flag);
        let output = tool(&args);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output));
        let types = std::fs::read_to_string(out.join("src/types.rs")).unwrap();
        std::fs::remove_dir_all(&out).unwrap();
        ["NewPet", "Error"].map(|ty| serde_traits(&types, ty))
    };
    let [new_pet, error] = derives(None, "by-direction");
    assert!(
        new_pet.contains("Serialize") && !new_pet.contains("Deserialize"),
        "{new_pet}"
    );
    assert!(
        error.contains("Deserialize") && !error.contains("Serialize"),
        "{error}"
    );
    for derive in derives(Some("--both-directions"), "both-directions") {
        assert!(
            derive.contains("Serialize") && derive.contains("Deserialize"),
            "{derive}"
        );
    }
}

/// The serde traits of `pub struct NAME`: `Serialize` is derived, `Deserialize` written
/// out.
fn serde_traits(types: &str, name: &str) -> String {
    let at = types
        .find(&format!("pub struct {name} "))
        .unwrap_or_else(|| panic!("no struct {name}"));
    let start = types[..at].rfind("#[derive(").expect("a derive");
    let serialize = types[start..at].contains("::serde::Serialize");
    let deserialize = types.contains(&format!("::serde::Deserialize<'de> for {name} {{"));
    let traits = [(serialize, "Serialize"), (deserialize, "Deserialize")];
    let traits: Vec<&str> = traits.iter().filter(|t| t.0).map(|t| t.1).collect();
    traits.join(" ")
}
