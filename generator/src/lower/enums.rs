//! `enum` and `const` → open string enums, integer newtypes with constants, or the
//! scalar they restrict.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::schema::{Lowered, scalar};
use super::{Hint, Lowerer};
use crate::ir::*;
use crate::load::Loc;
use crate::names::{self, Namespace};

impl Lowerer<'_> {
    pub(super) fn enumeration(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        values: &[&Value],
    ) -> Lowered {
        let open = !map.contains_key("const");
        let mut seen = HashSet::new();
        let values: Vec<&Value> = values
            .iter()
            .copied()
            .filter(|v| seen.insert(v.to_string()))
            .collect();
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
            return self.alias_if_named(loc, map, hint, TypeRef::Scalar(Scalar::Bool));
        }
        let fallback = match shape_without_enum(map) {
            Some(scalar) => TypeRef::Scalar(scalar),
            None => TypeRef::Any,
        };
        self.warning(loc, "enum of values that are not all strings or all integers: generated without the list of values");
        self.alias_if_named(loc, map, hint, fallback)
    }

    pub(super) fn string_enum(
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
        self.fill(id, TypeKind::StringEnum { variants, open });
        Lowered::new(TypeRef::Named(id))
    }

    pub(super) fn integer_enum(
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
        self.fill(id, TypeKind::IntegerEnum { repr, values });
        Lowered::new(TypeRef::Named(id))
    }
}

fn shape_without_enum(map: &Map<String, Value>) -> Option<Scalar> {
    scalar(
        map.get("type")?.as_str()?,
        map.get("format").and_then(Value::as_str),
    )
}
