//! Examples checked against their schemas by an independent JSON Schema validator (the
//! `jsonschema` crate, with no file or network access): every loaded file is a resource
//! under its `file://` URI, so `$ref`s resolve as the loader resolved them. OpenAPI 3.1
//! schemas are JSON Schema 2020-12. OpenAPI 3.0 schemas are draft 4 once
//! `nullable: true` is spelled as JSON Schema spells it, which for a schema without a
//! `type` means wrapping it in `anyOf: [it, {type: null}]`: locations inside a wrapper
//! move one level down, and every `$ref` is rewritten to match. Formats are annotations
//! (as in OpenAPI 3.1): not checked.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use jsonschema::{Draft, Registry, Validator};
use serde_json::{Map, Value, json};

use crate::load::{FileId, Loc, Sources, unescape_segment};

/// Why an example was not accepted.
pub(super) enum Failure {
    /// The example contradicts its schema: the first reason.
    Invalid(String),
    /// The validator could not read the schema.
    Unreadable(String),
}

/// What the validator reads: the loaded trees (3.1), or their draft-4 spellings (3.0).
pub(super) struct Trees {
    draft: Draft,
    /// 3.0 only: the draft-4 trees, which also say where a location moved.
    spelled: Option<Vec<Value>>,
}

impl Trees {
    pub fn new(sources: &Sources) -> Trees {
        let version = sources
            .get(&sources.entry().child("openapi"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !version.starts_with("3.0") {
            return Trees {
                draft: Draft::Draft202012,
                spelled: None,
            };
        }
        let mut trees: Vec<Value> = sources.files().map(|(_, f)| f.root.clone()).collect();
        draft_4_trees(sources, &mut trees);
        Trees {
            draft: Draft::Draft4,
            spelled: Some(trees),
        }
    }
}

pub(super) struct Checker<'s> {
    sources: &'s Sources,
    /// Each file's URI in the registry.
    uris: Vec<String>,
    draft: Draft,
    /// Borrows the trees rather than copying them (a copy of every document was about a
    /// tenth of a Lago run).
    registry: Option<Registry<'s>>,
    spelled: Option<&'s [Value]>,
    /// One validator per schema location.
    validators: RefCell<HashMap<Loc, Result<Rc<Validator>, String>>>,
}

/// The longest reason kept from the validator (it quotes the example).
const MAX_REASON: usize = 240;

/// Marks a wrapper made for `nullable: true`.
const WRAPPER: &str = "x-nullable-wrapper";

impl<'s> Checker<'s> {
    pub fn new(sources: &'s Sources, trees: &'s Trees) -> Checker<'s> {
        let spelled = trees.spelled.as_deref();
        let uris = file_uris(sources);
        let resources: Vec<(String, &Value)> = sources
            .files()
            .zip(&uris)
            .map(|((id, file), uri)| {
                let tree = spelled.map_or(&file.root, |spelled| &spelled[id.index()]);
                (uri.clone(), tree)
            })
            .collect();
        let registry = Registry::new()
            .draft(trees.draft)
            .extend(resources)
            .and_then(|builder| builder.prepare())
            .ok();
        Checker {
            sources,
            uris,
            draft: trees.draft,
            registry,
            spelled,
            validators: RefCell::default(),
        }
    }

    /// Checks each value against its schema, in order, with one validator for all of
    /// them: compiling a schema compiles everything it references, which the schemas of
    /// a document's examples mostly share (Box: one build per schema was a fifth of its
    /// run). The values are checked as the properties `"0"`, `"1"`… of one object, and
    /// each error goes to the value its path starts in.
    pub fn check_all(&self, sites: &[(&Loc, &Value)]) -> Vec<Result<(), Failure>> {
        let schemas: Vec<Loc> = sites
            .iter()
            .map(|(schema, value)| self.subtype(schema, value))
            .collect();
        let Ok(validator) = self.build_all(&schemas) else {
            // Some schema cannot be read: each on its own, to tell which.
            return sites
                .iter()
                .map(|(schema, value)| self.check(schema, value))
                .collect();
        };
        let instance: Map<String, Value> = sites
            .iter()
            .enumerate()
            .map(|(index, (_, value))| (index.to_string(), (*value).clone()))
            .collect();
        let instance = Value::Object(instance);
        let mut verdicts: Vec<Result<(), Failure>> = sites.iter().map(|_| Ok(())).collect();
        for error in validator.iter_errors(&instance) {
            let path = error.instance_path().to_string();
            // `/i`, or `/i/…`: the value's index, then where in the value.
            let inside = path.strip_prefix('/').unwrap_or_default();
            let (index, at) = inside
                .find('/')
                .map_or((inside, ""), |end| inside.split_at(end));
            let verdict = index.parse().ok().and_then(|i: usize| verdicts.get_mut(i));
            if let Some(verdict @ Ok(())) = verdict {
                *verdict = Err(Failure::Invalid(reason(&error, at)));
            }
        }
        verdicts
    }

