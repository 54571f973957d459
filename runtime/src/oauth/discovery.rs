//! Where an authorization server's endpoints are: given (a document's `tokenUrl`,
//! `authorizationUrl`, `refreshUrl`, `deviceAuthorizationUrl`), or discovered at run
//! time from OpenID Connect Discovery 1.0 / RFC 8414 metadata, fetched once, cached, and
//! refused when its `issuer` is not the server it was asked of.

use std::fmt;
use std::sync::Arc;

use reqwest::header::ACCEPT;
use serde::Deserialize;

use super::OAuthError;
use crate::error::{ConfigError, Error, ErrorKind, HttpError, Origin};
use crate::http::{Exchange, Http, Redirects};
use crate::redact::Sent;
use crate::url::{BaseUrl, check_transport_security};
use crate::{StatusCode, Url};

const OIDC_SUFFIX: &str = "/.well-known/openid-configuration";
const RFC_8414_PREFIX: &str = "/.well-known/oauth-authorization-server";

/// An authorization server's endpoints. Cheap to clone (an `Arc`); discovered metadata
/// is shared by the clones.
#[derive(Clone)]
pub struct AuthorizationServer {
    inner: Arc<Inner>,
}

struct Inner {
    endpoints: Endpoints,
    /// Discovery: the metadata document's URL and the issuer it must name.
    discovery: Option<(Url, Issuer)>,
    metadata: tokio::sync::OnceCell<ServerMetadata>,
}

#[derive(Clone, Default)]
struct Endpoints {
    token: Option<Url>,
    refresh: Option<Url>,
    authorization: Option<Url>,
    device_authorization: Option<Url>,
}

/// The issuer a metadata document must name.
#[derive(Clone, Debug)]
enum Issuer {
    /// Derived from a well-known URL (OIDC Discovery §4.3, RFC 8414 §3.3).
    Exactly(String),
    /// An arbitrary metadata URL: the issuer must at least be on its origin.
    SameOrigin(String),
}

/// What discovery found: the endpoints this runtime uses, and what the server says it
/// supports.
#[derive(Debug, Clone, Deserialize)]
pub struct ServerMetadata {
    /// The issuer identifier.
    pub issuer: String,
    /// The token endpoint.
    pub token_endpoint: Option<String>,
    /// The authorization endpoint (authorization-code flow).
    pub authorization_endpoint: Option<String>,
    /// The device authorization endpoint (RFC 8628).
    pub device_authorization_endpoint: Option<String>,
    /// Client authentication methods the token endpoint accepts.
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// Grant types the server supports.
    #[serde(default)]
    pub grant_types_supported: Vec<String>,
    /// PKCE methods the server supports.
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    /// Scopes the server supports.
    #[serde(default)]
    pub scopes_supported: Vec<String>,
}

fn parse(what: &str, url: &str) -> Result<Url, ConfigError> {
    let parsed = Url::parse(url.trim()).map_err(|e| ConfigError::InvalidUrl {
        input: format!("{what} {url}"),
        reason: e.to_string(),
    })?;
    check_transport_security(&parsed)?;
    Ok(parsed)
}

/// An OpenAPI OAuth flow's URLs (or an OpenID Connect scheme's discovery URL) as the
/// document writes them: absolute, or relative to the API's server. What generated
/// scheme clients hand to [`AuthorizationServer::for_flow`].
///
/// ```
/// use auth_runtime::BaseUrl;
/// use auth_runtime::oauth::{AuthorizationServer, FlowUrls};
///
/// // An `openIdConnect` scheme: every endpoint discovered.
/// let base = BaseUrl::parse("https://api.example.com/v1")?;
/// let metadata_url = Some("/.well-known/openid-configuration");
/// let urls = FlowUrls { metadata_url, ..FlowUrls::NONE };
/// let server = AuthorizationServer::for_flow(&base, &urls)?;
/// # let _ = server;
/// # Ok::<(), auth_runtime::ConfigError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlowUrls<'a> {
    /// `tokenUrl`.
    pub token_url: Option<&'a str>,
    /// `refreshUrl`.
    pub refresh_url: Option<&'a str>,
    /// `authorizationUrl`.
    pub authorization_url: Option<&'a str>,
    /// `deviceAuthorizationUrl` (OpenAPI 3.2).
    pub device_authorization_url: Option<&'a str>,
    /// `openIdConnectUrl`, or OpenAPI 3.2's `oauth2MetadataUrl`: endpoints not given
    /// are discovered from it.
    pub metadata_url: Option<&'a str>,
}

