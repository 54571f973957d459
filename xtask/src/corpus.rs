//! `cargo xtask corpus`: every document of `../shared/corpus/MANIFEST.tsv` → a crate
//! under `target/corpus/`, then `cargo clippy` and `cargo doc` (warnings denied) on all
//! of them, as a table.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use generator::package::{self, Runtime};
use generator::{Options, Output, generate};

use crate::codegen::workspace_root;
use crate::workspace::{cargo_program, write_workspace};

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
        check_all(&out, &mut rows, &crates)?;
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
        features: true,
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

/// Clippy, then rustdoc with warnings denied, on every generated crate. Each is one
/// cargo command for all crates, so that cargo keeps every core busy (checking one crate
/// is mostly one rustc thread); the diagnostics are sorted by crate from cargo's JSON
/// messages. Dependencies are built first and timed apart.
fn check_all(out: &Path, rows: &mut [Row], crates: &[String]) -> Result<(), String> {
    eprintln!("building dependencies (the runtime and what it needs)…");
    let started = Instant::now();
    let runtime = cargo_json(out, &["clippy"], &["auth-runtime".to_owned()], None)?;
    eprintln!(
        "dependencies built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if !runtime.get("auth-runtime").is_some_and(|r| r.built) {
        return Err("error: the runtime does not build in the corpus workspace".into());
    }
    let generated: Vec<String> = rows
        .iter()
        .zip(crates)
        .filter(|(row, _)| row.generated)
        .map(|(_, name)| package::crate_name(name))
        .collect();
    eprintln!("clippy on {} crates…", generated.len());
    let linted = cargo_json(out, &["clippy"], &generated, None)?;
    eprintln!("rustdoc on {} crates…", generated.len());
    let documented = cargo_json(out, &["doc", "--no-deps"], &generated, Some("-D warnings"))?;
    for (row, name) in rows.iter_mut().zip(crates) {
        let name = package::crate_name(name);
        if !row.generated {
            continue;
        }
        let (Some(lint), Some(doc)) = (linted.get(&name), documented.get(&name)) else {
            println!("  {}: cargo said nothing of {name}", row.document);
            row.checked = Some(false);
            continue;
        };
        for line in lint.diagnostics.iter().take(20) {
            println!("  {}: {line}", row.document);
        }
        for line in doc.diagnostics.iter().take(20) {
            println!("  {}: rustdoc: {line}", row.document);
        }
        row.checked = Some(lint.built && lint.errors == 0 && doc.built && doc.errors == 0);
        row.check_warnings = lint.warnings + doc.warnings;
    }
    Ok(())
}

/// What cargo said about one package.
#[derive(Default)]
struct Checked {
    /// Cargo produced its artifact (it compiled, or was documented).
    built: bool,
    warnings: usize,
    errors: usize,
    /// The first line of each diagnostic.
    diagnostics: Vec<String>,
}

/// `cargo <command> -p <package>… --keep-going` in the corpus workspace, read from its
/// JSON messages as they come: per package, whether it was built and its diagnostics.
/// Prints a line as each package finishes.
fn cargo_json(
    workspace: &Path,
    command: &[&str],
    packages: &[String],
    rustdocflags: Option<&str>,
) -> Result<std::collections::HashMap<String, Checked>, String> {
    use std::io::BufRead;
    let started = Instant::now();
    let mut cargo = Command::new(cargo_program());
    cargo
        .args(command)
        .args(["--quiet", "--keep-going", "--message-format", "json"])
        .args(packages.iter().flat_map(|p| ["-p", p.as_str()]))
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", workspace.join("target"))
        .stdout(std::process::Stdio::piped());
    if let Some(flags) = rustdocflags {
        cargo.env("RUSTDOCFLAGS", flags);
    }
    let mut child = cargo
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    // Packages by the name of their library target (`-` as `_`).
    let by_target: std::collections::HashMap<String, &String> =
        packages.iter().map(|p| (p.replace('-', "_"), p)).collect();
    let mut found: std::collections::HashMap<String, Checked> = std::collections::HashMap::new();
    let stdout = child.stdout.take().ok_or("cargo gave no output")?;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let target = message["target"]["name"].as_str().unwrap_or_default();
        let Some(&package) = by_target.get(target) else {
            continue;
        };
        let entry = found.entry(package.clone()).or_default();
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                entry.built = true;
                eprintln!(
                    "{} {package} after {:.1} s",
                    command[0],
                    started.elapsed().as_secs_f64()
                );
            }
            Some("compiler-message") => record(entry, &message["message"]),
            _ => {}
        }
    }
    child.wait().map_err(|e| e.to_string())?;
    Ok(found)
}

/// Counts a diagnostic; summaries (`3 warnings emitted`) point at no code and do not count.
fn record(checked: &mut Checked, diagnostic: &serde_json::Value) {
    let located = diagnostic["spans"]
        .as_array()
        .is_some_and(|spans| !spans.is_empty());
    if !located {
        return;
    }
    match diagnostic["level"].as_str() {
        Some("warning") => checked.warnings += 1,
        Some("error") => checked.errors += 1,
        _ => return,
    }
    let rendered = diagnostic["rendered"].as_str().unwrap_or_default();
    checked
        .diagnostics
        .push(rendered.lines().next().unwrap_or_default().to_owned());
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
