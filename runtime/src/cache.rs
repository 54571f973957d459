//! The token manager: a cached token, refreshed before expiry, fetched by one caller at
//! a time.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::AUTHORIZATION;
use secrecy::SecretString;
use tokio::time::Instant;

use crate::error::{Error, ErrorKind, Origin};
use crate::http::Http;
use crate::secret::AccessToken;
use crate::token::IssuedToken;
use crate::url::check_transport_security;

/// How an API obtains tokens. Generated code implements it once per API and grant.
///
/// Implementations send their request with [`Http::send_token_request`] and parse the
/// answer with [`RawResponse::into_token`](crate::RawResponse::into_token).
///
/// ```
/// use auth_runtime::{Error, ExposeSecret, Http, HttpOptions, IssuedToken, SecretString};
/// use auth_runtime::{TokenFields, TokenFlow, TokenManager, TokenOptions, TokenRequest, Url};
///
/// /// `POST {"apiKey": …}`, answered `{"accessToken": …, "expiresIn": …}`.
/// struct ApiKeyGrant {
///     url: Url,
///     api_key: SecretString,
/// }
///
/// impl TokenFlow for ApiKeyGrant {
///     type ErrorBody = serde_json::Value;
///
///     async fn obtain(&self, http: &Http) -> Result<IssuedToken, Error<serde_json::Value>> {
///         let body = serde_json::json!({ "apiKey": self.api_key.expose_secret() });
///         let answer = http.send_token_request(TokenRequest::json(&self.url, &body)?).await?;
///         answer.into_token(&TokenFields::CAMEL_CASE, auth_runtime::lenient_json)
///     }
/// }
///
/// let url = Url::parse("https://api.example.com/v1/auth/token")?;
/// let flow = ApiKeyGrant { url, api_key: SecretString::from("k3y") };
/// let http = Http::new(HttpOptions::default())?;
/// let tokens = TokenManager::new(flow, http, TokenOptions::default());
/// # let _ = tokens;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait TokenFlow: Send + Sync + 'static {
    /// The API's documented error body.
    type ErrorBody: Clone + fmt::Debug + Send + Sync + 'static;

    /// Runs the primary grant (client credentials, password, …).
    fn obtain(
        &self,
        http: &Http,
    ) -> impl Future<Output = Result<IssuedToken, Error<Self::ErrorBody>>> + Send;

    /// Runs the refresh grant. Called only when [`has_refresh_grant`] is true and a
    /// refresh token was issued; the default runs the primary grant.
    ///
    /// [`has_refresh_grant`]: TokenFlow::has_refresh_grant
    fn refresh(
        &self,
        http: &Http,
        refresh_token: &SecretString,
    ) -> impl Future<Output = Result<IssuedToken, Error<Self::ErrorBody>>> + Send {
        let _ = refresh_token;
        self.obtain(http)
    }

    /// Whether the API has a refresh grant (default: no).
    fn has_refresh_grant(&self) -> bool {
        false
    }
}

/// How tokens are cached.
///
/// ```
/// use std::time::Duration;
/// use auth_runtime::TokenOptions;
///
/// let options = TokenOptions {
///     refresh_margin: Duration::from_secs(120),
///     deadline: None,
///     ..TokenOptions::default()
/// };
/// assert_eq!(options.default_lifetime, Duration::from_secs(3600));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenOptions {
    /// How long before expiry a token is replaced (default 60 s). The margin used is at
    /// most half the token's lifetime, so that clock skew or short lifetimes never cause
    /// a request per call.
    pub refresh_margin: Duration,
    /// The lifetime assumed when a response does not say (default 3600 s).
    pub default_lifetime: Duration,
    /// The longest lifetime believed (default 24 h).
    pub max_lifetime: Duration,
    /// How long [`TokenManager::access_token`] may take when it has to fetch, retries
    /// and `Retry-After` waits included (default 60 s), so that a slow or throttling
    /// token server cannot hold every caller for minutes. `None`: no deadline beyond
    /// the HTTP timeouts. Tests on a paused tokio clock turn it off, as they turn off
    /// [`HttpOptions`](crate::HttpOptions)' timeouts: a paused clock jumps to the next
    /// timer whenever the runtime waits for the network.
    pub deadline: Option<Duration>,
}

