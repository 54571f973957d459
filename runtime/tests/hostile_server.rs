//! A hostile token server: it echoes what it receives (the request body, the
//! `Authorization` header) into its answers, FastAPI-style, as JSON, as a form and as
//! HTML. No secret that was sent may appear in any error's `Display`, `Debug` or
//! source chain, nor in any tracing event, in any encoding; what is not secret (the
//! status, the error code, the client id) stays visible.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use auth_runtime::{
    BasicAuth, Error, ExposeSecret, Http, HttpOptions, IssuedToken, RetryPolicy, SecretString,
    TokenFields, TokenRequest, Url, lenient_json,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CLIENT_ID: &str = "app-42";
const CLIENT_SECRET: &str = "cs_live_9f8e7d6c";
const PASSWORD: &str = "pa ss&w\"rd/é";
const REFRESH: &str = "rt-0123456789";
const PIN: &str = "4711";

/// How the server echoes a request.
#[derive(Clone, Copy)]
enum Echo {
    /// FastAPI/Pydantic: `{"detail": [{"loc": …, "input": <the body>}]}`.
    Validation,
    /// The request's headers and body as text in an HTML page.
    Html,
    /// The form body as it came.
    Form,
    /// The `Authorization` header in a JSON message.
    Header,
}

struct Echoing {
    status: u16,
    echo: Echo,
}

impl Respond for Echoing {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body = String::from_utf8_lossy(&request.body).into_owned();
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let template = ResponseTemplate::new(self.status);
        match self.echo {
            Echo::Validation => {
                let input: Value = serde_json::from_str(&body).unwrap_or(Value::String(body));
                template.set_body_json(json!({"error": "invalid_request", "detail": [
                    {"loc": ["body", "client_secret"], "msg": "bad value", "input": input},
                ], "client_id": CLIENT_ID}))
            }
            Echo::Html => template.set_body_string(format!(
                "<html><body><pre>Authorization: {authorization}\n{body}</pre></body></html>"
            )),
            Echo::Form => template.set_body_string(format!("error=invalid_grant&echo={body}")),
            Echo::Header => template.set_body_json(json!({
                "error": "invalid_client",
                "message": format!("credentials {authorization} refused"),
            })),
        }
    }
}

/// Records every tracing event's fields as text.
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

/// Every way a secret could be shown: raw, JSON-escaped, form-encoded, base64.
fn secret_forms() -> Vec<String> {
    let mut forms = Vec::new();
    for secret in [CLIENT_SECRET, PASSWORD, REFRESH, PIN] {
        forms.push(secret.to_owned());
        forms.push(
            serde_json::to_string(secret)
                .unwrap()
                .trim_matches('"')
                .to_owned(),
        );
        forms.push(serde_urlencoded::to_string([("x", secret)]).unwrap()[2..].to_owned());
    }
    forms.push(STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}")));
    forms
}

fn render<E: std::fmt::Debug>(e: &Error<E>) -> String {
    let mut out = format!("{e}\n{e:#}\n{e:?}\n{e:#?}\n");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let _ = writeln!(out, "{s}\n{s:?}");
        source = s.source();
    }
    out
}

fn assert_clean(what: &str, shown: &str) {
    for form in secret_forms() {
        assert!(!shown.contains(&form), "{what} shows `{form}`:\n{shown}");
    }
}

fn http() -> Http {
    let options = HttpOptions {
        retry: RetryPolicy {
            max_attempts: 2,
            ..RetryPolicy::default()
        },
        timeout: None,
        connect_timeout: None,
        ..HttpOptions::default()
    };
    let client = Http::client_builder(&options)
        .unwrap()
        .no_proxy()
        .build()
        .unwrap();
    Http::with_client(client, options)
}

