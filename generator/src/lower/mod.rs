//! Lowering: a loaded document → [`Api`]. Every schema becomes a type once, however
//! many `$ref`s reach it; problems are collected, never fatal one by one.
//!
//! Lowering never recurses through a `$ref`: component schemas get their names (and
//! type ids) before any is lowered, and any other referenced schema gets its id when
//! first referenced and is lowered later from a queue. So the call depth is bounded by
//! how deeply one schema is written, not by how long a chain of references is.

mod arena;
mod composition;
mod constant_tags;
mod cycles;
mod enums;
mod examples;
mod inheritance;
mod media;
mod nullable;
mod objects;
mod operation;
mod sample_scalars;
mod samples;
mod schema;
mod security;
mod servers;
mod token_flows;
mod token_ops;
#[cfg(feature = "examples")]
mod validate;

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::Value;

use crate::diagnostic::Severity;
use crate::ir::*;
use crate::load::{Loc, Problem, Sources};
use crate::names::Namespace;

/// What a component schema becomes.
enum Component {
    /// The type of the schema at this location (its own, or the one it points to).
    Own(Loc),
    /// An alias of the type another component's `$ref` leads to.
    Alias(TypeId),
}

/// How to name a type made for a schema, if one is needed.
#[derive(Debug, Clone)]
pub struct Hint {
    name: String,
    /// A component key: wins over `title`.
    component: bool,
    /// The schema gets a named type even when it is no struct or enum (an alias).
    named: bool,
    /// The type id reserved for this schema by a wrapper that passes through to it
    /// (`anyOf: [{...}, {type: 'null'}]`): the inline schema fills it.
    into: Option<TypeId>,
}

impl Hint {
    pub fn component(key: &str) -> Hint {
        Hint {
            name: key.to_owned(),
            component: true,
            named: true,
            into: None,
        }
    }

    pub fn context(name: &str) -> Hint {
        Hint {
            name: name.to_owned(),
            component: false,
            named: false,
            into: None,
        }
    }

    /// The hint for a schema nested in this one.
    fn suffixed(&self, suffix: &str) -> Hint {
        Hint::context(&format!("{} {suffix}", self.name))
    }

    /// The same name for a schema that stands in for this one (a lone `allOf` part, the
    /// one branch of a nullable union), which takes over the reserved type.
    fn inner(&self, into: Option<TypeId>) -> Hint {
        Hint {
            into,
            ..Hint::context(&self.name)
        }
    }
}

pub struct Lowerer<'s> {
    sources: &'s Sources,
    types: Vec<TypeDef>,
    /// Whether each type's kind is known yet (reserved types start as placeholders).
    defined: Vec<bool>,
    /// The named type made (or reserved) for the schema at a location.
    memo: HashMap<Loc, TypeId>,
    /// Referenced schemas whose type is reserved but not yet lowered.
    pending: VecDeque<(Loc, Hint)>,
    /// Component schemas that `allOf` each schema in (see `inheritance.rs`).
    children: HashMap<Loc, Vec<Loc>>,
    type_names: Namespace,
    problems: Vec<Problem>,
    reported: HashSet<Problem>,
    example_sites: Vec<examples::Site>,
    /// Schemas whose examples are recorded.
    examples_seen: HashSet<Loc>,
    /// Lowering a multipart body: `format: binary` strings are file parts (bytes).
    binary_strings: bool,
    /// Whether parameters and request bodies get sample values.
    samples: bool,
    /// `date-time`, `date`, `uuid` and `byte` strings get types of their own.
    typed_formats: bool,
    /// What `allOf` may still cost (see `objects::composition_budget`); `None` once
    /// spent and reported.
    composition_left: Option<usize>,
}

/// Lowers the document whose entry file is the first of `sources`.
pub fn lower(sources: &Sources, samples: bool, typed_formats: bool) -> (Api, Vec<Problem>) {
    let mut lowerer = Lowerer {
        sources,
        types: Vec::new(),
        defined: Vec::new(),
        memo: HashMap::new(),
        pending: VecDeque::new(),
        children: HashMap::new(),
        type_names: Namespace::default(),
        problems: Vec::new(),
        reported: HashSet::new(),
        example_sites: Vec::new(),
        examples_seen: HashSet::new(),
        binary_strings: false,
        samples,
        typed_formats,
        composition_left: Some(objects::composition_budget(sources)),
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
    if sources.get(&root.child("$self")).is_some() {
        lowerer.warning(&root.child("$self"), "`$self` (OpenAPI 3.2) is not used: relative references resolve against the document's own location");
    }
    lowerer.component_schemas(&root);
    let operations = lowerer.operations(&root);
    lowerer.drain();
    let servers = lowerer.servers(&root);
    let mut security_schemes = lowerer.security_schemes(&root);
    name_setters(&mut security_schemes, &operations);
    let default_security = lowerer
        .security_requirements(&root.child("security"))
        .unwrap_or_default();
    let mut types = std::mem::take(&mut lowerer.types);
    cycles::break_cycles(&mut types);
    constant_tags::tag_unions(&mut types);
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
        examples: lowerer.examples(),
    };
    api.auth_flows = lowerer.auth_flows(&root, &api);
    token_ops::mark_served(&mut api);
    (api, lowerer.problems)
}

