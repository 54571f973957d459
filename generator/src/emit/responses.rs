//! The documented answers of an operation: a success type (an enum when 2xx statuses
//! have different bodies), an error type by status, and the code that decodes each.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::outer_docs;
use super::types::qualified_type_ref;
use crate::ir::*;

/// What the documented answers of one kind (successes, or errors) decode to.
pub(super) struct Outcome {
    /// Each documented status with the content decoded from it (`None`: no body).
    statuses: Vec<(StatusCode, Option<Content>)>,
    /// Several different bodies: an enum with a variant per status.
    by_status: bool,
}

impl Outcome {
    pub(super) fn success(operation: &Operation) -> Outcome {
        let mut statuses: Vec<_> = operation
            .responses
            .iter()
            .filter(|r| r.status.is_success())
            .map(|r| (r.status, r.preferred().cloned()))
            .collect();
        if statuses.is_empty() {
            // No documented success: the `default` answer is it.
            statuses.extend(
                operation
                    .responses
                    .iter()
                    .filter(|r| r.status == StatusCode::Default)
                    .map(|r| (r.status, r.preferred().cloned())),
            );
        }
        Outcome::new(statuses)
    }

    pub(super) fn failure(operation: &Operation) -> Outcome {
        let statuses = operation
            .responses
            .iter()
            .filter(|r| !r.status.is_success())
            .filter_map(|r| Some((r.status, Some(r.preferred()?.clone()))))
            .collect();
        Outcome::new(statuses)
    }

    fn new(statuses: Vec<(StatusCode, Option<Content>)>) -> Outcome {
        let shapes: Vec<Option<(MediaKind, &TypeRef)>> = statuses
            .iter()
            .map(|(_, c)| c.as_ref().map(|c| (c.kind, &c.ty)))
            .collect();
        let by_status = shapes.windows(2).any(|pair| pair[0] != pair[1]);
        Outcome {
            statuses,
            by_status,
        }
    }

    /// The single content all statuses share, when they share one.
    fn single(&self) -> Option<&Content> {
        if self.by_status {
            return None;
        }
        self.statuses.iter().find_map(|(_, c)| c.as_ref())
    }

