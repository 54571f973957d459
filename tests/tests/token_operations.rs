//! Which operations of real documents are token operations, and the flows and scheme
//! clients they give: detection is sound (Mastodon's account registration answers a
//! token but is no token operation), each grant is a flow with only its own fields,
//! path parameters configure the flow, and every scheme flow is served by a client.

use std::path::Path;

use generator::ir::{Api, SecuritySchemeKind};
use generator::{Options, generate};

fn api(path: &str) -> Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    generate(&path, &Options::default())
        .unwrap_or_else(|d| panic!("{d}"))
        .api
}

fn corpus(name: &str) -> Api {
    api(&format!("../../shared/corpus/{name}"))
}

/// `(flow name, operation path, credential wire names)` of every flow.
fn flows(api: &Api) -> Vec<(String, String, Vec<String>)> {
    api.auth_flows
        .iter()
        .map(|flow| {
            let fields = match &api.type_def(flow.body.request).kind {
                generator::ir::TypeKind::Struct(s) => &s.fields,
                _ => panic!("a flow's body is a struct"),
            };
            let mut credentials: Vec<String> = flow
                .shared
                .iter()
                .map(|c| fields[c.field].wire_name.clone())
                .collect();
            if flow.basic_auth {
                credentials.insert(0, "Basic".into());
            }
            (
                flow.name.clone(),
                api.operations[flow.operation].path.clone(),
                credentials,
            )
        })
        .collect()
}

#[test]
fn mastodon_registers_accounts_without_a_flow() {
    let api = corpus("mastodon-3.1.0.json");
    let flows = flows(&api);
    assert_eq!(flows.len(), 1, "{flows:?}");
    let (name, path, credentials) = &flows[0];
    assert_eq!(
        (name.as_str(), path.as_str()),
        ("ClientCredentials", "/oauth/token")
    );
    // Only client-credentials fields: no `code`, `redirect_uri` or `code_verifier`.
    assert_eq!(credentials, &["client_id", "client_secret", "scope"]);
}

#[test]
fn okta_token_operations_give_client_credentials_and_password_flows_with_refresh() {
    let api = corpus("okta-oauth-3.0.3.yaml");
    let names: Vec<String> = api.auth_flows.iter().map(|f| f.name.clone()).collect();
    assert_eq!(
        names,
        [
            "TokenClientCredentials",
            "TokenPassword",
            "TokenCustomAsClientCredentials",
            "TokenCustomAsPassword"
        ]
    );
    for flow in &api.auth_flows {
        assert!(flow.basic_auth, "{}", flow.name);
        assert!(
            flow.refresh.as_ref().is_some_and(|r| r.body.is_some()),
            "{}: the refresh variant",
            flow.name
        );
        assert!(
            flow.body.within.is_some(),
            "{}: a variant of the body union",
            flow.name
        );
    }
    let custom = &api.auth_flows[3];
    let parameters: Vec<&str> = custom
        .path_parameters
        .iter()
        .map(|i| {
            api.operations[custom.operation].parameters[*i]
                .wire_name
                .as_str()
        })
        .collect();
    assert_eq!(parameters, ["authorizationServerId"]);
    let password = flows(&api).remove(1);
    assert_eq!(password.2, ["Basic", "password", "scope", "username"]);
}

#[test]
fn hydra_and_box_get_client_credentials_with_basic_or_in_the_body() {
    let hydra = flows(&corpus("ory-hydra-3.0.3.json"));
    assert_eq!(
        hydra,
        [(
            "ClientCredentials".to_owned(),
            "/oauth2/token".to_owned(),
            vec!["Basic".to_owned()]
        )]
    );
    let boxed = flows(&corpus("box-3.0.2.json"));
    assert!(
        boxed.iter().all(|(_, path, _)| path == "/oauth2/token"),
        "{boxed:?}"
    );
    assert!(
        boxed.iter().any(|(name, ..)| name == "ClientCredentials"),
        "{boxed:?}"
    );
    for (_, _, credentials) in &boxed {
        for other_grant in [
            "code",
            "redirect_uri",
            "refresh_token",
            "assertion",
            "subject_token",
        ] {
            assert!(
                !credentials.iter().any(|c| c == other_grant),
                "{credentials:?}"
            );
        }
    }
}

#[test]
fn an_exchange_that_is_not_client_credentials_is_named_for_its_operation() {
    let discord = flows(&corpus("discord-3.1.0.json"));
    let (name, path, _) = discord
        .iter()
        .find(|(_, path, _)| path == "/partner-sdk/token")
        .expect("the partner-SDK token");
    assert_eq!(
        (name.as_str(), path.as_str()),
        ("PartnerSdkToken", "/partner-sdk/token")
    );
}

#[test]
fn the_fixture_token_operation_and_its_account_registration() {
    let api = api("fixtures/fidelity/auth-token-operations.yaml");
    let flows = flows(&api);
    let names: Vec<&str> = flows.iter().map(|(n, ..)| n.as_str()).collect();
    assert_eq!(names, ["ClientCredentials", "Password"]);
    assert!(
        flows
            .iter()
            .all(|(_, path, _)| path == "/oauth2/{authorizationServerId}/v1/token")
    );
}

/// Every corpus scheme flow is served: by a token operation's typed flow, or by the
/// standard client (the scheme client's methods); the implicit flow never.
#[test]
fn every_corpus_scheme_flow_has_a_client() {
    // The corpus documents that declare `oauth2` schemes (the others have none to serve:
    // generating Stripe or Lago here would only cost time).
    let with_oauth2 = [
        "oai-tictactoe-3.1.yaml",
        "ory-hydra-3.0.3.json",
        "okta-oauth-3.0.3.yaml",
        "mastodon-3.1.0.json",
        "discord-3.1.0.json",
        "mealie-3.1.0.json",
        "box-3.0.2.json",
    ];
    let mut served = 0;
    let mut standard = 0;
    for file in with_oauth2 {
        let api = corpus(file);
        for scheme in &api.security_schemes {
            if let SecuritySchemeKind::OAuth2 { flows, .. } = &scheme.kind {
                for flow in flows {
                    assert_ne!(flow.grant, generator::ir::OAuthGrant::Implicit, "{file}");
                    match flow.served_by {
                        Some(index) => {
                            assert!(index < api.auth_flows.len());
                            served += 1;
                        }
                        None => standard += 1,
                    }
                }
            }
        }
    }
    assert_eq!(
        (served, standard),
        (1, 9),
        "served by token operations, standard clients"
    );
}
