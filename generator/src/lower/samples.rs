//! Sample values of parameters and request bodies, for tools that call every operation
//! (`cargo xtask conformance`): the document's own example when it has one, else a value
//! built from the schema that its constraints accept (formats, enums, bounds, lengths,
//! required properties, a discriminator's tag).

use serde_json::{Map, Value, json};

use super::Lowerer;
use crate::load::Loc;

/// How deep a sample nests; deeper (or recursive) schemas get their smallest value.
const MAX_DEPTH: usize = 8;

impl Lowerer<'_> {
    /// A sample of the value a parameter, media type or schema holder at `holder` takes
    /// (its `example`/`examples` first), of the schema at `schema`.
    pub(super) fn sample(&self, holder: &Loc, schema: Option<&Loc>) -> Value {
        if let Some(example) = self.example_at(holder) {
            return example;
        }
        match schema {
            Some(schema) => self.schema_sample(schema, 0, &mut Vec::new()),
            None => Value::Null,
        }
    }

    /// `example`, the first of `examples` (a 3.1 array or a map of Example objects).
    fn example_at(&self, holder: &Loc) -> Option<Value> {
        let map = self.sources.get(holder)?.as_object()?;
        if let Some(example) = map.get("example") {
            return Some(example.clone());
        }
        match map.get("examples")? {
            Value::Array(values) => values.first().cloned(),
            Value::Object(named) => {
                let name = named.keys().next()?;
                let example = self.sources.follow(&holder.child("examples").child(name)).ok()?;
                self.sources.get(&example.child("value")).cloned()
            }
            _ => None,
        }
    }

    fn schema_sample(&self, loc: &Loc, depth: usize, path: &mut Vec<Loc>) -> Value {
        let Ok(loc) = self.sources.follow(loc) else {
            return Value::Null;
        };
        let Some(map) = self.sources.get(&loc).and_then(Value::as_object) else {
            return json!("sample");
        };
        if let Some(example) = self.example_at(&loc) {
            return example;
        }
        if let Some(value) = map.get("const").or_else(|| map.get("default")) {
            return value.clone();
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            if let Some(value) = values.iter().find(|v| !v.is_null()) {
                return value.clone();
            }
        }
        if depth > MAX_DEPTH || path.contains(&loc) {
            return smallest(map);
        }
        path.push(loc.clone());
        let value = self.composed_sample(&loc, map, depth, path);
        path.pop();
        value
    }

    fn composed_sample(&self, loc: &Loc, map: &Map<String, Value>, depth: usize, path: &mut Vec<Loc>) -> Value {
        if let Some(Value::Array(parts)) = map.get("allOf") {
            let mut merged = Value::Null;
            for index in 0..parts.len() {
                let part = self.schema_sample(&loc.child("allOf").index(index), depth + 1, path);
                merged = merge(merged, part);
            }
            let own = self.typed_sample(loc, map, depth, path, &[]);
            return merge(merged, own);
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = map.get(keyword) {
                let chosen = (0..branches.len())
                    .map(|i| loc.child(keyword).index(i))
                    .find(|b| !self.is_null_sample_branch(b));
                if let Some(branch) = chosen {
                    let mut value = self.schema_sample(&branch, depth + 1, path);
                    if has_properties(map) {
                        // A branch may only list which of the common properties it
                        // requires: those are sampled from the common definition.
                        let required = self.required_of(&branch);
                        let common = self.typed_sample(loc, map, depth, path, &required);
                        value = merge(common, value.is_object().then_some(value).unwrap_or_default());
                    }
                    self.set_tag(map, &branch, &mut value);
                    return value;
                }
            }
        }
        self.typed_sample(loc, map, depth, path, &[])
    }

    /// The `required` list of the schema at `loc`.
    fn required_of(&self, loc: &Loc) -> Vec<String> {
        let target = self.sources.follow(loc).ok();
        let map = target.as_ref().and_then(|t| self.sources.get(t)).and_then(Value::as_object);
        let required = map.and_then(|m| m.get("required")).and_then(Value::as_array);
        required.map(|r| r.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default()
    }

    fn is_null_sample_branch(&self, branch: &Loc) -> bool {
        let target = self.sources.follow(branch).ok();
        let map = target.as_ref().and_then(|t| self.sources.get(t)).and_then(Value::as_object);
        map.and_then(|m| m.get("type")).and_then(Value::as_str) == Some("null")
    }

    /// A discriminated branch gets its tag (the mapping's key, else its component name).
    fn set_tag(&self, map: &Map<String, Value>, branch: &Loc, value: &mut Value) {
        let Some(discriminator) = map.get("discriminator") else { return };
        let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else { return };
        let Some(object) = value.as_object_mut() else { return };
        if object.contains_key(property) {
            return;
        }
        let target = self.sources.follow(branch).ok();
        let mapped = discriminator.get("mapping").and_then(Value::as_object).and_then(|mapping| {
            mapping.iter().find_map(|(tag, to)| {
                let to = self.sources.resolve(branch, to.as_str()?).ok()?;
                (Some(&to) == target.as_ref()).then(|| tag.clone())
            })
        });
        let tag = mapped.or_else(|| target.as_ref()?.pointer.rsplit('/').next().map(str::to_owned));
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
        path: &mut Vec<Loc>,
        also_required: &[String],
    ) -> Value {
        let declared = match map.get("type") {
            Some(Value::String(t)) => Some(t.as_str()),
            Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).find(|t| *t != "null"),
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
                if let Some(Value::Object(properties)) = map.get("properties") {
                    for name in properties.keys().filter(|n| required.contains(n)) {
                        let at = loc.child("properties").child(name);
                        let read_only = self.sources.get(&at).and_then(|p| p.get("readOnly")) == Some(&Value::Bool(true));
                        if !read_only {
                            object.insert(name.clone(), self.schema_sample(&at, depth + 1, path));
                        }
                    }
                }
                Value::Object(object)
            }
            "array" => {
                let item = self.schema_sample(&loc.child("items"), depth + 1, path);
                let count = map.get("minItems").and_then(Value::as_u64).unwrap_or(1).clamp(1, 3);
                Value::Array(vec![item; usize::try_from(count).unwrap_or(1)])
            }
            "integer" => json!(number(map, true)),
            "number" => json!(number(map, false)),
            "boolean" => json!(true),
            "string" => json!(string(map)),
            "null" => Value::Null,
            _ => json!("sample"),
        }
    }
}

