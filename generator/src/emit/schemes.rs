//! Clients of the security schemes declared the standard way (`components.securitySchemes`
//! of type `oauth2` or `openIdConnect`): one struct per scheme whose methods build the
//! runtime's standard flows (`auth_runtime::oauth`) with the document's URLs and scopes.
//! A flow a token operation of the document serves is left to that operation's typed
//! flow, which sends what the server documents.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::code_span;
use super::types::ident;
use super::{outer_docs, own_docs};
use crate::ir::*;
use crate::names::{self, Namespace};

/// The struct name of each scheme that gets a client, by index into
/// [`Api::security_schemes`].
pub fn scheme_names(api: &Api, taken: &mut Namespace) -> Vec<Option<String>> {
    api.security_schemes
        .iter()
        .map(|scheme| {
            has_client(scheme)
                .then(|| taken.unique(format!("{}Scheme", names::pascal(&scheme.key))))
        })
        .collect()
}

/// Whether a scheme has anything for a standard client to do.
pub(super) fn has_client(scheme: &SecurityScheme) -> bool {
    match &scheme.kind {
        SecuritySchemeKind::OAuth2 { flows, .. } => flows.iter().any(|f| f.served_by.is_none()),
        SecuritySchemeKind::OpenIdConnect { url } => !url.trim().is_empty(),
        _ => false,
    }
}

pub fn items(api: &Api, names: &[Option<String>]) -> TokenStream {
    api.security_schemes
        .iter()
        .zip(names)
        .filter_map(|(scheme, name)| Some(scheme_client(api, scheme, name.as_deref()?)))
        .collect()
}

