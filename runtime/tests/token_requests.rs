//! Token requests against a real HTTP server on loopback: the request on the wire,
//! retries, malformed answers, redirects, URL checks.

mod common;

use std::time::Duration;

use auth_runtime::{
    BaseUrl, ConfigError, Error, ErrorKind, ExposeSecret, Http, HttpOptions, IssuedToken,
    RetryPolicy, TokenFields, TokenFlow, TokenRequest, Url, lenient_json,
};
use common::*;
use serde_json::json;
use tokio::time::Instant;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn obtain(server: &MockServer) -> Result<IssuedToken, Error<ApiError>> {
    TestFlow::new(server).obtain(&http()).await
}

fn token_mock() -> wiremock::MockBuilder {
    Mock::given(method("POST")).and(path(TOKEN_PATH))
}

#[tokio::test]
async fn exact_request_on_the_wire_with_basic_auth() {
    let server = MockServer::start().await;
    // base64("client-id-7:client-secret-Zq9")
    let basic = "Basic Y2xpZW50LWlkLTc6Y2xpZW50LXNlY3JldC1acTk=";
    token_mock()
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(header("cache-control", "no-cache"))
        .and(header("authorization", basic))
        .and(body_json(json!({"grant_type": "client_credentials"})))
        .respond_with(token_body("tok-a", json!(3600)))
        .expect(1)
        .mount(&server)
        .await;

    let token = obtain(&server).await.unwrap();
    assert_eq!(token.access_token.expose_secret(), "tok-a");
    assert_eq!(token.lifetime, Some(common::secs(3600)));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/api/v3/oauth/token");
    assert_eq!(request.url.query(), None);
    assert_eq!(request.headers["authorization"], basic);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&request.body).unwrap(),
        json!({"grant_type": "client_credentials"})
    );
}

#[tokio::test]
async fn credentials_in_the_body_are_sent_only_there() {
    let server = MockServer::start().await;
    token_mock()
        .and(body_json(json!({
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        })))
        .respond_with(token_body("tok-a", json!(60)))
        .expect(1)
        .mount(&server)
        .await;
    let flow = TestFlow::new(&server).with_body_credentials();
    flow.obtain(&http()).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("authorization"));
}

#[tokio::test]
async fn created_201_counts_as_success() {
    let server = MockServer::start().await;
    token_mock()
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"access_token": "t"})))
        .mount(&server)
        .await;
    assert!(obtain(&server).await.is_ok());
}

#[tokio::test]
async fn token_type_casing_and_lifetime_shapes_over_http() {
    for (token_type, expires_in, lifetime) in [
        (json!("bearer"), json!(3600), Some(3600.0)),
        (json!("Bearer"), json!(3600.5), Some(3600.5)),
        (json!("BEARER"), json!("3600"), Some(3600.0)),
        (json!(null), json!(null), None),
    ] {
        let server = MockServer::start().await;
        token_mock()
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "t", "token_type": token_type, "expires_in": expires_in
            })))
            .mount(&server)
            .await;
        let token = obtain(&server).await.unwrap();
        assert_eq!(token.lifetime.map(|d| d.as_secs_f64()), lifetime);
    }
    let server = MockServer::start().await;
    token_mock()
        .respond_with(token_body("t", json!(5)).set_body_json(json!({
            "access_token": "t", "token_type": "mac"
        })))
        .mount(&server)
        .await;
    let e = obtain(&server).await.unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::UnusableToken { .. }), "{e:?}");
    assert!(e.to_string().contains("`mac`"), "{e}");
}