    pub fn check(&self, schema: &Loc, value: &Value) -> Result<(), Failure> {
        let schema = self.subtype(schema, value);
        let validator = self.validator(&schema).map_err(Failure::Unreadable)?;
        match validator.iter_errors(value).next() {
            Some(error) => Err(Failure::Invalid(reason(
                &error,
                &error.instance_path().to_string(),
            ))),
            None => Ok(()),
        }
    }

    /// A base schema with a discriminator (and no `oneOf`) says which subtype a value
    /// is: the value is checked against that subtype, as the generated type decodes it.
    /// (JSON Schema itself gives `discriminator` no meaning.)
    fn subtype(&self, schema: &Loc, value: &Value) -> Loc {
        let Ok(base) = self.sources.follow(schema) else {
            return schema.clone();
        };
        let Some(map) = self.sources.get(&base).and_then(Value::as_object) else {
            return schema.clone();
        };
        if map.contains_key("oneOf") || map.contains_key("anyOf") {
            return schema.clone();
        }
        let discriminator = map.get("discriminator");
        let property = discriminator
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str);
        let tag = property.and_then(|p| value.get(p)).and_then(Value::as_str);
        let Some(tag) = tag else {
            return schema.clone();
        };
        // The mapping's target (a reference or a bare name), else the component named so.
        let target = discriminator
            .and_then(|d| d.get("mapping")?.get(tag))
            .and_then(Value::as_str)
            .unwrap_or(tag);
        let reference = if target.contains(['#', '/']) {
            target.to_owned()
        } else {
            format!("#/components/schemas/{target}")
        };
        self.sources
            .resolve(&base, &reference)
            .unwrap_or_else(|_| schema.clone())
    }

    fn validator(&self, schema: &Loc) -> Result<Rc<Validator>, String> {
        if let Some(found) = self.validators.borrow().get(schema) {
            return found.clone();
        }
        let built = self.build(schema);
        self.validators
            .borrow_mut()
            .insert(schema.clone(), built.clone());
        built
    }

    fn build(&self, schema: &Loc) -> Result<Rc<Validator>, String> {
        self.compile(&json!({ "$ref": self.uri_of(schema) }))
            .map(Rc::new)
    }

    /// One validator whose property `"i"` is `schemas[i]`.
    fn build_all(&self, schemas: &[Loc]) -> Result<Validator, String> {
        let properties: Map<String, Value> = schemas
            .iter()
            .enumerate()
            .map(|(index, schema)| (index.to_string(), json!({ "$ref": self.uri_of(schema) })))
            .collect();
        self.compile(&json!({ "properties": properties }))
    }

    fn compile(&self, schema: &Value) -> Result<Validator, String> {
        let registry = self
            .registry
            .as_ref()
            .ok_or("the documents are not valid JSON Schema resources")?;
        jsonschema::options()
            .with_draft(self.draft)
            .with_registry(registry)
            .should_validate_formats(false)
            .build(schema)
            .map_err(|e| e.to_string())
    }

    /// Where `schema` is in the registry: in the draft-4 tree, it may have moved.
    fn uri_of(&self, schema: &Loc) -> String {
        let pointer = match self.spelled {
            Some(trees) => moved_pointer(&trees[schema.file.index()], &schema.pointer),
            None => schema.pointer.clone(),
        };
        schema_uri(&self.uris[schema.file.index()], &pointer)
    }
}

/// Why a value fails, from the validator's first error, with where in the value (`at`,
/// a JSON pointer) when not at its root.
fn reason(error: &jsonschema::ValidationError, at: &str) -> String {
    let mut reason = error.to_string();
    if reason.chars().count() > MAX_REASON {
        reason = reason.chars().take(MAX_REASON).collect::<String>() + "…";
    }
    if !at.is_empty() {
        reason.push_str(&format!(" (at `{at}`)"));
    }
    reason
}

