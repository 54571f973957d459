//! Examples checked against their schemas by an independent JSON Schema validator (the
//! `jsonschema` crate, with no file or network access): each loaded file the schemas lead
//! to is a resource under its `file://` URI, so `$ref`s resolve as the loader resolved
//! them. OpenAPI 3.1
//! schemas are JSON Schema 2020-12; 3.0 schemas are draft 4 once spelled so (`trees`).
//! Formats are annotations (as in OpenAPI 3.1): not checked. Values their schemas
//! plainly accept (`plain`) need none of this.

mod plain;
mod trees;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use jsonschema::{Draft, Registry, Validator};
use serde_json::{Map, Value, json};

use crate::load::{Loc, Sources};
pub(in crate::lower) use plain::Plain;
pub(super) use trees::Trees;
use trees::moved_pointer;

/// Why an example was not accepted.
pub(super) enum Failure {
    /// The example contradicts its schema: the first reason.
    Invalid(String),
    /// The validator could not read the schema.
    Unreadable(String),
}

pub(super) struct Checker<'s> {
    /// Each file's URI in the registry.
    uris: Vec<String>,
    draft: Draft,
    /// Borrows the trees rather than copying them (a copy of every document was about a
    /// tenth of a Lago run).
    registry: Option<Registry<'s>>,
    spelled: Option<&'s [Value]>,
    /// Each value's schema.
    schemas: &'s [Loc],
    /// One validator per schema location.
    validators: RefCell<HashMap<Loc, Result<Rc<Validator>, String>>>,
}

/// Why nothing can be checked: the registry could not take the documents.
const UNREADABLE_DOCUMENTS: &str = "the documents are not valid JSON Schema resources";

/// The longest reason kept from the validator (it quotes the example).
const MAX_REASON: usize = 240;

