//! `/admin/clock`: read the service's clock, and in development and tests move it forward.
//! Production's system clock refuses to move (409).

use actix_web::{HttpResponse, web};
use returns_web::Problem;
use serde::Deserialize;

use crate::AppContext;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/clock", web::get().to(now))
        .route("/admin/clock/advance", web::post().to(advance));
}

async fn now(ctx: web::Data<AppContext>) -> HttpResponse {
    HttpResponse::Ok()
        .json(serde_json::json!({ "now": ctx.clock.now(), "movable": ctx.clock.is_movable() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: i64,
}

async fn advance(ctx: web::Data<AppContext>, body: web::Bytes) -> Result<HttpResponse, Problem> {
    let req: Advance = returns_web::parse_json(&body)?;
    if req.seconds < 0 {
        return Err(Problem::invalid(
            "seconds",
            "the clock only moves forward; give 0 or more seconds",
        ));
    }
    let now = ctx
        .clock
        .advance(chrono::Duration::seconds(req.seconds))
        .map_err(Problem::conflict)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "now": now })))
}
