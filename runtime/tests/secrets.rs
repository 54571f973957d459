//! No secret ever appears in `Debug`, `Display`, error chains or tracing events.

mod common;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth_runtime::{
    AccessToken, BasicAuth, Error, ExposeSecret, HttpOptions, IssuedToken, SecretString,
    TokenFields, TokenFlow, TokenManager, TokenRequest,
};
use common::*;
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACCESS: &str = "AT-SECRET-4242";
const REFRESH: &str = "RT-SECRET-4242";
// base64("client-id-7:client-secret-Zq9"): the Basic header's payload.
const BASIC_B64: &str = "Y2xpZW50LWlkLTc6Y2xpZW50LXNlY3JldC1acTk";

fn assert_clean(what: &str, text: &str) {
    for secret in [CLIENT_SECRET, ACCESS, REFRESH, BASIC_B64] {
        assert!(!text.contains(secret), "{what} shows {secret}: {text}");
    }
}

/// Everything an error can print: Display, alternate Display, Debug, the source chain.
fn render<E: std::fmt::Debug>(e: &Error<E>) -> String {
    let mut out = format!("{e}\n{e:#}\n{e:?}\n{e:#?}\n");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let _ = writeln!(out, "{s}\n{s:?}");
        source = s.source();
    }
    out
}

/// A minimal tracing subscriber that records every event's fields as text.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut text = self.0.lock().unwrap();
        event.record(&mut Fields(&mut text));
        text.push('\n');
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

fn obtain_mock() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_partial_json(
            json!({"grant_type": "client_credentials"}),
        ))
}

/// Runs a token request against an endpoint answering `template` and renders the error.
async fn error_for(template: ResponseTemplate) -> String {
    let server = MockServer::start().await;
    obtain_mock().respond_with(template).mount(&server).await;
    let flow = TestFlow::new(&server);
    let e = flow.obtain(&http()).await.unwrap_err();
    render(&e)
}

