//! Generator time per document: load, lower, emit and format, as `cargo xtask codegen`
//! does it. Targets: ≤ 5 ms for each vendor spec, ≤ 1 s for the 4.2 MB Stripe document.

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
