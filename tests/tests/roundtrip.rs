//! Values through the generated types: what goes on the wire is what the documents say.

use generated::{cobee, podero, zype};
use serde_json::{Value, json};

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serializes")
}

#[test]
fn podero_required_nullable_grant_type_is_sent_as_null_and_absent_fields_are_omitted() {
    let input = podero::types::TokenInput {
        grant_type: None,
        username: None,
        password: None,
        refresh_token: None,
    };
    assert_eq!(
        serde_json::to_string(&input).unwrap(),
        r#"{"grant_type":null}"#
    );

    let input = podero::types::TokenInput {
        grant_type: Some(podero::types::GrantType::Password),
        username: Some("ada".into()),
        password: Some("pw".into()),
        refresh_token: None,
    };
    assert_eq!(
        to_json(&input),
        json!({"grant_type": "password", "username": "ada", "password": "pw"})
    );
}

#[test]
fn podero_grant_type_must_be_present_but_may_be_null() {
    let with_null: podero::types::TokenInput =
        serde_json::from_str(r#"{"grant_type": null}"#).unwrap();
    assert_eq!(with_null.grant_type, None);
    let missing = serde_json::from_str::<podero::types::TokenInput>("{}").unwrap_err();
    assert!(
        missing.to_string().contains("missing field `grant_type`"),
        "{missing}"
    );
}

#[test]
fn podero_token_output_decodes_and_keeps_integer_lifetime() {
    let body = json!({"access_token": "a", "expires_in": 36000, "token_type": "Bearer", "scope": "read write", "refresh_token": "r"});
    let output: podero::types::TokenOutput = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(output.expires_in, 36000_i64);
    assert_eq!(to_json(&output), body);
    // `integer` means integer: a fractional lifetime is refused.
    let fractional = json!({"access_token": "a", "expires_in": 1.5, "token_type": "Bearer", "scope": "", "refresh_token": "r"});
    assert!(serde_json::from_value::<podero::types::TokenOutput>(fractional).is_err());
}

#[test]
fn cobee_uses_camel_case_on_the_wire() {
    let request = cobee::types::AuthenticateRequest {
        client_id: "id".into(),
        client_secret: "secret".into(),
    };
    assert_eq!(
        to_json(&request),
        json!({"clientId": "id", "clientSecret": "secret"})
    );
}

#[test]
fn cobee_success_example_decodes() {
    let example = json!({
        "accessToken": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOjEyMywiZXhwIjoxNzEwNjU1MjAwfQ.NDCEZZKZ7v8bIh_vO8ht51EepUuCOZBIX8DVXy5eVhA",
        "tokenType": "Bearer",
        "expiresIn": 86400
    });
    let response: cobee::types::PostOauthTokenResponse =
        serde_json::from_value(example.clone()).unwrap();
    assert_eq!(response.expires_in, Some(86400));
    assert_eq!(response.token_type.as_deref(), Some("Bearer"));
    assert_eq!(to_json(&response), example);
}

/// Cobee's `Error` requires `error` and `message`, yet its own examples carry
/// `{code, message}` and `{message}`: the type says what the schema says, and the
/// examples do not fit it (the runtime keeps the raw body for exactly this case).
#[test]
fn cobee_error_examples_contradict_the_error_schema() {
    let documented = json!({"error": 400, "message": "Bad request"});
    assert!(serde_json::from_value::<cobee::types::Error>(documented).is_ok());
    for example in [
        json!({"code": "validation_error", "message": "body: must have required property 'clientId'"}),
        json!({"message": "Unauthorized"}),
        json!({"message": "Bad request: Invalid field value"}),
    ] {
        assert!(serde_json::from_value::<cobee::types::Error>(example).is_err());
    }
}

#[test]
fn zype_expires_in_is_a_number() {
    let body = json!({
        "access_token": "a", "token_type": "bearer", "expires_in": 3600.5,
        "refresh_token": "r", "scope": "consumer", "created_at": "2024-07-17T14:58:20.109-04:00"
    });
    let response: zype::types::TokenResponse = serde_json::from_value(body).unwrap();
    assert_eq!(response.expires_in, Some(3600.5));
}

#[test]
fn zype_400_and_401_share_one_error_type() {
    let error: zype::types::TokenErrorResponse =
        serde_json::from_value(json!({"error": "invalid_grant", "error_description": "The provided authorization grant is invalid"})).unwrap();
    assert_eq!(error.error.as_deref(), Some("invalid_grant"));
}

#[test]
fn zype_request_omits_absent_optional_fields() {
    let request = zype::types::TokenRequest {
        client_id: "id".into(),
        client_secret: "secret".into(),
        username: Some("ada@example.com".into()),
        password: Some("pw".into()),
        linked_device_id: None,
        pin: None,
        grant_type: zype::types::TokenRequestGrantType::Password,
        refresh_token: None,
    };
    assert_eq!(
        to_json(&request),
        json!({"client_id": "id", "client_secret": "secret", "username": "ada@example.com", "password": "pw", "grant_type": "password"})
    );
}

#[test]
fn unknown_enum_values_still_decode_and_round_trip() {
    let value: zype::types::TokenRequestGrantType =
        serde_json::from_value(json!("device_code")).unwrap();
    assert_eq!(
        value,
        zype::types::TokenRequestGrantType::Unknown("device_code".into())
    );
    assert_eq!(to_json(&value), json!("device_code"));
    let known: zype::types::TokenRequestGrantType =
        serde_json::from_value(json!("refresh_token")).unwrap();
    assert_eq!(known, zype::types::TokenRequestGrantType::RefreshToken);
    assert_eq!(known.to_string(), "refresh_token");
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let secrets = [
        "s3cr3t-client",
        "pa55word",
        "t0ken-access",
        "t0ken-refresh",
        "1234-pin",
    ];
    let debug = [
        format!(
            "{:?}",
            podero::types::TokenInput {
                grant_type: Some(podero::types::GrantType::RefreshToken),
                username: Some("ada".into()),
                password: Some("pa55word".into()),
                refresh_token: Some("t0ken-refresh".into()),
            }
        ),
        format!(
            "{:?}",
            podero::types::TokenOutput {
                access_token: "t0ken-access".into(),
                expires_in: 1,
                token_type: "Bearer".into(),
                scope: "read".into(),
                refresh_token: "t0ken-refresh".into(),
            }
        ),
        format!(
            "{:?}",
            cobee::types::AuthenticateRequest {
                client_id: "id".into(),
                client_secret: "s3cr3t-client".into()
            }
        ),
        format!(
            "{:?}",
            zype::types::TokenRequest {
                client_id: "id".into(),
                client_secret: "s3cr3t-client".into(),
                username: Some("ada".into()),
                password: Some("pa55word".into()),
                linked_device_id: Some("device".into()),
                pin: Some("1234-pin".into()),
                grant_type: zype::types::TokenRequestGrantType::Password,
                refresh_token: Some("t0ken-refresh".into()),
            }
        ),
    ];
    for text in &debug {
        assert!(text.contains("[REDACTED]"), "{text}");
        for secret in secrets {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
    }
}
