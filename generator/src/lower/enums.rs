//! `enum` and `const` → open string enums, integer newtypes with constants, or the
//! scalar they restrict.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::schema::{Lowered, scalar};
use super::{Hint, Lowerer};
use crate::ir::*;
use crate::load::{Loc, Member};
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
        let scalar_values: Option<Vec<Literal>> = values.iter().map(|v| literal(v)).collect();
        if let Some(literals) = scalar_values {
            if let Some(repr) = literal_repr(&literals, map) {
                let values = literals
                    .into_iter()
                    .map(|value| (label(value), as_repr(value, repr), Docs::default()))
                    .collect();
                return self.scalar_enum(loc, map, hint, repr, values);
            }
        }
        let fallback = match shape_without_enum(map) {
            Some(scalar) => TypeRef::Scalar(scalar),
            None => TypeRef::Any,
        };
        self.warning(
            loc,
            "enum of values of different types (or objects): generated without the list of values",
        );
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

    pub(super) fn scalar_enum(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        hint: &Hint,
        repr: Scalar,
        values: Vec<(String, Literal, Docs)>,
    ) -> Lowered {
        let id = self.reserve(loc, map, hint);
        let mut const_names = Namespace::default();
        let values = values
            .into_iter()
            .map(|(label, value, docs)| ScalarValue {
                name: const_names.unique(names::shouty(&label)),
                value,
                docs,
            })
            .collect();
        self.fill(id, TypeKind::ScalarEnum { repr, values });
        Lowered::new(TypeRef::Named(id))
    }
}

/// A number or boolean as a literal; `None` for strings, arrays, objects.
pub(super) fn literal(value: &Value) -> Option<Literal> {
    match value {
        Value::Bool(b) => Some(Literal::Bool(*b)),
        Value::Number(n) => n
            .as_i64()
            .map(Literal::Int)
            .or_else(|| n.as_u64().map(Literal::UInt))
            .or_else(|| n.as_f64().map(Literal::Float)),
        _ => None,
    }
}

/// The Rust type that holds all of `values`, given the schema's `type` and `format`:
/// booleans, integers (`i32`/`i64`/`u64`) or numbers (`f64`). `None` when they mix.
pub(super) fn literal_repr(values: &[Literal], map: &Map<String, Value>) -> Option<Scalar> {
    let all = |test: fn(&Literal) -> bool| values.iter().all(test);
    if all(|v| matches!(v, Literal::Bool(_))) {
        return Some(Scalar::Bool);
    }
    if !all(|v| !matches!(v, Literal::Bool(_))) {
        return None;
    }
    let declared = map.member("type").and_then(Value::as_str);
    let integers = all(|v| matches!(v, Literal::Int(_) | Literal::UInt(_)));
    if declared == Some("number") || !integers {
        return Some(Scalar::F64);
    }
    let fits_i32 = all(|v| matches!(v, Literal::Int(n) if i32::try_from(*n).is_ok()));
    Some(match map.member("format").and_then(Value::as_str) {
        _ if values.iter().any(|v| matches!(v, Literal::UInt(_))) => Scalar::U64,
        Some("int32") if fits_i32 => Scalar::I32,
        _ => Scalar::I64,
    })
}

/// The literal in the type that holds it (`404` in an `f64` enum is `404.0`).
pub(super) fn as_repr(value: Literal, repr: Scalar) -> Literal {
    match (value, repr) {
        (Literal::Int(n), Scalar::F64 | Scalar::F32) => Literal::Float(n as f64),
        (Literal::UInt(n), Scalar::F64 | Scalar::F32) => Literal::Float(n as f64),
        (value, _) => value,
    }
}

/// The label a value's constant is named from.
pub(super) fn label(value: Literal) -> String {
    match value {
        Literal::Int(n) => n.to_string(),
        Literal::UInt(n) => n.to_string(),
        Literal::Float(n) => n.to_string().replace('.', "_"),
        Literal::Bool(b) => b.to_string(),
    }
}

fn shape_without_enum(map: &Map<String, Value>) -> Option<Scalar> {
    scalar(
        map.member("type")?.as_str()?,
        map.member("format").and_then(Value::as_str),
    )
}
