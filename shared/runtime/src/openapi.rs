//! Each service's OpenAPI 3.1 document, generated from its routes' `#[utoipa::path]`
//! annotations and completed here with what every route shares: bearer authentication, the
//! RFC 9457 problem answers of the edge, and the operator's clock routes. Served at
//! `GET /openapi.json` and checked in under `docs/openapi/`.

use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, ObjectBuilder, OpenApi, Ref, RefOr, Required, ResponseBuilder, Type,
};
use utoipa::{OpenApi as _, PartialSchema, ToSchema};

use returns_web::Problem;

/// Error answers any route may give, beside those its own annotation lists.
const PROBLEMS: [(&str, &str); 8] = [
    (
        "400",
        "Malformed request: not JSON, a wrong type, an unknown field or value",
    ),
    ("401", "No valid bearer token"),
    ("403", "A token of another role"),
    (
        "404",
        "No such object (or not the caller's), or no such route",
    ),
    ("413", "Body larger than api.body_limit_bytes"),
    ("422", "A value is not allowed; `field` names it"),
    ("429", "Over the caller's rate limit; see Retry-After"),
    ("503", "A dependency is down; retry"),
];

/// POSTs may also conflict with the object's state or with an idempotency key in flight.
const POST_PROBLEMS: [(&str, &str); 1] = [(
    "409",
    "Not possible in the object's current state, or the same Idempotency-Key is in flight",
)];

#[derive(utoipa::OpenApi)]
#[openapi(paths(crate::admin::now, crate::admin::advance))]
struct Shared;

/// `doc`, the service's own paths, completed with what every route shares.
pub(crate) fn document(
    mut doc: OpenApi,
    service: &str,
    webhooks: Option<crate::Webhooks>,
) -> OpenApi {
    doc.merge(Shared::openapi());
    if let Some(hooks) = crate::webhooks_api::doc(webhooks) {
        doc.merge(hooks);
    }
    doc.info.title = format!("returns platform: {service}");
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc.info.description = Some(format!(
        "The {service} service's public API. Every route belongs to one role's front \
         (/buyer, /merchant, /courier, /cs, /operator) and takes a bearer token of that role. \
         Errors are application/problem+json (RFC 9457). See docs/api.md."
    ));
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    components
        .schemas
        .insert(Problem::name().into_owned(), Problem::schema());
    for item in doc.paths.paths.values_mut() {
        let ops = [
            (&mut item.get, false),
            (&mut item.put, false),
            (&mut item.post, true),
        ];
        for (op, is_post) in ops {
            if let Some(op) = op.as_mut() {
                complete(op, is_post);
            }
        }
    }
    doc
}

fn complete(op: &mut Operation, is_post: bool) {
    op.security = Some(vec![SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    if is_post {
        op.parameters
            .get_or_insert_with(Vec::new)
            .push(idempotency_key());
    }
    let extra: &[(&str, &str)] = if is_post { &POST_PROBLEMS } else { &[] };
    for (code, why) in PROBLEMS.iter().chain(extra) {
        op.responses
            .responses
            .entry((*code).to_owned())
            .or_insert_with(|| problem(why));
    }
}

/// Every POST takes an optional `Idempotency-Key` (see `edge::idempotency`).
fn idempotency_key() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(crate::edge::idempotency::HEADER)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "A retry with the same key and request answers the first answer; another request \
             with the key is a 422. Kept for api.idempotency_hours.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[!-~]+$")),
        ))
        .build()
}

fn problem(why: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(why)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build(),
    )
}
