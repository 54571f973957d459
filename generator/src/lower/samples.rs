//! Sample values of parameters and request bodies, for tools that call every operation
//! (`cargo xtask conformance`): the document's own example when it has one, else a value
//! built from the schema that its constraints accept (formats, enums, bounds, lengths,
//! required properties, a discriminator's tag).

use serde_json::{Map, Value, json};

use super::Lowerer;
use super::sample_scalars::{integer, number, string};
use crate::load::{Loc, Member};

/// Where a sample is being built: the schemas above it (to stop at recursion), and
/// whether the document's examples may be used.
struct Walk {
    path: Vec<Loc>,
    examples: bool,
}

/// How deep a sample nests; deeper (or recursive) schemas get their smallest value.
const MAX_DEPTH: usize = 8;

impl Lowerer<'_> {
    /// A sample of the value a parameter, media type or schema holder at `holder` takes
    /// (its `example`/`examples` first), of the schema at `schema`.
    /// Candidates, best first: the document's examples (which may contradict their
    /// schema), then a value built from the schema alone.
    pub(super) fn samples(&self, holder: &Loc, schema: Option<&Loc>) -> Vec<Value> {
        let mut samples = Vec::new();
        if let Some(example) = self.example_at(holder) {
            samples.push(example);
        }
        if let Some(schema) = schema {
            for examples in [true, false] {
                let walk = &mut Walk {
                    path: Vec::new(),
                    examples,
                };
                let sample = self.schema_sample(schema, 0, walk);
                if !samples.contains(&sample) {
                    samples.push(sample);
                }
            }
        }
        if samples.is_empty() {
            samples.push(Value::Null);
        }
        samples
    }

    /// `example`, the first of `examples` (a 3.1 array or a map of Example objects).
    fn example_at(&self, holder: &Loc) -> Option<Value> {
        let map = self.sources.get(holder)?.as_object()?;
        if let Some(example) = map.member("example") {
            return Some(example.clone());
        }
        match map.member("examples")? {
            Value::Array(values) => values.first().cloned(),
            Value::Object(named) => {
                let name = named.keys().next()?;
                let example = self
                    .sources
                    .follow(&holder.child("examples").child(name))
                    .ok()?;
                self.sources.get(&example.child("value")).cloned()
            }
            _ => None,
        }
    }

    fn schema_sample(&self, at: &Loc, depth: usize, walk: &mut Walk) -> Value {
        let Ok(loc) = self.sources.follow(at) else {
            return Value::Null;
        };
        let mut value = self.target_sample(&loc, depth, walk);
        // A `$ref` may sit beside a `required` of its own (OpenAPI 3.1).
        if loc != *at && depth <= MAX_DEPTH {
            let required = self.required_of_here(at);
            self.fill_required(&mut value, &required, &[loc], depth, walk);
        }
        value
    }

    /// Adds the `required` properties a value lacks, sampled from the first of `schemas`
    /// (or their allOf parts) that defines them.
    fn fill_required(
        &self,
        value: &mut Value,
        required: &[String],
        schemas: &[Loc],
        depth: usize,
        walk: &mut Walk,
    ) {
        let Value::Object(object) = value else { return };
        for name in required {
            if object.get(name).is_some_and(|v| v != UNDEFINED) {
                continue;
            }
            if let Some(at) = self.defined_property(schemas, name) {
                let sample = self.schema_sample(&at, depth + 1, walk);
                object.insert(name.clone(), sample);
            }
        }
    }

    /// Every part's sample merged, then what the parts require filled in.
    fn all_of_sample(
        &self,
        loc: &Loc,
        map: &Map<String, Value>,
        parts: &[Value],
        depth: usize,
        walk: &mut Walk,
    ) -> Value {
        let mut merged = Value::Null;
        let mut listed = None;
        for (index, part) in parts.iter().enumerate() {
            // A part of annotations only (`{description: …}`) adds no value.
            if !SHAPE_KEYWORDS.iter().any(|k| part.get(k).is_some()) {
                continue;
            }
            let at = loc.child("allOf").index(index);
            let target = self.sources.follow(&at).ok();
            let target = target.as_ref().and_then(|t| self.sources.get(t));
            let lists =
                target.is_some_and(|t| t.member("enum").is_some() || t.member("const").is_some());
            let part = self.schema_sample(&at, depth + 1, walk);
            if lists && !part.is_object() {
                listed = Some(part.clone());
            }
            merged = merge(merged, part);
        }
        // The allOf's own keywords add to the parts only when they say something.
        if map.contains_key("type") || has_properties(map) {
            merged = merge(merged, self.typed_sample(loc, map, depth, walk, &[]));
        }
        // A listed value (enum, const) is the one every part accepts.
        if let Some(value) = listed.filter(|_| !merged.is_object()) {
            return value;
        }
        // A part may require a property another part defines.
        let parts: Vec<Loc> = (0..parts.len())
            .map(|i| loc.child("allOf").index(i))
            .collect();
        let required: Vec<String> = parts
            .iter()
            .chain([loc])
            .flat_map(|p| self.required_of(p))
            .collect();
        self.fill_required(&mut merged, &required, &parts, depth, walk);
        merged
    }

    /// Where one of `schemas` (or one of their allOf parts) defines property `name`.
    fn defined_property(&self, schemas: &[Loc], name: &str) -> Option<Loc> {
        schemas.iter().find_map(|schema| {
            let schema = self.sources.follow(schema).ok()?;
            let at = schema.child("properties").child(name);
            if self.sources.get(&at).is_some() {
                return Some(at);
            }
            let parts = self.sources.get(&schema.child("allOf"))?.as_array()?.len();
            let parts: Vec<Loc> = (0..parts).map(|i| schema.child("allOf").index(i)).collect();
            self.defined_property(&parts, name)
        })
    }

    /// The `required` list written at `loc` itself (without following a `$ref`).
    fn required_of_here(&self, loc: &Loc) -> Vec<String> {
        let required = self
            .sources
            .get(&loc.child("required"))
            .and_then(Value::as_array);
        required
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn target_sample(&self, loc: &Loc, depth: usize, walk: &mut Walk) -> Value {
        let loc = loc.clone();
        let Some(map) = self.sources.get(&loc).and_then(Value::as_object) else {
            return json!("sample");
        };
        if let Some(example) = self.example_at(&loc).filter(|_| walk.examples) {
            return example;
        }
        if let Some(value) = map.member("const").or_else(|| map.member("default")) {
            return value.clone();
        }
        if let Some(Value::Array(values)) = map.member("enum") {
            if let Some(value) = values.iter().find(|v| !v.is_null()) {
                return value.clone();
            }
        }
        if depth > MAX_DEPTH || walk.path.contains(&loc) {
            return smallest(map);
        }
        walk.path.push(loc.clone());
        let value = self.composed_sample(&loc, map, depth, walk);
        walk.path.pop();
        value
    }

    fn composed_sample(
        &self,
        loc: &Loc,
        map: &Map<String, Value>,
        depth: usize,
        walk: &mut Walk,
    ) -> Value {
        if let Some(Value::Array(parts)) = map.member("allOf") {
            return self.all_of_sample(loc, map, parts, depth, walk);
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = map.get(keyword) {
                let chosen = (0..branches.len())
                    .map(|i| loc.child(keyword).index(i))
                    .find(|b| !self.is_null_sample_branch(b));
                if let Some(branch) = chosen {
                    let mut value = self.schema_sample(&branch, depth + 1, walk);
                    if has_properties(map) {
                        // A branch may only list which of the common properties it
                        // requires: those are sampled from the common definition.
                        let required = self.required_of(&branch);
                        let common = self.typed_sample(loc, map, depth, walk, &required);
                        let own = if value.is_object() {
                            value
                        } else {
                            Value::Null
                        };
                        value = merge(common, own);
                    }
                    self.set_tag(map, &branch, &mut value);
                    return value;
                }
            }
        }
        self.typed_sample(loc, map, depth, walk, &[])
    }

    /// The `required` list of the schema at `loc`.
    fn required_of(&self, loc: &Loc) -> Vec<String> {
        let target = self.sources.follow(loc).ok();
        let map = target
            .as_ref()
            .and_then(|t| self.sources.get(t))
            .and_then(Value::as_object);
        let required = map
            .and_then(|m| m.member("required"))
            .and_then(Value::as_array);
        required
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn is_null_sample_branch(&self, branch: &Loc) -> bool {
        let target = self.sources.follow(branch).ok();
        let map = target
            .as_ref()
            .and_then(|t| self.sources.get(t))
            .and_then(Value::as_object);
        map.and_then(|m| m.member("type")).and_then(Value::as_str) == Some("null")
    }

    /// A discriminated branch gets its tag (the mapping's key, else its component name).
    fn set_tag(&self, map: &Map<String, Value>, branch: &Loc, value: &mut Value) {
        let Some(discriminator) = map.member("discriminator") else {
            return;
        };
        let Some(property) = discriminator.member("propertyName").and_then(Value::as_str) else {
            return;
        };
        let Some(object) = value.as_object_mut() else {
            return;
        };
        if object.contains_key(property) {
            return;
        }
        let target = self.sources.follow(branch).ok();
        let mapped = discriminator
            .member("mapping")
            .and_then(Value::as_object)
            .and_then(|mapping| {
                mapping.iter().find_map(|(tag, to)| {
                    let to = self.sources.resolve(branch, to.as_str()?).ok()?;
                    (Some(&to) == target.as_ref()).then(|| tag.clone())
                })
            });
        let tag = mapped.or_else(|| {
            target
                .as_ref()?
                .pointer
                .rsplit('/')
                .next()
                .map(str::to_owned)
        });
        if let Some(tag) = tag {
            object.insert(property.to_owned(), Value::String(tag));
        }
    }

    /// A value of the schema's own type; objects get their required properties, and
    /// those of `also_required`.
    fn typed_sample(
        &self,
        loc: &Loc,
        map: &Map<String, Value>,
        depth: usize,
        walk: &mut Walk,
        also_required: &[String],
    ) -> Value {
        let declared = match map.member("type") {
            Some(Value::String(t)) => Some(t.as_str()),
            Some(Value::Array(types)) => types
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null"),
            _ => None,
        };
        let kind = declared.unwrap_or(if has_properties(map) {
            "object"
        } else if map.contains_key("items") {
            "array"
        } else {
            ""
        });
        match kind {
            "object" => {
                let mut object = Map::new();
                let mut required = self.required_of(loc);
                required.extend_from_slice(also_required);
                if let Some(Value::Object(properties)) = map.member("properties") {
                    for name in properties.keys().filter(|n| required.contains(n)) {
                        let at = loc.child("properties").child(name);
                        let read_only = self.sources.get(&at).and_then(|p| p.member("readOnly"))
                            == Some(&Value::Bool(true));
                        if !read_only {
                            object.insert(name.clone(), self.schema_sample(&at, depth + 1, walk));
                        }
                    }
                }
                // Required but defined nowhere here: any value will do.
                let defined = |name: &String| matches!(map.member("properties"), Some(Value::Object(p)) if p.contains_key(name));
                for name in required.into_iter().filter(|name| !defined(name)) {
                    object.entry(name).or_insert_with(|| json!(UNDEFINED));
                }
                Value::Object(object)
            }
            "array" => {
                let item = self.schema_sample(&loc.child("items"), depth + 1, walk);
                let count = map
                    .member("minItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .clamp(1, 3);
                let items = (0..count).map(|i| {
                    if i == 0 {
                        item.clone()
                    } else {
                        variant(&item, i)
                    }
                });
                Value::Array(items.collect())
            }
            "integer" => integer(map),
            "number" => json!(number(map, false)),
            "boolean" => json!(true),
            "string" => json!(string(map)),
            "null" => Value::Null,
            _ => json!("sample"),
        }
    }
}

fn has_properties(map: &Map<String, Value>) -> bool {
    matches!(map.member("properties"), Some(Value::Object(p)) if !p.is_empty())
}

/// The value of a schema that cannot be sampled further (too deep, or recursive).
fn smallest(map: &Map<String, Value>) -> Value {
    match map.member("type").and_then(Value::as_str) {
        Some("array") => json!([]),
        Some("string") => json!(string(map)),
        Some("integer") => integer(map),
        Some("number") => json!(number(map, false)),
        Some("boolean") => json!(true),
        _ => json!({}),
    }
}

/// Another value like `item` (items of an array may have to be unique).
fn variant(item: &Value, n: u64) -> Value {
    match item {
        Value::String(text) => Value::String(format!("{text}{n}")),
        Value::Number(number) => number
            .as_i64()
            .map_or_else(|| item.clone(), |i| json!(i + n as i64)),
        _ => item.clone(),
    }
}

/// Keywords that make an allOf part say something about the value's shape.
const SHAPE_KEYWORDS: &[&str] = &[
    "$ref",
    "type",
    "properties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "enum",
    "const",
];

/// The sample of a property that is required where it is not defined.
const UNDEFINED: &str = "sample";

/// Objects merge (the later part's properties win); anything else is replaced.
fn merge(base: Value, part: Value) -> Value {
    match (base, part) {
        (Value::Object(mut base), Value::Object(part)) => {
            for (name, value) in part {
                // A part that only requires a property does not replace its sample.
                if value != UNDEFINED || !base.contains_key(&name) {
                    base.insert(name, value);
                }
            }
            Value::Object(base)
        }
        (base, Value::Null) => base,
        (_, part) => part,
    }
}
