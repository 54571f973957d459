//! Recursive types need indirection. Aliases that lead back to themselves
//! (`A = Vec<A>`, `A = Map<A>`) become newtypes, which Rust can name before it knows
//! their contents; then a field whose type leads back to its own struct (without a
//! `Vec` or map in between) is boxed.

use crate::ir::*;

/// Makes every recursive type representable.
pub fn break_cycles(types: &mut [TypeDef]) {
    alias_cycles_to_newtypes(types);
    box_recursive_fields(types);
}

/// An alias in a cycle of aliases (through any containers) becomes a newtype.
fn alias_cycles_to_newtypes(types: &mut [TypeDef]) {
    let is_alias = |def: &TypeDef| matches!(def.kind, TypeKind::Alias(_));
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Alias(target) => target
                .target()
                .map(|id| id.0)
                .filter(|&id| is_alias(&types[id]))
                .into_iter()
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    let mut size = vec![0usize; types.len()];
    for &c in &component {
        size[c] += 1;
    }
    for (index, def) in types.iter_mut().enumerate() {
        let in_cycle = size[component[index]] > 1 || edges[index].contains(&index);
        if let (true, TypeKind::Alias(target)) = (in_cycle, &def.kind) {
            def.kind = TypeKind::Newtype(target.clone());
        }
    }
}

/// Boxes every direct reference that stays inside a strongly connected component
/// of the "contains directly" graph (Tarjan's algorithm, iterative).
fn box_recursive_fields(types: &mut [TypeDef]) {
    let edges: Vec<Vec<usize>> = types.iter().map(|t| direct_references(&t.kind)).collect();
    let component = strongly_connected(&edges);
    for (index, def) in types.iter_mut().enumerate() {
        let in_cycle = |id: TypeId| component[id.0] == component[index];
        for ty in direct_slots(&mut def.kind) {
            box_if(ty, &in_cycle);
        }
    }
}

fn box_if(ty: &mut TypeRef, in_cycle: &dyn Fn(TypeId) -> bool) {
    match ty {
        TypeRef::Named(id) if in_cycle(*id) => *ty = TypeRef::Boxed(*id),
        TypeRef::Nullable(inner) => box_if(inner, in_cycle),
        _ => {}
    }
}

/// Type slots stored inline in a value of this type (not behind `Vec` or a map).
fn direct_slots(kind: &mut TypeKind) -> Vec<&mut TypeRef> {
    match kind {
        TypeKind::Struct(s) => s.fields.iter_mut().map(|f| &mut f.ty).collect(),
        TypeKind::Union(u) => u.variants.iter_mut().map(|v| &mut v.ty).collect(),
        TypeKind::Newtype(inner) => vec![inner],
        _ => Vec::new(),
    }
}

fn direct_references(kind: &TypeKind) -> Vec<usize> {
    let mut out = Vec::new();
    let mut visit = |ty: &TypeRef| {
        if let Some(id) = direct_target(ty) {
            out.push(id.0);
        }
    };
    match kind {
        TypeKind::Struct(s) => s.fields.iter().for_each(|f| visit(&f.ty)),
        TypeKind::Union(u) => u.variants.iter().for_each(|v| visit(&v.ty)),
        // An alias is its target: what the target holds inline, the alias holds too.
        // (Aliases that contain themselves through a `Vec` are newtypes by now.)
        TypeKind::Newtype(inner) | TypeKind::Alias(inner) => visit(inner),
        _ => {}
    }
    out
}

fn direct_target(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) | TypeRef::Boxed(id) => Some(*id),
        TypeRef::Nullable(inner) => direct_target(inner),
        _ => None,
    }
}

/// Component number of every node (Tarjan, with an explicit stack).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut index, mut low, mut component) = (vec![UNSEEN; n], vec![0; n], vec![UNSEEN; n]);
    let (mut on_stack, mut stack, mut counter, mut components) = (vec![false; n], Vec::new(), 0, 0);
    for start in 0..n {
        if index[start] != UNSEEN {
            continue;
        }
        let mut work = vec![(start, 0usize)];
        while let Some(&mut (node, ref mut next)) = work.last_mut() {
            if *next == 0 {
                index[node] = counter;
                low[node] = counter;
                counter += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&child) = edges[node].get(*next) {
                *next += 1;
                if index[child] == UNSEEN {
                    work.push((child, 0));
                } else if on_stack[child] {
                    low[node] = low[node].min(index[child]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = components;
                    if member == node {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_a_cycle_and_a_tail() {
        let edges = vec![vec![1], vec![0], vec![0], vec![3]];
        let c = strongly_connected(&edges);
        assert_eq!(c[0], c[1]);
        assert_ne!(c[0], c[2]);
        assert_ne!(c[2], c[3]);
    }
}
