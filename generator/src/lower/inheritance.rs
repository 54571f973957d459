//! Polymorphism by inheritance: a schema with a `discriminator` and no `oneOf` is the
//! base of the schemas that `allOf` it in. It becomes a union of its subtypes (and of
//! the schemas its `mapping` names), chosen by the discriminator property: explicit
//! `mapping` values first, else a subtype's component name (the 3.0 and 3.1 rule).

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::schema::Lowered;
use super::{Hint, Lowerer};
use crate::ir::*;
use crate::load::{Loc, Member, unescape_segment};
use crate::names::Namespace;

/// A variant of a polymorphic base: where its schema lives and its tag values.
pub(super) struct Subtype {
    pub loc: Loc,
    pub tags: Vec<String>,
}

impl Lowerer<'_> {
    /// Records which component schemas `allOf` which others in, by the location of
    /// the schema they reference.
    pub(super) fn index_inheritance(&mut self, components: &[Loc]) {
        for component in components {
            let Some(Value::Array(parts)) =
                self.sources.get(component).and_then(|c| c.member("allOf"))
            else {
                continue;
            };
            for index in 0..parts.len() {
                let part = component.child("allOf").index(index);
                let is_ref = self
                    .sources
                    .get(&part)
                    .is_some_and(|p| p.member("$ref").is_some());
                if let (true, Ok(parent)) = (is_ref, self.sources.follow(&part)) {
                    self.children
                        .entry(parent)
                        .or_default()
                        .push(component.clone());
                }
            }
        }
    }

    /// The variants of the base at `loc`: its mapping's targets, then its descendants
    /// in document order. `None` when it has neither.
    pub(super) fn subtypes(&mut self, loc: &Loc, map: &Map<String, Value>) -> Option<Vec<Subtype>> {
        let discriminator = map.member("discriminator")?.as_object()?;
        let mut subtypes: Vec<Subtype> = Vec::new();
        let mut index: HashMap<Loc, usize> = HashMap::new();
        if let Some(mapping) = discriminator.member("mapping").and_then(Value::as_object) {
            for (tag, target) in mapping {
                let Some(target) = target.as_str().and_then(|t| self.mapping_target(loc, t)) else {
                    self.warning(
                        &loc.child("discriminator").child("mapping").child(tag),
                        "this mapping names no schema; the value is decoded as unknown",
                    );
                    continue;
                };
                if target == *loc {
                    continue;
                }
                match index.get(&target) {
                    Some(&i) => subtypes[i].tags.push(tag.clone()),
                    None => {
                        index.insert(target.clone(), subtypes.len());
                        subtypes.push(Subtype {
                            loc: target,
                            tags: vec![tag.clone()],
                        });
                    }
                }
            }
        }
        for descendant in self.descendants(loc) {
            if index.contains_key(&descendant) {
                continue;
            }
            let name = descendant.pointer.rsplit('/').next().map(unescape_segment);
            index.insert(descendant.clone(), subtypes.len());
            subtypes.push(Subtype {
                loc: descendant,
                tags: name.into_iter().collect(),
            });
        }
        (!subtypes.is_empty()).then_some(subtypes)
    }

    /// Schemas that `allOf` the one at `loc` in, directly or through others.
    fn descendants(&self, loc: &Loc) -> Vec<Loc> {
        let mut found = Vec::new();
        let mut seen: HashSet<&Loc> = HashSet::from([loc]);
        let mut pending = vec![loc];
        while let Some(parent) = pending.pop() {
            for child in self.children.get(parent).into_iter().flatten() {
                if seen.insert(child) {
                    found.push(child.clone());
                    pending.push(child);
                }
            }
        }
        found
    }

    /// The base as a union of its subtypes, tagged by the discriminator property.
    pub(super) fn polymorphic(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        subtypes: Vec<Subtype>,
    ) -> Lowered {
        let id = self.reserve(loc, map, hint);
        let property = map
            .member("discriminator")
            .and_then(|d| d.member("propertyName"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut variant_names = Namespace::with_reserved(&["Unknown"]);
        let mut variants = Vec::with_capacity(subtypes.len());
        for subtype in subtypes {
            let name = self.types[id.0].name.clone();
            let lowered = self.type_at(&subtype.loc, &Hint::context(&format!("{name} Variant")));
            let label = self.variant_label(&lowered.ty);
            let docs = self
                .sources
                .get(&subtype.loc)
                .and_then(Value::as_object)
                .map(super::schema::schema_docs)
                .unwrap_or_default();
            variants.push(UnionVariant {
                name: variant_names.unique(label),
                ty: lowered.into_type(),
                tags: subtype.tags,
                docs,
            });
        }
        if property.is_none() {
            self.warning(&loc.child("discriminator"), "a discriminator needs a `propertyName`; the subtypes are told apart by their shape");
        }
        self.fill(
            id,
            TypeKind::Union(Union {
                variants,
                discriminator: property,
            }),
        );
        Lowered::new(TypeRef::Named(id))
    }
}
