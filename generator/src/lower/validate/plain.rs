//! Values a schema plainly accepts, told without the validator: most examples sit on
//! schemas that assert no more than a `type`, an `enum`, `required` keys and the same of
//! their `items` and `properties` (Lago: 1,346 of 1,711 schema examples are on a
//! `type` alone), and compiling a validator for each was most of the checking's time.
//!
//! This only ever accepts: whatever it does not know for certain (another keyword, a
//! `$ref`, a `null`, a number written with a fraction, a malformed keyword) goes to the
//! validator, which gives the verdict and its reason. So every value it accepts, the
//! validator accepts under either draft, and no verdict changes.

use std::collections::HashSet;

use serde_json::Value;

/// Deeper than this is left to the validator (documents nest at most 128 levels).
const MAX_DEPTH: usize = 32;

/// Whether `schema` certainly accepts `value`: the schema, all of it, is made of what
/// this module knows (the validator would refuse to compile a malformed keyword even
/// where `value` does not reach it), and `value` meets it.
pub(in crate::lower) fn accepts(schema: &Value, value: &Value) -> bool {
    is_plain(schema, MAX_DEPTH) && meets(schema, value)
}

/// Whether every keyword of `schema`, and of the schemas inside it, is one this module
/// judges, with an argument of the shape the drafts allow, or an annotation.
fn is_plain(schema: &Value, depth: usize) -> bool {
    let Value::Object(schema) = schema else {
        return false;
    };
    depth > 0
        && schema
            .iter()
            .all(|(keyword, argument)| match keyword.as_str() {
                "type" => is_type(argument),
                "enum" => argument.is_array(),
                "required" => is_required(argument),
                // One schema (not draft 4's list of schemas).
                "items" => is_plain(argument, depth - 1),
                "properties" => argument
                    .as_object()
                    .is_some_and(|schemas| schemas.values().all(|s| is_plain(s, depth - 1))),
                "description" | "title" | "format" | "$comment" => argument.is_string(),
                "readOnly" | "writeOnly" | "deprecated" | "nullable" => argument.is_boolean(),
                "example" | "examples" | "default" | "externalDocs" | "xml" => true,
                other => other.starts_with("x-"),
            })
}

/// Whether `value` meets `schema`, a plain one.
fn meets(schema: &Value, value: &Value) -> bool {
    // `null` is where the drafts differ (3.0's `nullable`): the validator's call.
    if value.is_null() {
        return false;
    }
    let Value::Object(schema) = schema else {
        return false;
    };
    schema
        .iter()
        .all(|(keyword, argument)| match keyword.as_str() {
            "type" => has_type(argument, value),
            "enum" => argument
                .as_array()
                .is_some_and(|values| values.contains(value)),
            "required" => match (argument, value) {
                (Value::Array(names), Value::Object(object)) => names
                    .iter()
                    .all(|name| name.as_str().is_some_and(|name| object.contains_key(name))),
                _ => true,
            },
            "items" => match value {
                Value::Array(items) => items.iter().all(|item| meets(argument, item)),
                _ => true,
            },
            "properties" => match (argument, value) {
                (Value::Object(schemas), Value::Object(object)) => object
                    .iter()
                    .all(|(key, item)| schemas.get(key).is_none_or(|s| meets(s, item))),
                _ => true,
            },
            // Annotations.
            _ => true,
        })
}

/// `type`: a name, or a non-empty list of distinct names.
fn is_type(argument: &Value) -> bool {
    match argument {
        Value::String(name) => is_type_name(name),
        Value::Array(names) => {
            // Seven names at most, if distinct.
            (1..=7).contains(&names.len())
                && names
                    .iter()
                    .all(|name| name.as_str().is_some_and(is_type_name))
                && names
                    .iter()
                    .enumerate()
                    .all(|(i, name)| !names[..i].contains(name))
        }
        _ => false,
    }
}

/// `value` is of the type `argument` names, or of one of those it lists.
fn has_type(argument: &Value, value: &Value) -> bool {
    match argument {
        Value::String(name) => is_of_type(name, value),
        Value::Array(names) => names
            .iter()
            .any(|name| name.as_str().is_some_and(|name| is_of_type(name, value))),
        _ => false,
    }
}

fn is_type_name(name: &str) -> bool {
    matches!(
        name,
        "string" | "number" | "integer" | "boolean" | "array" | "object" | "null"
    )
}

fn is_of_type(name: &str, value: &Value) -> bool {
    match (name, value) {
        ("string", Value::String(_))
        | ("number", Value::Number(_))
        | ("boolean", Value::Bool(_))
        | ("array", Value::Array(_))
        | ("object", Value::Object(_)) => true,
        // Draft 4 does not count `1.0` an integer, 2020-12 does: only integers as written.
        ("integer", Value::Number(number)) => number.is_i64() || number.is_u64(),
        _ => false,
    }
}

