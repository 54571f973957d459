//! Generator time per document: load, lower, emit and format, as `cargo xtask codegen`
//! does it, for the three specs and every corpus document. Targets: ≤ 100 ms per MB of
//! input, ≤ 300 ms for the 4.2 MB Stripe document.

use std::path::{Path, PathBuf};

use generator::{Options, generate};

fn main() {
    divan::main();
}

fn workspace_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

fn run(relative: &str) {
    let output =
        generate(&workspace_file(relative), &Options::default()).expect("document generates");
    divan::black_box(output);
}

#[divan::bench(sample_count = 200)]
fn podero() {
    run("specs/podero.yaml");
}

#[divan::bench(sample_count = 200)]
fn cobee() {
    run("specs/cobee.yaml");
}

#[divan::bench(sample_count = 200)]
fn zype() {
    run("specs/zype.json");
}

/// The largest corpus document; skipped when `../shared/corpus` is not beside the repository.
#[divan::bench(sample_count = 10)]
fn stripe() {
    let document = "../shared/corpus/stripe-spec3-2022-04-3.0.0.json";
    if workspace_file(document).exists() {
        run(document);
    }
}

/// Every document of the corpus (`../shared/corpus/MANIFEST.tsv`, when it is there).
#[divan::bench(args = corpus(), sample_count = 10)]
fn corpus_document(document: &str) {
    run(&format!("../shared/corpus/{document}"));
}

fn corpus() -> Vec<String> {
    let manifest = std::fs::read_to_string(workspace_file("../shared/corpus/MANIFEST.tsv"));
    manifest
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .filter(|document| !document.is_empty())
        .map(str::to_owned)
        .collect()
}
