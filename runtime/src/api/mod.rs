//! API calls: the one client type every generated `Client` wraps. Generated methods build
//! an [`ApiRequest`] (path and parameters as the document says, a body, the operation's
//! security alternatives) and hand it to [`ApiClient::send`], which:
//!
//! * applies the credentials of the first security alternative whose schemes are all
//!   configured ([`ApiClient::with_auth`]);
//! * retries transient failures (connect errors, timeouts, `429`, `5xx`, honouring
//!   `Retry-After`) of safe methods (`GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`, `QUERY`)
//!   only, unless [`CallOptions::retry_unsafe`] says otherwise;
//! * on `401`, when a token manager supplied the token, drops that token and replays the
//!   request once with a new one;
//! * follows redirects to the same origin (scheme, host and port) only, up to 5; an
//!   answer redirecting elsewhere is returned as it is, so credentials never travel to
//!   another origin;
//! * keeps every secret it sent out of the bodies kept in errors.

mod multipart;
mod request;
mod response;

pub use multipart::Multipart;
pub use request::{ApiRequest, Body, method_query};
pub use response::ResponseValue;

use std::collections::BTreeMap;

use reqwest::header::LOCATION;
use reqwest::{Method, StatusCode, Url};

use crate::auth::Auth;
use crate::error::{ConfigError, ErrorKind, HttpError, Origin};
use crate::http::{Exchange, Http, Redirects};
use crate::redact::Sent;
use crate::response::RawResponse;
use crate::retry::RetryPolicy;
use crate::url::{BaseUrl, check_transport_security};

/// Redirects followed at most, to the same origin.
const MAX_REDIRECTS: usize = 5;

/// How API calls behave beyond [`HttpOptions`](crate::HttpOptions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOptions {
    /// Retry `POST` and `PATCH` too (they may not be idempotent; off by default).
    pub retry_unsafe: bool,
    /// The most bytes of an answer read (default 32 MiB; the rest is left unread and the
    /// answer marked truncated).
    pub max_body_bytes: usize,
}

impl Default for CallOptions {
    fn default() -> Self {
        CallOptions {
            retry_unsafe: false,
            max_body_bytes: 32 * 1024 * 1024,
        }
    }
}

/// What generated clients send requests through: where the API is, how to reach it, and
/// the credentials of each security scheme. Cheap to clone.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use auth_runtime::{ApiClient, ApiRequest, Auth, BaseUrl, Http, HttpOptions, Method, Style};
///
/// let base = BaseUrl::parse("https://api.example.com/v1")?;
/// let api = ApiClient::new(base, Http::new(HttpOptions::default())?)
///     .with_auth("bearerAuth", Auth::bearer("my-token"));
/// let request = ApiRequest::new(Method::GET, "/pets/{petId}")
///     .path_param("petId", &42, Style::Simple, false)
///     .security(&[&["bearerAuth"]]);
/// let answer = api.send(request).await?; // GET https://api.example.com/v1/pets/42
/// let pet: serde_json::Value = answer.json()?;
/// # let _ = pet;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ApiClient {
    base: BaseUrl,
    http: Http,
    auth: BTreeMap<String, Auth>,
    options: CallOptions,
}

impl ApiClient {
    /// A client for the API at `base`.
    pub fn new(base: BaseUrl, http: Http) -> ApiClient {
        ApiClient {
            base,
            http,
            auth: BTreeMap::new(),
            options: CallOptions::default(),
        }
    }

