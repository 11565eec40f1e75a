//! `/operator/clock`: read the service's clock, and in development and tests move it forward.
//! Production's system clock refuses to move (409).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use returns_auth::{As, Operator};
use returns_web::Problem;
use serde::{Deserialize, Serialize};

use crate::AppContext;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    let mut table = crate::RouteTable::default();
    table.add::<__path_now>(|| web::to(now));
    table.add::<__path_advance>(|| web::to(advance));
    table.serve(cfg);
}

/// The service's clock.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ClockView {
    now: DateTime<Utc>,
    /// True in development and tests only.
    #[serde(skip_serializing_if = "Option::is_none")]
    movable: Option<bool>,
}

/// The service's clock, and whether it can be moved (development and tests only).
#[utoipa::path(get, path = "/operator/clock", tag = "operator",
    responses((status = 200, description = "The clock", body = ClockView)))]
pub(crate) async fn now(_: As<Operator>, ctx: web::Data<AppContext>) -> HttpResponse {
    HttpResponse::Ok().json(ClockView {
        now: ctx.clock.now(),
        movable: Some(ctx.clock.is_movable()),
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Advance {
    /// Forward only, at most ten years at a time.
    #[schema(minimum = 0, maximum = 316_224_000)]
    #[serde(deserialize_with = "returns_domain::whole::de")]
    seconds: i64,
}

/// Moves a development clock forward; production's clock refuses (409).
#[utoipa::path(post, path = "/operator/clock/advance", tag = "operator", request_body = Advance,
    responses((status = 200, description = "The clock after the move", body = ClockView)))]
pub(crate) async fn advance(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let req: Advance = returns_web::parse_json(&body)?;
    // At most ten years at a time: any further is no test of a deadline.
    if !(0..=10 * 366 * 86_400).contains(&req.seconds) {
        return Err(Problem::invalid(
            "seconds",
            "the clock only moves forward, by 0 to 316224000 seconds (ten years) at a time",
        ));
    }
    let now = ctx
        .clock
        .advance(chrono::Duration::seconds(req.seconds))
        .map_err(Problem::conflict)?;
    Ok(HttpResponse::Ok().json(ClockView { now, movable: None }))
}
