//! How generation time grows with size, on synthetic documents: no step may be
//! quadratic. Pairs of sizes (20k and 40k enum values, properties, warnings, clashing
//! names, failing examples; 1, 4 and 16 MB of ordinary schemas) should take about 2× and 4× as long, not
//! 4× and 16×.

use std::path::{Path, PathBuf};

use generator::{Options, generate};
use serde_json::{Map, Value, json};

fn main() {
    divan::main();
}

fn document(schemas: Map<String, Value>) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "Scale", "version": "1"}, "paths": {}, "components": {"schemas": schemas}})
}

/// Writes the document once per process and returns its path.
fn written(name: &str, build: impl FnOnce() -> Value) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("scaling-{name}.json"));
    if !path.exists() {
        let text = serde_json::to_vec(&build()).expect("serializes");
        std::fs::write(&path, text).expect("writes");
    }
    path
}

fn run(path: &Path) {
    let output = generate(path, &Options::default()).expect("generates");
    divan::black_box(output);
}

/// One string enum with `n` values.
#[divan::bench(args = [20_000, 40_000], sample_count = 5)]
fn enum_values(bencher: divan::Bencher, n: usize) {
    let path = written(&format!("enum-{n}"), || {
        let values: Vec<String> = (0..n).map(|i| format!("value_{i}")).collect();
        document(Map::from_iter([(
            "E".into(),
            json!({"type": "string", "enum": values}),
        )]))
    });
    bencher.bench(|| run(&path));
}

/// One object with `n` properties.
#[divan::bench(args = [20_000, 40_000], sample_count = 5)]
fn properties(bencher: divan::Bencher, n: usize) {
    let path = written(&format!("properties-{n}"), || {
        let properties: Map<String, Value> = (0..n)
            .map(|i| (format!("p{i}"), json!({"type": "string"})))
            .collect();
        document(Map::from_iter([(
            "O".into(),
            json!({"type": "object", "properties": properties}),
        )]))
    });
    bencher.bench(|| run(&path));
}

/// `n` warnings (properties whose schema is `false`).
#[divan::bench(args = [20_000, 40_000], sample_count = 5)]
fn warnings(bencher: divan::Bencher, n: usize) {
    let path = written(&format!("warnings-{n}"), || {
        let properties: Map<String, Value> =
            (0..n).map(|i| (format!("p{i}"), json!(false))).collect();
        document(Map::from_iter([(
            "W".into(),
            json!({"type": "object", "properties": properties}),
        )]))
    });
    bencher.bench(|| run(&path));
}

/// `n` examples (3.1's `examples` list) that each lack all of the `n` keys their schema
/// requires: checking them once collected every error of every example (n²).
#[divan::bench(args = [20_000, 40_000], sample_count = 5)]
fn failing_examples(bencher: divan::Bencher, n: usize) {
    let path = written(&format!("failing-examples-{n}"), || {
        let required: Vec<String> = (0..n).map(|i| format!("r{i}")).collect();
        let examples = vec![json!({}); n];
        let mut document = document(Map::from_iter([(
            "R".into(),
            json!({"type": "object", "required": required, "examples": examples}),
        )]));
        document["openapi"] = json!("3.1.0");
        document
    });
    bencher.bench(|| run(&path));
}

/// One enum whose `n` values all spell the same Rust name (`a`, `a_`, `a-`, …), so
/// every variant after the first needs a numeric suffix.
#[divan::bench(args = [20_000, 40_000], sample_count = 5)]
fn clashing_names(bencher: divan::Bencher, n: usize) {
    let path = written(&format!("clashes-{n}"), || {
        let values: Vec<String> = (0..n)
            .map(|i| {
                let separators = (0..8).map(|digit| b"_- ."[(i >> (2 * digit)) & 3] as char);
                std::iter::once('a').chain(separators).collect()
            })
            .collect();
        document(Map::from_iter([(
            "E".into(),
            json!({"type": "string", "enum": values}),
        )]))
    });
    bencher.bench(|| run(&path));
}

/// About `megabytes` MB of ordinary schemas: objects with scalar, enum, array and
/// referencing properties (each schema refers to the next, so all are recursive).
#[divan::bench(args = [1, 4, 16], sample_count = 3)]
fn megabytes(bencher: divan::Bencher, megabytes: usize) {
    let path = written(&format!("{megabytes}mb"), || {
        let count = megabytes * 2_630;
        let schemas: Map<String, Value> = (0..count)
            .map(|i| {
                let schema = json!({
                    "type": "object", "description": format!("Schema number {i}."), "required": ["id"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid", "description": "The identifier."},
                        "count": {"type": "integer", "format": "int32", "minimum": 0},
                        "state": {"type": "string", "enum": ["active", "retired", "pending"]},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "next": {"$ref": format!("#/components/schemas/S{}", (i + 1) % count)},
                    }
                });
                (format!("S{i}"), schema)
            })
            .collect();
        document(schemas)
    });
    bencher.bench(|| run(&path));
}
