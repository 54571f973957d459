//! String enums, printed as text (`printer`). Their serde impls are written out rather
//! than derived: a string is read and matched against the listed values (else
//! `Unknown`, or an error for a closed enum), and written as `as_str()`, which
//! compiles to far less than serde's derive with an untagged catch-all variant.

use std::collections::HashSet;

use super::direction::Direction;
use super::printer::{derive, deserialize_impl, doc_comments, fmt_impl, line, literal};
use super::types::cfg_line;
use crate::ir::{EnumVariant, TypeDef};

/// The enum `def` of `variants`, `open` to values the document does not list, with
/// the impls the way it travels (`direction`) needs, each behind `cfg`.
pub fn string_enum(
    out: &mut String,
    def: &TypeDef,
    variants: &[EnumVariant],
    open: bool,
    direction: Direction,
    cfg: Option<&str>,
) {
    let name = &def.name;
    doc_comments(out, 0, &def.docs);
    cfg_line(out, cfg);
    let mut derives = vec!["::std::fmt::Debug", "::std::clone::Clone"];
    if !open {
        derives.push("::std::marker::Copy");
    }
    derives.extend([
        "::std::cmp::PartialEq",
        "::std::cmp::Eq",
        "::std::hash::Hash",
    ]);
    derive(out, 0, &derives);
    line(out, 0, &format!("pub enum {name} {{"));
    for variant in variants {
        doc_comments(out, 1, &variant.docs);
        line(out, 1, &format!("{},", variant.name));
    }
    if open {
        line(
            out,
            1,
            "/// A value the document does not list (APIs add values over time).",
        );
        line(out, 1, "Unknown(::std::string::String),");
    }
    line(out, 0, "}");

    cfg_line(out, cfg);
    line(out, 0, &format!("impl {name} {{"));
    line(out, 1, "/// The value as sent on the wire.");
    line(out, 1, "pub fn as_str(&self) -> &str {");
    line(out, 2, "match self {");
    for variant in variants {
        let wire = literal(&variant.wire_value);
        line(out, 3, &format!("Self::{} => {wire},", variant.name));
    }
    if open {
        line(out, 3, "Self::Unknown(value) => value,");
    }
    line(out, 2, "}");
    line(out, 1, "}");
    line(out, 0, "}");

    cfg_line(out, cfg);
    fmt_impl(out, "Display", name, |out| {
        line(out, 2, "f.write_str(self.as_str())");
    });

    if direction.sent {
        cfg_line(out, cfg);
        serialize(out, name);
    }
    if direction.received {
        cfg_line(out, cfg);
        deserialize(out, name, variants, open);
    }
}

fn serialize(out: &mut String, name: &str) {
    line(out, 0, &format!("impl ::serde::Serialize for {name} {{"));
    line(out, 1, "fn serialize<S: ::serde::Serializer>(");
    line(out, 2, "&self,");
    line(out, 2, "serializer: S,");
    line(out, 1, ") -> ::std::result::Result<S::Ok, S::Error> {");
    line(out, 2, "serializer.serialize_str(self.as_str())");
    line(out, 1, "}");
    line(out, 0, "}");
}

/// Reads a string and matches it; a value listed twice (as two variants of one wire
/// value) reads as the first.
fn deserialize(out: &mut String, name: &str, variants: &[EnumVariant], open: bool) {
    let mut seen = HashSet::new();
    let unique: Vec<&EnumVariant> = variants
        .iter()
        .filter(|v| seen.insert(v.wire_value.as_str()))
        .collect();
    deserialize_impl(out, name, |out| {
        line(
            out,
            2,
            "let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;",
        );
        line(out, 2, "::std::result::Result::Ok(match value.as_str() {");
        for variant in &unique {
            let wire = literal(&variant.wire_value);
            line(out, 3, &format!("{wire} => Self::{},", variant.name));
        }
        if open {
            line(out, 3, "_ => Self::Unknown(value),");
        } else {
            let wires: Vec<String> = unique.iter().map(|v| literal(&v.wire_value)).collect();
            line(out, 3, "_ => {");
            line(out, 4, "return ::std::result::Result::Err(");
            line(
                out,
                5,
                &format!(
                    "<D::Error as ::serde::de::Error>::unknown_variant(&value, &[{}]),",
                    wires.join(", ")
                ),
            );
            line(out, 4, ");");
            line(out, 3, "}");
        }
        line(out, 2, "})");
    });
}
