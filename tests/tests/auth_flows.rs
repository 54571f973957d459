//! The generated auth-flow clients of Podero, Cobee and Zype against a real HTTP
//! server on loopback (wiremock): the exact requests on the wire, caching, refresh,
//! fallback, single flight, replay on 401, retries, and errors that keep the status
//! and the raw body. Time is tokio's paused clock, never a sleep.

use std::time::Duration;

use auth_runtime::{ErrorKind, Http, HttpOptions, RetryPolicy, SecretString, TokenFlow};
use generated::{cobee, podero, zype};
use serde_json::{Value, json};
use tokio::time::advance;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "client-id-42";
const CLIENT_SECRET: &str = "client-secret-Xy7";
const PASSWORD: &str = "hunter2-password";
const PIN: &str = "pin-9931";

/// No timeouts, proxies or idle timers: paused time then only moves through the
/// runtime's own waits (backoff, `Retry-After`, token lifetimes).
fn http() -> Http {
    let options = HttpOptions {
        timeout: None,
        connect_timeout: None,
        ..HttpOptions::default()
    };
    let client = Http::client_builder(&options)
        .unwrap()
        .no_proxy()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    Http::with_client(client, options)
}

/// Token managers for a paused clock: no deadline, which a paused clock would jump to
/// whenever the runtime waits for the network (see `TokenOptions::deadline`).
trait Paused: auth_runtime::TokenFlow + Sized {
    fn paused_manager(self) -> auth_runtime::TokenManager<Self> {
        let options = auth_runtime::TokenOptions {
            deadline: None,
            ..Default::default()
        };
        auth_runtime::TokenManager::new(self, http(), options)
    }
}

impl<F: auth_runtime::TokenFlow> Paused for F {}

fn token(access: &str, expires_in: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"access_token": access, "token_type": "Bearer", "expires_in": expires_in}),
    )
}

fn custom(server: &MockServer) -> String {
    server.uri()
}

// ---- Podero: client credentials from the docs pages (overlay) ----

fn podero_client_credentials(server: &MockServer) -> podero::client::ClientCredentialsAuth {
    let credentials = podero::client::ClientCredentialsCredentials {
        client_id: CLIENT_ID.into(),
        client_secret: SecretString::from(CLIENT_SECRET),
    };
    podero::client::ClientCredentialsFlow::new(
        &podero::client::Server::Custom(custom(server)),
        credentials,
    )
    .unwrap()
    .paused_manager()
}

#[tokio::test(start_paused = true)]
async fn podero_client_credentials_request_is_exactly_the_documented_one() {
    let server = MockServer::start().await;
    // base64("client-id-42:client-secret-Xy7")
    let basic = "Basic Y2xpZW50LWlkLTQyOmNsaWVudC1zZWNyZXQtWHk3";
    Mock::given(method("POST"))
        .and(path("/oauth2/token/"))
        .and(header("authorization", basic))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"grant_type": "client_credentials"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "PaZDOD5UwzbGOFsQr34LQ7JUYOj3yK", "expires_in": 36000, "token_type": "Bearer", "scope": "read write"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let auth = podero_client_credentials(&server);
    let first = auth.access_token().await.unwrap();
    let second = auth.access_token().await.unwrap();
    assert_eq!(first.expose(), "PaZDOD5UwzbGOFsQr34LQ7JUYOj3yK");
    assert!(first.same_as(&second), "two calls, one token request");
    assert_eq!(
        first.bearer_header().to_str().unwrap(),
        "Bearer PaZDOD5UwzbGOFsQr34LQ7JUYOj3yK"
    );
}

