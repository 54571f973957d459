//! An API call as a generated method builds it: method, path and parameters encoded
//! per their OpenAPI style, a body, the operation's security alternatives.

use std::fmt;

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use serde::Serialize;
use serde_json::Value;

use super::Multipart;
use crate::auth::append_cookie;
use crate::error::{ConfigError, HttpError, Origin};
use crate::http::Http;
use crate::params::{self, Style};
use crate::url::BaseUrl;

/// A body as sent.
#[derive(Clone, Debug)]
pub enum Body {
    /// No body.
    Empty,
    /// Bytes with their content type.
    Bytes {
        /// The `Content-Type`.
        content_type: String,
        /// The bytes.
        bytes: Bytes,
    },
}

/// An API call as a generated method builds it.
///
/// ```
/// use auth_runtime::{ApiRequest, Method, Style};
///
/// // POST /stores/7/pets?tags=cat,indoor, header `X-Request-Id: 42`, a JSON body
/// let request = ApiRequest::new(Method::POST, "/stores/{storeId}/pets")
///     .path_param("storeId", &7, Style::Simple, false)
///     .query("tags", Some(&["cat", "indoor"]), Style::Form, false, false)
///     .header("X-Request-Id", Some(&42), false)
///     .json("application/json", &serde_json::json!({ "name": "Tom" }))
///     .security(&[&["bearerAuth"], &["apiKey"]]); // either scheme will do
/// # let _ = request;
/// ```
pub struct ApiRequest {
    pub(super) method: Method,
    /// The path with its parameters filled in (percent-encoded).
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    cookies: Vec<(String, String)>,
    pub(super) body: Body,
    pub(super) security: &'static [&'static [&'static str]],
    error: Option<String>,
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query.len())
            .field("headers", &self.headers.len())
            .finish_non_exhaustive()
    }
}

impl ApiRequest {
    /// A request to `path` (a template such as `/pets/{petId}`).
    pub fn new(method: Method, path: &str) -> ApiRequest {
        ApiRequest {
            method,
            path: path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::Empty,
            security: &[],
            error: None,
        }
    }

    /// The operation's security requirement: alternatives, each a set of scheme names
    /// that must all be applied (an empty set: no credentials needed).
    pub fn security(mut self, alternatives: &'static [&'static [&'static str]]) -> ApiRequest {
        self.security = alternatives;
        self
    }

    /// Fills `{name}` in the path.
    ///
    /// ```
    /// use auth_runtime::{ApiRequest, Method, Style};
    ///
    /// // `/files/a%2Fb.txt`: a value never adds a path segment.
    /// let simple = ApiRequest::new(Method::GET, "/files/{name}")
    ///     .path_param("name", "a/b.txt", Style::Simple, false);
    /// // `/pets;id=3;id=4`
    /// let matrix = ApiRequest::new(Method::GET, "/pets{id}")
    ///     .path_param("id", &[3, 4], Style::Matrix, true);
    /// # let _ = (simple, matrix);
    /// ```
    pub fn path_param<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: Style,
        explode: bool,
    ) -> ApiRequest {
        let Some(value) = self.value(name, value) else {
            return self;
        };
        let text = params::path(name, &value, style, explode).unwrap_or_default();
        self.path = self.path.replace(&format!("{{{name}}}"), &text);
        self
    }