/// Sends a password grant (JSON or form, Basic or in the body) to an echoing server.
async fn send(status: u16, echo: Echo, form: bool, basic: bool) -> Error<Value> {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("POST"))
        .respond_with(Echoing { status, echo })
        .mount(&server)
        .await;
    let url = Url::parse(&format!("{}/token", server.uri())).unwrap();
    let mut body = json!({
        "grant_type": "password", "username": "ann", "password": PASSWORD,
        "pin": PIN, "refresh_token": REFRESH, "client_id": CLIENT_ID,
    });
    if !basic {
        body["client_secret"] = json!(CLIENT_SECRET);
    }
    let auth = BasicAuth::new(CLIENT_ID, SecretString::from(CLIENT_SECRET));
    let request = if form {
        TokenRequest::form_of(&url, &body).unwrap()
    } else {
        TokenRequest::json(&url, &body).unwrap()
    };
    let request = if basic {
        request.basic_auth(&auth)
    } else {
        request
    };
    let answer = http().send_token_request(request).await.unwrap();
    answer
        .into_token::<Value>(&TokenFields::SNAKE_CASE, lenient_json)
        .unwrap_err()
}

#[tokio::test]
async fn echoed_secrets_never_show() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    for status in [400, 422, 500, 200] {
        for echo in [Echo::Validation, Echo::Html, Echo::Form, Echo::Header] {
            for (form, basic) in [(false, true), (true, true), (false, false), (true, false)] {
                let error = send(status, echo, form, basic).await;
                let shown = render(&error);
                assert_clean(
                    &format!("status {status}, form {form}, basic {basic}"),
                    &shown,
                );
                if status != 200 {
                    assert!(shown.contains(&status.to_string()), "{shown}");
                }
                if matches!(echo, Echo::Validation) && status != 200 {
                    assert!(shown.contains("invalid_request"), "{shown}");
                    assert!(shown.contains(CLIENT_ID), "{shown}");
                }
            }
        }
    }
    assert_clean("tracing events", &recorder.0.lock().unwrap());
}

#[tokio::test]
async fn a_documented_error_type_sees_the_masked_body() {
    let error = send(400, Echo::Header, false, true).await;
    let documented = error.documented().expect("the body is JSON");
    assert_clean("the documented body", &documented.to_string());
    assert!(documented.to_string().contains("[REDACTED]"));
}

/// Answers every request with `body` under `status`.
async fn answering(status: u16, body: &'static str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn token_values_are_masked_by_key_in_any_shape() {
    // Token-named keys the API's own field names do not list, in any case, escaped,
    // and holding objects or arrays: the body kept for the error masks every one.
    let bodies = [
        r#"{"auth_token":"AT-1","jwt":"AT-2","Access_Token":"AT-3","token_type":"mac"}"#,
        r#"{"access\u005ftoken":"AT-4","id_token":"AT-8"}"#,
        r#"{"access_token":{"value":"AT-5","x":[1,2]},"token_type":"Bearer"}"#,
        r#"{"access_token":["AT-6","AT-7"],"refresh_token":{"v":"AT-9"}}"#,
    ];
    for status in [400, 200] {
        for body in bodies {
            let server = answering(status, body).await;
            let url = Url::parse(&format!("{}/token", server.uri())).unwrap();
            let request = TokenRequest::form(&url, "grant_type=client_credentials");
            let answer = http().send_token_request(request).await.unwrap();
            let shown = match answer.into_token::<Value>(&TokenFields::SNAKE_CASE, lenient_json) {
                Ok(token) => format!("{token:?}"),
                Err(error) => render(&error),
            };
            for token in [
                "AT-1", "AT-2", "AT-3", "AT-4", "AT-5", "AT-6", "AT-7", "AT-8", "AT-9",
            ] {
                assert!(!shown.contains(token), "status {status}, {body}: {shown}");
            }
        }
    }
}

#[tokio::test]
async fn an_api_that_echoes_the_credentials_shows_none() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(Echoing {
            status: 400,
            echo: Echo::Header,
        })
        .mount(&server)
        .await;
    let base = auth_runtime::BaseUrl::parse(&server.uri()).unwrap();
    for (auth, secret) in [
        (auth_runtime::Auth::bearer("AT-live-5f4e"), "AT-live-5f4e"),
        (
            auth_runtime::Auth::basic(BasicAuth::new(CLIENT_ID, SecretString::from(CLIENT_SECRET))),
            CLIENT_SECRET,
        ),
    ] {
        let api = auth_runtime::ApiClient::new(base.clone(), http()).with_auth("s", auth);
        let request =
            auth_runtime::ApiRequest::new(auth_runtime::Method::GET, "/me").security(&[&["s"]]);
        let answer = api.send(request).await.unwrap();
        let error = answer
            .into_value(|_, r| r.json::<Value>(), lenient_json::<Value>)
            .unwrap_err();
        let shown = render(&error);
        assert!(!shown.contains(secret), "{shown}");
        assert_clean("an API error", &shown);
        assert!(
            shown.contains("400") && shown.contains("invalid_client"),
            "{shown}"
        );
    }
}

