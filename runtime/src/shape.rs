//! Choosing the variant of an untagged union (`oneOf`/`anyOf` without a
//! discriminator) that a JSON value fits best, rather than the first that happens to
//! parse: generated `Deserialize` impls rank the variants with [`rank`], try them in
//! that order, and keep the raw JSON when none decodes.

use serde_json::Value;

/// A JSON type, as a union variant accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An object.
    Object,
    /// An array.
    Array,
    /// A string.
    String,
    /// A whole number (also accepted where [`Kind::Number`] is).
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// `null`.
    Null,
}

/// What a variant's type says a value looks like, as far as it tells variants apart.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// The JSON types the variant accepts; empty: any.
    pub kinds: &'static [Kind],
    /// Properties an object must have.
    pub required: &'static [&'static str],
    /// Properties the variant knows.
    pub known: &'static [&'static str],
    /// No other property may appear (`additionalProperties: false`).
    pub closed: bool,
    /// Properties whose values the document lists (enums, constants), with the values.
    pub listed: &'static [(&'static str, &'static [&'static str])],
    /// The values a string variant lists (a string enum); empty: any string.
    pub values: &'static [&'static str],
}

impl Shape {
    /// A shape that accepts any value.
    pub const ANY: Shape = Shape {
        kinds: &[],
        required: &[],
        known: &[],
        closed: false,
        listed: &[],
        values: &[],
    };
}

/// Points for a property the variant knows, and for a listed value that matches.
const KNOWN: i64 = 1;
const LISTED: i64 = 4;

/// The indices of the variants `value` may be, best fit first (ties keep document
/// order). A variant is left out when the value's JSON type is not one it accepts, a
/// required property is missing, or a closed object has a property it does not know.
/// Among the rest, each known property counts 1, each listed value that matches 4, and
/// each listed value that does not match −4 (an open enum would accept it, but another
/// variant that lists it fits better).
///
/// ```
/// use auth_runtime::shape::{Kind, Shape, rank};
/// use serde_json::json;
///
/// let cat = Shape { kinds: &[Kind::Object], known: &["name", "meows"], ..Shape::ANY };
/// let dog = Shape { kinds: &[Kind::Object], known: &["name", "barks"], ..Shape::ANY };
/// let id = Shape { kinds: &[Kind::Integer], ..Shape::ANY };
/// let variants = [cat, dog, id];
/// assert_eq!(rank(&json!({ "name": "Rex", "barks": true }), &variants), [1, 0]);
/// assert_eq!(rank(&json!({ "name": "Tom" }), &variants), [0, 1]); // a tie: document order
/// assert_eq!(rank(&json!(7), &variants), [2]);
/// assert!(rank(&json!("seven"), &variants).is_empty());
/// ```
pub fn rank(value: &Value, shapes: &[Shape]) -> Vec<usize> {
    let mut scored: Vec<(i64, usize)> = shapes
        .iter()
        .enumerate()
        .filter_map(|(index, shape)| score(value, shape).map(|s| (s, index)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, index)| index).collect()
}

fn score(value: &Value, shape: &Shape) -> Option<i64> {
    if !shape.kinds.is_empty() && !shape.kinds.iter().any(|k| accepts(*k, value)) {
        return None;
    }
    match value {
        Value::Object(object) => {
            if shape.required.iter().any(|r| !object.contains_key(*r)) {
                return None;
            }
            let mut points = 0;
            for key in object.keys() {
                if shape.known.contains(&key.as_str()) {
                    points += KNOWN;
                } else if shape.closed {
                    return None;
                }
            }
            for (property, values) in shape.listed {
                if let Some(Value::String(found)) = object.get(*property) {
                    points += listed(values, found);
                }
            }
            Some(points)
        }
        Value::String(found) if !shape.values.is_empty() => Some(listed(shape.values, found)),
        _ => Some(0),
    }
}

fn listed(values: &[&str], found: &str) -> i64 {
    if values.contains(&found) {
        LISTED
    } else {
        -LISTED
    }
}

fn accepts(kind: Kind, value: &Value) -> bool {
    match (kind, value) {
        (Kind::Object, Value::Object(_))
        | (Kind::Array, Value::Array(_))
        | (Kind::String, Value::String(_))
        | (Kind::Number, Value::Number(_))
        | (Kind::Boolean, Value::Bool(_))
        | (Kind::Null, Value::Null) => true,
        (Kind::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ARRAY_MAX: Shape = Shape {
        kinds: &[Kind::Object],
        required: &["issue"],
        known: &["issue", "field", "value"],
        closed: false,
        listed: &[("issue", &["INVALID_ARRAY_MAX_ITEMS"])],
        values: &[],
    };
    const MISSING: Shape = Shape {
        listed: &[("issue", &["MISSING_REQUIRED_PARAMETER"])],
        ..ARRAY_MAX
    };

    #[test]
    fn listed_values_choose_the_variant() {
        let detail = json!({"issue": "MISSING_REQUIRED_PARAMETER", "field": "/amount"});
        assert_eq!(rank(&detail, &[ARRAY_MAX, MISSING]), vec![1, 0]);
    }

    #[test]
    fn types_required_and_closed_objects_exclude() {
        let closed = Shape {
            kinds: &[Kind::Object],
            known: &["a"],
            closed: true,
            ..Shape::ANY
        };
        let needs_b = Shape {
            kinds: &[Kind::Object],
            required: &["b"],
            ..Shape::ANY
        };
        let string = Shape {
            kinds: &[Kind::String],
            ..Shape::ANY
        };
        assert_eq!(
            rank(&json!({"a": 1, "c": 2}), &[closed, needs_b, string]),
            Vec::<usize>::new()
        );
        assert_eq!(rank(&json!({"a": 1}), &[closed, needs_b, string]), vec![0]);
        assert_eq!(rank(&json!("x"), &[closed, string, Shape::ANY]), vec![1, 2]);
    }

    #[test]
    fn more_known_properties_fit_better() {
        let small = Shape {
            kinds: &[Kind::Object],
            known: &["id"],
            ..Shape::ANY
        };
        let large = Shape {
            known: &["id", "name", "email"],
            ..small
        };
        assert_eq!(
            rank(&json!({"id": 1, "name": "x"}), &[small, large]),
            vec![1, 0]
        );
        assert_eq!(rank(&json!({"id": 1}), &[small, large]), vec![0, 1]);
    }

    #[test]
    fn integers_are_numbers_but_not_the_reverse() {
        let integer = Shape {
            kinds: &[Kind::Integer],
            ..Shape::ANY
        };
        let number = Shape {
            kinds: &[Kind::Number],
            ..Shape::ANY
        };
        assert_eq!(rank(&json!(3), &[integer, number]), vec![0, 1]);
        assert_eq!(rank(&json!(3.5), &[integer, number]), vec![1]);
    }

    #[test]
    fn string_enums_prefer_their_values() {
        let colors = Shape {
            kinds: &[Kind::String],
            values: &["red"],
            ..Shape::ANY
        };
        let sizes = Shape {
            values: &["large"],
            ..colors
        };
        assert_eq!(rank(&json!("large"), &[colors, sizes]), vec![1, 0]);
    }
}
