//! The generator's output, pinned: one snapshot per vendor spec and per feature
//! fixture, and the diagnostics of broken documents.

use std::path::Path;

use generator::{Options, generate};

/// Generated files (or diagnostics) of a document, as one text.
fn render(document: &str) -> String {
    render_with(document, Options::default())
}

fn render_with(document: &str, options: Options) -> String {
    match generate(Path::new(document), &options) {
        Ok(output) => {
            let files = output
                .files
                .iter()
                .map(|(name, text)| format!("=== {name}\n{text}"));
            let warnings = output.warnings.to_string();
            let warnings = if warnings.is_empty() {
                String::new()
            } else {
                format!("=== warnings\n{warnings}")
            };
            files.collect::<Vec<_>>().join("\n") + &warnings
        }
        Err(diagnostics) => format!("=== errors\n{diagnostics}"),
    }
}

macro_rules! snapshot {
    ($name:ident, $document:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(render($document));
        }
    };
}

/// A vendor spec as `cargo xtask codegen` generates it: with its overlay, if any.
fn render_spec(document: &str) -> String {
    let path = Path::new("../specs").join(document);
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let overlay = path.with_file_name(format!("{stem}.overlay.yaml"));
    let options = Options {
        overlay: overlay.exists().then_some(overlay),
        ..Options::default()
    };
    render_with(path.to_str().unwrap_or_default(), options)
}

#[test]
fn podero() {
    insta::assert_snapshot!(render_spec("podero.yaml"));
}

#[test]
fn cobee() {
    insta::assert_snapshot!(render_spec("cobee.yaml"));
}

#[test]
fn zype() {
    insta::assert_snapshot!(render_spec("zype.json"));
}

#[test]
fn overlay_action_matching_nothing_is_an_error() {
    let options = Options {
        overlay: Some("fixtures/broken/unmatched.overlay.yaml".into()),
        ..Options::default()
    };
    insta::assert_snapshot!(render_with("../specs/cobee.yaml", options));
}
snapshot!(nullable_3_0, "fixtures/nullable-3.0.yaml");
snapshot!(nullable_3_1, "fixtures/nullable-3.1.yaml");
snapshot!(path_refs, "fixtures/path-refs.json");
snapshot!(external_refs, "fixtures/external/main.yaml");
snapshot!(recursion, "fixtures/recursion.yaml");
snapshot!(composition, "fixtures/composition.yaml");
snapshot!(keywords_and_clashes, "fixtures/keywords.yaml");
snapshot!(odd_enum_values, "fixtures/odd-enums.yaml");
snapshot!(missing_operation_id, "fixtures/no-operation-id.yaml");
snapshot!(broken_yaml, "fixtures/broken/bad-yaml.yaml");
snapshot!(broken_json, "fixtures/broken/bad-json.json");
snapshot!(
    dangling_refs_and_wrong_types,
    "fixtures/broken/dangling-refs.yaml"
);
snapshot!(swagger_2_is_refused, "fixtures/broken/swagger.yaml");
snapshot!(
    unknown_version_is_refused,
    "fixtures/broken/unknown-version.yaml"
);

/// 3.0 `nullable: true`, 3.1 `type: [X, "null"]` and `anyOf [X, {type: "null"}]`
/// give the same Rust.
#[test]
fn nullability_forms_give_the_same_rust() {
    let types = |document: &str| {
        let output = generate(Path::new(document), &Options::default()).expect("fixture generates");
        let (_, types) = output
            .files
            .into_iter()
            .find(|(name, _)| name == "types.rs")
            .expect("types.rs");
        types.lines().skip(2).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(
        types("fixtures/nullable-3.0.yaml"),
        types("fixtures/nullable-3.1.yaml")
    );
}

#[test]
fn output_is_deterministic() {
    for document in [
        "../specs/podero.yaml",
        "../specs/cobee.yaml",
        "../specs/zype.json",
        "fixtures/composition.yaml",
    ] {
        assert_eq!(render(document), render(document), "{document}");
    }
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let text = render("fixtures/does-not-exist.yaml");
    assert!(
        text.starts_with("=== errors\nerror: fixtures/does-not-exist.yaml"),
        "{text}"
    );
}
snapshot!(hostile_text, "fixtures/hostile/text.yaml");
snapshot!(hostile_doctests, "fixtures/hostile/doctests.yaml");
snapshot!(hostile_recursion, "fixtures/hostile/recursion.yaml");
snapshot!(fidelity_all_of, "fixtures/fidelity/allof.yaml");
snapshot!(fidelity_access, "fixtures/fidelity/access.yaml");
snapshot!(fidelity_enums, "fixtures/fidelity/enums.yaml");
snapshot!(fidelity_merge_keys, "fixtures/fidelity/merge-keys.yaml");
snapshot!(fidelity_openapi_3_2, "fixtures/fidelity/openapi-3.2.yaml");
snapshot!(fidelity_unions, "fixtures/fidelity/unions.yaml");
snapshot!(fidelity_operations, "fixtures/fidelity/operations.yaml");
