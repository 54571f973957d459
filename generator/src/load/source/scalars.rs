//! Scalars typed by the YAML 1.2 core schema.

use std::borrow::Cow;

use saphyr_parser::{ScalarStyle, Tag};
use serde_json::{Number, Value};

/// The scalar's text in a string of its own size: the scanner allocates 32 bytes or
/// more for each, and the tree keeps every one (a quarter of Lago's peak heap was such
/// unused capacity).
pub(super) fn exact(text: Cow<'_, str>) -> String {
    match text {
        Cow::Owned(text) if text.capacity() == text.len() => text,
        text => String::from(&*text),
    }
}

/// Resolves a scalar with the YAML 1.2 core schema: explicit core tags first,
/// then plain scalars by content; quoted and block scalars are strings.
pub(super) fn scalar_value(
    text: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&Tag>,
) -> Result<Value, String> {
    let core_tag = tag
        .filter(|t| t.is_yaml_core_schema())
        .map(|t| t.suffix.as_str());
    let typed = match core_tag {
        Some("str") => return Ok(Value::String(exact(text))),
        Some("null") => null(&text),
        Some("bool") => boolean(&text),
        Some("int") => integer(&text),
        Some("float") => float(&text).or_else(|| inf_or_nan(&text)),
        _ if style == ScalarStyle::Plain => plain(&text),
        _ => None,
    };
    match (typed, core_tag) {
        (Some(value), _) => Ok(value),
        (None, Some(kind @ ("null" | "bool" | "int" | "float"))) => {
            Err(format!("`{text}` is not a valid !!{kind}"))
        }
        (None, _) => Ok(Value::String(exact(text))),
    }
}

/// The type of an untagged plain scalar; `None` means string.
fn plain(text: &str) -> Option<Value> {
    null(text)
        .or_else(|| boolean(text))
        .or_else(|| integer(text))
        .or_else(|| float(text))
}

fn null(text: &str) -> Option<Value> {
    matches!(text, "" | "~" | "null" | "Null" | "NULL").then_some(Value::Null)
}

fn boolean(text: &str) -> Option<Value> {
    match text {
        "true" | "True" | "TRUE" => Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => Some(Value::Bool(false)),
        _ => None,
    }
}

/// Decimal, `0o` octal or `0x` hex. Decimals beyond 64 bits become floats;
/// octal and hex beyond 64 bits are not integers.
fn integer(text: &str) -> Option<Value> {
    if let Some(digits) = text.strip_prefix("0o") {
        return radix(digits, 8);
    }
    if let Some(digits) = text.strip_prefix("0x") {
        return radix(digits, 16);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !all_digits(digits, 10) {
        return None;
    }
    let number = text
        .parse::<i64>()
        .map(Number::from)
        .or_else(|_| text.parse::<u64>().map(Number::from))
        .ok()
        .or_else(|| Number::from_f64(text.parse().ok()?))?;
    Some(Value::Number(number))
}

fn radix(digits: &str, radix: u32) -> Option<Value> {
    if !all_digits(digits, radix) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok().map(Value::from)
}

/// Non-empty and only digits of `radix` (std's parsers also accept a sign).
fn all_digits(text: &str, radix: u32) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_digit(radix))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, checked by hand
/// because Rust's float parser also takes `inf`, `nan` and `infinity`.
fn float(text: &str) -> Option<Value> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok =
        digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok =
        exponent.is_none_or(|e| all_digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    Number::from_f64(text.parse().ok()?).map(Value::Number)
}

/// `.inf` and `.nan` in their core-schema spellings; JSON has no such
/// numbers, so they stay strings.
fn inf_or_nan(text: &str) -> Option<Value> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let inf = matches!(unsigned, ".inf" | ".Inf" | ".INF");
    let nan = matches!(text, ".nan" | ".NaN" | ".NAN");
    (inf || nan).then(|| Value::String(text.to_owned()))
}