impl Default for TokenOptions {
    fn default() -> Self {
        TokenOptions {
            refresh_margin: Duration::from_secs(60),
            default_lifetime: Duration::from_secs(3600),
            max_lifetime: Duration::from_secs(24 * 3600),
            deadline: Some(Duration::from_secs(60)),
        }
    }
}

/// Caches an access token, refreshes it before expiry and makes any number of
/// concurrent callers share one token request. Cheap to clone (an `Arc`).
///
/// * A cached token is used until `expiry - margin`, with margin =
///   min([`refresh_margin`](TokenOptions::refresh_margin), lifetime / 2).
/// * Then it is replaced: with the refresh grant when the flow has one and a refresh
///   token was issued (the old refresh token is kept when the answer has none), falling
///   back once to the primary grant when the refresh is refused (400, 401 or
///   `invalid_grant`); otherwise with the primary grant.
/// * While one caller fetches, others wait and get the same outcome; callers holding a
///   token that is still valid are not kept waiting. A failed fetch is not cached.
/// * When replacing a still-valid token fails, the still-valid token is returned.
pub struct TokenManager<F: TokenFlow> {
    inner: Arc<Inner<F>>,
}

impl<F: TokenFlow> Clone for TokenManager<F> {
    fn clone(&self) -> Self {
        TokenManager {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<F: TokenFlow> fmt::Debug for TokenManager<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager")
            .field("options", &self.inner.options)
            .field("cached", &self.inner.read_cache().is_some())
            .finish_non_exhaustive()
    }
}

struct Inner<F: TokenFlow> {
    flow: F,
    http: Http,
    options: TokenOptions,
    cache: arc_swap::ArcSwapOption<Cached>,
    /// Fetches completed; read before waiting for `fetch` to tell whether a fetch ended
    /// meanwhile.
    fetches: AtomicU64,
    fetch: tokio::sync::Mutex<LastFetch<F::ErrorBody>>,
}

struct Cached {
    token: AccessToken,
    refresh_token: Option<SecretString>,
    refresh_at: Instant,
    expires_at: Instant,
}

struct LastFetch<E> {
    outcome: Option<Result<AccessToken, Error<E>>>,
}

impl<F: TokenFlow> TokenManager<F> {
    /// A manager with an empty cache.
    ///
    /// ```
    /// use auth_runtime::oauth::{AuthorizationServer, ClientCredentials, OAuthClient};
    /// use auth_runtime::{Http, HttpOptions, TokenManager, TokenOptions};
    ///
    /// let server = AuthorizationServer::new("https://login.example.com/oauth2/token")?;
    /// let flow = ClientCredentials::new(server, OAuthClient::new("my-app").secret("s3cr3t"));
    /// let http = Http::new(HttpOptions::default())?;
    /// let tokens = TokenManager::new(flow, http, TokenOptions::default());
    /// assert!(tokens.cached_token().is_none()); // the first `access_token()` fetches one
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(flow: F, http: Http, options: TokenOptions) -> TokenManager<F> {
        TokenManager {
            inner: Arc::new(Inner {
                flow,
                http,
                options,
                cache: arc_swap::ArcSwapOption::empty(),
                fetches: AtomicU64::new(0),
                fetch: tokio::sync::Mutex::new(LastFetch { outcome: None }),
            }),
        }
    }

