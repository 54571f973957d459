//! Cargo features per group of operations: which features a document gets, what each
//! one compiles (read from the generated code and its manifest, as Cargo would), and
//! that the crate builds warning-free with any one of them, with none and with all.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use generator::{Options, Output, generate};
use tests::Scratch;

fn generate_with_features(fixture: &str) -> Output {
    let options = Options {
        features: true,
        module_path: Some("shop".into()),
        ..Options::default()
    };
    generate(&Path::new("fixtures/features").join(fixture), &options)
        .unwrap_or_else(|d| panic!("{fixture}: {d}"))
}

fn public_features(output: &Output) -> Vec<&str> {
    output
        .features
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !name.starts_with('_'))
        .collect()
}

/// The items a file defines (`pub struct|enum|type NAME`, `pub async fn NAME`), each
/// with the feature of the `#[cfg(feature = …)]` above it, if any.
fn gated_items(text: &str) -> BTreeMap<String, Option<String>> {
    let mut items = BTreeMap::new();
    let mut gate = None;
    for line in text.lines().map(str::trim_start) {
        assert!(
            !line.starts_with("#[cfg(any("),
            "one feature per cfg: {line}"
        );
        if let Some(rest) = line.strip_prefix("#[cfg(feature = \"") {
            gate = rest.split('"').next().map(str::to_owned);
            continue;
        }
        let words: Vec<&str> = line.split([' ', '(', '<', ':', '{']).collect();
        let name = match words.as_slice() {
            ["pub", "struct" | "enum" | "type", name, ..] => name,
            ["pub", "async", "fn", name, ..] => name,
            _ => continue,
        };
        items.insert((*name).to_owned(), gate.take());
    }
    items
}

/// What Cargo turns on for `chosen`: them, and what they turn on.
fn enabled(output: &Output, chosen: &[&str]) -> BTreeSet<String> {
    let graph: BTreeMap<&str, &Vec<String>> = output
        .features
        .iter()
        .map(|(n, e)| (n.as_str(), e))
        .collect();
    let mut on: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<String> = chosen.iter().map(|c| (*c).to_owned()).collect();
    while let Some(feature) = pending.pop() {
        if on.insert(feature.clone()) {
            pending.extend(graph[feature.as_str()].iter().cloned());
        }
    }
    on
}

/// The items compiled with `chosen` features, of the `client` and `types` files.
fn compiled(output: &Output, chosen: &[&str]) -> BTreeSet<String> {
    let on = enabled(output, chosen);
    output
        .files
        .iter()
        .filter(|(name, _)| name != "mod.rs")
        .flat_map(|(_, text)| gated_items(text))
        .filter(|(_, gate)| gate.as_ref().is_none_or(|g| on.contains(g)))
        .map(|(name, _)| name)
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

#[test]
fn each_tag_compiles_its_operations_and_the_types_they_reach() {
    let output = generate_with_features("tagged.yaml");
    assert_eq!(
        public_features(&output),
        ["pets", "store-orders", "users", "standalone-types"]
    );
    let always = set(&["Server", "Client", "KeyScheme"]);
    let with = |chosen: &[&str]| -> BTreeSet<String> {
        compiled(&output, chosen)
            .into_iter()
            .filter(|item| !always.contains(item))
            .collect()
    };
    assert_eq!(with(&[]), set(&[]));
    assert_eq!(
        with(&["users"]),
        // `Label` is an alias of `Tag` (the same shape), so `Tag` comes with it.
        set(&[
            "get_user",
            "list_labels",
            "GetUserParams",
            "User",
            "Label",
            "Tag"
        ])
    );
    assert_eq!(
        with(&["pets"]),
        set(&[
            "list_pets",
            "create_pet",
            "CreatePetResponse",
            "Pet",
            "Tag",
            "Error"
        ])
    );
    assert_eq!(
        with(&["store-orders"]),
        set(&["place_order", "Order", "OrderStatus", "Pet", "Tag", "Error"])
    );
    assert_eq!(with(&["standalone-types"]), set(&["Unused"]));
    // All of them: the union, and every item there is.
    let all: Vec<&str> = public_features(&output);
    let union: BTreeSet<String> = all.iter().flat_map(|f| with(&[f])).collect();
    assert_eq!(with(&all), union);
    assert_eq!(union.len(), 15, "{union:?}");
}

#[test]
fn untagged_operations_are_grouped_by_resource() {
    let output = generate_with_features("paths.yaml");
    assert_eq!(
        public_features(&output),
        ["customers", "payment-methods", "v1"]
    );
    let client = &output
        .files
        .iter()
        .find(|(n, _)| n == "client.rs")
        .unwrap()
        .1;
    let methods = gated_items(client);
    assert_eq!(methods["get_v1_customers"].as_deref(), Some("customers"));
    assert_eq!(
        methods["get_v1_customers_by_id_sources"].as_deref(),
        Some("customers")
    );
    assert_eq!(
        methods["post_v1_by_account_payment_methods"].as_deref(),
        Some("payment-methods")
    );
    assert_eq!(methods["get_v1"].as_deref(), Some("v1"));
}

#[test]
fn without_the_option_nothing_is_gated() {
    let output = generate(
        Path::new("fixtures/features/tagged.yaml"),
        &Options::default(),
    )
    .expect("generates");
    assert!(output.features.is_empty());
    for (_, text) in &output.files {
        assert!(!text.contains("#[cfg("), "{text}");
    }
}

/// Cargo builds the crate with each feature alone, with none and with its defaults,
/// warnings denied, and its usage example compiles with only one feature.
#[test]
fn the_crate_builds_with_any_one_feature() {
    let output = generate_with_features("tagged.yaml");
    let mut scratch = Scratch::new(env!("CARGO_TARGET_TMPDIR"), "features");
    scratch.add("shop", &output);
    let mut configurations: Vec<Vec<&str>> = vec![vec!["--no-default-features"], vec![]];
    for feature in public_features(&output) {
        configurations.push(vec!["--no-default-features", "--features", feature]);
    }
    for configuration in configurations {
        let mut args = vec!["clippy", "--all-targets"];
        args.extend(&configuration);
        let run = scratch.cargo(&args);
        assert!(run.success, "{configuration:?}:\n{}", run.stderr);
    }
    for configuration in [["--features", "users"], ["--features", "pets"]] {
        let mut args = vec!["test", "--doc", "--no-default-features"];
        args.extend(configuration);
        let run = scratch.cargo(&args);
        assert!(
            run.success,
            "{configuration:?}:\n{}\n{}",
            run.stdout, run.stderr
        );
    }
}
