//! Lowering: a loaded document → [`Api`]. Every schema becomes a type once, however
//! many `$ref`s reach it; problems are collected, never fatal one by one.

mod auth;
mod cycles;
mod operation;
mod schema;
mod security;

use std::collections::HashMap;

use serde_json::Value;

use crate::diagnostic::Severity;
use crate::ir::*;
use crate::load::{Loc, Problem, Sources};
use crate::names::Namespace;

/// How to name a type made for a schema, if one is needed.
#[derive(Debug, Clone)]
pub struct Hint {
    name: String,
    /// A component key: wins over `title`, and the schema gets a named type even
    /// when it is no struct or enum.
    component: bool,
}

impl Hint {
    pub fn component(key: &str) -> Hint {
        Hint {
            name: key.to_owned(),
            component: true,
        }
    }

    pub fn context(name: &str) -> Hint {
        Hint {
            name: name.to_owned(),
            component: false,
        }
    }

    /// The hint for a schema nested in this one.
    fn suffixed(&self, suffix: &str) -> Hint {
        Hint::context(&format!("{} {suffix}", self.name))
    }

    /// The same name for a schema that stands in for this one (a lone `allOf` part).
    fn inner(&self) -> Hint {
        Hint::context(&self.name)
    }
}

pub struct Lowerer<'s> {
    sources: &'s Sources,
    types: Vec<TypeDef>,
    /// The named type made for the schema at a location.
    memo: HashMap<Loc, TypeId>,
    type_names: Namespace,
    problems: Vec<Problem>,
}

/// Lowers the document whose entry file is the first of `sources`.
pub fn lower(sources: &Sources) -> (Api, Vec<Problem>) {
    let mut lowerer = Lowerer {
        sources,
        types: Vec::new(),
        memo: HashMap::new(),
        type_names: Namespace::default(),
        problems: Vec::new(),
    };
    let root = sources.entry();
    let info = sources.get(&root.child("info")).and_then(Value::as_object);
    let text = |key: &str| {
        info.and_then(|i| i.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (title, version) = (text("title"), text("version"));
    let api_docs = docs(&[&title, &text("description")]);
    lowerer.component_schemas(&root);
    let operations = lowerer.operations(&root);
    let servers = lowerer.servers(&root);
    let security_schemes = lowerer.security_schemes(&root);
    let default_security = lowerer
        .security_requirements(&root.child("security"))
        .unwrap_or_default();
    let mut types = std::mem::take(&mut lowerer.types);
    cycles::box_recursive_fields(&mut types);
    let mut api = Api {
        title,
        version,
        docs: api_docs,
        servers,
        types,
        operations,
        security_schemes,
        default_security,
        auth_flows: Vec::new(),
    };
    api.auth_flows = lowerer.auth_flows(&root, &api);
    (api, lowerer.problems)
}

impl Lowerer<'_> {
    fn component_schemas(&mut self, root: &Loc) {
        let Some(schemas) = self.map_at(&root.child("components").child("schemas")) else {
            return;
        };
        for key in schemas {
            let loc = self
                .follow_or_report(&root.child("components").child("schemas"))
                .child(&key);
            let lowered = self.schema(&loc, &Hint::component(&key));
            let own = self
                .sources
                .follow(&loc)
                .ok()
                .and_then(|target| self.memo.get(&target).copied());
            if !matches!(lowered.ty, TypeRef::Named(id) if Some(id) == own) {
                // A component that only renames another type (or a nullable one) still gets its name.
                let name = self.type_names.unique(crate::names::pascal(&key));
                let origin = self.origin(&loc);
                self.types.push(TypeDef {
                    name,
                    docs: Docs::default(),
                    kind: TypeKind::Alias(lowered.into_type()),
                    nullable: false,
                    origin,
                });
            }
        }
    }

    fn servers(&mut self, root: &Loc) -> Vec<Server> {
        let Some(Value::Array(servers)) = self.sources.get(&root.child("servers")) else {
            return Vec::new();
        };
        servers
            .iter()
            .filter_map(|server| {
                let url = server.get("url")?.as_str()?.to_owned();
                let description = server
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                Some(Server { url, description })
            })
            .collect()
    }

    /// Keys of the object at `loc` (following a `$ref` on the object itself, as
    /// multi-file documents do for whole component maps).
    fn map_at(&mut self, loc: &Loc) -> Option<Vec<String>> {
        let target = self.follow_or_report(loc);
        match self.sources.get(&target)? {
            Value::Object(map) => Some(map.keys().filter(|k| *k != "$ref").cloned().collect()),
            other => {
                let kind = schema::kind_of(other);
                self.error(loc, format!("expected an object, found {kind}"));
                None
            }
        }
    }

    /// Where `loc` leads after `$ref`s; a broken chain is reported and `loc` returned.
    fn follow_or_report(&mut self, loc: &Loc) -> Loc {
        match self.sources.follow(loc) {
            Ok(target) => target,
            Err(message) => {
                self.error(&loc.child("$ref"), message);
                loc.clone()
            }
        }
    }

    fn origin(&self, loc: &Loc) -> String {
        let file = &self.sources.file(loc.file).path;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!("{name}#{}", loc.pointer)
    }

    fn error(&mut self, loc: &Loc, message: impl Into<String>) {
        self.problem(Severity::Error, loc, message.into());
    }

    fn warning(&mut self, loc: &Loc, message: impl Into<String>) {
        self.problem(Severity::Warning, loc, message.into());
    }

    fn problem(&mut self, severity: Severity, loc: &Loc, message: String) {
        let problem = Problem {
            severity,
            loc: loc.clone(),
            message,
        };
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }
}

/// Documentation lines from texts, blank texts skipped, tabs expanded.
pub fn docs(texts: &[&str]) -> Docs {
    let mut lines = Vec::new();
    for text in texts.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(
            text.lines()
                .map(|line| line.trim_end().replace('\t', "    ")),
        );
    }
    Docs(lines)
}
