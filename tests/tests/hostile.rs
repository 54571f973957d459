//! Hostile documents, written to break the generator: none may run code, read a file
//! outside its directory, hang, exhaust memory, panic or overflow the stack; a valid
//! one always gives code that compiles without warnings, and no text from it is ever
//! compiled. Fixtures live in `fixtures/hostile/`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use generator::{Diagnostics, Options, Output, generate};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use tests::Scratch;

fn generate_file(path: &Path) -> Result<Output, Diagnostics> {
    generate(path, &Options::default())
}

fn fixture(name: &str) -> PathBuf {
    Path::new("fixtures/hostile").join(name)
}

/// A directory of its own for documents a test writes.
fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("documents")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write_json(dir: &Path, name: &str, document: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(document).expect("json")).expect("write");
    path
}

fn errors(path: &Path) -> String {
    match generate_file(path) {
        Ok(_) => panic!("{} generated, but it must be refused", path.display()),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

#[test]
fn references_never_leave_the_documents_directory() {
    let text = errors(&fixture("refs/refs.yaml"));
    for (component, line) in [
        ("Passwd", 11),
        ("Shadow", 12),
        ("Planted", 13),
        ("Random", 14),
    ] {
        let expected = format!("refs.yaml:{line}:");
        let found = text
            .lines()
            .find(|l| l.contains(&format!("/components/schemas/{component}/$ref")))
            .unwrap_or_else(|| panic!("no error for {component}: {text}"));
        assert!(found.contains(&expected), "{found}");
        assert!(
            found.contains("outside the document's directory"),
            "{found}"
        );
    }
    assert!(!text.contains("root:"), "file content echoed: {text}");
    assert!(
        !text.contains("exfiltrated"),
        "planted content read: {text}"
    );
    assert!(
        !text.contains("Fine"),
        "a reference inside the tree was refused: {text}"
    );
    // The references in the unused extension (/dev/zero, /dev/stdin) are never read.
    assert_eq!(text.lines().count(), 4, "{text}");
}

#[test]
fn symlinks_fifos_and_large_files_are_not_read() {
    let dir = temp_dir("special-files");
    std::os::unix::fs::symlink("/etc/passwd", dir.join("link.yaml")).expect("symlink");
    let fifo = dir.join("pipe.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    std::fs::create_dir(dir.join("directory.yaml")).expect("dir");
    let document = json!({
        "openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {},
        "components": {"schemas": {
            "Link": {"$ref": "link.yaml"},
            "Pipe": {"$ref": "pipe.yaml"},
            "Directory": {"$ref": "directory.yaml"},
        }}
    });
    let text = errors(&write_json(&dir, "main.json", &document));
    assert!(
        text.contains("\"link.yaml\" cannot be loaded: it is outside"),
        "{text}"
    );
    assert!(
        text.contains("\"pipe.yaml\" cannot be loaded: not a regular file"),
        "{text}"
    );
    assert!(
        text.contains("\"directory.yaml\" cannot be loaded: not a regular file"),
        "{text}"
    );
}

#[test]
fn files_over_the_size_cap_are_not_read() {
    let dir = temp_dir("large-files");
    // Sparse: 257 MiB on paper, no disk used; refused from its size before any read.
    let big = std::fs::File::create(dir.join("big.yaml")).expect("create");
    big.set_len(257 * 1024 * 1024).expect("set_len");
    let document = json!({
        "openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {},
        "components": {"schemas": {"Big": {"$ref": "big.yaml"}}}
    });
    let text = errors(&write_json(&dir, "main.json", &document));
    assert!(
        text.contains("\"big.yaml\" cannot be loaded: larger than the limit of 268435456 bytes"),
        "{text}"
    );
}

#[test]
fn ref_root_widens_where_references_may_read() {
    let dir = temp_dir("ref-root");
    std::fs::create_dir_all(dir.join("api")).expect("api dir");
    std::fs::write(
        dir.join("shared.yaml"),
        "type: object\nproperties: {id: {type: string}}\n",
    )
    .expect("shared");
    let document = json!({
        "openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {},
        "components": {"schemas": {"Shared": {"$ref": "../shared.yaml"}}}
    });
    let path = write_json(&dir.join("api"), "main.json", &document);
    assert!(errors(&path).contains("outside the document's directory"));
    let widened = Options {
        ref_root: Some(dir.clone()),
        ..Options::default()
    };
    let output = generate(&path, &widened).expect("the parent directory is allowed");
    assert!(
        output
            .files
            .iter()
            .any(|(_, text)| text.contains("pub struct Shared"))
    );
}

#[test]
fn the_entry_document_must_be_a_regular_file() {
    let text = errors(Path::new("/dev/null"));
    assert!(text.contains("not a regular file"), "{text}");
}

/// Ten files of 24 KB, each an alias bomb within the per-file budget, reached together
/// from one document: the budget is one for the whole document.
#[test]
fn alias_expansion_is_bounded_across_files() {
    let dir = temp_dir("alias-bombs");
    let mut schemas = serde_json::Map::new();
    for file in 0..10 {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..6 {
            let items = vec![format!("*a{}", level - 1); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        // Each file copies ~110k nodes by itself; 10 of them pass the document's budget.
        text.push_str("b: [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\n");
        while text.len() < 24_000 {
            text.push_str("# padding\n");
        }
        std::fs::write(dir.join(format!("bomb{file}.yaml")), text).expect("write");
        schemas.insert(
            format!("B{file}"),
            json!({"$ref": format!("bomb{file}.yaml#/b")}),
        );
    }
    let document = json!({"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {}, "components": {"schemas": schemas}});
    let text = errors(&write_json(&dir, "main.json", &document));
    assert!(
        text.contains("aliases expand to more than 1000000 nodes (across all files"),
        "{text}"
    );
}

#[test]
fn long_reference_chains_are_no_cycle() {
    let dir = temp_dir("chains");
    let mut schemas = serde_json::Map::new();
    for i in 0..10_000 {
        schemas.insert(
            format!("S{i}"),
            json!({"$ref": format!("#/components/schemas/S{}", i + 1)}),
        );
    }
    schemas.insert("S10000".into(), json!({"type": "string"}));
    let mut properties = serde_json::Map::new();
    properties.insert("first".into(), json!({"$ref": "#/components/schemas/S0"}));
    schemas.insert(
        "Holder".into(),
        json!({"type": "object", "properties": properties}),
    );
    let document = json!({"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}, "components": {"schemas": schemas}});
    let output = generate_file(&write_json(&dir, "chain.json", &document)).expect("generates");
    let types = &output
        .files
        .iter()
        .find(|(n, _)| n == "types.rs")
        .expect("types")
        .1;
    assert!(
        types.contains("pub first: ::std::option::Option<S10000>"),
        "{types}"
    );
    assert!(types.contains("pub type S0 = S10000;"));
    assert!(types.contains("pub type S10000 = ::std::string::String;"));

    let cycle = json!({"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}, "components": {"schemas": {
        "A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}
    }}});
    let text = errors(&write_json(&dir, "cycle.json", &cycle));
    assert!(text.contains("a cycle of references"), "{text}");
}

/// 2,000 schemas, each holding the next: lowering never recurses through a `$ref`.
#[test]
fn long_chains_of_schemas_do_not_overflow_the_stack() {
    let dir = temp_dir("schema-chain");
    let mut schemas = serde_json::Map::new();
    for i in 0..2000 {
        schemas.insert(format!("P{i}"), json!({"type": "object", "properties": {
            "next": {"$ref": format!("#/components/schemas/P{}", i + 1)},
            "items": {"type": "array", "items": {"$ref": format!("#/components/schemas/P{}", 1999 - i)}},
        }}));
    }
    schemas.insert("P2000".into(), json!({"type": "string"}));
    let document = json!({"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {}, "components": {"schemas": schemas}});
    let path = write_json(&dir, "chain.json", &document);
    // A small stack, as a build script's thread may have.
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || generate_file(&path).map(|o| o.api.types.len()))
        .expect("thread");
    assert_eq!(handle.join().expect("no overflow"), Ok(2001));
}

#[test]
fn deep_inline_nesting_is_handled_or_refused() {
    let dir = temp_dir("deep");
    // As deep as the parsers allow (128 levels): arrays of arrays, objects in objects.
    let mut array = json!({"type": "string"});
    let mut object = json!({"type": "string"});
    for _ in 0..60 {
        array = json!({"type": "array", "items": array});
    }
    for _ in 0..30 {
        object = json!({"type": "object", "properties": {"inner": object}});
    }
    let document = json!({"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {}, "components": {"schemas": {"Arrays": array, "Objects": object}}});
    let path = write_json(&dir, "deep.json", &document);
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || generate_file(&path).is_ok())
        .expect("thread");
    assert!(handle.join().expect("no overflow"));
    let too_deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    std::fs::write(dir.join("too-deep.json"), too_deep).expect("write");
    assert!(errors(&dir.join("too-deep.json")).contains("recursion limit"));
}

/// Long keys: a node below keys totalling more than 4 KiB is refused where it is (its
/// pointer would be copied for every node lowering reads below it), and names made from
/// long keys are cut to 255 characters (inline types are named after their parents, so
/// they would grow with every level).
#[test]
fn long_keys_are_bounded() {
    let dir = temp_dir("long-keys");
    let properties: serde_json::Map<String, Value> = (0..50)
        .map(|i| (format!("p{i}"), json!({"type": "string"})))
        .collect();
    let long = "k".repeat(5000);
    let document = json!({"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}, "components": {"schemas": {
        "S": {"type": "object", "properties": {long.clone(): {"type": "object", "properties": properties}}}
    }}});
    let text = errors(&write_json(&dir, "long.json", &document));
    assert!(
        text.contains("long.json:1:") && text.contains("more than 4096 bytes"),
        "{text}"
    );

    let name = "n".repeat(1000);
    let nested = json!({"type": "object", "properties": {
        name.clone(): {"type": "object", "properties": {name.clone(): {"type": "object", "properties": {"x": {"type": "string"}}}}}
    }});
    let document = json!({"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}, "components": {"schemas": {"S": nested}}});
    let output = generate_file(&write_json(&dir, "names.json", &document)).expect("generates");
    let names: Vec<usize> = output.api.types.iter().map(|t| t.name.len()).collect();
    // `S`, then its property's type and that one's, cut to 255 (the last one clashing
    // with its parent, so suffixed).
    assert_eq!(names, [1, 255, 256]);

    // Keys under the limit in the document and in an overlay, but not together.
    let half = "h".repeat(3000);
    let document = json!({"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}, "components": {"schemas": {
        half.clone(): {"type": "object"}
    }}});
    let overlay = json!({"overlay": "1.0.0", "info": {"title": "o", "version": "1"}, "actions": [
        {"target": format!("$.components.schemas.{half}"), "update": {"properties": {half.clone(): {"type": "string"}}}}
    ]});
    let options = Options {
        overlay: Some(write_json(&dir, "overlay.json", &overlay)),
        ..Options::default()
    };
    let refused = generate(&write_json(&dir, "halves.json", &document), &options);
    let text = refused.expect_err("refused").to_string();
    assert!(text.contains("more than 4096 bytes"), "{text}");
}

/// A chain of schemas that each `allOf` the next: every struct would copy the
/// properties of all the links after it, output the square of the chain's length
/// (3,000 links took 26 s and 3.3 GB). The work is bounded by the document's size,
/// then refused where it ran out.
#[test]
fn allof_chains_cannot_square_the_work() {
    let dir = temp_dir("allof-chain");
    let links = 800;
    let mut schemas = serde_json::Map::new();
    for i in 0..links {
        let next = format!("#/components/schemas/S{}", i + 1);
        let own = json!({"type": "object", "properties": {format!("p{i}"): {"type": "string"}}});
        schemas.insert(format!("S{i}"), json!({"allOf": [{"$ref": next}, own]}));
    }
    schemas.insert(format!("S{links}"), json!({"type": "object"}));
    let document = json!({"openapi": "3.0.3", "info": {"title": "x", "version": "1"},
        "paths": {}, "components": {"schemas": schemas}});
    let text = errors(&write_json(&dir, "chain.json", &document));
    assert!(
        text.contains("`allOf` here takes the document past"),
        "{text}"
    );
    assert!(text.contains("#/components/schemas/S"), "{text}");
    assert_eq!(text.matches("takes the document past").count(), 1, "{text}");
}

#[test]
fn diagnostics_escape_control_characters_of_document_keys() {
    let dir = temp_dir("escapes");
    let document = json!({"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}, "components": {"schemas": {
        "Evil\u{1b}[2J\u{202e}": {"$ref": "#/nowhere"}
    }}});
    let text = errors(&write_json(&dir, "main.json", &document));
    assert!(text.contains("Evil\\u{1b}[2J\\u{202e}"), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text}"
    );
}

/// Every hostile fixture that is a valid document, the fidelity fixtures, and documents
/// from the property test below, compiled in one scratch workspace with warnings denied;
/// `cargo test --doc` finds only the fidelity crates' own usage examples, compiled and
/// not run (none of the fixtures' code blocks may become a doctest), and `cargo doc`
/// with warnings denied passes.
#[test]
fn generated_code_compiles_and_no_document_text_ever_runs() {
    let mut scratch = Scratch::new(env!("CARGO_TARGET_TMPDIR"), "hostile");
    let fixtures = ["hostile/doctests", "hostile/text", "hostile/recursion"]
        .into_iter()
        .chain(FIDELITY_FIXTURES.iter().copied());
    for name in fixtures {
        let path = Path::new("fixtures").join(format!("{name}.yaml"));
        let crate_name = name.replace('/', "-");
        // The fidelity crates carry their usage example (a `no_run` doctest of ours); the
        // hostile ones none, so that any doctest there could only come from a document.
        let module_path = name
            .starts_with("fidelity/")
            .then(|| generator::package::crate_name(&crate_name).replace('-', "_"));
        let options = Options {
            module_path,
            typed_formats: name == "fidelity/formats",
            ..Options::default()
        };
        let output = generate(&path, &options).unwrap_or_else(|d| panic!("{name}: {d}"));
        scratch.add(&crate_name, &output);
        // Round trips through the fixture's types, where written (`fidelity/<stem>.rs`).
        let stem = name.rsplit('/').next().unwrap_or(name).replace('-', "_");
        let test = Path::new("fidelity").join(format!("{stem}.rs"));
        if test.exists() {
            scratch.add_test(&crate_name, &test);
        }
    }
    let generated = generated_documents();
    assert!(
        generated.len() >= 40,
        "only {} documents generated",
        generated.len()
    );
    scratch.add_modules("hostile-random", &generated);
    for left_over in pwned_files(scratch.dir()) {
        std::fs::remove_file(left_over).expect("remove an earlier run's file");
    }
    // A real OAuth 2.0 server for the auth fixtures' tests.
    let oauth = oauth_server();
    scratch.set_env("OAUTH_SERVER_URL", &oauth.url);
    let round_trips = scratch.cargo(&["test", "--workspace", "--tests"]);
    assert!(
        round_trips.success,
        "{}\n{}",
        round_trips.stdout, round_trips.stderr
    );
    let passed: usize = round_trips
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum();
    let written = std::fs::read_dir("fidelity")
        .expect("tests/fidelity")
        .flatten()
        .map(|f| {
            let text = std::fs::read_to_string(f.path()).unwrap_or_default();
            text.matches("#[test]").count() + text.matches("#[tokio::test]").count()
        })
        .sum::<usize>();
    assert_eq!(
        passed, written,
        "not every round trip ran:\n{}",
        round_trips.stdout
    );
    let run = scratch.cargo(&["test", "--doc", "--workspace"]);
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    assert!(
        !run.stderr.contains("warning"),
        "warnings in generated code:\n{}",
        run.stderr
    );
    // Only the fidelity crates' usage examples, compiled and never run; nothing from a
    // document's text.
    let doctests: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("test ") && !l.starts_with("test result"))
        .collect();
    assert_eq!(doctests.len(), FIDELITY_FIXTURES.len(), "{}", run.stdout);
    for line in doctests {
        assert!(
            line.starts_with("test fidelity-") && line.ends_with(" - compile ... ok"),
            "a doctest ran:\n{}",
            run.stdout
        );
    }
    let pwned = pwned_files(scratch.dir());
    assert!(pwned.is_empty(), "code from a description ran: {pwned:?}");
    let docs = scratch.cargo_with(
        &["doc", "--workspace", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
    assert!(docs.success, "rustdoc warnings:\n{}", docs.stderr);
}

/// Files the fixtures' code blocks would create if they ran.
fn pwned_files(dir: &Path) -> Vec<PathBuf> {
    walk(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("PWNED"))
        })
        .collect()
}

/// oauth2-mock-server with the client the auth fixtures' tests use.
fn oauth_server() -> interop::OAuthServer {
    let interop = interop::Interop::new(&tests::repository_root()).expect("target/interop");
    let mut config = interop::OAuthServerConfig::default();
    config
        .clients
        .insert("app".into(), Some("app-secret".into()));
    interop::OAuthServer::start(&interop, &config).expect("the OAuth2 server starts")
}

/// The schema-fidelity and auth fixtures, compiled with the hostile ones.
const FIDELITY_FIXTURES: &[&str] = &[
    "fidelity/auth-client-credentials",
    "fidelity/auth-open-banking",
    "fidelity/auth-token-operations",
    "fidelity/operations",
    "fidelity/unions",
    "fidelity/allof",
    "fidelity/access",
    "fidelity/enums",
    "fidelity/formats",
    "fidelity/merge-keys",
    "fidelity/objects",
    "fidelity/openapi-3.2",
];

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            if path.is_dir() {
                pending.push(path.clone());
            }
            found.push(path);
        }
    }
    found
}

