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
use std::io::{BufRead, BufReader};
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
use crate::interop::Interop;
use crate::workspace::{Document, cargo, parse_documents, write_workspace};

const USAGE: &str = "usage: cargo xtask conformance [DOCUMENT…] [--overlay <FILE>] [--specs] [--corpus] [--require <PERCENT>]";

/// How long a validator may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A document prepared for the run.
#[derive(Clone)]
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
    let (args, required) = match args {
        [rest @ .., "--require", percent] => {
            let percent: f64 = percent.parse().map_err(|_| format!("--require takes a percentage\n{USAGE}"))?;
            (rest, Some(percent))
        }
        _ => (args, None),
    };
    let documents = parse_documents(args, USAGE)?;
    let root = workspace_root();
    let out = root.join("target/conformance");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let interop = Interop::new(&root)?;
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
    let (good, all) = report(&out, &rows, &failures)?;
    match required {
        Some(percent) if (good as f64) < percent / 100.0 * all as f64 => Err(format!(
            "{good} of {all} operations conformant is below the {percent} % required"
        )),
        _ => Ok(()),
    }
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
            answer["bodies"] = match content.kind {
                MediaKind::Text | MediaKind::Binary => json!(["sample"]),
                _ => json!(content.samples),
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
    let mut dispatch = String::new();
    let mut functions = String::new();
    for operation in api.operations.iter().filter(|o| !o.webhook) {
        let name = &operation.name;
        let _ = writeln!(dispatch, "        {name:?} => call_{name}(client).await,");
        functions.push_str(&call(api, operation, &types));
    }
    DRIVER
        .replace("CRATE", crate_ident)
        .replace("        // SETUP\n", &setup)
        .replace("        // DISPATCH\n", &dispatch)
        .replace("// FUNCTIONS\n", &functions)
}

