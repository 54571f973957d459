//! Unions (`oneOf`, `anyOf`, a discriminator's subtypes) as enums that never lose a
//! value: each has a final `Unknown(serde_json::Value)` variant holding JSON that no
//! variant fits, or whose tag the document does not list. Serializing writes the
//! variant's own JSON (`Unknown` writes what was read).
//!
//! Decoding: with a discriminator, or a constant tag every object variant requires
//! (`lower::constant_tags`), the tag property picks the variant (an unknown or missing
//! tag gives `Unknown`, or one of the variants that are never objects; a known tag
//! whose body does not decode is an error).
//! Without one, the variants are ranked by how well the value fits their shape
//! (`auth_runtime::shape::rank`: JSON type, required and known properties, listed
//! values) and tried best first; none decoding gives `Unknown`.

use super::direction::Direction;
use super::printer::{block, derive, deserialize_impl, doc_comments, line, list, literal};
use super::types::{cfg_line, type_text};
use crate::ir::*;

/// The enum, deriving `Serialize` when it is sent and with its own `Deserialize` when it
/// is received, appended to `out`, each item behind `cfg`.
pub fn union_def(
    out: &mut String,
    api: &Api,
    (name, union): (&str, &Union),
    direction: Direction,
    cfg: Option<&str>,
) {
    let mut derives = vec![
        "::std::fmt::Debug",
        "::std::clone::Clone",
        "::std::cmp::PartialEq",
    ];
    if direction.sent {
        derives.push("::serde::Serialize");
    }
    derive(out, 0, &derives);
    if direction.sent {
        line(out, 0, "#[serde(untagged)]");
    }
    line(out, 0, &format!("pub enum {name} {{"));
    for variant in &union.variants {
        doc_comments(out, 1, &variant.docs);
        let ty = type_text(api, &variant.ty, "");
        line(out, 1, &format!("{}({ty}),", variant.name));
    }
    line(
        out,
        1,
        "/// A value no variant fits (or with a tag the document does not list), as received.",
    );
    line(out, 1, "Unknown(::serde_json::Value),");
    line(out, 0, "}");
    if direction.received {
        cfg_line(out, cfg);
        deserialize_impl(out, name, |out| match &union.discriminator {
            Some(property) => tagged(out, api, property, &union.variants),
            None => ranked(out, api, &union.variants),
        });
    }
}

const READ_VALUE: &str =
    "let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;";

/// The variant named by the tag property; its own type still sees the property. A
/// value without a listed tag goes to the untagged variants (those never objects), by
/// shape.
fn tagged(out: &mut String, api: &Api, property: &str, variants: &[UnionVariant]) {
    let untagged: Vec<&UnionVariant> = variants.iter().filter(|v| v.tags.is_empty()).collect();
    if !untagged.is_empty() {
        shapes(out, api, &untagged);
    }
    line(out, 2, READ_VALUE);
    let property = literal(property);
    line(
        out,
        2,
        &format!("match value.get({property}).and_then(::serde_json::Value::as_str) {{"),
    );
    for variant in variants.iter().filter(|v| !v.tags.is_empty()) {
        let tags: Vec<String> = variant.tags.iter().map(|t| literal(t)).collect();
        let arm = format!(
            "::std::option::Option::Some({}) => ::serde::Deserialize::deserialize(&value)\n    \
             .map(Self::{})\n    .map_err(<D::Error as ::serde::de::Error>::custom),",
            tags.join(" | "),
            variant.name
        );
        block(out, 3, &arm);
    }
    if untagged.is_empty() {
        line(
            out,
            3,
            "_ => ::std::result::Result::Ok(Self::Unknown(value)),",
        );
    } else {
        line(out, 3, "_ => {");
        best_fit_first(out, 4, &untagged);
        line(out, 3, "}");
    }
    line(out, 2, "}");
}

/// The variants tried best fit first.
fn ranked(out: &mut String, api: &Api, variants: &[UnionVariant]) {
    let variants: Vec<&UnionVariant> = variants.iter().collect();
    shapes(out, api, &variants);
    line(out, 2, READ_VALUE);
    best_fit_first(out, 2, &variants);
}

/// `SHAPES`: what each of `variants` accepts, in their order.
fn shapes(out: &mut String, api: &Api, variants: &[&UnionVariant]) {
    let shapes: Vec<String> = variants.iter().map(|v| shape(api, &v.ty)).collect();
    block(
        out,
        2,
        &list(
            "const SHAPES: &[::auth_runtime::shape::Shape] = &[",
            &shapes,
            "];",
        ),
    );
}

