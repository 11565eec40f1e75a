//! A service's routes, each named once: its `#[utoipa::path]` gives the method and path that
//! actix serves and that the OpenAPI document lists ([`api!`](crate::api)). A path asked with a
//! method it does not take answers 405 with `Allow`, as RFC 9110 asks.

use std::collections::BTreeMap;

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, Route, web};
use returns_web::Problem;
use utoipa::openapi::path::HttpMethod;

/// Routes gathered by path, so each path is one resource that knows all its methods.
#[derive(Default)]
pub struct RouteTable {
    paths: BTreeMap<String, Vec<(Method, Route)>>,
}

impl RouteTable {
    /// The handler `route` at the path and methods of its documentation `P`.
    pub fn add<P: utoipa::Path>(&mut self, route: fn() -> Route) {
        let methods = self.paths.entry(P::path()).or_default();
        for m in P::methods() {
            let method = method_of(&m);
            methods.push((method.clone(), route().method(method)));
        }
    }

    /// Every path as one resource; a method it does not take answers 405 naming those it does.
    pub fn serve(self, cfg: &mut web::ServiceConfig) {
        for (path, routes) in self.paths {
            let allow = allow_header(routes.iter().map(|(m, _)| m));
            let mut resource = web::resource(path);
            for (_, route) in routes {
                resource = resource.route(route);
            }
            cfg.service(resource.default_service(web::to(move || {
                let allow = allow.clone();
                async move { Err::<HttpResponse, _>(method_not_allowed(allow)) }
            })));
        }
    }
}

/// The `Allow` value: the methods a path takes, in a stable order.
fn allow_header<'a>(methods: impl Iterator<Item = &'a Method>) -> String {
    let mut names: Vec<&str> = methods.map(Method::as_str).collect();
    names.sort_unstable();
    names.dedup();
    names.join(", ")
}

fn method_not_allowed(allow: String) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        format!("this route takes {allow}"),
    )
    .with_header("Allow", allow)
}

fn method_of(m: &HttpMethod) -> Method {
    match m {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

/// A service's route table and OpenAPI paths from one list of `module::handler`s, each with its
/// `#[utoipa::path]`: `routes(cfg)` serves them and `ApiDoc` documents them.
#[macro_export]
macro_rules! api {
    ($($module:ident :: $handler:ident),* $(,)?) => {
        /// The routes this module lists, at the paths their documentation gives.
        pub(crate) fn routes(cfg: &mut ::actix_web::web::ServiceConfig) {
            let mut table = $crate::RouteTable::default();
            $( $crate::paste::paste! {
                table.add::<$module::[<__path_ $handler>]>(|| ::actix_web::web::to($module::$handler));
            } )*
            table.serve(cfg);
        }

        /// The same routes as OpenAPI paths.
        #[derive(::utoipa::OpenApi)]
        #[openapi(paths($($module::$handler),*))]
        pub(crate) struct ApiDoc;
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_names_each_method_once_in_order() {
        let ms = [Method::POST, Method::GET, Method::POST];
        assert_eq!(allow_header(ms.iter()), "GET, POST");
    }

    #[test]
    fn a_wrong_method_is_a_405_naming_the_right_ones() {
        let p = method_not_allowed("GET, PUT".to_owned());
        assert_eq!(p.status, 405);
        assert!(p.detail.contains("GET, PUT"));
    }
}