fn has_properties(map: &Map<String, Value>) -> bool {
    matches!(map.get("properties"), Some(Value::Object(p)) if !p.is_empty())
}

/// The value of a schema that cannot be sampled further (too deep, or recursive).
fn smallest(map: &Map<String, Value>) -> Value {
    match map.get("type").and_then(Value::as_str) {
        Some("array") => json!([]),
        Some("string") => json!(string(map)),
        Some("integer") => json!(number(map, true)),
        Some("number") => json!(number(map, false)),
        Some("boolean") => json!(true),
        _ => json!({}),
    }
}

/// Objects merge (the later part's properties win); anything else is replaced.
fn merge(base: Value, part: Value) -> Value {
    match (base, part) {
        (Value::Object(mut base), Value::Object(part)) => {
            base.extend(part);
            Value::Object(base)
        }
        (base, Value::Null) => base,
        (_, part) => part,
    }
}

/// A number within `minimum`/`maximum` (exclusive bounds respected), a multiple of
/// `multipleOf` when one is asked for.
fn number(map: &Map<String, Value>, integer: bool) -> f64 {
    let bound = |key: &str| map.get(key).and_then(Value::as_f64);
    let exclusive = |key: &str, flag: &str| match map.get(key) {
        Some(Value::Number(n)) => n.as_f64(),
        _ if map.get(flag) == Some(&Value::Bool(true)) => bound(flag.trim_start_matches("exclusive").to_lowercase().as_str()),
        _ => None,
    };
    let step = if integer { 1.0 } else { 0.5 };
    let low = match (bound("minimum"), exclusive("exclusiveMinimum", "exclusiveMinimum")) {
        (_, Some(e)) => Some(e + step),
        (Some(m), None) => Some(m),
        (None, None) => None,
    };
    let high = match (bound("maximum"), exclusive("exclusiveMaximum", "exclusiveMaximum")) {
        (_, Some(e)) => Some(e - step),
        (Some(m), None) => Some(m),
        (None, None) => None,
    };
    let mut value = low.unwrap_or_else(|| high.map_or(1.0, |h| h.min(1.0)));
    if let Some(multiple) = map.get("multipleOf").and_then(Value::as_f64).filter(|m| *m > 0.0) {
        value = (value / multiple).ceil() * multiple;
    }
    if integer { value.ceil() } else { value }
}

/// A string its format and length accept.
fn string(map: &Map<String, Value>) -> String {
    let by_format = match map.get("format").and_then(Value::as_str) {
        Some("date-time") => "2024-01-01T00:00:00Z",
        Some("date") => "2024-01-01",
        Some("time") => "12:00:00Z",
        Some("uuid") => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        Some("email") => "user@example.com",
        Some("uri" | "url" | "uri-reference" | "iri") => "https://example.com/",
        Some("hostname") => "example.com",
        Some("ipv4") => "192.0.2.1",
        Some("ipv6") => "2001:db8::1",
        Some("byte") => "c2FtcGxl",
        Some("duration") => "P1D",
        _ => "sample",
    };
    let mut text = by_format.to_owned();
    let min = map.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = map.get("maxLength").and_then(Value::as_u64).map(|m| m as usize);
    while text.chars().count() < min {
        text.push('x');
    }
    if let Some(max) = max {
        text = text.chars().take(max.max(min)).collect();
    }
    text
}
