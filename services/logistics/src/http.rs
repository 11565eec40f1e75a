//! logistics' HTTP API, one front per role: courier companies list the jobs dispatched to them
//! and report accept (PK-2), call and arrival (PK-3) and pickup with the tracking number (PK-4);
//! buyers read their pickup, enter their own tracking number (CT-2) and complain about a rider
//! (PK-6); merchants send goods back and report care (CARE-4) and delivery (WF-3) steps;
//! operators read coverage (CT-1) and the figures per courier and rider.

use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use returns_auth::{As, Buyer, Courier, Cs, Operator};
use returns_bus::stage;
use returns_domain::RuleId;
use returns_events::payloads::{PickupAccepted, PickupCollected, PickupDelivered, RefundOrder};
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;
use tracing::Instrument;
use uuid::Uuid;

use crate::accept::JobRef;
use crate::events::pickup_event;
use crate::store;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::{care_jobs, courier_complaints, delivery_jobs, report, self_ship, send_back};
    cfg.route("/courier/jobs", web::get().to(list_jobs))
        .route("/courier/jobs/{id}/accept", web::post().to(accept))
        .route("/courier/jobs/{id}/call", web::post().to(call))
        .route("/courier/jobs/{id}/arrive", web::post().to(arrive))
        .route("/courier/jobs/{id}/pickup", web::post().to(pickup))
        .route("/courier/jobs/{id}/deliver", web::post().to(deliver))
        .route("/buyer/cases/{id}/pickup", web::get().to(buyer_pickup))
        .route(
            "/buyer/cases/{id}/pickup-slot",
            web::post().to(crate::pickup_slot::book),
        )
        .route("/cs/cases/{id}/pickup", web::get().to(cs_pickup))
        .route("/cs/pickups", web::get().to(crate::escalated::desk))
        .route(
            "/cs/pickups/{id}/action",
            web::post().to(crate::escalated::act),
        )
        .route(
            "/buyer/cases/{id}/shipment",
            web::post().to(self_ship::enter_tracking),
        )
        .route(
            "/buyer/cases/{id}/courier-complaint",
            web::post().to(courier_complaints::file),
        )
        .route(
            "/merchant/cases/{id}/send-back",
            web::post().to(send_back::send_back),
        )
        .route("/merchant/care-jobs/{id}", web::get().to(care_jobs::view))
        .route(
            "/merchant/care-jobs/{id}/{step}",
            web::post().to(care_jobs::report),
        )
        .route(
            "/merchant/delivery-jobs/{id}/{step}",
            web::post().to(delivery_jobs::report),
        )
        .route("/operator/coverage", web::get().to(coverage))
        .route(
            "/operator/reports/operator",
            web::get().to(report::operator_report),
        );
}

/// A database failure, as every route of this service answers it.
pub(crate) fn db_error(e: impl std::fmt::Display) -> Problem {
    returns_web::store_unavailable(e, "the pickup store")
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct JobsQuery {
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
async fn coverage(_: As<Operator>, ctx: web::Data<AppContext>) -> HttpResponse {
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
async fn list_jobs(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    q: web::Query<JobsQuery>,
) -> Result<HttpResponse, Problem> {
    const STATUSES: [&str; 4] = ["scheduled", "dispatched", "accepted", "collected"];
    if !STATUSES.contains(&q.status.as_str()) {
        return Err(Problem::invalid(
            "status",
            format!("allowed: {}", STATUSES.join(", ")),
        ));
    }
    let limit = returns_web::page_size(q.limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let jobs = store::for_courier(&mut conn, &company.id, &q.status, limit)
        .await
        .map_err(db_error)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "jobs": jobs })))
}

/// `GET /buyer/cases/{id}/pickup`: the pickup of one of the buyer's cases.
#[utoipa::path(get, path = "/buyer/cases/{id}/pickup", tag = "buyer", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case's pickup", body = serde_json::Value)))]
async fn buyer_pickup(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    job_of_case(ctx, path, |o| o.buyer_id == buyer.id).await
}

/// `GET /cs/cases/{id}/pickup`: customer service reads any case's pickup (PK-6 complaints).
#[utoipa::path(get, path = "/cs/cases/{id}/pickup", tag = "cs", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case's pickup", body = serde_json::Value)))]
async fn cs_pickup(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    job_of_case(ctx, path, |_| true).await
}

