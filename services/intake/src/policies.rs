//! The rule parameters in force, as this service loaded them.

use actix_web::{HttpResponse, web};
use returns_auth::{As, Operator};
use returns_runtime::AppContext;

/// `GET /operator/policies`: the rule parameters in force, as this service loaded them.
#[utoipa::path(get, path = "/operator/policies", tag = "operator", responses((status = 200, description = "The policy in force", body = returns_domain::policy::Policy)))]
pub(crate) async fn policies(_: As<Operator>, ctx: web::Data<AppContext>) -> HttpResponse {
    HttpResponse::Ok().json(&ctx.settings.policy)
}