#[tokio::test(start_paused = true)]
async fn transient_503_then_200_succeeds() {
    let server = MockServer::start().await;
    token_mock()
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    token_mock()
        .respond_with(token_body("tok-ok", json!(60)))
        .expect(1)
        .mount(&server)
        .await;
    let token = obtain(&server).await.unwrap();
    assert_eq!(token.access_token.expose_secret(), "tok-ok");
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_is_honoured() {
    let server = MockServer::start().await;
    token_mock()
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "2"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    token_mock()
        .respond_with(token_body("tok-ok", json!(60)))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    obtain(&server).await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn retry_after_http_date_is_honoured() {
    let server = MockServer::start().await;
    let later = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(30));
    token_mock()
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", later.as_str()))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    token_mock()
        .respond_with(token_body("tok-ok", json!(60)))
        .mount(&server)
        .await;
    let started = Instant::now();
    obtain(&server).await.unwrap();
    // The date is compared with the wall clock, which keeps running while the test does:
    // the virtual wait is 30 s less the real time spent (and the date's lost fraction).
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(20), "{elapsed:?}");
    assert!(elapsed <= Duration::from_secs(30), "{elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn retry_after_longer_than_allowed_stops_retrying() {
    let server = MockServer::start().await;
    token_mock()
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "120")
                .set_body_json(json!({"message": "slow down"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let e = obtain(&server).await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(e.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(
        e.documented().and_then(|d| d.message.as_deref()),
        Some("slow down")
    );
}

#[tokio::test(start_paused = true)]
async fn client_errors_are_never_retried() {
    for status in [400, 401, 403, 404, 422] {
        let server = MockServer::start().await;
        token_mock()
            .respond_with(
                ResponseTemplate::new(status).set_body_json(json!({"error": "invalid_client"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let e = obtain(&server).await.unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(e.attempts(), 1);
        assert_eq!(
            e.documented().and_then(|d| d.error.as_deref()),
            Some("invalid_client")
        );
    }
}

#[tokio::test]
async fn status_error_message_is_useful() {
    let server = MockServer::start().await;
    token_mock()
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_raw(r#"{"message":"Unauthorized"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let e = obtain(&server).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"token endpoint answered 401 Unauthorized: {"message":"Unauthorized"}"#
    );
    // The documented schema says `error`, the server sends `message` only: still decoded
    // leniently, and the raw body is kept either way.
    assert_eq!(
        e.documented(),
        Some(&ApiError {
            error: None,
            message: Some("Unauthorized".into())
        })
    );
}

#[tokio::test(start_paused = true)]
async fn html_502_after_retries_keeps_status_and_body() {
    let server = MockServer::start().await;
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    token_mock()
        .respond_with(ResponseTemplate::new(502).set_body_raw(html, "text/html"))
        .expect(3)
        .mount(&server)
        .await;
    let e = obtain(&server).await.unwrap_err();
    match e.kind() {
        ErrorKind::Status {
            status,
            documented,
            body,
        } => {
            assert_eq!(status.as_u16(), 502);
            assert!(documented.is_none());
            assert_eq!(body.text(), html);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.attempts(), 3);
    assert!(e.to_string().contains("502 Bad Gateway: <html>"), "{e}");
    assert!(e.to_string().ends_with("(after 3 attempts)"), "{e}");
}

#[tokio::test]
async fn malformed_success_bodies_are_errors_with_status_and_body() {
    let cases: Vec<(&str, ResponseTemplate, &str)> = vec![
        (
            "html",
            ResponseTemplate::new(200).set_body_raw("<html>oops</html>", "text/html"),
            "",
        ),
        (
            "truncated json",
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"access_token":"tok-trunc","expi"#, "application/json"),
            "",
        ),
        (
            "wrong type",
            ResponseTemplate::new(200).set_body_json(json!({"access_token": 42})),
            "access_token",
        ),
        (
            "wrong refresh type",
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "tok-x", "refresh_token": []})),
            "refresh_token",
        ),
        ("empty body", ResponseTemplate::new(200), ""),
        (
            "array",
            ResponseTemplate::new(200).set_body_json(json!([1, 2])),
            "",
        ),
    ];
    for (name, template, want_path) in cases {
        let server = MockServer::start().await;
        token_mock().respond_with(template).mount(&server).await;
        let e = obtain(&server).await.unwrap_err();
        match e.kind() {
            ErrorKind::Decode {
                status, path, body, ..
            } => {
                assert_eq!(status.as_u16(), 200, "{name}");
                assert_eq!(path, want_path, "{name}");
                let shown = e.to_string();
                assert!(shown.contains("200 OK"), "{name}: {shown}");
                if !body.is_empty() {
                    assert!(shown.contains("body: "), "{name}: {shown}");
                }
                assert!(
                    !shown.contains("tok-trunc") && !shown.contains("tok-x"),
                    "{name}: {shown}"
                );
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn bodies_over_the_cap_are_errors_that_keep_the_first_bytes() {
    let server = MockServer::start().await;
    token_mock()
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(vec![b'x'; 1 << 20], "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let e = obtain(&server).await.unwrap_err();
    match e.kind() {
        ErrorKind::BodyTooLarge {
            status,
            body,
            limit,
        } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(*limit, 64 * 1024);
            assert_eq!(body.as_bytes().len(), 64 * 1024);
            assert!(body.is_truncated());
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().len() < 4300, "display is cut");

    // An error status with a huge body keeps the status.
    let server = MockServer::start().await;
    token_mock()
        .respond_with(ResponseTemplate::new(400).set_body_raw(vec![b'y'; 1 << 20], "text/plain"))
        .mount(&server)
        .await;
    let e = obtain(&server).await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    assert!(e.body().unwrap().is_truncated());
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = MockServer::start().await;
    token_mock()
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/elsewhere", server.uri())),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/elsewhere"))
        .respond_with(token_body("stolen", json!(60)))
        .expect(0)
        .mount(&server)
        .await;
    let e = obtain(&server).await.unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Redirect { status } if status.as_u16() == 302),
        "{e:?}"
    );
    assert!(e.to_string().contains("302 Found"), "{e}");
}

#[tokio::test]
async fn an_answer_from_a_followed_redirect_is_discarded() {
    let server = MockServer::start().await;
    token_mock()
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/elsewhere", server.uri())),
        )
        .mount(&server)
        .await;
    Mock::given(path("/elsewhere"))
        .respond_with(token_body("stolen", json!(60)))
        .mount(&server)
        .await;
    // An application-supplied client that (wrongly) follows redirects.
    let client = Http::client_builder(&test_options())
        .unwrap()
        .no_proxy()
        .pool_idle_timeout(None)
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .unwrap();
    let http = Http::with_client(client, test_options());
    let e = TestFlow::new(&server).obtain(&http).await.unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::RedirectFollowed { .. }),
        "{e:?}"
    );
    assert!(!format!("{e} {e:?}").contains("stolen"));
}

#[tokio::test]
async fn plain_http_is_refused_except_on_loopback() {
    let err = BaseUrl::parse("http://example.com").unwrap_err();
    assert!(matches!(err, ConfigError::InsecureUrl { .. }));
    assert!(err.to_string().contains("use https"), "{err}");

    let server = MockServer::start().await;
    assert!(server.uri().starts_with("http://127.0.0.1:"));
    assert!(BaseUrl::parse(&server.uri()).is_ok());

    // Requests are checked too, before anything is sent.
    let url = Url::parse("http://example.com/oauth/token").unwrap();
    let e = http()
        .send_token_request(TokenRequest::new(&url, "{}"))
        .await
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Config(ConfigError::InsecureUrl { .. })),
        "{e:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn timeouts_are_retried_then_reported() {
    let server = MockServer::start().await;
    token_mock()
        .respond_with(token_body("late", json!(60)).set_delay(Duration::from_secs(3600)))
        .mount(&server)
        .await;
    let options = HttpOptions {
        timeout: Some(Duration::from_secs(5)),
        ..test_options()
    };
    let started = Instant::now();
    let e = TestFlow::new(&server)
        .obtain(&test_http(options))
        .await
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Timeout { .. }), "{e:?}");
    assert_eq!(e.attempts(), 3);
    assert!(started.elapsed() >= Duration::from_secs(15));
    assert_eq!(
        e.to_string(),
        "token endpoint did not answer in time (after 3 attempts)"
    );
}

#[tokio::test(start_paused = true)]
async fn connection_refused_is_retried_then_reported() {
    let (_socket, url) = refused_url("/oauth/token");
    let e = http()
        .send_token_request(TokenRequest::new(&url, "{}"))
        .await
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Transport { .. }), "{e:?}");
    assert_eq!(e.attempts(), 3);
    let shown = e.to_string();
    assert!(
        shown.starts_with("token endpoint: could not connect"),
        "{shown}"
    );
    assert!(std::error::Error::source(&e).is_some());
}

