//! Paths and webhooks → operations: parameters, request and response bodies.

use serde_json::Value;

use super::{Hint, Lowerer, docs};
use crate::ir::*;
use crate::load::Loc;
use crate::names::{self, Namespace};

impl Lowerer<'_> {
    pub(super) fn operations(&mut self, root: &Loc) -> Vec<Operation> {
        let mut operation_names = Namespace::with_reserved(CLIENT_METHODS);
        let mut operations = Vec::new();
        for (section, webhook) in [("paths", false), ("webhooks", true)] {
            let section_loc = root.child(section);
            let Some(keys) = self.map_at(&section_loc) else {
                continue;
            };
            let section_loc = self.follow_or_report(&section_loc);
            for path in keys {
                let item = self.follow_or_report(&section_loc.child(&path));
                let Some(Value::Object(methods)) = self.sources.get(&item) else {
                    self.error(&item, "expected a path item (an object)");
                    continue;
                };
                if methods.contains_key("additionalOperations") {
                    self.warning(&item.child("additionalOperations"), "`additionalOperations` (OpenAPI 3.2 methods outside the standard set) are not generated");
                }
                for (method_name, method) in Method::ALL {
                    if methods.contains_key(method_name) {
                        let at = item.child(method_name);
                        let operation = self.operation(
                            &item,
                            &at,
                            method,
                            &path,
                            webhook,
                            &mut operation_names,
                        );
                        operations.push(operation);
                    }
                }
            }
        }
        operations
    }

    fn operation(
        &mut self,
        item: &Loc,
        at: &Loc,
        method: Method,
        path: &str,
        webhook: bool,
        taken: &mut Namespace,
    ) -> Operation {
        let get = |key: &str| self.sources.get(&at.child(key));
        let text = |key: &str| get(key).and_then(Value::as_str).unwrap_or_default();
        let base_name = match get("operationId").and_then(Value::as_str) {
            Some(id) if !id.trim().is_empty() => names::snake(id),
            _ if webhook => names::snake(&format!("{path} {} webhook", method.as_str())),
            _ => names::snake(&format!("{} {}", method.as_str(), path_words(path))),
        };
        let name = taken.unique(base_name);
        let docs = docs(&[text("summary"), text("description")]);
        let type_base = names::pascal(&name);
        if get("callbacks").is_some() {
            self.warning(&at.child("callbacks"), "callbacks are not generated (they are requests the server sends, not operations of this client)");
        }
        let parameters = self.parameters(item, at, &type_base);
        let parameters_type = self.parameters_type(at, &type_base, &parameters);
        let request_body = self.request_body(at, &type_base);
        let responses = self.responses(at, &type_base);
        let security = self.security_requirements(&at.child("security"));
        Operation {
            name,
            method,
            path: path.to_owned(),
            webhook,
            docs,
            parameters,
            parameters_type,
            request_body,
            responses,
            security,
        }
    }

    /// Path-item parameters, overridden by the operation's own (same name and place).
    fn parameters(&mut self, item: &Loc, at: &Loc, type_base: &str) -> Vec<Parameter> {
        let mut parameters: Vec<Parameter> = Vec::new();
        for list in [item.child("parameters"), at.child("parameters")] {
            let Some(Value::Array(entries)) = self.sources.get(&list) else {
                continue;
            };
            for index in 0..entries.len() {
                let Some(parameter) = self.parameter(&list.index(index), type_base) else {
                    continue;
                };
                parameters.retain(|p| {
                    (p.wire_name.as_str(), p.location)
                        != (parameter.wire_name.as_str(), parameter.location)
                });
                parameters.push(parameter);
            }
        }
        let mut field_names = Namespace::default();
        for parameter in &mut parameters {
            parameter.name = field_names.unique(parameter.name.clone());
        }
        parameters
    }

    fn parameter(&mut self, loc: &Loc, type_base: &str) -> Option<Parameter> {
        let loc = self.follow_or_report(loc);
        let Some(Value::Object(map)) = self.sources.get(&loc) else {
            self.error(&loc, "expected a parameter (an object)");
            return None;
        };
        let (Some(wire_name), Some(location)) = (
            map.get("name").and_then(Value::as_str),
            map.get("in").and_then(Value::as_str),
        ) else {
            self.error(&loc, "a parameter needs `name` and `in`");
            return None;
        };
        let location = match location {
            "path" => ParameterLocation::Path,
            "query" => ParameterLocation::Query,
            "header" => ParameterLocation::Header,
            "cookie" => ParameterLocation::Cookie,
            "querystring" => {
                self.warning(&loc.child("in"), "`in: querystring` (OpenAPI 3.2: the whole query string as one value) is not generated; the parameter is left out");
                return None;
            }
            other => {
                self.error(
                    &loc.child("in"),
                    format!("unknown parameter location {other:?}"),
                );
                return None;
            }
        };
        let required = location == ParameterLocation::Path
            || map
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
        let hint = Hint::context(&format!("{type_base} {}", names::pascal(wire_name)));
        let schema = match self.media_schema(&loc.child("content")) {
            Some((_, schema)) => Some(schema),
            None => map.contains_key("schema").then(|| loc.child("schema")),
        };
        let ty = match &schema {
            Some(schema) => self.schema(schema, &hint).into_type(),
            None => TypeRef::Any,
        };
        self.holder_examples(&loc, schema.as_ref(), &ty);
        let docs = super::schema::schema_docs(map);
        Some(Parameter {
            name: names::snake(wire_name),
            wire_name: wire_name.to_owned(),
            location,
            ty,
            required,
            docs,
        })
    }

    /// A struct of an operation's parameters, so callers fill them by name.
    fn parameters_type(
        &mut self,
        at: &Loc,
        type_base: &str,
        parameters: &[Parameter],
    ) -> Option<TypeId> {
        if parameters.is_empty() {
            return None;
        }
        let fields = parameters
            .iter()
            .map(|p| Field {
                name: p.name.clone(),
                wire_name: p.wire_name.clone(),
                ty: p.ty.clone(),
                presence: if p.required {
                    Presence::Required
                } else {
                    Presence::Optional
                },
                docs: p.docs.clone(),
                secret: false,
                access: Access::ReadWrite,
            })
            .collect();
        let id = self.reserve_name(
            &at.child("parameters"),
            &serde_json::Map::new(),
            &Hint::context(&format!("{type_base}Params")),
        );
        self.types[id.0].docs = Docs(vec![format!(
            "Parameters of `{}`.",
            names::snake(type_base)
        )]);
        self.fill(
            id,
            TypeKind::Struct(Struct {
                fields,
                additional: None,
                closed: false,
            }),
        );
        Some(id)
    }

    fn request_body(&mut self, at: &Loc, type_base: &str) -> Option<Body> {
        let loc = at.child("requestBody");
        self.sources.get(&loc)?;
        let loc = self.follow_or_report(&loc);
        let required = self
            .sources
            .get(&loc.child("required"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let (media_type, schema) = self.media_schema(&loc.child("content"))?;
        let ty = self
            .schema(&schema, &Hint::context(&format!("{type_base} Request")))
            .into_type();
        self.holder_examples(&loc.child("content").child(&media_type), Some(&schema), &ty);
        Some(Body {
            media_type,
            ty,
            required,
        })
    }

    fn responses(&mut self, at: &Loc, type_base: &str) -> Vec<Response> {
        let responses_loc = at.child("responses");
        let Some(keys) = self.map_at(&responses_loc) else {
            return Vec::new();
        };
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
            let body = self
                .media_schema(&loc.child("content"))
                .map(|(media_type, schema)| {
                    let ty = self.schema(&schema, &Hint::context(&hint)).into_type();
                    let holder = loc.child("content").child(&media_type);
                    self.holder_examples(&holder, Some(&schema), &ty);
                    Body {
                        media_type,
                        ty,
                        required: true,
                    }
                });
            responses.push(Response {
                status,
                docs: docs(&[description]),
                body,
            });
        }
        responses
    }

    /// The media type this client speaks (JSON first, then forms) and its schema.
    fn media_schema(&mut self, content: &Loc) -> Option<(String, Loc)> {
        let Value::Object(media) = self.sources.get(content)? else {
            return None;
        };
        let rank = |media_type: &str| {
            let media_type = media_type.to_ascii_lowercase();
            if media_type == "application/json" {
                Some(0)
            } else if media_type.contains("json") || media_type == "*/*" {
                Some(1)
            } else if media_type == "application/x-www-form-urlencoded" {
                Some(2)
            } else if media_type == "multipart/form-data" {
                Some(3)
            } else {
                None
            }
        };
        let (media_type, _) = media
            .iter()
            .filter_map(|(k, _)| Some((k, rank(k)?)))
            .min_by_key(|(_, r)| *r)?;
        let schema = content.child(media_type).child("schema");
        if self.sources.get(&schema).is_none() {
            let item_schema = content.child(media_type).child("itemSchema");
            if self.sources.get(&item_schema).is_some() {
                self.warning(&item_schema, "`itemSchema` (OpenAPI 3.2 streamed items) is not generated; the body is untyped");
            }
            return None;
        }
        Some((media_type.clone(), schema))
    }
}

/// `200`, `2XX` or `default`.
fn status_code(key: &str) -> Option<StatusCode> {
    if key == "default" {
        return Some(StatusCode::Default);
    }
    if let Ok(code) = key.parse::<u16>() {
        return (100..600).contains(&code).then_some(StatusCode::Code(code));
    }
    let bytes = key.as_bytes();
    match bytes {
        [class @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => {
            Some(StatusCode::Range(u16::from(class - b'0')))
        }
        _ => None,
    }
}

/// `/users/{id}/keys` → `users by id keys`.
fn path_words(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(parameter) => format!("by {parameter}"),
                None => segment.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join(" ")
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
    fn names_from_paths() {
        assert_eq!(
            names::snake(&format!("post {}", path_words("/oauth/token"))),
            "post_oauth_token"
        );
        assert_eq!(
            names::snake(&format!("get {}", path_words("/pets/{petId}"))),
            "get_pets_by_pet_id"
        );
    }
}
