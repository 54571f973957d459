//! OpenAPI 3.0, 3.1 and 3.2 documents → Rust.
//!
//! The pipeline has three stages, each in its own module:
//! [`load`] (files → JSON trees, `$ref`s across files, overlays),
//! [`lower`] (trees → [`ir::Api`], every problem collected as a diagnostic) and
//! [`emit`] (IR → formatted Rust source).

mod builder;
pub mod diagnostic;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod package;
// One rule for which names hold secrets, shared with the runtime (which masks them).
#[path = "../../runtime/src/secret_names.rs"]
mod secret_names;
pub mod text;

use std::path::{Path, PathBuf};

use serde_json::Value;

pub use builder::Builder;
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
use load::{Limits, Loc, Problem, Sources};

/// What to generate from one document.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// An OpenAPI Overlay 1.0 document applied before lowering.
    pub overlay: Option<PathBuf>,
    /// The directory whose files `$ref`s may read; `None`: the document's own directory
    /// (and below). References never leave it.
    pub ref_root: Option<PathBuf>,
    /// Give parameters and request bodies sample values in the IR (for tools that call
    /// every operation).
    pub samples: bool,
    /// The path apps name the API's module by (`my_api`, `generated::cobee`): its
    /// documentation then shows a usage example, compiled as a `no_run` doctest. The
    /// crate's root must re-export the runtime as `auth_runtime`.
    pub module_path: Option<String>,
    /// `date-time`, `date`, `uuid` and `byte` strings become the runtime's checked types
    /// (`auth_runtime::formats`) instead of `String`.
    pub typed_formats: bool,
    /// Every type derives both `Serialize` and `Deserialize`. By default a type derives
    /// only what the way it travels needs (`Serialize` when sent, `Deserialize` when
    /// received), which compiles faster; tools that round-trip values, and apps that
    /// store what they send or read back what they received, want both.
    pub both_directions: bool,
    /// One Cargo feature per group of operations (per tag, or per resource path when
    /// the document does not tag every operation): each enables its operations and
    /// the types they reach. [`Output::features`] lists them for the crate's manifest,
    /// which must declare them; `package` writes them all into `default`.
    pub features: bool,
}

/// The generated module of one API.
#[derive(Debug)]
pub struct Output {
    pub api: ir::Api,
    /// Files of the module, by name relative to the module directory
    /// (`mod.rs` first), in a fixed order.
    pub files: Vec<(String, String)>,
    /// Warnings: constructs generated approximately, each located.
    pub warnings: Diagnostics,
    /// Every file read: the document, the files its `$ref`s name, the overlay.
    pub inputs: Vec<PathBuf>,
    /// The document's file name, as generated files cite it.
    pub source_name: String,
    /// [`Options::both_directions`], as generated.
    pub both_directions: bool,
    /// The Cargo features the code is gated by (see [`Options::features`]), each with
    /// the features it turns on, for the crate's manifest; empty when it is not gated.
    /// Names that start with `_` are internal: the others turn them on.
    pub features: Vec<(String, Vec<String>)>,
}

impl Output {
    /// The whole API as one self-contained file for `include!` (see [`Builder`]): the
    /// `types` and `client` modules inline.
    pub fn single_file(&self) -> String {
        emit::single_file(&self.api, &self.source_name, self.both_directions)
    }
}

/// Stack of the thread that generates: lowering and printing recurse as deep as a
/// schema is nested (at most 128 levels, the parsers' limit), which needs a few MiB in
/// a debug build; a caller's thread may have less (test threads have 2 MiB).
pub(crate) const STACK_SIZE: usize = 64 * 1024 * 1024;

/// Loads, lowers and emits the document at `entry`. On error, every problem found
/// is returned, each with its file, position and JSON pointer.
///
/// Runs on a thread of its own with a large stack, so no document can overflow the
/// caller's stack.
pub fn generate(entry: &Path, options: &Options) -> Result<Output, Diagnostics> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("generator".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || generate_here(entry, options));
        match worker {
            Ok(worker) => worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had (a process limit): generate here.
            Err(_) => generate_here(entry, options),
        }
    })
}

