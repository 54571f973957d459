//! Auth flows, derived from the document rather than from a table per vendor: a token
//! operation is a `POST` whose success response carries an access token; its grants
//! come from the request body's `grant_type` values, client authentication from the
//! operation's security (HTTP Basic), and login alternatives from `oneOf` lists of
//! `required` properties.

use serde_json::Value;

use super::Lowerer;
use crate::ir::*;
use crate::load::Loc;
use crate::names::{self, Namespace};

impl Lowerer<'_> {
    pub(super) fn auth_flows(&mut self, root: &Loc, api: &Api) -> Vec<AuthFlow> {
        let mut flow_names = Namespace::default();
        let mut flows = Vec::new();
        for (index, operation) in api.operations.iter().enumerate() {
            if operation.method != Method::Post || operation.webhook {
                continue;
            }
            let Some(response) = token_response(api, operation) else {
                continue;
            };
            let Some(TypeRef::Named(request)) = operation
                .request_body
                .as_ref()
                .and_then(RequestBody::preferred)
                .map(|c| c.ty.clone())
            else {
                continue;
            };
            let TypeKind::Struct(body) = &api.type_def(request).kind else {
                continue;
            };
            let at = self.request_schema(root, operation);
            let required_sets = self.required_sets(at.as_ref());
            let flow = derive_flow(
                api,
                index,
                request,
                body,
                response,
                &mut flow_names,
                required_sets,
            );
            flows.extend(flow);
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
                let required = branch.get("required")?.as_array()?;
                let title = branch
                    .get("title")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                Some((
                    title,
                    required
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect(),
                ))
            })
            .collect()
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
                body.fields
                    .iter()
                    .find(|f| names::snake(&f.wire_name) == name)
                    .map(|f| f.wire_name.clone())
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

fn derive_flow(
    api: &Api,
    operation: usize,
    request: TypeId,
    body: &Struct,
    response: TokenResponseFields,
    flow_names: &mut Namespace,
    required_sets: Vec<(Option<String>, Vec<String>)>,
) -> Option<AuthFlow> {
    let field_index = |name: &str| {
        body.fields
            .iter()
            .position(|f| names::snake(&f.wire_name) == name)
    };
    // A required set naming the refresh token describes the refresh grant, not a login.
    let required_sets: Vec<_> = required_sets
        .into_iter()
        .filter(|(_, set)| !set.iter().any(|w| names::snake(w) == "refresh_token"))
        .collect();
    let grant_field = field_index("grant_type");
    let values = grant_field.map_or_else(Vec::new, |i| enum_values(api, &body.fields[i].ty));
    let operation_def = &api.operations[operation];
    let basic_auth = uses_basic_auth(api, operation_def);
    let has_field = |name: &str| field_index(name).is_some();
    let primary = ["client_credentials", "password"]
        .into_iter()
        .find(|g| values.iter().any(|v| v == g))
        .map(str::to_owned)
        .or_else(|| values.iter().find(|v| *v != "refresh_token").cloned())
        .or_else(|| match (grant_field, values.is_empty()) {
            // A free-text `grant_type`: the grant its fields are for (RFC 6749 §4.3, §4.4).
            (Some(_), true) if has_field("password") => Some("password".to_owned()),
            (Some(_), true) if has_field("client_secret") || basic_auth => {
                Some("client_credentials".to_owned())
            }
            _ => None,
        });
    if grant_field.is_some() && primary.is_none() {
        // Only a refresh grant (Box's `/oauth2/token#refresh`): no way to get a first token.
        return None;
    }
    let refresh_field = field_index("refresh_token");
    let refresh = match (refresh_field, values.iter().any(|v| v == "refresh_token")) {
        (Some(token_field), true) => Some(RefreshGrant {
            grant_value: Some("refresh_token".into()),
            token_field,
        }),
        _ => None,
    };
    let is_password = primary.as_deref() == Some("password");
    // RFC 6749 §4.3: the password grant needs a username and a password.
    let forced: Vec<&str> = if is_password && required_sets.is_empty() {
        vec!["username", "password"]
    } else {
        Vec::new()
    };
    let in_alternative = |wire: &str| {
        required_sets
            .iter()
            .any(|(_, set)| set.iter().any(|w| w == wire))
    };
    let credential = |index: usize, required: bool| Credential {
        field: index,
        required,
        in_refresh: body.fields[index].presence != Presence::Optional,
        secret: body.fields[index].secret,
    };
    let shared = body
        .fields
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            Some(*i) != grant_field && Some(*i) != refresh_field && !in_alternative(&f.wire_name)
        })
        // With HTTP Basic the client's credentials go in the header only, never both ways.
        .filter(|(_, f)| {
            !(basic_auth
                && ["client_id", "client_secret"].contains(&names::snake(&f.wire_name).as_str()))
        })
        .map(|(i, f)| {
            credential(
                i,
                f.presence != Presence::Optional
                    || forced.contains(&names::snake(&f.wire_name).as_str()),
            )
        })
        .collect();
    let mut alternative_names = Namespace::default();
    let alternatives = required_sets
        .iter()
        .map(|(title, set)| {
            let label = title.clone().unwrap_or_else(|| set.join(" "));
            let credentials = set
                .iter()
                .filter_map(|wire| body.fields.iter().position(|f| &f.wire_name == wire))
                .map(|i| credential(i, true))
                .collect();
            Alternative {
                name: alternative_names.unique(names::pascal(&label)),
                credentials,
            }
        })
        .collect();
    let label = match primary.as_deref() {
        Some(grant) => grant.to_owned(),
        None if body.fields.iter().any(|f| f.secret) || basic_auth => {
            "client_credentials".to_owned()
        }
        None => operation_def.name.clone(),
    };
    Some(AuthFlow {
        name: flow_names.unique(names::pascal(&label)),
        operation,
        request,
        grant: grant_field
            .zip(primary)
            .map(|(field, value)| GrantField { field, value }),
        refresh,
        basic_auth,
        shared,
        alternatives,
        response,
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
