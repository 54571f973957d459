//! `cargo xtask examples [DOCUMENT…] [--overlay <FILE>] [--specs] [--corpus]`: the
//! document checked against itself. Every example (`example`/`examples` of schemas,
//! media types and parameters) is checked two ways:
//!
//! 1. against its schema by an independent JSON Schema validator (the generator does
//!    this; an example that contradicts its schema is a warning there too);
//! 2. through the generated Rust type of its place: decoded, re-encoded, and compared
//!    with the example (numbers by value; a `null` the type omits counts as equal).
//!    A driver program per document is generated and compiled against the crate.
//!
//! Prints a table per document and, last, `N of M valid examples round-trip`; writes the
//! details to `target/examples/<document>.json`. Exits 0 when it ran, whatever N is;
//! with `--strict` (CI), non-zero when an exception is not the document's problem.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use generator::ir::{Api, TypeKind, TypeRef};
use generator::package;
use serde_json::{Value, json};

use crate::codegen::workspace_root;
use crate::workspace::{Document, cargo, driver_crate, drivers_dir, write_workspace};

/// What happened to one example.
struct Outcome {
    origin: String,
    valid: Option<bool>,
    /// `ok`, or why decoding or re-encoding failed.
    round_trip: String,
    /// The example's type, to tell a property the document does not declare.
    ty: TypeRef,
}

/// Why an example that the validator accepts does not round-trip.
#[derive(PartialEq)]
enum Exception {
    /// The example uses a property its schema does not declare (objects are open in
    /// JSON Schema, so the validator accepts it): a document problem.
    Undeclared,
    /// Anything else: our problem.
    Ours,
}

struct Row {
    label: String,
    api: Option<Api>,
    outcomes: Vec<Outcome>,
    failure: Option<String>,
}

pub fn run(documents: &[Document], strict: bool) -> Result<(), String> {
    let root = workspace_root();
    let out = drivers_dir();
    let reports = root.join("target/examples");
    for dir in [&out, &reports] {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    let mut rows = Vec::new();
    let mut crates = Vec::new();
    for document in documents {
        match prepare(document) {
            Ok((name, api, outcomes)) => {
                crates.push(name);
                rows.push(Row {
                    label: document.label.clone(),
                    api: Some(api),
                    outcomes,
                    failure: None,
                });
            }
            Err(failure) => rows.push(Row {
                label: document.label.clone(),
                api: None,
                outcomes: Vec::new(),
                failure: Some(failure),
            }),
        }
    }
    write_workspace(&root, &out, &crates)?;
    eprintln!("building {} example drivers…", crates.len());
    let started = Instant::now();
    let build = cargo(&out, &["build", "--examples", "--workspace", "--quiet"])?;
    eprintln!("built in {:.0} s", started.elapsed().as_secs_f64());
    let mut crate_names = crates.iter();
    for row in rows.iter_mut().filter(|r| r.failure.is_none()) {
        let Some(name) = crate_names.next() else {
            break;
        };
        if !build.status.success() {
            row.failure = Some("the crate or its driver does not compile".into());
            continue;
        }
        if let Err(failure) = run_driver(&out, name, &mut row.outcomes) {
            row.failure = Some(failure);
        }
    }
    if !build.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&build.stderr));
    }
    let ours = report(&reports, &rows)?;
    if strict && ours > 0 {
        return Err(format!(
            "{ours} examples that their schemas accept do not round-trip through the generated types"
        ));
    }
    Ok(())
}

/// Generates the crate of one document with a driver that round-trips its examples.
fn prepare(document: &Document) -> Result<(String, Api, Vec<Outcome>), String> {
    let (name, dir, output) = driver_crate(document)?;
    let examples_dir = dir.join("examples");
    std::fs::create_dir_all(&examples_dir).map_err(|e| e.to_string())?;
    let values: Vec<&Value> = output.api.examples.iter().map(|e| &e.value).collect();
    let json = serde_json::to_string(&values).map_err(|e| e.to_string())?;
    std::fs::write(examples_dir.join("examples.json"), json).map_err(|e| e.to_string())?;
    let driver = driver(&output.api, &name.replace('-', "_"));
    let file = examples_dir.join(format!("{}.rs", driver_name(&name)));
    std::fs::write(file, driver).map_err(|e| e.to_string())?;
    let outcomes = output
        .api
        .examples
        .iter()
        .map(|example| Outcome {
            origin: example.origin.clone(),
            valid: example.valid,
            round_trip: "not run".into(),
            ty: example.ty.clone(),
        })
        .collect();
    Ok((name, output.api, outcomes))
}

