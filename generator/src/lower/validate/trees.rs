//! What the validator reads. For OpenAPI 3.1 that is the loaded trees as they are
//! (JSON Schema 2020-12). For 3.0 it is a copy holding only what the examples' schemas
//! reach (the schemas and everything their `$ref`s lead to, each at its own pointer;
//! Box's paths and descriptions are most of its document), spelled as draft 4 spells
//! `nullable: true`, which for a schema without a `type` means wrapping it in
//! `anyOf: [it, {type: null}]`: locations inside a wrapper move one level down, and
//! every `$ref` is rewritten to match.

use std::collections::HashSet;

use jsonschema::Draft;
use serde_json::{Map, Value, json};

use super::{file_uris, is_openapi_3_0, schema_uri};
use crate::load::{FileId, Loc, Member, Sources, lookup, objects, references, unescape_segment};

/// Marks a wrapper made for `nullable: true`.
pub(super) const WRAPPER: &str = "x-nullable-wrapper";

/// The trees the validator reads, and the schema each value is checked against.
pub(in crate::lower) struct Trees {
    pub(super) draft: Draft,
    /// 3.0 only: the draft-4 copies, which also say where a location moved.
    pub(super) spelled: Option<Vec<Value>>,
    /// Each value's schema, as its discriminator picks it.
    pub(super) schemas: Vec<Loc>,
    /// Which files the validator reads (3.1: Lago's 520 files, indexed for 123 values,
    /// were a tenth of its run).
    pub(super) read: Vec<bool>,
}

impl Trees {
    /// The trees for checking each value of `sites` against its schema.
    pub fn new(sources: &Sources, sites: &[(&Loc, &Value)]) -> Trees {
        let schemas: Vec<Loc> = sites
            .iter()
            .map(|(schema, value)| subtype(sources, schema, value))
            .collect();
        let every_file = vec![true; sources.files().count()];
        if !is_openapi_3_0(sources) {
            let read = files_reached(sources, &schemas).unwrap_or(every_file);
            return Trees {
                draft: Draft::Draft202012,
                spelled: None,
                schemas,
                read,
            };
        }
        let mut trees = reachable_copies(sources, &schemas);
        draft_4_trees(sources, &mut trees);
        Trees {
            draft: Draft::Draft4,
            spelled: Some(trees),
            schemas,
            read: every_file,
        }
    }
}

/// The files of `schemas` and those their `$ref`s lead to, transitively, whole files
/// at a time (the validator's registry follows every `$ref` of a file it reads).
/// `None` where the validator may need more than the loader can tell: a `$ref` that
/// leads nowhere the loader knows, a `$id` (a resource `$ref`s may name by URI) or a
/// `$dynamicRef` (which the loader does not follow).
fn files_reached(sources: &Sources, schemas: &[Loc]) -> Option<Vec<bool>> {
    let mut read = vec![false; sources.files().count()];
    let mut pending: Vec<FileId> = schemas.iter().map(|schema| schema.file).collect();
    while let Some(file) = pending.pop() {
        if std::mem::replace(&mut read[file.index()], true) {
            continue;
        }
        let root = sources.file(file);
        if names_by_uri(&root.root) {
            return None;
        }
        let at = Loc {
            file,
            pointer: String::new(),
        };
        for reference in references(&root.root) {
            pending.push(sources.resolve(&at, reference).ok()?.file);
        }
    }
    Some(read)
}

/// Whether a tree has a `$id` or a `$dynamicRef` anywhere.
fn names_by_uri(root: &Value) -> bool {
    objects(root).any(|map| map.contains_key("$id") || map.contains_key("$dynamicRef"))
}

/// A base schema with a discriminator (and no `oneOf`) says which subtype a value
/// is: the value is checked against that subtype, as the generated type decodes it.
/// (JSON Schema itself gives `discriminator` no meaning.)
fn subtype(sources: &Sources, schema: &Loc, value: &Value) -> Loc {
    let Ok(base) = sources.follow(schema) else {
        return schema.clone();
    };
    let Some(map) = sources.get(&base).and_then(Value::as_object) else {
        return schema.clone();
    };
    if map.contains_key("oneOf") || map.contains_key("anyOf") {
        return schema.clone();
    }
    let discriminator = map.member("discriminator");
    let property = discriminator
        .and_then(|d| d.member("propertyName"))
        .and_then(Value::as_str);
    let tag = property.and_then(|p| value.get(p)).and_then(Value::as_str);
    let Some(tag) = tag else {
        return schema.clone();
    };
    // The mapping's target (a reference or a bare name), else the component named so.
    let target = discriminator
        .and_then(|d| d.member("mapping")?.get(tag))
        .and_then(Value::as_str)
        .unwrap_or(tag);
    let reference = if target.contains(['#', '/']) {
        target.to_owned()
    } else {
        format!("#/components/schemas/{target}")
    };
    sources
        .resolve(&base, &reference)
        .unwrap_or_else(|_| schema.clone())
}

