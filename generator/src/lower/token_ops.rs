//! Token operations of a document and the flows they serve, derived from the document
//! rather than from a table per vendor.
//!
//! A `POST` is a token operation only when the document says so: its success response
//! carries an access token, and its path is a security scheme's `tokenUrl`, or its body
//! has a `grant_type`, or its path ends in a `token` segment (`/oauth/token`,
//! `/oauth2/token/`). Each grant it offers that needs no user at request time
//! (`client_credentials`, `password`) is one flow, refreshed with its `refresh_token`
//! grant; a body that is a union (one struct per grant, Okta's `TokenRequest`) gives
//! each flow its own variant. Credentials hold only the fields of their grant, client
//! authentication comes from the operation's security (HTTP Basic), login alternatives
//! from `oneOf` lists of `required` properties, and path parameters become arguments of
//! the flow. Grants that need a user or an app's own request are reported.

use serde_json::Value;

use super::Lowerer;
use super::token_flows::derive_flow;
use crate::ir::*;
use crate::load::{Loc, Member};
use crate::names::{self, Namespace};

/// The grants a token operation's flow runs without a user at hand, in the order their
/// flows are named.
const PRIMARY_GRANTS: [&str; 2] = ["client_credentials", "password"];

/// One way a token operation's body is written: a struct, alone or as a union variant,
/// and the `grant_type` values it sends.
pub(super) struct Shape {
    pub(super) body: GrantBody,
    pub(super) grant_field: Option<usize>,
    pub(super) grants: Vec<String>,
}

/// A token operation, before its flows are named.
pub(super) struct TokenOperation {
    pub(super) index: usize,
    pub(super) shapes: Vec<Shape>,
    pub(super) response: TokenResponseFields,
    pub(super) basic_auth: bool,
    pub(super) required_sets: Vec<(Option<String>, Vec<String>)>,
}

