//! The grants that need no user at the moment they run: client credentials (RFC 6749
//! §4.4), resource-owner password (§4.3) and refresh token (§6).

use std::fmt;

use secrecy::SecretString;

use super::{AuthorizationServer, OAuthClient, OAuthError, Param, request_token};
use crate::cache::{TokenFlow, TokenManager, TokenOptions};
use crate::error::{Error, ErrorKind, Origin};
use crate::http::Http;
use crate::token::IssuedToken;

/// `grant_type=refresh_token` to the server's refresh (else token) endpoint.
async fn refresh_grant(
    http: &Http,
    server: &AuthorizationServer,
    client: &OAuthClient,
    refresh_token: &SecretString,
) -> Result<IssuedToken, Error<OAuthError>> {
    let url = server.refresh_url(http).await?;
    let grant = [
        Param::Plain("grant_type", "refresh_token"),
        Param::Secret("refresh_token", refresh_token),
    ];
    request_token(http, &url, client, &grant, false).await
}

/// The client credentials grant: the application acts on its own behalf. Answers carry
/// no refresh token (RFC 6749 §4.4.3), so the grant runs again before expiry.
///
/// ```
/// use auth_runtime::oauth::{AuthorizationServer, ClientCredentials, OAuthClient};
/// use auth_runtime::{Http, HttpOptions};
///
/// let server = AuthorizationServer::new("https://login.example.com/oauth2/token")?;
/// let client = OAuthClient::new("my-app").secret("s3cr3t").scope("orders:read");
/// let http = Http::new(HttpOptions::default())?;
/// let tokens = ClientCredentials::new(server, client).into_manager(http);
/// assert!(tokens.cached_token().is_none()); // nothing is sent before `access_token()`
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    server: AuthorizationServer,
    client: OAuthClient,
}

impl ClientCredentials {
    /// The grant for `client` at `server`.
    pub fn new(server: AuthorizationServer, client: OAuthClient) -> ClientCredentials {
        ClientCredentials { server, client }
    }

    /// A token manager with default options.
    pub fn into_manager(self, http: Http) -> TokenManager<ClientCredentials> {
        TokenManager::new(self, http, TokenOptions::default())
    }
}

impl TokenFlow for ClientCredentials {
    type ErrorBody = OAuthError;

    async fn obtain(&self, http: &Http) -> Result<IssuedToken, Error<OAuthError>> {
        let url = self.server.token_url(http).await?;
        let grant = [Param::Plain("grant_type", "client_credentials")];
        request_token(http, &url, &self.client, &grant, true).await
    }
}

/// The resource-owner password grant, then the refresh grant while the server issues
/// refresh tokens.
///
/// ```
/// use auth_runtime::oauth::{AuthorizationServer, OAuthClient, Password};
/// use auth_runtime::{Http, HttpOptions};
///
/// let server = AuthorizationServer::new("https://login.example.com/oauth2/token")?;
/// let grant = Password::new(server, OAuthClient::new("my-app"), "alice", "correct horse");
/// let tokens = grant.into_manager(Http::new(HttpOptions::default())?);
/// assert!(!format!("{:?}", tokens.flow()).contains("correct horse"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Password {
    server: AuthorizationServer,
    client: OAuthClient,
    username: String,
    password: SecretString,
}

impl Password {
    /// The grant for the user `username` of `client` at `server`.
    pub fn new(
        server: AuthorizationServer,
        client: OAuthClient,
        username: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Password {
        Password {
            server,
            client,
            username: username.into(),
            password: password.into(),
        }
    }

    /// A token manager with default options.
    pub fn into_manager(self, http: Http) -> TokenManager<Password> {
        TokenManager::new(self, http, TokenOptions::default())
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Password")
            .field("server", &self.server)
            .field("client", &self.client)
            .field("username", &self.username)
            .field("password", &"[REDACTED]")
            .finish()
    }
}

impl TokenFlow for Password {
    type ErrorBody = OAuthError;

    async fn obtain(&self, http: &Http) -> Result<IssuedToken, Error<OAuthError>> {
        let url = self.server.token_url(http).await?;
        let grant = [
            Param::Plain("grant_type", "password"),
            Param::Plain("username", &self.username),
            Param::Secret("password", &self.password),
        ];
        request_token(http, &url, &self.client, &grant, true).await
    }

    async fn refresh(
        &self,
        http: &Http,
        refresh_token: &SecretString,
    ) -> Result<IssuedToken, Error<OAuthError>> {
        refresh_grant(http, &self.server, &self.client, refresh_token).await
    }

    fn has_refresh_grant(&self) -> bool {
        true
    }
}

/// Refresh grants only: the flow of a token manager that starts from a token the user
/// authorized (authorization code, device flow) or from a refresh token the app kept.
/// When the refresh token is refused, the manager's error is
/// [`ErrorKind::AuthorizationRequired`]: the user must authorize again.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use auth_runtime::oauth::{AuthorizationServer, OAuthClient, RefreshToken};
/// use auth_runtime::{ErrorKind, Http, HttpOptions, TokenOptions};
///
/// let server = AuthorizationServer::new("https://login.example.com/oauth2/token")?;
/// let flow = RefreshToken::new(server, OAuthClient::new("my-app"));
/// let http = Http::new(HttpOptions::default())?;
/// let tokens = flow.from_refresh_token("def456", http, TokenOptions::default());
/// match tokens.access_token().await {
///     Ok(token) => println!("got {token:?}"),
///     Err(e) if matches!(e.kind(), ErrorKind::AuthorizationRequired { .. }) => {
///         println!("sign in again: {e}")
///     }
///     Err(e) => return Err(e.into()),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct RefreshToken {
    server: AuthorizationServer,
    client: OAuthClient,
}

impl RefreshToken {
    /// Refresh grants for `client` at `server`.
    pub fn new(server: AuthorizationServer, client: OAuthClient) -> RefreshToken {
        RefreshToken { server, client }
    }

    /// A token manager that starts from `token` (an answer to the authorization-code
    /// or device grant) and refreshes it.
    pub fn manager(
        self,
        token: IssuedToken,
        http: Http,
        options: TokenOptions,
    ) -> Result<TokenManager<RefreshToken>, Error<OAuthError>> {
        TokenManager::with_token(self, http, options, token)
    }

    /// A token manager that starts from a refresh token the app kept: the first access
    /// token comes from the refresh grant.
    pub fn from_refresh_token(
        self,
        refresh_token: impl Into<SecretString>,
        http: Http,
        options: TokenOptions,
    ) -> TokenManager<RefreshToken> {
        TokenManager::with_refresh_token(self, http, options, refresh_token.into())
    }
}

impl TokenFlow for RefreshToken {
    type ErrorBody = OAuthError;

    async fn obtain(&self, _: &Http) -> Result<IssuedToken, Error<OAuthError>> {
        Err(Error::new(
            ErrorKind::AuthorizationRequired {
                reason: "no usable refresh token (refused, or none was issued)".into(),
            },
            Origin::TokenEndpoint,
        ))
    }

    async fn refresh(
        &self,
        http: &Http,
        refresh_token: &SecretString,
    ) -> Result<IssuedToken, Error<OAuthError>> {
        refresh_grant(http, &self.server, &self.client, refresh_token).await
    }

    fn has_refresh_grant(&self) -> bool {
        true
    }
}
