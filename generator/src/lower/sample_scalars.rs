//! Sample scalars: numbers inside their bounds, strings of their format, length and
//! (simple) pattern.

use crate::load::Member;
use serde_json::{Map, Value, json};

/// A number within `minimum`/`maximum` (exclusive bounds respected), a multiple of
/// `multipleOf` when one is asked for.
/// An integer its bounds accept, written as one (`1`, not `1.0`).
pub(super) fn integer(map: &Map<String, Value>) -> Value {
    let value = number(map, true);
    if value.fract() == 0.0 && value.abs() < 9.2e18 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

pub(super) fn number(map: &Map<String, Value>, integer: bool) -> f64 {
    let bound = |key: &str| map.get(key).and_then(Value::as_f64);
    let exclusive = |key: &str, flag: &str| match map.get(key) {
        Some(Value::Number(n)) => n.as_f64(),
        _ if map.get(flag) == Some(&Value::Bool(true)) => {
            bound(flag.trim_start_matches("exclusive").to_lowercase().as_str())
        }
        _ => None,
    };
    let step = if integer { 1.0 } else { 0.5 };
    let low = match (
        bound("minimum"),
        exclusive("exclusiveMinimum", "exclusiveMinimum"),
    ) {
        (_, Some(e)) => Some(e + step),
        (Some(m), None) => Some(m),
        (None, None) => None,
    };
    let high = match (
        bound("maximum"),
        exclusive("exclusiveMaximum", "exclusiveMaximum"),
    ) {
        (_, Some(e)) => Some(e - step),
        (Some(m), None) => Some(m),
        (None, None) => None,
    };
    let mut value = low.unwrap_or_else(|| high.map_or(1.0, |h| h.min(1.0)));
    if let Some(multiple) = map
        .member("multipleOf")
        .and_then(Value::as_f64)
        .filter(|m| *m > 0.0)
    {
        value = (value / multiple).ceil() * multiple;
    }
    if integer { value.ceil() } else { value }
}

/// A string its format and length accept.
pub(super) fn string(map: &Map<String, Value>) -> String {
    let by_format = match map.member("format").and_then(Value::as_str) {
        Some("date-time") => "2024-01-01T00:00:00Z",
        Some("date") => "2024-01-01",
        Some("time") => "12:00:00Z",
        Some("uuid") => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        Some("email") => "user@example.com",
        Some("uri" | "url" | "uri-reference" | "iri") => "https://example.com/",
        Some("hostname") => "example.com",
        Some("ipv4") => "192.0.2.1",
        Some("ipv6") => "2001:db8::1",
        Some("byte") => "c2FtcGxl",
        Some("duration") => "P1D",
        _ => "sample",
    };
    let min = map.member("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = map
        .member("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    let fit = |text: &str| {
        let mut text = text.to_owned();
        while text.chars().count() < min {
            text.push('x');
        }
        if let Some(max) = max {
            text = text.chars().take(max.max(min)).collect();
        }
        text
    };
    let pattern = map
        .member("pattern")
        .and_then(Value::as_str)
        .and_then(compile);
    let Some(pattern) = pattern else {
        return fit(by_format);
    };
    let prefix = literal_prefix(map.member("pattern").and_then(Value::as_str).unwrap_or(""));
    let prefixed = ["", "sample", "1", "_sample"].map(|tail| format!("{prefix}{tail}"));
    std::iter::once(by_format)
        .chain(PATTERN_CANDIDATES.iter().copied())
        .chain(prefixed.iter().map(String::as_str))
        .map(fit)
        .find(|text| pattern.is_match(text))
        .unwrap_or_else(|| fit(by_format))
}

/// The text an anchored pattern starts with (`^/v1/customers` → `/v1/customers`).
fn literal_prefix(pattern: &str) -> String {
    let Some(rest) = pattern.strip_prefix('^') else {
        return String::new();
    };
    rest.chars()
        .take_while(|c| !".[](){}*+?|\\$^".contains(*c))
        .collect()
}

/// Strings tried, in order, against a `pattern` (common shapes of identifiers, codes
/// and numbers).
const PATTERN_CANDIDATES: &[&str] = &[
    "sample",
    "1",
    "12345",
    "a",
    "A",
    "abc",
    "ABC",
    "Abc",
    "a1",
    "sample-1",
    "sample_1",
    "sample.1",
    "US",
    "en",
    "en-US",
    "USD",
    "usd",
    "#ffffff",
    "ffffff",
    "0.1",
    "1.0",
    "+15555550100",
    "2024-01-01",
    "2024-01-01T00:00:00Z",
    "12:00",
    "user@example.com",
    "https://example.com/",
    "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "sample sample",
];

/// A document's `pattern`, when it is short enough to compile cheaply (they come from
/// untrusted documents; the regex engine itself runs in linear time).
fn compile(pattern: &str) -> Option<regex_lite::Regex> {
    if pattern.len() > 1000 {
        return None;
    }
    regex_lite::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .ok()
}