    /// Credentials for the security scheme named `scheme` in the document.
    ///
    /// ```
    /// use auth_runtime::{ApiClient, Auth, BaseUrl, Http, HttpOptions, KeyLocation};
    ///
    /// let base = BaseUrl::parse("https://api.example.com")?;
    /// let api = ApiClient::new(base, Http::new(HttpOptions::default())?)
    ///     .with_auth("api_key", Auth::api_key(KeyLocation::Query, "api_key", "k3y"));
    /// assert_eq!(api.base_url().as_url().host_str(), Some("api.example.com"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_auth(mut self, scheme: &str, auth: impl Into<Auth>) -> ApiClient {
        self.auth.insert(scheme.to_owned(), auth.into());
        self
    }

    /// Options for calls.
    pub fn with_options(mut self, options: CallOptions) -> ApiClient {
        self.options = options;
        self
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base
    }

    /// The HTTP client requests go through.
    pub fn http(&self) -> &Http {
        &self.http
    }

    /// Sends `request` as described in the module documentation and returns the answer,
    /// whatever its status.
    ///
    /// ```no_run
    /// # async fn run(api: auth_runtime::ApiClient) -> Result<(), Box<dyn std::error::Error>> {
    /// use auth_runtime::{ApiRequest, Method, lenient_json};
    ///
    /// let answer = api.send(ApiRequest::new(Method::GET, "/pets")).await?;
    /// // 2xx: the decoded body; otherwise an error with the status and the raw body.
    /// let decode_error = lenient_json::<serde_json::Value>;
    /// let pets = answer.into_value(|_, r| r.json::<Vec<String>>(), decode_error)?;
    /// println!("{} pets", pets.body.len());
    /// # Ok(()) }
    /// ```
    pub async fn send(&self, request: ApiRequest) -> Result<RawResponse, HttpError> {
        let url = request.url(&self.base)?;
        let alternative = self.credentials_for(&request)?;
        let mut url = url;
        let mut method = request.method.clone();
        let mut body = request.body.clone();
        for _ in 0..=MAX_REDIRECTS {
            let answer = self
                .send_once(&request, &method, &url, &body, &alternative)
                .await?;
            let Some(next) = same_origin_redirect(&url, &answer) else {
                return Ok(answer);
            };
            // 303 (and 301/302 of a request with a body) continue as a GET without one.
            if answer.status == StatusCode::SEE_OTHER
                || (matches!(answer.status.as_u16(), 301 | 302)
                    && method != Method::GET
                    && method != Method::HEAD)
            {
                method = Method::GET;
                body = Body::Empty;
            }
            tracing::debug!(
                status = answer.status.as_u16(),
                "following a redirect to the same origin"
            );
            url = next;
        }
        Err(HttpError::new(
            ErrorKind::Redirect {
                status: StatusCode::LOOP_DETECTED,
            },
            Origin::Api,
        ))
    }

    /// One request, with retries and one replay after a `401` that a new token may fix.
    async fn send_once(
        &self,
        request: &ApiRequest,
        method: &Method,
        url: &Url,
        body: &Body,
        alternative: &[(String, Auth)],
    ) -> Result<RawResponse, HttpError> {
        check_transport_security(url).map_err(|e| HttpError::from(e).with_origin(Origin::Api))?;
        let mut replayed = false;
        loop {
            let mut sent = Sent::default();
            let mut template = request.build(&self.http, method, url.clone(), body)?;
            let mut applied = Vec::with_capacity(alternative.len());
            for (_, auth) in alternative {
                applied.push(auth.apply(&mut template, &mut sent).await?);
            }
            let retry = if request.is_safe(method) || self.options.retry_unsafe {
                self.http.options().retry
            } else {
                RetryPolicy::none()
            };
            let exchange = Exchange {
                origin: Origin::Api,
                retry,
                max_body_bytes: self.options.max_body_bytes,
                redirects: Redirects::Return,
                sent: &sent,
            };
            let make = || {
                template.try_clone().ok_or_else(|| {
                    HttpError::from(ConfigError::Request {
                        message: "the request body cannot be sent twice".into(),
                    })
                })
            };
            let answer = self.http.exchange(make, &exchange).await?;
            if answer.status != StatusCode::UNAUTHORIZED || replayed {
                return Ok(answer);
            }
            // Every credential hears of the refusal (each token manager drops its token).
            let mut renewable = false;
            for ((_, auth), applied) in alternative.iter().zip(&applied) {
                renewable |= auth.refused(applied);
            }
            if !renewable {
                return Ok(answer);
            }
            tracing::debug!("API answered 401; replaying once with new credentials");
            replayed = true;
        }
    }

    /// The credentials of the first alternative whose schemes are all configured.
    fn credentials_for(&self, request: &ApiRequest) -> Result<Vec<(String, Auth)>, HttpError> {
        if request.security.is_empty() {
            return Ok(Vec::new());
        }
        for alternative in request.security {
            if alternative
                .iter()
                .all(|scheme| self.auth.contains_key(*scheme))
            {
                return Ok(alternative
                    .iter()
                    .map(|scheme| ((*scheme).to_owned(), self.auth[*scheme].clone()))
                    .collect());
            }
        }
        let wanted: Vec<String> = request
            .security
            .iter()
            .map(|alternative| alternative.join(" + "))
            .collect();
        Err(HttpError::from(ConfigError::Request {
            message: format!(
                "no credentials are configured for this operation; it accepts {}",
                wanted.join(", or ")
            ),
        })
        .with_origin(Origin::Api))
    }
}

/// The next URL of a redirect answer, when it stays on the same origin.
fn same_origin_redirect(from: &Url, answer: &RawResponse) -> Option<Url> {
    if !matches!(answer.status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = answer.headers.get(LOCATION)?.to_str().ok()?;
    let next = from.join(location).ok()?;
    (next.origin() == from.origin()).then_some(next)
}
