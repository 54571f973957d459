//! Source loading: document text to a JSON tree, and JSON pointers back to
//! line/column positions.
//!
//! YAML is read from saphyr-parser's event stream with explicit stacks, so
//! hostile nesting cannot overflow the call stack: `yaml` builds the tree,
//! `scalars` types its scalars, `locate` maps pointers to positions, and
//! `json` holds what is particular to JSON text.

mod json;
mod locate;
mod scalars;
mod yaml;

use std::collections::HashMap;
use std::path::Path;

use saphyr_parser::{Marker, ScanError};
use serde_json::Value;

use self::json::parse_json;
use self::locate::Locator;
use self::yaml::{Builder, MAX_ALIAS_NODES};

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        })
    }
}

/// Document syntax, chosen from the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON, read with `serde_json`.
    Json,
    /// YAML 1.2, read event by event.
    Yaml,
}

impl Format {
    /// `.json` gives `Json`; `.yaml`, `.yml` and anything else give `Yaml`,
    /// since YAML 1.2 is a JSON superset.
    pub fn from_path(path: &Path) -> Format {
        match path.extension() {
            Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// A 1-based line and column; columns count characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line, starting at 1.
    pub line: u32,
    /// Column in characters, starting at 1.
    pub column: u32,
}

impl Position {
    /// The document start, where the root node is reported.
    pub(super) const START: Position = Position { line: 1, column: 1 };

    /// saphyr markers have 1-based lines and 0-based columns.
    pub(super) fn from_marker(marker: &Marker) -> Position {
        Position {
            line: to_u32(marker.line()),
            column: to_u32(marker.col().saturating_add(1)),
        }
    }
}

/// A syntax error: message plus position where the parser knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// What went wrong, without the position.
    pub message: String,
    /// Where it went wrong, if known.
    pub position: Option<Position>,
}

impl SyntaxError {
    pub(super) fn at(message: impl Into<String>, position: Position) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            position: Some(position),
        }
    }

    pub(super) fn from_scan(error: &ScanError) -> SyntaxError {
        SyntaxError::at(error.info(), Position::from_marker(error.marker()))
    }
}

/// Parses document text into a JSON tree. For YAML only the first document of
/// a stream is read; an empty document is `null`.
///
/// # Errors
/// Malformed text, duplicate or non-scalar YAML keys, bad aliases, values
/// that contradict their core tag, and nesting deeper than 128 levels.
pub fn parse(text: &str, format: Format) -> Result<Value, SyntaxError> {
    let mut budget = MAX_ALIAS_NODES;
    parse_limited(text, format, &mut budget)
}

/// [`parse`], with YAML aliases copying at most `alias_budget` nodes, which is reduced
/// by what they copied: one budget shared by every file of a document.
pub fn parse_limited(
    text: &str,
    format: Format,
    alias_budget: &mut usize,
) -> Result<Value, SyntaxError> {
    match format {
        Format::Json => parse_json(text),
        Format::Yaml => {
            let mut builder = Builder::with_alias_limit(*alias_budget);
            let result = builder.run(text);
            *alias_budget = alias_budget.saturating_sub(builder.alias_nodes);
            result
        }
    }
}

/// Positions of the nodes at the given JSON pointers (RFC 6901, `""` is the
/// root). A mapping value is reported at its key, an array item at its start,
/// the root at 1:1. Pointers that do not exist are absent; if the text is
/// malformed, the pointers found before the error are returned.
pub fn locate(text: &str, format: Format, pointers: &[&str]) -> HashMap<String, Position> {
    let mut locator = Locator::new(pointers);
    match format {
        Format::Json => locator.run_json(text),
        Format::Yaml => locator.run(text),
    }
    locator.found
}

pub(super) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;
