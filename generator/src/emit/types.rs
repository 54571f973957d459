//! Type definitions: structs, enums, unions and aliases, with the serde attributes
//! that make them say exactly what the document says on the wire, all printed as text
//! (`printer`).

use proc_macro2::{Ident, Span, TokenStream};

use super::Plan;
use super::direction::Direction;
use super::printer::{derive, doc_comments, fmt_impl, line, literal};
use crate::ir::*;

/// The `types` module's items, each printed on its own, appended to `out`. Each type
/// derives the serde traits the plan gives it, and is behind its features' `cfg`.
pub fn formatted(api: &Api, plan: &Plan, out: &mut String) {
    for id in 0..api.types.len() {
        printed(api, plan, id, out);
    }
}

/// The serde derives of a type that travels `direction`.
fn serde_derives(direction: Direction) -> impl Iterator<Item = &'static str> {
    let serialize = direction.sent.then_some("::serde::Serialize");
    let deserialize = direction.received.then_some("::serde::Deserialize");
    serialize.into_iter().chain(deserialize)
}

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The same type named from a sibling module (`super::types::Name`).
pub fn qualified_type_ref(api: &Api, ty: &TypeRef) -> TokenStream {
    // Generated names and std paths only: the text always parses.
    qualified_type_text(api, ty).parse().unwrap_or_default()
}

/// [`qualified_type_ref`] as text.
pub fn qualified_type_text(api: &Api, ty: &TypeRef) -> String {
    type_text(api, ty, "super::types::")
}

pub fn type_ref_in(api: &Api, ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        prefix.to_string()
    };
    // Generated names and std paths only: the text always parses.
    type_text(api, ty, &prefix).parse().unwrap_or_default()
}

/// [`type_ref_in`] as text, for the impls printed as text (`deserialize`).
pub fn type_text(api: &Api, ty: &TypeRef, prefix: &str) -> String {
    match ty {
        TypeRef::Scalar(scalar) => scalar_text(*scalar).to_owned(),
        TypeRef::Any => "::serde_json::Value".to_owned(),
        TypeRef::Binary => "::auth_runtime::Bytes".to_owned(),
        TypeRef::Format(Format::DateTime) => "::auth_runtime::formats::DateTime".to_owned(),
        TypeRef::Format(Format::Date) => "::auth_runtime::formats::Date".to_owned(),
        TypeRef::Format(Format::Uuid) => "::auth_runtime::formats::Uuid".to_owned(),
        TypeRef::Format(Format::Byte) => "::auth_runtime::formats::Base64".to_owned(),
        TypeRef::Named(id) => format!("{prefix}{}", api.type_def(*id).name),
        TypeRef::Boxed(id) => format!("::std::boxed::Box<{prefix}{}>", api.type_def(*id).name),
        TypeRef::Array(item) => format!("::std::vec::Vec<{}>", type_text(api, item, prefix)),
        TypeRef::Map(value) => format!(
            "::std::collections::BTreeMap<::std::string::String, {}>",
            type_text(api, value, prefix)
        ),
        TypeRef::Nullable(inner) => {
            format!("::std::option::Option<{}>", type_text(api, inner, prefix))
        }
    }
}

/// `pub type Name = First;`: a type identical to an earlier one (see `dedup`), with its
/// own documentation.
fn alias_of(out: &mut String, api: &Api, def: &TypeDef, first: TypeId, cfg: Option<&str>) {
    doc_comments(out, 0, &def.docs);
    cfg_line(out, cfg);
    line(
        out,
        0,
        &format!("pub type {} = {};", def.name, api.type_def(first).name),
    );
}

