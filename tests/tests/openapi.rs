//! Issue 4, point 8: each service serves an OpenAPI 3.1 document generated from its code at
//! `/openapi.json`; it must equal the one checked in under `docs/openapi/` (regenerate with
//! `just openapi`), and every operation is tagged with the one role it is for, which is how
//! the access tests find and walk it (issue 12 item 5).

use std::collections::BTreeSet;

use returns_harness::routes::routes;
use returns_harness::{SERVICES, Stack, StackOptions, repo_root};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_openapi_documents_match_the_checked_in_ones_and_list_every_route()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("openapi")).await?;
    let mut documented = BTreeSet::new();
    for svc in SERVICES {
        let served = stack
            .client
            .get(format!("{}/openapi.json", stack.url(svc)))
            .send()
            .await?
            .text()
            .await?;
        let file = repo_root().join("docs/openapi").join(format!("{svc}.json"));
        let checked_in = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            served == checked_in,
            "{svc}'s served OpenAPI document differs from {}: run `just openapi` and commit it",
            file.display()
        );
        let doc: serde_json::Value = serde_json::from_str(&served)?;
        assert_eq!(doc["openapi"], "3.1.0", "{svc}");
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
                if path.starts_with("/operator/clock") {
                    continue; // every service's development clock, not a route of its own
                }
                documented.insert((method.to_uppercase(), svc.to_owned(), path.clone()));
                let op = &item[method];
                let tag = op["tags"][0].as_str().unwrap_or_default();
                assert!(
                    returns_auth::Role::parse(tag).is_some()
                        && path.starts_with(&format!("/{tag}/")),
                    "{method} {path} is tagged {tag:?}, not the role of its front"
                );
                assert!(
                    op["security"].to_string().contains("bearer"),
                    "{method} {path} takes a bearer token"
                );
                for code in ["401", "403", "422"] {
                    assert!(
                        op["responses"][code].is_object(),
                        "{method} {path} documents {code}"
                    );
                }
            }
        }
    }
    // The access tests walk the routes the documents list, each under its role's tag.
    let walked: BTreeSet<_> = routes()
        .into_iter()
        .map(|r| (r.method, r.service.to_owned(), r.path))
        .collect();
    let missing: Vec<_> = documented.difference(&walked).collect();
    let undocumented: Vec<_> = walked.difference(&documented).collect();
    assert!(
        missing.is_empty() && undocumented.is_empty(),
        "routes the access tests do not walk: {missing:?}; walked but not documented: {undocumented:?}"
    );
    stack.shutdown().await
}

/// A path as the documents write it, its parameters named alike: `/buyer/cases/{}`.
fn normalized(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' | '<' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' | '>' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out.trim_end_matches(['.', ',', ')']).to_owned()
}

/// Every route path the checked-in OpenAPI documents list, normalized.
fn documented_paths() -> BTreeSet<String> {
    let mut paths: BTreeSet<String> = ["/health/live", "/health/ready", "/openapi.json"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    for svc in SERVICES {
        let file = repo_root().join("docs/openapi").join(format!("{svc}.json"));
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap_or_default())
                .unwrap_or_default();
        for path in doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(p, _)| p)
        {
            paths.insert(normalized(path));
        }
    }
    paths
}

/// The route paths a Markdown text names in code spans (`POST /buyer/cases`, `/cs/cases/{id}`).
fn named_paths(text: &str) -> Vec<String> {
    const FRONTS: [&str; 7] = [
        "/buyer/",
        "/merchant/",
        "/courier/",
        "/cs/",
        "/operator/",
        "/health/",
        "/openapi",
    ];
    // Fenced blocks (diagrams, shell sessions) are not code spans.
    let prose: String = text.split("```").step_by(2).collect::<Vec<_>>().join(" ");
    prose
        .split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|span| span.split_whitespace())
        .filter(|w| FRONTS.iter().any(|f| w.starts_with(f)))
        // `/buyer/...` names a front, not a route.
        .filter(|w| !w.ends_with("...") && !w.ends_with('…') && !w.ends_with('*'))
        .map(normalized)
        .collect()
}

/// Whether a named path is the documented one; a parameter stands for any value
/// (`/merchant/care-jobs/{}/confirm` is a step of `/merchant/care-jobs/{}/{}`).
fn same_route(documented: &str, named: &str) -> bool {
    let (d, n): (Vec<&str>, Vec<&str>) =
        (documented.split('/').collect(), named.split('/').collect());
    d.len() == n.len() && d.iter().zip(&n).all(|(d, n)| d == n || *d == "{}")
}

