//! Round trips of `fixtures/fidelity/enums.yaml` through its generated types.

use fidelity_enums::types::*;
use serde_json::json;

#[test]
fn numbers_and_booleans_keep_their_values() {
    assert_eq!(serde_json::from_value::<NotFound>(json!(404)).expect("decodes"), NotFound::V404);
    assert_eq!(serde_json::from_value::<Ratio>(json!(1.5)).expect("decodes"), Ratio::V1_5);
    assert_eq!(serde_json::from_value::<Level>(json!(2)).expect("decodes"), Level::V2);
    assert_eq!(serde_json::from_value::<Big>(json!(u64::MAX)).expect("decodes"), Big::V18446744073709551615);
    assert_eq!(serde_json::from_value::<Flag>(json!(true)).expect("decodes"), Flag::TRUE);
    assert_eq!(serde_json::from_value::<Yes>(json!(true)).expect("decodes"), Yes::TRUE);
    let holder = json!({"status": -1, "ok": false});
    let decoded: Holder = serde_json::from_value(holder.clone()).expect("decodes");
    assert_eq!(decoded.status, Some(HolderStatus::MINUS_1));
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), holder);
}

#[test]
fn unlisted_values_still_decode() {
    assert_eq!(serde_json::from_value::<Level>(json!(7)).expect("decodes"), Level(7));
}

#[test]
fn string_enums_are_open_and_a_string_const_is_closed() {
    for (wire, color) in [("red", Color::Red), ("dark-blue", Color::DarkBlue), ("", Color::Empty)] {
        assert_eq!(serde_json::from_value::<Color>(json!(wire)).expect("decodes"), color);
        assert_eq!(serde_json::to_value(&color).expect("encodes"), json!(wire));
    }
    let unlisted = serde_json::from_value::<Color>(json!("green")).expect("decodes");
    assert_eq!(unlisted, Color::Unknown("green".into()));
    assert_eq!(serde_json::to_value(&unlisted).expect("encodes"), json!("green"));
    assert!(serde_json::from_value::<Color>(json!(1)).is_err(), "a number is no color");
    assert_eq!(serde_json::from_value::<Kind>(json!("widget")).expect("decodes"), Kind::Widget);
    let other = serde_json::from_value::<Kind>(json!("gadget")).unwrap_err().to_string();
    assert!(other.contains("unknown variant `gadget`, expected `widget`"), "{other}");
}
