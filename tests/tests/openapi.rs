//! Issue 4, point 8: each service serves an OpenAPI 3.1 document generated from its code at
//! `/openapi.json`; it must equal the one checked in under `docs/openapi/` (regenerate with
//! `just openapi`) and list exactly the routes the access tests walk.

use std::collections::BTreeSet;

use returns_harness::routes::ROUTES;
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
    let walked: BTreeSet<_> = ROUTES
        .iter()
        .map(|(m, svc, path, _)| (m.to_string(), svc.to_string(), path.to_string()))
        .collect();
    let missing: Vec<_> = documented.difference(&walked).collect();
    let undocumented: Vec<_> = walked.difference(&documented).collect();
    assert!(
        missing.is_empty() && undocumented.is_empty(),
        "routes the access tests do not walk: {missing:?}; walked but not documented: {undocumented:?}"
    );
    stack.shutdown().await
}
