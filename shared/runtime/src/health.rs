//! `/health/live` (the process answers) and `/health/ready` (database reachable and at least
//! one partition assigned to the consumer).

use actix_web::{HttpResponse, web};
use returns_bus::ConsumerHandle;

use crate::AppContext;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/health/live", web::get().to(live))
        .route("/health/ready", web::get().to(ready));
}

async fn live() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "live" }))
}

async fn ready(ctx: web::Data<AppContext>, consumer: web::Data<ConsumerHandle>) -> HttpResponse {
    let database = returns_store::ping(&ctx.pool).await;
    let partitions = consumer.assigned_partitions();
    let ok = database.is_ok() && partitions > 0;
    let body = serde_json::json!({
        "status": if ok { "ready" } else { "not_ready" },
        "database": match &database { Ok(()) => "ok".to_owned(), Err(e) => e.to_string() },
        "assigned_partitions": partitions,
    });
    if ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