impl FlowUrls<'_> {
    /// No URL.
    pub const NONE: FlowUrls<'static> = FlowUrls {
        token_url: None,
        refresh_url: None,
        authorization_url: None,
        device_authorization_url: None,
        metadata_url: None,
    };
}

impl AuthorizationServer {
    /// The endpoints of a document's flow, relative URLs resolved against `base` (the
    /// API's server, RFC 3986): each must be https, or http to loopback.
    ///
    /// ```
    /// use auth_runtime::BaseUrl;
    /// use auth_runtime::oauth::{AuthorizationServer, FlowUrls};
    ///
    /// let base = BaseUrl::parse("https://api.example.com/v1")?;
    /// let urls = FlowUrls { token_url: Some("/oauth/token"), ..FlowUrls::NONE };
    /// let server = AuthorizationServer::for_flow(&base, &urls)?;
    /// let resolved = r#"token: Some("https://api.example.com/oauth/token")"#;
    /// assert!(format!("{server:?}").contains(resolved));
    ///
    /// let token_url = Some("http://login.example.com/token"); // plain http: refused
    /// let insecure = FlowUrls { token_url, ..FlowUrls::NONE };
    /// assert!(AuthorizationServer::for_flow(&base, &insecure).is_err());
    /// # Ok::<(), auth_runtime::ConfigError>(())
    /// ```
    pub fn for_flow(
        base: &BaseUrl,
        urls: &FlowUrls<'_>,
    ) -> Result<AuthorizationServer, ConfigError> {
        let resolve = |url: Option<&str>| url.map(|u| base.resolve(u)).transpose();
        let discovery = match resolve(urls.metadata_url)? {
            Some(url) => {
                let issuer = expected_issuer(&url);
                Some((url, issuer))
            }
            None => None,
        };
        let endpoints = Endpoints {
            token: resolve(urls.token_url)?,
            refresh: resolve(urls.refresh_url)?,
            authorization: resolve(urls.authorization_url)?,
            device_authorization: resolve(urls.device_authorization_url)?,
        };
        Ok(AuthorizationServer::with_endpoints(endpoints, discovery))
    }

    /// A server with this token endpoint (`https`, or `http` to loopback only).
    ///
    /// ```
    /// use auth_runtime::oauth::AuthorizationServer;
    ///
    /// let server = AuthorizationServer::new("https://login.example.com/oauth2/token")?
    ///     .with_authorization_url("https://login.example.com/oauth2/authorize")?;
    /// assert!(AuthorizationServer::new("http://login.example.com/token").is_err());
    /// assert!(AuthorizationServer::new("http://127.0.0.1:8080/token").is_ok()); // a test server
    /// # let _ = server;
    /// # Ok::<(), auth_runtime::ConfigError>(())
    /// ```
    pub fn new(token_url: &str) -> Result<AuthorizationServer, ConfigError> {
        let endpoints = Endpoints {
            token: Some(parse("token URL", token_url)?),
            ..Endpoints::default()
        };
        Ok(AuthorizationServer::with_endpoints(endpoints, None))
    }

