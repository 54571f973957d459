//! OpenAPI Overlay 1.0: ordered actions, each a JSONPath (RFC 9535) `target` with an
//! `update` to merge in or `remove: true`. Used to add what a vendor's docs say and
//! its document lacks, without editing the vendor's document.

use serde_json::Value;
use serde_json_path::JsonPath;

/// Applies `overlay` to `document`. Every problem is returned, each naming the
/// action by index; an action whose target matches nothing is an error.
pub fn apply_overlay(document: &mut Value, overlay: &Value) -> Result<(), Vec<(String, String)>> {
    let mut problems = Vec::new();
    let Some(version) = overlay.get("overlay").and_then(Value::as_str) else {
        return Err(vec![(
            String::new(),
            "not an overlay: no `overlay` version".into(),
        )]);
    };
    if !version.starts_with("1.") {
        problems.push((
            "/overlay".into(),
            format!("overlay version {version} is not supported"),
        ));
    }
    let actions = overlay
        .get("actions")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    for (index, action) in actions.iter().enumerate() {
        if let Err(message) = apply_action(document, action) {
            problems.push((format!("/actions/{index}"), message));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn apply_action(document: &mut Value, action: &Value) -> Result<(), String> {
    let target = action
        .get("target")
        .and_then(Value::as_str)
        .ok_or("action has no `target`")?;
    let path = JsonPath::parse(target).map_err(|e| format!("target {target:?}: {e}"))?;
    let mut pointers: Vec<String> = path
        .query_located(document)
        .locations()
        .map(|l| l.to_json_pointer())
        .collect();
    if pointers.is_empty() {
        return Err(format!("target {target:?} matches nothing in the document"));
    }
    let remove = action
        .get("remove")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if remove {
        // Later array items first, whatever order the selector named them in, so
        // removing one never shifts another that is still to be removed.
        pointers.sort_by(|a, b| pointer_order(b, a));
        pointers.dedup();
        for pointer in &pointers {
            remove_at(document, pointer);
        }
        return Ok(());
    }
    let Some(update) = action.get("update") else {
        return Err("action has neither `update` nor `remove: true`".to_owned());
    };
    for pointer in &pointers {
        let Some(node) = document.pointer_mut(pointer) else {
            continue;
        };
        match (&*node, update) {
            (Value::Object(_), Value::Object(_)) | (Value::Array(_), _) => merge(node, update),
            (Value::Object(_), _) => {
                return Err(format!(
                    "target {target:?} is an object at {pointer:?}: its `update` must be an object"
                ));
            }
            (other, _) => {
                return Err(format!(
                    "target {target:?} selects {} at {pointer:?}: only objects and arrays can be updated",
                    super::kind_of(other)
                ));
            }
        }
    }
    Ok(())
}

/// Document order of two JSON pointers, array indices compared as numbers.
fn pointer_order(a: &str, b: &str) -> std::cmp::Ordering {
    let segments = |p: &str| -> Vec<String> { p.split('/').map(str::to_owned).collect() };
    let (a, b) = (segments(a), segments(b));
    for (x, y) in a.iter().zip(&b) {
        let order = match (x.parse::<usize>(), y.parse::<usize>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => x.cmp(y),
        };
        if order.is_ne() {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// Overlay merge: objects merge recursively, arrays append, anything else replaces.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(update)) => target.extend(update.iter().cloned()),
        (Value::Array(target), update) => target.push(update.clone()),
        (target, update) => *target = update.clone(),
    }
}

fn remove_at(document: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = super::unescape_segment(last);
    match document.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = key.parse::<usize>() {
                if index < items.len() {
                    items.remove(index);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn update_merges_and_appends() {
        let mut doc = json!({"info": {"title": "A"}, "servers": []});
        let overlay = json!({"overlay": "1.0.0", "actions": [
            {"target": "$.info", "update": {"description": "d"}},
            {"target": "$.servers", "update": [{"url": "https://x"}]},
        ]});
        apply_overlay(&mut doc, &overlay).unwrap();
        assert_eq!(
            doc,
            json!({"info": {"title": "A", "description": "d"}, "servers": [{"url": "https://x"}]})
        );
    }

    #[test]
    fn unmatched_target_is_an_error() {
        let mut doc = json!({"info": {}});
        let overlay = json!({"overlay": "1.0.0", "actions": [{"target": "$.nope", "update": {}}]});
        let problems = apply_overlay(&mut doc, &overlay).unwrap_err();
        assert_eq!(problems[0].0, "/actions/0");
        assert!(problems[0].1.contains("matches nothing"));
    }

    #[test]
    fn remove_keeps_indices_right_in_any_order() {
        for selector in ["[2,0]", "[0,2]", "[-1,0]", "[0,0,2]", "[2,-3]", "[0,0]"] {
            let mut doc = json!({"servers": ["a", "b", "c"]});
            let target = format!("$.servers{selector}");
            let overlay =
                json!({"overlay": "1.0.0", "actions": [{"target": target, "remove": true}]});
            apply_overlay(&mut doc, &overlay).unwrap();
            let expected = if selector == "[0,0]" {
                json!(["b", "c"])
            } else {
                json!(["b"])
            };
            assert_eq!(doc, json!({"servers": expected}), "{selector}");
        }
    }

    #[test]
    fn update_of_a_value_that_is_no_object_is_an_error() {
        let mut doc = json!({"info": {"title": "A"}});
        let overlay = json!({"overlay": "1.0.0", "actions": [{"target": "$.info.title", "update": {"x": 1}}]});
        let problems = apply_overlay(&mut doc, &overlay).unwrap_err();
        assert_eq!(problems[0].0, "/actions/0");
        assert!(problems[0].1.contains("a string"), "{}", problems[0].1);
        assert_eq!(doc, json!({"info": {"title": "A"}}));
    }

    #[test]
    fn remove_deletes_matches() {
        let mut doc = json!({"a": {"x": 1, "y": 2}, "list": [1, 2, 3]});
        let overlay = json!({"overlay": "1.0.0", "actions": [
            {"target": "$.a.x", "remove": true},
            {"target": "$.list[0,2]", "remove": true},
        ]});
        apply_overlay(&mut doc, &overlay).unwrap();
        assert_eq!(doc, json!({"a": {"y": 2}, "list": [2]}));
    }
}
