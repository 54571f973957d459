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
fn a_constant_every_branch_requires_is_a_tag() {
    let missing = json!({"issue": "MISSING_REQUIRED_PARAMETER", "field": "/amount"});
    assert!(matches!(
        round_trip::<ErrorDetail>(missing),
        ErrorDetail::MissingRequiredParameter(_)
    ));
    let length = json!({"issue": "INVALID_STRING_LENGTH", "max": 5});
    assert!(matches!(round_trip::<ErrorDetail>(length), ErrorDetail::InvalidStringLength(_)));
    // A value the document does not list is a kind of detail this crate does not know:
    // kept whole, not forced into the first variant whose open enum would accept it.
    let unknown = json!({"issue": "SOMETHING_NEW", "field": "/x"});
    assert!(matches!(round_trip::<ErrorDetail>(unknown), ErrorDetail::Unknown(_)));
    // A listed tag whose body does not fit is an error, as with a discriminator.
    let bad = json!({"issue": "INVALID_STRING_LENGTH", "max": "five"});
    assert!(serde_json::from_value::<ErrorDetail>(bad).is_err());
}

#[test]
fn a_constant_tag_picks_the_object_and_the_id_is_tried_by_shape() {
    let charge = json!({"id": "ch_1", "object": "charge", "amount": 100});
    let BalanceSource::Charge(decoded) = round_trip::<BalanceSource>(charge) else {
        panic!("not a charge")
    };
    assert_eq!(decoded.amount, Some(100));
    // The tag sits behind an `allOf` and a component of its own here.
    let refund = json!({"object": "refund", "id": "re_1"});
    assert!(matches!(round_trip::<BalanceSource>(refund), BalanceSource::Refund(_)));
    let id = json!("ch_1");
    assert!(matches!(round_trip::<BalanceSource>(id), BalanceSource::String(_)));
    let untagged = json!({"id": "x"});
    assert!(matches!(round_trip::<BalanceSource>(untagged), BalanceSource::Unknown(_)));
    let missing_id = json!({"object": "charge"});
    assert!(serde_json::from_value::<BalanceSource>(missing_id).is_err());
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
