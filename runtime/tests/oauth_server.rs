//! The standard flows (`auth_runtime::oauth`) against a real OAuth 2.0 / OpenID Connect
//! server on loopback: oauth2-mock-server, pinned in `interop/package-lock.json`, made
//! strict by `interop/oauth2-server.mjs` (client authentication, users, codes used once,
//! PKCE, refresh tokens known and rotated). Installed on first use with `npm ci`.

mod common;

use std::path::Path;
use std::time::Duration;

use auth_runtime::oauth::{
    AuthorizationCode, AuthorizationServer, ClientAuthentication, ClientCredentials, OAuthClient,
    Password,
};
use auth_runtime::{ErrorKind, Http, SecretString, TokenFlow, TokenManager, TokenOptions};
use interop::{Interop, OAuthServer, OAuthServerConfig};
use serde_json::Value;

/// A secret with characters that RFC 6749 §2.3.1 form-encodes before Basic.
const SECRET: &str = "s3 cr+t:%/é";

fn start(config: OAuthServerConfig) -> OAuthServer {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let interop = Interop::new(&root).expect("target/interop");
    OAuthServer::start(&interop, &config).expect("the OAuth2 server starts")
}

fn config() -> OAuthServerConfig {
    let mut config = OAuthServerConfig::default();
    config.clients.insert("app".into(), Some(SECRET.into()));
    config.clients.insert("native".into(), None);
    config.users.insert("ann".into(), "pa ss&word".into());
    config
}

fn http() -> Http {
    common::http()
}

fn token_server(server: &OAuthServer) -> AuthorizationServer {
    AuthorizationServer::new(&format!("{}/token", server.url)).unwrap()
}

/// What the server saw of each token request (parameter names, never values).
async fn log(server: &OAuthServer) -> Vec<Value> {
    let answer = browser()
        .get(format!("{}/__log", server.url))
        .send()
        .await
        .unwrap();
    serde_json::from_str(&answer.text().await.unwrap()).unwrap()
}

/// An HTTP client that follows no redirect, as a test's stand-in for a browser.
fn browser() -> reqwest::Client {
    Http::client_builder(&auth_runtime::HttpOptions::default())
        .unwrap()
        .no_proxy()
        .build()
        .unwrap()
}

fn app() -> OAuthClient {
    OAuthClient::new("app").secret(SecretString::from(SECRET))
}

#[tokio::test]
async fn client_credentials_with_basic_and_with_post() {
    let server = start(config());
    for (authentication, shown) in [
        (ClientAuthentication::Basic, "basic"),
        (ClientAuthentication::Post, "post"),
    ] {
        let client = app()
            .authentication(authentication)
            .scope("orders:read")
            .scope("orders:write")
            .param("audience", "api://orders");
        let tokens = ClientCredentials::new(token_server(&server), client).into_manager(http());
        let token = tokens
            .access_token()
            .await
            .unwrap_or_else(|e| panic!("{shown}: {e}"));
        assert!(token.expose().starts_with("eyJ"), "a signed JWT");
        // Cached: a second call sends nothing.
        tokens.access_token().await.unwrap();
        let seen = log(&server).await;
        let last = seen.last().unwrap();
        assert_eq!(last["client_auth"], shown);
        assert_eq!(last["grant_type"], "client_credentials");
        assert_eq!(last["scope"], "orders:read orders:write");
        assert!(
            last["params"]
                .as_array()
                .unwrap()
                .contains(&"audience".into())
        );
    }
    assert_eq!(log(&server).await.len(), 2);
}

#[tokio::test]
async fn basic_unencoded_for_servers_that_want_it_raw() {
    let server = start(OAuthServerConfig {
        basic_raw: true,
        ..config()
    });
    let client = app().authentication(ClientAuthentication::BasicUnencoded);
    let tokens = ClientCredentials::new(token_server(&server), client).into_manager(http());
    tokens.access_token().await.unwrap();
    // The RFC form is refused by such a server: the secret differs once encoded.
    let tokens = ClientCredentials::new(token_server(&server), app()).into_manager(http());
    let refused = tokens.access_token().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn a_wrong_secret_is_invalid_client_and_never_shown() {
    let server = start(config());
    let client = OAuthClient::new("app").secret(SecretString::from("wrong-secret-123"));
    let tokens = ClientCredentials::new(token_server(&server), client).into_manager(http());
    let error = tokens.access_token().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        error.documented().map(|e| e.error.as_str()),
        Some("invalid_client")
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("wrong-secret-123"), "{shown}");
}

