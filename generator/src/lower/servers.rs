//! `servers` → [`Server`]s: the URL template split into text and variables, each
//! variable once (a template may repeat one) under a unique Rust name.

use serde_json::Value;

use super::{Lowerer, docs};
use crate::ir::*;
use crate::load::{Loc, Member};
use crate::names::{self, Namespace};

impl Lowerer<'_> {
    pub(super) fn servers(&mut self, root: &Loc) -> Vec<Server> {
        let at = root.child("servers");
        let Some(Value::Array(servers)) = self.sources.get(&at) else {
            return Vec::new();
        };
        (0..servers.len())
            .filter_map(|index| self.server(&at.index(index)))
            .collect()
    }

    fn server(&mut self, loc: &Loc) -> Option<Server> {
        let map = self.sources.get(loc)?.as_object()?;
        let Some(url) = map.member("url").and_then(Value::as_str) else {
            self.warning(loc, "a server without a `url` string is skipped");
            return None;
        };
        let description = map
            .member("description")
            .and_then(Value::as_str)
            .filter(|d| !d.trim().is_empty())
            .map(str::to_owned);
        let declared = map.member("variables").and_then(Value::as_object);
        let mut variables: Vec<ServerVariable> = Vec::new();
        let mut rust_names = Namespace::default();
        let mut template = Vec::new();
        for part in split_template(url) {
            match part {
                Part::Text(text) => template.push(UrlPart::Text(text.to_owned())),
                Part::Variable(wire) => {
                    let index = match variables.iter().position(|v| v.wire_name == wire) {
                        Some(index) => index,
                        None => {
                            let declaration = declared.and_then(|d| d.get(wire));
                            let text = |key: &str| {
                                declaration
                                    .and_then(|d| d.get(key))
                                    .and_then(Value::as_str)
                                    .map(str::to_owned)
                            };
                            variables.push(ServerVariable {
                                name: rust_names.unique(names::snake(wire)),
                                wire_name: wire.to_owned(),
                                default: text("default"),
                                docs: docs(&[&text("description").unwrap_or_default()]),
                            });
                            variables.len() - 1
                        }
                    };
                    template.push(UrlPart::Variable(index));
                }
            }
        }
        Some(Server {
            url: url.to_owned(),
            description,
            variables,
            template,
        })
    }
}

enum Part<'u> {
    Text(&'u str),
    Variable(&'u str),
}

/// `https://{region}.x/{v}` → text, variable, text, variable. Braces that do not
/// enclose a name (`}` alone, `{}`, `{a{b}`) are text.
fn split_template(url: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut text_start = 0;
    let mut search = 0;
    while let Some(open) = url[search..].find('{').map(|i| search + i) {
        let Some(close) = url[open + 1..].find(['{', '}']).map(|i| open + 1 + i) else {
            break;
        };
        let name = &url[open + 1..close];
        if url.as_bytes()[close] == b'{' || name.is_empty() {
            search = close;
            continue;
        }
        if text_start < open {
            parts.push(Part::Text(&url[text_start..open]));
        }
        parts.push(Part::Variable(name));
        text_start = close + 1;
        search = close + 1;
    }
    if text_start < url.len() {
        parts.push(Part::Text(&url[text_start..]));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(url: &str) -> Vec<String> {
        split_template(url)
            .into_iter()
            .map(|p| match p {
                Part::Text(t) => format!("t:{t}"),
                Part::Variable(v) => format!("v:{v}"),
            })
            .collect()
    }

    #[test]
    fn templates_split_into_text_and_variables() {
        assert_eq!(
            shape("https://{region}.x/{region}/v1"),
            ["t:https://", "v:region", "t:.x/", "v:region", "t:/v1"]
        );
        assert_eq!(shape("https://x/}a{"), ["t:https://x/}a{"]);
        assert_eq!(
            shape("https://x/{}{a{b}c"),
            ["t:https://x/{}{a", "v:b", "t:c"]
        );
        assert_eq!(shape("{host}"), ["v:host"]);
    }
}
