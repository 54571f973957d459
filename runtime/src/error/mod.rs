//! Errors: what went wrong, with the HTTP status and the raw body wherever there is one.

mod config;
mod raw_body;

pub use config::ConfigError;
pub use raw_body::RawBody;
pub(crate) use raw_body::is_direction_mark;

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Who answered (or failed to): decides the wording of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// The token endpoint.
    TokenEndpoint,
    /// An API endpoint called with a token.
    Api,
    /// An authorization server's metadata (OpenID Connect Discovery, RFC 8414).
    Metadata,
    /// A device authorization endpoint (RFC 8628).
    DeviceAuthorization,
}

impl Origin {
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Origin::TokenEndpoint => "token endpoint",
            Origin::Api => "API",
            Origin::Metadata => "authorization server metadata",
            Origin::DeviceAuthorization => "device authorization endpoint",
        }
    }
}

/// What happened. `E` is the API's documented error body type.
///
/// ```
/// use auth_runtime::{Error, ErrorKind, Origin};
///
/// fn advice<E>(error: &Error<E>) -> &'static str {
///     match error.kind() {
///         ErrorKind::Status { status, .. } if status.is_client_error() => "fix the request",
///         ErrorKind::Status { .. } | ErrorKind::Timeout { .. } | ErrorKind::Transport { .. } => {
///             "try again later"
///         }
///         ErrorKind::AuthorizationRequired { .. } => "ask the user to sign in again",
///         _ => "report a bug",
///     }
/// }
///
/// let kind = ErrorKind::AuthorizationRequired { reason: "the user denied access".into() };
/// let error: Error<()> = Error::new(kind, Origin::TokenEndpoint);
/// assert_eq!(advice(&error), "ask the user to sign in again");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ErrorKind<E> {
    /// Connecting, sending the request or reading the answer failed (after retries).
    Transport {
        /// The HTTP client's error (its URL removed).
        source: Arc<reqwest::Error>,
    },
    /// No answer within the configured timeout (after retries).
    Timeout {
        /// The HTTP client's error (its URL removed).
        source: Arc<reqwest::Error>,
    },
    /// The server answered with a redirect (3xx), which was not followed.
    Redirect {
        /// The status of the answer.
        status: StatusCode,
    },
    /// The HTTP client followed a redirect (it was not built with
    /// `redirect::Policy::none()`); the answer was discarded.
    RedirectFollowed {
        /// The status of the final answer.
        status: StatusCode,
    },
    /// The server answered with a status other than 2xx.
    Status {
        /// The status.
        status: StatusCode,
        /// The documented error body, when the body decoded as one.
        documented: Option<E>,
        /// The raw body, always kept.
        body: RawBody,
    },
    /// A 2xx answer whose body could not be decoded.
    Decode {
        /// The status.
        status: StatusCode,
        /// The raw body.
        body: RawBody,
        /// The path of the failing field (such as `expires_in` or `items[2].id`), empty
        /// when the body as a whole is unusable.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// A 2xx answer larger than the configured cap; only its first bytes were read.
    BodyTooLarge {
        /// The status.
        status: StatusCode,
        /// The first bytes.
        body: RawBody,
        /// The cap, in bytes.
        limit: usize,
    },
    /// The token endpoint issued a token this runtime cannot use (a non-bearer token
    /// type, characters not allowed in a header).
    UnusableToken {
        /// Why.
        reason: String,
    },
    /// No access token within the token manager's deadline
    /// ([`TokenOptions::deadline`](crate::TokenOptions::deadline)): the token endpoint is
    /// slow, or throttles with long `Retry-After`s.
    Deadline {
        /// The deadline.
        after: std::time::Duration,
    },
    /// No token can be had without the user: the refresh token was refused or none was
    /// issued (authorization code, device flow), the user denied access, or a device code
    /// expired. The app must run the user's authorization again.
    AuthorizationRequired {
        /// Why.
        reason: String,
    },
    /// A configuration problem.
    Config(ConfigError),
}

/// An error from a token request or an API call.
///
/// [`kind`](Error::kind) tells what happened. `Display` is a one-line message meant for a
/// person ("token endpoint answered 401 Unauthorized: {"message":"Unauthorized"}") and
/// never contains a secret: request bodies are never shown, token values in response
/// bodies are masked.
///
/// ```
/// use auth_runtime::{Error, ErrorKind, Origin, RawBody, StatusCode};
///
/// #[derive(Debug, serde::Deserialize)]
/// struct ApiError {
///     message: String,
/// }
///
/// // What an API call answered `404` with its documented error body returns:
/// let body = r#"{"message":"no such pet"}"#;
/// let (status, documented) = (StatusCode::NOT_FOUND, serde_json::from_str(body).ok());
/// let kind = ErrorKind::Status { status, documented, body: RawBody::new(body, false) };
/// let error: Error<ApiError> = Error::new(kind, Origin::Api);
///
/// assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
/// assert_eq!(error.body().unwrap().text(), body);
/// assert_eq!(error.documented().unwrap().message, "no such pet");
/// assert_eq!(error.to_string(), r#"API answered 404 Not Found: {"message":"no such pet"}"#);
/// ```
#[derive(Clone)]
pub struct Error<E> {
    inner: Box<Inner<E>>,
}

