//! The included client works like a generated crate's.

use auth_runtime::{Auth, Http, HttpOptions};
use build_script_example::petstore::client::{Client, PetstoreAuthScheme, Server};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_included_client_calls_the_api() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/pets/7"))
        .and(header("authorization", "Bearer t"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 7, "name": "Rex"})),
        )
        .mount(&server)
        .await;
    let options = HttpOptions::default();
    let http = Http::with_client(
        Http::client_builder(&options)
            .unwrap()
            .no_proxy()
            .build()
            .unwrap(),
        options,
    );
    let client = Client::new(&Server::Custom(format!("{}/v1", server.uri())), http)
        .unwrap()
        .with_petstore_auth(Auth::bearer("t"));
    let pet = client.get_pet(7).await.unwrap();
    assert_eq!(pet.body.name, "Rex");
    assert_eq!(PetstoreAuthScheme::SCOPES, &[("pets:read", "read pets")]);
}
