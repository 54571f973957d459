//! `cargo xtask conformance [DOCUMENT…] [--overlay <FILE>] [--specs] [--corpus]`: every
//! operation of a document called once through its generated method, against a real
//! request validator.
//!
//! The validator is Prism (`@stoplight/prism-cli`, pinned by `interop/package-lock.json`
//! and installed into `target/interop` with `npm ci` when missing), run as
//! `prism mock DOC --errors` on a loopback port: it checks every request against the
//! document (an invalid one is answered with a `stoplight.io/prism/errors` problem) and
//! answers with the document's examples or data built from its schemas. A document
//! Prism cannot start on (Stripe's: it never finishes starting) is checked by the second
//! validator instead: `interop/validator.py`, on `openapi-core` (PyPI, pinned by
//! `interop/requirements.txt`, installed into a virtual environment under
//! `target/interop`), which validates each request and answers with a response it
//! builds from the document and also validates.
//!
//! Arguments are the document's examples, else values built from the schemas
//! (`Options::samples`); every security scheme gets placeholder credentials. Per
//! operation: accepted by the validator, and the answer decoded by the generated type.
//! Prints a table per document and, last, `N of M operations conformant`; writes the
//! details to `target/conformance/<document>.json`. Exits 0 when it ran.

mod driver;
mod validators;

use std::path::{Path, PathBuf};
use std::time::Instant;

use generator::Options;
use generator::ir::*;
use generator::package;
use serde_json::{Value, json};

use crate::codegen::workspace_root;
use crate::workspace::{Document, cargo, driver_crate, drivers_dir, write_workspace};
use driver::{driver, driver_name};
use interop::Interop;
use validators::check;

/// A document prepared for the run.
#[derive(Clone)]
struct Prepared {
    label: String,
    crate_name: String,
    /// The document as the validator reads it (overlays applied).
    served: PathBuf,
    /// Operations told apart from another only by a fragment in their path
    /// (`/shared_items#app_items`): on the wire they are the other one.
    ambiguous: Vec<String>,
    /// The answer the second validator gives each operation (`responses.json`).
    responses: PathBuf,
    operations: Vec<String>,
}

