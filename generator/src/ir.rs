//! The intermediate representation: what an API *means*, independent of how its
//! document was written (3.0 or 3.1, inline or `$ref`, YAML or JSON) and of how Rust
//! is printed. Lowering fills it; emitting reads it. Every value here is validated:
//! names are already unique, valid Rust identifiers.

/// One API: its types and operations, in a deterministic order.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub docs: Docs,
    pub servers: Vec<Server>,
    /// Arena of named types; a [`TypeId`] indexes it.
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub security_schemes: Vec<SecurityScheme>,
    /// Security requirements that apply when an operation states none.
    pub default_security: Vec<SecurityRequirement>,
    /// One per token operation: how the API hands out access tokens.
    pub auth_flows: Vec<AuthFlow>,
    /// Every example in the document, with the type of its site.
    pub examples: Vec<Example>,
}

/// An example value from the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where it is, as `file#/json/pointer`.
    pub origin: String,
    pub value: serde_json::Value,
    /// The type a value at that place has.
    pub ty: TypeRef,
    /// Whether it matches its schema, per a JSON Schema validator; `None` when not
    /// checked (no schema, or the validator is not built in).
    pub valid: Option<bool>,
}

impl Api {
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }
}

/// Documentation lines taken from `title`, `summary` and `description`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs(pub Vec<String>);

#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// The URL template as written.
    pub url: String,
    pub description: Option<String>,
    /// Each variable once, in order of first use.
    pub variables: Vec<ServerVariable>,
    pub template: Vec<UrlPart>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerVariable {
    /// Unique snake_case Rust name.
    pub name: String,
    pub wire_name: String,
    pub default: Option<String>,
    pub docs: Docs,
}

/// A piece of a server URL template.
#[derive(Debug, Clone, PartialEq)]
pub enum UrlPart {
    Text(String),
    /// Index into [`Server::variables`].
    Variable(usize),
}

/// Index into [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Unique PascalCase Rust name.
    pub name: String,
    pub docs: Docs,
    pub kind: TypeKind,
    /// Whether `null` is a valid value; references then wrap the type in `Option`.
    pub nullable: bool,
    /// Where the schema lives, as `file#/json/pointer`, for diagnostics and docs.
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum; `open` adds a catch-all variant so unknown values still decode.
    StringEnum {
        variants: Vec<EnumVariant>,
        open: bool,
    },
    /// An enum of numbers or booleans: a newtype with one associated constant per
    /// known value, so unknown values still decode.
    ScalarEnum {
        repr: Scalar,
        values: Vec<ScalarValue>,
    },
    Union(Union),
    /// `pub type Name = Target;` for component schemas that are not objects or enums.
    Alias(TypeRef),
    /// `pub struct Name(pub Target);`: an alias that would contain itself
    /// (`A = Vec<A>`), which Rust cannot expand.
    Newtype(TypeRef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Values of `additionalProperties`, kept in a flattened map.
    pub additional: Option<TypeRef>,
    /// `additionalProperties: false`: no other property may appear.
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub wire_name: String,
    pub ty: TypeRef,
    pub presence: Presence,
    pub docs: Docs,
    /// Redacted in `Debug`.
    pub secret: bool,
    pub access: Access,
}

/// Which way a property travels (`readOnly`, `writeOnly`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    /// Sent by the server only: never required in what the client sends.
    ReadOnly,
    /// Sent by the client only: never required in what the server sends.
    WriteOnly,
}

/// How a field appears on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`, serializes `null`, a missing key is an error.
    RequiredNullable,
    /// May be absent (null, if allowed, reads as absent): `Option<T>`, omitted when `None`.
    Optional,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    pub name: String,
    pub wire_value: String,
    pub docs: Docs,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScalarValue {
    /// SCREAMING_SNAKE_CASE constant name.
    pub name: String,
    pub value: Literal,
    pub docs: Docs,
}

/// A number or boolean from a document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal {
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
}

/// `oneOf`/`anyOf`: one variant per branch.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// The discriminator property; when set, every variant has at least one tag.
    pub discriminator: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// Discriminator values selecting this variant.
    pub tags: Vec<String>,
    pub docs: Docs,
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    Scalar(Scalar),
    /// Any JSON value (untyped schema).
    Any,
    Named(TypeId),
    /// A named type inside its own reference cycle, needing indirection.
    Boxed(TypeId),
    Array(Box<TypeRef>),
    /// `additionalProperties`-only object.
    Map(Box<TypeRef>),
    /// A nullable value in a position without field presence (array item, map value).
    Nullable(Box<TypeRef>),
    /// Raw bytes: a binary body, or a file part of a multipart body.
    Binary,
    /// A string of a typed format (with typed formats on).
    Format(Format),
}

/// String formats read into types of their own (`Options::typed_formats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// `date-time`: RFC 3339.
    DateTime,
    /// `date`: RFC 3339 `full-date`.
    Date,
    Uuid,
    /// `byte`: base64.
    Byte,
}

