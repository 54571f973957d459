//! Secrets never reach an error message or a log line, even when a server echoes them.
//!
//! Every body kept for diagnostics goes through [`mask`]:
//!
//! 1. **By key.** Read as JSON by a tolerant lexer (so truncated or invalid JSON is
//!    masked too, and HTML passes through readable): the value of any key that
//!    [`is_secret_name`] (keys compared after JSON unescaping, case- and
//!    separator-insensitive), whatever its shape — string, number, object, array —
//!    becomes `"[REDACTED]"`; so does any string value equal to, or containing, a
//!    secret that was sent.
//! 2. **By value.** Every secret the request sent (client secret, password, Basic
//!    credentials, refresh token, code…) of at least 4 characters is replaced wherever
//!    it appears, raw, JSON-escaped, form-encoded (`+` or `%20` for spaces) or in
//!    base64. Shorter secrets (a 3-digit pin) are masked only where they are a whole JSON
//!    string or a whole form value: replacing them everywhere would turn a body into
//!    confetti.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};

const MASK: &str = "[REDACTED]";

/// Shortest secret masked wherever it appears.
const MIN_ANYWHERE: usize = 4;

pub use crate::secret_names::is_secret_name;

/// In a request body, an authorization `code` is a secret too.
fn is_secret_in_request(name: &str) -> bool {
    name.eq_ignore_ascii_case("code") || is_secret_name(name)
}

/// The secrets a request sends, in every form a server may echo them, and the API's own
/// names for secret fields (a token response's `bearer`).
#[derive(Clone, Default)]
pub(crate) struct Sent {
    secrets: Vec<SecretString>,
    keys: Vec<String>,
}

impl Sent {
    pub fn add(&mut self, secret: &str) {
        if !secret.is_empty() && !self.secrets.iter().any(|s| s.expose_secret() == secret) {
            self.secrets.push(SecretString::from(secret));
        }
    }

    /// A key whose values are secrets, besides those [`is_secret_name`] knows.
    pub fn add_key(&mut self, key: &str) {
        if !key.is_empty() && !self.keys.iter().any(|k| k == key) {
            self.keys.push(key.to_owned());
        }
    }

    fn is_secret_key(&self, key: &str) -> bool {
        is_secret_name(key) || self.keys.iter().any(|k| k == key)
    }

    /// The values of secret-named keys of a JSON or form body.
    pub fn add_from_body(&mut self, body: &[u8]) {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
            self.add_from_json(&value, false);
        } else if let Ok(text) = std::str::from_utf8(body) {
            for (key, value) in form_pairs(text) {
                if is_secret_in_request(&key) {
                    self.add(&value);
                }
            }
        }
    }

    fn add_from_json(&mut self, value: &serde_json::Value, secret: bool) {
        match value {
            serde_json::Value::String(s) if secret => self.add(s),
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    self.add_from_json(value, secret || is_secret_in_request(key));
                }
            }
            serde_json::Value::Array(items) => {
                items
                    .iter()
                    .for_each(|item| self.add_from_json(item, secret));
            }
            _ => {}
        }
    }

    fn matches_whole(&self, text: &str) -> bool {
        self.secrets.iter().any(|s| s.expose_secret() == text)
    }

    fn contained_in(&self, text: &str) -> bool {
        self.secrets.iter().any(|s| {
            let s = s.expose_secret();
            s.chars().count() >= MIN_ANYWHERE && text.contains(s)
        })
    }

    /// Every form of every secret long enough to be masked anywhere, longest first (so a
    /// secret inside a longer one never leaves the rest visible).
    fn forms(&self) -> Vec<Vec<u8>> {
        let mut forms: Vec<Vec<u8>> = Vec::new();
        for secret in &self.secrets {
            let secret = secret.expose_secret();
            if secret.chars().count() < MIN_ANYWHERE {
                continue;
            }
            let json = serde_json::to_string(secret).unwrap_or_default();
            let json = json.trim_matches('"').to_owned();
            let form = form_encode(secret);
            for form in [
                secret.to_owned(),
                json,
                form.clone(),
                form.replace('+', "%20"),
                STANDARD.encode(secret),
                STANDARD.encode(secret).trim_end_matches('=').to_owned(),
            ] {
                if !form.is_empty() && !forms.contains(&form.clone().into_bytes()) {
                    forms.push(form.into_bytes());
                }
            }
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms
    }
}

