//! `ApiClient` against a real server on loopback: a token manager's token on every call,
//! one replay with a new token after `401`, no loop when credentials are bad, and no
//! call at all when no credentials fit the operation.

mod common;

use auth_runtime::{ApiClient, ApiRequest, Auth, BaseUrl, Method, TokenManager};
use common::*;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn token_answer(token: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"access_token": token, "expires_in": 3600}))
}

async fn api(server: &MockServer) -> ApiClient {
    let flow = TestFlow::new(server);
    let manager = TokenManager::new(flow, http(), paused_options());
    let base = BaseUrl::parse(&format!("{}/api", server.uri())).unwrap();
    ApiClient::new(base, http()).with_auth("oauth", Auth::tokens(manager))
}

fn request() -> ApiRequest {
    ApiRequest::new(Method::GET, "/things").security(&[&["oauth"]])
}

#[tokio::test]
async fn a_refused_token_is_replaced_and_the_call_replayed_once() {
    let server = MockServer::start().await;
    Mock::given(path(TOKEN_PATH))
        .respond_with(token_answer("old"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(TOKEN_PATH))
        .respond_with(token_answer("new"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer old"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer new"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let answer = api(&server).await.send(request()).await.unwrap();
    assert_eq!(answer.status.as_u16(), 200);
}

#[tokio::test]
async fn bad_credentials_do_not_loop() {
    let server = MockServer::start().await;
    Mock::given(path(TOKEN_PATH))
        .respond_with(token_answer("t"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .expect(2)
        .mount(&server)
        .await;
    let answer = api(&server).await.send(request()).await.unwrap();
    assert_eq!(answer.status.as_u16(), 401);
}

#[tokio::test]
async fn no_fitting_credentials_means_no_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let base = BaseUrl::parse(&server.uri()).unwrap();
    let error = ApiClient::new(base, http())
        .send(request())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("it accepts oauth"), "{error}");
}

#[tokio::test]
async fn a_token_with_surrounding_spaces_is_sent_trimmed() {
    let server = MockServer::start().await;
    Mock::given(path(TOKEN_PATH))
        .respond_with(token_answer("  TOK  "))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer TOK"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let answer = api(&server).await.send(request()).await.unwrap();
    assert_eq!(answer.status.as_u16(), 200);
}