#[tokio::test(start_paused = true)]
async fn podero_client_credentials_has_no_refresh_token_so_expiry_reruns_the_grant() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth2/token/"))
        .respond_with(token("first", json!(600)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/oauth2/token/"))
        .and(body_json(json!({"grant_type": "client_credentials"})))
        .respond_with(token("second", json!(600)))
        .expect(1)
        .mount(&server)
        .await;
    let auth = podero_client_credentials(&server);
    assert_eq!(auth.access_token().await.unwrap().expose(), "first");
    advance(Duration::from_secs(600 - 60)).await;
    assert_eq!(auth.access_token().await.unwrap().expose(), "second");
}

#[tokio::test]
async fn podero_typed_operation_sends_basic_and_decodes_the_typed_response() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth2/token/"))
        .and(header("authorization", "Basic Y2xpZW50LWlkLTQyOmNsaWVudC1zZWNyZXQtWHk3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "t", "expires_in": 36000, "token_type": "Bearer", "scope": "read write"})))
        .mount(&server)
        .await;
    let basic = auth_runtime::BasicAuth::new(CLIENT_ID, SecretString::from(CLIENT_SECRET));
    let client =
        podero::client::Client::new(&podero::client::Server::Custom(custom(&server)), http())
            .unwrap()
            .with_client_basic(basic);
    let body = podero::types::ClientCredentialsTokenRequest {
        grant_type: podero::types::ClientCredentialsTokenRequestGrantType::ClientCredentials,
    };
    let token = client.get_access_token(&body).await.unwrap();
    assert_eq!(token.status.as_u16(), 200);
    assert_eq!(token.body.expires_in, 36000);
    assert_eq!(token.body.scope, "read write");
}

// ---- Podero: the spec's partner endpoint, password then refresh_token ----

fn podero_password(server: &MockServer) -> podero::client::PasswordAuth {
    let credentials = podero::client::PasswordCredentials {
        username: "partner@example.com".into(),
        password: SecretString::from(PASSWORD),
    };
    podero::client::PasswordFlow::new(&podero::client::Server::Custom(custom(server)), credentials)
        .unwrap()
        .paused_manager()
}

fn podero_token(access: &str, refresh: &str, expires_in: i64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"access_token": access, "expires_in": expires_in, "token_type": "Bearer", "scope": "read", "refresh_token": refresh}),
    )
}

const PODERO_TOKEN: &str = "/api/partners/v2.0/auth/token";

#[tokio::test(start_paused = true)]
async fn podero_password_grant_then_refresh_grant_on_expiry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PODERO_TOKEN))
        .and(body_json(json!({"grant_type": "password", "username": "partner@example.com", "password": PASSWORD})))
        .respond_with(podero_token("access-1", "refresh-1", 300))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(PODERO_TOKEN))
        .and(body_json(
            json!({"grant_type": "refresh_token", "refresh_token": "refresh-1"}),
        ))
        .respond_with(podero_token("access-2", "refresh-2", 300))
        .expect(1)
        .mount(&server)
        .await;
    let auth = podero_password(&server);
    assert_eq!(auth.access_token().await.unwrap().expose(), "access-1");
    advance(Duration::from_secs(239)).await;
    assert_eq!(
        auth.access_token().await.unwrap().expose(),
        "access-1",
        "still fresh before the margin"
    );
    advance(Duration::from_secs(1)).await;
    assert_eq!(
        auth.access_token().await.unwrap().expose(),
        "access-2",
        "refreshed 60 s before expiry"
    );
}

#[tokio::test(start_paused = true)]
async fn podero_refused_refresh_falls_back_to_the_password_grant_once() {
    let server = MockServer::start().await;
    let password_body =
        json!({"grant_type": "password", "username": "partner@example.com", "password": PASSWORD});
    Mock::given(body_json(password_body.clone()))
        .respond_with(podero_token("access-1", "refresh-1", 300))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(body_json(
        json!({"grant_type": "refresh_token", "refresh_token": "refresh-1"}),
    ))
    .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
    .expect(1)
    .mount(&server)
    .await;
    Mock::given(body_json(password_body))
        .respond_with(podero_token("access-2", "refresh-2", 300))
        .expect(1)
        .mount(&server)
        .await;
    let auth = podero_password(&server);
    assert_eq!(auth.access_token().await.unwrap().expose(), "access-1");
    advance(Duration::from_secs(300)).await;
    assert_eq!(auth.access_token().await.unwrap().expose(), "access-2");
}

// ---- Cobee: camelCase JSON credentials, documented errors that do not match ----

