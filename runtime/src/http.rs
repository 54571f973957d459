//! Sending token requests: headers, bounded retries, capped body reading.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Client, ClientBuilder, StatusCode, Url, redirect};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ConfigError, Error, ErrorKind, HttpError, Origin, RawBody};
use crate::redact::{self, Sent};
use crate::retry::{RetryPolicy, is_retryable_status, retry_after};
use crate::secret::{BasicAuth, ExposeSecret, SecretString};
use crate::token::{IssuedToken, TokenFields, TokenParseError};
use crate::url::check_transport_security;

/// HTTP settings for token requests.
///
/// ```
/// use std::time::Duration;
/// use auth_runtime::{HttpOptions, RetryPolicy};
///
/// let options = HttpOptions {
///     timeout: Some(Duration::from_secs(10)),
///     retry: RetryPolicy::none(),
///     ..HttpOptions::default()
/// };
/// assert_eq!(options.connect_timeout, Some(Duration::from_secs(10)));
/// assert_eq!(options.max_body_bytes, 64 * 1024);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOptions {
    /// Timeout of a whole request, answer included (default 30 s; `None`: none).
    pub timeout: Option<Duration>,
    /// Timeout of connecting (default 10 s; `None`: none).
    pub connect_timeout: Option<Duration>,
    /// The most bytes of a token response that are read (default 64 KiB). Token
    /// responses are small; a larger body is an error that keeps the status and the
    /// first bytes.
    pub max_body_bytes: usize,
    /// Retries of transient failures.
    pub retry: RetryPolicy,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Some(Duration::from_secs(10)),
            max_body_bytes: 64 * 1024,
            retry: RetryPolicy::default(),
        }
    }
}

/// An HTTP client for token requests (and, through [`TokenManager::send`], API calls).
/// Cheap to clone.
///
/// [`TokenManager::send`]: crate::TokenManager::send
#[derive(Clone, Debug)]
pub struct Http {
    client: Client,
    options: HttpOptions,
}

impl Http {
    /// Builds a client that never follows redirects, with the options' timeouts and
    /// rustls.
    ///
    /// ```
    /// use auth_runtime::{Http, HttpOptions};
    ///
    /// let http = Http::new(HttpOptions::default())?;
    /// assert_eq!(http.options(), &HttpOptions::default());
    /// # Ok::<(), auth_runtime::ConfigError>(())
    /// ```
    pub fn new(options: HttpOptions) -> Result<Http, ConfigError> {
        let client = Http::client_builder(&options)?
            .build()
            .map_err(|e| ConfigError::HttpClient(e.into()))?;
        Ok(Http { client, options })
    }

