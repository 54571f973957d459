//! Cargo features, so that an app compiles only the operations it calls: one feature
//! per tag when the document tags every operation, else one per resource: the first
//! path segment after the prefix every path shares (`/v1/customers/{id}` →
//! `customers`), since untagged documents (Stripe's) still group their operations by
//! path. A feature enables its operations and exactly the types they reach, through
//! fields, variants and aliases (`dedup`). What else is reached (auth flows' token
//! operations, webhooks) and what no operation reaches is always compiled. The crate's
//! `default` enables every feature, so an app that names none gets the whole API.

use std::collections::BTreeMap;

use crate::ir::*;
use crate::names;

/// crates.io refuses a manifest with more features; a document with more groups gets
/// none (everything is always compiled).
const MAX_FEATURES: usize = 300;

/// The feature of the types no operation uses (an app may still want them).
const STANDALONE: &str = "standalone-types";

fn shared_name(number: usize) -> String {
    format!("_shared-{}", number + 1)
}

/// `name`, or `name-2`, `name-3`… when `taken` has it.
fn unique(name: &str, taken: &[String]) -> String {
    (1..)
        .map(|n| match n {
            1 => name.to_owned(),
            _ => format!("{name}-{n}"),
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_default()
}

/// The features of one API and what each one compiles.
#[derive(Debug, Clone)]
pub struct Features {
    /// Feature names: the groups', sorted, then [`STANDALONE`] when some type is not
    /// used by any operation; indices of this list are what gates hold.
    pub names: Vec<String>,
    /// Internal features (`_shared-N`), one per set of several features that gates
    /// something, turned on by each feature of its set: every `cfg` then names one
    /// feature (Stripe's core types are reached from all 62 features).
    /// By set: its number (`_shared-1` is number 0).
    shared: BTreeMap<Vec<usize>, usize>,
    operations: Vec<Gate>,
    types: Vec<Gate>,
}

/// When an item is compiled.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Gate {
    Always,
    /// When any of these features is on (indices into `Features::names`, sorted).
    Any(Vec<usize>),
}

impl Features {
    /// The features of `api`, by tag or by resource; `None` when it has no operation
    /// to group or too many groups.
    pub fn of(api: &Api, canonical: &[Option<TypeId>]) -> Option<Features> {
        let keys = group_keys(api);
        let (mut names, groups) = feature_names(&keys);
        if names.is_empty() || names.len() >= MAX_FEATURES {
            return None;
        }
        let always: Vec<bool> = api
            .operations
            .iter()
            .enumerate()
            .map(|(index, operation)| {
                operation.webhook || api.auth_flows.iter().any(|f| f.operation == index)
            })
            .collect();
        let operations: Vec<Gate> = groups
            .into_iter()
            .zip(&always)
            .map(|(groups, &always)| {
                if always {
                    Gate::Always
                } else {
                    Gate::Any(groups)
                }
            })
            .collect();
        let (types, standalone) = type_gates(api, canonical, &operations, names.len());
        if standalone {
            names.push(unique(STANDALONE, &names));
        }
        let mut shared = BTreeMap::new();
        for gate in types.iter().chain(&operations) {
            match gate {
                Gate::Any(set) if set.len() > 1 && !shared.contains_key(set) => {
                    if names.len() + shared.len() >= MAX_FEATURES {
                        break;
                    }
                    shared.insert(set.clone(), shared.len());
                }
                _ => {}
            }
        }
        Some(Features {
            names,
            shared,
            operations,
            types,
        })
    }

    /// The manifest's features: each group's (with the internal features it turns
    /// on), then the internal ones.
    pub fn manifest(&self) -> Vec<(String, Vec<String>)> {
        let mut shared: Vec<(&Vec<usize>, usize)> =
            self.shared.iter().map(|(set, &n)| (set, n)).collect();
        shared.sort_by_key(|&(_, n)| n);
        let groups = self.names.iter().enumerate().map(|(index, name)| {
            let enables = shared
                .iter()
                .filter(|(set, _)| set.contains(&index))
                .map(|&(_, n)| shared_name(n))
                .collect();
            (name.clone(), enables)
        });
        let internal = shared.iter().map(|&(_, n)| (shared_name(n), Vec::new()));
        groups.chain(internal).collect()
    }

    pub fn operation(&self, index: usize) -> &Gate {
        &self.operations[index]
    }

    pub fn type_gate(&self, id: TypeId) -> &Gate {
        &self.types[id.0]
    }

    /// The `#[cfg(…)]` of an item behind `gate`; `None` for `Gate::Always`.
    pub fn cfg_text(&self, gate: &Gate) -> Option<String> {
        if let Gate::Any(features) = gate
            && let Some(&shared) = self.shared.get(features)
        {
            return Some(format!("#[cfg(feature = \"{}\")]", shared_name(shared)));
        }
        self.listed(gate, |name| format!("feature = \"{name}\""))
            .map(|(one, names)| {
                if one {
                    format!("#[cfg({names})]")
                } else {
                    format!("#[cfg(any({names}))]")
                }
            })
    }

    /// A sentence for the documentation of an item behind `gate`.
    pub fn describe(&self, gate: &Gate) -> Option<String> {
        self.listed(gate, |name| format!("`{name}`"))
            .map(|(one, names)| {
                if one {
                    format!("Compiled with the Cargo feature {names}.")
                } else {
                    format!("Compiled with any of the Cargo features {names}.")
                }
            })
    }

    /// The names of `gate`'s features, each spelled by `spell`, joined; and whether it
    /// is one. `None` for `Gate::Always`.
    fn listed(&self, gate: &Gate, spell: fn(&str) -> String) -> Option<(bool, String)> {
        let Gate::Any(features) = gate else {
            return None;
        };
        let names: Vec<String> = features.iter().map(|&f| spell(&self.names[f])).collect();
        Some((names.len() == 1, names.join(", ")))
    }
}

/// Per operation, the raw names of its groups: its tags, or its resource.
fn group_keys(api: &Api) -> Vec<Vec<String>> {
    let calls = || api.operations.iter().filter(|o| !o.webhook);
    let tagged = calls().next().is_some() && calls().all(|o| !o.tags.is_empty());
    let prefix = common_prefix(calls().map(|o| o.path.as_str()));
    api.operations
        .iter()
        .map(|operation| match () {
            _ if operation.webhook => Vec::new(),
            _ if tagged => operation.tags.clone(),
            _ => vec![resource(&operation.path, &prefix)],
        })
        .collect()
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

fn is_literal(segment: &str) -> bool {
    !segment.contains('{')
}

/// The literal segments every path starts with (`["v1"]` for Stripe's).
fn common_prefix<'a>(mut paths: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let Some(first) = paths.next() else {
        return Vec::new();
    };
    let mut prefix: Vec<&str> = segments(first).take_while(|s| is_literal(s)).collect();
    for path in paths {
        let shared = segments(path)
            .zip(&prefix)
            .take_while(|(a, b)| a == *b)
            .count();
        prefix.truncate(shared);
    }
    prefix
}

