use super::*;
use crate::HttpOptions;
use secrecy::ExposeSecret;
use std::collections::VecDeque;
use std::sync::Mutex;

/// A flow without HTTP: answers from a script and records what it was asked.
struct Scripted {
    answers: Mutex<VecDeque<Result<IssuedToken, Error<String>>>>,
    calls: Mutex<Vec<String>>,
}

impl Scripted {
    fn new(answers: Vec<Result<IssuedToken, Error<String>>>) -> Scripted {
        Scripted {
            answers: Mutex::new(answers.into()),
            calls: Mutex::new(Vec::new()),
        }
    }

    fn next(&self, call: String) -> Result<IssuedToken, Error<String>> {
        self.calls.lock().unwrap().push(call);
        self.answers
            .lock()
            .unwrap()
            .pop_front()
            .expect("scripted answer")
    }
}

impl TokenFlow for Scripted {
    type ErrorBody = String;

    async fn obtain(&self, _: &Http) -> Result<IssuedToken, Error<String>> {
        self.next("obtain".into())
    }

    async fn refresh(&self, _: &Http, rt: &SecretString) -> Result<IssuedToken, Error<String>> {
        self.next(format!("refresh {}", rt.expose_secret()))
    }

    fn has_refresh_grant(&self) -> bool {
        true
    }
}

fn issued(
    token: &str,
    refresh: Option<&str>,
    lifetime: Option<u64>,
) -> Result<IssuedToken, Error<String>> {
    Ok(IssuedToken {
        access_token: SecretString::from(token),
        refresh_token: refresh.map(SecretString::from),
        lifetime: lifetime.map(Duration::from_secs),
        scope: None,
    })
}

fn refused(status: StatusCode) -> Result<IssuedToken, Error<String>> {
    Err(Error::new(
        ErrorKind::Status {
            status,
            documented: None,
            body: crate::RawBody::default(),
        },
        Origin::TokenEndpoint,
    ))
}

fn manager(answers: Vec<Result<IssuedToken, Error<String>>>) -> TokenManager<Scripted> {
    let options = HttpOptions::default();
    let client = Http::client_builder(&options).unwrap().build().unwrap();
    TokenManager::new(
        Scripted::new(answers),
        Http::with_client(client, options),
        TokenOptions::default(),
    )
}

fn calls(m: &TokenManager<Scripted>) -> Vec<String> {
    m.flow().calls.lock().unwrap().clone()
}

#[test]
fn default_options() {
    let o = TokenOptions::default();
    assert_eq!(o.refresh_margin, Duration::from_secs(60));
    assert_eq!(o.default_lifetime, Duration::from_secs(3600));
}

#[tokio::test(start_paused = true)]
async fn refresh_then_fallback_then_refresh_with_the_new_token() {
    let m = manager(vec![
        issued("a1", Some("r1"), Some(100)),
        issued("a2", None, Some(100)),
        refused(StatusCode::BAD_REQUEST),
        issued("a3", Some("r3"), Some(100)),
        issued("a4", None, Some(100)),
    ]);
    assert_eq!(m.access_token().await.unwrap().expose(), "a1");
    tokio::time::advance(Duration::from_secs(50)).await;
    assert_eq!(m.access_token().await.unwrap().expose(), "a2");
    tokio::time::advance(Duration::from_secs(50)).await;
    assert_eq!(m.access_token().await.unwrap().expose(), "a3");
    tokio::time::advance(Duration::from_secs(50)).await;
    assert_eq!(m.access_token().await.unwrap().expose(), "a4");
    assert_eq!(
        calls(&m),
        ["obtain", "refresh r1", "refresh r1", "obtain", "refresh r3"]
    );
}

#[tokio::test(start_paused = true)]
async fn other_refresh_failures_do_not_fall_back() {
    let m = manager(vec![
        issued("a1", Some("r1"), Some(100)),
        refused(StatusCode::INTERNAL_SERVER_ERROR),
    ]);
    m.access_token().await.unwrap();
    tokio::time::advance(Duration::from_secs(100)).await;
    let e = m.access_token().await.unwrap_err();
    assert_eq!(e.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(calls(&m), ["obtain", "refresh r1"]);
}

#[tokio::test(start_paused = true)]
async fn unusable_tokens_are_errors() {
    let m = manager(vec![issued("bad\ntoken", None, None)]);
    let e = m.access_token().await.unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::UnusableToken { .. }), "{e:?}");
    assert!(!e.to_string().contains("bad"));
}

#[tokio::test(start_paused = true)]
async fn zero_lifetime_tokens_are_used_once_each() {
    let m = manager(vec![
        issued("a1", None, Some(0)),
        issued("a2", None, Some(0)),
    ]);
    assert_eq!(m.access_token().await.unwrap().expose(), "a1");
    assert_eq!(m.access_token().await.unwrap().expose(), "a2");
}
