//! Credentials applied to API calls, one per security scheme of a document: a token
//! manager (any OAuth2 flow), a fixed bearer token, HTTP Basic, or an API key in a
//! header, the query or a cookie.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, COOKIE, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::cache::{TokenFlow, TokenManager};
use crate::error::{ConfigError, HttpError, Origin};
use crate::redact::Sent;
use crate::secret::{AccessToken, BasicAuth};

/// Where an API key goes (the scheme's `in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    /// A header named by the scheme.
    Header,
    /// A query parameter named by the scheme.
    Query,
    /// A cookie named by the scheme.
    Cookie,
}

/// Credentials for one security scheme. Cheap to clone; `Debug` shows no secret.
///
/// An [`ApiClient`](crate::ApiClient) holds one per scheme name of the document:
///
/// ```
/// use auth_runtime::{ApiClient, Auth, BaseUrl, BasicAuth, Http, HttpOptions, KeyLocation};
///
/// let base = BaseUrl::parse("https://api.example.com/v1")?;
/// let api = ApiClient::new(base, Http::new(HttpOptions::default())?)
///     .with_auth("bearerAuth", Auth::bearer("my-token"))
///     .with_auth("apiKey", Auth::api_key(KeyLocation::Header, "X-API-Key", "k3y"))
///     .with_auth("basicAuth", BasicAuth::new("my-app", "s3cr3t"));
/// assert!(!format!("{api:?}").contains("s3cr3t"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Auth(Arc<dyn Authorize>);

impl Auth {
    /// `Authorization: Bearer …` from a token manager: tokens are cached and refreshed,
    /// and an API call answered `401` is replayed once with a new token.
    ///
    /// ```
    /// use auth_runtime::oauth::{AuthorizationServer, ClientCredentials, OAuthClient};
    /// use auth_runtime::{Auth, Http, HttpOptions};
    ///
    /// let server = AuthorizationServer::new("https://login.example.com/oauth2/token")?;
    /// let flow = ClientCredentials::new(server, OAuthClient::new("my-app").secret("s3cr3t"));
    /// let auth = Auth::tokens(flow.into_manager(Http::new(HttpOptions::default())?));
    /// assert_eq!(format!("{auth:?}"), "Auth(token manager)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tokens<F: TokenFlow>(manager: TokenManager<F>) -> Auth {
        Auth(Arc::new(manager))
    }

    /// `Authorization: Bearer …` with a fixed token.
    ///
    /// ```
    /// # use auth_runtime::Auth;
    /// let auth = Auth::bearer(std::env::var("API_TOKEN").unwrap_or_default());
    /// assert_eq!(format!("{auth:?}"), "Auth(bearer [REDACTED])");
    /// ```
    pub fn bearer(token: impl Into<SecretString>) -> Auth {
        Auth(Arc::new(Bearer(token.into())))
    }

    /// `Authorization: Basic …`.
    ///
    /// ```
    /// use auth_runtime::{Auth, BasicAuth};
    ///
    /// let auth = Auth::basic(BasicAuth::new("my-app", "s3cr3t"));
    /// assert_eq!(format!("{auth:?}"), "Auth(basic my-app [REDACTED])");
    /// ```
    pub fn basic(credentials: BasicAuth) -> Auth {
        Auth(Arc::new(credentials))
    }

    /// An API key in a header, the query or a cookie, under `name`.
    ///
    /// ```
    /// use auth_runtime::{Auth, KeyLocation};
    ///
    /// let header = Auth::api_key(KeyLocation::Header, "X-API-Key", "k3y");
    /// let query = Auth::api_key(KeyLocation::Query, "api_key", "k3y"); // `?api_key=k3y`
    /// assert_eq!(format!("{header:?}"), "Auth(api key Header `X-API-Key` [REDACTED])");
    /// # let _ = query;
    /// ```
    pub fn api_key(
        location: KeyLocation,
        name: impl Into<String>,
        key: impl Into<SecretString>,
    ) -> Auth {
        Auth(Arc::new(ApiKey {
            location,
            name: name.into(),
            key: key.into(),
        }))
    }

    pub(crate) async fn apply(
        &self,
        request: &mut reqwest::Request,
        sent: &mut Sent,
    ) -> Result<Applied, HttpError> {
        self.0.apply(request, sent).await
    }

    pub(crate) fn refused(&self, applied: &Applied) -> bool {
        self.0.refused(applied)
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Auth({})", self.0.describe())
    }
}

impl<F: TokenFlow> From<TokenManager<F>> for Auth {
    fn from(manager: TokenManager<F>) -> Auth {
        Auth::tokens(manager)
    }
}

impl From<BasicAuth> for Auth {
    fn from(credentials: BasicAuth) -> Auth {
        Auth::basic(credentials)
    }
}

