//! Round trips of `fixtures/fidelity/access.yaml` through its generated types.

use fidelity_access::types::*;
use serde_json::json;

#[test]
fn a_response_without_write_only_fields_decodes() {
    let response = json!({"id": "card_1", "number": "4242", "brand": "visa", "created": "2024-01-01T00:00:00Z"});
    let card: Card = serde_json::from_value(response.clone()).expect("decodes");
    assert_eq!(card.cvc, None);
    assert_eq!(serde_json::to_value(&card).expect("encodes"), response);
}

#[test]
fn a_request_without_read_only_fields_encodes() {
    let request = Card {
        id: None,
        number: "4242".into(),
        cvc: Some("123".into()),
        brand: None,
        created: None,
    };
    assert_eq!(
        serde_json::to_value(&request).expect("encodes"),
        json!({"number": "4242", "cvc": "123"})
    );
}
