//! Secrets: client credentials and access tokens, whose `Debug` never shows them.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::HeaderValue;
pub use secrecy::{ExposeSecret, SecretString};

/// HTTP Basic client authentication: `Authorization: Basic base64(client_id:client_secret)`.
///
/// [`BasicAuth::new`] joins the id and the secret raw, as the vendors this runtime
/// serves document it (Podero: `base64(client_id:client_secret)`); a `client_id` must
/// then not contain `:` (RFC 7617). [`BasicAuth::form_encoded`] form-encodes both first,
/// as RFC 6749 §2.3.1 says for OAuth clients.
///
/// ```
/// use auth_runtime::BasicAuth;
///
/// let auth = BasicAuth::new("Aladdin", "open sesame"); // RFC 7617's example
/// let header = auth.header_value();
/// assert_eq!(header, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
/// assert!(header.is_sensitive());
/// assert!(!format!("{auth:?}").contains("open sesame"));
/// ```
#[derive(Clone)]
pub struct BasicAuth {
    /// The client id; not a secret, shown by `Debug`.
    pub client_id: String,
    /// The client secret; never shown.
    pub client_secret: SecretString,
    /// Form-encode both before joining them (RFC 6749 §2.3.1).
    form_encoded: bool,
}

impl BasicAuth {
    /// Builds credentials, joined raw.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> BasicAuth {
        BasicAuth {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            form_encoded: false,
        }
    }

    /// Builds credentials whose id and secret are form-encoded
    /// (`application/x-www-form-urlencoded`) before they are joined: RFC 6749 §2.3.1.
    ///
    /// ```
    /// use auth_runtime::{BasicAuth, SecretString};
    ///
    /// // `Aladdin:open+sesame`, base64-encoded.
    /// let auth = BasicAuth::form_encoded("Aladdin", &SecretString::from("open sesame"));
    /// assert_eq!(auth.header_value(), "Basic QWxhZGRpbjpvcGVuK3Nlc2FtZQ==");
    /// ```
    pub fn form_encoded(client_id: &str, client_secret: &SecretString) -> BasicAuth {
        BasicAuth {
            form_encoded: true,
            ..BasicAuth::new(client_id, client_secret.clone())
        }
    }

    /// `id:secret`, as it is base64-encoded.
    fn joined(&self) -> SecretString {
        let (id, secret) = (self.client_id.as_str(), self.client_secret.expose_secret());
        SecretString::from(if self.form_encoded {
            format!("{}:{}", form_encode(id), form_encode(secret))
        } else {
            format!("{id}:{secret}")
        })
    }

    /// The `Authorization` header value, marked sensitive (HTTP/2 never indexes it,
    /// `Debug` hides it).
    pub fn header_value(&self) -> HeaderValue {
        let joined = self.joined();
        let value =
            SecretString::from(format!("Basic {}", STANDARD.encode(joined.expose_secret())));
        // `Basic ` followed by base64 is always a valid header value; the fallback is
        // never taken.
        let mut header = HeaderValue::from_str(value.expose_secret())
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        header.set_sensitive(true);
        header
    }
}

impl BasicAuth {
    /// Every form in which these credentials travel: the secret, `id:secret`, its base64
    /// and the whole header value, so that an answer echoing any of them is masked.
    pub(crate) fn sent_forms(&self) -> Vec<SecretString> {
        let joined = self.joined();
        let encoded = STANDARD.encode(joined.expose_secret());
        vec![
            self.client_secret.clone(),
            SecretString::from(form_encode(self.client_secret.expose_secret())),
            SecretString::from(format!("Basic {encoded}")),
            SecretString::from(encoded),
            joined,
        ]
    }
}

/// `application/x-www-form-urlencoded` of one value (spaces as `+`).
fn form_encode(value: &str) -> String {
    ::url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .finish()
    }
}