/// A newtype over `target`, transparent on the wire.
fn newtype(out: &mut String, api: &Api, name: &str, target: &TypeRef, direction: Direction) {
    let mut derives = vec![
        "::std::fmt::Debug",
        "::std::clone::Clone",
        "::std::cmp::PartialEq",
    ];
    derives.extend(serde_derives(direction));
    derive(out, 0, &derives);
    if direction.any() {
        line(out, 0, "#[serde(transparent)]");
    }
    let target = type_text(api, target, "");
    line(out, 0, &format!("pub struct {name}(pub {target});"));
}

/// A struct: `Serialize` derived when it is sent (serde's attributes say how), and
/// `Deserialize` written out when it is received (`deserialize`).
fn struct_def(
    out: &mut String,
    api: &Api,
    def: &TypeDef,
    s: &Struct,
    direction: Direction,
    cfg: Option<&str>,
) {
    let has_secret = s.fields.iter().any(|f| f.secret);
    let mut derives = Vec::with_capacity(4);
    if !has_secret {
        derives.push("::std::fmt::Debug");
    }
    derives.extend(["::std::clone::Clone", "::std::cmp::PartialEq"]);
    if direction.sent {
        derives.push("::serde::Serialize");
    }
    doc_comments(out, 0, &def.docs);
    cfg_line(out, cfg);
    derive(out, 0, &derives);
    line(out, 0, &format!("pub struct {} {{", def.name));
    for field in &s.fields {
        struct_field(out, api, field, direction.sent);
    }
    if let Some(value) = &s.additional {
        line(
            out,
            1,
            "/// Properties not listed in the document (`additionalProperties`).",
        );
        if direction.sent {
            line(out, 1, "#[serde(flatten)]");
        }
        line(
            out,
            1,
            &format!(
                "pub additional_properties: ::std::collections::BTreeMap<::std::string::String, {}>,",
                type_text(api, value, "")
            ),
        );
    }
    line(out, 0, "}");
    if has_secret {
        cfg_line(out, cfg);
        redacted_debug(out, &def.name, s);
    }
}

/// Type `id` printed as text (`printer`), appended to `out`, behind its features'
/// `cfg`.
fn printed(api: &Api, plan: &Plan, id: usize, out: &mut String) {
    let def = &api.types[id];
    let cfg = plan
        .features
        .as_ref()
        .and_then(|f| f.cfg_text(f.type_gate(TypeId(id))));
    let cfg = cfg.as_deref();
    let direction = plan.directions[id];
    if let Some(first) = plan.canonical[id] {
        alias_of(out, api, def, first, cfg);
        return;
    }
    if !matches!(def.kind, TypeKind::Struct(_) | TypeKind::StringEnum { .. }) {
        // Structs and string enums print their own documentation.
        doc_comments(out, 0, &def.docs);
        cfg_line(out, cfg);
    }
    let name = def.name.as_str();
    match &def.kind {
        TypeKind::Struct(s) => {
            struct_def(out, api, def, s, direction, cfg);
            if direction.received {
                cfg_line(out, cfg);
                out.push_str(&super::deserialize::struct_impl(api, &def.name, s));
            }
        }
        TypeKind::StringEnum { variants, open } => {
            super::string_enums::string_enum(out, def, variants, *open, direction, cfg);
        }
        TypeKind::ScalarEnum { repr, values } => {
            scalar_enum(out, name, *repr, values, direction, cfg)
        }
        TypeKind::Union(union) => super::unions::union_def(out, api, (name, union), direction, cfg),
        TypeKind::Alias(target) => {
            line(
                out,
                0,
                &format!("pub type {name} = {};", type_text(api, target, "")),
            );
        }
        TypeKind::Newtype(target) => newtype(out, api, name, target, direction),
    }
}

/// The `cfg` attribute line of an item, if it has one.
pub(super) fn cfg_line(out: &mut String, cfg: Option<&str>) {
    if let Some(cfg) = cfg {
        line(out, 0, cfg);
    }
}

