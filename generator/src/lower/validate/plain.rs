//! Values a schema plainly accepts, told without the validator: most examples sit on
//! schemas that assert no more than a `type`, an `enum`, `required` keys and the same of
//! their `items`, `properties` and same-file `$ref`s (Lago: 1,554 of 1,728 schema
//! examples), and compiling a validator for each was most of the checking's time.
//!
//! This only ever accepts: whatever it does not know for certain (another keyword, a
//! `$ref` to another file or below an `$id`, a number written with a fraction, a
//! malformed keyword) goes to the validator, which gives the verdict and its reason. So
//! every value accepted here the validator accepts, and no verdict changes.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::load::{FileId, Loc, Member, Sources, unescape_segment};

/// Deeper than this is left to the validator (documents nest at most 128 levels).
const MAX_DEPTH: usize = 32;

/// Longer enums are left to the validator, which finds a value among them faster than
/// a look through each (50,000 examples of a 50,000-value enum: 1.9 s, not 11 s).
const MAX_ENUM: usize = 64;

pub(in crate::lower) struct Plain<'s> {
    sources: &'s Sources,
    /// OpenAPI 3.0: `nullable: true` lets `null` in (draft 4 as `trees` spells it).
    nullable: bool,
    /// Per file, each `$ref` met: its target when that is plain, `None` when not (or
    /// while it is being looked at, so that a cycle is not plain).
    targets: Vec<HashMap<String, Option<Loc>>>,
    /// Whether each examples' schema is plain: many examples share one (3.1's
    /// `examples` lists), and looking at a large schema again for each is quadratic.
    schemas: HashMap<Loc, bool>,
}

