//! Type definitions: structs, enums, unions and aliases, with the serde attributes
//! that make them say exactly what the document says on the wire. Structs, string
//! enums (`string_enums`) and aliases are printed as text (`printer`); scalar enums,
//! unions and newtypes are built as tokens and formatted.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use std::collections::HashMap;

use super::direction::Direction;
use super::features::Gate;
use super::printer::{derive, doc_comments, fmt_impl, line, literal};
use super::{Plan, format_gated, outer_docs};
use crate::ir::*;

/// The `types` module's items, each printed or formatted on its own, appended to `out`;
/// the types are split into one contiguous run per core and emitted in parallel (token streams are not `Send`,
/// so each thread builds its own from the shared IR), then joined in order: the output
/// is the same whatever the number of threads. Each type derives the serde traits the
/// plan gives it, and is behind its features' `cfg`.
pub fn formatted(api: &Api, plan: &Plan, out: &mut String) {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = api.types.len().div_ceil(threads).max(256);
    let directions = &plan.directions;
    // Each distinct gate's attribute is parsed once per thread (syn's are not `Send`).
    let cfg = |id: usize, parsed: &mut HashMap<Gate, Vec<syn::Attribute>>| match &plan.features {
        Some(features) => {
            let gate = features.type_gate(TypeId(id));
            parsed
                .entry(gate.clone())
                .or_insert_with(|| features.attributes(gate))
                .clone()
        }
        None => Vec::new(),
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = api
            .types
            .chunks(chunk)
            .enumerate()
            .map(|(index, defs)| {
                let work = move || {
                    let mut text = String::new();
                    let mut parsed = HashMap::new();
                    for (offset, def) in defs.iter().enumerate() {
                        let id = index * chunk + offset;
                        if !printed(api, plan, id, &mut text) {
                            let tokens = type_def(api, def, directions[id]);
                            text.push_str(&format_gated(tokens, &cfg(id, &mut parsed)));
                        }
                    }
                    text
                };
                // The generator's own stack size: printing recurses as deep as a type nests.
                std::thread::Builder::new()
                    .stack_size(crate::STACK_SIZE)
                    .spawn_scoped(scope, work)
                    .map_err(|_| work)
            })
            .collect();
        for worker in workers {
            match worker {
                Ok(handle) => match handle.join() {
                    Ok(text) => out.push_str(&text),
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                // No thread to be had: format here.
                Err(work) => out.push_str(&work()),
            }
        }
    });
}

/// The serde derives of a type that travels `direction`.
fn serde_derives(direction: Direction) -> Vec<TokenStream> {
    let serialize = direction.sent.then(|| quote!(::serde::Serialize));
    let deserialize = direction.received.then(|| quote!(::serde::Deserialize));
    serialize.into_iter().chain(deserialize).collect()
}

/// `attribute` where serde reads it: a type without serde derives takes none.
fn serde_attribute(direction: Direction, attribute: TokenStream) -> Option<TokenStream> {
    direction.any().then_some(attribute)
}

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a use inside the `types` module, with fully qualified paths so
/// that generated names (`Option`, `Error`, `String`…) never shadow std.
pub fn type_ref(api: &Api, ty: &TypeRef) -> TokenStream {
    type_ref_in(api, ty, &TokenStream::new())
}

/// The same type named from a sibling module (`super::types::Name`).
pub fn qualified_type_ref(api: &Api, ty: &TypeRef) -> TokenStream {
    type_ref_in(api, ty, &quote!(super::types::))
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

fn type_def(api: &Api, def: &TypeDef, direction: Direction) -> TokenStream {
    let docs = outer_docs(&def.docs);
    let name = ident(&def.name);
    let body = match &def.kind {
        // Printed as text (`printed`).
        TypeKind::Struct(_) | TypeKind::StringEnum { .. } => TokenStream::new(),
        TypeKind::ScalarEnum { repr, values } => scalar_enum(&name, *repr, values, direction),
        TypeKind::Union(union) => super::unions::union_def(api, &name, union, direction),
        TypeKind::Alias(target) => {
            let target = type_ref(api, target);
            quote!(pub type #name = #target;)
        }
        TypeKind::Newtype(target) => {
            let target = type_ref(api, target);
            let serde = serde_derives(direction);
            let transparent = serde_attribute(direction, quote!(#[serde(transparent)]));
            quote! {
                #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq #(, #serde)*)]
                #transparent
                pub struct #name(pub #target);
            }
        }
    };
    quote! { #docs #body }
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
/// `cfg`: aliases, structs and string enums. False for the kinds that are formatted
/// from tokens.
fn printed(api: &Api, plan: &Plan, id: usize, out: &mut String) -> bool {
    let def = &api.types[id];
    let cfg = plan
        .features
        .as_ref()
        .and_then(|f| f.cfg_text(f.type_gate(TypeId(id))));
    let cfg = cfg.as_deref();
    let direction = plan.directions[id];
    if let Some(first) = plan.canonical[id] {
        alias_of(out, api, def, first, cfg);
        return true;
    }
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
        _ => return false,
    }
    true
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
    name: &Ident,
    repr: Scalar,
    values: &[ScalarValue],
    direction: Direction,
) -> TokenStream {
    let inner = scalar_type(repr);
    let constants = values.iter().map(|value| {
        let docs = outer_docs(&value.docs);
        let constant = ident(&value.name);
        let literal = literal_tokens(value.value);
        quote! {
            #docs
            pub const #constant: Self = Self(#literal);
        }
    });
    let total = (!matches!(repr, Scalar::F32 | Scalar::F64))
        .then(|| quote!(, ::std::cmp::Eq, ::std::hash::Hash, ::std::cmp::Ord));
    let serde = serde_derives(direction);
    let transparent = serde_attribute(direction, quote!(#[serde(transparent)]));
    quote! {
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::marker::Copy, ::std::cmp::PartialEq, ::std::cmp::PartialOrd #total #(, #serde)*)]
        #transparent
        pub struct #name(pub #inner);

        impl #name {
            #(#constants)*
        }
    }
}

fn literal_tokens(value: Literal) -> TokenStream {
    match value {
        Literal::Int(n) => {
            let magnitude = proc_macro2::Literal::u64_unsuffixed(n.unsigned_abs());
            if n < 0 {
                quote!(-#magnitude)
            } else {
                quote!(#magnitude)
            }
        }
        Literal::UInt(n) => {
            let n = proc_macro2::Literal::u64_unsuffixed(n);
            quote!(#n)
        }
        Literal::Float(n) => {
            let magnitude = proc_macro2::Literal::f64_unsuffixed(n.abs());
            if n < 0.0 {
                quote!(-#magnitude)
            } else {
                quote!(#magnitude)
            }
        }
        Literal::Bool(b) => quote!(#b),
    }
}

fn scalar_type(scalar: Scalar) -> TokenStream {
    scalar_text(scalar).parse().unwrap_or_default()
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