    /// A server whose endpoints are discovered from `metadata_url`: an OpenID Connect
    /// `…/.well-known/openid-configuration`, an RFC 8414
    /// `…/.well-known/oauth-authorization-server…`, or another metadata URL (then the
    /// issuer must be on the URL's origin). Endpoints given explicitly win over
    /// discovered ones.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use auth_runtime::oauth::AuthorizationServer;
    /// use auth_runtime::{Http, HttpOptions};
    ///
    /// // The metadata must name the issuer `https://accounts.example.com`.
    /// let metadata = "https://accounts.example.com/.well-known/openid-configuration";
    /// let server = AuthorizationServer::discover(metadata)?;
    /// let http = Http::new(HttpOptions::default())?;
    /// let token_url = server.token_url(&http).await?; // fetches the metadata once
    /// if let Some(metadata) = server.metadata(&http).await? {
    ///     println!("{token_url}: grants {:?}", metadata.grant_types_supported);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn discover(metadata_url: &str) -> Result<AuthorizationServer, ConfigError> {
        let url = parse("metadata URL", metadata_url)?;
        let issuer = expected_issuer(&url);
        Ok(AuthorizationServer::with_endpoints(
            Endpoints::default(),
            Some((url, issuer)),
        ))
    }

    fn with_endpoints(
        endpoints: Endpoints,
        discovery: Option<(Url, Issuer)>,
    ) -> AuthorizationServer {
        AuthorizationServer {
            inner: Arc::new(Inner {
                endpoints,
                discovery,
                metadata: tokio::sync::OnceCell::new(),
            }),
        }
    }

    fn set(
        self,
        what: &str,
        url: &str,
        slot: fn(&mut Endpoints) -> &mut Option<Url>,
    ) -> Result<AuthorizationServer, ConfigError> {
        let url = parse(what, url)?;
        let mut endpoints = self.inner.endpoints.clone();
        *slot(&mut endpoints) = Some(url);
        let discovery = self.inner.discovery.clone();
        Ok(AuthorizationServer::with_endpoints(endpoints, discovery))
    }

    /// The token endpoint.
    pub fn with_token_url(self, url: &str) -> Result<AuthorizationServer, ConfigError> {
        self.set("token URL", url, |e| &mut e.token)
    }

    /// Where refresh grants go, when not to the token endpoint (OpenAPI `refreshUrl`).
    pub fn with_refresh_url(self, url: &str) -> Result<AuthorizationServer, ConfigError> {
        self.set("refresh URL", url, |e| &mut e.refresh)
    }

    /// The authorization endpoint, for the authorization-code flow.
    pub fn with_authorization_url(self, url: &str) -> Result<AuthorizationServer, ConfigError> {
        self.set("authorization URL", url, |e| &mut e.authorization)
    }

    /// The device authorization endpoint (RFC 8628).
    pub fn with_device_authorization_url(
        self,
        url: &str,
    ) -> Result<AuthorizationServer, ConfigError> {
        self.set("device authorization URL", url, |e| {
            &mut e.device_authorization
        })
    }

    /// The discovered metadata (fetched on first use, then cached); `None` for a server
    /// whose endpoints were all given.
    pub async fn metadata(
        &self,
        http: &Http,
    ) -> Result<Option<&ServerMetadata>, Error<OAuthError>> {
        let Some((url, issuer)) = &self.inner.discovery else {
            return Ok(None);
        };
        let metadata = self
            .inner
            .metadata
            .get_or_try_init(|| fetch_metadata(http, url, issuer))
            .await?;
        Ok(Some(metadata))
    }

    /// The token endpoint: given, else discovered.
    pub async fn token_url(&self, http: &Http) -> Result<Url, Error<OAuthError>> {
        self.endpoint(http, "token endpoint", |e| &e.token, |m| &m.token_endpoint)
            .await
    }

    /// Where a refresh grant goes: the refresh URL when there is one, else the token
    /// endpoint.
    pub async fn refresh_url(&self, http: &Http) -> Result<Url, Error<OAuthError>> {
        match &self.inner.endpoints.refresh {
            Some(url) => Ok(url.clone()),
            None => self.token_url(http).await,
        }
    }

    /// The authorization endpoint: given, else discovered.
    pub async fn authorization_url(&self, http: &Http) -> Result<Url, Error<OAuthError>> {
        self.endpoint(
            http,
            "authorization endpoint",
            |e| &e.authorization,
            |m| &m.authorization_endpoint,
        )
        .await
    }

    /// The device authorization endpoint: given, else discovered.
    pub async fn device_authorization_url(&self, http: &Http) -> Result<Url, Error<OAuthError>> {
        self.endpoint(
            http,
            "device authorization endpoint",
            |e| &e.device_authorization,
            |m| &m.device_authorization_endpoint,
        )
        .await
    }

    async fn endpoint(
        &self,
        http: &Http,
        what: &str,
        given: fn(&Endpoints) -> &Option<Url>,
        discovered: fn(&ServerMetadata) -> &Option<String>,
    ) -> Result<Url, Error<OAuthError>> {
        if let Some(url) = given(&self.inner.endpoints) {
            return Ok(url.clone());
        }
        let metadata = self.metadata(http).await?;
        let Some(url) = metadata.and_then(|m| discovered(m).as_deref()) else {
            return Err(Error::from(ConfigError::Request {
                message: format!("the authorization server has no {what}"),
            }));
        };
        Ok(parse(what, url)?)
    }
}

impl fmt::Debug for AuthorizationServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |url: &Option<Url>| url.as_ref().map(|u| u.as_str().to_owned());
        let e = &self.inner.endpoints;
        f.debug_struct("AuthorizationServer")
            .field("token", &show(&e.token))
            .field("refresh", &show(&e.refresh))
            .field("authorization", &show(&e.authorization))
            .field("device_authorization", &show(&e.device_authorization))
            .field(
                "discovery",
                &self.inner.discovery.as_ref().map(|(u, _)| u.as_str()),
            )
            .finish()
    }
}

