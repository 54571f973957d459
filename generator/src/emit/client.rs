//! The `client` module of an API: where it is served (`Server`), the `Client` with one
//! method per operation and one credentials setter per security scheme, and the auth
//! flows of its token operations.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::code_span;
use super::features::Features;
use super::types::ident;
use super::{outer_docs, own_docs};
use crate::ir::*;
use crate::names::Namespace;

/// The names the client module's items take before its operations' (which come after):
/// the fixed ones, the flows', and each scheme client's (by scheme).
pub(super) fn item_names(api: &Api) -> (Namespace, Vec<Option<String>>) {
    let mut taken = Namespace::with_reserved(&["Server", "Client", "Error", "ErrorBody"]);
    for flow in &api.auth_flows {
        for suffix in ["Flow", "Credentials", "Login", "Auth"] {
            taken.unique(format!("{}{suffix}", flow.name));
        }
    }
    let scheme_names = super::schemes::scheme_names(api, &mut taken);
    (taken, scheme_names)
}

/// The module's items, appended to `out`: the server, the client and its own methods
/// (formatted), the operations (printed), the auth flows and scheme clients (formatted).
pub fn items(api: &Api, features: Option<&Features>, out: &mut String) {
    let server = super::servers::server_enum(api);
    let (mut taken, scheme_names) = item_names(api);
    let operations = super::operations::operations(api, &mut taken, features);
    let setters = api
        .security_schemes
        .iter()
        .zip(&scheme_names)
        .map(|(scheme, name)| setter(api, scheme, name.as_deref()));
    let flows = super::flows::items(api);
    let schemes = super::schemes::items(api, &scheme_names);
    let client = quote! {
        #server

        /// Calls this API's operations, typed; credentials are set per security scheme.
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        pub struct Client {
            api: ::auth_runtime::ApiClient,
        }

        impl Client {
            /// A client for `server`, sending through `http`.
            pub fn new(server: &Server, http: ::auth_runtime::Http) -> ::std::result::Result<Self, ::auth_runtime::ConfigError> {
                ::std::result::Result::Ok(Self { api: ::auth_runtime::ApiClient::new(server.base_url()?, http) })
            }

            /// Credentials for the security scheme named `scheme` in the document.
            pub fn with_auth(self, scheme: &str, auth: impl ::std::convert::Into<::auth_runtime::Auth>) -> Self {
                Self { api: self.api.with_auth(scheme, auth) }
            }

            #(#setters)*

            /// How calls are made: whether `POST`/`PATCH` are retried too, how much of an
            /// answer is read.
            pub fn with_options(self, options: ::auth_runtime::CallOptions) -> Self {
                Self { api: self.api.with_options(options) }
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &::auth_runtime::BaseUrl {
                self.api.base_url()
            }

            /// The HTTP client requests go through.
            pub fn http(&self) -> &::auth_runtime::Http {
                self.api.http()
            }
        }
    };
    let client = super::format_tokens(client);
    out.reserve(client.len() + operations.len());
    out.push_str(&client);
    out.push_str(&operations);
    out.push_str(&super::format_tokens(flows));
    out.push_str(&super::format_tokens(schemes));
}

/// `with_<scheme>`: the credentials of one security scheme, typed by its kind.
fn setter(api: &Api, scheme: &SecurityScheme, client: Option<&str>) -> TokenStream {
    let name = ident(&scheme.setter);
    let key = &scheme.key;
    let mut lines = scheme.docs.0.clone();
    if !lines.is_empty() {
        lines.push(String::new());
    }
    let docs = outer_docs(&Docs(lines));
    let makers = token_makers(api, scheme, client);
    let (what, argument, auth) = match &scheme.kind {
        SecuritySchemeKind::ApiKey { name, location } => {
            let location = match location {
                ParameterLocation::Query => quote!(::auth_runtime::KeyLocation::Query),
                ParameterLocation::Cookie => quote!(::auth_runtime::KeyLocation::Cookie),
                _ => quote!(::auth_runtime::KeyLocation::Header),
            };
            (
                format!("The API key, sent as {}.", code_span(name)),
                quote!(key: impl ::std::convert::Into<::auth_runtime::SecretString>),
                quote!(::auth_runtime::Auth::api_key(#location, #name, key)),
            )
        }
        SecuritySchemeKind::Http { scheme } if scheme == "basic" => (
            "HTTP Basic credentials.".to_owned(),
            quote!(credentials: ::auth_runtime::BasicAuth),
            quote!(::auth_runtime::Auth::basic(credentials)),
        ),
        _ => (
            "Bearer tokens: a token manager (refreshed, replayed once after `401`) or a fixed token (`Auth::bearer`).".to_owned(),
            quote!(auth: impl ::std::convert::Into<::auth_runtime::Auth>),
            quote!(auth),
        ),
    };
    let intro = own_docs(&[format!(
        "Credentials of the security scheme {}: {what}",
        code_span(key)
    )]);
    quote! {
        #intro
        #makers
        #docs
        pub fn #name(self, #argument) -> Self {
            Self { api: self.api.with_auth(#key, #auth) }
        }
    }
}

/// "Token managers come from …": the scheme's standard client and the token operations'
/// flows that serve it.
fn token_makers(api: &Api, scheme: &SecurityScheme, client: Option<&str>) -> TokenStream {
    let mut makers: Vec<String> = client.map(|c| format!("[`{c}`]")).into_iter().collect();
    if let SecuritySchemeKind::OAuth2 { flows, .. } = &scheme.kind {
        for served in flows.iter().filter_map(|f| f.served_by) {
            let flow = format!("[`{}Flow`]", api.auth_flows[served].name);
            if !makers.contains(&flow) {
                makers.push(flow);
            }
        }
    }
    if makers.is_empty() {
        return TokenStream::new();
    }
    own_docs(&[
        String::new(),
        format!("Token managers come from {}.", makers.join(", ")),
    ])
}
