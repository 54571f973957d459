//! Lenient parsing of token responses, as real token endpoints send them.

use std::fmt;
use std::time::{Duration, SystemTime};

#[cfg(test)]
use secrecy::ExposeSecret;
use secrecy::SecretString;
use serde_json::Value;

use crate::formats::DateTime;
use crate::secret::AccessToken;

/// The longest lifetime a token response can claim; longer values are clamped to it.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// The wire names of a token response's fields, as the API documents them.
///
/// A name starting with `/` is a JSON pointer (RFC 6901) into a nested body, for
/// responses such as `{"data": {"accessToken": …}}`: `"/data/accessToken"`.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use auth_runtime::{ExposeSecret, IssuedToken, TokenFields};
///
/// const FIELDS: TokenFields = TokenFields {
///     access_token: "/data/token",
///     expires_in: Some("/data/ttl"),
///     ..TokenFields::SNAKE_CASE
/// };
/// let body = br#"{"data": {"token": "abc123", "ttl": 600}}"#;
/// let token = IssuedToken::parse(body, &FIELDS, SystemTime::now())?;
/// assert_eq!(token.access_token.expose_secret(), "abc123");
/// assert_eq!(token.lifetime, Some(Duration::from_secs(600)));
/// # Ok::<(), auth_runtime::TokenParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenFields {
    /// The access token (required in a response).
    pub access_token: &'static str,
    /// The token type; missing means bearer.
    pub token_type: Option<&'static str>,
    /// The lifetime in seconds.
    pub expires_in: Option<&'static str>,
    /// The refresh token.
    pub refresh_token: Option<&'static str>,
    /// When the token was created (Doorkeeper): unix seconds or RFC 3339.
    pub created_at: Option<&'static str>,
    /// The granted scope: a space-separated string or an array of strings.
    pub scope: Option<&'static str>,
}

impl TokenFields {
    /// RFC 6749 names: `access_token`, `token_type`, `expires_in`, `refresh_token`,
    /// plus `created_at` (Doorkeeper) and `scope`.
    pub const SNAKE_CASE: TokenFields = TokenFields {
        access_token: "access_token",
        token_type: Some("token_type"),
        expires_in: Some("expires_in"),
        refresh_token: Some("refresh_token"),
        created_at: Some("created_at"),
        scope: Some("scope"),
    };

    /// camelCase names: `accessToken`, `tokenType`, `expiresIn`, `refreshToken`,
    /// `createdAt`, `scope`.
    pub const CAMEL_CASE: TokenFields = TokenFields {
        access_token: "accessToken",
        token_type: Some("tokenType"),
        expires_in: Some("expiresIn"),
        refresh_token: Some("refreshToken"),
        created_at: Some("createdAt"),
        scope: Some("scope"),
    };
}

impl Default for TokenFields {
    fn default() -> Self {
        TokenFields::SNAKE_CASE
    }
}

/// A token as issued by a token endpoint.
#[derive(Clone)]
pub struct IssuedToken {
    /// The access token.
    pub access_token: SecretString,
    /// The refresh token, when one was issued.
    pub refresh_token: Option<SecretString>,
    /// How long the token stays valid from now (already reduced by the time elapsed
    /// since `created_at`); `None` when the response did not say.
    pub lifetime: Option<Duration>,
    /// The granted scope, space-separated.
    pub scope: Option<String>,
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("access_token", &"[REDACTED]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("lifetime", &self.lifetime)
            .field("scope", &self.scope)
            .finish()
    }
}

/// Why a token response could not be used. Messages never contain token values.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenParseError {
    /// The body is not a usable token response.
    Malformed {
        /// The failing field's wire name, empty for the body as a whole.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The token type is not bearer (for example `mac`).
    UnsupportedTokenType {
        /// The type the server named (at most 32 characters kept, control characters
        /// escaped).
        token_type: String,
    },
}

impl fmt::Display for TokenParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenParseError::Malformed { path, message } if path.is_empty() => f.write_str(message),
            TokenParseError::Malformed { path, message } => write!(f, "`{path}`: {message}"),
            TokenParseError::UnsupportedTokenType { token_type } => write!(
                f,
                "token type `{token_type}` is not supported; only bearer tokens are"
            ),
        }
    }
}

