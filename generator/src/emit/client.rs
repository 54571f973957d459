//! The `client` module of an API: where it is served (`Server`), the `Client` with one
//! method per operation and one credentials setter per security scheme, and the auth
//! flows of its token operations.

use super::docs::code_span;
use super::features::Features;
use super::printer::{MARGIN, block, doc_comments, line, list_within, literal, own_doc_comments};
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

/// The module's items, appended to `out`: the server, the client and its own methods,
/// the operations (all printed), the auth flows and scheme clients (formatted).
pub fn items(api: &Api, features: Option<&Features>, out: &mut String) {
    let (mut taken, scheme_names) = item_names(api);
    let operations = super::operations::operations(api, &mut taken, features);
    super::servers::server_enum(out, api);
    out.push_str(CLIENT_OPENING);
    for (scheme, name) in api.security_schemes.iter().zip(&scheme_names) {
        setter(out, api, scheme, name.as_deref());
    }
    out.push_str(CLIENT_CLOSING);
    out.push_str(&operations);
    for tokens in [
        super::flows::items(api),
        super::schemes::items(api, &scheme_names),
    ] {
        if !tokens.is_empty() {
            out.push_str(&super::format_tokens(tokens));
        }
    }
}

/// The `Client` struct and its methods up to the credentials setters.
const CLIENT_OPENING: &str = "\
/// Calls this API's operations, typed; credentials are set per security scheme.
#[derive(::std::fmt::Debug, ::std::clone::Clone)]
pub struct Client {
    api: ::auth_runtime::ApiClient,
}
impl Client {
    /// A client for `server`, sending through `http`.
    pub fn new(
        server: &Server,
        http: ::auth_runtime::Http,
    ) -> ::std::result::Result<Self, ::auth_runtime::ConfigError> {
        ::std::result::Result::Ok(Self {
            api: ::auth_runtime::ApiClient::new(server.base_url()?, http),
        })
    }
    /// Credentials for the security scheme named `scheme` in the document.
    pub fn with_auth(
        self,
        scheme: &str,
        auth: impl ::std::convert::Into<::auth_runtime::Auth>,
    ) -> Self {
        Self {
            api: self.api.with_auth(scheme, auth),
        }
    }
";

/// The `Client`'s methods after the credentials setters.
const CLIENT_CLOSING: &str =
    "    /// How calls are made: whether `POST`/`PATCH` are retried too, how much of an
    /// answer is read.
    pub fn with_options(self, options: ::auth_runtime::CallOptions) -> Self {
        Self {
            api: self.api.with_options(options),
        }
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
";

/// `with_<scheme>`: the credentials of one security scheme, typed by its kind.
fn setter(w: &mut String, api: &Api, scheme: &SecurityScheme, client: Option<&str>) {
    let key = literal(&scheme.key);
    let (what, argument, auth) = match &scheme.kind {
        SecuritySchemeKind::ApiKey { name, location } => {
            let location = match location {
                ParameterLocation::Query => "Query",
                ParameterLocation::Cookie => "Cookie",
                _ => "Header",
            };
            (
                format!("The API key, sent as {}.", code_span(name)),
                "key: impl ::std::convert::Into<::auth_runtime::SecretString>",
                list_within(
                    MARGIN - 16,
                    "::auth_runtime::Auth::api_key(",
                    &[
                        format!("::auth_runtime::KeyLocation::{location}"),
                        literal(name),
                        "key".to_owned(),
                    ],
                    ")",
                ),
            )
        }
        SecuritySchemeKind::Http { scheme } if scheme == "basic" => (
            "HTTP Basic credentials.".to_owned(),
            "credentials: ::auth_runtime::BasicAuth",
            "::auth_runtime::Auth::basic(credentials)".to_owned(),
        ),
        _ => (
            "Bearer tokens: a token manager (refreshed, replayed once after `401`) or a fixed token (`Auth::bearer`).".to_owned(),
            "auth: impl ::std::convert::Into<::auth_runtime::Auth>",
            "auth".to_owned(),
        ),
    };
    let mut intro = vec![format!(
        "Credentials of the security scheme {}: {what}",
        code_span(&scheme.key)
    )];
    intro.extend(token_makers(api, scheme, client));
    own_doc_comments(w, 1, &intro);
    doc_comments(w, 1, &scheme.docs);
    let open = format!("pub fn {}(", scheme.setter);
    let items = ["self".to_owned(), argument.to_owned()];
    block(w, 1, &list_within(MARGIN - 4, &open, &items, ") -> Self {"));
    line(w, 2, "Self {");
    let call = list_within(MARGIN - 12, "api: self.api.with_auth(", &[key, auth], "),");
    block(w, 3, &call);
    line(w, 2, "}");
    line(w, 1, "}");
}

/// "Token managers come from …": the scheme's standard client and the token operations'
/// flows that serve it.
fn token_makers(api: &Api, scheme: &SecurityScheme, client: Option<&str>) -> Vec<String> {
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
        return Vec::new();
    }
    vec![
        String::new(),
        format!("Token managers come from {}.", makers.join(", ")),
    ]
}
