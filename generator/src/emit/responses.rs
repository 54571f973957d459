//! The documented answers of an operation: a success type (an enum when 2xx statuses
//! have different bodies), an error type by status, and the code that decodes each.

use super::printer::{doc_comments, line, list, match_arms};
use super::types::qualified_type_text;
use crate::ir::*;

/// What the documented answers of one kind (successes, or errors) decode to.
pub(super) struct Outcome {
    /// Each documented status with the content decoded from it (`None`: no body).
    statuses: Vec<(StatusCode, Option<Content>)>,
    /// Several different bodies: an enum with a variant per status.
    by_status: bool,
}

impl Outcome {
    pub(super) fn success(operation: &Operation) -> Outcome {
        let mut statuses: Vec<_> = operation
            .responses
            .iter()
            .filter(|r| r.status.is_success())
            .map(|r| (r.status, r.preferred().cloned()))
            .collect();
        if statuses.is_empty() {
            // No documented success: the `default` answer is it.
            statuses.extend(
                operation
                    .responses
                    .iter()
                    .filter(|r| r.status == StatusCode::Default)
                    .map(|r| (r.status, r.preferred().cloned())),
            );
        }
        Outcome::new(statuses)
    }

    pub(super) fn failure(operation: &Operation) -> Outcome {
        let statuses = operation
            .responses
            .iter()
            .filter(|r| !r.status.is_success())
            .filter_map(|r| Some((r.status, Some(r.preferred()?.clone()))))
            .collect();
        Outcome::new(statuses)
    }

    fn new(statuses: Vec<(StatusCode, Option<Content>)>) -> Outcome {
        let shapes: Vec<Option<(MediaKind, &TypeRef)>> = statuses
            .iter()
            .map(|(_, c)| c.as_ref().map(|c| (c.kind, &c.ty)))
            .collect();
        let by_status = shapes.windows(2).any(|pair| pair[0] != pair[1]);
        Outcome {
            statuses,
            by_status,
        }
    }

    /// The single content all statuses share, when they share one.
    fn single(&self) -> Option<&Content> {
        if self.by_status {
            return None;
        }
        self.statuses.iter().find_map(|(_, c)| c.as_ref())
    }

    /// The Rust type of the answers: the enum `enum_name` when it is by status.
    pub(super) fn type_text(&self, api: &Api, enum_name: &str) -> String {
        if self.by_status {
            return enum_name.to_owned();
        }
        match self.single() {
            Some(content) => content_type(api, content),
            None if self.statuses.is_empty() => "::serde_json::Value".to_owned(),
            None => "()".to_owned(),
        }
    }

    /// The enum of the answers by status, appended to `out` behind `cfg`; nothing when
    /// they share one type.
    pub(super) fn enumeration(
        &self,
        out: &mut String,
        api: &Api,
        (name, what): (&str, &str),
        cfg: Option<&str>,
    ) {
        if !self.by_status {
            return;
        }
        doc_comments(out, 0, &Docs(vec![what.to_owned()]));
        super::types::cfg_line(out, cfg);
        line(out, 0, "#[derive(::std::fmt::Debug, ::std::clone::Clone)]");
        line(out, 0, &format!("pub enum {name} {{"));
        for (status, content) in &self.statuses {
            let variant = status_variant(*status);
            match content {
                Some(content) => {
                    line(
                        out,
                        1,
                        &format!("{variant}({}),", content_type(api, content)),
                    );
                }
                None => line(out, 1, &format!("{variant},")),
            }
        }
        line(out, 0, "}");
    }

    /// The closure decoding a success: by status when the enum says so.
    pub(super) fn decode_success(&self, api: &Api, enum_name: &str) -> String {
        if !self.by_status {
            let call = match self.single() {
                Some(content) => decode_call(api, content),
                None if self.statuses.is_empty() => "response.json_or_null()".to_owned(),
                None => "response.empty()".to_owned(),
            };
            return format!("|_status, response| {call}");
        }
        let arm = |pattern: &str, status: StatusCode, content: &Option<Content>| {
            let variant = status_variant(status);
            match content {
                Some(content) => {
                    let call = decode_call(api, content);
                    format!("{pattern} => {call}.map({enum_name}::{variant}),")
                }
                None => format!("{pattern} => ::std::result::Result::Ok({enum_name}::{variant}),"),
            }
        };
        let mut arms: Vec<String> = self
            .statuses
            .iter()
            .map(|(status, content)| arm(&status_pattern(*status), *status, content))
            .collect();
        arms.extend(
            self.statuses
                .first()
                .map(|(status, content)| arm("_", *status, content)),
        );
        status_match(
            "|status: ::auth_runtime::StatusCode, response: &::auth_runtime::RawResponse|",
            &arms,
        )
    }