/// Issue 11, point 8: the docs name only routes that exist, and the README's table lists them
/// all.
#[test]
fn the_docs_name_only_routes_that_exist_and_the_readme_lists_every_route() {
    let documented = documented_paths();
    assert!(documented.len() > 60, "{documented:?}");
    let mut files = vec![repo_root().join("README.md")];
    for entry in std::fs::read_dir(repo_root().join("docs"))
        .into_iter()
        .flatten()
        .flatten()
    {
        if entry.path().extension().is_some_and(|e| e == "md") {
            files.push(entry.path());
        }
    }
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for path in named_paths(&text) {
            assert!(
                documented.iter().any(|d| same_route(d, &path)),
                "{} names {path}, which no service serves",
                file.display()
            );
        }
    }
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap_or_default();
    let listed: BTreeSet<String> = named_paths(&readme).into_iter().collect();
    let left_out: Vec<&String> = documented
        .iter()
        .filter(|p| !p.starts_with("/operator/clock") && !listed.contains(*p))
        .collect();
    assert!(
        left_out.is_empty(),
        "the README's route table leaves out {left_out:?}"
    );
}

/// The untyped (`{}`) request and response bodies of a checked-in document.
fn untyped_bodies(doc: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    for (path, ops) in paths {
        for (method, op) in ops.as_object().cloned().unwrap_or_default() {
            let mut bodies = vec![("request".to_owned(), op["requestBody"]["content"].clone())];
            for (code, r) in op["responses"].as_object().cloned().unwrap_or_default() {
                bodies.push((code, r["content"].clone()));
            }
            for (what, content) in bodies {
                for (_, c) in content.as_object().cloned().unwrap_or_default() {
                    if c["schema"] == serde_json::json!({}) {
                        out.push(format!("{method} {path} {what}"));
                    }
                }
            }
        }
    }
    out
}

/// Issue 12 item 5: every request and response body in every served document is a type a
/// client can be generated from.
#[test]
fn no_openapi_document_has_an_untyped_body() {
    for svc in ["audit", "intake", "logistics", "payment"] {
        let path = repo_root().join(format!("docs/openapi/{svc}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert!(
            doc["paths"].is_object(),
            "{} is no OpenAPI document",
            path.display()
        );
        let untyped = untyped_bodies(&doc);
        assert!(untyped.is_empty(), "{svc}: untyped bodies: {untyped:#?}");
    }
}

/// Every `$ref` of a checked-in document names a schema the document holds (a hand-written
/// schema that refers to another by name registers it too).
#[test]
fn every_schema_reference_resolves() {
    for svc in ["audit", "intake", "logistics", "payment"] {
        let path = repo_root().join(format!("docs/openapi/{svc}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let held = doc["components"]["schemas"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let prefix = "\"$ref\":\"#/components/schemas/";
        let flat = text.replace(": ", ":");
        let missing: BTreeSet<&str> = flat
            .split(prefix)
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .filter(|name| !held.contains_key(*name))
            .collect();
        assert!(
            missing.is_empty(),
            "{svc}: unresolved references {missing:?}"
        );
    }
}

/// Two `ToSchema` types of one name in one service share one entry of its document's
/// `components`, so one of them is documented as the other (seen: care and delivery steps
/// both `StepRequest`). Every schema a service's document can hold has a name of its own.
#[test]
fn no_two_schemas_of_a_service_share_a_name() {
    let shared: Vec<std::path::PathBuf> = ["shared/runtime/src", "shared/web/src"]
        .into_iter()
        .map(|d| repo_root().join(d))
        .collect();
    for svc in ["audit", "intake", "logistics", "payment"] {
        let mut dirs = shared.clone();
        dirs.push(repo_root().join(format!("services/{svc}/src")));
        let mut seen: std::collections::BTreeMap<String, String> = Default::default();
        for dir in dirs {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                for name in schema_names(&text) {
                    let file = entry.path().display().to_string();
                    if let Some(first) = seen.insert(name.clone(), file.clone()) {
                        panic!("{svc}: two schemas named {name}, in {first} and {file}");
                    }
                }
            }
        }
        assert!(seen.len() > 10, "{svc}: only {} schemas found", seen.len());
    }
}

/// The names of the types a source file derives `ToSchema` for.
fn schema_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = false;
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("impl utoipa::ToSchema for ") {
            out.push(rest.split([' ', '<']).next().unwrap_or_default().to_owned());
        } else if line.starts_with("#[derive(") && line.contains("ToSchema") {
            pending = true;
        } else if pending && !line.starts_with("#[") && !line.starts_with("//") {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let Some(i) = words.iter().position(|w| *w == "struct" || *w == "enum") {
                let name = words.get(i + 1).copied().unwrap_or_default();
                out.push(
                    name.split(['<', '{', '('])
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
            pending = false;
        }
    }
    out
}
