//! Schemas → types. One path for 3.0 and 3.1: `nullable: true`, `type: [X, "null"]`
//! and `anyOf/oneOf [X, {type: "null"}]` all mean "X, or null".

use serde_json::{Map, Value};

use super::{Hint, Lowerer, docs};
use crate::ir::*;
use crate::load::{Loc, unescape_segment};
use crate::names::{self, Namespace};

/// A lowered schema: the type, and whether `null` is also allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Lowered {
    pub ty: TypeRef,
    pub nullable: bool,
}

impl Lowered {
    fn new(ty: TypeRef) -> Lowered {
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

/// Words that mark a property as a secret (after snake-casing its name).
const SECRET_NAMES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "client_secret",
    "pin",
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "api_key",
    "apikey",
    "private_key",
    "passphrase",
    "otp",
];

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
}

impl Lowerer<'_> {
    /// Lowers the schema at `loc`; `hint` names the type if one is needed.
    pub fn schema(&mut self, loc: &Loc, hint: &Hint) -> Lowered {
        let sources = self.sources;
        let Some(value) = sources.get(loc) else {
            self.error(loc, "expected a schema here, found nothing");
            return Lowered::new(TypeRef::Any);
        };
        let map = match value {
            Value::Object(map) => map,
            Value::Bool(true) => return Lowered::new(TypeRef::Any),
            Value::Bool(false) => {
                self.warning(
                    loc,
                    "schema `false` (no value is valid) is generated as any JSON value",
                );
                return Lowered::new(TypeRef::Any);
            }
            other => {
                self.error(
                    loc,
                    format!("expected a schema (an object), found {}", kind_of(other)),
                );
                return Lowered::new(TypeRef::Any);
            }
        };
        if let Some(reference) = map.get("$ref") {
            return self.reference(loc, map, reference, hint);
        }
        if let Some(&id) = self.memo.get(loc) {
            return self.named(id);
        }
        // A title names the type, also when it sits on a nullable wrapper (`anyOf [X, null]`).
        let titled;
        let hint = match map.get("title").and_then(Value::as_str) {
            Some(title) if !hint.component && !title.trim().is_empty() => {
                titled = Hint::context(title);
                &titled
            }
            _ => hint,
        };
        let nullable = is_nullable(map) || self.has_null_branch(loc, map);
        let shape = self.shape(loc, map);
        let mut lowered = match shape {
            Shape::Any => self.alias_if_component(loc, map, hint, TypeRef::Any),
            Shape::Scalar(scalar) => {
                self.alias_if_component(loc, map, hint, TypeRef::Scalar(scalar))
            }
            Shape::Array(items) => {
                let item = match items {
                    Some(_) => self
                        .schema(&loc.child("items"), &hint.suffixed("Item"))
                        .into_type(),
                    None => TypeRef::Any,
                };
                self.alias_if_component(loc, map, hint, TypeRef::Array(Box::new(item)))
            }
            Shape::Object => self.object(loc, map, hint),
            Shape::Enum(values) => self.enumeration(loc, map, hint, &values),
            Shape::Union(branches) => self.union(loc, map, hint, branches),
            Shape::AllOf => self.all_of(loc, map, hint),
            Shape::Types(types) => self.multi_type(loc, map, hint, &types),
        };
        lowered.nullable |= nullable;
        if let TypeRef::Named(id) = lowered.ty {
            if self.memo.get(loc) == Some(&id) {
                self.types[id.0].nullable |= nullable;
            }
        }
        lowered
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
        let target = match self.sources.resolve(loc, reference) {
            Ok(target) => target,
            Err(message) => {
                self.error(&loc.child("$ref"), message);
                return Lowered::new(TypeRef::Any);
            }
        };
        // Lower the content the reference chain ends at, so one schema is one type.
        let content = match self.sources.follow(&target) {
            Ok(content) => content,
            Err(message) => {
                self.error(&loc.child("$ref"), message);
                return Lowered::new(TypeRef::Any);
            }
        };
        let target_hint = self
            .hint_for_target(&target)
            .unwrap_or_else(|| hint.clone());
        let mut lowered = self.schema(&content, &target_hint);
        // 3.0 ignores `$ref` siblings, but `nullable: true` beside a `$ref` is common intent.
        lowered.nullable |= is_nullable(map);
        lowered
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

    fn named(&self, id: TypeId) -> Lowered {
        Lowered {
            ty: TypeRef::Named(id),
            nullable: self.types[id.0].nullable,
        }
    }

    fn shape<'v>(&mut self, loc: &Loc, map: &'v Map<String, Value>) -> Shape<'v> {
        if map.contains_key("allOf") {
            return Shape::AllOf;
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(branches) = self.branches(loc, map, keyword) {
                return Shape::Union(branches);
            }
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            return Shape::Enum(values.iter().filter(|v| !v.is_null()).collect());
        }
        if let Some(value) = map.get("const") {
            return Shape::Enum(vec![value]);
        }
        let types: Vec<&str> = match map.get("type") {
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
            None if map.get("type").is_none() && has_object_keywords(map) => vec!["object"],
            None => vec![],
        };
        let only_null = matches!(map.get("type"), Some(Value::String(t)) if t == "null")
            || matches!(map.get("type"), Some(Value::Array(ts)) if !ts.is_empty() && ts.iter().all(|t| t == "null"));
        match types.as_slice() {
            [] if only_null => Shape::Scalar(Scalar::Unit),
            [] => Shape::Any,
            ["object"] => Shape::Object,
            ["array"] => Shape::Array(map.get("items")),
            [single] => match scalar(single, map.get("format").and_then(Value::as_str)) {
                Some(scalar) => Shape::Scalar(scalar),
                None => {
                    self.error(&loc.child("type"), format!("unknown type {single:?}"));
                    Shape::Any
                }
            },
            _ => Shape::Types(types),
        }
    }

    /// The non-null branches of `oneOf`/`anyOf`, when they say more than constraints.
    fn branches(&mut self, loc: &Loc, map: &Map<String, Value>, keyword: &str) -> Option<Vec<Loc>> {
        let Value::Array(items) = map.get(keyword)? else {
            self.error(&loc.child(keyword), format!("`{keyword}` must be an array"));
            return None;
        };
        let at = loc.child(keyword);
        let branches: Vec<Loc> = (0..items.len())
            .map(|i| at.index(i))
            .filter(|branch| !self.is_null_schema(branch) && !self.is_constraint_only(branch))
            .collect();
        (!branches.is_empty()).then_some(branches)
    }

    fn has_null_branch(&self, loc: &Loc, map: &Map<String, Value>) -> bool {
        ["oneOf", "anyOf"]
            .iter()
            .any(|keyword| match map.get(*keyword) {
                Some(Value::Array(items)) => {
                    (0..items.len()).any(|i| self.is_null_schema(&loc.child(keyword).index(i)))
                }
                _ => false,
            })
    }

    fn is_null_schema(&self, loc: &Loc) -> bool {
        let Ok(target) = self.sources.follow(loc) else {
            return false;
        };
        match self.sources.get(&target) {
            Some(Value::Object(map)) => match map.get("type") {
                Some(Value::String(t)) => t == "null",
                Some(Value::Array(ts)) => !ts.is_empty() && ts.iter().all(|t| t == "null"),
                _ => {
                    matches!(map.get("enum"), Some(Value::Array(v)) if v.iter().all(Value::is_null) && !v.is_empty())
                }
            },
            _ => false,
        }
    }

    /// A branch such as `{required: [a]}` constrains its parent; it is no type of its own.
    fn is_constraint_only(&self, loc: &Loc) -> bool {
        match self.sources.get(loc) {
            Some(Value::Object(map)) => !map.contains_key("$ref") && !has_type_keywords(map),
            _ => false,
        }
    }

    /// Component schemas always get a name: a type alias when they are no struct or enum.
    fn alias_if_component(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        ty: TypeRef,
    ) -> Lowered {
        if !hint.component {
            return Lowered::new(ty);
        }
        let id = self.reserve(loc, map, hint);
        self.types[id.0].kind = TypeKind::Alias(ty);
        Lowered::new(TypeRef::Named(id))
    }

    /// Creates the named type for `loc` before its contents, so cycles find it.
    pub(super) fn reserve(&mut self, loc: &Loc, map: &Map<String, Value>, hint: &Hint) -> TypeId {
        let name = self.type_names.unique(names::pascal(&hint.name));
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            name,
            docs: schema_docs(map),
            kind: TypeKind::Alias(TypeRef::Any),
            nullable: false,
            origin: self.origin(loc),
        });
        self.memo.insert(loc.clone(), id);
        id
    }

    fn object(&mut self, loc: &Loc, map: &Map<String, Value>, hint: &Hint) -> Lowered {
        let has_properties =
            matches!(map.get("properties"), Some(Value::Object(p)) if !p.is_empty());
        let additional = self.additional(loc, map, hint);
        if !has_properties {
            let value = additional.unwrap_or(TypeRef::Any);
            return self.alias_if_component(loc, map, hint, TypeRef::Map(Box::new(value)));
        }
        let id = self.reserve(loc, map, hint);
        let name = self.types[id.0].name.clone();
        let mut fields = Vec::new();
        let mut field_names = Namespace::with_reserved(&["additional_properties"]);
        self.collect_fields(loc, map, &name, &mut fields, &mut field_names);
        self.types[id.0].kind = TypeKind::Struct(Struct { fields, additional });
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

    /// Appends the fields of the object schema at `loc` (whose struct is `parent`).
    fn collect_fields(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        parent: &str,
        fields: &mut Vec<Field>,
        field_names: &mut Namespace,
    ) {
        let Some(properties) = map.get("properties") else {
            return;
        };
        let Value::Object(properties) = properties else {
            self.error(&loc.child("properties"), "`properties` must be an object");
            return;
        };
        let required = required_names(map);
        for (wire_name, schema) in properties {
            if fields.iter().any(|f| &f.wire_name == wire_name) {
                continue;
            }
            let at = loc.child("properties").child(wire_name);
            let hint = Hint::context(&format!("{parent} {}", names::pascal(wire_name)));
            let lowered = self.schema(&at, &hint);
            let presence = match (required.contains(&wire_name.as_str()), lowered.nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, _) => Presence::Optional,
            };
            let name = field_names.unique(names::snake(wire_name));
            let secret = is_secret(&name, schema);
            let docs = match schema.as_object() {
                Some(schema) => schema_docs(schema),
                None => Docs::default(),
            };
            fields.push(Field {
                name,
                wire_name: wire_name.clone(),
                ty: lowered.ty,
                presence,
                docs,
                secret,
            });
        }
    }

    fn all_of(&mut self, loc: &Loc, map: &Map<String, Value>, hint: &Hint) -> Lowered {
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
                return self.alias_if_component(loc, map, hint, TypeRef::Any);
            };
            let chosen = chosen.clone();
            return self.schema(&chosen, &hint.inner());
        }
        if map.contains_key("oneOf") || map.contains_key("anyOf") {
            self.warning(loc, "`oneOf`/`anyOf` beside `allOf`: generated from the common properties; the alternatives are not represented");
        }
        let Some(objects) = self.object_parts(loc, &parts) else {
            return self.alias_if_component(loc, map, hint, TypeRef::Any);
        };
        let id = self.reserve(loc, map, hint);
        let name = self.types[id.0].name.clone();
        let mut fields = Vec::new();
        let mut field_names = Namespace::with_reserved(&["additional_properties"]);
        let mut additional = self.additional(loc, map, hint);
        let mut required: Vec<String> =
            required_names(map).into_iter().map(str::to_owned).collect();
        self.collect_fields(loc, map, &name, &mut fields, &mut field_names);
        for part in &objects {
            let Some(Value::Object(part_map)) = self.sources.get(part) else {
                continue;
            };
            self.collect_fields(part, part_map, &name, &mut fields, &mut field_names);
            required.extend(required_names(part_map).into_iter().map(str::to_owned));
            if additional.is_none() {
                additional = self.additional(part, part_map, hint);
            }
        }
        // A property required by any part is required in the whole.
        for field in &mut fields {
            if required.contains(&field.wire_name) && field.presence == Presence::Optional {
                field.presence = Presence::Required;
            }
        }
        self.types[id.0].kind = TypeKind::Struct(Struct { fields, additional });
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
        let mut pending: Vec<Loc> = parts.iter().rev().cloned().collect();
        while let Some(part) = pending.pop() {
            let target = self.sources.follow(&part).ok()?;
            if &target == loc || merged.contains(&target) {
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

    fn enumeration(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        values: &[&Value],
    ) -> Lowered {
        let open = !map.contains_key("const");
        let mut unique: Vec<&Value> = Vec::with_capacity(values.len());
        for value in values {
            if !unique.contains(value) {
                unique.push(value);
            }
        }
        let values = unique.as_slice();
        if values.iter().all(|v| v.is_string()) {
            let variants = values
                .iter()
                .filter_map(|v| v.as_str())
                .map(|v| (v.to_owned(), v.to_owned(), Docs::default()))
                .collect();
            return self.string_enum(loc, map, hint, variants, open);
        }
        if values.iter().all(|v| v.is_i64()) {
            let values = values
                .iter()
                .filter_map(|v| v.as_i64())
                .map(|v| (v.to_string(), v, Docs::default()))
                .collect();
            return self.integer_enum(loc, map, hint, values);
        }
        if values.iter().all(|v| v.is_boolean()) {
            // A boolean restricted to one value is still a boolean on the wire.
            return self.alias_if_component(loc, map, hint, TypeRef::Scalar(Scalar::Bool));
        }
        let fallback = match self.shape_without_enum(map) {
            Some(scalar) => TypeRef::Scalar(scalar),
            None => TypeRef::Any,
        };
        self.warning(loc, "enum of values that are not all strings or all integers: generated without the list of values");
        self.alias_if_component(loc, map, hint, fallback)
    }

    fn shape_without_enum(&self, map: &Map<String, Value>) -> Option<Scalar> {
        scalar(
            map.get("type")?.as_str()?,
            map.get("format").and_then(Value::as_str),
        )
    }

    fn string_enum(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        values: Vec<(String, String, Docs)>,
        open: bool,
    ) -> Lowered {
        let id = self.reserve(loc, map, hint);
        let mut variant_names = Namespace::with_reserved(&["Unknown"]);
        let variants = values
            .into_iter()
            .map(|(label, wire_value, docs)| EnumVariant {
                name: variant_names.unique(names::pascal(&label)),
                wire_value,
                docs,
            })
            .collect();
        self.types[id.0].kind = TypeKind::StringEnum { variants, open };
        Lowered::new(TypeRef::Named(id))
    }

    fn integer_enum(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        values: Vec<(String, i64, Docs)>,
    ) -> Lowered {
        let repr = match map.get("format").and_then(Value::as_str) {
            Some("int32") => Scalar::I32,
            _ => Scalar::I64,
        };
        let id = self.reserve(loc, map, hint);
        let mut const_names = Namespace::default();
        let values = values
            .into_iter()
            .map(|(label, value, docs)| IntegerValue {
                name: const_names.unique(names::shouty(&label)),
                value,
                docs,
            })
            .collect();
        self.types[id.0].kind = TypeKind::IntegerEnum { repr, values };
        Lowered::new(TypeRef::Named(id))
    }

    fn union(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        branches: Vec<Loc>,
    ) -> Lowered {
        if let [only] = branches.as_slice() {
            if !has_object_keywords(map) {
                let only = only.clone();
                return self.schema(&only, &hint.inner());
            }
        }
        if let Some(lowered) = self.const_union(loc, map, hint, &branches) {
            return lowered;
        }
        if has_object_keywords(map) {
            self.warning(loc, "`oneOf`/`anyOf` beside `properties`: generated from the properties; the alternatives are not checked");
            return self.object(loc, map, hint);
        }
        let id = self.reserve(loc, map, hint);
        let name = self.types[id.0].name.clone();
        let mut variant_names = Namespace::default();
        let mut variants = Vec::new();
        for (index, branch) in branches.iter().enumerate() {
            let branch_map = self.sources.get(branch).and_then(Value::as_object);
            let title = branch_map
                .and_then(|m| m.get("title"))
                .and_then(Value::as_str)
                .map(names::pascal);
            let lowered = self.schema(branch, &Hint::context(&format!("{name} Variant{index}")));
            let label = title.unwrap_or_else(|| self.variant_label(&lowered.ty));
            let docs = branch_map.map(schema_docs).unwrap_or_default();
            variants.push(UnionVariant {
                name: variant_names.unique(label),
                ty: lowered.into_type(),
                tags: Vec::new(),
                docs,
            });
        }
        let discriminator = self.discriminator(loc, map, &branches, &mut variants);
        self.types[id.0].kind = TypeKind::Union(Union {
            variants,
            discriminator,
        });
        Lowered::new(TypeRef::Named(id))
    }

    /// `oneOf` of `const` (or one-value `enum`) branches: Discord's title/const pattern.
    fn const_union(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        branches: &[Loc],
    ) -> Option<Lowered> {
        let mut consts = Vec::new();
        for branch in branches {
            let target = self.sources.follow(branch).ok()?;
            let branch_map = self.sources.get(&target)?.as_object()?;
            let value = match (branch_map.get("const"), branch_map.get("enum")) {
                (Some(value), _) => value,
                (None, Some(Value::Array(values))) if values.len() == 1 => &values[0],
                _ => return None,
            };
            let title = branch_map.get("title").and_then(Value::as_str);
            if consts.iter().all(|(_, v, _)| *v != value) {
                consts.push((title, value, schema_docs(branch_map)));
            }
        }
        if consts.iter().all(|(_, v, _)| v.is_string()) {
            let values = consts
                .into_iter()
                .filter_map(|(title, v, docs)| {
                    let wire = v.as_str()?.to_owned();
                    Some((
                        title.map_or_else(|| wire.clone(), str::to_owned),
                        wire,
                        docs,
                    ))
                })
                .collect();
            return Some(self.string_enum(loc, map, hint, values, true));
        }
        if consts.iter().all(|(_, v, _)| v.is_i64()) {
            let values = consts
                .into_iter()
                .filter_map(|(title, v, docs)| {
                    let value = v.as_i64()?;
                    Some((
                        title.map_or_else(|| value.to_string(), str::to_owned),
                        value,
                        docs,
                    ))
                })
                .collect();
            return Some(self.integer_enum(loc, map, hint, values));
        }
        None
    }

    fn variant_label(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(id) | TypeRef::Boxed(id) => self.types[id.0].name.clone(),
            TypeRef::Scalar(Scalar::Bool) => "Boolean".into(),
            TypeRef::Scalar(Scalar::I32 | Scalar::I64 | Scalar::U64) => "Integer".into(),
            TypeRef::Scalar(Scalar::F32 | Scalar::F64) => "Number".into(),
            TypeRef::Scalar(Scalar::String) => "String".into(),
            TypeRef::Scalar(Scalar::Unit) => "Null".into(),
            TypeRef::Any => "Value".into(),
            TypeRef::Array(_) => "Array".into(),
            TypeRef::Map(_) => "Map".into(),
            TypeRef::Nullable(inner) => self.variant_label(inner),
        }
    }

    /// Fills the variants' tags from `discriminator`; `None` (untagged) when a
    /// variant's tag cannot be known.
    fn discriminator(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        branches: &[Loc],
        variants: &mut [UnionVariant],
    ) -> Option<String> {
        let discriminator = map.get("discriminator")?.as_object()?;
        let property = discriminator.get("propertyName")?.as_str()?.to_owned();
        let mapping: Vec<(String, Loc)> = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .map(|mapping| {
                mapping
                    .iter()
                    .filter_map(|(tag, target)| {
                        Some((tag.clone(), self.mapping_target(loc, target.as_str()?)?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (branch, variant) in branches.iter().zip(variants.iter_mut()) {
            let target = self.sources.follow(branch).ok();
            variant.tags = mapping
                .iter()
                .filter(|(_, to)| Some(to) == target.as_ref())
                .map(|(tag, _)| tag.clone())
                .collect();
            let is_ref = self
                .sources
                .get(branch)
                .and_then(|b| b.get("$ref"))
                .is_some();
            if variant.tags.is_empty() && is_ref {
                if let Some(key) = target.as_ref().and_then(|t| t.pointer.rsplit('/').next()) {
                    variant.tags.push(unescape_segment(key));
                }
            }
        }
        if variants.iter().any(|v| v.tags.is_empty()) {
            self.warning(&loc.child("discriminator"), "a `oneOf` branch has no discriminator value (inline schema without mapping): decoded by trying each branch in turn");
            return None;
        }
        Some(property)
    }

    /// A mapping value: a `$ref`-style reference or a bare component name.
    fn mapping_target(&self, loc: &Loc, target: &str) -> Option<Loc> {
        let reference = if target.contains('#') || target.contains('/') || target.contains('.') {
            target.to_owned()
        } else {
            format!("#/components/schemas/{target}")
        };
        self.sources.resolve(loc, &reference).ok()
    }

    fn multi_type(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        types: &[&str],
    ) -> Lowered {
        let id = self.reserve(loc, map, hint);
        let mut variants = Vec::new();
        for t in types {
            let ty = match *t {
                "array" => TypeRef::Array(Box::new(TypeRef::Any)),
                "object" => TypeRef::Map(Box::new(TypeRef::Any)),
                other => match scalar(other, map.get("format").and_then(Value::as_str)) {
                    Some(s) => TypeRef::Scalar(s),
                    None => TypeRef::Any,
                },
            };
            let name = self.variant_label(&ty);
            variants.push(UnionVariant {
                name,
                ty,
                tags: Vec::new(),
                docs: Docs::default(),
            });
        }
        self.types[id.0].kind = TypeKind::Union(Union {
            variants,
            discriminator: None,
        });
        Lowered::new(TypeRef::Named(id))
    }
}

fn scalar(name: &str, format: Option<&str>) -> Option<Scalar> {
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

fn is_nullable(map: &Map<String, Value>) -> bool {
    let keyword = map
        .get("nullable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let in_types = matches!(map.get("type"), Some(Value::Array(ts)) if ts.iter().any(|t| t == "null") && ts.iter().any(|t| t != "null"));
    let in_enum = matches!(map.get("enum"), Some(Value::Array(vs)) if vs.iter().any(Value::is_null) && vs.iter().any(|v| !v.is_null()));
    keyword || in_types || in_enum
}

/// Keywords that make a schema describe a value (rather than annotate or constrain one).
fn has_type_keywords(map: &Map<String, Value>) -> bool {
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

fn has_object_keywords(map: &Map<String, Value>) -> bool {
    matches!(map.get("properties"), Some(Value::Object(p)) if !p.is_empty())
        || map
            .get("additionalProperties")
            .is_some_and(|a| a.is_object())
}

fn required_names(map: &Map<String, Value>) -> Vec<&str> {
    match map.get("required") {
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_secret(field_name: &str, schema: &Value) -> bool {
    let format_password = schema.get("format").and_then(Value::as_str) == Some("password");
    format_password
        || SECRET_NAMES.contains(&field_name)
        || field_name.ends_with("_secret")
        || field_name.ends_with("_password")
}

pub(super) fn schema_docs(map: &Map<String, Value>) -> Docs {
    match (
        map.get("description").and_then(Value::as_str),
        map.get("title").and_then(Value::as_str),
    ) {
        (Some(description), _) if !description.trim().is_empty() => docs(&[description]),
        (_, Some(title)) => docs(&[title]),
        _ => Docs::default(),
    }
}

pub(super) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
