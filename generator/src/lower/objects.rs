//! Object schemas → structs (or maps), and `allOf` of objects merged into one struct.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::schema::{
    Lowered, has_object_keywords, has_type_keywords, is_secret, required_names, schema_docs,
};
use super::{Hint, Lowerer};
use crate::ir::*;
use crate::load::Loc;
use crate::names::{self, Namespace};

/// The fields of one struct as they are collected: each wire name once.
struct FieldSet {
    fields: Vec<Field>,
    by_wire: HashMap<String, usize>,
    names: Namespace,
}

impl FieldSet {
    fn new() -> FieldSet {
        FieldSet {
            fields: Vec::new(),
            by_wire: HashMap::new(),
            names: Namespace::with_reserved(&["additional_properties"]),
        }
    }
}

impl Lowerer<'_> {
    pub(super) fn object(&mut self, loc: &Loc, map: &Map<String, Value>, hint: &Hint) -> Lowered {
        let has_properties =
            matches!(map.get("properties"), Some(Value::Object(p)) if !p.is_empty());
        if !has_properties {
            let value = self.additional(loc, map, hint).unwrap_or(TypeRef::Any);
            return self.alias_if_named(loc, map, hint, TypeRef::Map(Box::new(value)));
        }
        let id = self.reserve(loc, map, hint);
        let name = self.types[id.0].name.clone();
        let mut fields = FieldSet::new();
        self.collect_fields(loc, map, &name, &mut fields);
        let additional = self.additional(loc, map, hint);
        self.fill(
            id,
            TypeKind::Struct(Struct {
                fields: fields.fields,
                additional,
            }),
        );
        Lowered::new(TypeRef::Named(id))
    }

    fn additional(&mut self, loc: &Loc, map: &Map<String, Value>, hint: &Hint) -> Option<TypeRef> {
        match map.get("additionalProperties")? {
            Value::Bool(_) => None,
            Value::Object(schema) if schema.is_empty() => Some(TypeRef::Any),
            _ => {
                let at = loc.child("additionalProperties");
                Some(self.schema(&at, &hint.suffixed("Value")).into_type())
            }
        }
    }

    /// Adds the fields of the object schema at `loc` (whose struct is `parent`); a
    /// property already collected keeps its first definition.
    fn collect_fields(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        parent: &str,
        fields: &mut FieldSet,
    ) {
        let Some(properties) = map.get("properties") else {
            return;
        };
        let Value::Object(properties) = properties else {
            self.error(&loc.child("properties"), "`properties` must be an object");
            return;
        };
        let required: HashSet<&str> = required_names(map).into_iter().collect();
        for (wire_name, schema) in properties {
            if fields.by_wire.contains_key(wire_name) {
                continue;
            }
            let at = loc.child("properties").child(wire_name);
            let hint = Hint::context(&format!("{parent} {}", names::pascal(wire_name)));
            let lowered = self.schema(&at, &hint);
            let presence = match (required.contains(wire_name.as_str()), lowered.nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, _) => Presence::Optional,
            };
            let name = fields.names.unique(names::snake(wire_name));
            let secret = is_secret(&name, schema);
            let docs = match schema.as_object() {
                Some(schema) => schema_docs(schema),
                None => Docs::default(),
            };
            fields
                .by_wire
                .insert(wire_name.clone(), fields.fields.len());
            fields.fields.push(Field {
                name,
                wire_name: wire_name.clone(),
                ty: lowered.ty,
                presence,
                docs,
                secret,
            });
        }
    }

    pub(super) fn all_of(&mut self, loc: &Loc, map: &Map<String, Value>, hint: &Hint) -> Lowered {
        let Some(Value::Array(items)) = map.get("allOf") else {
            self.error(&loc.child("allOf"), "`allOf` must be an array");
            return Lowered::new(TypeRef::Any);
        };
        let parts: Vec<Loc> = (0..items.len())
            .map(|i| loc.child("allOf").index(i))
            .filter(|part| !self.is_constraint_only(part))
            .collect();
        if !has_object_keywords(map) && !parts.iter().any(|part| self.is_object_schema(part)) {
            // `allOf: [$ref]`, or `[$ref, {type: string}]`: the other parts only describe
            // or narrow the value, so the type stays the referenced one.
            let Some(chosen) = parts
                .iter()
                .find(|p| self.sources.get(&p.child("$ref")).is_some())
                .or(parts.first())
            else {
                return self.alias_if_named(loc, map, hint, TypeRef::Any);
            };
            let chosen = chosen.clone();
            let into = self.reserved_for(loc, hint);
            return self.schema(&chosen, &hint.inner(into));
        }
        if map.contains_key("oneOf") || map.contains_key("anyOf") {
            self.warning(loc, "`oneOf`/`anyOf` beside `allOf`: generated from the common properties; the alternatives are not represented");
        }
        let Some(objects) = self.object_parts(loc, &parts) else {
            return self.alias_if_named(loc, map, hint, TypeRef::Any);
        };
        let id = self.reserve(loc, map, hint);
        let name = self.types[id.0].name.clone();
        let mut fields = FieldSet::new();
        let mut additional = self.additional(loc, map, hint);
        let mut required: HashSet<String> =
            required_names(map).into_iter().map(str::to_owned).collect();
        self.collect_fields(loc, map, &name, &mut fields);
        for part in &objects {
            let Some(Value::Object(part_map)) = self.sources.get(part) else {
                continue;
            };
            self.collect_fields(part, part_map, &name, &mut fields);
            required.extend(required_names(part_map).into_iter().map(str::to_owned));
            if additional.is_none() {
                additional = self.additional(part, part_map, hint);
            }
        }
        // A property required by any part is required in the whole.
        for field in &mut fields.fields {
            if required.contains(&field.wire_name) && field.presence == Presence::Optional {
                field.presence = Presence::Required;
            }
        }
        self.fill(
            id,
            TypeKind::Struct(Struct {
                fields: fields.fields,
                additional,
            }),
        );
        Lowered::new(TypeRef::Named(id))
    }

    fn is_object_schema(&self, loc: &Loc) -> bool {
        let Some(map) = self
            .sources
            .follow(loc)
            .ok()
            .and_then(|t| self.sources.get(&t))
            .and_then(Value::as_object)
        else {
            return false;
        };
        has_object_keywords(map)
            || map.contains_key("allOf")
            || matches!(map.get("type"), Some(Value::String(t)) if t == "object")
    }

    /// The object schemas an `allOf` merges, nested `allOf`s flattened, each once.
    /// `None` (reported) when a part is not an object.
    fn object_parts(&mut self, loc: &Loc, parts: &[Loc]) -> Option<Vec<Loc>> {
        let mut merged: Vec<Loc> = Vec::new();
        let mut seen: HashSet<Loc> = HashSet::from([loc.clone()]);
        let mut pending: Vec<Loc> = parts.iter().rev().cloned().collect();
        while let Some(part) = pending.pop() {
            let target = self.sources.follow(&part).ok()?;
            if !seen.insert(target.clone()) {
                continue;
            }
            let map = self.sources.get(&target)?.as_object()?;
            if !self.is_object_schema(&target) && has_type_keywords(map) {
                self.warning(&part, "`allOf` combines an object with a schema that is not an object; generated as any JSON value");
                return None;
            }
            if let Some(Value::Array(nested)) = map.get("allOf") {
                let nested_parts = (0..nested.len())
                    .rev()
                    .map(|i| target.child("allOf").index(i));
                pending.extend(nested_parts.filter(|p| !self.is_constraint_only(p)));
            }
            merged.push(target);
        }
        Some(merged)
    }
}
