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
    // Each type's shape is found once, with its references left out (their targets
    // listed apart); each round compares shapes and the classes of those targets.
    let mut shapes: HashMap<(bool, TypeKind), usize> = HashMap::new();
    let keys: Vec<Option<(usize, Vec<usize>)>> = api
        .types
        .iter()
        .map(|def| {
            let (shape, targets) = key(def)?;
            let next = shapes.len();
            Some((*shapes.entry(shape).or_insert(next), targets))
        })
        .collect();
    drop(shapes);
    // Start from one class per type; refine until the classes stop changing.
    let mut class: Vec<usize> = (0..n).collect();
    // Each round merges types one level further from the leaves; nesting deeper than
    // this is left unmerged (never wrongly merged).
    for _ in 0..MAX_ROUNDS {
        let mut seen: HashMap<(usize, Vec<usize>), usize> = HashMap::new();
        let next: Vec<usize> = keys
            .iter()
            .enumerate()
            .map(|(id, key)| match key {
                Some((shape, targets)) => {
                    let targets = targets.iter().map(|&t| class[t]).collect();
                    *seen.entry((*shape, targets)).or_insert(id)
                }
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

/// The shape of a type with names and docs set aside and references left out, and
/// the types its references name, in order; `None` for kinds never merged (aliases
/// already are, newtypes break cycles).
fn key(def: &TypeDef) -> Option<((bool, TypeKind), Vec<usize>)> {
    let mut kind = def.kind.clone();
    let mut targets = Vec::new();
    match &mut kind {
        TypeKind::Struct(s) => {
            for field in &mut s.fields {
                field.docs = Docs::default();
                field.ty = stripped(&field.ty, &mut targets);
            }
            s.additional = s.additional.as_ref().map(|t| stripped(t, &mut targets));
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
                variant.ty = stripped(&variant.ty, &mut targets);
            }
        }
        TypeKind::Alias(_) | TypeKind::Newtype(_) => return None,
    }
    Some(((def.nullable, kind), targets))
}

/// `ty` with the type it names replaced by a placeholder, which goes to `targets`.
fn stripped(ty: &TypeRef, targets: &mut Vec<usize>) -> TypeRef {
    match ty {
        TypeRef::Named(id) => {
            targets.push(id.0);
            TypeRef::Named(TypeId(0))
        }
        TypeRef::Boxed(id) => {
            targets.push(id.0);
            TypeRef::Boxed(TypeId(0))
        }
        TypeRef::Array(inner) => TypeRef::Array(Box::new(stripped(inner, targets))),
        TypeRef::Map(inner) => TypeRef::Map(Box::new(stripped(inner, targets))),
        TypeRef::Nullable(inner) => TypeRef::Nullable(Box::new(stripped(inner, targets))),
        other => other.clone(),
    }
}
