//! The generated methods of `fixtures/fidelity/operations.yaml` against a real HTTP
//! server on loopback (wiremock): parameters, bodies, answers, credentials, retries and
//! redirects as they travel.

use auth_runtime::{Auth, BasicAuth, Http, HttpOptions, RetryPolicy, SecretString};
use fidelity_operations::client::*;
use fidelity_operations::types::*;
use serde_json::json;
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn http() -> Http {
    let options = HttpOptions {
        retry: RetryPolicy {
            initial_backoff: std::time::Duration::from_millis(1),
            ..RetryPolicy::default()
        },
        ..HttpOptions::default()
    };
    let client = Http::client_builder(&options).unwrap().no_proxy().build().unwrap();
    Http::with_client(client, options)
}

fn client(server: &MockServer) -> Client {
    Client::new(&Server::Custom(format!("{}/v1", server.uri())), http()).unwrap()
}

fn received(server_requests: &[Request]) -> &Request {
    server_requests.last().expect("a request arrived")
}

#[tokio::test]
async fn parameters_go_where_and_as_the_document_says() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![0x89, b'P', b'N', b'G']).insert_header("content-type", "image/png"))
        .mount(&server)
        .await;
    let params = GetPhotoParams {
        tags: Some(vec!["a b".into(), "c".into()]),
        ids: Some(vec![1, 2]),
        filter: Some(GetPhotoFilter { color: Some("red".into()), size: Some(3) }),
        sep: Some(vec!["x".into(), "y".into()]),
        x_trace: "t-1".into(),
        session: Some("s=1".into()),
    };
    let photo = client(&server)
        .with_api_key_header(SecretString::from("key-123"))
        .get_photo(7, "a/b c", "lbl", &params)
        .await
        .unwrap();
    assert_eq!(photo.status.as_u16(), 200);
    assert_eq!(&photo.body[..], &[0x89, b'P', b'N', b'G']);
    let requests = server.received_requests().await.unwrap();
    let request = received(&requests);
    // `/` inside a path value is encoded: it never adds a segment.
    assert_eq!(request.url.path(), "/v1/pets/7/photos/a%2Fb%20c.lbl");
    assert_eq!(
        request.url.query(),
        Some("tags=a%20b&tags=c&ids=1,2&filter%5Bcolor%5D=red&filter%5Bsize%5D=3&sep=x%7Cy")
    );
    assert_eq!(request.headers.get("x-trace").unwrap(), "t-1");
    assert_eq!(request.headers.get("x-api-key").unwrap(), "key-123");
    assert_eq!(request.headers.get("cookie").unwrap(), "session=s%3D1");
}

#[tokio::test]
async fn header_values_cannot_inject_headers() {
    let server = MockServer::start().await;
    let params = GetPhotoParams {
        tags: None,
        ids: None,
        filter: None,
        sep: None,
        x_trace: "a\r\nX-Evil: 1".into(),
        session: None,
    };
    let error = client(&server)
        .with_api_key_header(SecretString::from("k"))
        .get_photo(1, "f", "l", &params)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("X-Trace"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_first_configured_alternative_is_used() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("api_key", "q-key"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![1]))
        .expect(1)
        .mount(&server)
        .await;
    let params = GetPhotoParams { tags: None, ids: None, filter: None, sep: None, x_trace: "t".into(), session: None };
    client(&server)
        .with_api_key_query(SecretString::from("q-key"))
        .get_photo(1, "f", "l", &params)
        .await
        .unwrap();
    let error = client(&server).get_photo(1, "f", "l", &params).await.unwrap_err();
    assert!(error.to_string().contains("apiKeyHeader, or apiKeyQuery"), "{error}");
}

#[tokio::test]
async fn json_and_form_bodies_and_answers_by_status() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/pets"))
        .and(header("authorization", "Bearer tok"))
        .and(body_json(json!({"name": "Rex", "owner": {"first": "Ann"}})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 5})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/pets"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("name=Rex&owner%5Bfirst%5D=Ann"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({"existing": 5})))
        .mount(&server)
        .await;
    let client = client(&server).with_bearer(Auth::bearer("tok"));
    let pet = Pet { id: None, name: "Rex".into(), owner: Some(PetOwner { first: Some("Ann".into()), last: None }) };
    let created = client.create_pet(CreatePetBody::Json(pet.clone())).await.unwrap();
    assert!(matches!(created.body, CreatePetResponse::Status201(Created { id: Some(5) })));
    let conflict = client.create_pet(CreatePetBody::Form(pet)).await.unwrap_err();
    assert_eq!(conflict.status().map(|s| s.as_u16()), Some(409));
    assert!(matches!(conflict.documented(), Some(CreatePetError::Status409(Conflict { existing: Some(5) }))));
}

#[tokio::test]
async fn undocumented_statuses_keep_status_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(418)
                .set_body_string("short and stout")
                .insert_header("x-request-id", "req-1")
                .insert_header("set-cookie", "session=echoed-secret"),
        )
        .mount(&server)
        .await;
    let client = client(&server).with_bearer(Auth::bearer("tok"));
    let error = client.create_pet(CreatePetBody::Json(Pet { id: None, name: "x".into(), owner: None })).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(418));
    assert_eq!(error.body().unwrap().text(), "short and stout");
    // The answer's headers are kept for the app (a request ID for support), and only
    // their names are shown by Debug.
    assert_eq!(error.headers().unwrap().get("x-request-id").unwrap(), "req-1");
    let debug = format!("{error:?}");
    assert!(debug.contains("x-request-id") && !debug.contains("echoed-secret"), "{debug}");
    // `default` documents text: it decodes for any status not listed.
    assert!(matches!(error.documented(), Some(CreatePetError::Default(text)) if text == "short and stout"));
}

