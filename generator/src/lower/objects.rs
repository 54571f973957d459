//! Object schemas → structs (or maps), and `allOf` of objects merged into one struct.
//!
//! `allOf` means every part holds at once, so the struct has every part's properties.
//! A property defined by several parts (a base and its refinement) is combined: the
//! most specific definition gives the type (a `$ref` over an inline object, an array
//! of `Station` over an array of objects), `required` is the union of the parts',
//! `null` is allowed only if every definition allows it, and definitions of different
//! types are reported with both locations.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::schema::{
    Lowered, has_object_keywords, has_type_keywords, is_secret, required_names, schema_docs,
};
use super::{Hint, Lowerer};
use crate::ir::*;
use crate::load::{Loc, Member, Sources};
use crate::names::{self, Namespace};

/// How deep [`Lowerer::specificity`] looks into items of items.
const MAX_SPECIFICITY_DEPTH: usize = 16;

/// How many `allOf` parts and properties all of a document's structs may gather in
/// all: one per byte of the document's files, and 100,000 more. Each struct copies the
/// properties of every part it reaches, so a chain of schemas that each `allOf` the
/// next costs the square of its length (3,000 links, 300 KB, took 26 s and 3.3 GB);
/// real documents gather far less than their size (Stripe's 4.2 MB 8,633, Box's
/// 1.8 MB 3,890), so the work stays linear in the input.
pub(super) fn composition_budget(sources: &Sources) -> usize {
    let bytes: usize = sources.files().map(|(_, file)| file.text.len()).sum();
    bytes.saturating_add(100_000)
}

/// Everything the parts of one struct say, gathered before any field is lowered.
#[derive(Default)]
struct Parts {
    /// Property wire names in the order first seen, each with its definitions.
    order: Vec<String>,
    definitions: HashMap<String, Vec<Loc>>,
    required: HashSet<String>,
    additional: Vec<Loc>,
    closed: bool,
}

