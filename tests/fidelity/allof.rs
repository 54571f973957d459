//! Round trips of `fixtures/fidelity/allof.yaml` through its generated types.

use fidelity_allof::types::*;
use serde_json::json;

#[test]
fn a_refined_property_takes_the_refinement_type() {
    let page = json!({"data": [{"id": "s1", "name": "Central"}], "total": 1, "links": {"next": "/p2"}});
    let decoded: StationPage = serde_json::from_value(page.clone()).expect("decodes");
    let stations: &Vec<Station> = &decoded.data;
    assert_eq!(stations[0].id, "s1");
    assert_eq!(decoded.total, Some(1));
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), page);
}

#[test]
fn required_comes_from_every_part() {
    // `data` is required by a constraint-only part.
    assert!(serde_json::from_value::<StationPage>(json!({"total": 1})).is_err());
}

#[test]
fn an_empty_properties_part_is_still_an_object() {
    let payee: Payee = serde_json::from_value(json!({"id": "p", "name": "n"})).expect("decodes");
    assert_eq!(payee.id, "p");
}

#[test]
fn null_only_where_every_part_allows_it() {
    let value = json!({"a": "x", "b": null});
    let decoded: NullableOnlyWhereAllAllow = serde_json::from_value(value.clone()).expect("decodes");
    assert_eq!(decoded.a, "x");
    assert_eq!(decoded.b, None);
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), value);
    assert!(serde_json::from_value::<NullableOnlyWhereAllAllow>(json!({"a": null, "b": null})).is_err());
}

#[test]
fn a_required_property_nothing_defines_still_travels() {
    let value = json!({"id": 7, "login": "ann"});
    let decoded: RequiredButUndefined = serde_json::from_value(value.clone()).expect("decodes");
    assert_eq!(decoded.id, json!(7));
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), value);
    let missing = serde_json::from_value::<RequiredButUndefined>(json!({"login": "ann"}));
    assert!(missing.is_err(), "a required property may not be missing");
}
