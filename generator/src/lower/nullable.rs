//! Whether a schema allows `null`, in each of the ways a document can say so: `nullable:
//! true`, `type: [X, "null"]`, a null branch of `oneOf`/`anyOf`, `enum` with `null`,
//! through `$ref`s and wrappers that stand for one other schema.

use serde_json::{Map, Value};

use super::Lowerer;
use super::schema::{has_object_keywords, has_type_keywords};
use crate::load::{Loc, Member};

/// How many `$ref`s and pass-through wrappers [`Lowerer::nullable_at`] looks through.
const MAX_PASS_THROUGH: usize = 256;

impl Lowerer<'_> {
    /// The non-null branches of `oneOf`/`anyOf`, when they say more than constraints.
    pub(super) fn branches(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        keyword: &str,
    ) -> Option<Vec<Loc>> {
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

    pub(super) fn has_null_branch(&self, loc: &Loc, map: &Map<String, Value>) -> bool {
        ["oneOf", "anyOf"]
            .iter()
            .any(|keyword| match map.get(*keyword) {
                Some(Value::Array(items)) => {
                    (0..items.len()).any(|i| self.is_null_schema(&loc.child(keyword).index(i)))
                }
                _ => false,
            })
    }

    pub(super) fn is_null_schema(&self, loc: &Loc) -> bool {
        let Ok(target) = self.sources.follow(loc) else {
            return false;
        };
        match self.sources.get(&target) {
            Some(Value::Object(map)) => match map.member("type") {
                Some(Value::String(t)) => t == "null",
                Some(Value::Array(ts)) => !ts.is_empty() && ts.iter().all(|t| t == "null"),
                _ => {
                    matches!(map.member("enum"), Some(Value::Array(v)) if v.iter().all(Value::is_null) && !v.is_empty())
                }
            },
            _ => false,
        }
    }

    /// Whether the schema at `loc` allows `null`, looking through `$ref`s and wrappers
    /// that stand for one other schema, as lowering them would find. Used for types
    /// reserved before they are lowered.
    pub(super) fn nullable_at(&self, loc: &Loc) -> bool {
        let mut current = loc.clone();
        for _ in 0..MAX_PASS_THROUGH {
            let Ok(target) = self.sources.follow(&current) else {
                return false;
            };
            let Some(map) = self.sources.get(&target).and_then(Value::as_object) else {
                return false;
            };
            if is_nullable(map) || self.has_null_branch(&target, map) {
                return true;
            }
            match self.stand_in(&target, map) {
                Some(next) => current = next,
                None => return false,
            }
        }
        false
    }

    /// The one schema a wrapper stands for: the only non-null branch of a union, or the
    /// only type-giving part of an `allOf` without properties.
    fn stand_in(&self, loc: &Loc, map: &Map<String, Value>) -> Option<Loc> {
        if has_object_keywords(map) {
            return None;
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            let Some(Value::Array(items)) = map.get(keyword) else {
                continue;
            };
            let mut parts = (0..items.len())
                .map(|i| loc.child(keyword).index(i))
                .filter(|p| !self.is_null_schema(p) && !self.is_constraint_only(p));
            let first = parts.next()?;
            return parts.next().is_none().then_some(first);
        }
        None
    }

    /// A branch such as `{required: [a]}` constrains its parent; it is no type of its own.
    pub(super) fn is_constraint_only(&self, loc: &Loc) -> bool {
        match self.sources.get(loc) {
            Some(Value::Object(map)) => !map.contains_key("$ref") && !has_type_keywords(map),
            _ => false,
        }
    }
}

pub(super) fn is_nullable(map: &Map<String, Value>) -> bool {
    let keyword = map
        .member("nullable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let in_types = matches!(map.member("type"), Some(Value::Array(ts)) if ts.iter().any(|t| t == "null") && ts.iter().any(|t| t != "null"));
    let in_enum = matches!(map.member("enum"), Some(Value::Array(vs)) if vs.iter().any(Value::is_null) && vs.iter().any(|v| !v.is_null()));
    keyword || in_types || in_enum
}
