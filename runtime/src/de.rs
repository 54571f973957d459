//! What the `Deserialize` impls that generated code writes out share: the key of an
//! object's entry, reading an entry's value into its field's slot, and the value of a
//! required field that is missing. Generated
//! structs read objects with one `match` on the key instead of serde's derive, which
//! also generates a field enum, its visitor and a reader of arrays; a crate of
//! thousands of types (Stripe's) type-checks in a fraction of the time.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// An object's key: borrowed from the input when it holds no escape, else owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'de>(
    /// The key's text.
    pub Cow<'de, str>,
);

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key's text, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The value of the required field `field` when the object lacks it: `None` for an
/// `Option` (as serde's derive reads it), else the error ``missing field `field` ``.
pub fn missing<'de, T: Deserialize<'de>, E: de::Error>(field: &'static str) -> Result<T, E> {
    T::deserialize(Missing(field, PhantomData))
}

/// Reads the value of the entry whose key is `field` into `slot`: ``duplicate field
/// `field` `` when the slot already holds one.
pub fn read<'de, A: de::MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    field: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(<A::Error as de::Error>::duplicate_field(field));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// The value read for the required field `field`, or what [`missing`] gives.
pub fn required<'de, T: Deserialize<'de>, E: de::Error>(
    slot: Option<T>,
    field: &'static str,
) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => missing(field),
    }
}

/// Where a missing field's value is read from: nothing but `None`.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Keys(Vec<(bool, String)>);

    impl<'de> Deserialize<'de> for Keys {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct KeysVisitor;
            impl<'de> Visitor<'de> for KeysVisitor {
                type Value = Keys;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        map.next_value::<de::IgnoredAny>()?;
                        keys.push((matches!(key.0, Cow::Borrowed(_)), key.into_string()));
                    }
                    Ok(Keys(keys))
                }
            }
            deserializer.deserialize_map(KeysVisitor)
        }
    }

    #[test]
    fn keys_are_borrowed_unless_escaped() {
        let keys: Keys = serde_json::from_str(r#"{"plain": 1, "esc\u0061ped": 2}"#).unwrap();
        assert_eq!(
            keys,
            Keys(vec![(true, "plain".into()), (false, "escaped".into())])
        );
        // From a `Value` (as unions read their variants) keys are owned.
        let value = serde_json::json!({"a": 1});
        assert_eq!(
            Keys::deserialize(value).unwrap(),
            Keys(vec![(false, "a".into())])
        );
    }

    #[test]
    fn a_missing_option_is_none_and_anything_else_an_error() {
        let none: Option<u8> = missing::<_, serde_json::Error>("x").unwrap();
        assert_eq!(none, None);
        let error = missing::<u8, serde_json::Error>("count").unwrap_err();
        assert_eq!(error.to_string(), "missing field `count`");
        let error = missing::<serde_json::Value, serde_json::Error>("any").unwrap_err();
        assert_eq!(error.to_string(), "missing field `any`");
    }

    #[test]
    fn a_slot_is_read_once_and_a_required_field_must_be_there() {
        struct Once(Vec<u8>);
        impl<'de> Deserialize<'de> for Once {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct OnceVisitor;
                impl<'de> Visitor<'de> for OnceVisitor {
                    type Value = Once;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("an object")
                    }
                    fn visit_map<A: de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<Once, A::Error> {
                        let mut slot = None;
                        while map.next_key::<Key<'de>>()?.is_some() {
                            read(&mut map, &mut slot, "n")?;
                        }
                        Ok(Once(required(slot, "n")?))
                    }
                }
                deserializer.deserialize_map(OnceVisitor)
            }
        }
        let once: Once = serde_json::from_str(r#"{"n": [1, 2]}"#).unwrap();
        assert_eq!(once.0, [1, 2]);
        let twice = serde_json::from_str::<Once>(r#"{"n": [1], "n": [2]}"#)
            .err()
            .unwrap();
        assert_eq!(twice.to_string(), "duplicate field `n` at line 1 column 14");
        let none = serde_json::from_str::<Once>("{}").err().unwrap();
        assert_eq!(none.to_string(), "missing field `n` at line 1 column 2");
    }
}
