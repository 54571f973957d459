//! Request bodies and responses, by media type: each content gets the type its values
//! have on the wire (a schema's type for JSON, forms and multipart; `String` for text;
//! bytes for anything else) and, for forms, how each property is written.

use serde_json::Value;

use super::operation::parameter_style;
use super::{Hint, Lowerer, docs};
use crate::ir::*;
use crate::load::{Loc, Member};

impl Lowerer<'_> {
    pub(super) fn request_body(&mut self, at: &Loc, type_base: &str) -> Option<RequestBody> {
        let loc = at.child("requestBody");
        self.sources.get(&loc)?;
        let loc = self.follow_or_report(&loc);
        let map = self.sources.get(&loc)?.as_object()?;
        let required = map
            .member("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let docs = super::schema::schema_docs(map);
        let contents = self.contents(&loc.child("content"), &format!("{type_base} Request"));
        if contents.is_empty() {
            return None;
        }
        Some(RequestBody {
            required,
            docs,
            contents,
        })
    }

    pub(super) fn responses(&mut self, at: &Loc, type_base: &str) -> Vec<Response> {
        let responses_loc = at.child("responses");
        let Some(keys) = self.map_at(&responses_loc) else {
            return Vec::new();
        };
        let responses_loc = self.follow_or_report(&responses_loc);
        let success_count = keys
            .iter()
            .filter(|k| status_code(k).is_some_and(StatusCode::is_success))
            .count();
        let mut responses = Vec::new();
        for key in keys {
            let Some(status) = status_code(&key) else {
                if !key.starts_with("x-") {
                    self.error(
                        &responses_loc.child(&key),
                        format!(
                            "{key:?} is not a status code, a range such as `4XX`, or `default`"
                        ),
                    );
                }
                continue;
            };
            let loc = self.follow_or_report(&responses_loc.child(&key));
            let description = self
                .sources
                .get(&loc.child("description"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let hint = match status {
                StatusCode::Code(_) if status.is_success() && success_count == 1 => {
                    format!("{type_base} Response")
                }
                StatusCode::Default => format!("{type_base} Default Response"),
                _ => format!("{type_base} Response {key}"),
            };
            let contents = self.contents(&loc.child("content"), &hint);
            responses.push(Response {
                status,
                docs: docs(&[description]),
                contents,
            });
        }
        responses
    }

    /// Every media type of a `content` map, with its type.
    fn contents(&mut self, content: &Loc, hint: &str) -> Vec<Content> {
        let Some(Value::Object(media)) = self.sources.get(content) else {
            return Vec::new();
        };
        let media_types: Vec<String> = media.keys().cloned().collect();
        let mut contents = Vec::with_capacity(media_types.len());
        for media_type in media_types {
            let holder = content.child(&media_type);
            let schema = holder.child("schema");
            let has_schema = self.sources.get(&schema).is_some();
            if !has_schema && self.sources.get(&holder.child("itemSchema")).is_some() {
                self.warning(&holder.child("itemSchema"), "`itemSchema` (OpenAPI 3.2 streamed items) is not generated; the body is read as bytes");
            }
            let kind = media_kind(&media_type, has_schema);
            let ty = match kind {
                MediaKind::Json | MediaKind::Form if has_schema => {
                    self.schema(&schema, &Hint::context(hint)).into_type()
                }
                MediaKind::Multipart if has_schema => {
                    let binary = std::mem::replace(&mut self.binary_strings, true);
                    let ty = self.schema(&schema, &Hint::context(hint)).into_type();
                    self.binary_strings = binary;
                    ty
                }
                MediaKind::Json => TypeRef::Any,
                MediaKind::Form | MediaKind::Multipart => TypeRef::Map(Box::new(TypeRef::Any)),
                MediaKind::Text => TypeRef::Scalar(Scalar::String),
                MediaKind::Binary => TypeRef::Binary,
            };
            if has_schema {
                self.holder_examples(&holder, Some(&schema), &ty);
            }
            let encoding = self.encoding(&holder);
            let samples = match self.samples {
                true => self.samples(&holder, has_schema.then_some(&schema)),
                false => Vec::new(),
            };
            contents.push(Content {
                media_type,
                kind,
                ty,
                encoding,
                samples,
            });
        }
        contents
    }

    /// How each property of a form or multipart body is written (`encoding`).
    fn encoding(&mut self, holder: &Loc) -> Vec<PropertyEncoding> {
        let at = holder.child("encoding");
        let Some(Value::Object(entries)) = self.sources.get(&at) else {
            return Vec::new();
        };
        let properties: Vec<String> = entries.keys().cloned().collect();
        properties
            .into_iter()
            .filter_map(|property| {
                let loc = at.child(&property);
                let map = self.sources.get(&loc)?.as_object()?;
                let style = map
                    .member("style")
                    .and_then(Value::as_str)
                    .and_then(parameter_style)
                    .unwrap_or(ParameterStyle::Form);
                let explode = map
                    .member("explode")
                    .and_then(Value::as_bool)
                    .unwrap_or(style == ParameterStyle::Form);
                let content_type = map
                    .member("contentType")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                Some(PropertyEncoding {
                    property,
                    style,
                    explode,
                    content_type,
                })
            })
            .collect()
    }

    /// The JSON media type of a `content` map and its schema (parameters with
    /// `content`, token operations).
    pub(super) fn media_schema(&mut self, content: &Loc) -> Option<(String, Loc)> {
        let Value::Object(media) = self.sources.get(content)? else {
            return None;
        };
        let (media_type, _) = media
            .iter()
            .find(|(k, _)| matches!(media_kind(k, true), MediaKind::Json | MediaKind::Form))?;
        let schema = content.child(media_type).child("schema");
        self.sources.get(&schema)?;
        Some((media_type.clone(), schema))
    }
}

/// How a media type is written. `*/*` with a schema is JSON (what documents mean by it).
pub fn media_kind(media_type: &str, has_schema: bool) -> MediaKind {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let (kind, subtype) = essence.split_once('/').unwrap_or((essence.as_str(), ""));
    match (kind, subtype) {
        ("application", "json") | ("text", "json") => MediaKind::Json,
        (_, subtype) if subtype.ends_with("+json") || subtype == "x-ndjson" => MediaKind::Json,
        ("application", "x-www-form-urlencoded") => MediaKind::Form,
        ("multipart", _) => MediaKind::Multipart,
        ("*", "*") | ("application", "*") if has_schema => MediaKind::Json,
        ("text", _) => MediaKind::Text,
        (_, subtype) if subtype == "xml" || subtype.ends_with("+xml") => MediaKind::Text,
        _ => MediaKind::Binary,
    }
}

/// `200`, `2XX` or `default`.
pub(super) fn status_code(key: &str) -> Option<StatusCode> {
    if key == "default" {
        return Some(StatusCode::Default);
    }
    if let Ok(code) = key.parse::<u16>() {
        return (100..600).contains(&code).then_some(StatusCode::Code(code));
    }
    match key.as_bytes() {
        [class @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => {
            Some(StatusCode::Range(u16::from(class - b'0')))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes() {
        assert_eq!(status_code("200"), Some(StatusCode::Code(200)));
        assert_eq!(status_code("4XX"), Some(StatusCode::Range(4)));
        assert_eq!(status_code("default"), Some(StatusCode::Default));
        assert_eq!(status_code("600"), None);
        assert_eq!(status_code("ok"), None);
    }

    #[test]
    fn media_kinds() {
        assert_eq!(
            media_kind("application/json; charset=utf-8", true),
            MediaKind::Json
        );
        assert_eq!(
            media_kind("application/vnd.api+json", true),
            MediaKind::Json
        );
        assert_eq!(
            media_kind("application/x-www-form-urlencoded", true),
            MediaKind::Form
        );
        assert_eq!(
            media_kind("multipart/form-data", true),
            MediaKind::Multipart
        );
        assert_eq!(media_kind("text/plain", true), MediaKind::Text);
        assert_eq!(media_kind("application/xml", true), MediaKind::Text);
        assert_eq!(
            media_kind("application/octet-stream", true),
            MediaKind::Binary
        );
        assert_eq!(media_kind("image/png", false), MediaKind::Binary);
        assert_eq!(media_kind("*/*", true), MediaKind::Json);
        assert_eq!(media_kind("*/*", false), MediaKind::Binary);
    }
}