/// A body as it may be kept for diagnostics: secret keys' values and sent secrets masked.
pub(crate) fn mask(body: &[u8], sent: &Sent) -> Vec<u8> {
    let by_key = mask_json(body, sent);
    let mut masked = by_key;
    for form in sent.forms() {
        masked = replace_all(&masked, &form, MASK.as_bytes());
    }
    if let Ok(text) = std::str::from_utf8(&masked) {
        if !text.trim_start().starts_with(['{', '[']) && text.contains('=') {
            return mask_form_values(text, sent).into_bytes();
        }
    }
    masked
}

/// Pass 1: JSON read token by token, copying everything but masked values.
fn mask_json(body: &[u8], sent: &Sent) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'"' {
            out.push(body[i]);
            i += 1;
            continue;
        }
        let end = string_end(body, i + 1);
        let decoded = unescape(&body[i + 1..end.min(body.len())]);
        let after = (end + 1).min(body.len());
        let colon = skip_whitespace(body, after);
        if body.get(colon) == Some(&b':') {
            // A key.
            out.extend_from_slice(&body[i..colon + 1]);
            i = colon + 1;
            if sent.is_secret_key(&decoded) {
                let start = skip_whitespace(body, i);
                out.extend_from_slice(&body[i..start]);
                out.extend_from_slice(b"\"[REDACTED]\"");
                i = value_end(body, start);
            }
        } else if sent.matches_whole(&decoded) || sent.contained_in(&decoded) {
            out.extend_from_slice(b"\"[REDACTED]\"");
            i = after;
        } else {
            out.extend_from_slice(&body[i..after]);
            i = after;
        }
    }
    out
}

/// Pass 3, for form bodies: a value equal to a short secret.
fn mask_form_values(text: &str, sent: &Sent) -> String {
    text.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if sent.matches_whole(&form_decode(value)) => {
                format!("{key}={MASK}")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The index of the quote closing a string whose contents start at `start`, or
/// `body.len()` when it is never closed.
fn string_end(body: &[u8], start: usize) -> usize {
    let mut k = start;
    while k < body.len() {
        match body[k] {
            b'\\' => k += 2,
            b'"' => return k,
            _ => k += 1,
        }
    }
    body.len()
}

fn skip_whitespace(body: &[u8], mut at: usize) -> usize {
    while at < body.len() && body[at].is_ascii_whitespace() {
        at += 1;
    }
    at
}

/// Where the JSON value starting at `start` ends: a string, a whole object or array
/// (strings inside respected), or a scalar up to the next delimiter; the end of the
/// body when it is cut short.
fn value_end(body: &[u8], start: usize) -> usize {
    match body.get(start) {
        None => start,
        Some(b'"') => (string_end(body, start + 1) + 1).min(body.len()),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut k = start;
            while k < body.len() {
                match body[k] {
                    b'"' => k = string_end(body, k + 1),
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return k + 1;
                        }
                    }
                    _ => {}
                }
                k += 1;
            }
            body.len()
        }
        Some(_) => {
            let mut k = start;
            while k < body.len()
                && !matches!(body[k], b',' | b'}' | b']')
                && !body[k].is_ascii_whitespace()
            {
                k += 1;
            }
            k
        }
    }
}

/// The text of a JSON string's contents (escapes resolved; invalid ones kept).
fn unescape(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    if !text.contains('\\') {
        return text.into_owned();
    }
    serde_json::from_str::<String>(&format!("\"{text}\"")).unwrap_or_else(|_| text.into_owned())
}

fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return haystack.to_vec();
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

fn form_encode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

fn form_decode(text: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("x={text}"))
        .ok()
        .and_then(|mut pairs| pairs.pop())
        .map_or_else(|| text.to_owned(), |(_, value)| value)
}

fn form_pairs(text: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(text).unwrap_or_default()
}