impl Format {
    /// The format of a string schema's `format`, when it is one with a type.
    pub fn of(format: &str) -> Option<Format> {
        Some(match format {
            "date-time" => Format::DateTime,
            "date" => Format::Date,
            "uuid" => Format::Uuid,
            "byte" => Format::Byte,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scalar {
    Bool,
    I32,
    I64,
    U64,
    F32,
    F64,
    String,
    /// `type: 'null'`.
    Unit,
}

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
    pub docs: Docs,
    pub parameters: Vec<Parameter>,
    /// The struct of the query, header and cookie parameters, when there are any.
    pub parameters_type: Option<TypeId>,
    pub request_body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// `None`: the API's default security applies. `Some(vec![])`: no authentication.
    pub security: Option<Vec<SecurityRequirement>>,
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

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// Key under `components.securitySchemes`.
    pub key: String,
    /// The `Client` method that sets its credentials (`with_petstore_auth`), unique
    /// among the client's methods.
    pub setter: String,
    pub docs: Docs,
    pub kind: SecuritySchemeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SecuritySchemeKind {
    /// `http` with a scheme such as `bearer` or `basic` (lower-cased).
    Http {
        scheme: String,
    },
    ApiKey {
        name: String,
        location: ParameterLocation,
    },
    OAuth2 {
        flows: Vec<OAuthFlow>,
        /// OpenAPI 3.2 `oauth2MetadataUrl`: RFC 8414 metadata of the server.
        metadata_url: Option<String>,
    },
    OpenIdConnect {
        url: String,
    },
    MutualTls,
}

impl SecurityScheme {
    /// Whether credentials of this scheme are bearer tokens (OAuth2, OpenID Connect,
    /// `http: bearer`).
    pub fn takes_tokens(&self) -> bool {
        match &self.kind {
            SecuritySchemeKind::OAuth2 { .. } | SecuritySchemeKind::OpenIdConnect { .. } => true,
            SecuritySchemeKind::Http { scheme } => scheme == "bearer",
            _ => false,
        }
    }
}

/// One flow of an `oauth2` scheme, with its URLs as written (maybe relative to the
/// server).
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthFlow {
    pub grant: OAuthGrant,
    pub token_url: Option<String>,
    pub refresh_url: Option<String>,
    pub authorization_url: Option<String>,
    pub device_authorization_url: Option<String>,
    pub scopes: Vec<Scope>,
    /// The token operation of this document whose flow serves this grant (index into
    /// [`Api::auth_flows`]): its typed request is what the server documents, so no
    /// standard request is generated for it.
    pub served_by: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthGrant {
    ClientCredentials,
    Password,
    AuthorizationCode,
    /// OpenAPI 3.2 `deviceAuthorization` (RFC 8628).
    DeviceAuthorization,
    Implicit,
}

impl OAuthGrant {
    /// The flow's key in an OpenAPI `flows` object.
    pub fn key(self) -> &'static str {
        match self {
            OAuthGrant::ClientCredentials => "clientCredentials",
            OAuthGrant::Password => "password",
            OAuthGrant::AuthorizationCode => "authorizationCode",
            OAuthGrant::DeviceAuthorization => "deviceAuthorization",
            OAuthGrant::Implicit => "implicit",
        }
    }

    /// The RFC 6749 `grant_type` a token request of this flow sends.
    pub fn grant_type(self) -> &'static str {
        match self {
            OAuthGrant::ClientCredentials => "client_credentials",
            OAuthGrant::Password => "password",
            OAuthGrant::AuthorizationCode => "authorization_code",
            OAuthGrant::DeviceAuthorization => "urn:ietf:params:oauth:grant-type:device_code",
            OAuthGrant::Implicit => "implicit",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityRequirement {
    /// Alternatives are separate requirements; all schemes in one must be satisfied.
    pub schemes: Vec<(String, Vec<String>)>,
}

/// A grant of a token operation, derived from the document: the request body's fields,
/// its `grant_type` values, the operation's security (HTTP Basic client
/// authentication) and the token response's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthFlow {
    /// PascalCase label of the grant (`ClientCredentials`, `Password`), unique in the API.
    pub name: String,
    /// Index into [`Api::operations`].
    pub operation: usize,
    /// The body of the grant.
    pub body: GrantBody,
    /// The `grant_type` field and the grant's value.
    pub grant: Option<GrantField>,
    pub refresh: Option<RefreshGrant>,
    /// The client authenticates with HTTP Basic (`client_id:client_secret`).
    pub basic_auth: bool,
    /// Credentials sent with the grant.
    pub shared: Vec<Credential>,
    /// Mutually exclusive sets of credentials for the primary grant (`oneOf` of
    /// `required` lists); empty when there is one way to log in.
    pub alternatives: Vec<Alternative>,
    /// The operation's path parameters (`/oauth2/{authorizationServerId}/v1/token`):
    /// arguments of the flow's constructor, indices into the operation's parameters.
    pub path_parameters: Vec<usize>,
    pub response: TokenResponseFields,
}

/// A token request body: a struct, by itself or as one variant of the operation's
/// body union (Okta's `TokenRequest` is a union of one struct per grant).
#[derive(Debug, Clone, PartialEq)]
pub struct GrantBody {
    /// The struct whose fields are filled.
    pub request: TypeId,
    /// The union and its variant's name, when the struct is a variant.
    pub within: Option<(TypeId, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GrantField {
    /// Index into the request struct's fields.
    pub field: usize,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RefreshGrant {
    /// The `grant_type` value of the refresh grant.
    pub grant_value: Option<String>,
    /// Index of the `refresh_token` field in the refresh grant's struct.
    pub token_field: usize,
    /// The refresh grant's own body when it is another variant of the body union
    /// (else the primary grant's struct carries it); with the index of its
    /// `grant_type` field.
    pub body: Option<(GrantBody, Option<usize>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    /// Index into the request struct's fields.
    pub field: usize,
    /// The app must give it (else it is an `Option` in the credentials).
    pub required: bool,
    /// Also sent with the refresh grant (the body always requires it).
    pub in_refresh: bool,
    pub secret: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    pub name: String,
    pub credentials: Vec<Credential>,
}

/// Wire names of the token response's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenResponseFields {
    pub access_token: String,
    pub token_type: Option<String>,
    pub expires_in: Option<String>,
    pub refresh_token: Option<String>,
    pub created_at: Option<String>,
    pub scope: Option<String>,
}