/// Draft-4 spellings of 3.0 trees: `nullable` rewritten, then every `$ref` pointed at
/// where its target now is.
fn draft_4_trees(sources: &Sources, trees: &mut [Value]) {
    let mut wrapped = false;
    for tree in trees.iter_mut() {
        wrapped |= spell_nullable(tree);
    }
    if !wrapped {
        // Every node is where it was: the references still lead where they did.
        return;
    }
    // Where each reference leads, found on the original trees.
    let mut references: Vec<(FileId, String, Loc)> = Vec::new();
    for (file, source) in sources.files() {
        for (pointer, reference) in references_in(&source.root) {
            let holder = Loc {
                file,
                pointer: pointer.clone(),
            };
            if let Ok(target) = sources.resolve(&holder, &reference) {
                references.push((file, pointer, target));
            }
        }
    }
    let uris = file_uris(sources);
    // Read every new `$ref` first, then write them: writes change no wrapper.
    let moved: Vec<(FileId, String, String)> = references
        .into_iter()
        .map(|(file, pointer, target)| {
            let target_pointer = moved_pointer(&trees[target.file.index()], &target.pointer);
            let uri = schema_uri(&uris[target.file.index()], &target_pointer);
            (file, moved_pointer(&trees[file.index()], &pointer), uri)
        })
        .collect();
    for (file, holder, uri) in moved {
        if let Some(Value::Object(map)) = trees[file.index()].pointer_mut(&holder) {
            map.insert("$ref".into(), Value::String(uri));
        }
    }
}

/// One step from a node to a child.
enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

/// Every `$ref` string in a tree, with the pointer of the object holding it. The path
/// to the node in hand is kept as steps, and spelled only for the objects holding a
/// `$ref`.
fn references_in(root: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut path: Vec<Step> = Vec::new();
    // Each pending node with its depth and the step that reaches it (none for the root).
    let mut pending: Vec<(usize, Option<Step>, &Value)> = vec![(0, None, root)];
    while let Some((depth, step, value)) = pending.pop() {
        path.truncate(depth.saturating_sub(1));
        path.extend(step);
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    found.push((spelled_pointer(&path), reference.clone()));
                }
                for (key, child) in map {
                    pending.push((depth + 1, Some(Step::Key(key)), child));
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    pending.push((depth + 1, Some(Step::Index(index)), child));
                }
            }
            _ => {}
        }
    }
    found
}

/// The JSON pointer of `path`.
fn spelled_pointer(path: &[Step]) -> String {
    let mut pointer = String::new();
    for step in path {
        pointer.push('/');
        match step {
            Step::Key(key) => pointer.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Step::Index(index) => pointer.push_str(&index.to_string()),
        }
    }
    pointer
}

/// `nullable: true` as draft 4 says it: `null` added to `type` and `enum`; a schema
/// without a `type` wrapped in `anyOf [it, {type: null}]`. Whether anything was wrapped.
fn spell_nullable(root: &mut Value) -> bool {
    let mut wrapped = false;
    let mut pending = vec![root];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(map) => {
                if map.get("nullable") == Some(&Value::Bool(true)) {
                    wrapped |= allow_null(map);
                }
                pending.extend(map.values_mut());
            }
            Value::Array(items) => pending.extend(items.iter_mut()),
            _ => {}
        }
    }
    wrapped
}

fn allow_null(map: &mut Map<String, Value>) -> bool {
    map.remove("nullable");
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
    match map.get_mut("type") {
        Some(Value::String(single)) => {
            let single = std::mem::take(single);
            map.insert("type".into(), json!([single, "null"]));
            false
        }
        Some(_) => false,
        None => {
            let schema = Value::Object(std::mem::take(map));
            map.insert("anyOf".into(), json!([schema, {"type": "null"}]));
            map.insert(WRAPPER.into(), Value::Bool(true));
            true
        }
    }
}

/// Where the node at `pointer` of the original tree is in the draft-4 tree: one level
/// down (`/anyOf/0`) inside every wrapper passed on the way.
fn moved_pointer(tree: &Value, pointer: &str) -> String {
    let mut node = Some(tree);
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        if let Some(inner) = node.and_then(|n| n.get(WRAPPER).and(n.pointer("/anyOf/0"))) {
            out.push_str("/anyOf/0");
            node = Some(inner);
        }
        out.push('/');
        out.push_str(segment);
        let key = unescape_segment(segment);
        node = node.and_then(|n| match n {
            Value::Object(map) => map.get(&key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        });
    }
    out
}