    pub(super) fn type_tokens(&self, api: &Api, enum_name: &syn::Ident) -> TokenStream {
        if self.by_status {
            return quote!(#enum_name);
        }
        match self.single() {
            Some(content) => content_type(api, content),
            None if self.statuses.is_empty() => quote!(::serde_json::Value),
            None => quote!(()),
        }
    }

    pub(super) fn enumeration(&self, api: &Api, name: &syn::Ident, what: &str) -> TokenStream {
        if !self.by_status {
            return TokenStream::new();
        }
        let variants = self.statuses.iter().map(|(status, content)| {
            let variant = status_variant(*status);
            match content {
                Some(content) => {
                    let ty = content_type(api, content);
                    quote!(#variant(#ty),)
                }
                None => quote!(#variant,),
            }
        });
        let docs = outer_docs(&Docs(vec![what.to_owned()]));
        quote! {
            #docs
            #[derive(::std::fmt::Debug, ::std::clone::Clone)]
            pub enum #name {
                #(#variants)*
            }
        }
    }

    /// The closure decoding a success: by status when the enum says so.
    pub(super) fn decode_success(&self, api: &Api, enum_name: &syn::Ident) -> TokenStream {
        if !self.by_status {
            let call = match self.single() {
                Some(content) => decode_call(api, content),
                None if self.statuses.is_empty() => quote!(response.json_or_null()),
                None => quote!(response.empty()),
            };
            return quote!(|_status, response| #call);
        }
        let arms = self.statuses.iter().map(|(status, content)| {
            let pattern = status_pattern(*status);
            let variant = status_variant(*status);
            match content {
                Some(content) => {
                    let call = decode_call(api, content);
                    quote!(#pattern => #call.map(#enum_name::#variant),)
                }
                None => quote!(#pattern => ::std::result::Result::Ok(#enum_name::#variant),),
            }
        });
        let fallback = self.statuses.first().map(|(status, content)| {
            let variant = status_variant(*status);
            match content {
                Some(content) => {
                    let call = decode_call(api, content);
                    quote!(_ => #call.map(#enum_name::#variant),)
                }
                None => quote!(_ => ::std::result::Result::Ok(#enum_name::#variant),),
            }
        });
        quote! {
            |status: ::auth_runtime::StatusCode, response: &::auth_runtime::RawResponse| match status.as_u16() {
                #(#arms)*
                #fallback
            }
        }
    }

    /// The closure decoding a documented error body, leniently (`None` when it does not
    /// match).
    pub(super) fn decode_error(&self, api: &Api, enum_name: &syn::Ident) -> TokenStream {
        if !self.by_status {
            return match self.single() {
                Some(content) => {
                    let decode = error_decode(api, content);
                    let status = match content.kind {
                        MediaKind::Text | MediaKind::Binary => quote!(_status),
                        _ => quote!(status),
                    };
                    quote!(|#status: ::auth_runtime::StatusCode, body: &[u8]| #decode)
                }
                None => quote!(::auth_runtime::lenient_json),
            };
        }
        let mut ordered: Vec<&(StatusCode, Option<Content>)> = self.statuses.iter().collect();
        // Exact codes before ranges before `default`.
        ordered.sort_by_key(|(status, _)| match status {
            StatusCode::Code(_) => 0,
            StatusCode::Range(_) => 1,
            StatusCode::Default => 2,
        });
        let arms = ordered.iter().filter_map(|(status, content)| {
            let content = content.as_ref()?;
            let pattern = status_pattern(*status);
            let variant = status_variant(*status);
            let decode = error_decode(api, content);
            Some(quote!(#pattern => #decode.map(#enum_name::#variant),))
        });
        let has_default = ordered.iter().any(|(s, _)| *s == StatusCode::Default);
        let fallback = (!has_default).then(|| quote!(_ => ::std::option::Option::None,));
        quote! {
            |status: ::auth_runtime::StatusCode, body: &[u8]| match status.as_u16() {
                #(#arms)*
                #fallback
            }
        }
    }
}

/// An error body as documented, from `status` and `body` (`None` when JSON does not
/// match; text and bytes always decode).
fn error_decode(api: &Api, content: &Content) -> TokenStream {
    match content.kind {
        MediaKind::Text => quote!(::std::option::Option::Some(
            ::std::string::String::from_utf8_lossy(body).into_owned()
        )),
        MediaKind::Binary => quote!(::std::option::Option::Some(
            ::auth_runtime::Bytes::copy_from_slice(body)
        )),
        _ => {
            let ty = content_type(api, content);
            quote!(::auth_runtime::lenient_json::<#ty>(status, body))
        }
    }
}

/// The Rust type of a content as decoded.
fn content_type(api: &Api, content: &Content) -> TokenStream {
    match content.kind {
        MediaKind::Text => quote!(::std::string::String),
        MediaKind::Binary => quote!(::auth_runtime::Bytes),
        _ => qualified_type_ref(api, &content.ty),
    }
}

fn decode_call(api: &Api, content: &Content) -> TokenStream {
    match content.kind {
        MediaKind::Text => quote!(response.text()),
        MediaKind::Binary => quote!(response.bytes()),
        _ => {
            let ty = qualified_type_ref(api, &content.ty);
            quote!(response.json::<#ty>())
        }
    }
}

/// `Status200`, `Status4xx`, `Default`.
fn status_variant(status: StatusCode) -> syn::Ident {
    match status {
        StatusCode::Code(code) => format_ident!("Status{code}"),
        StatusCode::Range(class) => format_ident!("Status{class}xx"),
        StatusCode::Default => format_ident!("Default"),
    }
}

/// The `match` pattern of a status (on `status.as_u16()`).
fn status_pattern(status: StatusCode) -> TokenStream {
    match status {
        StatusCode::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusCode::Range(class) => {
            let (low, high) = (
                proc_macro2::Literal::u16_unsuffixed(class * 100),
                proc_macro2::Literal::u16_unsuffixed(class * 100 + 99),
            );
            quote!(#low..=#high)
        }
        StatusCode::Default => quote!(_),
    }
}
