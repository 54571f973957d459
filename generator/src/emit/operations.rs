//! One `async` method per operation on the API's `Client`: required path parameters
//! as arguments, the other parameters in the operation's `…Params` struct, the body as
//! the document describes it (an enum when it offers several media types), and a
//! `ResponseValue` of the documented success type (an enum when several 2xx statuses
//! have different bodies). Errors keep the status and the raw body, plus the documented
//! body of that status (an enum when statuses document different bodies).
//!
//! The methods only wire types to the runtime (`auth_runtime::ApiRequest`), which
//! encodes parameters, applies credentials, retries and decodes.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::code_span;
use super::outer_docs;
use super::types::{ident, qualified_type_ref};
use crate::ir::*;
use crate::names::{self, Namespace};

/// Names of the items an operation adds to the client module.
struct ItemNames {
    response: syn::Ident,
    error: syn::Ident,
    body: syn::Ident,
}

/// The methods (for `impl Client`) and the items they use (response, error and body
/// enums), for every operation that is not a webhook.
pub fn operations(api: &Api, taken: &mut Namespace) -> (TokenStream, TokenStream) {
    let mut methods = TokenStream::new();
    let mut items = TokenStream::new();
    for operation in api.operations.iter().filter(|o| !o.webhook) {
        let base = names::pascal(&operation.name);
        let names = ItemNames {
            response: ident(&taken.unique(format!("{base}Response"))),
            error: ident(&taken.unique(format!("{base}Error"))),
            body: ident(&taken.unique(format!("{base}Body"))),
        };
        let success = Outcome::success(operation);
        let failure = Outcome::failure(operation);
        let body = operation.request_body.as_ref();
        methods.extend(method(api, operation, &names, &success, &failure));
        items.extend(success.enumeration(
            api,
            &names.response,
            "The documented answers of a success.",
        ));
        items.extend(failure.enumeration(
            api,
            &names.error,
            "The documented error bodies, by status.",
        ));
        if let Some(body) = body.filter(|b| b.contents.len() > 1) {
            items.extend(body_enum(api, &names.body, body));
        }
    }
    (methods, items)
}

