//! Every auth flow of the three APIs against an in-process loopback server, printing
//! what happens on the wire — no credentials or network needed, and no secret printed.
//!
//! Run with `cargo run --example demo`.

use std::time::Duration;

use auth_runtime::{ErrorKind, Http, HttpOptions, SecretString, TokenOptions};
use generated::{cobee, podero, zype};
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    println!("loopback token server at {}\n", server.uri());
    podero_client_credentials(&server).await?;
    podero_password(&server).await?;
    cobee(&server).await?;
    zype(&server).await?;
    print_requests(&server).await;
    Ok(())
}

async fn podero_client_credentials(server: &MockServer) -> Result<(), Box<dyn std::error::Error>> {
    println!("== Podero: client credentials (docs pages), HTTP Basic, JSON body");
    Mock::given(method("POST"))
        .and(path("/oauth2/token/"))
        .and(header("authorization", "Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ="))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "podero-cc-token", "expires_in": 36000, "token_type": "Bearer", "scope": "read write"}),
        ))
        .mount(server)
        .await;
    Mock::given(path("/api/partners/v2.0/org/acme/users"))
        .and(header("authorization", "Bearer podero-cc-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": "u1"}])))
        .mount(server)
        .await;
    let credentials = podero::client::ClientCredentialsCredentials {
        client_id: "demo-client".into(),
        client_secret: SecretString::from("demo-secret"),
    };
    println!("credentials: {credentials:?}");
    let auth = podero::client::ClientCredentialsFlow::new(
        &podero::client::Server::Custom(server.uri()),
        credentials,
    )?
    .into_manager(Http::new(HttpOptions::default())?);
    let token = auth.access_token().await?;
    println!("token obtained: {token:?} (cached; a second call sends nothing)");
    auth.access_token().await?;
    let request = auth
        .http()
        .client()
        .get(format!("{}/api/partners/v2.0/org/acme/users", server.uri()))
        .build()?;
    let response = auth.send(request).await?;
    println!(
        "GET /api/partners/v2.0/org/acme/users with the bearer → {}\n",
        response.status()
    );
    Ok(())
}

async fn podero_password(server: &MockServer) -> Result<(), Box<dyn std::error::Error>> {
    println!("== Podero: partner token endpoint, password then refresh_token grant");
    Mock::given(path("/api/partners/v2.0/auth/token"))
        .and(body_partial_json(json!({"grant_type": "password"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "podero-pw-1", "expires_in": 2, "token_type": "Bearer", "scope": "read", "refresh_token": "podero-rt-1"}),
        ))
        .mount(server)
        .await;
    Mock::given(path("/api/partners/v2.0/auth/token"))
        .and(body_partial_json(json!({"grant_type": "refresh_token", "refresh_token": "podero-rt-1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "podero-pw-2", "expires_in": 3600, "token_type": "Bearer", "scope": "read", "refresh_token": "podero-rt-2"}),
        ))
        .mount(server)
        .await;
    let credentials = podero::client::PasswordCredentials {
        username: "partner@example.com".into(),
        password: SecretString::from("demo-password"),
    };
    let flow = podero::client::PasswordFlow::new(
        &podero::client::Server::Custom(server.uri()),
        credentials,
    )?;
    let options = TokenOptions {
        refresh_margin: Duration::from_secs(1),
        ..TokenOptions::default()
    };
    let auth = auth_runtime::TokenManager::new(flow, Http::new(HttpOptions::default())?, options);
    println!(
        "first token: {:?} (lifetime 2 s)",
        auth.access_token().await?
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    println!(
        "after 1.1 s, refreshed with the refresh token: {:?}\n",
        auth.access_token().await?
    );
    Ok(())
}

async fn cobee(server: &MockServer) -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "== Cobee: camelCase JSON credentials; a 503 retried; documented errors that do not match"
    );
    Mock::given(path("/api/v3/oauth/token"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(path("/api/v3/oauth/token"))
        .and(body_partial_json(json!({"clientId": "cobee-client"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"accessToken": "cobee-token", "tokenType": "Bearer", "expiresIn": 86400}),
        ))
        .mount(server)
        .await;
    Mock::given(path("/api/v3/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "Unauthorized"})))
        .mount(server)
        .await;
    let base = cobee::client::Server::Custom(format!("{}/api/v3", server.uri()));
    let good = cobee::client::ClientCredentialsCredentials {
        client_id: "cobee-client".into(),
        client_secret: SecretString::from("cobee-secret"),
    };
    let auth = cobee::client::ClientCredentialsFlow::new(&base, good)?
        .into_manager(Http::new(HttpOptions::default())?);
    println!("after a 503 and a retry: {:?}", auth.access_token().await?);
    let bad = cobee::client::ClientCredentialsCredentials {
        client_id: "someone-else".into(),
        client_secret: SecretString::from("wrong-secret"),
    };
    let auth = cobee::client::ClientCredentialsFlow::new(&base, bad)?
        .into_manager(Http::new(HttpOptions::default())?);
    let error = auth.access_token().await.expect_err("bad credentials");
    if let ErrorKind::Status {
        status,
        documented,
        body,
    } = error.kind()
    {
        println!(
            "refused: status {status}, documented body {documented:?}, raw body {}",
            body.text()
        );
    }
    println!("as a message: {error}\n");
    Ok(())
}

async fn zype(server: &MockServer) -> Result<(), Box<dyn std::error::Error>> {
    println!("== Zype: password or linked device + pin; expires_in is a number");
    Mock::given(path("/oauth/token"))
        .and(body_partial_json(json!({"grant_type": "password"})))
        .respond_with(|request: &Request| {
            let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let login = if body.get("pin").is_some() { "device" } else { "password" };
            ResponseTemplate::new(200).set_body_json(
                json!({"access_token": format!("zype-{login}-token"), "token_type": "bearer", "expires_in": 7200.5, "refresh_token": "zype-rt", "created_at": 1_900_000_000}),
            )
        })
        .mount(server)
        .await;
    for login in [
        zype::client::PasswordLogin::Password {
            username: "viewer@example.com".into(),
            password: SecretString::from("zype-password"),
        },
        zype::client::PasswordLogin::LinkedDevice {
            linked_device_id: "roku-42".into(),
            pin: SecretString::from("1234"),
        },
    ] {
        let credentials = zype::client::PasswordCredentials {
            client_id: "zype-client".into(),
            client_secret: SecretString::from("zype-secret"),
            login,
        };
        println!("credentials: {credentials:?}");
        let auth = zype::client::PasswordFlow::new(
            &zype::client::Server::Custom(server.uri()),
            credentials,
        )?
        .into_manager(Http::new(HttpOptions::default())?);
        let token = auth.access_token().await?;
        println!("token: {token:?}, header: Authorization: Bearer …");
    }
    println!();
    Ok(())
}

/// What reached the server, secrets masked: bodies and Basic headers are shown by shape only.
async fn print_requests(server: &MockServer) {
    println!("== requests the server received");
    for request in server.received_requests().await.unwrap_or_default() {
        let keys: Vec<String> =
            serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&request.body)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map_or("-", |v| v.split(' ').next().unwrap_or("-"));
        println!(
            "{} {:<36} authorization: {:<6} body keys: {keys:?}",
            request.method,
            request.url.path(),
            authorization
        );
    }
}
