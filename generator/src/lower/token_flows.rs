//! The flow of one grant of a token operation: which of the body's fields are the
//! app's credentials (only those of that grant: RFC 6749, 7636, 7523, 8628, 8693), how
//! the client authenticates, the login alternatives, and the refresh grant.

use super::token_ops::{Shape, TokenOperation, field_index, struct_fields};
use crate::ir::*;
use crate::names::{self, Namespace};

/// Fields that belong to one grant only (RFC 6749, 7636, 7523, 8628, 8693): a flow of
/// another grant never asks for them.
const GRANT_FIELDS: &[(&str, &[&str])] = &[
    ("password", &["username", "password"]),
    (
        "authorization_code",
        &["code", "redirect_uri", "code_verifier"],
    ),
    ("refresh_token", &["refresh_token"]),
    (
        "urn:ietf:params:oauth:grant-type:device_code",
        &["device_code"],
    ),
    (
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
        &["assertion"],
    ),
    (
        "urn:ietf:params:oauth:grant-type:saml2-bearer",
        &["assertion"],
    ),
    (
        "urn:ietf:params:oauth:grant-type:token-exchange",
        &[
            "subject_token",
            "subject_token_type",
            "actor_token",
            "actor_token_type",
            "requested_token_type",
        ],
    ),
    ("urn:openid:params:grant-type:ciba", &["auth_req_id"]),
];

/// Whether a body says nothing but who the client is and what it asks for (besides
/// fields of other grants): a client-credentials request. Discord's partner-SDK token
/// (`external_auth_token`) is an exchange of another kind.
fn only_client_fields(fields: &[Field]) -> bool {
    const CLIENT: &[&str] = &[
        "grant_type",
        "client_id",
        "client_secret",
        "scope",
        "audience",
        "resource",
        "client_assertion",
        "client_assertion_type",
    ];
    fields.iter().all(|f| {
        let snake = names::snake(&f.wire_name);
        CLIENT.contains(&snake.as_str()) || belongs_elsewhere(&snake, "client_credentials")
    })
}

/// Whether a field of this name is one another grant's alone.
fn belongs_elsewhere(snake: &str, grant: &str) -> bool {
    let own: &[&str] = GRANT_FIELDS
        .iter()
        .find(|(g, _)| *g == grant)
        .map_or(&[], |(_, fields)| fields);
    !own.contains(&snake)
        && GRANT_FIELDS
            .iter()
            .any(|(g, fields)| *g != grant && fields.contains(&snake))
}

