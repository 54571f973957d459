//! The arena of named types being lowered: a type is reserved (named, memoized by
//! location) before its contents are lowered, so references and recursion find it,
//! and filled once they are.

use serde_json::{Map, Value};

use super::schema::{Lowered, schema_docs};
use super::{Hint, Lowerer};
use crate::ir::*;
use crate::load::Loc;
use crate::names;

impl Lowerer<'_> {
    pub(super) fn named(&self, id: TypeId) -> Lowered {
        Lowered {
            ty: TypeRef::Named(id),
            nullable: self.types[id.0].nullable,
        }
    }

    /// A named alias when the schema must have a name (a component, a referenced
    /// schema); else the type as it is.
    pub(super) fn alias_if_named(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        ty: TypeRef,
    ) -> Lowered {
        if !hint.named {
            return Lowered::new(ty);
        }
        let id = self.reserve(loc, map, hint);
        self.fill(id, TypeKind::Alias(ty));
        Lowered::new(TypeRef::Named(id))
    }

    /// The named type for `loc`, before its contents, so references find it: the one
    /// already reserved for `loc` (or handed down by a wrapper), else a new one.
    pub(super) fn reserve(&mut self, loc: &Loc, map: &Map<String, Value>, hint: &Hint) -> TypeId {
        if let Some(&id) = self.memo.get(loc) {
            return id;
        }
        if let Some(id) = hint.into.filter(|id| !self.defined[id.0]) {
            self.memo.insert(loc.clone(), id);
            return id;
        }
        let id = self.reserve_name(loc, map, hint);
        self.memo.insert(loc.clone(), id);
        id
    }

    /// A new placeholder type with a unique name.
    pub(super) fn reserve_name(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
    ) -> TypeId {
        let name = self.type_names.unique(names::pascal(&hint.name));
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            name,
            docs: schema_docs(map),
            kind: TypeKind::Alias(TypeRef::Any),
            nullable: false,
            origin: self.origin(loc),
        });
        self.defined.push(false);
        id
    }

    /// Sets what a reserved type is.
    pub(super) fn fill(&mut self, id: TypeId, kind: TypeKind) {
        self.types[id.0].kind = kind;
        self.defined[id.0] = true;
    }

    /// The type id a wrapper handed down, or the one reserved for `loc`, if not yet filled.
    pub(super) fn reserved_for(&self, loc: &Loc, hint: &Hint) -> Option<TypeId> {
        hint.into
            .or_else(|| self.memo.get(loc).copied())
            .filter(|id| !self.defined[id.0])
    }
}
