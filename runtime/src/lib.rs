//! Hand-written runtime shared by every generated API module: validated URLs, secrets,
//! token requests with bounded retries, lenient token-response parsing, and a token
//! manager that caches access tokens, refreshes them before expiry and makes sure that
//! concurrent callers cause a single token request.
//!
//! # Layout
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`url`](crate::BaseUrl) | [`BaseUrl`]: https, or plain http to loopback only |
//! | [`secret`](crate::BasicAuth) | [`BasicAuth`], [`AccessToken`]; re-exports [`SecretString`], [`ExposeSecret`] |
//! | [`http`](crate::Http) | [`Http`], [`HttpOptions`], [`TokenRequest`], [`RawResponse`] |
//! | [`retry`](crate::RetryPolicy) | [`RetryPolicy`]: which failures are retried and how long to wait |
//! | [`token`](crate::IssuedToken) | [`IssuedToken::parse`], [`TokenFields`]: lenient token responses |
//! | [`cache`](crate::TokenManager) | [`TokenFlow`], [`TokenManager`], [`TokenOptions`] |
//! | [`error`](crate::Error) | [`Error`], [`ErrorKind`], [`HttpError`], [`ConfigError`], [`RawBody`] |
//! | [`formats`] | typed `date-time`, `date`, `uuid` and `byte` strings, for crates generated with typed formats |
//! | [`oauth`] | standard OAuth 2.0 flows: client credentials, password, refresh, authorization code + PKCE, device, discovery |
//! | [`shape`] | choosing the variant of an untagged union a JSON value fits best |
//!
//! # How generated code uses it
//!
//! A generated module implements [`TokenFlow`] for each grant of its API: it serializes its
//! typed request body with `serde_json`, hands the bytes to [`Http::send_token_request`]
//! and turns the answer into an [`IssuedToken`] with [`RawResponse::into_token`], passing
//! the wire names of the response fields ([`TokenFields`]) and a closure that decodes the
//! API's documented error body leniently. Applications then hold a [`TokenManager`] and
//! call [`TokenManager::access_token`] or [`TokenManager::send`].
//!
//! # Decisions
//!
//! * **TLS: rustls with the `ring` provider**, through reqwest's `rustls-no-provider`
//!   feature and a preconfigured [`rustls::ClientConfig`] (platform root certificates via
//!   `rustls-platform-verifier`, the verifier reqwest uses by default). Measured on this
//!   project's 2-core machine, a clean debug build of the runtime's dependencies takes
//!   21–32 s wall (35–38 CPU-seconds) with ring against 35–53 s wall (55–56 CPU-seconds)
//!   with reqwest's default `rustls` feature, whose aws-lc-rs provider compiles a large C
//!   library; in this workspace the crate itself builds clean in about 18.5 s wall
//!   (30 CPU-seconds). No process-wide crypto provider is installed, so an application that
//!   installs its own is not disturbed. The price: with `rustls-no-provider` in the
//!   dependency graph, a reqwest client built by other means than
//!   [`Http::client_builder`] panics at `build()` unless the application installs a
//!   rustls `CryptoProvider` or enables reqwest's `rustls` feature itself.
//! * **No redirects** on token requests: the client is built with
//!   `redirect::Policy::none()`, a 3xx answer is an error, and an answer whose URL differs
//!   from the request's (a client supplied by the application that follows redirects) is
//!   discarded.
//! * **Fast path**: the cached entry sits in an `arc-swap` `ArcSwapOption`, whose reads
//!   write no shared cache line; a hit costs a clock read and one reference-count
//!   increment of the token's `Arc`. Measured (`benches/cached_token.rs`): 37–41 ns
//!   median from one thread, 64–99 ns median with 2 threads hammering at once; a
//!   `std::sync::RwLock` gave 33 ns and 187 ns. Fetching is serialized by a
//!   `tokio::sync::Mutex`, and callers that waited during a fetch share its outcome
//!   (single flight, also for failures).
//! * **Time**: lifetimes are measured with [`tokio::time::Instant`] so tests run with
//!   paused time; [`std::time::SystemTime`] is used only for a response's `created_at`.
//! * Errors carry the HTTP status and the raw body wherever there is one; token response
//!   bodies are shown with token values masked; request bodies are never shown.
#![deny(missing_docs)]

pub mod api;
mod auth;
mod cache;
pub mod de;
mod error;
pub mod formats;
mod http;
pub mod oauth;
pub mod params;
mod redact;
mod response;
mod retry;
mod secret;
mod secret_names;
pub mod shape;
mod tls;
mod token;
mod token_request;
mod url;

pub use crate::api::{
    ApiClient, ApiRequest, Body, CallOptions, Multipart, ResponseValue, method_query,
};
pub use crate::auth::{Auth, KeyLocation};
pub use crate::cache::{TokenFlow, TokenManager, TokenOptions};
pub use crate::error::{ConfigError, Error, ErrorKind, HttpError, Origin, RawBody};
pub use crate::http::{Http, HttpOptions};
/// Whether a name holds a secret, by the one rule the runtime and the generator share
/// (in full below):
///
/// ```
/// use auth_runtime::is_secret_name;
///
/// assert!(is_secret_name("client_secret"));
/// assert!(is_secret_name("X-Api-Key"));
/// assert!(is_secret_name("accessToken"));
/// assert!(!is_secret_name("token_type")); // describes a secret, holds none
/// assert!(!is_secret_name("username"));
/// ```
///
pub use crate::redact::is_secret_name;
pub use crate::response::{RawResponse, lenient_json};
pub use crate::retry::RetryPolicy;
pub use crate::secret::{AccessToken, BasicAuth, ExposeSecret, SecretString};
pub use crate::token::{IssuedToken, MAX_TOKEN_LIFETIME, TokenFields, TokenParseError};
pub use crate::token_request::TokenRequest;
pub use crate::url::BaseUrl;

/// Re-exported: parameter styles of [`ApiRequest`].
pub use crate::params::Style;
/// Re-exported: the body type of [`RawResponse`].
pub use bytes::Bytes;
/// Re-exported so generated code and applications name the same versions.
pub use reqwest;
/// Re-exported: HTTP methods of [`ApiRequest`].
pub use reqwest::Method;
/// Re-exported: HTTP status codes as used by [`ErrorKind`].
pub use reqwest::StatusCode;
/// Re-exported: the parsed URL type used by [`BaseUrl`] and [`TokenRequest`].
pub use reqwest::Url;