/// A struct field; `sent`: with the attributes serde's `Serialize` reads.
fn struct_field(out: &mut String, api: &Api, field: &Field, sent: bool) {
    doc_comments(out, 1, &field.docs);
    if sent && field.name != field.wire_name {
        line(
            out,
            1,
            &format!("#[serde(rename = {})]", literal(&field.wire_name)),
        );
    }
    if sent && field.presence == Presence::Optional {
        line(
            out,
            1,
            "#[serde(skip_serializing_if = \"::std::option::Option::is_none\")]",
        );
    }
    line(
        out,
        1,
        &format!("pub {}: {},", field.name, field_type_text(api, field)),
    );
}

/// A field's Rust type: an `Option` unless it is required and not nullable.
pub(super) fn field_type_text(api: &Api, field: &Field) -> String {
    let ty = type_text(api, &field.ty, "");
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => format!("::std::option::Option<{ty}>"),
    }
}

/// `Debug` that shows every field but the secrets.
fn redacted_debug(out: &mut String, name: &str, s: &Struct) {
    fmt_impl(out, "Debug", name, |out| {
        line(out, 2, &format!("f.debug_struct({})", literal(name)));
        for field in &s.fields {
            let (wire, member) = (literal(&field.name), &field.name);
            let value = match (field.secret, field.presence) {
                (false, _) => format!("&self.{member}"),
                (true, Presence::Required) => "&\"[REDACTED]\"".to_owned(),
                (true, _) => format!("&self.{member}.as_ref().map(|_| \"[REDACTED]\")"),
            };
            line(out, 3, &format!(".field({wire}, {value})"));
        }
        if s.additional.is_some() {
            line(
                out,
                3,
                ".field(\"additional_properties\", &self.additional_properties)",
            );
        }
        line(out, 3, ".finish()");
    });
}

/// A newtype over the scalar, with one constant per listed value: unknown values still
/// decode. Floats are neither `Eq` nor `Ord`.
fn scalar_enum(
    out: &mut String,
    name: &str,
    repr: Scalar,
    values: &[ScalarValue],
    direction: Direction,
    cfg: Option<&str>,
) {
    let mut derives = vec![
        "::std::fmt::Debug",
        "::std::clone::Clone",
        "::std::marker::Copy",
        "::std::cmp::PartialEq",
        "::std::cmp::PartialOrd",
    ];
    if !matches!(repr, Scalar::F32 | Scalar::F64) {
        derives.extend(["::std::cmp::Eq", "::std::hash::Hash", "::std::cmp::Ord"]);
    }
    derives.extend(serde_derives(direction));
    derive(out, 0, &derives);
    if direction.any() {
        line(out, 0, "#[serde(transparent)]");
    }
    line(
        out,
        0,
        &format!("pub struct {name}(pub {});", scalar_text(repr)),
    );
    cfg_line(out, cfg);
    line(out, 0, &format!("impl {name} {{"));
    for value in values {
        doc_comments(out, 1, &value.docs);
        let constant = format!(
            "pub const {}: Self = Self({});",
            value.name,
            literal_text(value.value)
        );
        line(out, 1, &constant);
    }
    line(out, 0, "}");
}

/// A value as a Rust literal, unsuffixed: the constant's type is the newtype's.
fn literal_text(value: Literal) -> String {
    match value {
        Literal::Int(n) => n.to_string(),
        Literal::UInt(n) => n.to_string(),
        // Display writes no exponent, and JSON has no infinities.
        Literal::Float(n) if n.fract() == 0.0 => format!("{n}.0"),
        Literal::Float(n) => n.to_string(),
        Literal::Bool(b) => b.to_string(),
    }
}

fn scalar_text(scalar: Scalar) -> &'static str {
    match scalar {
        Scalar::Bool => "bool",
        Scalar::I32 => "i32",
        Scalar::I64 => "i64",
        Scalar::U64 => "u64",
        Scalar::F32 => "f32",
        Scalar::F64 => "f64",
        Scalar::String => "::std::string::String",
        Scalar::Unit => "()",
    }
}
