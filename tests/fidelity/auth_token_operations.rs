//! A token operation whose body is a union by `grant_type` under a path parameter:
//! its client-credentials and password flows send their own variant with HTTP Basic
//! to the path the app configured, and refresh with the refresh variant.

use auth_runtime::{Http, HttpOptions, SecretString};
use fidelity_auth_token_operations::client::*;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn http() -> Http {
    let options = HttpOptions::default();
    Http::with_client(Http::client_builder(&options).unwrap().no_proxy().build().unwrap(), options)
}

fn token(access: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "access_token": access, "token_type": "Bearer", "expires_in": expires_in, "refresh_token": "rt-1"
    }))
}

const BASIC: &str = "Basic YXBwOnM="; // app:s

#[tokio::test]
async fn password_then_refresh_with_the_configured_path() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/aus%201/v1/token"))
        .and(header("authorization", BASIC))
        .and(body_string("grant_type=password&username=ann&password=pw&scope=openid"))
        .respond_with(token("at-1", 1))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth2/aus%201/v1/token"))
        .and(header("authorization", BASIC))
        .and(body_string("grant_type=refresh_token&refresh_token=rt-1&scope=openid"))
        .respond_with(token("at-2", 3600))
        .expect(1)
        .mount(&server)
        .await;
    let credentials = PasswordCredentials {
        client_id: "app".into(),
        client_secret: SecretString::from("s"),
        username: "ann".into(),
        password: SecretString::from("pw"),
        scope: "openid".into(),
    };
    let flow = PasswordFlow::new(&Server::Custom(server.uri()), "aus 1", credentials).unwrap();
    let tokens = flow.into_manager(http());
    assert_eq!(tokens.access_token().await.unwrap().expose(), "at-1");
    // Lifetime 1 s, margin half of it.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(tokens.access_token().await.unwrap().expose(), "at-2");
}

#[tokio::test]
async fn client_credentials_send_their_own_variant() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/default/v1/token"))
        .and(header("authorization", BASIC))
        .and(body_string("grant_type=client_credentials&scope=api"))
        .respond_with(token("at-cc", 3600))
        .expect(1)
        .mount(&server)
        .await;
    let credentials = ClientCredentialsCredentials { client_id: "app".into(), client_secret: SecretString::from("s"), scope: "api".into() };
    let flow = ClientCredentialsFlow::new(&Server::Custom(server.uri()), "default", credentials).unwrap();
    assert_eq!(flow.into_manager(http()).access_token().await.unwrap().expose(), "at-cc");
}