/// Copies of the loaded files holding only the subtrees at `roots` and those their
/// `$ref`s reach, transitively, each at its own pointer. A container on the way to a
/// subtree holds only that way (an array keeps its length, its other items `{}`), so
/// every pointer, and every `$ref`, still leads where it did.
fn reachable_copies(sources: &Sources, roots: &[Loc]) -> Vec<Value> {
    // The pointers reached, by file; each reference (by the file it is in) followed once.
    let mut reached: Vec<HashSet<String>> = sources.files().map(|_| HashSet::new()).collect();
    let mut followed: HashSet<(FileId, &str)> = HashSet::new();
    let mut frontier: Vec<Loc> = roots.to_vec();
    while !frontier.is_empty() {
        // Sorted, a location comes before those inside it, which are then skipped.
        frontier.sort_unstable();
        frontier.dedup();
        let mut next = Vec::new();
        for loc in frontier {
            let file = &mut reached[loc.file.index()];
            let pointer = loc.pointer.as_str();
            if file.contains(pointer) || below(file, pointer) {
                continue;
            }
            let Some(subtree) = sources.get(&loc) else {
                continue;
            };
            for reference in references(subtree) {
                if followed.insert((loc.file, reference)) {
                    next.extend(sources.resolve(&loc, reference).ok());
                }
            }
            file.insert(loc.pointer);
        }
        frontier = next;
    }
    let mut copies: Vec<Value> = sources.files().map(|_| json!({})).collect();
    for ((id, source), pointers) in sources.files().zip(&reached) {
        for pointer in pointers {
            // Only the outermost: those inside it come with it.
            if below(pointers, pointer) {
                continue;
            }
            if let Some(subtree) = lookup(&source.root, pointer) {
                graft(
                    &mut copies[id.index()],
                    &source.root,
                    pointer,
                    subtree.clone(),
                );
            }
        }
    }
    copies
}

/// Whether a node above the one at `pointer` (the root included) is in `pointers`.
fn below(pointers: &HashSet<String>, pointer: &str) -> bool {
    pointer
        .rmatch_indices('/')
        .any(|(end, _)| pointers.contains(&pointer[..end]))
}

/// Puts `subtree` at `pointer` of `copy`, making the containers on the way as the
/// `original` tree has them.
fn graft(copy: &mut Value, original: &Value, pointer: &str, subtree: Value) {
    let mut node = copy;
    let mut source = original;
    for segment in pointer.split('/').skip(1) {
        let key = unescape_segment(segment);
        (node, source) = match (source, node) {
            (Value::Object(originals), node) => {
                let Some(next) = originals.get(&key) else {
                    return;
                };
                if !node.is_object() {
                    *node = json!({});
                }
                let Value::Object(map) = node else {
                    return;
                };
                (map.entry(key).or_insert_with(|| json!({})), next)
            }
            (Value::Array(originals), node) => {
                let Some((index, next)) = key
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| Some((i, originals.get(i)?)))
                else {
                    return;
                };
                if !node.is_array() {
                    *node = Value::Array(vec![json!({}); originals.len()]);
                }
                let Value::Array(items) = node else {
                    return;
                };
                (&mut items[index], next)
            }
            _ => return,
        };
    }
    *node = subtree;
}

