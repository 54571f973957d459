//! Generating from a build script: the API as one self-contained file in `OUT_DIR`,
//! which the crate `include!`s in a module of its choosing.
//!
//! ```no_run
//! // build.rs: `fn main` calls this.
//! generator::Builder::new("openapi/petstore.yaml")
//!     .overlay("openapi/petstore.overlay.yaml")
//!     .write()
//!     .unwrap_or_else(|error| panic!("{error}"));
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! pub mod petstore {
//!     include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
//! }
//! ```
//!
//! The crate depends on `auth-runtime`, `serde` and `serde_json`, as a crate written by
//! `openapi-rust generate` does.

use std::path::{Path, PathBuf};

use crate::{Options, generate};

/// What to generate and where: the document, its overlay, and the output file (by
/// default `$OUT_DIR/<document stem>.rs`).
#[derive(Debug, Clone)]
pub struct Builder {
    document: PathBuf,
    options: Options,
    output: Option<PathBuf>,
}

impl Builder {
    /// Generation of the document at `document` (relative paths are relative to the
    /// crate's directory, where Cargo runs build scripts).
    pub fn new(document: impl Into<PathBuf>) -> Builder {
        Builder {
            document: document.into(),
            options: Options::default(),
            output: None,
        }
    }

    /// An OpenAPI Overlay applied to the document first.
    pub fn overlay(mut self, overlay: impl Into<PathBuf>) -> Builder {
        self.options.overlay = Some(overlay.into());
        self
    }

    /// The directory `$ref`s may read below (default: the document's directory).
    pub fn ref_root(mut self, root: impl Into<PathBuf>) -> Builder {
        self.options.ref_root = Some(root.into());
        self
    }

    /// `date-time`, `date`, `uuid` and `byte` strings as the runtime's checked types
    /// (`auth_runtime::formats`) instead of `String`.
    pub fn typed_formats(mut self, on: bool) -> Builder {
        self.options.typed_formats = on;
        self
    }

    /// Every type derives both `Serialize` and `Deserialize`, not only what the way it
    /// travels needs (see [`Options::both_directions`](crate::Options::both_directions)).
    pub fn both_directions(mut self, on: bool) -> Builder {
        self.options.both_directions = on;
        self
    }

    /// Where to write the file (default: `$OUT_DIR/<document stem>.rs`).
    pub fn output(mut self, path: impl Into<PathBuf>) -> Builder {
        self.output = Some(path.into());
        self
    }

    /// Generates and writes the file; returns its path. Tells Cargo to run the build
    /// script again when any file read changes, and passes the generator's warnings on
    /// as `cargo:warning` lines. The error is every problem of the document, located.
    pub fn write(self) -> Result<PathBuf, String> {
        let output = generate(&self.document, &self.options).map_err(|d| d.to_string())?;
        for input in &output.inputs {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        for warning in output
            .warnings
            .to_string()
            .lines()
            .filter(|l| !l.trim().is_empty())
        {
            println!("cargo:warning={warning}");
        }
        let path = match self.output {
            Some(path) => path,
            None => {
                let out_dir = std::env::var_os("OUT_DIR").ok_or(
                    "OUT_DIR is not set: call `write` from a build script, or set `output`",
                )?;
                let stem = self
                    .document
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("api");
                Path::new(&out_dir).join(format!("{}.rs", crate::names::snake(stem)))
            }
        };
        std::fs::write(&path, output.single_file())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    }
}
