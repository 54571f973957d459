//! TLS: rustls with the `ring` provider and the platform's root certificates.

use std::sync::Arc;

use rustls_platform_verifier::BuilderVerifierExt as _;

use crate::error::ConfigError;

/// A rustls client configuration using `ring` (see the crate documentation for why) and
/// the platform verifier, which is what reqwest itself uses by default.
pub(crate) fn client_config() -> Result<rustls::ClientConfig, ConfigError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map_err(|e| ConfigError::Tls {
            message: e.to_string(),
        })?
        .with_no_client_auth();
    Ok(config)
}