/// `required`: a non-empty list of distinct names (draft 4 allows no other).
fn is_required(argument: &Value) -> bool {
    let Some(names) = argument.as_array() else {
        return false;
    };
    let mut seen = HashSet::with_capacity(names.len());
    !names.is_empty()
        && names
            .iter()
            .all(|name| name.as_str().is_some_and(|name| seen.insert(name)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonschema::Draft;
    use serde_json::json;

    /// Whether the validator, under `draft`, compiles `schema` and accepts `value`.
    fn validator_accepts(draft: Draft, schema: &Value, value: &Value) -> bool {
        jsonschema::options()
            .with_draft(draft)
            .should_validate_formats(false)
            .build(schema)
            .is_ok_and(|validator| validator.is_valid(value))
    }

    #[test]
    fn accepts_only_what_the_validator_accepts() {
        let schemas = [
            json!({"type": "string", "format": "date", "example": "x", "x-extra": {"$ref": 1}}),
            json!({"type": "integer", "readOnly": true, "nullable": true}),
            json!({"type": "number", "description": "n", "default": "not checked"}),
            json!({"type": ["string", "integer"]}),
            json!({"type": "boolean", "enum": [true]}),
            json!({"enum": ["a", 1, {"k": [1]}]}),
            json!({"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}),
            json!({"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer"},
                "tags": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"}}}}}}),
            json!({"description": "anything"}),
            // Left to the validator, each for a reason of its own.
            json!({"type": "string", "pattern": "^a"}),
            json!({"type": "string", "maxLength": 1}),
            json!({"$ref": "#/definitions/x"}),
            json!({"type": "strin"}),
            json!({"type": 5}),
            json!({"type": []}),
            json!({"type": ["string", "string"]}),
            json!({"type": "string", "description": 5}),
            json!({"type": "object", "required": []}),
            json!({"type": "object", "required": ["a", "a"]}),
            json!({"type": "object", "properties": {"unused": {"type": "strin"}}}),
            json!({"type": "array", "items": [{"type": "string"}]}),
            json!({"type": "object", "properties": {"a": true}}),
            json!({"type": "object", "additionalProperties": false}),
            json!({"allOf": [{"type": "string"}]}),
            json!({"enum": "a"}),
            json!(true),
        ];
        let values = [
            json!("a"),
            json!("ab"),
            json!(1),
            json!(1.0),
            json!(1.5),
            json!(-3),
            json!(true),
            json!(null),
            json!(["a", "b"]),
            json!(["a", "c"]),
            json!({"k": [1]}),
            json!({"id": 1, "tags": [{"name": "x"}]}),
            json!({"id": 1, "tags": [{"name": 2}]}),
            json!({"tags": []}),
            json!({"id": 1.0}),
        ];
        let mut accepted = 0;
        for schema in &schemas {
            for value in &values {
                if !accepts(schema, value) {
                    continue;
                }
                accepted += 1;
                for draft in [Draft::Draft4, Draft::Draft202012] {
                    assert!(
                        validator_accepts(draft, schema, value),
                        "{draft:?} refuses {value} for {schema}"
                    );
                }
            }
        }
        // What the plain schemas accept, every one of which the validator also does.
        assert_eq!(accepted, 32);
        for (schema, value) in [
            (&schemas[0], json!("x")),
            (&schemas[3], json!(7)),
            (&schemas[7], json!({"id": 1, "tags": [{"name": "x"}]})),
            (&schemas[8], json!({"any": "thing"})),
        ] {
            assert!(accepts(schema, &value), "{value} for {schema}");
        }
        // Left to the validator: its schemas, and the values they do not plainly take.
        assert!(
            schemas[9..]
                .iter()
                .all(|s| values.iter().all(|v| !accepts(s, v)))
        );
        for (schema, value) in [
            (&schemas[1], json!(1.0)),
            (&schemas[1], json!(null)),
            (&schemas[6], json!(["a", "c"])),
            (&schemas[7], json!({"tags": []})),
            (&schemas[7], json!({"id": 1, "tags": [{"name": 2}]})),
        ] {
            assert!(!accepts(schema, &value), "{value} for {schema}");
        }
    }

    #[test]
    fn depth_is_bounded() {
        let mut schema = json!({"type": "string"});
        let mut value = json!("a");
        for _ in 0..MAX_DEPTH {
            schema = json!({"type": "array", "items": schema});
            value = json!([value]);
        }
        assert!(!accepts(&schema, &value));
        assert!(accepts(&schema["items"], &value[0]));
    }
}
