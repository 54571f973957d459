//! The `Server` enum: one variant per absolute server URL of the document, its
//! variables as fields, plus `Custom` for any other base URL. Printed as text.

use super::docs::code_span;
use super::printer::{MARGIN, block, doc_comments, line, list_within, literal, own_doc_comments};
use crate::ir::*;
use crate::names::{self, Namespace};

pub fn server_enum(w: &mut String, api: &Api) {
    let mut variant_names = Namespace::with_reserved(&["Custom"]);
    let servers: Vec<(String, &Server)> = api
        .servers
        .iter()
        .filter(|s| is_absolute(&s.url))
        .map(|server| {
            let label = server
                .description
                .clone()
                .unwrap_or_else(|| host(&server.url));
            (variant_names.unique(names::pascal(&label)), server)
        })
        .collect();
    let listed = if servers.is_empty() {
        "The document lists no absolute server URL: give the base URL with [`Server::Custom`]."
    } else {
        "The document's servers, in its order, plus any other URL. There is no default: the app chooses."
    };
    own_doc_comments(
        w,
        0,
        &[
            "Where the API is served.".into(),
            String::new(),
            listed.into(),
        ],
    );
    w.push_str(ENUM_OPENING);
    for (name, server) in &servers {
        variant(w, name, server);
    }
    w.push_str(BETWEEN_VARIANTS_AND_ARMS);
    for (name, server) in &servers {
        base_url_arm(w, name, server);
    }
    w.push_str(ARMS_CLOSING);
}

/// The enum's fixed lines, around its variants and `base_url`'s match arms.
const ENUM_OPENING: &str = "\
#[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq)]
pub enum Server {
";
const BETWEEN_VARIANTS_AND_ARMS: &str = "    \
    /// Any other base URL: `https://…`, or `http://` to a loopback address.
    Custom(::std::string::String),
}
impl Server {
    /// The validated base URL.
    pub fn base_url(
        &self,
    ) -> ::std::result::Result<::auth_runtime::BaseUrl, ::auth_runtime::ConfigError> {
        match self {
";
const ARMS_CLOSING: &str = "            \
            Self::Custom(url) => ::auth_runtime::BaseUrl::parse(url),
        }
    }
}
";

fn variant(w: &mut String, name: &str, server: &Server) {
    let mut lines = server.description.iter().cloned().collect::<Vec<_>>();
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(code_span(&server.url));
    doc_comments(w, 1, &Docs(lines));
    if server.variables.is_empty() {
        line(w, 1, &format!("{name},"));
        return;
    }
    line(w, 1, &format!("{name} {{"));
    for variable in &server.variables {
        let mut lines = variable.docs.0.clone();
        if let Some(default) = &variable.default {
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.push(format!("The document's default: {}.", code_span(default)));
        }
        doc_comments(w, 2, &Docs(lines));
        line(w, 2, &format!("{}: ::std::string::String,", variable.name));
    }
    line(w, 1, "},");
}

/// The URL put together from its text and the variables' values.
fn base_url_arm(w: &mut String, name: &str, server: &Server) {
    let (pattern, url) = if server.variables.is_empty() {
        (format!("Self::{name}"), literal(&server.url))
    } else {
        let fields: Vec<&str> = server.variables.iter().map(|v| v.name.as_str()).collect();
        let parts: Vec<String> = server
            .template
            .iter()
            .map(|part| match part {
                UrlPart::Text(text) => literal(text),
                UrlPart::Variable(index) => {
                    format!("{}.as_str()", server.variables[*index].name)
                }
            })
            .collect();
        let pattern = format!("Self::{name} {{ {} }}", fields.join(", "));
        (
            pattern,
            list_within(MARGIN - 24, "&[", &parts, "].concat()"),
        )
    };
    let one_line = format!("{pattern} => ::auth_runtime::BaseUrl::parse({url}),");
    if 12 + one_line.len() <= MARGIN {
        line(w, 3, &one_line);
        return;
    }
    // Too long for a line: the call in a block, its argument on a line of its own
    // when that is still too long (the formatter's layout).
    line(w, 3, &format!("{pattern} => {{"));
    let call = list_within(MARGIN - 16, "::auth_runtime::BaseUrl::parse(", &[url], ")");
    block(w, 4, &call);
    line(w, 3, "}");
}

/// Only absolute URLs make a variant; a relative one needs the app's base.
fn is_absolute(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with('{')
}

fn host(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .split('/')
        .next()
        .unwrap_or(after_scheme)
        .to_owned()
}
