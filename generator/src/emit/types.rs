//! Type definitions: structs, enums, unions and aliases, with the serde attributes
//! that make them say exactly what the document says on the wire.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use std::collections::HashMap;

use super::direction::Direction;
use super::features::Gate;
use super::{Plan, format_gated, outer_docs};
use crate::ir::*;

/// The `types` module's items formatted, each on its own, appended to `out`; the types are split into
/// one contiguous run per core and formatted in parallel (token streams are not `Send`,
/// so each thread builds its own from the shared IR), then joined in order: the output
/// is the same whatever the number of threads. Each type derives the serde traits the
/// plan gives it, and is behind its features' `cfg`.
pub fn formatted(api: &Api, plan: &Plan, out: &mut String) {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = api.types.len().div_ceil(threads).max(256);
    let (canonical, directions) = (&plan.canonical, &plan.directions);
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
                        let tokens = match canonical[id] {
                            Some(first) => alias_of(api, def, first),
                            None => type_def(api, def, directions[id]),
                        };
                        text.push_str(&format_gated(tokens, &cfg(id, &mut parsed)));
                        if canonical[id].is_none() {
                            text.push_str(&printed_impls(api, plan, id));
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
fn alias_of(api: &Api, def: &TypeDef, first: TypeId) -> TokenStream {
    let docs = outer_docs(&def.docs);
    let name = ident(&def.name);
    let first = ident(&api.type_def(first).name);
    quote! {
        #docs
        pub type #name = #first;
    }
}

fn type_def(api: &Api, def: &TypeDef, direction: Direction) -> TokenStream {
    let docs = outer_docs(&def.docs);
    let name = ident(&def.name);
    let body = match &def.kind {
        TypeKind::Struct(s) => struct_def(api, &name, s, direction),
        TypeKind::StringEnum { variants, open } => string_enum(&name, variants, *open, direction),
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
fn struct_def(api: &Api, name: &Ident, s: &Struct, direction: Direction) -> TokenStream {
    let has_secret = s.fields.iter().any(|f| f.secret);
    let debug = (!has_secret).then(|| quote!(::std::fmt::Debug,));
    let serialize = direction.sent.then(|| quote!(, ::serde::Serialize));
    let fields = s
        .fields
        .iter()
        .map(|field| struct_field(api, field, direction.sent));
    let additional = s.additional.as_ref().map(|value| {
        let value = type_ref(api, value);
        let flatten = direction.sent.then(|| quote!(#[serde(flatten)]));
        quote! {
            /// Properties not listed in the document (`additionalProperties`).
            #flatten
            pub additional_properties: ::std::collections::BTreeMap<::std::string::String, #value>,
        }
    });
    let redacted_debug = has_secret.then(|| redacted_debug(name, s));
    quote! {
        #[derive(#debug ::std::clone::Clone, ::std::cmp::PartialEq #serialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }
        #redacted_debug
    }
}

/// The impls of type `id` printed as text rather than formatted (a received struct's
/// `Deserialize`), each behind the type's `cfg`.
fn printed_impls(api: &Api, plan: &Plan, id: usize) -> String {
    let def = &api.types[id];
    let TypeKind::Struct(s) = &def.kind else {
        return String::new();
    };
    if !plan.directions[id].received {
        return String::new();
    }
    let cfg = plan
        .features
        .as_ref()
        .and_then(|f| f.cfg_text(f.type_gate(TypeId(id))))
        .map(|cfg| format!("{cfg}\n"))
        .unwrap_or_default();
    cfg + &super::deserialize::struct_impl(api, &def.name, s)
}

/// A struct field; `sent`: with the attributes serde's `Serialize` reads.
fn struct_field(api: &Api, field: &Field, sent: bool) -> TokenStream {
    let docs = outer_docs(&field.docs);
    let name = ident(&field.name);
    let rename = rename(&field.name, &field.wire_name).filter(|_| sent);
    let skip = (sent && field.presence == Presence::Optional)
        .then(|| quote!(#[serde(skip_serializing_if = "::std::option::Option::is_none")]));
    let ty = field_type(api, field);
    quote! {
        #docs
        #rename
        #skip
        pub #name: #ty,
    }
}

/// A field's Rust type: an `Option` unless it is required and not nullable.
fn field_type(api: &Api, field: &Field) -> TokenStream {
    field_type_text(api, field).parse().unwrap_or_default()
}

/// [`field_type`] as text.
pub(super) fn field_type_text(api: &Api, field: &Field) -> String {
    let ty = type_text(api, &field.ty, "");
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => format!("::std::option::Option<{ty}>"),
    }
}

fn rename(rust_name: &str, wire_name: &str) -> Option<TokenStream> {
    (rust_name != wire_name).then(|| quote!(#[serde(rename = #wire_name)]))
}

/// `Debug` that shows every field but the secrets.
fn redacted_debug(name: &Ident, s: &Struct) -> TokenStream {
    let label = name.to_string();
    let fields = s.fields.iter().map(|field| {
        let wire = &field.name;
        let member = ident(&field.name);
        match (field.secret, field.presence) {
            (false, _) => quote!(.field(#wire, &self.#member)),
            (true, Presence::Required) => quote!(.field(#wire, &"[REDACTED]")),
            (true, _) => quote!(.field(#wire, &self.#member.as_ref().map(|_| "[REDACTED]"))),
        }
    });
    let additional = s
        .additional
        .as_ref()
        .map(|_| quote!(.field("additional_properties", &self.additional_properties)));
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#fields)* #additional .finish()
            }
        }
    }
}

/// A string enum. Its serde impls are written out rather than derived: a string is
/// read and matched against the listed values (else `Unknown`, or an error for a closed
/// enum), and written as `as_str()`, which compiles to far less than serde's derive with
/// an untagged catch-all variant.
fn string_enum(
    name: &Ident,
    variants: &[EnumVariant],
    open: bool,
    direction: Direction,
) -> TokenStream {
    let listed = variants.iter().map(|variant| {
        let docs = outer_docs(&variant.docs);
        let variant_name = ident(&variant.name);
        quote! {
            #docs
            #variant_name,
        }
    });
    let unknown = open.then(|| {
        quote! {
            /// A value the document does not list (APIs add values over time).
            Unknown(::std::string::String),
        }
    });
    let copy = (!open).then(|| quote!(::std::marker::Copy,));
    let arms = variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let wire = &variant.wire_value;
        quote!(Self::#variant_name => #wire,)
    });
    let unknown_arm = open.then(|| quote!(Self::Unknown(value) => value,));
    let serialize = direction.sent.then(|| {
        quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }
        }
    });
    let deserialize = direction
        .received
        .then(|| string_enum_deserialize(name, variants, open));
    quote! {
        #[derive(::std::fmt::Debug, ::std::clone::Clone, #copy ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        pub enum #name {
            #(#listed)*
            #unknown
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#arms)*
                    #unknown_arm
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #serialize
        #deserialize
    }
}

fn string_enum_deserialize(name: &Ident, variants: &[EnumVariant], open: bool) -> TokenStream {
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<&EnumVariant> = variants
        .iter()
        .filter(|v| seen.insert(v.wire_value.as_str()))
        .collect();
    let arms = unique.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let wire = &variant.wire_value;
        quote!(#wire => Self::#variant_name,)
    });
    let otherwise = if open {
        quote!(_ => Self::Unknown(value),)
    } else {
        let wires = unique.iter().map(|v| &v.wire_value);
        quote! {
            _ => return ::std::result::Result::Err(
                <D::Error as ::serde::de::Error>::unknown_variant(&value, &[#(#wires),*]),
            ),
        }
    };
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(match value.as_str() {
                    #(#arms)*
                    #otherwise
                })
            }
        }
    }
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