    /// A manager whose cache starts with `token`, an answer the app obtained itself
    /// (the authorization-code or device grant); it is refreshed like any other.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use auth_runtime::oauth::{AuthorizationServer, OAuthClient, RefreshToken};
    /// use auth_runtime::{Http, HttpOptions, IssuedToken, TokenFields, TokenManager, TokenOptions};
    ///
    /// let body = br#"{"access_token": "abc123", "refresh_token": "def456", "expires_in": 3600}"#;
    /// let issued = IssuedToken::parse(body, &TokenFields::SNAKE_CASE, SystemTime::now())?;
    /// let server = AuthorizationServer::new("https://login.example.com/oauth2/token")?;
    /// let flow = RefreshToken::new(server, OAuthClient::new("my-app"));
    /// let http = Http::new(HttpOptions::default())?;
    /// let tokens = TokenManager::with_token(flow, http, TokenOptions::default(), issued)?;
    /// assert_eq!(tokens.cached_token().unwrap().expose(), "abc123");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_token(
        flow: F,
        http: Http,
        options: TokenOptions,
        token: IssuedToken,
    ) -> Result<TokenManager<F>, Error<F::ErrorBody>> {
        let manager = TokenManager::new(flow, http, options);
        let entry = manager.inner.entry(Instant::now(), token)?;
        manager.inner.cache.store(Some(entry));
        Ok(manager)
    }

    /// A manager that starts from a refresh token the app kept: the first call to
    /// [`access_token`](TokenManager::access_token) runs the refresh grant.
    ///
    /// ```
    /// use auth_runtime::oauth::{AuthorizationServer, OAuthClient, RefreshToken};
    /// use auth_runtime::{Http, HttpOptions, SecretString, TokenManager, TokenOptions};
    ///
    /// let server = AuthorizationServer::new("https://login.example.com/oauth2/token")?;
    /// let flow = RefreshToken::new(server, OAuthClient::new("my-app"));
    /// let http = Http::new(HttpOptions::default())?;
    /// let kept = SecretString::from("def456"); // from the app's secure storage
    /// let tokens = TokenManager::with_refresh_token(flow, http, TokenOptions::default(), kept);
    /// assert!(tokens.cached_token().is_none()); // nothing to hand out before the refresh
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_refresh_token(
        flow: F,
        http: Http,
        options: TokenOptions,
        refresh_token: SecretString,
    ) -> TokenManager<F> {
        let manager = TokenManager::new(flow, http, options);
        let now = Instant::now();
        // Due at once: never handed out, only its refresh token is used.
        if let Ok(token) = AccessToken::new(SecretString::from("due")) {
            manager.inner.cache.store(Some(Arc::new(Cached {
                token,
                refresh_token: Some(refresh_token),
                refresh_at: now,
                expires_at: now,
            })));
        }
        manager
    }

    /// The flow.
    pub fn flow(&self) -> &F {
        &self.inner.flow
    }

    /// The HTTP client.
    pub fn http(&self) -> &Http {
        &self.inner.http
    }

    /// The options.
    pub fn options(&self) -> &TokenOptions {
        &self.inner.options
    }

    /// The cached token when it is not due for replacement, without waiting.
    pub fn cached_token(&self) -> Option<AccessToken> {
        let now = Instant::now();
        let cache = self.inner.cache.load();
        match &*cache {
            Some(cached) if now < cached.refresh_at => Some(cached.token.clone()),
            _ => None,
        }
    }

    /// A valid access token: the cached one, or a new one.
    ///
    /// ```no_run
    /// # use auth_runtime::{TokenManager, oauth::ClientCredentials};
    /// # type Tokens = TokenManager<ClientCredentials>;
    /// # async fn run(tokens: Tokens) -> Result<(), Box<dyn std::error::Error>> {
    /// let token = tokens.access_token().await?;
    /// let again = tokens.access_token().await?; // from the cache: no request
    /// assert!(again.same_as(&token));
    /// let header = token.bearer_header(); // `Bearer …`, marked sensitive
    /// # let _ = header;
    /// # Ok(()) }
    /// ```
    pub async fn access_token(&self) -> Result<AccessToken, Error<F::ErrorBody>> {
        match self.cached_token() {
            Some(token) => Ok(token),
            None => self.fetch_token().await,
        }
    }