impl Lowerer<'_> {
    pub(super) fn auth_flows(&mut self, root: &Loc, api: &Api) -> Vec<AuthFlow> {
        let token_paths = scheme_token_paths(api);
        let mut operations = Vec::new();
        for index in 0..api.operations.len() {
            if let Some(found) = self.token_operation(root, api, index, &token_paths) {
                operations.push(found);
            }
        }
        let mut derived: Vec<(String, &TokenOperation, Option<AuthFlow>)> = Vec::new();
        for found in &operations {
            for flow in self.flows_of(root, api, found) {
                derived.push((flow.name.clone(), found, Some(flow)));
            }
        }
        // A grant's name alone while it is unique; the operation's name before it when
        // several token operations offer the same grant (Okta's org and custom servers).
        let mut flow_names = Namespace::default();
        let mut flows = Vec::new();
        for i in 0..derived.len() {
            let label = derived[i].0.clone();
            let shared = derived.iter().filter(|(other, ..)| *other == label).count() > 1;
            let (_, found, flow) = &mut derived[i];
            let Some(mut flow) = flow.take() else {
                continue;
            };
            if shared {
                let operation = &api.operations[found.index].name;
                flow.name = format!("{}{label}", names::pascal(operation));
            }
            flow.name = flow_names.unique(flow.name);
            flows.push(flow);
        }
        flows
    }

    /// The operation at `index` when it is a token operation.
    fn token_operation(
        &mut self,
        root: &Loc,
        api: &Api,
        index: usize,
        token_paths: &[String],
    ) -> Option<TokenOperation> {
        let operation = &api.operations[index];
        if operation.method != Method::Post || operation.webhook {
            return None;
        }
        let response = token_response(api, operation)?;
        let content = operation.request_body.as_ref()?.preferred()?;
        let TypeRef::Named(body) = content.ty else {
            return None;
        };
        let shapes = shapes(api, body);
        let named_token_url = token_paths
            .iter()
            .any(|url| path_matches(url, &operation.path));
        let has_grant_type = shapes.iter().any(|s| s.grant_field.is_some());
        let last_segment = operation.path.trim_end_matches('/').rsplit('/').next();
        if shapes.is_empty()
            || !(named_token_url || has_grant_type || last_segment == Some("token"))
        {
            return None;
        }
        let required_sets = match &api.type_def(body).kind {
            TypeKind::Struct(_) => {
                let at = self.request_schema(root, operation);
                self.required_sets(at.as_ref())
            }
            _ => Vec::new(),
        };
        Some(TokenOperation {
            index,
            shapes,
            response,
            basic_auth: uses_basic_auth(api, operation),
            required_sets,
        })
    }

    /// One flow per primary grant the operation offers; other grants are reported.
    fn flows_of(&mut self, root: &Loc, api: &Api, found: &TokenOperation) -> Vec<AuthFlow> {
        let operation = &api.operations[found.index];
        let offered: Vec<&str> = found
            .shapes
            .iter()
            .flat_map(|s| s.grants.iter().map(String::as_str))
            .collect();
        let mut flows: Vec<AuthFlow> = PRIMARY_GRANTS
            .iter()
            .filter_map(|grant| {
                let shape = found
                    .shapes
                    .iter()
                    .find(|s| s.grants.iter().any(|g| g == grant))?;
                derive_flow(api, found, shape, Some(grant))
            })
            .collect();
        if flows.is_empty() && offered.iter().all(|g| *g == "refresh_token") {
            // No listed grant (a free-text or missing `grant_type`): the grant its fields
            // are for (RFC 6749 §4.3, §4.4). Only a refresh grant (Box's `#refresh`)
            // cannot obtain a first token.
            if offered.is_empty() {
                flows.extend(derive_flow(api, found, &found.shapes[0], None));
            }
        }
        let other: Vec<&str> = offered
            .iter()
            .copied()
            .filter(|g| !PRIMARY_GRANTS.contains(g) && *g != "refresh_token")
            .collect();
        if !other.is_empty() {
            let at = root
                .child(if operation.webhook {
                    "webhooks"
                } else {
                    "paths"
                })
                .child(&operation.path)
                .child(operation.method.as_str());
            let listed: Vec<String> = other.iter().map(|g| format!("`{g}`")).collect();
            self.warning(&at, format!("token operation grants {} are not generated as flows: the authorization-code and device grants come from a security scheme's flows (`auth_runtime::oauth`), other grants need the app's own request with the typed body", listed.join(", ")));
        }
        flows
    }

    /// Where the operation's JSON request schema lives (after `$ref`s).
    fn request_schema(&self, root: &Loc, operation: &Operation) -> Option<Loc> {
        let section = if operation.webhook {
            "webhooks"
        } else {
            "paths"
        };
        let item = self
            .sources
            .follow(&root.child(section).child(&operation.path))
            .ok()?;
        let body = self
            .sources
            .follow(&item.child(operation.method.as_str()).child("requestBody"))
            .ok()?;
        let media = operation
            .request_body
            .as_ref()?
            .preferred()?
            .media_type
            .clone();
        self.sources
            .follow(&body.child("content").child(&media).child("schema"))
            .ok()
    }

    /// `oneOf: [{title, required: [...]}, ...]` on a request schema: login alternatives.
    fn required_sets(&self, schema: Option<&Loc>) -> Vec<(Option<String>, Vec<String>)> {
        let Some(Value::Array(branches)) = schema.and_then(|s| self.sources.get(&s.child("oneOf")))
        else {
            return Vec::new();
        };
        branches
            .iter()
            .filter_map(|branch| {
                let required = branch.member("required")?.as_array()?;
                let title = branch
                    .member("title")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let set = required
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect();
                Some((title, set))
            })
            .collect()
    }
}

/// The paths of every scheme's `tokenUrl` and `refreshUrl`, without scheme and host.
fn scheme_token_paths(api: &Api) -> Vec<String> {
    api.security_schemes
        .iter()
        .filter_map(|s| match &s.kind {
            SecuritySchemeKind::OAuth2 { flows, .. } => Some(flows),
            _ => None,
        })
        .flatten()
        .flat_map(|f| [&f.token_url, &f.refresh_url])
        .flatten()
        .map(|url| url_path(url).to_owned())
        .collect()
}

/// `https://host/a/b?x` → `/a/b`; a relative URL as it is.
fn url_path(url: &str) -> &str {
    let rest = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    rest.split(['?', '#']).next().unwrap_or_default()
}

/// Whether a token URL's path is the operation's path (its `{templates}` match any
/// segment), possibly below the server's base path.
pub(super) fn path_matches(url: &str, template: &str) -> bool {
    let segments = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (url, template) = (segments(url_path(url)), segments(template));
    if template.is_empty() || url.len() < template.len() {
        return false;
    }
    url[url.len() - template.len()..]
        .iter()
        .zip(&template)
        .all(|(u, t)| u == t || (t.starts_with('{') && t.ends_with('}')))
}