#[tokio::test]
async fn retries_can_be_disabled() {
    let server = MockServer::start().await;
    token_mock()
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let options = HttpOptions {
        retry: RetryPolicy::none(),
        ..test_options()
    };
    let e = TestFlow::new(&server)
        .obtain(&test_http(options))
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn camel_case_wire_names() {
    let server = MockServer::start().await;
    token_mock()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "accessToken": "tok-camel", "tokenType": "BEARER", "expiresIn": 3600.0
        })))
        .mount(&server)
        .await;
    let mut flow = TestFlow::new(&server);
    flow.fields = TokenFields::CAMEL_CASE;
    let token = flow.obtain(&http()).await.unwrap();
    assert_eq!(token.access_token.expose_secret(), "tok-camel");
}

#[tokio::test]
async fn the_default_client_builds() {
    let http = Http::new(HttpOptions::default()).unwrap();
    assert_eq!(http.options().max_body_bytes, 64 * 1024);
    // The same client talks to loopback.
    let server = MockServer::start().await;
    token_mock()
        .respond_with(token_body("t", json!(60)))
        .mount(&server)
        .await;
    let raw = http
        .send_token_request(TokenRequest::new(&TestFlow::new(&server).token_url, "{}"))
        .await
        .unwrap();
    assert_eq!(raw.status.as_u16(), 200);
    let token: IssuedToken = raw
        .into_token::<ApiError>(&TokenFields::SNAKE_CASE, lenient_json)
        .unwrap();
    assert_eq!(token.access_token.expose_secret(), "t");
}