/// The flow of `grant` (`None`: the grant the body's fields are for) in `shape`.
pub(super) fn derive_flow(
    api: &Api,
    found: &TokenOperation,
    shape: &Shape,
    grant: Option<&str>,
) -> Option<AuthFlow> {
    let fields = struct_fields(api, shape.body.request);
    let has = |name: &str| field_index(fields, name).is_some();
    let basic_auth = found.basic_auth;
    // The grant, and what `grant_type` says: listed, else what the fields are for
    // (Cobee's `{clientId, clientSecret}` names no grant, its secret says the client
    // authenticates); with nothing to tell, the operation's name labels the flow and
    // `grant_type` is left for the app.
    let (grant, value) = match grant {
        Some(grant) => (grant.to_owned(), Some(grant.to_owned())),
        None if has("password") => ("password".to_owned(), Some("password".to_owned())),
        None if only_client_fields(fields) && (basic_auth || fields.iter().any(|f| f.secret)) => (
            "client_credentials".to_owned(),
            Some("client_credentials".to_owned()),
        ),
        None => (names::snake(&api.operations[found.index].name), None),
    };
    // A required set naming the refresh token describes the refresh grant, not a login.
    let required_sets: Vec<_> = found
        .required_sets
        .iter()
        .filter(|(_, set)| !set.iter().any(|w| names::snake(w) == "refresh_token"))
        .collect();
    let refresh = refresh_grant(api, found, shape);
    let in_struct_refresh = refresh
        .as_ref()
        .filter(|r| r.body.is_none())
        .map(|r| r.token_field);
    let is_password = grant == "password";
    // RFC 6749 §4.3: the password grant needs a username and a password.
    let forced: &[&str] = if is_password && required_sets.is_empty() {
        &["username", "password"]
    } else {
        &[]
    };
    let in_alternative = |wire: &str| {
        required_sets
            .iter()
            .any(|(_, set)| set.iter().any(|w| w == wire))
    };
    let credential = |index: usize, required: bool| Credential {
        field: index,
        required,
        in_refresh: fields[index].presence != Presence::Optional,
        secret: fields[index].secret,
    };
    let shared = fields
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            Some(*i) != shape.grant_field
                && Some(*i) != in_struct_refresh
                && !in_alternative(&f.wire_name)
        })
        .filter(|(_, f)| !belongs_elsewhere(&names::snake(&f.wire_name), &grant))
        // With HTTP Basic the client's credentials go in the header only, never both ways.
        .filter(|(_, f)| {
            !(basic_auth
                && ["client_id", "client_secret"].contains(&names::snake(&f.wire_name).as_str()))
        })
        .map(|(i, f)| {
            let snake = names::snake(&f.wire_name);
            credential(
                i,
                f.presence != Presence::Optional || forced.contains(&snake.as_str()),
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
                .filter_map(|wire| fields.iter().position(|f| &f.wire_name == wire))
                .map(|i| credential(i, true))
                .collect();
            Alternative {
                name: alternative_names.unique(names::pascal(&label)),
                credentials,
            }
        })
        .collect();
    let operation = &api.operations[found.index];
    let path_parameters = operation
        .parameters
        .iter()
        .enumerate()
        .filter(|(_, p)| p.location == ParameterLocation::Path)
        .map(|(i, _)| i)
        .collect();
    Some(AuthFlow {
        name: names::pascal(&grant),
        operation: found.index,
        body: shape.body.clone(),
        grant: shape
            .grant_field
            .zip(value)
            .map(|(field, value)| GrantField { field, value }),
        refresh,
        basic_auth,
        shared,
        alternatives,
        path_parameters,
        response: found.response.clone(),
    })
}

/// The refresh grant: in the primary grant's own struct, or in another variant of the
/// body union whose required fields the flow can fill.
fn refresh_grant(api: &Api, found: &TokenOperation, primary: &Shape) -> Option<RefreshGrant> {
    let shape = found
        .shapes
        .iter()
        .find(|s| s.grants.iter().any(|g| g == "refresh_token"))?;
    let fields = struct_fields(api, shape.body.request);
    let token_field = field_index(fields, "refresh_token")?;
    if shape.body == primary.body {
        return Some(RefreshGrant {
            grant_value: Some("refresh_token".into()),
            token_field,
            body: None,
        });
    }
    // Required fields other than the grant type and the token must be ones the flow
    // holds (the client's id, a scope), by wire name.
    let primary_fields = struct_fields(api, primary.body.request);
    let fillable = fields.iter().enumerate().all(|(i, f)| {
        i == token_field
            || Some(i) == shape.grant_field
            || f.presence == Presence::Optional
            || primary_fields.iter().any(|p| p.wire_name == f.wire_name)
    });
    fillable.then(|| RefreshGrant {
        grant_value: Some("refresh_token".into()),
        token_field,
        body: Some((shape.body.clone(), shape.grant_field)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_other_grants_are_left_out() {
        assert!(belongs_elsewhere("code", "client_credentials"));
        assert!(belongs_elsewhere("redirect_uri", "client_credentials"));
        assert!(belongs_elsewhere("username", "client_credentials"));
        assert!(!belongs_elsewhere("username", "password"));
        assert!(!belongs_elsewhere("scope", "client_credentials"));
        assert!(!belongs_elsewhere("client_id", "password"));
    }
}