/// Each loaded file's `file://` URI, by file.
fn file_uris(sources: &Sources) -> Vec<String> {
    sources
        .files()
        .map(|(id, _)| file_uri(&sources.path_of(id)))
        .collect()
}

/// The URI of the schema at `pointer` of the file at `file_uri`.
fn schema_uri(file_uri: &str, pointer: &str) -> String {
    format!("{file_uri}#{}", encode(pointer, true))
}

/// `file://` and the absolute path, percent-encoded.
fn file_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    format!("file://{}", encode(&absolute.to_string_lossy(), false))
}

/// Percent-encodes all but unreserved characters and `/` (and `~`, which JSON pointers
/// escape with).
fn encode(text: &str, fragment: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'/' | b'~')
            || (!fragment && byte == b':');
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_is_spelled_for_draft_4() {
        let mut tree = json!({"a": {"type": "string", "nullable": true},
            "b": {"$ref": "#/x", "nullable": true},
            "c": {"enum": ["x"], "type": "string", "nullable": true}});
        assert!(spell_nullable(&mut tree));
        assert_eq!(tree["a"], json!({"type": ["string", "null"]}));
        assert_eq!(
            tree["b"],
            json!({"anyOf": [{"$ref": "#/x"}, {"type": "null"}], WRAPPER: true})
        );
        assert_eq!(
            tree["c"],
            json!({"enum": ["x", null], "type": ["string", "null"]})
        );
    }

    #[test]
    fn locations_inside_wrappers_move_down() {
        let mut tree = json!({"s": {"nullable": true, "allOf": [{"properties": {"id": {}}}]}});
        spell_nullable(&mut tree);
        assert_eq!(
            moved_pointer(&tree, "/s/allOf/0/properties/id"),
            "/s/anyOf/0/allOf/0/properties/id"
        );
        assert_eq!(moved_pointer(&tree, "/s"), "/s");
        assert_eq!(moved_pointer(&tree, "/missing/x"), "/missing/x");
    }

    #[test]
    fn checking_together_gives_each_value_its_own_verdict() {
        let dir = std::env::temp_dir().join(format!("validate-batch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let entry = dir.join("api.json");
        let document = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {}, "components": {"schemas": {
                "Pet": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string"},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}}},
                "Tag": {"type": "string", "maxLength": 3},
                "Maybe": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Tag"}]}}}});
        std::fs::write(&entry, document.to_string()).unwrap();
        let sources = Sources::load(&entry, &crate::load::Limits::default()).unwrap();
        let schema = |name: &str| Loc {
            file: sources.entry().file,
            pointer: format!("/components/schemas/{name}"),
        };
        let (pet, tag, maybe) = (schema("Pet"), schema("Tag"), schema("Maybe"));
        let values = [
            json!({"name": "a", "tags": ["ok"]}),
            json!({"tags": ["ok", "too long"]}),
            json!({"name": "b", "tags": ["ok", "toolong"]}),
            json!("abcd"),
            Value::Null,
            json!("ab"),
        ];
        let schemas = [&pet, &pet, &pet, &tag, &maybe, &maybe];
        let sites: Vec<(&Loc, &Value)> = schemas.into_iter().zip(&values).collect();
        let trees = Trees::new(&sources);
        let checker = Checker::new(&sources, &trees);
        let verdict = |outcome: &Result<(), Failure>| match outcome {
            Ok(()) => "ok".to_owned(),
            Err(Failure::Invalid(why) | Failure::Unreadable(why)) => why.clone(),
        };
        let together: Vec<String> = checker.check_all(&sites).iter().map(verdict).collect();
        // One validator for all: none was built per schema.
        assert!(checker.validators.borrow().is_empty());
        let alone: Vec<String> = sites
            .iter()
            .map(|(schema, value)| verdict(&checker.check(schema, value)))
            .collect();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(together, alone);
        assert_eq!(together[0], "ok");
        assert!(
            together[1].contains("\"name\" is a required property"),
            "{}",
            together[1]
        );
        assert!(together[2].ends_with("(at `/tags/1`)"), "{}", together[2]);
        assert!(!together[3].contains("(at"), "{}", together[3]);
        assert_eq!(&together[4..], ["ok", "ok"]);
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(encode("/paths/~1a b/{id}", true), "/paths/~1a%20b/%7Bid%7D");
        assert_eq!(file_uri(Path::new("/a b/c.yaml")), "file:///a%20b/c.yaml");
    }
}
