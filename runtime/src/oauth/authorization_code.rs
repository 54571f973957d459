//! The authorization-code grant with PKCE (RFC 6749 §4.1, RFC 7636 with `S256`): the
//! app sends the user to [`AuthorizationRequest::url`], gets the redirect back, and
//! [`AuthorizationCode::finish`] checks its `state`, exchanges the code (with the
//! verifier only this request knows) and hands back a token manager that refreshes.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};

use super::grants::RefreshToken;
use super::{AuthorizationServer, OAuthClient, OAuthError, Param, request_token};
use crate::Url;
use crate::cache::{TokenManager, TokenOptions};
use crate::error::{ConfigError, Error, ErrorKind, Origin};
use crate::http::Http;
use crate::token::{IssuedToken, shown};

/// The authorization-code grant of `client` at `server`, redirecting to `redirect_uri`.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use auth_runtime::oauth::{AuthorizationCode, AuthorizationServer, OAuthClient};
/// use auth_runtime::{Http, HttpOptions};
///
/// let server = AuthorizationServer::new("https://login.example.com/oauth2/token")?
///     .with_authorization_url("https://login.example.com/oauth2/authorize")?;
/// let client = OAuthClient::new("my-app").scope("openid");
/// let flow = AuthorizationCode::new(server, client, "http://127.0.0.1:8400/callback")?;
/// let http = Http::new(HttpOptions::default())?;
/// let request = flow.start(&http).await?;
/// println!("open {}", request.url); // the user signs in there
/// // The browser comes back to `http://127.0.0.1:8400/callback?code=…&state=…`:
/// let redirected_to = wait_for_redirect().await;
/// let tokens = flow.finish(&http, request, &redirected_to).await?; // refreshes from now on
/// let token = tokens.access_token().await?;
/// # let _ = token; Ok(()) }
/// # async fn wait_for_redirect() -> String { unimplemented!() }
/// ```
#[derive(Debug, Clone)]
pub struct AuthorizationCode {
    server: AuthorizationServer,
    client: OAuthClient,
    redirect_uri: Url,
}

/// One authorization in progress: the URL to send the user to, and what checks the
/// answer (`state`) and proves this client asked (the PKCE verifier). `Debug` never
/// shows the verifier.
pub struct AuthorizationRequest {
    /// Where to send the user's browser.
    pub url: Url,
    /// The `state` the redirect must carry back.
    pub state: String,
    verifier: SecretString,
}

impl fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationRequest")
            .field("url", &self.url.as_str())
            .field("state", &self.state)
            .field("verifier", &"[REDACTED]")
            .finish()
    }
}

impl AuthorizationCode {
    /// The grant; `redirect_uri` is where the server sends the user back (any scheme:
    /// `https://…`, `http://127.0.0.1:…` for a native app, or an app's own scheme).
    pub fn new(
        server: AuthorizationServer,
        client: OAuthClient,
        redirect_uri: &str,
    ) -> Result<AuthorizationCode, ConfigError> {
        let redirect_uri = Url::parse(redirect_uri).map_err(|e| ConfigError::InvalidUrl {
            input: format!("redirect URI {redirect_uri}"),
            reason: e.to_string(),
        })?;
        Ok(AuthorizationCode {
            server,
            client,
            redirect_uri,
        })
    }

