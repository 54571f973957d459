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

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use generator::emit::rust_type;
use generator::ir::*;
use generator::package::{self, Runtime};
use generator::{Options, generate};
use serde_json::{Value, json};

use crate::codegen::workspace_root;
use crate::workspace::{Document, cargo, parse_documents, write_workspace};

const USAGE: &str =
    "usage: cargo xtask conformance [DOCUMENT…] [--overlay <FILE>] [--specs] [--corpus]";

/// How long a validator may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A document prepared for the run.
struct Prepared {
    label: String,
    crate_name: String,
    /// The document as the validator reads it (overlays applied).
    served: PathBuf,
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

pub fn run(args: &[&str]) -> Result<(), String> {
    let documents = parse_documents(args, USAGE)?;
    let root = workspace_root();
    let out = root.join("target/conformance");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let interop = crate::interop::Interop::new(&root)?;
    let mut prepared = Vec::new();
    let mut failures = Vec::new();
    for document in &documents {
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
    report(&out, &rows, &failures)
}

/// Generates the crate (with samples) and its driver.
fn prepare(out: &Path, document: &Document) -> Result<Prepared, String> {
    let options = Options {
        overlay: document.overlay.clone(),
        samples: true,
        ..Options::default()
    };
    let output = generate(&document.path, &options).map_err(|d| d.to_string())?;
    let crate_name = package::crate_name(&format!("conformance-{}", document.label));
    let dir = out.join(&crate_name);
    let runtime = Runtime::Path(workspace_root().join("runtime"));
    package::write_crate(&dir, &output, &crate_name, &runtime)?;
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    text.push_str("\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n");
    std::fs::write(&manifest, text).map_err(|e| e.to_string())?;
    let examples = dir.join("examples");
    std::fs::create_dir_all(&examples).map_err(|e| e.to_string())?;
    let driver = driver(&output.api, &crate_name.replace('-', "_"));
    std::fs::write(examples.join(format!("{}.rs", driver_name(&crate_name))), driver)
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
            .or_else(|| operation.responses.iter().find(|r| r.status == StatusCode::Default));
        let Some(response) = chosen else { continue };
        let status = match response.status {
            StatusCode::Code(code) => code,
            _ => 200,
        };
        let mut answer = json!({ "status": status });
        if let Some(content) = response.preferred() {
            answer["media_type"] = json!(content.media_type);
            answer["body"] = match content.kind {
                MediaKind::Text | MediaKind::Binary => json!("sample"),
                _ => content.sample.clone().unwrap_or(Value::Null),
            };
        }
        let key = format!("{} {}", operation.method.as_str().to_uppercase(), operation.path);
        answers.insert(key, answer);
    }
    Value::Object(answers)
}

fn driver_name(crate_name: &str) -> String {
    crate_name.replace('-', "_")
}

/// The driver: placeholder credentials for every scheme, then every operation once.
fn driver(api: &Api, crate_ident: &str) -> String {
    let types = format!("{crate_ident}::types");
    let mut setup = String::new();
    for scheme in &api.security_schemes {
        let setter = &scheme.setter;
        let credentials = match &scheme.kind {
            SecuritySchemeKind::ApiKey { .. } => "SecretString::from(\"conformance-key\")".to_owned(),
            SecuritySchemeKind::Http { scheme } if scheme == "basic" => {
                "BasicAuth::new(\"conformance\", SecretString::from(\"password\"))".to_owned()
            }
            _ => "Auth::bearer(\"conformance-token\")".to_owned(),
        };
        let _ = writeln!(setup, "        .{setter}({credentials})");
    }
    let mut calls = String::new();
    let mut functions = String::new();
    for operation in api.operations.iter().filter(|o| !o.webhook) {
        let _ = writeln!(calls, "    call_{}(&client).await;", operation.name);
        functions.push_str(&call(api, operation, &types));
    }
    DRIVER
        .replace("CRATE", crate_ident)
        .replace("        // SETUP\n", &setup)
        .replace("    // CALLS\n", &calls)
        .replace("// FUNCTIONS\n", &functions)
}

/// One operation's call with sample arguments.
fn call(api: &Api, operation: &Operation, types: &str) -> String {
    let mut lines = String::new();
    let mut arguments = Vec::new();
    for parameter in operation.parameters.iter().filter(|p| p.location == ParameterLocation::Path) {
        let name = format!("arg_{}", parameter.name);
        let sample = parameter.sample.clone().unwrap_or(json!("sample"));
        let (ty, pass) = match &parameter.ty {
            TypeRef::Scalar(Scalar::String) => ("String".to_owned(), format!("&{name}")),
            TypeRef::Scalar(_) => (rust_type(api, &parameter.ty, types), name.clone()),
            other => (rust_type(api, other, types), format!("&{name}")),
        };
        let sample = path_sample(&parameter.ty, sample);
        let _ = writeln!(lines, "        let {name}: {ty} = arg({})?;", literal(&sample));
        arguments.push(pass);
    }
    if let Some(id) = operation.parameters_type {
        let mut object = serde_json::Map::new();
        for parameter in operation.parameters.iter().filter(|p| p.location != ParameterLocation::Path) {
            if parameter.required {
                object.insert(parameter.wire_name.clone(), parameter.sample.clone().unwrap_or(Value::Null));
            }
        }
        let ty = rust_type(api, &TypeRef::Named(id), types);
        let _ = writeln!(lines, "        let params: {ty} = arg({})?;", literal(&Value::Object(object)));
        arguments.push("&params".to_owned());
    }
    if let Some(body) = &operation.request_body {
        let content = body.preferred().unwrap_or(&body.contents[0]);
        let sample = content.sample.clone().unwrap_or(Value::Null);
        let value = match content.kind {
            MediaKind::Text => "\"sample\".to_owned()".to_owned(),
            MediaKind::Binary => "Bytes::from_static(b\"sample\")".to_owned(),
            _ => format!("arg::<{}>({})?", rust_type(api, &content.ty, types), literal(&sample)),
        };
        let argument = if body.contents.len() > 1 {
            let index = body.contents.iter().position(|c| std::ptr::eq(c, content)).unwrap_or(0);
            let variant = body_variant(body, index);
            let enum_name = format!("{}Body", generator::names::pascal(&operation.name));
            format!("client_mod::{enum_name}::{variant}({value})")
        } else {
            match content.kind {
                MediaKind::Binary => value,
                MediaKind::Text => format!("&{value}"),
                _ => format!("&{value}"),
            }
        };
        let argument = if body.required { argument } else { format!("Some({argument})") };
        let _ = writeln!(lines, "        let body = {argument};");
        arguments.push("body".to_owned());
    }
    let name = &operation.name;
    format!(
        "async fn call_{name}(client: &Client) {{\n    let outcome: Result<String, String> = async {{\n{lines}        #[allow(deprecated)]\n        let answer = client.{name}({}).await;\n        Ok(describe(answer))\n    }}\n    .await;\n    report(\"{name}\", outcome);\n}}\n\n",
        arguments.join(", ")
    )
}

/// A path parameter's sample in the type its argument has (path values are strings on
/// the wire; a number sample for a string parameter is written as its text).
fn path_sample(ty: &TypeRef, sample: Value) -> Value {
    match (ty, sample) {
        (TypeRef::Scalar(Scalar::String), Value::Number(n)) => Value::String(n.to_string()),
        (_, sample) => sample,
    }
}

/// The variant name the generator gives the body content at `index` (the same rule:
/// by how it is written, each name once).
fn body_variant(body: &RequestBody, index: usize) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut name = String::new();
    for (i, content) in body.contents.iter().enumerate() {
        let base = match content.kind {
            MediaKind::Binary => "Bytes".to_owned(),
            kind => format!("{kind:?}"),
        };
        let mut candidate = base.clone();
        let mut n = 2;
        while seen.contains(&candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        seen.push(candidate.clone());
        if i == index {
            name = candidate;
        }
    }
    name
}

/// A JSON value as a Rust string literal to parse.
fn literal(value: &Value) -> String {
    format!("{:?}", value.to_string())
}

const DRIVER: &str = r#"//! Generated by `cargo xtask conformance`: calls every operation once with sample
//! arguments and reports what the validator and the generated types made of it.
#![allow(clippy::all, unused_imports, deprecated)]

use auth_runtime::{Auth, BasicAuth, Bytes, Http, HttpOptions, RetryPolicy, SecretString};
use CRATE::client as client_mod;
use CRATE::client::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base = std::env::args().nth(1).expect("the base URL");
    let options = HttpOptions { retry: RetryPolicy::none(), ..HttpOptions::default() };
    let http = Http::new(options).expect("an HTTP client");
    let client = Client::new(&client_mod::Server::Custom(base), http)
        .expect("a client")
        // SETUP
        ;
    // CALLS
}

