//! API calls: the one client type every generated `Client` wraps. Generated methods build
//! an [`ApiRequest`] (path and parameters as the document says, a body, the operation's
//! security alternatives) and hand it to [`ApiClient::send`], which:
//!
//! * applies the credentials of the first security alternative whose schemes are all
//!   configured ([`ApiClient::with_auth`]);
//! * retries transient failures (connect errors, timeouts, `429`, `5xx`, honouring
//!   `Retry-After`) of safe methods (`GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`, `QUERY`)
//!   only, unless [`CallOptions::retry_unsafe`] says otherwise;
//! * on `401`, when a token manager supplied the token, drops that token and replays the
//!   request once with a new one;
//! * follows redirects to the same origin (scheme, host and port) only, up to 5; an
//!   answer redirecting elsewhere is returned as it is, so credentials never travel to
//!   another origin;
//! * keeps every secret it sent out of the bodies kept in errors.

use std::collections::BTreeMap;
use std::fmt;

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::auth::{Auth, append_cookie};
use crate::error::{ConfigError, Error, ErrorKind, HttpError, Origin};
use crate::http::{Exchange, Http, RawResponse, Redirects};
use crate::params::{self, Style};
use crate::redact::Sent;
use crate::retry::RetryPolicy;
use crate::url::{BaseUrl, check_transport_security};

/// Redirects followed at most, to the same origin.
const MAX_REDIRECTS: usize = 5;

/// How API calls behave beyond [`HttpOptions`](crate::HttpOptions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOptions {
    /// Retry `POST` and `PATCH` too (they may not be idempotent; off by default).
    pub retry_unsafe: bool,
    /// The most bytes of an answer read (default 32 MiB; the rest is left unread and the
    /// answer marked truncated).
    pub max_body_bytes: usize,
}

impl Default for CallOptions {
    fn default() -> Self {
        CallOptions {
            retry_unsafe: false,
            max_body_bytes: 32 * 1024 * 1024,
        }
    }
}

/// What generated clients send requests through: where the API is, how to reach it, and
/// the credentials of each security scheme. Cheap to clone.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use auth_runtime::{ApiClient, ApiRequest, Auth, BaseUrl, Http, HttpOptions, Method, Style};
///
/// let base = BaseUrl::parse("https://api.example.com/v1")?;
/// let api = ApiClient::new(base, Http::new(HttpOptions::default())?)
///     .with_auth("bearerAuth", Auth::bearer("my-token"));
/// let request = ApiRequest::new(Method::GET, "/pets/{petId}")
///     .path_param("petId", &42, Style::Simple, false)
///     .security(&[&["bearerAuth"]]);
/// let answer = api.send(request).await?; // GET https://api.example.com/v1/pets/42
/// let pet: serde_json::Value = answer.json()?;
/// # let _ = pet;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ApiClient {
    base: BaseUrl,
    http: Http,
    auth: BTreeMap<String, Auth>,
    options: CallOptions,
}

impl ApiClient {
    /// A client for the API at `base`.
    pub fn new(base: BaseUrl, http: Http) -> ApiClient {
        ApiClient {
            base,
            http,
            auth: BTreeMap::new(),
            options: CallOptions::default(),
        }
    }

