//! Constant-tagged unions: a `oneOf`/`anyOf` without a discriminator whose object
//! branches all require one property and list its string values, disjoint from branch
//! to branch (Stripe's `object: {enum: [charge]}`, an event's `type: {const: …}`). That
//! property then tells the branch as a discriminator would, so decoding reads it
//! instead of trying each branch in turn. Branches that are never objects (strings,
//! numbers, arrays) stay untagged: they are tried by shape when the value carries no
//! listed tag.

use std::collections::HashSet;

use crate::ir::*;

/// Aliases and newtypes are looked through, a few levels deep.
const MAX_DEPTH: usize = 8;

/// Gives every union without a discriminator the constant tag its branches share, if
/// they have one.
pub fn tag_unions(types: &mut [TypeDef]) {
    for index in 0..types.len() {
        let TypeKind::Union(union) = &types[index].kind else {
            continue;
        };
        if union.discriminator.is_some() {
            continue;
        }
        let Some((property, tags)) = constant_tags(types, &union.variants) else {
            continue;
        };
        if let TypeKind::Union(union) = &mut types[index].kind {
            for (variant, tags) in union.variants.iter_mut().zip(tags) {
                variant.tags = tags;
            }
            union.discriminator = Some(property);
        }
    }
}

/// What a variant's values can be.
enum Values<'a> {
    /// Objects of this struct.
    Object(&'a Struct),
    /// Never an object.
    NoObject,
    /// Objects of a shape not known here (a map, any JSON, another union).
    Unknown,
}

/// The tag property and each variant's tags (none for a variant that is never an
/// object): the first required property of the first object variant that every object
/// variant requires with listed strings, no string listed twice.
fn constant_tags(
    types: &[TypeDef],
    variants: &[UnionVariant],
) -> Option<(String, Vec<Vec<String>>)> {
    let mut objects = Vec::new();
    for (index, variant) in variants.iter().enumerate() {
        match values(types, &variant.ty, 0) {
            Values::Object(fields) => objects.push((index, fields)),
            Values::NoObject => {}
            Values::Unknown => return None,
        }
    }
    let [(_, first), _, ..] = objects.as_slice() else {
        return None;
    };
    first.fields.iter().find_map(|candidate| {
        let mut seen = HashSet::new();
        let mut tags = vec![Vec::new(); variants.len()];
        for (index, fields) in &objects {
            let field = fields
                .fields
                .iter()
                .find(|f| f.wire_name == candidate.wire_name)?;
            let listed = required_strings(types, field)?;
            if !listed.iter().all(|value| seen.insert(*value)) {
                return None;
            }
            tags[*index] = listed.into_iter().map(str::to_owned).collect();
        }
        Some((candidate.wire_name.clone(), tags))
    })
}

fn values<'a>(types: &'a [TypeDef], ty: &TypeRef, depth: usize) -> Values<'a> {
    match ty {
        TypeRef::Scalar(_) | TypeRef::Format(_) | TypeRef::Array(_) | TypeRef::Binary => {
            Values::NoObject
        }
        TypeRef::Nullable(inner) => match values(types, inner, depth) {
            Values::NoObject => Values::NoObject,
            _ => Values::Unknown,
        },
        TypeRef::Named(id) | TypeRef::Boxed(id) if depth < MAX_DEPTH => {
            let def = &types[id.0];
            match &def.kind {
                TypeKind::Struct(fields) if !def.nullable => Values::Object(fields),
                TypeKind::StringEnum { .. } | TypeKind::ScalarEnum { .. } => Values::NoObject,
                TypeKind::Alias(target) | TypeKind::Newtype(target) if !def.nullable => {
                    values(types, target, depth + 1)
                }
                _ => Values::Unknown,
            }
        }
        TypeRef::Any | TypeRef::Map(_) | TypeRef::Named(_) | TypeRef::Boxed(_) => Values::Unknown,
    }
}