/// The first literal segment after `prefix`; else the prefix's last, else `root`.
fn resource(path: &str, prefix: &[&str]) -> String {
    segments(path)
        .skip(prefix.len())
        .find(|s| is_literal(s))
        .or(prefix.last().copied())
        .unwrap_or("root")
        .to_owned()
}

/// Feature names for the raw keys (kebab-case; keys that spell the same name share
/// it), and each operation's features as indices into the sorted names.
fn feature_names(keys: &[Vec<String>]) -> (Vec<String>, Vec<Vec<usize>>) {
    let mut by_key: BTreeMap<&str, String> = BTreeMap::new();
    for (index, key) in keys.iter().flatten().enumerate() {
        by_key
            .entry(key)
            .or_insert_with(|| feature_name(key, index));
    }
    let mut names: Vec<String> = by_key.values().cloned().collect();
    names.sort_unstable();
    names.dedup();
    let groups = keys
        .iter()
        .map(|keys| {
            let mut groups: Vec<usize> = keys
                .iter()
                .filter_map(|key| names.binary_search(&by_key[key.as_str()]).ok())
                .collect();
            groups.sort_unstable();
            groups.dedup();
            groups
        })
        .collect();
    (names, groups)
}

/// `Payment Methods` → `payment-methods`: ASCII letters, digits and `-` only, so that
/// it is a valid feature name and safe in a manifest; never `default`.
fn feature_name(key: &str, index: usize) -> String {
    let name = names::snake(key).replace('_', "-");
    let name = name.trim_matches('-');
    match name {
        "" => format!("group-{index}"),
        "default" => "default-2".to_owned(),
        _ => name.to_owned(),
    }
}