#[derive(Debug, Clone)]
struct Inner<E> {
    kind: ErrorKind<E>,
    origin: Origin,
    attempts: u32,
    /// The answer's headers, when there was an answer.
    headers: Option<HeaderMap>,
}

impl<E> Error<E> {
    /// Builds an error.
    pub fn new(kind: ErrorKind<E>, origin: Origin) -> Error<E> {
        Error {
            inner: Box::new(Inner {
                kind,
                origin,
                attempts: 1,
                headers: None,
            }),
        }
    }

    /// Records the answer's headers.
    pub fn with_headers(mut self, headers: HeaderMap) -> Error<E> {
        self.inner.headers = Some(headers);
        self
    }

    /// The answer's headers (a request ID, `Retry-After`, rate limits…), when there was
    /// an answer.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// Records how many attempts were made.
    pub fn with_attempts(mut self, attempts: u32) -> Error<E> {
        self.inner.attempts = attempts;
        self
    }

    /// Changes who the error is attributed to.
    pub fn with_origin(mut self, origin: Origin) -> Error<E> {
        self.inner.origin = origin;
        self
    }

    /// What happened.
    pub fn kind(&self) -> &ErrorKind<E> {
        &self.inner.kind
    }

    /// What happened, by value.
    pub fn into_kind(self) -> ErrorKind<E> {
        self.inner.kind
    }

    /// Who answered or failed to.
    pub fn origin(&self) -> Origin {
        self.inner.origin
    }