/// Password, then refreshes: with rotation each refresh uses the token the previous
/// one issued (the server revokes used ones); without, the first one is kept.
#[tokio::test]
async fn password_then_refreshes_with_and_without_rotation() {
    for rotation in [true, false] {
        let server = start(OAuthServerConfig {
            rotation,
            expires_in: Some(2),
            ..config()
        });
        let flow = Password::new(
            token_server(&server),
            app(),
            "ann",
            SecretString::from("pa ss&word"),
        );
        let tokens = flow.into_manager(http());
        let first = tokens.access_token().await.unwrap();
        for _ in 0..2 {
            // Lifetime 2 s, margin min(60 s, 1 s): due after one second.
            tokio::time::sleep(Duration::from_millis(1100)).await;
            let next = tokens
                .access_token()
                .await
                .unwrap_or_else(|e| panic!("rotation {rotation}: {e}"));
            assert!(!next.same_as(&first));
        }
        let grants: Vec<Value> = log(&server)
            .await
            .iter()
            .map(|e| e["grant_type"].clone())
            .collect();
        assert_eq!(
            grants,
            ["password", "refresh_token", "refresh_token"],
            "rotation {rotation}"
        );
    }
}

#[tokio::test]
async fn a_wrong_password_is_invalid_grant() {
    let server = start(config());
    let flow = Password::new(
        token_server(&server),
        app(),
        "ann",
        SecretString::from("nope"),
    );
    let error = flow.into_manager(http()).access_token().await.unwrap_err();
    assert_eq!(
        error.documented().map(|e| e.error.as_str()),
        Some("invalid_grant")
    );
}

/// The whole authorization-code flow with PKCE, the test playing the user's browser:
/// it follows the authorization URL, which redirects straight back with a code.
#[tokio::test]
async fn authorization_code_with_pkce_then_refresh() {
    let server = start(OAuthServerConfig {
        expires_in: Some(2),
        ..config()
    });
    let endpoints =
        AuthorizationServer::discover(&format!("{}/.well-known/openid-configuration", server.url))
            .unwrap();
    let client = OAuthClient::new("native").scope("openid");
    let flow = AuthorizationCode::new(endpoints, client, "http://127.0.0.1:9/callback").unwrap();
    let http = http();
    let request = flow.start(&http).await.unwrap();
    let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    assert!(query.contains(&("code_challenge_method".into(), "S256".into())));
    assert!(query.contains(&("state".into(), request.state.clone())));

    let answer = browser().get(request.url.clone()).send().await.unwrap();
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("http://127.0.0.1:9/callback?code="),
        "{location}"
    );

    let tokens = flow.finish(&http, request, &location).await.unwrap();
    let first = tokens.access_token().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let refreshed = tokens.access_token().await.unwrap();
    assert!(!refreshed.same_as(&first));
    let seen = log(&server).await;
    assert_eq!(seen[0]["grant_type"], "authorization_code");
    assert_eq!(seen[0]["pkce"], "S256");
    assert_eq!(seen[0]["client_auth"], "none");
    assert!(
        seen[0]["params"]
            .as_array()
            .unwrap()
            .contains(&"code_verifier".into())
    );
    assert_eq!(seen[1]["grant_type"], "refresh_token");
}

#[tokio::test]
async fn a_forged_redirect_is_refused_before_any_request() {
    let server = start(config());
    let flow = AuthorizationCode::new(
        token_server_with_authorize(&server),
        OAuthClient::new("native"),
        "http://127.0.0.1:9/cb",
    )
    .unwrap();
    let request = flow.start(&http()).await.unwrap();
    let error = flow
        .finish(
            &http(),
            request,
            "http://127.0.0.1:9/cb?code=stolen&state=forged",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::AuthorizationRequired { .. }),
        "{error}"
    );
    assert!(log(&server).await.is_empty());
}

fn token_server_with_authorize(server: &OAuthServer) -> AuthorizationServer {
    token_server(server)
        .with_authorization_url(&format!("{}/authorize", server.url))
        .unwrap()
}

#[tokio::test]
async fn discovery_finds_the_token_endpoint_once() {
    let server = start(config());
    let endpoints =
        AuthorizationServer::discover(&format!("{}/.well-known/openid-configuration", server.url))
            .unwrap();
    let http = http();
    let metadata = endpoints.metadata(&http).await.unwrap().unwrap();
    assert_eq!(metadata.issuer, server.url);
    assert_eq!(
        endpoints.token_url(&http).await.unwrap().as_str(),
        format!("{}/token", server.url)
    );
    let flow = ClientCredentials::new(endpoints, app());
    let options = TokenOptions {
        default_lifetime: Duration::from_secs(1),
        ..TokenOptions::default()
    };
    let tokens = TokenManager::new(flow, http, options);
    tokens.access_token().await.unwrap();
}

/// A refresh token the app kept from an earlier run starts a manager.
#[tokio::test]
async fn a_kept_refresh_token_starts_a_manager() {
    let server = start(config());
    let http = http();
    let password = Password::new(
        token_server(&server),
        app(),
        "ann",
        SecretString::from("pa ss&word"),
    );
    let issued = password.obtain(&http).await.unwrap();
    let kept = issued.refresh_token.expect("a refresh token");
    let tokens = auth_runtime::oauth::RefreshToken::new(token_server(&server), app())
        .from_refresh_token(kept, http, TokenOptions::default());
    tokens.access_token().await.unwrap();
    let grants: Vec<Value> = log(&server)
        .await
        .iter()
        .map(|e| e["grant_type"].clone())
        .collect();
    assert_eq!(grants, ["password", "refresh_token"]);
}