/// What happened to one operation.
#[derive(Clone)]
struct Outcome {
    operation: String,
    verdict: Verdict,
    detail: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Verdict {
    /// Accepted by the validator, answer decoded.
    Conformant,
    /// The validator refused the request.
    Rejected,
    /// The answer did not decode into the generated type.
    Undecoded,
    /// Not exercised, for a reason outside the generated code (stated).
    Skipped,
    /// Something else failed (transport, an argument that does not decode).
    Failed,
}

pub fn run(documents: &[Document], required: Option<f64>) -> Result<(), String> {
    let root = workspace_root();
    let out = drivers_dir();
    let reports = root.join("target/conformance");
    for dir in [&out, &reports] {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let interop = Interop::new(&root)?;
    let mut prepared = Vec::new();
    let mut failures = Vec::new();
    for document in documents {
        eprintln!("preparing {}", document.label);
        match prepare(&out, document) {
            Ok(p) => prepared.push(p),
            Err(e) => failures.push((document.label.clone(), e)),
        }
    }
    let crates: Vec<String> = prepared.iter().map(|p| p.crate_name.clone()).collect();
    write_workspace(&root, &out, &crates)?;
    eprintln!("building {} drivers…", crates.len());
    let started = Instant::now();
    let build = cargo(&out, &["build", "--examples", "--workspace", "--quiet"])?;
    eprintln!("built in {:.0} s", started.elapsed().as_secs_f64());
    if !build.status.success() {
        return Err(format!(
            "the drivers do not compile:\n{}",
            String::from_utf8_lossy(&build.stderr)
        ));
    }
    let mut rows = Vec::new();
    for document in &prepared {
        let started = Instant::now();
        eprintln!("checking {}", document.label);
        let (validator, outcomes) = check(&interop, &out, document);
        eprintln!(
            "checked {} in {:.1} s",
            document.label,
            started.elapsed().as_secs_f64()
        );
        rows.push((document.label.clone(), validator, outcomes));
    }
    let (good, all) = report(&reports, &rows, &failures)?;
    match required {
        Some(percent) if (good as f64) < percent / 100.0 * all as f64 => Err(format!(
            "{good} of {all} operations conformant is below the {percent} % required"
        )),
        _ => Ok(()),
    }
}

/// Generates the crate (with samples) and its driver.
fn prepare(out: &Path, document: &Document) -> Result<Prepared, String> {
    let (crate_name, dir, output) = driver_crate(document)?;
    let options = Options {
        overlay: document.overlay.clone(),
        ..Options::default()
    };
    let examples = dir.join("examples");
    std::fs::create_dir_all(&examples).map_err(|e| e.to_string())?;
    let driver = driver(&output.api, &crate_name.replace('-', "_"));
    std::fs::write(
        examples.join(format!("{}.rs", driver_name(&crate_name))),
        driver,
    )
    .map_err(|e| e.to_string())?;
    // The validator reads the document as generation did: overlays applied. A document
    // without an overlay is served where it is, so its relative `$ref`s still resolve.
    let served = match &document.overlay {
        None => document.path.clone(),
        Some(_) => {
            let tree = generator::document(&document.path, &options).map_err(|d| d.to_string())?;
            let path = out.join(format!("{crate_name}.json"));
            std::fs::write(&path, tree.to_string()).map_err(|e| e.to_string())?;
            path
        }
    };
    let responses = dir.join("responses.json");
    let answers = serde_json::to_string(&answers(&output.api)).map_err(|e| e.to_string())?;
    std::fs::write(&responses, answers).map_err(|e| e.to_string())?;
    let operations = output
        .api
        .operations
        .iter()
        .filter(|o| !o.webhook)
        .map(|o| o.name.clone())
        .collect();
    Ok(Prepared {
        label: document.label.clone(),
        crate_name,
        served,
        ambiguous: ambiguous(&output.api),
        responses,
        operations,
    })
}

/// What the second validator answers each operation with (`"METHOD /path"`): its first
/// success status (else `default`, as 200) and a sample of that response's body.
fn answers(api: &Api) -> Value {
    let mut answers = serde_json::Map::new();
    for operation in api.operations.iter().filter(|o| !o.webhook) {
        let success = |r: &&Response| r.status.is_success();
        let chosen = operation
            .responses
            .iter()
            .filter(success)
            .min_by_key(|r| r.status)
            .or_else(|| {
                operation
                    .responses
                    .iter()
                    .find(|r| r.status == StatusCode::Default)
            });
        let Some(response) = chosen else { continue };
        let status = match response.status {
            StatusCode::Code(code) => code,
            _ => 200,
        };
        let mut answer = json!({ "status": status });
        if let Some(content) = response.preferred() {
            answer["media_type"] = json!(content.media_type);
            answer["bodies"] = match content.kind {
                MediaKind::Text | MediaKind::Binary => json!(["sample"]),
                _ => json!(content.samples),
            };
        }
        let key = format!(
            "{} {}",
            operation.method.as_str().to_uppercase(),
            operation.path
        );
        answers.insert(key, answer);
    }
    Value::Object(answers)
}

/// Operations whose path differs from another's of the same method only by a fragment.
fn ambiguous(api: &Api) -> Vec<String> {
    let wire = |o: &Operation| {
        (
            o.method,
            o.path.split('#').next().unwrap_or_default().to_owned(),
        )
    };
    api.operations
        .iter()
        .filter(|o| o.path.contains('#'))
        .filter(|o| {
            api.operations
                .iter()
                .filter(|other| wire(other) == wire(o))
                .count()
                > 1
        })
        .map(|o| o.name.clone())
        .collect()
}

/// Prints the table and writes the details; returns (conformant, operations).
fn report(
    out: &Path,
    rows: &[(String, &'static str, Vec<Outcome>)],
    failures: &[(String, String)],
) -> Result<(usize, usize), String> {
    println!(
        "\n{:<44} {:>10} {:>6} {:>10} {:>9} {:>9} {:>8} {:>7}",
        "document", "validator", "ops", "conformant", "rejected", "undecoded", "skipped", "failed"
    );
    let (mut all, mut good) = (0, 0);
    for (label, validator, outcomes) in rows {
        let count = |v: Verdict| outcomes.iter().filter(|o| o.verdict == v).count();
        all += outcomes.len();
        good += count(Verdict::Conformant);
        println!(
            "{:<44} {:>10} {:>6} {:>10} {:>9} {:>9} {:>8} {:>7}",
            label,
            validator,
            outcomes.len(),
            count(Verdict::Conformant),
            count(Verdict::Rejected),
            count(Verdict::Undecoded),
            count(Verdict::Skipped),
            count(Verdict::Failed)
        );
        for outcome in outcomes.iter().filter(|o| o.verdict != Verdict::Conformant) {
            let detail: String = outcome.detail.chars().take(240).collect();
            println!("    {:?} {}: {detail}", outcome.verdict, outcome.operation);
        }
        let details: Vec<Value> = outcomes
            .iter()
            .map(|o| json!({"operation": o.operation, "verdict": format!("{:?}", o.verdict), "detail": o.detail}))
            .collect();
        let text = serde_json::to_string_pretty(
            &json!({"document": label, "validator": validator, "operations": details}),
        )
        .map_err(|e| e.to_string())?;
        std::fs::write(
            out.join(format!("{}.json", package::crate_name(label))),
            text,
        )
        .map_err(|e| e.to_string())?;
    }
    for (label, failure) in failures {
        println!("{label:<44} not generated: {failure}");
    }
    println!("{good} of {all} operations conformant");
    Ok((good, all))
}