    /// The closure decoding a documented error body, leniently (`None` when it does not
    /// match).
    pub(super) fn decode_error(&self, api: &Api, enum_name: &str) -> String {
        if !self.by_status {
            return match self.single() {
                Some(content) => {
                    let decode = error_decode(api, content);
                    let status = match content.kind {
                        MediaKind::Text | MediaKind::Binary => "_status",
                        _ => "status",
                    };
                    format!("|{status}: ::auth_runtime::StatusCode, body: &[u8]| {decode}")
                }
                None => "::auth_runtime::lenient_json".to_owned(),
            };
        }
        let mut ordered: Vec<&(StatusCode, Option<Content>)> = self.statuses.iter().collect();
        // Exact codes before ranges before `default`.
        ordered.sort_by_key(|(status, _)| match status {
            StatusCode::Code(_) => 0,
            StatusCode::Range(_) => 1,
            StatusCode::Default => 2,
        });
        let mut arms: Vec<String> = ordered
            .iter()
            .filter_map(|(status, content)| {
                let content = content.as_ref()?;
                let (pattern, variant) = (status_pattern(*status), status_variant(*status));
                let decode = error_decode(api, content);
                Some(format!(
                    "{pattern} => {decode}.map({enum_name}::{variant}),"
                ))
            })
            .collect();
        if !ordered.iter().any(|(s, _)| *s == StatusCode::Default) {
            arms.push("_ => ::std::option::Option::None,".to_owned());
        }
        status_match("|status: ::auth_runtime::StatusCode, body: &[u8]|", &arms)
    }
}

/// `closure match status.as_u16() { arms }`.
fn status_match(closure: &str, arms: &[String]) -> String {
    match_arms(&format!("{closure} match status.as_u16() {{"), arms)
}

/// An error body as documented, from `status` and `body` (`None` when JSON does not
/// match; text and bytes always decode).
fn error_decode(api: &Api, content: &Content) -> String {
    match content.kind {
        MediaKind::Text => {
            "::std::option::Option::Some(::std::string::String::from_utf8_lossy(body).into_owned())"
                .to_owned()
        }
        MediaKind::Binary => {
            "::std::option::Option::Some(::auth_runtime::Bytes::copy_from_slice(body))".to_owned()
        }
        _ => list(
            &format!(
                "::auth_runtime::lenient_json::<{}>(",
                content_type(api, content)
            ),
            &["status".to_owned(), "body".to_owned()],
            ")",
        ),
    }
}

/// The Rust type of a content as decoded.
pub(super) fn content_type(api: &Api, content: &Content) -> String {
    match content.kind {
        MediaKind::Text => "::std::string::String".to_owned(),
        MediaKind::Binary => "::auth_runtime::Bytes".to_owned(),
        _ => qualified_type_text(api, &content.ty),
    }
}

fn decode_call(api: &Api, content: &Content) -> String {
    match content.kind {
        MediaKind::Text => "response.text()".to_owned(),
        MediaKind::Binary => "response.bytes()".to_owned(),
        _ => format!("response.json::<{}>()", content_type(api, content)),
    }
}

/// `Status200`, `Status4xx`, `Default`.
fn status_variant(status: StatusCode) -> String {
    match status {
        StatusCode::Code(code) => format!("Status{code}"),
        StatusCode::Range(class) => format!("Status{class}xx"),
        StatusCode::Default => "Default".to_owned(),
    }
}

/// The `match` pattern of a status (on `status.as_u16()`).
fn status_pattern(status: StatusCode) -> String {
    match status {
        StatusCode::Code(code) => code.to_string(),
        StatusCode::Range(class) => format!("{}..={}", class * 100, class * 100 + 99),
        StatusCode::Default => "_".to_owned(),
    }
}
