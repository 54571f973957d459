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
