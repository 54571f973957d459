//! Shared pieces of the integration tests: a hand-written token flow as generated code
//! would write it, a test HTTP client, and responders.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use auth_runtime::{
    BaseUrl, BasicAuth, Error, ExposeSecret, Http, HttpOptions, IssuedToken, SecretString,
    TokenFields, TokenFlow, TokenRequest, Url, lenient_json,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

pub const CLIENT_ID: &str = "client-id-7";
pub const CLIENT_SECRET: &str = "client-secret-Zq9";
pub const TOKEN_PATH: &str = "/api/v3/oauth/token";

/// The documented error body of the test API.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ApiError {
    pub error: Option<String>,
    pub message: Option<String>,
}

/// How the flow authenticates.
#[derive(Debug, Clone, Copy)]
pub enum ClientAuth {
    Basic,
    Body,
}

/// A token flow as a generated module implements it.
pub struct TestFlow {
    pub token_url: Url,
    pub auth: BasicAuth,
    pub client_auth: ClientAuth,
    pub fields: TokenFields,
    pub refresh_grant: bool,
}

#[derive(Serialize)]
struct ObtainBody<'a> {
    grant_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<&'a str>,
}

#[derive(Serialize)]
struct RefreshBody<'a> {
    grant_type: &'a str,
    refresh_token: &'a str,
}

impl TestFlow {
    pub fn new(server: &MockServer) -> TestFlow {
        let base = BaseUrl::parse(&format!("{}/api/v3/", server.uri())).unwrap();
        TestFlow {
            token_url: base.endpoint("/oauth/token"),
            auth: BasicAuth::new(CLIENT_ID, SecretString::from(CLIENT_SECRET)),
            client_auth: ClientAuth::Basic,
            fields: TokenFields::SNAKE_CASE,
            refresh_grant: false,
        }
    }

    pub fn with_refresh(mut self) -> TestFlow {
        self.refresh_grant = true;
        self
    }

    pub fn with_body_credentials(mut self) -> TestFlow {
        self.client_auth = ClientAuth::Body;
        self
    }

    async fn send(
        &self,
        http: &Http,
        request: TokenRequest<'_>,
    ) -> Result<IssuedToken, Error<ApiError>> {
        let request = match self.client_auth {
            ClientAuth::Basic => request.basic_auth(&self.auth),
            ClientAuth::Body => request,
        };
        http.send_token_request(request)
            .await?
            .into_token(&self.fields, lenient_json)
    }
}

impl TokenFlow for TestFlow {
    type ErrorBody = ApiError;

    async fn obtain(&self, http: &Http) -> Result<IssuedToken, Error<ApiError>> {
        let in_body = matches!(self.client_auth, ClientAuth::Body);
        let body = ObtainBody {
            grant_type: "client_credentials",
            client_id: in_body.then_some(self.auth.client_id.as_str()),
            client_secret: in_body.then(|| self.auth.client_secret.expose_secret()),
        };
        self.send(http, TokenRequest::json(&self.token_url, &body)?)
            .await
    }

    async fn refresh(
        &self,
        http: &Http,
        refresh_token: &SecretString,
    ) -> Result<IssuedToken, Error<ApiError>> {
        let body = RefreshBody {
            grant_type: "refresh_token",
            refresh_token: refresh_token.expose_secret(),
        };
        self.send(http, TokenRequest::json(&self.token_url, &body)?)
            .await
    }

    fn has_refresh_grant(&self) -> bool {
        self.refresh_grant
    }
}

/// Options for tests: no timeouts, so that paused time only advances through the
/// runtime's own waits (backoff, Retry-After).
/// Token options for a paused clock: no deadline (see [`TokenOptions::deadline`]).
pub fn paused_options() -> auth_runtime::TokenOptions {
    auth_runtime::TokenOptions {
        deadline: None,
        ..auth_runtime::TokenOptions::default()
    }
}

pub fn test_options() -> HttpOptions {
    HttpOptions {
        timeout: None,
        connect_timeout: None,
        ..HttpOptions::default()
    }
}

/// A client without proxies, timeouts or idle-connection timers (which paused time would
/// fire while a request waits for the server).
pub fn test_http(options: HttpOptions) -> Http {
    let client = Http::client_builder(&options)
        .unwrap()
        .no_proxy()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    Http::with_client(client, options)
}

pub fn http() -> Http {
    test_http(test_options())
}

/// Answers token requests with `tok-1`, `tok-2`, … and, when asked, refresh tokens
/// `rt-1`, `rt-2`, …; counts requests.
#[derive(Clone)]
pub struct Tokens {
    pub count: Arc<AtomicUsize>,
    pub expires_in: Value,
    pub refresh: bool,
    pub status: u16,
}

impl Tokens {
    pub fn new() -> Tokens {
        Tokens {
            count: Arc::new(AtomicUsize::new(0)),
            expires_in: json!(3600),
            refresh: false,
            status: 200,
        }
    }

    pub fn expires_in(mut self, value: Value) -> Tokens {
        self.expires_in = value;
        self
    }

    pub fn with_refresh_tokens(mut self) -> Tokens {
        self.refresh = true;
        self
    }

    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        let mut body = json!({
            "access_token": format!("tok-{n}"),
            "token_type": "bearer",
            "expires_in": self.expires_in,
        });
        if self.refresh {
            body["refresh_token"] = json!(format!("rt-{n}"));
        }
        ResponseTemplate::new(self.status).set_body_json(body)
    }
}

pub fn token_body(token: &str, expires_in: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": expires_in,
    }))
}

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A loopback URL whose port is bound but not listening: connecting is refused, and no
/// other test can take the port while the socket lives.
pub fn refused_url(path: &str) -> (tokio::net::TcpSocket, Url) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    (
        socket,
        Url::parse(&format!("http://127.0.0.1:{port}{path}")).unwrap(),
    )
}
