//! The buyer picks when the courier comes (PK-1): `POST /buyer/cases/{id}/pickup-slot` with a
//! start inside the city's pickup window within the next week. A job not yet accepted by a
//! courier company goes back to `scheduled` and is dispatched when its slot starts; once a
//! rider took it, the slot can no longer change (409).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Duration, Timelike, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use returns_auth::{As, Buyer};
use returns_bus::Emitter;
use returns_bus::stage;
use returns_domain::RuleId;
use returns_domain::lifecycle::PickupJobState;
use returns_events::payloads::PickupScheduled;
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;

use crate::schema::pickup_jobs;
use crate::store;

/// How far ahead a buyer may book.
const AHEAD_DAYS: i64 = 7;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SlotRequest {
    /// When the courier should set out (RFC 3339): inside the city's pickup window (PK-1),
    /// from now to seven days ahead. The rider arrives within PK-3's hours after it.
    start: DateTime<Utc>,
}

/// The pickup, scheduled: the courier sets out at `dispatch_at` (PK-1).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct SlotBooked {
    case_id: uuid::Uuid,
    job_id: uuid::Uuid,
    status: PickupJobState,
    dispatch_at: DateTime<Utc>,
}

#[utoipa::path(post, path = "/buyer/cases/{id}/pickup-slot", tag = "buyer", request_body = SlotRequest,
    params(("id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 200, description = "The pickup, scheduled for the slot (PK-1)", body = SlotBooked)))]
pub(crate) async fn book(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: SlotRequest = parse_json(&body)?;
    let now = ctx.clock.now();
    if req.start < now || req.start > now + Duration::days(AHEAD_DAYS) {
        return Err(Problem::invalid(
            "start",
            format!("a slot from now to {AHEAD_DAYS} days ahead"),
        ));
    }
    let app = ctx.get_ref().clone();
    let job_id = ctx
        .write(async move |conn| {
            let job = store::by_case(conn, id)
                .await?
                .ok_or_else(|| Problem::not_found("pickup job"))?;
            let order = job.order()?;
            // Someone else's case answers exactly like a missing one.
            if order.buyer_id != buyer.id {
                return Err(Problem::not_found("pickup job"));
            }
            returns_runtime::tag_case(&root, &id, &job.city, &job.shard);
            if !job.status.slot_open() {
                return Err(Problem::conflict(format!(
                    "the pickup is {}; a slot is chosen before a rider takes the job",
                    job.status
                )));
            }
            // PK-1: the slot lies in the city's pickup window, in its local time.
            let city = app.cities.city(&job.city);
            let local = req.start + Duration::minutes(i64::from(city.utc_offset_minutes));
            let p = &app.settings.policy;
            if !(p.pickup_window_start_hour..p.pickup_window_end_hour).contains(&local.hour()) {
                return Err(Problem::invalid("start", format!(
                    "outside PK-1's pickup window ({}:00-{}:00 local time); choose another start",
                    p.pickup_window_start_hour, p.pickup_window_end_hour
                )));
            }
            if job.status == PickupJobState::Dispatched {
                // The company no longer has to accept it now (PK-2's wait ends).
                crate::accept::end_wait(conn, job.case_id, &job.courier_company).await?;
            }
            diesel::update(pickup_jobs::table.find(job.job_id))
                .set((
                    pickup_jobs::status.eq(PickupJobState::Scheduled),
                    pickup_jobs::dispatch_at.eq(req.start),
                    pickup_jobs::dispatched_at.eq(None::<DateTime<Utc>>),
                ))
                .execute(conn)
                .await?;
            crate::scheduled_dispatch::schedule(conn, job.about(), req.start, now).await?;
            let ev = Emitter::new(crate::SERVICE, now).emit(job.about(), &PickupScheduled {
                    job_id: job.job_id,
                    rule: RuleId::Pk1,
                    dispatch_at: req.start,
                })?;
            stage(conn, &app.cities, &[ev]).await?;
            Ok(job.job_id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SlotBooked {
        case_id: id,
        job_id,
        status: PickupJobState::Scheduled,
        dispatch_at: req.start,
    }))
}
