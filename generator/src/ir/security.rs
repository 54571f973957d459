//! Security schemes and requirements, and the auth flows derived from token operations.

use super::{Docs, ParameterLocation, TypeId};

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
    /// [`Api::auth_flows`](super::Api::auth_flows)): its typed request is what the server documents, so no
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
    /// Index into [`Api::operations`](super::Api::operations).
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