    /// Uses a client built by the application (for example with a proxy).
    ///
    /// The client **must not follow redirects**: a token request answered with a
    /// redirect would otherwise carry credentials to another URL. Start from
    /// [`Http::client_builder`], which is configured that way. Token answers that come
    /// from another URL than the one requested are discarded with
    /// [`ErrorKind::RedirectFollowed`] all the same.
    ///
    /// ```
    /// use auth_runtime::{Http, HttpOptions, reqwest};
    ///
    /// let options = HttpOptions::default();
    /// let client = Http::client_builder(&options)?
    ///     .proxy(reqwest::Proxy::https("http://proxy.internal:3128")?)
    ///     .build()?;
    /// let http = Http::with_client(client, options);
    /// # let _ = http;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_client(client: Client, options: HttpOptions) -> Http {
        Http { client, options }
    }

    /// A client builder configured as [`Http::new`] configures its own: no redirects,
    /// the options' timeouts, rustls with `ring` and the platform's root certificates.
    /// Applications extend it (proxies, user agent) and pass the client to
    /// [`Http::with_client`]. Do not change its redirect policy. Its TLS settings are
    /// preconfigured, so reqwest's own TLS options (`tls_*`) do not apply.
    ///
    /// Build clients from here rather than with `reqwest::Client::builder()`: this crate
    /// enables reqwest's `rustls-no-provider` feature, with which a plain builder panics
    /// unless a rustls `CryptoProvider` is installed or reqwest's `rustls` feature is
    /// enabled elsewhere.
    ///
    /// ```
    /// use std::time::Duration;
    /// use auth_runtime::{Http, HttpOptions};
    ///
    /// let options = HttpOptions::default();
    /// let client = Http::client_builder(&options)?
    ///     .user_agent("my-app/1.0")
    ///     .pool_idle_timeout(Duration::from_secs(30))
    ///     .build()?;
    /// let http = Http::with_client(client, options);
    /// # let _ = http;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn client_builder(options: &HttpOptions) -> Result<ClientBuilder, ConfigError> {
        let mut builder = Client::builder()
            .redirect(redirect::Policy::none())
            .tls_backend_preconfigured(crate::tls::client_config()?);
        if let Some(timeout) = options.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(timeout) = options.connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        Ok(builder)
    }

    /// The underlying client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The options.
    pub fn options(&self) -> &HttpOptions {
        &self.options
    }

    /// Sends a token request: `POST` with the body, `Content-Type` as given (JSON by
    /// default), `Accept: application/json`, `Cache-Control: no-cache` and, when given,
    /// `Authorization: Basic …`.
    ///
    /// Connect errors, timeouts, `429` and `5xx` are retried as the [`RetryPolicy`]
    /// says. Any other answer is returned, whatever its status, for the caller to turn
    /// into a result ([`RawResponse::into_token`], [`RawResponse::into_result`]); so is
    /// the last retryable answer when attempts run out. Errors: transport failures,
    /// timeouts, redirects (never followed), a URL that is neither https nor loopback.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use auth_runtime::{Http, HttpOptions, TokenRequest, Url};
    ///
    /// let http = Http::new(HttpOptions::default())?;
    /// let url = Url::parse("https://login.example.com/oauth/token")?;
    /// let body = serde_json::json!({ "apiKey": "k3y" });
    /// let answer = http.send_token_request(TokenRequest::json(&url, &body)?).await?;
    /// println!("{} after {} attempt(s)", answer.status, answer.attempts);
    /// # Ok(()) }
    /// ```
    pub async fn send_token_request(
        &self,
        req: TokenRequest<'_>,
    ) -> Result<RawResponse, HttpError> {
        check_transport_security(req.url)?;
        let exchange = Exchange {
            origin: Origin::TokenEndpoint,
            retry: self.options.retry,
            max_body_bytes: self.options.max_body_bytes,
            redirects: Redirects::Refuse,
            sent: &req.sent,
        };
        let make = || {
            let mut builder = self
                .client
                .post(req.url.clone())
                .header(CONTENT_TYPE, req.content_type.clone())
                .header(ACCEPT, HeaderValue::from_static("application/json"))
                .header(CACHE_CONTROL, HeaderValue::from_static("no-cache"))
                .body(req.body.clone());
            if let Some(auth) = req.basic_auth {
                builder = builder.header(AUTHORIZATION, auth.header_value());
            }
            builder
                .build()
                .map_err(|e| HttpError::from_reqwest(e, Origin::TokenEndpoint))
        };
        self.exchange(make, &exchange).await
    }

    /// Sends the requests `make` builds until one is not a transient failure (connect
    /// errors, timeouts, `429`, `5xx`) or the policy's attempts run out, waiting as
    /// [`RetryPolicy`] says; the last answer is returned whatever its status.
    pub(crate) async fn exchange(
        &self,
        make: impl Fn() -> Result<reqwest::Request, HttpError>,
        exchange: &Exchange<'_>,
    ) -> Result<RawResponse, HttpError> {
        let policy = exchange.retry;
        let max_attempts = policy.max_attempts.max(1);
        let what = exchange.origin.noun();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= max_attempts;
            let request = make().map_err(|e| e.with_attempts(attempt))?;
            match self.attempt(request, exchange).await {
                Attempt::Done(mut response) => {
                    response.attempts = attempt;
                    return Ok(response);
                }
                Attempt::Failed(e) => return Err(e.with_attempts(attempt)),
                Attempt::Transient { wait, response } => {
                    let wait = match wait {
                        Some(wait) if wait > policy.max_retry_after => {
                            tracing::debug!(
                                attempt,
                                retry_after_secs = wait.as_secs(),
                                "{what} asks to retry later than allowed; giving up"
                            );
                            None
                        }
                        Some(wait) => Some(wait),
                        None => Some(policy.backoff(attempt)),
                    };
                    let Some(wait) = wait.filter(|_| !last) else {
                        return self.give_up(response, attempt, exchange).await;
                    };
                    match &response {
                        Transient::Answer(r) => tracing::debug!(
                            attempt,
                            status = r.status().as_u16(),
                            wait_ms = wait.as_millis() as u64,
                            "{what} answered a transient failure; retrying"
                        ),
                        Transient::Error(e) => tracing::debug!(
                            attempt,
                            error = %e,
                            wait_ms = wait.as_millis() as u64,
                            "request to the {what} failed; retrying"
                        ),
                    }
                    drop(response);
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    async fn attempt(&self, request: reqwest::Request, exchange: &Exchange<'_>) -> Attempt {
        let origin = exchange.origin;
        let url = request.url().clone();
        let response = match self.client.execute(request).await {
            Ok(response) => response,
            Err(e) => {
                let transient = e.is_connect() || e.is_timeout();
                let e = HttpError::from_reqwest(e, origin);
                return if transient {
                    Attempt::Transient {
                        wait: None,
                        response: Transient::Error(e),
                    }
                } else {
                    Attempt::Failed(e)
                };
            }
        };
        let status = response.status();
        tracing::debug!(status = status.as_u16(), "{} answered", origin.noun());
        if response.url() != &url {
            return Attempt::Failed(HttpError::new(
                ErrorKind::RedirectFollowed { status },
                origin,
            ));
        }
        if status.is_redirection() && exchange.redirects == Redirects::Refuse {
            return Attempt::Failed(HttpError::new(ErrorKind::Redirect { status }, origin));
        }
        if is_retryable_status(status) {
            return Attempt::Transient {
                wait: retry_after(response.headers(), SystemTime::now()),
                response: Transient::Answer(response),
            };
        }
        match self.read(response, exchange).await {
            Ok(raw) => Attempt::Done(raw),
            Err(e) if e.kind_is_timeout() => Attempt::Transient {
                wait: None,
                response: Transient::Error(e),
            },
            Err(e) => Attempt::Failed(e),
        }
    }

    /// Returns the last transient failure as it is: an answer, or an error.
    async fn give_up(
        &self,
        last: Transient,
        attempts: u32,
        exchange: &Exchange<'_>,
    ) -> Result<RawResponse, HttpError> {
        match last {
            Transient::Answer(response) => {
                let mut raw = self
                    .read(response, exchange)
                    .await
                    .map_err(|e| e.with_attempts(attempts))?;
                raw.attempts = attempts;
                Ok(raw)
            }
            Transient::Error(e) => Err(e.with_attempts(attempts)),
        }
    }

    /// Reads a body up to the cap.
    async fn read(
        &self,
        mut response: reqwest::Response,
        exchange: &Exchange<'_>,
    ) -> Result<RawResponse, HttpError> {
        let cap = exchange.max_body_bytes;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let expected = response.content_length().unwrap_or(0);
        let mut body = Vec::with_capacity(usize::try_from(expected).unwrap_or(cap).min(cap));
        let mut truncated = false;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| HttpError::from_reqwest(e, exchange.origin))?
        {
            let room = cap - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse {
            status,
            headers,
            body: Bytes::from(body),
            truncated,
            attempts: 1,
            origin: exchange.origin,
            sent: exchange.sent.clone(),
        })
    }
}

/// How one exchange of requests goes.
pub(crate) struct Exchange<'a> {
    pub origin: Origin,
    pub retry: RetryPolicy,
    pub max_body_bytes: usize,
    pub redirects: Redirects,
    /// The secrets the request sends, masked in every answer kept for an error.
    pub sent: &'a Sent,
}

