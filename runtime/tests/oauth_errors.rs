//! The standard flows' error paths and the device grant (RFC 8628), against wiremock on
//! loopback (oauth2-mock-server has no device endpoint, and these answers are ones a
//! good server never gives): `invalid_client`, `invalid_grant` on refresh,
//! `authorization_pending` / `slow_down` / `expired_token` / `access_denied`, discovery
//! naming another issuer, endpoints over plain `http` to another host, and the token
//! manager's deadline.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use auth_runtime::oauth::{
    AuthorizationServer, ClientCredentials, DeviceFlow, OAuthClient, RefreshToken,
};
use auth_runtime::{ConfigError, ErrorKind, SecretString, TokenManager, TokenOptions};
use common::http;
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn oauth_error(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(json!({"error": code, "error_description": "as documented"}))
}

fn token(access: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": access, "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt-1"
    }))
}

/// Answers from a script, in order, then the last one again.
struct Script(Vec<ResponseTemplate>, Arc<AtomicUsize>);

impl Respond for Script {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = self.1.fetch_add(1, Ordering::SeqCst);
        self.0[i.min(self.0.len() - 1)].clone()
    }
}

async fn device_server(polls: Vec<ResponseTemplate>) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/device"))
        .and(body_string_contains("client_id=tv-app"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "device_code": "dc-secret-77", "user_code": "WDJB-MJHT",
            "verification_uri": "https://example.com/device",
            "verification_uri_complete": "https://example.com/device?user_code=WDJB-MJHT",
            "expires_in": 1800, "interval": 5
        })))
        .mount(&server)
        .await;
    let count = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code",
        ))
        .and(body_string_contains("device_code=dc-secret-77"))
        .respond_with(Script(polls, Arc::clone(&count)))
        .mount(&server)
        .await;
    (server, count)
}

fn device_flow(server: &MockServer) -> DeviceFlow {
    let endpoints = AuthorizationServer::new(&format!("{}/token", server.uri()))
        .unwrap()
        .with_device_authorization_url(&format!("{}/device", server.uri()))
        .unwrap();
    DeviceFlow::new(endpoints, OAuthClient::new("tv-app").scope("profile"))
}

#[tokio::test(start_paused = true)]
async fn the_device_flow_polls_as_slowly_as_asked() {
    let (server, polls) = device_server(vec![
        oauth_error(400, "authorization_pending"),
        oauth_error(400, "authorization_pending"),
        oauth_error(400, "slow_down"),
        oauth_error(400, "authorization_pending"),
        token("at-device"),
    ])
    .await;
    let flow = device_flow(&server);
    let http = http();
    let authorization = flow.start(&http).await.unwrap();
    assert_eq!(authorization.user_code, "WDJB-MJHT");
    assert_eq!(authorization.verification_uri, "https://example.com/device");
    assert_eq!(authorization.interval, Duration::from_secs(5));
    assert!(!format!("{authorization:?}").contains("dc-secret-77"));
    let started = tokio::time::Instant::now();
    let tokens = flow.finish(&http, &authorization).await.unwrap();
    // 5 + 5 + 5, then 10 + 10 after `slow_down`.
    assert_eq!(started.elapsed(), Duration::from_secs(35));
    assert_eq!(polls.load(Ordering::SeqCst), 5);
    assert_eq!(tokens.access_token().await.unwrap().expose(), "at-device");
}

#[tokio::test(start_paused = true)]
async fn the_device_flow_stops_on_denial_and_expiry() {
    for (answer, expected) in [("access_denied", "denied"), ("expired_token", "expired")] {
        let (server, _) = device_server(vec![
            oauth_error(400, "authorization_pending"),
            oauth_error(400, answer),
        ])
        .await;
        let flow = device_flow(&server);
        let authorization = flow.start(&http()).await.unwrap();
        let error = flow.poll(&http(), &authorization).await.unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::AuthorizationRequired { .. }),
            "{error}"
        );
        assert!(error.to_string().contains(expected), "{error}");
        assert!(!format!("{error:?}").contains("dc-secret-77"));
    }
    // The code's own lifetime: a server that keeps saying "pending" is given up on.
    let (server, polls) = device_server(vec![oauth_error(400, "authorization_pending")]).await;
    let flow = device_flow(&server);
    let authorization = flow.start(&http()).await.unwrap();
    let error = flow.poll(&http(), &authorization).await.unwrap_err();
    assert!(error.to_string().contains("expired"), "{error}");
    assert_eq!(polls.load(Ordering::SeqCst), 1800 / 5 - 1);
}

