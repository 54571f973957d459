//! Round trips of `fixtures/fidelity/objects.yaml`: what the written-out `Deserialize`
//! of structs accepts and refuses, as serde's derive did.

use fidelity_objects::types::*;
use serde_json::json;

fn record() -> serde_json::Value {
    json!({"id": 7, "@type": "card", "note": null, "payload": [1, 2]})
}

#[test]
fn wire_names_and_presence_are_read_as_the_document_says() {
    let mut value = record();
    value["first-name"] = json!("Ada");
    value["map"] = json!("m");
    value["key"] = json!("k");
    value["a"] = json!({"value": 1.5});
    value["unlisted"] = json!({"ignored": true});
    let record: Record = serde_json::from_value(value).expect("decodes");
    assert_eq!(record.id, 7);
    assert_eq!(record.type_, "card");
    assert_eq!(record.first_name.as_deref(), Some("Ada"));
    assert_eq!(record.note, None);
    assert_eq!(record.payload, json!([1, 2]));
    assert_eq!((record.map.as_deref(), record.key.as_deref()), (Some("m"), Some("k")));
    assert_eq!(record.a.and_then(|a| a.value), Some(1.5));
}

#[test]
fn missing_and_repeated_fields_are_refused_by_name() {
    let mut value = record();
    value.as_object_mut().unwrap().remove("id");
    let error = serde_json::from_value::<Record>(value).unwrap_err();
    assert_eq!(error.to_string(), "missing field `id`");
    // Required and nullable: present as `null`, never absent.
    let mut value = record();
    value.as_object_mut().unwrap().remove("note");
    let error = serde_json::from_value::<Record>(value).unwrap_err();
    assert_eq!(error.to_string(), "missing field `note`");
    // Required with any value: absent is missing too.
    let mut value = record();
    value.as_object_mut().unwrap().remove("payload");
    let error = serde_json::from_value::<Record>(value).unwrap_err();
    assert_eq!(error.to_string(), "missing field `payload`");
    let text = r#"{"id": 1, "id": 2, "@type": "t", "note": null, "payload": 0}"#;
    let error = serde_json::from_str::<Record>(text).unwrap_err();
    assert!(error.to_string().starts_with("duplicate field `id`"), "{error}");
}

#[test]
fn escaped_keys_match_and_other_shapes_are_refused() {
    let text = r#"{"\u0069d": 3, "\u0040type": "t", "note": "n", "payload": null}"#;
    let record: Record = serde_json::from_str(text).expect("decodes");
    assert_eq!((record.id, record.note.as_deref()), (3, Some("n")));
    let error = serde_json::from_str::<Record>("[7, \"t\", null, 0]").unwrap_err();
    assert!(
        error.to_string().starts_with("invalid type: sequence, expected struct Record"),
        "{error}"
    );
    let error = serde_json::from_value::<Record>(json!("text")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid type: string \"text\", expected struct Record"
    );
}

#[test]
fn additional_properties_are_kept_typed() {
    let value = json!({"name": "n", "x": 1, "y": 2});
    let labels: Labels = serde_json::from_value(value.clone()).expect("decodes");
    assert_eq!(labels.name, "n");
    assert_eq!(labels.additional_properties.len(), 2);
    assert_eq!(labels.additional_properties["y"], 2);
    assert_eq!(serde_json::to_value(&labels).expect("encodes"), value);
    let error = serde_json::from_value::<Labels>(json!({"name": "n", "x": "one"})).unwrap_err();
    assert!(error.to_string().contains("expected i64"), "{error}");
}

#[test]
fn a_struct_of_other_properties_only_keeps_them_all() {
    let value = json!({"a": "x", "b": "y"});
    let metadata: Metadata = serde_json::from_value(value.clone()).expect("decodes");
    assert_eq!(metadata.additional_properties.len(), 2);
    assert_eq!(serde_json::to_value(&metadata).expect("encodes"), value);
    assert!(serde_json::from_value::<Metadata>(json!({"a": 1})).is_err());
}