#[tokio::test]
async fn no_content_basic_auth_and_no_retry_of_post() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/pets/a%20b"))
        .and(header("authorization", "Basic dXNlcjpwYXNz"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).with_basic(BasicAuth::new("user", SecretString::from("pass")));
    let deleted = client.delete_pet("a b").await.unwrap();
    assert_eq!(deleted.status.as_u16(), 204);

    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).expect(1).mount(&server).await;
    let client = self::client(&server).with_bearer(Auth::bearer("tok"));
    let error = client.create_pet(CreatePetBody::Json(Pet { id: None, name: "x".into(), owner: None })).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn safe_methods_are_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"name": "Rex"}])))
        .mount(&server)
        .await;
    // `security: []`: no credentials needed.
    let pets = client(&server).list_pets(&ListPetsParams { limit: Some(1) }).await.unwrap();
    assert_eq!(pets.body[0].name, "Rex");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn multipart_with_a_file_part() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "u1"})))
        .mount(&server)
        .await;
    let body = UploadRequest {
        file: auth_runtime::Bytes::from_static(b"\x89PNG-bytes"),
        note: Some("hello".into()),
        meta: Some(UploadRequestMeta { size: Some(9) }),
        pages: Some(vec![auth_runtime::Bytes::from_static(b"p1"), auth_runtime::Bytes::from_static(b"p2")]),
        tags: Some(vec!["a".into(), "b".into()]),
        labels: Some(vec!["x".into()]),
    };
    let uploaded = client(&server).with_oauth(Auth::bearer("tok")).upload(Some(&body)).await.unwrap();
    assert_eq!(uploaded.body.id.as_deref(), Some("u1"));
    let requests = server.received_requests().await.unwrap();
    let request = received(&requests);
    let content_type = request.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let text = String::from_utf8_lossy(&request.body);
    assert!(text.contains("name=\"file\"; filename=\"file\"\r\nContent-Type: image/png\r\n\r\n\u{fffd}PNG-bytes"), "{text}");
    // Arrays: one part per item under the property's name, unless the encoding says JSON.
    assert!(text.contains("name=\"pages\"; filename=\"pages\"\r\nContent-Type: application/octet-stream\r\n\r\np1\r\n"), "{text}");
    assert!(text.contains("name=\"pages\"; filename=\"pages\"\r\nContent-Type: application/octet-stream\r\n\r\np2\r\n"), "{text}");
    assert!(text.contains("name=\"tags\"\r\n\r\na\r\n") && text.contains("name=\"tags\"\r\n\r\nb\r\n"), "{text}");
    assert!(text.contains("name=\"labels\"\r\nContent-Type: application/json\r\n\r\n[\"x\"]\r\n"), "{text}");
    assert!(text.contains("name=\"note\"\r\n\r\nhello"), "{text}");
    assert!(text.contains("name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"size\":9}"), "{text}");
}

#[tokio::test]
async fn octet_stream_in_text_out_cookie_key() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(header("content-type", "application/octet-stream"))
        .and(header("cookie", "key=c-1"))
        .and(body_string("raw\u{0}bytes"))
        .respond_with(ResponseTemplate::new(200).set_body_string("echo"))
        .mount(&server)
        .await;
    let answer = client(&server)
        .with_cookie_key(SecretString::from("c-1"))
        .put_raw(auth_runtime::Bytes::from_static(b"raw\0bytes"))
        .await
        .unwrap();
    assert_eq!(answer.body, "echo");
}

#[tokio::test]
async fn redirects_stay_on_the_origin_with_credentials() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!([]))).expect(0).mount(&elsewhere).await;
    let server = MockServer::start().await;
    Mock::given(path("/v1/pets"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/v1/moved"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/moved"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/stolen", elsewhere.uri())))
        .mount(&server)
        .await;
    let client = client(&server).with_bearer(Auth::bearer("secret-token"));
    let error = client.create_pet(CreatePetBody::Json(Pet { id: None, name: "x".into(), owner: None })).await.unwrap_err();
    // The same-origin redirect was followed; the one to another origin was not.
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].url.path(), "/v1/moved");
    assert_eq!(requests[1].headers.get("authorization").unwrap(), "Bearer secret-token");
}

#[tokio::test]
#[allow(deprecated)]
async fn text_in_json_api_out_and_statuses_nothing_documents() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/v1/notes/;id=n%201"))
        .and(header("content-type", "text/plain"))
        .and(body_string("hello, world"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"data":{"id":"n 1"}}"#, "application/vnd.api+json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(404).set_body_string("no such note"))
        .mount(&server)
        .await;
    let client = client(&server);
    let note = client.set_note("n 1", "hello, world").await.unwrap();
    assert_eq!(note.body.data.and_then(|d| d.id).as_deref(), Some("n 1"));
    // No `default` and no 404 in the document: the status and the raw body stay.
    let error = client.set_note("n 1", "again").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.body().unwrap().text(), "no such note");
    assert!(error.documented().is_none());
}

#[tokio::test]
async fn post_is_retried_only_when_the_app_opts_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1}))).mount(&server).await;
    let options = auth_runtime::CallOptions { retry_unsafe: true, ..Default::default() };
    let client = client(&server).with_bearer(Auth::bearer("tok")).with_options(options);
    let created = client.create_pet(CreatePetBody::Json(Pet { id: None, name: "x".into(), owner: None })).await.unwrap();
    assert!(matches!(created.body, CreatePetResponse::Status201(Created { id: Some(1) })));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