#[tokio::test]
async fn invalid_client_is_an_error_with_its_code() {
    let server = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(oauth_error(401, "invalid_client"))
        .expect(1)
        .mount(&server)
        .await;
    let endpoints = AuthorizationServer::new(&format!("{}/token", server.uri())).unwrap();
    let client = OAuthClient::new("app").secret(SecretString::from("secret-9"));
    let error = ClientCredentials::new(endpoints, client)
        .into_manager(http())
        .access_token()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let documented = error.documented().unwrap();
    assert_eq!(documented.error, "invalid_client");
    assert_eq!(
        documented.error_description.as_deref(),
        Some("as documented")
    );
}

#[tokio::test]
async fn a_refused_refresh_token_asks_for_authorization_again() {
    let server = MockServer::start().await;
    Mock::given(path("/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(oauth_error(400, "invalid_grant"))
        .expect(1)
        .mount(&server)
        .await;
    let endpoints = AuthorizationServer::new(&format!("{}/token", server.uri())).unwrap();
    let flow = RefreshToken::new(endpoints, OAuthClient::new("native"));
    let tokens = flow.from_refresh_token(
        SecretString::from("rt-old"),
        http(),
        TokenOptions::default(),
    );
    let error = tokens.access_token().await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::AuthorizationRequired { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("400"), "{error}");
}

#[tokio::test]
async fn refresh_urls_take_refresh_grants() {
    let server = MockServer::start().await;
    Mock::given(path("/refresh"))
        .respond_with(token("at-2"))
        .expect(1)
        .mount(&server)
        .await;
    let endpoints = AuthorizationServer::new(&format!("{}/token", server.uri()))
        .unwrap()
        .with_refresh_url(&format!("{}/refresh", server.uri()))
        .unwrap();
    let tokens = RefreshToken::new(endpoints, OAuthClient::new("native")).from_refresh_token(
        SecretString::from("rt-1"),
        http(),
        TokenOptions::default(),
    );
    assert_eq!(tokens.access_token().await.unwrap().expose(), "at-2");
}

#[tokio::test]
async fn discovery_naming_another_issuer_is_refused() {
    let server = MockServer::start().await;
    Mock::given(path("/tenant/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issuer": "https://evil.example.com/tenant",
            "token_endpoint": "https://evil.example.com/token"
        })))
        .mount(&server)
        .await;
    let endpoints = AuthorizationServer::discover(&format!(
        "{}/tenant/.well-known/openid-configuration",
        server.uri()
    ))
    .unwrap();
    let flow = ClientCredentials::new(
        endpoints,
        OAuthClient::new("app").secret(SecretString::from("s")),
    );
    let error = flow.into_manager(http()).access_token().await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Config(ConfigError::IssuerMismatch { found, .. }) if found == "https://evil.example.com/tenant"),
        "{error}"
    );
}

#[tokio::test]
async fn endpoints_over_plain_http_to_another_host_are_refused() {
    let refused = AuthorizationServer::new("http://login.example.com/oauth/token").unwrap_err();
    assert!(
        matches!(refused, ConfigError::InsecureUrl { .. }),
        "{refused}"
    );
    // Discovered ones too: metadata may not send secrets elsewhere in clear text.
    let server = MockServer::start().await;
    let issuer = server.uri();
    Mock::given(path("/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issuer": issuer, "token_endpoint": "http://login.example.com/token"
        })))
        .mount(&server)
        .await;
    let endpoints =
        AuthorizationServer::discover(&format!("{issuer}/.well-known/openid-configuration"))
            .unwrap();
    let error = endpoints.token_url(&http()).await.unwrap_err();
    assert!(
        matches!(
            error.kind(),
            ErrorKind::Config(ConfigError::InsecureUrl { .. })
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_slow_token_server_meets_the_deadline() {
    let server = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(token("late").set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let endpoints = AuthorizationServer::new(&format!("{}/token", server.uri())).unwrap();
    let flow = ClientCredentials::new(
        endpoints,
        OAuthClient::new("app").secret(SecretString::from("s")),
    );
    let options = TokenOptions {
        deadline: Some(Duration::from_millis(300)),
        ..TokenOptions::default()
    };
    let tokens = TokenManager::new(flow, http(), options);
    let started = std::time::Instant::now();
    let error = tokens.access_token().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        matches!(error.kind(), ErrorKind::Deadline { .. }),
        "{error}"
    );
}

#[test]
fn json_errors_decode_leniently() {
    let body: Value = json!({"error": "slow_down"});
    let decoded: auth_runtime::oauth::OAuthError = serde_json::from_value(body).unwrap();
    assert_eq!(decoded.error, "slow_down");
    assert_eq!(decoded.error_description, None);
}
