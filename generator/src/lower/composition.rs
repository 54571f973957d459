//! `oneOf`/`anyOf` → unions (tagged by a `discriminator` when every branch has a tag),
//! `oneOf` of constants → enums, and several `type`s → a union of scalars.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::enums::{as_repr, label, literal, literal_repr};
use super::schema::{Lowered, has_object_keywords, scalar, schema_docs};
use super::{Hint, Lowerer};
use crate::ir::*;
use crate::load::{Loc, Member, unescape_segment};
use crate::names::{self, Namespace};

impl Lowerer<'_> {
    pub(super) fn union(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        branches: Vec<Loc>,
    ) -> Lowered {
        if let [only] = branches.as_slice() {
            if !has_object_keywords(map) {
                let only = only.clone();
                let into = self.reserved_for(loc, hint);
                return self.schema(&only, &hint.inner(into));
            }
        }
        if let Some(lowered) = self.const_union(loc, map, hint, &branches) {
            return lowered;
        }
        if has_object_keywords(map) {
            return match self.alternatives(loc, map, hint, std::slice::from_ref(loc)) {
                Some(lowered) => lowered,
                None => self.object(loc, map, hint),
            };
        }
        let id = self.reserve(loc, map, hint);
        let name = self.types[id.0].name.clone();
        let mut variant_names = Namespace::with_reserved(&["Unknown"]);
        let mut variants = Vec::new();
        for (index, branch) in branches.iter().enumerate() {
            let branch_map = self.sources.get(branch).and_then(Value::as_object);
            let title = branch_map
                .and_then(|m| m.member("title"))
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
        self.fill(
            id,
            TypeKind::Union(Union {
                variants,
                discriminator,
            }),
        );
        Lowered::new(TypeRef::Named(id))
    }

    /// Common object parts beside `oneOf`/`anyOf` (`allOf: [Base], oneOf: [A, B]`, or
    /// `properties` and `oneOf`): a union of one struct per branch, each the common parts
    /// merged with the branch. `None` (reported) when a branch is no object; `None`
    /// silently when there are no alternatives.
    pub(super) fn alternatives(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        common: &[Loc],
    ) -> Option<Lowered> {
        let branches = ["oneOf", "anyOf"]
            .into_iter()
            .find_map(|keyword| self.branches(loc, map, keyword))?;
        if branches.len() < 2 {
            return None;
        }
        let mut branch_parts = Vec::with_capacity(branches.len());
        for branch in &branches {
            match self.object_parts(loc, std::slice::from_ref(branch)) {
                Some(parts) if self.is_object_schema(branch) => branch_parts.push(parts),
                _ => {
                    self.warning(branch, "`oneOf`/`anyOf` beside object properties, with a branch that is no object: generated from the common properties; the alternatives are not represented");
                    return None;
                }
            }
        }
        let id = self.reserve(loc, map, hint);
        let name = self.types[id.0].name.clone();
        let mut variant_names = Namespace::with_reserved(&["Unknown"]);
        let mut variants = Vec::with_capacity(branches.len());
        for (index, (branch, parts)) in branches.iter().zip(branch_parts).enumerate() {
            let label = self.branch_label(branch, index);
            let variant_id = self.reserve_name(
                branch,
                &Map::new(),
                &Hint::context(&format!("{name} {label}")),
            );
            let variant_name = self.types[variant_id.0].name.clone();
            let mut all = common.to_vec();
            all.extend(parts);
            let merged = self.merged_struct(&variant_name, &all);
            self.fill(variant_id, TypeKind::Struct(merged));
            let docs = self
                .sources
                .get(branch)
                .and_then(Value::as_object)
                .map(schema_docs)
                .unwrap_or_default();
            variants.push(UnionVariant {
                name: variant_names.unique(names::pascal(&label)),
                ty: TypeRef::Named(variant_id),
                tags: Vec::new(),
                docs,
            });
        }
        let discriminator = self.discriminator(loc, map, &branches, &mut variants);
        self.fill(
            id,
            TypeKind::Union(Union {
                variants,
                discriminator,
            }),
        );
        Some(Lowered::new(TypeRef::Named(id)))
    }

    /// A branch's name: its title, the component it references, else its position.
    fn branch_label(&self, branch: &Loc, index: usize) -> String {
        let map = self.sources.get(branch).and_then(Value::as_object);
        if let Some(title) = map.and_then(|m| m.member("title")).and_then(Value::as_str) {
            return title.to_owned();
        }
        let referenced = map
            .and_then(|m| m.member("$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
            .map(unescape_segment);
        referenced.unwrap_or_else(|| format!("Variant{index}"))
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
        let mut seen = HashSet::new();
        for branch in branches {
            let target = self.sources.follow(branch).ok()?;
            let branch_map = self.sources.get(&target)?.as_object()?;
            let value = match (branch_map.member("const"), branch_map.member("enum")) {
                (Some(value), _) => value,
                (None, Some(Value::Array(values))) if values.len() == 1 => &values[0],
                _ => return None,
            };
            let title = branch_map.member("title").and_then(Value::as_str);
            if seen.insert(value.to_string()) {
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
        let literals: Option<Vec<Literal>> = consts.iter().map(|(_, v, _)| literal(v)).collect();
        let repr = literal_repr(literals.as_deref()?, map)?;
        let values = consts
            .into_iter()
            .filter_map(|(title, v, docs)| {
                let value = literal(v)?;
                let label = title.map_or_else(|| label(value), str::to_owned);
                Some((label, as_repr(value, repr), docs))
            })
            .collect();
        Some(self.scalar_enum(loc, map, hint, repr, values))
    }

    pub(super) fn variant_label(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(id) | TypeRef::Boxed(id) => self.types[id.0].name.clone(),
            TypeRef::Scalar(Scalar::Bool) => "Boolean".into(),
            TypeRef::Scalar(Scalar::I32 | Scalar::I64 | Scalar::U64) => "Integer".into(),
            TypeRef::Scalar(Scalar::F32 | Scalar::F64) => "Number".into(),
            TypeRef::Scalar(Scalar::String) => "String".into(),
            TypeRef::Format(Format::DateTime) => "DateTime".into(),
            TypeRef::Format(Format::Date) => "Date".into(),
            TypeRef::Format(Format::Uuid) => "Uuid".into(),
            TypeRef::Format(Format::Byte) => "Bytes".into(),
            TypeRef::Scalar(Scalar::Unit) => "Null".into(),
            TypeRef::Any => "Value".into(),
            TypeRef::Binary => "Bytes".into(),
            TypeRef::Array(_) => "Array".into(),
            TypeRef::Map(_) => "Map".into(),
            TypeRef::Nullable(inner) => self.variant_label(inner),
        }
    }

    /// Fills the variants' tags from `discriminator`; `None` (untagged) when a
    /// variant's tag cannot be known.
    pub(super) fn discriminator(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        branches: &[Loc],
        variants: &mut [UnionVariant],
    ) -> Option<String> {
        let discriminator = map.member("discriminator")?.as_object()?;
        let property = discriminator.member("propertyName")?.as_str()?.to_owned();
        let mut tags_of: HashMap<Loc, Vec<String>> = HashMap::new();
        if let Some(mapping) = discriminator.member("mapping").and_then(Value::as_object) {
            for (tag, target) in mapping {
                if let Some(to) = target.as_str().and_then(|t| self.mapping_target(loc, t)) {
                    tags_of.entry(to).or_default().push(tag.clone());
                }
            }
        }
        for (branch, variant) in branches.iter().zip(variants.iter_mut()) {
            let target = self.sources.follow(branch).ok();
            variant.tags = target
                .as_ref()
                .and_then(|t| tags_of.get(t))
                .cloned()
                .unwrap_or_default();
            let is_ref = self
                .sources
                .get(branch)
                .and_then(|b| b.member("$ref"))
                .is_some();
            if variant.tags.is_empty() && is_ref {
                if let Some(key) = target.as_ref().and_then(|t| t.pointer.rsplit('/').next()) {
                    variant.tags.push(unescape_segment(key));
                }
            }
        }
        if variants.iter().any(|v| v.tags.is_empty()) {
            self.warning(&loc.child("discriminator"), "a `oneOf` branch has no discriminator value (inline schema without mapping): decoded by a constant tag when the branches share one, else by trying each branch in turn");
            return None;
        }
        Some(property)
    }

    /// A mapping value: a `$ref`-style reference or a bare component name.
    pub(super) fn mapping_target(&self, loc: &Loc, target: &str) -> Option<Loc> {
        // A bare name (`Foo.Bar` included: component names may hold dots) is a
        // component when one is so named; otherwise the value is a reference
        // (`other.yaml`, `#/components/schemas/Foo`).
        if !target.contains('#') && !target.contains('/') {
            if let Ok(root) = self.sources.resolve(loc, "#") {
                let component = root.child("components").child("schemas").child(target);
                if self.sources.get(&component).is_some() {
                    return self.sources.follow(&component).ok();
                }
            }
        }
        let resolved = self.sources.resolve(loc, target).ok()?;
        self.sources.follow(&resolved).ok()
    }

    pub(super) fn multi_type(
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
                other => match scalar(other, map.member("format").and_then(Value::as_str)) {
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
        self.fill(
            id,
            TypeKind::Union(Union {
                variants,
                discriminator: None,
            }),
        );
        Lowered::new(TypeRef::Named(id))
    }
}