    /// Credentials for the security scheme named `scheme` in the document.
    ///
    /// ```
    /// use auth_runtime::{ApiClient, Auth, BaseUrl, Http, HttpOptions, KeyLocation};
    ///
    /// let base = BaseUrl::parse("https://api.example.com")?;
    /// let api = ApiClient::new(base, Http::new(HttpOptions::default())?)
    ///     .with_auth("api_key", Auth::api_key(KeyLocation::Query, "api_key", "k3y"));
    /// assert_eq!(api.base_url().as_url().host_str(), Some("api.example.com"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_auth(mut self, scheme: &str, auth: impl Into<Auth>) -> ApiClient {
        self.auth.insert(scheme.to_owned(), auth.into());
        self
    }

    /// Options for calls.
    pub fn with_options(mut self, options: CallOptions) -> ApiClient {
        self.options = options;
        self
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base
    }

    /// The HTTP client requests go through.
    pub fn http(&self) -> &Http {
        &self.http
    }

    /// Sends `request` as described in the module documentation and returns the answer,
    /// whatever its status.
    ///
    /// ```no_run
    /// # async fn run(api: auth_runtime::ApiClient) -> Result<(), Box<dyn std::error::Error>> {
    /// use auth_runtime::{ApiRequest, Method, lenient_json};
    ///
    /// let answer = api.send(ApiRequest::new(Method::GET, "/pets")).await?;
    /// // 2xx: the decoded body; otherwise an error with the status and the raw body.
    /// let decode_error = lenient_json::<serde_json::Value>;
    /// let pets = answer.into_value(|_, r| r.json::<Vec<String>>(), decode_error)?;
    /// println!("{} pets", pets.body.len());
    /// # Ok(()) }
    /// ```
    pub async fn send(&self, request: ApiRequest) -> Result<RawResponse, HttpError> {
        let url = request.url(&self.base)?;
        let alternative = self.credentials_for(&request)?;
        let mut url = url;
        let mut method = request.method.clone();
        let mut body = request.body.clone();
        for _ in 0..=MAX_REDIRECTS {
            let answer = self
                .send_once(&request, &method, &url, &body, &alternative)
                .await?;
            let Some(next) = same_origin_redirect(&url, &answer) else {
                return Ok(answer);
            };
            // 303 (and 301/302 of a request with a body) continue as a GET without one.
            if answer.status == StatusCode::SEE_OTHER
                || (matches!(answer.status.as_u16(), 301 | 302)
                    && method != Method::GET
                    && method != Method::HEAD)
            {
                method = Method::GET;
                body = Body::Empty;
            }
            tracing::debug!(
                status = answer.status.as_u16(),
                "following a redirect to the same origin"
            );
            url = next;
        }
        Err(HttpError::new(
            ErrorKind::Redirect {
                status: StatusCode::LOOP_DETECTED,
            },
            Origin::Api,
        ))
    }

    /// One request, with retries and one replay after a `401` that a new token may fix.
    async fn send_once(
        &self,
        request: &ApiRequest,
        method: &Method,
        url: &Url,
        body: &Body,
        alternative: &[(String, Auth)],
    ) -> Result<RawResponse, HttpError> {
        check_transport_security(url).map_err(|e| HttpError::from(e).with_origin(Origin::Api))?;
        let mut replayed = false;
        loop {
            let mut sent = Sent::default();
            let mut template = request.build(&self.http, method, url.clone(), body)?;
            let mut applied = Vec::with_capacity(alternative.len());
            for (_, auth) in alternative {
                applied.push(auth.apply(&mut template, &mut sent).await?);
            }
            let retry = if request.is_safe(method) || self.options.retry_unsafe {
                self.http.options().retry
            } else {
                RetryPolicy::none()
            };
            let exchange = Exchange {
                origin: Origin::Api,
                retry,
                max_body_bytes: self.options.max_body_bytes,
                redirects: Redirects::Return,
                sent: &sent,
            };
            let make = || {
                template.try_clone().ok_or_else(|| {
                    HttpError::from(ConfigError::Request {
                        message: "the request body cannot be sent twice".into(),
                    })
                })
            };
            let answer = self.http.exchange(make, &exchange).await?;
            if answer.status != StatusCode::UNAUTHORIZED || replayed {
                return Ok(answer);
            }
            // Every credential hears of the refusal (each token manager drops its token).
            let mut renewable = false;
            for ((_, auth), applied) in alternative.iter().zip(&applied) {
                renewable |= auth.refused(applied);
            }
            if !renewable {
                return Ok(answer);
            }
            tracing::debug!("API answered 401; replaying once with new credentials");
            replayed = true;
        }
    }

    /// The credentials of the first alternative whose schemes are all configured.
    fn credentials_for(&self, request: &ApiRequest) -> Result<Vec<(String, Auth)>, HttpError> {
        if request.security.is_empty() {
            return Ok(Vec::new());
        }
        for alternative in request.security {
            if alternative
                .iter()
                .all(|scheme| self.auth.contains_key(*scheme))
            {
                return Ok(alternative
                    .iter()
                    .map(|scheme| ((*scheme).to_owned(), self.auth[*scheme].clone()))
                    .collect());
            }
        }
        let wanted: Vec<String> = request
            .security
            .iter()
            .map(|alternative| alternative.join(" + "))
            .collect();
        Err(HttpError::from(ConfigError::Request {
            message: format!(
                "no credentials are configured for this operation; it accepts {}",
                wanted.join(", or ")
            ),
        })
        .with_origin(Origin::Api))
    }
}

