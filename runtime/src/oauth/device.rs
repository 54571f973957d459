//! The device authorization grant (RFC 8628; OpenAPI 3.2's `deviceAuthorization` flow):
//! the app shows the user a code and a URL, the user approves on another device, and
//! the app polls the token endpoint meanwhile, as slowly as the server asks.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;

use super::grants::RefreshToken;
use super::{
    AuthorizationServer, ClientAuthentication, OAuthClient, OAuthError, Param, error_code,
    request_token, send_form,
};
use crate::cache::{TokenManager, TokenOptions};
use crate::error::{Error, ErrorKind, Origin};
use crate::http::Http;
use crate::response::lenient_json;
use crate::token::IssuedToken;

const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628 §3.2: the interval when the server names none.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// RFC 8628 §3.5: `slow_down` adds five seconds.
const SLOW_DOWN: Duration = Duration::from_secs(5);
/// A device code that claims to live longer is believed for this long.
const MAX_EXPIRY: Duration = Duration::from_secs(3600);

/// The device grant of `client` at `server`.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use auth_runtime::oauth::{AuthorizationServer, DeviceFlow, OAuthClient};
/// use auth_runtime::{Http, HttpOptions};
///
/// let server = AuthorizationServer::new("https://login.example.com/oauth2/token")?
///     .with_device_authorization_url("https://login.example.com/oauth2/device")?;
/// let flow = DeviceFlow::new(server, OAuthClient::new("my-tv-app").scope("offline_access"));
/// let http = Http::new(HttpOptions::default())?;
/// let authorization = flow.start(&http).await?;
/// println!("visit {} and enter {}", authorization.verification_uri, authorization.user_code);
/// let tokens = flow.finish(&http, &authorization).await?; // polls until the user approves
/// let token = tokens.access_token().await?;
/// # let _ = token; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct DeviceFlow {
    server: AuthorizationServer,
    client: OAuthClient,
}

/// What to show the user, and the device code the app polls with (never shown).
#[derive(Clone)]
pub struct DeviceAuthorization {
    /// The code the user enters.
    pub user_code: String,
    /// Where the user enters it.
    pub verification_uri: String,
    /// The same page with the code filled in, when the server gives one (for a QR code).
    pub verification_uri_complete: Option<String>,
    /// How long the codes stay valid.
    pub expires_in: Duration,
    /// How long to wait between polls, as the server asked.
    pub interval: Duration,
    device_code: SecretString,
}

impl fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("verification_uri_complete", &self.verification_uri_complete)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .field("device_code", &"[REDACTED]")
            .finish()
    }
}

/// The device authorization endpoint's answer (RFC 8628 §3.2).
#[derive(Deserialize)]
struct Answer {
    device_code: String,
    user_code: String,
    #[serde(alias = "verification_url")]
    verification_uri: String,
    verification_uri_complete: Option<String>,
    expires_in: Option<serde_json::Value>,
    interval: Option<serde_json::Value>,
}

/// Seconds as a number or a numeric string; anything else is `None`.
fn seconds(value: Option<&serde_json::Value>) -> Option<Duration> {
    let number = match value? {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    (number.is_finite() && number >= 0.0)
        .then(|| Duration::from_secs_f64(number.min(MAX_EXPIRY.as_secs_f64())))
}

impl DeviceFlow {
    /// The grant for `client` (usually a public client) at `server`.
    pub fn new(server: AuthorizationServer, client: OAuthClient) -> DeviceFlow {
        DeviceFlow { server, client }
    }

    /// Asks for a device code and a user code (with the client's scopes).
    pub async fn start(&self, http: &Http) -> Result<DeviceAuthorization, Error<OAuthError>> {
        let url = self.server.device_authorization_url(http).await?;
        // RFC 8628 §3.1: `client_id` always, client authentication when confidential.
        let id = [Param::Plain("client_id", self.client.id())];
        let in_header = matches!(
            self.client.effective_authentication(),
            ClientAuthentication::Basic | ClientAuthentication::BasicUnencoded
        );
        let answer = send_form(
            http,
            &url,
            &self.client,
            if in_header { &id } else { &[] },
            true,
        )
        .await
        .map_err(|e| e.with_origin(Origin::DeviceAuthorization))?;
        let answer = answer.into_value(|_, r| r.json::<Answer>(), lenient_json::<OAuthError>)?;
        let body = answer.body;
        Ok(DeviceAuthorization {
            user_code: body.user_code,
            verification_uri: body.verification_uri,
            verification_uri_complete: body.verification_uri_complete,
            expires_in: seconds(body.expires_in.as_ref()).unwrap_or(Duration::from_secs(600)),
            interval: seconds(body.interval.as_ref()).unwrap_or(DEFAULT_INTERVAL),
            device_code: SecretString::from(body.device_code),
        })
    }

    /// Polls until the user approved (a token), denied (`access_denied`), or the code
    /// expired (`expired_token`, or its lifetime passed): waits `interval` between polls,
    /// five seconds more after each `slow_down`, and keeps polling on
    /// `authorization_pending`.
    pub async fn poll(
        &self,
        http: &Http,
        authorization: &DeviceAuthorization,
    ) -> Result<IssuedToken, Error<OAuthError>> {
        let url = self.server.token_url(http).await?;
        let give_up_at = tokio::time::Instant::now() + authorization.expires_in;
        let mut interval = authorization.interval;
        loop {
            tokio::time::sleep(interval).await;
            if tokio::time::Instant::now() >= give_up_at {
                return Err(required("the device code expired before the user approved"));
            }
            let grant = [
                Param::Plain("grant_type", GRANT_TYPE),
                Param::Secret("device_code", &authorization.device_code),
            ];
            let error = match request_token(http, &url, &self.client, &grant, false).await {
                Ok(token) => return Ok(token),
                Err(error) => error,
            };
            match error_code(&error) {
                Some("authorization_pending") => {}
                Some("slow_down") => interval += SLOW_DOWN,
                Some("access_denied") => return Err(required("the user denied access")),
                Some("expired_token") => return Err(required("the device code expired")),
                _ => return Err(error),
            }
        }
    }

    /// [`poll`](DeviceFlow::poll), then a token manager that refreshes.
    pub async fn finish(
        &self,
        http: &Http,
        authorization: &DeviceAuthorization,
    ) -> Result<TokenManager<RefreshToken>, Error<OAuthError>> {
        let token = self.poll(http, authorization).await?;
        RefreshToken::new(self.server.clone(), self.client.clone()).manager(
            token,
            http.clone(),
            TokenOptions::default(),
        )
    }
}

fn required(reason: &str) -> Error<OAuthError> {
    Error::new(
        ErrorKind::AuthorizationRequired {
            reason: reason.to_owned(),
        },
        Origin::TokenEndpoint,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn seconds_are_read_leniently() {
        assert_eq!(seconds(Some(&json!(5))), Some(Duration::from_secs(5)));
        assert_eq!(seconds(Some(&json!("7"))), Some(Duration::from_secs(7)));
        assert_eq!(seconds(Some(&json!(-1))), None);
        assert_eq!(seconds(Some(&json!(1e300))), Some(MAX_EXPIRY));
        assert_eq!(seconds(Some(&json!(null))), None);
    }
}
