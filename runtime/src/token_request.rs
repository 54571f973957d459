//! Token requests: the endpoint, the grant's body and the client authentication.

use std::fmt;

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::HeaderValue;
use serde::Serialize;

use crate::error::ConfigError;
use crate::redact::Sent;
use crate::secret::{BasicAuth, ExposeSecret, SecretString};

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
    pub(crate) url: &'a Url,
    pub(crate) body: Bytes,
    pub(crate) content_type: HeaderValue,
    pub(crate) basic_auth: Option<&'a BasicAuth>,
    /// What the request sends that is secret, to mask wherever a server echoes it.
    pub(crate) sent: Sent,
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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