/// The next URL of a redirect answer, when it stays on the same origin.
fn same_origin_redirect(from: &Url, answer: &RawResponse) -> Option<Url> {
    if !matches!(answer.status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = answer.headers.get(LOCATION)?.to_str().ok()?;
    let next = from.join(location).ok()?;
    (next.origin() == from.origin()).then_some(next)
}

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
    method: Method,
    /// The path with its parameters filled in (percent-encoded).
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    cookies: Vec<(String, String)>,
    body: Body,
    security: &'static [&'static [&'static str]],
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

    fn is_safe(&self, method: &Method) -> bool {
        matches!(
            method.as_str(),
            "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "QUERY" | "TRACE"
        )
    }

    fn url(&self, base: &BaseUrl) -> Result<Url, HttpError> {
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

    fn build(
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

/// A `multipart/form-data` body, built part by part.
///
/// ```
/// use auth_runtime::Multipart;
///
/// let form = Multipart::new()
///     .text("name", "Tom")
///     .value("tags", &["cat", "indoor"]) // one part per item
///     .json("owner", &serde_json::json!({ "id": 7 })) // `application/json`
///     .file("photo", "tom.png", "image/png", b"\x89PNG".to_vec());
/// // Or every property of a value as a part:
/// let same = Multipart::of_value(&serde_json::json!({ "name": "Tom", "tags": ["cat"] }));
/// # let _ = (form, same);
/// ```
#[derive(Debug, Default, Clone)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Bytes,
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Multipart {
        Multipart::default()
    }

    /// Every property of an object as a part (a value without properties is one part
    /// named `value`).
    pub fn of_value<T: Serialize + ?Sized>(value: &T) -> Multipart {
        match serde_json::to_value(value) {
            Ok(Value::Object(map)) => map.iter().fold(Multipart::new(), |form, (name, value)| {
                form.value(name, value)
            }),
            Ok(other) => Multipart::new().value("value", &other),
            Err(_) => Multipart::new(),
        }
    }

    /// A text part.
    pub fn text(self, name: &str, value: &str) -> Multipart {
        self.part(name, None, None, Bytes::copy_from_slice(value.as_bytes()))
    }

    /// A part holding a value: strings, numbers and booleans as text, objects as JSON,
    /// arrays as one part per item (OpenAPI's default for each).
    pub fn value<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Multipart {
        match serde_json::to_value(value) {
            Ok(Value::String(text)) => self.text(name, &text),
            Ok(Value::Null) | Err(_) => self,
            Ok(scalar @ (Value::Bool(_) | Value::Number(_))) => {
                self.text(name, &scalar.to_string())
            }
            // An array is one part per item under the same name (as files are).
            Ok(Value::Array(items)) => items.iter().fold(self, |form, item| form.value(name, item)),
            Ok(other) => self.json(name, &other),
        }
    }

    /// A part holding `value` as JSON (`application/json`), whatever its shape.
    pub fn json<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Multipart {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.part(name, None, Some("application/json"), Bytes::from(bytes)),
            Err(_) => self,
        }
    }

    /// A file part: bytes, a file name and a content type.
    pub fn file(
        self,
        name: &str,
        file_name: &str,
        content_type: &str,
        bytes: impl Into<Bytes>,
    ) -> Multipart {
        self.part(name, Some(file_name), Some(content_type), bytes.into())
    }

    fn part(
        mut self,
        name: &str,
        file_name: Option<&str>,
        content_type: Option<&str>,
        bytes: Bytes,
    ) -> Multipart {
        self.parts.push(Part {
            name: name.to_owned(),
            file_name: file_name.map(str::to_owned),
            content_type: content_type.map(str::to_owned),
            bytes,
        });
        self
    }

    /// The content type (with its boundary) and the encoded body.
    fn encode(&self) -> (String, Vec<u8>) {
        let boundary = boundary(&self.parts);
        let mut out = Vec::new();
        for part in &self.parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!(
                "Content-Disposition: form-data; name=\"{}\"",
                quoted(&part.name)
            );
            if let Some(file_name) = &part.file_name {
                disposition.push_str(&format!("; filename=\"{}\"", quoted(file_name)));
            }
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                out.extend_from_slice(
                    format!("Content-Type: {}\r\n", quoted(content_type)).as_bytes(),
                );
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&part.bytes);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), out)
    }
}

/// A boundary that appears in no part.
fn boundary(parts: &[Part]) -> String {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64 ^ parts.len() as u64;
    loop {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let candidate = format!("auth-runtime-{seed:016x}");
        if !parts.iter().any(|p| {
            p.bytes
                .windows(candidate.len())
                .any(|w| w == candidate.as_bytes())
        }) {
            return candidate;
        }
    }
}

/// A header parameter value: quotes and line breaks escaped.
fn quoted(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\r', '\n'], " ")
}

/// The HTTP `QUERY` method (OpenAPI 3.2), which `reqwest` has no constant for.
pub fn method_query() -> Method {
    Method::from_bytes(b"QUERY").unwrap_or(Method::POST)
}

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
    /// error: for other statuses [`ErrorKind::Status`] with the raw body (secrets
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
