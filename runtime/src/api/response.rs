//! Successful answers decoded into their documented types.

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, HttpError};
use crate::response::RawResponse;

/// A successful answer: its status, its headers and its decoded body.
///
/// ```no_run
/// # async fn run(api: auth_runtime::ApiClient) -> Result<(), Box<dyn std::error::Error>> {
/// use auth_runtime::{ApiRequest, Method, ResponseValue, StatusCode, lenient_json};
///
/// let answer = api.send(ApiRequest::new(Method::GET, "/pets/7")).await?;
/// let pet: ResponseValue<serde_json::Value> =
///     answer.into_value(|_, r| r.json(), lenient_json::<serde_json::Value>)?;
/// assert_eq!(pet.status, StatusCode::OK);
/// println!("request id {:?}", pet.headers.get("x-request-id"));
/// let body = pet.into_body();
/// # let _ = body;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ResponseValue<T> {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> ResponseValue<T> {
    /// The body, without status and headers.
    pub fn into_body(self) -> T {
        self.body
    }
}

impl RawResponse {
    /// A 2xx answer decoded by `decode` (which gets the status and the body), or an
    /// error: for other statuses [`ErrorKind::Status`](crate::ErrorKind::Status) with the raw body (secrets
    /// masked) and the documented body when `decode_error` recognizes it.
    pub fn into_value<T, E>(
        self,
        decode: impl FnOnce(StatusCode, &RawResponse) -> Result<T, HttpError>,
        decode_error: impl FnOnce(StatusCode, &[u8]) -> Option<E>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        if !self.status.is_success() {
            return Err(self.into_status_error(decode_error));
        }
        let body = decode(self.status, &self).map_err(HttpError::typed)?;
        Ok(ResponseValue {
            status: self.status,
            headers: self.headers,
            body,
        })
    }

    /// The body decoded as JSON into `T` (see [`RawResponse::decode_json`]).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, HttpError> {
        self.decode_json()
    }

    /// The body as any JSON value; an empty body is `null` (an undocumented answer).
    pub fn json_or_null(&self) -> Result<Value, HttpError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        self.decode_json()
    }

    /// No body is expected: whatever was sent is ignored.
    pub fn empty(&self) -> Result<(), HttpError> {
        Ok(())
    }

    /// The body as bytes.
    pub fn bytes(&self) -> Result<Bytes, HttpError> {
        Ok(self.body.clone())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> Result<String, HttpError> {
        Ok(String::from_utf8_lossy(&self.body).into_owned())
    }
}
