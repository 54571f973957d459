//! Items printed as text rather than built as tokens, parsed and pretty-printed: the
//! types of the `types` module and the operations of the `client` module have a few
//! fixed shapes, and parsing and formatting them was most of the time spent emitting
//! them. The text is laid out as the
//! formatter lays out the rest (four-space indents, one attribute per line); the
//! generated modules are `#[rustfmt::skip]`, so no tool re-lays it out.

use std::fmt::Write;

use super::docs;
use crate::ir::Docs;

/// Lines longer than this put a `derive`'s traits one per line (the formatter's margin).
pub const MARGIN: usize = 89;

/// Appends `text` as one line at `depth` indents.
pub fn line(w: &mut String, depth: usize, text: &str) {
    indent(w, depth);
    w.push_str(text);
    w.push('\n');
}

fn indent(w: &mut String, depth: usize) {
    for _ in 0..depth {
        w.push_str("    ");
    }
}

/// The document's text `docs` as `///` lines, sanitized as every document text is
/// (`docs::sanitize`).
pub fn doc_comments(w: &mut String, depth: usize, docs: &Docs) {
    if docs.0.is_empty() {
        return;
    }
    own_doc_comments(w, depth, &docs::sanitize(&docs.0.join("\n")));
}

/// `///` lines of text the generator wrote (or sanitized) itself.
pub fn own_doc_comments(w: &mut String, depth: usize, lines: &[String]) {
    for text in lines {
        indent(w, depth);
        w.push_str("///");
        push_doc_text(w, text.trim_end());
        w.push('\n');
    }
}

/// `//!` lines: a module's own documentation.
pub fn inner_doc_comments(w: &mut String, lines: &[String]) {
    for text in lines {
        w.push_str("//!");
        push_doc_text(w, text.trim_end());
        w.push('\n');
    }
}

/// Appends what follows `///` for one line: a space before any text.
fn push_doc_text(w: &mut String, line: &str) {
    if !line.is_empty() {
        w.push(' ');
        w.push_str(line);
    }
}

/// What follows `///`, or goes in `#[doc = …]`, for one line.
pub fn doc_text(line: &str) -> String {
    let mut text = String::with_capacity(line.len() + 1);
    push_doc_text(&mut text, line);
    text
}

/// `#[derive(…)]` of `traits`, on one line when it fits.
pub fn derive(w: &mut String, depth: usize, traits: &[&str]) {
    if traits.is_empty() {
        return;
    }
    let one_line = format!("#[derive({})]", traits.join(", "));
    if depth * 4 + one_line.len() <= MARGIN {
        line(w, depth, &one_line);
        return;
    }
    line(w, depth, "#[derive(");
    for (index, name) in traits.iter().enumerate() {
        let comma = if index + 1 < traits.len() { "," } else { "" };
        line(w, depth + 1, &format!("{name}{comma}"));
    }
    line(w, depth, ")]");
}

/// `impl ::std::fmt::{format} for {name}` whose `fmt` is the lines `body` prints (at
/// depth 2).
pub fn fmt_impl(w: &mut String, format: &str, name: &str, body: impl FnOnce(&mut String)) {
    line(w, 0, &format!("impl ::std::fmt::{format} for {name} {{"));
    line(
        w,
        1,
        "fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {",
    );
    body(w);
    line(w, 1, "}");
    line(w, 0, "}");
}

/// How wide a list may be on one line (`list`), not counting its indentation.
const LIST_WIDTH: usize = 80;

/// `open`, `items` separated by commas, `close`: on one line when the items are single
/// lines and it fits, else one item per line (each indented one level). Items may span
/// lines themselves, indented relative to their first.
pub fn list(open: &str, items: &[String], close: &str) -> String {
    list_within(LIST_WIDTH, open, items, close)
}

/// [`list`] on one line only when `width` holds it.
pub fn list_within(width: usize, open: &str, items: &[String], close: &str) -> String {
    let one_line = items.iter().all(|item| !item.contains('\n'))
        && open.len() + close.len() + items.iter().map(|i| i.len() + 2).sum::<usize>() <= width;
    if one_line || items.is_empty() {
        return format!("{open}{}{close}", items.join(", "));
    }
    let mut out = format!("{open}\n");
    for item in items {
        block(&mut out, 1, item);
        out.insert(out.len() - 1, ',');
    }
    out.push_str(close);
    out
}

/// Appends `text` (lines indented relative to its first) at `depth` indents, ending
/// with a newline.
pub fn block(w: &mut String, depth: usize, text: &str) {
    for text in text.lines() {
        if text.is_empty() {
            w.push('\n');
        } else {
            line(w, depth, text);
        }
    }
}

/// `head`, then `arms` one per line (each may span lines), then `}`: a `match` whose
/// `head` ends with its `{`.
pub fn match_arms(head: &str, arms: &[String]) -> String {
    let mut out = format!("{head}\n");
    for arm in arms {
        block(&mut out, 1, arm);
    }
    out.push('}');
    out
}

/// `impl Deserialize for {name}` whose `deserialize` (generic over `D`) is the
/// statements `body` prints (at depth 2).
pub fn deserialize_impl(w: &mut String, name: &str, body: impl FnOnce(&mut String)) {
    line(
        w,
        0,
        &format!("impl<'de> ::serde::Deserialize<'de> for {name} {{"),
    );
    line(w, 1, "fn deserialize<D: ::serde::Deserializer<'de>>(");
    line(w, 2, "deserializer: D,");
    line(w, 1, ") -> ::std::result::Result<Self, D::Error> {");
    body(w);
    line(w, 1, "}");
    line(w, 0, "}");
}

/// A Rust string literal of `text`: printable ASCII as it is, everything else escaped,
/// so that no document text can end the literal or hide in it.
pub fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            _ => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_all_but_printable_ascii() {
        assert_eq!(literal("@type"), "\"@type\"");
        assert_eq!(literal("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(literal("\u{202e}x\n"), "\"\\u{202e}x\\u{a}\"");
        assert_eq!(literal("é"), "\"\\u{e9}\"");
    }

    #[test]
    fn a_long_derive_puts_one_trait_per_line() {
        let mut short = String::new();
        derive(&mut short, 0, &["Debug", "Clone"]);
        assert_eq!(short, "#[derive(Debug, Clone)]\n");
        let mut long = String::new();
        let traits = ["::std::fmt::Debug"; 6];
        derive(&mut long, 1, &traits);
        assert!(long.starts_with("    #[derive(\n        ::std::fmt::Debug,\n"));
        assert!(long.ends_with("        ::std::fmt::Debug\n    )]\n"));
    }

    #[test]
    fn a_long_list_puts_one_item_per_line() {
        let short = list("f(", &["a".into(), "b".into()], ")");
        assert_eq!(short, "f(a, b)");
        let items = vec!["x".repeat(50), "y".repeat(50)];
        let long = list("f(", &items, ")");
        assert_eq!(long, format!("f(\n    {},\n    {},\n)", items[0], items[1]));
        let nested = list("g(", &[long], ")");
        assert!(nested.starts_with("g(\n    f(\n        xxx"), "{nested}");
        assert!(nested.ends_with("\n    ),\n)"), "{nested}");
    }

    #[test]
    fn doc_comments_are_sanitized_lines() {
        let mut w = String::new();
        own_doc_comments(&mut w, 1, &["One.".into(), String::new(), "Two. ".into()]);
        assert_eq!(w, "    /// One.\n    ///\n    /// Two.\n");
    }
}