/// What a redirect answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Redirects {
    /// An error: token requests never follow redirects.
    Refuse,
    /// An answer, for the caller to follow or not.
    Return,
}

enum Attempt {
    Done(RawResponse),
    Failed(HttpError),
    Transient {
        /// What `Retry-After` asked for.
        wait: Option<Duration>,
        response: Transient,
    },
}

enum Transient {
    Answer(reqwest::Response),
    Error(HttpError),
}

impl HttpError {
    fn kind_is_timeout(&self) -> bool {
        matches!(self.kind(), ErrorKind::Timeout { .. })
    }
}

/// A token request: where, what and with which client authentication.
///
/// The body holds secrets: `Debug` shows its length only, and no error ever shows it.
///
/// ```
/// use auth_runtime::{BasicAuth, TokenRequest, Url};
///
/// let url = Url::parse("https://login.example.com/oauth/token")?;
/// let client = BasicAuth::new("my-app", "s3cr3t");
/// let grant = [("grant_type", "client_credentials"), ("scope", "orders:read")];
/// let request = TokenRequest::form_of(&url, &grant)?.basic_auth(&client);
/// assert_eq!(request.url().path(), "/oauth/token");
/// assert!(!format!("{request:?}").contains("s3cr3t"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct TokenRequest<'a> {
    url: &'a Url,
    body: Bytes,
    content_type: HeaderValue,
    basic_auth: Option<&'a BasicAuth>,
    /// What the request sends that is secret, to mask wherever a server echoes it.
    sent: Sent,
}