/// Names that break naive generators: keywords, client methods, clashes after case
/// and punctuation changes, symbols, digits, text outside ASCII, control characters.
const NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "gen",
    "async",
    "r#type",
    "new",
    "http",
    "base_url",
    "Error",
    "Option",
    "String",
    "Result",
    "Box",
    "Vec",
    "foo",
    "Foo",
    "FOO",
    "foo_bar",
    "foo-bar",
    "fooBar",
    "foo bar",
    "foo__bar",
    "_",
    "__",
    "",
    " ",
    "-",
    "1",
    "1x",
    "-1",
    "<=",
    "ünknown",
    "日本",
    "🎉",
    "a\u{202e}b",
    "a\u{1b}[31mb",
    "a\rb",
    "a\nb",
    "x\u{0}y",
    "additional_properties",
    "Unknown",
    "value",
    "Value",
];

/// Descriptions with code, HTML, links and control characters.
const DESCRIPTIONS: &[&str] = &[
    "```\nstd::fs::write(\"PWNED-p\", \"\").unwrap();\n```",
    "    std::fs::write(\"PWNED-i\", \"\").unwrap();",
    "<script>x</script> [Link] [x](Y) https://e.com",
    "bidi \u{202e} and lone \r and \u{7}",
    "*/ /* // /// //! #[doc] \" \\ '",
    "",
];

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(NAMES).prop_map(str::to_owned)
}