fn arg<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|e| format!("ARG the sample does not decode: {e}"))
}

fn describe<T: std::fmt::Debug, E: std::fmt::Debug>(
    answer: Result<auth_runtime::ResponseValue<T>, auth_runtime::Error<E>>,
) -> String {
    match answer {
        Ok(value) => format!("OK {}", value.status.as_u16()),
        Err(error) => {
            let status = error.status().map(|s| s.as_u16()).unwrap_or(0);
            let body = error.body().map(|b| b.text().into_owned()).unwrap_or_default();
            let kind = match error.kind() {
                auth_runtime::ErrorKind::Decode { .. } => "DECODE",
                auth_runtime::ErrorKind::Status { .. } if body.contains("stoplight.io/prism/errors") || body.contains("\"validator\"") => "REJECTED",
                auth_runtime::ErrorKind::Status { .. } => "STATUS",
                _ => "ERROR",
            };
            format!("{kind} {status} {error}")
        }
    }
}

fn report(operation: &str, outcome: Result<String, String>) {
    let text = match outcome {
        Ok(text) | Err(text) => text,
    };
    println!("{operation}\t{}", text.replace(['\n', '\t'], " "));
}

// FUNCTIONS
"#;

/// Runs one document's driver against Prism, or the second validator when Prism cannot
/// start on it.
fn check(interop: &crate::interop::Interop, out: &Path, document: &Prepared) -> (&'static str, Vec<Outcome>) {
    let binary = out.join("target/debug/examples").join(driver_name(&document.crate_name));
    match interop.prism(&document.served, free_port()).and_then(start) {
        Ok(mut server) => {
            let outcomes = drive(&binary, &server, document);
            server.stop();
            ("prism", outcomes)
        }
        Err(why) => {
            eprintln!("  prism: {why}; using openapi-core");
            match interop.validator(&document.served, &document.responses, free_port()).and_then(start) {
                Ok(mut server) => {
                    let outcomes = drive(&binary, &server, document);
                    server.stop();
                    ("openapi-core", outcomes)
                }
                Err(why) => (
                    "none",
                    document
                        .operations
                        .iter()
                        .map(|operation| Outcome {
                            operation: operation.clone(),
                            verdict: Verdict::Failed,
                            detail: format!("no validator could start: {why}"),
                        })
                        .collect(),
                ),
            }
        }
    }
}