fn cobee_auth(server: &MockServer) -> cobee::client::ClientCredentialsAuth {
    let credentials = cobee::client::ClientCredentialsCredentials {
        client_id: CLIENT_ID.into(),
        client_secret: SecretString::from(CLIENT_SECRET),
    };
    cobee::client::ClientCredentialsFlow::new(
        &cobee::client::Server::Custom(format!("{}/api/v3", server.uri())),
        credentials,
    )
    .unwrap()
    .paused_manager()
}

#[tokio::test(start_paused = true)]
async fn cobee_sends_camel_case_credentials_and_reads_camel_case_tokens() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v3/oauth/token"))
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"accessToken": "eyJ.cobee", "tokenType": "Bearer", "expiresIn": 86400}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let auth = cobee_auth(&server);
    assert_eq!(auth.access_token().await.unwrap().expose(), "eyJ.cobee");
    advance(Duration::from_secs(86400 - 61)).await;
    assert_eq!(
        auth.access_token().await.unwrap().expose(),
        "eyJ.cobee",
        "cached for its lifetime"
    );
}

#[tokio::test]
async fn cobee_documented_error_examples_keep_status_and_raw_body() {
    let server = MockServer::start().await;
    let bad_request = json!({"code": "validation_error", "message": "body: must have required property 'clientId'"});
    Mock::given(path("/api/v3/oauth/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(bad_request))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v3/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "Unauthorized"})))
        .mount(&server)
        .await;
    let auth = cobee_auth(&server);
    for expected in [400, 401] {
        let error = auth.access_token().await.unwrap_err();
        match error.kind() {
            ErrorKind::Status {
                status,
                documented,
                body,
            } => {
                assert_eq!(status.as_u16(), expected);
                // The examples contradict the `Error` schema (`error` is required): not decoded, never lost.
                assert!(documented.is_none());
                assert!(body.text().contains("message"), "{}", body.text());
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(!format!("{error} {error:?}").contains(CLIENT_SECRET));
    }
}

#[tokio::test]
async fn cobee_typed_operation_decodes_a_matching_error_body() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v3/oauth/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": 401, "message": "Unauthorized"})),
        )
        .mount(&server)
        .await;
    let client = cobee::client::Client::new(
        &cobee::client::Server::Custom(format!("{}/api/v3", server.uri())),
        http(),
    )
    .unwrap();
    let body = cobee::types::AuthenticateRequest {
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
    };
    let error = client.post_oauth_token(Some(&body)).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        error.documented(),
        Some(&cobee::types::Error {
            error: 401,
            message: "Unauthorized".into()
        })
    );
}

// ---- Zype: password or linked device, then refresh; `expires_in` is a number ----

fn zype_auth(
    server: &MockServer,
    login: zype::client::PasswordLogin,
) -> zype::client::PasswordAuth {
    let credentials = zype::client::PasswordCredentials {
        client_id: CLIENT_ID.into(),
        client_secret: SecretString::from(CLIENT_SECRET),
        login,
    };
    zype::client::PasswordFlow::new(&zype::client::Server::Custom(custom(server)), credentials)
        .unwrap()
        .paused_manager()
}

fn zype_password() -> zype::client::PasswordLogin {
    zype::client::PasswordLogin::Password {
        username: "viewer@example.com".into(),
        password: SecretString::from(PASSWORD),
    }
}

#[tokio::test(start_paused = true)]
async fn zype_password_grant_refreshes_and_keeps_the_old_refresh_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_json(json!({
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "username": "viewer@example.com", "password": PASSWORD, "grant_type": "password"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "zype-1", "token_type": "bearer", "expires_in": 7200.5,
            "refresh_token": "zrt-1", "scope": "consumer"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let refresh = json!({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "refresh_token", "refresh_token": "zrt-1"});
    // The refresh answer carries no refresh token: the old one stays in use.
    Mock::given(body_json(refresh))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "zype-2", "token_type": "BEARER", "expires_in": "7200"}),
        ))
        .expect(2)
        .mount(&server)
        .await;
    let auth = zype_auth(&server, zype_password());
    assert_eq!(auth.access_token().await.unwrap().expose(), "zype-1");
    advance(Duration::from_secs(7200)).await;
    let second = auth.access_token().await.unwrap();
    assert_eq!(second.expose(), "zype-2");
    assert_eq!(
        second.bearer_header().to_str().unwrap(),
        "Bearer zype-2",
        "`bearer`/`BEARER` are always sent as `Bearer`"
    );
    advance(Duration::from_secs(7200)).await;
    assert_eq!(auth.access_token().await.unwrap().expose(), "zype-2");
}

