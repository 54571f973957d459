//! Values through the generated types: what goes on the wire is what the documents say.

use generated::{cobee, podero, zype};
use serde_json::{Value, json};

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serializes")
}

/// `(serializes, deserializes)`: the serde traits a type implements, found at compile
/// time. A method of a trait implemented only under the bound is found first, the
/// fallback one level of reference further.
macro_rules! serde_traits {
    ($ty:ty) => {{
        struct Probe<T>(std::marker::PhantomData<T>);
        #[allow(dead_code)] // per type, one of each pair is the one found
        trait Serializes {
            fn serializes(&self) -> bool;
        }
        impl<T: serde::Serialize> Serializes for Probe<T> {
            fn serializes(&self) -> bool {
                true
            }
        }
        #[allow(dead_code)]
        trait NotSerializes {
            fn serializes(&self) -> bool;
        }
        impl<T> NotSerializes for &Probe<T> {
            fn serializes(&self) -> bool {
                false
            }
        }
        #[allow(dead_code)]
        trait Deserializes {
            fn deserializes(&self) -> bool;
        }
        impl<T: serde::de::DeserializeOwned> Deserializes for Probe<T> {
            fn deserializes(&self) -> bool {
                true
            }
        }
        #[allow(dead_code)]
        trait NotDeserializes {
            fn deserializes(&self) -> bool;
        }
        impl<T> NotDeserializes for &Probe<T> {
            fn deserializes(&self) -> bool {
                false
            }
        }
        let probe = Probe::<$ty>(std::marker::PhantomData);
        ((&probe).serializes(), (&probe).deserializes())
    }};
}

#[test]
fn types_derive_what_the_way_they_travel_needs() {
    // Requests are sent, answers received; a type used both ways derives both.
    assert_eq!(serde_traits!(podero::types::TokenInput), (true, false));
    assert_eq!(serde_traits!(podero::types::TokenOutput), (false, true));
    assert_eq!(serde_traits!(podero::types::GrantType), (true, false));
    assert_eq!(
        serde_traits!(cobee::types::AuthenticateRequest),
        (true, false)
    );
    assert_eq!(serde_traits!(cobee::types::Error), (false, true));
    assert_eq!(serde_traits!(zype::types::TokenRequest), (true, false));
    assert_eq!(
        serde_traits!(zype::types::TokenErrorResponse),
        (false, true)
    );
    // The probe itself tells the four cases apart.
    assert_eq!(serde_traits!(Value), (true, true));
    assert_eq!(serde_traits!(std::time::Instant), (false, false));
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
fn podero_token_output_decodes_and_keeps_integer_lifetime() {
    let body = json!({"access_token": "a", "expires_in": 36000, "token_type": "Bearer", "scope": "read write", "refresh_token": "r"});
    let output: podero::types::TokenOutput = serde_json::from_value(body).unwrap();
    assert_eq!(output.expires_in, 36000_i64);
    assert_eq!(
        (output.access_token.as_str(), output.scope.as_str()),
        ("a", "read write")
    );
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
    let response: cobee::types::PostOauthTokenResponse = serde_json::from_value(example).unwrap();
    assert_eq!(response.expires_in, Some(86400));
    assert_eq!(response.token_type.as_deref(), Some("Bearer"));
    assert!(
        response
            .access_token
            .is_some_and(|t| t.starts_with("eyJhbGciOiJIUzI1NiIs"))
    );
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
fn values_an_enum_does_not_list_are_sent_as_they_are() {
    let value = zype::types::TokenRequestGrantType::Unknown("device_code".into());
    assert_eq!(to_json(&value), json!("device_code"));
    let known = zype::types::TokenRequestGrantType::RefreshToken;
    assert_eq!(to_json(&known), json!("refresh_token"));
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