/// Draft-4 spellings of 3.0 trees: `nullable` rewritten, then every `$ref` pointed at
/// where its target now is.
fn draft_4_trees(sources: &Sources, trees: &mut [Value]) {
    // The references, found before spelling moves what holds them.
    let holders: Vec<(FileId, Vec<(String, String)>)> = sources
        .files()
        .zip(trees.iter())
        .map(|((file, _), tree)| (file, references_in(tree)))
        .collect();
    let mut wrapped = false;
    for tree in trees.iter_mut() {
        wrapped |= spell_nullable(tree);
    }
    if !wrapped {
        // Every node is where it was: the references still lead where they did.
        return;
    }
    // Where each reference leads.
    let mut references: Vec<(FileId, String, Loc)> = Vec::new();
    for (file, found) in holders {
        for (pointer, reference) in found {
            let holder = Loc { file, pointer };
            if let Ok(target) = sources.resolve(&holder, &reference) {
                references.push((file, holder.pointer, target));
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
                if let Some(Value::String(reference)) = map.member("$ref") {
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
                if map.member("nullable") == Some(&Value::Bool(true)) {
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
pub(super) fn moved_pointer(tree: &Value, pointer: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_hold_only_what_the_schemas_reach() {
        let schema = json!({"type": "array", "items": {"$ref": "#/components/schemas/A"}});
        let document = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/p": {"get": {"summary": "not a schema", "responses": {"200": {
                "description": "d", "content": {"application/json": {"schema": schema}}}}}}},
            "components": {"schemas": {
                "A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"$ref": "other.json#/C"}]},
                "B": {"type": "object", "nullable": true},
                "Unreached": {"type": "string"},
                "D": {"anyOf": [{"type": "string"}, {"type": "integer", "example": 1}]}}}});
        let other = json!({"C": {"type": "integer"}, "E": {}});
        let files = [("api.json", &document), ("other.json", &other)];
        let (dir, sources) = super::super::load_files("copies", &files);
        let file = sources.entry().file;
        let at = |pointer: &str| Loc {
            file,
            pointer: pointer.to_owned(),
        };
        let roots = [
            at("/paths/~1p/get/responses/200/content/application~1json/schema"),
            at("/components/schemas/D/anyOf/1"),
            // Inside a root already reached: nothing more.
            at("/components/schemas/A/allOf/0"),
        ];
        let copies = reachable_copies(&sources, &roots);
        let schemas = &document["components"]["schemas"];
        let expected = json!({
            "paths": {"/p": {"get": {"responses": {"200": {
                "content": {"application/json": {"schema": schema}}}}}}},
            "components": {"schemas": {"A": schemas["A"], "B": schemas["B"],
                "D": {"anyOf": [{}, schemas["D"]["anyOf"][1]]}}}});
        assert_eq!(copies[0], expected);
        assert_eq!(copies[1], json!({"C": {"type": "integer"}}));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_validator_reads_the_files_the_schemas_lead_to() {
        let document = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"A": {"$ref": "a.json#/A"},
                "U": {"$ref": "unreached.json#/U"}}}});
        let a = json!({"A": {"type": "string", "pattern": "^a"}, "B": {"$ref": "b.json"}});
        let b = json!({"type": "integer"});
        let unreached = json!({"U": {"type": "string"}});
        let with_id = json!({"A": {"$ref": "b.json"}, "B": {"$id": "https://x.test/b"}});
        let dangling = json!({"A": {"$ref": "b.json#/missing"}});
        let dynamic = json!({"A": {"$dynamicRef": "b.json#node"}});
        let read = |test: &str, a: &Value| {
            let files = [("api.json", &document), ("a.json", a), ("b.json", &b)];
            let files = [&files[..], &[("unreached.json", &unreached)]].concat();
            let (dir, sources) = super::super::load_files(test, &files);
            let names: Vec<String> = sources
                .files()
                .map(|(_, f)| f.path.file_name().unwrap().to_string_lossy().into_owned())
                .collect();
            let a = sources
                .files()
                .find(|(_, f)| f.path.ends_with("a.json"))
                .unwrap()
                .0;
            let schema = Loc {
                file: a,
                pointer: "/A".to_owned(),
            };
            let read = files_reached(&sources, &[schema]).map(|read| {
                let mut read: Vec<&str> = (names.iter().zip(read))
                    .filter_map(|(name, read)| read.then_some(name.as_str()))
                    .collect();
                read.sort_unstable();
                read.join(" ")
            });
            std::fs::remove_dir_all(&dir).unwrap();
            read
        };
        // Whole files: `B` is not the schema's, but the registry reads all of `a.json`.
        assert_eq!(read("reached", &a).as_deref(), Some("a.json b.json"));
        assert_eq!(read("with-id", &with_id), None);
        assert_eq!(read("dangling", &dangling), None);
        assert_eq!(read("dynamic", &dynamic), None);
    }

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
}