/// The issuer a metadata URL implies.
fn expected_issuer(url: &Url) -> Issuer {
    let text = url.as_str().trim_end_matches('/');
    if let Some(issuer) = text.strip_suffix(OIDC_SUFFIX) {
        return Issuer::Exactly(issuer.to_owned());
    }
    if let Some(rest) = url.path().strip_prefix(RFC_8414_PREFIX) {
        // RFC 8414 §3.1: the well-known part sits between the host and the issuer's path.
        let origin = url.origin().ascii_serialization();
        return Issuer::Exactly(format!("{origin}{rest}").trim_end_matches('/').to_owned());
    }
    Issuer::SameOrigin(url.origin().ascii_serialization())
}

async fn fetch_metadata(
    http: &Http,
    url: &Url,
    issuer: &Issuer,
) -> Result<ServerMetadata, Error<OAuthError>> {
    let sent = Sent::default();
    let exchange = Exchange {
        origin: Origin::Metadata,
        retry: http.options().retry,
        max_body_bytes: http.options().max_body_bytes,
        redirects: Redirects::Refuse,
        sent: &sent,
    };
    let make = || {
        http.client()
            .get(url.clone())
            .header(ACCEPT, "application/json")
            .build()
            .map_err(|e| HttpError::from_reqwest(e, Origin::Metadata))
    };
    let answer = http
        .exchange(make, &exchange)
        .await
        .map_err(HttpError::typed)?;
    let answer = answer.into_value(
        |_, r| r.json::<ServerMetadata>(),
        |_: StatusCode, _: &[u8]| None,
    )?;
    let metadata = answer.body;
    let found = metadata.issuer.trim_end_matches('/');
    let matches = match issuer {
        Issuer::Exactly(expected) => found == expected,
        Issuer::SameOrigin(origin) => {
            Url::parse(found).is_ok_and(|u| &u.origin().ascii_serialization() == origin)
        }
    };
    if !matches {
        let expected = match issuer {
            Issuer::Exactly(e) => e.clone(),
            Issuer::SameOrigin(o) => format!("an issuer on {o}"),
        };
        return Err(Error::new(
            ErrorKind::Config(ConfigError::IssuerMismatch {
                expected,
                found: crate::token::shown_at_most(found, 200),
            }),
            Origin::Metadata,
        ));
    }
    Ok(metadata)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer(url: &str) -> String {
        format!("{:?}", expected_issuer(&Url::parse(url).unwrap()))
    }

    #[test]
    fn issuers_follow_from_well_known_urls() {
        assert_eq!(
            issuer("https://id.example.com/tenant/.well-known/openid-configuration"),
            "Exactly(\"https://id.example.com/tenant\")"
        );
        assert_eq!(
            issuer("https://as.example.com/.well-known/oauth-authorization-server/tenant1"),
            "Exactly(\"https://as.example.com/tenant1\")"
        );
        assert_eq!(
            issuer("https://as.example.com/.well-known/oauth-authorization-server"),
            "Exactly(\"https://as.example.com\")"
        );
        assert_eq!(
            issuer("https://as.example.com/meta.json"),
            "SameOrigin(\"https://as.example.com\")"
        );
    }

    #[test]
    fn flow_urls_resolve_against_the_server() {
        let base = BaseUrl::parse("https://api.example.com/v1/").unwrap();
        let urls = FlowUrls {
            token_url: Some("/oauth/token"),
            refresh_url: Some("refresh"),
            ..FlowUrls::NONE
        };
        let server = AuthorizationServer::for_flow(&base, &urls).unwrap();
        let shown = format!("{server:?}");
        assert!(
            shown.contains("https://api.example.com/oauth/token"),
            "{shown}"
        );
        assert!(
            shown.contains("https://api.example.com/v1/refresh"),
            "{shown}"
        );
        let insecure = FlowUrls {
            token_url: Some("http://login.example.com/token"),
            ..FlowUrls::NONE
        };
        assert!(AuthorizationServer::for_flow(&base, &insecure).is_err());
    }

    #[test]
    fn endpoints_must_be_https_or_loopback() {
        assert!(AuthorizationServer::new("http://login.example.com/token").is_err());
        assert!(AuthorizationServer::new("http://127.0.0.1:8080/token").is_ok());
        assert!(
            AuthorizationServer::discover("http://id.example.com/.well-known/openid-configuration")
                .is_err()
        );
    }
}
