//! Every public route of the platform, read from the checked-in OpenAPI documents (which
//! `tests/tests/openapi.rs` holds equal to what each service serves): the access tests walk
//! exactly what the documents promise, and a new route is walked without being listed here.

use returns_auth::Role;

use crate::{SERVICES, repo_root};

/// One public route: its method, the service that serves it, its path template (`{id}` is an
/// object of the route's kind) and the one role it is for (its OpenAPI tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: String,
    pub service: &'static str,
    pub path: String,
    pub role: Role,
}

impl Route {
    /// Method, service, path template and role, as the access tests read a route.
    pub fn parts(&self) -> (&str, &'static str, &str, Role) {
        (&self.method, self.service, &self.path, self.role)
    }
}

/// Every documented route but the development clock every service shares.
pub fn routes() -> Vec<Route> {
    SERVICES
        .into_iter()
        .flat_map(|svc| {
            let file = repo_root().join("docs/openapi").join(format!("{svc}.json"));
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            routes_of(svc, &doc)
        })
        .collect()
}

/// The routes one document lists; an operation without a role tag is left out (and the
/// openapi test fails on it).
pub fn routes_of(service: &'static str, doc: &serde_json::Value) -> Vec<Route> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        if path.starts_with("/operator/clock") {
            continue;
        }
        for (method, op) in item.as_object().into_iter().flatten() {
            let tag = op["tags"][0].as_str().unwrap_or_default();
            if let Some(role) = Role::parse(tag) {
                out.push(Route {
                    method: method.to_uppercase(),
                    service,
                    path: path.clone(),
                    role,
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_is_its_path_method_and_tag() {
        let doc = serde_json::json!({ "paths": {
            "/buyer/cases": { "get": { "tags": ["buyer"] }, "post": { "tags": ["buyer"] } },
            "/operator/clock": { "get": { "tags": ["operator"] } },
            "/untagged": { "get": {} },
        }});
        let routes = routes_of("intake", &doc);
        let seen: Vec<(&str, &str, Role)> = routes
            .iter()
            .map(|r| (r.method.as_str(), r.path.as_str(), r.role))
            .collect();
        assert_eq!(
            seen,
            [
                ("GET", "/buyer/cases", Role::Buyer),
                ("POST", "/buyer/cases", Role::Buyer)
            ]
        );
    }

    #[test]
    fn the_documents_list_every_front() {
        let all = routes();
        for role in Role::ALL {
            assert!(
                all.iter().any(|r| r.role == role),
                "no {role} route documented"
            );
        }
        assert!(all.len() > 60, "{} routes", all.len());
    }
}
