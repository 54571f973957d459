//! Request bodies: the body argument of a method, the builder call that writes each
//! media type (JSON, form, multipart, text, bytes), and the enum of a body offered in
//! several media types.

use super::docs::code_span;
use super::operations::style_text;
use super::printer::{block, doc_comments, line, list, literal, match_arms};
use super::types::qualified_type_text;
use crate::ir::*;
use crate::names::Namespace;

/// What writes an operation's body: its argument, and either a call that ends the
/// request's builder chain or a statement that rebinds `request` after it.
pub(super) enum BodyWrite {
    None,
    Call { argument: String, call: String },
    Statement { argument: String, statement: String },
}

/// The body argument and what writes it.
pub(super) fn body(api: &Api, operation: &Operation, enum_name: &str) -> BodyWrite {
    let Some(body) = &operation.request_body else {
        return BodyWrite::None;
    };
    let option = |ty: &str| format!("::std::option::Option<{ty}>");
    if body.contents.len() > 1 {
        let arms: Vec<String> = body
            .contents
            .iter()
            .zip(content_variants(body))
            .map(|(content, variant)| {
                let call = content_call(api, content, "body");
                format!("{enum_name}::{variant}(body) => request{call},")
            })
            .collect();
        let write = match_arms("match &body {", &arms);
        return if body.required {
            BodyWrite::Statement {
                argument: format!("body: {enum_name}"),
                statement: format!("let request = {write};"),
            }
        } else {
            BodyWrite::Statement {
                argument: format!("body: {}", option(enum_name)),
                statement: optional_body(&write),
            }
        };
    }
    let content = &body.contents[0];
    let ty = match content.kind {
        MediaKind::Text => "&str".to_owned(),
        MediaKind::Binary => "::auth_runtime::Bytes".to_owned(),
        _ => format!("&{}", qualified_type_text(api, &content.ty)),
    };
    let call = content_call(api, content, "body");
    if body.required {
        BodyWrite::Call {
            argument: format!("body: {ty}"),
            call,
        }
    } else {
        BodyWrite::Statement {
            argument: format!("body: {}", option(&ty)),
            statement: optional_body(&format!("request{call}")),
        }
    }
}

/// `let request = match body { Some(body) => write, None => request };`
fn optional_body(write: &str) -> String {
    let some = format!("::std::option::Option::Some(body) => {write},");
    let none = "::std::option::Option::None => request,".to_owned();
    format!(
        "let request = {};",
        match_arms("match body {", &[some, none])
    )
}

/// The builder call that writes `value` as `content`.
fn content_call(api: &Api, content: &Content, value: &str) -> String {
    let media_type = literal(&content.media_type);
    match content.kind {
        MediaKind::Json => format!(".json({media_type}, {value})"),
        MediaKind::Form => {
            let encoding: Vec<String> = content
                .encoding
                .iter()
                .map(|e| {
                    let property = literal(&e.property);
                    format!("({property}, {}, {})", style_text(e.style), e.explode)
                })
                .collect();
            let encoding = list("&[", &encoding, "]");
            list(".form(", &[value.to_owned(), encoding], ")")
        }
        MediaKind::Multipart => format!(".multipart({})", multipart(api, content, value)),
        MediaKind::Text => format!(".text({media_type}, {value})"),
        // Bytes are cheap to clone (a reference count).
        MediaKind::Binary => {
            format!(".bytes({media_type}, ::auth_runtime::Bytes::clone(&{value}))")
        }
    }
}

/// A multipart body, part by part: a struct's properties in order, bytes as file parts
/// (named after the property, with the `encoding`'s content type), the rest as text or
/// JSON; any other value as JSON parts.
fn multipart(api: &Api, content: &Content, value: &str) -> String {
    let fields = match &content.ty {
        TypeRef::Named(id) => match &api.type_def(*id).kind {
            TypeKind::Struct(s) => &s.fields,
            _ => return format!("::auth_runtime::Multipart::of_value({value})"),
        },
        _ => return format!("::auth_runtime::Multipart::of_value({value})"),
    };
    let mut out = "{\n".to_owned();
    line(
        &mut out,
        1,
        "let mut form = ::auth_runtime::Multipart::new();",
    );
    for field in fields {
        let name = &field.name;
        let wire = literal(&field.wire_name);
        let encoded = content
            .encoding
            .iter()
            .find(|e| e.property == field.wire_name)
            .and_then(|e| e.content_type.as_deref());
        let file_type = literal(encoded.unwrap_or("application/octet-stream"));
        let file = |part: &str| {
            format!("form.file({wire}, {wire}, {file_type}, ::std::clone::Clone::clone({part}))")
        };
        let part = match &field.ty {
            TypeRef::Binary => file("part"),
            // An array of files is one part per file, all under the property's name.
            TypeRef::Array(item) if **item == TypeRef::Binary => format!(
                "part.iter().fold(form, |form, file| {{\n    {}\n}})",
                file("file")
            ),
            _ if encoded.is_some_and(is_json_media) => format!("form.json({wire}, part)"),
            _ => format!("form.value({wire}, part)"),
        };
        match field.presence {
            Presence::Required => {
                line(&mut out, 1, &format!("let part = &{value}.{name};"));
                block(&mut out, 1, &format!("form = {part};"));
            }
            _ => {
                let head = format!("if let ::std::option::Option::Some(part) = &{value}.{name} {{");
                line(&mut out, 1, &head);
                block(&mut out, 2, &format!("form = {part};"));
                line(&mut out, 1, "}");
            }
        }
    }
    line(&mut out, 1, "form");
    out.push('}');
    out
}

/// `application/json` and `…+json`.
fn is_json_media(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")
}

/// Variant names for a body's media types, by how each is written (`Json`, `Form`,
/// `Multipart`, `Text`, `Bytes`), each once.
fn content_variants(body: &RequestBody) -> Vec<String> {
    let mut taken = Namespace::default();
    body.contents
        .iter()
        .map(|content| {
            let name = match content.kind {
                MediaKind::Binary => "Bytes".to_owned(),
                kind => format!("{kind:?}"),
            };
            taken.unique(name)
        })
        .collect()
}

/// The body enum of an operation that accepts several media types, appended to `out`
/// behind `cfg`.
pub(super) fn body_enum(
    out: &mut String,
    api: &Api,
    (name, body): (&str, &RequestBody),
    cfg: Option<&str>,
) {
    line(
        out,
        0,
        "/// The request body, in one of the media types the operation accepts.",
    );
    super::types::cfg_line(out, cfg);
    line(out, 0, "#[derive(::std::fmt::Debug, ::std::clone::Clone)]");
    line(out, 0, &format!("pub enum {name} {{"));
    for (content, variant) in body.contents.iter().zip(content_variants(body)) {
        let ty = super::responses::content_type(api, content);
        doc_comments(out, 1, &Docs(vec![code_span(&content.media_type)]));
        line(out, 1, &format!("{variant}({ty}),"));
    }
    line(out, 0, "}");
}