#[tokio::test(start_paused = true)]
async fn no_secret_in_any_output() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let mut seen = Vec::<(String, String)>::new();

    // Values holding secrets.
    let auth = BasicAuth::new(CLIENT_ID, SecretString::from(CLIENT_SECRET));
    seen.push((
        "BasicAuth".into(),
        format!("{auth:?} {:?}", auth.header_value()),
    ));
    let token = AccessToken::new(SecretString::from(ACCESS)).unwrap();
    seen.push((
        "AccessToken".into(),
        format!("{token:?} {:?}", token.bearer_header()),
    ));
    let issued = IssuedToken::parse(
        json!({"access_token": ACCESS, "refresh_token": REFRESH})
            .to_string()
            .as_bytes(),
        &TokenFields::SNAKE_CASE,
        std::time::SystemTime::now(),
    )
    .unwrap();
    seen.push(("IssuedToken".into(), format!("{issued:?} {issued:#?}")));
    let url = auth_runtime::Url::parse("https://example.com/token").unwrap();
    let body = json!({"client_secret": CLIENT_SECRET, "refresh_token": REFRESH});
    let request = TokenRequest::json(&url, &body).unwrap().basic_auth(&auth);
    seen.push(("TokenRequest".into(), format!("{request:?} {request:#?}")));
    seen.push((
        "SecretString".into(),
        format!("{:?}", SecretString::from(ACCESS)),
    ));

    // Error answers whose bodies carry tokens: masked.
    let with_tokens = json!({"access_token": ACCESS, "refresh_token": REFRESH});
    let cases = [
        ("mac token type", {
            let mut b = with_tokens.clone();
            b["token_type"] = json!("mac");
            ResponseTemplate::new(200).set_body_json(b)
        }),
        ("wrong expires type then wrong refresh type", {
            ResponseTemplate::new(200).set_body_json(json!({
                "access_token": ACCESS, "refresh_token": 5, "id_token": REFRESH
            }))
        }),
        ("access token as number", {
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": 42, "refresh_token": REFRESH}))
        }),
        (
            "truncated",
            ResponseTemplate::new(200).set_body_raw(
                format!(r#"{{"refresh_token":"{REFRESH}","access_token":"{ACCESS}"#),
                "application/json",
            ),
        ),
        ("too large", {
            let mut big =
                format!(r#"{{"access_token":"{ACCESS}","refresh_token":"{REFRESH}","pad":""#);
            big.push_str(&"x".repeat(100_000));
            big.push_str("\"}");
            ResponseTemplate::new(200).set_body_raw(big, "application/json")
        }),
        (
            "error status echoing tokens",
            ResponseTemplate::new(400).set_body_json(with_tokens.clone()),
        ),
        (
            "redirect",
            ResponseTemplate::new(302).insert_header("location", "https://elsewhere.example/"),
        ),
    ];
    for (name, template) in cases {
        seen.push((name.into(), error_for(template).await));
    }

    // A typed token operation (`into_result`) whose answer does not match its type.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct TypedToken {
        access_token: String,
        refresh_token: u64,
    }
    let server = MockServer::start().await;
    obtain_mock()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": ACCESS, "refresh_token": REFRESH
        })))
        .mount(&server)
        .await;
    let token_url = TestFlow::new(&server).token_url;
    let e = http()
        .send_token_request(
            TokenRequest::json(
                &token_url,
                &json!({"grant_type": "client_credentials", "client_secret": CLIENT_SECRET}),
            )
            .unwrap(),
        )
        .await
        .unwrap()
        .into_result::<TypedToken, ApiError>(auth_runtime::lenient_json)
        .unwrap_err();
    assert!(
        matches!(e.kind(), auth_runtime::ErrorKind::Decode { .. }),
        "{e:?}"
    );
    seen.push(("typed token operation".into(), render(&e)));

    // Timeout and transport errors.
    let server = MockServer::start().await;
    obtain_mock()
        .respond_with(token_body(ACCESS, json!(60)).set_delay(Duration::from_secs(3600)))
        .mount(&server)
        .await;
    let slow = test_http(HttpOptions {
        timeout: Some(Duration::from_secs(1)),
        ..test_options()
    });
    let e = TestFlow::new(&server).obtain(&slow).await.unwrap_err();
    seen.push(("timeout".into(), render(&e)));
    let (_socket, dead) = refused_url("/t");
    let e: Error<ApiError> = http()
        .send_token_request(TokenRequest::json(&dead, &body).unwrap().basic_auth(&auth))
        .await
        .unwrap_err()
        .into();
    seen.push(("transport".into(), render(&e)));

    // A whole manager life: obtain, refresh, replay after 401, failure.
    let server = MockServer::start().await;
    obtain_mock()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": ACCESS, "refresh_token": REFRESH, "expires_in": 100
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_partial_json(json!({"grant_type": "refresh_token"})))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let manager = TokenManager::new(
        TestFlow::new(&server).with_refresh(),
        http(),
        paused_options(),
    );
    let token = manager.access_token().await.unwrap();
    assert_eq!(token.expose(), ACCESS);
    seen.push((
        "manager".into(),
        format!("{manager:?} {token:?} {:?}", manager.http()),
    ));
    tokio::time::advance(Duration::from_secs(100)).await;
    manager.access_token().await.unwrap();
    let api = auth_runtime::Url::parse(&format!("{}/things", server.uri())).unwrap();
    let response = manager
        .send(reqwest::Request::new(reqwest::Method::GET, api))
        .await
        .unwrap();
    seen.push(("api response".into(), format!("{response:?}")));

    if std::env::var_os("SHOW_SEEN").is_some() {
        for (what, text) in &seen {
            println!("=== {what}\n{}", &text[..text.len().min(1500)]);
        }
        println!("=== events\n{}", recorder.0.lock().unwrap());
    }
    for (what, text) in &seen {
        assert_clean(what, text);
    }
    let events = recorder.0.lock().unwrap().clone();
    assert!(events.contains("access token obtained"), "{events}");
    assert!(events.contains("refresh refused"), "{events}");
    assert_clean("tracing events", &events);

    // The test itself is meaningful: the secrets were really used.
    assert_eq!(auth.client_secret.expose_secret(), CLIENT_SECRET);
    assert!(seen.iter().any(|(_, text)| text.contains("[REDACTED]")),);
}
