//! Schemas → types: the entry points and the shape of a schema, one path for 3.0 and
//! 3.1. Objects, compositions, enums, nullability (`nullable`) and the arena of named
//! types (`arena`) have their own files.

use serde_json::{Map, Value};

use super::nullable::is_nullable;
use super::{Hint, Lowerer, docs};
use crate::ir::*;
use crate::load::{Loc, Member, kind_of, unescape_segment};

/// A lowered schema: the type, and whether `null` is also allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Lowered {
    pub ty: TypeRef,
    pub nullable: bool,
}

impl Lowered {
    pub(super) fn new(ty: TypeRef) -> Lowered {
        Lowered {
            ty,
            nullable: false,
        }
    }

    /// The type for a position without field presence (array item, map value).
    pub fn into_type(self) -> TypeRef {
        if self.nullable {
            TypeRef::Nullable(Box::new(self.ty))
        } else {
            self.ty
        }
    }
}

/// What a schema is, before any type is made for it.
enum Shape<'v> {
    Any,
    Scalar(Scalar),
    Array(Option<&'v Value>),
    Object,
    Enum(Vec<&'v Value>),
    /// Branches of `oneOf`/`anyOf`, null branches removed.
    Union(Vec<Loc>),
    AllOf,
    /// Several non-null `type`s.
    Types(Vec<&'v str>),
    /// A base with a discriminator, and its subtypes.
    Polymorphic(Vec<super::inheritance::Subtype>),
}

impl<'s> Lowerer<'s> {
    /// Lowers the schema at `loc` where it is used; `hint` names the type if one is needed.
    pub fn schema(&mut self, loc: &Loc, hint: &Hint) -> Lowered {
        let Some(map) = self.schema_object(loc) else {
            return Lowered::new(TypeRef::Any);
        };
        if let Some(reference) = map.member("$ref") {
            return self.reference(loc, map, reference, hint);
        }
        if let Some(&id) = self.memo.get(loc) {
            return self.named(id);
        }
        self.lower_shape(loc, map, hint)
    }

    /// The schema object at `loc`; `true`, `false` and non-objects are reported (when
    /// they need to be) and give `None`.
    fn schema_object(&mut self, loc: &Loc) -> Option<&'s Map<String, Value>> {
        let sources = self.sources;
        match sources.get(loc) {
            Some(Value::Object(map)) => Some(map),
            Some(Value::Bool(true)) => None,
            Some(Value::Bool(false)) => {
                self.warning(
                    loc,
                    "schema `false` (no value is valid) is generated as any JSON value",
                );
                None
            }
            Some(other) => {
                let message = format!("expected a schema (an object), found {}", kind_of(other));
                self.error(loc, message);
                None
            }
            None => {
                self.error(loc, "expected a schema here, found nothing");
                None
            }
        }
    }

    fn reference(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        reference: &Value,
        hint: &Hint,
    ) -> Lowered {
        let Some(reference) = reference.as_str() else {
            self.error(&loc.child("$ref"), "`$ref` must be a string");
            return Lowered::new(TypeRef::Any);
        };
        // The content the reference chain ends at: one schema is one type.
        let content = match self
            .sources
            .resolve(loc, reference)
            .and_then(|target| Ok((self.sources.follow(&target)?, target)))
        {
            Ok(found) => found,
            Err(message) => {
                self.error(&loc.child("$ref"), message);
                return Lowered::new(TypeRef::Any);
            }
        };
        let (content, target) = content;
        let target_hint = self.hint_for_target(&target).unwrap_or_else(|| Hint {
            named: true,
            ..hint.inner(None)
        });
        let mut lowered = self.type_at(&content, &target_hint);
        // 3.0 ignores `$ref` siblings, but `nullable: true` beside a `$ref` is common intent.
        lowered.nullable |= is_nullable(map);
        lowered
    }

    /// The type of the schema at `content` (where a reference chain ends), reserved now
    /// and lowered later from the queue, so no reference is followed by recursion.
    pub(super) fn type_at(&mut self, content: &Loc, hint: &Hint) -> Lowered {
        if let Some(&id) = self.memo.get(content) {
            return self.named(id);
        }
        match self.reserve_schema(content, hint) {
            Some(id) => {
                self.pending.push_back((content.clone(), hint.clone()));
                self.named(id)
            }
            // `true`, or not a schema: nothing to defer.
            None => self.schema(content, hint),
        }
    }

    /// Names a referenced schema from where it lives: a component key or a file name.
    fn hint_for_target(&self, target: &Loc) -> Option<Hint> {
        let segments: Vec<&str> = target.pointer.split('/').collect();
        match segments.as_slice() {
            [.., "schemas" | "$defs" | "definitions", key] => {
                Some(Hint::component(&unescape_segment(key)))
            }
            [""] => {
                let path = &self.sources.file(target.file).path;
                let stem = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("Schema");
                Some(Hint::component(stem))
            }
            _ => None,
        }
    }

    /// Gives the schema object at `loc` its named type now, to be lowered by
    /// [`Lowerer::define`] later. `None` when `loc` holds no schema object of its own
    /// (a `$ref`, `true`, not a schema).
    pub(super) fn reserve_schema(&mut self, loc: &Loc, hint: &Hint) -> Option<TypeId> {
        if let Some(&id) = self.memo.get(loc) {
            return Some(id);
        }
        let map = self.sources.get(loc)?.as_object()?;
        if map.contains_key("$ref") {
            return None;
        }
        let hint = self.titled(map, hint);
        let id = self.reserve(loc, map, &hint);
        self.types[id.0].nullable = self.nullable_at(loc);
        Some(id)
    }

    /// Lowers a reserved schema into its type, once.
    pub(super) fn define(&mut self, loc: &Loc, hint: &Hint) {
        let Some(&id) = self.memo.get(loc) else {
            return;
        };
        if self.defined[id.0] {
            return;
        }
        let Some(map) = self.schema_object(loc) else {
            self.fill(id, TypeKind::Alias(TypeRef::Any));
            return;
        };
        let hint = Hint {
            named: true,
            into: Some(id),
            ..hint.clone()
        };
        let lowered = self.lower_shape(loc, map, &hint);
        if !self.defined[id.0] {
            // The schema stands for another type (a lone `allOf` part, `anyOf [X, null]`).
            let target = if lowered.ty == TypeRef::Named(id) {
                self.warning(
                    loc,
                    "this schema only refers to itself; generated as any JSON value",
                );
                TypeRef::Any
            } else {
                lowered.ty.clone()
            };
            self.fill(id, TypeKind::Alias(target));
        }
        self.types[id.0].nullable |= lowered.nullable;
    }

    /// A title names the type, unless a component key does.
    fn titled(&self, map: &Map<String, Value>, hint: &Hint) -> Hint {
        match map.member("title").and_then(Value::as_str) {
            Some(title) if !hint.component && !title.trim().is_empty() => Hint {
                name: title.to_owned(),
                ..hint.clone()
            },
            _ => hint.clone(),
        }
    }

    fn lower_shape(&mut self, loc: &Loc, map: &Map<String, Value>, hint: &Hint) -> Lowered {
        let hint = &self.titled(map, hint);
        self.report_unrepresented(loc, map);
        let nullable = is_nullable(map) || self.has_null_branch(loc, map);
        let shape = self.shape(loc, map);
        let mut lowered = match shape {
            Shape::Any => self.alias_if_named(loc, map, hint, TypeRef::Any),
            Shape::Scalar(Scalar::String) if self.binary_strings && is_binary(map) => {
                self.alias_if_named(loc, map, hint, TypeRef::Binary)
            }
            Shape::Scalar(Scalar::String) if self.typed_formats && typed_format(map).is_some() => {
                let format = typed_format(map).unwrap_or(Format::DateTime);
                self.alias_if_named(loc, map, hint, TypeRef::Format(format))
            }
            Shape::Scalar(scalar) => self.alias_if_named(loc, map, hint, TypeRef::Scalar(scalar)),
            Shape::Array(items) => {
                let item = match items {
                    Some(_) => self
                        .schema(&loc.child("items"), &hint.suffixed("Item"))
                        .into_type(),
                    None => TypeRef::Any,
                };
                self.alias_if_named(loc, map, hint, TypeRef::Array(Box::new(item)))
            }
            Shape::Object => self.object(loc, map, hint),
            Shape::Enum(values) => self.enumeration(loc, map, hint, &values),
            Shape::Union(branches) => self.union(loc, map, hint, branches),
            Shape::AllOf => self.all_of(loc, map, hint),
            Shape::Types(types) => self.multi_type(loc, map, hint, &types),
            Shape::Polymorphic(subtypes) => self.polymorphic(loc, map, hint, subtypes),
        };
        lowered.nullable |= nullable;
        if let TypeRef::Named(id) = lowered.ty {
            if self.memo.get(loc) == Some(&id) {
                self.types[id.0].nullable |= nullable;
            }
        }
        self.schema_examples(loc, &lowered.clone().into_type());
        lowered
    }

    /// Keywords that shape values in ways a Rust type does not say: reported, never
    /// dropped silently. (Validation keywords such as `pattern` or `maximum` narrow the
    /// values a type accepts and are documented, not reported.)
    fn report_unrepresented(&mut self, loc: &Loc, map: &Map<String, Value>) {
        const UNREPRESENTED: &[(&str, &str)] = &[
            (
                "prefixItems",
                "tuple items (`prefixItems`) are generated as an array of any JSON value",
            ),
            (
                "if",
                "`if`/`then`/`else` is not represented: the type is the schema without it",
            ),
            (
                "dependentSchemas",
                "`dependentSchemas` is not represented: the type is the schema without it",
            ),
            ("unevaluatedItems", "`unevaluatedItems` is not represented"),
        ];
        for (keyword, message) in UNREPRESENTED {
            if map.contains_key(*keyword) {
                self.warning(&loc.child(keyword), *message);
            }
        }
    }

    fn shape<'v>(&mut self, loc: &Loc, map: &'v Map<String, Value>) -> Shape<'v> {
        if map.contains_key("discriminator")
            && !map.contains_key("oneOf")
            && !map.contains_key("anyOf")
        {
            if let Some(subtypes) = self.subtypes(loc, map) {
                return Shape::Polymorphic(subtypes);
            }
        }
        if map.contains_key("allOf") {
            return Shape::AllOf;
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(branches) = self.branches(loc, map, keyword) {
                return Shape::Union(branches);
            }
        }
        let listed = match (map.member("enum"), map.member("const")) {
            (Some(Value::Array(values)), _) => Some((values.iter().collect::<Vec<_>>(), "enum")),
            (_, Some(value)) => Some((vec![value], "const")),
            _ => None,
        };
        if let Some((values, keyword)) = listed {
            let non_null: Vec<&Value> = values.iter().copied().filter(|v| !v.is_null()).collect();
            if non_null.is_empty() && !values.is_empty() {
                return Shape::Scalar(Scalar::Unit);
            }
            if non_null.iter().any(|v| v.is_object() || v.is_array()) {
                self.warning(&loc.child(keyword), format!("`{keyword}` lists objects or arrays: generated as the schema's type, without checking the listed values"));
            } else {
                return Shape::Enum(non_null);
            }
        }
        let types: Vec<&str> = match map.member("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect(),
            Some(other) => {
                self.error(
                    &loc.child("type"),
                    format!(
                        "`type` must be a string or an array, found {}",
                        kind_of(other)
                    ),
                );
                vec![]
            }
            None if has_object_keywords(map) => vec!["object"],
            None => vec![],
        };
        let only_null = matches!(map.member("type"), Some(Value::String(t)) if t == "null")
            || matches!(map.member("type"), Some(Value::Array(ts)) if !ts.is_empty() && ts.iter().all(|t| t == "null"));
        match types.as_slice() {
            [] if only_null => Shape::Scalar(Scalar::Unit),
            [] => Shape::Any,
            ["object"] => Shape::Object,
            ["array"] => Shape::Array(map.member("items")),
            [single] => match scalar(single, map.member("format").and_then(Value::as_str)) {
                Some(scalar) => Shape::Scalar(scalar),
                None => {
                    self.error(&loc.child("type"), format!("unknown type {single:?}"));
                    Shape::Any
                }
            },
            _ => Shape::Types(types),
        }
    }
}