impl Lowerer<'_> {
    pub(super) fn object(&mut self, loc: &Loc, map: &Map<String, Value>, hint: &Hint) -> Lowered {
        let has_properties =
            matches!(map.member("properties"), Some(Value::Object(p)) if !p.is_empty());
        if !has_properties {
            let values = self.gather(std::slice::from_ref(loc)).additional;
            let value = match self.most_specific("additionalProperties", &values) {
                Some(at) => self.schema(&at, &hint.suffixed("Value")).into_type(),
                None => TypeRef::Any,
            };
            return self.alias_if_named(loc, map, hint, TypeRef::Map(Box::new(value)));
        }
        self.struct_of(loc, map, hint, std::slice::from_ref(loc))
    }

    pub(super) fn all_of(&mut self, loc: &Loc, map: &Map<String, Value>, hint: &Hint) -> Lowered {
        let Some(Value::Array(items)) = map.member("allOf") else {
            self.error(&loc.child("allOf"), "`allOf` must be an array");
            return Lowered::new(TypeRef::Any);
        };
        let parts: Vec<Loc> = (0..items.len())
            .map(|i| loc.child("allOf").index(i))
            .collect();
        let typed: Vec<&Loc> = parts
            .iter()
            .filter(|part| !self.is_constraint_only(part))
            .collect();
        if !is_objectish(map) && !typed.iter().any(|part| self.is_object_schema(part)) {
            // `allOf: [$ref]`, or `[$ref, {type: string}]`: the other parts only describe
            // or narrow the value, so the type stays the referenced one.
            let Some(chosen) = typed
                .iter()
                .find(|p| self.sources.get(&p.child("$ref")).is_some())
                .or(typed.first())
            else {
                return self.alias_if_named(loc, map, hint, TypeRef::Any);
            };
            let chosen = (*chosen).clone();
            let into = self.reserved_for(loc, hint);
            return self.schema(&chosen, &hint.inner(into));
        }
        let Some(mut all) = self.object_parts(loc, &parts) else {
            return self.alias_if_named(loc, map, hint, TypeRef::Any);
        };
        all.insert(0, loc.clone());
        if let Some(lowered) = self.alternatives(loc, map, hint, &all) {
            return lowered;
        }
        self.struct_of(loc, map, hint, &all)
    }

    /// The struct of the object schemas at `parts` (the schema itself first).
    fn struct_of(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        parts: &[Loc],
    ) -> Lowered {
        let id = self.reserve(loc, map, hint);
        let parent = self.types[id.0].name.clone();
        let merged = self.merged_struct(&parent, parts);
        self.fill(id, TypeKind::Struct(merged));
        Lowered::new(TypeRef::Named(id))
    }

    /// One struct from the object schemas at `parts` (their properties combined).
    pub(super) fn merged_struct(&mut self, parent: &str, parts: &[Loc]) -> Struct {
        let gathered = self.gather(parts);
        let mut names = Namespace::with_reserved(&["additional_properties"]);
        let mut fields = Vec::with_capacity(gathered.order.len());
        for wire_name in &gathered.order {
            let definitions = &gathered.definitions[wire_name];
            let required = gathered.required.contains(wire_name);
            fields.push(self.field(parent, wire_name, definitions, required, &mut names));
        }
        let additional = self
            .most_specific("additionalProperties", &gathered.additional)
            .map(|at| {
                self.schema(&at, &Hint::context(&format!("{parent} Value")))
                    .into_type()
            });
        fields.extend(undefined_required(&gathered, &additional, &mut names));
        Struct {
            fields,
            additional,
            closed: gathered.closed,
        }
    }

    /// What the parts say about properties, `required` and other properties.
    fn gather(&mut self, parts: &[Loc]) -> Parts {
        let mut gathered = Parts::default();
        for part in parts {
            let Some(Value::Object(map)) = self.sources.get(part) else {
                continue;
            };
            gathered
                .required
                .extend(required_names(map).into_iter().map(str::to_owned));
            match map.member("additionalProperties") {
                Some(Value::Bool(false)) => gathered.closed = true,
                Some(Value::Object(schema)) if !schema.is_empty() => {
                    gathered.additional.push(part.child("additionalProperties"));
                }
                _ => {}
            }
            if map.member("unevaluatedProperties") == Some(&Value::Bool(false)) {
                gathered.closed = true;
            }
            // Properties matching a pattern are kept with the other properties.
            if let Some(Value::Object(patterns)) = map.member("patternProperties") {
                let at = part.child("patternProperties");
                gathered
                    .additional
                    .extend(patterns.keys().map(|pattern| at.child(pattern)));
            }
            match map.member("properties") {
                Some(Value::Object(properties)) => {
                    if !self.spend_on_composition(part, properties.len()) {
                        break;
                    }
                    for name in properties.keys() {
                        let at = part.child("properties").child(name);
                        match gathered.definitions.get_mut(name) {
                            Some(definitions) => definitions.push(at),
                            None => {
                                gathered.order.push(name.clone());
                                gathered.definitions.insert(name.clone(), vec![at]);
                            }
                        }
                    }
                }
                Some(_) => self.error(&part.child("properties"), "`properties` must be an object"),
                None => {}
            }
        }
        gathered
    }

    /// One property, from all its definitions.
    fn field(
        &mut self,
        parent: &str,
        wire_name: &str,
        definitions: &[Loc],
        required: bool,
        names: &mut Namespace,
    ) -> Field {
        let chosen = self
            .most_specific(wire_name, definitions)
            .unwrap_or_else(|| definitions[0].clone());
        let hint = Hint::context(&format!("{parent} {}", names::pascal(wire_name)));
        let lowered = self.schema(&chosen, &hint);
        let nullable = lowered.nullable
            && definitions
                .iter()
                .all(|d| *d == chosen || self.nullable_at(d));
        // Each definition is looked up once, with what its `$ref` names.
        let sources = self.sources;
        let found: Vec<Definition> = definitions
            .iter()
            .map(|d| Definition {
                here: sources.get(d),
                there: sources.follow(d).ok().and_then(|t| sources.get(&t)),
            })
            .collect();
        let access = access(&found);
        let presence = match (required && access == Access::ReadWrite, nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, _) => Presence::Optional,
        };
        let name = names.unique(names::snake(wire_name));
        let secret = found
            .iter()
            .filter_map(|d| d.here)
            .any(|schema| is_secret(&name, schema));
        let chosen_at = definitions.iter().position(|d| *d == chosen);
        let mut docs = property_docs(chosen_at.map(|i| &found[i]), &found);
        let note = match (access, required) {
            (Access::ReadOnly, true) => {
                "Read-only: always sent by the server, never by the client."
            }
            (Access::ReadOnly, false) => "Read-only: sent by the server only.",
            (Access::WriteOnly, true) => {
                "Write-only: required from the client, never sent by the server."
            }
            (Access::WriteOnly, false) => "Write-only: sent by the client only.",
            (Access::ReadWrite, _) => "",
        };
        if !note.is_empty() {
            if !docs.0.is_empty() {
                docs.0.push(String::new());
            }
            docs.0.push(note.to_owned());
        }
        Field {
            name,
            wire_name: wire_name.to_owned(),
            ty: lowered.ty,
            presence,
            docs,
            secret,
            access,
        }
    }

    /// The definition that says most; later ones win ties (a refinement follows its
    /// base). Definitions of different types are reported.
    fn most_specific(&mut self, what: &str, definitions: &[Loc]) -> Option<Loc> {
        let mut best: Option<&Loc> = None;
        for definition in definitions {
            let Some(current) = best else {
                best = Some(definition);
                continue;
            };
            let (kind, best_kind) = (self.kind_at(definition), self.kind_at(current));
            if let (Some(kind), Some(best_kind)) = (kind, best_kind) {
                if !compatible(kind, best_kind) {
                    self.warning_with(definition, current, format!(
                        "`allOf` parts define `{what}` as {kind} here and as {best_kind} elsewhere; no value is both: the later definition is used"
                    ));
                    best = Some(definition);
                    continue;
                }
            }
            if self.specificity(definition, 0) >= self.specificity(current, 0) {
                best = Some(definition);
            }
        }
        best.cloned()
    }

    /// How much a schema says about its values: a named schema most, then objects with
    /// properties, enums, formats, plain types; arrays and maps by their items.
    fn specificity(&self, loc: &Loc, depth: usize) -> u32 {
        let Some(map) = self.sources.get(loc).and_then(Value::as_object) else {
            return 0;
        };
        if map.contains_key("$ref") {
            return 8;
        }
        if depth >= MAX_SPECIFICITY_DEPTH {
            return 1;
        }
        match self.kind_at(loc) {
            Some("array") => match map.member("items") {
                Some(_) => 2 + self.specificity(&loc.child("items"), depth + 1),
                None => 1,
            },
            Some("object") if has_object_keywords(map) => match map.member("properties") {
                Some(Value::Object(p)) if !p.is_empty() => 6,
                _ => 2 + self.specificity(&loc.child("additionalProperties"), depth + 1) / 2,
            },
            Some(_) if map.contains_key("enum") || map.contains_key("const") => 5,
            Some(_) if map.contains_key("format") => 3,
            Some(_) => 2,
            None => u32::from(has_type_keywords(map)),
        }
    }

    /// The JSON type a schema's values have, looking through `$ref`s; `None` for any.
    fn kind_at(&self, loc: &Loc) -> Option<&'static str> {
        let target = self.sources.follow(loc).ok()?;
        let map = self.sources.get(&target)?.as_object()?;
        let declared = match map.member("type") {
            Some(Value::String(t)) => Some(t.as_str()),
            Some(Value::Array(types)) => types
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null"),
            _ => None,
        };
        const KINDS: [&str; 6] = ["object", "array", "string", "integer", "number", "boolean"];
        match declared {
            Some(t) => KINDS.into_iter().find(|k| *k == t),
            None if is_objectish(map) => Some("object"),
            None if map.contains_key("items") => Some("array"),
            None => None,
        }
    }

    /// Whether the schema at `loc` describes objects (a property list, even empty, or
    /// `type: object`, or an `allOf`).
    pub(super) fn is_object_schema(&self, loc: &Loc) -> bool {
        let Some(map) = self
            .sources
            .follow(loc)
            .ok()
            .and_then(|t| self.sources.get(&t))
            .and_then(Value::as_object)
        else {
            return false;
        };
        is_objectish(map)
            || map.contains_key("allOf")
            || matches!(map.member("type"), Some(Value::String(t)) if t == "object")
    }

    /// The schemas an `allOf` merges (following `$ref`s, nested `allOf`s flattened, each
    /// once), constraint-only parts included for their `required`. `None` (reported)
    /// when a part is not an object.
    /// Takes `work` from the composition budget; once it is spent, reports so at `loc`
    /// (once) and answers `false` from then on.
    fn spend_on_composition(&mut self, loc: &Loc, work: usize) -> bool {
        match self.composition_left {
            Some(left) if work <= left => {
                self.composition_left = Some(left - work);
                true
            }
            Some(_) => {
                self.composition_left = None;
                let message = "`allOf` here takes the document past the parts and properties \
                     its size allows structs to gather in all (one per byte, and 100,000 more; \
                     each struct copies every property of the parts it reaches): refused, as \
                     a chain of schemas that each `allOf` the next makes the output the square \
                     of its length";
                self.error(loc, message);
                false
            }
            None => false,
        }
    }

    pub(super) fn object_parts(&mut self, loc: &Loc, parts: &[Loc]) -> Option<Vec<Loc>> {
        let mut merged: Vec<Loc> = Vec::new();
        let mut seen: HashSet<Loc> = HashSet::from([loc.clone()]);
        let mut pending: Vec<Loc> = parts.iter().rev().cloned().collect();
        while let Some(part) = pending.pop() {
            if !self.spend_on_composition(loc, 1) {
                return None;
            }
            let target = self.sources.follow(&part).ok()?;
            if !seen.insert(target.clone()) {
                continue;
            }
            let map = self.sources.get(&target)?.as_object()?;
            if !self.is_object_schema(&target) && has_type_keywords(map) {
                self.warning(&part, "`allOf` combines an object with a schema that is not an object; generated as any JSON value");
                return None;
            }
            if let Some(Value::Array(nested)) = map.member("allOf") {
                let nested_parts = (0..nested.len())
                    .rev()
                    .map(|i| target.child("allOf").index(i));
                pending.extend(nested_parts);
            }
            merged.push(target);
        }
        Some(merged)
    }
}

