//! Round trips of `fixtures/fidelity/unions.yaml` through its generated types.

use fidelity_unions::types::*;
use serde_json::{Value, json};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: Value) -> T {
    let decoded: T = serde_json::from_value(value.clone()).expect("decodes");
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), value);
    decoded
}

#[test]
fn inheritance_picks_the_subtype_and_keeps_the_base_fields() {
    let bookmark = json!({"id": "0oa1", "name": "bookmark", "signOnMode": "BOOKMARK",
        "settings": {"app": {"url": "https://example.com"}}, "url": "https://example.com"});
    match round_trip::<Application>(bookmark) {
        Application::BookmarkApplication(app) => {
            assert_eq!(app.url.as_deref(), Some("https://example.com"));
            assert!(app.settings.is_some());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unlisted_tag_keeps_the_raw_json() {
    let saml = json!({"signOnMode": "SAML_2_0", "name": "x", "settings": {"signOn": {}}});
    assert!(matches!(round_trip::<Application>(saml), Application::Unknown(_)));
    let no_tag = json!({"name": "x"});
    assert!(matches!(round_trip::<Application>(no_tag), Application::Unknown(_)));
}

#[test]
fn implicit_mapping_uses_component_names() {
    let cat = json!({"petType": "Cat", "name": "Tom", "huntingSkill": "lazy"});
    assert!(matches!(round_trip::<Pet>(cat), Pet::Cat(_)));
    let dog = json!({"petType": "Dog", "packSize": 3});
    assert!(matches!(round_trip::<Pet>(dog), Pet::Dog(_)));
}

#[test]
fn a_new_node_type_does_not_fail_the_whole_response() {
    let tree = json!({"type": "FRAME", "children": [
        {"type": "TEXT", "characters": "hi"},
        {"type": "SOME_NEW_NODE", "whatever": [1, 2]},
    ]});
    let Node::FrameNode(frame) = round_trip::<Node>(tree) else {
        panic!("not a frame")
    };
    let children = frame.children.expect("children");
    assert!(matches!(children[0], Node::TextNode(_)));
    assert!(matches!(children[1], Node::Unknown(_)));
}

#[test]
fn a_known_tag_with_a_wrong_body_is_an_error() {
    let bad = json!({"type": "TEXT", "characters": 5});
    assert!(serde_json::from_value::<Node>(bad).is_err());
}

#[test]
fn untagged_unions_choose_the_best_fit_not_the_first() {
    let missing = json!({"issue": "MISSING_REQUIRED_PARAMETER", "field": "/amount"});
    assert!(matches!(
        round_trip::<ErrorDetail>(missing),
        ErrorDetail::MissingRequiredParameter(_)
    ));
    let length = json!({"issue": "INVALID_STRING_LENGTH", "max": 5});
    assert!(matches!(round_trip::<ErrorDetail>(length), ErrorDetail::InvalidStringLength(_)));
    let unknown = json!({"issue": "SOMETHING_NEW"});
    // No listed value matches; an open enum still accepts it in the first variant.
    assert!(matches!(round_trip::<ErrorDetail>(unknown), ErrorDetail::InvalidArrayMaxItems(_)));
}

#[test]
fn untagged_scalars_and_closed_objects() {
    assert!(matches!(round_trip::<IdOrName>(json!(5)), IdOrName::Integer(5)));
    assert!(matches!(round_trip::<IdOrName>(json!("five")), IdOrName::String(_)));
    assert!(matches!(round_trip::<IdOrName>(json!({"id": 5})), IdOrName::IdOrNameVariant2(_)));
    // A property the closed object does not know: no variant fits.
    assert!(matches!(round_trip::<IdOrName>(json!({"id": 5, "x": 1})), IdOrName::Unknown(_)));
    assert!(matches!(round_trip::<IdOrName>(json!([1])), IdOrName::Unknown(_)));
}

#[test]
fn common_parts_beside_a_one_of_are_in_every_variant() {
    let rsa = json!({"kid": "k1", "use": "sig", "kty": "RSA", "e": "AQAB", "n": "abc"});
    match round_trip::<SigningKey>(rsa) {
        SigningKey::RsaKey(key) => {
            assert_eq!(key.kid.as_deref(), Some("k1"));
            assert_eq!(key.e.as_deref(), Some("AQAB"));
        }
        other => panic!("{other:?}"),
    }
    let ec = json!({"kid": "k2", "kty": "EC", "x": "1"});
    assert!(matches!(round_trip::<SigningKey>(ec), SigningKey::EcKey(_)));
}