/// An access token handed to applications: cheap to clone (an `Arc`), `Debug` redacted.
///
/// ```
/// use auth_runtime::{AccessToken, SecretString};
///
/// let token = AccessToken::new(SecretString::from("abc123"))?;
/// assert_eq!(token.expose(), "abc123");
/// assert_eq!(token.bearer_header(), "Bearer abc123");
/// assert_eq!(format!("{token:?}"), "AccessToken([REDACTED])");
/// assert!(token.clone().same_as(&token));
/// assert!(AccessToken::new(SecretString::from("two\nlines")).is_err());
/// # Ok::<(), &'static str>(())
/// ```
#[derive(Clone)]
pub struct AccessToken(Arc<TokenInner>);

struct TokenInner {
    secret: SecretString,
    header: HeaderValue,
}

impl AccessToken {
    /// Wraps a token; fails when it is empty or has characters not allowed in an HTTP
    /// header (the reason is returned, never the token).
    pub fn new(token: SecretString) -> Result<AccessToken, &'static str> {
        let raw = token.expose_secret();
        if raw.is_empty() {
            return Err("the access token is empty");
        }
        let Ok(mut header) = HeaderValue::from_str(&format!("Bearer {raw}")) else {
            return Err("the access token has characters not allowed in an HTTP header");
        };
        header.set_sensitive(true);
        Ok(AccessToken(Arc::new(TokenInner {
            secret: token,
            header,
        })))
    }

    /// The token itself.
    pub fn expose(&self) -> &str {
        self.0.secret.expose_secret()
    }

    /// `Bearer <token>`, always spelled `Bearer` whatever the token endpoint's
    /// `token_type` casing, marked sensitive.
    pub fn bearer_header(&self) -> HeaderValue {
        self.0.header.clone()
    }

    /// Whether both are the very same token obtained by one request (not merely equal
    /// strings).
    pub fn same_as(&self, other: &AccessToken) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_header_is_raw_base64_and_sensitive() {
        let auth = BasicAuth::new("my-id", "s3cr:et+/=");
        let header = auth.header_value();
        assert!(header.is_sensitive());
        // printf 'my-id:s3cr:et+/=' | base64
        assert_eq!(header.to_str().unwrap(), "Basic bXktaWQ6czNjcjpldCsvPQ==");
        let debug = format!("{auth:?} {header:?}");
        assert!(!debug.contains("s3cr"), "{debug}");
        assert!(!debug.contains("bXktaWQ6"), "{debug}");
        assert!(debug.contains("my-id"));
    }

    #[test]
    fn rfc_6749_form_encodes_id_and_secret_first() {
        let auth = BasicAuth::form_encoded("my id", &SecretString::from("s3cr:et+/="));
        // printf 'my+id:s3cr%3Aet%2B%2F%3D' | base64
        assert_eq!(
            auth.header_value().to_str().unwrap(),
            "Basic bXkraWQ6czNjciUzQWV0JTJCJTJGJTNE"
        );
        let forms: Vec<String> = auth
            .sent_forms()
            .iter()
            .map(|s| s.expose_secret().to_owned())
            .collect();
        assert!(
            forms.contains(&"s3cr:et+/=".to_owned())
                && forms.contains(&"s3cr%3Aet%2B%2F%3D".to_owned())
        );
    }

    #[test]
    fn access_token_redacts_and_builds_bearer() {
        let token = AccessToken::new(SecretString::from("tok-123")).unwrap();
        assert_eq!(token.expose(), "tok-123");
        let header = token.bearer_header();
        assert!(header.is_sensitive());
        assert_eq!(header.to_str().unwrap(), "Bearer tok-123");
        assert_eq!(format!("{token:?}"), "AccessToken([REDACTED])");
        assert!(!format!("{header:?}").contains("tok-123"));
        let copy = token.clone();
        assert!(copy.same_as(&token));
        let other = AccessToken::new(SecretString::from("tok-123")).unwrap();
        assert!(!other.same_as(&token));
    }

    #[test]
    fn unusable_access_tokens_are_refused_without_echo() {
        let err = AccessToken::new(SecretString::from("bad\ntoken")).unwrap_err();
        assert!(!err.contains("bad"));
        assert!(AccessToken::new(SecretString::from("")).is_err());
    }
}