/// Decodes `value` as each of `variants` in `SHAPES`' rank order; `Unknown` when none
/// fits.
fn best_fit_first(out: &mut String, indent: usize, variants: &[&UnionVariant]) {
    line(
        out,
        indent,
        "for index in ::auth_runtime::shape::rank(&value, SHAPES) {",
    );
    line(
        out,
        indent + 1,
        "let decoded: ::std::option::Option<Self> = match index {",
    );
    for (index, variant) in variants.iter().enumerate() {
        let arm = format!(
            "{index} => ::serde::Deserialize::deserialize(&value).ok().map(Self::{}),",
            variant.name
        );
        line(out, indent + 2, &arm);
    }
    line(out, indent + 2, "_ => ::std::option::Option::None,");
    line(out, indent + 1, "};");
    line(
        out,
        indent + 1,
        "if let ::std::option::Option::Some(decoded) = decoded {",
    );
    line(
        out,
        indent + 2,
        "return ::std::result::Result::Ok(decoded);",
    );
    line(out, indent + 1, "}");
    line(out, indent, "}");
    line(
        out,
        indent,
        "::std::result::Result::Ok(Self::Unknown(value))",
    );
}

/// What a variant's type tells about the values it accepts.
#[derive(Default)]
struct Facts {
    kinds: Vec<&'static str>,
    required: Vec<String>,
    known: Vec<String>,
    closed: bool,
    listed: Vec<(String, Vec<String>)>,
    values: Vec<String>,
}

/// A variant's `Shape` constant, a field per line.
fn shape(api: &Api, ty: &TypeRef) -> String {
    let facts = facts(api, ty, 0);
    let strings = |values: &[String]| -> String {
        let values: Vec<String> = values.iter().map(|v| literal(v)).collect();
        list("&[", &values, "]")
    };
    let kinds: Vec<String> = facts
        .kinds
        .iter()
        .map(|kind| format!("::auth_runtime::shape::Kind::{kind}"))
        .collect();
    let listed: Vec<String> = facts
        .listed
        .iter()
        .map(|(property, values)| list("(", &[literal(property), strings(values)], ")"))
        .collect();
    let fields = [
        format!("kinds: {}", list("&[", &kinds, "]")),
        format!("required: {}", strings(&facts.required)),
        format!("known: {}", strings(&facts.known)),
        format!("closed: {}", facts.closed),
        format!("listed: {}", list("&[", &listed, "]")),
        format!("values: {}", strings(&facts.values)),
    ];
    let mut out = "::auth_runtime::shape::Shape {\n".to_owned();
    for field in fields {
        block(&mut out, 1, &format!("{field},"));
    }
    out.push('}');
    out
}

/// Aliases and newtypes are looked through, a few levels deep.
const MAX_DEPTH: usize = 8;

fn facts(api: &Api, ty: &TypeRef, depth: usize) -> Facts {
    let kinds = |kinds: &[&'static str]| Facts {
        kinds: kinds.to_vec(),
        ..Facts::default()
    };
    match ty {
        TypeRef::Scalar(Scalar::String) | TypeRef::Format(_) => kinds(&["String"]),
        TypeRef::Scalar(Scalar::I32 | Scalar::I64 | Scalar::U64) => kinds(&["Integer"]),
        TypeRef::Scalar(Scalar::F32 | Scalar::F64) => kinds(&["Number"]),
        TypeRef::Scalar(Scalar::Bool) => kinds(&["Boolean"]),
        TypeRef::Scalar(Scalar::Unit) => kinds(&["Null"]),
        TypeRef::Any | TypeRef::Binary => Facts::default(),
        TypeRef::Array(_) => kinds(&["Array"]),
        TypeRef::Map(_) => kinds(&["Object"]),
        TypeRef::Nullable(inner) => {
            let mut facts = facts(api, inner, depth);
            if !facts.kinds.is_empty() {
                facts.kinds.push("Null");
            }
            facts
        }
        TypeRef::Named(id) | TypeRef::Boxed(id) if depth < MAX_DEPTH => {
            named_facts(api, &api.type_def(*id).kind, depth)
        }
        TypeRef::Named(_) | TypeRef::Boxed(_) => Facts::default(),
    }
}

fn named_facts(api: &Api, kind: &TypeKind, depth: usize) -> Facts {
    match kind {
        TypeKind::Struct(s) => Facts {
            kinds: vec!["Object"],
            required: s
                .fields
                .iter()
                .filter(|f| f.presence != Presence::Optional)
                .map(|f| f.wire_name.clone())
                .collect(),
            known: s.fields.iter().map(|f| f.wire_name.clone()).collect(),
            closed: s.closed,
            listed: s
                .fields
                .iter()
                .filter_map(|f| {
                    let (values, _) = f.ty.listed_strings(&api.types)?;
                    Some((
                        f.wire_name.clone(),
                        values.into_iter().map(str::to_owned).collect(),
                    ))
                })
                .collect(),
            values: Vec::new(),
        },
        TypeKind::StringEnum { variants, .. } => Facts {
            kinds: vec!["String"],
            values: variants.iter().map(|v| v.wire_value.clone()).collect(),
            ..Facts::default()
        },
        TypeKind::ScalarEnum { repr, .. } => facts(api, &TypeRef::Scalar(*repr), depth + 1),
        TypeKind::Alias(target) | TypeKind::Newtype(target) => facts(api, target, depth + 1),
        TypeKind::Union(_) => Facts::default(),
    }
}