    /// Forgets `token` if it is still the cached one (an API refused it); the refresh
    /// token is kept. A token replaced meanwhile is left alone.
    pub fn invalidate(&self, token: &AccessToken) {
        let current = self.inner.cache.load_full();
        if let Some(cached) = current.as_ref().filter(|c| c.token.same_as(token)) {
            tracing::debug!("access token invalidated");
            let now = Instant::now();
            let expired = Arc::new(Cached {
                token: cached.token.clone(),
                refresh_token: cached.refresh_token.clone(),
                refresh_at: now,
                expires_at: now,
            });
            // Only if nothing replaced it meanwhile.
            self.inner.cache.compare_and_swap(&current, Some(expired));
        }
    }

    /// Sends an API request with `Authorization: Bearer <token>`.
    ///
    /// On `401 Unauthorized` the token is invalidated (if still cached), a token is
    /// obtained again and the request is replayed once, when it can be cloned (a
    /// streaming body cannot); the replay's answer is returned whatever it is. Other
    /// answers are returned as they are: the caller decides what a status means.
    ///
    /// ```no_run
    /// # use auth_runtime::{TokenManager, oauth::ClientCredentials};
    /// # type Tokens = TokenManager<ClientCredentials>;
    /// # async fn run(tokens: Tokens) -> Result<(), Box<dyn std::error::Error>> {
    /// let request = tokens.http().client().get("https://api.example.com/v1/orders").build()?;
    /// let response = tokens.send(request).await?;
    /// println!("{}: {}", response.status(), response.text().await?);
    /// # Ok(()) }
    /// ```
    pub async fn send(
        &self,
        mut request: reqwest::Request,
    ) -> Result<reqwest::Response, Error<F::ErrorBody>> {
        check_transport_security(request.url())
            .map_err(|e| Error::from(e).with_origin(Origin::Api))?;
        let replay = request.try_clone();
        let token = self.access_token().await?;
        request
            .headers_mut()
            .insert(AUTHORIZATION, token.bearer_header());
        let response = self.execute(request).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let Some(mut replay) = replay else {
            return Ok(response);
        };
        self.invalidate(&token);
        let fresh = self.access_token().await?;
        if fresh.same_as(&token) {
            return Ok(response);
        }
        drop(response);
        tracing::debug!("API answered 401; replaying once with a new token");
        replay
            .headers_mut()
            .insert(AUTHORIZATION, fresh.bearer_header());
        self.execute(replay).await
    }

    async fn execute(
        &self,
        request: reqwest::Request,
    ) -> Result<reqwest::Response, Error<F::ErrorBody>> {
        self.inner
            .http
            .client()
            .execute(request)
            .await
            .map_err(|e| Error::from_reqwest(e, Origin::Api))
    }

    /// The slow path: one caller fetches, the others wait and share its outcome.
    async fn fetch_token(&self) -> Result<AccessToken, Error<F::ErrorBody>> {
        let inner = &*self.inner;
        let seen = inner.fetches.load(Ordering::Acquire);
        let mut last = match inner.fetch.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                // Someone is fetching: a token that is still valid need not wait.
                if let Some(cached) = inner.read_cache() {
                    if Instant::now() < cached.expires_at {
                        return Ok(cached.token.clone());
                    }
                }
                inner.fetch.lock().await
            }
        };
        if let Some(token) = self.cached_token() {
            return Ok(token);
        }
        if inner.fetches.load(Ordering::Acquire) != seen {
            if let Some(outcome) = &last.outcome {
                return outcome.clone();
            }
        }

        let current = inner.read_cache();
        let fetched = within(inner.options.deadline, inner.fetch_new(current.as_deref())).await;
        let outcome = match fetched {
            Ok(cached) => {
                let token = cached.token.clone();
                inner.cache.store(Some(cached));
                Ok(token)
            }
            Err(error) => match current.filter(|c| Instant::now() < c.expires_at) {
                Some(still_valid) => {
                    tracing::debug!(%error, "replacing the access token failed; the current one is still valid");
                    Ok(still_valid.token.clone())
                }
                None => {
                    tracing::debug!(%error, "obtaining an access token failed");
                    Err(error)
                }
            },
        };
        last.outcome = Some(outcome.clone());
        inner.fetches.fetch_add(1, Ordering::Release);
        outcome
    }
}

