//! Round trips of `fixtures/fidelity/merge-keys.yaml` through its generated types.

use fidelity_merge_keys::types::*;
use serde_json::json;

#[test]
fn merged_keys_make_the_schema() {
    let derived: Derived = serde_json::from_value(json!({"id": "x"})).expect("decodes");
    assert_eq!(derived.id, "x");
    assert!(serde_json::from_value::<Derived>(json!({})).is_err());
    // Merging is shallow: the first mapping's `properties` wins over the second's.
    let both: Both = serde_json::from_value(json!({"id": "x", "extra": 2})).expect("decodes");
    assert_eq!(serde_json::to_value(&both).expect("encodes"), json!({"id": "x"}));
}