    /// How many requests were made (more than one when transient failures were retried).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.inner.kind {
            ErrorKind::Redirect { status }
            | ErrorKind::RedirectFollowed { status }
            | ErrorKind::Status { status, .. }
            | ErrorKind::Decode { status, .. }
            | ErrorKind::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The raw body, when there was one.
    pub fn body(&self) -> Option<&RawBody> {
        match &self.inner.kind {
            ErrorKind::Status { body, .. }
            | ErrorKind::Decode { body, .. }
            | ErrorKind::BodyTooLarge { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The documented error body, when the answer carried one that decoded.
    pub fn documented(&self) -> Option<&E> {
        match &self.inner.kind {
            ErrorKind::Status { documented, .. } => documented.as_ref(),
            _ => None,
        }
    }

    /// Whether a token endpoint refused a grant: status 400 or 401, or an error body
    /// naming `invalid_grant` (RFC 6749 §5.2). The token manager then falls back from the
    /// refresh grant to the primary grant once.
    pub fn is_grant_refused(&self) -> bool {
        match &self.inner.kind {
            ErrorKind::Status { status, body, .. } => {
                *status == StatusCode::BAD_REQUEST
                    || *status == StatusCode::UNAUTHORIZED
                    || contains(body.as_bytes(), b"invalid_grant")
            }
            _ => false,
        }
    }

    /// Converts the documented body type.
    pub fn map_documented<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        self.retype(|e| Some(f(e)))
    }

    /// The same error without its documented body (status and raw body kept).
    pub fn untyped(self) -> HttpError {
        HttpError(self.retype(|_| None))
    }

    fn retype<F>(self, f: impl FnOnce(E) -> Option<F>) -> Error<F> {
        let Inner {
            kind,
            origin,
            attempts,
            headers,
        } = *self.inner;
        let kind = match kind {
            ErrorKind::Transport { source } => ErrorKind::Transport { source },
            ErrorKind::Timeout { source } => ErrorKind::Timeout { source },
            ErrorKind::Redirect { status } => ErrorKind::Redirect { status },
            ErrorKind::RedirectFollowed { status } => ErrorKind::RedirectFollowed { status },
            ErrorKind::Status {
                status,
                documented,
                body,
            } => ErrorKind::Status {
                status,
                documented: documented.and_then(f),
                body,
            },
            ErrorKind::Decode {
                status,
                body,
                path,
                message,
            } => ErrorKind::Decode {
                status,
                body,
                path,
                message,
            },
            ErrorKind::BodyTooLarge {
                status,
                body,
                limit,
            } => ErrorKind::BodyTooLarge {
                status,
                body,
                limit,
            },
            ErrorKind::UnusableToken { reason } => ErrorKind::UnusableToken { reason },
            ErrorKind::Deadline { after } => ErrorKind::Deadline { after },
            ErrorKind::AuthorizationRequired { reason } => {
                ErrorKind::AuthorizationRequired { reason }
            }
            ErrorKind::Config(e) => ErrorKind::Config(e),
        };
        Error {
            inner: Box::new(Inner {
                kind,
                origin,
                attempts,
                headers,
            }),
        }
    }

    /// Wraps a transport error from the HTTP client, removing its URL.
    pub(crate) fn from_reqwest(error: reqwest::Error, origin: Origin) -> Error<E> {
        let source = Arc::new(error.without_url());
        let kind = if source.is_timeout() {
            ErrorKind::Timeout { source }
        } else {
            ErrorKind::Transport { source }
        };
        Error::new(kind, origin)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn describe_transport(e: &reqwest::Error) -> &'static str {
    if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "reading the answer failed"
    } else if e.is_request() {
        "sending the request failed"
    } else if e.is_builder() {
        "the request could not be built"
    } else {
        "the request failed"
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = self.inner.origin.noun();
        match &self.inner.kind {
            ErrorKind::Transport { source } => {
                write!(f, "{who}: {}", describe_transport(source))?;
                // The innermost cause (such as "Connection refused") is the useful part.
                let mut cause: &dyn std::error::Error = &**source;
                while let Some(next) = cause.source() {
                    cause = next;
                }
                if !std::ptr::addr_eq(cause, &**source) {
                    write!(f, " ({cause})")?;
                }
            }
            ErrorKind::Timeout { .. } => write!(f, "{who} did not answer in time")?,
            ErrorKind::Redirect { status } => write!(
                f,
                "{who} answered {status} (a redirect), which is not followed"
            )?,
            ErrorKind::RedirectFollowed { status } => write!(
                f,
                "the HTTP client followed a redirect from the {who} (final answer {status}); \
                 the answer was discarded: build the client without redirects"
            )?,
            ErrorKind::Status { status, body, .. } => write!(f, "{who} answered {status}: {body}")?,
            ErrorKind::Decode {
                status,
                body,
                path,
                message,
            } => {
                write!(
                    f,
                    "{who} answered {status} with a body that could not be decoded"
                )?;
                if !path.is_empty() {
                    write!(f, " at `{path}`")?;
                }
                write!(f, ": {message}; body: {body}")?;
            }
            ErrorKind::BodyTooLarge {
                status,
                body,
                limit,
            } => write!(
                f,
                "{who} answered {status} with a body larger than {limit} bytes; it starts: {body}"
            )?,
            ErrorKind::UnusableToken { reason } => {
                write!(f, "{who} issued an unusable token: {reason}")?
            }
            ErrorKind::Deadline { after } => write!(
                f,
                "no access token within {} s: the {who} is slow or throttling",
                after.as_secs_f64()
            )?,
            ErrorKind::AuthorizationRequired { reason } => {
                write!(f, "the user must authorize again: {reason}")?
            }
            ErrorKind::Config(e) => write!(f, "configuration error: {e}")?,
        }
        if self.inner.attempts > 1 {
            write!(f, " (after {} attempts)", self.inner.attempts)?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("origin", &self.inner.origin)
            .field("attempts", &self.inner.attempts)
            // Names only: a header's value may be a credential a server echoes.
            .field(
                "headers",
                &self
                    .inner
                    .headers
                    .as_ref()
                    .map(|h| h.keys().collect::<Vec<_>>()),
            )
            .finish()
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.kind {
            ErrorKind::Transport { source } | ErrorKind::Timeout { source } => Some(&**source),
            ErrorKind::Config(e) => Some(e),
            _ => None,
        }
    }
}

impl<E> From<ConfigError> for Error<E> {
    fn from(e: ConfigError) -> Self {
        Error::new(ErrorKind::Config(e), Origin::TokenEndpoint)
    }
}

/// An [`Error`] without a documented body type: what [`Http::send_token_request`] and
/// [`RawResponse::decode_json`] return. It converts into any `Error<E>` with `?`.
///
/// [`Http::send_token_request`]: crate::Http::send_token_request
/// [`RawResponse::decode_json`]: crate::RawResponse::decode_json
#[derive(Clone)]
pub struct HttpError(Error<Infallible>);

impl HttpError {
    pub(crate) fn new(kind: ErrorKind<Infallible>, origin: Origin) -> HttpError {
        HttpError(Error::new(kind, origin))
    }

    pub(crate) fn from_reqwest(error: reqwest::Error, origin: Origin) -> HttpError {
        HttpError(Error::from_reqwest(error, origin))
    }

    pub(crate) fn with_attempts(self, attempts: u32) -> HttpError {
        HttpError(self.0.with_attempts(attempts))
    }

    pub(crate) fn with_headers(self, headers: HeaderMap) -> HttpError {
        HttpError(self.0.with_headers(headers))
    }

    /// The answer's headers, when there was an answer.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.0.headers()
    }

    pub(crate) fn with_origin(self, origin: Origin) -> HttpError {
        HttpError(self.0.with_origin(origin))
    }

    /// What happened.
    pub fn kind(&self) -> &ErrorKind<Infallible> {
        self.0.kind()
    }

    /// How many requests were made.
    pub fn attempts(&self) -> u32 {
        self.0.attempts()
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<StatusCode> {
        self.0.status()
    }

    /// Converts into an [`Error`] with any documented body type.
    pub fn typed<E>(self) -> Error<E> {
        self.0.map_documented(|never| match never {})
    }
}

impl<E> From<HttpError> for Error<E> {
    fn from(e: HttpError) -> Self {
        e.typed()
    }
}

impl From<ConfigError> for HttpError {
    fn from(e: ConfigError) -> Self {
        HttpError(e.into())
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl std::error::Error for HttpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.0)
    }
}

#[cfg(test)]
mod tests;