impl<'a> TokenRequest<'a> {
    /// A request with a JSON body already serialized (for example by
    /// `serde_json::to_vec` of the API's typed request body).
    ///
    /// The values of the body's secret-named fields ([`is_secret_name`], and `code`) are
    /// masked in every answer kept for an error; [`TokenRequest::with_secret`] adds others.
    ///
    /// [`is_secret_name`]: crate::is_secret_name
    pub fn new(url: &'a Url, body: impl Into<Bytes>) -> TokenRequest<'a> {
        let body = body.into();
        let mut sent = Sent::default();
        sent.add_from_body(&body);
        TokenRequest {
            url,
            body,
            content_type: HeaderValue::from_static("application/json"),
            basic_auth: None,
            sent,
        }
    }

    /// Another value the request sends that answers must never show.
    pub fn with_secret(mut self, secret: &SecretString) -> TokenRequest<'a> {
        self.sent.add(secret.expose_secret());
        self
    }

    /// A request whose body is `body` serialized as JSON.
    ///
    /// ```
    /// use auth_runtime::{TokenRequest, Url};
    ///
    /// let url = Url::parse("https://api.example.com/v1/oauth/token")?;
    /// let body = serde_json::json!({ "clientId": "my-app", "clientSecret": "s3cr3t" });
    /// let request = TokenRequest::json(&url, &body)?;
    /// assert!(format!("{request:?}").contains("application/json"));
    /// assert!(!format!("{request:?}").contains("s3cr3t"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn json<T: Serialize + ?Sized>(
        url: &'a Url,
        body: &T,
    ) -> Result<TokenRequest<'a>, ConfigError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ConfigError::RequestBody {
            message: e.to_string(),
        })?;
        Ok(TokenRequest::new(url, bytes))
    }

    /// A request with a form-encoded body (`application/x-www-form-urlencoded`), for
    /// endpoints that follow RFC 6749 to the letter.
    pub fn form(url: &'a Url, body: impl Into<Bytes>) -> TokenRequest<'a> {
        TokenRequest {
            content_type: HeaderValue::from_static("application/x-www-form-urlencoded"),
            ..TokenRequest::new(url, body)
        }
    }

    /// A request whose body is `body` form-encoded (flat structs: RFC 6749 token
    /// requests have no nested fields).
    ///
    /// ```
    /// use auth_runtime::{TokenRequest, Url};
    ///
    /// #[derive(serde::Serialize)]
    /// struct Grant<'a> {
    ///     grant_type: &'a str,
    ///     scope: Option<&'a str>, // `None` is left out
    /// }
    ///
    /// let url = Url::parse("https://login.example.com/oauth/token")?;
    /// let grant = Grant { grant_type: "client_credentials", scope: None };
    /// let request = TokenRequest::form_of(&url, &grant)?;
    /// assert!(format!("{request:?}").contains("application/x-www-form-urlencoded"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn form_of<T: Serialize + ?Sized>(
        url: &'a Url,
        body: &T,
    ) -> Result<TokenRequest<'a>, ConfigError> {
        let text = serde_urlencoded::to_string(body).map_err(|e| ConfigError::RequestBody {
            message: e.to_string(),
        })?;
        Ok(TokenRequest::form(url, text))
    }

    /// Authenticates the client with HTTP Basic. Send credentials this way or in the
    /// body, never both.
    ///
    /// ```
    /// use auth_runtime::{BasicAuth, SecretString, TokenRequest, Url};
    ///
    /// let url = Url::parse("https://login.example.com/oauth/token")?;
    /// // RFC 6749 §2.3.1: id and secret form-encoded, then joined.
    /// let client = BasicAuth::form_encoded("my-app", &SecretString::from("s3cr3t"));
    /// let grant = [("grant_type", "client_credentials")];
    /// let request = TokenRequest::form_of(&url, &grant)?.basic_auth(&client);
    /// let shown = format!("{request:?}");
    /// assert!(shown.contains("my-app") && !shown.contains("s3cr3t"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn basic_auth(mut self, auth: &'a BasicAuth) -> TokenRequest<'a> {
        self.basic_auth = Some(auth);
        for secret in auth.sent_forms() {
            self.sent.add(secret.expose_secret());
        }
        self
    }

    /// The URL.
    pub fn url(&self) -> &Url {
        self.url
    }
}

