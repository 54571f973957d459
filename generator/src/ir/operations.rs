//! Operations: methods, parameters, request bodies and responses.

use super::{Docs, SecurityRequirement, TypeId, TypeRef};

/// Methods every generated `Client` has of its own; operations never take these names.
pub const CLIENT_METHODS: &[&str] = &[
    "new",
    "base_url",
    "http",
    "with_auth",
    "with_options",
    "auth",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Unique snake_case name: from `operationId`, else from method and path.
    pub name: String,
    pub method: Method,
    /// The path template (`/users/{id}`), or the webhook's key for webhooks.
    pub path: String,
    pub webhook: bool,
    pub deprecated: bool,
    /// The operation's `tags`, in document order.
    pub tags: Vec<String>,
    pub docs: Docs,
    pub parameters: Vec<Parameter>,
    /// The struct of the query, header and cookie parameters, when there are any.
    pub parameters_type: Option<TypeId>,
    pub request_body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// `None`: the API's default security applies. `Some(vec![])`: no authentication.
    pub security: Option<Vec<SecurityRequirement>>,
}

impl Operation {
    /// Every named type the operation uses: its parameters, their struct, its bodies
    /// and its responses' bodies.
    pub fn types(&self) -> impl Iterator<Item = TypeId> + '_ {
        let parameters = self.parameters.iter().map(|p| &p.ty);
        let bodies = self.request_body.iter().flat_map(|b| &b.contents);
        let answers = self.responses.iter().flat_map(|r| &r.contents);
        parameters
            .chain(bodies.chain(answers).map(|c| &c.ty))
            .filter_map(TypeRef::target)
            .chain(self.parameters_type)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
    /// OpenAPI 3.2: the HTTP `QUERY` method.
    Query,
}

impl Method {
    pub const ALL: [(&'static str, Method); 9] = [
        ("get", Method::Get),
        ("put", Method::Put),
        ("post", Method::Post),
        ("delete", Method::Delete),
        ("options", Method::Options),
        ("head", Method::Head),
        ("patch", Method::Patch),
        ("trace", Method::Trace),
        ("query", Method::Query),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("get", |(s, _)| s)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub wire_name: String,
    pub location: ParameterLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub docs: Docs,
    pub style: ParameterStyle,
    pub explode: bool,
    /// Reserved characters are sent as they are (`allowReserved`).
    pub allow_reserved: bool,
    /// Written as JSON text (`content: {application/json: …}`) instead of a style.
    pub json: bool,
    pub deprecated: bool,
    /// Values to call with, best first (its example, then values its schema accepts),
    /// when asked for (`Options::samples`).
    pub samples: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// How a parameter (or a property of a form body) is written: the `style` keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterStyle {
    Simple,
    Label,
    Matrix,
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    pub required: bool,
    pub docs: Docs,
    /// One per media type, in document order; the caller chooses when there are several.
    pub contents: Vec<Content>,
}

/// A body in one media type.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    pub media_type: String,
    pub kind: MediaKind,
    pub ty: TypeRef,
    /// How form properties are written (`encoding`), for form bodies.
    pub encoding: Vec<PropertyEncoding>,
    /// Values to send or answer with, best first (when `Options::samples` asks).
    pub samples: Vec<serde_json::Value>,
}

/// How a body is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Any `text/*` and XML: the caller's text as it is.
    Text,
    /// Anything else: the caller's bytes as they are.
    Binary,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PropertyEncoding {
    pub property: String,
    pub style: ParameterStyle,
    pub explode: bool,
    /// A multipart part's content type.
    pub content_type: Option<String>,
}

impl RequestBody {
    /// The content this client prefers to send: JSON, then forms, then the first.
    pub fn preferred(&self) -> Option<&Content> {
        preferred(&self.contents)
    }
}

/// JSON, then forms, multipart, text, bytes.
fn preferred(contents: &[Content]) -> Option<&Content> {
    [
        MediaKind::Json,
        MediaKind::Form,
        MediaKind::Multipart,
        MediaKind::Text,
        MediaKind::Binary,
    ]
    .iter()
    .find_map(|kind| contents.iter().find(|c| c.kind == *kind))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: StatusCode,
    pub docs: Docs,
    /// One per media type; empty when the response has no body.
    pub contents: Vec<Content>,
}

impl Response {
    /// The content decoded from this response: JSON first.
    pub fn preferred(&self) -> Option<&Content> {
        preferred(&self.contents)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusCode {
    Code(u16),
    /// `2XX` and friends: the first digit.
    Range(u16),
    Default,
}

impl StatusCode {
    pub fn is_success(self) -> bool {
        match self {
            StatusCode::Code(code) => (200..300).contains(&code),
            StatusCode::Range(class) => class == 2,
            StatusCode::Default => false,
        }
    }
}