fn driver_name(crate_name: &str) -> String {
    format!("roundtrip_{}", crate_name.replace('-', "_"))
}

/// The driver: one `check` per example, typed as its place.
fn driver(api: &Api, crate_ident: &str) -> String {
    let mut checks = String::new();
    for (index, example) in api.examples.iter().enumerate() {
        let ty = generator::emit::rust_type(api, &example.ty, &format!("{crate_ident}::types"));
        let _ = writeln!(
            checks,
            "    report({index}, check::<{ty}>(&examples[{index}]));"
        );
    }
    DRIVER.replace("// CHECKS\n", &checks)
}

const DRIVER: &str = r#"//! Generated by `cargo xtask examples`: decodes every example of the document through
//! the type of its place, re-encodes it and compares.
#![allow(clippy::all)]

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn main() {
    let examples: Vec<Value> =
        serde_json::from_str(include_str!("examples.json")).expect("the examples");
    // CHECKS
}

fn report(index: usize, result: Result<(), String>) {
    let outcome = match result {
        Ok(()) => "ok".to_owned(),
        Err(why) => why.replace(['\n', '\t'], " "),
    };
    println!("{index}\t{outcome}");
}

fn check<T: Serialize + DeserializeOwned>(example: &Value) -> Result<(), String> {
    let decoded = T::deserialize(example).map_err(|e| format!("does not decode: {e}"))?;
    let encoded = serde_json::to_value(&decoded).map_err(|e| format!("does not encode: {e}"))?;
    same(example, &encoded, "")
}

/// Equal JSON, numbers by value; a `null` in the example may be absent when re-encoded.
fn same(example: &Value, encoded: &Value, at: &str) -> Result<(), String> {
    let differs = || Err(format!("re-encoded differently at `{at}`: {encoded} for {example}"));
    match (example, encoded) {
        (Value::Number(a), Value::Number(b)) => {
            let equal = match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => a.as_f64() == b.as_f64(),
            };
            if equal { Ok(()) } else { differs() }
        }
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                match b.get(key) {
                    Some(other) => same(value, other, &format!("{at}/{key}"))?,
                    None if value.is_null() => {}
                    None => return Err(format!("`{at}/{key}` is lost when re-encoded")),
                }
            }
            match b.keys().find(|key| !a.contains_key(*key)) {
                Some(key) => Err(format!("`{at}/{key}` appears when re-encoded")),
                None => Ok(()),
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                same(x, y, &format!("{at}/{index}"))?;
            }
            Ok(())
        }
        (a, b) if a == b => Ok(()),
        _ => differs(),
    }
}
"#;

fn run_driver(out: &Path, name: &str, outcomes: &mut [Outcome]) -> Result<(), String> {
    let binary = out.join("target/debug/examples").join(driver_name(name));
    let output = Command::new(&binary)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!(
            "the driver failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((index, outcome)) = line.split_once('\t') else {
            continue;
        };
        if let Some(slot) = index
            .parse::<usize>()
            .ok()
            .and_then(|i| outcomes.get_mut(i))
        {
            slot.round_trip = outcome.to_owned();
        }
    }
    Ok(())
}

