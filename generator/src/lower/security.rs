//! Security schemes and requirements: what the auth-flow clients are derived from.

use serde_json::{Map, Value};

use super::{Lowerer, docs};
use crate::ir::*;
use crate::load::Loc;

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
            "http" => SecuritySchemeKind::Http {
                scheme: text("scheme").to_ascii_lowercase(),
            },
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
                flows: oauth_flows(map),
            },
            "openIdConnect" => SecuritySchemeKind::OpenIdConnect {
                url: text("openIdConnectUrl"),
            },
            "mutualTLS" => SecuritySchemeKind::MutualTls,
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

fn oauth_flows(map: &Map<String, Value>) -> Vec<OAuthFlow> {
    let Some(Value::Object(flows)) = map.get("flows") else {
        return Vec::new();
    };
    let grants = [
        ("clientCredentials", OAuthGrant::ClientCredentials),
        ("password", OAuthGrant::Password),
        ("authorizationCode", OAuthGrant::AuthorizationCode),
        ("implicit", OAuthGrant::Implicit),
    ];
    grants
        .iter()
        .filter_map(|(key, grant)| {
            let flow = flows.get(*key)?.as_object()?;
            let url = |k: &str| flow.get(k).and_then(Value::as_str).map(str::to_owned);
            let scopes = flow
                .get("scopes")
                .and_then(Value::as_object)
                .map(|s| s.keys().cloned().collect())
                .unwrap_or_default();
            Some(OAuthFlow {
                grant: *grant,
                token_url: url("tokenUrl"),
                refresh_url: url("refreshUrl"),
                scopes,
            })
        })
        .collect()
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
