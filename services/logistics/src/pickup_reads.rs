//! Reading pickups: the jobs dispatched to a courier company, the buyer's pickup and customer
//! service's view of it, and the operator's coverage of each city (CT-1).

use actix_web::{HttpResponse, web};
use returns_auth::{As, Buyer, Courier, Cs, Operator};
use returns_domain::lifecycle::PickupJobState;
use returns_events::payloads::RefundOrder;
use returns_runtime::AppContext;
use returns_web::Problem;
use serde::Deserialize;

use crate::store;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct JobsQuery {
    #[serde(default = "dispatched")]
    status: String,
    #[serde(default)]
    limit: Option<i64>,
}

fn dispatched() -> String {
    "dispatched".to_owned()
}

/// `GET /operator/coverage`: CT-1's cities, their shard and partner couriers (PK-9's order).
#[utoipa::path(get, path = "/operator/coverage", tag = "operator", responses((status = 200, description = "Cities, their shards and partner couriers (CT-1)", body = serde_json::Value)))]
pub(crate) async fn coverage(_: As<Operator>, ctx: web::Data<AppContext>) -> HttpResponse {
    let cities: serde_json::Map<String, serde_json::Value> = ctx
        .settings
        .cities
        .iter()
        .map(|(name, c)| {
            (
                name.clone(),
                serde_json::json!({
                    "covered": c.covered, "shard": c.shard, "couriers": c.couriers,
                    "utc_offset_minutes": c.utc_offset_minutes,
                }),
            )
        })
        .collect();
    HttpResponse::Ok().json(serde_json::json!({
        "cities": cities, "default_shard": ctx.settings.default_shard,
    }))
}

/// `GET /courier/jobs`: the jobs dispatched to the calling company, oldest first.
#[utoipa::path(get, path = "/courier/jobs", tag = "courier", params(JobsQuery), responses((status = 200, description = "Jobs dispatched to the company", body = serde_json::Value)))]
pub(crate) async fn list_jobs(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    q: web::Query<JobsQuery>,
) -> Result<HttpResponse, Problem> {
    use PickupJobState::{Accepted, Collected, Dispatched, Scheduled};
    const STATUSES: [PickupJobState; 4] = [Scheduled, Dispatched, Accepted, Collected];
    let Some(status) = PickupJobState::parse(&q.status).filter(|s| STATUSES.contains(s)) else {
        let allowed: Vec<&str> = STATUSES.iter().map(|s| s.as_str()).collect();
        return Err(Problem::invalid(
            "status",
            format!("allowed: {}", allowed.join(", ")),
        ));
    };
    let limit = returns_web::page_size(q.limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.conn().await?;
    let jobs = store::for_courier(&mut conn, &company.id, status, limit).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "jobs": jobs })))
}

/// `GET /buyer/cases/{id}/pickup`: the pickup of one of the buyer's cases.
#[utoipa::path(get, path = "/buyer/cases/{id}/pickup", tag = "buyer", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case's pickup", body = serde_json::Value)))]
pub(crate) async fn buyer_pickup(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    job_of_case(ctx, path, |o| o.buyer_id == buyer.id).await
}

/// `GET /cs/cases/{id}/pickup`: customer service reads any case's pickup (PK-6 complaints).
#[utoipa::path(get, path = "/cs/cases/{id}/pickup", tag = "cs", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case's pickup", body = serde_json::Value)))]
pub(crate) async fn cs_pickup(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    job_of_case(ctx, path, |_| true).await
}

/// A case's pickup, if `owns` its order; someone else's answers exactly like a missing one.
pub(crate) async fn job_of_case(
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    owns: impl Fn(&RefundOrder) -> bool,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.conn().await?;
    let job = store::by_case(&mut conn, id)
        .await?
        .filter(|j| j.order().is_ok_and(|o| owns(&o)))
        .ok_or_else(|| Problem::not_found("pickup job"))?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "job_id": job.job_id, "status": job.status, "courier_company": job.courier_company,
        "dispatch_at": job.dispatch_at, "arrive_by": job.arrive_by, "tracking_number": job.tracking_number,
        "fee": job.fee(),
        // PK-6: who is coming, by real name, once a rider took the job (never a phone number).
        "rider": job.rider_name.as_ref().map(|name| serde_json::json!({
            "real_name": name, "courier_company": job.courier_company,
        })),
        "accepted_at": job.accepted_at, "called_at": job.called_at, "arrived_at": job.arrived_at,
    })))
}