/// Prints the table; the number of failures that are the generator's.
fn report(out: &Path, rows: &[Row]) -> Result<usize, String> {
    println!(
        "\n{:<44} {:>8} {:>8} {:>8} {:>12}",
        "document", "examples", "valid", "decoded", "round-trip"
    );
    let (mut all_valid, mut all_round_trip, mut undeclared) = (0, 0, 0);
    for row in rows {
        let valid: Vec<&Outcome> = row
            .outcomes
            .iter()
            .filter(|o| o.valid == Some(true))
            .collect();
        let decoded = valid
            .iter()
            .filter(|o| !o.round_trip.starts_with("does not decode"))
            .count();
        let round_trip = valid.iter().filter(|o| o.round_trip == "ok").count();
        all_valid += valid.len();
        all_round_trip += round_trip;
        match &row.failure {
            Some(failure) => println!("{:<44} {failure}", row.label),
            None => println!(
                "{:<44} {:>8} {:>8} {:>8} {:>12}",
                row.label,
                row.outcomes.len(),
                valid.len(),
                decoded,
                format!("{round_trip} of {}", valid.len())
            ),
        }
        for outcome in valid.iter().filter(|o| o.round_trip != "ok") {
            let exception = row
                .api
                .as_ref()
                .map_or(Exception::Ours, |api| classify(api, outcome));
            let note = match exception {
                Exception::Undeclared => {
                    undeclared += 1;
                    "document problem: the property is not in its schema"
                }
                Exception::Ours => "generator problem",
            };
            println!("    {}: {} ({note})", outcome.origin, outcome.round_trip);
        }
        let details: Vec<Value> = row
            .outcomes
            .iter()
            .map(|o| json!({"origin": o.origin, "valid": o.valid, "round_trip": o.round_trip}))
            .collect();
        let file = out.join(format!("{}.json", package::crate_name(&row.label)));
        let text = serde_json::to_string_pretty(
            &json!({"document": row.label, "failure": row.failure, "examples": details}),
        )
        .map_err(|e| e.to_string())?;
        std::fs::write(file, text).map_err(|e| e.to_string())?;
    }
    let ours = all_valid - all_round_trip - undeclared;
    println!(
        "exceptions: {undeclared} use properties their schema does not declare (document problems), {ours} generator problems"
    );
    println!("{all_round_trip} of {all_valid} valid examples round-trip");
    Ok(ours)
}

/// Whether a failed round trip is the document's problem: the property lost on the way
/// is one the type at that place does not declare.
fn classify(api: &Api, outcome: &Outcome) -> Exception {
    let lost = outcome
        .round_trip
        .strip_prefix('`')
        .and_then(|rest| rest.strip_suffix("` is lost when re-encoded"));
    match lost {
        Some(path) if declares(api, &outcome.ty, path, 0) == Some(false) => Exception::Undeclared,
        _ => Exception::Ours,
    }
}

/// Whether the type `ty` declares the property at JSON pointer `path` (its last
/// segment, in the object its other segments lead to); `None` when it cannot tell.
fn declares(api: &Api, ty: &TypeRef, path: &str, depth: usize) -> Option<bool> {
    const MAX_DEPTH: usize = 64;
    if depth > MAX_DEPTH {
        return None;
    }
    let path = path.strip_prefix('/')?;
    let (segment, rest) = path
        .split_once('/')
        .map_or((path, None), |(s, r)| (s, Some(r)));
    let next = |ty: &TypeRef| match rest {
        Some(rest) => declares(api, ty, &format!("/{rest}"), depth + 1),
        None => Some(true),
    };
    match ty {
        TypeRef::Nullable(inner) => declares(api, inner, &format!("/{path}"), depth + 1),
        TypeRef::Array(item) if segment.parse::<usize>().is_ok() => next(item),
        TypeRef::Map(value) => next(value),
        TypeRef::Any => Some(true),
        TypeRef::Named(id) | TypeRef::Boxed(id) => match &api.type_def(*id).kind {
            TypeKind::Struct(s) => match s.fields.iter().find(|f| f.wire_name == segment) {
                Some(field) => next(&field.ty),
                None if s.additional.is_some() => Some(true),
                None => Some(false),
            },
            TypeKind::Alias(target) | TypeKind::Newtype(target) => {
                declares(api, target, &format!("/{path}"), depth + 1)
            }
            TypeKind::Union(union) => {
                let verdicts: Vec<Option<bool>> = union
                    .variants
                    .iter()
                    .map(|v| declares(api, &v.ty, &format!("/{path}"), depth + 1))
                    .collect();
                if verdicts.contains(&Some(true)) {
                    Some(true)
                } else if verdicts.iter().all(|v| *v == Some(false)) {
                    Some(false)
                } else {
                    None
                }
            }
            _ => None,
        },
        _ => None,
    }
}