    /// A query parameter; `None` leaves it out.
    ///
    /// ```
    /// use auth_runtime::{ApiRequest, Method, Style};
    ///
    /// let (filter, limit) = (serde_json::json!({ "color": "red" }), None::<u32>);
    /// // `?status=sold&status=pending&filter%5Bcolor%5D=red`; no `limit`
    /// let request = ApiRequest::new(Method::GET, "/pets")
    ///     .query("status", Some(&["sold", "pending"]), Style::Form, true, false)
    ///     .query("filter", Some(&filter), Style::DeepObject, true, false)
    ///     .query("limit", limit.as_ref(), Style::Form, true, false);
    /// # let _ = request;
    /// ```
    pub fn query<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: Option<&T>,
        style: Style,
        explode: bool,
        allow_reserved: bool,
    ) -> ApiRequest {
        let Some(value) = value.and_then(|v| self.value(name, v)) else {
            return self;
        };
        self.query
            .extend(params::query(name, &value, style, explode, allow_reserved));
        self
    }

    /// A header parameter; `None` leaves it out.
    ///
    /// ```
    /// use auth_runtime::{ApiRequest, Method};
    ///
    /// let trace: Option<&str> = None;
    /// // `X-Fields: id,name`; no `X-Trace`
    /// let request = ApiRequest::new(Method::GET, "/pets")
    ///     .header("X-Fields", Some(&["id", "name"]), false)
    ///     .header("X-Trace", trace, false);
    /// # let _ = request;
    /// ```
    pub fn header<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: Option<&T>,
        explode: bool,
    ) -> ApiRequest {
        let Some(value) = value.and_then(|v| self.value(name, v)) else {
            return self;
        };
        if let Some(text) = params::header(&value, explode) {
            self.headers.push((name.to_owned(), text));
        }
        self
    }

    /// A cookie parameter; `None` leaves it out.
    pub fn cookie<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: Option<&T>,
        explode: bool,
    ) -> ApiRequest {
        let Some(value) = value.and_then(|v| self.value(name, v)) else {
            return self;
        };
        self.cookies.extend(params::cookie(name, &value, explode));
        self
    }

    /// A parameter written as JSON (a parameter with `content: application/json`).
    pub fn json_query<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: Option<&T>,
    ) -> ApiRequest {
        let Some(value) = value.and_then(|v| self.value(name, v)) else {
            return self;
        };
        self.query.push((
            params::encode(name, false),
            params::encode(&value.to_string(), false),
        ));
        self
    }

    /// A JSON body.
    ///
    /// ```
    /// use auth_runtime::{ApiRequest, Method};
    ///
    /// #[derive(serde::Serialize)]
    /// struct NewPet<'a> {
    ///     name: &'a str,
    ///     tags: Vec<&'a str>,
    /// }
    ///
    /// let pet = NewPet { name: "Tom", tags: vec!["cat"] };
    /// let request = ApiRequest::new(Method::POST, "/pets").json("application/json", &pet);
    /// # let _ = request;
    /// ```
    pub fn json<T: Serialize + ?Sized>(mut self, content_type: &str, body: &T) -> ApiRequest {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = bytes_body(content_type, bytes),
            Err(e) => self.fail(format!("the body cannot be serialized: {e}")),
        }
        self
    }

    /// A form body (`application/x-www-form-urlencoded`): each property written as
    /// `encoding` says (style and explode; `form` and exploded by default).
    ///
    /// ```
    /// use auth_runtime::{ApiRequest, Method, Style};
    ///
    /// let body = serde_json::json!({ "name": "Tom", "tags": ["cat", "indoor"] });
    /// // `name=Tom&tags=cat%20indoor`
    /// let request = ApiRequest::new(Method::POST, "/pets")
    ///     .form(&body, &[("tags", Style::SpaceDelimited, false)]);
    /// # let _ = request;
    /// ```
    pub fn form<T: Serialize + ?Sized>(
        mut self,
        body: &T,
        encoding: &[(&str, Style, bool)],
    ) -> ApiRequest {
        let Some(Value::Object(map)) = self.value("body", body) else {
            self.fail("a form body must be an object".into());
            return self;
        };
        let mut pairs = Vec::new();
        for (name, value) in &map {
            let (style, explode) = encoding
                .iter()
                .find(|(n, ..)| n == name)
                .map_or((Style::Form, true), |(_, style, explode)| {
                    (*style, *explode)
                });
            pairs.extend(params::query(name, value, style, explode, false));
        }
        let text: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.body = bytes_body(
            "application/x-www-form-urlencoded",
            text.join("&").into_bytes(),
        );
        self
    }

    /// A `multipart/form-data` body.
    ///
    /// ```
    /// use auth_runtime::{ApiRequest, Method, Multipart};
    ///
    /// let form = Multipart::new()
    ///     .text("description", "Tom, asleep")
    ///     .file("photo", "tom.png", "image/png", vec![0x89, b'P', b'N', b'G']);
    /// let request = ApiRequest::new(Method::POST, "/pets/7/photos").multipart(form);
    /// # let _ = request;
    /// ```
    pub fn multipart(mut self, body: Multipart) -> ApiRequest {
        let (content_type, bytes) = body.encode();
        self.body = bytes_body(&content_type, bytes);
        self
    }

    /// Raw bytes (`application/octet-stream` and other binary media types).
    pub fn bytes(mut self, content_type: &str, body: impl Into<Bytes>) -> ApiRequest {
        self.body = Body::Bytes {
            content_type: content_type.to_owned(),
            bytes: body.into(),
        };
        self
    }

    /// Text (`text/plain` and other text media types).
    pub fn text(self, content_type: &str, body: &str) -> ApiRequest {
        let bytes = Bytes::copy_from_slice(body.as_bytes());
        self.bytes(content_type, bytes)
    }

    fn value<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Option<Value> {
        match serde_json::to_value(value) {
            Ok(value) => Some(value),
            Err(e) => {
                self.fail(format!("`{name}` cannot be serialized: {e}"));
                None
            }
        }
    }

    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    pub(super) fn is_safe(&self, method: &Method) -> bool {
        matches!(
            method.as_str(),
            "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "QUERY" | "TRACE"
        )
    }

    pub(super) fn url(&self, base: &BaseUrl) -> Result<Url, HttpError> {
        if let Some(message) = &self.error {
            return Err(HttpError::from(ConfigError::Request {
                message: message.clone(),
            })
            .with_origin(Origin::Api));
        }
        // The path is percent-encoded already; `endpoint` leaves `%XX` as it is.
        let mut url = base.endpoint(&self.path);
        if !self.query.is_empty() {
            let query: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            url.set_query(Some(&query.join("&")));
        }
        Ok(url)
    }

    pub(super) fn build(
        &self,
        http: &Http,
        method: &Method,
        url: Url,
        body: &Body,
    ) -> Result<reqwest::Request, HttpError> {
        let invalid = |message: String| {
            HttpError::from(ConfigError::Request { message }).with_origin(Origin::Api)
        };
        let mut request = reqwest::Request::new(method.clone(), url);
        let headers: &mut HeaderMap = request.headers_mut();
        for (wire, value) in &self.headers {
            let name = HeaderName::from_bytes(wire.as_bytes())
                .map_err(|_| invalid(format!("`{wire}` is not a valid header name")))?;
            // No control characters: a value can never add a header of its own.
            let value = HeaderValue::from_str(value).map_err(|_| {
                invalid(format!(
                    "the value of header `{wire}` has characters a header cannot carry"
                ))
            })?;
            headers.append(name, value);
        }
        if let Body::Bytes {
            content_type,
            bytes,
        } = body
        {
            let content_type = HeaderValue::from_str(content_type)
                .map_err(|_| invalid(format!("`{content_type}` is not a valid content type")))?;
            headers.insert(CONTENT_TYPE, content_type);
            *request.body_mut() = Some(reqwest::Body::from(bytes.clone()));
        }
        for (name, value) in &self.cookies {
            append_cookie(&mut request, &format!("{name}={value}"))?;
        }
        if let Some(timeout) = http.options().timeout {
            *request.timeout_mut() = Some(timeout);
        }
        Ok(request)
    }
}

fn bytes_body(content_type: &str, bytes: Vec<u8>) -> Body {
    Body::Bytes {
        content_type: content_type.to_owned(),
        bytes: Bytes::from(bytes),
    }
}

/// The HTTP `QUERY` method (OpenAPI 3.2), which `reqwest` has no constant for.
pub fn method_query() -> Method {
    Method::from_bytes(b"QUERY").unwrap_or(Method::POST)
}
