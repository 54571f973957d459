//! Structurally identical types are emitted once: every other one becomes an alias of
//! the first (`pub type B = A;`), keeping its name and its own documentation, so that
//! the compiler derives and checks each shape once. Stripe's document, for one, spells
//! `enum: [""]` hundreds of times and repeats whole objects under new names.
//!
//! Two types are identical when everything but their names and documentation is: their
//! kind (fields with wire names, types, presence, secrecy and direction; variants with
//! wire values and tags; constants), and whether they are nullable. References compare
//! through the types they name, found identical first (partition refinement), so that
//! `{ a: Empty }` and `{ a: Empty2 }` are one shape once `Empty` and `Empty2` are.

use std::collections::HashMap;

use crate::ir::*;

const MAX_ROUNDS: usize = 32;

/// For each type, the earlier type it is an alias of (`None`: it is emitted itself).
pub fn canonical(api: &Api) -> Vec<Option<TypeId>> {
    let n = api.types.len();
    // Start from one class per type; refine until the classes stop changing.
    let mut class: Vec<usize> = (0..n).collect();
    // Each round merges types one level further from the leaves; nesting deeper than
    // this is left unmerged (never wrongly merged).
    for _ in 0..MAX_ROUNDS {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let next: Vec<usize> = api
            .types
            .iter()
            .enumerate()
            .map(|(id, def)| match key(def, &class) {
                Some(key) => *seen.entry(key).or_insert(id),
                None => id,
            })
            .collect();
        if next == class {
            break;
        }
        class = next;
    }
    class
        .iter()
        .enumerate()
        .map(|(id, &first)| (first != id).then_some(TypeId(first)))
        .collect()
}

/// The shape of a type with names and docs set aside and references replaced by their
/// classes; `None` for kinds never merged (aliases already are, newtypes break cycles).
fn key(def: &TypeDef, class: &[usize]) -> Option<String> {
    let mut kind = def.kind.clone();
    match &mut kind {
        TypeKind::Struct(s) => {
            for field in &mut s.fields {
                field.docs = Docs::default();
                field.ty = classed(&field.ty, class);
            }
            s.additional = s.additional.as_ref().map(|t| classed(t, class));
        }
        TypeKind::StringEnum { variants, .. } => {
            variants.iter_mut().for_each(|v| v.docs = Docs::default());
        }
        TypeKind::ScalarEnum { values, .. } => {
            values.iter_mut().for_each(|v| v.docs = Docs::default());
        }
        TypeKind::Union(union) => {
            for variant in &mut union.variants {
                variant.docs = Docs::default();
                variant.ty = classed(&variant.ty, class);
            }
        }
        TypeKind::Alias(_) | TypeKind::Newtype(_) => return None,
    }
    Some(format!("{}{kind:?}", def.nullable))
}

fn classed(ty: &TypeRef, class: &[usize]) -> TypeRef {
    match ty {
        TypeRef::Named(id) => TypeRef::Named(TypeId(class[id.0])),
        TypeRef::Boxed(id) => TypeRef::Boxed(TypeId(class[id.0])),
        TypeRef::Array(inner) => TypeRef::Array(Box::new(classed(inner, class))),
        TypeRef::Map(inner) => TypeRef::Map(Box::new(classed(inner, class))),
        TypeRef::Nullable(inner) => TypeRef::Nullable(Box::new(classed(inner, class))),
        other => other.clone(),
    }
}