impl<'s> Plain<'s> {
    pub fn new(sources: &'s Sources, nullable: bool) -> Plain<'s> {
        Plain {
            sources,
            nullable,
            targets: sources.files().map(|_| HashMap::new()).collect(),
            schemas: HashMap::new(),
        }
    }

    /// Whether the schema at `schema` certainly accepts `value`: the schema, all of it,
    /// is made of what this module knows (the validator refuses to compile a malformed
    /// keyword even where `value` does not reach it), and `value` meets it.
    pub fn accepts(&mut self, schema: &Loc, value: &Value) -> bool {
        let Some(node) = self.sources.get(schema) else {
            return false;
        };
        let plain = match self.schemas.get(schema) {
            Some(&plain) => plain,
            None => {
                let plain =
                    !self.under_an_id(schema) && self.is_plain(node, schema.file, MAX_DEPTH);
                self.schemas.insert(schema.clone(), plain);
                plain
            }
        };
        plain && self.meets(node, schema.file, value)
    }

    /// Whether a node above `loc` names a resource (`$id`, draft 4's `id`): `$ref`s
    /// below it resolve against that, which the loader does not.
    fn under_an_id(&self, loc: &Loc) -> bool {
        let mut node = &self.sources.file(loc.file).root;
        for segment in loc.pointer.split('/').skip(1) {
            let identified = ["$id", "id"]
                .iter()
                .any(|key| node.get(key).is_some_and(Value::is_string));
            let next = match node {
                Value::Object(map) => map.get(unescape_segment(segment).as_str()),
                Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                _ if identified => return true,
                Some(next) => node = next,
                None => return false,
            }
        }
        false
    }

    /// Whether every keyword of `schema` (in `file`), and of the schemas inside it and
    /// those it refers to, is one this module judges, with an argument of the shape the
    /// drafts allow, or an annotation.
    fn is_plain(&mut self, schema: &Value, file: FileId, depth: usize) -> bool {
        let Value::Object(schema) = schema else {
            return false;
        };
        depth > 0
            && schema
                .iter()
                .all(|(keyword, argument)| match keyword.as_str() {
                    "type" => self.is_type(argument),
                    // Looked through for each value: a long one is the validator's.
                    "enum" => argument
                        .as_array()
                        .is_some_and(|values| values.len() <= MAX_ENUM),
                    "required" => is_required(argument),
                    "$ref" => argument
                        .as_str()
                        .is_some_and(|reference| self.is_plain_target(file, reference, depth)),
                    // One schema (not draft 4's list of schemas).
                    "items" => self.is_plain(argument, file, depth - 1),
                    "properties" => argument.as_object().is_some_and(|schemas| {
                        schemas.values().all(|s| self.is_plain(s, file, depth - 1))
                    }),
                    "description" | "title" | "format" | "$comment" => argument.is_string(),
                    "readOnly" | "writeOnly" | "deprecated" | "nullable" => argument.is_boolean(),
                    "example" | "examples" | "default" | "externalDocs" | "xml" => true,
                    other => other.starts_with("x-"),
                })
    }

    /// Whether `reference`, in `file`, is a JSON pointer into the same file (the
    /// validator resolves others against URIs) to a plain schema, not below an `$id`.
    fn is_plain_target(&mut self, file: FileId, reference: &str, depth: usize) -> bool {
        if let Some(known) = self.targets[file.index()].get(reference) {
            return known.is_some();
        }
        if !reference.starts_with("#/") {
            return false;
        }
        self.targets[file.index()].insert(reference.to_owned(), None);
        let from = Loc {
            file,
            pointer: String::new(),
        };
        let Ok(target) = self.sources.resolve(&from, reference) else {
            return false;
        };
        let sources = self.sources;
        let plain = !self.under_an_id(&target)
            && sources
                .get(&target)
                .is_some_and(|node| self.is_plain(node, file, depth - 1));
        if plain {
            self.targets[file.index()].insert(reference.to_owned(), Some(target));
        }
        plain
    }

    /// `type`: a name, or a list of distinct names.
    fn is_type(&self, argument: &Value) -> bool {
        // OpenAPI 3.0 has no `null` type: `nullable` says it.
        let is_name = |name: &Value| {
            name.as_str()
                .is_some_and(|name| is_type_name(name) && !(self.nullable && name == "null"))
        };
        match argument {
            Value::Array(names) => {
                (1..=7).contains(&names.len())
                    && names.iter().all(is_name)
                    && names
                        .iter()
                        .enumerate()
                        .all(|(i, name)| !names[..i].contains(name))
            }
            name => is_name(name),
        }
    }

    /// Whether `value` meets `schema` (in `file`), a plain one.
    fn meets(&self, schema: &Value, file: FileId, value: &Value) -> bool {
        let Value::Object(schema) = schema else {
            return false;
        };
        // 3.0's `nullable: true` adds `null` to the `type` (a single one) and the `enum`.
        let nullable = self.nullable && schema.member("nullable") == Some(&Value::Bool(true));
        schema
            .iter()
            .all(|(keyword, argument)| match keyword.as_str() {
                "type" => match (argument, value) {
                    (Value::String(_), Value::Null) if nullable => true,
                    _ => has_type(argument, value),
                },
                "enum" => {
                    (nullable && value.is_null())
                        || argument
                            .as_array()
                            .is_some_and(|values| values.contains(value))
                }
                "required" => match (argument, value) {
                    (Value::Array(names), Value::Object(object)) => names
                        .iter()
                        .all(|name| name.as_str().is_some_and(|name| object.contains_key(name))),
                    _ => true,
                },
                "$ref" => argument
                    .as_str()
                    .and_then(|reference| self.targets[file.index()].get(reference)?.as_ref())
                    .and_then(|target| Some((target, self.sources.get(target)?)))
                    .is_some_and(|(target, node)| self.meets(node, target.file, value)),
                "items" => match value {
                    Value::Array(items) => {
                        items.iter().all(|item| self.meets(argument, file, item))
                    }
                    _ => true,
                },
                "properties" => match (argument, value) {
                    (Value::Object(schemas), Value::Object(object)) => {
                        object.iter().all(|(key, item)| {
                            schemas.get(key).is_none_or(|s| self.meets(s, file, item))
                        })
                    }
                    _ => true,
                },
                // Annotations.
                _ => true,
            })
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
        | ("object", Value::Object(_))
        | ("null", Value::Null) => true,
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
    use serde_json::json;

    use super::super::{Checker, Failure, Trees, load_files};
    use super::*;

    /// Schemas, each a component `S<i>`, beside the components they refer to.
    fn schemas() -> Vec<Value> {
        vec![
            json!({"type": "string", "format": "date", "example": "x", "x-extra": {"$ref": 1}}),
            json!({"type": "integer", "readOnly": true, "nullable": true}),
            json!({"type": "number", "description": "n", "default": "not checked"}),
            json!({"type": ["string", "integer"]}),
            json!({"type": "boolean", "enum": [true]}),
            json!({"enum": ["a", 1, {"k": [1]}]}),
            json!({"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}),
            json!({"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer"},
                "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}}}),
            json!({"description": "anything"}),
            json!({"$ref": "#/components/schemas/Tag", "description": "a tag"}),
            json!({"type": "string", "enum": ["a"], "nullable": true}),
            // Left to the validator, each for a reason of its own.
            json!({"type": "string", "pattern": "^a"}),
            json!({"type": "string", "maxLength": 1}),
            json!({"$ref": "#/components/schemas/Node"}),
            json!({"$ref": "#/components/schemas/Identified/properties/name"}),
            json!({"$ref": "other.json#/Tag"}),
            json!({"$ref": "#/components/schemas/Missing"}),
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
            json!({"enum": (0..=MAX_ENUM).collect::<Vec<_>>()}),
            json!(true),
        ]
    }

    const FIRST_LEFT: usize = 11;

    fn values() -> Vec<Value> {
        vec![
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
            json!({"id": 1, "tags": ["x"]}),
            json!({"id": 1, "tags": [2]}),
            json!({"tags": []}),
            json!({"id": 1.0}),
            json!({"next": {"next": {}}}),
        ]
    }

    /// Per OpenAPI version, what is plainly accepted: `(schema, value)` indexes.
    fn accepted(version: &str) -> Vec<(usize, usize)> {
        let mut components = json!({
            "Tag": {"type": "string"},
            "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}},
            "Identified": {"$id": "https://example.com/x", "properties": {"name": {"type": "string"}}},
        });
        for (i, schema) in schemas().into_iter().enumerate() {
            components[format!("S{i}")] = schema;
        }
        let document = json!({"openapi": version, "info": {"title": "t", "version": "1"},
            "paths": {}, "components": {"schemas": components}});
        let other = json!({"Tag": {"type": "string"}});
        let test = format!("plain-{version}");
        let (dir, sources) = load_files(&test, &[("api.json", &document), ("other.json", &other)]);
        let schema_locs: Vec<Loc> = (0..schemas().len())
            .map(|i| {
                sources
                    .entry()
                    .child("components")
                    .child("schemas")
                    .child(&format!("S{i}"))
            })
            .collect();
        let values = values();
        let mut plain = Plain::new(&sources, version.starts_with("3.0"));
        let mut accepted = Vec::new();
        for (s, schema) in schema_locs.iter().enumerate() {
            for (v, value) in values.iter().enumerate() {
                if plain.accepts(schema, value) {
                    accepted.push((s, v));
                }
            }
        }
        // The validator, as examples are checked, accepts every one.
        let sites: Vec<(&Loc, &Value)> = accepted
            .iter()
            .map(|&(s, v)| (&schema_locs[s], &values[v]))
            .collect();
        let trees = Trees::new(&sources, &sites);
        let checker = Checker::new(&sources, &trees);
        let checked: Vec<&Value> = sites.iter().map(|&(_, value)| value).collect();
        for (outcome, (s, v)) in checker.check_all(&checked).iter().zip(&accepted) {
            if let Err(Failure::Invalid(why) | Failure::Unreadable(why)) = outcome {
                panic!(
                    "{version}: the validator refuses {} for S{s}: {why}",
                    values[*v]
                );
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
        accepted
    }

    #[test]
    fn accepts_only_what_the_validator_accepts() {
        for version in ["3.0.3", "3.1.0"] {
            let accepted = accepted(version);
            let takes = |s: usize, v: usize| accepted.contains(&(s, v));
            assert!(
                accepted.iter().all(|&(s, _)| s < FIRST_LEFT),
                "{version}: {accepted:?}"
            );
            // One of each kind.
            for (s, v) in [
                (0, 0),
                (2, 3),
                (3, 2),
                (5, 10),
                (6, 8),
                (7, 11),
                (8, 10),
                (9, 1),
            ] {
                assert!(takes(s, v), "{version}: S{s} takes value {v}");
            }
            // Not plainly: `1.0` for an integer, an item or a key that does not match,
            // a required key missing.
            for (s, v) in [(1, 3), (6, 9), (7, 12), (7, 13), (7, 14), (9, 2)] {
                assert!(!takes(s, v), "{version}: S{s} takes value {v}");
            }
            // `null`: where 3.0's `nullable` says so, and where nothing is asserted.
            let three_0 = version.starts_with("3.0");
            assert_eq!(takes(1, 7), three_0, "{version}");
            assert_eq!(takes(10, 7), three_0, "{version}");
            assert!(takes(8, 7), "{version}");
        }
    }

    #[test]
    fn depth_is_bounded() {
        let (dir, sources) =
            load_files("plain-depth", &[("api.json", &json!({"openapi": "3.1.0"}))]);
        let mut schema = json!({"type": "string"});
        let mut value = json!("a");
        for _ in 0..MAX_DEPTH {
            schema = json!({"type": "array", "items": schema});
            value = json!([value]);
        }
        let mut plain = Plain::new(&sources, false);
        let file = sources.entry().file;
        assert!(!plain.is_plain(&schema, file, MAX_DEPTH));
        assert!(plain.is_plain(&schema["items"], file, MAX_DEPTH));
        assert!(plain.meets(&schema["items"], file, &value[0]));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
