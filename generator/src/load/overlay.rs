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
    let pointers: Vec<String> = path
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
    // Removing from the back keeps earlier array indices valid.
    for pointer in pointers.iter().rev() {
        if remove {
            remove_at(document, pointer);
        } else if let Some(update) = action.get("update") {
            if let Some(node) = document.pointer_mut(pointer) {
                merge(node, update);
            }
        }
    }
    Ok(())
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