/// One operation's call with sample arguments.
fn call(api: &Api, operation: &Operation, types: &str) -> String {
    let mut lines = String::new();
    let mut arguments = Vec::new();
    for parameter in operation.parameters.iter().filter(|p| p.location == ParameterLocation::Path) {
        let name = format!("arg_{}", parameter.name);
        let (ty, pass) = match &parameter.ty {
            TypeRef::Scalar(Scalar::String) => ("String".to_owned(), format!("&{name}")),
            TypeRef::Scalar(_) => (rust_type(api, &parameter.ty, types), name.clone()),
            other => (rust_type(api, other, types), format!("&{name}")),
        };
        let samples: Vec<Value> = parameter.samples.iter().map(|s| path_sample(&parameter.ty, s)).collect();
        let _ = writeln!(lines, "        let {name}: {ty} = arg(&{})?;", literals(&samples));
        arguments.push(pass);
    }
    if let Some(id) = operation.parameters_type {
        let mut fields = Vec::new();
        for parameter in operation.parameters.iter().filter(|p| p.location != ParameterLocation::Path && p.required) {
            let ty = rust_type(api, &parameter.ty, types);
            let candidates = literals(&parameter.samples);
            fields.push(format!("({:?}, field::<{ty}>(&{candidates})?)", parameter.wire_name));
        }
        let ty = rust_type(api, &TypeRef::Named(id), types);
        let _ = writeln!(lines, "        let params: {ty} = object(vec![{}])?;", fields.join(", "));
        arguments.push("&params".to_owned());
    }
    if let Some(body) = &operation.request_body {
        let content = body.preferred().unwrap_or(&body.contents[0]);
        let value = match content.kind {
            MediaKind::Text => "\"sample\".to_owned()".to_owned(),
            MediaKind::Binary => "Bytes::from_static(b\"sample\")".to_owned(),
            _ => format!("arg::<{}>(&{})?", rust_type(api, &content.ty, types), literals(&content.samples)),
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
    let documents_success = operation.responses.iter().any(|r| r.status.is_success());
    format!(
        "async fn call_{name}(client: &Client) -> Result<String, String> {{\n{lines}        let answer = client.{name}({}).await;\n        Ok(describe(answer, {documents_success}))\n}}\n\n",
        arguments.join(", ")
    )
}

/// A path parameter's sample in the type its argument has (path values are strings on
/// the wire; a number sample for a string parameter is written as its text).
fn path_sample(ty: &TypeRef, sample: &Value) -> Value {
    match (ty, sample) {
        (TypeRef::Scalar(Scalar::String), Value::Number(n)) => Value::String(n.to_string()),
        (_, sample) => sample.clone(),
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

/// Candidate JSON values as a Rust array of string literals to parse.
fn literals(values: &[Value]) -> String {
    let texts: Vec<String> = values.iter().map(|v| format!("{:?}", v.to_string())).collect();
    format!("[{}]", texts.join(", "))
}

const DRIVER: &str = r#"//! Generated by `cargo xtask conformance`: calls the operations named on its command
//! line once each with sample arguments, and prints what came back, one line each.
#![allow(clippy::all, unused_imports, deprecated)]

use auth_runtime::reqwest::header::{HeaderMap, HeaderValue};
use auth_runtime::{Auth, BasicAuth, Bytes, Http, HttpOptions, RetryPolicy, SecretString};
use CRATE::client as client_mod;
use CRATE::client::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().expect("the base URL");
    let fixed = client(&base, false);
    let generated = client(&base, true);
    for name in args {
        let mut text = call(&fixed, &name).await;
        if text.starts_with("NORESPONSE") || text.starts_with("DECODE") {
            // Prism's answer (the document's example, or its own) breaks the document's
            // schema, or did not decode: ask for an answer generated from the schema.
            let first: String = text.chars().take(300).collect();
            text = format!("{} (answer generated from the schema; the first answer: {first})", call(&generated, &name).await);
        }
        println!("{name}\t{}", text.replace(['\n', '\t'], " "));
    }
}

/// A client with placeholder credentials for every scheme; `generated` asks Prism for
/// answers generated from the schemas (`Prefer: dynamic=true`, seeded).
fn client(base: &str, generated: bool) -> Client {
    let options = HttpOptions { retry: RetryPolicy::none(), ..HttpOptions::default() };
    let mut headers = HeaderMap::new();
    if generated {
        headers.insert("prefer", HeaderValue::from_static("dynamic=true, seed=conformance"));
    }
    let builder = Http::client_builder(&options).expect("an HTTP client").no_proxy();
    let http = Http::with_client(builder.default_headers(headers).build().expect("an HTTP client"), options);
    Client::new(&client_mod::Server::Custom(base.to_owned()), http)
        .expect("a client")
        // SETUP
}

/// The first candidate (JSON text) that decodes as `T`.
fn arg<T: serde::de::DeserializeOwned>(candidates: &[&str]) -> Result<T, String> {
    let mut first = None;
    for json in candidates {
        match serde_json::from_str(json) {
            Ok(value) => return Ok(value),
            Err(e) => first = first.or(Some(e)),
        }
    }
    Err(format!("ARG no sample decodes: {}", first.map_or("none".into(), |e| e.to_string())))
}

/// A parameter's value, as JSON for its parameters struct.
fn field<T: serde::de::DeserializeOwned + serde::Serialize>(candidates: &[&str]) -> Result<serde_json::Value, String> {
    serde_json::to_value(arg::<T>(candidates)?).map_err(|e| format!("ARG {e}"))
}

fn object<T: serde::de::DeserializeOwned>(fields: Vec<(&str, serde_json::Value)>) -> Result<T, String> {
    let map: serde_json::Map<String, serde_json::Value> = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| format!("ARG the parameters do not decode: {e}"))
}

/// `TAG status detail`: OK, REJECTED (the validator refused the request), NORESPONSE
/// (the validator's answer breaks the document), DECODE, STATUS, ERROR.
fn describe<T: std::fmt::Debug, E: std::fmt::Debug>(
    answer: Result<auth_runtime::ResponseValue<T>, auth_runtime::Error<E>>,
    documents_success: bool,
) -> String {
    let (status, headers, error) = match &answer {
        Ok(value) => (value.status.as_u16(), Some(&value.headers), None),
        Err(error) => (error.status().map_or(0, |s| s.as_u16()), error.headers(), Some(error)),
    };
    let violations = headers.and_then(|h| h.get("sl-violations")).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let (request, response) = split_violations(violations.as_deref());
    if !request.is_empty() {
        return format!("REJECTED {status} {}", request.join("; "));
    }
    let Some(error) = error else {
        return format!("OK {status}");
    };
    let body = error.body().map(|b| b.text().into_owned()).unwrap_or_default();
    let tag = match error.kind() {
        auth_runtime::ErrorKind::Decode { .. } => "DECODE",
        // With --errors, Prism's VIOLATIONS answer is about its own answer.
        _ if !response.is_empty() || body.contains("\"response_errors\"") || body.contains("prism/errors#VIOLATIONS") => "NORESPONSE",
        _ if body.contains("stoplight.io/prism/errors") || body.contains("\"validator\"") => "REJECTED",
        // An operation that documents no success (Okta's `/authorize`: only 429) is
        // answered with a documented error, which decoded.
        auth_runtime::ErrorKind::Status { documented: Some(_), .. } if !documents_success => {
            return format!("OK {status} (the operation documents no success; its documented error decoded)")
        }
        auth_runtime::ErrorKind::Status { .. } => "STATUS",
        _ => "ERROR",
    };
    format!("{tag} {status} {error}")
}

/// Prism's `sl-violations` header: the request's errors, and the response's.
fn split_violations(header: Option<&str>) -> (Vec<String>, Vec<String>) {
    let mut request = Vec::new();
    let mut response = Vec::new();
    let header = header.unwrap_or("[]");
    let Ok(list) = serde_json::from_str::<Vec<serde_json::Value>>(header) else {
        // Cut short ("Too many violations! …"): only which side is at fault is known.
        let side = if header.contains("\"location\":[\"request\"") { &mut request } else { &mut response };
        side.push(header.chars().take(300).collect());
        return (request, response);
    };
    for violation in list {
        if violation["severity"] != "Error" {
            continue;
        }
        let location: Vec<String> = violation["location"].as_array().into_iter().flatten().filter_map(|l| l.as_str().map(str::to_owned)).collect();
        let text = format!("{}: {}", location.join("."), violation["message"].as_str().unwrap_or(""));
        if location.first().map(String::as_str) == Some("request") {
            request.push(text);
        } else {
            response.push(text);
        }
    }
    (request, response)
}

async fn call(client: &Client, name: &str) -> String {
    let outcome: Result<String, String> = match name {
        // DISPATCH
        _ => Err("ERROR no such operation".to_owned()),
    };
    match outcome {
        Ok(text) | Err(text) => text,
    }
}

// FUNCTIONS
"#;

/// Runs one document's driver against Prism, or the second validator when Prism cannot
/// start on it.
fn check(interop: &Interop, out: &Path, document: &Prepared) -> (&'static str, Vec<Outcome>) {
    let log = out.join(format!("{}.log", document.crate_name));
    let prism = |port| interop.prism(&document.served, port);
    let validator = |port| interop.validator(&document.served, &document.responses, port);
    match Server::start(&prism, &log) {
        Ok(server) => {
            let mut outcomes = drive(out, server, &prism, document);
            let second = answered_by_second(out, &validator, document, &mut outcomes);
            (if second { "prism+openapi-core" } else { "prism" }, outcomes)
        }
        Err(why) => {
            eprintln!("  prism: {why}; using openapi-core");
            match Server::start(&validator, &log) {
                Ok(server) => ("openapi-core", drive(out, server, &validator, document)),
                Err(why) => {
                    let detail = format!("no validator could start: {why}");
                    let outcomes = document.operations.iter().map(|operation| Outcome::failed(operation, &detail));
                    ("none", outcomes.collect())
                }
            }
        }
    }
}

/// Operations whose request Prism accepted but for which it could not produce an answer
/// the document accepts (or whose answer broke the document so that it did not decode)
/// are called again against the second validator, which answers with a synthesized
/// response it has validated. Returns whether it was needed.
fn answered_by_second(out: &Path, validator: &Launch, document: &Prepared, outcomes: &mut [Outcome]) -> bool {
    let again: Vec<String> = outcomes
        .iter()
        .filter(|o| {
            let skipped = |why: &str| o.verdict == Verdict::Skipped && o.detail.contains(why);
            o.verdict == Verdict::Undecoded || skipped(NO_ANSWER) || skipped(CRASHED)
        })
        .map(|o| o.operation.clone())
        .collect();
    if again.is_empty() {
        return false;
    }
    let log = out.join(format!("{}.openapi-core.log", document.crate_name));
    let server = match Server::start(validator, &log) {
        Ok(server) => server,
        Err(why) => {
            eprintln!("  openapi-core: {why}");
            return false;
        }
    };
    let second = Prepared {
        operations: again,
        ..document.clone()
    };
    for retried in drive(out, server, validator, &second) {
        if let Some(outcome) = outcomes.iter_mut().find(|o| o.operation == retried.operation) {
            let prism: String = outcome.detail.chars().take(300).collect();
            *outcome = Outcome {
                detail: format!("judged by openapi-core: {} (Prism: {prism})", retried.detail),
                ..retried
            };
        }
    }
    true
}

/// How a skip for a validator that died on a request is worded.
const CRASHED: &str = "the validator crashed on this request";

/// How a skip for want of an answer is worded.
const NO_ANSWER: &str = "the validator could not produce an answer its document accepts";

/// How to start a validator on a port.
type Launch<'a> = dyn Fn(u16) -> Result<(Command, u16), String> + 'a;

/// A validator process listening on a loopback port, logging to a file.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    /// Starts a validator and waits until its port accepts connections.
    fn start(launch: &Launch, log: &Path) -> Result<Server, String> {
        let (mut command, port) = launch(free_port())?;
        let file = std::fs::File::create(log).map_err(|e| e.to_string())?;
        let err = file.try_clone().map_err(|e| e.to_string())?;
        let mut child = command
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start: {e}"))?;
        let started = Instant::now();
        while started.elapsed() < START_TIMEOUT {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(Server { child, port });
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("exited ({status}): {}", last_error(log)));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let _ = child.kill();
        let _ = child.wait();
        Err(format!("did not start within {} s", START_TIMEOUT.as_secs()))
    }

    fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last line of a validator's log that names an error (why it stopped).
fn last_error(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let line = text.lines().rev().find(|l| l.contains("Error")).unwrap_or("no reason logged");
    line.trim().chars().take(200).collect()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_or(4010, |a| a.port())
}

/// Calls every operation through the driver. When the validator dies on a request (Prism
/// does on some documents), that operation is skipped with the validator's reason, and
/// the validator is restarted for the operations after it.
fn drive(out: &Path, mut server: Server, launch: &Launch, document: &Prepared) -> Vec<Outcome> {
    let binary = out.join("target/debug/examples").join(driver_name(&document.crate_name));
    let log = out.join(format!("{}.log", document.crate_name));
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut pending: Vec<String> = document.operations.clone();
    while !pending.is_empty() {
        let lines = run_driver(&binary, server.port, &pending);
        let mut ran: Vec<Outcome> = lines.iter().map(|(operation, text)| classify(operation, text)).collect();
        if server.is_running() {
            outcomes.append(&mut ran);
            break;
        }
        // The validator died: keep what came before the first unanswered call, skip that
        // call with the reason, and go on after it with a new validator.
        let crash = ran.iter().position(|o| o.detail.contains("API: ")).unwrap_or(ran.len());
        let reason = last_error(&log);
        ran.truncate(crash);
        outcomes.append(&mut ran);
        let Some(victim) = pending.get(crash).cloned() else { break };
        outcomes.push(Outcome {
            operation: victim,
            verdict: Verdict::Skipped,
            detail: format!("{CRASHED}: {reason}"),
        });
        pending.drain(..=crash);
        server = match Server::start(launch, &log) {
            Ok(server) => server,
            Err(why) => {
                outcomes.extend(pending.iter().map(|o| Outcome::failed(o, &format!("the validator did not restart: {why}"))));
                break;
            }
        };
    }
    document
        .operations
        .iter()
        .map(|operation| {
            let found = outcomes.iter().find(|o| &o.operation == operation).cloned();
            found.unwrap_or_else(|| Outcome::failed(operation, "the driver stopped before calling it"))
        })
        .collect()
}

/// The driver's `(operation, text)` lines for `operations`.
fn run_driver(binary: &Path, port: u16, operations: &[String]) -> Vec<(String, String)> {
    let child = Command::new(binary)
        .arg(format!("http://127.0.0.1:{port}"))
        .args(operations)
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .spawn();
    let mut lines = Vec::new();
    if let Ok(mut child) = child {
        if let Some(stdout) = child.stdout.take() {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some((operation, text)) = line.split_once('\t') {
                    lines.push((operation.to_owned(), text.to_owned()));
                }
            }
        }
        let _ = child.wait();
    }
    lines
}

impl Outcome {
    fn failed(operation: &str, detail: &str) -> Outcome {
        Outcome {
            operation: operation.to_owned(),
            verdict: Verdict::Failed,
            detail: detail.to_owned(),
        }
    }
}

/// The verdict of one driver line.
fn classify(operation: &str, text: &str) -> Outcome {
    let (tag, rest) = text.split_once(' ').unwrap_or((text, ""));
    // What Prism answers when the document gives it nothing to answer with.
    let nothing_to_answer = ["NO_RESPONSE_RESPONSE_DEFINED", "NO_RESPONSE_DEFINED", "NOT_IMPLEMENTED", "NO_COMPLEX_OBJECT_TEXT"];
    let (verdict, detail) = match tag {
        _ if nothing_to_answer.iter().any(|n| rest.contains(n)) => {
            (Verdict::Skipped, format!("the document gives the validator no answer to send: {rest}"))
        }
        _ if rest.contains("\"validator_error\"") => {
            (Verdict::Skipped, format!("the validator failed on this request: {rest}"))
        }
        "OK" => (Verdict::Conformant, rest.to_owned()),
        "REJECTED" => (Verdict::Rejected, rest.to_owned()),
        "DECODE" => (Verdict::Undecoded, rest.to_owned()),
        "NORESPONSE" => (
            Verdict::Skipped,
            format!("{NO_ANSWER}: {rest}"),
        ),
        _ => (Verdict::Failed, rest.to_owned()),
    };
    Outcome {
        operation: operation.to_owned(),
        verdict,
        detail,
    }
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
        let text = serde_json::to_string_pretty(&json!({"document": label, "validator": validator, "operations": details}))
            .map_err(|e| e.to_string())?;
        std::fs::write(out.join(format!("{}.json", package::crate_name(label))), text).map_err(|e| e.to_string())?;
    }
    for (label, failure) in failures {
        println!("{label:<44} not generated: {failure}");
    }
    println!("{good} of {all} operations conformant");
    Ok((good, all))
}
