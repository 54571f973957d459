//! Request bodies: the body argument of a method, the builder call that writes each
//! media type (JSON, form, multipart, text, bytes), and the enum of a body offered in
//! several media types.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::code_span;
use super::operations::style_tokens;
use super::outer_docs;
use super::types::{ident, qualified_type_ref};
use crate::ir::*;
use crate::names::Namespace;

/// The body argument and the builder call that writes it.
pub(super) fn body(
    api: &Api,
    operation: &Operation,
    enum_name: &syn::Ident,
) -> (TokenStream, TokenStream) {
    let Some(body) = &operation.request_body else {
        return (quote!(), quote!());
    };
    if body.contents.len() > 1 {
        let ty = enum_name;
        let arms = body
            .contents
            .iter()
            .zip(content_variants(body))
            .map(|(content, variant)| {
                let call = content_call(api, content, quote!(body));
                quote!(#ty::#variant(body) => request #call,)
            });
        let write = quote!(match &body { #(#arms)* });
        return if body.required {
            (quote!(body: #ty), quote!(; let request = #write))
        } else {
            (
                quote!(body: ::std::option::Option<#ty>),
                quote!(; let request = match body { ::std::option::Option::Some(body) => #write, ::std::option::Option::None => request }),
            )
        };
    }
    let content = &body.contents[0];
    let ty = match content.kind {
        MediaKind::Text => quote!(&str),
        MediaKind::Binary => quote!(::auth_runtime::Bytes),
        _ => {
            let ty = qualified_type_ref(api, &content.ty);
            quote!(&#ty)
        }
    };
    let call = content_call(api, content, quote!(body));
    if body.required {
        (quote!(body: #ty), call)
    } else {
        (
            quote!(body: ::std::option::Option<#ty>),
            quote!(; let request = match body { ::std::option::Option::Some(body) => request #call, ::std::option::Option::None => request }),
        )
    }
}

/// The builder call that writes `value` as `content`.
fn content_call(api: &Api, content: &Content, value: TokenStream) -> TokenStream {
    let media_type = &content.media_type;
    match content.kind {
        MediaKind::Json => quote!(.json(#media_type, #value)),
        MediaKind::Form => {
            let encoding = content.encoding.iter().map(|e| {
                let (property, style, explode) = (&e.property, style_tokens(e.style), e.explode);
                quote!((#property, #style, #explode))
            });
            quote!(.form(#value, &[#(#encoding),*]))
        }
        MediaKind::Multipart => {
            let parts = multipart(api, content, value);
            quote!(.multipart(#parts))
        }
        MediaKind::Text => quote!(.text(#media_type, #value)),
        // Bytes are cheap to clone (a reference count).
        MediaKind::Binary => quote!(.bytes(#media_type, ::auth_runtime::Bytes::clone(&#value))),
    }
}

/// A multipart body, part by part: a struct's properties in order, bytes as file parts
/// (named after the property, with the `encoding`'s content type), the rest as text or
/// JSON; any other value as JSON parts.
fn multipart(api: &Api, content: &Content, value: TokenStream) -> TokenStream {
    let fields = match &content.ty {
        TypeRef::Named(id) => match &api.type_def(*id).kind {
            TypeKind::Struct(s) => &s.fields,
            _ => return quote!(::auth_runtime::Multipart::of_value(#value)),
        },
        _ => return quote!(::auth_runtime::Multipart::of_value(#value)),
    };
    let parts = fields.iter().map(|field| {
        let name = ident(&field.name);
        let wire = &field.wire_name;
        let encoded = content
            .encoding
            .iter()
            .find(|e| &e.property == wire)
            .and_then(|e| e.content_type.clone());
        let file_type = encoded
            .clone()
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        let part = match &field.ty {
            TypeRef::Binary => {
                quote!(form.file(#wire, #wire, #file_type, ::std::clone::Clone::clone(part)))
            }
            // An array of files is one part per file, all under the property's name.
            TypeRef::Array(item) if **item == TypeRef::Binary => quote! {
                part.iter().fold(form, |form, file| {
                    form.file(#wire, #wire, #file_type, ::std::clone::Clone::clone(file))
                })
            },
            _ if encoded.as_deref().is_some_and(is_json_media) => quote!(form.json(#wire, part)),
            _ => quote!(form.value(#wire, part)),
        };
        match field.presence {
            Presence::Required => quote!(let part = &#value.#name; form = #part;),
            _ => quote! {
                if let ::std::option::Option::Some(part) = &#value.#name {
                    form = #part;
                }
            },
        }
    });
    quote!({
        let mut form = ::auth_runtime::Multipart::new();
        #(#parts)*
        form
    })
}

/// `application/json` and `…+json`.
fn is_json_media(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")
}

/// Variant names for a body's media types, by how each is written (`Json`, `Form`,
/// `Multipart`, `Text`, `Bytes`), each once.
fn content_variants(body: &RequestBody) -> Vec<syn::Ident> {
    let mut taken = Namespace::default();
    body.contents
        .iter()
        .map(|content| {
            let name = match content.kind {
                MediaKind::Binary => "Bytes".to_owned(),
                kind => format!("{kind:?}"),
            };
            ident(&taken.unique(name))
        })
        .collect()
}

/// The body enum of an operation that accepts several media types.
pub(super) fn body_enum(api: &Api, name: &syn::Ident, body: &RequestBody) -> TokenStream {
    let variants = body
        .contents
        .iter()
        .zip(content_variants(body))
        .map(|(content, variant)| {
            let ty = match content.kind {
                MediaKind::Text => quote!(::std::string::String),
                MediaKind::Binary => quote!(::auth_runtime::Bytes),
                _ => qualified_type_ref(api, &content.ty),
            };
            let docs = outer_docs(&Docs(vec![code_span(&content.media_type)]));
            quote!(#docs #variant(#ty),)
        });
    quote! {
        /// The request body, in one of the media types the operation accepts.
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        pub enum #name {
            #(#variants)*
        }
    }
}
