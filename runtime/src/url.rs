//! Validated base URLs.

use std::fmt;
use std::str::FromStr;

use ::url::{Host, Url};

use crate::error::ConfigError;

/// The base URL of an API (an OpenAPI `servers` entry), validated.
///
/// Accepted: `https` URLs, and plain `http` only to a loopback host (`127.0.0.0/8`, `::1`,
/// `localhost`), which is what local test servers use. Refused: other schemes, plain
/// `http` to any other host, credentials in the URL, a query or a fragment.
///
/// ```
/// # use auth_runtime::BaseUrl;
/// let base = BaseUrl::parse("https://api.example.com/api/v3/").unwrap();
/// assert_eq!(base.endpoint("/oauth/token").as_str(), "https://api.example.com/api/v3/oauth/token");
/// assert!(BaseUrl::parse("http://api.example.com").is_err());
/// assert!(BaseUrl::parse("http://127.0.0.1:8080").is_ok());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl(Url);

impl BaseUrl {
    /// Parses and validates a base URL.
    pub fn parse(input: &str) -> Result<BaseUrl, ConfigError> {
        let url = Url::parse(input.trim()).map_err(|e| ConfigError::InvalidUrl {
            input: mask_userinfo(input),
            reason: e.to_string(),
        })?;
        check_transport_security(&url)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ConfigError::UrlHasCredentials);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(ConfigError::UrlHasQueryOrFragment {
                url: url.to_string(),
            });
        }
        Ok(BaseUrl(url))
    }

    /// Appends an OpenAPI path (such as `/oauth/token`) to the base URL's path.
    ///
    /// `https://x/api/v3` or `https://x/api/v3/` plus `/oauth/token` or `oauth/token`
    /// gives `https://x/api/v3/oauth/token`. Characters that are not allowed in a path are
    /// percent-encoded; `?` and `#` in `path` stay part of the path.
    pub fn endpoint(&self, path: &str) -> Url {
        let mut url = self.0.clone();
        let base = self.0.path().trim_end_matches('/');
        let rest = path.trim_start_matches('/');
        url.set_path(&format!("{base}/{rest}"));
        url
    }

    /// A URL of the API's document resolved against this base as RFC 3986 says
    /// (OpenAPI: relative URLs resolve against the server): an absolute URL stays as it
    /// is, `/oauth/token` replaces the path, `token` replaces its last segment. The
    /// result must be https, or http to loopback.
    ///
    /// ```
    /// # use auth_runtime::BaseUrl;
    /// let base = BaseUrl::parse("https://api.example.com/v1").unwrap();
    /// assert_eq!(base.resolve("/oauth/token").unwrap().as_str(), "https://api.example.com/oauth/token");
    /// assert_eq!(base.resolve("https://login.example.com/t").unwrap().as_str(), "https://login.example.com/t");
    /// assert!(base.resolve("http://login.example.com/t").is_err());
    /// ```
    pub fn resolve(&self, reference: &str) -> Result<Url, ConfigError> {
        let url = self
            .0
            .join(reference.trim())
            .map_err(|e| ConfigError::InvalidUrl {
                input: mask_userinfo(reference),
                reason: e.to_string(),
            })?;
        check_transport_security(&url)?;
        Ok(url)
    }

    /// The validated URL.
    pub fn as_url(&self) -> &Url {
        &self.0
    }
}

impl FromStr for BaseUrl {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BaseUrl::parse(s)
    }
}

impl AsRef<Url> for BaseUrl {
    fn as_ref(&self) -> &Url {
        &self.0
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BaseUrl").field(&self.0.as_str()).finish()
    }
}

