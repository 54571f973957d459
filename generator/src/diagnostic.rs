//! Problems found in a document. Analyses push every problem they find and go on,
//! so a user sees all of them at once, each with its file, line, column and JSON
//! pointer.

use std::fmt;
use std::path::PathBuf;

use crate::load::Position;
use crate::text::printable;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    /// Something the generator cannot represent exactly; the output is still usable.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    /// JSON pointer inside `file` (`""` for the whole document).
    pub pointer: String,
    pub position: Option<Position>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{severity}: {}",
            printable(&self.file.display().to_string())
        )?;
        if let Some(Position { line, column }) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, ": #{}", printable(&self.pointer))?;
        }
        write!(f, ": {}", printable(&self.message))
    }
}

/// Every problem of one document, errors and warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Warning)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_text_is_printed_escaped() {
        let diagnostic = Diagnostic {
            severity: Severity::Warning,
            file: PathBuf::from("a\u{1b}[31m.yaml"),
            pointer: "/components/schemas/x\ny".into(),
            position: Some(Position { line: 3, column: 4 }),
            message: "bad \u{202e} value".into(),
        };
        assert_eq!(
            diagnostic.to_string(),
            "warning: a\\u{1b}[31m.yaml:3:4: #/components/schemas/x\\u{a}y: bad \\u{202e} value"
        );
        let whole_file = Diagnostic {
            pointer: String::new(),
            ..diagnostic
        };
        assert!(
            whole_file
                .to_string()
                .starts_with("warning: a\\u{1b}[31m.yaml:3:4: bad")
        );
    }
}