#[tokio::test]
async fn zype_linked_device_login_sends_device_and_pin_only() {
    let server = MockServer::start().await;
    Mock::given(body_json(json!({
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "linked_device_id": "device-7", "pin": PIN, "grant_type": "password"
    })))
    .respond_with(token("device-token", json!(3600.0)))
    .expect(1)
    .mount(&server)
    .await;
    let login = zype::client::PasswordLogin::LinkedDevice {
        linked_device_id: "device-7".into(),
        pin: SecretString::from(PIN),
    };
    assert_eq!(
        zype_auth(&server, login)
            .access_token()
            .await
            .unwrap()
            .expose(),
        "device-token"
    );
}

#[tokio::test]
async fn zype_400_and_401_decode_into_the_one_shared_error_type() {
    let server = MockServer::start().await;
    let body = json!({"error": "invalid_grant", "error_description": "The provided authorization grant is invalid"});
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let error = zype_auth(&server, zype_password())
        .access_token()
        .await
        .unwrap_err();
    let documented: &zype::types::TokenErrorResponse = error.documented().expect("decoded");
    assert_eq!(documented.error.as_deref(), Some("invalid_grant"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
}

// ---- Behaviour shared by every flow, exercised through generated ones ----

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_callers_on_a_cold_cache_make_one_request() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v3/oauth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_millis(50))
                .set_body_json(json!({"accessToken": "shared", "expiresIn": 3600})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let auth = cobee_auth(&server);
    let callers: Vec<_> = (0..100)
        .map(|_| {
            tokio::spawn({
                let auth = auth.clone();
                async move { auth.access_token().await.map(|t| t.expose().to_owned()) }
            })
        })
        .collect();
    for caller in callers {
        assert_eq!(caller.await.unwrap().unwrap(), "shared");
    }
}

#[tokio::test]
async fn a_401_from_the_api_replays_once_with_a_new_token() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth2/token/"))
        .respond_with(token("stale", json!(3600)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/oauth2/token/"))
        .respond_with(token("fresh", json!(3600)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/partners/v2.0/org/o1/users"))
        .and(header("authorization", "Bearer stale"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/partners/v2.0/org/o1/users"))
        .and(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let auth = podero_client_credentials(&server);
    let url = format!("{}/api/partners/v2.0/org/o1/users", server.uri());
    let request = auth.http().client().get(url).build().unwrap();
    assert_eq!(auth.send(request).await.unwrap().status().as_u16(), 200);
}

#[tokio::test]
async fn bad_credentials_do_not_loop() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth2/token/"))
        .respond_with(token("t", json!(3600)))
        .expect(1..=2)
        .mount(&server)
        .await;
    Mock::given(path("/api/data"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1..=2)
        .mount(&server)
        .await;
    let auth = podero_client_credentials(&server);
    let request = auth
        .http()
        .client()
        .get(format!("{}/api/data", server.uri()))
        .build()
        .unwrap();
    assert_eq!(auth.send(request).await.unwrap().status().as_u16(), 401);
}

#[tokio::test(start_paused = true)]
async fn transient_failures_are_retried_and_400_is_not() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v3/oauth/token"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v3/oauth/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"accessToken": "after-503", "expiresIn": 60})),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let auth = cobee_auth(&server);
    assert_eq!(auth.access_token().await.unwrap().expose(), "after-503");

    let server = MockServer::start().await;
    Mock::given(path("/api/v3/oauth/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"message": "bad"})))
        .expect(1)
        .mount(&server)
        .await;
    let error = cobee_auth(&server).access_token().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
}

#[tokio::test(start_paused = true)]
async fn retry_after_on_429_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/oauth/token"))
        .respond_with(token("after-429", json!(3600)))
        .expect(1)
        .mount(&server)
        .await;
    let started = tokio::time::Instant::now();
    let auth = zype_auth(&server, zype_password());
    assert_eq!(auth.access_token().await.unwrap().expose(), "after-429");
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "waited {:?}",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn malformed_token_responses_are_errors_that_keep_status_and_body() {
    let cases: Vec<(ResponseTemplate, u16, &str)> = vec![
        (
            ResponseTemplate::new(502).set_body_string("<html><h1>Bad Gateway</h1></html>"),
            502,
            "Bad Gateway",
        ),
        (
            ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"),
            200,
            "maintenance",
        ),
        (
            ResponseTemplate::new(200).set_body_string(r#"{"accessToken": "tru"#),
            200,
            "accessToken",
        ),
        (
            ResponseTemplate::new(200).set_body_json(json!({"accessToken": 42})),
            200,
            "accessToken",
        ),
        (ResponseTemplate::new(200), 200, ""),
        (
            ResponseTemplate::new(200).set_body_string("x".repeat(1 << 20)),
            200,
            "xxxx",
        ),
    ];
    for (response, status, fragment) in cases {
        let server = MockServer::start().await;
        Mock::given(path("/api/v3/oauth/token"))
            .respond_with(response)
            .mount(&server)
            .await;
        let error = cobee_auth(&server).access_token().await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error}");
        let body = error.body().expect("raw body kept");
        assert!(body.text().contains(fragment), "{status}: {}", body.text());
    }
}

#[tokio::test]
async fn plain_http_is_refused_except_on_loopback() {
    let credentials = cobee::client::ClientCredentialsCredentials {
        client_id: CLIENT_ID.into(),
        client_secret: SecretString::from(CLIENT_SECRET),
    };
    let remote = cobee::client::ClientCredentialsFlow::new(
        &cobee::client::Server::Custom("http://partners-api.cobee.io/api/v3".into()),
        credentials.clone(),
    );
    assert!(remote.is_err());
    let loopback = cobee::client::ClientCredentialsFlow::new(
        &cobee::client::Server::Custom("http://127.0.0.1:9/api/v3".into()),
        credentials,
    );
    assert!(loopback.is_ok());
    assert!(cobee::client::Server::PartnersApiCobeeIo.base_url().is_ok());
}

#[tokio::test]
async fn a_redirect_from_the_token_endpoint_is_not_followed() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/elsewhere", server.uri())),
        )
        .mount(&server)
        .await;
    Mock::given(path("/elsewhere"))
        .respond_with(token("leaked", json!(3600)))
        .expect(0)
        .mount(&server)
        .await;
    let error = zype_auth(&server, zype_password())
        .access_token()
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Redirect { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn no_secret_appears_in_debug_display_or_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})))
        .mount(&server)
        .await;
    let auth = zype_auth(&server, zype_password());
    let error = auth.access_token().await.unwrap_err();
    let login = zype::client::PasswordLogin::LinkedDevice {
        linked_device_id: "d".into(),
        pin: SecretString::from(PIN),
    };
    let credentials = zype::client::PasswordCredentials {
        client_id: CLIENT_ID.into(),
        client_secret: SecretString::from(CLIENT_SECRET),
        login,
    };
    let flow =
        zype::client::PasswordFlow::new(&zype::client::Server::LoginZypeCom, credentials.clone())
            .unwrap();
    let texts = [
        format!("{error}"),
        format!("{error:?}"),
        format!("{credentials:?}"),
        format!("{flow:?}"),
        format!("{auth:?}"),
    ];
    for text in &texts {
        for secret in [CLIENT_SECRET, PASSWORD, PIN] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
    }
    assert!(flow.has_refresh_grant());
}

#[test]
fn servers_come_from_the_documents_with_no_default() {
    assert_eq!(
        podero::client::Server::Production
            .base_url()
            .unwrap()
            .as_url()
            .as_str(),
        "https://app.podero.com/"
    );
    let sandbox = podero::client::Server::Sandbox {
        subdomain: "acme-sandbox".into(),
    };
    assert_eq!(
        sandbox.base_url().unwrap().as_url().as_str(),
        "https://acme-sandbox.podero.com/"
    );
    assert_eq!(
        cobee::client::Server::PrePartnersApiCobeeIo
            .base_url()
            .unwrap()
            .as_url()
            .as_str(),
        "https://pre-partners-api.cobee.io/api/v3"
    );
    let _ = RetryPolicy::none();
}