impl Lowerer<'_> {
    /// Every component schema: names first, in document order, so a component key is
    /// never displaced by an inline type; then contents.
    fn component_schemas(&mut self, root: &Loc) {
        let at = root.child("components").child("schemas");
        let Some(keys) = self.map_at(&at) else {
            return;
        };
        let at = self.follow_or_report(&at);
        let components: Vec<(Loc, Hint)> = keys
            .iter()
            .map(|key| (at.child(key), Hint::component(key)))
            .collect();
        let mut roles: Vec<Option<Component>> = Vec::with_capacity(components.len());
        // Schemas of their own first, so that a `$ref` component never takes their name.
        for (loc, hint) in &components {
            let own = self.is_own_schema(loc) && self.reserve_schema(loc, hint).is_some();
            roles.push(own.then(|| Component::Own(loc.clone())));
        }
        for ((loc, hint), role) in components.iter().zip(&mut roles) {
            if role.is_some() {
                continue;
            }
            // `A: {$ref: 'a.yaml'}` names the schema it points to, unless that has a name.
            *role = Some(match self.sources.follow(loc) {
                Ok(content)
                    if !self.memo.contains_key(&content)
                        && self.reserve_schema(&content, hint).is_some() =>
                {
                    Component::Own(content)
                }
                _ => Component::Alias(self.reserve_name(loc, &serde_json::Map::new(), hint)),
            });
        }
        let own: Vec<Loc> = roles
            .iter()
            .filter_map(|role| match role {
                Some(Component::Own(content)) => Some(content.clone()),
                _ => None,
            })
            .collect();
        self.index_inheritance(&own);
        for ((loc, hint), role) in components.iter().zip(roles) {
            match role {
                Some(Component::Own(content)) => self.define(&content, hint),
                Some(Component::Alias(id)) => {
                    let lowered = self.schema(loc, hint);
                    self.fill(id, TypeKind::Alias(lowered.ty));
                    self.types[id.0].nullable = lowered.nullable;
                }
                None => {}
            }
            self.drain();
        }
    }

    fn is_own_schema(&self, loc: &Loc) -> bool {
        matches!(self.sources.get(loc), Some(Value::Object(map)) if !map.contains_key("$ref"))
    }

    /// Lowers every reserved schema still waiting, in the order they were referenced.
    fn drain(&mut self) {
        while let Some((loc, hint)) = self.pending.pop_front() {
            self.define(&loc, &hint);
        }
    }

    /// Keys of the object at `loc` (following a `$ref` on the object itself, as
    /// multi-file documents do for whole component maps).
    fn map_at(&mut self, loc: &Loc) -> Option<Vec<String>> {
        let target = self.follow_or_report(loc);
        match self.sources.get(&target)? {
            Value::Object(map) => Some(map.keys().filter(|k| *k != "$ref").cloned().collect()),
            other => {
                let kind = crate::load::kind_of(other);
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

    /// A warning that involves a second place (a conflicting definition).
    fn warning_with(&mut self, loc: &Loc, related: &Loc, message: impl Into<String>) {
        self.record(Problem {
            severity: Severity::Warning,
            loc: loc.clone(),
            message: message.into(),
            related: Some(related.clone()),
        });
    }

    fn problem(&mut self, severity: Severity, loc: &Loc, message: String) {
        self.record(Problem {
            severity,
            loc: loc.clone(),
            message,
            related: None,
        });
    }

    fn record(&mut self, problem: Problem) {
        if self.reported.insert(problem.clone()) {
            self.problems.push(problem);
        }
    }
}

/// `with_<scheme>` for each security scheme, unique among the client's methods.
fn name_setters(schemes: &mut [SecurityScheme], operations: &[Operation]) {
    let mut taken = Namespace::with_reserved(CLIENT_METHODS);
    for operation in operations {
        taken.unique(operation.name.clone());
    }
    for scheme in schemes {
        scheme.setter = taken.unique(format!("with_{}", crate::names::snake(&scheme.key)));
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
