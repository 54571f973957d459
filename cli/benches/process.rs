//! Generation as users run it: the whole `openapi-rust generate` process (exec, the
//! allocator's start, load, lower, emit, writing the crate), per document: the three
//! specs and every corpus document. The library's own time is `generator`'s
//! `generate` bench; the difference is what a process costs. Each sample writes into
//! an output directory removed before it, outside the timing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn main() {
    divan::main();
}

/// The repository's root, which document paths are relative to.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn documents() -> Vec<String> {
    let specs = ["specs/podero.yaml", "specs/cobee.yaml", "specs/zype.json"];
    let manifest = std::fs::read_to_string(root().join("../shared/corpus/MANIFEST.tsv"));
    let corpus = manifest.unwrap_or_default();
    let corpus = corpus
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .filter(|document| !document.is_empty())
        .map(|document| format!("../shared/corpus/{document}"));
    specs.into_iter().map(str::to_owned).chain(corpus).collect()
}

#[divan::bench(args = documents(), sample_count = 15)]
fn generate(bencher: divan::Bencher, document: &str) {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("process-bench");
    let document = root().join(document);
    bencher
        .with_inputs(|| {
            let _ = std::fs::remove_dir_all(&out);
        })
        .bench_local_values(|()| {
            let status = Command::new(env!("CARGO_BIN_EXE_openapi-rust"))
                .arg("generate")
                .arg(&document)
                .arg("--out")
                .arg(&out)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("openapi-rust runs");
            assert!(status.success(), "{} does not generate", document.display());
        });
}