impl<'s> Checker<'s> {
    pub fn new(sources: &'s Sources, trees: &'s Trees) -> Checker<'s> {
        let spelled = trees.spelled.as_deref();
        let uris = file_uris(sources);
        let resources: Vec<(String, &Value)> = sources
            .files()
            .zip(&uris)
            .filter(|((id, _), _)| trees.read[id.index()])
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
            uris,
            draft: trees.draft,
            registry,
            spelled,
            schemas: &trees.schemas,
            validators: RefCell::default(),
        }
    }

    /// Checks each value against its schema (the trees'), a run of schemas at a time
    /// with one validator for the run: compiling a schema compiles everything it
    /// references, which the schemas of a document's examples mostly share (Box: one
    /// build per schema was a fifth of its run), and a run's validator is dropped
    /// before the next is built, so that they reuse its memory (Box: 7% less CPU and
    /// 8 MB less peak than one validator for all). The validator's property `"j"` is
    /// the run's schema `j`.
    pub fn check_all(&self, values: &[&Value]) -> Vec<Result<(), Failure>> {
        const RUN: usize = 200;
        // The distinct schemas, in order of first use, and each value's among them:
        // values that share a schema share its property (a schema in every run it had
        // values in was compiled again in each: n² for n examples of one large schema).
        let mut distinct: Vec<&Loc> = Vec::new();
        let mut slots: HashMap<&Loc, usize> = HashMap::new();
        let slot_of: Vec<usize> = self
            .schemas
            .iter()
            .map(|schema| {
                *slots.entry(schema).or_insert_with(|| {
                    distinct.push(schema);
                    distinct.len() - 1
                })
            })
            .collect();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); distinct.len().div_ceil(RUN)];
        for (index, slot) in slot_of.iter().enumerate() {
            members[slot / RUN].push(index);
        }
        let mut verdicts: Vec<Result<(), Failure>> = values.iter().map(|_| Ok(())).collect();
        for (run, (schemas, members)) in distinct.chunks(RUN).zip(&members).enumerate() {
            let property = |index: usize| slot_of[index] - run * RUN;
            for (index, verdict) in self.check_run(schemas, members, property, values) {
                verdicts[index] = verdict;
            }
        }
        verdicts
    }

    /// The verdicts on `members` (indexes of `values`), each checked against
    /// `schemas[property(member)]`.
    fn check_run(
        &self,
        schemas: &[&Loc],
        members: &[usize],
        property: impl Fn(usize) -> usize,
        values: &[&Value],
    ) -> Vec<(usize, Result<(), Failure>)> {
        let Ok(validator) = self.build_all(schemas) else {
            // Some schema cannot be read: each on its own, to tell which.
            return members
                .iter()
                .map(|&index| (index, self.check(schemas[property(index)], values[index])))
                .collect();
        };
        // Each value alone, as its schema's property of an object, which is all of the
        // validator that it meets; and only to its first error, all a verdict needs
        // (every error of every value was quadratic: n values each missing m keys).
        members
            .iter()
            .map(|&index| {
                let key = property(index).to_string();
                let value = values[index].clone();
                let instance = Value::Object(Map::from_iter([(key.clone(), value)]));
                let verdict = validator.validate(&instance).map_err(|error| {
                    let path = error.instance_path().to_string();
                    // `/i`, or `/i/…`: then where in the value.
                    let at = path.strip_prefix('/').and_then(|p| p.strip_prefix(&key));
                    Failure::Invalid(reason(&error, at.unwrap_or_default()))
                });
                (index, verdict)
            })
            .collect()
    }

    /// What a value the schema plainly accepts ([`Plain`]) is found to be: valid,
    /// unless no value can be checked, as the validator would have found it.
    pub fn plain_verdict(&self) -> Result<(), Failure> {
        match self.registry {
            Some(_) => Ok(()),
            None => Err(Failure::Unreadable(UNREADABLE_DOCUMENTS.to_owned())),
        }
    }

    /// Checks one value against `schema` (already its discriminator's pick).
    pub fn check(&self, schema: &Loc, value: &Value) -> Result<(), Failure> {
        let validator = self.validator(schema).map_err(Failure::Unreadable)?;
        validator
            .validate(value)
            .map_err(|error| Failure::Invalid(reason(&error, &error.instance_path().to_string())))
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
    fn build_all(&self, schemas: &[&Loc]) -> Result<Validator, String> {
        let properties: Map<String, Value> = schemas
            .iter()
            .enumerate()
            .map(|(index, schema)| (index.to_string(), json!({ "$ref": self.uri_of(schema) })))
            .collect();
        self.compile(&json!({ "properties": properties }))
    }

    fn compile(&self, schema: &Value) -> Result<Validator, String> {
        let registry = self.registry.as_ref().ok_or(UNREADABLE_DOCUMENTS)?;
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

/// Whether the document is OpenAPI 3.0, whose schemas the validator reads as draft 4
/// (once `trees` spells them so); later versions' are JSON Schema 2020-12.
pub(in crate::lower) fn is_openapi_3_0(sources: &Sources) -> bool {
    sources
        .get(&sources.entry().child("openapi"))
        .and_then(Value::as_str)
        .is_some_and(|version| version.starts_with("3.0"))
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

/// Test documents: each named file written to a new directory, the first loaded.
#[cfg(test)]
pub(super) fn load_files(test: &str, files: &[(&str, &Value)]) -> (std::path::PathBuf, Sources) {
    let dir = std::env::temp_dir().join(format!("validate-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, content) in files {
        std::fs::write(dir.join(name), content.to_string()).unwrap();
    }
    let entry = dir.join(files[0].0);
    let sources = Sources::load(&entry, &crate::load::Limits::default()).unwrap();
    (dir, sources)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checking_together_gives_each_value_its_own_verdict() {
        let document = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {}, "components": {"schemas": {
                "Pet": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string"},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}}},
                "Tag": {"type": "string", "maxLength": 3},
                "Maybe": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Tag"}]}}}});
        let (dir, sources) = load_files("batch", &[("api.json", &document)]);
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
        let trees = Trees::new(&sources, &sites);
        let checker = Checker::new(&sources, &trees);
        let verdict = |outcome: &Result<(), Failure>| match outcome {
            Ok(()) => "ok".to_owned(),
            Err(Failure::Invalid(why) | Failure::Unreadable(why)) => why.clone(),
        };
        let together: Vec<String> = checker
            .check_all(&values.each_ref())
            .iter()
            .map(verdict)
            .collect();
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