/// A token response with numbers that do not fit an `f64` (`1e400`) turned into
/// `null`, so one unreadable field counts as missing instead of rejecting the body.
pub(crate) fn tame_numbers(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'"' => {
                let end = (string_end(body, i + 1) + 1).min(body.len());
                if let Some(out) = out.as_mut() {
                    out.extend_from_slice(&body[i..end]);
                }
                i = end;
            }
            b'-' | b'0'..=b'9' => {
                let end = value_end(body, i);
                let number = std::str::from_utf8(&body[i..end]).unwrap_or_default();
                let too_large = number.parse::<f64>().is_ok_and(|n| n.is_infinite());
                if too_large && out.is_none() {
                    out = Some(body[..i].to_vec());
                }
                if let Some(out) = out.as_mut() {
                    out.extend_from_slice(if too_large { b"null" } else { &body[i..end] });
                }
                i = end.max(i + 1);
            }
            byte => {
                if let Some(out) = out.as_mut() {
                    out.push(byte);
                }
                i += 1;
            }
        }
    }
    match out {
        Some(out) => std::borrow::Cow::Owned(out),
        None => std::borrow::Cow::Borrowed(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(secrets: &[&str]) -> Sent {
        let mut sent = Sent::default();
        secrets.iter().for_each(|s| sent.add(s));
        sent
    }

    fn masked(body: &str, secrets: &[&str]) -> String {
        String::from_utf8(mask(body.as_bytes(), &sent(secrets))).unwrap()
    }

    #[test]
    fn secret_names() {
        for name in [
            "access_token",
            "Access_Token",
            "accessToken",
            "refresh-token",
            "id_token",
            "auth_token",
            "api_token",
            "jwt",
            "client_secret",
            "secretKey",
            "password",
            "pin",
            "code_verifier",
            "device_code",
            "client_assertion",
            "api_key",
            "X-API-Key",
            "private_key",
            "otp",
            "Authorization",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "token_type",
            "tokenType",
            "token_endpoint",
            "jwks_uri",
            "expires_in",
            "scope",
            "error",
            "error_description",
            "client_id",
            "username",
            "grant_type",
            "client_assertion_type",
            "token_endpoint_auth_method",
            "error_code",
            "code",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn values_of_secret_keys_are_masked_whatever_their_shape() {
        assert_eq!(
            masked(
                r#"{"access_token":"abc","token_type":"bearer","expires_in":3600}"#,
                &[]
            ),
            r#"{"access_token":"[REDACTED]","token_type":"bearer","expires_in":3600}"#
        );
        assert_eq!(
            masked(
                r#"{"auth_token": {"a": "x, y", "b": [1, "}"]}, "ok": 1}"#,
                &[]
            ),
            r#"{"auth_token": "[REDACTED]", "ok": 1}"#
        );
        assert_eq!(
            masked(r#"{"jwt":["a","b"],"n":2}"#, &[]),
            r#"{"jwt":"[REDACTED]","n":2}"#
        );
        assert_eq!(
            masked(r#"{"access\u005ftoken":"abc"}"#, &[]),
            r#"{"access\u005ftoken":"[REDACTED]"}"#
        );
        assert_eq!(
            masked(r#"{"Access_Token":12345}"#, &[]),
            r#"{"Access_Token":"[REDACTED]"}"#
        );
    }

    #[test]
    fn truncated_json_and_html_are_handled() {
        assert_eq!(
            masked(r#"{"refresh_token":"abc"#, &[]),
            r#"{"refresh_token":"[REDACTED]""#
        );
        assert_eq!(
            masked(r#"{"token":{"a":[1,"#, &[]),
            r#"{"token":"[REDACTED]""#
        );
        let html = "<html><body class=\"x\">Bad Gateway</body></html>";
        assert_eq!(masked(html, &[]), html);
    }

    #[test]
    fn sent_secrets_are_masked_in_every_encoding() {
        let secret = "s3cr&t p\"w/d";
        let sent = [secret];
        let json = serde_json::json!({"detail": [{"input": {"client_secret": secret, "note": format!("was {secret}")}}]});
        let shown = masked(&json.to_string(), &sent);
        assert!(!shown.contains("s3cr"), "{shown}");
        let form = format!("echo: client_id=app&pw={}", form_encode(secret));
        assert!(!masked(&form, &sent).contains("s3cr"));
        let spaces = form_encode(secret).replace('+', "%20");
        assert!(!masked(&format!("x={spaces}"), &sent).contains("s3cr"));
        let basic = STANDARD.encode(format!("app:{secret}"));
        let shown = masked(
            &format!("Authorization: Basic {basic}"),
            &[&format!("app:{secret}"), &basic],
        );
        assert!(!shown.contains(&basic), "{shown}");
    }

    #[test]
    fn short_secrets_only_where_whole() {
        assert_eq!(
            masked(
                r#"{"code":"E12","echo":"123","n":123,"text":"1234 and 123"}"#,
                &["123"]
            ),
            r#"{"code":"E12","echo":"[REDACTED]","n":123,"text":"1234 and 123"}"#
        );
        assert_eq!(
            masked("a=1&b=123&c=1234", &["123"]),
            "a=1&b=[REDACTED]&c=1234"
        );
    }

    #[test]
    fn huge_numbers_become_null() {
        assert_eq!(
            tame_numbers(br#"{"expires_in":1e400,"n":-1e309,"ok":3600,"s":"1e400"}"#).as_ref(),
            br#"{"expires_in":null,"n":null,"ok":3600,"s":"1e400"}"#
        );
        assert!(matches!(
            tame_numbers(b"{\"a\":1}"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
