//! Sending requests (token requests and API calls): headers, bounded retries, capped
//! body reading.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use reqwest::{Client, ClientBuilder, redirect};

use crate::error::{ConfigError, ErrorKind, HttpError, Origin};
use crate::redact::Sent;
use crate::retry::{RetryPolicy, is_retryable_status, retry_after};
use crate::url::check_transport_security;

use crate::response::RawResponse;
use crate::token_request::TokenRequest;

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