/// A case's pickup, if `owns` its order; someone else's answers exactly like a missing one.
async fn job_of_case(
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    owns: impl Fn(&RefundOrder) -> bool,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let job = store::by_case(&mut conn, id)
        .await
        .map_err(db_error)?
        .filter(|j| serde_json::from_value::<RefundOrder>(j.refund.clone()).is_ok_and(|o| owns(&o)))
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

/// PK-2, PK-6: a company takes a job by naming the rider, by real name.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AcceptRequest {
    rider: store::Rider,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PickupRequest {
    tracking_number: String,
}

enum Step {
    Done(serde_json::Value),
    NotFound,
    Conflict(String),
}

#[utoipa::path(post, path = "/courier/jobs/{id}/accept", tag = "courier", request_body = AcceptRequest, params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The job, accepted (PK-2, PK-6)", body = serde_json::Value)))]
async fn accept(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "job")?;
    let req: AcceptRequest = parse_json(&body)?;
    let r = &req.rider;
    returns_web::check_id("rider.id", &r.id)?;
    if r.real_name.trim().chars().count() < 2 || r.real_name.len() > 100 {
        return Err(Problem::invalid(
            "rider.real_name",
            "PK-6: riders are identified by their real name (2-100 characters)",
        ));
    }
    courier_step(ctx, root, id, company.id, Action::Accept(req.rider)).await
}

/// PK-3: the rider called the buyer. No body.
#[utoipa::path(post, path = "/courier/jobs/{id}/call", tag = "courier", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The call, recorded (PK-3)", body = serde_json::Value)))]
async fn call(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "job")?;
    courier_step(ctx, root, id, company.id, Action::Call).await
}

/// PK-3: the rider is at the door. No body.
#[utoipa::path(post, path = "/courier/jobs/{id}/arrive", tag = "courier", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The arrival, recorded (PK-3)", body = serde_json::Value)))]
async fn arrive(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "job")?;
    courier_step(ctx, root, id, company.id, Action::Arrive).await
}

#[utoipa::path(post, path = "/courier/jobs/{id}/pickup", tag = "courier", request_body = PickupRequest, params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The parcel, collected (PK-4)", body = serde_json::Value)))]
async fn pickup(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "job")?;
    let req: PickupRequest = parse_json(&body)?;
    let t = returns_web::tracking_number(&req.tracking_number)?;
    courier_step(ctx, root, id, company.id, Action::Pickup(t)).await
}

/// The collected parcel reached the merchant. No body.
#[utoipa::path(post, path = "/courier/jobs/{id}/deliver", tag = "courier",
    params(("id" = String, Path, description = "The object's id")),
    responses((status = 200, description = "The delivery to the merchant, recorded", body = serde_json::Value)))]
async fn deliver(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "job")?;
    courier_step(ctx, root, id, company.id, Action::Deliver).await
}

/// What the courier company reports.
enum Action {
    /// PK-2: it takes the job; PK-6: with its rider, by real name.
    Accept(store::Rider),
    /// PK-3: the rider called the buyer to confirm size and address.
    Call,
    /// PK-3: its rider is at the door.
    Arrive,
    /// PK-4: the parcel is collected, with its tracking number.
    Pickup(String),
    /// The collected parcel reached the merchant.
    Deliver,
}

impl Action {
    fn name(&self) -> &'static str {
        match self {
            Action::Accept(_) => "accept",
            Action::Call => "call",
            Action::Arrive => "arrive",
            Action::Pickup(_) => "pickup",
            Action::Deliver => "deliver",
        }
    }
}

