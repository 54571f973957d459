//! Paths and webhooks → operations and their parameters (with where and how each is
//! written). Bodies and responses are in `media.rs`.

use serde_json::Value;

use super::{Hint, Lowerer, docs};
use crate::ir::*;
use crate::load::{Loc, Member};
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
        let deprecated = get("deprecated").and_then(Value::as_bool) == Some(true);
        let tags = match get("tags") {
            Some(Value::Array(tags)) => tags
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        let type_base = names::pascal(&name);
        if get("callbacks").is_some() {
            self.warning(&at.child("callbacks"), "callbacks are not generated (they are requests the server sends, not operations of this client)");
        }
        let mut parameters = self.parameters(item, at, &type_base);
        if !webhook {
            self.match_path_parameters(at, path, &mut parameters);
        }
        let parameters_type = self.parameters_type(at, &type_base, &parameters);
        let request_body = self.request_body(at, &type_base);
        let responses = self.responses(at, &type_base);
        let security = self.security_requirements(&at.child("security"));
        Operation {
            name,
            method,
            path: path.to_owned(),
            webhook,
            deprecated,
            tags,
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
                match parameters.iter_mut().find(|p| {
                    (p.wire_name.as_str(), p.location)
                        == (parameter.wire_name.as_str(), parameter.location)
                }) {
                    Some(existing) => *existing = parameter,
                    None => parameters.push(parameter),
                }
            }
        }
        let mut field_names = Namespace::with_reserved(&["body", "params"]);
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
            map.member("name").and_then(Value::as_str),
            map.member("in").and_then(Value::as_str),
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
        if location == ParameterLocation::Header
            && ["accept", "content-type", "authorization"]
                .contains(&wire_name.to_ascii_lowercase().as_str())
        {
            // OpenAPI: these header parameters are ignored (the media types and the
            // security schemes say them).
            return None;
        }
        let required = location == ParameterLocation::Path
            || map
                .member("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
        let hint = Hint::context(&format!("{type_base} {}", names::pascal(wire_name)));
        let content = self.media_schema(&loc.child("content"));
        let json = content.is_some();
        let schema = match content {
            Some((_, schema)) => Some(schema),
            None => map.contains_key("schema").then(|| loc.child("schema")),
        };
        let ty = match &schema {
            Some(schema) => self.schema(schema, &hint).into_type(),
            None => TypeRef::Any,
        };
        self.holder_examples(&loc, schema.as_ref(), &ty);
        let samples = if self.samples {
            self.samples(&loc, schema.as_ref())
        } else {
            Vec::new()
        };
        let (style, explode) = self.style(&loc, map, location);
        Some(Parameter {
            name: names::snake(wire_name),
            wire_name: wire_name.to_owned(),
            location,
            ty,
            required,
            docs: super::schema::schema_docs(map),
            style,
            explode,
            allow_reserved: map.member("allowReserved").and_then(Value::as_bool) == Some(true),
            json,
            deprecated: map.member("deprecated").and_then(Value::as_bool) == Some(true),
            samples,
        })
    }

    /// `style` and `explode`, with OpenAPI's defaults for the location.
    pub(super) fn style(
        &mut self,
        loc: &Loc,
        map: &serde_json::Map<String, Value>,
        location: ParameterLocation,
    ) -> (ParameterStyle, bool) {
        let default = match location {
            ParameterLocation::Query | ParameterLocation::Cookie => ParameterStyle::Form,
            ParameterLocation::Path | ParameterLocation::Header => ParameterStyle::Simple,
        };
        let style = match map.member("style").and_then(Value::as_str) {
            None => default,
            Some(name) => match parameter_style(name) {
                Some(style) => style,
                None => {
                    self.warning(
                        &loc.child("style"),
                        format!("unknown style {name:?}; the location's default is used"),
                    );
                    default
                }
            },
        };
        let explode = map
            .member("explode")
            .and_then(Value::as_bool)
            .unwrap_or(style == ParameterStyle::Form);
        (style, explode)
    }

    /// Path parameters and the path's `{name}`s, matched: every `{name}` gets a path
    /// parameter (else requests would carry the literal braces), one the document does
    /// not declare is reported and made a string; a declared path parameter the path
    /// does not name could never be sent, so it is reported and left out.
    fn match_path_parameters(&mut self, at: &Loc, path: &str, parameters: &mut Vec<Parameter>) {
        let named = template_names(path);
        parameters.retain(|p| {
            let unused =
                p.location == ParameterLocation::Path && !named.contains(&p.wire_name.as_str());
            if unused {
                self.warning(
                    at,
                    format!(
                        "path parameter `{}` is not in the path {path:?}; it is left out",
                        p.wire_name
                    ),
                );
            }
            !unused
        });
        for name in named {
            let known = parameters
                .iter()
                .any(|p| p.location == ParameterLocation::Path && p.wire_name == name);
            if known {
                continue;
            }
            self.warning(at, format!("the path names `{{{name}}}` but the operation declares no such path parameter; it is generated as a string argument"));
            let mut taken = Namespace::with_reserved(&["body", "params"]);
            for parameter in parameters.iter() {
                taken.unique(parameter.name.clone());
            }
            parameters.push(Parameter {
                name: taken.unique(names::snake(name)),
                wire_name: name.to_owned(),
                location: ParameterLocation::Path,
                ty: TypeRef::Scalar(Scalar::String),
                required: true,
                docs: Docs::default(),
                style: ParameterStyle::Simple,
                explode: false,
                allow_reserved: false,
                json: false,
                deprecated: false,
                samples: vec![Value::String("sample".into())],
            });
        }
    }

    /// A struct of an operation's query, header and cookie parameters, so callers fill
    /// them by name; path parameters are arguments of their own.
    fn parameters_type(
        &mut self,
        at: &Loc,
        type_base: &str,
        parameters: &[Parameter],
    ) -> Option<TypeId> {
        let fields: Vec<Field> = parameters
            .iter()
            .filter(|p| p.location != ParameterLocation::Path)
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
                secret: crate::lower::schema::is_secret(&p.name, &Value::Null),
                access: Access::ReadWrite,
            })
            .collect();
        if fields.is_empty() {
            return None;
        }
        let id = self.reserve_name(
            &at.child("parameters"),
            &serde_json::Map::new(),
            &Hint::context(&format!("{type_base}Params")),
        );
        self.types[id.0].docs = Docs(vec![format!(
            "Query, header and cookie parameters of `{}`.",
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
}

pub(super) fn parameter_style(name: &str) -> Option<ParameterStyle> {
    Some(match name {
        "simple" => ParameterStyle::Simple,
        "label" => ParameterStyle::Label,
        "matrix" => ParameterStyle::Matrix,
        "form" => ParameterStyle::Form,
        "spaceDelimited" => ParameterStyle::SpaceDelimited,
        "pipeDelimited" => ParameterStyle::PipeDelimited,
        "deepObject" => ParameterStyle::DeepObject,
        _ => return None,
    })
}

/// The `{name}`s of a path template.
pub fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .filter(|name| !name.is_empty())
        .collect()
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
    fn names_from_paths() {
        assert_eq!(
            names::snake(&format!("post {}", path_words("/oauth/token"))),
            "post_oauth_token"
        );
        assert_eq!(
            names::snake(&format!("get {}", path_words("/pets/{petId}"))),
            "get_pets_by_pet_id"
        );
        assert_eq!(template_names("/a/{x}/b/{y}.json"), vec!["x", "y"]);
    }
}