impl std::error::Error for TokenParseError {}

fn malformed(path: &str, message: impl Into<String>) -> TokenParseError {
    TokenParseError::Malformed {
        path: path.to_owned(),
        message: message.into(),
    }
}

impl IssuedToken {
    /// Reads a token response leniently:
    ///
    /// * the access token must be a non-empty string usable in a header;
    /// * `token_type` missing or `null` means bearer; `bearer` is matched in any case; any
    ///   other type is refused;
    /// * `expires_in` may be an integer, a float, a numeric string, `null` or missing
    ///   (`None`: the token manager applies its default lifetime); a negative value counts
    ///   as 0, a value over [`MAX_TOKEN_LIFETIME`] is clamped; an unreadable value counts
    ///   as missing;
    /// * `created_at` (unix seconds, milliseconds, or RFC 3339) makes the lifetime count
    ///   from then, measured against `now`; when that would leave a freshly issued token
    ///   already expired, the clocks disagree and `created_at` is ignored;
    /// * `refresh_token` `null`, empty or missing means none;
    /// * `scope` may be a string or an array of strings.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use auth_runtime::{ExposeSecret, IssuedToken, TokenFields, TokenParseError};
    ///
    /// let body = br#"{"access_token": "abc123", "token_type": "BEARER",
    ///                 "expires_in": "3600", "scope": ["read", "write"]}"#;
    /// let token = IssuedToken::parse(body, &TokenFields::SNAKE_CASE, SystemTime::now())?;
    /// assert_eq!(token.access_token.expose_secret(), "abc123");
    /// assert_eq!(token.lifetime, Some(Duration::from_secs(3600)));
    /// assert_eq!(token.scope.as_deref(), Some("read write"));
    ///
    /// let mac = br#"{"access_token": "abc123", "token_type": "mac"}"#;
    /// let refused = IssuedToken::parse(mac, &TokenFields::SNAKE_CASE, SystemTime::now());
    /// assert!(matches!(refused, Err(TokenParseError::UnsupportedTokenType { .. })));
    /// # Ok::<(), TokenParseError>(())
    /// ```
    pub fn parse(
        body: &[u8],
        fields: &TokenFields,
        now: SystemTime,
    ) -> Result<IssuedToken, TokenParseError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(malformed("", "empty body"));
        }
        // A number too large for an `f64` (`"expires_in": 1e400`) is unreadable, which
        // makes its field count as missing rather than the whole answer unusable.
        let body = crate::redact::tame_numbers(body);
        let value: Value =
            serde_json::from_slice(&body).map_err(|e| malformed("", format!("not JSON: {e}")))?;
        if !value.is_object() {
            return Err(malformed("", "expected a JSON object"));
        }
        let object = &value;

        let access_token = match field(object, fields.access_token) {
            Some(Value::String(s)) if !s.trim().is_empty() => {
                SecretString::from(usable(s, fields.access_token)?)
            }
            Some(Value::String(_)) => return Err(malformed(fields.access_token, "is empty")),
            None | Some(Value::Null) => return Err(malformed(fields.access_token, "is missing")),
            Some(other) => {
                return Err(malformed(
                    fields.access_token,
                    format!("expected a string, found {}", type_name(other)),
                ));
            }
        };
        if let Err(reason) = AccessToken::new(access_token.clone()) {
            return Err(malformed(fields.access_token, reason));
        }

        if let Some(name) = fields.token_type {
            match field(object, name) {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("bearer") => {}
                Some(Value::String(s)) => {
                    return Err(TokenParseError::UnsupportedTokenType {
                        token_type: shown(s),
                    });
                }
                Some(other) => {
                    return Err(malformed(
                        name,
                        format!("expected a string, found {}", type_name(other)),
                    ));
                }
            }
        }

        let refresh_token = match fields.refresh_token.map(|name| (name, field(object, name))) {
            None | Some((_, None | Some(Value::Null))) => None,
            Some((_, Some(Value::String(s)))) if s.trim().is_empty() => None,
            Some((name, Some(Value::String(s)))) => Some(SecretString::from(usable(s, name)?)),
            Some((name, Some(other))) => {
                return Err(malformed(
                    name,
                    format!("expected a string, found {}", type_name(other)),
                ));
            }
        };

        let expires_in = fields
            .expires_in
            .and_then(|name| field(object, name))
            .and_then(seconds_of);
        let created_at = fields
            .created_at
            .and_then(|name| field(object, name))
            .and_then(instant_of);
        let lifetime = expires_in.map(|lifetime| match created_at {
            Some(created) => {
                let elapsed = now.duration_since(created).unwrap_or(Duration::ZERO);
                if elapsed < lifetime {
                    lifetime - elapsed
                } else {
                    tracing::debug!(
                        "token response's created_at is older than its lifetime; clocks disagree, ignoring created_at"
                    );
                    lifetime
                }
            }
            None => lifetime,
        });

        let scope = fields
            .scope
            .and_then(|name| field(object, name))
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Array(items) => Some(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                _ => None,
            });

        Ok(IssuedToken {
            access_token,
            refresh_token,
            lifetime,
            scope,
        })
    }
}

