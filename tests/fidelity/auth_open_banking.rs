//! Two OAuth 2.0 schemes, one per operation (Open Banking: the TPP's token for
//! consents, the customer's for payments): each call sends its own scheme's token and
//! none is sent where it does not belong.

use auth_runtime::oauth::OAuthClient;
use auth_runtime::{Auth, Http, HttpOptions, SecretString};
use fidelity_auth_open_banking::client::*;
use fidelity_auth_open_banking::types::*;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn http() -> Http {
    let options = HttpOptions::default();
    Http::with_client(Http::client_builder(&options).unwrap().no_proxy().build().unwrap(), options)
}

async fn bank() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/ob/domestic-vrp-consents"))
        .and(header("authorization", "Bearer tpp-token"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"consentId": "c-1"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/ob/domestic-vrps"))
        .and(header("authorization", "Bearer psu-token"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/ob/status")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    server
}

fn authorizations(requests: &[Request]) -> Vec<Option<String>> {
    requests
        .iter()
        .map(|r| r.headers.get("authorization").map(|v| v.to_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn each_operation_sends_its_own_schemes_token() {
    let server = bank().await;
    let client = Client::new(&Server::Custom(format!("{}/ob", server.uri())), http()).unwrap();
    let tpp_only = client.clone().with_tppo_auth2_security(Auth::bearer("tpp-token"));
    let consent = tpp_only.create_consent(&CreateConsentRequest { amount: Some("10.00".into()) }).await.unwrap();
    assert_eq!(consent.body.consent_id.as_deref(), Some("c-1"));
    // The payment needs the customer's token, which is not set: no request is made.
    let refused = tpp_only.create_payment().await.unwrap_err();
    assert!(refused.to_string().contains("PSUOAuth2Security"), "{refused}");
    let both = tpp_only.with_psuo_auth2_security(Auth::bearer("psu-token"));
    both.create_payment().await.unwrap();
    // `security: []`: no credentials at all.
    both.status().await.unwrap();
    let sent = authorizations(&server.received_requests().await.unwrap());
    assert_eq!(sent, [Some("Bearer tpp-token".into()), Some("Bearer psu-token".into()), None]);
}

#[tokio::test]
async fn the_schemes_build_flows_with_the_documents_urls() {
    let server = Server::Custom("https://ob.example.com/open-banking/v3.1".into());
    let tpp = TppoAuth2SecurityScheme::new(&server).unwrap();
    tpp.client_credentials(OAuthClient::new("tpp").secret(SecretString::from("s")).scope("payments")).unwrap();
    assert!(TppoAuth2SecurityScheme::SCOPES.iter().any(|(name, _)| *name == "accounts"));
    let psu = PsuoAuth2SecurityScheme::new(&server).unwrap();
    let flow = psu.authorization_code(OAuthClient::new("tpp").scope("payments"), "https://tpp.example.com/cb").unwrap();
    let request = flow.start(&http()).await.unwrap();
    assert_eq!(request.url.host_str(), Some("auth.ob.example.com"));
    assert_eq!(request.url.path(), "/as/authorization.oauth2");
    let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    for key in ["state", "code_challenge", "redirect_uri", "scope"] {
        assert!(query.iter().any(|(k, _)| k == key), "{key} in {query:?}");
    }
}
