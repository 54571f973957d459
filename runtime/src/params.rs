//! Parameters serialized as OpenAPI says (`style`, `explode`, `allowReserved`), for
//! path, query, header and cookie parameters; values are JSON values (generated code
//! serializes its typed parameters with `serde_json::to_value`). The rules are the
//! specification's "Style Examples" table (OpenAPI 3.0.4 / 3.1.1), percent-encoded as
//! RFC 6570 and RFC 3986 require: a `/` inside a path value is `%2F`, so a value never
//! adds a path segment.

use serde_json::Value;

/// How a parameter is written (the `style` keyword).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `blue,black,brown` — the default for path and header parameters.
    Simple,
    /// `.blue` (path).
    Label,
    /// `;color=blue` (path).
    Matrix,
    /// `color=blue` — the default for query and cookie parameters.
    Form,
    /// `color=blue%20black` (query arrays and objects).
    SpaceDelimited,
    /// `color=blue%7Cblack` (query arrays and objects).
    PipeDelimited,
    /// `color%5BR%5D=100` (query objects).
    DeepObject,
}

/// A value as the parts it is written with: a scalar, a list, or name/value pairs.
enum Parts {
    Scalar(String),
    List(Vec<String>),
    Pairs(Vec<(String, String)>),
}

fn parts(value: &Value) -> Option<Parts> {
    Some(match value {
        Value::Null => return None,
        Value::Array(items) => Parts::List(items.iter().map(scalar).collect()),
        Value::Object(map) => {
            Parts::Pairs(map.iter().map(|(k, v)| (k.clone(), scalar(v))).collect())
        }
        other => Parts::Scalar(scalar(other)),
    })
}

/// The text of a scalar; nested arrays and objects (which no style defines) as JSON.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
        other => other.to_string(),
    }
}

/// `deepObject`: `name[key]=value`. OpenAPI defines it for one level of scalars; deeper
/// objects and arrays follow the bracket convention the APIs that use it read (Stripe,
/// Rails, PHP): `name[a][b]=v`, `name[list][0]=v`.
fn deep(name: &str, value: &Value, allow_reserved: bool, pairs: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (key, inner) in map {
                deep(&format!("{name}[{key}]"), inner, allow_reserved, pairs);
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                deep(&format!("{name}[{index}]"), inner, allow_reserved, pairs);
            }
        }
        scalar_value => pairs.push((
            encode(name, false),
            encode(&scalar(scalar_value), allow_reserved),
        )),
    }
}