/// A validator process listening on a loopback port.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_or(4010, |a| a.port())
}

/// Starts `command` and waits until its port accepts connections.
fn start(command: (Command, u16)) -> Result<Server, String> {
    let (mut command, port) = command;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    let started = Instant::now();
    while started.elapsed() < START_TIMEOUT {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(Server { child, port });
        }
        if let Ok(Some(status)) = child.try_wait() {
            let mut stderr = String::new();
            if let Some(mut err) = child.stderr.take() {
                let _ = err.read_to_string(&mut stderr);
            }
            let last: Vec<&str> = stderr.lines().rev().take(3).collect();
            return Err(format!("exited ({status}): {}", last.join(" | ")));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = child.kill();
    let _ = child.wait();
    Err(format!("did not start within {} s", START_TIMEOUT.as_secs()))
}

fn drive(binary: &Path, server: &Server, document: &Prepared) -> Vec<Outcome> {
    let base = format!("http://127.0.0.1:{}", server.port);
    let output = Command::new(binary).arg(&base).stderr(Stdio::piped()).stdout(Stdio::piped()).spawn();
    let mut seen: Vec<Outcome> = Vec::new();
    if let Ok(mut child) = output {
        if let Some(stdout) = child.stdout.take() {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some((operation, text)) = line.split_once('\t') {
                    seen.push(classify(operation, text));
                }
            }
        }
        let _ = child.wait();
    }
    document
        .operations
        .iter()
        .map(|operation| {
            seen.iter().find(|o| &o.operation == operation).cloned().unwrap_or(Outcome {
                operation: operation.clone(),
                verdict: Verdict::Failed,
                detail: "the driver stopped before calling it".into(),
            })
        })
        .collect()
}

/// The verdict of one driver line.
fn classify(operation: &str, text: &str) -> Outcome {
    let (tag, rest) = text.split_once(' ').unwrap_or((text, ""));
    let verdict = match tag {
        "OK" => Verdict::Conformant,
        "REJECTED" => Verdict::Rejected,
        "DECODE" => Verdict::Undecoded,
        // Prism answers 501/500 when the document gives it nothing to answer with.
        "STATUS" if rest.contains("NO_RESPONSE_DEFINED") || rest.contains("NOT_IMPLEMENTED") || rest.contains("NO_COMPLEX_OBJECT_TEXT") => Verdict::Skipped,
        "STATUS" => Verdict::Failed,
        _ => Verdict::Failed,
    };
    Outcome {
        operation: operation.to_owned(),
        verdict,
        detail: rest.to_owned(),
    }
}

fn report(out: &Path, rows: &[(String, &'static str, Vec<Outcome>)], failures: &[(String, String)]) -> Result<(), String> {
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
        let text = serde_json::to_string_pretty(&json!({"document": label, "validator": validator, "operations": details}))
            .map_err(|e| e.to_string())?;
        std::fs::write(out.join(format!("{}.json", package::crate_name(label))), text).map_err(|e| e.to_string())?;
    }
    for (label, failure) in failures {
        println!("{label:<44} not generated: {failure}");
    }
    println!("{good} of {all} operations conformant");
    Ok(())
}
