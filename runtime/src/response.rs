//! Answers as received, and what they decode into: typed bodies, tokens, or errors
//! that keep the status and the raw body with every secret masked.

use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorKind, HttpError, Origin, RawBody};
use crate::redact::{self, Sent};
use crate::token::{IssuedToken, TokenFields, TokenParseError};

/// An answer as received: status, headers and body (at most
/// [`HttpOptions::max_body_bytes`](crate::HttpOptions::max_body_bytes)).
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
    /// [`Http::send_token_request`](crate::Http::send_token_request). Error messages are worded after it, and bodies of
    /// token endpoints are kept in errors with token values masked.
    pub origin: Origin,
    /// What the request sent that is secret (see [`TokenRequest::new`](crate::TokenRequest::new)).
    pub(crate) sent: Sent,
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
    fn debug_hides_the_body() {
        let raw = response(200, r#"{"access_token":"sekrit"}"#);
        assert!(!format!("{raw:?}").contains("sekrit"));
    }
}
