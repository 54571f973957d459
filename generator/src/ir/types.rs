//! Named types and references to them: structs, enums, unions, scalars.

use super::Docs;

/// Index into [`Api::types`](super::Api::types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Unique PascalCase Rust name.
    pub name: String,
    pub docs: Docs,
    pub kind: TypeKind,
    /// Whether `null` is a valid value; references then wrap the type in `Option`.
    pub nullable: bool,
    /// Where the schema lives, as `file#/json/pointer`, for diagnostics and docs.
    pub origin: String,
}

#[cfg(test)]
impl TypeDef {
    /// A non-null type with no docs or origin, for tests.
    pub fn plain(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.into(),
            docs: Docs::default(),
            kind,
            nullable: false,
            origin: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum; `open` adds a catch-all variant so unknown values still decode.
    StringEnum {
        variants: Vec<EnumVariant>,
        open: bool,
    },
    /// An enum of numbers or booleans: a newtype with one associated constant per
    /// known value, so unknown values still decode.
    ScalarEnum {
        repr: Scalar,
        values: Vec<ScalarValue>,
    },
    Union(Union),
    /// `pub type Name = Target;` for component schemas that are not objects or enums.
    Alias(TypeRef),
    /// `pub struct Name(pub Target);`: an alias that would contain itself
    /// (`A = Vec<A>`), which Rust cannot expand.
    Newtype(TypeRef),
}

impl TypeKind {
    /// Every reference a value of this kind holds: fields, additional properties,
    /// variants, the target of an alias or newtype.
    pub fn references(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(s.additional.as_ref())
                .collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(target) | TypeKind::Newtype(target) => vec![target],
            TypeKind::StringEnum { .. } | TypeKind::ScalarEnum { .. } => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Values of `additionalProperties`, kept in a flattened map.
    pub additional: Option<TypeRef>,
    /// `additionalProperties: false`: no other property may appear.
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: String,
    pub wire_name: String,
    pub ty: TypeRef,
    pub presence: Presence,
    pub docs: Docs,
    /// Redacted in `Debug`.
    pub secret: bool,
    pub access: Access,
}

/// Which way a property travels (`readOnly`, `writeOnly`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    ReadWrite,
    /// Sent by the server only: never required in what the client sends.
    ReadOnly,
    /// Sent by the client only: never required in what the server sends.
    WriteOnly,
}

/// How a field appears on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`, serializes `null`, a missing key is an error.
    RequiredNullable,
    /// May be absent (null, if allowed, reads as absent): `Option<T>`, omitted when `None`.
    Optional,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumVariant {
    pub name: String,
    pub wire_value: String,
    pub docs: Docs,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScalarValue {
    /// SCREAMING_SNAKE_CASE constant name.
    pub name: String,
    pub value: Literal,
    pub docs: Docs,
}

/// A number or boolean from a document. Floats are equal when their bits are: `0.0` and
/// `-0.0` are different values on the wire.
#[derive(Debug, Clone, Copy)]
pub enum Literal {
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
}

impl Literal {
    /// What equality and hashing compare.
    fn bits(self) -> (u8, u64) {
        match self {
            Literal::Int(n) => (0, u64::from_ne_bytes(n.to_ne_bytes())),
            Literal::UInt(n) => (1, n),
            Literal::Float(n) => (2, n.to_bits()),
            Literal::Bool(b) => (3, u64::from(b)),
        }
    }
}

impl PartialEq for Literal {
    fn eq(&self, other: &Literal) -> bool {
        self.bits() == other.bits()
    }
}

impl Eq for Literal {}

impl std::hash::Hash for Literal {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bits().hash(state);
    }
}

/// `oneOf`/`anyOf`: one variant per branch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// The property whose value picks the variant: the discriminator, or a constant
    /// tag every object variant requires (`lower::constant_tags`). When set, a variant
    /// without tags is one that is never an object.
    pub discriminator: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// Values of the tag property selecting this variant.
    pub tags: Vec<String>,
    pub docs: Docs,
}

/// A use of a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    Scalar(Scalar),
    /// Any JSON value (untyped schema).
    Any,
    Named(TypeId),
    /// A named type inside its own reference cycle, needing indirection.
    Boxed(TypeId),
    Array(Box<TypeRef>),
    /// `additionalProperties`-only object.
    Map(Box<TypeRef>),
    /// A nullable value in a position without field presence (array item, map value).
    Nullable(Box<TypeRef>),
    /// Raw bytes: a binary body, or a file part of a multipart body.
    Binary,
    /// A string of a typed format (with typed formats on).
    Format(Format),
}

impl TypeRef {
    /// The named type this reference holds, through arrays, maps and `Option`s (a
    /// reference names one type at most).
    pub fn target(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) | TypeRef::Boxed(id) => Some(*id),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.target()
            }
            TypeRef::Scalar(_) | TypeRef::Any | TypeRef::Binary | TypeRef::Format(_) => None,
        }
    }

    /// The strings the string enum this reference holds lists, looked through aliases
    /// and `Option`s a few levels deep, and whether `null` is allowed on the way (a
    /// nullable type or an `Option`): the values a union's tag field can take.
    pub fn listed_strings<'a>(&self, types: &'a [TypeDef]) -> Option<(Vec<&'a str>, bool)> {
        const MAX_DEPTH: usize = 8;
        let (mut ty, mut nullable) = (self, false);
        for _ in 0..MAX_DEPTH {
            match ty {
                TypeRef::Named(id) | TypeRef::Boxed(id) => {
                    let def = &types[id.0];
                    nullable |= def.nullable;
                    match &def.kind {
                        TypeKind::StringEnum { variants, .. } if !variants.is_empty() => {
                            let values = variants.iter().map(|v| v.wire_value.as_str());
                            return Some((values.collect(), nullable));
                        }
                        TypeKind::Alias(target) => ty = target,
                        _ => return None,
                    }
                }
                TypeRef::Nullable(inner) => {
                    nullable = true;
                    ty = inner;
                }
                _ => return None,
            }
        }
        None
    }
}

/// String formats read into types of their own (`Options::typed_formats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// `date-time`: RFC 3339.
    DateTime,
    /// `date`: RFC 3339 `full-date`.
    Date,
    Uuid,
    /// `byte`: base64.
    Byte,
}

impl Format {
    /// The format of a string schema's `format`, when it is one with a type.
    pub fn of(format: &str) -> Option<Format> {
        Some(match format {
            "date-time" => Format::DateTime,
            "date" => Format::Date,
            "uuid" => Format::Uuid,
            "byte" => Format::Byte,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scalar {
    Bool,
    I32,
    I64,
    U64,
    F32,
    F64,
    String,
    /// `type: 'null'`.
    Unit,
}