impl fmt::Debug for TokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("url", &self.url.as_str())
            .field(
                "body",
                &format_args!("[REDACTED; {} bytes]", self.body.len()),
            )
            .field("content_type", &self.content_type)
            .field("basic_auth", &self.basic_auth)
            .finish()
    }
}

/// An answer as received: status, headers and body (at most
/// [`HttpOptions::max_body_bytes`]).
///
/// `Debug` does not show the body: a token response holds tokens.
#[derive(Clone)]
pub struct RawResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body that was read, possibly truncated.
    pub body: Bytes,
    /// Whether the server sent more than was read.
    pub truncated: bool,
    /// How many requests were made to get this answer.
    pub attempts: u32,
    /// Who answered: [`Origin::TokenEndpoint`] for answers to
    /// [`Http::send_token_request`]. Error messages are worded after it, and bodies of
    /// token endpoints are kept in errors with token values masked.
    pub origin: Origin,
    /// What the request sent that is secret (see [`TokenRequest::new`]).
    sent: Sent,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .field("truncated", &self.truncated)
            .field("attempts", &self.attempts)
            .field("origin", &self.origin)
            .finish()
    }
}

impl RawResponse {
    /// The body, for diagnostics.
    pub fn raw_body(&self) -> RawBody {
        RawBody::new(self.body.clone(), self.truncated)
    }