fn generate_here(entry: &Path, options: &Options) -> Result<Output, Diagnostics> {
    let limits = Limits {
        root: options.ref_root.clone(),
        ..Limits::default()
    };
    let mut sources = Sources::load(entry, &limits)?;
    let mut inputs: Vec<PathBuf> = sources.files().map(|(id, _)| sources.path_of(id)).collect();
    if let Some(overlay) = &options.overlay {
        apply_overlay(&mut sources, overlay)?;
        inputs.push(overlay.clone());
    }
    let version_problems = check_version(&sources);
    if !version_problems.is_empty() {
        return Err(sources.diagnostics(version_problems));
    }
    let (api, problems) = lower::lower(&sources, options.samples, options.typed_formats);
    let diagnostics = sources.diagnostics(problems);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    // The documents' trees are not needed to print Rust: free them first.
    drop(sources);
    let source_name = entry
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let plan = emit::Plan::new(&api, options.both_directions, options.features);
    let files = vec![
        (
            "mod.rs".to_owned(),
            emit::module_file(&api, &source_name, options.module_path.as_deref(), &plan),
        ),
        (
            "client.rs".to_owned(),
            emit::client_file(&api, &source_name, &plan),
        ),
        (
            "types.rs".to_owned(),
            emit::types_file(&api, &source_name, &plan),
        ),
    ];
    Ok(Output {
        api,
        files,
        warnings: diagnostics,
        inputs,
        source_name,
        both_directions: options.both_directions,
        features: plan.manifest_features(),
    })
}

/// What was generated, in one line: `12 types, 4 operations, 4 methods, 2 auth clients,
/// 0 warnings`. Methods are the operations a client calls (webhooks are requests the
/// server makes); auth clients are the token operations' flows and the security
/// schemes' standard clients.
pub fn summary(api: &ir::Api, warnings: usize) -> String {
    let methods = api.operations.iter().filter(|o| !o.webhook).count();
    let clients = api.auth_flows.len() + emit::scheme_clients(api);
    format!(
        "{} types, {} operations, {methods} methods, {clients} auth clients, {warnings} warnings",
        api.types.len(),
        api.operations.len()
    )
}

/// The entry document as generation reads it: loaded (with the same limits) and with
/// the overlay applied. For tools that hand the document to other programs.
pub fn document(entry: &Path, options: &Options) -> Result<Value, Diagnostics> {
    let limits = Limits {
        root: options.ref_root.clone(),
        ..Limits::default()
    };
    let mut sources = Sources::load(entry, &limits)?;
    if let Some(overlay) = &options.overlay {
        apply_overlay(&mut sources, overlay)?;
    }
    Ok(sources
        .get(&sources.entry())
        .cloned()
        .unwrap_or(Value::Null))
}

fn apply_overlay(sources: &mut Sources, overlay_path: &Path) -> Result<(), Diagnostics> {
    let overlay = Sources::load(overlay_path, &Limits::default())?;
    let overlay_root = overlay
        .get(&overlay.entry())
        .cloned()
        .unwrap_or(Value::Null);
    load::apply_overlay(sources.entry_root_mut(), &overlay_root).map_err(|problems| {
        let problems = problems
            .into_iter()
            .map(|(pointer, message)| Problem {
                severity: Severity::Error,
                loc: Loc {
                    file: overlay.entry().file,
                    pointer,
                },
                message,
                related: None,
            })
            .collect();
        overlay.diagnostics(problems)
    })?;
    match sources.overlong_in_entry() {
        None => Ok(()),
        Some(problem) => Err(sources.diagnostics(vec![problem])),
    }
}

/// Only OpenAPI 3.0.x, 3.1.x and 3.2.x are read; anything else is named for what it is.
fn check_version(sources: &Sources) -> Vec<Problem> {
    let root = sources.entry();
    let error = |pointer: &str, message: String| Problem {
        severity: Severity::Error,
        loc: Loc {
            file: root.file,
            pointer: pointer.to_owned(),
        },
        message,
        related: None,
    };
    let Some(Value::Object(document)) = sources.get(&root) else {
        return vec![error("", "an OpenAPI document must be an object".into())];
    };
    if let Some(version) = document.get("swagger") {
        return vec![error(
            "/swagger",
            format!("Swagger {version} is not supported: convert the document to OpenAPI 3 first"),
        )];
    }
    match document.get("openapi") {
        Some(Value::String(v))
            if ["3.0", "3.1", "3.2"]
                .iter()
                .any(|minor| v == minor || v.starts_with(&format!("{minor}."))) =>
        {
            Vec::new()
        }
        Some(Value::String(v)) => vec![error(
            "/openapi",
            format!("OpenAPI version {v} is not supported (3.0.x, 3.1.x and 3.2.x are)"),
        )],
        Some(other) => vec![error(
            "/openapi",
            format!("`openapi` must be a version string such as \"3.1.0\", found {other}"),
        )],
        None => vec![error(
            "",
            "not an OpenAPI document: no `openapi` version".into(),
        )],
    }
}