    /// Starts an authorization: a fresh `state` and PKCE verifier, and the URL with
    /// `response_type=code`, `client_id`, `redirect_uri`, `scope`, `state`,
    /// `code_challenge` and `code_challenge_method=S256`.
    pub async fn start(&self, http: &Http) -> Result<AuthorizationRequest, Error<OAuthError>> {
        let mut url = self.server.authorization_url(http).await?;
        let state = random_text()?;
        let verifier = SecretString::from(random_text()?);
        let challenge = challenge(&verifier);
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", self.client.id())
                .append_pair("redirect_uri", self.redirect_uri.as_str());
            if let Some(scope) = self.client.scope_value() {
                query.append_pair("scope", &scope);
            }
            query
                .append_pair("state", &state)
                .append_pair("code_challenge", &challenge)
                .append_pair("code_challenge_method", "S256");
        }
        Ok(AuthorizationRequest {
            url,
            state,
            verifier,
        })
    }

    /// Finishes `request` with the URL the server redirected to (its query carries
    /// `code` and `state`, or `error`): the state is checked, the code exchanged, and the
    /// token manager refreshes from then on.
    pub async fn finish(
        &self,
        http: &Http,
        request: AuthorizationRequest,
        redirected_to: &str,
    ) -> Result<TokenManager<RefreshToken>, Error<OAuthError>> {
        let token = self.exchange(http, request, redirected_to).await?;
        RefreshToken::new(self.server.clone(), self.client.clone()).manager(
            token,
            http.clone(),
            TokenOptions::default(),
        )
    }

    /// [`finish`](AuthorizationCode::finish), giving the token itself.
    pub async fn exchange(
        &self,
        http: &Http,
        request: AuthorizationRequest,
        redirected_to: &str,
    ) -> Result<IssuedToken, Error<OAuthError>> {
        let code = code_of(&request, redirected_to)?;
        let url = self.server.token_url(http).await?;
        let grant = [
            Param::Plain("grant_type", "authorization_code"),
            Param::Secret("code", &code),
            Param::Plain("redirect_uri", self.redirect_uri.as_str()),
            Param::Secret("code_verifier", &request.verifier),
        ];
        request_token(http, &url, &self.client, &grant, false).await
    }
}

/// The code of a redirect, once its `state` matched.
fn code_of(
    request: &AuthorizationRequest,
    redirected_to: &str,
) -> Result<SecretString, Error<OAuthError>> {
    let refused = |reason: String| {
        Err(Error::new(
            ErrorKind::AuthorizationRequired { reason },
            Origin::TokenEndpoint,
        ))
    };
    let query = redirected_to
        .split_once('?')
        .map_or(redirected_to, |(_, query)| query);
    let query = query.split('#').next().unwrap_or_default();
    let mut code = None;
    let mut state = None;
    let mut error = None;
    for (key, value) in ::url::form_urlencoded::parse(query.as_bytes()) {
        match &*key {
            "code" => code = Some(SecretString::from(value.into_owned())),
            "state" => state = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            _ => {}
        }
    }
    if state.as_deref() != Some(request.state.as_str()) {
        return refused(
            "the redirect's `state` is not this request's (a forged or stale redirect)".into(),
        );
    }
    if let Some(error) = error {
        return refused(format!(
            "the authorization server answered `{}`",
            shown(&error)
        ));
    }
    match code {
        Some(code) if !code.expose_secret().is_empty() => Ok(code),
        _ => refused("the redirect carries no `code`".into()),
    }
}

/// 32 random bytes, base64url: a PKCE verifier (RFC 7636 §4.1: 43 characters) or a
/// `state`.
fn random_text() -> Result<String, ConfigError> {
    let mut bytes = [0u8; 32];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).map_err(|_| {
        ConfigError::Request {
            message: "the system's random number generator failed".into(),
        }
    })?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// `BASE64URL(SHA256(verifier))` (RFC 7636 §4.2, `S256`).
fn challenge(verifier: &SecretString) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.expose_secret().as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7636_example_challenge() {
        // RFC 7636, Appendix B.
        let verifier = SecretString::from("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            challenge(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_43_characters_and_fresh() {
        let (a, b) = (random_text().unwrap(), random_text().unwrap());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
    }

    fn request() -> AuthorizationRequest {
        AuthorizationRequest {
            url: Url::parse("https://as.example.com/authorize").unwrap(),
            state: "s-1".into(),
            verifier: SecretString::from("v"),
        }
    }

    #[test]
    fn redirects_are_checked() {
        let code = code_of(&request(), "https://app.example.com/cb?code=c-9&state=s-1").unwrap();
        assert_eq!(code.expose_secret(), "c-9");
        let forged = code_of(
            &request(),
            "https://app.example.com/cb?code=c-9&state=other",
        )
        .unwrap_err();
        assert!(forged.to_string().contains("state"), "{forged}");
        let denied = code_of(&request(), "?error=access_denied&state=s-1").unwrap_err();
        assert!(denied.to_string().contains("access_denied"), "{denied}");
        assert!(code_of(&request(), "?state=s-1").is_err());
    }

    #[test]
    fn debug_hides_the_verifier() {
        assert!(!format!("{:?}", request()).contains("verifier: \"v\""));
    }
}
