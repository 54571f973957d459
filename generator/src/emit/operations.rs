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
use super::features::{Features, Gate};
use super::outer_docs;
use super::request_bodies;
use super::responses::Outcome;
use super::types::{ident, qualified_type_ref};
use crate::ir::*;
use crate::names::{self, Namespace};

/// Names of the items an operation adds to the client module.
struct ItemNames {
    response: syn::Ident,
    error: syn::Ident,
    body: syn::Ident,
}

/// For every operation that is not a webhook: its method in an `impl Client` block of
/// its own and the items it uses (response, error and body enums), each behind the
/// operation's features when there are features. One piece per operation, so that each
/// is formatted on its own (Stripe's client is 22k lines).
pub fn operations(
    api: &Api,
    taken: &mut Namespace,
    features: Option<&Features>,
) -> Vec<TokenStream> {
    let mut pieces = Vec::new();
    for (index, operation) in api.operations.iter().enumerate() {
        if operation.webhook {
            continue;
        }
        let cfg = features
            .map(|f| f.cfg(f.operation(index)))
            .unwrap_or_default();
        let base = names::pascal(&operation.name);
        let names = ItemNames {
            response: ident(&taken.unique(format!("{base}Response"))),
            error: ident(&taken.unique(format!("{base}Error"))),
            body: ident(&taken.unique(format!("{base}Body"))),
        };
        let success = Outcome::success(operation);
        let failure = Outcome::failure(operation);
        let body = operation.request_body.as_ref();
        let gate = features.map(|f| (f, f.operation(index)));
        let method = method(api, operation, &names, (&success, &failure), gate);
        let mut items = quote! {
            impl Client {
                #method
            }
        };
        let mut item = |tokens: TokenStream| {
            if !tokens.is_empty() {
                items.extend(cfg.clone());
                items.extend(tokens);
            }
        };
        item(success.enumeration(api, &names.response, "The documented answers of a success."));
        item(failure.enumeration(api, &names.error, "The documented error bodies, by status."));
        if let Some(body) = body.filter(|b| b.contents.len() > 1) {
            item(request_bodies::body_enum(api, &names.body, body));
        }
        pieces.push(items);
    }
    pieces
}

fn method(
    api: &Api,
    operation: &Operation,
    names: &ItemNames,
    (success, failure): (&Outcome, &Outcome),
    gate: Option<(&Features, &Gate)>,
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
    let cfg = gate.map(|(features, gate)| features.cfg(gate));
    if let Some(needs) = gate.and_then(|(features, gate)| features.describe(gate)) {
        lines.push(String::new());
        lines.push(needs);
    }
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
    let (body_argument, body_call) = request_bodies::body(api, operation, &names.body);
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
        #cfg
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

pub(super) fn style_tokens(style: ParameterStyle) -> TokenStream {
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