fn description() -> impl Strategy<Value = Value> {
    prop::sample::select(DESCRIPTIONS).prop_map(|d| json!(d))
}

/// A schema: scalars, enums, references to any component (so recursion of every kind
/// happens), objects, arrays, maps, unions with and without null, `allOf`.
fn schema(components: usize) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        prop::sample::select(vec!["string", "integer", "number", "boolean", "null"])
            .prop_map(|t| json!({"type": t})),
        prop::collection::vec(name(), 1..4)
            .prop_map(|values| json!({"type": "string", "enum": values})),
        prop::collection::vec(-3i64..3, 1..3).prop_map(|values| json!({"enum": values})),
        (0..components).prop_map(|i| json!({"$ref": format!("#/components/schemas/C{i}")})),
        Just(json!({})),
        name().prop_map(|n| json!({"const": n})),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (prop::collection::vec((name(), inner.clone()), 0..4), prop::collection::vec(name(), 0..3), description())
                .prop_map(|(properties, required, description)| {
                    let properties: serde_json::Map<String, Value> = properties.into_iter().collect();
                    json!({"type": "object", "properties": properties, "required": required, "description": description})
                }),
            inner.clone().prop_map(|items| json!({"type": "array", "items": items})),
            inner.clone().prop_map(|values| json!({"type": "object", "additionalProperties": values})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|branches| json!({"oneOf": branches})),
            inner.clone().prop_map(|branch| json!({"anyOf": [branch, {"type": "null"}]})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|parts| json!({"allOf": parts})),
            inner.prop_map(|mut schema| {
                if let Some(map) = schema.as_object_mut() {
                    map.insert("nullable".into(), json!(true));
                }
                schema
            }),
        ]
    })
}

