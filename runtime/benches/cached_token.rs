//! `cargo bench -p auth-runtime --bench cached_token`
//!
//! (a) the cached-token path of `TokenManager::access_token` (one poll of its future);
//! (b) a cold cache hit by 1,000 concurrent callers against a wiremock token endpoint on
//!     loopback: exactly one token request, timed until every caller has its token.
//!
//! Note: the bench target is built with tokio's `test-util` feature (a dev-dependency
//! of the tests), which adds a thread-local look-up to every `Instant::now()`; the
//! figures are an upper bound for production builds.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use auth_runtime::{
    AccessToken, BaseUrl, Error, Http, HttpOptions, IssuedToken, TokenFields, TokenFlow,
    TokenManager, TokenOptions, TokenRequest, Url, lenient_json,
};
use divan::Bencher;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn main() {
    divan::main();
}

struct Flow {
    url: Url,
}

impl TokenFlow for Flow {
    type ErrorBody = serde_json::Value;

    async fn obtain(&self, http: &Http) -> Result<IssuedToken, Error<serde_json::Value>> {
        let body = br#"{"grant_type":"client_credentials"}"#.as_slice();
        http.send_token_request(TokenRequest::new(&self.url, body))
            .await?
            .into_token(&TokenFields::SNAKE_CASE, lenient_json)
    }
}

#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

impl Respond for Counter {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": format!("tok-{n}"),
            "token_type": "Bearer",
            "expires_in": 3600,
        }))
    }
}

async fn endpoint() -> (MockServer, Counter, Http, Url) {
    let server = MockServer::start().await;
    let counter = Counter::default();
    Mock::given(method("POST"))
        .respond_with(counter.clone())
        .mount(&server)
        .await;
    let options = HttpOptions::default();
    let client = Http::client_builder(&options)
        .expect("client builder")
        .no_proxy()
        .build()
        .expect("client");
    let url = BaseUrl::parse(&server.uri())
        .expect("loopback URL")
        .endpoint("/oauth/token");
    (server, counter, Http::with_client(client, options), url)
}

fn poll_ready(manager: &TokenManager<Flow>) -> AccessToken {
    let mut future = pin!(manager.access_token());
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(Ok(token)) => token,
        _ => panic!("the cached path must complete on the first poll"),
    }
}

/// (a) `access_token()` with a cached token, inside a runtime context.
#[divan::bench]
fn cached_access_token(bencher: Bencher) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (server, _counter, http, url) = rt.block_on(endpoint());
    let manager = TokenManager::new(Flow { url }, http, TokenOptions::default());
    rt.block_on(manager.access_token()).expect("token");
    {
        let _context = rt.enter();
        bencher.bench_local(|| poll_ready(&manager));
    }
    rt.block_on(async move { drop(server) });
}

/// (a') The same from 1 and 2 threads at once (this machine has 2 cores), outside a
/// runtime context.
#[divan::bench(threads = [1, 2], sample_size = 1000)]
fn cached_access_token_threads(bencher: Bencher) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (server, _counter, http, url) = rt.block_on(endpoint());
    let manager = TokenManager::new(Flow { url }, http, TokenOptions::default());
    rt.block_on(manager.access_token()).expect("token");
    bencher.bench(|| poll_ready(&manager));
    rt.block_on(async move { drop(server) });
}

/// (b) 1,000 concurrent callers on a cold cache: one token request, time until all are
/// served.
#[divan::bench(sample_count = 30, sample_size = 1)]
fn cold_cache_fan_out_1000(bencher: Bencher) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (server, counter, http, url) = rt.block_on(endpoint());
    bencher
        .with_inputs(|| {
            TokenManager::new(
                Flow { url: url.clone() },
                http.clone(),
                TokenOptions::default(),
            )
        })
        .bench_local_values(|manager| {
            let before = counter.0.load(Ordering::SeqCst);
            rt.block_on(async {
                let tasks: Vec<_> = (0..1000)
                    .map(|_| {
                        let manager = manager.clone();
                        tokio::spawn(async move { manager.access_token().await })
                    })
                    .collect();
                for task in tasks {
                    task.await.expect("task").expect("token");
                }
            });
            assert_eq!(counter.0.load(Ordering::SeqCst), before + 1, "one request");
        });
    rt.block_on(async move { drop(server) });
}
