//! An app using real credentials from the environment: obtains a Cobee token and
//! prints its shape (never the token). Nothing here runs in tests; it only compiles.
//!
//! ```sh
//! COBEE_CLIENT_ID=… COBEE_CLIENT_SECRET=… COBEE_SERVER=production cargo run --example real_credentials
//! ```

use auth_runtime::{Http, HttpOptions, SecretString};
use generated::cobee::client::{ClientCredentialsCredentials, ClientCredentialsFlow, Server};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let variable = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    // The app chooses the server: there is no default, least of all a silent sandbox.
    let server = match variable("COBEE_SERVER")?.as_str() {
        "production" => Server::PartnersApiCobeeIo,
        "pre-production" => Server::PrePartnersApiCobeeIo,
        url => Server::Custom(url.to_owned()),
    };
    let credentials = ClientCredentialsCredentials {
        client_id: variable("COBEE_CLIENT_ID")?,
        client_secret: SecretString::from(variable("COBEE_CLIENT_SECRET")?),
    };
    let auth = ClientCredentialsFlow::new(&server, credentials)?
        .into_manager(Http::new(HttpOptions::default())?);
    let token = auth.access_token().await?;
    println!("got an access token of {} characters", token.expose().len());
    // Authorized API calls: `auth.send(request)` adds the bearer and replays once on 401.
    Ok(())
}