pub(super) fn scalar(name: &str, format: Option<&str>) -> Option<Scalar> {
    Some(match (name, format) {
        ("string", _) => Scalar::String,
        ("integer", Some("int32")) => Scalar::I32,
        ("integer", Some("uint64" | "uint32")) => Scalar::U64,
        ("integer", _) => Scalar::I64,
        ("number", Some("float")) => Scalar::F32,
        ("number", _) => Scalar::F64,
        ("boolean", _) => Scalar::Bool,
        ("null", _) => Scalar::Unit,
        _ => return None,
    })
}

/// The typed format of a string schema's `format`.
fn typed_format(map: &Map<String, Value>) -> Option<Format> {
    map.member("format")
        .and_then(Value::as_str)
        .and_then(Format::of)
}

/// A string of raw bytes (`format: binary`, or 3.1's non-text `contentMediaType`).
fn is_binary(map: &Map<String, Value>) -> bool {
    let format = map.member("format").and_then(Value::as_str);
    let media = map.member("contentMediaType").and_then(Value::as_str);
    format == Some("binary") || media.is_some_and(|m| !m.starts_with("text/"))
}

/// Keywords that make a schema describe a value (rather than annotate or constrain one).
pub(super) fn has_type_keywords(map: &Map<String, Value>) -> bool {
    [
        "$ref",
        "type",
        "properties",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "allOf",
        "oneOf",
        "anyOf",
    ]
    .iter()
    .any(|k| map.contains_key(*k))
}

pub(super) fn has_object_keywords(map: &Map<String, Value>) -> bool {
    matches!(map.member("properties"), Some(Value::Object(p)) if !p.is_empty())
        || map
            .member("additionalProperties")
            .is_some_and(|a| a.is_object())
}

/// The names in `required`, each once.
pub(super) fn required_names(map: &Map<String, Value>) -> Vec<&str> {
    let Some(Value::Array(names)) = map.member("required") else {
        return Vec::new();
    };
    let mut seen = std::collections::HashSet::new();
    names
        .iter()
        .filter_map(Value::as_str)
        .filter(|name| seen.insert(*name))
        .collect()
}

pub(super) fn is_secret(field_name: &str, schema: &Value) -> bool {
    let format_password = schema.member("format").and_then(Value::as_str) == Some("password");
    format_password || crate::secret_names::is_secret_name(field_name)
}

pub(super) fn schema_docs(map: &Map<String, Value>) -> Docs {
    match (
        map.member("description").and_then(Value::as_str),
        map.member("title").and_then(Value::as_str),
    ) {
        (Some(description), _) if !description.trim().is_empty() => docs(&[description]),
        (_, Some(title)) => docs(&[title]),
        _ => Docs::default(),
    }
}