/// Each type's gate: the features of the operations that reach it, or always when an
/// ungated operation reaches it. What no operation reaches is behind a feature of its
/// own (index `features`), so that one group's feature compiles that group's types
/// only; the second value tells whether there is such a type.
fn type_gates(
    api: &Api,
    canonical: &[Option<TypeId>],
    operations: &[Gate],
    features: usize,
) -> (Vec<Gate>, bool) {
    let n = api.types.len();
    let roots_of = |wanted: &dyn Fn(&Gate) -> bool| -> Vec<usize> {
        api.operations
            .iter()
            .zip(operations)
            .filter(|(_, gate)| wanted(gate))
            .flat_map(|(operation, _)| operation.types().map(|t| t.0))
            .collect()
    };
    let mut by_feature: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut reached = vec![false; n];
    for feature in 0..features {
        let roots = roots_of(&|gate| matches!(gate, Gate::Any(f) if f.contains(&feature)));
        for id in reach(api, canonical, roots) {
            by_feature[id].push(feature);
            reached[id] = true;
        }
    }
    let always = reach(api, canonical, roots_of(&|gate| *gate == Gate::Always));
    always.iter().for_each(|&id| reached[id] = true);
    let standalone: Vec<usize> = (0..n).filter(|&id| !reached[id]).collect();
    let any_standalone = !standalone.is_empty();
    for id in reach(api, canonical, standalone) {
        by_feature[id].push(features);
    }
    let mut gates: Vec<Gate> = by_feature.into_iter().map(Gate::Any).collect();
    for id in always {
        gates[id] = Gate::Always;
    }
    (gates, any_standalone)
}

/// Every type `roots` reach, roots included: through what each emitted type names
/// (an alias names its class's first type; `dedup`).
fn reach(api: &Api, canonical: &[Option<TypeId>], roots: Vec<usize>) -> Vec<usize> {
    let mut seen = vec![false; api.types.len()];
    let mut pending = roots;
    pending.retain(|&id| !std::mem::replace(&mut seen[id], true));
    let mut found = Vec::new();
    while let Some(id) = pending.pop() {
        found.push(id);
        let held: Vec<usize> = match canonical[id] {
            Some(first) => vec![first.0],
            None => api.types[id]
                .kind
                .references()
                .into_iter()
                .filter_map(TypeRef::target)
                .map(|t| t.0)
                .collect(),
        };
        for id in held {
            if !std::mem::replace(&mut seen[id], true) {
                pending.push(id);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_follow_the_prefix_all_paths_share() {
        let paths = [
            "/v1/customers",
            "/v1/customers/{id}",
            "/v1/{account}/files",
            "/v1",
        ];
        let prefix = common_prefix(paths.into_iter());
        assert_eq!(prefix, ["v1"]);
        let groups: Vec<String> = paths.iter().map(|p| resource(p, &prefix)).collect();
        assert_eq!(groups, ["customers", "customers", "files", "v1"]);
        // One resource only: its own name; no path at all: `root`.
        let prefix = common_prefix(["/pets", "/pets/{id}"].into_iter());
        assert_eq!(resource("/pets/{id}", &prefix), "pets");
        assert_eq!(resource("/", &common_prefix(["/"].into_iter())), "root");
    }

    #[test]
    fn feature_names_are_kebab_case_and_never_default() {
        assert_eq!(feature_name("Payment Methods", 0), "payment-methods");
        assert_eq!(feature_name("billing_portal", 0), "billing-portal");
        assert_eq!(feature_name("default", 0), "default-2");
        assert_eq!(feature_name("日本", 3), "u65e5-u672c");
        assert_eq!(feature_name("a\"]\n[x", 0), "a-x");
        // Keys that spell the same name share its feature.
        let keys = vec![
            vec!["Pets".to_owned()],
            vec!["pets".to_owned(), "users".to_owned()],
        ];
        let (names, groups) = feature_names(&keys);
        assert_eq!(names, ["pets", "users"]);
        assert_eq!(groups, [vec![0], vec![0, 1]]);
    }

    #[test]
    fn unique_names_get_a_number() {
        let taken = vec!["standalone-types".to_owned()];
        assert_eq!(unique("standalone-types", &taken), "standalone-types-2");
        assert_eq!(unique("other", &taken), "other");
    }
}