/// Percent-encodes all but RFC 3986 unreserved characters; with `allow_reserved`,
/// reserved characters stay as they are too (`allowReserved: true`).
///
/// ```
/// use auth_runtime::params::encode;
///
/// assert_eq!(encode("a b/c?d", false), "a%20b%2Fc%3Fd");
/// assert_eq!(encode("a b/c?d", true), "a%20b/c?d");
/// assert_eq!(encode("ü", false), "%C3%BC");
/// ```
pub fn encode(text: &str, allow_reserved: bool) -> String {
    const RESERVED: &[u8] = b":/?#[]@!$&'()*+,;=";
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let unreserved = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~');
        if unreserved || (allow_reserved && RESERVED.contains(&byte)) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn join(items: impl IntoIterator<Item = String>, separator: &str) -> String {
    items.into_iter().collect::<Vec<_>>().join(separator)
}

fn pairs_flat(pairs: &[(String, String)], inner: &str, outer: &str) -> String {
    join(
        pairs
            .iter()
            .map(|(k, v)| format!("{}{inner}{}", encode(k, false), encode(v, false))),
        outer,
    )
}

/// `template` with each `{name}` replaced by its value, percent-encoded as one path
/// segment (`simple` style): `fill_path("/a/{id}/b", &[("id", "x/y")])` is `/a/x%2Fy/b`.
///
/// ```
/// use auth_runtime::params::fill_path;
///
/// let path = fill_path("/users/{user}/files/{name}", &[("user", "me"), ("name", "a/b c.txt")]);
/// assert_eq!(path, "/users/me/files/a%2Fb%20c.txt");
/// ```
pub fn fill_path(template: &str, values: &[(&str, &str)]) -> String {
    let mut path = template.to_owned();
    for (name, value) in values {
        path = path.replace(&format!("{{{name}}}"), &encode(value, false));
    }
    path
}

/// A path parameter's text, to replace `{name}` in the path template (percent-encoded;
/// `None` for a null value). Styles: `simple` (default), `label`, `matrix`.
///
/// ```
/// use auth_runtime::{Style, params::path};
/// use serde_json::json;
///
/// let ids = json!([3, 4, 5]);
/// assert_eq!(path("id", &ids, Style::Simple, false).as_deref(), Some("3,4,5"));
/// assert_eq!(path("id", &ids, Style::Label, true).as_deref(), Some(".3.4.5"));
/// assert_eq!(path("id", &ids, Style::Matrix, true).as_deref(), Some(";id=3;id=4;id=5"));
/// assert_eq!(path("id", &json!("a/b"), Style::Simple, false).as_deref(), Some("a%2Fb"));
/// assert_eq!(path("id", &json!(null), Style::Simple, false), None);
/// ```
pub fn path(name: &str, value: &Value, style: Style, explode: bool) -> Option<String> {
    let parts = parts(value)?;
    let e = |s: &str| encode(s, false);
    Some(match (style, explode, parts) {
        (Style::Label, _, Parts::Scalar(s)) => format!(".{}", e(&s)),
        (Style::Label, false, Parts::List(items)) => {
            format!(".{}", join(items.iter().map(|i| e(i)), ","))
        }
        (Style::Label, true, Parts::List(items)) => {
            format!(".{}", join(items.iter().map(|i| e(i)), "."))
        }
        (Style::Label, false, Parts::Pairs(pairs)) => format!(".{}", pairs_flat(&pairs, ",", ",")),
        (Style::Label, true, Parts::Pairs(pairs)) => format!(".{}", pairs_flat(&pairs, "=", ".")),
        // RFC 6570 `{;x}`: an empty value is the bare name (the specification's table).
        (Style::Matrix, _, Parts::Scalar(s)) if s.is_empty() => format!(";{}", e(name)),
        (Style::Matrix, _, Parts::Scalar(s)) => format!(";{}={}", e(name), e(&s)),
        (Style::Matrix, false, Parts::List(items)) => {
            format!(";{}={}", e(name), join(items.iter().map(|i| e(i)), ","))
        }
        (Style::Matrix, true, Parts::List(items)) => {
            join(items.iter().map(|i| format!(";{}={}", e(name), e(i))), "")
        }
        (Style::Matrix, false, Parts::Pairs(pairs)) => {
            format!(";{}={}", e(name), pairs_flat(&pairs, ",", ","))
        }
        (Style::Matrix, true, Parts::Pairs(pairs)) => format!(";{}", pairs_flat(&pairs, "=", ";")),
        (_, _, parts) => simple(parts, explode, &e),
    })
}

/// A header parameter's value (`simple` style); `None` for a null value.
///
/// ```
/// use auth_runtime::params::header;
/// use serde_json::json;
///
/// let filter = json!({ "role": "admin", "page": 2 });
/// assert_eq!(header(&filter, true).as_deref(), Some("role=admin,page=2"));
/// assert_eq!(header(&filter, false).as_deref(), Some("role,admin,page,2"));
/// assert_eq!(header(&json!(["a b", "c"]), false).as_deref(), Some("a b,c")); // not encoded
/// ```
pub fn header(value: &Value, explode: bool) -> Option<String> {
    // Header values are not percent-encoded; control characters are refused when the
    // header is built.
    Some(simple(parts(value)?, explode, &|s: &str| s.to_owned()))
}

fn simple(parts: Parts, explode: bool, e: &dyn Fn(&str) -> String) -> String {
    match parts {
        Parts::Scalar(s) => e(&s),
        Parts::List(items) => join(items.iter().map(|i| e(i)), ","),
        Parts::Pairs(pairs) => {
            let inner = if explode { "=" } else { "," };
            join(
                pairs
                    .iter()
                    .map(|(k, v)| format!("{}{inner}{}", e(k), e(v))),
                ",",
            )
        }
    }
}

/// A query parameter as `name=value` pairs, both already percent-encoded, to append
/// to the query string in order; nothing for a null value.
///
/// ```
/// use auth_runtime::{Style, params::query};
/// use serde_json::json;
///
/// let text = |pairs: Vec<(String, String)>| {
///     pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
/// };
/// let ids = json!([3, 4]);
/// assert_eq!(text(query("id", &ids, Style::Form, true, false)), "id=3&id=4");
/// assert_eq!(text(query("id", &ids, Style::Form, false, false)), "id=3,4");
/// assert_eq!(text(query("id", &ids, Style::PipeDelimited, false, false)), "id=3%7C4");
/// let color = json!({ "R": 100, "G": 200 });
/// let deep = query("color", &color, Style::DeepObject, true, false);
/// assert_eq!(text(deep), "color%5BR%5D=100&color%5BG%5D=200");
/// assert_eq!(text(query("q", &json!("a&b"), Style::Form, true, false)), "q=a%26b");
/// ```
pub fn query(
    name: &str,
    value: &Value,
    style: Style,
    explode: bool,
    allow_reserved: bool,
) -> Vec<(String, String)> {
    if style == Style::DeepObject && matches!(value, Value::Object(_) | Value::Array(_)) {
        let mut pairs = Vec::new();
        deep(name, value, allow_reserved, &mut pairs);
        return pairs;
    }
    let Some(parts) = parts(value) else {
        return Vec::new();
    };
    let e = |s: &str| encode(s, allow_reserved);
    let named = |v: String| vec![(encode(name, false), v)];
    match (style, explode, parts) {
        (Style::SpaceDelimited, _, Parts::List(items)) => {
            named(join(items.iter().map(|i| e(i)), "%20"))
        }
        (Style::SpaceDelimited, _, Parts::Pairs(pairs)) => named(join(
            pairs.iter().map(|(k, v)| format!("{}%20{}", e(k), e(v))),
            "%20",
        )),
        (Style::PipeDelimited, _, Parts::List(items)) => {
            named(join(items.iter().map(|i| e(i)), "%7C"))
        }
        (Style::PipeDelimited, _, Parts::Pairs(pairs)) => named(join(
            pairs.iter().map(|(k, v)| format!("{}%7C{}", e(k), e(v))),
            "%7C",
        )),
        (_, _, Parts::Scalar(s)) => named(e(&s)),
        (_, false, Parts::List(items)) => named(join(items.iter().map(|i| e(i)), ",")),
        (_, true, Parts::List(items)) => {
            items.iter().map(|i| (encode(name, false), e(i))).collect()
        }
        (_, false, Parts::Pairs(pairs)) => named(join(
            pairs.iter().map(|(k, v)| format!("{},{}", e(k), e(v))),
            ",",
        )),
        (_, true, Parts::Pairs(pairs)) => pairs
            .iter()
            .map(|(k, v)| (encode(k, false), e(v)))
            .collect(),
    }
}

/// A cookie parameter as `name=value` pairs (`form` style, percent-encoded).
///
/// ```
/// use auth_runtime::params::cookie;
/// use serde_json::json;
///
/// let pairs = cookie("session", &json!("a b"), true);
/// assert_eq!(pairs, [("session".to_owned(), "a%20b".to_owned())]);
/// ```
pub fn cookie(name: &str, value: &Value, explode: bool) -> Vec<(String, String)> {
    query(name, value, Style::Form, explode, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values() -> [Value; 3] {
        [
            json!("blue"),
            json!(["blue", "black", "brown"]),
            json!({"R": 100, "G": 200, "B": 150}),
        ]
    }

    fn query_text(style: Style, explode: bool, value: &Value) -> String {
        query("color", value, style, explode, false)
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The specification's "Style Examples" table (3.0.4, 3.1.1), row by row.
    #[test]
    fn the_specification_table() {
        let [string, array, object] = values();
        let path_rows = [
            (
                Style::Matrix,
                false,
                [
                    ";color=blue",
                    ";color=blue,black,brown",
                    ";color=R,100,G,200,B,150",
                ],
            ),
            (
                Style::Matrix,
                true,
                [
                    ";color=blue",
                    ";color=blue;color=black;color=brown",
                    ";R=100;G=200;B=150",
                ],
            ),
            (
                Style::Label,
                false,
                [".blue", ".blue,black,brown", ".R,100,G,200,B,150"],
            ),
            (
                Style::Label,
                true,
                [".blue", ".blue.black.brown", ".R=100.G=200.B=150"],
            ),
            (
                Style::Simple,
                false,
                ["blue", "blue,black,brown", "R,100,G,200,B,150"],
            ),
            (
                Style::Simple,
                true,
                ["blue", "blue,black,brown", "R=100,G=200,B=150"],
            ),
        ];
        for (style, explode, expected) in path_rows {
            for (value, expected) in [&string, &array, &object].into_iter().zip(expected) {
                assert_eq!(
                    path("color", value, style, explode).as_deref(),
                    Some(expected),
                    "{style:?} {explode}"
                );
            }
        }
        let query_rows = [
            (
                Style::Form,
                false,
                [
                    "color=blue",
                    "color=blue,black,brown",
                    "color=R,100,G,200,B,150",
                ],
            ),
            (
                Style::Form,
                true,
                [
                    "color=blue",
                    "color=blue&color=black&color=brown",
                    "R=100&G=200&B=150",
                ],
            ),
        ];
        for (style, explode, expected) in query_rows {
            for (value, expected) in [&string, &array, &object].into_iter().zip(expected) {
                assert_eq!(
                    query_text(style, explode, value),
                    expected,
                    "{style:?} {explode}"
                );
            }
        }
        assert_eq!(
            query_text(Style::SpaceDelimited, false, &array),
            "color=blue%20black%20brown"
        );
        assert_eq!(
            query_text(Style::SpaceDelimited, false, &object),
            "color=R%20100%20G%20200%20B%20150"
        );
        assert_eq!(
            query_text(Style::PipeDelimited, false, &array),
            "color=blue%7Cblack%7Cbrown"
        );
        assert_eq!(
            query_text(Style::PipeDelimited, false, &object),
            "color=R%7C100%7CG%7C200%7CB%7C150"
        );
        assert_eq!(
            query_text(Style::DeepObject, true, &object),
            "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"
        );
        assert_eq!(header(&array, false).as_deref(), Some("blue,black,brown"));
        assert_eq!(header(&object, true).as_deref(), Some("R=100,G=200,B=150"));
    }

    #[test]
    fn paths_are_filled_segment_by_segment() {
        assert_eq!(
            fill_path("/oauth2/{id}/v1/token", &[("id", "a/b c")]),
            "/oauth2/a%2Fb%20c/v1/token"
        );
        assert_eq!(fill_path("/x/{y}", &[]), "/x/{y}");
    }

    #[test]
    fn empty_values() {
        assert_eq!(
            path("color", &json!(""), Style::Matrix, false).as_deref(),
            Some(";color")
        );
        assert_eq!(
            path("color", &json!(""), Style::Matrix, true).as_deref(),
            Some(";color")
        );
        assert_eq!(
            path("color", &json!(""), Style::Label, true).as_deref(),
            Some(".")
        );
        assert_eq!(
            path("color", &json!(""), Style::Simple, false).as_deref(),
            Some("")
        );
        assert_eq!(
            path("color", &json!(""), Style::Label, false).as_deref(),
            Some(".")
        );
        assert_eq!(query_text(Style::Form, false, &json!("")), "color=");
        assert_eq!(path("color", &Value::Null, Style::Simple, false), None);
        assert!(query("color", &Value::Null, Style::Form, true, false).is_empty());
    }

    #[test]
    fn reserved_characters_are_encoded_unless_allowed() {
        assert_eq!(
            path("id", &json!("a/b?c#d"), Style::Simple, false).as_deref(),
            Some("a%2Fb%3Fc%23d")
        );
        assert_eq!(
            query_text(Style::Form, true, &json!("a b&c=d/é")),
            "color=a%20b%26c%3Dd%2F%C3%A9"
        );
        let allowed = query("q", &json!("a/b:c"), Style::Form, true, true);
        assert_eq!(allowed, vec![("q".to_owned(), "a/b:c".to_owned())]);
        assert_eq!(encode("~-._", false), "~-._");
    }

    #[test]
    fn deep_objects_nest_with_brackets() {
        let value = json!({"address": {"city": "Köln", "lines": ["a", "b"]}, "n": 1, "skip": null});
        assert_eq!(
            query_text(Style::DeepObject, true, &value),
            "color%5Baddress%5D%5Bcity%5D=K%C3%B6ln&color%5Baddress%5D%5Blines%5D%5B0%5D=a&color%5Baddress%5D%5Blines%5D%5B1%5D=b&color%5Bn%5D=1"
        );
        assert_eq!(
            query_text(Style::DeepObject, true, &json!(["x", "y"])),
            "color%5B0%5D=x&color%5B1%5D=y"
        );
    }

    #[test]
    fn scalars_are_written_as_json_writes_them() {
        assert_eq!(query_text(Style::Form, true, &json!(true)), "color=true");
        assert_eq!(query_text(Style::Form, true, &json!(1.5)), "color=1.5");
        assert_eq!(
            query_text(Style::Form, true, &json!([1, 2])),
            "color=1&color=2"
        );
    }
}