#[test]
fn echoed_token_types_are_bounded_and_escaped() {
    let token_type = format!("\u{1b}[31m{}\u{202e}", "x".repeat(60));
    let body = json!({"access_token": "AT", "token_type": token_type}).to_string();
    let error = IssuedToken::parse(
        body.as_bytes(),
        &TokenFields::SNAKE_CASE,
        std::time::SystemTime::now(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        !error.contains('\u{1b}') && !error.contains('\u{202e}'),
        "{error:?}"
    );
    assert!(error.contains("\\u{1b}[31m"), "{error}");
    assert!(error.chars().filter(|c| *c == 'x').count() <= 32, "{error}");
}

#[test]
fn numbers_out_of_range_count_as_missing() {
    for expires in ["1e400", "-1e400", "1e309"] {
        let body =
            format!(r#"{{"access_token":"AT","expires_in":{expires},"token_type":"Bearer"}}"#);
        let token = IssuedToken::parse(
            body.as_bytes(),
            &TokenFields::SNAKE_CASE,
            std::time::SystemTime::now(),
        )
        .unwrap_or_else(|e| panic!("{expires}: {e}"));
        assert_eq!(token.lifetime, None, "{expires}");
    }
    let body = r#"{"access_token":"AT","created_at":1e300,"expires_in":60}"#;
    assert!(
        IssuedToken::parse(
            body.as_bytes(),
            &TokenFields::SNAKE_CASE,
            std::time::SystemTime::now()
        )
        .is_ok()
    );
}

#[test]
fn tokens_are_trimmed_and_whitespace_inside_is_refused() {
    let body = r#"{"access_token":"  TOK  ","refresh_token":" RT "}"#;
    let token = IssuedToken::parse(
        body.as_bytes(),
        &TokenFields::SNAKE_CASE,
        std::time::SystemTime::now(),
    )
    .unwrap();
    assert_eq!(token.access_token.expose_secret(), "TOK");
    assert_eq!(token.refresh_token.unwrap().expose_secret(), "RT");
    for bad in ["T OK", "T\tOK", "TO\u{0}K"] {
        let body = json!({"access_token": bad}).to_string();
        let error = IssuedToken::parse(
            body.as_bytes(),
            &TokenFields::SNAKE_CASE,
            std::time::SystemTime::now(),
        )
        .unwrap_err()
        .to_string();
        assert!(!error.contains("OK"), "{error}");
    }
}

/// The token manager logs a failed fetch at DEBUG with the whole error: an echoing
/// server's answer must reach that line masked too, through a standard flow.
#[tokio::test]
async fn the_managers_own_log_lines_show_no_echoed_secret() {
    use auth_runtime::oauth::{AuthorizationServer, ClientAuthentication, OAuthClient, Password};
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    for echo in [Echo::Validation, Echo::Form, Echo::Header, Echo::Html] {
        for authentication in [ClientAuthentication::Basic, ClientAuthentication::Post] {
            let server = MockServer::start().await;
            Mock::given(wiremock::matchers::method("POST"))
                .respond_with(Echoing { status: 400, echo })
                .mount(&server)
                .await;
            let endpoints = AuthorizationServer::new(&format!("{}/token", server.uri())).unwrap();
            let client = OAuthClient::new(CLIENT_ID)
                .secret(SecretString::from(CLIENT_SECRET))
                .authentication(authentication);
            let flow = Password::new(endpoints, client, "ann", SecretString::from(PASSWORD));
            let error = flow.into_manager(http()).access_token().await.unwrap_err();
            assert_clean("the manager's error", &render(&error));
        }
    }
    let logged = recorder.0.lock().unwrap().clone();
    assert!(
        logged.contains("obtaining an access token failed"),
        "{logged}"
    );
    assert_clean("tracing events", &logged);
}