    /// Decodes the body as JSON into `T`; errors name the failing field's path
    /// (`items[2].id`). A truncated body is [`ErrorKind::BodyTooLarge`].
    pub fn decode_json<T: DeserializeOwned>(&self) -> Result<T, HttpError> {
        let fail = |kind| {
            let error = HttpError::new(kind, self.origin).with_attempts(self.attempts);
            Err(error.with_headers(self.headers.clone()))
        };
        if self.truncated {
            return fail(ErrorKind::BodyTooLarge {
                status: self.status,
                body: self.error_body(),
                limit: self.body.len(),
            });
        }
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return fail(ErrorKind::Decode {
                status: self.status,
                body: self.error_body(),
                path: String::new(),
                message: "empty body".into(),
            });
        }
        let decode_error = |path: String, message: String| ErrorKind::Decode {
            status: self.status,
            body: self.error_body(),
            path,
            message: mask_quoted_value(&message),
        };
        let mut de = serde_json::Deserializer::from_slice(&self.body);
        match serde_path_to_error::deserialize(&mut de) {
            Ok(value) => match de.end() {
                Ok(()) => Ok(value),
                Err(e) => fail(decode_error(String::new(), e.to_string())),
            },
            Err(e) => {
                let path = e.path().to_string();
                let path = if path == "." { String::new() } else { path };
                fail(decode_error(path, e.into_inner().to_string()))
            }
        }
    }

    /// The body as kept in errors: secrets masked (see `redact`).
    fn error_body(&self) -> RawBody {
        RawBody::new(redact::mask(&self.body, &self.sent), self.truncated)
    }

    /// A 2xx answer decoded as `T`, or an error: for any other status
    /// [`ErrorKind::Status`] with the raw body and the documented error body, decoded by
    /// `decode_error` when it can (see [`lenient_json`]).
    pub fn into_result<T: DeserializeOwned, E>(
        self,
        decode_error: impl FnOnce(StatusCode, &[u8]) -> Option<E>,
    ) -> Result<T, Error<E>> {
        if self.status.is_success() {
            return self.decode_json().map_err(HttpError::typed);
        }
        Err(self.into_status_error(decode_error))
    }

    /// [`ErrorKind::Status`] for this answer: the body with secrets masked, and the
    /// documented body when `decode_error` recognizes it (decoded from the masked body,
    /// since `Debug` shows it).
    pub(crate) fn into_status_error<E>(
        self,
        decode_error: impl FnOnce(StatusCode, &[u8]) -> Option<E>,
    ) -> Error<E> {
        let body = self.error_body();
        let documented = decode_error(self.status, body.as_bytes());
        Error::new(
            ErrorKind::Status {
                status: self.status,
                documented,
                body,
            },
            self.origin,
        )
        .with_attempts(self.attempts)
        .with_headers(self.headers)
    }

    /// A 2xx token response parsed by [`IssuedToken::parse`] with the API's wire names,
    /// or an error as [`into_result`](RawResponse::into_result) gives. Bodies kept in
    /// errors have their token values masked.
    ///
    /// ```no_run
    /// # async fn run(http: auth_runtime::Http) -> Result<(), Box<dyn std::error::Error>> {
    /// use auth_runtime::{TokenFields, TokenRequest, Url, lenient_json};
    ///
    /// #[derive(Debug, Clone, serde::Deserialize)]
    /// struct ApiError {
    ///     message: String,
    /// }
    ///
    /// let url = Url::parse("https://api.example.com/v1/auth/token")?;
    /// let request = TokenRequest::json(&url, &serde_json::json!({ "apiKey": "k3y" }))?;
    /// let answer = http.send_token_request(request).await?;
    /// let token = answer.into_token(&TokenFields::CAMEL_CASE, lenient_json::<ApiError>)?;
    /// println!("valid for {:?}", token.lifetime);
    /// # Ok(()) }
    /// ```
    pub fn into_token<E>(
        self,
        fields: &TokenFields,
        decode_error: impl FnOnce(StatusCode, &[u8]) -> Option<E>,
    ) -> Result<IssuedToken, Error<E>> {
        let mut sent = self.sent.clone();
        for name in [Some(fields.access_token), fields.refresh_token]
            .into_iter()
            .flatten()
        {
            sent.add_key(name.rsplit('/').next().unwrap_or(name));
        }
        let redacted = || RawBody::new(redact::mask(&self.body, &sent), self.truncated);
        let fail = |kind| Err(Error::new(kind, Origin::TokenEndpoint).with_attempts(self.attempts));
        if !self.status.is_success() {
            let body = redacted();
            let documented = decode_error(self.status, body.as_bytes());
            return fail(ErrorKind::Status {
                status: self.status,
                documented,
                body,
            });
        }
        if self.truncated {
            return fail(ErrorKind::BodyTooLarge {
                status: self.status,
                body: redacted(),
                limit: self.body.len(),
            });
        }
        match IssuedToken::parse(&self.body, fields, SystemTime::now()) {
            Ok(token) => Ok(token),
            Err(TokenParseError::Malformed { path, message }) => fail(ErrorKind::Decode {
                status: self.status,
                body: redacted(),
                path,
                message,
            }),
            Err(e @ TokenParseError::UnsupportedTokenType { .. }) => {
                fail(ErrorKind::UnusableToken {
                    reason: e.to_string(),
                })
            }
        }
    }
}