/// A schema that describes an object by its keywords.
fn is_objectish(map: &Map<String, Value>) -> bool {
    ["properties", "additionalProperties", "patternProperties"]
        .iter()
        .any(|k| map.contains_key(*k))
}

/// Two JSON types some value has both of (an integer is a number).
fn compatible(a: &str, b: &str) -> bool {
    a == b || matches!((a, b), ("integer", "number") | ("number", "integer"))
}

/// Properties that `required` names and no part defines: they must still travel, as
/// what other properties may be (any JSON value unless `additionalProperties` says).
fn undefined_required(
    gathered: &Parts,
    additional: &Option<TypeRef>,
    names: &mut Namespace,
) -> Vec<Field> {
    let mut undefined: Vec<&String> = gathered
        .required
        .iter()
        .filter(|name| !gathered.definitions.contains_key(*name))
        .collect();
    undefined.sort();
    undefined
        .into_iter()
        .map(|wire_name| {
            let name = names.unique(names::snake(wire_name));
            Field {
                secret: is_secret(&name, &Value::Null),
                name,
                wire_name: (*wire_name).clone(),
                ty: additional.clone().unwrap_or(TypeRef::Any),
                presence: Presence::Required,
                docs: Docs(vec![
                    "Required by the document, which does not define it.".to_owned(),
                ]),
                access: Access::ReadWrite,
            }
        })
        .collect()
}

/// One definition of a property: its schema, and the schema its `$ref` names.
struct Definition<'s> {
    here: Option<&'s Value>,
    there: Option<&'s Value>,
}

/// The description of the chosen definition, else the first that has one.
fn property_docs(chosen: Option<&Definition>, definitions: &[Definition]) -> Docs {
    chosen
        .into_iter()
        .chain(definitions)
        .filter_map(|d| d.here.and_then(Value::as_object))
        .map(schema_docs)
        .find(|docs| !docs.0.is_empty())
        .unwrap_or_default()
}

/// `readOnly`/`writeOnly` from any definition (on it or on what it references).
fn access(definitions: &[Definition]) -> Access {
    let flag = |key: &str| {
        definitions.iter().any(|d| {
            [d.here, d.there]
                .into_iter()
                .flatten()
                .any(|s| s.get(key).and_then(Value::as_bool) == Some(true))
        })
    };
    match (flag("readOnly"), flag("writeOnly")) {
        (true, false) => Access::ReadOnly,
        (false, true) => Access::WriteOnly,
        _ => Access::ReadWrite,
    }
}