/// A token without the whitespace around it; whitespace or control characters inside
/// make it unusable (RFC 6750 tokens have none). The reason never shows the token.
fn usable<'t>(token: &'t str, name: &str) -> Result<&'t str, TokenParseError> {
    let token = token.trim();
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(malformed(name, "contains whitespace or control characters"));
    }
    Ok(token)
}

/// Longest server text repeated in a message.
const MAX_SHOWN: usize = 32;

/// Text a server sent, as a message may repeat it: at most 32 characters, control and
/// direction characters escaped (no terminal or log injection).
pub(crate) fn shown(text: &str) -> String {
    shown_at_most(text, MAX_SHOWN)
}

/// [`shown`] with another bound, for longer server text (an issuer URL).
pub(crate) fn shown_at_most(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars().take(max) {
        if c.is_control() || crate::error::is_direction_mark(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

/// A top-level field, or a nested one when `name` is a JSON pointer.
fn field<'a>(body: &'a Value, name: &str) -> Option<&'a Value> {
    if name.starts_with('/') {
        body.pointer(name)
    } else {
        body.get(name)
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A number, or a string holding one.
fn number_of(value: &Value) -> Option<f64> {
    let n = match value {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    n.is_finite().then_some(n)
}

/// A lifetime in seconds, clamped to `[0, MAX_TOKEN_LIFETIME]`.
fn seconds_of(value: &Value) -> Option<Duration> {
    let Some(seconds) = number_of(value) else {
        if !value.is_null() {
            tracing::debug!(
                found = type_name(value),
                "token response's lifetime is unreadable; using the default"
            );
        }
        return None;
    };
    let clamped = seconds.clamp(0.0, MAX_TOKEN_LIFETIME.as_secs_f64());
    Some(Duration::try_from_secs_f64(clamped).unwrap_or(MAX_TOKEN_LIFETIME))
}

/// A point in time: unix seconds (or milliseconds when the number is too large to be
/// seconds), or an RFC 3339 string.
fn instant_of(value: &Value) -> Option<SystemTime> {
    if let Some(n) = number_of(value) {
        // 1e11 seconds is the year 5138: such a number is milliseconds.
        let seconds = if n.abs() >= 1e11 { n / 1000.0 } else { n };
        let offset = Duration::try_from_secs_f64(seconds.abs()).ok()?;
        return if seconds >= 0.0 {
            SystemTime::UNIX_EPOCH.checked_add(offset)
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(offset)
        };
    }
    value.as_str().and_then(parse_rfc3339)
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, also with a space or a lower-case
/// `t` as separator and a lower-case `z`: the rule of [`DateTime`].
fn parse_rfc3339(input: &str) -> Option<SystemTime> {
    let time: DateTime = input.trim().parse().ok()?;
    Some(time.to_system_time())
}

/// Whether `secret` appears in `text`; used by tests of redaction.
#[cfg(test)]
pub(crate) fn leaks(text: &str, secret: &SecretString) -> bool {
    text.contains(secret.expose_secret())
}

#[cfg(test)]
mod tests;