/// One courier report. Repeating a step that already happened with the same data answers as
/// the first time did; anything else out of order is a 409.
async fn courier_step(
    ctx: web::Data<AppContext>,
    root: RootSpan,
    id: Uuid,
    company: String,
    action: Action,
) -> Result<HttpResponse, Problem> {
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let app = ctx.get_ref().clone();
    let step = (*conn)
        .transaction::<Step, returns_bus::BusError, _>(async move |conn| {
            let Some(job) = store::by_id_for_update(conn, id).await.map_err(returns_store::StoreError::from)? else {
                return Ok(Step::NotFound);
            };
            // Another company's job answers exactly like a missing one.
            if job.courier_company != company {
                return Ok(Step::NotFound);
            }
            returns_runtime::tag_case(&root, &job.case_id, &job.city, &job.shard);
            let span = tracing::info_span!(
                "logistics.courier_report",
                case_id = %job.case_id, city = %job.city, shard = %job.shard, step = action.name(),
            );
            // The courier's call continues the case's trace.
            returns_telemetry::continue_trace(&span, job.traceparent.as_deref());
            async {
                let now = app.clock.now();
                let at = JobRef { case_id: job.case_id, city: &job.city, shard: &job.shard };
                let done = |status: &str| Ok(Step::Done(serde_json::json!({ "job_id": id, "status": status })));
                match (&action, job.status.as_str()) {
                    (Action::Accept(rider), "dispatched") => {
                        store::mark_accepted(conn, id, now, rider).await.map_err(returns_store::StoreError::from)?;
                        crate::accept::end_wait(conn, job.case_id, &company).await?;
                        // PK-3: the rider must now be at the door by arrive_by.
                        crate::arrival::start_wait(conn, &at, job.arrive_by, now).await?;
                        let ev = pickup_event(at.case_id, at.city, at.shard, now, &PickupAccepted { job_id: id, courier_company: company.clone(), accepted_at: now, rider_name: rider.real_name.clone() })?;
                        stage(conn, &app.cities, &[ev]).await?;
                        done("accepted")
                    }
                    (Action::Accept(_), "accepted" | "collected") => done(&job.status),
                    (Action::Call, "accepted") => {
                        store::mark_called(conn, id, now).await.map_err(returns_store::StoreError::from)?;
                        done("accepted")
                    }
                    (Action::Call, "collected") => done("collected"),
                    (Action::Arrive, "accepted") => {
                        store::mark_arrived(conn, id, now).await.map_err(returns_store::StoreError::from)?;
                        crate::arrival::end_wait(conn, job.case_id).await?;
                        done("accepted")
                    }
                    (Action::Pickup(t), "dispatched" | "accepted") => {
                        let refund: RefundOrder = serde_json::from_value(job.refund.clone())?;
                        store::mark_arrived(conn, id, now).await.map_err(returns_store::StoreError::from)?;
                        store::mark_collected(conn, id, now, t).await.map_err(returns_store::StoreError::from)?;
                        crate::accept::end_wait(conn, job.case_id, &company).await?;
                        crate::arrival::end_wait(conn, job.case_id).await?;
                        let ev = pickup_event(
                            at.case_id,
                            at.city,
                            at.shard,
                            now,
                            &PickupCollected {
                                job_id: id,
                                rule: RuleId::Pk4,
                                tracking_number: t.clone(),
                                collected_at: now,
                                refund,
                                courier_company: company.clone(),
                                fee: Some(job.fee()),
                            },
                        )?;
                        stage(conn, &app.cities, &[ev]).await?;
                        tracing::info!("parcel collected; tracking number uploaded");
                        Ok(Step::Done(serde_json::json!({ "job_id": id, "status": "collected", "tracking_number": t })))
                    }
                    (Action::Pickup(t), "collected") if job.tracking_number.as_deref() == Some(t.as_str()) => {
                        Ok(Step::Done(serde_json::json!({ "job_id": id, "status": "collected", "tracking_number": t })))
                    }
                    (Action::Deliver, "collected") => {
                        if store::mark_delivered(conn, id, now).await.map_err(returns_store::StoreError::from)? {
                            let ev = pickup_event(
                                at.case_id,
                                at.city,
                                at.shard,
                                now,
                                &PickupDelivered {
                                    job_id: id,
                                    courier_company: company.clone(),
                                    tracking_number: job.tracking_number.clone().unwrap_or_default(),
                                    delivered_at: now,
                                },
                            )?;
                            stage(conn, &app.cities, &[ev]).await?;
                        }
                        Ok(Step::Done(serde_json::json!({ "job_id": id, "status": "collected", "delivered": true })))
                    }
                    (_, status) => Ok(Step::Conflict(format!(
                        "the job is {status}; {} is not possible now",
                        match &action {
                            Action::Pickup(_) => "pickup with this tracking number",
                            other => other.name(),
                        }
                    ))),
                }
            }
            .instrument(span)
            .await
        })
        .await
        .map_err(db_error)?;
    match step {
        Step::Done(body) => {
            ctx.relay.wake();
            Ok(HttpResponse::Ok().json(body))
        }
        Step::NotFound => Err(Problem::not_found("job")),
        Step::Conflict(m) => Err(Problem::conflict(m)),
    }
}
