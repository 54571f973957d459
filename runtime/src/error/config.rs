//! Configuration problems, found before any request is sent.

use std::fmt;
use std::sync::Arc;

/// A configuration problem: a refused URL, an HTTP client that could not be built.
///
/// ```
/// use auth_runtime::{BaseUrl, ConfigError};
///
/// let error = BaseUrl::parse("http://api.example.com").unwrap_err();
/// assert!(matches!(&error, ConfigError::InsecureUrl { host } if host == "api.example.com"));
/// assert!(error.to_string().starts_with("refusing plain http to `api.example.com`"));
///
/// let error = BaseUrl::parse("https://user:pass@api.example.com").unwrap_err();
/// assert!(matches!(error, ConfigError::UrlHasCredentials));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ConfigError {
    /// The input is not a URL.
    InvalidUrl {
        /// The input, with any `user:password@` part masked.
        input: String,
        /// Why it did not parse.
        reason: String,
    },
    /// Plain `http` to a host that is not loopback: secrets would travel in clear text.
    InsecureUrl {
        /// The refused host.
        host: String,
    },
    /// A scheme other than `https` (or `http` to loopback).
    UnsupportedScheme {
        /// The refused scheme.
        scheme: String,
    },
    /// The URL contains `user:password@`; credentials belong in the token flow.
    UrlHasCredentials,
    /// A base URL with a query or a fragment, which paths cannot be appended to.
    UrlHasQueryOrFragment {
        /// The refused URL.
        url: String,
    },
    /// A token request body could not be serialized.
    RequestBody {
        /// The serializer's message (it never contains the body).
        message: String,
    },
    /// An API request could not be built (a parameter or credential that no HTTP
    /// request can carry, an operation with no usable credentials).
    Request {
        /// What is wrong (never a secret).
        message: String,
    },
    /// The TLS configuration could not be built (for example no root certificates).
    Tls {
        /// The TLS library's message.
        message: String,
    },
    /// The HTTP client could not be built.
    HttpClient(Arc<reqwest::Error>),
    /// Discovered metadata names another issuer than the server it was fetched from
    /// (OpenID Connect Discovery §4.3, RFC 8414 §3.3): its endpoints are not trusted.
    IssuerMismatch {
        /// The issuer the metadata URL implies.
        expected: String,
        /// The issuer the metadata names (bounded, control characters escaped).
        found: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::InvalidUrl { input, reason } => {
                write!(f, "`{input}` is not a valid URL: {reason}")
            }
            ConfigError::InsecureUrl { host } => write!(
                f,
                "refusing plain http to `{host}`: use https (plain http is accepted only for \
                 loopback hosts: 127.0.0.0/8, ::1, localhost)"
            ),
            ConfigError::UnsupportedScheme { scheme } => {
                write!(f, "unsupported URL scheme `{scheme}`: use https")
            }
            ConfigError::UrlHasCredentials => f.write_str(
                "the URL contains credentials (user:password@); pass credentials to the token flow instead",
            ),
            ConfigError::UrlHasQueryOrFragment { url } => {
                write!(f, "a base URL cannot have a query or a fragment: `{url}`")
            }
            ConfigError::RequestBody { message } => {
                write!(f, "the token request body could not be serialized: {message}")
            }
            ConfigError::Request { message } => {
                write!(f, "the request could not be built: {message}")
            }
            ConfigError::Tls { message } => write!(f, "TLS configuration failed: {message}"),
            ConfigError::HttpClient(_) => f.write_str("the HTTP client could not be built"),
            ConfigError::IssuerMismatch { expected, found } => write!(
                f,
                "the authorization server's metadata names issuer `{found}`, not `{expected}`: refused"
            ),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::HttpClient(e) => Some(&**e),
            _ => None,
        }
    }
}
