//! Which names hold secrets: one rule for the runtime (what it masks in answers) and
//! the generator (what it redacts in `Debug` and types as `SecretString`), which
//! includes this file as its own module. It depends on nothing but `core`.

/// Whether a field or parameter named `name` holds a secret: names with `secret`,
/// `password`, `passwd`, `token`, `api_key`/`apikey`, `assertion`, `private_key`,
/// `passphrase` or `credential` in them, and `pin`, `otp`, `jwt`, `code_verifier`,
/// `device_code`, `authorization`; compared case- and separator-insensitively
/// (`Access-Token`, `accessToken`, `access_token` are one name). Names that describe a
/// secret rather than hold one are not secrets: `token_type`, `token_endpoint`,
/// `*_uri`, `*_url`, `*_expires_in`, `*_method(s)`, `*_supported`.
///
/// (`code` is a secret in a token request, an authorization code, but usually an error
/// code in an answer: requests treat it as a secret, answers do not.)
pub fn is_secret_name(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "secret",
        "password",
        "passwd",
        "token",
        "apikey",
        "assertion",
        "privatekey",
        "passphrase",
        "credential",
    ];
    const WHOLE: &[&str] = &[
        "pin",
        "otp",
        "jwt",
        "codeverifier",
        "devicecode",
        "authorization",
    ];
    const DESCRIBING: &[&str] = &[
        "type",
        "typehint",
        "uri",
        "url",
        "endpoint",
        "expiresin",
        "expiresat",
        "method",
        "methods",
        "supported",
        "lifetime",
    ];
    let normalized: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if DESCRIBING.iter().any(|suffix| normalized.ends_with(suffix)) {
        return false;
    }
    WHOLE.contains(&normalized.as_str()) || WORDS.iter().any(|w| normalized.contains(w))
}