fn document() -> impl Strategy<Value = Value> {
    const COMPONENTS: usize = 4;
    let components = prop::collection::vec(schema(COMPONENTS), COMPONENTS);
    let operations = prop::collection::vec((name(), name(), schema(COMPONENTS)), 0..3);
    (components, operations, description()).prop_map(|(schemas, operations, description)| {
        let schemas: serde_json::Map<String, Value> = schemas
            .into_iter()
            .enumerate()
            .map(|(i, s)| (format!("C{i}"), s))
            .collect();
        let mut paths = serde_json::Map::new();
        for (index, (operation_id, parameter, body)) in operations.into_iter().enumerate() {
            paths.insert(format!("/p{index}/{{{parameter}}}"), json!({"post": {
                "operationId": operation_id,
                "parameters": [{"name": parameter, "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"content": {"application/json": {"schema": body}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/C0"}}}}},
            }}));
        }
        json!({
            "openapi": "3.1.0",
            "info": {"title": description, "version": "1", "description": description},
            "servers": [{"url": "https://{a}.x/{a}/}", "variables": {"a": {"default": "v"}}}],
            "paths": paths,
            "components": {"schemas": schemas},
        })
    })
}

/// Generates documents until 48 of them are valid; generation itself must not panic.
fn generated_documents() -> Vec<(String, Output)> {
    let dir = temp_dir("random");
    let outputs = RefCell::new(Vec::new());
    let attempts = RefCell::new(0usize);
    let config = Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let result = runner.run(&document(), |document| {
        if outputs.borrow().len() >= 48 {
            return Ok(());
        }
        let index = {
            let mut attempts = attempts.borrow_mut();
            *attempts += 1;
            *attempts
        };
        let path = write_json(&dir, &format!("doc{index}.json"), &document);
        if let Ok(output) = generate_file(&path) {
            let mut outputs = outputs.borrow_mut();
            let module = format!("doc{}", outputs.len());
            outputs.push((module, output));
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("generation failed: {failure}");
    }
    outputs.into_inner()
}
