//! The intermediate representation: what an API *means*, independent of how its
//! document was written (3.0 or 3.1, inline or `$ref`, YAML or JSON) and of how Rust
//! is printed. Lowering fills it; emitting reads it. Every value here is validated:
//! names are already unique, valid Rust identifiers.

mod operations;
mod security;
mod servers;
mod types;

pub use operations::*;
pub use security::*;
pub use servers::*;
pub use types::*;

/// One API: its types and operations, in a deterministic order.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub docs: Docs,
    pub servers: Vec<Server>,
    /// Arena of named types; a [`TypeId`] indexes it.
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub security_schemes: Vec<SecurityScheme>,
    /// Security requirements that apply when an operation states none.
    pub default_security: Vec<SecurityRequirement>,
    /// One per token operation: how the API hands out access tokens.
    pub auth_flows: Vec<AuthFlow>,
    /// Every example in the document, with the type of its site.
    pub examples: Vec<Example>,
}

/// An example value from the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where it is, as `file#/json/pointer`.
    pub origin: String,
    pub value: serde_json::Value,
    /// The type a value at that place has.
    pub ty: TypeRef,
    /// Whether it matches its schema, per a JSON Schema validator; `None` when not
    /// checked (no schema, or the validator is not built in).
    pub valid: Option<bool>,
}

impl Api {
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }
}

/// Documentation lines taken from `title`, `summary` and `description`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Docs(pub Vec<String>);