fn optional(value: Option<&str>) -> TokenStream {
    match value {
        Some(text) => quote!(::std::option::Option::Some(#text)),
        None => quote!(::std::option::Option::None),
    }
}

/// `FlowUrls { … }` of one flow (or of discovery alone).
fn flow_urls(flow: Option<&OAuthFlow>, metadata: Option<&str>) -> TokenStream {
    let url =
        |pick: fn(&OAuthFlow) -> &Option<String>| optional(flow.and_then(|f| pick(f).as_deref()));
    let token = url(|f| &f.token_url);
    let refresh = url(|f| &f.refresh_url);
    let authorization = url(|f| &f.authorization_url);
    let device = url(|f| &f.device_authorization_url);
    let metadata = optional(metadata);
    quote! {
        ::auth_runtime::oauth::FlowUrls {
            token_url: #token,
            refresh_url: #refresh,
            authorization_url: #authorization,
            device_authorization_url: #device,
            metadata_url: #metadata,
        }
    }
}

fn scheme_client(api: &Api, scheme: &SecurityScheme, name: &str) -> TokenStream {
    let name = ident(name);
    let (flows, metadata): (Vec<&OAuthFlow>, Option<&str>) = match &scheme.kind {
        SecuritySchemeKind::OAuth2 {
            flows,
            metadata_url,
        } => (flows.iter().collect(), metadata_url.as_deref()),
        SecuritySchemeKind::OpenIdConnect { url } => (Vec::new(), Some(url.as_str())),
        _ => (Vec::new(), None),
    };
    let discovered = matches!(scheme.kind, SecuritySchemeKind::OpenIdConnect { .. });
    let mut methods = Vec::new();
    let mut notes = Vec::new();
    let grants = [
        OAuthGrant::ClientCredentials,
        OAuthGrant::Password,
        OAuthGrant::AuthorizationCode,
        OAuthGrant::DeviceAuthorization,
    ];
    for grant in grants {
        let flow = flows.iter().copied().find(|f| f.grant == grant);
        if let Some(served) = flow.and_then(|f| f.served_by) {
            let auth_flow = &api.auth_flows[served];
            let operation = &api.operations[auth_flow.operation];
            notes.push(format!(
                "The {} flow is the document's token operation {}: [`{}Flow`].",
                code_span(grant.key()),
                code_span(&format!(
                    "{} {}",
                    operation.method.as_str().to_uppercase(),
                    operation.path
                )),
                auth_flow.name
            ));
            continue;
        }
        if flow.is_none() && !discovered {
            continue;
        }
        methods.push(grant_method(grant, flow, flow_urls(flow, metadata)));
    }
    // Refresh grants alone, for a refresh token the app kept: the first flow that has
    // a token URL says where they go.
    let refreshing = flows
        .iter()
        .copied()
        .filter(|f| f.served_by.is_none())
        .find(|f| f.token_url.is_some());
    if refreshing.is_some() || discovered {
        let urls = flow_urls(refreshing, metadata);
        methods.push(quote! {
            /// Refresh grants alone, for a refresh token the app kept from an earlier
            /// authorization: see [`::auth_runtime::oauth::RefreshToken::from_refresh_token`].
            pub fn refresh_token(&self, client: ::auth_runtime::oauth::OAuthClient) -> ::std::result::Result<::auth_runtime::oauth::RefreshToken, ::auth_runtime::ConfigError> {
                let server = ::auth_runtime::oauth::AuthorizationServer::for_flow(&self.base, &#urls)?;
                ::std::result::Result::Ok(::auth_runtime::oauth::RefreshToken::new(server, client))
            }
        });
    }
    let scopes: Vec<&Scope> = flows.iter().flat_map(|f| &f.scopes).collect();
    let mut seen = std::collections::HashSet::new();
    let scope_items = scopes.iter().filter(|s| seen.insert(&s.name)).map(|s| {
        let (scope, description) = (&s.name, &s.description);
        quote!((#scope, #description))
    });
    let kind = if discovered {
        format!(
            "OpenID Connect security scheme {}: endpoints discovered from {}",
            code_span(&scheme.key),
            code_span(metadata.unwrap_or_default())
        )
    } else {
        format!("OAuth 2.0 security scheme {}", code_span(&scheme.key))
    };
    let intro = own_docs(&[
        format!("The {kind}: its flows on the runtime's standard clients (RFC 6749 form requests), with the document's URLs; relative ones resolve against the server."),
        String::new(),
        "Each method gives a flow for [`::auth_runtime::TokenManager`]; hand the manager to the `Client` with the scheme's setter.".to_owned(),
    ]);
    let scheme_docs = (!scheme.docs.0.is_empty()).then(|| {
        let blank = own_docs(&[String::new()]);
        let docs = outer_docs(&scheme.docs);
        quote!(#blank #docs)
    });
    let notes = (!notes.is_empty()).then(|| {
        let mut lines = vec![String::new()];
        lines.extend(notes);
        own_docs(&lines)
    });
    quote! {
        #intro
        #scheme_docs
        #notes
        #[derive(::std::fmt::Debug, ::std::clone::Clone)]
        pub struct #name {
            base: ::auth_runtime::BaseUrl,
        }

        impl #name {
            /// The scopes the document lists, with their descriptions.
            pub const SCOPES: &'static [(&'static str, &'static str)] = &[#(#scope_items),*];

            /// The scheme for the API at `server`, whose URL relative URLs resolve against.
            pub fn new(server: &Server) -> ::std::result::Result<Self, ::auth_runtime::ConfigError> {
                ::std::result::Result::Ok(Self { base: server.base_url()? })
            }

            #(#methods)*
        }
    }
}

/// The method that builds one grant's flow.
fn grant_method(grant: OAuthGrant, flow: Option<&OAuthFlow>, urls: TokenStream) -> TokenStream {
    let shown = |url: &Option<String>| url.as_deref().map(code_span);
    let mut where_ = Vec::new();
    if let Some(flow) = flow {
        for (what, url) in [
            ("token URL", shown(&flow.token_url)),
            ("refresh URL", shown(&flow.refresh_url)),
            ("authorization URL", shown(&flow.authorization_url)),
            (
                "device authorization URL",
                shown(&flow.device_authorization_url),
            ),
        ] {
            if let Some(url) = url {
                where_.push(format!("{what} {url}"));
            }
        }
        if !flow.scopes.is_empty() {
            let scopes: Vec<String> = flow.scopes.iter().map(|s| code_span(&s.name)).collect();
            where_.push(format!("scopes {}", scopes.join(", ")));
        }
    } else {
        where_.push("endpoints discovered".to_owned());
    }
    let summary = format!(
        "The {} flow: {}.",
        code_span(grant.key()),
        where_.join("; ")
    );
    let server = quote!(let server = ::auth_runtime::oauth::AuthorizationServer::for_flow(&self.base, &#urls)?;);
    let (name, extra, build, returns, about) = match grant {
        OAuthGrant::ClientCredentials => (
            quote!(client_credentials),
            quote!(),
            quote!(::auth_runtime::oauth::ClientCredentials::new(
                server, client
            )),
            quote!(::auth_runtime::oauth::ClientCredentials),
            "The application acts on its own behalf; `into_manager` gives its token manager.",
        ),
        OAuthGrant::Password => (
            quote!(password),
            quote!(username: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::auth_runtime::SecretString>,),
            quote!(::auth_runtime::oauth::Password::new(
                server, client, username, password
            )),
            quote!(::auth_runtime::oauth::Password),
            "The user's own credentials, then refresh grants.",
        ),
        OAuthGrant::AuthorizationCode => (
            quote!(authorization_code),
            quote!(redirect_uri: &str,),
            quote!(::auth_runtime::oauth::AuthorizationCode::new(
                server,
                client,
                redirect_uri
            )),
            quote!(::auth_runtime::oauth::AuthorizationCode),
            "With PKCE: `start` gives the URL to send the user to, `finish` takes the redirect back and gives the token manager.",
        ),
        OAuthGrant::DeviceAuthorization | OAuthGrant::Implicit => (
            quote!(device_authorization),
            quote!(),
            quote!(::auth_runtime::oauth::DeviceFlow::new(server, client)),
            quote!(::auth_runtime::oauth::DeviceFlow),
            "`start` gives the code to show the user, `finish` polls until they approve and gives the token manager.",
        ),
    };
    let docs = own_docs(&[summary, String::new(), about.to_owned()]);
    // `AuthorizationCode::new` checks the redirect URI: its result is the method's.
    let result = match grant {
        OAuthGrant::AuthorizationCode => build,
        _ => quote!(::std::result::Result::Ok(#build)),
    };
    quote! {
        #docs
        pub fn #name(&self, client: ::auth_runtime::oauth::OAuthClient, #extra) -> ::std::result::Result<#returns, ::auth_runtime::ConfigError> {
            #server
            #result
        }
    }
}
