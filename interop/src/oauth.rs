//! A real OAuth 2.0 / OpenID Connect server on 127.0.0.1 for tests:
//! `interop/oauth2-server.mjs` on oauth2-mock-server, stopped when dropped.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::Interop;

/// What the server accepts (see `interop/oauth2-server.mjs`).
#[derive(Debug, Clone, Default)]
pub struct OAuthServerConfig {
    /// Client ids and their secrets (`None`: a public client).
    pub clients: BTreeMap<String, Option<String>>,
    /// Users of the password grant and their passwords.
    pub users: BTreeMap<String, String>,
    /// A refresh revokes the refresh token it used and issues a new one; without
    /// rotation the answer to a refresh has no refresh token.
    pub rotation: bool,
    /// The `expires_in` of every token answer.
    pub expires_in: Option<u64>,
    /// Basic credentials are taken raw, not form-decoded (servers that do not follow
    /// RFC 6749 §2.3.1).
    pub basic_raw: bool,
}

impl OAuthServerConfig {
    fn to_json(&self) -> String {
        let quote = |s: &str| format!("{s:?}");
        let clients: Vec<String> = self
            .clients
            .iter()
            .map(|(id, secret)| {
                format!(
                    "{}:{}",
                    quote(id),
                    secret.as_deref().map_or("null".into(), quote)
                )
            })
            .collect();
        let users: Vec<String> = self
            .users
            .iter()
            .map(|(name, password)| format!("{}:{}", quote(name), quote(password)))
            .collect();
        let expires = self
            .expires_in
            .map_or(String::new(), |s| format!(",\"expiresIn\":{s}"));
        format!(
            "{{\"clients\":{{{}}},\"users\":{{{}}},\"rotation\":{},\"basicRaw\":{}{expires}}}",
            clients.join(","),
            users.join(","),
            self.rotation,
            self.basic_raw
        )
    }
}

/// A running server; stopped when dropped.
pub struct OAuthServer {
    child: Child,
    /// `http://127.0.0.1:<port>`: the issuer, with `/token`, `/authorize`,
    /// `/.well-known/openid-configuration` and `/__log` below it.
    pub url: String,
}

impl OAuthServer {
    /// Installs the npm packages when needed and starts a server with `config`.
    pub fn start(interop: &Interop, config: &OAuthServerConfig) -> Result<OAuthServer, String> {
        interop.install_npm()?;
        // Beside `node_modules`, so that its `import` finds oauth2-mock-server.
        let script = interop.installed.join("oauth2-server.mjs");
        std::fs::copy(interop.sources.join("oauth2-server.mjs"), &script)
            .map_err(|e| format!("oauth2-server.mjs: {e}"))?;
        let mut child = Command::new("node")
            .arg(&script)
            .arg(config.to_json())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot run node: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(port) = line.strip_prefix("listening ") {
                    let _ = sender.send(port.trim().to_owned());
                }
            }
        });
        match receiver.recv_timeout(Duration::from_secs(60)) {
            Ok(port) => Ok(OAuthServer {
                child,
                url: format!("http://127.0.0.1:{port}"),
            }),
            Err(_) => {
                let _ = child.kill();
                Err("the OAuth2 server did not start within 60 s".into())
            }
        }
    }
}

impl Drop for OAuthServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
