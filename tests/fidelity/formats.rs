//! Typed formats: checked on decode, the wire text kept exactly, values compared as
//! values.

use fidelity_formats::types::Event;
use serde_json::json;

#[test]
fn formats_decode_typed_and_encode_as_received() {
    let wire = json!({
        "id": "3FA85F64-5717-4562-B3FC-2C963F66AFA6",
        "at": "2021-06-01T05:48:33.901+02:00",
        "day": "2024-02-29",
        "payload": "aGVsbG8=",
        "email": "a@example.com",
        "seen": ["2021-06-01T03:48:33Z"],
        "cancelled": null
    });
    let event: Event = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(event.at.unix_timestamp(), 1_622_519_313);
    assert_eq!(event.at.offset_minutes(), 120);
    assert_eq!(event.day.as_ref().unwrap().day(), 29);
    assert_eq!(event.payload.as_ref().unwrap().as_bytes(), b"hello");
    assert_eq!(event.id.as_bytes()[15], 0xa6);
    assert_eq!(event.email.as_deref(), Some("a@example.com"));
    let mut again = serde_json::to_value(&event).unwrap();
    again["cancelled"] = serde_json::Value::Null;
    assert_eq!(again, wire);
}

#[test]
fn malformed_values_fail_where_they_arrive() {
    for (field, bad) in [("id", "not-a-uuid"), ("at", "2021-06-01"), ("day", "2021-02-30"), ("payload", "%%%")] {
        let mut wire = json!({"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "at": "2021-06-01T00:00:00Z"});
        wire[field] = json!(bad);
        let error = serde_json::from_value::<Event>(wire).unwrap_err().to_string();
        assert!(error.contains("not a valid"), "{field}: {error}");
    }
}
