//! Standard OAuth 2.0 flows, usable with or without generated code: client
//! credentials, resource-owner password and refresh token (RFC 6749 §4.4, §4.3, §6),
//! authorization code with PKCE (RFC 7636), device authorization (RFC 8628), and
//! endpoints found by OpenID Connect Discovery or RFC 8414 metadata.
//!
//! Every flow is a [`TokenFlow`](crate::TokenFlow): a [`TokenManager`](crate::TokenManager)
//! caches its tokens, refreshes them and replays an API call once after `401`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use auth_runtime::oauth::{AuthorizationServer, ClientCredentials, OAuthClient};
//! use auth_runtime::{Http, HttpOptions, SecretString};
//!
//! let server = AuthorizationServer::new("https://login.example.com/oauth2/token")?;
//! let client = OAuthClient::new("my-app")
//!     .secret(SecretString::from("s3cr3t"))
//!     .scope("orders:read")
//!     .param("audience", "https://api.example.com");
//! let tokens = ClientCredentials::new(server, client).into_manager(Http::new(HttpOptions::default())?);
//! let token = tokens.access_token().await?; // cached until shortly before it expires
//! # let _ = token; Ok(()) }
//! ```
//!
//! Token requests are `application/x-www-form-urlencoded` (RFC 6749 §4), answers are
//! read leniently ([`IssuedToken::parse`](crate::IssuedToken::parse)), and every secret
//! a request carries (client secret, password, refresh token, code, code verifier,
//! device code) is masked in whatever an error keeps of an answer.

mod authorization_code;
mod device;
mod discovery;
mod grants;

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::error::{Error, HttpError};
use crate::http::Http;
use crate::response::{RawResponse, lenient_json};
use crate::secret::BasicAuth;
use crate::token::{IssuedToken, TokenFields};
use crate::token_request::TokenRequest;

pub use authorization_code::{AuthorizationCode, AuthorizationRequest};
pub use device::{DeviceAuthorization, DeviceFlow};
pub use discovery::{AuthorizationServer, FlowUrls, ServerMetadata};
pub use grants::{ClientCredentials, Password, RefreshToken};

/// How the client proves who it is to the token endpoint (RFC 6749 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuthentication {
    /// `client_secret_basic`: `Authorization: Basic base64(id:secret)`, the id and the
    /// secret form-encoded first (RFC 6749 §2.3.1). Every server must support it.
    #[default]
    Basic,
    /// Like [`Basic`](ClientAuthentication::Basic) but without form-encoding the id and
    /// the secret first, as several servers expect (they differ only when either holds
    /// characters such as `:`, `+` or `%`).
    BasicUnencoded,
    /// `client_secret_post`: `client_id` and `client_secret` in the form body.
    Post,
    /// A public client (no secret): `client_id` in the form body only.
    None,
}

/// The application as an OAuth client: its id, its secret, how it authenticates, and
/// what it asks for (scopes, extra parameters such as `audience` or RFC 8707
/// `resource`). Cheap to clone; `Debug` never shows the secret.
///
/// ```
/// use auth_runtime::oauth::{ClientAuthentication, OAuthClient};
///
/// let client = OAuthClient::new("my-app")
///     .secret("s3cr3t")
///     .authentication(ClientAuthentication::Post) // `client_secret_post`
///     .scopes(["orders:read", "orders:write"])
///     .param("audience", "https://api.example.com");
/// assert_eq!(client.id(), "my-app");
/// assert!(!format!("{client:?}").contains("s3cr3t"));
/// ```
#[derive(Clone)]
pub struct OAuthClient {
    id: String,
    secret: Option<SecretString>,
    authentication: ClientAuthentication,
    scopes: Vec<String>,
    params: Vec<(String, String)>,
}

impl OAuthClient {
    /// A client with this `client_id`, no secret yet, HTTP Basic authentication.
    pub fn new(id: impl Into<String>) -> OAuthClient {
        OAuthClient {
            id: id.into(),
            secret: None,
            authentication: ClientAuthentication::Basic,
            scopes: Vec::new(),
            params: Vec::new(),
        }
    }

    /// The client secret (confidential clients).
    pub fn secret(mut self, secret: impl Into<SecretString>) -> OAuthClient {
        self.secret = Some(secret.into());
        self
    }

    /// How the client authenticates (default: [`ClientAuthentication::Basic`]; a
    /// client without a secret always sends only its id in the body).
    pub fn authentication(mut self, authentication: ClientAuthentication) -> OAuthClient {
        self.authentication = authentication;
        self
    }

    /// Asks for a scope; scopes are sent space-separated in `scope`.
    pub fn scope(mut self, scope: impl Into<String>) -> OAuthClient {
        self.scopes.push(scope.into());
        self
    }