/// The ways the body can be written.
fn shapes(api: &Api, body: TypeId) -> Vec<Shape> {
    let shape = |id: TypeId, within: Option<(TypeId, String)>, tags: &[String]| {
        let TypeKind::Struct(fields) = &api.type_def(id).kind else {
            return None;
        };
        let grant_field = field_index(&fields.fields, "grant_type");
        let grants = if tags.is_empty() {
            grant_field.map_or_else(Vec::new, |i| enum_values(api, &fields.fields[i].ty))
        } else {
            tags.to_vec()
        };
        Some(Shape {
            body: GrantBody {
                request: id,
                within,
            },
            grant_field,
            grants,
        })
    };
    match &api.type_def(body).kind {
        TypeKind::Struct(_) => shape(body, None, &[]).into_iter().collect(),
        TypeKind::Union(union) => {
            // Tags are grants only when `grant_type` is what tells the variants apart.
            let by_grant = union.discriminator.as_deref() == Some("grant_type");
            union
                .variants
                .iter()
                .filter_map(|variant| match variant.ty {
                    TypeRef::Named(id) | TypeRef::Boxed(id) => {
                        let tags = if by_grant {
                            variant.tags.as_slice()
                        } else {
                            &[]
                        };
                        shape(id, Some((body, variant.name.clone())), tags)
                    }
                    _ => None,
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

pub(super) fn field_index(fields: &[Field], snake: &str) -> Option<usize> {
    fields
        .iter()
        .position(|f| names::snake(&f.wire_name) == snake)
}

pub(super) fn struct_fields(api: &Api, id: TypeId) -> &[Field] {
    match &api.type_def(id).kind {
        TypeKind::Struct(s) => &s.fields,
        _ => &[],
    }
}

/// The fields of a success response that carries an access token.
fn token_response(api: &Api, operation: &Operation) -> Option<TokenResponseFields> {
    operation
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .find_map(|response| {
            let TypeRef::Named(id) = response.preferred()?.ty else {
                return None;
            };
            let TypeKind::Struct(body) = &api.type_def(id).kind else {
                return None;
            };
            let wire = |name: &str| {
                field_index(&body.fields, name).map(|i| body.fields[i].wire_name.clone())
            };
            Some(TokenResponseFields {
                access_token: wire("access_token")?,
                token_type: wire("token_type"),
                expires_in: wire("expires_in"),
                refresh_token: wire("refresh_token"),
                created_at: wire("created_at"),
                scope: wire("scope"),
            })
        })
}

/// The values a `grant_type` field may take (its enum's wire values).
fn enum_values(api: &Api, ty: &TypeRef) -> Vec<String> {
    match ty {
        TypeRef::Named(id) => match &api.type_def(*id).kind {
            TypeKind::StringEnum { variants, .. } => {
                variants.iter().map(|v| v.wire_value.clone()).collect()
            }
            TypeKind::Alias(target) => enum_values(api, target),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The operation (or, without its own `security`, the API) requires HTTP Basic.
fn uses_basic_auth(api: &Api, operation: &Operation) -> bool {
    let requirements = operation.security.as_ref().unwrap_or(&api.default_security);
    requirements.iter().any(|requirement| {
        requirement.schemes.iter().any(|(key, _)| {
            api.security_schemes.iter().any(|s| {
                &s.key == key
                    && matches!(&s.kind, SecuritySchemeKind::Http { scheme } if scheme == "basic")
            })
        })
    })
}

/// Marks each scheme flow that a token operation's flow serves (same path, same grant).
pub(super) fn mark_served(api: &mut Api) {
    let Api {
        security_schemes,
        auth_flows,
        operations,
        ..
    } = api;
    for scheme in security_schemes.iter_mut() {
        let SecuritySchemeKind::OAuth2 { flows, .. } = &mut scheme.kind else {
            continue;
        };
        for flow in flows.iter_mut() {
            let Some(url) = &flow.token_url else { continue };
            flow.served_by = auth_flows.iter().position(|f| {
                path_matches(url, &operations[f.operation].path)
                    && f.grant
                        .as_ref()
                        .map_or(flow.grant == OAuthGrant::ClientCredentials, |g| {
                            g.value == flow.grant.grant_type()
                        })
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_urls_match_operation_paths() {
        assert!(path_matches("/oauth/token", "/oauth/token"));
        assert!(path_matches(
            "https://id.example.com/oauth2/default/v1/token",
            "/oauth2/{authorizationServerId}/v1/token"
        ));
        assert!(!path_matches(
            "https://id.example.com/oauth2/v1/token",
            "/oauth2/{authorizationServerId}/v1/token"
        ));
        assert!(path_matches(
            "https://api.example.com/v2/oauth2/token/?x=1",
            "/oauth2/token/"
        ));
        assert!(!path_matches("/oauth/token", "/api/v1/accounts"));
        assert!(!path_matches("/token", "/oauth/token"));
    }
}
