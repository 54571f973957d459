//! A document that declares only `oauth2.clientCredentials.tokenUrl`: its generated
//! scheme client gets tokens from a real OAuth 2.0 server (oauth2-mock-server, started
//! by the outer test; `OAUTH_SERVER_URL`), and the operation sends them.

use auth_runtime::oauth::OAuthClient;
use auth_runtime::{Auth, Http, HttpOptions, SecretString};
use fidelity_auth_client_credentials::client::*;
use wiremock::matchers::{header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn http() -> Http {
    let options = HttpOptions::default();
    Http::with_client(Http::client_builder(&options).unwrap().no_proxy().build().unwrap(), options)
}

#[tokio::test]
async fn the_scheme_alone_gives_a_working_client() {
    let oauth = std::env::var("OAUTH_SERVER_URL").expect("the outer test starts the OAuth2 server");
    assert_eq!(Oauth2Scheme::SCOPES, &[("orders:read", "read orders"), ("orders:write", "change orders")]);
    // The relative `tokenUrl` (`/token`) resolves against the server given here.
    let scheme = Oauth2Scheme::new(&Server::Custom(oauth)).unwrap();
    let client = OAuthClient::new("app").secret(SecretString::from("app-secret")).scope("orders:read");
    let tokens = scheme.client_credentials(client).unwrap().into_manager(http());

    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/orders/7"))
        .and(header_regex("authorization", "^Bearer eyJ[A-Za-z0-9_.-]+$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "7"})))
        .expect(2)
        .mount(&api)
        .await;
    let client = Client::new(&Server::Custom(format!("{}/v2", api.uri())), http()).unwrap().with_oauth2(Auth::tokens(tokens));
    for _ in 0..2 {
        let order = client.get_order("7").await.unwrap();
        assert_eq!(order.body.id.as_deref(), Some("7"));
    }
}

#[test]
fn an_insecure_token_url_is_refused() {
    let scheme = Oauth2Scheme::new(&Server::Custom("http://api.example.com".into()));
    assert!(scheme.is_err(), "plain http to another host");
}
