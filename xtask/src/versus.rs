//! `cargo xtask versus-progenitor [DOCUMENT…]`: generation time side by side with
//! progenitor 0.15.1 (`cargo progenitor -i DOC -o DIR -n NAME -v 0.1.0`), whole process,
//! on every document both accept: the given ones, else `specs/` and the corpus. Each
//! tool runs `--runs` times per document, turn about, and the CPU times (user + system,
//! from `wait4`) are compared by median. progenitor is installed under
//! `target/progenitor` the first time (`cargo install --locked`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::codegen::{specs, workspace_root};
use crate::compile_time::{Usage, measure, median};
use crate::workspace::cargo_program;

const PROGENITOR_VERSION: &str = "0.15.1";

/// The `versus-progenitor` command's arguments.
#[derive(clap::Args)]
pub struct Args {
    /// Documents to compare on (default: `specs/` and every corpus document).
    documents: Vec<PathBuf>,
    /// Runs of each tool per document; the medians are compared.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=50))]
    runs: u32,
}

pub fn run(args: &Args) -> Result<(), String> {
    let root = workspace_root();
    let ours = build_ours(&root)?;
    let progenitor = install_progenitor(&root)?;
    let documents = if args.documents.is_empty() {
        default_documents(&root)?
    } else {
        args.documents.clone()
    };
    let out = root.join("target/versus");
    println!("| document | size | openapi-rust | progenitor | ratio |");
    println!("|---|---|---|---|---|");
    let mut ratios = Vec::new();
    for document in &documents {
        let row = compare(&ours, &progenitor, document, &out, args.runs)?;
        if let Some(ratio) = row {
            ratios.push(ratio);
        }
    }
    ratios.sort_by(f64::total_cmp);
    if let (Some(low), Some(high)) = (ratios.first(), ratios.last()) {
        println!(
            "\n{} documents both accept; openapi-rust is {low:.1}× to {high:.1}× faster (CPU, medians of {})",
            ratios.len(),
            args.runs
        );
    }
    Ok(())
}

/// One row of the table; the ratio when both tools generated the document.
fn compare(
    ours: &Path,
    progenitor: &Path,
    document: &Path,
    out: &Path,
    runs: u32,
) -> Result<Option<f64>, String> {
    let name = document
        .file_stem()
        .map(|s| s.to_string_lossy().replace(['.', ' '], "-"))
        .unwrap_or_default();
    let size = std::fs::metadata(document).map_err(|e| format!("{}: {e}", document.display()))?;
    let size = format!("{:.0} KB", size.len() as f64 / 1024.0);
    let ours_dir = out.join("openapi-rust").join(&name);
    let theirs_dir = out.join("progenitor").join(&name);
    let ours_command = || {
        let _ = std::fs::remove_dir_all(&ours_dir);
        let mut command = quiet(Command::new(ours));
        command
            .arg("generate")
            .arg(document)
            .arg("--out")
            .arg(&ours_dir);
        command
    };
    let theirs_command = || {
        let _ = std::fs::remove_dir_all(&theirs_dir);
        let mut command = quiet(Command::new(progenitor));
        command
            .args(["progenitor", "-i"])
            .arg(document)
            .arg("-o")
            .arg(&theirs_dir);
        command.args(["-n", &name, "-v", "0.1.0"]);
        command
    };
    let (mut mine, mut theirs): (Vec<Usage>, Vec<Usage>) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        mine.push(measure(ours_command())?);
        theirs.push(measure(theirs_command())?);
        if !mine[0].success || !theirs[0].success {
            break;
        }
    }
    let label = document.display();
    match (mine[0].success, theirs[0].success) {
        (true, true) => {
            let (a, b) = (median_ms(&mut mine), median_ms(&mut theirs));
            let ratio = b / a.max(0.001);
            println!("| {label} | {size} | {a:.1} ms | {b:.1} ms | {ratio:.1}× |");
            Ok(Some(ratio))
        }
        (true, false) => {
            let a = median_ms(&mut mine);
            println!("| {label} | {size} | {a:.1} ms | refused or failed | — |");
            Ok(None)
        }
        (false, _) => {
            println!("| {label} | {size} | failed | — | — |");
            Ok(None)
        }
    }
}

fn quiet(mut command: Command) -> Command {
    command.stdout(Stdio::null()).stderr(Stdio::null());
    command
}

fn median_ms(runs: &mut [Usage]) -> f64 {
    median(runs).cpu.as_secs_f64() * 1000.0
}

/// Our tool, built as users install it (release).
fn build_ours(root: &Path) -> Result<PathBuf, String> {
    let status = Command::new(cargo_program())
        .args(["build", "--quiet", "--release", "-p", "openapi-rust"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building openapi-rust failed".into());
    }
    Ok(root.join("target/release/openapi-rust"))
}

/// `cargo-progenitor`, installed under `target/progenitor` when it is not there yet.
fn install_progenitor(root: &Path) -> Result<PathBuf, String> {
    let prefix = root.join("target/progenitor");
    let binary = prefix.join("bin/cargo-progenitor");
    if binary.exists() {
        return Ok(binary);
    }
    eprintln!(
        "installing cargo-progenitor {PROGENITOR_VERSION} into {}…",
        prefix.display()
    );
    let status = Command::new(cargo_program())
        .args([
            "install",
            "--locked",
            "cargo-progenitor",
            "--version",
            PROGENITOR_VERSION,
        ])
        .arg("--root")
        .arg(&prefix)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("installing cargo-progenitor failed".into());
    }
    Ok(binary)
}

/// `specs/` (without their overlays, which progenitor cannot apply) and the corpus.
fn default_documents(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut documents: Vec<PathBuf> = specs(root)?.into_iter().map(|s| s.document).collect();
    documents.extend(
        crate::corpus::documents()?
            .into_iter()
            .map(|(_, path)| path),
    );
    Ok(documents)
}
