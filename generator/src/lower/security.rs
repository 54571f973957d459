//! Security schemes and requirements: what the auth-flow clients are derived from.

use serde_json::{Map, Value};

use super::{Lowerer, docs};
use crate::ir::*;
use crate::load::{Loc, Member};

impl Lowerer<'_> {
    pub(super) fn security_schemes(&mut self, root: &Loc) -> Vec<SecurityScheme> {
        let at = root.child("components").child("securitySchemes");
        let Some(keys) = self.map_at(&at) else {
            return Vec::new();
        };
        let at = self.follow_or_report(&at);
        keys.into_iter()
            .filter_map(|key| self.security_scheme(&at.child(&key), key))
            .collect()
    }

    fn security_scheme(&mut self, loc: &Loc, key: String) -> Option<SecurityScheme> {
        let loc = self.follow_or_report(loc);
        let Some(Value::Object(map)) = self.sources.get(&loc) else {
            self.error(&loc, "expected a security scheme (an object)");
            return None;
        };
        let text = |k: &str| {
            map.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let kind = match text("type").as_str() {
            "http" => {
                let scheme = text("scheme").to_ascii_lowercase();
                if scheme != "basic" && scheme != "bearer" {
                    self.warning(&loc.child("scheme"), format!("HTTP authentication scheme {scheme:?} is not generated (only `basic` and `bearer` are): its setter takes any `auth_runtime::Auth` the app builds"));
                }
                SecuritySchemeKind::Http { scheme }
            }
            "apiKey" => {
                let location = match text("in").as_str() {
                    "query" => ParameterLocation::Query,
                    "cookie" => ParameterLocation::Cookie,
                    _ => ParameterLocation::Header,
                };
                SecuritySchemeKind::ApiKey {
                    name: text("name"),
                    location,
                }
            }
            "oauth2" => SecuritySchemeKind::OAuth2 {
                flows: self.oauth_flows(&loc, map),
                metadata_url: map
                    .member("oauth2MetadataUrl")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            },
            "openIdConnect" => {
                let url = text("openIdConnectUrl");
                if url.trim().is_empty() {
                    self.warning(
                        &loc,
                        "`openIdConnect` scheme without `openIdConnectUrl`: no client is generated",
                    );
                }
                SecuritySchemeKind::OpenIdConnect { url }
            }
            "mutualTLS" => {
                self.warning(&loc, "mutual TLS is not set up by the generated client: build the `reqwest` client with the certificate and pass it to `auth_runtime::Http::with_client`");
                SecuritySchemeKind::MutualTls
            }
            other => {
                self.warning(
                    &loc.child("type"),
                    format!("unknown security scheme type {other:?}: ignored"),
                );
                return None;
            }
        };
        Some(SecurityScheme {
            setter: String::new(),
            key,
            docs: docs(&[&text("description")]),
            kind,
        })
    }

    /// `None` when `loc` holds no `security` list (the default applies).
    pub(super) fn security_requirements(&mut self, loc: &Loc) -> Option<Vec<SecurityRequirement>> {
        let value = self.sources.get(loc)?;
        let Value::Array(items) = value else {
            self.error(loc, "`security` must be an array");
            return None;
        };
        let requirements = items
            .iter()
            .filter_map(Value::as_object)
            .map(|alternative| SecurityRequirement {
                schemes: alternative
                    .iter()
                    .map(|(scheme, scopes)| (scheme.clone(), strings(scopes)))
                    .collect(),
            })
            .collect();
        Some(requirements)
    }
}

impl Lowerer<'_> {
    /// The flows of an `oauth2` scheme; each one no client can be made of is reported.
    fn oauth_flows(&mut self, loc: &Loc, map: &Map<String, Value>) -> Vec<OAuthFlow> {
        let Some(Value::Object(flows)) = map.member("flows") else {
            self.warning(
                loc,
                "`oauth2` scheme without `flows`: no client is generated",
            );
            return Vec::new();
        };
        let grants = [
            OAuthGrant::ClientCredentials,
            OAuthGrant::Password,
            OAuthGrant::AuthorizationCode,
            OAuthGrant::DeviceAuthorization,
            OAuthGrant::Implicit,
        ];
        let mut lowered = Vec::new();
        for grant in grants {
            let Some(flow) = flows.get(grant.key()).and_then(Value::as_object) else {
                continue;
            };
            let at = loc.child("flows").child(grant.key());
            let url = |k: &str| {
                flow.get(k)
                    .and_then(Value::as_str)
                    .filter(|u| !u.trim().is_empty())
                    .map(str::to_owned)
            };
            let flow_ir = OAuthFlow {
                grant,
                token_url: url("tokenUrl"),
                refresh_url: url("refreshUrl"),
                authorization_url: url("authorizationUrl"),
                device_authorization_url: url("deviceAuthorizationUrl"),
                scopes: scopes(flow),
                served_by: None,
            };
            let missing = match grant {
                OAuthGrant::Implicit => {
                    self.warning(&at, "the `implicit` flow is not generated: OAuth 2.1 and RFC 9700 deprecate it (tokens travel in URLs); the `authorizationCode` flow with PKCE replaces it");
                    continue;
                }
                _ if flow_ir.token_url.is_none() => Some("tokenUrl"),
                OAuthGrant::AuthorizationCode if flow_ir.authorization_url.is_none() => {
                    Some("authorizationUrl")
                }
                OAuthGrant::DeviceAuthorization if flow_ir.device_authorization_url.is_none() => {
                    Some("deviceAuthorizationUrl")
                }
                _ => None,
            };
            if let Some(missing) = missing {
                self.warning(
                    &at,
                    format!(
                        "the `{}` flow has no `{missing}`: no client is generated for it",
                        grant.key()
                    ),
                );
                continue;
            }
            lowered.push(flow_ir);
        }
        lowered
    }
}

fn scopes(flow: &Map<String, Value>) -> Vec<Scope> {
    flow.member("scopes")
        .and_then(Value::as_object)
        .map(|scopes| {
            scopes
                .iter()
                .map(|(name, description)| Scope {
                    name: name.clone(),
                    description: description.as_str().unwrap_or_default().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}