/// The strings a field that every received value holds, never null, lists (its `enum`
/// or `const`).
fn required_strings<'a>(types: &'a [TypeDef], field: &Field) -> Option<Vec<&'a str>> {
    if field.presence != Presence::Required || field.access == Access::WriteOnly {
        return None;
    }
    match field.ty.listed_strings(types)? {
        (values, false) => Some(values),
        (_, true) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag_enum(value: &str) -> TypeKind {
        TypeKind::StringEnum {
            variants: vec![EnumVariant {
                name: "Tag".into(),
                wire_value: value.into(),
                docs: Docs::default(),
            }],
            open: true,
        }
    }

    fn field(wire_name: &str, ty: TypeRef, presence: Presence) -> Field {
        Field {
            name: wire_name.into(),
            wire_name: wire_name.into(),
            ty,
            presence,
            docs: Docs::default(),
            secret: false,
            access: Access::ReadWrite,
        }
    }

    fn object(fields: Vec<Field>) -> TypeKind {
        TypeKind::Struct(Struct {
            fields,
            additional: None,
            closed: false,
        })
    }

    fn variant(name: &str, ty: TypeRef) -> UnionVariant {
        UnionVariant {
            name: name.into(),
            ty,
            tags: Vec::new(),
            docs: Docs::default(),
        }
    }

    /// Two objects tagged `object: charge` / `object: refund` (the second behind an
    /// alias), a string id beside them, and the union last.
    fn types(refund_tag: Presence, refund_value: &str) -> Vec<TypeDef> {
        let named = |i| TypeRef::Named(TypeId(i));
        vec![
            TypeDef::plain("ChargeObject", tag_enum("charge")),
            TypeDef::plain(
                "Charge",
                object(vec![
                    field("id", TypeRef::Scalar(Scalar::String), Presence::Required),
                    field("object", named(0), Presence::Required),
                ]),
            ),
            TypeDef::plain("RefundObject", tag_enum(refund_value)),
            TypeDef::plain(
                "Refund",
                object(vec![
                    field("object", named(2), refund_tag),
                    field("id", TypeRef::Scalar(Scalar::String), Presence::Required),
                ]),
            ),
            TypeDef::plain("RefundAlias", TypeKind::Alias(named(3))),
            TypeDef::plain(
                "Source",
                TypeKind::Union(Union {
                    variants: vec![
                        variant("String", TypeRef::Scalar(Scalar::String)),
                        variant("Charge", named(1)),
                        variant("Refund", TypeRef::Boxed(TypeId(4))),
                    ],
                    discriminator: None,
                }),
            ),
        ]
    }

    fn union(types: &[TypeDef]) -> &Union {
        match &types[5].kind {
            TypeKind::Union(union) => union,
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_required_listed_property_tags_the_objects() {
        let mut types = types(Presence::Required, "refund");
        tag_unions(&mut types);
        let union = union(&types);
        assert_eq!(union.discriminator.as_deref(), Some("object"));
        let tags: Vec<&[String]> = union.variants.iter().map(|v| v.tags.as_slice()).collect();
        assert_eq!(
            tags,
            [&[][..], &["charge".to_owned()], &["refund".to_owned()]]
        );
    }

    #[test]
    fn an_optional_tag_or_a_value_listed_twice_tags_nothing() {
        for mut types in [
            types(Presence::Optional, "refund"),
            types(Presence::RequiredNullable, "refund"),
            types(Presence::Required, "charge"),
        ] {
            tag_unions(&mut types);
            let union = union(&types);
            assert_eq!(union.discriminator, None);
            assert!(union.variants.iter().all(|v| v.tags.is_empty()));
        }
    }

    #[test]
    fn a_tag_only_the_client_sends_tags_nothing() {
        let mut types = types(Presence::Required, "refund");
        if let TypeKind::Struct(refund) = &mut types[3].kind {
            refund.fields[0].access = Access::WriteOnly;
        }
        tag_unions(&mut types);
        assert_eq!(union(&types).discriminator, None);
    }

    #[test]
    fn a_variant_that_may_be_any_object_tags_nothing() {
        let mut types = types(Presence::Required, "refund");
        if let TypeKind::Union(union) = &mut types[5].kind {
            union.variants[0].ty = TypeRef::Map(Box::new(TypeRef::Any));
        }
        tag_unions(&mut types);
        assert_eq!(union(&types).discriminator, None);
    }
}