fn method(
    api: &Api,
    operation: &Operation,
    names: &ItemNames,
    success: &Outcome,
    failure: &Outcome,
) -> TokenStream {
    let name = ident(&operation.name);
    let endpoint = format!(
        "{} {}",
        operation.method.as_str().to_uppercase(),
        operation.path
    );
    let mut lines = operation.docs.0.clone();
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(code_span(&endpoint));
    lines.push(String::new());
    lines.push(security_docs(api, operation));
    let docs = outer_docs(&Docs(lines));
    let deprecated = operation.deprecated.then(|| quote!(#[deprecated]));
    let path_parameters: Vec<&Parameter> = operation
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Path)
        .collect();
    let arguments = path_parameters.iter().map(|p| {
        let name = ident(&p.name);
        let ty = argument_type(api, &p.ty);
        quote!(#name: #ty)
    });
    let params_argument = operation.parameters_type.map(|id| {
        let ty = qualified_type_ref(api, &TypeRef::Named(id));
        quote!(params: &#ty,)
    });
    let (body_argument, body_call) = body(api, operation, names);
    let method = method_tokens(operation.method);
    // Some documents tell operations on one path apart with a fragment
    // (`/files/{id}#get_shared_link`); a fragment never travels.
    let path = operation.path.split('#').next().unwrap_or_default();
    let security = security(api, operation);
    let parameter_calls = operation.parameters.iter().map(parameter_call);
    let ok = success.type_tokens(api, &names.response);
    let error = failure.type_tokens(api, &names.error);
    let decode = success.decode_success(api, &names.response);
    let decode_error = failure.decode_error(api, &names.error);
    quote! {
        #docs
        #deprecated
        pub async fn #name(&self, #(#arguments,)* #params_argument #body_argument) -> ::std::result::Result<::auth_runtime::ResponseValue<#ok>, ::auth_runtime::Error<#error>> {
            let request = ::auth_runtime::ApiRequest::new(#method, #path)
                .security(#security)
                #(#parameter_calls)*
                #body_call;
            let response = self.api.send(request).await?;
            response.into_value(#decode, #decode_error)
        }
    }
}

fn method_tokens(method: Method) -> TokenStream {
    match method {
        Method::Get => quote!(::auth_runtime::Method::GET),
        Method::Put => quote!(::auth_runtime::Method::PUT),
        Method::Post => quote!(::auth_runtime::Method::POST),
        Method::Delete => quote!(::auth_runtime::Method::DELETE),
        Method::Options => quote!(::auth_runtime::Method::OPTIONS),
        Method::Head => quote!(::auth_runtime::Method::HEAD),
        Method::Patch => quote!(::auth_runtime::Method::PATCH),
        Method::Trace => quote!(::auth_runtime::Method::TRACE),
        Method::Query => quote!(::auth_runtime::method_query()),
    }
}

/// A path parameter's argument: strings borrowed, other scalars by value, the rest
/// borrowed.
fn argument_type(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Scalar(Scalar::String) => quote!(&str),
        TypeRef::Scalar(_) => qualified_type_ref(api, ty),
        _ => {
            let ty = qualified_type_ref(api, ty);
            quote!(&#ty)
        }
    }
}

fn style_tokens(style: ParameterStyle) -> TokenStream {
    let variant = format_ident!("{}", format!("{style:?}"));
    quote!(::auth_runtime::Style::#variant)
}

/// The builder call that writes one parameter where it goes.
fn parameter_call(parameter: &Parameter) -> TokenStream {
    let wire = &parameter.wire_name;
    let name = ident(&parameter.name);
    let style = style_tokens(parameter.style);
    let explode = parameter.explode;
    let allow_reserved = parameter.allow_reserved;
    let value = if parameter.required {
        quote!(::std::option::Option::Some(&params.#name))
    } else {
        quote!(params.#name.as_ref())
    };
    match parameter.location {
        // Scalars other than strings are arguments by value.
        ParameterLocation::Path if matches!(parameter.ty, TypeRef::Scalar(s) if s != Scalar::String) =>
        {
            quote!(.path_param(#wire, &#name, #style, #explode))
        }
        ParameterLocation::Path => quote!(.path_param(#wire, #name, #style, #explode)),
        ParameterLocation::Query if parameter.json => quote!(.json_query(#wire, #value)),
        ParameterLocation::Query => {
            quote!(.query(#wire, #value, #style, #explode, #allow_reserved))
        }
        ParameterLocation::Header => quote!(.header(#wire, #value, #explode)),
        ParameterLocation::Cookie => quote!(.cookie(#wire, #value, #explode)),
    }
}

/// "Authorization: `oauth` (scope `write`), or `apiKey`.": the requirement alternatives
/// that can satisfy the operation, as the app sets them on the `Client`.
fn security_docs(api: &Api, operation: &Operation) -> String {
    let requirements = operation.security.as_ref().unwrap_or(&api.default_security);
    let alternatives: Vec<String> = requirements
        .iter()
        .map(|requirement| {
            if requirement.schemes.is_empty() {
                return "none".to_owned();
            }
            let schemes: Vec<String> = requirement
                .schemes
                .iter()
                .map(|(scheme, scopes)| {
                    let scopes: Vec<String> = scopes.iter().map(|s| code_span(s)).collect();
                    match scopes.len() {
                        0 => code_span(scheme),
                        1 => format!("{} (scope {})", code_span(scheme), scopes[0]),
                        _ => format!("{} (scopes {})", code_span(scheme), scopes.join(", ")),
                    }
                })
                .collect();
            schemes.join(" and ")
        })
        .collect();
    match alternatives.len() {
        0 => "Authorization: none.".to_owned(),
        _ => format!("Authorization: {}.", alternatives.join(", or ")),
    }
}

/// The security alternatives: the operation's own, else the API's.
fn security(api: &Api, operation: &Operation) -> TokenStream {
    let requirements = operation.security.as_ref().unwrap_or(&api.default_security);
    let alternatives = requirements.iter().map(|requirement| {
        let schemes = requirement.schemes.iter().map(|(scheme, _)| scheme);
        quote!(&[#(#schemes),*])
    });
    quote!(&[#(#alternatives),*])
}

/// The body argument and the builder call that writes it.
fn body(api: &Api, operation: &Operation, names: &ItemNames) -> (TokenStream, TokenStream) {
    let Some(body) = &operation.request_body else {
        return (quote!(), quote!());
    };
    if body.contents.len() > 1 {
        let ty = &names.body;
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
fn body_enum(api: &Api, name: &syn::Ident, body: &RequestBody) -> TokenStream {
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

/// What the documented answers of one kind (successes, or errors) decode to.
struct Outcome {
    /// Each documented status with the content decoded from it (`None`: no body).
    statuses: Vec<(StatusCode, Option<Content>)>,
    /// Several different bodies: an enum with a variant per status.
    by_status: bool,
}

impl Outcome {
    fn success(operation: &Operation) -> Outcome {
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

    fn failure(operation: &Operation) -> Outcome {
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

    fn type_tokens(&self, api: &Api, enum_name: &syn::Ident) -> TokenStream {
        if self.by_status {
            return quote!(#enum_name);
        }
        match self.single() {
            Some(content) => content_type(api, content),
            None if self.statuses.is_empty() => quote!(::serde_json::Value),
            None => quote!(()),
        }
    }

    fn enumeration(&self, api: &Api, name: &syn::Ident, what: &str) -> TokenStream {
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
    fn decode_success(&self, api: &Api, enum_name: &syn::Ident) -> TokenStream {
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
    fn decode_error(&self, api: &Api, enum_name: &syn::Ident) -> TokenStream {
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