    /// Asks for several scopes.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> OAuthClient {
        self.scopes.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// An extra form parameter sent with every grant (`audience`, `resource`, …).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> OAuthClient {
        self.params.push((name.into(), value.into()));
        self
    }

    /// The `client_id`.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn effective_authentication(&self) -> ClientAuthentication {
        match self.secret {
            None => ClientAuthentication::None,
            Some(_) => self.authentication,
        }
    }

    fn basic(&self) -> Option<BasicAuth> {
        let secret = self.secret.as_ref()?;
        match self.effective_authentication() {
            ClientAuthentication::Basic => Some(BasicAuth::form_encoded(&self.id, secret)),
            ClientAuthentication::BasicUnencoded => Some(BasicAuth::new(&self.id, secret.clone())),
            ClientAuthentication::Post | ClientAuthentication::None => None,
        }
    }

    fn scope_value(&self) -> Option<String> {
        (!self.scopes.is_empty()).then(|| self.scopes.join(" "))
    }
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("id", &self.id)
            .field("secret", &self.secret.as_ref().map(|_| "[REDACTED]"))
            .field("authentication", &self.authentication)
            .field("scopes", &self.scopes)
            .field("params", &self.params)
            .finish()
    }
}

/// An OAuth 2.0 error answer (RFC 6749 §5.2; RFC 8628 §3.5 adds device-flow codes).
/// Decoded from the answer with every secret the request sent masked.
///
/// ```
/// use auth_runtime::oauth::OAuthError;
/// use auth_runtime::{Error, ErrorKind, Origin, RawBody, StatusCode};
///
/// fn is_bad_client(error: &Error<OAuthError>) -> bool {
///     error.documented().is_some_and(|e| e.error == "invalid_client")
/// }
///
/// let body = r#"{"error": "invalid_client", "error_description": "unknown client"}"#;
/// let refusal: OAuthError = serde_json::from_str(body)?;
/// assert_eq!(refusal.error_description.as_deref(), Some("unknown client"));
/// // A refused grant carries it as its documented body:
/// let (status, documented) = (StatusCode::UNAUTHORIZED, Some(refusal));
/// let kind = ErrorKind::Status { status, documented, body: RawBody::new(body, false) };
/// assert!(is_bad_client(&Error::new(kind, Origin::TokenEndpoint)));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OAuthError {
    /// The error code: `invalid_client`, `invalid_grant`, `authorization_pending`, ….
    pub error: String,
    /// A human-readable explanation, when the server gives one.
    #[serde(default)]
    pub error_description: Option<String>,
    /// A page about the error, when the server gives one.
    #[serde(default)]
    pub error_uri: Option<String>,
}

/// A parameter of a token request; secret ones are masked in every answer kept.
pub(crate) enum Param<'a> {
    Plain(&'static str, &'a str),
    Secret(&'static str, &'a SecretString),
}

/// Sends one token request to `url` for `client` and reads the token it answers.
pub(crate) async fn request_token(
    http: &Http,
    url: &crate::Url,
    client: &OAuthClient,
    grant: &[Param<'_>],
    with_scope: bool,
) -> Result<IssuedToken, Error<OAuthError>> {
    let answer = send_form(http, url, client, grant, with_scope).await?;
    answer.into_token(&TokenFields::SNAKE_CASE, lenient_json)
}

/// Sends a form to an authorization server endpoint for `client`: the grant's
/// parameters, the client's scopes (unless `with_scope` is false: a refresh keeps the
/// granted scope) and extra parameters, and the client's authentication.
pub(crate) async fn send_form(
    http: &Http,
    url: &crate::Url,
    client: &OAuthClient,
    grant: &[Param<'_>],
    with_scope: bool,
) -> Result<RawResponse, HttpError> {
    let mut form: Vec<(&str, &str)> = Vec::new();
    let mut secrets: Vec<&SecretString> = Vec::new();
    for param in grant {
        match param {
            Param::Plain(name, value) => form.push((name, value)),
            Param::Secret(name, value) => {
                form.push((name, value.expose_secret()));
                secrets.push(value);
            }
        }
    }
    let scope = client.scope_value().filter(|_| with_scope);
    if let Some(scope) = &scope {
        form.push(("scope", scope));
    }
    for (name, value) in &client.params {
        form.push((name, value));
    }
    let authentication = client.effective_authentication();
    if matches!(
        authentication,
        ClientAuthentication::Post | ClientAuthentication::None
    ) {
        form.push(("client_id", &client.id));
    }
    if let (ClientAuthentication::Post, Some(secret)) = (authentication, &client.secret) {
        form.push(("client_secret", secret.expose_secret()));
        secrets.push(secret);
    }
    let basic = client.basic();
    let mut request = TokenRequest::form_of(url, &form)?;
    for secret in secrets {
        request = request.with_secret(secret);
    }
    if let Some(basic) = &basic {
        request = request.basic_auth(basic);
    }
    http.send_token_request(request).await
}

/// The OAuth error code of a token endpoint's refusal, when it sent one.
pub(crate) fn error_code(error: &Error<OAuthError>) -> Option<&str> {
    error.documented().map(|e| e.error.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let client = OAuthClient::new("app")
            .secret(SecretString::from("hunter2"))
            .scope("a");
        let shown = format!("{client:?}");
        assert!(
            shown.contains("app") && !shown.contains("hunter2"),
            "{shown}"
        );
    }

    #[test]
    fn a_client_without_secret_is_public() {
        let client = OAuthClient::new("app");
        assert_eq!(
            client.effective_authentication(),
            ClientAuthentication::None
        );
        assert!(client.basic().is_none());
    }

    #[test]
    fn scopes_are_space_separated() {
        let client = OAuthClient::new("app").scope("a").scopes(["b", "c"]);
        assert_eq!(client.scope_value().as_deref(), Some("a b c"));
        assert_eq!(OAuthClient::new("app").scope_value(), None);
    }
}
