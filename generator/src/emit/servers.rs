//! The `Server` enum: one variant per absolute server URL of the document, its
//! variables as fields, plus `Custom` for any other base URL.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::code_span;
use super::types::ident;
use super::{outer_docs, own_docs};
use crate::ir::*;
use crate::names::{self, Namespace};

pub fn server_enum(api: &Api) -> TokenStream {
    let mut variant_names = Namespace::with_reserved(&["Custom"]);
    let servers: Vec<(syn::Ident, &Server)> = api
        .servers
        .iter()
        .filter(|s| is_absolute(&s.url))
        .map(|server| {
            let label = server
                .description
                .clone()
                .unwrap_or_else(|| host(&server.url));
            (ident(&variant_names.unique(names::pascal(&label))), server)
        })
        .collect();
    let variants = servers.iter().map(|(name, server)| variant(name, server));
    let arms = servers
        .iter()
        .map(|(name, server)| base_url_arm(name, server));
    let listed = own_docs(&[if servers.is_empty() {
        "The document lists no absolute server URL: give the base URL with [`Server::Custom`]."
            .to_owned()
    } else {
        "The document's servers, in its order, plus any other URL. There is no default: the app chooses.".to_owned()
    }]);
    quote! {
        /// Where the API is served.
        ///
        #listed
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq)]
        pub enum Server {
            #(#variants)*
            /// Any other base URL: `https://…`, or `http://` to a loopback address.
            Custom(::std::string::String),
        }

        impl Server {
            /// The validated base URL.
            pub fn base_url(&self) -> ::std::result::Result<::auth_runtime::BaseUrl, ::auth_runtime::ConfigError> {
                match self {
                    #(#arms)*
                    Self::Custom(url) => ::auth_runtime::BaseUrl::parse(url),
                }
            }
        }
    }
}

fn variant(name: &syn::Ident, server: &Server) -> TokenStream {
    let mut lines = server
        .description
        .iter()
        .map(|d| d.to_owned())
        .collect::<Vec<_>>();
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(code_span(&server.url));
    let docs = outer_docs(&Docs(lines));
    if server.variables.is_empty() {
        return quote! { #docs #name, };
    }
    let fields = server.variables.iter().map(|variable| {
        let field = ident(&variable.name);
        let mut lines = variable.docs.0.clone();
        if let Some(default) = &variable.default {
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push(format!("The document's default: {}.", code_span(default)));
        }
        let docs = outer_docs(&Docs(lines));
        quote! { #docs #field: ::std::string::String }
    });
    quote! { #docs #name { #(#fields),* }, }
}

/// The URL put together from its text and the variables' values.
fn base_url_arm(name: &syn::Ident, server: &Server) -> TokenStream {
    if server.variables.is_empty() {
        let url = &server.url;
        return quote! { Self::#name => ::auth_runtime::BaseUrl::parse(#url), };
    }
    let fields = server.variables.iter().map(|v| ident(&v.name));
    let parts = server.template.iter().map(|part| match part {
        UrlPart::Text(text) => quote!(#text),
        UrlPart::Variable(index) => {
            let field = ident(&server.variables[*index].name);
            quote!(#field.as_str())
        }
    });
    quote! {
        Self::#name { #(#fields),* } => ::auth_runtime::BaseUrl::parse(&[#(#parts),*].concat()),
    }
}

/// Only absolute URLs make a variant; a relative one needs the app's base.
fn is_absolute(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with('{')
}

fn host(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .split('/')
        .next()
        .unwrap_or(after_scheme)
        .to_owned()
}
