//! Structs' `Deserialize`, written out rather than derived: one visitor that reads an
//! object, switching on each key's field number (`field_index`) to read its value into
//! the field's slot (`auth_runtime::de::read`). Serde's derive also generates a field enum with
//! its own visitor and a reader of arrays (a JSON array is no object of the document's);
//! on a synthetic crate of 400 structs of 20 fields the written-out impls type-check
//! in a third of the CPU time and half the memory. The impl is printed as text: it has
//! one fixed shape, and parsing and pretty-printing it would be most of the time
//! spent emitting a received struct.
//!
//! It reads what the derive read: listed keys by their wire names, each at most once
//! (``duplicate field `x` ``); unlisted keys skipped, or kept in
//! `additional_properties` when the struct has them; a missing optional field is
//! `None`; a missing required one is ``missing field `x` ``, or `None` when its type is
//! an `Option` (`auth_runtime::de::missing`), except a required nullable field, which
//! must be present even as `null`.

use super::printer::{line, literal};
use super::types::{field_type_text, type_text};
use crate::ir::*;

/// The `Deserialize` impl of struct `name`. The names it declares (`__Visitor`, `__A`,
/// `__D`) cannot be a generated type's, so the fields' types always name the module's
/// types; the slots are `field_N`, never a field's own name (which could be `map`).
pub fn struct_impl(api: &Api, name: &str, s: &Struct) -> String {
    let mut out = String::new();
    let w = &mut out;
    line(
        w,
        0,
        &format!("impl<'de> ::serde::Deserialize<'de> for {name} {{"),
    );
    line(w, 1, "fn deserialize<__D: ::serde::Deserializer<'de>>(");
    line(w, 2, "deserializer: __D,");
    line(w, 1, ") -> ::std::result::Result<Self, __D::Error> {");
    line(w, 2, "struct __Visitor;");
    line(w, 2, "impl<'de> ::serde::de::Visitor<'de> for __Visitor {");
    line(w, 3, &format!("type Value = {name};"));
    line(
        w,
        3,
        "fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {",
    );
    line(
        w,
        4,
        &format!("f.write_str({})", literal(&format!("struct {name}"))),
    );
    line(w, 3, "}");
    line(w, 3, "fn visit_map<__A: ::serde::de::MapAccess<'de>>(");
    line(w, 4, "self,");
    line(w, 4, "mut map: __A,");
    line(
        w,
        3,
        &format!(") -> ::std::result::Result<{name}, __A::Error> {{"),
    );
    for (slot, field) in s.fields.iter().enumerate() {
        let ty = field_type_text(api, field);
        line(
            w,
            4,
            &format!(
                "let mut field_{slot}: ::std::option::Option<{ty}> = ::std::option::Option::None;"
            ),
        );
    }
    if let Some(value) = &s.additional {
        let value = type_text(api, value, "");
        line(
            w,
            4,
            &format!(
                "let mut additional_properties: ::std::collections::BTreeMap<::std::string::String, {value}> = ::std::collections::BTreeMap::new();"
            ),
        );
    }
    read_loop(w, s);
    line(w, 4, &format!("::std::result::Result::Ok({name} {{"));
    for (slot, field) in s.fields.iter().enumerate() {
        let wire = literal(&field.wire_name);
        let value = match field.presence {
            Presence::Optional => format!("field_{slot}.unwrap_or_default()"),
            Presence::Required => format!("::auth_runtime::de::required(field_{slot}, {wire})?"),
            Presence::RequiredNullable => format!(
                "field_{slot}.ok_or_else(|| <__A::Error as ::serde::de::Error>::missing_field({wire}))?"
            ),
        };
        line(w, 5, &format!("{}: {value},", field.name));
    }
    if s.additional.is_some() {
        line(w, 5, "additional_properties,");
    }
    line(w, 4, "})");
    line(w, 3, "}");
    line(w, 2, "}");
    field_index(w, s);
    line(w, 2, "deserializer.deserialize_map(__Visitor)");
    line(w, 1, "}");
    line(w, 0, "}");
    out
}

/// The loop over the object's entries. Each arm yields a `Result` and the loop has one
/// `?`: each early return drops every slot, so one return point instead of one per
/// field checks a fifth faster (the same reason for `de::read`'s one call per arm).
fn read_loop(w: &mut String, s: &Struct) {
    let key = if s.fields.is_empty() && s.additional.is_none() {
        "_key"
    } else {
        "key"
    };
    line(
        w,
        4,
        &format!(
            "while let ::std::option::Option::Some({key}) = map.next_key::<::auth_runtime::de::Key<'de>>()? {{"
        ),
    );
    // With no listed field there is nothing to match: every entry is kept or skipped.
    if s.fields.is_empty() {
        if s.additional.is_some() {
            line(w, 5, "let value = map.next_value()?;");
            line(
                w,
                5,
                "additional_properties.insert(key.into_string(), value);",
            );
        } else {
            line(w, 5, "map.next_value::<::serde::de::IgnoredAny>()?;");
        }
        line(w, 4, "}");
        return;
    }
    line(
        w,
        5,
        "let read: ::std::result::Result<(), __A::Error> = match field_index(key.as_str()) {",
    );
    for (slot, field) in s.fields.iter().enumerate() {
        let wire = literal(&field.wire_name);
        line(
            w,
            6,
            &format!("{slot} => ::auth_runtime::de::read(&mut map, &mut field_{slot}, {wire}),"),
        );
    }
    if s.additional.is_some() {
        line(w, 6, "_ => map.next_value().map(|value| {");
        line(
            w,
            7,
            "additional_properties.insert(key.into_string(), value);",
        );
        line(w, 6, "}),");
    } else {
        line(
            w,
            6,
            "_ => map.next_value::<::serde::de::IgnoredAny>().map(|_| ()),",
        );
    }
    line(w, 5, "};");
    line(w, 5, "read?;");
    line(w, 4, "}");
}

/// The slot of the field whose wire name is `key`, or `usize::MAX`. A function of its
/// own, apart from `visit_map`, because comparing the key to each name takes a chain
/// of branches: there it has no slot in scope, and `visit_map` switches on one integer.
/// On 60 structs of 60 fields this type-checks in two thirds of the CPU time of one
/// `match` on the key's text in `visit_map`.
fn field_index(w: &mut String, s: &Struct) {
    if s.fields.is_empty() {
        return;
    }
    line(w, 2, "fn field_index(key: &str) -> usize {");
    line(w, 3, "match key {");
    for (slot, field) in s.fields.iter().enumerate() {
        line(w, 4, &format!("{} => {slot},", literal(&field.wire_name)));
    }
    line(w, 4, "_ => usize::MAX,");
    line(w, 3, "}");
    line(w, 2, "}");
}
