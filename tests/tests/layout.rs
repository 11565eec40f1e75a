//! Issue 12 item 1: the modules of a service form no import circle (a feature module uses the
//! store modules and the domain, the route table uses the features, never the reverse).

use std::collections::{BTreeMap, BTreeSet};

use returns_harness::repo_root;

/// The modules of `src` that `text` names through `crate::` (paths and `use crate::{..}`).
fn named_modules(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(inner) => inner
                .split('}')
                .next()
                .unwrap_or_default()
                .split(',')
                .collect(),
            None => vec![rest],
        };
        for n in names {
            let head: String = n
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if modules.contains(&head) {
                out.insert(head);
            }
        }
    }
    out
}

/// Each module of a service's `src` (one file each) and the modules it names.
fn graph_of(service: &str) -> BTreeMap<String, BTreeSet<String>> {
    let dir = repo_root().join("services").join(service).join("src");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    let stem = |p: &std::path::PathBuf| {
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let modules: BTreeSet<String> = files.iter().map(stem).filter(|m| m != "main").collect();
    let mut graph = BTreeMap::new();
    for f in files.iter().filter(|f| stem(f) != "main") {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        // What a module's unit tests use is not what the module depends on.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let mut named = named_modules(code, &modules);
        named.remove(&stem(f));
        graph.insert(stem(f), named);
    }
    graph
}

/// A circle through `from`, if there is one: the modules in order, `from` first.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().cloned().unwrap_or_default();
        for next in graph.get(&last).into_iter().flatten() {
            if next == from {
                return Some(path.clone());
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_module_of_a_service_imports_another_that_imports_it_back() {
    for service in ["intake", "audit", "logistics", "payment"] {
        let graph = graph_of(service);
        assert!(
            graph.len() > 10,
            "{service}: only {} modules read",
            graph.len()
        );
        assert!(
            graph["routes"].len() > 3,
            "{service}: the route table names its features"
        );
        for module in graph.keys() {
            if let Some(c) = circle(&graph, module) {
                panic!(
                    "{service}: an import circle: {} -> {module}",
                    c.join(" -> ")
                );
            }
        }
    }
}

#[test]
fn a_circle_is_found_where_there_is_one() {
    let modules: BTreeSet<String> = ["parcel", "refund_orders", "ledger"]
        .map(String::from)
        .into();
    let named = named_modules("use crate::{ledger, refund_orders::keep};", &modules);
    assert_eq!(named, ["ledger", "refund_orders"].map(String::from).into());
    let mut graph = BTreeMap::new();
    graph.insert("parcel".to_owned(), named);
    graph.insert("refund_orders".to_owned(), ["parcel".to_owned()].into());
    graph.insert("ledger".to_owned(), BTreeSet::new());
    assert_eq!(
        circle(&graph, "parcel"),
        Some(vec!["parcel".to_owned(), "refund_orders".to_owned()])
    );
    assert_eq!(circle(&graph, "ledger"), None);
}