/// Masks the value serde quotes in `invalid type: string "…", expected …`: in a token
/// response that value may be a token.
fn mask_quoted_value(message: &str) -> String {
    for marker in ["string \"", "str \""] {
        if let Some(start) = message.find(marker).map(|i| i + marker.len()) {
            if let Some(end) = message.rfind('"').filter(|&end| end >= start) {
                return format!("{}[REDACTED]{}", &message[..start], &message[end..]);
            }
        }
    }
    message.to_owned()
}

/// Decodes a documented error body as JSON, giving `None` when it does not match (error
/// bodies often differ from their documentation). For [`RawResponse::into_result`] and
/// [`RawResponse::into_token`].
pub fn lenient_json<E: DeserializeOwned>(_status: StatusCode, body: &[u8]) -> Option<E> {
    serde_json::from_slice(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn response(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from(body.to_owned()),
            truncated: false,
            attempts: 1,
            origin: Origin::Api,
            sent: Sent::default(),
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        id: u32,
    }

    #[test]
    fn form_bodies_are_url_encoded() {
        #[derive(serde::Serialize)]
        struct Grant<'a> {
            grant_type: &'a str,
            scope: Option<&'a str>,
            code: Option<&'a str>,
        }
        let url = Url::parse("https://auth.example.com/token").unwrap();
        let grant = Grant {
            grant_type: "client_credentials",
            scope: Some("read write&admin"),
            code: None,
        };
        let request = TokenRequest::form_of(&url, &grant).unwrap();
        assert_eq!(
            &request.body[..],
            b"grant_type=client_credentials&scope=read+write%26admin"
        );
        assert_eq!(request.content_type, "application/x-www-form-urlencoded");
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct List {
        items: Vec<Item>,
    }

    #[derive(Debug, Clone, Deserialize, PartialEq)]
    struct ApiError {
        message: String,
    }

    #[test]
    fn decode_json_names_the_failing_path() {
        let r = response(200, r#"{"items":[{"id":1},{"id":2},{"id":"x"}]}"#);
        let e = r.decode_json::<List>().unwrap_err();
        match e.kind() {
            ErrorKind::Decode { path, status, .. } => {
                assert_eq!(path, "items[2].id");
                assert_eq!(*status, StatusCode::OK);
            }
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("at `items[2].id`"), "{e}");
        let ok = response(201, r#"{"items":[{"id":1}]}"#)
            .decode_json::<List>()
            .unwrap();
        assert_eq!(ok.items, vec![Item { id: 1 }]);
    }

    #[test]
    fn decode_json_refuses_empty_trailing_and_truncated() {
        for body in ["", "  ", r#"{"items":[]} x"#, "<html>"] {
            let e = response(200, body).decode_json::<List>().unwrap_err();
            assert!(
                matches!(e.kind(), ErrorKind::Decode { .. }),
                "{body}: {e:?}"
            );
        }
        let mut r = response(200, r#"{"items":["#);
        r.truncated = true;
        let e = r.decode_json::<List>().unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::BodyTooLarge { .. }), "{e:?}");
    }

    #[test]
    fn into_result_keeps_status_body_and_documented() {
        let r = response(401, r#"{"message":"Unauthorized"}"#);
        let e = r.into_result::<List, ApiError>(lenient_json).unwrap_err();
        assert_eq!(e.status(), Some(StatusCode::UNAUTHORIZED));
        assert_eq!(
            e.documented(),
            Some(&ApiError {
                message: "Unauthorized".into()
            })
        );
        assert_eq!(e.body().unwrap().text(), r#"{"message":"Unauthorized"}"#);
        assert_eq!(
            e.to_string(),
            r#"API answered 401 Unauthorized: {"message":"Unauthorized"}"#
        );

        // An error body that does not match its documentation is still kept.
        let r = response(400, r#"{"code":12,"msg":"nope"}"#);
        let e = r.into_result::<List, ApiError>(lenient_json).unwrap_err();
        assert_eq!(e.documented(), None);
        assert_eq!(e.body().unwrap().text(), r#"{"code":12,"msg":"nope"}"#);
    }

    #[test]
    fn into_token_masks_tokens_in_errors() {
        let r = response(200, r#"{"access_token":"sekrit","token_type":"mac"}"#);
        let e = r
            .into_token::<ApiError>(&TokenFields::SNAKE_CASE, lenient_json)
            .unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::UnusableToken { .. }));
        assert!(!format!("{e} {e:?}").contains("sekrit"));

        let r = response(200, r#"{"access_token":"sekrit","refresh_token":7}"#);
        let e = r
            .into_token::<ApiError>(&TokenFields::SNAKE_CASE, lenient_json)
            .unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Decode { path, .. } if path == "refresh_token"));
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("sekrit"), "{shown}");
        assert!(shown.contains("[REDACTED]"), "{shown}");
    }

    #[test]
    fn token_endpoint_answers_are_masked_in_errors() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Typed {
            access_token: String,
            expires_in: u64,
        }
        let mut r = response(200, r#"{"access_token":"sekrit","expires_in":"soon"}"#);
        r.origin = Origin::TokenEndpoint;
        let e = r.into_result::<Typed, ApiError>(lenient_json).unwrap_err();
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("sekrit"), "{shown}");
        assert!(
            shown.starts_with("token endpoint answered 200 OK"),
            "{shown}"
        );
        assert!(
            shown.contains("at `expires_in`: invalid type: string \"[REDACTED]\", expected u64"),
            "{shown}"
        );

        let mut r = response(400, r#"{"error":"invalid_grant","refresh_token":"sekrit"}"#);
        r.origin = Origin::TokenEndpoint;
        let e = r.into_result::<Typed, ApiError>(lenient_json).unwrap_err();
        assert!(!e.to_string().contains("sekrit"), "{e}");
        assert!(e.to_string().contains("invalid_grant"), "{e}");
    }

    #[test]
    fn masks_quoted_values() {
        assert_eq!(
            mask_quoted_value(r#"invalid type: string "abc", expected u64 at line 1 column 9"#),
            r#"invalid type: string "[REDACTED]", expected u64 at line 1 column 9"#
        );
        assert_eq!(mask_quoted_value("missing field `x`"), "missing field `x`");
    }

    #[test]
    fn token_request_debug_hides_the_body() {
        let url = Url::parse("https://x/token").unwrap();
        let auth = BasicAuth::new("id", "client-secret-value");
        let req = TokenRequest::json(&url, &serde_json::json!({"client_secret": "body-secret"}))
            .unwrap()
            .basic_auth(&auth);
        let shown = format!("{req:?}");
        assert!(!shown.contains("body-secret"), "{shown}");
        assert!(!shown.contains("client-secret-value"), "{shown}");
        assert!(shown.contains("https://x/token"));
        let raw = response(200, r#"{"access_token":"sekrit"}"#);
        assert!(!format!("{raw:?}").contains("sekrit"));
    }
}