/// Refuses to send anything over a channel that is not `https`, except to loopback.
pub(crate) fn check_transport_security(url: &Url) -> Result<(), ConfigError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(ConfigError::InsecureUrl {
            host: url.host_str().unwrap_or_default().to_owned(),
        }),
        other => Err(ConfigError::UnsupportedScheme {
            scheme: other.to_owned(),
        }),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => {
            let domain = domain.strip_suffix('.').unwrap_or(domain);
            domain.eq_ignore_ascii_case("localhost")
        }
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Hides a `user:password@` part of a URL that failed to parse, for error messages.
fn mask_userinfo(input: &str) -> String {
    let Some(start) = input.find("://").map(|i| i + 3) else {
        return input.to_owned();
    };
    let authority_end = input[start..]
        .find(['/', '?', '#'])
        .map_or(input.len(), |i| start + i);
    match input[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &input[..start], &input[start + at..]),
        None => input.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_accepted() {
        assert!(BaseUrl::parse("https://api.example.com").is_ok());
        assert!(BaseUrl::parse("https://api.example.com:8443/v1").is_ok());
    }

    #[test]
    fn plain_http_only_for_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000/api",
            "http://localhost:3000",
            "http://LOCALHOST",
        ] {
            assert!(BaseUrl::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com",
            "http://10.0.0.1",
            "http://192.168.1.1",
            "http://localhost.example.com",
            "http://[::2]",
            "http://0.0.0.0",
        ] {
            let err = BaseUrl::parse(bad).unwrap_err();
            assert!(
                matches!(err, ConfigError::InsecureUrl { .. }),
                "{bad}: {err}"
            );
            assert!(err.to_string().contains("https"), "{err}");
        }
    }

    #[test]
    fn other_schemes_credentials_and_queries_are_refused() {
        assert!(matches!(
            BaseUrl::parse("ftp://example.com"),
            Err(ConfigError::UnsupportedScheme { .. })
        ));
        assert!(matches!(
            BaseUrl::parse("mailto:someone@example.com"),
            Err(ConfigError::UnsupportedScheme { .. })
        ));
        let err = BaseUrl::parse("https://user:hunter2@example.com").unwrap_err();
        assert!(matches!(err, ConfigError::UrlHasCredentials));
        assert!(!format!("{err} {err:?}").contains("hunter2"));
        assert!(matches!(
            BaseUrl::parse("https://example.com/?a=b"),
            Err(ConfigError::UrlHasQueryOrFragment { .. })
        ));
        assert!(matches!(
            BaseUrl::parse("https://example.com/#x"),
            Err(ConfigError::UrlHasQueryOrFragment { .. })
        ));
    }

    #[test]
    fn unparsable_input_is_reported_without_credentials() {
        let err = BaseUrl::parse("https://user:hunter2@exa mple.com/").unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(matches!(err, ConfigError::InvalidUrl { .. }));
        assert!(!text.contains("hunter2"), "{text}");
        assert!(BaseUrl::parse("not a url").is_err());
        assert!(BaseUrl::parse("").is_err());
    }

    #[test]
    fn endpoint_joins_paths() {
        let cases = [
            (
                "https://x/api/v3",
                "/oauth/token",
                "https://x/api/v3/oauth/token",
            ),
            (
                "https://x/api/v3/",
                "/oauth/token",
                "https://x/api/v3/oauth/token",
            ),
            (
                "https://x/api/v3/",
                "oauth/token",
                "https://x/api/v3/oauth/token",
            ),
            ("https://x", "/oauth/token", "https://x/oauth/token"),
            ("https://x/", "/oauth/token", "https://x/oauth/token"),
            ("https://x/a//", "//b", "https://x/a/b"),
            ("https://x/a", "/b c", "https://x/a/b%20c"),
            ("https://x/a", "/b?c", "https://x/a/b%3Fc"),
        ];
        for (base, path, want) in cases {
            let base = BaseUrl::parse(base).unwrap();
            assert_eq!(base.endpoint(path).as_str(), want, "{base} + {path}");
        }
    }

    #[test]
    fn masks_userinfo() {
        assert_eq!(mask_userinfo("https://a:b@h/p"), "https://***@h/p");
        assert_eq!(mask_userinfo("https://h/p@q"), "https://h/p@q");
        assert_eq!(mask_userinfo("no scheme"), "no scheme");
    }
}
