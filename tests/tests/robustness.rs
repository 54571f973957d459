//! Broken documents give errors, never panics: every truncation of the three specs,
//! and random mutations of them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use generator::{Options, generate};
use proptest::prelude::*;

const SPECS: [&str; 3] = [
    "../specs/podero.yaml",
    "../specs/cobee.yaml",
    "../specs/zype.json",
];

/// Writes `text` to a fresh file with the spec's extension and generates from it.
fn generate_text(spec: &str, text: &[u8]) -> Result<(), String> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let extension = Path::new(spec)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("yaml");
    let dir = std::env::temp_dir().join(format!("generator-robustness-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path: PathBuf = dir.join(format!(
        "doc{}.{extension}",
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let result = generate(&path, &Options::default());
    let _ = std::fs::remove_file(&path);
    match result {
        Ok(_) => Ok(()),
        Err(diagnostics) => {
            // Every error names the file it is about.
            let text = diagnostics.to_string();
            assert!(text.contains("doc"), "diagnostic without a file: {text}");
            Err(text)
        }
    }
}

#[test]
fn every_truncation_is_an_error_or_a_valid_prefix() {
    for spec in SPECS {
        let text = std::fs::read(spec).expect("spec exists");
        let mut errors = 0;
        for cut in (0..text.len()).step_by(3) {
            if generate_text(spec, &text[..cut]).is_err() {
                errors += 1;
            }
        }
        assert!(errors > 0, "{spec}: no truncation was reported as an error");
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop::sample::select(b"{}[]:,-'\"\n #$/~0123456789abcnultrefy\t\\".to_vec());
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(at, b)| Mutation::Replace(at, b)),
        (any::<usize>(), byte).prop_map(|(at, b)| Mutation::Insert(at, b)),
        any::<usize>().prop_map(Mutation::Delete),
    ]
}

fn mutate(mut text: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        let len = text.len().max(1);
        match *mutation {
            Mutation::Replace(at, byte) if !text.is_empty() => text[at % len] = byte,
            Mutation::Insert(at, byte) => text.insert(at % (text.len() + 1), byte),
            Mutation::Delete(at) if !text.is_empty() => {
                text.remove(at % len);
            }
            _ => {}
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_never_panic(spec in prop::sample::select(SPECS.to_vec()), mutations in prop::collection::vec(mutation(), 1..8)) {
        let text = std::fs::read(spec).expect("spec exists");
        let _ = generate_text(spec, &mutate(text, &mutations));
    }
}

/// Every JSON pointer of a tree, in document order.
fn pointers(value: &serde_json::Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                pointers(
                    child,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        serde_json::Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

/// Values of the wrong shape, dangling and cyclic references, odd keywords.
fn replacements() -> Vec<serde_json::Value> {
    use serde_json::json;
    vec![
        json!(null),
        json!(7),
        json!("text"),
        json!([]),
        json!({}),
        json!(true),
        json!({"$ref": "#/nowhere"}),
        json!({"$ref": ""}),
        json!({"$ref": "#"}),
        json!({"$ref": 5}),
        json!({"$ref": "other-file.yaml#/x"}),
        json!({"type": ["string", "null", 3]}),
        json!({"type": "object", "properties": []}),
        json!({"allOf": {}}),
        json!({"oneOf": [null, {"const": 1}, {"const": "a"}]}),
        json!({"enum": []}),
        json!({"discriminator": {"propertyName": 1}, "oneOf": [{"$ref": "#/components"}]}),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    /// Structural mutations: a node of the tree replaced by a value of the wrong shape.
    #[test]
    fn structurally_mutated_specs_never_panic(
        spec in prop::sample::select(SPECS.to_vec()),
        picks in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..4),
    ) {
        let text = std::fs::read_to_string(spec).expect("spec exists");
        let format = generator::load::Format::from_path(Path::new(spec));
        let mut tree = generator::load::parse(&text, format).expect("the spec parses");
        let replacements = replacements();
        for (node, replacement) in picks {
            let mut all = Vec::new();
            pointers(&tree, String::new(), &mut all);
            let pointer = node.get(&all).clone();
            if let Some(slot) = tree.pointer_mut(&pointer) {
                *slot = replacement.get(&replacements).clone();
            }
        }
        let mutated = serde_json::to_vec_pretty(&tree).expect("serializes");
        // Written as JSON whatever the spec's syntax was.
        let _ = generate_text("mutated.json", &mutated);
    }
}
