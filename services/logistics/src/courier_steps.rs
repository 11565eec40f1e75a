//! What a courier company reports of a job: accept (PK-2), call and arrival (PK-3), pickup with
//! the tracking number (PK-4) and delivery to the merchant. Repeating a step answers as the first
//! time did; anything else out of order is a 409.

use actix_web::{HttpResponse, web};
use returns_auth::{As, Courier};
use returns_bus::stage;
use returns_bus::{About, Emitter};
use returns_domain::RuleId;
use returns_domain::lifecycle::PickupJobState;
use returns_events::payloads::{PickupAccepted, PickupCollected, PickupDelivered};
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;
use tracing::Instrument;
use uuid::Uuid;

use crate::store;

/// PK-2, PK-6: a company takes a job by naming the rider, by real name.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AcceptRequest {
    rider: store::Rider,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PickupRequest {
    tracking_number: String,
}

#[utoipa::path(post, path = "/courier/jobs/{id}/accept", tag = "courier", request_body = AcceptRequest, params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The job, accepted (PK-2, PK-6)", body = serde_json::Value)))]
pub(crate) async fn accept(
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
pub(crate) async fn call(
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
pub(crate) async fn arrive(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "job")?;
    courier_step(ctx, root, id, company.id, Action::Arrive).await
}

#[utoipa::path(post, path = "/courier/jobs/{id}/pickup", tag = "courier", request_body = PickupRequest, params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The parcel, collected (PK-4)", body = serde_json::Value)))]
pub(crate) async fn pickup(
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
pub(crate) async fn deliver(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "job")?;
    courier_step(ctx, root, id, company.id, Action::Deliver).await
}

/// What the courier company reports.
pub(crate) enum Action {
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
pub(crate) async fn courier_step(
    ctx: web::Data<AppContext>,
    root: RootSpan,
    id: Uuid,
    company: String,
    action: Action,
) -> Result<HttpResponse, Problem> {
    let app = ctx.get_ref().clone();
    let body = ctx
        .write(async move |conn| {
            let job = store::companys_job_for_update(conn, id, &company)
                .await?
                .ok_or_else(|| Problem::not_found("job"))?;
            returns_runtime::tag_case(&root, &job.case_id, &job.city, &job.shard);
            let span = tracing::info_span!(
                "logistics.courier_report",
                case_id = %job.case_id, city = %job.city, shard = %job.shard, step = action.name(),
            );
            // The courier's call continues the case's trace.
            returns_telemetry::continue_trace(&span, job.traceparent.as_deref());
            async {
                use PickupJobState::{Accepted, Collected, Dispatched};
                let now = app.clock.now();
                let at = job.about();
                let done = |status: PickupJobState| Ok(serde_json::json!({ "job_id": id, "status": status }));
                match (&action, job.status) {
                    (Action::Accept(rider), Dispatched) => {
                        store::mark_accepted(conn, id, now, rider).await?;
                        crate::accept::end_wait(conn, job.case_id, &company).await?;
                        // PK-3: the rider must now be at the door by arrive_by.
                        crate::arrival::start_wait(conn, &at, job.arrive_by, now).await?;
                        let ev = Emitter::new(crate::SERVICE, now).emit(About { case_id: at.case_id, city: at.city, shard: at.shard }, &PickupAccepted { job_id: id, courier_company: company.clone(), accepted_at: now, rider_name: rider.real_name.clone() })?;
                        stage(conn, &app.cities, &[ev]).await?;
                        done(Accepted)
                    }
                    (Action::Accept(_), Accepted | Collected) => done(job.status),
                    (Action::Call, Accepted) => {
                        store::mark_called(conn, id, now).await?;
                        done(Accepted)
                    }
                    (Action::Call, Collected) => done(Collected),
                    (Action::Arrive, Accepted) => {
                        store::mark_arrived(conn, id, now).await?;
                        crate::arrival::end_wait(conn, job.case_id).await?;
                        done(Accepted)
                    }
                    (Action::Pickup(t), Dispatched | Accepted) => {
                        store::mark_arrived(conn, id, now).await?;
                        store::mark_collected(conn, id, now, t).await?;
                        crate::accept::end_wait(conn, job.case_id, &company).await?;
                        crate::arrival::end_wait(conn, job.case_id).await?;
                        let ev = Emitter::new(crate::SERVICE, now).emit(About { case_id: at.case_id, city: at.city, shard: at.shard }, &PickupCollected {
                                job_id: id,
                                rule: RuleId::Pk4,
                                tracking_number: t.clone(),
                                collected_at: now,
                                refund_v1: None,
                                courier_company: company.clone(),
                                fee: Some(job.fee()),
                            })?;
                        stage(conn, &app.cities, &[ev]).await?;
                        tracing::info!("parcel collected; tracking number uploaded");
                        Ok(serde_json::json!({ "job_id": id, "status": Collected, "tracking_number": t }))
                    }
                    (Action::Pickup(t), Collected) if job.tracking_number.as_deref() == Some(t.as_str()) => {
                        Ok(serde_json::json!({ "job_id": id, "status": Collected, "tracking_number": t }))
                    }
                    (Action::Deliver, Collected) => {
                        if store::mark_delivered(conn, id, now).await? {
                            let ev = Emitter::new(crate::SERVICE, now).emit(About { case_id: at.case_id, city: at.city, shard: at.shard }, &PickupDelivered {
                                    job_id: id,
                                    courier_company: company.clone(),
                                    tracking_number: job.tracking_number.clone().unwrap_or_default(),
                                    delivered_at: now,
                                })?;
                            stage(conn, &app.cities, &[ev]).await?;
                        }
                        Ok(serde_json::json!({ "job_id": id, "status": Collected, "delivered": true }))
                    }
                    (_, status) => Err(Problem::conflict(format!(
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
        .await?;
    Ok(HttpResponse::Ok().json(body))
}
