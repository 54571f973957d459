//! Where an API is served: its server URL templates.

use super::Docs;

#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// The URL template as written.
    pub url: String,
    pub description: Option<String>,
    /// Each variable once, in order of first use.
    pub variables: Vec<ServerVariable>,
    pub template: Vec<UrlPart>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerVariable {
    /// Unique snake_case Rust name.
    pub name: String,
    pub wire_name: String,
    pub default: Option<String>,
    pub docs: Docs,
}

/// A piece of a server URL template.
#[derive(Debug, Clone, PartialEq)]
pub enum UrlPart {
    Text(String),
    /// Index into [`Server::variables`].
    Variable(usize),
}
