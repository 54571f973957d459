//! `cargo xtask corpus`: every document of `../shared/corpus/MANIFEST.tsv` → a crate
//! under `target/corpus/`, then `cargo clippy` and `cargo doc` (warnings denied) on each,
//! as a table.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use generator::package::{self, Runtime};
use generator::{Options, Output, generate};

use crate::codegen::workspace_root;
use crate::workspace::write_workspace;

struct Row {
    document: String,
    types: usize,
    warnings: usize,
    generated: bool,
    checked: Option<bool>,
    check_warnings: usize,
    seconds: f64,
}

pub fn run(check: bool) -> Result<(), String> {
    let root = workspace_root();
    let corpus = root.join("../shared/corpus");
    let out = root.join("target/corpus");
    let documents: Vec<String> = documents()?.into_iter().map(|(label, _)| label).collect();
    let crates: Vec<String> = documents.iter().map(|d| crate_dir_name(d)).collect();
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    write_workspace(&root, &out, &crates)?;
    // Every crate first: the corpus workspace lists them all, so cargo needs each manifest.
    let mut rows: Vec<Row> = documents
        .iter()
        .zip(&crates)
        .map(|(document, crate_name)| generate_one(&corpus, &out, document, crate_name))
        .collect();
    if check {
        // Dependencies first, timed apart, so each crate's time is its own.
        eprintln!("building dependencies (the runtime and what it needs)…");
        let started = Instant::now();
        let (ok, _) = clippy(&out, "auth-runtime")?;
        eprintln!(
            "dependencies built in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        if !ok {
            return Err("error: the runtime does not build in the corpus workspace".into());
        }
        for (row, crate_name) in rows
            .iter_mut()
            .zip(&crates)
            .filter(|(row, _)| row.generated)
        {
            eprintln!("checking {}", row.document);
            let started = Instant::now();
            let (ok, warnings) = clippy(&out, crate_name)?;
            let documented = ok && rustdoc(&out, crate_name)?;
            row.checked = Some(ok && documented);
            row.check_warnings = warnings;
            let seconds = started.elapsed().as_secs_f64();
            row.seconds += seconds;
            eprintln!("checked {} in {seconds:.1} s", row.document);
        }
    }
    print_table(&rows);
    let failed = rows
        .iter()
        .filter(|r| !r.generated || r.checked == Some(false) || r.check_warnings > 0)
        .count();
    if failed == 0 {
        Ok(())
    } else {
        Err(format!(
            "error: {failed} of {} corpus documents failed",
            rows.len()
        ))
    }
}

/// Generates `document` into a crate at `out` that depends on this repository's runtime
/// (one copy for the whole corpus workspace).
fn write_crate(document: &Path, out: &Path, name: &str) -> Result<Output, String> {
    let name = package::crate_name(name);
    let options = Options {
        module_path: Some(name.replace('-', "_")),
        ..Options::default()
    };
    let output = generate(document, &options).map_err(|d| d.to_string())?;
    let runtime = Runtime::Path(workspace_root().join("runtime"));
    package::write_crate(out, &output, &name, &runtime).map_err(|e| format!("error: {e}"))?;
    Ok(output)
}

fn generate_one(corpus: &Path, out: &Path, document: &str, crate_name: &str) -> Row {
    eprintln!("generating {document}");
    let started = Instant::now();
    let result = write_crate(&corpus.join(document), &out.join(crate_name), crate_name);
    let mut row = Row {
        document: document.to_owned(),
        types: 0,
        warnings: 0,
        generated: result.is_ok(),
        checked: None,
        check_warnings: 0,
        seconds: 0.0,
    };
    match result {
        Ok(output) => {
            row.types = output.api.types.len();
            row.warnings = output.warnings.warnings().count();
            for warning in output.warnings.warnings() {
                println!("  {warning}");
            }
        }
        Err(message) => println!("{document}: generation failed:\n{message}"),
    }
    row.seconds = started.elapsed().as_secs_f64();
    row
}

/// The corpus documents of `../shared/corpus/MANIFEST.tsv`: (as listed, path).
pub fn documents() -> Result<Vec<(String, std::path::PathBuf)>, String> {
    let corpus = workspace_root().join("../shared/corpus");
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).map_err(|e| {
        format!(
            "cannot read the corpus manifest in {}: {e}",
            corpus.display()
        )
    })?;
    Ok(manifest
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter(|d| !d.is_empty())
        .map(|d| (d.to_owned(), corpus.join(d)))
        .collect())
}

/// `lago-3.1.0-multifile/openapi.yaml` → `lago-3-1-0-multifile`.
fn crate_dir_name(document: &str) -> String {
    let stem = document.split('/').next().unwrap_or(document);
    let stem = stem
        .strip_suffix(".json")
        .or_else(|| stem.strip_suffix(".yaml"))
        .unwrap_or(stem);
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// `cargo doc` on one corpus crate with rustdoc's warnings denied: whether it passed
/// (descriptions copied from the document must render without broken links or HTML).
fn rustdoc(workspace: &Path, crate_name: &str) -> Result<bool, String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["doc", "--quiet", "--no-deps", "-p", crate_name])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", workspace.join("target"))
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    for line in stderr
        .lines()
        .filter(|l| l.contains("warning") || l.contains("error"))
        .take(20)
    {
        println!("  rustdoc: {line}");
    }
    Ok(output.status.success())
}

/// Runs clippy on one corpus crate: (compiled, number of warnings).
fn clippy(workspace: &Path, crate_name: &str) -> Result<(bool, usize), String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "clippy",
            "--quiet",
            "--message-format",
            "short",
            "-p",
            crate_name,
        ])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", workspace.join("target"))
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let diagnostics: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("warning:") || l.contains("error"))
        .collect();
    for line in diagnostics.iter().take(20) {
        println!("  {line}");
    }
    let warnings = stderr.lines().filter(|l| l.contains(": warning:")).count();
    Ok((output.status.success(), warnings))
}

fn print_table(rows: &[Row]) {
    println!(
        "\n{:<48} {:>6} {:>8} {:>8} {:>8} {:>9}",
        "document", "types", "warnings", "generate", "check", "seconds"
    );
    for row in rows {
        let check = match (row.checked, row.check_warnings) {
            (None, _) => "-".to_owned(),
            (Some(true), 0) => "ok".to_owned(),
            (Some(true), n) => format!("{n} warn"),
            (Some(false), _) => "FAIL".to_owned(),
        };
        println!(
            "{:<48} {:>6} {:>8} {:>8} {:>8} {:>9.1}",
            row.document,
            row.types,
            row.warnings,
            if row.generated { "ok" } else { "FAIL" },
            check,
            row.seconds
        );
    }
}
