//! What is particular to JSON text: a tree whose collections are built at their
//! final size, and `serde_json`'s errors in character columns (JSON's positions are
//! found by `locate`'s own scan).

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

use super::{Position, SyntaxError, to_u32};

pub(super) fn parse_json(text: &str) -> Result<Value, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text)
        .map(|Exact(value)| value)
        .map_err(|error| {
            let full = error.to_string();
            // serde_json appends " at line L column C"; the position is kept apart.
            let message = match full.rsplit_once(" at line ") {
                Some((message, _)) if error.line() > 0 => message.to_owned(),
                _ => full,
            };
            SyntaxError {
                message,
                position: json_position(text, error.line(), error.column()),
            }
        })
}

/// `serde_json` counts columns in bytes; convert to characters like saphyr.
fn json_position(text: &str, line: usize, byte_column: usize) -> Option<Position> {
    let line_text = text.split('\n').nth(line.checked_sub(1)?)?.as_bytes();
    let prefix = line_text.get(..byte_column).unwrap_or(line_text);
    let column = prefix.iter().filter(|&&b| b & 0xC0 != 0x80).count();
    Some(Position {
        line: to_u32(line),
        column: to_u32(column.max(1)),
    })
}

/// A JSON value read as `serde_json::Value` reads it (numbers alike), except that a
/// key repeated in an object is an error, and that each object and array is built at
/// its final size: grown entry by entry, their spare capacity was two fifths of
/// Mealie's peak heap.
struct Exact(Value);

impl<'de> Deserialize<'de> for Exact {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ExactVisitor).map(Exact)
    }
}

struct ExactVisitor;

impl<'de> Visitor<'de> for ExactVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut array = Vec::new();
        while let Some(Exact(item)) = items.next_element()? {
            array.push(item);
        }
        array.shrink_to_fit();
        Ok(Value::Array(array))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let mut pending: Vec<(String, Value)> = Vec::new();
        while let Some((key, Exact(value))) = entries.next_entry()? {
            pending.push((key, value));
        }
        let mut map = Map::with_capacity(pending.len());
        for (key, value) in pending {
            match map.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                // As YAML's duplicate keys are: which value counts differs between
                // readers, so a validator and we would read different documents.
                Entry::Occupied(slot) => {
                    let message = format!("duplicate key `{}` in an object", slot.key());
                    return Err(A::Error::custom(message));
                }
            }
        }
        Ok(Value::Object(map))
    }
}