/// `work`, or [`ErrorKind::Deadline`] once `deadline` has passed.
async fn within<T, E>(
    deadline: Option<Duration>,
    work: impl Future<Output = Result<T, Error<E>>>,
) -> Result<T, Error<E>> {
    match deadline {
        None => work.await,
        Some(deadline) => tokio::time::timeout(deadline, work)
            .await
            .unwrap_or_else(|_| {
                Err(Error::new(
                    ErrorKind::Deadline { after: deadline },
                    Origin::TokenEndpoint,
                ))
            }),
    }
}

impl<F: TokenFlow> Inner<F> {
    fn read_cache(&self) -> Option<Arc<Cached>> {
        self.cache.load_full()
    }

    /// Runs the refresh grant or the primary grant and builds the cache entry.
    async fn fetch_new(
        &self,
        current: Option<&Cached>,
    ) -> Result<Arc<Cached>, Error<F::ErrorBody>> {
        let started = Instant::now();
        let refresh_token = current
            .and_then(|c| c.refresh_token.as_ref())
            .filter(|_| self.flow.has_refresh_grant());
        let issued = match refresh_token {
            Some(refresh_token) => {
                tracing::debug!("refreshing the access token");
                match self.flow.refresh(&self.http, refresh_token).await {
                    Ok(mut issued) => {
                        if issued.refresh_token.is_none() {
                            issued.refresh_token = Some(refresh_token.clone());
                        }
                        issued
                    }
                    Err(e) if e.is_grant_refused() => {
                        tracing::debug!(
                            status = e.status().map(|s| s.as_u16()),
                            "refresh refused; running the primary grant"
                        );
                        match self.flow.obtain(&self.http).await {
                            Ok(issued) => issued,
                            // No primary grant (authorization code, device): the
                            // refusal says more than "authorize again".
                            Err(again)
                                if matches!(
                                    again.kind(),
                                    ErrorKind::AuthorizationRequired { .. }
                                ) =>
                            {
                                return Err(Error::new(
                                    ErrorKind::AuthorizationRequired {
                                        reason: format!("the refresh token was refused ({e})"),
                                    },
                                    Origin::TokenEndpoint,
                                ));
                            }
                            Err(again) => return Err(again),
                        }
                    }
                    Err(e) => return Err(e),
                }
            }
            None => {
                tracing::debug!("obtaining an access token");
                self.flow.obtain(&self.http).await?
            }
        };
        self.entry(started, issued)
    }

    /// The cache entry of a token issued at `started`.
    fn entry(
        &self,
        started: Instant,
        issued: IssuedToken,
    ) -> Result<Arc<Cached>, Error<F::ErrorBody>> {
        let token = AccessToken::new(issued.access_token).map_err(|reason| {
            Error::new(
                ErrorKind::UnusableToken {
                    reason: reason.to_owned(),
                },
                Origin::TokenEndpoint,
            )
        })?;
        let lifetime = issued
            .lifetime
            .unwrap_or(self.options.default_lifetime)
            .min(self.options.max_lifetime);
        let margin = self.options.refresh_margin.min(lifetime / 2);
        let expires_at = started + lifetime;
        tracing::debug!(
            lifetime_secs = lifetime.as_secs(),
            refresh_token = issued.refresh_token.is_some(),
            "access token obtained"
        );
        Ok(Arc::new(Cached {
            token,
            refresh_token: issued.refresh_token,
            refresh_at: expires_at - margin,
            expires_at,
        }))
    }
}

#[cfg(test)]
mod tests;
