//! Round trips of `fixtures/hostile/recursion.yaml`: every recursive shape decodes and
//! re-encodes.

use hostile_recursion::types::*;
use serde_json::{Value, json};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: Value) -> T {
    let decoded: T = serde_json::from_value(value.clone()).expect("decodes");
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), value);
    decoded
}

#[test]
fn collections_of_themselves() {
    let lists: ListOfSelf = round_trip(json!([[], [[]]]));
    assert_eq!(lists.0.len(), 2);
    let maps: MapOfSelf = round_trip(json!({"a": {"b": {}}}));
    assert!(maps.0["a"].0.contains_key("b"));
    let _: PingList = round_trip(json!([[[[]]]]));
}

#[test]
fn a_tree_with_parents_and_children() {
    let node: Node = round_trip(json!({
        "children": [{"children": []}, {"self": {}}],
        "parent": {"children": []}
    }));
    assert_eq!(node.children.expect("children").len(), 2);
}

#[test]
fn a_schema_that_is_only_itself_is_any_value() {
    let _: OnlyMe = round_trip(json!({"anything": [1, "two"]}));
    let _: NullableSelf = round_trip(json!(null));
}
