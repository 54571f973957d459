//! Unions (`oneOf`, `anyOf`, a discriminator's subtypes) as enums that never lose a
//! value: each has a final `Unknown(serde_json::Value)` variant holding JSON that no
//! variant fits, or whose tag the document does not list. Serializing writes the
//! variant's own JSON (`Unknown` writes what was read).
//!
//! Decoding: with a discriminator, the tag property picks the variant (an unknown or
//! missing tag gives `Unknown`; a known tag whose body does not decode is an error).
//! Without one, the variants are ranked by how well the value fits their shape
//! (`auth_runtime::shape::rank`: JSON type, required and known properties, listed
//! values) and tried best first; none decoding gives `Unknown`.

use proc_macro2::TokenStream;
use quote::quote;

use super::direction::Direction;
use super::outer_docs;
use super::types::{ident, type_ref};
use crate::ir::*;

/// The enum, deriving `Serialize` when it is sent and with its own `Deserialize` when it
/// is received.
pub fn union_def(
    api: &Api,
    name: &proc_macro2::Ident,
    union: &Union,
    direction: Direction,
) -> TokenStream {
    let variants = union.variants.iter().map(|variant| {
        let docs = outer_docs(&variant.docs);
        let variant_name = ident(&variant.name);
        let ty = type_ref(api, &variant.ty);
        quote! { #docs #variant_name(#ty), }
    });
    let deserialize = direction.received.then(|| match &union.discriminator {
        Some(property) => tagged(name, property, &union.variants),
        None => ranked(api, name, &union.variants),
    });
    let serialize = direction
        .sent
        .then(|| (quote!(, ::serde::Serialize), quote!(#[serde(untagged)])));
    let (serialize, untagged) = serialize.unzip();
    quote! {
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq #serialize)]
        #untagged
        pub enum #name {
            #(#variants)*
            /// A value no variant fits (or with a tag the document does not list), as received.
            Unknown(::serde_json::Value),
        }
        #deserialize
    }
}

/// The variant named by the discriminator property; its own type still sees the
/// property.
fn tagged(name: &proc_macro2::Ident, property: &str, variants: &[UnionVariant]) -> TokenStream {
    let arms = variants
        .iter()
        .filter(|v| !v.tags.is_empty())
        .map(|variant| {
            let variant_name = ident(&variant.name);
            let tags = &variant.tags;
            quote! {
                ::std::option::Option::Some(#(#tags)|*) => ::serde::Deserialize::deserialize(&value)
                    .map(Self::#variant_name)
                    .map_err(<D::Error as ::serde::de::Error>::custom),
            }
        });
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                match value.get(#property).and_then(::serde_json::Value::as_str) {
                    #(#arms)*
                    _ => ::std::result::Result::Ok(Self::Unknown(value)),
                }
            }
        }
    }
}

/// The variants tried best fit first.
fn ranked(api: &Api, name: &proc_macro2::Ident, variants: &[UnionVariant]) -> TokenStream {
    let shapes = variants.iter().map(|v| shape(api, &v.ty));
    let arms = variants.iter().enumerate().map(|(index, variant)| {
        let variant_name = ident(&variant.name);
        quote! {
            #index => ::serde::Deserialize::deserialize(&value).ok().map(Self::#variant_name),
        }
    });
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                const SHAPES: &[::auth_runtime::shape::Shape] = &[#(#shapes),*];
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                for index in ::auth_runtime::shape::rank(&value, SHAPES) {
                    let decoded: ::std::option::Option<Self> = match index {
                        #(#arms)*
                        _ => ::std::option::Option::None,
                    };
                    if let ::std::option::Option::Some(decoded) = decoded {
                        return ::std::result::Result::Ok(decoded);
                    }
                }
                ::std::result::Result::Ok(Self::Unknown(value))
            }
        }
    }
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

fn shape(api: &Api, ty: &TypeRef) -> TokenStream {
    let facts = facts(api, ty, 0);
    let kinds = facts.kinds.iter().map(|k| {
        let kind = ident(k);
        quote!(::auth_runtime::shape::Kind::#kind)
    });
    let (required, known, closed, values) =
        (&facts.required, &facts.known, facts.closed, &facts.values);
    let listed = facts
        .listed
        .iter()
        .map(|(property, values)| quote!((#property, &[#(#values),*])));
    quote! {
        ::auth_runtime::shape::Shape {
            kinds: &[#(#kinds),*],
            required: &[#(#required),*],
            known: &[#(#known),*],
            closed: #closed,
            listed: &[#(#listed),*],
            values: &[#(#values),*],
        }
    }
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
                .filter_map(|f| Some((f.wire_name.clone(), string_values(api, &f.ty)?)))
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

/// The values of a string enum (through aliases).
fn string_values(api: &Api, ty: &TypeRef) -> Option<Vec<String>> {
    let mut ty = ty;
    for _ in 0..MAX_DEPTH {
        match ty {
            TypeRef::Named(id) | TypeRef::Boxed(id) => match &api.type_def(*id).kind {
                TypeKind::StringEnum { variants, .. } if !variants.is_empty() => {
                    return Some(variants.iter().map(|v| v.wire_value.clone()).collect());
                }
                TypeKind::Alias(target) => ty = target,
                _ => return None,
            },
            TypeRef::Nullable(inner) => ty = inner,
            _ => return None,
        }
    }
    None
}