/// What was applied to a request, to react to its answer.
pub(crate) enum Applied {
    Fixed,
    Token(AccessToken),
}

type Applying<'a> = Pin<Box<dyn Future<Output = Result<Applied, HttpError>> + Send + 'a>>;

/// A way of authorizing a request.
trait Authorize: Send + Sync {
    fn apply<'a>(&'a self, request: &'a mut reqwest::Request, sent: &'a mut Sent) -> Applying<'a>;

    /// The API answered `401`: whether another attempt may succeed (a new token).
    fn refused(&self, applied: &Applied) -> bool {
        let _ = applied;
        false
    }

    fn describe(&self) -> String;
}

struct Bearer(SecretString);

impl Authorize for Bearer {
    fn apply<'a>(&'a self, request: &'a mut reqwest::Request, sent: &'a mut Sent) -> Applying<'a> {
        Box::pin(async move {
            sent.add(self.0.expose_secret());
            let value = sensitive(&format!("Bearer {}", self.0.expose_secret().trim()))?;
            request.headers_mut().insert(AUTHORIZATION, value);
            Ok(Applied::Fixed)
        })
    }

    fn describe(&self) -> String {
        "bearer [REDACTED]".into()
    }
}

impl Authorize for BasicAuth {
    fn apply<'a>(&'a self, request: &'a mut reqwest::Request, sent: &'a mut Sent) -> Applying<'a> {
        Box::pin(async move {
            for form in self.sent_forms() {
                sent.add(form.expose_secret());
            }
            request
                .headers_mut()
                .insert(AUTHORIZATION, self.header_value());
            Ok(Applied::Fixed)
        })
    }

    fn describe(&self) -> String {
        format!("basic {} [REDACTED]", self.client_id)
    }
}

struct ApiKey {
    location: KeyLocation,
    name: String,
    key: SecretString,
}

impl Authorize for ApiKey {
    fn apply<'a>(&'a self, request: &'a mut reqwest::Request, sent: &'a mut Sent) -> Applying<'a> {
        Box::pin(async move {
            let key = self.key.expose_secret();
            sent.add(key);
            match self.location {
                KeyLocation::Header => {
                    let name = HeaderName::from_bytes(self.name.as_bytes()).map_err(|_| {
                        config(format!("`{}` is not a valid header name", self.name))
                    })?;
                    request.headers_mut().insert(name, sensitive(key)?);
                }
                KeyLocation::Query => {
                    request
                        .url_mut()
                        .query_pairs_mut()
                        .append_pair(&self.name, key);
                }
                KeyLocation::Cookie => {
                    let pair = format!(
                        "{}={}",
                        crate::params::encode(&self.name, false),
                        crate::params::encode(key, false)
                    );
                    append_cookie(request, &pair)?;
                }
            }
            Ok(Applied::Fixed)
        })
    }

    fn describe(&self) -> String {
        format!("api key {:?} `{}` [REDACTED]", self.location, self.name)
    }
}

impl<F: TokenFlow> Authorize for TokenManager<F> {
    fn apply<'a>(&'a self, request: &'a mut reqwest::Request, sent: &'a mut Sent) -> Applying<'a> {
        Box::pin(async move {
            let token = self.access_token().await.map_err(|e| e.untyped())?;
            sent.add(token.expose());
            request
                .headers_mut()
                .insert(AUTHORIZATION, token.bearer_header());
            Ok(Applied::Token(token))
        })
    }

    fn refused(&self, applied: &Applied) -> bool {
        match applied {
            Applied::Token(token) => {
                self.invalidate(token);
                true
            }
            Applied::Fixed => false,
        }
    }

    fn describe(&self) -> String {
        "token manager".into()
    }
}

/// Adds `pair` to the request's `Cookie` header.
pub(crate) fn append_cookie(request: &mut reqwest::Request, pair: &str) -> Result<(), HttpError> {
    let cookie = match request.headers().get(COOKIE).and_then(|v| v.to_str().ok()) {
        Some(existing) => format!("{existing}; {pair}"),
        None => pair.to_owned(),
    };
    request.headers_mut().insert(COOKIE, sensitive(&cookie)?);
    Ok(())
}

/// A header value marked sensitive (never indexed by HTTP/2, hidden by `Debug`).
fn sensitive(value: &str) -> Result<HeaderValue, HttpError> {
    let mut header = HeaderValue::from_str(value)
        .map_err(|_| config("a credential has characters not allowed in an HTTP header".into()))?;
    header.set_sensitive(true);
    Ok(header)
}

fn config(message: String) -> HttpError {
    HttpError::from(ConfigError::Request { message }).with_origin(Origin::Api)
}
